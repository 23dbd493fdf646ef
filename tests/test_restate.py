"""Questions restated from observed behaviour: the mechanical rules on the issue's own cases."""

from __future__ import annotations

import pytest

from phicode.generate.clean import ParseFailure
from phicode.generate.codeinfo import function_info
from phicode.generate.oracle.inputs import Case
from phicode.generate.oracle.observe import Observed
from phicode.generate.restate import (
    add_examples,
    cap_examples,
    claimed_raises,
    drop_contradicted_raises,
    drop_echo,
    drop_instructions,
    drop_vague,
    state_raises,
)

CLAMP = """def clamp(value, low, high):
    if low > high:
        raise ValueError("low must not exceed high")
    return max(low, min(value, high))
"""
CLAMP_INFO = function_info(CLAMP, "clamp")
SQRT = """def int_sqrt(n):
    return int(n ** 0.5) if n > 0 else 0
"""
SQRT_INFO = function_info(SQRT, "int_sqrt")


def value(args: tuple[str, ...], result: str) -> Observed:
    return Observed(case=Case(args, ()), kind="value", repr=result)


def raises(args: tuple[str, ...], exc: str, message: str = "") -> Observed:
    return Observed(case=Case(args, ()), kind="raises", exc=exc, message=message)


@pytest.mark.parametrize(
    "sentence",
    [
        "Additionally, write a test case with a different separator.",
        "Write unit tests for your function.",
        "Also provide some test cases using pytest.",
        "Explain your approach.",
        "Include a docstring and comments.",
        "Show example usage at the end.",
    ],
)
def test_instructions_that_are_not_the_task_are_removed(sentence: str) -> None:
    question = f"Write a Python function `join(parts, sep)` that joins parts with sep. {sentence}"
    notes: list[str] = []
    assert drop_instructions(question, notes) == (
        "Write a Python function `join(parts, sep)` that joins parts with sep."
    )
    assert notes == ["restate: removed 1 instruction(s) that are not part of the task"]


def test_a_function_that_tests_something_is_not_an_instruction() -> None:
    question = (
        "Write a Python function `is_prime(n)` that tests whether n is prime. "
        "Return True for primes and False otherwise."
    )
    notes: list[str] = []
    assert drop_instructions(question, notes) == question
    assert notes == []


def test_claims_of_raising_are_found() -> None:
    text = "Raise a `ValueError` if n is negative. A TypeError is raised for strings."
    assert claimed_raises(text) == {"ValueError", "TypeError"}


def test_a_raise_the_snippet_never_does_is_removed() -> None:
    question = (
        "Write a Python function `int_sqrt(n)` that returns the integer square root. "
        "It should handle negative numbers. Raise ValueError if the number is negative."
    )
    notes: list[str] = []
    fixed = drop_contradicted_raises(question, SQRT, [], notes)
    assert "ValueError" not in fixed
    assert "It should handle negative numbers." in fixed
    assert notes == ["restate: removed a claim the snippet contradicts (raises ValueError)"]


def test_a_raise_the_code_names_is_kept_even_if_no_test_shows_it() -> None:
    question = "Write `clamp(value, low, high)`. Raise ValueError if low > high."
    notes: list[str] = []
    assert drop_contradicted_raises(question, CLAMP, [], notes) == question
    assert notes == []


def test_exceptions_the_tests_expect_are_stated_with_the_snippets_message() -> None:
    question = "Write a Python function `clamp(value, low, high)` that limits value to [low, high]."
    notes: list[str] = []
    seen = [raises(("42", "0", "-4"), "ValueError", "low must not exceed high")]
    fixed = state_raises(question, CLAMP_INFO, seen, notes)
    assert fixed.endswith(
        'Errors:\n- `clamp(42, 0, -4)` raises `ValueError` ("low must not exceed high").'
    )
    assert notes == ["restate: stated the exceptions the tests expect (ValueError)"]
    assert state_raises(fixed, CLAMP_INFO, seen, []) == fixed  # stated once


