"""Known wrong programs must fail: the tests get the inputs that reject them, and a score.

A pair's known wrong programs are its first-order mutants (:mod:`phicode.mutate`),
its trivial baselines (:mod:`phicode.filters.baselines`) and its shortcuts
(:mod:`phicode.filters.shortcuts`: an option the tests never vary, a projection of the
first argument; they feed step 1 only). Each runs against
the tests; each one that passes them (a survivor) runs with the snippet on the
candidate inputs of :mod:`phicode.filters.strengthen` (the tests' own calls, one
argument away from them, the docstring's, typed inputs), only those in the
snippet's domain (:mod:`phicode.generate.oracle.domain`). Then:

1. an input on which a survivor and the snippet differ becomes one more oracle
   test (greedy: the input rejecting most survivors first, at most
   :data:`~phicode.filters.strengthen.MAX_ADDED`); the new file must pass on the
   snippet, its cases are derived again, and every known program runs again on
   it. Nothing is taken on trust.
2. an added input the question does not show becomes a worked example of it
   while it shows fewer than :data:`~phicode.generate.oracle.examples.MAX_EXAMPLES`
   (a test the question does not state teaches a model to guess);
3. ``adequacy`` is the share of the known programs that differ from the snippet
   on some input (the tests reject them, or a candidate tells them apart) that
   the final tests reject. A survivor that no candidate tells apart may be
   equivalent to the snippet and does not count against it.

``clamp(value, low, high)`` tested only inside its range and above it: the
mutant ``min(value, high)`` survives, ``clamp(-5.0, 0.0, 1.0)`` tells it apart,
and becomes a test and an example. A pair that a baseline still passes is dropped
by :func:`~phicode.filters.baselines.baseline_verdict`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from phicode.filters.baselines import Baseline, baselines, passing_baselines
from phicode.filters.shortcuts import shortcuts
from phicode.filters.strengthen import Distinguishing, Program, distinguish, tests_that_kill
from phicode.generate.codeinfo import FunctionInfo, readable_info
from phicode.generate.oracle.derive import derive
from phicode.generate.oracle.examples import (
    MAX_EXAMPLES,
    count_examples,
    example_calls,
    example_line,
    showable,
    with_example,
)
from phicode.generate.oracle.observe import Observed
from phicode.generate.repair import with_notes
from phicode.judge import verify_pair
from phicode.mutate import MutationReport, MutationTester
from phicode.records import Pair, PairCase
from phicode.sandbox.runner import JobRunner

VERSION = "adequacy@2"  # 2: examples under a markdown heading


@dataclass(frozen=True, slots=True)
class Measured:
    """What the known wrong programs did against one version of the tests."""

    report: MutationReport
    baselines: tuple[Baseline, ...]  # all of them
    passing: tuple[Baseline, ...]  # those the tests let through
    shortcuts: tuple[Baseline, ...] = ()  # the shortcuts the tests let through

    @property
    def known(self) -> int:
        return self.report.total + len(self.baselines)

    @property
    def survivors(self) -> list[Program]:
        """The mutants and baselines the tests let through: adequacy's survivors."""
        return [*self.report.survivors, *self.passing]

    @property
    def to_reject(self) -> list[Program]:
        """Every known wrong program the tests let through, shortcuts included."""
        return [*self.survivors, *self.shortcuts]


@dataclass(frozen=True, slots=True, kw_only=True)
class AddedTests:
    """What adding the distinguishing inputs changed on a pair (and nothing else, so
    that a stored result never carries a stale copy of the rest of the pair)."""

    tests: str
    question: str
    cases: tuple[PairCase, ...]
    tests_passed: int
    tests_total: int
    branch_coverage: float | None
    note: str

    def apply(self, pair: Pair) -> Pair:
        """``pair`` with these tests, cases, question and counts; the note in its detail."""
        assert pair.verification is not None
        before = pair.verification
        verification = replace(
            before, tests_passed=self.tests_passed, tests_total=self.tests_total,
            tests_failed=0, branch_coverage=self.branch_coverage,
            detail=with_notes(before.detail, (self.note,)),
        )  # fmt: skip
        changed = replace(pair, tests=self.tests, question=self.question, cases=self.cases)
        return changed.with_verification(verification)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["cases"] = [c.to_dict() for c in self.cases]
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AddedTests:
        cases = tuple(PairCase.from_dict(c) for c in data["cases"])
        return cls(**{**data, "cases": cases})


@dataclass(frozen=True, slots=True, kw_only=True)
class Hardened:
    """The final tests' verdicts, and what was added to get them (None: nothing)."""

    score: float | None
    total: int
    baselines: tuple[str, ...]  # the baselines that still pass
    adequacy: float | None
    rejected: int = 0  # known wrong programs the final tests reject
    differing: int = 0  # known wrong programs that differ from the snippet on some input
    added: AddedTests | None = None


