"""HumanEval as a regression set for the verifier: every canonical solution
passes, and wrong solutions (another problem's body, an off-by-one result, a
stub) are rejected at least 99% of the time."""

from __future__ import annotations

from collections import Counter

import pytest

from phicode import humaneval
from phicode.pool import SandboxPool
from phicode.records import Status
from phicode.verify import Verifier

pytestmark = pytest.mark.docker


def test_all_164_canonical_solutions_pass(sandbox_pool: SandboxPool) -> None:
    pairs = humaneval.canonical_pairs()
    assert len(pairs) == 164
    results = list(Verifier(sandbox_pool).verify_many(pairs))
    failures = {pair.id: v.detail for pair, v in results if v.status is not Status.PASSED}
    assert failures == {}
    assert all(v.tests_passed == 1 and v.tests_total == 1 for _, v in results)


def test_wrong_solutions_are_rejected(sandbox_pool: SandboxPool) -> None:
    negatives = humaneval.negative_pairs()
    assert Counter(n.kind for n in negatives) == {kind: 164 for kind in humaneval.NEGATIVE_KINDS}
    results = list(Verifier(sandbox_pool).verify_many([n.pair for n in negatives]))
    survivors = [pair.id for pair, v in results if v.status is Status.PASSED]
    rejected_share = 1 - len(survivors) / len(negatives)
    assert rejected_share >= 0.99, survivors
    by_kind = Counter(pair.id.split("#")[1] for pair, v in results if v.status is not Status.PASSED)
    assert by_kind["stub"] == 164
    assert by_kind["other_body"] >= 162


def test_off_by_one_changes_every_result() -> None:
    problem = humaneval.load_problems()[0]
    mutant = humaneval.off_by_one(
        problem["prompt"] + problem["canonical_solution"], problem["entry_point"]
    )
    namespace: dict = {}
    exec(compile(mutant, "mutant", "exec"), namespace)  # trusted: HumanEval's own solution
    assert namespace["has_close_elements"]([1.0, 2.0, 3.9, 4.0], 0.3) is False  # canonical: True
