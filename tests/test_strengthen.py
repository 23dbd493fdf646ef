"""Weak tests strengthened with oracle tests that kill their surviving mutants."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from fake_openai import FakeServer, Reply, Request, completion
from sandbox_run import solution_passes
from test_mutate import SOLUTION as CLAMP
from test_mutate import WEAK_NOT_NONE as WEAK

from phicode.cli import main
from phicode.filters.strengthen import MAX_ADDED, Strengthened, differs, strengthen
from phicode.generate.oracle.inputs import Case, neighbour_cases
from phicode.generate.oracle.observe import Observed
from phicode.mutate import DEFAULT_THRESHOLD, MutationReport, MutationTester
from phicode.records import Pair
from phicode.sandbox.pool import SandboxPool

CLAMP_WRONG = CLAMP.replace("return high", "return value")  # forgets the upper bound


def observed(kind: str, repr_: str | None = None, **extra) -> Observed:
    return Observed(case=Case(("1",)), kind=kind, repr=repr_, **extra)


def test_what_counts_as_telling_a_mutant_apart() -> None:
    value = observed("value", "3")
    assert differs(value, observed("value", "4"))
    assert not differs(value, observed("value", "3"))
    assert differs(value, observed("raises", exc="ValueError"))
    assert differs(observed("raises", exc="KeyError"), observed("raises", exc="IndexError"))
    assert differs(value, observed("slow"))  # the test would time out on the mutant
    assert not differs(value, observed("skipped"))  # not run: unknown, no credit
    # floats: what pytest.approx forgives kills nothing
    real = observed("value", "[0.1, 2.5]", float_=True, approx=True)
    assert not differs(real, observed("value", "[0.10000000000000002, 2.5]", float_=True))
    assert differs(real, observed("value", "[0.1, 2.6]", float_=True))
    array = observed("value", "np.array([1.0, 2.0], dtype='float64')", float_=True, array="float64")
    assert differs(array, observed("value", "np.array([1.0, 2.5], dtype='float64')"))


def strengthened_weak_tests(
    pool: SandboxPool, solution: str, entry_point: str, tests: str
) -> tuple[MutationReport, Strengthened, MutationReport]:
    """The weak tests' report, what strengthening added, and the stronger tests' report."""
    tester = MutationTester(pool)
    before = tester.test(Pair(id="p", solution=solution, tests=tests, entry_point=entry_point))
    assert before.score is not None and before.score < DEFAULT_THRESHOLD
    found = strengthen(pool, solution, entry_point, tests, list(before.survivors))
    assert found is not None and 1 <= found.added <= MAX_ADDED
    after = tester.test(Pair(id="p", solution=solution, tests=found.tests, entry_point=entry_point))
    assert after.score is not None and after.score > before.score
    return before, found, after


@pytest.mark.docker
def test_weak_tests_get_the_inputs_that_kill_their_survivors(sandbox_pool: SandboxPool) -> None:
    _, found, after = strengthened_weak_tests(sandbox_pool, CLAMP, "clamp", WEAK)
    assert "def test_returns_something" in found.tests  # the original test stays
    assert "def test_clamp_distinguishing_1" in found.tests
    assert after.score is not None and after.score >= DEFAULT_THRESHOLD
    assert after.killed >= found.expected_kills
    assert solution_passes(sandbox_pool, CLAMP, "clamp", found.tests)
    assert not solution_passes(sandbox_pool, CLAMP_WRONG, "clamp", found.tests)


@pytest.mark.docker
def test_nothing_to_add_when_no_input_can_be_built(sandbox_pool) -> None:
    code = (
        "def describe(settings: 'Settings') -> str:\n"
        "    return settings.name + ': ' + str(settings.level + 1)\n"
    )
    tests = (
        "from types import SimpleNamespace\n\nfrom solution import describe\n\n\n"
        "def test_describe():\n    assert describe(SimpleNamespace(name='a', level=1))\n"
    )
    pair = Pair(id="p", solution=code, tests=tests, entry_point="describe")
    report = MutationTester(sandbox_pool).test(pair)
    assert report.survivors  # level + 1 -> level - 1 still gives a non-empty string
    assert strengthen(sandbox_pool, code, "describe", tests, list(report.survivors)) is None


def test_neighbours_change_one_literal_argument_at_a_time() -> None:
    known = [Case(("2023", "1"), (("strict", "True"),), origin="model"), Case(("x", "[1, 2]"))]
    found = neighbour_cases(known, 100)
    calls = {case.call("f") for case in found}
    assert "f(0, 1, strict=True)" in calls
    assert "f(2023007, 1, strict=True)" in calls  # far out of the usual range
    assert "f(2023, 1, strict=False)" in calls
    assert "f(x, [2, 1])" in calls and "f(x, [])" in calls  # a name stays as it is
    assert all(case.origin == "neighbour" for case in found)
    assert not any((c.args, c.kwargs) == (k.args, k.kwargs) for c in found for k in known)
    assert len({(c.args, c.kwargs) for c in found}) == len(found)
    # a small budget still varies every argument of every call once
    first = neighbour_cases(known, 4)
    assert {c.call("f") for c in first} == {
        "f(0, 1, strict=True)",
        "f(2023, 0, strict=True)",
        "f(2023, 1, strict=False)",
        "f(x, [])",
    }


@pytest.mark.parametrize(
    "text",
    ["1e308", "1e999", "[-1e999, 2]", "9" * 300, "[" * 5000 + "]" * 5000, "__import__('os')"],
    ids=["float-max", "inf", "list-inf", "long-int", "deep", "code"],
)
def test_neighbours_of_odd_values_are_plain_literals_or_none(text: str) -> None:
    found = neighbour_cases([Case((text,))], 100)
    for case in found:
        (variant,) = case.args
        assert len(variant) <= 200
        ast.literal_eval(variant)  # no 'inf', no code: every variant reads back
    if text.startswith(("[[", "__")):
        assert not found


# An untyped parameter with a name that says nothing: no template input exists, so
# only the tests' own call, varied, reaches the branch for years out of range.
CLIP_YEAR = """def clip_year(stamp, month):
    year = stamp
    if not 1 <= year <= 9999:
        year = 2000 + year % 400
    return year * 100 + month
