"""Turning a model's test answer into a pytest module that imports the answer from ``solution``.

The function pasted into the tests instead of imported, imports missing,
asserts at module level, lists of asserts in one test: each rule below repairs
one of these mechanically and names what it did (``fixes``); what cannot be
repaired becomes a :class:`~phicode.generate.clean.outcome.ParseFailure`.
Also here: dropping named tests and merging two test modules, which the repair
loop and the oracle need.
"""

from __future__ import annotations

import ast
import builtins
import re

from phicode import pysyntax
from phicode.generate.clean.code import extract_code, parse_prefix, parses, syntax_error
from phicode.generate.clean.outcome import Parsed, ParseFailure, ParseReason
from phicode.generate.codeinfo import FunctionInfo

_KNOWN_IMPORTS = {
    "pytest": "import pytest",
    "math": "import math",
    "re": "import re",
    "random": "import random",
    "itertools": "import itertools",
    "functools": "import functools",
    "collections": "import collections",
    "string": "import string",
    "json": "import json",
    "sys": "import sys",
    "os": "import os",
    "copy": "import copy",
    "heapq": "import heapq",
    "bisect": "import bisect",
    "operator": "import operator",
    "statistics": "import statistics",
    "decimal": "import decimal",
    "fractions": "import fractions",
    "datetime": "import datetime",
    "typing": "import typing",
    "unittest": "import unittest",
    "np": "import numpy as np",
    "numpy": "import numpy",
    "st": "from hypothesis import strategies as st",
    "strategies": "from hypothesis import strategies",
    "given": "from hypothesis import given",
    "settings": "from hypothesis import settings",
    "example": "from hypothesis import example",
    "assume": "from hypothesis import assume",
    "approx": "from pytest import approx",
    "raises": "from pytest import raises",
    "Counter": "from collections import Counter",
    "defaultdict": "from collections import defaultdict",
    "deque": "from collections import deque",
    "OrderedDict": "from collections import OrderedDict",
    "namedtuple": "from collections import namedtuple",
    "Fraction": "from fractions import Fraction",
    "Decimal": "from decimal import Decimal",
    "List": "from typing import List",
    "Dict": "from typing import Dict",
    "Tuple": "from typing import Tuple",
    "Optional": "from typing import Optional",
    "Any": "from typing import Any",
    "reduce": "from functools import reduce",
    "isclose": "from math import isclose",
}
_BUILTINS = frozenset(dir(builtins))
_ASSERT_METHOD = re.compile(r"^assert[A-Z]\w*$|^fail$")


def clean_tests(raw: str, info: FunctionInfo) -> Parsed | ParseFailure:
    """A pytest module that imports the answer from ``solution``, or why not."""
    if not raw.strip():
        return ParseFailure(ParseReason.EMPTY_OUTPUT, "the model wrote nothing")
    code, notes = extract_code(raw)
    if code is None:
        return ParseFailure(ParseReason.NO_CODE, "no Python code in the answer")
    fixed = parse_prefix(code)
    if fixed is None:
        return ParseFailure(ParseReason.SYNTAX_ERROR, _first_error(code))
    code, more = fixed
    return _TestsCleaner(code, info, [*notes, *more]).run()


def _first_error(code: str) -> str:
    error = syntax_error(code)
    return f"{error.msg} (line {error.lineno})" if error else "does not parse"