def test_worked_examples_are_added_only_when_the_question_has_none() -> None:
    question = "Write a Python function `clamp(value, low, high)` that limits value to [low, high]."
    seen = [
        value(("5", "0", "10"), "5"),
        value(("-3", "0", "10"), "0"),
        value(("50", "0", "10"), "10"),
    ]
    notes: list[str] = []
    fixed = add_examples(question, CLAMP_INFO, seen, notes)
    assert fixed.count("- `clamp(") == 2  # one or two, never all cases
    assert "Examples:\n- `clamp(" in fixed
    assert notes == ["restate: added 2 worked example(s) from the observed cases"]
    shown = f"{question} For example, `clamp(5, 0, 10)` returns `5`."
    assert add_examples(shown, CLAMP_INFO, seen, []) == shown


@pytest.mark.parametrize(
    "sentence",
    [
        # recorded from Qwen2.5-Coder-0.5B's rewrites (restate@1) on boltons
        "The function should handle various edge cases, including empty inputs, ties, "
        "duplicates, and non-string inputs.",
        "The function should raise appropriate exceptions for invalid inputs and handle ties "
        "in the indentation level.",
        "It should handle different types of inputs.",
        # issue 22's noise, recorded from default runs on held-out code
        "The function should handle exceptions.",
        "The code should be easy to understand and test.",
        "Make sure the function returns the correct results.",
        "The solution should be efficient and readable.",
        # issue 22's held-out readers (openvino run), counted as noise
        "This function should behave like the examples provided, including edge cases such "
        "as an empty array, a single-element array, and a list with duplicates.",
        "It should handle edge cases such as empty lists and lists with only falsy values.",
        "It should handle empty lists and single-element lists.",
        "The function handles edge cases such as an empty list and lists with different lengths.",
        "This function should behave like the following:",
        # the third held-out reading (restate@9)
        "The examples show the behavior of the function on these examples.",
        "This function is useful for separate data sources that are coordinated through "
        "matching array indexes.",
    ],
)
def test_vague_promises_are_removed(sentence: str) -> None:
    notes: list[str] = []
    question = f"Write a Python function `clamp(value, low, high)` that limits value. {sentence}"
    assert (
        drop_vague(question, notes)
        == "Write a Python function `clamp(value, low, high)` that limits value."
    )
    assert notes == ["restate: removed 1 vague sentence(s) that state no behaviour"]


@pytest.mark.parametrize(
    "sentence",
    [
        "It handles inputs where low is greater than high by raising ValueError.",
        "It should handle negative numbers by returning 0.",
        "Invalid inputs such as None raise TypeError.",
        "It returns the correct change as a list of coins.",
        "It handles an empty list by returning an empty list.",
        "Empty lists are handled as `[]`.",
    ],
)
def test_a_stated_rule_is_not_vague(sentence: str) -> None:
    question = f"Write a Python function `clamp(value, low, high)` that limits value. {sentence}"
    assert drop_vague(question, []) == question


def test_sentences_that_echo_the_prompt_are_removed() -> None:
    """Recorded from Qwen2.5-Coder-0.5B (restate@2) on boltons' ``_args2cmd``."""
    from phicode.generate.prompts import Prompts

    signature = "_args2cmd(args, sep=' ')"
    instructions = Prompts().render(
        "restate", entry_point="_args2cmd", signature=signature, question="", cases=[]
    )
    rewrite = (
        f"Write a Python function `{signature}` that joins the strings with the separator.\n\n"
        "- When an exception is raised and which one, and any convention the results follow.\n"
        "- The examples show that the function behaves like this on every input above.\n\n"
        "Examples:\n- `_args2cmd(['hello'])` returns `'hello'`"
    )
    allowed = f"Write a Python function `{signature}` that joins args.\nWrite a Python function `{signature}` that"
    notes: list[str] = []
    kept = drop_echo(rewrite, instructions, allowed, notes)
    assert kept.startswith(f"Write a Python function `{signature}` that joins")
    assert "exception" not in kept and "every input above" not in kept
    assert "- `_args2cmd(['hello'])` returns `'hello'`" in kept
    assert notes == ["restate: removed 2 sentence(s) of the rewrite that echo the prompt"]


