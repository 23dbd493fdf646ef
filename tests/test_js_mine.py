"""Mining JavaScript and TypeScript (issue 24): tree-sitter finds the functions, the same
filters drop what is not a pure function, whole files that are minified, bundled or
tests are skipped with a reason, and the licence comes from the package."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from phicode.cli import main
from phicode.languages.javascript import mine as js
from phicode.mine.reasons import Reject, Skip

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "corpus-js"


def _found(source: str, typescript: bool = False) -> dict[str, js.JsFound]:
    tree = js.parse(source, typescript)
    assert not isinstance(tree, tuple), tree
    return {f.entry_point: f for f in js.mine_tree(tree, source)}


def test_a_function_carries_the_helpers_and_constants_it_uses_and_exports_itself() -> None:
    found = _found(
        "const BASE = 10;\nconst unused = 1;\n"
        "function helper(x) { return x * BASE; }\n"
        "export const scaled = (x) => helper(x) + 1;\n"
    )
    code = found["scaled"].code
    assert found["scaled"].verdict is None
    assert "const BASE = 10;" in code and "function helper" in code
    assert "unused" not in code
    assert code.rstrip().endswith("export { scaled };")
    assert "export const" not in code  # the snippet exports its entry point alone


def test_names_a_destructuring_pattern_declares_are_not_free() -> None:
    found = _found(
        "export const widths = (rows) => rows.map(({ length }) => length);\n"
        'export function cut({ text, ellipsis = "..." }, width) { return text.slice(0, width) + ellipsis; }\n'
        "export const other = ({ a: b }) => b + c;\n"
    )
    assert found["widths"].verdict is None and found["cut"].verdict is None
    verdict = found["other"].verdict  # a renamed property declares its new name only
    assert verdict is not None and (verdict.reason, verdict.detail) == (Reject.UNRESOLVED_NAME, "c")


@pytest.mark.parametrize(
    ("source", "reason", "detail"),
    [
        (
            "import fs from 'node:fs';\nexport function f(p) { return fs.readFileSync(p); }",
            Reject.FORBIDDEN_MODULE,
            "fs",
        ),
        (
            "import _ from 'lodash';\nexport function f(x) { return _.get(x, 'a'); }",
            Reject.NON_STDLIB_IMPORT,
            "lodash",
        ),
        ("export function f(x) { return x + missing; }", Reject.UNRESOLVED_NAME, "missing"),
        ("export function f(x) { console.log(x); return x; }", Reject.FORBIDDEN_CALL, "console"),
        ("export function f(x) { return fetch(x); }", Reject.FORBIDDEN_CALL, "fetch"),
        (
            "export function f(n) { return Math.random() * n; }",
            Reject.NONDETERMINISTIC,
            "Math.random",
        ),
        ("export function f(n) { return Date.now() + n; }", Reject.NONDETERMINISTIC, "Date.now"),
        ("export function f() { return 1; }", Reject.NO_ARGUMENTS, "no parameters"),
        ("export function f(x) { x.push(1); }", Reject.NO_RETURN, "no return with a value"),
        ("export async function f(x) { return x; }", Reject.ASYNC, "an async function"),
    ],
)
def test_what_is_not_a_pure_function_is_rejected_with_its_reason(
    source: str, reason: Reject, detail: str
) -> None:
    verdict = _found(source)["f"].verdict
    assert verdict is not None and (verdict.reason, verdict.detail) == (reason, detail)


def test_node_builtins_travel_with_the_snippet_and_commonjs_exports_are_found() -> None:
    found = _found(
        "import { format } from 'util';\n"
        "exports.shout = function (x) { return format('%s!', x).toUpperCase(); };\n"
    )
    snippet = found["shout"]
    assert snippet.verdict is None
    assert "import { format } from 'node:util';" in snippet.code
    assert "const shout = function (x)" in snippet.code


def test_typescript_types_are_part_of_the_closure() -> None:
    found = _found(
        "type Pair = [number, number];\nexport function swap(p: Pair): Pair { return [p[1], p[0]]; }\n",
        typescript=True,
    )
    assert found["swap"].verdict is None
    assert found["swap"].code.startswith("type Pair = [number, number];")


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("var a=1;" * 200 + "\n", "minified or bundled"),
        ("/******/ (function(modules) { // webpackBootstrap\n})([]);\n", "a bundle"),
    ],
)
def test_minified_and_bundled_files_are_skipped(text: str, detail: str) -> None:
    skip = js.skip_reason(text)
    assert skip is not None and skip[0] is Skip.GENERATED and detail in skip[1]


def test_a_file_that_does_not_parse_is_skipped_naming_the_line() -> None:
    skip = js.parse("export function f(x) {\n  return x +;\n}\n", typescript=False)
    assert isinstance(skip, tuple) and skip[0] is Skip.SYNTAX_ERROR and "line 2" in skip[1]


def test_the_bundled_corpus_mines_with_languages_licences_and_reasons(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus-js"
    shutil.copytree(CORPUS, corpus)  # outside this checkout: the package is the repository
    out, rejected = tmp_path / "snippets.jsonl", tmp_path / "rejected.jsonl"
    assert main(["mine", str(corpus), "-o", str(out), "--rejected", str(rejected)]) == 0
    snippets = [json.loads(line) for line in out.read_text().splitlines()]
    languages = {s["entry_point"]: s["language"] for s in snippets}
    assert languages["clamp"] == "javascript" and languages["mergeIntervals"] == "typescript"
    assert {"pick", "lines"}.isdisjoint(languages)  # random, I/O
    assert {s["source"]["license"] for s in snippets} == {"MIT"}  # from package.json
    assert all(s["code"].rstrip().endswith(f"export {{ {s['entry_point']} }};") for s in snippets)
    reasons = {json.loads(line)["rejected"]["reason"] for line in rejected.read_text().splitlines()}
    assert {"nondeterministic", "forbidden_module", "generated", "tests"} <= reasons


def test_language_narrows_what_is_mined(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus-js"
    shutil.copytree(CORPUS, corpus)
    out = tmp_path / "snippets.jsonl"
    assert main(["mine", str(corpus), "-o", str(out), "--language", "ts"]) == 0
    languages = {json.loads(line)["language"] for line in out.read_text().splitlines()}
    assert languages == {"typescript"}


@pytest.mark.docker
def test_synth_composes_javascript_pairs_from_mined_snippets(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus-js"
    shutil.copytree(CORPUS, corpus)
    snippets, pairs = tmp_path / "s.jsonl", tmp_path / "p.jsonl"
    assert main(["mine", str(corpus), "-o", str(snippets), "--language", "js", "-q"]) == 0
    assert main(["synth", str(snippets), "-o", str(pairs), "--backend", "template", "-q"]) == 0
    made = [json.loads(line) for line in pairs.read_text().splitlines()]
    assert len(made) >= 6 and {p["language"] for p in made} == {"javascript"}
    assert all(p["generator"]["prompt"].startswith("js-template@") for p in made)
    assert all(p["verification"]["status"] == "passed" and p["cases"] for p in made)
    clamp = next(p for p in made if p["entry_point"] == "clamp")
    assert "NaN" not in clamp["question"] + clamp["tests"]  # no accident of invalid input
