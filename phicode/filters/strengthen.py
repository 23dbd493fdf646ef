"""Strengthen weak tests with inputs that tell the surviving mutants from the snippet.

The mutation filter drops a pair whose tests cannot tell a changed solution from
the real one. Often the tests are right but their calls never reach the changed
line (a colour conversion tested only on black, a clamp only inside its range).
For each surviving mutant, the snippet and the mutant run on the same candidate
inputs (the tests' own calls and calls one argument away from them, the
docstring's examples, the template backend's typed inputs) through
the one oracle (:func:`~phicode.generate.oracle.observe.observe`); an input on which they
differ, by more than the written test would tolerate, becomes one more oracle
test. Inputs are picked greedily, the one killing most survivors first, at most
:data:`MAX_ADDED`. The caller measures the score again with the usual mutation
tester and runs the new tests on the snippet, so nothing here is taken on trust.
"""

from __future__ import annotations

import ast
import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from phicode import pysyntax
from phicode.generate.clean import merge_tests
from phicode.generate.codeinfo import CodeError, FunctionInfo, function_info
from phicode.generate.oracle.asserts import template_tests
from phicode.generate.oracle.complete import model_cases
from phicode.generate.oracle.domain import in_domain
from phicode.generate.oracle.inputs import Case, docstring_cases, generated_cases, neighbour_cases
from phicode.generate.oracle.observe import Observed, OracleError, observe
from phicode.generate.oracle.reshape import reshaped_cases
from phicode.sandbox.runner import JobRunner, fan_out

VERSION = "strengthen@6"  # @3: reshaped inputs; @4: inputs near the tests first; @5: reshape@2; @6: a changed argument beside a returned value tells programs apart
MAX_ADDED = 4  # tests added to one pair at the most
CANDIDATES = 24  # template inputs tried
NEIGHBOURS = 24  # calls one argument away from the tests' own calls
RESHAPED = 48  # calls with one argument of the tests' own reshaped
_REL_TOLERANCE = 1e-6  # what pytest.approx forgives; a smaller change kills nothing


