"""Benchmark contamination: does a record share long word n-grams with HumanEval?

A training pair that quotes a benchmark problem (its prompt, canonical solution
or tests) makes any later score on that benchmark meaningless, so dataset lines
that overlap are flagged. The test is the usual one (GPT-3, Phi-1): lower-cased
word tokens, and any shared 13-gram counts. N-grams that occur in three or more
HumanEval problems are boilerplate (``from typing import List``, the
``METADATA`` block of the tests) and are left out of the index, so they never
flag anything on their own.

Stdlib only and self-contained on purpose: ``phicode validate`` must stay cheap
to import. (The miner's decontamination filter may share this index later.)
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

__all__ = ["NGRAM", "ContaminationIndex", "Match", "humaneval_index", "word_tokens"]

NGRAM = 13
_BOILERPLATE_PROBLEMS = 3  # an n-gram in this many problems or more says nothing
_WORD = re.compile(r"\w+")


def word_tokens(text: str) -> list[str]:
    """Lower-cased word tokens; punctuation and layout do not count."""
    return _WORD.findall(text.lower())


def _ngrams(tokens: Sequence[str], n: int) -> Iterable[tuple[str, ...]]:
    return (tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


@dataclass(frozen=True, slots=True)
class Match:
    """The benchmark item a text overlaps with, and one shared n-gram as evidence."""

    benchmark: str
    item: str
    ngram: str


class ContaminationIndex:
    """The n-grams of a benchmark's items, for fast overlap look-ups."""

    def __init__(self, benchmark: str, items: dict[str, str], n: int = NGRAM) -> None:
        self.benchmark = benchmark
        self.n = n
        owners: dict[tuple[str, ...], set[str]] = defaultdict(set)
        for name, text in items.items():
            for gram in _ngrams(word_tokens(text), n):
                owners[gram].add(name)
        self._owner = {
            gram: min(names) for gram, names in owners.items() if len(names) < _BOILERPLATE_PROBLEMS
        }

    def __len__(self) -> int:
        return len(self._owner)

    def find(self, *texts: str) -> Match | None:
        """The first benchmark item any of ``texts`` shares an n-gram with, else None."""
        owner = self._owner
        for text in texts:
            for gram in _ngrams(word_tokens(text), self.n):
                item = owner.get(gram)
                if item is not None:
                    return Match(self.benchmark, item, " ".join(gram))
        return None


@cache
def humaneval_index(n: int = NGRAM) -> ContaminationIndex:
    """HumanEval's 164 problems: prompt, canonical solution and tests of each."""
    from phicode.humaneval import load_problems

    items = {
        problem["task_id"]: "\n".join(
            (problem["prompt"], problem["canonical_solution"], problem["test"])
        )
        for problem in load_problems()
    }
    return ContaminationIndex("HumanEval", items, n)
