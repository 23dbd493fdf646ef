"""Cases chosen for behaviour (issue 22): the probe's arcs and deliberate raises, the
domain rules, the greedy choice by branch / outcome / boundary, branch coverage, and
the trivial baselines that must fail. Real sandbox runs of the probe."""

from __future__ import annotations

import pytest

from phicode.filters.baselines import baseline_verdict, baselines, passing_baselines
from phicode.filters.reasons import FilterReason
from phicode.generate.codeinfo import function_info
from phicode.generate.oracle.branches import branch_arcs, branch_coverage
from phicode.generate.oracle.choose import boundary_cases, choose_cases, outcome_class
from phicode.generate.oracle.domain import in_domain, paired_parameters, paired_variants
from phicode.generate.oracle.inputs import Case
from phicode.generate.oracle.observe import Observed, observe
from phicode.records import Pair, PairCase

CLAMP = '''def clamp(value: int, low: int, high: int) -> int:
    """Limit value to [low, high]."""
    if low > high:
        raise ValueError("low must not exceed high")
    if value < low:
        return low
    if value > high:
        return high
    return value
'''
FIRST = '''def first(xs: list) -> int:
    """The first item."""
    return xs[0]
'''
DOCUMENTED = '''def first(xs: list) -> int:
    """The first item. Raises IndexError for an empty list."""
    return xs[0]
'''
PAIRED = '''def dot(xs: list, ys: list) -> int:
    """The dot product."""
    return sum(x * y for x, y in zip(xs, ys))
'''


def _cases(*calls: str) -> list[Case]:
    return [Case(tuple(c.split(";")), origin="model") for c in calls]


@pytest.mark.docker
def test_the_probe_tells_a_deliberate_raise_from_an_accident(sandbox_pool) -> None:
    [own] = observe(sandbox_pool, CLAMP, "clamp", _cases("1;5;0"))
    [accident] = observe(sandbox_pool, FIRST, "first", _cases("[]"))
    assert (own.kind, own.exc, own.deliberate, own.incidental) == (
        "raises",
        "ValueError",
        True,
        False,
    )
    assert (accident.kind, accident.exc, accident.incidental) == ("raises", "IndexError", True)
    info = function_info(FIRST, "first")
    assert not in_domain(accident, info, FIRST)
    documented = function_info(DOCUMENTED, "first")
    assert in_domain(accident, documented, DOCUMENTED)  # a documented precondition


@pytest.mark.docker
def test_the_probe_reports_the_arcs_of_each_call(sandbox_pool) -> None:
    inside, below, above = observe(
        sandbox_pool, CLAMP, "clamp", _cases("5;0;9", "-3;0;9", "12;0;9")
    )
    assert inside.arcs and below.arcs and above.arcs
    assert len({inside.arcs, below.arcs, above.arcs}) == 3  # three ways through
    assert branch_coverage(CLAMP, [inside.arcs]) < branch_coverage(
        CLAMP, [inside.arcs, below.arcs, above.arcs]
    )


@pytest.mark.docker
def test_clamp_cases_clamp_on_both_sides_and_cover_every_branch(sandbox_pool) -> None:
    info = function_info(CLAMP, "clamp")
    # the clamp: every model call is in range, or raises
    model = _cases("5;0;10", "7;0;10", "3;1;9", "1;5;0")
    candidates = model + boundary_cases(model, info, CLAMP) + _cases("-4;0;10", "42;0;10")
    seen = observe(sandbox_pool, CLAMP, "clamp", candidates)
    chosen = choose_cases(seen, info, CLAMP)
    results = {(o.case.args, o.repr) for o in chosen}
    assert any(repr_ == "0" and args[0] == "-4" for args, repr_ in results)  # clamped low
    assert any(repr_ == "10" and args[0] == "42" for args, repr_ in results)  # clamped high
    assert any(o.kind == "raises" for o in chosen)
    assert branch_coverage(CLAMP, [o.arcs for o in chosen]) == 1.0
    assert len(chosen) <= 10


def test_outcome_classes() -> None:
    def value(text: str) -> Observed:
        return Observed(case=Case(("1",)), kind="value", repr=text)

    assert outcome_class(value("True")) != outcome_class(value("False"))
    assert (
        outcome_class(value("[]")) != outcome_class(value("[1]")) != outcome_class(value("[1, 2]"))
    )
    assert outcome_class(value("-3")) != outcome_class(value("0")) != outcome_class(value("4"))
    assert outcome_class(value("4")) == outcome_class(value("9"))
    raised = Observed(case=Case(("1",)), kind="raises", exc="ValueError")
    assert outcome_class(raised) == ("raises", "ValueError")


