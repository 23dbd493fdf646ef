"""Oracle-completed tests: the model's calls, the snippet's values (recorded raw outputs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from phicode.generate.clean import Parsed, clean_tests
from phicode.generate.codeinfo import function_info
from phicode.generate.oracle.complete import complete_tests, model_cases
from phicode.generate.oracle.inputs import Case
from tests.generate_corpus import CORPUS
from tests.sandbox_run import solution_passes

FIXTURES = Path(__file__).parent / "fixtures" / "model_outputs"
CODE = CORPUS["is_palindrome"]
INFO = function_info(CODE, "is_palindrome")


def passes(pool, tests: str) -> bool:
    """Run ``tests`` on the snippet in the sandbox."""
    return solution_passes(pool, CODE, "is_palindrome", tests)


def raw(name: str) -> str:
    return (FIXTURES / name).read_text()


def calls(name: str) -> list[str]:
    return [c.call("is_palindrome") for c in model_cases(raw(name), INFO)]


def test_calls_come_from_plain_asserts() -> None:
    assert calls("qwen05b_tests_copied_example.txt") == [
        'is_palindrome("hello")'.replace('"', "'"),
        "is_palindrome('AEIOU')",
        "is_palindrome('')",
        "is_palindrome('rhythm')",
    ]


def test_parametrize_rows_become_one_case_each() -> None:
    found = calls("tests_parametrize_wrong.txt")
    assert found[:4] == [
        "is_palindrome('racecar')",
        "is_palindrome('Hello')",
        "is_palindrome('A man a plan')",
        "is_palindrome(12321)",
    ]
    assert all(c.origin == "model" for c in model_cases(raw("tests_parametrize_wrong.txt"), INFO))


def test_calls_survive_a_truncated_answer() -> None:
    assert calls("qwen05b_tests_assert_list_truncated.txt"), "lines that parse alone still count"


def test_calls_inside_a_pasted_copy_are_not_taken() -> None:
    pasted = "def is_palindrome(text):\n    return is_palindrome(text[1:-1])\n"
    assert model_cases(pasted, INFO) == []
    beside = pasted + "\n\ndef test_it():\n    assert is_palindrome('abba')\n"
    assert [c.call("is_palindrome") for c in model_cases(beside, INFO)] == ["is_palindrome('abba')"]


def test_calls_with_unpacking_or_long_arguments_are_skipped() -> None:
    text = "assert is_palindrome(*args)\nassert is_palindrome('" + "a" * 400 + "')\n"
    assert model_cases(text, INFO) == []


def test_keyword_calls_keep_their_names() -> None:
    assert model_cases("assert is_palindrome(text='aba')", INFO) == [
        Case((), (("text", "'aba'"),), origin="model")
    ]


@pytest.mark.docker
def test_wrong_values_are_corrected_not_dropped(sandbox_pool) -> None:
    raw_tests = raw("qwen05b_tests_copied_example.txt")
    cleaned = clean_tests(raw_tests, INFO)
    assert isinstance(cleaned, Parsed)
    done = complete_tests(sandbox_pool, CODE, INFO, raw_tests, cleaned.text)
    # 4 model calls; one shows no branch or outcome the others do not: 3 are kept
    assert done is not None and done.model_cases == 3
    assert "assert is_palindrome('AEIOU') is False" in done.tests  # the model said True
    assert "assert is_palindrome('') is True" in done.tests
    assert done.kept_functions == 0  # every model function only compared values: replaced
    assert passes(sandbox_pool, done.tests)


@pytest.mark.docker
def test_invalid_calls_are_dropped_case_by_case(sandbox_pool) -> None:
    raw_tests = raw("tests_invalid_calls.txt")
    cleaned = clean_tests(raw_tests, INFO)
    done = complete_tests(
        sandbox_pool, CODE, INFO, raw_tests, cleaned.text if isinstance(cleaned, Parsed) else None
    )
    assert done is not None
    assert "'abc', 'cba'" not in done.tests  # wrong arity: dropped alone
    assert done.dropped_calls == 1
    assert "assert is_palindrome('Never odd or even') is True" in done.tests
    assert "pytest.raises(ValueError)" not in done.tests  # the snippet does not raise there
    assert passes(sandbox_pool, done.tests)


@pytest.mark.docker
def test_property_tests_of_the_model_are_kept(sandbox_pool) -> None:
    raw_tests = raw("tests_parametrize_wrong.txt")
    cleaned = clean_tests(raw_tests, INFO)
    assert isinstance(cleaned, Parsed)
    done = complete_tests(sandbox_pool, CODE, INFO, raw_tests, cleaned.text)
    assert done is not None
    assert "def test_reverse_property" in done.tests and done.kept_functions == 1
    assert "assert is_palindrome('Hello') is False" in done.tests
    assert "12321" not in done.tests  # an int has no .isspace(): invalid, dropped
    assert passes(sandbox_pool, done.tests)


@pytest.mark.docker
def test_no_usable_model_tests_fall_back_to_the_snippets_own_inputs(sandbox_pool) -> None:
    done = complete_tests(sandbox_pool, CODE, INFO, raw("tests_prose_only.txt"), None)
    assert done is not None and done.model_cases == 0
    assert "is_palindrome('Never odd or even')" in done.tests  # the docstring example


@pytest.mark.docker
def test_every_call_invalid_still_gives_the_snippets_own_cases(sandbox_pool) -> None:
    """The 0.5B called monthrange(year, month) with three arguments in every test."""
    raw_tests = "\n".join(f"assert is_palindrome('a{i}', 'b') == True" for i in range(5))
    done = complete_tests(sandbox_pool, CODE, INFO, raw_tests, None)
    assert done is not None and done.model_cases == 0 and done.dropped_calls == 5
    assert "is_palindrome('Never odd or even')" in done.tests
    assert passes(sandbox_pool, done.tests)
