"""Sequence helpers."""

from collections import Counter


def chunked(items: list, size: int) -> list:
    """Split items into consecutive lists of at most size elements."""
    if size < 1:
        raise ValueError("size must be positive")
    return [items[start : start + size] for start in range(0, len(items), size)]


def dedupe_keep_order(items: list) -> list:
    """Remove repeated items, keeping the first occurrence of each."""
    seen = set()
    out = []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


def run_length_encode(text: str) -> list:
    """Run-length encoding: a list of (character, count) pairs."""
    out = []
    for char in text:
        if out and out[-1][0] == char:
            out[-1] = (char, out[-1][1] + 1)
        else:
            out.append((char, 1))
    return out


def most_common_word(text: str) -> str:
    """The most frequent lower-case word; ties go to the word seen first."""
    words = text.lower().split()
    if not words:
        return ""
    counts = Counter(words)
    best = max(counts.values())
    return next(word for word in words if counts[word] == best)


def flatten(nested: list) -> list:
    """Flatten arbitrarily nested lists into one list."""
    out = []
    for item in nested:
        if isinstance(item, list):
            out.extend(flatten(item))
        else:
            out.append(item)
    return out


def unique_in_order(items: list) -> list:
    """Remove repeated items, keeping the first occurrence of each (a duplicate)."""
    seen = set()
    out = []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out
