"""phicode installed as users install it: from a wheel, outside the checkout.

The wheel must be the whole tool: the prompts, the sandbox harness and its
Dockerfile travel inside the package (``phicode/_data``, copied at build time
from the top-level folders), and the installed copy builds the same image (same
harness hash) as the checkout. The slow test installs the wheel into a fresh
virtualenv in a temporary folder and uses it there: ``phicode sandbox build``,
``phicode run --backend template`` over a small corpus, ``phicode validate
--reverify`` on what it wrote.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from phicode.resources import DATA_FILES, PACKAGE
from phicode.sandbox.image import harness_hash

ROOT = PACKAGE.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(out), str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    [built] = out.glob("phicode-*.whl")
    return built


def test_the_wheel_carries_prompts_sandbox_and_dockerfile(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        f"phicode/_data/{path.relative_to(ROOT).as_posix()}"
        for pattern in DATA_FILES
        for path in ROOT.glob(pattern)
    }
    assert {"phicode/_data/Dockerfile.sandbox", "phicode/_data/prompts/restate.j2"} <= expected
    assert {"phicode/_data/sandbox/server.py", "phicode/_data/sandbox/runner.py"} <= expected
    assert expected <= names


def test_the_wheels_harness_hash_is_the_checkouts(wheel: Path, tmp_path: Path) -> None:
    zipfile.ZipFile(wheel).extractall(tmp_path)
    assert harness_hash(tmp_path / "phicode" / "_data") == harness_hash(ROOT)


def test_setup_py_copies_what_resources_names() -> None:
    """setup.py cannot import phicode at build time, so it holds its own copy of the list."""
    tree = ast.parse((ROOT / "setup.py").read_text())
    [listed] = [
        ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "DATA_FILES"
    ]
    assert listed == DATA_FILES


def _venv(path: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True, timeout=120)
    return path / "bin"


def _run(bin_dir: Path, *argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.run(
        [str(bin_dir / argv[0]), *argv[1:]],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip


@pytest.mark.slow
@pytest.mark.docker
def test_an_installed_wheel_builds_runs_and_reverifies(wheel: Path, tmp_path: Path) -> None:
    bin_dir = _venv(tmp_path / "venv")
    installed = _run(bin_dir, "pip", "install", "-q", str(wheel), cwd=tmp_path)
    assert installed.returncode == 0, installed.stderr
    where = _run(
        bin_dir, "python", "-c", "from phicode.resources import data_root; print(data_root())",
        cwd=tmp_path,
    )  # fmt: skip
    assert where.returncode == 0, where.stderr
    assert where.stdout.strip().endswith("site-packages/phicode/_data"), where.stdout
    # the image the checkout built is current for the installed copy too: same harness
    built = _run(bin_dir, "phicode", "sandbox", "build", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    assert f"is current (harness {harness_hash(ROOT)})" in built.stderr, built.stderr
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "examples" / "corpus", corpus)
    out = tmp_path / "dataset.jsonl"
    ran = _run(
        bin_dir, "phicode", "run", str(corpus), "-o", str(out), "--backend", "template",
        "--limit", "6", "--workers", "2", cwd=tmp_path,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    pairs = [json.loads(line) for line in out.read_text().splitlines()]
    assert pairs and all(p["verification"]["status"] == "passed" for p in pairs)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")  # its assets are in the wheel
    assert f"{len(pairs)} pairs kept" in page and "var hljs=" in page
    checked = _run(bin_dir, "phicode", "validate", "--reverify", str(out), cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    broken = tmp_path / "broken.jsonl"
    first = dict(pairs[0], tests=pairs[0]["tests"].replace("==", "!="))
    broken.write_text(json.dumps(first) + "\n")
    failed = _run(bin_dir, "phicode", "validate", "--reverify", str(broken), cwd=tmp_path)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "broken.jsonl:1" in failed.stdout + failed.stderr
