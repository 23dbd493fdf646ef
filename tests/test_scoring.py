"""Scoring answers against pairs (phicode.scoring) in real containers: completions in the
shapes trainers hand over, both judges, the reward signatures, and concurrent callers
sharing one warm pool."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from phicode.records import Pair, PairCase
from phicode.scoring import Scorer, answer_code, compute_score, reward_func

pytestmark = pytest.mark.docker

PAIR = Pair(
    id="add",
    question="Write `add(a, b)` that returns the sum of a and b.",
    solution="def add(a, b):\n    return a + b\n",
    entry_point="add",
    tests="from solution import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n",
    cases=(PairCase(args=("1", "2"), expect="3"), PairCase(args=("-4", "4"), expect="0")),
)
RIGHT = "Here it is:\n```python\ndef add(a, b):\n    return a + b\n```\nDone."
WRONG = "```python\ndef add(a, b):\n    return a - b\n```"
FORGED = (
    "```python\nclass A:\n    def __eq__(self, other):\n        return True\n\n"
    "def add(a, b):\n    return A()\n```"
)


@pytest.fixture(scope="module")
def scorer(sandbox_pool) -> Scorer:
    return Scorer(pool=sandbox_pool)


def test_the_code_of_a_completion() -> None:
    assert answer_code(RIGHT) == "def add(a, b):\n    return a + b\n"
    assert answer_code("def f():\n    return 1\n").startswith("def f")


def test_right_wrong_forged_and_empty_answers(scorer: Scorer) -> None:
    assert scorer.score(PAIR, RIGHT).passed
    assert not scorer.score(PAIR, WRONG).passed
    forged = scorer.score(PAIR, FORGED)
    assert not forged.passed and "unserializable result" in forged.detail
    assert not scorer.score(PAIR, "I cannot answer that.").passed


def test_the_reward_signatures(sandbox_pool, monkeypatch: pytest.MonkeyPatch) -> None:
    import phicode.scoring as scoring

    monkeypatch.setattr(scoring, "_shared", Scorer(pool=sandbox_pool))
    line = json.dumps(PAIR.to_dict())
    assert compute_score("phicode", RIGHT, line, {"split": "train"}) == 1.0
    assert compute_score("phicode", WRONG, PAIR.to_dict()) == 0.0
    chat = [[{"role": "assistant", "content": RIGHT}], [{"role": "assistant", "content": FORGED}]]
    assert reward_func(chat, pair=[line, line]) == [1.0, 0.0]
    with pytest.raises(ValueError, match="'pair' column"):
        reward_func([RIGHT])


def test_concurrent_callers_share_the_pool_and_right_answers_never_time_out(
    scorer: Scorer,
) -> None:
    """8 callers, 48 answers on a pool of fewer containers: waiting is not run time."""
    answers = [RIGHT if n % 2 == 0 else WRONG for n in range(48)]

    def call(answer: str) -> bool:
        return scorer.score(PAIR, answer).passed

    with ThreadPoolExecutor(max_workers=8) as executor:
        passed = list(executor.map(call, answers))
    assert passed == [n % 2 == 0 for n in range(48)]
    batch = scorer.score_many([(PAIR, a) for a in answers[:10]])
    assert [v.passed for v in batch] == [n % 2 == 0 for n in range(10)]


FLAGS = Pair(
    id="flags",
    question="Write `flags(n)` that returns, for 0..n-1, whether each is even, their "
    "parity by value, and the count of even ones.",
    solution=(
        "def flags(n):\n    even = [i % 2 == 0 for i in range(n)]\n"
        "    return even, {True: even.count(True)}, even.count(True)\n"
    ),
    entry_point="flags",
    tests="from solution import flags\n\n\ndef test_flags():\n"
    "    assert flags(2) == ([True, False], {True: 1}, 1)\n",
    cases=(PairCase(args=("2",), expect="([True, False], {True: 1}, 1)"),),
)


@pytest.mark.parametrize(
    "wrong",
    [
        "def flags(n):\n    return [1, 0], {True: 1}, 1\n",  # ints for bools, in a list
        "def flags(n):\n    return [True, False], {1: 1}, 1\n",  # an int key for a bool
        "def flags(n):\n    return [True, False], {True: 1}, 1.0\n",  # a float for an int
        "def flags(n):\n    return [True, False], {True: True}, 1\n",  # a bool for an int
    ],
    ids=["list", "dict-key", "float", "dict-value"],
)
def test_a_bool_an_int_and_a_float_never_stand_for_one_another(scorer: Scorer, wrong: str) -> None:
    """Python's ``==`` says each wrong answer equals the snippet's result; the case judge
    must not (issue 26: a reward source paying for the wrong types)."""
    namespace: dict = {}
    exec(wrong, namespace)  # the wrong answer's value, checked on the host: == is fooled
    assert namespace["flags"](2) == ([True, False], {True: 1}, 1)
    assert scorer.score(FLAGS, FLAGS.solution).passed
    verdict = scorer.score(FLAGS, wrong)
    assert not verdict.passed and "expected" in verdict.detail
