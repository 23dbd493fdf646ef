"""Benchmark contamination: which benchmark problem does a text share n-grams with?

A training pair that quotes a benchmark problem makes any later score on that
benchmark meaningless. Two stages ask, with one index (:class:`NgramIndex`) and
two questions of it:

- ``phicode validate --decontaminate`` asks :meth:`NgramIndex.first_shared`: does
  a record share *any* 13-gram of lower-cased words with a problem's prompt,
  canonical solution or tests (the GPT-3 / Phi-1 test)? N-grams found in three or
  more problems are boilerplate (``from typing import List``, the tests'
  ``METADATA`` block) and never flag anything on their own.
- the miner asks :meth:`NgramIndex.largest_share`: which share of one problem's
  code n-grams does a snippet contain? It drops a snippet at a threshold, over
  the code as written and over its normal form (``phicode.mine.decontam``).

Stdlib only on purpose: ``phicode validate`` must stay cheap to import.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache

__all__ = [
    "NGRAM",
    "Match",
    "NgramIndex",
    "humaneval_index",
    "ngrams",
    "word_tokens",
]

NGRAM = 13
BOILERPLATE_PROBLEMS = 3  # an n-gram in this many problems or more says nothing
_WORD = re.compile(r"\w+")

Gram = tuple[str, ...]


def word_tokens(text: str) -> list[str]:
    """Lower-cased word tokens; punctuation and layout do not count."""
    return _WORD.findall(text.lower())


def ngrams(tokens: Sequence[str], n: int) -> set[Gram]:
    """Every run of ``n`` consecutive tokens."""
    return set(zip(*(tokens[i:] for i in range(n)), strict=False))


@dataclass(frozen=True, slots=True)
class Match:
    """The benchmark item a text overlaps with, and one shared n-gram as evidence."""

    benchmark: str
    item: str
    ngram: str


class NgramIndex:
    """The n-grams of a benchmark's items: which items hold each one, and how many
    n-grams each item has (for shares)."""

    def __init__(
        self,
        benchmark: str,
        items: dict[str, str],
        n: int = NGRAM,
        split: Callable[[str], list[str]] = word_tokens,
    ) -> None:
        self.benchmark = benchmark
        self.n = n
        self.split = split
        self.names = tuple(items)
        where: dict[Gram, list[int]] = {}
        sizes: list[int] = []
        for number, text in enumerate(items.values()):
            grams = ngrams(split(text), n)
            sizes.append(len(grams) or 1)
            for gram in grams:
                where.setdefault(gram, []).append(number)
        self._where = {gram: tuple(owners) for gram, owners in where.items()}
        self._sizes = tuple(sizes)
        self._telling = sum(len(o) < BOILERPLATE_PROBLEMS for o in self._where.values())

    def __len__(self) -> int:
        """How many n-grams can flag a text on their own (boilerplate left out)."""
        return self._telling

    def first_shared(self, *texts: str) -> Match | None:
        """The first item any of ``texts`` shares a non-boilerplate n-gram with, else None."""
        where = self._where
        for text in texts:
            for gram in _in_order(self.split(text), self.n):
                owners = where.get(gram)
                if owners is not None and len(owners) < BOILERPLATE_PROBLEMS:
                    item = min(self.names[o] for o in owners)
                    return Match(self.benchmark, item, " ".join(gram))
        return None

    def largest_share(self, tokens: Sequence[str]) -> tuple[str, float] | None:
        """The item whose n-grams ``tokens`` covers most, and the share covered;
        None when nothing is shared (the usual case, decided by one set operation)."""
        shared = self._where.keys() & ngrams(tokens, self.n)
        if not shared:
            return None
        hits: Counter[int] = Counter()
        for gram in shared:
            hits.update(self._where[gram])
        sizes = self._sizes
        problem, count = max(hits.items(), key=lambda item: (item[1] / sizes[item[0]], -item[0]))
        return self.names[problem], count / sizes[problem]


def _in_order(tokens: Sequence[str], n: int) -> Iterable[Gram]:
    return (tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


@cache
def humaneval_index(n: int = NGRAM) -> NgramIndex:
    """HumanEval's 164 problems, words of prompt, canonical solution and tests of each."""
    from phicode.humaneval import load_problems

    items = {
        problem["task_id"]: "\n".join(
            (problem["prompt"], problem["canonical_solution"], problem["test"])
        )
        for problem in load_problems()
    }
    return NgramIndex("HumanEval", items, n)
