"""``phicode export``: a dataset file as Parquet or a Hugging Face dataset folder,
with a dataset card (counts, filters, models, licences) written next to it.

pyarrow and datasets are optional (``pip install 'phicode[export]'``) and are
imported only here, when an export runs.
"""

from __future__ import annotations

from collections import Counter
from enum import StrEnum
from pathlib import Path
from typing import Any

from phicode.errors import ConfigError, InputError
from phicode.jsonl import read_jsonl
from phicode.records import Pair

CARD_NAME = "README.md"


class ExportFormat(StrEnum):
    PARQUET = "parquet"
    HF = "hf"


def load_pairs(path: Path) -> list[Pair]:
    """Every pair of a dataset file; any bad line stops the export (validate first)."""
    pairs: list[Pair] = []
    for line in read_jsonl(path, lambda data: Pair.from_dict(data, strict=True)):
        if line.record is None:
            raise InputError(f"{line.where}: {line.problem} (run 'phicode validate' first)")
        pairs.append(line.record)
    if not pairs:
        raise InputError(f"{path}: holds no records")
    return pairs


def _rows(pairs: list[Pair]) -> list[dict[str, Any]]:
    """Flat columns: nested source/generator/verification as JSON strings are
    awkward to query, so their fields become columns of their own."""
    rows = []
    for pair in pairs:
        row: dict[str, Any] = {
            "id": pair.id, "question": pair.question, "solution": pair.solution,
            "entry_point": pair.entry_point, "tests": pair.tests,
        }  # fmt: skip
        for prefix, part in (
            ("source", pair.source),
            ("generator", pair.generator),
            ("verification", pair.verification),
        ):
            for key, value in (part.to_dict() if part else {}).items():
                row[f"{prefix}_{key}"] = value
        rows.append(row)
    return rows


def export(path: Path, fmt: ExportFormat, out_dir: Path) -> Path:
    """Write the dataset and its card under ``out_dir``; return the data path."""
    pairs = load_pairs(path)
    rows = _rows(pairs)
    out_dir.mkdir(parents=True, exist_ok=True)
    if fmt is ExportFormat.PARQUET:
        target = _parquet(rows, out_dir / "data.parquet")
    elif fmt is ExportFormat.HF:
        target = _hf(rows, out_dir / "data")
    else:  # pragma: no cover - argparse restricts the choices
        raise ConfigError(f"--format: {fmt!r} is not parquet or hf")
    (out_dir / CARD_NAME).write_text(dataset_card(pairs, path, fmt), encoding="utf-8")
    return target


def _parquet(rows: list[dict[str, Any]], target: Path) -> Path:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise ConfigError("export needs pyarrow: pip install 'phicode[export]'") from exc
    pq.write_table(pa.Table.from_pylist(rows), target)
    return target


def _hf(rows: list[dict[str, Any]], target: Path) -> Path:
    try:
        import datasets
    except ImportError as exc:
        raise ConfigError(
            "export --format hf needs datasets: pip install 'phicode[export]'"
        ) from exc
    datasets.Dataset.from_list(rows).save_to_disk(str(target))
    return target


def _median(pairs: list[Pair], score: str) -> str:
    known = sorted(
        value
        for p in pairs
        if p.verification and (value := getattr(p.verification, score)) is not None
    )
    return str(known[len(known) // 2]) if known else "n/a"


def dataset_card(pairs: list[Pair], source: Path, fmt: ExportFormat) -> str:
    """A Markdown card: what is in the data and how it was made."""
    licences = Counter((p.source.license if p.source else None) or "unknown" for p in pairs)
    repos = Counter(p.source.repo if p.source else "unknown" for p in pairs)
    models = Counter(
        f"{p.generator.backend}:{p.generator.model} ({p.generator.prompt})"
        for p in pairs
        if p.generator
    )
    tests = sum(p.verification.tests_total for p in pairs if p.verification)
    lines = [
        "---",
        f"license: {_card_license(licences)}",
        "task_categories: [text-generation]",
        "tags: [code, python, synthetic, verified]",
        "---",
        "",
        "# phicode dataset",
        "",
        f"{len(pairs)} (question, solution, tests) pairs made by phicode from `{source.name}` "
        f"and exported as {fmt.value}. Every pair passed its tests in phicode's sandbox.",
        "",
        "## Counts",
        "",
        f"- pairs: {len(pairs)}",
        f"- tests: {tests}",
        f"- median mutation score: {_median(pairs, 'mutation_score')}",
        f"- median blind solve rate (question alone): {_median(pairs, 'solve_rate')}",
        "",
        "## Filters",
        "",
        "Mined functions were filtered (size, arguments and return value, forbidden modules, "
        "nondeterminism, generated code), deduplicated (exact and MinHash near duplicates) and "
        "decontaminated against HumanEval. Each pair's tests passed on its solution in the "
        "sandbox and killed enough mutants of it (mutation score). Each question was restated "
        "from the solution's observed behaviour (exceptions, worked examples) and solved "
        "blind from the question alone; tests that no blind answer passed were stated in "
        "the question or dropped.",
        "",
        "## Models and prompts",
        "",
        *[f"- {name}: {count}" for name, count in models.most_common()],
        "",
        "## Licences",
        "",
        *[f"- {name}: {count}" for name, count in licences.most_common()],
        "",
        "## Sources",
        "",
        *[f"- {name}: {count}" for name, count in repos.most_common(20)],
        "",
    ]
    return "\n".join(lines)


def _card_license(licences: Counter[str]) -> str:
    names = [name for name in licences if name != "unknown"]
    return names[0].lower() if len(names) == 1 else "other"