def test_an_example_is_added_for_a_form_of_call_no_example_shows() -> None:
    """The question shows ``clamp`` with numbers; the tests also pass ``low=None``."""
    question = (
        "Write a Python function `clamp(value, low, high)` that limits value to [low, high]. "
        "For example, `clamp(5, 0, 10)` returns `5`."
    )
    seen = [
        value(("5", "0", "10"), "5"),
        value(("-3", "0", "10"), "0"),
        Observed(Case(("-3",), (("low", "None"), ("high", "10"))), "value", repr="-3"),
    ]
    notes: list[str] = []
    fixed = add_examples(question, CLAMP_INFO, seen, notes)
    assert fixed.endswith("Examples:\n- `clamp(-3, low=None, high=10)` returns `-3`.")
    assert notes == ["restate: added 1 worked example(s) from the observed cases"]
    assert add_examples(fixed, CLAMP_INFO, seen, []) == fixed  # every form is shown now


# Recorded from Qwen2.5-Coder-0.5B's rewrite (restate@4) of boltons/toolz' valmap on the
# fidelity corpus: every tested call listed, the last one cut off by the token limit.
VALMAP = function_info("def valmap(func, d, factory=dict):\n    return factory()\n", "valmap")
VALMAP_REWRITE = (
    "Write a Python function `valmap(func, d, factory=dict)` that applies a function to "
    "values of dictionary.\n\nThis function should behave like the following:\n\n"
    "- `valmap(sum, {'Alice': [20, 15, 30], 'Bob': [10, 35]})` returns `{'Alice': 65, 'Bob': 45}`\n"
    "- `valmap(0, {})` returns `{}`\n- `valmap(1, {})` returns `{}`\n"
    "- `valmap(2, {})` returns `{}`\n- `valmap(5, {})"
)


def test_a_line_cut_inside_a_code_span_is_dropped() -> None:
    from phicode.generate.clean import clean_question

    cleaned = clean_question(VALMAP_REWRITE, VALMAP)
    assert not isinstance(cleaned, ParseFailure)
    assert cleaned.text.rstrip().endswith("- `valmap(2, {})` returns `{}`")
    assert "cut an unfinished last line (truncated output)" in cleaned.fixes


def test_listed_examples_beyond_three_are_removed() -> None:
    question = VALMAP_REWRITE.rsplit("\n", 1)[0]  # the four complete examples
    notes: list[str] = []
    capped = cap_examples(question, VALMAP, notes)
    assert capped.count("- `valmap(") == 3 and "valmap(2, {})" not in capped
    assert notes == ["restate: kept 3 of 4 listed examples"]
    assert cap_examples(capped, VALMAP, []) == capped


@pytest.mark.parametrize(
    ("sentence", "kept"),
    [
        (
            "Return the first index of value, using a hash table.",
            "Return the first index of value.",
        ),
        ("Rotate the list right by k using three reversals.", "Rotate the list right by k."),
        (
            "Compute the digits using modular arithmetic; 0 gives '0'.",
            "Compute the digits; 0 gives '0'.",
        ),
        (
            "Sort the items using the key function given.",
            "Sort the items using the key function given.",
        ),
    ],
)
def test_method_clauses_go_and_the_rule_stays(sentence: str, kept: str) -> None:
    notes: list[str] = []
    assert drop_vague(sentence, notes) == kept
    assert bool(notes) is (sentence != kept)


def test_an_example_joins_the_list_under_a_markdown_heading() -> None:
    """The model writes '### Examples'; a second list under a new 'Examples:' was a glitch
    the held-out sheets showed (max_ones_index, chunk)."""
    from phicode.generate.oracle.examples import with_example

    empty_heading = "Find it.\n\n### Examples\n"
    assert with_example(empty_heading, "- `f(1)` returns `2`.") == (
        "Find it.\n\n### Examples\n- `f(1)` returns `2`.\n"
    )
    listed = "Find it.\n\n**Examples:**\n\n- `f(0)` returns `1`.\n\nNotes."
    assert with_example(listed, "- `f(1)` returns `2`.") == (
        "Find it.\n\n**Examples:**\n\n- `f(0)` returns `1`.\n- `f(1)` returns `2`.\n\nNotes.\n"
    )
    prose = "Find the examples: all of them."
    assert with_example(prose, "- `f(1)` returns `2`.").endswith(
        "\n\nExamples:\n- `f(1)` returns `2`.\n"
    )
