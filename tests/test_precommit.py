"""The pre-commit hook, end to end: another repository uses phicode the usual way.

A temporary git repository gets a ``.pre-commit-config.yaml`` that points at
this project (its path, at the current HEAD commit: the hook definition must be
committed), and the real ``pre-commit`` clones it, builds the hook's virtualenv
(pip, from the package registry only) and runs ``phicode validate`` on the
dataset files. A clean dataset passes; a broken line, a duplicate id and a test
changed so that it now fails (``--reverify``, so Docker) are each blocked with
their own ``FILE:LINE:`` message.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ci import skip_unless_ci

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [pytest.mark.slow, pytest.mark.docker]

TESTS = "from solution import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n"


def record(id: str, **changes: object) -> dict[str, object]:
    """A complete dataset line for ``add``, verified as passed."""
    data: dict[str, object] = {
        "id": id,
        "question": "Write add(a, b) that returns the sum of two numbers.",
        "solution": "def add(a, b):\n    return a + b\n",
        "entry_point": "add",
        "tests": TESTS,
        "source": {"repo": "example/repo", "path": "add.py"},
        "generator": {"backend": "template", "model": "none", "prompt": "question/1"},
        "verification": {"status": "passed", "tests_passed": 1, "tests_total": 1},
    }
    data.update(changes)
    return data


def _git(*args: str, cwd: Path) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=_clean_env(), capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without what a surrounding git hook may have set."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def project_head() -> str:
    if not (ROOT / ".git").exists():
        skip_unless_ci("not a git checkout")
    head = _git("rev-parse", "HEAD", cwd=ROOT)
    listed = _git("ls-tree", "--name-only", head, cwd=ROOT).splitlines()
    assert ".pre-commit-hooks.yaml" in listed, "commit .pre-commit-hooks.yaml first"
    return head


def _pre_commit() -> str:
    found = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or shutil.which(
        "pre-commit"
    )
    if found is None:
        skip_unless_ci("pre-commit is not installed (pip install -e '.[dev]')")
    return found


def _run(repo: Path, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_pre_commit(), "run", "--all-files", "--color", "never"],
        cwd=repo,
        env=_clean_env(PRE_COMMIT_HOME=str(home)),
        capture_output=True,
        text=True,
        timeout=900,
    )


def _lines(*records: dict | str) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records)


def test_hook_passes_a_clean_dataset_and_blocks_tampering(tmp_path: Path, project_head: str):
    repo = tmp_path / "datasets"
    repo.mkdir()
    _git("init", "-q", cwd=repo)
    config = f"""\
repos:
  - repo: {ROOT}
    rev: {project_head}
    hooks:
      - id: phicode-validate
        args: [--reverify, --workers, "1", --cache-dir, {tmp_path / "cache"}]
"""
    (repo / ".pre-commit-config.yaml").write_text(config)
    data = repo / "data"
    data.mkdir()
    train = data / "train.jsonl"
    train.write_text(_lines(record("a"), record("b", tests=TESTS.replace("1, 2", "2, 1"))))
    (data / "notes.txt").write_text("not a dataset, not checked\n")
    _git("add", ".", cwd=repo)

    home = tmp_path / "pre-commit-home"
    clean = _run(repo, home)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "phicode validate (dataset files)" in clean.stdout
    assert "Passed" in clean.stdout

    # Tamper: a test that now fails (status still says passed), a broken line,
    # and a duplicate id in a second file.
    failing = record("b", tests=TESTS.replace("== 3", "== 4"))
    train.write_text(_lines(record("a"), failing, '{"id": "c", "solution": '))
    (data / "extra.jsonl").write_text(_lines(record("a", question="Add again.")))
    _git("add", ".", cwd=repo)

    blocked = _run(repo, home)
    out = blocked.stdout
    assert blocked.returncode == 1, out + blocked.stderr
    assert "Failed" in out
    # pre-commit hands a serial hook the files in git's (sorted) order.
    findings = [line for line in out.splitlines() if line.startswith("data/")]
    assert findings == [
        "data/train.jsonl:1: duplicate id 'a' (first at data/extra.jsonl:1)",
        "data/train.jsonl:2: re-verified: failed (test_add: assert 3 == 4 + where 3 = add(1, 2))",
        "data/train.jsonl:3: invalid JSON: Expecting value (column 25)",
    ]
