"""A question claims only what its final cases show (issue 22's contradicting sentences)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fake_openai import FakeServer, Reply, Request, completion

from phicode.cli import main
from phicode.filters.claims import check_claims, drop_unshown_claims, tidy
from phicode.generate.codeinfo import function_info
from phicode.records import Pair, PairCase

LIMIT = (
    "def limit(array: list[int], low: int, high: int) -> list[int]:\n"
    "    return [x for x in array if low <= x <= high]\n"
)
INFO = function_info(LIMIT, "limit")
TASK = (
    "Write a Python function `limit(array, low, high)` that keeps the elements within [low, high]."
)
EXAMPLES = "Examples:\n- `limit([1, 5], 2, 4)` returns `[]`.\n- `limit([3], 2, 4)` returns `[3]`.\n"
VALUES = (
    PairCase(args=("[1, 5]", "2", "4"), expect="[]"),
    PairCase(args=("[3]", "2", "4"), expect="[3]"),
    PairCase(args=("[]", "0", "0"), expect="[]"),
)


def _checked(middle: str, cases: tuple[PairCase, ...] = VALUES) -> tuple[str, tuple[str, ...]]:
    found = drop_unshown_claims(f"{TASK} {middle}\n\n{EXAMPLES}", INFO, cases)
    return found.question, found.notes


@pytest.mark.parametrize(
    "promise",
    [
        "The function should raise an exception if the range is invalid.",
        "It throws an error when the input is not a list.",
        "Raise ValueError if low > high.",
        "It should return -100.0 for any other input.",
        "If nothing is left it returns None.",
        "It returns 'empty' for an empty list.",
    ],
)
def test_a_promise_no_case_shows_is_dropped(promise: str) -> None:
    question, notes = _checked(promise)
    assert promise not in question
    assert question.startswith(TASK) and EXAMPLES.strip() in question  # the rest stays
    assert len(notes) == 1 and notes[0].startswith("claims: removed a sentence that promises")


def test_a_promise_a_case_shows_stays() -> None:
    raising = (*VALUES, PairCase(args=("[1]", "4", "2"), raises="ValueError"))
    for promise, cases in [
        ("Raise ValueError if low > high.", raising),
        ("It raises an exception when low > high.", raising),  # some case raises
        ("An empty list returns [] unchanged.", VALUES),  # no literal the rule reads
        ("With low = high = 0 it returns 0 elements.", VALUES),  # "0 elements" is no literal
    ]:
        question, notes = _checked(promise, cases)
        assert promise in question and notes == ()


def test_a_result_is_compared_as_a_value() -> None:
    cases = (PairCase(args=("[1]", "0", "2"), expect="1.0"),)
    question, notes = _checked("It returns 1 when one element is kept.", cases)
    assert "returns 1 when" in question and notes == ()


def test_worked_examples_are_never_touched() -> None:
    """An example's result comes from an observed case; the rule reads prose only."""
    listed = "Errors:\n- `limit([1], 4, 2)` raises `ValueError`."
    found = drop_unshown_claims(f"{TASK}\n\n{EXAMPLES}\n{listed}\n", INFO, VALUES)
    assert listed in found.question and found.notes == ()


PLUS_ONE = "def plus_one(digits: list[int]) -> list[int]:\n    digits[-1] += 1\n    return digits\n"
PLUS_ONE_TESTS = (
    "from solution import plus_one\n\n\n"
    "def test_plus_one_case_1():\n    assert plus_one([1]) == [2]\n\n\n"
    "def test_plus_one_case_2():\n    digits = [1, 2, 8]\n"
    "    assert plus_one(digits) == [1, 2, 9]\n    assert digits == [1, 2, 9]\n"
)


def _plus_one(question: str, tests: str = PLUS_ONE_TESTS) -> Pair:
    return Pair(
        id="p", question=question, solution=PLUS_ONE, entry_point="plus_one", tests=tests,
        cases=(PairCase(args=("[1]",), expect="[2]"),),
    )  # fmt: skip


