"""The record schema and the JSONL edge: round trips, exact field errors,
numbered problems for bad lines, and at most a torn last line after a crash."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from phicode.errors import InputError
from phicode.jsonl import JsonlWriter, read_jsonl, repair_tail
from phicode.records import Pair, RecordError, Snippet, Source, Status, Verification, content_id

PAIR = {
    "id": "p1",
    "question": "Add two numbers.",
    "solution": "def add(a, b):\n    return a + b\n",
    "entry_point": "add",
    "tests": "from solution import add\n",
    "source": {
        "repo": "r",
        "path": "m.py",
        "commit": None,
        "start_line": 1,
        "end_line": 2,
        "license": "MIT",
    },
    "generator": {"backend": "template", "model": "none", "prompt": "question@1"},
    "verification": {
        "status": "passed",
        "tests_passed": 1,
        "tests_failed": 0,
        "tests_total": 1,
        "attempts": 1,
        "mutation_score": None,
        "solve_rate": None,
        "branch_coverage": None,
        "adequacy": None,
        "duration_s": 0.1,
        "detail": "1 passed",
    },
}


def test_pair_round_trip() -> None:
    pair = Pair.from_dict(PAIR, strict=True)
    assert pair.to_dict() == PAIR
    assert pair.verification is not None and pair.verification.status is Status.PASSED


def test_snippet_round_trip() -> None:
    snippet = Snippet(
        id="s", entry_point="f", code="def f(x):\n    return x\n", source=Source(repo="r", path="p")
    )
    assert Snippet.from_dict(snippet.to_dict()) == snippet


def test_verify_needs_only_id_solution_tests() -> None:
    pair = Pair.from_dict({"id": "x", "solution": "s", "tests": "t"})
    assert (pair.question, pair.source, pair.verification) == ("", None, None)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"tests": None}, "field 'tests': missing"),
        ({"solution": 3}, "field 'solution': expected str, got int"),
        (
            {"verification": {"status": "great"}},
            "field 'verification.status': 'great' is not one of",
        ),
        (
            {"verification": {"status": "passed", "tests_passed": True}},
            "field 'verification.tests_passed': expected a number",
        ),
        ({"source": {"path": "x"}}, "field 'source.repo': missing"),
    ],
)
def test_schema_errors_name_the_field(change: dict, message: str) -> None:
    data = {**PAIR, **change}
    data = {k: v for k, v in data.items() if v is not None or k in ("source",)}
    with pytest.raises(RecordError) as caught:
        Pair.from_dict(data, strict=False)
    assert str(caught.value).startswith(message)


def test_strict_requires_dataset_fields() -> None:
    with pytest.raises(RecordError, match="field 'verification': missing"):
        Pair.from_dict({**PAIR, "verification": None}, strict=True)


def test_content_id_is_stable_and_separates_parts() -> None:
    assert content_id("ab", "c") == content_id("ab", "c")
    assert content_id("ab", "c") != content_id("a", "bc")
    assert len(content_id("x")) == 16


def test_verification_rounds_duration() -> None:
    assert Verification(status=Status.FAILED, duration_s=0.123456).to_dict()["duration_s"] == 0.123


def test_read_jsonl_numbers_problems_and_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(
        b'{"id": "a", "solution": "s", "tests": "t"}\n\n{bad\n"str"\n\xff\xfe\n{"id": "b", "solution": "s", "tests": "t"}\n'
    )
    items = list(read_jsonl(path, Pair.from_dict))
    assert [(i.line, i.record.id if i.record else i.problem) for i in items] == [
        (1, "a"),
        (3, "invalid JSON: Expecting property name enclosed in double quotes (column 2)"),
        (4, "expected a JSON object, got str"),
        (5, "invalid JSON: Expecting value (column 1)"),
        (6, "b"),
    ]
    assert items[1].where == f"{path}:3"


def test_read_jsonl_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        list(read_jsonl(tmp_path / "none.jsonl", Pair.from_dict))


def test_writer_unwritable_path(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(InputError, match="cannot write"):
        JsonlWriter(blocker / "out.jsonl")


def test_repair_tail_cuts_a_torn_line(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_text('{"a": 1}\n{"b": 2}\n{"c": ')
    assert repair_tail(path) == len('{"c": ')
    assert path.read_text() == '{"a": 1}\n{"b": 2}\n'
    with JsonlWriter(path, append=True) as writer:
        writer.write({"d": 4})
    assert [json.loads(x) for x in path.read_text().splitlines()] == [{"a": 1}, {"b": 2}, {"d": 4}]


def test_a_killed_writer_tears_at_most_the_last_line(tmp_path: Path) -> None:
    """One write() per line; the kernel may still stop a multi-page write on
    SIGKILL, so only the last line can be torn, and repair_tail cuts it."""
    path = tmp_path / "out.jsonl"
    script = (
        "import sys\nfrom phicode.jsonl import JsonlWriter\n"
        "w = JsonlWriter(sys.argv[1])\n"
        "while True:\n    w.write({'payload': 'x' * 5000})\n"
    )
    process = subprocess.Popen([sys.executable, "-c", script, str(path)])
    while not path.exists() or path.stat().st_size < 2_000_000:
        pass
    process.kill()
    process.wait()
    *whole, last = path.read_bytes().split(b"\n")
    assert all(json.loads(line) == {"payload": "x" * 5000} for line in whole)
    assert repair_tail(path) == len(last)
    assert path.read_bytes().endswith(b"\n")
    os.remove(path)
