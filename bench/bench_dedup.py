"""Memory of the miner's global deduplication, per million snippets.

With ``--executor ray`` the files are mined on the nodes but deduplication stays
on the driver, in walk order (the only way to keep it global and deterministic).
This measures what that costs the driver: the resident memory the
:class:`~phicode.mine.dedup.Deduplicator` grows by for N distinct snippets
(random signatures with the default ``num_perm``, so every one is kept and
indexed, the worst case), at two sizes, and the slope per million. The
baseline in the same run is the signatures alone (a dict of N numpy arrays).

    .venv/bin/python bench/bench_dedup.py [--sizes 50000 100000]
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import psutil

from phicode.mine.config import MineConfig
from phicode.mine.dedup import Deduplicator


def grown_by(count: int, index: bool) -> tuple[float, float]:
    """(MiB the process grew by, seconds) for ``count`` distinct snippets."""
    config = MineConfig()
    rng = np.random.default_rng(0)
    gc.collect()
    before = psutil.Process().memory_info().rss
    started = time.perf_counter()
    kept: object
    if index:
        dedup = Deduplicator(config.near_dup_threshold, config.num_perm)
        for n in range(count):
            sig = rng.integers(0, 2**32, size=config.num_perm, dtype=np.uint64).astype(np.uint32)
            dedup.check(f"{n:016x}", sig)
        kept = dedup
    else:
        kept = {
            f"{n:016x}": rng.integers(0, 2**32, size=config.num_perm, dtype=np.uint64).astype(
                np.uint32
            )
            for n in range(count)
        }
    elapsed = time.perf_counter() - started
    grown = (psutil.Process().memory_info().rss - before) / 2**20
    del kept
    gc.collect()
    return grown, elapsed


def in_fresh_process(count: int, index: bool) -> tuple[float, float]:
    """:func:`grown_by` in a new interpreter: no memory freed by an earlier run to reuse."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as executor:
        return executor.submit(grown_by, count, index).result()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=[50_000, 100_000])
    args = parser.parse_args()
    small, large = args.sizes
    print(f"num_perm {MineConfig().num_perm}, threshold {MineConfig().near_dup_threshold}")
    for index, name in ((False, "signatures only (baseline)"), (True, "Deduplicator (ids + LSH)")):
        a, _ = in_fresh_process(small, index)
        b, seconds = in_fresh_process(large, index)
        per_million = (b - a) / (large - small) * 1_000_000 / 1024
        rate = large / seconds
        print(
            f"{name:28} {small}: {a:7.1f} MiB  {large}: {b:7.1f} MiB  "
            f"~{per_million:5.2f} GiB per million, {rate:,.0f} checks/s"
        )


if __name__ == "__main__":
    main()
