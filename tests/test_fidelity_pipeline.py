"""`phicode run` with a model, end to end: the fidelity stage against a real local HTTP
server answering from a script, in the real sandbox.

The scripted model writes a palindrome question silent on case, tests that include a
mixed-case call, and blind answers that compare case-sensitively. The run must state
the unstated test in the question (or drop it), record ``solve_rate`` on the pair and
count the blind answers in the funnel.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from phicode.cli import main
from tests.fake_openai import FakeServer, by_prompt

pytestmark = pytest.mark.docker

CODE = '''def is_palindrome(text):
    """Whether text reads the same backwards, ignoring case."""
    cleaned = text.lower()
    return cleaned == cleaned[::-1]
'''
QUESTION = (
    "Write a Python function `is_palindrome(text)` that returns whether text reads the "
    "same forwards and backwards."
)
TESTS = """```python
from solution import is_palindrome

def test_even():
    assert is_palindrome("abba") == True

def test_odd():
    assert is_palindrome("racecar") == True

def test_no():
    assert is_palindrome("abc") == False

def test_mixed_case():
    assert is_palindrome("Abba") == True
```"""
CASE_SENSITIVE = "```python\ndef is_palindrome(text):\n    return text == text[::-1]\n```"


answer = by_prompt(
    [
        ("Here is a Python function:", QUESTION),
        ("Write pytest tests for", TESTS),
        ("Solve this programming exercise", CASE_SENSITIVE),
    ],
    "Sorry, I cannot rewrite this.",  # restate: unusable
)


def run(tmp_path: Path, *extra: str) -> tuple[list[dict], list[dict], FakeServer]:
    corpus = tmp_path / "corpus"
    corpus.mkdir(exist_ok=True)
    (corpus / "text.py").write_text(CODE)
    out, rejected = tmp_path / "dataset.jsonl", tmp_path / "rejected.jsonl"
    with FakeServer(answer) as server:
        argv = [
            "run", str(corpus), "-o", str(out), "--rejected", str(rejected),
            "--state", str(tmp_path / "state"), "--backend", "openai", "--base-url", server.url,
            "--model", "fake-model", "--license-allow", "any", "--workers", "2",
            "--mine-workers", "1", *extra,
        ]  # fmt: skip
        assert main(argv) == 0
    kept = [json.loads(line) for line in out.read_text().splitlines()]
    dropped = [json.loads(line) for line in rejected.read_text().splitlines()]
    return kept, dropped, server


def test_an_unstated_test_is_stated_and_the_solve_rate_recorded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kept, dropped, server = run(tmp_path)
    assert dropped == []
    [pair] = kept
    verification = pair["verification"]
    # the blind answers passed 3 of 4 tests: informed readers; the mixed-case test is the
    # behaviour the question did not state, and it now does, as a worked example
    assert "fidelity: stated 1 test case(s) as examples" in verification["detail"]
    assert "- `is_palindrome('Abba')` returns `True`." in pair["question"]
    assert "test_is_palindrome_case_4" in pair["tests"] or "Abba" in pair["tests"]
    assert verification["solve_rate"] == 0.0
    assert "0/4 blind answers passed" in verification["detail"]
    assert sum(r.prompt.startswith("Solve this") for r in server.requests) == 4
    funnel = capsys.readouterr().err
    assert re.search(r"blind answers failed\W+4\b", funnel), funnel
    assert re.search(r"tests stated \(fidelity\)\W+1\b", funnel), funnel


def test_a_rerun_reuses_the_blind_answers(tmp_path: Path) -> None:
    first, _, _ = run(tmp_path)
    again, _, server = run(tmp_path)
    assert again == first
    assert not any(r.prompt.startswith("Solve this") for r in server.requests)


def test_without_blind_answers_the_pair_has_no_solve_rate(tmp_path: Path) -> None:
    kept, _, server = run(tmp_path, "--solve-samples", "0")
    [pair] = kept
    assert pair["verification"]["solve_rate"] is None
    assert "is_palindrome('Abba')" not in pair["question"]  # no reader showed it unstated
    assert (
        "fidelity: no blind answers; aligned by call forms only" in pair["verification"]["detail"]
    )
    assert "blind answers passed" not in pair["verification"]["detail"]
    assert not any(r.prompt.startswith("Solve this") for r in server.requests)


def test_no_restate_reaches_the_synthesizer(tmp_path: Path) -> None:
    """``--no-restate`` (and ``--solve-samples 0``): the question stays as the model wrote it."""
    kept, _, server = run(tmp_path, "--no-restate", "--solve-samples", "0")
    [pair] = kept
    assert pair["question"].strip() == QUESTION
    assert "restate" not in pair["verification"]["detail"]
    assert not any(r.prompt.startswith("An exercise asks for") for r in server.requests)
