"""The agreement filter, after Phi-4: answer each question blind k times and run
every answer against the pair's tests.

A question that every blind answer solves is too easy to teach anything; one
that no answer solves is likely ambiguous or under-specified (or its tests
demand something the question never said). The pass rate is kept on the
record's detail; the pipeline drops pairs outside ``[min_rate, max_rate]``.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from phicode.filters.reasons import FilterReason, Verdict
from phicode.generate.backends.base import ModelBackend
from phicode.generate.clean import extract_code
from phicode.generate.config import GenerationParams
from phicode.generate.prompts import Prompts
from phicode.judge import JobRunner, verify_pair
from phicode.records import Pair

VERSION = "agreement@1"
MIN_SOLVE_TEMPERATURE = 0.7  # blind answers must differ to mean anything


@dataclass(frozen=True, slots=True)
class Agreement:
    samples: int
    solved: int

    @property
    def rate(self) -> float:
        return self.solved / self.samples if self.samples else 0.0


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

    def measure(self, pair: Pair) -> Agreement:
        prompt = self.prompts.render("solve", question=pair.question, entry_point=pair.entry_point)
        answers = self.backend.generate([prompt] * self.samples, self.params)
        with ThreadPoolExecutor(max_workers=self.pool.size) as executor:
            solved = sum(executor.map(lambda answer: self._solves(pair, answer), answers))
        return Agreement(self.samples, solved)

    def _solves(self, pair: Pair, answer: str) -> bool:
        code, _notes = extract_code(answer)
        if not code:
            return False
        return verify_pair(self.pool, pair, solution=code).passed


def agreement_verdict(
    solved: int, samples: int, min_rate: float, max_rate: float
) -> Verdict | None:
    """Why a question with this blind pass rate is dropped, or None to keep it."""
    rate = solved / samples if samples else 0.0
    detail = f"{solved}/{samples} blind answers passed"
    if rate > max_rate:
        return Verdict(FilterReason.TOO_EASY, detail)
    if rate < min_rate:
        return Verdict(FilterReason.AMBIGUOUS, detail)
    return None