def harden(pool: JobRunner, pair: Pair, tester: MutationTester, *, add: bool = True) -> Hardened:
    """Runs the known wrong programs of ``pair`` and, when ``add``, adds the inputs that
    reject survivors (see the module). Never raises for a snippet that cannot run."""
    info = readable_info(pair.solution, pair.entry_point)
    shortcut_info = info if add else None  # shortcuts only feed what strengthening adds
    before = _measure(pool, pair, tester, shortcut_info)
    survivors = before.to_reject
    if not survivors or info is None:
        return _hardened(before, frozenset(), None)
    found = distinguish(pool, pair.solution, info, pair.tests, survivors)
    sources = frozenset(survivors[i].source for i in found.distinguishable)
    if add:
        added = _with_inputs(pool, pair, info, found)
        if added is not None:
            # the final count leaves shortcuts out (adequacy), so they need not run again
            again = _measure(pool, added.apply(pair), tester, None)
            return _hardened(again, sources, added)
    return _hardened(before, sources, None)


def adequacy(measured: Measured, distinguishable: frozenset[str]) -> float | None:
    """Rejected / (rejected + survivors some input tells apart); None with no known program
    that differs from the snippet."""
    return _share(*counts(measured, distinguishable))


def counts(measured: Measured, distinguishable: frozenset[str]) -> tuple[int, int]:
    """The known programs the tests reject, and those that differ from the snippet (the
    rejected and the survivors some input tells apart): adequacy's terms, for pooling."""
    survivors = [s.source for s in measured.survivors]
    rejected = measured.known - len(survivors)
    return rejected, rejected + sum(source in distinguishable for source in survivors)


def _measure(
    pool: JobRunner, pair: Pair, tester: MutationTester, info: FunctionInfo | None
) -> Measured:
    """The known wrong programs against ``pair``'s tests (no shortcuts without ``info``)."""
    found = baselines(pair)
    report = tester.test(pair)
    passing = tuple(passing_baselines(pool, pair, found))
    shortcuts_passing = tuple(passing_baselines(pool, pair, shortcuts(pair, info)))
    return Measured(report, tuple(found), passing, shortcuts_passing)


def _hardened(
    measured: Measured, distinguishable: frozenset[str], added: AddedTests | None
) -> Hardened:
    rejected, differing = counts(measured, distinguishable)
    return Hardened(
        score=measured.report.score,
        total=measured.report.total,
        baselines=tuple(b.name for b in measured.passing),
        adequacy=_share(rejected, differing),
        rejected=rejected,
        differing=differing,
        added=added,
    )


def _with_inputs(
    pool: JobRunner, pair: Pair, info: FunctionInfo, found: Distinguishing
) -> AddedTests | None:
    """The distinguishing tests, their cases and the examples that state them; None when
    nothing is added or the new tests fail on the snippet."""
    stronger = tests_that_kill(info, pair.tests, found)
    if stronger is None:
        return None
    derived = derive(pool, replace(pair, tests=stronger.tests))
    question, shown = _stated(pair.question, info, stronger.inputs)
    candidate = replace(pair, tests=stronger.tests, cases=derived.cases, question=question)
    verification = verify_pair(pool, candidate)
    if not verification.passed:
        return None
    note = f"{_tests(stronger.added)} added: they reject known wrong programs"
    note += f" ({shown} shown as examples)" if shown else ""
    return AddedTests(
        tests=stronger.tests, question=question, cases=derived.cases,
        tests_passed=verification.tests_passed, tests_total=verification.tests_total,
        branch_coverage=derived.branch_coverage, note=note,
    )  # fmt: skip


def _stated(question: str, info: FunctionInfo, inputs: tuple[Observed, ...]) -> tuple[str, int]:
    """The question with an example for each added input it does not show, while it
    shows fewer than MAX_EXAMPLES; and how many were added."""
    shown_calls = {c.call(info.name) for c in example_calls(question, info)}
    added = 0
    for o in inputs:
        if count_examples(question, info) >= MAX_EXAMPLES:
            break
        if not showable(o) or o.case.call(info.name) in shown_calls:
            continue
        question = with_example(question, example_line(info, o))
        added += 1
    return question, added


def _share(rejected: int, differing: int) -> float | None:
    return round(rejected / differing, 4) if differing else None


def _tests(count: int) -> str:
    return f"{count} test" if count == 1 else f"{count} tests"


__all__ = ["VERSION", "AddedTests", "Hardened", "Measured", "adequacy", "counts", "harden"]
