"""Verified wrong answers for preference data (``phicode export --format dpo``).

For each kept pair the chosen answer is its solution; the rejected answers are
wrong answers the run already made, each with the case that shows it wrong, as
AceCoder and CodeContests+ build theirs:

- the **blind answers** that failed (model answers to the question alone, kept
  in the run's state by the fidelity stage: no model call is redone here);
- **plausible mutants** of the solution (:mod:`phicode.mutate`, rebuilt from the
  solution): single-step slips that get at least one case right and at least one
  wrong. A mutant that fails every case is too easy a negative to teach anything.

A row's chosen and rejected answers differ in behaviour only, never in hand: a
mutant is printed by ``ast.unparse`` (no comments, single quotes), so its row's
chosen answer is the solution printed the same way, or a model would learn to
prefer the solution's quoting. A blind answer is the model's own text, beside the
solution as written.

Nothing is taken on trust: at export the case judge runs each chosen text (it must
pass, else the export stops naming the pair) and every candidate (only a clean
``failed`` verdict, never a timeout or a crash, makes it a rejected answer).
"""

from __future__ import annotations

import ast
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from phicode import pysyntax
from phicode.cases.judge import CaseVerdict, judge_cases
from phicode.errors import InputError
from phicode.mutate import mutants
from phicode.records import Pair, Status
from phicode.sandbox.runner import JobRunner, fan_out

BLIND, MUTANT = "blind", "mutant"
MAX_REJECTED = 4  # rejected answers per pair (blind answers first, then the hardest mutants)
MAX_MUTANTS = 24  # mutants judged per pair
_VERDICTS = {BLIND: (Status.FAILED, Status.ERROR), MUTANT: (Status.FAILED,)}


@dataclass(frozen=True, slots=True)
class Candidate:
    """A wrong answer to try: its code, where it came from, what (a mutant's change),
    and the solution in the same hand (the row's chosen answer)."""

    code: str
    origin: str
    chosen: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Rejected:
    """A candidate the case judge showed wrong: the first case it gets wrong, and why."""

    candidate: Candidate
    case_index: int
    why: str
    right: int
    total: int


def blind_answers(state_dir: Path) -> dict[str, tuple[str, ...]]:
    """The failed blind answers in a run's state, by pair id (none without a state)."""
    from phicode.pipeline.state import FILE_NAME, StateStore

    if not (state_dir / FILE_NAME).is_file():
        return {}
    found: dict[str, dict[str, None]] = defaultdict(dict)
    with StateStore(state_dir) as state:
        for unit in state.values("fidelity"):
            pair_id = unit.get("pair", {}).get("id")
            for code in unit.get("wrong", ()):
                found[pair_id][code] = None
    return {pair_id: tuple(codes) for pair_id, codes in found.items()}


def candidates(
    pair: Pair, blind: tuple[str, ...], max_mutants: int = MAX_MUTANTS
) -> list[Candidate]:
    """The blind answers, then the mutants, each distinct code once (never the solution)."""
    printed = tidy(pair.solution)
    found = [Candidate(code, BLIND, pair.solution) for code in blind] + [
        Candidate(tidy(m.source), MUTANT, printed, f"line {m.line}: {m.description}")
        for m in mutants(pair.solution, pair.entry_point, max_mutants)
    ]
    seen = {pair.solution, printed}
    out: list[Candidate] = []
    for candidate in found:
        if candidate.code not in seen:
            seen.add(candidate.code)
            out.append(candidate)
    return out


def tidy(code: str) -> str:
    """``code`` as ``ast.unparse`` prints it, without the ``pass`` a removed block leaves
    beside other statements (a tell no human answer has)."""
    tree = pysyntax.parse(code)
    for node in ast.walk(tree):
        for name in ("body", "orelse", "finalbody"):
            body = getattr(node, name, None)
            if isinstance(body, list) and len(body) > 1:
                kept = [s for s in body if not isinstance(s, ast.Pass)]
                setattr(node, name, kept or body[:1])
    return ast.unparse(tree) + "\n"


