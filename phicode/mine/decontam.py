"""Decontamination: drop snippets that overlap a HumanEval problem.

A snippet is contaminated when it contains at least ``threshold`` of the
token n-grams of one HumanEval problem, compared two ways: the snippet as
written against prompt + canonical solution (catches a pasted problem with
its docstring), and both normal forms (no docstrings, comments or formatting:
catches the solution re-typed, reformatted or with another docstring).
Problems too short to have an n-gram are skipped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from phicode.mine.dedup import tokens
from phicode.mine.filters import Verdict
from phicode.mine.normal import normal_tokens
from phicode.mine.reasons import Reject


def ngrams(words: list[str], n: int) -> set[tuple[str, ...]]:
    """Every run of ``n`` consecutive tokens."""
    return set(zip(*(words[i:] for i in range(n)), strict=False))


@dataclass(frozen=True, slots=True)
class _View:
    """One way of looking at the problems: n-gram -> problems, and sizes."""

    where: dict[tuple[str, ...], tuple[int, ...]]
    sizes: tuple[int, ...]

    def worst(self, grams: set[tuple[str, ...]]) -> tuple[int, float] | None:
        shared = self.where.keys() & grams  # in C; usually empty
        if not shared:
            return None
        hits: Counter[int] = Counter()
        for gram in shared:
            hits.update(self.where[gram])
        problem, count = max(
            hits.items(), key=lambda item: (item[1] / self.sizes[item[0]], -item[0])
        )
        return problem, count / self.sizes[problem]


def _view(texts: list[str], n: int, split: Callable[[str], list[str]] = tokens) -> _View:
    where: dict[tuple[str, ...], list[int]] = {}
    sizes: list[int] = []
    for number, text in enumerate(texts):
        grams = ngrams(split(text), n)
        sizes.append(len(grams) or 1)
        for gram in grams:
            where.setdefault(gram, []).append(number)
    return _View({g: tuple(p) for g, p in where.items()}, tuple(sizes))


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
        self._normal = _view(full, n, normal_tokens)

    def check(self, code: str, normal: list[str]) -> Verdict | None:
        """``normal``: the tokens of the snippet's normal form."""
        for view, words in ((self._raw, tokens(code)), (self._normal, normal)):
            worst = view.worst(ngrams(words, self.n))
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
