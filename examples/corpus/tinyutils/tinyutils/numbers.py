"""Number helpers."""

import math
import random


def clamp(value: float, low: float, high: float) -> float:
    """Limit value to the closed range [low, high]."""
    if low > high:
        raise ValueError("low must not exceed high")
    return max(low, min(value, high))


def mean_and_spread(values: list) -> tuple:
    """Mean and population standard deviation of a non-empty list of numbers."""
    if not values:
        raise ValueError("values must not be empty")
    mean = sum(values) / len(values)
    variance = sum((v - mean) ** 2 for v in values) / len(values)
    return mean, math.sqrt(variance)


def to_base(number: int, base: int) -> str:
    """Write a non-negative integer in a base from 2 to 36."""
    if not 2 <= base <= 36:
        raise ValueError("base must be between 2 and 36")
    if number < 0:
        raise ValueError("number must not be negative")
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    if number == 0:
        return "0"
    out = []
    while number:
        number, remainder = divmod(number, base)
        out.append(digits[remainder])
    return "".join(reversed(out))


def percent_change(old: float, new: float) -> float:
    """Relative change from old to new, in percent, rounded to two places."""
    if old == 0:
        raise ZeroDivisionError("old value is zero")
    return round((new - old) / abs(old) * 100, 2)


def roll_dice(sides):
    """Random without a seed: filtered out."""
    return random.randint(1, sides)
