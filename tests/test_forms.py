"""Call forms: what a worked example shows a reader about the ways a function is called."""

from __future__ import annotations

import pytest

from phicode.generate.codeinfo import function_info
from phicode.generate.oracle.examples import example_calls
from phicode.generate.oracle.forms import call_form, describe, shown_forms, unshown, value_kind
from phicode.generate.oracle.inputs import Case

INFO = function_info(
    "def bucketize(src, key=bool, value_transform=None, *rest):\n    return {}\n", "bucketize"
)


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("3", "number"),
        ("-2.5", "number"),
        ("True", "bool"),
        ("None", "none"),
        ("'abc'", "str"),
        ("b'x'", "bytes"),
        ("[1, 2]", "sequence"),
        ("(1,)", "sequence"),
        ("{1}", "set"),
        ("{'a': 1}", "dict"),
        ("lambda x: x", "callable"),
        ("str.upper", "callable"),
        ("len", "callable"),
        ("range(3)", "call:range"),
        ("1 +", "other"),
    ],
)
def test_value_kinds_are_what_a_reader_tells_apart(source: str, kind: str) -> None:
    assert value_kind(source) == kind


def test_positional_arguments_are_bound_to_their_names() -> None:
    form = call_form(Case(("[1, 2]", "'attr'", "None", "4")), INFO)
    assert form == {
        ("src", "sequence"),
        ("key", "str"),
        ("value_transform", "none"),
        ("*args", "number"),
    }
    assert call_form(Case(("[1]",), (("key", "len"),)), INFO) == {
        ("src", "sequence"),
        ("key", "callable"),
    }


def test_examples_are_read_back_from_the_question_returns_raises_and_lists() -> None:
    question = (
        "Group items.\n\nExamples:\n- `bucketize([1, 0])` returns `{True: [1], False: [0]}`.\n"
        "- `list(bucketize([], key=len))` returns `[]`.\n"
        "- `bucketize(5)` raises `TypeError`.\n"
    )
    assert example_calls(question, INFO) == [
        Case(("[1, 0]",), origin="question"),
        Case(("[]",), (("key", "len"),), origin="question"),
        Case(("5",), origin="question"),
    ]
    shown = shown_forms(question, INFO)
    string_key = call_form(Case(("[1]", "'attr'")), INFO)
    assert unshown(string_key, shown) == {("key", "str")}
    assert describe(unshown(string_key, shown)) == "key (str)"
    assert unshown(call_form(Case(("[4, 5, 6]",), (("key", "abs"),)), INFO), shown) == set()
    assert unshown(string_key, []) == string_key  # no example shows anything
