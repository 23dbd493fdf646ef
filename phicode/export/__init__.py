"""``phicode export``: a dataset file in the forms its users consume.

- ``parquet``: one Parquet file, a row per pair, every field of the record;
- ``hf``: the Hugging Face Hub's layout (:mod:`phicode.export.hub`): Parquet shards
  under ``data/`` and a card with configs, features and licence, so that
  ``datasets.load_dataset(DIR)["train"]`` reads it and :func:`pairs_from_rows`
  turns its rows back into records;
- ``dpo``: preference pairs, chosen = the solution, rejected = verified wrong
  answers with the case that fails each (:mod:`phicode.export.preference`);
- ``rl``: RL tasks in veRL's layout, rewarded by ``phicode.scoring``
  (:mod:`phicode.export.rl`).

Every exported pair must carry its cases (the case judge is what makes the data
a reward source). The whole input is read and checked, and for ``dpo``/``rl`` every
answer judged, before anything is written; the folder is then written whole
(:func:`~phicode.export.hub.write_folder`). pyarrow and datasets are optional
(``pip install 'phicode[export]'``) and imported only when an export runs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from phicode.console import progress, warn
from phicode.errors import InputError
from phicode.export import card, hub
from phicode.export.columns import features, pair_from_row, pair_row
from phicode.jsonl import read_jsonl
from phicode.records import Pair
from phicode.sandbox.config import SandboxConfig

CARD_NAME = hub.CARD_NAME
PARQUET_NAME = "data.parquet"


class ExportFormat(StrEnum):
    PARQUET = "parquet"
    HF = "hf"
    DPO = "dpo"
    RL = "rl"

    @property
    def judged(self) -> bool:
        """Whether the export runs answers through the case judge (needs the sandbox)."""
        return self in (ExportFormat.DPO, ExportFormat.RL)


@dataclass(frozen=True, slots=True)
class ExportRequest:
    """What to export, how, and where (``state``: the run's state, for blind answers)."""

    dataset: Path
    format: ExportFormat
    output: Path
    state: Path | None = None
    sandbox: SandboxConfig = field(default_factory=SandboxConfig)
    max_rejected: int = 4
    push_to_hub: str | None = None
    show_progress: bool = True


@dataclass(slots=True)
class ExportReport:
    """What was written: files, rows, and for ``dpo`` the rejected answers by origin."""

    files: list[Path]
    pairs: int
    rows: int
    rejected: Counter[str] = field(default_factory=Counter)
    without_rejected: int = 0  # dpo: pairs no wrong answer was found for
    url: str | None = None


def load_pairs(path: Path) -> list[Pair]:
    """Every pair of a dataset file, each with its cases; any bad line stops the export."""
    pairs: list[Pair] = []
    for line in read_jsonl(path, lambda data: Pair.from_dict(data, strict=True)):
        if line.record is None:
            raise InputError(f"{line.where}: {line.problem} (run 'phicode validate' first)")
        if not line.record.cases:
            raise InputError(
                f"{line.where}: pair {line.record.id} has no cases, so it cannot be judged "
                "(give it cases with 'phicode verify --add-cases')"
            )
        pairs.append(line.record)
    if not pairs:
        raise InputError(f"{path}: holds no records")
    return pairs


def pairs_from_rows(rows: Iterable[dict[str, Any]]) -> list[Pair]:
    """The pairs of an exported ``hf``/``parquet`` dataset's rows (``load_dataset``'s)."""
    return [pair_from_row(row) for row in rows]


def export(request: ExportRequest) -> ExportReport:
    """Write ``request.dataset`` as ``request.format`` under ``request.output``."""
    pairs = load_pairs(request.dataset)
    fmt = request.format
    if fmt.judged:
        rows, feats, report = _judged_rows(request, pairs)
    else:
        rows, feats = [pair_row(p) for p in pairs], features()
        report = ExportReport(files=[], pairs=len(pairs), rows=len(rows))
    body = card.card_body(pairs, request.dataset, _WHAT[fmt], _USAGE[fmt])
    tags = [*card.TAGS, fmt.value]

    def fill(folder: Path) -> None:
        if fmt is ExportFormat.PARQUET:
            written = hub.write_shards(rows, feats, folder, [PARQUET_NAME])
        else:
            written = hub.write_shards(rows, feats, folder / hub.DATA_DIR)
        matter = hub.front_matter(feats, card.card_license(pairs), tags, written)
        (folder / CARD_NAME).write_text(hub.card_text(matter, body), encoding="utf-8")

    report.files = hub.write_folder(request.output, fill)
    if request.push_to_hub:
        report.url = hub.push_to_hub(request.output, request.push_to_hub)
    return report


def _judged_rows(
    request: ExportRequest, pairs: list[Pair]
) -> tuple[list[dict[str, Any]], Any, ExportReport]:
    """dpo/rl rows, every answer in them judged on a warm pool first."""
    from phicode.export import preference, rl
    from phicode.filters.agreement import solve_prompt
    from phicode.generate.prompts import Prompts
    from phicode.sandbox.pool import SandboxPool

    prompts = Prompts()
    report = ExportReport(files=[], pairs=len(pairs), rows=0)
    rows: list[dict[str, Any]] = []
    blind = _blind_answers(request) if request.format is ExportFormat.DPO else {}
    label = f"export {request.format.value}"
    with (
        SandboxPool(request.sandbox) as pool,
        progress(label, len(pairs), request.show_progress) as advance,
    ):
        for index, pair in enumerate(pairs):
            prompt = solve_prompt(prompts, pair)
            if request.format is ExportFormat.RL:
                preference.judge_solution(pool, pair)
                rows.append(rl.rl_row(pair, prompt, index))
            else:
                found = preference.candidates(pair, blind.get(pair.id, ()))
                rejected = preference.rejected_answers(pool, pair, found, request.max_rejected)
                report.rejected.update(r.candidate.origin for r in rejected)
                report.without_rejected += not rejected
                rows += preference.dpo_rows(pair, prompt, rejected)
            advance()
    report.rows = len(rows)
    feats = rl.rl_features() if request.format is ExportFormat.RL else preference.dpo_features()
    return rows, feats, report


def _blind_answers(request: ExportRequest) -> dict[str, tuple[str, ...]]:
    """The run's failed blind answers by pair id; a warning when its state has none."""
    from phicode.export.preference import blind_answers
    from phicode.pipeline.state import default_state_folder

    state = request.state or default_state_folder(request.dataset)
    found = blind_answers(state)
    if not found:
        warn(
            f"{state}: no failed blind answers in this state (none kept, or no state there: "
            "pass the run's --state); the rejected answers are mutants only"
        )
    return found


_WHAT = {
    ExportFormat.PARQUET: "(question, solution, tests, cases) pairs, one row each.",
    ExportFormat.HF: "(question, solution, tests, cases) pairs, one row each.",
    ExportFormat.DPO: "Preference pairs: the prompt a model answers, the verified solution "
    "(chosen) and a verified wrong answer (rejected: a failed blind answer or a plausible "
    "mutant of the solution), with the case that shows it wrong.",
    ExportFormat.RL: "RL tasks in veRL's layout: the prompt, and the pair (tests and cases) "
    "as the reward's ground truth.",
}
_LOAD = [
    "```python",
    "from datasets import load_dataset",
    "",
    'rows = load_dataset("DIR")["train"]',
]
_USAGE = {
    ExportFormat.PARQUET: [],
    ExportFormat.HF: [
        "## Use",
        "",
        *_LOAD,
        "from phicode.export import pairs_from_rows",
        "",
        "pairs = pairs_from_rows(rows)  # phicode records again: validate, score, re-judge",
        "```",
        "",
    ],
    ExportFormat.DPO: [
        "## Use",
        "",
        *_LOAD,
        "# columns prompt, chosen, rejected: TRL's DPOTrainer reads them as they are",
        "```",
        "",
    ],
    ExportFormat.RL: [
        "## Use",
        "",
        "veRL: `data.train_files=DIR/data/train-00000-of-00001.parquet` and "
        "`custom_reward_function.name=compute_score` with `custom_reward_function.path` "
        "set to `phicode/scoring.py`. TRL's GRPO: `reward_funcs=[phicode.scoring.reward_func]` "
        "(it reads the `pair` column).",
        "",
    ],
}
