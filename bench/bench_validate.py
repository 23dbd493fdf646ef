"""How fast is ``phicode validate`` on a large dataset file?

Builds a 100,000-line dataset (HumanEval pairs, each made unique by its id and
a comment in its solution, so no cache or repetition helps), then times:

- the baseline: a bare ``json.loads`` loop over the same file (the least any
  JSON Lines checker must do);
- ``validate_files`` in-process, schema checks only (JSON, strict Pair schema,
  unique ids, status), i.e. ``--schema-only``;
- ``phicode validate --schema-only FILE`` as a subprocess, the way pre-commit
  runs it (start-up and imports included);
- for reference, the full static checks (every solution and test module
  parsed), measured on a 10,000-line slice and scaled, first with nothing
  cached and then again with the code checks of the unchanged lines cached.

Target (issue 6): under 10 s for the 100,000 lines. Run: ``python bench/bench_validate.py
[--lines N]``; prints lines/s and the ratio to the baseline.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from phicode.humaneval import canonical_pairs
from phicode.records import Generator, Status, Verification
from phicode.validate import ValidateCache, validate_files

TARGET_S = 10.0


def build_dataset(path: Path, lines: int) -> int:
    """Write ``lines`` valid dataset lines; return the file size in bytes."""
    pairs = canonical_pairs()
    generator = Generator(backend="template", model="bench", prompt="bench/1").to_dict()
    verification = Verification(status=Status.PASSED, tests_passed=1, tests_total=1).to_dict()
    with path.open("w", encoding="utf-8") as out:
        for index in range(lines):
            data = pairs[index % len(pairs)].to_dict()
            data["id"] = f"{data['id']}/{index}"
            data["solution"] += f"\n# variant {index}\n"
            data["generator"] = generator
            data["verification"] = verification
            out.write(json.dumps(data) + "\n")
    return path.stat().st_size


def bare_json(path: Path) -> int:
    count = 0
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                json.loads(line)
                count += 1
    return count


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--full-lines", type=int, default=10_000, help="lines for the full checks")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="phicode-bench-") as tmp:
        path = Path(tmp) / "dataset.jsonl"
        size = build_dataset(path, args.lines)
        print(f"dataset: {args.lines:,} lines, {size / 1e6:.1f} MB ({path.name})")
        baseline = timed(lambda: bare_json(path))

        report = None

        def in_process() -> None:
            nonlocal report
            report = validate_files([path], code=False)

        inproc = timed(in_process)
        assert report is not None and report.ok, report.findings[:3] if report else None
        command = [
            sys.executable,
            "-m",
            "phicode.cli",
            "validate",
            "--schema-only",
            "-q",
            str(path),
        ]
        completed: list[subprocess.CompletedProcess[str]] = []
        sub = timed(
            lambda: completed.append(subprocess.run(command, capture_output=True, text=True)),
        )
        assert completed[0].returncode == 0, completed[0].stdout[-2000:] + completed[0].stderr
        # The full static checks (parse every solution and test module) on a slice.
        full_path = Path(tmp) / "full.jsonl"
        build_dataset(full_path, args.full_lines)
        full = timed(lambda: validate_files([full_path]))
        cache = ValidateCache(Path(tmp) / "cache")
        validate_files([full_path], cache=cache)  # fills the cache
        full_cached = timed(lambda: validate_files([full_path], cache=cache))
        cache.close()

    rows = [
        ("bare json.loads loop (baseline)", baseline),
        ("validate_files, in-process", inproc),
        ("phicode validate, subprocess", sub),
    ]
    print(f"{'what':<34} {'seconds':>8} {'lines/s':>10} {'vs json':>8}")
    for label, seconds in rows:
        print(
            f"{label:<34} {seconds:8.2f} {args.lines / seconds:10,.0f} {seconds / baseline:7.1f}x"
        )
    per_line = full / args.full_lines
    print(
        f"{'full checks (code parsed), in-proc':<34} {per_line * args.lines:8.2f} "
        f"{1 / per_line:10,.0f} {per_line * args.lines / baseline:7.1f}x"
        f"   (measured on {args.full_lines:,} lines, scaled)"
    )
    per_line = full_cached / args.full_lines
    print(
        f"{'full checks, unchanged (cached)':<34} {per_line * args.lines:8.2f} "
        f"{1 / per_line:10,.0f} {per_line * args.lines / baseline:7.1f}x"
        f"   (measured on {args.full_lines:,} lines, scaled)"
    )
    verdict = "OK" if sub * 100_000 / args.lines < TARGET_S else "SLOWER THAN TARGET"
    print(f"target: {TARGET_S:g} s per 100,000 lines (subprocess): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
