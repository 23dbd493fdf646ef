"""Miner speed and memory on the running Python's standard library, in one run:

  (a) baseline: a bare loop of ``ast.parse`` over the same files the miner
      visits (read + parse, trees dropped), in this process;
  (b) ``mine_paths`` with 1 worker (in-process), and
  (c) with 2 workers (files parsed in worker processes, dedup in the parent).

Prints median seconds of ``--repeat`` interleaved runs, files/s, snippets/s and
the ratio to (a). Targets (issue 3): (b) at most 2x the time of (a); (c) faster
than (a). Peak RSS is measured in a fresh child process per variant (parent,
and largest worker), on the standard library and on ``--scale`` copies of it
(memory should not grow with the corpus: only the dedup state does).

    .venv/bin/python bench/bench_mine.py [--repeat 3] [--scale 3]
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import gc
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

from phicode.mine import MineConfig, MineStats, mine_paths
from phicode.mine.walk import FileTask, check_paths, walk

STDLIB = sysconfig.get_paths()["stdlib"]


def files_visited(root: str) -> list[str]:
    """The files the miner reads (after skip rules): the baseline parses the same."""
    return [t.path for t in walk(check_paths([root]), MineConfig()) if isinstance(t, FileTask)]


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the workers)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def bare_parse(files: list[str], gc_threshold: int | None = None) -> tuple[float, float]:
    """(wall s, CPU s) of read + ``ast.parse`` over ``files``, trees dropped."""
    previous = gc.get_threshold()
    if gc_threshold:
        gc.set_threshold(gc_threshold, *previous[1:])
    started, cpu = time.perf_counter(), _cpu()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for path in files:
            with contextlib.suppress(SyntaxError, ValueError):
                ast.parse(Path(path).read_bytes())
    gc.set_threshold(*previous)
    return time.perf_counter() - started, _cpu() - cpu


def mine_once(root: str, workers: int, out: Path) -> tuple[float, float, MineStats]:
    started, cpu = time.perf_counter(), _cpu()
    stats = mine_paths([root], out, MineConfig(workers=workers))
    return time.perf_counter() - started, _cpu() - cpu, stats


def child(root: str, workers: int) -> None:
    """Mine once and print peak RSS (MiB) of this process and of its workers."""
    with tempfile.TemporaryDirectory() as folder:
        _, _, stats = mine_once(root, workers, Path(folder) / "s.jsonl")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "parent_mib": own,
                "worker_mib": workers_peak,
                "files": stats.files_seen,
                "kept": stats.kept,
            }
        )
    )


def peak_rss(root: str, workers: int) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", root, "--workers", str(workers)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.splitlines()[-1])


def scaled_copy(folder: Path, copies: int) -> str:
    """``copies`` copies of the stdlib's mined files (same licence), side by side."""
    shutil.copy(Path(STDLIB, "LICENSE.txt"), folder / "LICENSE.txt")
    for n in range(copies):
        for path in files_visited(STDLIB):
            target = folder / f"copy{n}" / Path(path).relative_to(STDLIB)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    return str(folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="interleaved rounds (medians)")
    parser.add_argument(
        "--scale", type=int, default=3, help="copies for the memory check (0: skip)"
    )
    parser.add_argument("--child", metavar="ROOT", help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.workers)
        return
    files = files_visited(STDLIB)
    size = sum(Path(f).stat().st_size for f in files) / 1e6
    print(f"corpus: {STDLIB} ({len(files)} files, {size:.1f} MB after skip rules)")
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start")
    wall: dict[str, list[float]] = {key: [] for key in VARIANTS}
    cpu: dict[str, list[float]] = {key: [] for key in VARIANTS}
    stats: dict[str, MineStats] = {}
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(args.repeat):
            for key, seconds, cpu_s in _one_round(files, Path(folder) / "s.jsonl", stats):
                wall[key].append(seconds)
                cpu[key].append(cpu_s)
    print(f"load average {os.getloadavg()[0]:.1f} at end")
    report(wall, cpu, stats, len(files))
    memory(args.scale)


VARIANTS = {
    "bare": "bare ast.parse loop",
    "bare_gc": "  same, miner's GC threshold",
    "w1": "phicode mine, 1 worker",
    "w2": "phicode mine, 2 workers",
}


def _one_round(
    files: list[str], out: Path, stats: dict[str, MineStats]
) -> Iterator[tuple[str, float, float]]:
    """One run of each variant, interleaved so that load changes hit them all."""
    yield ("bare", *bare_parse(files))
    yield ("bare_gc", *bare_parse(files, gc_threshold=100_000))
    for workers in (1, 2):
        seconds, cpu_s, stats[f"w{workers}"] = mine_once(STDLIB, workers, out)
        yield f"w{workers}", seconds, cpu_s


def report(
    wall: dict[str, list[float]],
    cpu: dict[str, list[float]],
    stats: dict[str, MineStats],
    files: int,
) -> None:
    """Medians, and two load-robust views of the ratio to the bare parse: the
    median of per-round ratios (each round runs every variant back to back) and
    best-of-N against best-of-N (what the code costs when the machine is quiet)."""
    bare, bare_cpu, bare_best = (
        statistics.median(wall["bare"]),
        statistics.median(cpu["bare"]),
        min(wall["bare"]),
    )
    print(
        f"\n{'variant':<31}{'wall s':>7}{'x bare':>7}{'CPU s':>7}{'x bare':>7}"
        f"{'rounds x':>9}{'best s':>7}{'x bare':>7}{'files/s':>8}{'snips/s':>8}"
    )
    for key, label in VARIANTS.items():
        seconds, cpu_s, best = (
            statistics.median(wall[key]),
            statistics.median(cpu[key]),
            min(wall[key]),
        )
        per_round = statistics.median(w / b for w, b in zip(wall[key], wall["bare"], strict=True))
        kept = f"{stats[key].kept / seconds:>8.0f}" if key in stats else f"{'-':>8}"
        print(
            f"{label:<31}{seconds:>7.2f}{seconds / bare:>7.2f}{cpu_s:>7.2f}{cpu_s / bare_cpu:>7.2f}"
            f"{per_round:>9.2f}{best:>7.2f}{best / bare_best:>7.2f}{files / seconds:>8.0f}{kept}"
        )
    print(
        f"(wall s per round: {json.dumps({k: [round(t, 2) for t in v] for k, v in wall.items()})})"
    )
    print(
        "CPU s: this process and its workers. Targets (wall): 1 worker <= 2.00x bare, "
        "2 workers < 1.00x bare."
    )
    print(f"snippets kept: {stats['w1'].kept} of {stats['w1'].functions} functions")


def memory(scale: int) -> None:
    print(f"\n{'peak RSS (MiB)':<34}{'parent':>8}{'worker':>8}{'files':>7}{'kept':>6}")
    rows = [(f"stdlib, {w} worker(s)", STDLIB, w) for w in (1, 2)]
    with tempfile.TemporaryDirectory() as folder:
        if scale > 1:
            rows.append((f"stdlib x{scale} copies, 2 workers", scaled_copy(Path(folder), scale), 2))
        for label, root, workers in rows:
            peak = peak_rss(root, workers)
            worker = f"{peak['worker_mib']:.0f}" if workers > 1 else "-"
            print(
                f"{label:<34}{peak['parent_mib']:>8.0f}{worker:>8}{peak['files']:>7}{peak['kept']:>6}"
            )


if __name__ == "__main__":
    main()