def test_boundary_cases_sit_on_and_beside_the_compared_constants() -> None:
    code = "def grade(score):\n    if score >= 90:\n        return 'A'\n    return 'F'\n"
    info = function_info(code, "grade")
    made = boundary_cases([Case(("50",))], info, code)
    assert [c.args for c in made] == [("89",), ("90",), ("91",)]


def test_arguments_that_contradict_the_hints_are_no_cases() -> None:
    info = function_info(CLAMP, "clamp")
    wrong = Observed(case=Case(("'a'", "0", "9")), kind="value", repr="'a'")
    flag = Observed(case=Case(("True", "0", "9")), kind="value", repr="True")
    right = Observed(case=Case(("3", "0", "9")), kind="value", repr="3")
    assert not in_domain(wrong, info, CLAMP)
    assert not in_domain(flag, info, CLAMP)  # a bool is no `int` to a reader
    assert in_domain(right, info, CLAMP)


def test_paired_data_of_unequal_lengths_is_no_case_and_is_cut_to_pairs() -> None:
    info = function_info(PAIRED, "dot")
    assert paired_parameters(info, PAIRED) == {frozenset({"xs", "ys"})}
    unequal = Observed(case=Case(("[1, 2, 3]", "[4, 5]")), kind="value", repr="14")
    assert not in_domain(unequal, info, PAIRED)
    [cut] = paired_variants([unequal.case], info, PAIRED)
    assert cut.args == ("[1, 2]", "[4, 5]")


def test_branch_arcs_are_the_decisions_inside_functions() -> None:
    assert len(branch_arcs(CLAMP)) == 6  # three ifs, two ways each
    assert branch_arcs("def f(x):\n    return x + 1\n") == frozenset()
    assert branch_coverage("def f(x):\n    return x + 1\n", []) is None


def _pair(tests: str, cases: tuple[PairCase, ...] = ()) -> Pair:
    solution = (
        "def prune(candidates, frequent):\n"
        "    return [c for c in candidates if all(s in frequent for s in c)]\n"
    )
    return Pair(id="p", solution=solution, tests=tests, entry_point="prune", cases=cases)


@pytest.mark.docker
def test_a_pair_that_a_constant_passes_is_dropped(sandbox_pool) -> None:
    """The issue's Apriori ``prune``: every test expects ``[]``."""
    tests = (
        "from solution import prune\n\n"
        "def test_a():\n    assert prune([], []) == []\n\n"
        "def test_b():\n    assert prune([(1, 2)], []) == []\n"
    )
    cases = (
        PairCase(args=("[]", "[]"), expect="[]"),
        PairCase(args=("[(1, 2)]", "[]"), expect="[]"),
    )
    passed = _passing(sandbox_pool, _pair(tests, cases))
    assert "the constant []" in passed and "an empty list" in passed
    verdict = baseline_verdict(passed)
    assert verdict is not None and verdict.reason is FilterReason.TRIVIAL_BASELINE


@pytest.mark.docker
def test_a_pair_whose_tests_reach_the_behaviour_passes_no_baseline(sandbox_pool) -> None:
    tests = (
        "from solution import prune\n\n"
        "def test_a():\n    assert prune([], []) == []\n\n"
        "def test_b():\n    assert prune([(1, 2), (1, 3)], [1, 2]) == [(1, 2)]\n"
    )
    cases = (
        PairCase(args=("[]", "[]"), expect="[]"),
        PairCase(args=("[(1, 2), (1, 3)]", "[1, 2]"), expect="[(1, 2)]"),
    )
    pair = _pair(tests, cases)
    assert [b.name for b in baselines(pair)][:2] == ["the constant []", "an empty list"]
    assert _passing(sandbox_pool, pair) == []
    assert baseline_verdict([]) is None


@pytest.mark.docker
def test_an_echo_of_the_first_argument_is_a_baseline(sandbox_pool) -> None:
    """``clamp`` tested only inside its range: returning ``value`` passes."""
    tests = (
        "from solution import clamp\n\n"
        "def test_a():\n    assert clamp(5, 0, 10) == 5\n\n"
        "def test_b():\n    assert clamp(7, 0, 10) == 7\n"
    )
    pair = Pair(id="c", solution=CLAMP, tests=tests, entry_point="clamp")
    assert _passing(sandbox_pool, pair) == ["the first argument echoed"]


def _passing(pool, pair: Pair) -> list[str]:
    """The names of the baselines of ``pair`` that pass its tests."""
    return [b.name for b in passing_baselines(pool, pair, baselines(pair))]
