"""Parsing rules on raw model answers kept in tests/fixtures/model_outputs/."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from generate_corpus import CORPUS, snippet

from phicode.generate.clean import (
    Parsed,
    ParseFailure,
    ParseReason,
    clean_question,
    clean_tests,
    drop_tests,
    extract_code,
    nodeid_name,
    parse_prefix,
)
from phicode.generate.codeinfo import function_info
from phicode.generate.draft import Draft
from phicode.generate.repair import Repairer
from phicode.records import Generator

FIXTURES = Path(__file__).parent / "fixtures" / "model_outputs"
INFO = function_info(CORPUS["is_palindrome"], "is_palindrome")


def raw(name: str) -> str:
    return (FIXTURES / name).read_text()


def cleaned_tests(name: str) -> Parsed:
    parsed = clean_tests(raw(name), INFO)
    assert isinstance(parsed, Parsed), parsed
    tree = ast.parse(parsed.text)
    defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    assert "is_palindrome" not in defined, "a pasted copy of the answer survived"
    imports = [
        ast.unparse(n)
        for n in tree.body
        if isinstance(n, ast.ImportFrom) and n.module == "solution"
    ]
    assert any("is_palindrome" in line for line in imports), parsed.text
    return parsed


# --- tests: repaired --------------------------------------------------------------


def test_fenced_answer_is_taken_as_is() -> None:
    parsed = cleaned_tests("tests_fenced.txt")
    assert parsed.fixes == ()
    assert parsed.text == raw("tests_fenced.txt").split("```python\n")[1].split("```")[0]


def test_unfenced_code_loses_the_prose_before_and_after() -> None:
    parsed = cleaned_tests("tests_unfenced_prose.txt")
    assert "Sure!" not in parsed.text and "These tests" not in parsed.text
    assert "cut prose before the code" in parsed.fixes
    assert parsed.text.count("def test_") == 3


def test_prose_around_a_fence_is_ignored() -> None:
    parsed = cleaned_tests("tests_prose_around.txt")
    assert "Explanation" not in parsed.text and parsed.text.count("def test_") == 2


def test_pasted_function_is_replaced_by_an_import_and_top_level_calls_go() -> None:
    parsed = cleaned_tests("tests_pasted_function.txt")
    assert "removed a pasted copy of is_palindrome; importing it from solution" in parsed.fixes
    assert "removed a top-level call" in parsed.fixes
    assert "print(" not in parsed.text and "\ntest_is_palindrome()" not in parsed.text
    assert parsed.text.startswith("from solution import is_palindrome\n")


def test_missing_imports_are_added() -> None:
    parsed = cleaned_tests("tests_missing_import.txt")
    lines = parsed.text.splitlines()
    assert {"import math", "import pytest", "from solution import is_palindrome"} <= set(lines[:4])
    assert "added missing imports" in parsed.fixes


def test_truncated_output_keeps_the_complete_tests() -> None:
    parsed = cleaned_tests("tests_truncated.txt")
    assert "cut an unfinished tail (truncated output)" in parsed.fixes
    assert parsed.text.count("def test_") == 3
    assert "Was it a car" not in parsed.text


def test_import_from_an_invented_module_becomes_solution_and_main_block_goes() -> None:
    parsed = cleaned_tests("tests_wrong_module.txt")
    assert "from palindrome" not in parsed.text and "__main__" not in parsed.text
    assert "def test_duplicate_2():" in parsed.text  # both duplicates run
    assert "renamed duplicate test names so every test runs" in parsed.fixes


def test_top_level_asserts_are_wrapped_in_a_test() -> None:
    parsed = cleaned_tests("tests_top_level_asserts.txt")
    assert "def test_is_palindrome_examples():" in parsed.text
    assert '    assert is_palindrome("kayak") == True' in parsed.text


def test_a_test_that_never_calls_the_function_is_dropped() -> None:
    answer = (
        "from solution import is_palindrome\n\n"
        "def test_exists():\n    assert is_palindrome\n\n"
        "def test_mapped():\n    assert list(map(is_palindrome, ['aa'])) == [True]\n\n"
        "def test_kayak():\n    assert is_palindrome('kayak') is True\n"
    )
    parsed = clean_tests(answer, INFO)
    assert isinstance(parsed, Parsed), parsed
    assert "def test_exists" not in parsed.text
    assert "def test_mapped" in parsed.text and "def test_kayak" in parsed.text
    assert "dropped test_exists: it never calls is_palindrome" in parsed.fixes


def test_unittest_classes_are_kept() -> None:
    parsed = cleaned_tests("tests_unittest.txt")
    assert "class TestIsPalindrome(unittest.TestCase):" in parsed.text
    assert "unittest.main()" not in parsed.text


def test_function_block_and_test_block_are_joined_then_the_copy_removed() -> None:
    parsed = cleaned_tests("tests_two_blocks.txt")
    assert "joined several code blocks" in parsed.fixes
    assert "@pytest.mark.parametrize" in parsed.text


# --- tests: rejected ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("tests_echo_only.txt", ParseReason.NO_TESTS),
        ("tests_no_asserts.txt", ParseReason.NO_ASSERTS),
        ("tests_prose_only.txt", ParseReason.NO_CODE),
    ],
)
def test_unusable_tests_are_rejected_with_a_reason(name: str, reason: ParseReason) -> None:
    parsed = clean_tests(raw(name), INFO)
    assert isinstance(parsed, ParseFailure)
    assert parsed.reason is reason


def test_empty_answer() -> None:
    assert clean_tests("  \n", INFO) == ParseFailure(
        ParseReason.EMPTY_OUTPUT, "the model wrote nothing"
    )


def test_tests_that_never_call_the_answer_are_rejected() -> None:
    parsed = clean_tests("```python\ndef test_x():\n    assert 1 + 1 == 2\n```", INFO)
    assert isinstance(parsed, ParseFailure) and parsed.reason is ParseReason.NOT_CALLING_ENTRY


def test_garbage_never_raises() -> None:
    for text in [
        "```python\n",
        "```\n)))\n```",
        "def",
        "\x00",
        "```python\nclass :\n```",
        "assert",
    ]:
        assert isinstance(clean_tests(text, INFO), Parsed | ParseFailure)
        assert isinstance(clean_question(text, INFO), Parsed | ParseFailure)


def test_every_fixture_parses_to_a_result() -> None:
    for path in sorted(FIXTURES.glob("*.txt")):
        cleaner = clean_question if path.name.startswith("question") else clean_tests
        assert isinstance(cleaner(path.read_text(), INFO), Parsed | ParseFailure), path.name


# --- questions -------------------------------------------------------------------


def question_of(name: str) -> Parsed:
    parsed = clean_question(raw(name), INFO)
    assert isinstance(parsed, Parsed), parsed
    assert "def is_palindrome" not in parsed.text and "cleaned ==" not in parsed.text
    assert "is_palindrome" in parsed.text
    return parsed


def test_clean_question_is_kept_verbatim() -> None:
    parsed = question_of("question_clean.txt")
    assert parsed.text == raw("question_clean.txt")
    assert parsed.fixes == ()


def test_answer_section_and_label_are_cut() -> None:
    parsed = question_of("question_answer_section.txt")
    assert "Solution" not in parsed.text and "This works" not in parsed.text
    assert parsed.text.startswith("Write a Python function `is_palindrome(text: str) -> bool`")
    assert "cut a trailing answer/solution section" in parsed.fixes


def test_answer_label_section_is_cut() -> None:
    parsed = question_of("question_answer_label.txt")
    assert "Answer" not in parsed.text and "removes the spaces" not in parsed.text


def test_code_block_inside_the_question_is_removed() -> None:
    parsed = question_of("question_with_code.txt")
    assert "removed a code block" in parsed.fixes
    assert '"abc" is not.' in parsed.text


def test_line_copied_from_the_code_is_removed() -> None:
    parsed = question_of("question_leaked_line.txt")
    assert "removed lines copied from the code" in parsed.fixes


def test_truncated_question_is_cut_to_its_last_sentence() -> None:
    parsed = question_of("question_truncated.txt")
    assert parsed.text.rstrip().endswith("whitespace is skipped.")


def test_question_that_does_not_name_the_function_gets_the_signature() -> None:
    parsed = question_of("question_unnamed.txt")
    assert parsed.text.startswith(
        "Write a Python function `is_palindrome(text: str) -> bool`.\n\nDetermine"
    )
    assert "named the function" in parsed.fixes


def test_question_that_is_only_code_is_rejected() -> None:
    parsed = clean_question(raw("question_only_code.txt"), INFO)
    assert isinstance(parsed, ParseFailure) and parsed.reason is ParseReason.QUESTION_TOO_SHORT


def test_question_with_inline_answer_code_is_rejected() -> None:
    text = (
        'Write `is_palindrome(text)`. Use cleaned = "".join(ch.lower() for ch in text if not ch.isspace()) '
        "and compare it with its reverse."
    )
    parsed = clean_question(text, INFO)
    assert isinstance(parsed, ParseFailure) and parsed.reason is ParseReason.QUESTION_SHOWS_CODE


# --- helpers ----------------------------------------------------------------------


def test_parse_prefix_drops_an_open_block() -> None:
    code, notes = parse_prefix("def test_a():\n    assert f(1)\n\ndef test_b():\n    assert f(\n")
    assert code == "def test_a():\n    assert f(1)"
    assert notes == ["cut an unfinished tail (truncated output)"]


def test_extract_code_accepts_an_unterminated_fence() -> None:
    code, _ = extract_code("```py\nx = 1\ny = (")
    assert code == "x = 1"


def test_drop_tests_removes_functions_and_methods() -> None:
    code = (
        "import pytest\n\n\n@pytest.mark.parametrize('x', [1])\ndef test_a(x):\n    assert x\n\n\n"
        "def test_b():\n    assert True\n\n\nclass TestC:\n    def test_m(self):\n        assert 0\n\n"
        "    def test_n(self):\n        assert 1\n"
    )
    kept = drop_tests(code, {"test_a", "TestC::test_m"})
    assert kept is not None
    assert "test_a" not in kept and "parametrize" not in kept and "test_m" not in kept
    assert "def test_b" in kept and "def test_n" in kept
    assert drop_tests(code, {"test_zzz"}) is None


def test_nodeid_name() -> None:
    assert nodeid_name("test_solution.py::test_x[1-2]") == "test_x"
    assert nodeid_name("test_solution.py::TestC::test_m") == "TestC::test_m"


# --- the cleaned fixtures really pass on the snippet --------------------------------

PASSING_FIXTURES = [
    "tests_fenced.txt",
    "tests_unfenced_prose.txt",
    "tests_prose_around.txt",
    "tests_pasted_function.txt",
    "tests_missing_import.txt",
    "tests_truncated.txt",
    "tests_top_level_asserts.txt",
    "tests_unittest.txt",
    "tests_two_blocks.txt",
]


@pytest.mark.docker
def test_cleaned_fixtures_pass_in_the_sandbox(sandbox_pool) -> None:
    """Every repairable fixture, once cleaned, passes on the real snippet."""
    item = snippet("is_palindrome")
    drafts = [
        Draft(
            item,
            INFO,
            "q",
            cleaned_tests(name).text,
            Generator(backend="test", model="fixture", prompt=name),
        )
        for name in PASSING_FIXTURES
    ]
    checked = Repairer(sandbox_pool).run(drafts)
    failures = {
        d.generator.prompt: c.verification.detail
        for d, c in zip(drafts, checked, strict=True)
        if not c.passed
    }
    assert failures == {}


# --- recorded from Qwen2.5-Coder-0.5B-Instruct ---------------------------------------


def test_recorded_markdown_question_keeps_the_task_and_cuts_the_implementation() -> None:
    info = function_info(CORPUS["chunk"], "chunk")
    parsed = clean_question(raw("qwen05b_question_markdown.txt"), info)
    assert isinstance(parsed, Parsed), parsed
    assert parsed.text.startswith("The task is to create a function `chunk`")
    assert "### Edge Cases" in parsed.text and "Size 0" in parsed.text
    assert (
        "Implementation" not in parsed.text
        and "def chunk" not in parsed.text
        and "Input" not in parsed.text
    )
    assert {"removed a title line", "cut a trailing answer/solution section"} <= set(parsed.fixes)


@pytest.mark.docker
def test_recorded_tests_with_wrong_values_keep_the_right_ones(sandbox_pool) -> None:
    """Half the recorded asserts are wrong; dropping them leaves a passing pair."""
    tests = cleaned_tests("qwen05b_tests_copied_example.txt").text
    draft = Draft(
        snippet("is_palindrome"),
        INFO,
        "q",
        tests,
        Generator(backend="hf", model="qwen", prompt="t"),
    )
    (checked,) = Repairer(sandbox_pool).run([draft])
    assert checked.passed
    assert checked.verification.tests_passed == 2 and checked.verification.attempts == 2
    assert "dropped 2 failing test(s)" in checked.verification.detail
    assert "hello" not in checked.draft.tests and "rhythm" in checked.draft.tests


def test_recorded_assert_list_is_split_deduplicated_and_its_cut_tail_dropped() -> None:
    parsed = cleaned_tests("qwen05b_tests_assert_list_truncated.txt")
    assert {
        "cut an unfinished tail (truncated output)",
        "split lists of asserts into one test each",
    } <= set(parsed.fixes)
    tree = ast.parse(parsed.text)
    tests = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    assert [len(t.body) for t in tests] == [1] * len(tests)
    assert len(tests) == 8  # 13 complete asserts, 5 of them repeats
    assert "Was it a car or a\n" not in parsed.text


def test_recorded_question_that_explains_the_solution_loses_the_implementation() -> None:
    parsed = question_of("qwen05b_question_how_to_solve.txt")
    assert "Here's the implementation" not in parsed.text
    assert parsed.text.startswith("Write a Python function `is_palindrome(text: str) -> bool`.")


def test_recorded_pasted_function_with_docstring_is_removed() -> None:
    info = function_info(CORPUS["gcd"], "gcd")
    parsed = clean_tests(raw("qwen05b_tests_pasted_function.txt"), info)
    assert isinstance(parsed, Parsed)
    assert "def gcd" not in parsed.text and "from solution import gcd" in parsed.text
    assert parsed.text.startswith("import pytest\nfrom solution import gcd\n")


def test_a_test_with_other_statements_is_not_split() -> None:
    text = (
        "```python\nfrom solution import is_palindrome\n\ndef test_x():\n    s = 'aa'\n"
        "    assert is_palindrome(s)\n    assert is_palindrome(s * 2)\n```"
    )
    parsed = clean_tests(text, INFO)
    assert isinstance(parsed, Parsed) and "def test_x():" in parsed.text