def test_an_argument_the_tests_check_after_the_call_is_stated() -> None:
    checked = check_claims(_plus_one("Write a Python function `plus_one(digits)` that adds one."))
    assert checked.question.rstrip().endswith(
        "`plus_one` changes its argument `digits` in place: after `plus_one(digits)` with "
        "`digits = [1, 2, 8]`, `digits` is `[1, 2, 9]`."
    )
    assert checked.notes == ("claims: stated the argument the tests check after the call",)


@pytest.mark.parametrize(
    ("question", "tests"),
    [
        ("Write a Python function `plus_one(digits)` that adds one in place.", PLUS_ONE_TESTS),
        ("Write `plus_one(digits)`: it modifies `digits` and returns it.", PLUS_ONE_TESTS),
        (  # no test looks at the argument after the call
            "Write a Python function `plus_one(digits)` that adds one.",
            PLUS_ONE_TESTS.replace("    assert digits == [1, 2, 9]\n", ""),
        ),
    ],
)
def test_nothing_is_added_where_the_question_says_it_or_no_test_checks_it(
    question: str, tests: str
) -> None:
    assert check_claims(_plus_one(question, tests)).question == question


def test_lines_readers_count_as_noise_are_removed_and_nothing_else() -> None:
    question = (
        "Write a Python function `limit(array, low, high)` that keeps what is in range.\n\n"
        "### Rules for the Examples\n\nExamples:\n- `limit([1, 5], 2, 4)` returns `[]`.\n"
        "- `limit([3], 2, 4)`\n\n1.\n"
    )
    text, removed = tidy(question, "limit")
    assert text == (
        "Write a Python function `limit(array, low, high)` that keeps what is in range.\n\n"
        "Examples:\n- `limit([1, 5], 2, 4)` returns `[]`.\n"
    )
    assert set(removed) == {
        "a heading with nothing under it", "an example that gives no result", "a stray list marker",
    }  # fmt: skip
    clean = f"{TASK}\n\n## Rules\n\n- It keeps the order.\n\n{EXAMPLES}"
    assert tidy(clean, "limit") == (clean, ())


def test_the_task_sentence_is_never_lost() -> None:
    """A promise in the task's own sentence: keeping it beats a question with no task."""
    question = "Write `limit(array, low, high)`, which raises an exception when low > high.\n"
    found = drop_unshown_claims(question, INFO, VALUES)
    assert found.question == question
    assert found.notes and "kept" in found.notes[0]


# --- in the pipeline, with a model over a real HTTP server --------------------------------

CLAMP = '''def clamp(value, low, high):
    """Clamp value into [low, high]."""
    if value < low:
        return low
    if value > high:
        return high
    return value
'''
PROMISING = (
    "Write a Python function `clamp(value, low, high)` that returns value limited to the "
    "range from low to high. It raises an exception when low is greater than high."
)
STRONG = (
    "```python\nfrom solution import clamp\n\n"
    "def test_below():\n    assert clamp(-5, 0, 10) == 0\n\n"
    "def test_above():\n    assert clamp(50, 0, 10) == 10\n\n"
    "def test_inside():\n    assert clamp(5, 0, 10) == 5\n```"
)


def _answer(request: Request) -> Reply:
    if "Write the exercise a teacher would give" in request.prompt:
        return Reply(body=completion(PROMISING))
    return Reply(body=completion(STRONG))


@pytest.mark.docker
def test_the_pipeline_drops_a_promise_its_final_cases_never_show(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "numbers.py").write_text(CLAMP)
    out = tmp_path / "dataset.jsonl"
    with FakeServer(_answer) as server:
        argv = [
            "run", str(corpus), "-o", str(out), "--state", str(tmp_path / "state"),
            "--backend", "openai", "--base-url", server.url, "--model", "fake-model",
            "--license-allow", "any", "--workers", "2", "--mine-workers", "1", "-q",
            "--no-oracle-tests", "--no-restate", "--solve-samples", "0",
        ]  # fmt: skip
        assert main(argv) == 0
    (kept,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert kept["question"].startswith(PROMISING.split(" It raises")[0])
    assert "raises an exception" not in kept["question"]
    assert not any(case.get("raises") for case in kept["cases"])
    assert "claims: removed a sentence that promises an exception" in kept["verification"]["detail"]
