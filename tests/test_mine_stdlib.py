"""The miner on a real corpus present everywhere: the running Python's standard library."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from phicode.cli import main

STDLIB = sysconfig.get_paths()["stdlib"]


def _mine(out: Path) -> list[dict]:
    assert main(["mine", STDLIB, "-o", str(out), "--workers", "2", "-q"]) == 0
    return [json.loads(line) for line in out.read_text().splitlines()]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict], list[dict]]:
    folder = tmp_path_factory.mktemp("stdlib")
    return _mine(folder / "first.jsonl"), _mine(folder / "second.jsonl")


def test_at_least_a_thousand_snippets_with_unique_stable_ids(
    runs: tuple[list[dict], list[dict]],
) -> None:
    first, second = runs
    ids = [s["id"] for s in first]
    assert len(ids) >= 1000
    assert len(set(ids)) == len(ids)
    assert ids == [s["id"] for s in second]
    assert first == second


def test_every_snippet_parses_defines_its_entry_point_and_uses_its_imports(
    runs: tuple[list[dict], list[dict]],
) -> None:
    problems = []
    for snippet in runs[0]:
        tree = ast.parse(snippet["code"])
        defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
        if snippet["entry_point"] not in defined:
            problems.append(f"{snippet['id']}: no def {snippet['entry_point']}")
        used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        for unused in sorted(_imported(tree) - used):
            problems.append(f"{snippet['id']}: imports {unused} without using it")
    assert problems == []


def test_provenance_points_into_the_standard_library(runs: tuple[list[dict], list[dict]]) -> None:
    for snippet in runs[0][:50]:
        source = snippet["source"]
        lines = Path(STDLIB, source["path"]).read_text(encoding="utf-8").splitlines()
        assert snippet["entry_point"] in "\n".join(
            lines[source["start_line"] - 1 : source["end_line"]]
        )
        assert source["license"] == "PSF-2.0"


def _imported(tree: ast.Module) -> set[str]:
    names = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module != "__future__":
            names.update(a.asname or a.name for a in node.names)
    return names


_EXEC_ALL = """
import json, sys, types
failed = []
for line in open(sys.argv[1]):
    snippet = json.loads(line)
    module = types.ModuleType("solution")
    try:
        exec(compile(snippet["code"], "solution.py", "exec"), module.__dict__)
        assert callable(getattr(module, snippet["entry_point"]))
    except Exception as exc:
        failed.append(f"{snippet['source']['path']}:{snippet['entry_point']}: {exc!r}")
print(json.dumps(failed))
"""


def test_snippets_import_as_module_solution(
    tmp_path: Path, runs: tuple[list[dict], list[dict]]
) -> None:
    """Each snippet runs on its own as ``solution.py`` (in a child process: module-level
    code of thousands of snippets should not touch the test process). A few name
    platform-only functions (``codecs.mbcs_decode`` exists on Windows only)."""
    data = tmp_path / "snippets.jsonl"
    data.write_text("".join(json.dumps(s) + "\n" for s in runs[0]))
    done = subprocess.run(
        [sys.executable, "-c", _EXEC_ALL, str(data)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    failed = json.loads(done.stdout.splitlines()[-1])
    assert len(failed) <= len(runs[0]) // 100, failed
