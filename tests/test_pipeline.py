"""``phicode run`` end to end with the template backend, crash safety, the
filters' bounds, and bad input."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from phicode.cli import main
from phicode.filters.mutation import mutation_verdict
from phicode.filters.reasons import FilterReason
from phicode.pipeline.state import FILE_NAME, StateStore
from phicode.sandbox.engine import Engine, owner_tag

MIT = (
    "MIT License\n\nCopyright (c) 2026 phicode tests\n\n"
    "Permission is hereby granted, free of charge, to any person obtaining a copy\n"
    'of this software and associated documentation files (the "Software"), to deal\n'
    "in the Software without restriction, including without limitation the rights\n"
    "to use, copy, modify, merge, publish, distribute, sublicense, and/or sell\n"
    'copies of the Software.\n\nTHE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND.\n'
)

TEXT_MODULE = '''
import re

WORD = re.compile(r"[a-z']+")


def words(text: str) -> list:
    """The lower-case words of text, in order."""
    return WORD.findall(text.lower())


def word_frequencies(text: str) -> dict:
    """How often each word occurs."""
    counts = {}
    for word in words(text):
        counts[word] = counts.get(word, 0) + 1
    return counts


def is_palindrome(text: str) -> bool:
    """True when text reads the same backwards, ignoring case and spaces."""
    cleaned = "".join(ch.lower() for ch in text if not ch.isspace())
    return cleaned == cleaned[::-1]


def save(path, text):
    """Writes a file: filtered out (file system)."""
    with open(path, "w") as handle:
        handle.write(text)
    return len(text)
'''

NUMBERS_MODULE = '''
def clamp(value: int, low: int, high: int) -> int:
    """Clamp value into [low, high]."""
    if value < low:
        return low
    if value > high:
        return high
    return value


def running_total(values: list) -> list:
    """Prefix sums."""
    total = 0
    out = []
    for value in values:
        total += value
        out.append(total)
    return out


def digit_sum(number: int, base: int = 10) -> int:
    """Sum of the digits of number written in base."""
    number = abs(number)
    total = 0
    while number:
        number, digit = divmod(number, base)
        total += digit
    return total


def shout(message):
    print(message.upper())


def describe(settings: "Settings", verbose: bool = False) -> str:
    """One line about a settings object (no inputs the template backend can make)."""
    text = f"{settings.name}: level {settings.level}"
    if verbose:
        text += f" ({settings.description})"
    return text
'''


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    (root / "textkit").mkdir(parents=True)
    (root / "LICENSE").write_text(MIT)
    (root / "textkit" / "text.py").write_text(TEXT_MODULE)
    (root / "textkit" / "numbers.py").write_text(NUMBERS_MODULE)
    return root


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def run_args(corpus: Path, out: Path, state: Path) -> list[str]:
    return [
        "run", str(corpus), "-o", str(out / "dataset.jsonl"), "--rejected", str(out / "rejected.jsonl"),
        "--state", str(state), "--backend", "template", "--workers", "2", "--mine-workers", "1", "-q",
    ]  # fmt: skip


@pytest.mark.docker
def test_template_pipeline_end_to_end(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(run_args(corpus, out, tmp_path / "state")) == 0
    kept = read(out / "dataset.jsonl")
    assert {pair["entry_point"] for pair in kept} >= {
        "clamp",
        "running_total",
        "digit_sum",
        "word_frequencies",
    }
    for pair in kept:
        verification = pair["verification"]
        assert verification["status"] == "passed"
        assert verification["mutation_score"] is not None and verification["mutation_score"] >= 0.6
        assert pair["question"] and "def " not in pair["question"]
        assert (
            pair["tests"].startswith(f"from solution import {pair['entry_point']}")
            or "from solution import" in pair["tests"]
        )
    rejected = read(out / "rejected.jsonl")
    assert rejected and all(r["rejected"]["reason"] for r in rejected)
    reasons = {r["rejected"]["reason"] for r in rejected}
    assert {"forbidden_call", "print_only", "no_testable_cases"} <= reasons, reasons
    synth_drop = next(r for r in rejected if r["rejected"]["reason"] == "no_testable_cases")
    assert synth_drop["entry_point"] == "describe" and synth_drop["rejected"]["stage"] == "synth"
    # the run's report, beside the output: the files' counts, the run's settings and times
    page = (out / "report.html").read_text(encoding="utf-8")
    assert f"{len(kept)} pairs kept, {len(rejected)} records rejected" in page
    assert "seconds per stage" in page and "mutation threshold" in page
    assert 'id="funnel-note"' not in page  # the file's funnel: every reason lists its records
    # without --rejected, the run's own funnel: the same drops, counted by the run
    bare = tmp_path / "bare"
    args = run_args(corpus, bare, tmp_path / "state")
    del args[args.index("--rejected") : args.index("--rejected") + 2]
    assert main(args) == 0
    page = (bare / "report.html").read_text(encoding="utf-8")
    assert f"{len(kept)} pairs kept, {len(rejected)} records dropped" in page
    assert 'id="funnel-note"' in page and 'class="reason" href' not in page
    # a second run reuses every unit and writes the same bytes
    first = (out / "dataset.jsonl").read_bytes()
    assert main(run_args(corpus, out, tmp_path / "state")) == 0
    assert (out / "dataset.jsonl").read_bytes() == first


def _containers_of(pid: int) -> list:
    owner = owner_tag(pid)
    return [c for c in Engine.connect().list_sandboxes() if c["owner"] == owner]


@pytest.mark.docker
def test_sigkill_and_resume_gives_the_uninterrupted_dataset(corpus: Path, tmp_path: Path) -> None:
    reference = tmp_path / "reference"
    assert main(run_args(corpus, reference, tmp_path / "reference-state")) == 0
    expected = _content(reference / "dataset.jsonl")
    assert expected

    out, state = tmp_path / "out", tmp_path / "state"
    command = [sys.executable, "-m", "phicode.cli", *run_args(corpus, out, state)]
    units = []
    for delay in (1.5, 3.0, 4.5):
        process = subprocess.Popen(command, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        units.append(_units(state))
        deadline = time.monotonic() + 30
        while _containers_of(process.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _containers_of(process.pid) == []
        if (out / "dataset.jsonl").exists():  # a finished run wrote whole lines only
            assert all(
                json.loads(line) for line in (out / "dataset.jsonl").read_text().splitlines()
            )
    assert units == sorted(units)  # work done before a kill is kept
    assert main(run_args(corpus, out, state)) == 0
    assert _content(out / "dataset.jsonl") == expected
    ids = [pair["id"] for pair in read(out / "dataset.jsonl")]
    assert len(ids) == len(set(ids))


def _content(path: Path) -> list[dict]:
    """The records with the one measured field, the run's duration, set aside:
    a resumed run measured its units at other moments than the reference did."""
    records = read(path)
    for record in records:
        record["verification"].pop("duration_s")
    return records


def _units(state: Path) -> int:
    if not (state / FILE_NAME).exists():
        return 0
    with sqlite3.connect(state / FILE_NAME) as db:
        try:
            return db.execute("SELECT COUNT(*) FROM units").fetchone()[0]
        except sqlite3.OperationalError:
            return 0


@pytest.mark.docker
def test_a_run_writing_to_a_log_shows_each_stage(corpus: Path, tmp_path: Path) -> None:
    """No terminal (CI, ``make run > log``): plain lines per stage, no bar, no carriage return."""
    out = tmp_path / "out"
    argv = [arg for arg in run_args(corpus, out, tmp_path / "state") if arg != "-q"]
    log = tmp_path / "stderr.log"
    with log.open("w") as stderr_file:
        done = subprocess.run(
            [sys.executable, "-m", "phicode.cli", *argv], stderr=stderr_file,
            stdout=subprocess.DEVNULL, timeout=600,
            env={**os.environ, "PHICODE_PROGRESS_INTERVAL": "0"},
        )  # fmt: skip
    text = log.read_text()
    assert done.returncode == 0, text
    assert "\r" not in text and "\x1b[" not in text
    for stage in ("mine", "synth", "mutation"):
        assert re.search(rf"^phicode: {stage}: \d+(/\d+)? \([\d.]+/min", text, re.M), text
        assert re.search(rf"^phicode: {stage}: \d+ done in \d+m\d\ds$", text, re.M), text


@pytest.mark.docker
def test_ctrl_c_keeps_the_state_and_exits_cleanly(corpus: Path, tmp_path: Path) -> None:
    out, state = tmp_path / "out", tmp_path / "state"
    command = [sys.executable, "-m", "phicode.cli", *run_args(corpus, out, state)]
    log = tmp_path / "stderr.log"
    with log.open("w") as stderr_file:
        process = subprocess.Popen(command, stderr=stderr_file, text=True)
        deadline = time.monotonic() + 120
        while _units(state) == 0 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert process.poll() is None, f"the run ended before the signal:\n{log.read_text()}"
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
    stderr = log.read_text()
    assert process.returncode == 130, stderr
    assert "interrupted; everything written so far is kept" in stderr
    assert _units(state) >= 1
    assert _containers_of(process.pid) == []


def test_ctrl_c_while_a_command_reports_an_error_still_exits_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A Ctrl-C that lands in main's own error handling (here: while the
    corpus error is printed) is not a traceback and not a death by signal."""
    import phicode.cli as cli

    real_print = print

    def interrupted_print(*args: object, **kwargs: object) -> None:
        if args and str(args[0]).startswith("phicode: InputError"):
            raise KeyboardInterrupt
        real_print(*args, **kwargs)

    monkeypatch.setattr(cli, "print", interrupted_print, raising=False)
    code = main(["run", "/nowhere/at/all", "-o", "/tmp/never.jsonl", "--backend", "template"])
    assert code == 130
    assert "interrupted" in capsys.readouterr().err


