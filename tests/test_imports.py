"""Imports that match the work: commands that never start a container load no docker SDK,
and nothing loads torch or transformers unless a model is used.

``phicode validate`` without ``--reverify`` is the pre-commit hot path; ``phicode --help``
is what a newcomer types first. Each runs in a fresh interpreter here, and what it
imported is read from ``sys.modules`` after the command returned.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = {"docker", "requests", "torch", "transformers"}
PROGRAM = """
import json, sys
from phicode.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "modules": sorted({m.split(".")[0] for m in sys.modules})}))
"""


def loaded(*argv: str) -> tuple[int, set[str]]:
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM, *argv], capture_output=True, text=True, timeout=60
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return report["code"], set(report["modules"])


def test_validate_without_reverify_loads_no_docker_torch_or_transformers(tmp_path: Path) -> None:
    pair = {
        "id": "p1",
        "question": "Write add(a, b) that returns the sum of two numbers.",
        "solution": "def add(a, b):\n    return a + b\n",
        "entry_point": "add",
        "tests": "from solution import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n",
        "source": {"repo": "r", "path": "add.py"},
        "generator": {"backend": "template", "model": "none", "prompt": "question@1"},
        "verification": {"status": "passed", "tests_passed": 1, "tests_total": 1},
    }
    data = tmp_path / "data.jsonl"
    data.write_text(json.dumps(pair) + "\n")
    code, modules = loaded("validate", str(data))
    assert code == 0
    assert modules & HEAVY == set()


@pytest.mark.parametrize(
    "argv", [["--help"], ["run", "--help"], ["verify", "--help"], ["sandbox", "--help"]]
)
def test_help_loads_no_docker_torch_or_transformers(argv: list[str]) -> None:
    code, modules = loaded(*argv)
    assert code == 0
    assert modules & HEAVY == set()


def test_the_probe_sees_docker_where_it_is_loaded() -> None:
    """The check above could pass by never loading anything: the same probe sees docker
    once a command really needs the engine."""
    code, modules = loaded("sandbox", "build", "--help")
    assert code == 0 and "docker" not in modules
    done = subprocess.run(
        [sys.executable, "-c", "import sys, phicode.sandbox.pool; print('docker' in sys.modules)"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.stdout.strip() == "True"
