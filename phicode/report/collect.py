"""What a report shows, read from a dataset file and its ``--rejected`` file.

Everything here is plain data (numbers, strings, lists) so the page can embed it
as JSON; the records are read through :mod:`phicode.records` and
:mod:`phicode.jsonl`, and a broken line is a problem reported ``FILE:LINE:`` as
``phicode validate`` reports it, never a crash.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from phicode.jsonl import read_jsonl
from phicode.records import Pair, Rejection

# The order records pass the stages in (phicode run: mine, synth, filter; phicode verify).
STAGE_ORDER = ("mine", "synth", "verify", "filter")


@dataclass(frozen=True, slots=True)
class FunnelRow:
    """One stage: how many records reached it, how many it dropped and why."""

    stage: str
    entered: int
    dropped: int
    reasons: tuple[tuple[str, int], ...]  # most frequent first


@dataclass
class ReportData:
    """The records and every figure the page shows."""

    pairs: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # FILE:LINE: problem
    has_rejected_file: bool = False

    @property
    def kept(self) -> int:
        return len(self.pairs)

    def funnel(self) -> list[FunnelRow]:
        """Stage by stage from all records: what entered each stage is what no earlier
        stage dropped (kept pairs passed every stage)."""
        by_stage: dict[str, Counter[str]] = {}
        for record in self.rejected:
            by_stage.setdefault(record["stage"], Counter())[record["reason"]] += 1
        stages = [s for s in STAGE_ORDER if s in by_stage]
        stages += sorted(s for s in by_stage if s not in STAGE_ORDER)
        return funnel_rows(self.kept + len(self.rejected), [(s, by_stage[s]) for s in stages])

    def scores(self, name: str) -> list[float]:
        return [p[name] for p in self.pairs if p.get(name) is not None]

    def provenance(self) -> dict[str, list[tuple[str, int]]]:
        """Pairs by language, by repository, by file and by licence, most first."""
        return {
            key: Counter(p.get(key) or "unknown" for p in self.pairs).most_common()
            for key in ("language", "repo", "path", "license")
        }

    def settings(self) -> list[tuple[str, str]]:
        """What made the pairs, as the records say (backend, model, prompt versions)."""
        made = Counter((p["backend"], p["model"], p["prompt"]) for p in self.pairs)
        return [
            (f"{backend} / {model or 'default'}", f"{prompt} ({n} pairs)")
            for (backend, model, prompt), n in made.most_common()
        ]


def funnel_rows(entered: int, drops: Iterable[tuple[str, Mapping[str, int]]]) -> list[FunnelRow]:
    """The funnel from ``entered`` records and each stage's drops by reason, in stage
    order: what enters a stage is what no earlier stage dropped. ``phicode run`` calls
    it with its own counts when it keeps no rejected file."""
    rows = []
    for stage, reasons in drops:
        ranked = tuple(sorted(((r, n) for r, n in reasons.items() if n), key=_most_first))
        dropped = sum(n for _, n in ranked)
        rows.append(FunnelRow(stage, entered, dropped, ranked))
        entered -= dropped
    return rows


def _most_first(item: tuple[str, int]) -> tuple[int, str]:
    return -item[1], item[0]


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def read_report_data(dataset: Path, rejected: Path | None = None) -> ReportData:
    """The records of ``dataset`` (and ``rejected``) as the page's rows; bad lines are
    problems, good ones are kept."""
    data = ReportData(has_rejected_file=rejected is not None)
    for line in read_jsonl(dataset, Pair.from_dict):
        if line.record is None:
            data.problems.append(f"{line.where}: {line.problem}")
        else:
            data.pairs.append(pair_row(line.record, len(data.pairs)))
    if rejected is not None:
        for line in read_jsonl(rejected, Rejection.from_line):
            if line.record is None:
                data.problems.append(f"{line.where}: {line.problem}")
            else:
                rejection, record = line.record
                data.rejected.append(rejected_row(rejection, record, len(data.rejected)))
    return data


def pair_row(pair: Pair, index: int) -> dict[str, Any]:
    """A kept pair as the page's browser needs it."""
    source, generator, verification = pair.source, pair.generator, pair.verification
    return {
        "i": index,
        "id": pair.id,
        "entry_point": pair.entry_point,
        "language": pair.language,
        "question": pair.question,
        "solution": pair.solution,
        "tests": pair.tests,
        "repo": source.repo if source else "",
        "path": source.path if source else "",
        "lines": f"{source.start_line}-{source.end_line}" if source else "",
        "license": (source.license if source else None) or "",
        "backend": generator.backend if generator else "",
        "model": generator.model if generator else "",
        "prompt": generator.prompt if generator else "",
        "status": verification.status.value if verification else "",
        "tests_total": verification.tests_total if verification else 0,
        "mutation_score": verification.mutation_score if verification else None,
        "solve_rate": verification.solve_rate if verification else None,
        "duration_s": verification.duration_s if verification else None,
        "detail": verification.detail if verification else "",
    }


def rejected_row(rejection: Rejection, record: dict[str, Any], index: int) -> dict[str, Any]:
    """A rejected record: its stage, reason and detail, and the draft (or snippet) that
    failed, as far as the line carries it."""
    source = record.get("source") if isinstance(record.get("source"), dict) else {}

    def text(name: str) -> str:
        value = record.get(name)
        return value if isinstance(value, str) else ""

    return {
        "i": index,
        "stage": rejection.stage,
        "reason": rejection.reason,
        "detail": rejection.detail,
        "where": rejection.where or "",
        "entry_point": text("entry_point"),
        "question": text("question"),
        "solution": text("solution") or text("code"),
        "tests": text("tests"),
        "raw": text("raw") or str(rejection.extra.get("raw_output", "")),
        "repo": str(source.get("repo") or ""),
        "path": str(source.get("path") or ""),
        "license": str(source.get("license") or ""),
    }


__all__ = ["FunnelRow", "ReportData", "funnel_rows", "median", "read_report_data"]
