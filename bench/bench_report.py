"""The report at scale: 100,000 synthetic pairs (and 20,000 rejected records).

Prints the page's size next to the dataset's, the time to build it, and in headless
Chromium (Debian's, driven by Playwright) the time to first contentful paint (the
funnel and charts, written into the page) next to the time until the records are
browsable (decompressed, parsed, first page drawn), and the time a search over all
records takes. Medians of ``--repeat`` loads.

    .venv/bin/python bench/bench_report.py              # 100,000 pairs
    .venv/bin/python bench/bench_report.py --pairs 10000
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from phicode.records import Generator, Pair, Rejection, Source, Status, Verification
from phicode.report import build_report

WORDS = [
    "list",
    "value",
    "return",
    "number",
    "string",
    "sorted",
    "items",
    "key",
    "count",
    "index",
    "first",
    "last",
    "empty",
    "given",
    "dictionary",
    "each",
    "element",
    "order",
    "unique",
    "pairs",
    "total",
    "sum",
    "length",
    "words",
    "line",
    "text",
]
REASONS = [("mine", "near_duplicate"), ("synth", "tests_failed"), ("filter", "weak_tests")]


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def synthetic_pair(rng: random.Random, index: int) -> dict:
    name = f"{rng.choice(WORDS)}_{rng.choice(WORDS)}_{index}"
    body = "\n".join(
        f"    {rng.choice(WORDS)}_{k} = {rng.choice(WORDS)}({rng.randint(0, 99)})" for k in range(8)
    )
    tests = "\n\n".join(
        f"def test_{name}_case_{k}():\n    assert {name}({rng.randint(0, 999)}) == {rng.randint(0, 999)}"
        for k in range(6)
    )
    return Pair(
        id=f"{index:016x}",
        question=f"Write a Python function `{name}(x)` that {sentence(rng, 45)}.",
        solution=f"def {name}(x):\n    '''{sentence(rng, 12)}'''\n{body}\n    return x\n",
        entry_point=name,
        tests=f"from solution import {name}\n\n\n{tests}\n",
        source=Source(repo=f"repo-{index % 40}", path=f"pkg/mod_{index % 400}.py", license="MIT"),
        generator=Generator(backend="hf", model="Qwen2.5-Coder-0.5B", prompt="question@3"),
        verification=Verification(
            status=Status.PASSED,
            tests_passed=6,
            tests_total=6,
            mutation_score=round(rng.uniform(0.6, 1.0), 3),
            solve_rate=rng.choice([0.0, 0.25, 0.5, 1.0]),
            duration_s=round(rng.uniform(0.05, 0.4), 3),
            detail="6 passed",
        ),
    ).to_dict()


def write_corpus(folder: Path, pairs: int, rejected: int) -> tuple[Path, Path]:
    rng = random.Random(0)
    dataset, rejects = folder / "dataset.jsonl", folder / "rejected.jsonl"
    with dataset.open("w", encoding="utf-8") as out:
        for index in range(pairs):
            out.write(json.dumps(synthetic_pair(rng, index)) + "\n")
    with rejects.open("w", encoding="utf-8") as out:
        for index in range(rejected):
            stage, reason = REASONS[index % len(REASONS)]
            record = {
                "entry_point": f"dropped_{index}",
                "code": f"def dropped_{index}(x):\n    return x\n",
            }
            out.write(json.dumps(Rejection(stage=stage, reason=reason).line(record)) + "\n")
    return dataset, rejects


def browser_times(page_path: Path, repeat: int) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        sys.exit("bench_report: no chromium (make setup installs it)")
    times: dict[str, list[float]] = {"first paint": [], "browsable": [], "search": []}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        for _ in range(repeat):
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            started = time.monotonic()
            page.goto(page_path.as_uri(), wait_until="commit")
            page.wait_for_selector("body[data-ready=true]", timeout=600_000)
            times["browsable"].append(time.monotonic() - started)
            paint = page.evaluate(
                "performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1"
            )
            times["first paint"].append(paint / 1000)
            started = time.monotonic()
            page.fill("#search", "_77777")
            page.wait_for_function("document.querySelectorAll('#rows tr').length <= 1")
            times["search"].append(time.monotonic() - started)
            page.close()
        browser.close()
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=100_000)
    parser.add_argument("--rejected", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        dataset, rejected = write_corpus(folder, args.pairs, args.rejected)
        started = time.monotonic()
        summary = build_report(dataset, folder / "report.html", rejected)
        built = time.monotonic() - started
        inputs = dataset.stat().st_size + rejected.stat().st_size
        times = browser_times(summary.output, args.repeat)
    print(f"== bench/bench_report.py: {args.pairs:,} pairs, {args.rejected:,} rejected records")
    print(f"dataset + rejected files     {inputs / 1e6:8.1f} MB")
    print(
        f"report page                  {summary.bytes / 1e6:8.1f} MB  ({summary.bytes / inputs:.2f}x)"
    )
    print(f"build (phicode report)       {built:8.1f} s")
    for name, values in times.items():
        print(f"{name:<28} {statistics.median(values):8.2f} s  (median of {len(values)})")
    ratio = statistics.median(times["browsable"]) / max(
        statistics.median(times["first paint"]), 1e-3
    )
    print(f"browsable / first paint      {ratio:8.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
