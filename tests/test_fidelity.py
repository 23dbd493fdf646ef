"""The fidelity filter: which tests the blind answers show to be unstated, and what happens to them.

The decision logic runs on hand-made blind answers (no model); the alignment
itself runs the oracle and the verifier on an in-process pool (no Docker).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from phicode.filters.agreement import Sample
from phicode.filters.fidelity import align, names_of_tests, solve_rate, unstated
from phicode.filters.reasons import FilterReason
from phicode.records import Pair, Status, Verification
from tests.local_pool import LocalPool

PALINDROME = '''def is_palindrome(text):
    """Whether text reads the same backwards, ignoring case."""
    cleaned = text.lower()
    return cleaned == cleaned[::-1]
'''
TESTS = """from solution import is_palindrome


def test_is_palindrome_case_1():
    assert is_palindrome("abba") is True


def test_is_palindrome_case_2():
    assert is_palindrome("abc") is False


def test_is_palindrome_case_3():
    assert is_palindrome("Abba") is True


def test_is_palindrome_case_4():
    assert is_palindrome("") is True
"""
QUESTION = (
    "Write a Python function `is_palindrome(text)` that returns whether text reads the "
    "same backwards.\n"
)
NAMES = [f"test_is_palindrome_case_{n}" for n in range(1, 5)]


def sample(passed: set[int]) -> Sample:
    outcomes = {name: "passed" if n in passed else "failed" for n, name in enumerate(NAMES, 1)}
    return Sample(passed=len(passed) == len(NAMES), outcomes=outcomes)


def verified(solution: str, entry_point: str, question: str, tests: str) -> Pair:
    """A pair as synthesis hands it to the fidelity filter: 4 tests, all passed."""
    verification = Verification(
        status=Status.PASSED, tests_passed=4, tests_total=4, detail="4 passed"
    )
    return Pair(
        id=entry_point,
        question=question,
        solution=solution,
        entry_point=entry_point,
        tests=tests,
        verification=verification,
    )


def pair(question: str = QUESTION, tests: str = TESTS) -> Pair:
    return verified(PALINDROME, "is_palindrome", question, tests)


@pytest.fixture(scope="module")
def pool() -> Iterator[LocalPool]:
    with LocalPool() as local:
        yield local


def test_names_of_tests_in_order() -> None:
    assert names_of_tests(TESTS) == NAMES
    assert names_of_tests("def broken(:\n") == []


def test_a_test_every_informed_answer_fails_is_unstated() -> None:
    answers = [sample({1, 2, 4}), sample({1, 2, 4}), sample(set())]
    assert unstated(NAMES, answers) == ["test_is_palindrome_case_3"]


def test_no_informed_answer_means_no_judgement() -> None:
    assert unstated(NAMES, [sample({1}), sample(set())]) is None  # 1 of 4 is not most
    assert unstated(NAMES, []) is None


def test_an_answer_that_reproduces_the_questions_examples_is_a_reader() -> None:
    """It passes 1 test of 4, not most; but it is the one the question's example
    shows, so what it fails beyond it the question did not teach."""
    example = ["test_is_palindrome_case_1"]
    assert unstated(NAMES, [sample({1})], example) == NAMES[1:]
    assert unstated(NAMES, [sample({2})], example) is None  # got the example wrong
    assert unstated(NAMES, [sample({1}), sample({1, 3})], example) == [NAMES[1], NAMES[3]]


def test_a_test_the_question_shows_as_an_example_is_never_unstated() -> None:
    """Seen on titleize: the only readers passed most tests but not the one the question
    shows as a worked example, which was then stated again (the example twice)."""
    shown = ["test_is_palindrome_case_2"]
    assert unstated(NAMES, [sample({1, 3, 4})], shown) == []
    assert unstated(NAMES, [sample({1, 3, 4})]) == [NAMES[1]]


def test_solve_rate_counts_answers_passing_every_test_left() -> None:
    answers = [sample({1, 2, 4}), sample({1, 2, 3, 4}), sample(set()), sample({1, 2, 4})]
    assert solve_rate(NAMES, answers) == (1, 0.25)
    kept = [n for n in NAMES if n != "test_is_palindrome_case_3"]
    assert solve_rate(kept, answers) == (3, 0.75)
    assert solve_rate(NAMES, []) == (0, None)


@pytest.mark.parametrize(
    "later",
    [[sample({1, 2, 4})], [sample(set()), sample({3})], [sample({1, 2, 3, 4}), sample({2})]],
    ids=["partial", "weak", "another-pass"],
)
def test_answers_after_one_that_passes_every_test_change_no_test_or_question(
    pool: LocalPool, later: list[Sample]
) -> None:
    """The settle rule of the blind answers (agreement.py) stops at the first answer
    that passes every test: whatever the answers it did not draw would have been, the
    pair's question and tests come out the same."""
    drawn = [sample({1, 2, 4}), sample({1, 2, 3, 4})]
    settled, full = align(pool, pair(), drawn), align(pool, pair(), drawn + later)
    assert (settled.pair.question, settled.pair.tests) == (full.pair.question, full.pair.tests)
    assert (settled.stated, settled.dropped, settled.verdict) == ((), (), None)
    assert (full.stated, full.dropped, full.verdict) == ((), (), None)


