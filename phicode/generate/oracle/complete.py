"""Oracle-completed tests: the model picks the calls, the snippet supplies the answers.

A small model chooses sensible inputs (edge cases, typical values) but often gets
the expected values wrong. So every call of the entry point in the model's test
answer — plain asserts, ``pytest.raises`` blocks, ``@pytest.mark.parametrize``
rows, even lines of an answer too broken to parse as a whole — becomes a
:class:`~phicode.generate.oracle.inputs.Case`; the snippet is run on those cases in the
sandbox (:func:`~phicode.generate.oracle.observe.observe`, the one oracle) and the test
is written from what it did: the exact value, ``pytest.approx`` for floats,
``np.testing`` for numpy arrays, ``pytest.raises`` where it raised. A model assert with a wrong value is thereby
*corrected* (its call kept, its value replaced); a call that is not valid
(wrong arity or types, an undefined name) is dropped on its own, case by case.

The model's other test functions (property checks, round trips, anything that
does not merely compare one call with a literal) are kept for the repair loop
to run: the passing ones stay, the failing ones are dropped one by one.
The template backend's own inputs fill up when the model proposed too few calls.
"""

from __future__ import annotations

import ast
import builtins
import re
import zlib
from dataclasses import dataclass

from phicode import pysyntax
from phicode.generate.clean import Parsed, clean_tests, drop_tests, extract_code, merge_tests
from phicode.generate.codeinfo import FunctionInfo
from phicode.generate.oracle.asserts import template_tests
from phicode.generate.oracle.choose import (
    MIN_CHECKS,
    boundary_cases,
    choose_cases,
    optional_cases,
)
from phicode.generate.oracle.domain import paired_variants
from phicode.generate.oracle.inputs import Case, docstring_cases, generated_cases, neighbour_cases
from phicode.generate.oracle.observe import observe
from phicode.sandbox.runner import JobRunner

VERSION = "oracle@8"  # 8: a changed argument tested beside a returned value; recorded on every pair: how its tests were completed; 5: documented preconditions, forms of call; 6: optional parameters passed, lists of a bound, callables; 7: unique parameters
MAX_MODEL_CASES = 12  # calls taken from the model's answer
FILL_CASES = 16  # template inputs tried beside them
NEIGHBOURS = 8  # calls one literal away from the model's
MAX_ARG_CHARS = 300
_BUILTINS = frozenset(dir(builtins))  # a longer argument is no test input, it is a pasted data set


@dataclass(frozen=True, slots=True)
class Completed:
    """The completed test module and what was done to get it."""

    tests: str
    model_cases: int  # model calls that became oracle tests
    dropped_calls: int  # model calls that were not valid calls
    kept_functions: int  # model test functions kept beside them (to be run)
    notes: tuple[str, ...]


def model_cases(raw: str, info: FunctionInfo, limit: int = MAX_MODEL_CASES) -> list[Case]:
    """Every call of the entry point in a raw test answer, in order, without repeats
    (the first ``limit``)."""
    code, _ = extract_code(raw)
    sources = [code] if code else []
    sources.append(raw)
    found: list[Case] = []
    for text in sources:
        tree = _parse_loosely(text)
        for tree_part in tree:
            found.extend(_calls_in(tree_part, info))
        if found:
            break
    unique: dict[tuple, Case] = {}
    for case in found:
        unique.setdefault((case.args, case.kwargs), case)
    return list(unique.values())[:limit]


def _parse_loosely(text: str) -> list[ast.AST]:
    """The whole text as a module, or else each line that parses alone (truncated answers)."""
    try:
        return [pysyntax.parse(text)]
    except SyntaxError:
        pass
    parts: list[ast.AST] = []
    for line in text.splitlines():
        stripped = re.sub(r"^(assert|with|return)\s+", "", line.strip()).rstrip(":,")
        if not stripped:
            continue
        try:
            parts.append(pysyntax.parse(stripped))
        except SyntaxError:
            continue
    return parts


def _calls_in(tree: ast.AST, info: FunctionInfo) -> list[Case]:
    cases: list[Case] = []
    for node in _outside_pasted_copies(tree, info.name):
        if isinstance(node, ast.FunctionDef):
            cases.extend(_parametrized(node, info))
        if isinstance(node, ast.Call) and info.called_by(node.func):
            case = _case(node, known=_known(info))
            if case is not None:
                cases.append(case)
    return cases


