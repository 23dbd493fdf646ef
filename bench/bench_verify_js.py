"""Verify speed on JavaScript pairs: phicode's warm pool against one ``docker run`` of Node.js
per pair, side by side in one process (issue 24).

The pairs are the bundled corpus's functions (``examples/corpus-js``) with node:test
files written here, each in several variants (other numbers), so the run is long enough
to time. Each side runs the same test files:

(a) ``docker run --rm`` of the sandbox image per pair: its Node.js, ``node --test`` on
    the pair's folder, bind-mounted read-only (``--network none``, ``--read-only``, a
    tmpfs); (a') the same with ``node FILE``, one Node.js start as in the pool's job;
(b) the warm pool, tests only: the node-test job per pair, as ``phicode verify`` runs it
    for a pair without cases;
(c) the warm pool, both judges: node:test and the case judge (two jobs per pair), as a
    mined JavaScript pair is verified.

Prints pairs/s, ms per pair and the ratios; medians of ``--repeat`` runs for the pool.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from phicode.judge import verify_pair
from phicode.languages.javascript import JAVASCRIPT
from phicode.records import Pair, PairCase
from phicode.sandbox.pool import DEFAULT_IMAGE, SandboxConfig, SandboxPool
from phicode.verify import Verifier

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "corpus-js" / "tinyutils-js" / "src"
IMAGE_NODE = "/opt/phicode/bin/node"  # the image's Node.js, the one the pool's jobs run
HEAD = 'import { test } from "node:test";\nimport assert from "node:assert/strict";\n'


def _clamp(n: int) -> Pair:
    source = (CORPUS / "numbers.mjs").read_text().split("const DIGITS")[
        0
    ] + "export { clamp as c };\n"
    tests = (
        HEAD
        + 'import { clamp } from "./solution.mjs";\n'
        + "".join(
            f'test("t{i}", () => {{ assert.equal(clamp({n + i}, 0, {n + 2}), {min(n + i, n + 2)}); }});\n'
            for i in range(4)
        )
    )
    cases = tuple(
        PairCase(args=(str(n + i), "0", str(n + 2)), expect=str(min(n + i, n + 2)))
        for i in range(4)
    )
    return Pair(
        id=f"clamp-{n}", solution=source, tests=tests, entry_point="clamp", cases=cases,
        language="javascript",
    )  # fmt: skip


def _chunk(n: int) -> Pair:
    source = (CORPUS / "seqs.mjs").read_text()
    items = list(range(n % 7 + 3))
    expected = [items[i : i + 2] for i in range(0, len(items), 2)]
    tests = HEAD + 'import { chunk, dedupe } from "./solution.mjs";\n'
    tests += f'test("chunk", () => {{ assert.deepEqual(chunk({items}, 2), {expected}); }});\n'
    tests += f'test("dedupe", () => {{ assert.deepEqual(dedupe({items + items}), {items}); }});\n'
    cases = (PairCase(args=(str(items), "2"), expect=str(expected)),)
    return Pair(
        id=f"chunk-{n}", solution=source, tests=tests, entry_point="chunk", cases=cases,
        language="javascript",
    )  # fmt: skip


def pairs(count: int) -> list[Pair]:
    return [(_clamp if i % 2 else _chunk)(i) for i in range(count)]


def docker_run_per_pair(batch: list[Pair], runner: tuple[str, ...]) -> tuple[float, int]:
    """Seconds for one ``docker run`` of the image's Node.js per pair (``runner``: its
    arguments before the test file); passes."""
    passed = 0
    started = time.perf_counter()
    for pair in batch:
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder)
            root.chmod(0o755)  # the image's non-root user reads the bind mount
            for name, text in (
                (JAVASCRIPT.solution_file, pair.solution),
                (JAVASCRIPT.tests_file, pair.tests),
            ):
                (root / name).write_text(text)
                (root / name).chmod(0o644)
            command = [
                "docker", "run", "--rm", "--network", "none", "--read-only", "--tmpfs", "/tmp",
                "-v", f"{folder}:/work:ro", "-w", "/work", "--entrypoint", IMAGE_NODE,
                DEFAULT_IMAGE, *runner, JAVASCRIPT.tests_file,
            ]  # fmt: skip
            passed += subprocess.run(command, capture_output=True).returncode == 0
    return time.perf_counter() - started, passed


def pool_run(batch: list[Pair], workers: int, with_cases: bool) -> tuple[float, int]:
    """Seconds to verify the pairs on a warm pool (started before the clock); passes."""
    chosen = batch if with_cases else [Pair(**{**_fields(p), "cases": ()}) for p in batch]
    with SandboxPool(SandboxConfig(workers=workers)) as pool:
        verify_pair(pool, chosen[0])  # both containers warm before the clock
        started = time.perf_counter()
        results = list(Verifier(pool).verify_many(chosen))
        seconds = time.perf_counter() - started
    return seconds, sum(v.passed for _, v in results)


def _fields(pair: Pair) -> dict[str, object]:
    return {name: getattr(pair, name) for name in Pair.__dataclass_fields__}


def report(label: str, count: int, seconds: float, passed: int) -> float:
    rate = count / seconds
    print(
        f"{label:44s} {rate:6.2f} pairs/s ({1000 * seconds / count:5.0f} ms/pair; passed {passed}/{count})",
        flush=True,
    )
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=40)
    parser.add_argument("--sample", type=int, default=20, help="pairs for docker run")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    batch = pairs(args.pairs)
    tests_only = [pool_run(batch, args.workers, False) for _ in range(args.repeat)]
    both = [pool_run(batch, args.workers, True) for _ in range(args.repeat)]
    docker = docker_run_per_pair(batch[: args.sample], ("--test",))
    direct = docker_run_per_pair(batch[: args.sample], ())
    rate_b = report(
        f"(b) warm pool, tests only, {args.workers} workers", len(batch),
        statistics.median(s for s, _ in tests_only), tests_only[0][1],
    )  # fmt: skip
    rate_c = report(
        f"(c) warm pool, tests + case judge, {args.workers} w.", len(batch),
        statistics.median(s for s, _ in both), both[0][1],
    )  # fmt: skip
    rate_a = report("(a) docker run --rm node --test per pair", args.sample, *docker)
    rate_d = report("(a') docker run --rm node FILE per pair", args.sample, *direct)
    print(f"ratio (b)/(a):  {rate_b / rate_a:5.1f}x  (issue 24's target >= 10x)")
    print(f"ratio (b)/(a'): {rate_b / rate_d:5.1f}x  (the same Node.js invocation as the pool's)")
    print(f"ratio (c)/(a):  {rate_c / rate_a:5.1f}x  (two jobs per pair against one)")


if __name__ == "__main__":
    main()
