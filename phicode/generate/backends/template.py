"""The model-free backend: questions from signatures and docstrings, tests from the
snippet itself.

Deterministic and fast (one sandbox run per snippet), so the whole pipeline runs
in tests without a model. The question states the signature, the docstring's
prose and a few examples; the tests are the docstring's ``>>>`` calls and calls
on inputs derived from type hints, defaults and names, each with the value the
snippet returned in the sandbox (``pytest.approx`` for floats,
``np.testing`` for numpy arrays, ``pytest.raises`` where it raised, the mutated argument where it returned
``None``). It cannot know what the function is *for*, so its tests pin
behaviour rather than intent; beside a model it supplies the values a small
model gets wrong.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter

from phicode.generate.codeinfo import FunctionInfo
from phicode.generate.draft import Draft
from phicode.generate.inputs import Case, docstring_cases, generated_cases
from phicode.generate.oracle import Observed, OracleError, is_array_source, observe
from phicode.pool import SandboxPool
from phicode.records import Generator, Snippet

VERSION = "template@2"  # 2: numpy results via np.testing, imported names in arguments
GENERATED_CASES = 24
MAX_VALUE_TESTS = 8
MAX_RAISE_TESTS = 2
MAX_EXAMPLES_IN_QUESTION = 3


class NoCases(Exception):
    """The snippet returned nothing testable on any input; the message says why."""


class TemplateBackend:
    """Writes a :class:`Draft` for a snippet by running it, without a model."""

    name = "template"
    model = "template"

    def __init__(self, pool: SandboxPool, *, cases: int = GENERATED_CASES) -> None:
        self.pool = pool
        self.cases = cases

    def draft(self, snippet: Snippet, info: FunctionInfo) -> Draft:
        """Question and tests for ``snippet``; :class:`NoCases` or ``OracleError`` if none."""
        seed = zlib.crc32(snippet.id.encode())
        cases = _unique(docstring_cases(info) + generated_cases(info, self.cases, seed))
        if not cases:
            raise NoCases("no inputs can be derived from the signature (unknown parameter types)")
        observed = observe(self.pool, snippet.code, info.name, cases)
        chosen = select_cases(observed)
        if not any(o.kind == "value" for o in chosen):
            raise NoCases(_why_none(observed))
        return Draft(
            snippet=snippet,
            info=info,
            question=template_question(info, chosen),
            tests=template_tests(info, chosen),
            generator=Generator(backend=self.name, model=self.model, prompt=VERSION),
        )


def _unique(cases: list[Case]) -> list[Case]:
    seen: dict[tuple, Case] = {}
    for case in cases:
        seen.setdefault((case.args, case.kwargs), case)
    return list(seen.values())


def _why_none(observed: list[Observed]) -> str:
    kinds = Counter(o.kind if o.kind != "invalid" else f"invalid ({o.why})" for o in observed)
    listed = ", ".join(f"{n} {kind}" for kind, n in kinds.most_common(4))
    return f"no call returned a testable value ({listed})"


def select_cases(observed: list[Observed]) -> list[Observed]:
    """Docstring examples first, then calls with distinct results, then a few raises."""
    values = [o for o in observed if o.kind == "value"]
    chosen = [o for o in values if o.case.origin == "docstring"]
    results = {o.repr for o in chosen}
    for o in values:  # one call per distinct result first: varied tests
        if len(chosen) >= MAX_VALUE_TESTS:
            break
        if o not in chosen and o.repr not in results:
            chosen.append(o)
            results.add(o.repr)
    for o in values:
        if len(chosen) >= min(MAX_VALUE_TESTS, 4):
            break
        if o not in chosen:
            chosen.append(o)
    raised: dict[str, Observed] = {}
    for o in observed:
        if o.kind == "raises" and o.exc and o.exc not in raised and len(raised) < MAX_RAISE_TESTS:
            raised[o.exc] = o
    return chosen + list(raised.values())


# --- the question -------------------------------------------------------------------

_SECTION = re.compile(r"^\s*(examples?|doctests?)\s*:?\s*$", re.I)


def template_question(info: FunctionInfo, chosen: list[Observed]) -> str:
    """Signature, docstring prose and examples; never the body."""
    parts = [f"Write a Python function `{info.signature}`."]
    prose = _docstring_prose(info.docstring or "")
    if prose:
        parts.append(prose)
    shown = sorted(
        (o for o in chosen if _short(o)), key=lambda o: len(o.case.call("f")) + len(o.repr or "")
    )
    examples = [_example_line(info, o) for o in shown][:MAX_EXAMPLES_IN_QUESTION]
    if examples:
        parts.append("Examples:\n" + "\n".join(examples))
    return "\n\n".join(parts) + "\n"


def _docstring_prose(docstring: str) -> str:
    """The docstring without its ``>>>`` examples and their expected output."""
    kept: list[str] = []
    in_example = False
    for line in docstring.splitlines():
        stripped = line.strip()
        if stripped.startswith(">>>") or stripped.startswith("..."):
            in_example = True
            continue
        if in_example and stripped:
            continue  # expected output of an example
        in_example = False
        kept.append(line.rstrip())
    text = "\n".join(kept)
    text = "\n".join(line for line in text.splitlines() if not _SECTION.match(line))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _short(o: Observed) -> bool:
    return len(o.case.call("f")) <= 60 and (
        o.kind != "value" or (len(o.repr or "") <= 60 and not o.mutated)
    )


def _example_line(info: FunctionInfo, o: Observed) -> str:
    call = o.case.call(info.name)
    if o.kind == "raises":
        return f"- `{call}` raises `{o.exc}`."
    shown = f"list({call})" if o.generator else call
    return f"- `{shown}` returns `{o.repr}`."


# --- the tests -------------------------------------------------------------------------


def template_tests(info: FunctionInfo, chosen: list[Observed], *, label: str = "case") -> str:
    """A pytest module: one test function per case, so one bad case can be dropped alone.
    ``label`` names the functions (``test_f_case_1``) of cases not from the docstring."""
    own_errors = sorted(
        {o.exc for o in chosen if o.kind == "raises" and o.exc and _is_own(o, info)}
    )
    names = ", ".join(sorted({info.name, *own_errors}))
    header = [*_import_lines(info, chosen), f"from solution import {names}"]
    bodies = [_test_function(info, o, number, label) for number, o in enumerate(chosen, start=1)]
    return "\n".join(header) + "\n\n\n" + "\n\n\n".join(bodies) + "\n"


def _import_lines(info: FunctionInfo, chosen: list[Observed]) -> list[str]:
    """``import pytest`` and ``import numpy as np`` where the tests use them, and the
    snippet's own imports of names the arguments use (``Fraction(1, 3)``, ``np.array``)."""
    lines: list[str] = []
    if any(o.kind == "raises" or (o.float_ and o.approx and not o.array) for o in chosen):
        lines.append("import pytest")
    if any(o.array or any(is_array_source(after) for _, after in o.mutated) for o in chosen):
        lines.append("import numpy as np")
    used = {name for o in chosen for name in o.case.names()}
    for name in sorted(used & set(info.imports) - set(info.defined)):
        if info.imports[name] not in lines:
            lines.append(info.imports[name])
    return [*lines, ""] if lines else []


