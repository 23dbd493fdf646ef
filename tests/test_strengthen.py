"""Weak tests strengthened with oracle tests that kill their surviving mutants."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fake_openai import FakeServer, Reply, Request, completion
from test_mutate import SOLUTION as CLAMP
from test_mutate import WEAK_NOT_NONE as WEAK

from phicode.cli import main
from phicode.generate.inputs import Case
from phicode.generate.oracle import Observed
from phicode.generate.strengthen import MAX_ADDED, differs, strengthen
from phicode.mutate import DEFAULT_THRESHOLD, MutationTester
from phicode.pool import SandboxPool
from phicode.records import Pair
from phicode.verify import judge, pair_job

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


@pytest.mark.docker
def test_weak_tests_get_the_inputs_that_kill_their_survivors(sandbox_pool: SandboxPool) -> None:
    pair = Pair(id="weak", solution=CLAMP, tests=WEAK, entry_point="clamp")
    tester = MutationTester(sandbox_pool)
    before = tester.test(pair)
    assert before.score is not None and before.score < DEFAULT_THRESHOLD
    found = strengthen(sandbox_pool, CLAMP, "clamp", WEAK, list(before.survivors))
    assert found is not None and 1 <= found.added <= MAX_ADDED
    assert "def test_returns_something" in found.tests  # the original test stays
    assert "def test_clamp_distinguishing_1" in found.tests
    stronger = Pair(id="weak", solution=CLAMP, tests=found.tests, entry_point="clamp")
    after = tester.test(stronger)
    assert after.score is not None and after.score >= DEFAULT_THRESHOLD
    assert after.killed >= found.expected_kills
    assert judge(sandbox_pool.run(pair_job(stronger, 10.0, 256)), 10.0).passed
    wrong = Pair(id="wrong", solution=CLAMP_WRONG, tests=found.tests, entry_point="clamp")
    assert not judge(sandbox_pool.run(pair_job(wrong, 10.0, 256)), 10.0).passed


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
@pytest.mark.parametrize("strengthen_on", [True, False], ids=["strengthen", "default"])
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
        ]  # fmt: skip
        if strengthen_on:
            argv.append("--strengthen")
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
    assert "strengthened: +" in verification["detail"]
    assert "def test_inside" in kept[0]["tests"] and "distinguishing" in kept[0]["tests"]
