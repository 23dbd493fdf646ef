"""JavaScript and TypeScript as parts of the pipeline.

- Tests are ``node:test`` files (``test_solution.mjs``, or ``.ts``) importing the
  answer from ``./solution.mjs``; the sandbox runs them with ``node --test`` (one result
  per test; ``sandbox/node_runner.py``). TypeScript is stripped of its types by esbuild
  in the sandbox and otherwise runs as JavaScript: the tests, the case judge and the
  values are the same.
- The case judge: ``compute.mjs`` (in the sandbox) calls the entry point on each case's
  arguments (JS literal sources) and writes the results as tagged data;
  :mod:`.values` reads them and the expected literal on the host and compares them as
  ``deepStrictEqual`` does. A case's ``raises`` is the error's class name
  (``RangeError``, or a class of the snippet's own).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from phicode.languages.javascript import values
from phicode.languages.javascript.signs import forgery_signs
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

COMPUTE_SOURCE = (Path(__file__).with_name("compute.mjs")).read_text(encoding="utf-8")
COMPUTE_FILE = "compute.mjs"
CASES_FILE = "cases.json"  # what compute.mjs reads: the entry point and the arguments
_UNREADABLE = (values.NotAValue, TypeError, ValueError, LookupError, RecursionError)


@dataclass(frozen=True, slots=True)
class JavaScript:
    """JavaScript (``typescript=False``) or TypeScript: the same runtime, other files."""

    name: str
    extensions: tuple[str, ...]
    solution_file: str
    tests_file: str
    runner: str = "node --test"  # what runs the tests, as a verdict's detail names it
    composes_pairs: bool = True  # composed from observed calls (.synth), cases and scores too

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
        # node --test runs every test of a file; a mutant's first failure ends nothing early
        return Job.node(
            {self.solution_file: solution, self.tests_file: tests},
            self.tests_file,
            tests=True,
            timeout_s=timeout_s,
            memory_mb=memory_mb,
            max_output=max_output,
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
        spec = {"entry": entry_point, "cases": [{"args": list(c.args)} for c in cases]}
        return Job.node(
            {
                COMPUTE_FILE: COMPUTE_SOURCE,
                CASES_FILE: json.dumps(spec),
                self.solution_file: solution,
            },
            COMPUTE_FILE,
            tests=False,
            timeout_s=timeout_s,
            memory_mb=memory_mb,
            max_output=4 << 20,
        )

    def case_wrong(self, case: PairCase, outcome: dict[str, Any]) -> str | None:
        return case_wrong(case, outcome)

    def forgery_signs(self, solution: str, tests: str) -> list[str]:
        return forgery_signs(solution, tests, typescript=self.name == "typescript")

    @property
    def composer_part(self) -> str:
        return "javascript"  # TypeScript shares JavaScript's composer

    @property
    def composer_version(self) -> str:
        from phicode.languages.javascript.synth import VERSION

        return VERSION

    def mine_file(self, task: FileTask, config: MineConfig) -> FileResult:
        from phicode.languages.javascript.mine import mine_file

        return mine_file(task, config)

    def code_findings(self, pair: Pair) -> list[tuple[Check, str]]:
        from phicode.languages.javascript.checks import code_findings

        return code_findings(pair)

    def compose(self, pool: JobRunner, snippet: Snippet) -> Pair | Rejected:
        from phicode.languages.javascript.synth import synthesize

        return synthesize(pool, snippet)


def case_wrong(case: PairCase, outcome: dict[str, Any]) -> str | None:
    """Why ``outcome`` (of ``compute.mjs``) does not satisfy ``case``; None when it does."""
    if "error" in outcome:
        return _text(outcome["error"])
    own = _text(outcome.get("own"))
    if case.raises is not None:
        thrown = outcome.get("raises")
        if not isinstance(thrown, list):
            return f"returned a value, expected it to throw {case.raises}"
        return None if case.raises in thrown else f"threw {own}, expected {case.raises}"
    if "raises" in outcome:
        return f"threw {own}"
    try:
        actual = values.untagged(outcome.get("value"))
    except _UNREADABLE as exc:
        return f"a result that cannot be read ({exc})"[:200]
    try:
        expected = values.read_literal(case.expect or "")
    except _UNREADABLE as exc:
        return f"the expected value {case.expect!r:.60} cannot be read ({exc})"
    if values.same(actual, expected, case.compare):
        return None
    return f"returned {_short(values.to_source(actual))}, expected {_short(case.expect or '')}"


def _text(value: Any, limit: int = 120) -> str:
    return value[:limit] if isinstance(value, str) else json.dumps(value)[:limit]


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


JAVASCRIPT = JavaScript(
    name="javascript",
    extensions=(".js", ".mjs", ".cjs"),
    solution_file="solution.mjs",
    tests_file="test_solution.mjs",
)
TYPESCRIPT = JavaScript(
    name="typescript",
    extensions=(".ts",),
    solution_file="solution.ts",
    tests_file="test_solution.ts",
)

__all__ = ["JAVASCRIPT", "TYPESCRIPT", "JavaScript", "case_wrong"]
