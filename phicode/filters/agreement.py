"""Blind solves, after Phi-4: answer each question k times from the question alone and run
every answer against the pair's tests (``solve_rate``; per-test outcomes feed the
fidelity filter, :mod:`phicode.filters.fidelity`).

A question that every blind answer solves is too easy to teach anything; one
that no answer solves is likely ambiguous or under-specified (or its tests
demand something the question never said). The pass rate is kept on the
record's detail; the pipeline drops pairs outside ``[min_rate, max_rate]``.

The settle rule (``round_size``): answers are drawn ``round_size`` per question at a
time, and a question stops drawing once one answer passes every test. That answer
is a reader that passes each test, so no later answer can change which tests the
fidelity filter finds unstated: the pair comes out the same, for fewer answers. Its
``solve_rate`` is then the share of the answers drawn (docs/generation.md, "No wasted
calls"). With ``round_size == samples`` every answer is drawn in one call.
"""

from __future__ import annotations

import math
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
SETTLE = "settle@1"  # stop drawing once an answer passes every test (a resume-key part)
SETTLE_ROUND = 2  # answers per question per round with an in-process engine (measured)
MIN_SOLVE_TEMPERATURE = 0.7  # blind answers must differ to mean anything


@dataclass(frozen=True, slots=True)
class Sample:
    """One blind answer run against a pair's tests: the verdict and each test's outcome
    (by test name; empty when the answer held no code), and the answer's code (a failed
    one is kept in the state: the rejected side of ``phicode export --format dpo``)."""

    passed: bool
    outcomes: dict[str, str]
    code: str = ""


class AgreementFilter:
    """Blind-solves questions with a model and counts the answers that pass."""

    def __init__(
        self,
        backend: ModelBackend,
        pool: JobRunner,
        samples: int,
        params: GenerationParams | None = None,
        prompts: Prompts | None = None,
        round_size: int | None = None,
    ) -> None:
        self.backend = backend
        self.pool = pool
        self.samples = samples
        self.round_size = max(1, min(round_size or samples, samples)) if samples else 0
        base = params or GenerationParams()
        self.params = replace(base, temperature=max(base.temperature, MIN_SOLVE_TEMPERATURE))
        self.prompts = prompts or Prompts()

    def solve(self, pairs: Sequence[Pair]) -> list[list[Sample]]:
        """Up to ``samples`` blind answers per pair, each run against the pair's tests
        with every test's outcome kept; drawn in rounds (one ``generate`` call each for
        the pairs not yet settled) until each pair is settled (see the module)."""
        drawn: list[list[Sample]] = [[] for _ in pairs]
        rounds = math.ceil(self.samples / self.round_size) if self.samples else 0
        for round_no in range(rounds):
            todo = [i for i, got in enumerate(drawn) if self._unsettled(got)]
            if not todo:
                break
            wanted = [(pairs[i], min(self.round_size, self.samples - len(drawn[i]))) for i in todo]
            for i, samples in zip(todo, self._draw(wanted, round_no), strict=True):
                drawn[i] += samples
        return drawn

    def _unsettled(self, got: list[Sample]) -> bool:
        return len(got) < self.samples and not any(s.passed for s in got)

    def _draw(self, wanted: list[tuple[Pair, int]], round_no: int) -> list[list[Sample]]:
        """One round: ``n`` answers for each ``(pair, n)``, in one ``generate`` call with
        the round's own seed (a round must not repeat the answers of the one before)."""
        jobs = [(pair, self._prompt(pair)) for pair, n in wanted for _ in range(n)]
        params = replace(self.params, seed=self.params.seed + round_no * self.round_size)
        answers = self.backend.generate([prompt for _, prompt in jobs], params) if jobs else []
        runs = iter(
            fan_out(
                self.pool,
                lambda job: self._run(*job),
                [(pair, answer) for (pair, _), answer in zip(jobs, answers, strict=True)],
                name="solve",
            )
        )
        return [[next(runs) for _ in range(n)] for _, n in wanted]

    def _prompt(self, pair: Pair) -> str:
        return solve_prompt(self.prompts, pair)

    def _run(self, pair: Pair, answer: str) -> Sample:
        code, _notes = extract_code(answer)
        if not code:
            return Sample(passed=False, outcomes={})
        run = run_pair(self.pool, pair, solution=code)
        outcomes = {nodeid_name(t.nodeid): t.outcome for t in run.result.tests}
        return Sample(passed=run.verification.passed, outcomes=outcomes, code=code)


def solve_prompt(prompts: Prompts, pair: Pair) -> str:
    """What a blind solver (and a policy trained on the export) is asked: the question."""
    return prompts.render("solve", question=pair.question, entry_point=pair.entry_point)


def solve_rate_verdict(rate: float, min_rate: float, max_rate: float) -> Verdict | None:
    """Why a question with this ``solve_rate`` is dropped, or None to keep it."""
    if rate > max_rate:
        return Verdict(FilterReason.TOO_EASY, f"solve_rate {rate:.2f} > {max_rate:.2f}")
    if rate < min_rate:
        return Verdict(FilterReason.AMBIGUOUS, f"solve_rate {rate:.2f} < {min_rate:.2f}")
    return None
