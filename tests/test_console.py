"""Progress that reaches a log: without a terminal, plain lines at a steady interval."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from phicode import console

ROOT = Path(__file__).resolve().parents[1]


def test_without_a_terminal_progress_is_plain_lines(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(console, "LOG_INTERVAL_S", 0.0)
    with console.progress("synth", total=4) as advance:
        for _ in range(4):
            advance()
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 5
    assert re.fullmatch(r"phicode: synth: 1/4 \([\d.]+/min, ETA \d+m\d\ds\)", lines[0]), lines
    assert lines[3].startswith("phicode: synth: 4/4 (")
    assert re.fullmatch(r"phicode: synth: 4 done in \d+m\d\ds", lines[4]), lines


def test_a_slow_item_does_not_leave_the_log_quiet(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """One item that takes longer than several intervals (a model on CPUs): lines keep
    coming while it runs, saying that nothing is done yet."""
    monkeypatch.setattr(console, "LOG_INTERVAL_S", 0.2)
    with console.progress("synth", total=1) as advance:
        time.sleep(1.0)
        waiting = capsys.readouterr().err.splitlines()
        advance()
    assert len(waiting) >= 3, waiting
    assert all(re.fullmatch(r"phicode: synth: 0/1 \(0\.0/min\)", line) for line in waiting)
    assert re.search(r"^phicode: synth: 1 done in ", capsys.readouterr().err, re.M)


def test_a_stage_that_fails_stops_its_lines(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(console, "LOG_INTERVAL_S", 0.1)
    with pytest.raises(RuntimeError), console.progress("synth", total=2):
        time.sleep(0.3)
        raise RuntimeError("the stage failed")
    capsys.readouterr()
    time.sleep(0.4)
    assert capsys.readouterr().err == ""  # no ticker left behind, no closing line
    assert not any(t.name == "progress lines" for t in threading.enumerate())


def test_a_short_stage_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    with console.progress("synth", total=3) as advance:
        advance(3)
    assert capsys.readouterr().err == ""


def test_a_command_writing_to_a_log_shows_its_progress(tmp_path: Path) -> None:
    log = tmp_path / "log.txt"
    with log.open("w") as err:
        done = subprocess.run(
            [sys.executable, "-m", "phicode.cli", "mine", str(ROOT / "examples" / "corpus"),
             "-o", str(tmp_path / "s.jsonl"), "--license-allow", "any", "--workers", "1"],
            stderr=err, stdout=subprocess.DEVNULL, timeout=120,
            env={**os.environ, "PHICODE_PROGRESS_INTERVAL": "0"},
        )  # fmt: skip
    assert done.returncode == 0, log.read_text()
    text = log.read_text()
    assert "\r" not in text
    assert re.search(r"^phicode: mining files: \d+ \([\d.]+/min\)$", text, re.M), text
    assert re.search(r"^phicode: mining files: \d+ done in ", text, re.M), text
