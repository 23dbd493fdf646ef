"""The settle rule of the blind answers, side by side: the fidelity stage of one run
with every answer drawn (``--no-settle``, the baseline) and with rounds that stop a
question once an answer passes every test (the default), in one process.

Both start from the same synthesized pairs: a state directory of a finished run
(``make run`` leaves ``out/state``) is copied twice, its fidelity, cases and mutation
units removed, and ``phicode run`` resumed on each copy (synth comes from the state;
the fidelity stage runs again). Prints answers drawn, generated tokens, seconds in
the model and in the stage, and what the pairs came to (kept, tests dropped and
stated: the rule must not change them beyond sampling noise).

    python bench/bench_settle.py [out/state] [--corpus examples/corpus] [--work DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from run_with_call_log import log_calls

from phicode.cli import main as phicode_main
from phicode.filters.fidelity import names_of_tests
from phicode.generate.backends import hf, openvino
from phicode.jsonl import read_jsonl
from phicode.records import Pair

DOWNSTREAM = ("fidelity", "cases", "mutation")


def fresh_copy(state: Path, into: Path) -> Path:
    """The state with the units of the fidelity stage and after it removed."""
    shutil.copytree(state, into)
    with sqlite3.connect(into / "state.sqlite") as db:
        db.execute(
            f"DELETE FROM units WHERE stage IN ({','.join('?' * len(DOWNSTREAM))})", DOWNSTREAM
        )
    return into


def one_run(name: str, flags: list[str], state: Path, corpus: Path, work: Path) -> dict:
    """Resume ``phicode run`` on a fresh copy of ``state``; the blind-solve calls it made
    are the lines it added to ``work/calls.jsonl``."""
    out = work / name
    out.mkdir(parents=True)
    copy = fresh_copy(state, out / "state")
    calls = work / "calls.jsonl"
    before = len(calls.read_text().splitlines())
    started = time.perf_counter()
    rc = phicode_main(
        ["run", str(corpus), *flags, "-o", str(out / "dataset.jsonl"),
         "--rejected", str(out / "rejected.jsonl"), "--state", str(copy), "--no-report"]
    )  # fmt: skip
    wall = time.perf_counter() - started
    if rc != 0:
        raise SystemExit(f"{name}: phicode run exited {rc}")
    made = [json.loads(line) for line in calls.read_text().splitlines()[before:]]
    solves = [c for c in made if c["temperature"] >= 0.7]  # the blind-solve calls
    kept = [n.record for n in read_jsonl(out / "dataset.jsonl", Pair.from_dict)]
    return {
        "answers": sum(c["n"] for c in solves),
        "tokens": sum(c["generated_tokens"] for c in solves),
        "model_s": sum(c["s"] for c in solves),
        "wall_s": wall,
        "kept": len(kept),
        "tests": sum(len(names_of_tests(p.tests)) for p in kept if p),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "state", type=Path, nargs="?", default=Path("out/state"),
        help="the state directory of a finished run (default out/state; made by a full "
        "run first when missing)",
    )  # fmt: skip
    parser.add_argument("--corpus", type=Path, default=Path("examples/corpus"))
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-settle-"))
    work.mkdir(parents=True, exist_ok=True)
    log = open(work / "calls.jsonl", "a", encoding="utf-8")  # noqa: SIM115 (open for the whole run)
    for backend_class in (hf.HFBackend, openvino.OpenVINOBackend):
        log_calls(backend_class, log)
    state = args.state
    if not (state / "state.sqlite").exists():
        print(f"{state}: no state; a full run first (synth) ...", file=sys.stderr)
        state = work / "first" / "state"
        rc = phicode_main(
            ["run", str(args.corpus), "-o", str(work / "first" / "dataset.jsonl"),
             "--state", str(state), "--no-report"]
        )  # fmt: skip
        if rc != 0:
            raise SystemExit(f"the first run exited {rc}")
    runs = {
        "every answer (--no-settle)": one_run("all", ["--no-settle"], state, args.corpus, work),
        "settle (default)": one_run("settle", [], state, args.corpus, work),
    }
    print(
        f"{'':28} {'answers':>8} {'tokens':>8} {'model s':>8} {'run s':>7} {'kept':>5} {'tests':>6}"
    )
    for name, r in runs.items():
        print(
            f"{name:28} {r['answers']:>8} {r['tokens']:>8} {r['model_s']:>8.1f} "
            f"{r['wall_s']:>7.1f} {r['kept']:>5} {r['tests']:>6}"
        )
    base, new = runs.values()
    print(
        f"ratio (baseline / settle): answers {base['answers'] / new['answers']:.2f}x, "
        f"model time {base['model_s'] / new['model_s']:.2f}x, run {base['wall_s'] / new['wall_s']:.2f}x"
    )
    print(f"work: {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
