"""Deduplication: exact on the normalised form, near-duplicate by MinHash LSH.

Workers compute each snippet's MinHash signature (the costly part, done in
parallel); the parent keeps the only state that grows with the corpus: the
ids seen and an LSH index of signatures. Hashing uses crc32 over tokens, a
fixed shingle combination and fixed-seed permutations, so the same corpus
always gives the same decisions, whatever ``PYTHONHASHSEED`` is.
"""

from __future__ import annotations

import zlib
from functools import cache

import numpy as np

from phicode.mine.filters import TOKEN, Verdict
from phicode.mine.reasons import Reject

_SEED = 1
_SCHEME = "affine32"


def tokens(text: str) -> list[str]:
    """Identifiers, numbers and single punctuation characters."""
    return TOKEN.findall(text)


def shingles(words: list[str], size: int) -> list[bytes]:
    """Overlapping runs of ``size`` tokens (the whole text when it is shorter)."""
    if len(words) <= size:
        return [" ".join(words).encode()]
    return [" ".join(words[i : i + size]).encode() for i in range(len(words) - size + 1)]


_MASK = np.uint64(0xFFFFFFFF)


@cache
def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """Fixed random affine maps ``h -> (a*h + b) mod 2**32`` (``a`` odd: a bijection)."""
    rng = np.random.default_rng(_SEED)
    a = rng.integers(1, 2**32, size=num_perm, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, 2**32, size=num_perm, dtype=np.uint64)
    return a, b


def _mix(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser, so nearby inputs spread over all bits."""
    h = h ^ (h >> np.uint64(16))
    h = (h * np.uint64(0x85EBCA6B)) & _MASK
    h = h ^ (h >> np.uint64(13))
    h = (h * np.uint64(0xC2B2AE35)) & _MASK
    return h ^ (h >> np.uint64(16))


def shingle_hashes(words: list[str], size: int) -> np.ndarray:
    """A 32-bit hash per run of ``size`` tokens, combined with vector arithmetic
    from one crc32 per token (no Python loop over shingles)."""
    token_hashes = np.fromiter(
        (zlib.crc32(w.encode()) for w in words), dtype=np.uint64, count=len(words)
    )
    if len(words) <= size:
        return np.array([zlib.crc32(" ".join(words).encode())], dtype=np.uint64)
    count = len(words) - size + 1
    combined = np.zeros(count, dtype=np.uint64)
    for offset in range(size):
        combined = (combined * np.uint64(1_000_003) + token_hashes[offset : offset + count]) & _MASK
    return _mix(combined)


def signature(words: list[str], shingle_size: int, num_perm: int) -> np.ndarray:
    """The MinHash signature (uint32) of a snippet's token shingles."""
    a, b = _permutations(num_perm)
    hashes = shingle_hashes(words, shingle_size)
    values = (np.outer(a, hashes) + b[:, None]) & _MASK
    return values.min(axis=1).astype(np.uint32)


class Deduplicator:
    """Keeps the first of each group of duplicates, in the order snippets arrive.

    ``check`` answers whether a snippet repeats one already kept, and if not,
    remembers it. Exact duplicates share an id (the hash of the normalised
    form); near duplicates have an estimated Jaccard similarity of their
    token shingles at or above ``threshold`` with a kept snippet.
    """

    def __init__(self, threshold: float, num_perm: int) -> None:
        from datasketch import MinHashLSH

        self.threshold = threshold
        self.num_perm = num_perm
        self._ids: set[str] = set()
        self._signatures: dict[str, np.ndarray] = {}
        self._lsh = None
        if threshold < 1.0:
            try:
                self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
            except ValueError:  # thresholds near 1 leave datasketch fewer than 2 bands
                self._lsh = MinHashLSH(
                    threshold=threshold, num_perm=num_perm, params=(4, num_perm // 4)
                )

    def check(self, snippet_id: str, sig: np.ndarray) -> Verdict | None:
        if snippet_id in self._ids:
            return Verdict(Reject.DUPLICATE, f"same normalised code as {snippet_id}")
        self._ids.add(snippet_id)
        if self._lsh is None:
            return None
        from datasketch import LeanMinHash

        sketch = LeanMinHash(seed=_SEED, hashvalues=sig, scheme=_SCHEME)
        near = self._nearest(sig, self._lsh.query(sketch))
        if near is not None:
            other, similarity = near
            return Verdict(Reject.NEAR_DUPLICATE, f"near {other} (Jaccard ~{similarity:.2f})")
        self._lsh.insert(snippet_id, sketch, check_duplication=False)
        self._signatures[snippet_id] = sig
        return None

    def _nearest(self, sig: np.ndarray, candidates: list[str]) -> tuple[str, float] | None:
        """The most similar candidate at or above the threshold (ties: smallest id)."""
        best: tuple[float, str] | None = None
        for other in candidates:
            similarity = float(np.count_nonzero(self._signatures[other] == sig)) / len(sig)
            if similarity >= self.threshold and (best is None or (-similarity, other) < best):
                best = (-similarity, other)
        return None if best is None else (best[1], -best[0])