def _is_own(o: Observed, info: FunctionInfo) -> bool:
    return o.exc in info.defined


def _test_function(info: FunctionInfo, o: Observed, number: int, label: str) -> str:
    label = "docstring_example" if o.case.origin == "docstring" else label
    name = f"test_{info.name}_{label}_{number}"
    call = o.case.call(info.name)
    if o.kind == "raises":
        return f"def {name}():\n    with pytest.raises({o.exc}):\n        {call}"
    if o.mutated:
        return _mutation_test(info, o, name)
    actual = f"list({call})" if o.generator else call
    return f"def {name}():\n    {_assert_equal(actual, o)}"


def _assert_equal(actual: str, o: Observed) -> str:
    """The assertion that ``actual`` is what the snippet returned."""
    if o.array:
        check = "assert_allclose" if o.float_ else "assert_array_equal"
        return f"np.testing.{check}({actual}, {o.repr}, strict=True)"
    if o.repr in ("True", "False", "None") and not o.numpy:
        return f"assert {actual} is {o.repr}"
    expected = f"pytest.approx({o.repr})" if o.float_ and o.approx else o.repr
    return f"assert {actual} == {expected}"


def _mutation_test(info: FunctionInfo, o: Observed, name: str) -> str:
    """``f(xs)`` returned None but changed ``xs``: test the change."""
    params = [p.name for p in info.positional]
    lines = [f"def {name}():"]
    args = list(o.case.args)
    for index, _ in o.mutated:
        var = params[index] if index < len(params) else f"arg{index}"
        lines.append(f"    {var} = {args[index]}")
        args[index] = var
    lines.append(f"    assert {Case(tuple(args), o.case.kwargs).call(info.name)} is None")
    for index, after in o.mutated:
        var = params[index] if index < len(params) else f"arg{index}"
        if is_array_source(after):
            lines.append(f"    np.testing.assert_array_equal({var}, {after}, strict=True)")
        else:
            lines.append(f"    assert {var} == {after}")
    return "\n".join(lines)


__all__ = [
    "VERSION",
    "NoCases",
    "OracleError",
    "TemplateBackend",
    "select_cases",
    "template_question",
    "template_tests",
]
