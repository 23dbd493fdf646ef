"""The template backend: questions from signatures and docstrings, tests from the snippet
run as its own oracle in the sandbox; plus prompts and the synth command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from generate_corpus import CORPUS, corpus, snippet

from phicode.cli import main
from phicode.errors import ConfigError, TemplateError
from phicode.generate import (
    GenerationParams,
    ModelConfig,
    Prompts,
    RepairConfig,
    Synthesizer,
    SynthReason,
)
from phicode.generate.codeinfo import function_info
from phicode.generate.drafters import template
from phicode.generate.drafters.template import template_question
from phicode.generate.oracle.asserts import template_tests
from phicode.generate.oracle.derive import as_case, checkable
from phicode.generate.oracle.examples import example_line
from phicode.generate.oracle.inputs import Case, docstring_cases, generated_cases, values_for
from phicode.generate.oracle.observe import observe
from phicode.generate.prompts import TASKS
from phicode.records import Pair

# --- inputs (no sandbox) ----------------------------------------------------------------


def test_inputs_follow_type_hints() -> None:
    info = function_info(
        "def f(a: int, b: list[str], c: dict[str, float] | None = None) -> int: ...", "f"
    )
    a, b, c = (values_for(p) for p in info.params)
    assert a is not None and "0" in a and "-1" in a
    assert b is not None and b[0] == "[]" and all(v.startswith("[") for v in b)
    assert c is not None and c[0] == "None" and "{}" in c  # the default first


def test_inputs_follow_names_when_there_are_no_hints() -> None:
    info = function_info("def f(n, text, nums, matrix, reverse=False, sep=','): ...", "f")
    n, text, nums, matrix, reverse, sep = (values_for(p) for p in info.params)
    assert all(int(v) >= 0 for v in n or [])
    assert text is not None and '""' in text
    assert nums is not None and "[]" in nums
    assert matrix is not None and "[[1, 2], [3, 4]]" in matrix
    assert reverse == ["False", "True"]
    assert sep is not None and sep[0] == "','"


def test_cases_are_deterministic_and_distinct() -> None:
    info = function_info(CORPUS["chunk"], "chunk")
    first, again = generated_cases(info, 12, seed=5), generated_cases(info, 12, seed=5)
    assert first == again and len(set(first)) == len(first) > 5


def test_an_unknown_parameter_type_gives_no_cases() -> None:
    info = function_info("def f(node: Node) -> int: ...", "f")
    assert generated_cases(info, 10, seed=0) == []


def test_docstring_examples_become_cases() -> None:
    info = function_info(CORPUS["gcd"], "gcd")
    assert docstring_cases(info) == [Case(("12", "18"), origin="docstring")]


def test_template_question_shows_signature_prose_and_examples_not_code() -> None:
    info = function_info(CORPUS["gcd"], "gcd")
    question = template_question(info, [])
    assert question.startswith("Write a Python function `gcd(a: int, b: int) -> int`.")
    assert "Greatest common divisor (Euclid)." in question
    assert ">>>" not in question and "while b" not in question


# --- prompts -------------------------------------------------------------------------


def test_prompts_render_and_carry_versions() -> None:
    prompts = Prompts()
    assert prompts.tag("question", "tests") == "question@3+tests@3"
    text = prompts.render(
        "tests", entry_point="gcd", signature="gcd(a, b)", code="def gcd(a, b): ...", question=""
    )
    assert "from solution import gcd" in text and "def gcd(a, b): ..." in text


def test_a_missing_variable_is_a_template_error_naming_the_file() -> None:
    with pytest.raises(TemplateError, match=r"prompts/tests.j2: 'entry_point' is undefined"):
        Prompts().render("tests", code="x")


def test_broken_or_missing_templates_are_named(tmp_path: Path) -> None:
    for task in TASKS:
        (tmp_path / f"{task}.j2").write_text(f"{{#- prompt: {task}@2 -#}}\nhello {{{{ code }}}}\n")
    assert Prompts(tmp_path).tag("solve") == "solve@2"
    (tmp_path / "repair.j2").write_text("{#- prompt: repair@1 -#}\n{% if %}\n")
    with pytest.raises(TemplateError, match=r"repair.j2:2: "):
        Prompts(tmp_path)
    (tmp_path / "repair.j2").write_text("no header\n")
    with pytest.raises(TemplateError, match=r"repair.j2: first line must name the template"):
        Prompts(tmp_path)
    (tmp_path / "repair.j2").unlink()
    with pytest.raises(TemplateError, match=r"repair.j2: prompt template missing"):
        Prompts(tmp_path)


def test_bad_settings_name_the_option() -> None:
    with pytest.raises(ConfigError, match="--max-new-tokens"):
        GenerationParams(max_new_tokens=0)
    with pytest.raises(ConfigError, match="--concurrency"):
        ModelConfig(concurrency=0)
    with pytest.raises(ConfigError, match="--repair-rounds"):
        RepairConfig(rounds=-1)


# --- the oracle and whole pairs (sandbox) --------------------------------------------------


@pytest.mark.docker
def test_the_oracle_records_values_raises_and_mutations(sandbox_pool) -> None:
    code = CORPUS["mean"] + "\n" + CORPUS["bubble_sort"]
    seen = observe(
        sandbox_pool,
        code,
        "mean",
        [Case(("[1, 2]",)), Case(("[]",)), Case(("'x'",)), Case(("zzz",))],
    )
    assert [(o.kind, o.repr, o.exc) for o in seen] == [
        ("value", "1.5", None),
        ("raises", None, "ValueError"),
        ("invalid", None, None),  # TypeError: a wrong call, not behaviour
        ("invalid", None, None),  # NameError while building the arguments
    ]
    sort = observe(sandbox_pool, code, "bubble_sort", [Case(("[3, 1, 2]",))])[0]
    assert sort.repr == "None" and sort.mutated == ((0, "[1, 2, 3]"),)
    assert sort.only_changes and not checkable(sort)


@pytest.mark.docker
def test_a_call_that_returns_a_value_and_changes_an_argument_is_tested_for_both(
    sandbox_pool,
) -> None:
    """``pop`` returns the item and removes it: the case checks the item, the test both,
    so ``return items[0]`` (the list left as it was) fails the test."""
    code = "def shift(items):\n    return items.pop(0)\n"
    seen = observe(sandbox_pool, code, "shift", [Case(("[3, 1, 2]",))])[0]
    assert (seen.repr, seen.mutated) == ("3", ((0, "[1, 2]"),))
    assert checkable(seen) and as_case(seen).expect == "3"
    test = template_tests(function_info(code, "shift"), [seen])
    assert "assert shift(items) == 3" in test and "assert items == [1, 2]" in test


@pytest.mark.docker
def test_the_oracle_lists_what_lazy_iterators_yield(sandbox_pool) -> None:
    """A generator, ``map`` or ``itertools.chain`` result is compared as ``list(f(...))``;
    an endless one is slow, never a hang."""
    code = (
        "import itertools\n"
        "def f(n):\n"
        "    if n == 0:\n        return (i * i for i in range(3))\n"
        "    if n == 1:\n        return map(abs, [-1, 2])\n"
        "    if n == 2:\n        return itertools.chain([1], [2])\n"
        "    if n == 3:\n        return itertools.count()\n"
        "    return [n]\n"
    )
    seen = observe(sandbox_pool, code, "f", [Case((str(n),)) for n in range(5)])
    assert [(o.kind, o.repr, o.generator) for o in seen] == [
        ("value", "[0, 1, 4]", True),
        ("value", "[1, 2]", True),
        ("value", "[1, 2]", True),
        ("slow", None, False),
        ("value", "[4]", False),
    ]
    assert example_line(function_info(code, "f"), seen[1]) == "- `list(f(1))` returns `[1, 2]`."


@pytest.mark.docker
def test_the_oracle_survives_noise_slowness_and_randomness(sandbox_pool) -> None:
    code = (
        "import random, time\n"
        "def f(n):\n    print('PHICODE-ORACLE {\"results\": []}')\n"
        "    if n == 1:\n        time.sleep(5)\n    if n == 2:\n        return random.random()\n    return n\n"
    )
    seen = observe(sandbox_pool, code, "f", [Case(("0",)), Case(("1",)), Case(("2",))])
    assert [o.kind for o in seen] == ["value", "slow", "unstable"]


@pytest.mark.docker
def test_template_backend_yields_passing_pairs_for_most_of_a_corpus(sandbox_pool) -> None:
    snippets = corpus()
    results = list(Synthesizer.for_backend(None, sandbox_pool).run(snippets))
    passed = [r.pair for r in results if r.pair is not None]
    assert len(passed) >= 0.8 * len(snippets), [r.rejection for r in results if r.rejection]
    for pair in passed:
        assert pair.verification.passed and pair.verification.tests_passed >= 2
        assert pair.generator.backend == "template"
        assert pair.generator.prompt == template.VERSION
        assert f"`{pair.entry_point}(" in pair.question
        assert "return " not in pair.question
        assert f"from solution import {pair.entry_point}" in pair.tests


@pytest.mark.docker
def test_template_pairs_are_deterministic(sandbox_pool) -> None:
    first = Synthesizer.for_backend(None, sandbox_pool).synthesize(snippet("chunk"))
    second = Synthesizer.for_backend(None, sandbox_pool).synthesize(snippet("chunk"))
    assert isinstance(first, Pair) and isinstance(second, Pair)
    assert (first.id, first.question, first.tests) == (second.id, second.question, second.tests)
    assert "pytest.raises(ValueError)" in first.tests


@pytest.mark.docker
def test_snippets_without_a_testable_call_are_rejected_with_reasons(sandbox_pool) -> None:
    broken = snippet("broken", "def broken(x):\n    return undefined_name + x\n")
    missing = snippet("absent", "def present():\n    return 1\n")
    crashes = snippet("crashes", "import no_such_module\n\ndef crashes(n):\n    return n\n")
    results = list(Synthesizer.for_backend(None, sandbox_pool).run([broken, missing, crashes]))
    assert [r.rejection.reason for r in results] == [
        SynthReason.NO_CASES.value,
        SynthReason.BAD_SNIPPET.value,
        SynthReason.SNIPPET_FAILS.value,
    ]
    assert "invalid (NameError)" in results[0].rejection.detail
    assert "no top-level function 'absent'" in results[1].rejection.detail
    assert "ModuleNotFoundError" in results[2].rejection.detail


@pytest.mark.docker
def test_cli_synth_template_writes_pairs_and_rejections(tmp_path: Path, capsys) -> None:
    lines = [json.dumps(s.to_dict()) for s in corpus()[:4]]
    lines.insert(2, "{not json")
    lines.append(json.dumps(snippet("absent", "def present():\n    return 1\n").to_dict()))
    source = tmp_path / "snippets.jsonl"
    source.write_text("\n".join(lines) + "\n")
    out, rejected = tmp_path / "pairs.jsonl", tmp_path / "rejected.jsonl"
    code = main(
        [
            "synth",
            str(source),
            "-o",
            str(out),
            "--rejected",
            str(rejected),
            "--backend",
            "template",
            "--workers",
            "2",
        ]
    )
    assert code == 0
    err = capsys.readouterr().err
    assert (
        f"{source}:3: invalid JSON: Expecting property name enclosed in double quotes (column 2)"
        in err
    )
    assert "phicode synth (template, template): 4 pairs" in err
    pairs = [Pair.from_dict(json.loads(line), strict=True) for line in out.read_text().splitlines()]
    assert [p.entry_point for p in pairs] == list(CORPUS)[:4]
    reasons = [json.loads(line)["rejected"]["reason"] for line in rejected.read_text().splitlines()]
    assert reasons == ["invalid_record", "bad_snippet"]
    assert (
        main(["verify", str(out), "-o", str(tmp_path / "verified.jsonl"), "-q", "--workers", "2"])
        == 0
    )
    assert len((tmp_path / "verified.jsonl").read_text().splitlines()) == 4
