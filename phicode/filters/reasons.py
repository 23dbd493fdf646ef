"""Why a filter drops a verified pair: declared once, written to ``--rejected`` as ``reason``."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class FilterReason(StrEnum):
    """Why the pipeline's filters drop a verified pair."""

    WEAK_TESTS = "weak_tests"  # mutation score below the threshold
    NOTHING_TO_MUTATE = "nothing_to_mutate"  # no mutation site: too trivial to test
    TOO_EASY = "too_easy"  # every blind answer passed
    AMBIGUOUS = "ambiguous"  # (almost) no blind answer passed
    UNSTATED = "unstated_behaviour"  # too few tests left once those the question omits go
    TRIVIAL_BASELINE = "trivial_baseline"  # a constant, an echo, an empty value or None passes


@dataclass(frozen=True, slots=True)
class Verdict:
    """A filter's decision to drop a pair: the reason and a one-line detail."""

    reason: FilterReason
    detail: str
