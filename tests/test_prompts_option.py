"""``--prompts DIR`` reaches the code on every command that accepts it.

A copy of ``prompts/`` whose question and repair templates carry a marker and
another version is passed to ``phicode synth``, ``phicode run`` and ``phicode
verify --backend openai``; the scripted model behind a real local HTTP server
must receive the marked prompts, and the records must name the versions.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from generate_corpus import snippet

from phicode.cli import main
from phicode.resources import data_root
from tests.fake_openai import FakeServer, Reply, Request, by_prompt, completion

pytestmark = pytest.mark.docker

MARK = "MARKER-FROM-CUSTOM-PROMPTS"
QUESTION = (
    "Write a Python function `gcd(a: int, b: int) -> int` that returns the greatest common "
    "divisor of a and b."
)
TESTS = (
    "```python\nfrom solution import gcd\n\ndef test_a():\n    assert gcd(12, 18) == 6\n\n"
    "def test_b():\n    assert gcd(0, 5) == 5\n```"
)


@pytest.fixture
def prompts(tmp_path: Path) -> Path:
    folder = tmp_path / "my-prompts"
    shutil.copytree(data_root() / "prompts", folder)
    for task in ("question", "repair"):
        path = folder / f"{task}.j2"
        text = re.sub(rf"prompt: {task}@\w+", f"prompt: {task}@99", path.read_text())
        path.write_text(text.replace("\n", f"\n{MARK}\n", 1))
    return folder


answer = by_prompt(
    [
        ("Write the exercise a teacher would give", QUESTION),
        ("Some of these pytest tests fail", TESTS),
        ("Solve this programming exercise", "```python\ndef gcd(a, b):\n    return 1\n```"),
    ],
    TESTS,
)


CLAMP = """def clamp(value, low, high):
    \"\"\"Limit value to the range [low, high].\"\"\"
    return max(low, min(value, high))
"""


def clamp_answer(request: Request) -> Reply:
    if "Write the exercise a teacher would give" in request.prompt:
        return Reply(body=completion(
            "Write a Python function `clamp(value, low, high)` that returns value limited to "
            "the range from low to high."
        ))  # fmt: skip
    if "Write pytest tests for" in request.prompt:
        return Reply(body=completion(
            "```python\nfrom solution import clamp\n\ndef test_a():\n    assert clamp(5, 0, 10) == 5"
            "\n\ndef test_b():\n    assert clamp(-1, 0, 10) == 0\n```"
        ))  # fmt: skip
    return answer(request)


def model_options(server: FakeServer, prompts: Path) -> list[str]:
    return ["--backend", "openai", "--base-url", server.url, "--prompts", str(prompts)]


def test_synth_uses_the_given_prompts(tmp_path: Path, prompts: Path) -> None:
    snippets = tmp_path / "snippets.jsonl"
    snippets.write_text(json.dumps(snippet("gcd").to_dict()) + "\n")
    out = tmp_path / "pairs.jsonl"
    with FakeServer(answer) as server:
        argv = ["synth", str(snippets), "-o", str(out), "--workers", "1", "-q"]
        assert main([*argv, *model_options(server, prompts)]) == 0
    assert any(MARK in r.prompt for r in server.requests)
    [pair] = [json.loads(line) for line in out.read_text().splitlines()]
    assert pair["generator"]["prompt"].startswith("question@99+")


def test_run_uses_the_given_prompts(tmp_path: Path, prompts: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    # (gcd itself is a HumanEval problem: mining drops it as contamination)
    (corpus / "numbers.py").write_text(CLAMP)
    out = tmp_path / "dataset.jsonl"
    with FakeServer(clamp_answer) as server:
        argv = ["run", str(corpus), "-o", str(out), "--state", str(tmp_path / "state"),
                "--license-allow", "any", "--workers", "2", "--mine-workers", "1", "-q",
                "--mutation-threshold", "0"]  # fmt: skip
        assert main([*argv, *model_options(server, prompts)]) == 0
    assert any(MARK in r.prompt for r in server.requests)
    pairs = [json.loads(line) for line in out.read_text().splitlines()]
    assert pairs and all(p["generator"]["prompt"].startswith("question@99+") for p in pairs)


def test_verify_repairs_with_the_given_prompts(tmp_path: Path, prompts: Path) -> None:
    pair = {
        "id": "gcd1",
        "question": QUESTION,
        "solution": snippet("gcd").code,
        "entry_point": "gcd",
        "tests": "from solution import gcd\n\n\ndef test_a():\n    assert gcd(12, 18) == 3\n",
    }
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(pair) + "\n")
    out = tmp_path / "out.jsonl"
    with FakeServer(answer) as server:
        argv = ["verify", str(source), "-o", str(out), "--workers", "1", "-q"]
        main([*argv, *model_options(server, prompts)])
    repairs = [r.prompt for r in server.requests if "Some of these pytest tests fail" in r.prompt]
    assert repairs and all(MARK in prompt for prompt in repairs)
