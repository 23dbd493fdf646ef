"""Scoring under load: 8 concurrent callers, 2,000 answers, one warm pool.

The usual complaint about code sandboxes is that correct answers fail for lack of
time when many callers share them. Half the answers here are right, half wrong,
over pairs that carry cases (both judges run on a right answer). Prints the
one-caller rate next to the 8-caller rate and the number of right answers that
did not pass (must be 0).

    .venv/bin/python bench/bench_score.py                 # 2,000 answers, 8 callers
    .venv/bin/python bench/bench_score.py --answers 400
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ThreadPoolExecutor

from phicode.records import Pair, PairCase
from phicode.sandbox.config import SandboxConfig
from phicode.sandbox.pool import SandboxPool
from phicode.scoring import Scorer


def pairs(count: int) -> list[Pair]:
    """``count`` distinct pairs: ``scale_k(x) = k * x + k``, with tests and cases."""
    out = []
    for k in range(count):
        name = f"scale_{k}"
        tests = f"from solution import {name}\n\n\n" + "\n\n\n".join(
            f"def test_{n}():\n    assert {name}({n}) == {k * n + k}" for n in range(3)
        )
        cases = tuple(PairCase(args=(str(n),), expect=str(k * n + k)) for n in range(3))
        out.append(
            Pair(
                id=name,
                solution=f"def {name}(x):\n    return {k} * x + {k}\n",
                entry_point=name,
                tests=tests + "\n",
                cases=cases,
            )
        )
    return out


def answer(pair: Pair, right: bool) -> str:
    body = pair.solution if right else pair.solution.replace("+", "-")
    return f"Here is my answer:\n```python\n{body}```\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=2000)
    parser.add_argument("--callers", type=int, default=8)
    parser.add_argument("--single", type=int, default=100, help="answers scored one at a time")
    args = parser.parse_args()
    pool_pairs = pairs(50)
    work = [(pool_pairs[n % 50], n % 2 == 0) for n in range(args.answers)]
    with SandboxPool(SandboxConfig()) as pool:
        scorer = Scorer(pool=pool)
        scorer.score(work[0][0], answer(*work[0]))  # warm
        started = time.monotonic()
        for pair, right in work[: args.single]:
            scorer.score(pair, answer(pair, right))
        single = args.single / (time.monotonic() - started)

        def call(item: tuple[Pair, bool]) -> tuple[bool, bool, str]:
            pair, right = item
            verdict = scorer.score(pair, answer(pair, right))
            return right, verdict.passed, verdict.detail

        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=args.callers) as executor:
            results = list(executor.map(call, work))
        loaded = args.answers / (time.monotonic() - started)
        containers = pool.size
    lost = [detail for right, passed, detail in results if right and not passed]
    forged = [detail for right, passed, detail in results if passed and not right]
    print(f"== bench/bench_score.py: {args.answers:,} answers, {args.callers} callers, "
          f"{containers} containers")  # fmt: skip
    print(f"one caller                 {single:7.1f} answers/s ({args.single} answers)")
    print(f"{args.callers} callers                  {loaded:7.1f} answers/s")
    print(f"ratio                      {loaded / single:7.2f}x")
    print(f"right answers not passed   {len(lost):7d}" + (f"  e.g. {lost[0]}" if lost else ""))
    print(f"wrong answers passed       {len(forged):7d}")
    return 1 if lost or forged else 0


if __name__ == "__main__":
    raise SystemExit(main())
