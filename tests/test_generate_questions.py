"""Question checks on recorded and real-looking raw outputs of small models."""

from __future__ import annotations

from pathlib import Path

import pytest

from phicode.generate.clean import (
    Parsed,
    ParseFailure,
    QuestionReason,
    check_question,
    clean_question,
    names_everything,
    shows_code,
)
from phicode.generate.codeinfo import function_info
from phicode.generate.oracle.examples import fix_examples
from tests.generate_corpus import CORPUS

FIXTURES = Path(__file__).parent / "fixtures" / "model_outputs"
CODE = CORPUS["is_palindrome"]
INFO = function_info(CODE, "is_palindrome")


def checked(name: str) -> Parsed | ParseFailure:
    """What the synthesizer does: parse-level cleaning, then the checks."""
    cleaned = clean_question((FIXTURES / name).read_text(), INFO)
    if isinstance(cleaned, ParseFailure):
        return cleaned
    return check_question(cleaned.text, INFO, CODE)


def test_to_solve_this_problem_becomes_the_task_and_the_steps_go() -> None:
    result = checked("qwen05b_question_how_to_solve.txt")
    assert isinstance(result, Parsed), result
    assert result.text.startswith("Write a Python function `is_palindrome(text: str) -> bool`")
    assert "Create a function that checks if a given string is a palindrome" in result.text
    assert "step-by-step" not in result.text and "**" not in result.text
    assert "rewrote a 'to solve this problem' opener as the task" in result.fixes


def test_a_quiz_is_not_a_task() -> None:
    result = checked("question_not_a_task.txt")
    assert isinstance(result, ParseFailure) and result.reason is QuestionReason.NOT_A_TASK


def test_an_explanation_of_the_solution_is_cut() -> None:
    result = checked("question_explains_solution.txt")
    assert isinstance(result, Parsed)
    assert "generator expression" not in result.text
    assert result.text.rstrip().endswith("ignoring letter case and whitespace.")


def test_a_missing_parameter_puts_the_signature_first() -> None:
    result = checked("question_unnamed_param.txt")
    assert isinstance(result, Parsed)
    assert result.text.startswith("Write a Python function `is_palindrome(text: str) -> bool`.")
    assert names_everything(result.text, INFO)


def test_a_line_of_code_is_rejected_or_cut() -> None:
    text = (FIXTURES / "question_code_line.txt").read_text()
    result = check_question(text, INFO, CODE)
    assert isinstance(result, ParseFailure) and result.reason == "question_shows_code"
    after_cleaning = checked("question_code_line.txt")  # the parser cuts the leaked line first
    assert isinstance(after_cleaning, Parsed) and "cleaned" not in after_cleaning.text


@pytest.mark.parametrize(
    "name",
    sorted(p.name for p in FIXTURES.glob("*question*.txt")),
)
def test_no_kept_question_shows_code(name: str) -> None:
    result = checked(name)
    if isinstance(result, Parsed):
        assert not shows_code(result.text, INFO), result.text
        assert names_everything(result.text, INFO), result.text


def test_shows_code_sees_fences_code_lines_and_snippet_tokens() -> None:
    assert shows_code("Do this:\n```\nx\n```", INFO)
    assert shows_code("Hint:\nreturn cleaned == cleaned[::-1]", INFO)
    assert shows_code('Compute "".join(ch.lower() for ch in text if not ch.isspace()) first.', INFO)
    assert not shows_code("Write `is_palindrome(text)`; it returns a bool for `text`.", INFO)


@pytest.mark.docker
def test_examples_are_corrected_or_removed(sandbox_pool) -> None:
    text = (FIXTURES / "question_wrong_example.txt").read_text()
    fixed = fix_examples(sandbox_pool, CODE, INFO, text)
    assert fixed is not None
    assert '`is_palindrome("abc")` returns `False`' in fixed.text
    assert "should return `True`" in fixed.text  # "Taco cat" is right: left as written
    assert '"a", "b"' not in fixed.text  # not a valid call: its sentence goes
    assert fixed.fixes == (
        "corrected an example against the snippet",
        "removed an example that is not a valid call",
    )


@pytest.mark.docker
def test_a_question_with_only_invalid_examples_is_dropped(sandbox_pool) -> None:
    text = "Write `is_palindrome(text)`. For example `is_palindrome(1, 2)` returns `True`.\n"
    assert fix_examples(sandbox_pool, CODE, INFO, text) is None


@pytest.mark.docker
def test_a_question_without_examples_is_unchanged(sandbox_pool) -> None:
    text = "Write a Python function `is_palindrome(text: str) -> bool`.\n"
    assert fix_examples(sandbox_pool, CODE, INFO, text) == Parsed(text, ())
