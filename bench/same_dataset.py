"""Two runs' datasets (and rejected files) compared record by record, with only what must
differ between two checkouts masked: the commit a snippet was mined at, the repository's
folder name and the seconds a verification took. Issue 24's check that Python behaviour
did not change behind the language interface: run ``phicode run`` on the code before and
after, then

    python bench/same_dataset.py BEFORE.jsonl AFTER.jsonl [BEFORE-rej.jsonl AFTER-rej.jsonl]

Exit 0 and "identical" when every record is the same; otherwise the fields that differ.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def masked(record: dict[str, Any]) -> dict[str, Any]:
    source = record.get("source") or {}
    source.pop("commit", None)
    source.pop("repo", None)
    (record.get("verification") or {}).pop("duration_s", None)
    (record.get("rejected") or {}).pop("where", None)  # an absolute path
    return record


def compare(before: str, after: str) -> int:
    with open(before) as a, open(after) as b:
        left = [masked(json.loads(line)) for line in a]
        right = [masked(json.loads(line)) for line in b]
    differing = 0
    for number, (x, y) in enumerate(zip(left, right, strict=False), start=1):
        if x != y:
            differing += 1
            fields = sorted(k for k in {*x, *y} if x.get(k) != y.get(k))
            print(f"{after}:{number}: differs in {', '.join(fields)}")
    if len(left) != len(right):
        print(f"{before}: {len(left)} records, {after}: {len(right)}")
        differing += 1
    print(
        f"{before} vs {after}: {len(left)} records, "
        + ("identical" if not differing else f"{differing} differ")
    )
    return differing


def main() -> int:
    files = sys.argv[1:]
    if len(files) not in (2, 4):
        print(__doc__, file=sys.stderr)
        return 2
    return 1 if sum(compare(files[i], files[i + 1]) for i in range(0, len(files), 2)) else 0


if __name__ == "__main__":
    sys.exit(main())