def test_an_unstated_case_becomes_a_worked_example(pool: LocalPool) -> None:
    done = align(pool, pair(), [sample({1, 2, 4})] * 2)
    assert done.verdict is None and done.stated == ("test_is_palindrome_case_3",)
    assert done.pair.question.endswith("Examples:\n- `is_palindrome('Abba')` returns `True`.\n")
    assert done.pair.tests == TESTS
    assert done.pair.verification is not None
    assert done.pair.verification.solve_rate == 0.0
    assert "fidelity: stated 1 test case(s) as examples" in done.pair.verification.detail


def test_an_unstated_case_is_dropped_when_the_question_shows_enough_examples(
    pool: LocalPool,
) -> None:
    full = QUESTION + (
        "\nExamples:\n- `is_palindrome('a')` returns `True`.\n"
        "- `is_palindrome('ab')` returns `False`.\n- `is_palindrome('aba')` returns `True`.\n"
    )
    done = align(pool, pair(full), [sample({1, 2, 4})] * 3)
    assert done.verdict is None and done.dropped == ("test_is_palindrome_case_3",)
    assert "case_3" not in done.pair.tests and done.pair.question == full
    assert done.pair.verification is not None and done.pair.verification.passed
    assert done.pair.verification.tests_total == 3
    assert done.pair.verification.solve_rate == 1.0  # every answer passes the tests left
    assert "dropped 1 unstated test(s): test_is_palindrome_case_3" in done.pair.verification.detail


def test_what_readers_of_the_examples_all_miss_is_stated_then_dropped(pool: LocalPool) -> None:
    """The question shows one example (test 1); the blind answers reproduce it and
    nothing else. Tests 2 and 3 become examples (three at most), test 4 goes."""
    shown = QUESTION + "\nExamples:\n- `is_palindrome('abba')` returns `True`.\n"
    done = align(pool, pair(shown), [sample({1})] * 2)
    assert done.verdict is None
    assert done.stated == ("test_is_palindrome_case_2", "test_is_palindrome_case_3")
    assert done.dropped == ("test_is_palindrome_case_4",)
    assert "- `is_palindrome('abc')` returns `False`." in done.pair.question
    assert "- `is_palindrome('Abba')` returns `True`." in done.pair.question
    assert "case_4" not in done.pair.tests


