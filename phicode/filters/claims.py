"""A question claims only what its final cases show: the last check of a question.

The question is restated from the tests at the end of synthesis
(:mod:`phicode.generate.restate`), but the tests are final only after the known
wrong programs have run (:mod:`phicode.filters.adequacy`). So once they are, each
sentence of the question that makes a checkable promise is held against the
pair's cases, and dropped when no case shows it (issue 22: "should raise an
exception if the range is invalid" beside tests that never raise; "should return
-100.0 for any other input" beside tests that never get -100.0):

1. **a raise**: the sentence says the function raises a named exception that no
   case raises, or raises "an exception" / "an error" while no case raises at all;
2. **a returned literal**: the sentence says the function returns a number, a
   quoted string, ``True``, ``False`` or ``None`` that no case expects.

And one rule the tests check that the question must state (claims@2): **an argument
changed in place**. A test that binds a literal to a name, calls the function on it and
then asserts the name's new value (``digits = [1, 2, 9]``; ``plus_one(digits)``;
``assert digits == [1, 3, 0]``) checks a behaviour no reader guesses; where no sentence
says so (``in place``, ``modifies``, ``mutates``), one is added, with that test's
values: "`plus_one` changes its argument `digits` in place: after
`plus_one(digits)` with `digits = [1, 2, 9]`, `digits` is `[1, 3, 0]`."

Lines readers count as noise go too (:func:`tidy`): a stray list marker (``1.``), a
heading with nothing under it, a worked example that gives no result.

Worked examples (``- `f(1)` returns `2`.``) and the ``Errors:`` list are not
touched: they come from observed cases. A question left without a sentence that
names the function keeps its sentences (a question with no task is worse than one
with an unproven promise), with a note.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from phicode import pysyntax
from phicode.generate.codeinfo import FunctionInfo, readable_info
from phicode.generate.oracle.examples import count_examples
from phicode.generate.oracle.inputs import NOT_LITERAL, read_literal
from phicode.generate.restate import claimed_raises, rejoin, sentences
from phicode.records import Pair, PairCase

VERSION = "claims@2"  # 2: an argument changed in place is stated; stray markers, empty headings and examples without a result removed

_GENERIC_RAISE = re.compile(
    r"\b(?:raise[sd]?|raising|throws?|throwing)\s+(?:an?\s+|the\s+)?(?:appropriate\s+)?"
    r"(?:exception|error)s?\b",
    re.I,
)
_RETURNED = re.compile(
    r"\breturns?\s+(?:the\s+(?:value|number|string)\s+)?`?"
    r"(?P<lit>-?\d+(?:\.\d+)?|True|False|None|'[^'\n]{0,40}'|\"[^\"\n]{0,40}\")`?"
    # a result, not a count ("returns 0 elements"): the sentence ends or a condition follows
    r"(?=\s*(?:[.,;:)]\s|[.,;:)]?$)|\s+(?:if|when|whenever|for|on|otherwise|unless|in|as|and|or"
    r"|where|because|since)\b)"
)


@dataclass(frozen=True, slots=True)
class Checked:
    """The question without unshown claims, and a note per kind of removal (empty: as it was)."""

    question: str
    notes: tuple[str, ...]


def check_claims(pair: Pair) -> Checked:
    """The pair's question without promises its cases do not show, and with the change
    in place its tests check stated (as it is when the snippet cannot be read: nothing
    to hold the claims against)."""
    info = readable_info(pair.solution, pair.entry_point)
    if info is None:
        return Checked(pair.question, ())
    checked = drop_unshown_claims(pair.question, info, pair.cases)
    tidied, removed = tidy(checked.question, info.name)
    notes = (*checked.notes, *(f"claims: removed {what}" for what in removed))
    stated = state_changes(tidied, info.name, pair.tests)
    if stated is None:
        return Checked(tidied, notes)
    return Checked(stated, (*notes, "claims: stated the argument the tests check after the call"))


# a line that is only a list marker ("1."), an example that is only a call (no result)
_STRAY_MARKER = re.compile(r"^\s*(?:\d+[.)]|[-*])\s*$")
_HEADING = re.compile(r"^\s*#{1,6}\s+\S")
_LABEL = re.compile(r"^\s*[A-Z][\w ]{0,30}:\s*$")  # "Examples:", the start of another part


def tidy(question: str, name: str) -> tuple[str, tuple[str, ...]]:
    """``question`` without lines readers count as noise: a stray list marker, a heading
    with nothing under it, a worked example that gives no result (``- `f(1, 2)```)."""
    lines = question.splitlines()
    bare_call = re.compile(rf"^\s*[-*]\s*`{re.escape(name)}\([^`]*\)`\s*[.:]?\s*$")
    removed: list[str] = []
    kept: list[str] = []
    for index, line in enumerate(lines):
        following = next((nxt for nxt in lines[index + 1 :] if nxt.strip()), "")
        if _STRAY_MARKER.match(line):
            removed.append("a stray list marker")
        elif _HEADING.match(line) and (
            not following or _HEADING.match(following) or _LABEL.match(following)
        ):
            removed.append("a heading with nothing under it")
        elif bare_call.match(line):
            removed.append("an example that gives no result")
        else:
            kept.append(line)
    if not removed:
        return question, ()
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip() + "\n"
    return text, tuple(dict.fromkeys(removed))


_IN_PLACE = re.compile(r"in[ -]place|\bmodif|\bmutat|\bchanges? (?:the |its |it)", re.I)


def state_changes(question: str, name: str, tests: str) -> str | None:
    """``question`` with the sentence that says which argument the tests check after the
    call (see the module), or None when there is none to add."""
    found = changed_argument(tests, name)
    if found is None or _IN_PLACE.search(question):
        return None
    var, before, call, after = found
    sentence = (
        f"`{name}` changes its argument `{var}` in place: after `{call}` with "
        f"`{var} = {before}`, `{var}` is `{after}`."
    )
    return question.rstrip() + "\n\n" + sentence + "\n"


def changed_argument(tests: str, name: str) -> tuple[str, str, str, str] | None:
    """(name, value before, the call, value after) of the first test that calls ``name``
    on a bound literal and then asserts that name's value."""
    try:
        module = pysyntax.parse(tests)
    except (SyntaxError, ValueError, RecursionError):
        return None
    for function in (n for n in module.body if isinstance(n, ast.FunctionDef)):
        bound: dict[str, str] = {}
        call: str | None = None
        for statement in function.body:
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                target = statement.targets[0]
                if isinstance(target, ast.Name) and call is None:
                    bound[target.id] = ast.unparse(statement.value)
                continue
            called = _call_of(statement, name)
            if called is not None and call is None:
                call = ast.unparse(called)
                continue
            after = _asserted(statement, bound) if call is not None else None
            if after is not None and call is not None:
                var, value = after
                if re.search(rf"\b{re.escape(var)}\b", call):
                    return var, bound[var], call, value
    return None