"""
CLIP_YEAR_TESTS = """from solution import clip_year


def test_clip_year():
    assert clip_year(2023, 5) == 202305
"""


@pytest.mark.docker
def test_the_tests_own_calls_varied_reach_what_they_missed(sandbox_pool: SandboxPool) -> None:
    _, found, _ = strengthened_weak_tests(sandbox_pool, CLIP_YEAR, "clip_year", CLIP_YEAR_TESTS)
    assert solution_passes(sandbox_pool, CLIP_YEAR, "clip_year", found.tests)
    ignores_range = CLIP_YEAR.replace("year = 2000 + year % 400", "pass")
    assert not solution_passes(sandbox_pool, ignores_range, "clip_year", found.tests)


# --- in the pipeline, with a model over a real HTTP server --------------------------------

QUESTION = (
    "Write a Python function `clamp(value, low, high)` that returns value limited to the "
    "range from low to high."
)
MODEL_TESTS = (
    f"```python\n{WEAK}\n\ndef test_inside():\n    assert clamp(3, 0, 10) is not None\n```"
)


def answer(request: Request) -> Reply:
    if "Write the exercise a teacher would give" in request.prompt:
        return Reply(body=completion(QUESTION))
    return Reply(body=completion(MODEL_TESTS))


@pytest.mark.docker
@pytest.mark.parametrize("strengthen_on", [True, False], ids=["default", "no-strengthen"])
def test_the_pipeline_keeps_a_strengthened_pair_and_says_so(
    tmp_path: Path, strengthen_on: bool
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "numbers.py").write_text(CLAMP)
    out = tmp_path / "dataset.jsonl"
    rejected = tmp_path / "rejected.jsonl"
    with FakeServer(answer) as server:
        argv = [
            "run", str(corpus), "-o", str(out), "--rejected", str(rejected),
            "--state", str(tmp_path / "state"), "--backend", "openai", "--base-url", server.url,
            "--model", "fake-model", "--license-allow", "any", "--workers", "2",
            "--mine-workers", "1", "-q",
            # the model's own (weak) tests, as before oracle tests became the default
            "--no-oracle-tests", "--no-restate", "--solve-samples", "0",
        ]  # fmt: skip
        if not strengthen_on:
            argv.append("--no-strengthen")
        assert main(argv) == 0
    kept = [json.loads(line) for line in out.read_text().splitlines()]
    dropped = [json.loads(line) for line in rejected.read_text().splitlines()]
    if not strengthen_on:
        assert kept == []
        assert [d["rejected"]["reason"] for d in dropped] == ["weak_tests"]
        return
    assert [p["entry_point"] for p in kept] == ["clamp"]
    verification = kept[0]["verification"]
    assert verification["mutation_score"] >= DEFAULT_THRESHOLD
    assert "added: they reject known wrong programs" in verification["detail"]
    assert "def test_inside" in kept[0]["tests"] and "distinguishing" in kept[0]["tests"]
    # what the added tests check is stated: each becomes a worked example while the
    # question shows fewer than three
    question = kept[0]["question"]
    assert question.startswith(QUESTION) and "Examples:" in question
    added = [c for c in kept[0]["cases"] if f"clamp({', '.join(c['args'])})" in question]
    assert added and all(c["expect"] is not None for c in added)
    assert verification["adequacy"] == 1.0


def test_inputs_near_the_tests_go_before_typed_ones_that_kill_more() -> None:
    """Inputs 0-1 are near the tests' own calls, 2 is a typed input from nowhere that
    kills all three survivors: the near ones are taken while they kill anything."""
    from phicode.filters.strengthen import _greedy_cover

    kills = [{0}, {1, 2}, {0, 1, 2}]
    assert _greedy_cover(kills, near=2) == [1, 0]
    assert _greedy_cover(kills, near=0) == [2]  # none near: the most kills first
    assert _greedy_cover([{0}, set(), {0, 1}], near=2) == [0, 2]  # the rest from afar
    assert _greedy_cover([set(), set()], near=1) == []