def test_a_missing_corpus_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["run", str(tmp_path / "nowhere"), "-o", str(tmp_path / "d.jsonl"), "--backend", "template"]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("phicode: InputError: ") and str(tmp_path / "nowhere") in err


def test_an_unwritable_output(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    code = main(["run", str(corpus), "-o", str(blocker / "d.jsonl"), "--backend", "template"])
    assert code == 2
    assert capsys.readouterr().err.startswith(
        f"phicode: InputError: {blocker / 'd.jsonl'}: cannot write"
    )


def test_a_state_folder_from_another_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state = tmp_path / "state"
    state.mkdir()
    with sqlite3.connect(state / FILE_NAME) as db:
        db.execute("CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT)")
        db.execute("INSERT INTO meta VALUES ('schema', '0')")
    with pytest.raises(Exception, match=r"state written by another phicode version \(schema 0"):
        StateStore(state)


def test_state_keeps_units_across_opens(tmp_path: Path) -> None:
    with StateStore(tmp_path) as store:
        store.put("synth", "k", {"pair": 1})
    with StateStore(tmp_path) as store:
        assert store.get("synth", "k") == {"pair": 1}
        assert store.get("synth", "other") is None
        assert store.count("synth") == 1


@pytest.mark.parametrize(
    ("score", "verdict"),
    [
        (None, FilterReason.NOTHING_TO_MUTATE),
        (0.2, FilterReason.WEAK_TESTS),
        (0.6, None),
        (1.0, None),
    ],
)
def test_mutation_verdict(score: float | None, verdict: FilterReason | None) -> None:
    result = mutation_verdict(score, 0.6)
    assert (result.reason if result else None) is verdict


def test_limit_per_repo_takes_an_even_sample(tmp_path: Path) -> None:
    """``--limit-per-repo``: the first N snippets of each repository, not N of the first."""
    repos = []
    for name, module in (("alpha", TEXT_MODULE), ("beta", NUMBERS_MODULE)):
        root = tmp_path / name
        (root / "pkg").mkdir(parents=True)
        (root / "LICENSE").write_text(MIT)
        (root / "pkg" / "mod.py").write_text(module)
        repos.append(str(root))
    out = tmp_path / "d.jsonl"
    argv = ["run", *repos, "-o", str(out), "--rejected", str(tmp_path / "r.jsonl"),
            "--backend", "template", "--limit-per-repo", "1", "--workers", "2",
            "--mine-workers", "1", "--mutation-threshold", "0", "-q"]  # fmt: skip
    assert main(argv) == 0
    records = [json.loads(line) for line in out.read_text().splitlines()]
    dropped = [json.loads(line) for line in (tmp_path / "r.jsonl").read_text().splitlines()]
    records += [r for r in dropped if r["rejected"]["stage"] != "mine"]  # mined, then dropped
    repos_seen = sorted(r["source"]["repo"] for r in records)
    assert repos_seen == ["alpha", "beta"], records
