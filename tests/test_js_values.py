"""The JavaScript case judge's values on the host: JS literals read by tree-sitter (never
evaluated), tagged results read as hostile data, compared as deepStrictEqual does."""

from __future__ import annotations

import pytest

from phicode.languages.javascript import case_wrong
from phicode.languages.javascript.values import (
    UNDEFINED,
    BigInt,
    JSMap,
    JSObject,
    JSSet,
    NotAValue,
    Typed,
    read_literal,
    same,
    to_source,
    untagged,
)
from phicode.records import PairCase


@pytest.mark.parametrize(
    ("source", "value"),
    [
        ("[1, -0, NaN]", [1.0, -0.0, float("nan")]),
        ("10n", BigInt(10)),
        ("-5n", BigInt(-5)),
        ("undefined", UNDEFINED),
        ("null", None),
        ("'it\\'s'", "it's"),
        ('"tab\\t"', "tab\t"),
        ("{ a: 1, 'b c': [true] }", JSObject((("a", 1.0), ("b c", [True])))),
        ('new Map([[1, "x"]])', JSMap(((1.0, "x"),))),
        ("new Set([1, 2])", JSSet((1.0, 2.0))),
        ("new Uint8Array([1, 2])", Typed("Uint8Array", (1.0, 2.0))),
        ("0x10", 16.0),
        ("-Infinity", float("-inf")),
    ],
)
def test_literals_read_and_write_back(source: str, value: object) -> None:
    read = read_literal(source)
    assert same(read, value)
    assert same(read_literal(to_source(read)), value)  # the writer's output reads back


@pytest.mark.parametrize(
    "source",
    ["f()", "x", "1 + 2", "[...a]", "{ a }", "new Date(1)", "`t${x}`", "(() => 1)", "1; 2"],
)
def test_anything_but_a_literal_is_refused(source: str) -> None:
    with pytest.raises(NotAValue):
        read_literal(source)


@pytest.mark.parametrize(
    ("left", "right", "equal"),
    [
        ("-0", "0", False),  # Object.is, as deepStrictEqual
        ("NaN", "NaN", True),
        ("1n", "1", False),
        ("undefined", "null", False),
        ("true", "1", False),
        ("{ a: 1, b: 2 }", "{ b: 2, a: 1 }", True),  # fields unordered
        ("[1, 2]", "[2, 1]", False),
        ("new Set([1, 2])", "new Set([2, 1])", True),
        ("new Map([[1, 2]])", "{ 1: 2 }", False),
        ("new Uint8Array([1])", "new Int8Array([1])", False),
        ("0.30000000000000004", "0.3", False),
    ],
)
def test_comparison_is_deep_strict_equal(left: str, right: str, equal: bool) -> None:
    assert same(read_literal(left), read_literal(right)) is equal


def test_approx_forgives_rounding_only() -> None:
    assert same(read_literal("0.30000000000000004"), read_literal("0.3"), "approx")
    assert not same(read_literal("0.31"), read_literal("0.3"), "approx")
    assert not same(read_literal("true"), read_literal("1"), "approx")


@pytest.mark.parametrize(
    "data",
    [
        {"t": "number", "v": 1},  # a number must come as its JS text
        {"t": "object", "v": [[1, {"t": "null"}]]},  # keys are strings
        {"t": "typed", "kind": "Evil", "v": []},
        {"t": "proxy"},
        "plain",
    ],
)
def test_malformed_tagged_data_is_a_wrong_result_not_a_crash(data: object) -> None:
    why = case_wrong(PairCase(args=("1",), expect="1"), {"value": data})
    assert why is not None and "cannot be read" in why
    with pytest.raises(NotAValue):
        untagged(data)


def test_a_case_names_what_was_wrong() -> None:
    case = PairCase(args=("1",), expect="[1, 2]")
    value = {"t": "array", "v": [{"t": "number", "v": "1"}]}
    assert case_wrong(case, {"value": value}) == "returned [1], expected [1, 2]"
    thrown = PairCase(args=("1",), raises="RangeError")
    assert case_wrong(thrown, {"raises": ["TypeError", "Error"], "own": "TypeError"}) == (
        "threw TypeError, expected RangeError"
    )
    assert case_wrong(thrown, {"raises": ["RangeError", "Error"], "own": "RangeError"}) is None
    assert "expected it to throw" in (case_wrong(thrown, {"value": value}) or "")