class Program(Protocol):
    """A known wrong program: a mutant or a baseline (its whole solution source)."""

    @property
    def source(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Distinguishing:
    """The candidate inputs the snippet handles in its domain, and on each, the
    programs (by index) that behave differently from it."""

    inputs: tuple[Observed, ...]
    kills: tuple[frozenset[int], ...]
    near: int = 0  # the first ``near`` inputs are the tests' own calls and calls close to them

    @property
    def distinguishable(self) -> frozenset[int]:
        """The programs some candidate input tells from the snippet (the rest may be
        equivalent to it, as far as anyone can know)."""
        return frozenset().union(*self.kills) if self.kills else frozenset()


@dataclass(frozen=True, slots=True)
class Strengthened:
    """The pair's tests with the added ones, and how many survivors they should kill."""

    tests: str
    added: int
    expected_kills: int
    inputs: tuple[Observed, ...] = ()  # what the snippet did on each added input


def distinguish(
    pool: JobRunner, solution: str, info: FunctionInfo, tests: str, programs: Sequence[Program]
) -> Distinguishing:
    """Which candidate inputs tell which of ``programs`` from the snippet (empty when
    the snippet cannot be run on any)."""
    if not programs:
        return Distinguishing((), ())
    try:
        usable, near = _candidates(pool, solution, info, tests)
        if not usable:
            return Distinguishing((), ())
        kills = _kills(pool, info, usable, programs)
    except OracleError:
        return Distinguishing((), ())
    return Distinguishing(tuple(usable), tuple(frozenset(k) for k in kills), near)


def strengthen(
    pool: JobRunner, solution: str, entry_point: str, tests: str, survivors: Sequence[Program]
) -> Strengthened | None:
    """``tests`` plus oracle tests that kill survivors, or None when no input does."""
    if not survivors:
        return None
    try:
        info = function_info(solution, entry_point)
    except CodeError:
        return None
    return tests_that_kill(info, tests, distinguish(pool, solution, info, tests, survivors))


def tests_that_kill(info: FunctionInfo, tests: str, found: Distinguishing) -> Strengthened | None:
    """``tests`` plus one oracle test per input of the greedy cover of ``found``."""
    chosen = _greedy_cover(list(found.kills), found.near)
    if not chosen:
        return None
    inputs = tuple(found.inputs[i] for i in chosen)
    added = template_tests(info, list(inputs), label="distinguishing")
    merged = merge_tests(tests, added, info)
    if merged is None:
        return None
    killed = set().union(*(found.kills[i] for i in chosen))
    return Strengthened(merged, len(chosen), len(killed), inputs)


def _candidates(
    pool: JobRunner, solution: str, info: FunctionInfo, tests: str
) -> tuple[list[Observed], int]:
    """What the snippet does on the candidate inputs (values and raises) in its domain
    (:func:`~phicode.generate.oracle.domain.in_domain`): the tests' own calls, their
    neighbours and their reshapings, the docstring's, the typed template inputs. A call the tests already
    make may still help: they may check it weakly (``is not None``). Also how many of
    them, first in the list, are the tests' own calls or close to them (not typed
    inputs from nowhere)."""
    seed = zlib.crc32(solution.encode())
    own = model_cases(tests, info)
    near = neighbour_cases(own, NEIGHBOURS) + reshaped_cases(own, RESHAPED)
    tried = own + near + docstring_cases(info)
    cases: dict[Case, None] = {}
    for case in tried:
        cases.setdefault(Case(case.args, case.kwargs, origin="generated"), None)
    tried_count = len(cases)
    for case in generated_cases(info, CANDIDATES, seed):
        cases.setdefault(Case(case.args, case.kwargs, origin="generated"), None)
    if not cases:
        return [], 0
    observed = observe(pool, solution, info.name, list(cases))
    keep = [o.kind in ("value", "raises") and in_domain(o, info, solution) for o in observed]
    usable = [o for o, kept in zip(observed, keep, strict=True) if kept]
    return usable, sum(keep[:tried_count])


def _kills(
    pool: JobRunner, info: FunctionInfo, usable: list[Observed], survivors: Sequence[Program]
) -> list[set[int]]:
    """For each usable input, the survivors (by index) that behave differently on it."""
    cases = [o.case for o in usable]

    def run(program: Program) -> list[Observed] | None:
        try:
            return observe(pool, program.source, info.name, cases)
        except OracleError:
            return None  # the program does not even import: its tests reject it anyway

    seen = fan_out(pool, run, list(survivors), name="strengthen")
    kills: list[set[int]] = [set() for _ in usable]
    for number, results in enumerate(seen):
        if results is None:
            continue
        for index, (real, mutated) in enumerate(zip(usable, results, strict=False)):
            if differs(real, mutated):
                kills[index].add(number)
    return kills


def differs(real: Observed, other: Observed) -> bool:
    """Whether a test written from ``real`` fails on ``other``'s behaviour."""
    if other.kind == "skipped":
        return False  # the oracle's time budget ran out before this case: unknown
    if other.kind in ("slow", "unstable"):
        return True  # the test would time out or flake on the mutant
    if real.kind != other.kind:
        return True
    if real.kind == "raises":
        return real.exc != other.exc
    if real.mutated != other.mutated:
        return True
    if real.float_ and (real.approx or real.array):
        return not _close(real.repr, other.repr)
    return real.repr != other.repr or real.array != other.array


def _close(a: str | None, b: str | None) -> bool:
    """Equal up to pytest.approx's relative tolerance, element by element."""
    try:
        left, right = _plain(a), _plain(b)
    except (ValueError, SyntaxError):
        return a == b
    return _close_values(left, right)


def _plain(text: str | None) -> object:
    node = pysyntax.parse(text or "", mode="eval").body
    if isinstance(node, ast.Call) and node.args:  # np.array([...], dtype=...)
        node = node.args[0]
    return pysyntax.literal_eval(node)


def _close_values(a: object, b: object) -> bool:
    if isinstance(a, float | int) and isinstance(b, float | int):
        return math.isclose(a, b, rel_tol=_REL_TOLERANCE, abs_tol=1e-12)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_close_values(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close_values(a[k], b[k]) for k in a)
    return a == b


def _greedy_cover(kills: list[set[int]], near: int = 0) -> list[int]:
    """Inputs killing the most survivors not yet killed, in that order, at most MAX_ADDED;
    an input among the first ``near`` (close to the tests' own calls) that kills any goes
    before a typed input from nowhere that kills more: a reader checks
    ``truncate('hello world', 5)`` against the question, not ``truncate('aa', 1)``."""
    chosen: list[int] = []
    left = set().union(*kills) if kills else set()
    while left and len(chosen) < MAX_ADDED:
        best = max(range(len(kills)), key=lambda i, left=left: _rank(kills[i] & left, i, near))
        if not kills[best] & left:
            break
        chosen.append(best)
        left -= kills[best]
    return chosen


def _rank(killing: set[int], index: int, near: int) -> tuple[bool, bool, int, int]:
    """Any kill first, then near the tests, then the most kills, then the earliest."""
    return bool(killing), index < near, len(killing), -index
