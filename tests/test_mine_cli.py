"""``phicode mine`` as users run it: exit codes, the lines they read, the files written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import phicode.mine as mine_api
from phicode.cli import main
from phicode.records import Snippet
from tests.ci import skip_unless_ci

MIT = (
    "MIT License\n\nPermission is hereby granted, free of charge, to any person obtaining a copy\n"
)
MODULE = '''\
import math


def hypotenuse(a, b):
    """Length of the long side of a right triangle."""
    return math.sqrt(a * a + b * b)


def greet(name):
    print("hello", name)


def nothing():
    return 42
'''


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "LICENSE").write_text(MIT)
    (root / "geometry.py").write_text(MODULE)
    (root / "blob.py").write_bytes(b"\x00\x01")
    return root


def test_mine_writes_snippets_rejections_and_a_summary(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, rejected = tmp_path / "s.jsonl", tmp_path / "r.jsonl"
    code = main(
        ["mine", str(corpus), "-o", str(out), "--rejected", str(rejected), "--workers", "1"]
    )
    assert code == 0
    (line,) = out.read_text().splitlines()
    snippet = Snippet.from_dict(json.loads(line))
    assert snippet.entry_point == "hypotenuse"
    assert snippet.code == "import math\n\n\n" + MODULE.split("\n\n\n")[1] + "\n"
    reasons = [json.loads(r)["rejected"]["reason"] for r in rejected.read_text().splitlines()]
    assert reasons == ["binary", "print_only", "no_arguments"]
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("phicode mine: 1 snippets from 1 files, ")
    rows = [" ".join(line.replace("│", " ").split()) for line in err[2:]]
    assert rows[1:] == [
        "files seen 2",
        "files parsed 1",
        "skipped: binary 1",
        "functions found 3",
        "rejected: no_arguments 1",
        "rejected: print_only 1",
        "kept 1",
    ]


def test_quiet_prints_nothing(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["mine", str(corpus), "-o", str(tmp_path / "s.jsonl"), "-q", "--workers", "1"]) == 0
    assert capsys.readouterr() == ("", "")


def test_a_missing_path_exits_2_naming_it_and_writes_nothing(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "s.jsonl"
    out.write_text("kept from before\n")
    code = main(["mine", str(corpus), str(tmp_path / "missing"), "-o", str(out)])
    assert code == 2
    assert (
        capsys.readouterr().err
        == f"phicode: InputError: {tmp_path / 'missing'}: no such file or directory\n"
    )
    assert out.read_text() == "kept from before\n"


def test_an_empty_repository_warns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = tmp_path / "empty"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    assert main(["mine", str(repo), "-o", str(tmp_path / "s.jsonl"), "-q"]) == 0
    assert capsys.readouterr().err == f"phicode: warning: no source files under {repo}\n"
    assert (tmp_path / "s.jsonl").read_text() == ""


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            ["--near-dup-threshold", "0"],
            "phicode: ConfigError: --near-dup-threshold: must be in (0, 1]\n",
        ),
        (["--workers", "0"], "phicode: ConfigError: --workers: must be at least 1\n"),
        (
            ["--min-lines", "9", "--max-lines", "3"],
            "phicode: ConfigError: --min-lines/--max-lines: need 0 < min <= max\n",
        ),
        (
            ["--license-allow", ","],
            "phicode: ConfigError: --license-allow: give at least one SPDX id, 'unknown' or 'any'\n",
        ),
    ],
)
def test_bad_options_are_config_errors(
    corpus: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    options: list[str],
    message: str,
) -> None:
    assert main(["mine", str(corpus), "-o", str(tmp_path / "s.jsonl"), *options]) == 2
    assert capsys.readouterr().err == message


def test_filter_options_reach_the_library(corpus: Path, tmp_path: Path) -> None:
    out, rejected = tmp_path / "s.jsonl", tmp_path / "r.jsonl"
    options = ["--forbid-modules", "math", "--license-allow", "Apache-2.0", "-q"]
    assert main(["mine", str(corpus), "-o", str(out), "--rejected", str(rejected), *options]) == 0
    assert out.read_text() == ""
    details = {json.loads(r)["rejected"]["reason"] for r in rejected.read_text().splitlines()}
    assert details == {"license_not_allowed"}
    assert main(["mine", str(corpus), "-o", str(out), "--forbid-modules", "math", "-q"]) == 0
    assert out.read_text() == ""


def test_stdout_output(corpus: Path, capfd: pytest.CaptureFixture[str]) -> None:
    assert main(["mine", str(corpus), "-o", "-", "-q", "--workers", "1"]) == 0
    assert json.loads(capfd.readouterr().out)["entry_point"] == "hypotenuse"


def test_the_installed_command_runs(corpus: Path, tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("phicode")
    if not exe.exists():
        skip_unless_ci(f"{exe} is not installed (run make setup)")
    out = tmp_path / "s.jsonl"
    done = subprocess.run(
        [str(exe), "mine", str(corpus), "-o", str(out), "--workers", "2"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "100"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert done.stderr.startswith("phicode mine: 1 snippets from 1 files, ")
    assert json.loads(out.read_text())["entry_point"] == "hypotenuse"


def test_public_api_is_pinned() -> None:
    assert mine_api.__all__ == [
        "FORBIDDEN_MODULES",
        "PERMISSIVE_LICENSES",
        "Dropped",
        "Kept",
        "MineConfig",
        "MineStats",
        "Reject",
        "Skip",
        "detect_license",
        "mine",
        "mine_paths",
    ]
