"""``phicode verify`` on bad input: clear one-line messages, file:line for bad
lines, nothing lost, exit 2 for unusable input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from phicode import humaneval
from phicode.cli import main

GOOD = {
    "id": "ok",
    "solution": "def add(a, b):\n    return a + b\n",
    "tests": "from solution import add\ndef test_add():\n    assert add(1, 2) == 3\n",
}


def write_lines(path: Path, *lines: str) -> Path:
    path.write_text("".join(line + "\n" for line in lines))
    return path


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["verify", str(tmp_path / "nope.jsonl"), "-o", str(tmp_path / "out.jsonl")])
    assert code == 2
    assert (
        capsys.readouterr().err == f"phicode: InputError: {tmp_path / 'nope.jsonl'}: no such file\n"
    )


def test_empty_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write_lines(tmp_path / "empty.jsonl")
    assert main(["verify", str(source), "-o", str(tmp_path / "out.jsonl")]) == 2
    assert capsys.readouterr().err == f"phicode: InputError: {source}: holds no records\n"


def test_no_engine_says_how_to_start_one_and_touches_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-engine.sock")
    source = write_lines(tmp_path / "pairs.jsonl", json.dumps(GOOD))
    previous = write_lines(tmp_path / "out.jsonl", '{"kept": "from an earlier run"}')
    assert main(["verify", str(source), "-o", str(previous)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("phicode: EngineUnavailable: no Docker engine answers. Start one")
    assert "make setup" in err
    assert previous.read_text() == '{"kept": "from an earlier run"}\n'


@pytest.mark.docker
def test_bad_lines_are_reported_and_the_rest_verified(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = dict(GOOD, id="wrong", tests=GOOD["tests"].replace("== 3", "== 4"))
    no_tests = {"id": "no-tests", "solution": "x = 1"}
    source = write_lines(
        tmp_path / "pairs.jsonl",
        json.dumps(GOOD),
        '{"id": "broken", "solution": ',
        json.dumps(no_tests),
        "[1, 2]",
        json.dumps(wrong),
    )
    out, rejected = tmp_path / "out.jsonl", tmp_path / "rejected.jsonl"
    code = main(
        ["verify", str(source), "-o", str(out), "--rejected", str(rejected), "-q", "--workers", "1"]
    )
    assert code == 0
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"{source}:2: invalid JSON: Expecting value (column 30)",
        f"{source}:3: field 'tests': missing",
        f"{source}:4: expected a JSON object, got list",
    ]
    kept = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(r["id"], r["verification"]["status"]) for r in kept] == [("ok", "passed")]
    dropped = [json.loads(line) for line in rejected.read_text().splitlines()]
    reasons = [(r.get("id"), r["rejected"]["reason"], r["rejected"].get("where")) for r in dropped]
    assert reasons == [
        (None, "invalid_record", f"{source}:2"),
        ("no-tests", "invalid_record", f"{source}:3"),
        (None, "invalid_record", f"{source}:4"),
        ("wrong", "failed", None),
    ]
    assert dropped[3]["verification"]["detail"] == "test_add: assert 3 == 4 + where 3 = add(1, 2)"


@pytest.mark.docker
def test_verify_command_in_a_subprocess(tmp_path: Path) -> None:
    import subprocess
    import sys

    source = tmp_path / "he.jsonl"
    source.write_text(
        "".join(json.dumps(p.to_dict()) + "\n" for p in humaneval.canonical_pairs()[:4])
    )
    out = tmp_path / "out.jsonl"
    done = subprocess.run(
        [sys.executable, "-m", "phicode.cli", "verify", str(source), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""  # data goes to files, talk to stderr
    assert "phicode verify: 4 passed" in done.stderr
    assert len(out.read_text().splitlines()) == 4


@pytest.mark.docker
def test_with_a_model_failing_tests_are_repaired(tmp_path: Path) -> None:
    """The execute-and-test loop through a real HTTP server: the tests expect a
    wrong value; the model's repaired tests (fenced, as models write them) pass."""
    from tests.fake_openai import FakeServer, Reply, completion

    wrong = dict(GOOD, id="wrong", tests=GOOD["tests"].replace("== 3", "== 4"), entry_point="add")
    fixed = (
        "Here are the corrected tests:\n```python\nfrom solution import add\n\n"
        "def test_add():\n    assert add(1, 2) == 3\n\ndef test_add_negative():\n    assert add(-1, -2) == -3\n```"
    )
    source = write_lines(tmp_path / "pairs.jsonl", json.dumps(wrong))
    out = tmp_path / "out.jsonl"
    with FakeServer(lambda request: Reply(body=completion(fixed))) as server:
        code = main(
            ["verify", str(source), "-o", str(out), "-q", "--workers", "1",
             "--backend", "openai", "--base-url", server.url, "--model", "fake-model"]
        )  # fmt: skip
        prompts = [request.prompt for request in server.requests]
    assert code == 0
    [pair] = [json.loads(line) for line in out.read_text().splitlines()]
    assert pair["verification"]["status"] == "passed"
    assert pair["verification"]["attempts"] == 2
    assert "assert add(1, 2) == 3" in pair["tests"]
    assert len(prompts) == 1 and "assert 3 == 4" in prompts[0]  # the failure went back
