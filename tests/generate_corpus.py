"""A small corpus of real-looking snippets for the generation tests (not a test module)."""

from __future__ import annotations

from phicode.records import Snippet, Source, content_id

CORPUS: dict[str, str] = {
    "is_palindrome": '''
def is_palindrome(text: str) -> bool:
    """Return True when text reads the same backwards, ignoring case and spaces.

    >>> is_palindrome("Never odd or even")
    True
    """
    cleaned = "".join(ch.lower() for ch in text if not ch.isspace())
    return cleaned == cleaned[::-1]
''',
    "mean": '''
def mean(values: list[float]) -> float:
    """Arithmetic mean of a non-empty list; ValueError on an empty one."""
    if not values:
        raise ValueError("mean of an empty list")
    return sum(values) / len(values)
''',
    "fizzbuzz": '''
def fizzbuzz(n):
    """FizzBuzz word for n."""
    if n % 15 == 0:
        return "FizzBuzz"
    if n % 3 == 0:
        return "Fizz"
    if n % 5 == 0:
        return "Buzz"
    return str(n)
''',
    "word_counts": '''
from collections import Counter


def word_counts(text: str) -> dict[str, int]:
    """Count the words of text, case-insensitively."""
    return dict(Counter(text.lower().split()))
''',
    "chunk": '''
def chunk(items: list[int], size: int) -> list[list[int]]:
    """Split items into consecutive chunks of at most size elements."""
    if size <= 0:
        raise ValueError("size must be positive")
    return [items[i:i + size] for i in range(0, len(items), size)]
''',
    "gcd": '''
def gcd(a: int, b: int) -> int:
    """Greatest common divisor (Euclid).

    >>> gcd(12, 18)
    6
    """
    while b:
        a, b = b, a % b
    return abs(a)
''',
    "bubble_sort": '''
def bubble_sort(xs):
    """Sort xs in place."""
    n = len(xs)
    for i in range(n):
        for j in range(n - 1 - i):
            if xs[j] > xs[j + 1]:
                xs[j], xs[j + 1] = xs[j + 1], xs[j]
''',
    "celsius_to_fahrenheit": '''
def celsius_to_fahrenheit(celsius: float) -> float:
    """Convert a temperature."""
    return celsius * 9 / 5 + 32
''',
    "running_total": '''
def running_total(numbers):
    """Yield the running totals of numbers."""
    total = 0
    for number in numbers:
        total += number
        yield total
''',
    "capitalize_words": '''
SEPARATOR = " "


def capitalize_words(sentence: str, sep: str = SEPARATOR) -> str:
    """Capitalize every word of sentence."""
    return sep.join(word.capitalize() for word in sentence.split(sep))
''',
    "binary_search": '''
def binary_search(items: list[int], target: int) -> int:
    """Index of target in the sorted list items, or -1."""
    lo, hi = 0, len(items) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        if items[mid] == target:
            return mid
        if items[mid] < target:
            lo = mid + 1
        else:
            hi = mid - 1
    return -1
''',
    "roll_die": '''
import random


def roll_die(sides: int = 6) -> int:
    """A random roll: nothing deterministic to test."""
    return random.randint(1, sides)
''',
}


def snippet(name: str, code: str | None = None) -> Snippet:
    code = (code if code is not None else CORPUS[name]).strip() + "\n"
    return Snippet(
        id=content_id(code),
        entry_point=name,
        code=code,
        source=Source(
            repo="tests/corpus", path=f"{name}.py", start_line=1, end_line=code.count("\n")
        ),
    )


def corpus() -> list[Snippet]:
    return [snippet(name) for name in CORPUS]
