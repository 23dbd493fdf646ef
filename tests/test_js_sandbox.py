"""JavaScript and TypeScript pairs in real containers (issue 24): node:test runs the tests,
the case judge (compute.mjs in the sandbox, values compared on the host) decides with it,
no forgery family passes, and hostile programs are contained like Python's."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from phicode.cases.judge import read_record
from phicode.judge import verify_pair
from phicode.languages.javascript import JAVASCRIPT
from phicode.records import Pair, PairCase, Status
from phicode.sandbox.pool import SandboxPool

pytestmark = pytest.mark.docker

HOST_MARKER = Path(__file__).resolve().parent / "HOSTILE_JS_WAS_HERE"
CLAMP = """export function clamp(value, low, high) {
  if (low > high) throw new RangeError("low must not exceed high");
  return Math.min(Math.max(value, low), high);
}
"""
CLAMP_TESTS = """import { test } from "node:test";
import assert from "node:assert/strict";
import { clamp } from "./solution.mjs";

test("inside", () => { assert.equal(clamp(5, 0, 10), 5); });
test("below", () => { assert.equal(clamp(-5, 0, 10), 0); });
test("above", () => { assert.equal(clamp(50, 0, 10), 10); });
test("bad range", () => { assert.throws(() => clamp(1, 2, 1), RangeError); });
"""
CLAMP_CASES = (
    PairCase(args=("5", "0", "10"), expect="5"),
    PairCase(args=("-5", "0", "10"), expect="0"),
    PairCase(args=("50", "0", "10"), expect="10"),
    PairCase(args=("1", "2", "1"), raises="RangeError"),
)
PAIR = Pair(
    id="clamp", solution=CLAMP, tests=CLAMP_TESTS, entry_point="clamp",
    cases=CLAMP_CASES, language="javascript",
)  # fmt: skip
NOT_PASSED = {Status.FAILED, Status.ERROR, Status.TIMEOUT, Status.CRASHED}


def _verify(pool: SandboxPool, **changes: object) -> tuple[Status, str]:
    verification = verify_pair(pool, replace(PAIR, **changes))
    return verification.status, verification.detail


def test_a_right_answer_passes_both_judges(sandbox_pool: SandboxPool) -> None:
    status, detail = _verify(sandbox_pool)
    assert status is Status.PASSED, detail
    assert "4 passed" in detail and "case judge: 4/4 cases right" in detail


def test_a_wrong_answer_fails_naming_the_test(sandbox_pool: SandboxPool) -> None:
    wrong = "export function clamp(value, low, high) { return value < low ? low : value; }\n"
    status, detail = _verify(sandbox_pool, solution=wrong)
    assert status is Status.FAILED
    assert "above" in detail


def test_typescript_is_stripped_of_its_types_and_judged_the_same(sandbox_pool: SandboxPool) -> None:
    typed = CLAMP.replace(
        "clamp(value, low, high)", "clamp(value: number, low: number, high: number): number"
    )
    tests = CLAMP_TESTS.replace('test("inside"', 'const x: number = 5;\ntest("inside"')
    status, detail = _verify(sandbox_pool, solution=typed, tests=tests, language="typescript")
    assert status is Status.PASSED, detail
    wrong = typed.replace("Math.min(Math.max(value, low), high)", "value")
    assert (
        _verify(sandbox_pool, solution=wrong, tests=tests, language="typescript")[0]
        is Status.FAILED
    )


def test_a_case_judge_sees_js_values_python_would_mix_up(sandbox_pool: SandboxPool) -> None:
    solution = (
        "export function f(x) {\n  if (x === 0) return -0;\n  if (x === 1) return 1n;\n"
        "  if (x === 2) return undefined;\n  if (x === 3) return new Map([[1, 'a']]);\n"
        "  return [NaN, new Uint8Array([1, 2])];\n}\n"
    )
    tests = (
        'import { test } from "node:test";\nimport assert from "node:assert/strict";\n'
        'import { f } from "./solution.mjs";\n'
        'test("all", () => { assert.ok(Object.is(f(0), -0)); });\n'
    )
    right = ("-0", "1n", "undefined", "new Map([[1, 'a']])", "[NaN, new Uint8Array([1, 2])]")
    cases = tuple(PairCase(args=(str(i),), expect=e) for i, e in enumerate(right))
    pair = Pair(
        id="f", solution=solution, tests=tests, entry_point="f", cases=cases, language="javascript"
    )
    assert verify_pair(sandbox_pool, pair).status is Status.PASSED
    for index, near in enumerate(("0", "1", "null", "{ 1: 'a' }", "[NaN, new Int8Array([1, 2])]")):
        wrong_cases = tuple(
            replace(c, expect=near) if i == index else c for i, c in enumerate(cases)
        )
        verdict = verify_pair(sandbox_pool, replace(pair, cases=wrong_cases))
        assert verdict.status is Status.FAILED, near


# --- forgery families: each passes node:test, none passes the case judge ---------------

FORGERIES = {
    "patched assert": (
        'import assert from "node:assert/strict";\n'
        "assert.equal = () => {}; assert.throws = () => {};\n"
        "export function clamp(value) { return value; }\n"
    ),
    "lying toJSON and valueOf": (
        "export function clamp(value, low, high) {\n"
        "  return { valueOf: () => Math.min(Math.max(value, low), high), toJSON: () => 5 };\n}\n"
    ),
    "a Proxy that looks like a number array": (
        "export function clamp(value) { return new Proxy([value], {}); }\n"
    ),
    "writes the result channel": (
        'process.stdout.write(\'PHICODE-CASES {"results": [{"value": {"t": "number", "v": "5"}}]}\\n\');\n'
        "export function clamp(value) { return value; }\n"
    ),
    "exits inside the call": (
        'process.stdout.write(\'{"event":"test","nodeid":"inside","outcome":"passed"}\\n\');\n'
        "export function clamp(value) { process.exit(0); }\n"
    ),
    "replaces the intrinsics the judge reads with": (
        "JSON.stringify = () => '{\"results\": []}'; Object.getPrototypeOf = () => null;\n"
        "export function clamp(value) { return value; }\n"
    ),
}


@pytest.mark.parametrize("solution", FORGERIES.values(), ids=list(FORGERIES))
def test_no_forgery_family_passes(sandbox_pool: SandboxPool, solution: str) -> None:
    status, detail = _verify(sandbox_pool, solution=solution)
    assert status is not Status.PASSED, detail


def test_forgery_signs_are_flagged(sandbox_pool: SandboxPool) -> None:
    _, detail = _verify(sandbox_pool, solution=FORGERIES["patched assert"])
    assert "forgery signs: solution: patches assert (assert.equal)" in detail


# --- hostile programs: contained, never a pass, and the pool works after ----------------


@dataclass(frozen=True)
class Hostile:
    name: str
    solution: str = CLAMP
    tests: str = CLAMP_TESTS
    expect: frozenset[Status] = frozenset(NOT_PASSED)


HOSTILE = [
    Hostile(
        "child process left running",
        'import { spawn } from "node:child_process";\n'
        'spawn("sleep", ["60"], { detached: true, stdio: "ignore" }).unref();\n' + CLAMP,
    ),
    Hostile(
        "fork bomb",
        'import { spawn } from "node:child_process";\n'
        "for (;;) { try { spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']); } catch {} }\n"
        + CLAMP,
        expect=frozenset({Status.TIMEOUT, Status.ERROR, Status.CRASHED, Status.FAILED}),
    ),
    Hostile(
        "network call",
        tests=CLAMP_TESTS + 'import net from "node:net";\n'
        "test(\"net\", async () => { await new Promise((ok, no) => { const s = net.connect(53, '1.1.1.1', ok); s.on('error', no); }); });\n",
    ),
    Hostile(
        "fetch",
        tests=CLAMP_TESTS + 'test("fetch", async () => { await fetch("http://example.com/"); });\n',
    ),
    Hostile(
        "write outside the work dir",
        tests=CLAMP_TESTS + 'import fs from "node:fs";\n'
        f'test("escape", () => {{ fs.writeFileSync("{HOST_MARKER}", "x"); fs.writeFileSync("/opt/phicode/x", "x"); }});\n',
    ),
    Hostile(
        "infinite loop",
        "while (true) {}\n" + CLAMP,
        expect=frozenset({Status.TIMEOUT}),
    ),
    Hostile(
        "memory hog",
        tests=CLAMP_TESTS
        + 'test("hog", () => { const keep = []; for (;;) keep.push(new Array(1e6).fill(1)); });\n',
        # V8 stops at its heap cap (the job's memory): the test file's process dies
        expect=frozenset({Status.FAILED, Status.CRASHED, Status.TIMEOUT, Status.ERROR}),
    ),
    Hostile("exits 0 before the tests", "process.exit(0);\n" + CLAMP),
    Hostile(
        "exits 0 after a failing test",
        tests=CLAMP_TESTS.replace("assert.equal(clamp(5, 0, 10), 5);", "assert.equal(1, 2);")
        + "process.on('exit', () => { process.exitCode = 0; });\n",
        expect=frozenset({Status.FAILED}),
    ),
]


@pytest.mark.parametrize("hostile", HOSTILE, ids=[h.name for h in HOSTILE])
def test_hostile_javascript_is_contained(short_pool: SandboxPool, hostile: Hostile) -> None:
    pair = replace(PAIR, solution=hostile.solution, tests=hostile.tests, cases=())
    verification = verify_pair(short_pool, pair)
    assert verification.status in hostile.expect, verification.detail
    assert not HOST_MARKER.exists()
    assert verify_pair(short_pool, PAIR).status is Status.PASSED  # the pool works after


def test_lines_forged_like_the_reporters_fool_node_test_alone_never_the_case_judge(
    sandbox_pool: SandboxPool,
) -> None:
    """The tests run in the code's own process (``sandbox/node_runner.py`` says why), so
    an answer can print what the reporter prints and exit: the node:test path alone
    believes it, as pytest's in-process path can be fooled in Python. The case judge is
    what decides a pair with cases, and every pair phicode makes has them."""
    forged = "".join(
        f'{{"event":"test","nodeid":"{name}","outcome":"passed"}}\\n'
        for name in ("inside", "below", "above", "bad range")
    )
    solution = (
        f"process.stdout.write('{forged}');\nprocess.exit(0);\nexport function clamp() {{}}\n"
    )
    alone, _ = _verify(sandbox_pool, solution=solution, cases=())
    assert alone is Status.PASSED  # the documented limit of the in-process path
    judged, detail = _verify(sandbox_pool, solution=solution)
    assert judged is not Status.PASSED, detail


def test_a_call_that_never_returns_is_stopped_alone_and_cannot_catch_it(
    sandbox_pool: SandboxPool,
) -> None:
    """compute.mjs stops one call after CALL_MS: the call is an error of its own, the calls
    around it still count, and the code cannot catch or outlast the stop (a ``catch`` or
    a ``finally`` that returns a value)."""
    solution = (
        "export function f(x) {\n"
        "  if (x === 1) { while (true) {} }\n"
        "  if (x === 2) { try { while (true) {} } catch { return 'caught'; } }\n"
        "  if (x === 3) { try { while (true) {} } finally { return 'finally'; } }\n"
        "  return x * 10;\n}\n"
    )
    cases = [PairCase(args=(str(x),), expect="0") for x in (0, 1, 2, 3, 4)]
    job = JAVASCRIPT.cases_job(solution, "f", cases, timeout_s=10.0, memory_mb=512)
    started = time.monotonic()
    outcomes = read_record(sandbox_pool.run(job).stdout, len(cases))
    assert time.monotonic() - started < 8.0  # three stops of 0.5 s, not the job's 10 s
    assert [o.get("value") for o in (outcomes[0], outcomes[4])] == [
        {"t": "number", "v": "0"},
        {"t": "number", "v": "40"},
    ]
    for stopped in outcomes[1:4]:
        assert "ran over" in stopped.get("error", ""), stopped
    hanging = replace(
        PAIR,
        solution=CLAMP.replace("return Math", "if (value === 50) while (true) {}\n  return Math"),
    )
    status, detail = _verify(sandbox_pool, solution=hanging.solution)
    assert status in NOT_PASSED, detail
