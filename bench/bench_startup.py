"""Start-up time of the commands a newcomer and a pre-commit hook run most.

Runs ``python -c pass`` (the floor), ``phicode --help`` and ``phicode validate``
on a 10-line dataset file side by side, alternating, and prints the median wall
time of each and its ratio to the floor. Target (issue 13): both phicode commands
under half a second on 2 cores.

    .venv/bin/python bench/bench_startup.py --runs 15
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PAIR = {
    "question": "Write add(a, b) that returns the sum of two numbers.",
    "solution": "def add(a, b):\n    return a + b\n",
    "entry_point": "add",
    "tests": "from solution import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n",
    "source": {"repo": "r", "path": "add.py"},
    "generator": {"backend": "template", "model": "none", "prompt": "question@1"},
    "verification": {"status": "passed", "tests_passed": 1, "tests_total": 1},
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    phicode = str(Path(sys.executable).with_name("phicode"))
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data.jsonl"
        cache = str(Path(tmp) / "cache")
        data.write_text("".join(json.dumps({"id": f"p{i}", **PAIR}) + "\n" for i in range(10)))
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "phicode --help": [phicode, "--help"],
            "phicode validate (10 lines)": [phicode, "validate", "--no-cache", str(data)],
            # what a pre-commit hook runs: the default cache, warm after the first run
            "phicode validate, cached": [phicode, "validate", "--cache-dir", cache, str(data)],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, argv in commands.items():
                started = time.perf_counter()
                subprocess.run(argv, capture_output=True, check=True)
                times[name].append(time.perf_counter() - started)
    floor = statistics.median(times["python -c pass"])
    print(f"{'command':<30} {'median s':>9} {'x floor':>8}  ({args.runs} runs each, alternating)")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:<30} {median:>9.3f} {median / floor:>8.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
