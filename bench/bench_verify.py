"""Verifier speed on the 164 HumanEval pairs, side by side in one run:

  (a) one ``docker run --rm`` of the sandbox image per pair, running pytest;
  (b) one host ``python -m pytest`` subprocess per pair, no sandbox at all;
  (c) phicode's warm pool (fork server per container), N workers.

Prints pairs/s and the ratios (c)/(a) and (c)/(b). Targets with 2 workers on
2 cores: at least 20x faster than (a) and 3x faster than (b). Then (d): the case
judge alone (``phicode.cases``) on the same warm pool, next to (c) on the same
pairs (the 161 with literal test inputs); it must be no slower per pair.

    .venv/bin/python bench/bench_verify.py [--workers 2] [--sample 164] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from phicode import humaneval
from phicode.languages.python import PYTHON
from phicode.records import Pair
from phicode.sandbox.pool import DEFAULT_IMAGE, SandboxConfig, SandboxPool
from phicode.verify import Verifier

SOLUTION_FILE, TESTS_FILE = PYTHON.solution_file, PYTHON.tests_file


def write_pair(pair: Pair, folder: Path) -> None:
    folder.chmod(0o755)  # the image's non-root user must read the bind mount
    for name, text in ((SOLUTION_FILE, pair.solution), (TESTS_FILE, pair.tests)):
        (folder / name).write_text(text)
        (folder / name).chmod(0o644)


def docker_run_command(folder: str) -> list[str]:
    return [
        "docker", "run", "--rm", "--network", "none", "--read-only",
        "--tmpfs", "/tmp", "-v", f"{folder}:/work:ro", "-w", "/work",
        "-e", "HYPOTHESIS_STORAGE_DIRECTORY=/tmp/h", "--entrypoint", "python3",
        DEFAULT_IMAGE, "-m", "pytest", "-q", "-p", "no:cacheprovider", TESTS_FILE,
    ]  # fmt: skip


def host_pytest_command(folder: str) -> list[str]:
    return [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", TESTS_FILE]


def one_process_per_pair(
    pairs: list[Pair], command: Callable[[str], list[str]]
) -> tuple[float, int]:
    """Seconds to run ``command`` once per pair in a folder holding the pair; passes."""
    passed = 0
    started = time.perf_counter()
    for pair in pairs:
        with tempfile.TemporaryDirectory() as folder:
            write_pair(pair, Path(folder))
            done = subprocess.run(command(folder), cwd=folder, capture_output=True)
            passed += done.returncode == 0
    return time.perf_counter() - started, passed


def phicode_pool(pairs: list[Pair], workers: int) -> tuple[float, float, int]:
    """(seconds for the pairs on a warm pool, seconds to start the pool, passed)."""
    started = time.perf_counter()
    with SandboxPool(SandboxConfig(workers=workers)) as pool:
        warm = time.perf_counter()
        results = list(Verifier(pool).verify_many(pairs))
        done = time.perf_counter()
    return done - warm, warm - started, sum(v.passed for _, v in results)


def case_judge(pairs: list[Pair], workers: int) -> tuple[float, float, int, int]:
    """(seconds for the case judge alone, for the pytest path on the same pairs, passed,
    pairs):
    cases are built first (not timed), from the benchmark's own inputs."""
    from concurrent.futures import ThreadPoolExecutor

    from phicode.cases.judge import judge_cases

    problems = {p["task_id"]: p for p in humaneval.load_problems()}
    with SandboxPool(SandboxConfig(workers=workers)) as pool, ThreadPoolExecutor(workers) as ex:
        cases = list(ex.map(lambda pair: humaneval.benchmark_cases(pool, problems[pair.id]), pairs))
        chosen = [(pair, c) for pair, c in zip(pairs, cases, strict=True) if c]
        started = time.perf_counter()
        verdicts = list(
            ex.map(
                lambda item: judge_cases(pool, item[0].solution, item[0].entry_point, item[1]),
                chosen,
            )
        )
        judged = time.perf_counter() - started
        started = time.perf_counter()
        list(Verifier(pool).verify_many(pair for pair, _ in chosen))
        pytest_s = time.perf_counter() - started
    return judged, pytest_s, sum(v.passed for v in verdicts), len(chosen)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sample", type=int, default=164, help="pairs for the slow baselines")
    parser.add_argument("--repeat", type=int, default=3, help="runs of phicode's pool (median)")
    args = parser.parse_args()
    pairs = humaneval.canonical_pairs()
    sample = pairs[: args.sample]

    runs = [phicode_pool(pairs, args.workers) for _ in range(args.repeat)]
    pool_s = statistics.median(r[0] for r in runs)
    start_s = statistics.median(r[1] for r in runs)
    pool_rate = report(
        f"(c) phicode pool, {args.workers} workers", len(pairs), pool_s, runs[0][2],
        f"median of {args.repeat}; pool start {start_s:.2f} s",
    )  # fmt: skip
    host_rate = report(
        "(b) host pytest subprocess per pair",
        len(sample),
        *one_process_per_pair(sample, host_pytest_command),
    )
    docker_rate = report(
        "(a) docker run --rm per pair",
        len(sample),
        *one_process_per_pair(sample, docker_run_command),
    )
    judged_s, pytest_s, judged_passed, count = case_judge(pairs, args.workers)
    judge_rate = report("(d) case judge alone, same pool", count, judged_s, judged_passed)
    path_rate = report(f"(c') pytest path, the same {count} pairs", count, pytest_s, count)
    print(f"ratio (d)/(c'): {judge_rate / path_rate:5.2f}x  (target >= 1: no slower per pair)")
    with_start = len(pairs) / (pool_s + start_s)
    for name, rate, target in (("(c)/(a)", docker_rate, 20), ("(c)/(b)", host_rate, 3)):
        print(
            f"ratio {name}: {pool_rate / rate:5.1f}x  (target >= {target}x; "
            f"{with_start / rate:.1f}x counting pool start)"
        )


def report(label: str, count: int, seconds: float, passed: int, note: str = "") -> float:
    """Print one line of pairs/s and ms/pair; return pairs/s."""
    rate = count / seconds
    extra = f"{note}; " if note else ""
    print(
        f"{label:40s} {rate:7.2f} pairs/s ({1000 * seconds / count:.0f} ms/pair; {extra}passed {passed}/{count})",
        flush=True,
    )
    return rate


if __name__ == "__main__":
    main()
