"""The whole pipeline on the bundled JavaScript/TypeScript corpus (issue 24): mined,
composed from observed calls, verified by both judges, scored against known wrong
programs, re-verified by ``validate``, exported with its language. Real containers."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from phicode.cli import main
from phicode.filters.mutation import DEFAULT_THRESHOLD
from phicode.judge import verify_pair
from phicode.languages import language_named
from phicode.languages.javascript import mutate, oracle
from phicode.languages.javascript import synth as js_synth
from phicode.records import Pair, Snippet, Source
from phicode.sandbox.pool import SandboxPool

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "corpus-js"


def test_mutants_change_one_operator_of_the_entry_point_only() -> None:
    code = "const LIMIT = 3;\nfunction f(a, b) {\n  return a < b ? a + 1 : Math.max(a, b);\n}\nexport { f };\n"
    found = mutate.mutants(code, "f", typescript=False)
    changed = {m.name.split(": ", 1)[1] for m in found}
    assert {"< -> <=", "+ -> -", "1 -> 2", "Math.max -> Math.min"} <= changed
    assert all("const LIMIT = 3;" in m.source for m in found)  # helpers stay as they are
    assert all(m.source.count("\n") == code.count("\n") for m in found)


def test_code_without_operators_still_has_mutants_and_throw_messages_are_left_alone() -> None:
    code = (
        "const pick = (obj, keys) => keys.reduce((acc, key) => {\n"
        "  if (obj[key] !== undefined) acc[key] = obj[key];\n  return acc;\n}, {});\n"
        "const keysOf = (obj, f) => f(Object.keys(obj), obj);\n"
        'function check(x) { if (x < 0) throw new RangeError("negative"); return x ? "yes" : "no"; }\n'
    )
    names = {m.name.split(": ", 1)[1] for m in mutate.mutants(code, "pick", typescript=False)}
    assert {"condition negated", "!== -> ==="} <= names
    keys = {m.name.split(": ", 1)[1] for m in mutate.mutants(code, "keysOf", typescript=False)}
    assert {"Object.keys -> Object.values", "arguments of f swapped"} <= keys
    texts = "const tidy = (s, p) => s.trim().toLowerCase().startsWith(p);\n"
    tidied = {m.name.split(": ", 1)[1] for m in mutate.mutants(texts, "tidy", typescript=False)}
    assert {".startsWith -> .endsWith", ".trim() dropped", ".toLowerCase() dropped"} <= tidied
    checked = mutate.mutants(code, "check", typescript=False)
    assert any("ternary branches swapped" in m.name for m in checked)
    assert all('"negative"' in m.source for m in checked)  # the message is never the change


def test_baselines_are_whole_modules_exporting_the_entry_point() -> None:
    found = mutate.baselines("f", ["[1]", "[1]", "2"])
    names = [b.name for b in found]
    assert "baseline: the commonest result ([1])" in names
    assert "baseline: echo the first argument" in names
    assert {b.kind for b in found} == {mutate.BASELINE}
    assert all(b.source.rstrip().endswith("export { f };") for b in found)


def test_shortcuts_hold_a_parameter_or_swap_two_in_block_and_arrow_bodies() -> None:
    code = (
        "function chunk(list, size = 2) {\n  const out = [];\n"
        "  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));\n"
        "  return out;\n}\n"
        "const inRange = (n, start, end) => n >= Math.min(start, end) && n < Math.max(start, end);\n"
    )
    sig = oracle.signature(code, "chunk", typescript=False)
    assert sig is not None
    held = oracle.held_values(sig, [("[1]", "2"), ("[1, 2]", "2"), ("[1, 2]", "3")])
    assert held == {"list": "[1, 2]", "size": "2"}
    found = mutate.shortcuts(code, "chunk", False, {"size": "2"}, [])
    assert [(p.name, p.kind) for p in found] == [("shortcut: ignores size", mutate.SHORTCUT)]
    assert "function chunk(list, size = 2) { size = (2);\n" in found[0].source
    ranged = oracle.signature(code, "inRange", typescript=False)
    assert ranged is not None
    assert oracle.swappable(code, ranged) == [("n", "start"), ("start", "end")]
    swapped = mutate.shortcuts(code, "inRange", False, {}, [("start", "end")])
    assert "=> { [start, end] = [end, start]; return (n >= Math.min" in swapped[0].source


def test_a_signature_shows_typescript_types_with_aliases_resolved() -> None:
    code = 'type Pair = [number, number];\nfunction swap(p: Pair, sep: string = "-"): Pair { return [p[1], p[0]]; }\n'
    sig = oracle.signature(code, "swap", typescript=True)
    assert sig is not None
    assert sig.text == 'swap(p: [number, number], sep: string = "-"): [number, number]'
    assert [(p.name, p.default) for p in sig.parameters] == [("p", None), ("sep", '"-"')]
    calls = oracle.candidates(code, sig, None)
    assert {c[0] for c in calls} >= {"[1, 3]", "[5, 2]"}  # tuples from the alias, not numbers
    assert calls[0][1] == '"-"'  # the first call takes the default


@pytest.mark.docker
def test_phicode_run_on_the_javascript_corpus(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus-js"
    shutil.copytree(CORPUS, corpus)
    out, rejected = tmp_path / "dataset.jsonl", tmp_path / "rejected.jsonl"
    code = main(
        ["run", str(corpus), "-o", str(out), "--rejected", str(rejected), "--backend", "template",
         "--state", str(tmp_path / "state"), "-q"]
    )  # fmt: skip
    assert code == 0
    pairs = [Pair.from_dict(json.loads(line)) for line in out.read_text().splitlines()]
    assert len(pairs) >= 8  # of 12 mined: measured 9 (docs/languages.md)
    assert {p.language for p in pairs} == {"javascript", "typescript"}
    for pair in pairs:
        assert pair.verification is not None and pair.verification.mutation_score is not None
        assert pair.verification.mutation_score >= DEFAULT_THRESHOLD
        assert len(pair.cases) >= 2 and "node:test" in pair.tests
        assert pair.question.startswith(
            f"Write a {'TypeScript' if pair.language == 'typescript' else 'JavaScript'} function"
        )
    line = json.loads(out.read_text().splitlines()[0])
    assert line["language"] in ("javascript", "typescript")
    # the dataset re-verifies, and a broken line is named
    assert main(["validate", str(out), "--reverify"]) == 0
    broken = tmp_path / "broken.jsonl"
    record = json.loads(out.read_text().splitlines()[0])
    record["tests"] = record["tests"].replace("./solution.mjs", "./elsewhere.mjs")
    broken.write_text(json.dumps(record) + "\n")
    assert main(["validate", str(broken)]) == 1


# The simple wrong functions blind readers wrote against kept pairs of js-template@5
# (bench/results/js-npm-audit-3A.md): each passed every test then; a kept pair must reject it.
READERS_SHORTCUTS = [
    (
        "chunk",
        "export function chunk(items, size = 2) {\n  const out = [];\n"
        "  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));\n"
        "  return out;\n}\n",
        "export const chunk = (a, n) => (n < 1 ? [] : a.map((x) => [x]));\n",
    ),
    (
        "inRange",
        "export function inRange(n, start, end) {\n"
        "  return n >= Math.min(start, end) && n < Math.max(start, end);\n}\n",
        "export const inRange = (n, s, e) => n >= s && n < e;\n",
    ),
    (
        "maxBy",
        "export function maxBy(items, getter) {\n  let best;\n"
        "  for (const item of items) if (best === undefined || getter(item) > getter(best)) best = item;\n"
        "  return best;\n}\n",
        "export const maxBy = (a) => (a.length ? a.reduce((m, x) => (x > m ? x : m)) : undefined);\n",
    ),
]


@pytest.mark.docker
@pytest.mark.parametrize(
    "name,code,wrong", READERS_SHORTCUTS, ids=[n for n, _, _ in READERS_SHORTCUTS]
)
def test_a_kept_pair_rejects_a_readers_shortcut(
    sandbox_pool: SandboxPool, name: str, code: str, wrong: str
) -> None:
    snippet = Snippet(
        id=name,
        entry_point=name,
        code=code,
        source=Source(repo="readers", path=f"{name}.mjs"),
        language="javascript",
    )
    pair = js_synth.synthesize(sandbox_pool, snippet)
    assert isinstance(pair, Pair), pair
    assert verify_pair(sandbox_pool, pair).passed
    assert not verify_pair(sandbox_pool, replace(pair, solution=wrong)).passed, pair.tests


@pytest.mark.docker
def test_a_call_that_crashes_the_run_is_found_and_the_other_calls_kept(
    sandbox_pool: SandboxPool,
) -> None:
    """A call that ends the process (no timeout can stop that) fails the whole job; the
    snippet's observation splits the calls until that one is alone, marked ``failed``."""
    code = "export function f(x) {\n  if (x === 3) process.exit(0);\n  return x * 2;\n}\n"
    calls = [(str(x),) for x in range(6)]
    language = language_named("javascript")
    assert oracle.observe(sandbox_pool, language, code, "f", calls) == []  # one job: lost
    seen = oracle.observe(sandbox_pool, language, code, "f", calls, split=True)
    assert [(s.args, s.kind, s.source) for s in seen] == [
        (("0",), "value", "0"), (("1",), "value", "2"), (("2",), "value", "4"),
        (("3",), "failed", ""), (("4",), "value", "8"), (("5",), "value", "10"),
    ]  # fmt: skip
    broken = "export function f(x) { return x +; }\n"  # nothing to split: it never loads
    assert oracle.observe(sandbox_pool, language, broken, "f", calls, split=True) == []