class _TestsCleaner:
    """One pass of line surgery over a test module; keeps the model's formatting."""

    def __init__(self, code: str, info: FunctionInfo, notes: list[str]) -> None:
        self.lines = code.splitlines()
        self.tree = pysyntax.parse(code)
        self.info = info
        self.notes = notes
        self.drop: set[int] = set()  # 0-based line numbers to delete
        self.loose_asserts: list[str] = []
        self.renames: dict[int, str] = {}
        self.replacements: dict[int, str] = {}  # first line of a removed node -> text in its place

    def run(self) -> Parsed | ParseFailure:
        for node in self.tree.body:
            self._visit_top(node)
        tests = self._test_nodes()
        if not tests and not self.loose_asserts:
            return ParseFailure(
                ParseReason.NO_TESTS, "no test functions (def test_...) in the answer"
            )
        kept = [n for n in tests if _checks_something(n)]
        for node in tests:
            if node not in kept:
                self._remove(node, f"dropped {node.name}: it asserts nothing")
        # ``assert soundex`` checks that a function exists: a test of nothing (clean@2)
        idle = [n for n in kept if not _uses_function(n, self.info)]
        for node in idle if len(idle) < len(kept) else []:  # none calls it: rejected below
            kept.remove(node)
            self._remove(node, f"dropped {node.name}: it never calls {self.info.name}")
        if not kept and not self.loose_asserts:
            return ParseFailure(ParseReason.NO_ASSERTS, "no test asserts anything")
        self._rename_duplicates(kept)
        self._split_assert_lists(kept)
        text = self._render()
        return self._finish(text)

    # -- top-level statements

    def _visit_top(self, node: ast.stmt) -> None:
        defined = self.info.defined
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            if node.name in defined and not node.name.startswith(("test", "Test")):
                self._remove(
                    node, f"removed a pasted copy of {node.name}; importing it from solution"
                )
        elif isinstance(node, ast.ImportFrom) and node.module != "solution":
            if any(a.name in defined for a in node.names) and not _is_library(node.module):
                self._remove(
                    node, f"replaced 'from {node.module} import' with 'from solution import'"
                )
        elif isinstance(node, ast.If) and _is_main_guard(node):
            self._remove(node, "removed the __main__ block")
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            self._remove(node, "removed a top-level call")
        elif isinstance(node, ast.Assert):
            self.loose_asserts.append(
                ast.get_source_segment("\n".join(self.lines), node) or ast.unparse(node)
            )
            self._remove(node, "wrapped top-level asserts in a test function")

    def _remove(self, node: ast.stmt, note: str) -> None:
        first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
        self.drop.update(range(first - 1, node.end_lineno or node.lineno))
        if note not in self.notes:
            self.notes.append(note)

    def _test_nodes(self) -> list[ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef]:
        out: list[ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef] = []
        for node in self.tree.body:
            if node.lineno - 1 in self.drop:
                continue
            if (
                isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
                and node.name.startswith("test")
            ) or (isinstance(node, ast.ClassDef) and node.name.startswith("Test")):
                out.append(node)
        return out

    def _rename_duplicates(self, nodes: list) -> None:
        seen: dict[str, int] = {}
        for node in nodes:
            count = seen.get(node.name, 0) + 1
            seen[node.name] = count
            if count > 1:
                self.renames[node.lineno - 1] = f"{node.name}_{count}"
                note = "renamed duplicate test names so every test runs"
                if note not in self.notes:
                    self.notes.append(note)

    def _split_assert_lists(self, nodes: list) -> None:
        """A test that is only a list of asserts becomes one test per assert, so a wrong
        expected value costs one assert, not the whole test (small models write these)."""
        source = "\n".join(self.lines)
        for node in nodes:
            asserts = _plain_asserts(node)
            if asserts is None:
                continue
            texts = list(
                dict.fromkeys(ast.get_source_segment(source, a) or ast.unparse(a) for a in asserts)
            )
            if len(texts) < 2:
                continue
            name = self.renames.get(node.lineno - 1, node.name)
            functions = [
                f"def {name}_{i}():\n" + "\n".join("    " + line for line in text.splitlines())
                for i, text in enumerate(texts, start=1)
            ]
            self._remove(node, "split lists of asserts into one test each")
            self.replacements[node.lineno - 1] = "\n\n\n".join(functions)

    # -- output

    def _render(self) -> str:
        out: list[str] = []
        for number, line in enumerate(self.lines):
            if number in self.replacements:
                out.append(self.replacements[number])
                continue
            if number in self.drop:
                continue
            if number in self.renames:
                line = re.sub(r"(def\s+)\w+", rf"\g<1>{self.renames[number]}", line, count=1)
            out.append(line)
        body = "\n".join(out).strip("\n")
        if self.loose_asserts:
            asserts = "\n".join(
                "    " + line for a in self.loose_asserts for line in a.splitlines()
            )
            body += f"\n\n\ndef test_{self.info.name}_examples():\n{asserts}\n"
        return body

    def _finish(self, body: str) -> Parsed | ParseFailure:
        try:
            tree = pysyntax.parse(body)
        except SyntaxError as exc:
            return ParseFailure(
                ParseReason.SYNTAX_ERROR, f"{exc.msg} (line {exc.lineno}) after cleaning"
            )
        used = _loaded_names(tree)
        if not used & self.info.defined:
            return ParseFailure(ParseReason.NOT_CALLING_ENTRY, f"no test calls {self.info.name}")
        imports = self._missing_imports(tree, used)
        text = _insert_imports(body, tree, imports).rstrip() + "\n"
        return Parsed(text, tuple(self.notes))

    def _missing_imports(self, tree: ast.Module, used: set[str]) -> list[str]:
        bound = _bound_names(tree)
        star_from_solution = any(
            isinstance(n, ast.ImportFrom)
            and n.module == "solution"
            and any(a.name == "*" for a in n.names)
            for n in tree.body
        )
        if star_from_solution:
            bound |= self.info.defined
        missing = sorted(used - bound - _BUILTINS)
        from_solution = sorted(
            {self.info.name} - bound | {n for n in missing if n in self.info.defined}
        )
        lines: list[str] = []
        unknown: list[str] = []
        for name in missing:
            if name in self.info.defined:
                continue
            statement = self.info.imports.get(name) or _KNOWN_IMPORTS.get(name)
            if statement:
                lines.append(statement)
            else:
                unknown.append(name)
        if from_solution:
            lines.append(f"from solution import {', '.join(from_solution)}")
            if any(n == self.info.name for n in from_solution) and not star_from_solution:
                self._note("added 'from solution import' for the answer")
        if any(not line.startswith("from solution") for line in lines):
            self._note("added missing imports")
        return lines

    def _note(self, note: str) -> None:
        if note not in self.notes:
            self.notes.append(note)


