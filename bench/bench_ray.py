"""The Ray executor's overhead: the same snippets, local executor and Ray, same cores.

Runs the pipeline (template backend, fresh state each time) over the first N
snippets mined from the running Python's standard library, first with the
local executor, then with ``--executor ray`` on a Ray cluster of this machine
alone (``ray.init()`` started by the run, so its start-up is counted), and
prints both wall times, the ratio, the time per stage side by side, and whether
the two datasets are equal (all fields but measured durations). The issue's
bound is Ray at most 1.3x the local wall time.

It also prints the per-core rates the capacity model in docs/ray.md is built
from (synth + verification, and mutation, per core of this machine).

    .venv/bin/python bench/bench_ray.py [--limit 60]
"""

from __future__ import annotations

import argparse
import json
import os
import sysconfig
import tempfile
import time
from pathlib import Path

from phicode.generate.config import BackendKind, ModelConfig
from phicode.mine import MineConfig
from phicode.pipeline import Funnel, PipelineConfig, run_pipeline


def one_run(limit: int, executor: str, folder: Path) -> tuple[float, Funnel]:
    config = PipelineConfig(
        paths=(sysconfig.get_paths()["stdlib"],),
        output=folder / "dataset.jsonl",
        rejected=folder / "rejected.jsonl",
        state_dir=folder / "state",
        limit=limit,
        mine=MineConfig(workers=2, license_allow=frozenset({"any"})),
        model=ModelConfig(backend=BackendKind.TEMPLATE),
        write_report=False,
        executor=executor,
    )
    started = time.perf_counter()
    funnel = run_pipeline(config)
    return time.perf_counter() - started, funnel


def content(path: Path) -> list[dict]:
    records = [json.loads(line) for line in path.read_text().splitlines()]
    for record in records:
        record.get("verification", {}).pop("duration_s", None)
    return records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=60, help="snippets from the stdlib")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as root:
        runs = {}
        for executor in ("local", "ray"):
            folder = Path(root) / executor
            runs[executor] = one_run(args.limit, executor, folder)
        same = content(Path(root) / "local" / "dataset.jsonl") == content(
            Path(root) / "ray" / "dataset.jsonl"
        )
    (local_s, local), (ray_s, on_ray) = runs["local"], runs["ray"]
    cores = os.cpu_count() or 1
    print(f"{local.mined} snippets, {local.verified} verified, {local.kept} kept; {cores} cores")
    print(f"local executor: {local_s:7.1f} s")
    print(f"ray executor:   {ray_s:7.1f} s   ratio {ray_s / local_s:.2f}x (bound 1.3x)")
    print(f"same dataset: {same}; units per node (ray): {dict(on_ray.units_by_node)}")
    print(f"{'stage':10} {'local s':>8} {'ray s':>8}")
    for stage in local.seconds:
        print(f"{stage:10} {local.seconds[stage]:8.1f} {on_ray.seconds.get(stage, 0.0):8.1f}")
    synth_rate = local.mined / local.seconds["synth"] / cores
    mutation_rate = local.units["mutation"] / max(local.seconds.get("mutation", 0.0), 1e-9) / cores
    print(
        f"per core (local): synth+verify {synth_rate:.2f} snippets/s, "
        f"mutation {mutation_rate:.2f} pairs/s"
    )


if __name__ == "__main__":
    main()
