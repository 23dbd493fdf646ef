"""HumanEval's own tests against phicode's mutants: the measurement behind the default
``--mutation-threshold`` of 0.6 (docs/pipeline.md).

Each of the 164 canonical solutions is verified, then mutated (``phicode.mutate``) and
the benchmark's human-written tests are run against every mutant on a warm pool.
Prints the median mutation score, the 10th and 25th percentiles, how many problems
fall below each threshold, and the share a threshold of 0.6 keeps.

    .venv/bin/python bench/humaneval_mutation.py [--workers 2] [--sample 164]
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import replace

from phicode import humaneval
from phicode.mutate import MutationTester
from phicode.records import Status
from phicode.sandbox.pool import SandboxConfig, SandboxPool
from phicode.verify import Verifier

THRESHOLDS = (0.4, 0.6, 0.8)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sample", type=int, default=164, help="the first N problems")
    args = parser.parse_args()
    started = time.monotonic()
    scores: dict[str, float] = {}
    with SandboxPool(SandboxConfig(workers=args.workers)) as pool:
        tester = MutationTester(pool)
        pairs = humaneval.canonical_pairs()[: args.sample]
        for pair, verdict in Verifier(pool).verify_many(pairs):
            if verdict.status is not Status.PASSED:
                print(f"{pair.id}: the canonical solution did not pass ({verdict.status})")
                continue
            score = tester.test(replace(pair, verification=verdict)).score
            if score is not None:
                scores[pair.id] = score
    values = sorted(scores.values())
    deciles = statistics.quantiles(values, n=20)  # 5% steps
    print(f"{len(values)} problems with mutants, {time.monotonic() - started:.0f} s")
    quartile = statistics.quantiles(values, n=4)[0]
    print(
        f"median {statistics.median(values):.2f}, 10th percentile {deciles[1]:.2f}, "
        f"25th percentile {quartile:.2f}"
    )
    for threshold in THRESHOLDS:
        below = [name for name, score in scores.items() if score < threshold]
        kept = 1 - len(below) / len(values)
        print(f"below {threshold}: {len(below)} ({', '.join(sorted(below)[:6])}); keeps {kept:.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
