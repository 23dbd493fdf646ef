"""The agreement filter against a real local HTTP server answering from a
script: blind answers are run against the pair's tests in the sandbox, and the
pipeline's bounds drop questions every answer solves or none does."""

from __future__ import annotations

import itertools

import pytest

from phicode.filters.agreement import AgreementFilter, solve_rate_verdict
from phicode.filters.reasons import FilterReason
from phicode.generate.backends.openai import OpenAIBackend
from phicode.generate.config import GenerationParams
from phicode.records import Pair, Status, Verification
from phicode.sandbox.pool import SandboxPool
from tests.fake_openai import FakeServer, Reply, Request, completion

pytestmark = pytest.mark.docker

PAIR = Pair(
    id="clamp",
    question="Write `clamp(value, low, high)` that limits value to the closed range [low, high].",
    solution="def clamp(value, low, high):\n    return max(low, min(value, high))\n",
    entry_point="clamp",
    tests=(
        "from solution import clamp\n\n"
        "def test_inside():\n    assert clamp(5, 0, 10) == 5\n\n"
        "def test_edges():\n    assert clamp(-1, 0, 10) == 0\n    assert clamp(11, 0, 10) == 10\n"
    ),
    verification=Verification(status=Status.PASSED, tests_passed=2, tests_total=2),
)
RIGHT = "```python\ndef clamp(value, low, high):\n    return min(max(value, low), high)\n```"
WRONG = "```python\ndef clamp(value, low, high):\n    return value\n```"
PROSE = "I am not sure how to do this."


def scripted(answers: list[str]) -> FakeServer:
    cycle = itertools.cycle(answers)
    return FakeServer(lambda request: Reply(body=completion(next(cycle))))


@pytest.mark.parametrize(
    ("answers", "solved", "verdict"),
    [
        ([RIGHT], 4, FilterReason.TOO_EASY),
        ([WRONG], 0, FilterReason.AMBIGUOUS),
        ([PROSE], 0, FilterReason.AMBIGUOUS),
        ([RIGHT, WRONG], 2, None),
        ([RIGHT, WRONG, WRONG, WRONG], 1, None),
    ],
    ids=["all-solve", "none-solve", "no-code", "half", "one-of-four"],
)
def test_blind_answers_and_bounds(
    sandbox_pool: SandboxPool, answers: list[str], solved: int, verdict: FilterReason | None
) -> None:
    with scripted(answers) as server:
        backend = OpenAIBackend(server.url, "fake-model", concurrency=4)
        (samples,) = AgreementFilter(
            backend, sandbox_pool, samples=4, params=GenerationParams()
        ).solve([PAIR])
        prompts = [request.prompt for request in server.requests]
    assert (len(samples), sum(sample.passed for sample in samples)) == (4, solved)
    assert len(prompts) == 4
    assert all(PAIR.question in prompt and "clamp" in prompt for prompt in prompts)
    assert all(request.body.get("temperature", 0) >= 0.7 for request in server.requests)
    result = solve_rate_verdict(solved / 4, 0.01, 0.99)
    assert (result.reason if result else None) is verdict


def test_tighter_bounds_are_honoured() -> None:
    assert solve_rate_verdict(1 / 4, 0.5, 0.99) is not None  # 25% < 50%: ambiguous
    assert solve_rate_verdict(3 / 4, 0.01, 0.5) is not None  # 75% > 50%: too easy
    assert solve_rate_verdict(2 / 4, 0.5, 0.5) is None


EASY = Pair(
    id="clamp-easy",
    question=PAIR.question.replace("Write", "Please write"),
    solution=PAIR.solution,
    entry_point=PAIR.entry_point,
    tests=PAIR.tests,
    verification=PAIR.verification,
)


def answers_by_seed(script: dict[str, list[str]]) -> FakeServer:
    """A server whose answer to a question is its script's entry for the request's seed
    (the seed is the answer's number: rounds of one answer add one each)."""

    def answer(request: Request) -> Reply:
        question = next(q for q in script if q in request.prompt)
        return Reply(body=completion(script[question][request.body["seed"]]))

    return FakeServer(answer)


def test_a_question_stops_drawing_once_an_answer_passes_every_test(
    sandbox_pool: SandboxPool,
) -> None:
    """Rounds of one answer: the hard question draws wrong, wrong, right and stops at 3;
    the easy one is settled by its first answer. Each round has its own seed."""
    script = {PAIR.question: [WRONG, PROSE, RIGHT, WRONG], EASY.question: [RIGHT] * 4}
    with answers_by_seed(script) as server:
        backend = OpenAIBackend(server.url, "fake-model", concurrency=4)
        hard, easy = AgreementFilter(
            backend, sandbox_pool, samples=4, params=GenerationParams(), round_size=1
        ).solve([PAIR, EASY])
        seeds = sorted(request.body["seed"] for request in server.requests)
    assert [sample.passed for sample in hard] == [False, False, True]
    assert [sample.passed for sample in easy] == [True]
    assert seeds == [0, 0, 1, 2]


def test_without_a_pass_every_answer_is_drawn(sandbox_pool: SandboxPool) -> None:
    with answers_by_seed({PAIR.question: [WRONG, PROSE, WRONG, PROSE]}) as server:
        backend = OpenAIBackend(server.url, "fake-model", concurrency=4)
        (samples,) = AgreementFilter(
            backend, sandbox_pool, samples=4, params=GenerationParams(), round_size=3
        ).solve([PAIR])
        seeds = sorted(request.body["seed"] for request in server.requests)
    assert [sample.passed for sample in samples] == [False] * 4
    assert seeds == [0, 1, 2, 3]  # a round of 3 (copies of a prompt: seed + k), then 1
