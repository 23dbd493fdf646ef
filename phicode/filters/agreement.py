"""Blind solves, after Phi-4: answer each question k times from the question alone and run
every answer against the pair's tests (``solve_rate``; per-test outcomes feed the
fidelity filter, :mod:`phicode.filters.fidelity`).

A question that every blind answer solves is too easy to teach anything; one
that no answer solves is likely ambiguous or under-specified (or its tests
demand something the question never said). The pass rate is kept on the
record's detail; the pipeline drops pairs outside ``[min_rate, max_rate]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from phicode.filters.reasons import FilterReason, Verdict
from phicode.generate.backends.base import ModelBackend
from phicode.generate.clean import extract_code, nodeid_name
from phicode.generate.config import GenerationParams
from phicode.generate.prompts import Prompts
from phicode.judge import run_pair
from phicode.records import Pair
from phicode.sandbox.runner import JobRunner, fan_out

DEFAULT_SAMPLES = 4  # blind answers per question with a model backend (docs/faithful-pairs.md)
VERSION = "agreement@1"
MIN_SOLVE_TEMPERATURE = 0.7  # blind answers must differ to mean anything


@dataclass(frozen=True, slots=True)
class Sample:
    """One blind answer run against a pair's tests: the verdict and each test's outcome
    (by test name; empty when the answer held no code)."""

    passed: bool
    outcomes: dict[str, str]


class AgreementFilter:
    """Blind-solves questions with a model and counts the answers that pass."""

    def __init__(
        self,
        backend: ModelBackend,
        pool: JobRunner,
        samples: int,
        params: GenerationParams | None = None,
        prompts: Prompts | None = None,
    ) -> None:
        self.backend = backend
        self.pool = pool
        self.samples = samples
        base = params or GenerationParams()
        self.params = replace(base, temperature=max(base.temperature, MIN_SOLVE_TEMPERATURE))
        self.prompts = prompts or Prompts()

    def solve(self, pairs: Sequence[Pair]) -> list[list[Sample]]:
        """``samples`` blind answers per pair (one ``generate`` call for all), each run
        against the pair's tests with every test's outcome kept."""
        prompts = [
            self.prompts.render("solve", question=pair.question, entry_point=pair.entry_point)
            for pair in pairs
            for _ in range(self.samples)
        ]
        answers = self.backend.generate(prompts, self.params) if prompts else []
        jobs = [
            (pair, answers[i * self.samples + k])
            for i, pair in enumerate(pairs)
            for k in range(self.samples)
        ]
        runs = fan_out(self.pool, lambda job: self._run(*job), jobs, name="solve")
        return [runs[i * self.samples : (i + 1) * self.samples] for i in range(len(pairs))]

    def _run(self, pair: Pair, answer: str) -> Sample:
        code, _notes = extract_code(answer)
        if not code:
            return Sample(passed=False, outcomes={})
        run = run_pair(self.pool, pair, solution=code)
        outcomes = {nodeid_name(t.nodeid): t.outcome for t in run.result.tests}
        return Sample(passed=run.verification.passed, outcomes=outcomes)


def solve_rate_verdict(rate: float, min_rate: float, max_rate: float) -> Verdict | None:
    """Why a question with this ``solve_rate`` is dropped, or None to keep it."""
    if rate > max_rate:
        return Verdict(FilterReason.TOO_EASY, f"solve_rate {rate:.2f} > {max_rate:.2f}")
    if rate < min_rate:
        return Verdict(FilterReason.AMBIGUOUS, f"solve_rate {rate:.2f} < {min_rate:.2f}")
    return None
