"""Decontamination: drop snippets that overlap a HumanEval problem.

A snippet is contaminated when it contains at least ``threshold`` of the
token n-grams of one HumanEval problem, compared two ways: the snippet as
written against prompt + canonical solution (catches a pasted problem with
its docstring), and both normal forms (no docstrings, comments or formatting:
catches the solution re-typed, reformatted or with another docstring).
The index and the share are :mod:`phicode.contamination`'s, which ``validate``
uses too (with another question: any shared word n-gram of a whole record).
"""

from __future__ import annotations

from functools import cache

from phicode.contamination import NgramIndex
from phicode.mine.dedup import tokens
from phicode.mine.filters import Verdict
from phicode.mine.normal import normal_tokens
from phicode.mine.reasons import Reject


class Decontaminator:
    """Holds the HumanEval code n-gram indices; ``check`` is pure and cheap."""

    def __init__(self, n: int, threshold: float) -> None:
        from phicode.humaneval import load_problems

        code = {p["task_id"]: p["prompt"] + p["canonical_solution"] for p in load_problems()}
        self.n = n
        self.threshold = threshold
        self._raw = NgramIndex("HumanEval", code, n, tokens)
        self._normal = NgramIndex("HumanEval", code, n, normal_tokens)

    def check(self, code: str, normal: list[str]) -> Verdict | None:
        """``normal``: the tokens of the snippet's normal form."""
        for index, words in ((self._raw, tokens(code)), (self._normal, normal)):
            worst = index.largest_share(words)
            if worst and worst[1] >= self.threshold:
                problem, share = worst
                return Verdict(
                    Reject.CONTAMINATED, f"{problem} ({share:.0%} of its {self.n}-grams)"
                )
        return None


@cache
def decontaminator(n: int, threshold: float) -> Decontaminator:
    """One index per process and setting (workers build their own once)."""
    return Decontaminator(n, threshold)
