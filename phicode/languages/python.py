"""Python as a part of the pipeline: pytest runs the tests, ``compute.py`` the cases.

This is what phicode always did, behind the :class:`~phicode.languages.Language`
interface: the jobs, the case judge's rule and the forgery signs are the modules
they always were (:mod:`phicode.cases`, :mod:`phicode.tamper`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from phicode.records import PairCase
from phicode.sandbox.jobs import Job

if TYPE_CHECKING:
    from phicode.generate.drafters import Rejected
    from phicode.mine.config import MineConfig
    from phicode.mine.walk import FileTask
    from phicode.mine.worker import FileResult
    from phicode.records import Pair, Snippet
    from phicode.sandbox.runner import JobRunner
    from phicode.validate import Check


@dataclass(frozen=True, slots=True)
class Python:
    name: str = "python"
    extensions: tuple[str, ...] = (".py",)
    solution_file: str = "solution.py"
    tests_file: str = "test_solution.py"
    runner: str = "pytest"  # what runs the tests, as a verdict's detail names it
    composes_pairs: bool = False  # the model drafts; later stages align, derive, score

    def tests_job(
        self,
        solution: str,
        tests: str,
        *,
        timeout_s: float,
        memory_mb: int,
        max_output: int,
        stop_on_first_failure: bool = False,
    ) -> Job:
        return Job.pytest(
            {self.solution_file: solution, self.tests_file: tests},
            self.tests_file,
            timeout_s=timeout_s,
            memory_mb=memory_mb,
            max_output=max_output,
            stop_on_first_failure=stop_on_first_failure,
        )

    def cases_job(
        self,
        solution: str,
        entry_point: str,
        cases: Sequence[PairCase],
        *,
        timeout_s: float,
        memory_mb: int,
    ) -> Job:
        from phicode.cases.judge import cases_job

        return cases_job(solution, entry_point, tuple(cases), timeout_s, memory_mb)

    def case_wrong(self, case: PairCase, outcome: dict[str, Any]) -> str | None:
        from phicode.cases.judge import python_case_wrong

        return python_case_wrong(case, outcome)

    def forgery_signs(self, solution: str, tests: str) -> list[str]:
        from phicode.tamper import static_signs

        return static_signs(solution, tests)

    @property
    def composer_part(self) -> str:
        return ""

    @property
    def composer_version(self) -> str:
        return ""

    def mine_file(self, task: FileTask, config: MineConfig) -> FileResult:
        from phicode.mine.worker import mine_python_file

        return mine_python_file(task, config)

    def code_findings(self, pair: Pair) -> list[tuple[Check, str]]:
        from phicode.validate import python_code_findings

        return python_code_findings(pair)

    def compose(self, pool: JobRunner, snippet: Snippet) -> Pair | Rejected:
        raise NotImplementedError("Python pairs are drafted by the model (generate.synth)")


PYTHON = Python()

__all__ = ["PYTHON", "Python"]
