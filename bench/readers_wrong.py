"""Do the simple wrong functions blind readers wrote still pass? A sheet's readers
(``../shared/AUDIT.md``) write, per pair, a "Simple wrong function that passes"; this
takes each one written as code (the first backticked function on that line), finds the
pair of the same id in a dataset (a later run over the same corpus), and runs the pair's
tests and case judge on it in the sandbox (JavaScript and TypeScript pairs).

    .venv/bin/python bench/readers_wrong.py out/js-npm/dataset.jsonl \\
        bench/results/js-npm-audit-3A.md bench/results/js-npm-audit-3B.md

Prints one line per wrong function (rejected, still passes, or its pair is gone) and the
counts. A wrong function that does not even load counts apart (not a rejection).
"""

from __future__ import annotations

import re
import sys
from dataclasses import replace
from pathlib import Path

from phicode.jsonl import read_jsonl
from phicode.judge import verify_pair
from phicode.records import Pair
from phicode.sandbox.pool import SandboxConfig, SandboxPool

_PAIR_ID = re.compile(r"<!-- ([0-9a-f]{16}) -->")
_WRONG = re.compile(r"^Simple wrong function that passes:(.*)$", re.MULTILINE)
_CODE = re.compile(r"`(?:const \w+ = )?([^`]*=>[^`]*)`")
_ARROW = re.compile(r"^(\([^)]*\)|[\w$]+)\s*=>")  # a whole function, not a body


def wrong_functions(sheet: Path) -> list[tuple[str, str]]:
    """(pair id, function source) for each wrong function a reader wrote as code."""
    text = sheet.read_text(encoding="utf-8")
    found = []
    for section in text.split("## Pair ")[1:]:
        pair_id, line = _PAIR_ID.search(section), _WRONG.search(section)
        code = _CODE.search(line.group(1)) if line else None
        if pair_id and code and _ARROW.match(code.group(1)):
            found.append((pair_id.group(1), code.group(1)))
    return found


def as_module(entry_point: str, function: str) -> str:
    """The reader's function exported under the entry point's name."""
    return f"const {entry_point} = {function};\nexport {{ {entry_point} }};\n"


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    lines = read_jsonl(Path(argv[0]), Pair.from_dict)
    pairs = {line.record.id: line.record for line in lines if line.record is not None}
    counts = {"rejected": 0, "passes": 0, "pair gone": 0, "does not load": 0}
    with SandboxPool(SandboxConfig(workers=2, timeout_s=10.0)) as pool:
        for sheet in map(Path, argv[1:]):
            for pair_id, function in wrong_functions(sheet):
                pair = pairs.get(pair_id)
                if pair is None:
                    outcome = "pair gone"
                else:
                    wrong = replace(pair, solution=as_module(pair.entry_point, function))
                    verdict = verify_pair(pool, wrong)
                    outcome = (
                        "passes" if verdict.passed
                        else "does not load" if "import" in verdict.detail and "no function" not in verdict.detail
                        else "rejected"
                    )  # fmt: skip
                counts[outcome] += 1
                print(f"{sheet.name} {pair_id} {outcome:13} {function[:70]}")
    print(", ".join(f"{k}: {v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
