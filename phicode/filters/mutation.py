"""The mutation filter: tests that cannot tell a changed solution from the real one are weak.

The mutants and the runs are :mod:`phicode.mutate`'s; this is the decision and
its version (part of the pipeline's resume key).
"""

from __future__ import annotations

from phicode.filters.reasons import FilterReason, Verdict
from phicode.mutate import DEFAULT_MAX_MUTANTS, DEFAULT_THRESHOLD

# 3: a timed-out mutant runs once more, 4x longer; 4: dropped calls; 5: if-blocks
VERSION = "mutate@5"

__all__ = ["DEFAULT_MAX_MUTANTS", "DEFAULT_THRESHOLD", "VERSION", "mutation_verdict"]


def mutation_verdict(score: float | None, threshold: float) -> Verdict | None:
    """Why a pair with this mutation score is dropped, or None to keep it."""
    if score is None:
        return Verdict(FilterReason.NOTHING_TO_MUTATE, "no mutation site in the entry point")
    if score < threshold:
        return Verdict(FilterReason.WEAK_TESTS, f"mutation score {score:.2f} < {threshold:.2f}")
    return None