def rejected_answers(
    pool: JobRunner, pair: Pair, found: list[Candidate], limit: int = MAX_REJECTED
) -> list[Rejected]:
    """The candidates the case judge shows wrong, best first: blind answers in the order
    drawn, then the mutants that get the most cases right; at most ``limit``.

    Raises :class:`~phicode.errors.InputError` when the solution itself fails its cases."""
    for chosen in dict.fromkeys([pair.solution, *(c.chosen for c in found)]):
        judge_solution(pool, pair, chosen)
    verdicts = fan_out(
        pool, lambda c: judge_cases(pool, c.code, pair.entry_point, pair.cases), found, name="dpo"
    )
    shown = [
        _rejected(candidate, verdict)
        for candidate, verdict in zip(found, verdicts, strict=True)
        if _counts(candidate, verdict)
    ]
    blind = [r for r in shown if r.candidate.origin == BLIND]
    mutated = sorted((r for r in shown if r.candidate.origin == MUTANT), key=lambda r: -r.right)
    return (blind + mutated)[:limit]


def judge_solution(pool: JobRunner, pair: Pair, code: str | None = None) -> None:
    """The solution (or ``code``, the solution reprinted) must pass its cases;
    :class:`~phicode.errors.InputError` if not."""
    chosen = judge_cases(pool, code or pair.solution, pair.entry_point, pair.cases)
    if not chosen.passed:
        raise InputError(f"pair {pair.id}: its solution fails its own cases: {chosen.detail}")


def _counts(candidate: Candidate, verdict: CaseVerdict) -> bool:
    """A clean wrong verdict, with a case to show it; a mutant must also be plausible."""
    if verdict.status not in _VERDICTS[candidate.origin]:
        return False
    plausible = bool(verdict.wrong) and verdict.right > 0
    return candidate.origin == BLIND or plausible


def _rejected(candidate: Candidate, verdict: CaseVerdict) -> Rejected:
    index, why = verdict.wrong[0] if verdict.wrong else (-1, verdict.detail)
    return Rejected(candidate, index, why, verdict.right, verdict.total)


def fenced(code: str) -> str:
    """An answer as a completion: one fenced Python block (as a model is asked to give)."""
    return f"```python\n{code.rstrip()}\n```"


def dpo_rows(pair: Pair, prompt: str, rejected: list[Rejected]) -> list[dict[str, Any]]:
    """One (prompt, chosen, rejected) row per rejected answer, in TRL's DPO layout, with
    why each rejected answer is wrong."""
    return [
        {
            "id": f"{pair.id}-{index}",
            "pair_id": pair.id,
            "prompt": prompt,
            "chosen": fenced(found.candidate.chosen),
            "rejected": fenced(found.candidate.code),
            "rejected_origin": found.candidate.origin,
            "rejected_detail": found.candidate.detail,
            "failing_case": {
                "index": found.case_index,
                "case": _case_or_none(pair, found.case_index),
                "why": found.why,
            },
            "cases_right": found.right,
            "cases_total": found.total,
            "entry_point": pair.entry_point,
            "license": pair.source.license if pair.source else None,
        }
        for index, found in enumerate(rejected)
    ]


def _case_or_none(pair: Pair, index: int) -> str | None:
    """The failing case as its JSON (index -1: the answer did not run at all)."""
    return json.dumps(pair.cases[index].to_dict()) if 0 <= index < len(pair.cases) else None


def dpo_features() -> Any:
    from datasets import Features, Value

    text, whole = Value("string"), Value("int64")
    return Features(
        {
            "id": text, "pair_id": text, "prompt": text, "chosen": text, "rejected": text,
            "rejected_origin": text, "rejected_detail": text,
            "failing_case": {"index": whole, "case": text, "why": text},
            "cases_right": whole, "cases_total": whole, "entry_point": text, "license": text,
        }
    )  # fmt: skip
