"""Deduplication: exact on the normalised form, near duplicates by MinHash LSH."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np

from phicode.mine import Dropped, Kept, MineConfig, MineStats, mine
from phicode.mine.dedup import Deduplicator, shingles, signature, tokens

MIT = (
    "MIT License\n\nPermission is hereby granted, free of charge, to any person obtaining a copy\n"
)

ORIGINAL = '''\
    def moving_average(values, window):
        """Average of each window of values."""
        if window <= 0:
            raise ValueError("window must be positive")
        out = []
        total = sum(values[:window])
        out.append(total / window)
        for i in range(window, len(values)):
            total += values[i] - values[i - window]
            out.append(total / window)
        return out
'''
# Same code: other quotes, spacing, comments and docstring.
REFORMATTED = """\
    def moving_average( values,window ):
        '''Sliding mean.'''
        # guard
        if window<=0: raise ValueError('window must be positive')
        out=[]
        total=sum(values[:window])   # first window
        out.append(total/window)
        for i in range(window,len(values)):
            total+=values[i]-values[i-window]
            out.append(total/window)
        return out
"""
# One statement added: a near duplicate.
NEAR = ORIGINAL.replace(
    "        return out\n", "        out.reverse()\n        out.reverse()\n        return out\n"
)
DIFFERENT = """\
    def run_lengths(text):
        runs = []
        for ch in text:
            if runs and runs[-1][0] == ch:
                runs[-1][1] += 1
            else:
                runs.append([ch, 1])
        return [(ch, n) for ch, n in runs]
"""


def corpus(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "LICENSE").write_text(MIT)
    for name, text in files.items():
        (root / name).write_text(textwrap.dedent(text))
    return root


def outcomes(root: Path, **options: object) -> list[Kept | Dropped]:
    return list(mine([root], MineConfig(**options), MineStats()))


def summary(found: list[Kept | Dropped]) -> list[tuple[str, str, str]]:
    """(path, entry point, reason or 'kept') in output order."""
    rows = []
    for o in found:
        if isinstance(o, Kept):
            rows.append((o.snippet.source.path, o.snippet.entry_point, "kept"))
        else:
            rows.append((o.record["source"]["path"], o.record["entry_point"], o.rejection.reason))
    return rows


def test_formatting_comments_and_docstrings_do_not_make_a_new_snippet(tmp_path: Path) -> None:
    found = outcomes(corpus(tmp_path, {"a.py": ORIGINAL, "b.py": REFORMATTED}))
    assert summary(found) == [
        ("a.py", "moving_average", "kept"),
        ("b.py", "moving_average", "duplicate"),
    ]
    kept, dropped = found
    assert dropped.record["id"] == kept.snippet.id
    assert dropped.rejection.detail == f"same normalised code as {kept.snippet.id}"
    assert dropped.rejection.where == f"{tmp_path / 'b.py'}:1"


def test_a_near_duplicate_is_dropped_and_names_the_kept_one(tmp_path: Path) -> None:
    found = outcomes(corpus(tmp_path, {"a.py": ORIGINAL, "b.py": NEAR, "c.py": DIFFERENT}))
    assert summary(found) == [
        ("a.py", "moving_average", "kept"),
        ("b.py", "moving_average", "near_duplicate"),
        ("c.py", "run_lengths", "kept"),
    ]
    assert found[1].rejection.detail.startswith(f"near {found[0].snippet.id} (Jaccard ~0.")


def test_the_near_duplicate_threshold_is_configurable(tmp_path: Path) -> None:
    root = corpus(tmp_path, {"a.py": ORIGINAL, "b.py": NEAR, "c.py": REFORMATTED})
    reasons = [row[2] for row in summary(outcomes(root, near_dup_threshold=1.0))]
    assert reasons == ["kept", "kept", "duplicate"]  # exact dedup stays on
    reasons = [row[2] for row in summary(outcomes(root, near_dup_threshold=0.99))]
    assert reasons == ["kept", "kept", "duplicate"]


def test_the_first_in_walk_order_is_kept(tmp_path: Path) -> None:
    found = outcomes(corpus(tmp_path, {"z.py": ORIGINAL, "a.py": REFORMATTED}))
    assert summary(found) == [
        ("a.py", "moving_average", "kept"),
        ("z.py", "moving_average", "duplicate"),
    ]


def test_same_ids_and_order_with_one_or_two_workers_and_across_runs(tmp_path: Path) -> None:
    files = {f"m{i}.py": (ORIGINAL, REFORMATTED, NEAR, DIFFERENT)[i % 4] for i in range(12)}
    root = corpus(tmp_path, files)
    runs = [summary(outcomes(root, workers=w)) for w in (1, 2, 1)]
    ids = [[o.snippet.id for o in outcomes(root, workers=w) if isinstance(o, Kept)] for w in (1, 2)]
    assert runs[0] == runs[1] == runs[2]
    assert ids[0] == ids[1] and len(ids[0]) == 2


def test_signatures_are_stable_and_shingles_cover_short_texts() -> None:
    words = tokens("def f ( x ) : return x + 1")
    assert shingles(words[:3], 5) == [b"def f ("]
    first = signature(words, 5, 128)
    assert np.array_equal(first, signature(list(words), 5, 128))
    assert first.shape == (128,)


def test_deduplicator_keeps_state_of_kept_snippets_only() -> None:
    dedup = Deduplicator(threshold=0.7, num_perm=128)
    a = signature(tokens(textwrap.dedent(ORIGINAL)), 5, 128)
    b = signature(tokens(textwrap.dedent(DIFFERENT)), 5, 128)
    assert dedup.check("a", a) is None
    assert dedup.check("b", b) is None
    assert dedup.check("a", a).reason == "duplicate"
    verdict = dedup.check("a2", a)
    assert (verdict.reason, verdict.detail) == ("near_duplicate", "near a (Jaccard ~1.00)")