def test_a_pair_left_with_too_few_tests_is_dropped_with_its_reason(pool: LocalPool) -> None:
    full = QUESTION + (
        "\nExamples:\n- `is_palindrome('a')` returns `True`.\n"
        "- `is_palindrome('ab')` returns `False`.\n- `is_palindrome('aba')` returns `True`.\n"
    )
    done = align(pool, pair(full), [sample({1, 2})] * 2, min_tests=3)
    assert done.verdict is not None and done.verdict.reason is FilterReason.UNSTATED
    assert done.dropped == ("test_is_palindrome_case_3", "test_is_palindrome_case_4")


CHUNK = '''def chunk(items, size, pad=None):
    """Split items into lists of size; pad the last one with pad if given."""
    out = [list(items[i:i + size]) for i in range(0, len(items), size)]
    if pad is not None and out and len(out[-1]) < size:
        out[-1] += [pad] * (size - len(out[-1]))
    return out
'''
CHUNK_TESTS = """from solution import chunk


def test_chunk_case_1():
    assert chunk([1, 2, 3], 2) == [[1, 2], [3]]


def test_chunk_case_2():
    assert chunk([], 2) == []


def test_chunk_case_3():
    assert chunk([1, 2, 3], 2, pad=0) == [[1, 2], [3, 0]]


def test_chunk_case_4():
    assert chunk([1, 2, 3, 4, 5], 2, pad=9) == [[1, 2], [3, 4], [5, 9]]
"""
CHUNK_QUESTION = (
    "Write a Python function `chunk(items, size, pad=None)` that splits items into lists "
    "of `size` items.\n\nExamples:\n- `chunk([1, 2, 3], 2)` returns `[[1, 2], [3]]`.\n"
)
CHUNK_NAMES = [f"test_chunk_case_{n}" for n in range(1, 5)]


def chunk_pair(question: str = CHUNK_QUESTION) -> Pair:
    return verified(CHUNK, "chunk", question, CHUNK_TESTS)


def test_a_form_of_call_no_example_shows_is_stated_once_for_all_its_tests(
    pool: LocalPool,
) -> None:
    """No blind reader: ``pad`` is passed by two tests and shown by no example; one
    example of it states the form for both."""
    done = align(pool, chunk_pair(), [])
    assert done.verdict is None and done.dropped == ()
    assert done.stated == ("test_chunk_case_3",)
    assert done.pair.question.endswith(
        "- `chunk([1, 2, 3], 2)` returns `[[1, 2], [3]]`.\n"
        "- `chunk([1, 2, 3], 2, pad=0)` returns `[[1, 2], [3, 0]]`.\n"
    )
    assert done.pair.tests == CHUNK_TESTS


def test_a_form_of_call_is_dropped_when_the_question_shows_enough_examples(
    pool: LocalPool,
) -> None:
    full = CHUNK_QUESTION + "- `chunk([1], 1)` returns `[[1]]`.\n- `chunk([], 3)` returns `[]`.\n"
    done = align(pool, chunk_pair(full), [])
    assert done.verdict is None
    assert done.dropped == ("test_chunk_case_3", "test_chunk_case_4")
    assert "pad=" not in done.pair.tests and done.pair.question == full
    detail = done.pair.verification.detail if done.pair.verification else ""
    assert "test_chunk_case_3 passes pad (number), which no example shows" in detail
    assert done.pair.verification is not None and done.pair.verification.tests_total == 2


def test_a_form_the_blind_answers_pass_is_credited_to_the_prose(pool: LocalPool) -> None:
    """An informed answer that passes the ``pad`` tests read the rule from the words."""
    full = CHUNK_QUESTION + "- `chunk([1], 1)` returns `[[1]]`.\n- `chunk([], 3)` returns `[]`.\n"
    passes = Sample(passed=True, outcomes=dict.fromkeys(CHUNK_NAMES, "passed"))
    done = align(pool, chunk_pair(full), [passes])
    assert done.verdict is None and done.dropped == () and done.stated == ()
    assert done.pair.tests == CHUNK_TESTS and done.solve_rate == 1.0