def _insert_imports(body: str, tree: ast.Module, imports: list[str]) -> str:
    if not imports:
        return body
    lines = body.splitlines()
    at = 0
    for node in tree.body:  # after a module docstring and the imports at the top
        is_doc = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        if not (is_doc or isinstance(node, ast.Import | ast.ImportFrom)):
            break
        at = node.end_lineno or node.lineno
    block = imports + ([""] if at < len(lines) and lines[at].strip() else [])
    return "\n".join(lines[:at] + block + lines[at:])


def _plain_asserts(node: ast.AST) -> list[ast.Assert] | None:
    """The asserts of a plain ``def test_x():`` whose body is nothing else."""
    if (
        not isinstance(node, ast.FunctionDef)
        or node.decorator_list
        or node.args.args
        or node.args.vararg
    ):
        return None
    body = list(node.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # a docstring
    if not body or not all(isinstance(statement, ast.Assert) for statement in body):
        return None
    return body  # type: ignore[return-value]


def _checks_something(node: ast.AST) -> bool:
    for child in ast.walk(node):
        if isinstance(child, ast.Assert):
            return True
        if isinstance(child, ast.Call):
            func = child.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("raises", "approx", "warns") or _ASSERT_METHOD.match(name or ""):
                return True
            if isinstance(func, ast.Attribute) and name.startswith(
                "assert_"
            ):  # np.testing.assert_*
                return True
    return False


def _uses_function(node: ast.AST, info: FunctionInfo) -> bool:
    """Whether a test calls the function, or hands it to something that may
    (``map(f, xs)``); a class of tests counts as using it wherever it mentions it."""
    if isinstance(node, ast.ClassDef):
        return any(isinstance(n, ast.Name) and n.id == info.name for n in ast.walk(node))
    for child in ast.walk(node):
        if isinstance(child, ast.Call):
            if info.called_by(child.func):
                return True
            passed = [*child.args, *(k.value for k in child.keywords)]
            if any(isinstance(a, ast.Name) and a.id == info.name for a in passed):
                return True
    return False


def _loaded_names(tree: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _bound_names(tree: ast.AST) -> set[str]:
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            bound.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                bound.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
        elif isinstance(node, ast.Global | ast.Nonlocal):
            bound.update(node.names)
        elif isinstance(node, ast.MatchAs | ast.MatchStar) and node.name:
            bound.add(node.name)
    return bound


def _is_main_guard(node: ast.If) -> bool:
    test = node.test
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == "__name__"
    )


_LIBRARY_ROOTS = {
    "typing",
    "collections",
    "math",
    "functools",
    "itertools",
    "dataclasses",
    "pytest",
    "hypothesis",
}


def _is_library(module: str | None) -> bool:
    return bool(module) and module.split(".")[0] in _LIBRARY_ROOTS


def drop_tests(code: str, failing: set[str]) -> str | None:
    """``code`` without the test functions named in ``failing``.

    Names are ``test_x`` (top level) or ``TestClass::test_m`` (a method; the class
    goes too when no test method is left). None when nothing could be removed.
    """
    try:
        tree = pysyntax.parse(code)
    except SyntaxError:
        return None
    drop: set[int] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name in failing:
            drop.update(_span(node))
        elif isinstance(node, ast.ClassDef):
            methods = [
                m for m in node.body if isinstance(m, ast.FunctionDef | ast.AsyncFunctionDef)
            ]
            gone = [m for m in methods if f"{node.name}::{m.name}" in failing]
            tests_left = [m for m in methods if m.name.startswith("test") and m not in gone]
            if gone and not tests_left:
                drop.update(_span(node))
            else:
                for method in gone:
                    drop.update(_span(method))
    if not drop:
        return None
    lines = [line for number, line in enumerate(code.splitlines()) if number not in drop]
    text = re.sub(r"\n{4,}", "\n\n\n", "\n".join(lines)).rstrip() + "\n"
    return text if parses(text) else None


def _span(node: ast.stmt) -> range:
    first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
    return range(first - 1, node.end_lineno or node.lineno)


def nodeid_name(nodeid: str) -> str:
    """``test_solution.py::TestC::test_m[1-2]`` -> ``TestC::test_m``."""
    parts = nodeid.split("::")[1:] or [nodeid]
    return "::".join(parts).split("[", 1)[0]


def merge_tests(first: str, second: str, info: FunctionInfo) -> str | None:
    """Two test modules as one: names kept apart, imports merged. None if it breaks.

    The second module's other top-level imports (``import numpy as np``) move up to
    the first's imports, so the merged module reads as one."""
    lines = second.splitlines()
    imports = [
        line
        for line in lines
        if line.startswith(("import ", "from "))
        and not line.startswith(("import pytest", "from solution import"))
        and line not in first.splitlines()
    ]
    body = "\n".join(line for line in lines if not line.startswith(("import ", "from ")))
    head = _with_imports(first, imports)
    merged = clean_tests(f"{head.rstrip()}\n\n\n{body.strip()}\n", info)
    return merged.text if isinstance(merged, Parsed) else None


def _with_imports(module: str, imports: list[str]) -> str:
    """``module`` with ``imports`` added after its last top-level import line."""
    if not imports:
        return module
    lines = module.splitlines()
    last = max(
        (n for n, line in enumerate(lines) if line.startswith(("import ", "from "))), default=-1
    )
    return "\n".join([*lines[: last + 1], *imports, *lines[last + 1 :]])