def _outside_pasted_copies(tree: ast.AST, name: str) -> list[ast.AST]:
    """Every node, except inside a pasted copy of the function: its calls are its own
    recursion, while the test functions beside it still call it with the model's inputs."""
    nodes: list[ast.AST] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name:
            continue
        nodes.append(node)
        stack.extend(reversed(list(ast.iter_child_nodes(node))))
    return nodes


def _case(
    call: ast.Call, bound: dict[str, ast.expr] | None = None, known: frozenset[str] = frozenset()
) -> Case | None:
    """The call as a Case; None when an argument uses a name of the test (a loop variable,
    a fixture) that the oracle cannot evaluate alone."""
    if any(isinstance(a, ast.Starred) for a in call.args) or any(
        k.arg is None for k in call.keywords
    ):
        return None
    bound = bound or {}

    def source(node: ast.expr) -> str | None:
        if isinstance(node, ast.Name) and node.id in bound:
            node = bound[node.id]
        if any(isinstance(n, ast.Call) and _names_test_local(n) for n in ast.walk(node)):
            return None
        if any(
            isinstance(n, ast.Name) and n.id not in _BUILTINS and n.id not in known
            for n in ast.walk(node)
        ):
            return None
        text = ast.unparse(node)
        return text if len(text) <= MAX_ARG_CHARS else None

    args = [source(a) for a in call.args]
    kwargs = [(k.arg, source(k.value)) for k in call.keywords]
    if any(a is None for a in args) or any(v is None for _, v in kwargs):
        return None
    return Case(tuple(args), tuple((str(k), str(v)) for k, v in kwargs), origin="model")  # type: ignore[arg-type]


def _known(info: FunctionInfo) -> frozenset[str]:
    """Names the oracle's namespace (the snippet's module) defines or imports; the
    written tests import the same ones (``template_tests``)."""
    return frozenset(info.defined) | frozenset(info.imports)


def _names_test_local(call: ast.Call) -> bool:
    """A nested call of a helper the test module defines cannot be evaluated alone."""
    return isinstance(call.func, ast.Name) and call.func.id.startswith("_")


def _parametrized(node: ast.FunctionDef, info: FunctionInfo) -> list[Case]:
    """``@pytest.mark.parametrize("a, b", [(1, 2), ...])`` rows through the body's call."""
    cases: list[Case] = []
    for decorator in node.decorator_list:
        if not (
            isinstance(decorator, ast.Call)
            and isinstance(decorator.func, ast.Attribute)
            and decorator.func.attr == "parametrize"
            and len(decorator.args) >= 2
        ):
            continue
        names_node, rows_node = decorator.args[0], decorator.args[1]
        if isinstance(names_node, ast.Constant) and isinstance(names_node.value, str):
            names = [n.strip() for n in names_node.value.split(",") if n.strip()]
        elif isinstance(names_node, ast.List | ast.Tuple):
            names = [n.value for n in names_node.elts if isinstance(n, ast.Constant)]
        else:
            continue
        if not isinstance(rows_node, ast.List | ast.Tuple):
            continue
        calls = [n for n in ast.walk(node) if isinstance(n, ast.Call) and info.called_by(n.func)]
        for row in rows_node.elts:
            values = row.elts if isinstance(row, ast.Tuple) and len(names) > 1 else [row]
            if len(values) != len(names):
                continue
            bound = dict(zip(names, values, strict=True))
            for call in calls:
                case = _case(call, bound, _known(info))
                if case is not None:
                    cases.append(case)
    return cases


