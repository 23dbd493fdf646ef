"""Decontamination: drop snippets that overlap a HumanEval problem.

A snippet is contaminated when it contains at least ``threshold`` of the
token n-grams of one HumanEval problem, compared two ways: the snippet as
written against prompt + canonical solution (catches a pasted problem with
its docstring), and the snippet's normalised form against the problem's
normalised code without docstring (catches the solution re-typed, reformatted
or with another docstring). Problems too short to have an n-gram are skipped.
"""

from __future__ import annotations

import ast
from collections import Counter
from dataclasses import dataclass
from functools import cache

from phicode.mine.dedup import tokens
from phicode.mine.filters import Verdict
from phicode.mine.reasons import Reject


def ngrams(words: list[str], n: int) -> set[str]:
    return {" ".join(words[i : i + n]) for i in range(len(words) - n + 1)}


@dataclass(frozen=True, slots=True)
class _View:
    """One way of looking at the problems: n-gram -> problems, and sizes."""

    where: dict[str, tuple[int, ...]]
    sizes: tuple[int, ...]

    def worst(self, grams: set[str]) -> tuple[int, float] | None:
        hits: Counter[int] = Counter()
        for gram in grams:
            hits.update(self.where.get(gram, ()))
        if not hits:
            return None
        problem, count = max(
            hits.items(), key=lambda item: (item[1] / self.sizes[item[0]], -item[0])
        )
        return problem, count / self.sizes[problem]


def _view(texts: list[str], n: int) -> _View:
    where: dict[str, list[int]] = {}
    sizes: list[int] = []
    for number, text in enumerate(texts):
        grams = ngrams(tokens(text), n)
        sizes.append(len(grams) or 1)
        for gram in grams:
            where.setdefault(gram, []).append(number)
    return _View({g: tuple(p) for g, p in where.items()}, tuple(sizes))


def _without_docstrings(source: str) -> str:
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.ClassDef | ast.Module) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                node.body = node.body[1:] or [ast.Pass()]
    return ast.unparse(tree)


class Decontaminator:
    """Holds the HumanEval n-gram index; ``check`` is pure and cheap."""

    def __init__(self, n: int, threshold: float) -> None:
        from phicode.humaneval import load_problems

        problems = load_problems()
        self.n = n
        self.threshold = threshold
        self.task_ids = [p["task_id"] for p in problems]
        full = [p["prompt"] + p["canonical_solution"] for p in problems]
        self._raw = _view(full, n)
        self._normal = _view([_without_docstrings(text) for text in full], n)

    def check(self, code: str, normal: str) -> Verdict | None:
        for view, text in ((self._raw, code), (self._normal, normal)):
            worst = view.worst(ngrams(tokens(text), self.n))
            if worst and worst[1] >= self.threshold:
                problem, share = worst
                return Verdict(
                    Reject.CONTAMINATED,
                    f"{self.task_ids[problem]} ({share:.0%} of its {self.n}-grams)",
                )
        return None


@cache
def decontaminator(n: int, threshold: float) -> Decontaminator:
    """One index per process and setting (workers build their own once)."""
    return Decontaminator(n, threshold)
