"""End-to-end pipeline throughput with the template backend on the stdlib corpus.

Runs ``phicode run`` (library call) over the first N snippets mined from the
running Python's standard library, with a fresh state folder, and prints pairs
per minute, the share of time per stage, the pool's container use, and the
machine's CPU utilisation over the run (both cores should be busy: the sandbox
work runs in containers, outside this process, so system-wide CPU is what
counts). Baseline in the same run: the same snippets verified one at a time on
a single worker (the pipeline's parallelism switched off).

    .venv/bin/python bench/bench_pipeline.py [--limit 40] [--workers 2]
"""

from __future__ import annotations

import argparse
import sysconfig
import tempfile
import time
from pathlib import Path

import psutil

from phicode.generate.config import BackendKind, ModelConfig
from phicode.mine import MineConfig
from phicode.pipeline import PipelineConfig, run_pipeline
from phicode.sandbox.pool import SandboxConfig


def one_run(limit: int, workers: int, folder: Path) -> tuple[float, float, object]:
    config = PipelineConfig(
        paths=(sysconfig.get_paths()["stdlib"],),
        output=folder / "dataset.jsonl",
        rejected=folder / "rejected.jsonl",
        state_dir=folder / "state",
        limit=limit,
        mine=MineConfig(workers=2, license_allow=frozenset({"any"})),
        model=ModelConfig(backend=BackendKind.TEMPLATE),
        sandbox=SandboxConfig(workers=workers),
    )
    psutil.cpu_percent(percpu=True)
    started = time.perf_counter()
    funnel = run_pipeline(config)
    elapsed = time.perf_counter() - started
    cpu = psutil.cpu_percent(percpu=True)
    return elapsed, sum(cpu) / len(cpu), funnel


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=40, help="snippets to take from the stdlib")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    results = {}
    for workers in (args.workers, 1):
        with tempfile.TemporaryDirectory() as folder:
            results[workers] = one_run(args.limit, workers, Path(folder))
    elapsed, cpu, funnel = results[args.workers]
    base_elapsed, base_cpu, _ = results[1]
    print(
        f"snippets {funnel.mined}, verified {funnel.verified}, kept {funnel.kept} "
        f"(dropped: {dict(funnel.synth_rejected) | dict(funnel.filtered)})"
    )
    print(
        f"phicode, {args.workers} workers: {elapsed:6.1f} s, {60 * funnel.kept / elapsed:6.1f} kept pairs/min, "
        f"{60 * funnel.mined / elapsed:6.1f} snippets/min, CPU {cpu:.0f}% of {psutil.cpu_count()} cores"
    )
    print(
        f"one worker (baseline):  {base_elapsed:6.1f} s, CPU {base_cpu:.0f}%; ratio {base_elapsed / elapsed:.2f}x"
    )
    total = sum(funnel.seconds.values())
    shares = ", ".join(f"{stage} {100 * s / total:.0f}%" for stage, s in funnel.seconds.items())
    print(f"time per stage: {shares}")


if __name__ == "__main__":
    main()
