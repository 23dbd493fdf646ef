"""Three kept pairs of a run as the README shows them: question and tests, as they are.

    make run && .venv/bin/python bench/readme_pairs.py out/dataset.jsonl > /tmp/pairs.md

Picks three pairs by a fixed seed (``--seed``), so the README's section is reproduced by
the same run; prints Markdown: each pair's entry point and scores, its question quoted,
its tests in a code block.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from phicode.jsonl import read_jsonl
from phicode.records import Pair


def section(pair: Pair) -> str:
    v = pair.verification
    scores = (
        f"mutation score {v.mutation_score:.2f}, adequacy {v.adequacy:.2f}, {v.tests_total} tests"
        if v is not None and v.mutation_score is not None and v.adequacy is not None
        else "unscored"
    )
    quoted = "\n".join(f"> {line}" if line else ">" for line in pair.question.strip().splitlines())
    return (
        f"#### `{pair.entry_point}` ({pair.source.path}; {scores})\n\n{quoted}\n\n"
        f"```{pair.language}\n{pair.tests.strip()}\n```\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--count", type=int, default=3)
    args = parser.parse_args(argv)
    kept = [line.record for line in read_jsonl(args.dataset, Pair.from_dict) if line.record]
    chosen = sorted(
        random.Random(args.seed).sample(kept, min(args.count, len(kept))), key=lambda p: p.id
    )
    print("\n".join(section(pair) for pair in chosen))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