def _call_of(statement: ast.stmt, name: str) -> ast.Call | None:
    for node in ast.walk(statement):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name:
            return node
    return None


def _asserted(statement: ast.stmt, bound: dict[str, str]) -> tuple[str, str] | None:
    """``assert var == X`` or ``np.testing.assert_array_equal(var, X, ...)`` on a bound name."""
    if isinstance(statement, ast.Assert) and isinstance(statement.test, ast.Compare):
        test = statement.test
        if (
            isinstance(test.left, ast.Name) and test.left.id in bound
            and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)
        ):  # fmt: skip
            return test.left.id, ast.unparse(test.comparators[0])
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
        call = statement.value
        if ast.unparse(call.func).endswith("assert_array_equal") and len(call.args) >= 2:
            first = call.args[0]
            if isinstance(first, ast.Name) and first.id in bound:
                return first.id, ast.unparse(call.args[1])
    return None


def drop_unshown_claims(question: str, info: FunctionInfo, cases: tuple[PairCase, ...]) -> Checked:
    """``question`` without the sentences whose promise no case shows (see the module)."""
    raised = {c.raises for c in cases if c.raises}
    expected = {_value(c.expect) for c in cases if c.expect is not None}
    notes: list[str] = []
    kept: list[str | None] = []
    for sentence in sentences(question):
        why = None if _is_example(sentence, info) else _unshown(sentence, raised, expected)
        if why is None:
            kept.append(sentence)
        else:
            kept.append(None)
            notes.append(why)
    if not notes:
        return Checked(question, ())
    text = re.sub(r"\n{3,}", "\n\n", rejoin(kept, question)).strip() + "\n"
    if info.name not in text:
        return Checked(
            question, ("claims: kept unshown promises, the task is in the same sentence",)
        )
    return Checked(text, tuple(f"claims: removed a sentence that {why}" for why in notes))


def _unshown(sentence: str, raised: set[str], expected: set[object]) -> str | None:
    """Why ``sentence`` promises what no case shows, or None."""
    named = claimed_raises(sentence) - raised
    if named:
        return f"promises {', '.join(sorted(named))}, which no case raises"
    if not raised and _GENERIC_RAISE.search(sentence):
        return "promises an exception, and no case raises one"
    for match in _RETURNED.finditer(sentence):
        if _value(match["lit"]) not in expected:
            return f"promises the result {match['lit']}, which no case expects"
    return None


def _is_example(sentence: str, info: FunctionInfo) -> bool:
    stripped = sentence.lstrip()
    return stripped.startswith("- ") and (
        count_examples(stripped, info) > 0 or f"{info.name}(" in stripped
    )


def _value(text: str | None) -> object:
    """A literal's value (so ``1.0`` and ``1`` agree), else its text."""
    value = read_literal(text or "")
    if value is NOT_LITERAL:
        return text
    try:
        hash(value)
    except TypeError:
        return text
    return value


__all__ = [
    "VERSION",
    "Checked",
    "changed_argument",
    "check_claims",
    "drop_unshown_claims",
    "state_changes",
    "tidy",
]