def complete_tests(
    pool: JobRunner,
    code: str,
    info: FunctionInfo,
    raw_tests: str,
    cleaned: str | None,
    *,
    seed_text: str = "",
) -> Completed | None:
    """The oracle-completed test module for one snippet, or None if nothing is testable."""
    cases = candidates(model_cases(raw_tests, info), info, code, seed_text or code)
    if not cases:
        return None
    observed = observe(pool, code, info.name, cases)
    chosen = choose_cases(observed, info, code)
    if not any(o.kind == "value" for o in chosen) or len(chosen) < MIN_CHECKS:
        return None
    oracle = template_tests(info, chosen)
    valid_keys = {(o.case.args, o.case.kwargs) for o in observed if o.kind in ("value", "raises")}
    used = sum(1 for o in chosen if o.case.origin == "model")
    dropped = sum(
        1 for o in observed if o.case.origin == "model" and o.kind not in ("value", "raises")
    )
    notes = [f"oracle-completed {used} model calls"] if used else []
    if dropped:
        notes.append(f"dropped {dropped} invalid model calls")
    kept_module, kept = _model_functions_left(cleaned, info, valid_keys)
    tests = oracle
    if kept_module is not None:
        merged = merge_tests(oracle, kept_module, info)
        if merged is not None:
            tests = merged
            notes.append(f"kept {kept} model test functions")
        else:
            kept = 0
    else:
        kept = 0
    return Completed(tests, used, dropped, kept, tuple(notes))


def candidates(proposed: list[Case], info: FunctionInfo, code: str, seed_text: str) -> list[Case]:
    """The calls to observe, each once: the model's, the docstring's, neighbours of the
    model's (one literal nudged), the compared constants and either side of them, and
    the template's inputs, which ride along in the same sandbox job (they fill up when
    the model's calls turn out invalid: a wrong arity for every call is common)."""
    seed = zlib.crc32(seed_text.encode())
    documented = docstring_cases(info)
    found: dict[tuple, Case] = {}
    generated = generated_cases(info, FILL_CASES, seed)
    for case in [
        *proposed,
        *documented,
        *neighbour_cases(proposed, NEIGHBOURS),
        *boundary_cases([*proposed, *documented], info, code),
        *optional_cases([*proposed, *documented, *generated[:4]], info),
        *paired_variants([*proposed, *generated], info, code),
        *generated,
    ]:
        found.setdefault((case.args, case.kwargs), case)
    return list(found.values())


def _model_functions_left(
    cleaned: str | None, info: FunctionInfo, valid: set[tuple]
) -> tuple[str | None, int]:
    """The model's test module without the functions the oracle tests now replace.

    A function is replaced when every assert in it compares a call of the entry
    point with something (its calls are now oracle tests with the right value),
    or when it calls the entry point in a way the oracle found invalid.
    """
    if not cleaned:
        return None, 0
    try:
        tree = pysyntax.parse(cleaned)
    except SyntaxError:
        return None, 0
    replaced: set[str] = set()
    total = 0
    for node in tree.body:
        if not (isinstance(node, ast.FunctionDef) and node.name.startswith("test")):
            continue
        total += 1
        calls = [n for n in ast.walk(node) if isinstance(n, ast.Call) and info.called_by(n.func)]
        keys = []
        for call in calls:
            case = _case(call, known=_known(info))
            keys.append(None if case is None else (case.args, case.kwargs))
        if any(k is not None and k not in valid for k in keys) or _only_value_checks(node, info):
            replaced.add(node.name)
    left = total - len(replaced)
    if left == 0:
        return None, 0
    if not replaced:
        return cleaned, left
    module = drop_tests(cleaned, replaced)
    if module is None:
        return None, 0
    parsed = clean_tests(module, info)
    return (parsed.text, left) if isinstance(parsed, Parsed) else (None, 0)


def _only_value_checks(node: ast.FunctionDef, info: FunctionInfo) -> bool:
    """Every statement is an ``assert f(...) <op> ...`` or a ``pytest.raises`` of a call."""
    for statement in node.body:
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            continue  # docstring
        if isinstance(statement, ast.Assert):
            test = statement.test
            if isinstance(test, ast.Compare) and any(
                isinstance(n, ast.Call) and info.called_by(n.func)
                for n in [test.left, *test.comparators]
            ):
                continue
            if isinstance(test, ast.Call) and info.called_by(test.func):
                continue
            if (
                isinstance(test, ast.UnaryOp)
                and isinstance(test.operand, ast.Call)
                and info.called_by(test.operand.func)
            ):
                continue
            return False
        if isinstance(statement, ast.With) and all(
            isinstance(s, ast.Expr) and isinstance(s.value, ast.Call) for s in statement.body
        ):
            continue
        return False
    return bool(node.body)


__all__ = ["Completed", "complete_tests", "model_cases"]
