"""Resume keys from declared versions: change one part, and exactly the stages that
depend on it rerun.

A base run fills a state folder; each row copies it, changes one prompt, version or
setting, runs again and compares the stages that computed any unit with the row's
expectation. A stage after a changed one reruns only where its input record really
changed (the fidelity stage keeps the whole pair, so a pair whose ``generator``
field names a new prompt version is a new input to it; the cases and mutation
stages read the solution, tests and cases only). Real runs in the sandbox: the
template backend, and a scripted model behind a real local HTTP server.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from phicode.cli import build_parser
from phicode.commands.run import config_from
from phicode.pipeline import run_pipeline
from phicode.resources import data_root
from tests.fake_openai import FakeServer, by_prompt

pytestmark = pytest.mark.docker

CODE = '''def digit_sum(number: int, base: int = 10) -> int:
    """The sum of the digits of a non-negative number in ``base``."""
    if number < 0:
        raise ValueError("number must be non-negative")
    total = 0
    while number:
        total += number % base
        number //= base
    return total
'''
ALL = {"synth", "fidelity", "cases", "mutation"}
Change = Callable[[pytest.MonkeyPatch, Path], list[str]]  # (patch, prompts dir) -> extra args


def _args(*extra: str) -> Change:
    return lambda monkeypatch, prompts: list(extra)


def _version(target: str) -> Change:
    def change(monkeypatch: pytest.MonkeyPatch, prompts: Path) -> list[str]:
        monkeypatch.setattr(target, "changed@0")
        return []

    return change


def _prompt(task: str) -> Change:
    """A new version of one prompt template, in a copy of the prompts folder."""

    def change(monkeypatch: pytest.MonkeyPatch, prompts: Path) -> list[str]:
        path = prompts / f"{task}.j2"
        first, rest = path.read_text().split("\n", 1)
        path.write_text(first.replace("@", "@9", 1) + "\n" + rest)
        return []

    return change


def _run(folder: Path, corpus: Path, state: Path, args: list[str]) -> set[str]:
    """The stages that computed at least one unit in a run over ``corpus``."""
    argv = ["run", str(corpus), "-o", str(folder / "dataset.jsonl"), "--state", str(state)]
    argv += ["--license-allow", "any", "--mine-workers", "1", "--workers", "2", "--no-report"]
    funnel = run_pipeline(config_from(build_parser().parse_args([*argv, *args])))
    assert funnel.kept == 1, "the base case must keep its pair, or later stages never run"
    return {stage for stage, n in funnel.units.items() if n > funnel.reused[stage]}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    (folder / "digits.py").write_text(CODE)
    return folder


def _check_row(
    base_state: Path,
    corpus: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    base_args: list[str],
    change: Change,
    expected: set[str],
) -> None:
    prompts = tmp_path / "prompts"
    shutil.copytree(data_root() / "prompts", prompts)
    state = tmp_path / "state"
    shutil.copytree(base_state, state)
    extra = change(monkeypatch, prompts)
    assert _run(tmp_path, corpus, state, [*base_args, "--prompts", str(prompts), *extra]) == (
        expected
    )


# --- the template backend ------------------------------------------------------------

TEMPLATE = ["--backend", "template", "--max-mutants", "6"]


@pytest.fixture(scope="module")
def template_state(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("template-base")
    prompts = folder / "prompts"
    shutil.copytree(data_root() / "prompts", prompts)
    args = [*TEMPLATE, "--prompts", str(prompts)]
    assert _run(folder, corpus, folder / "state", args) == ALL
    assert _run(folder, corpus, folder / "state", args) == set()  # nothing changed: nothing runs
    return folder / "state"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        # settings that do not decide a unit's result
        (_args("--workers", "1"), set()),
        (_args("--mutation-threshold", "0.9"), set()),  # a filter's bound, applied after
        # declared versions of the code
        (_version("phicode.generate.clean.VERSION"), {"synth"}),
        (_version("phicode.generate.restate.VERSION"), {"synth"}),
        # the template's version is recorded on the pair: the fidelity stage keeps the
        # whole pair, so it reruns too; the cases and the mutants read only the tests
        (_version("phicode.generate.drafters.template.VERSION"), {"synth", "fidelity"}),
        (_version("phicode.filters.fidelity.VERSION"), {"fidelity"}),
        (_version("phicode.generate.oracle.derive.VERSION"), {"cases"}),
        (_version("phicode.filters.mutation.VERSION"), {"mutation"}),
        (_version("phicode.filters.adequacy.VERSION"), {"mutation"}),
        (_version("phicode.filters.strengthen.VERSION"), {"mutation"}),
        (_version("phicode.filters.shortcuts.VERSION"), {"mutation"}),
        (_version("phicode.filters.claims.VERSION"), {"mutation"}),
        (_version("phicode.cases.judge.COMPARE"), ALL),
        # settings that change results
        (_args("--max-mutants", "5"), {"mutation"}),
        (_args("--no-strengthen"), {"mutation"}),
        (_args("--min-tests", "1"), {"synth", "fidelity"}),
        (_args("--timeout", "9"), ALL),  # a sandbox limit that decides outcomes
        (_args("--memory", "400"), ALL),
        # no model: its prompts and sampling are nobody's input
        (_prompt("question"), set()),
        (_prompt("solve"), set()),
        (_args("--temperature", "0.5"), set()),
    ],
    ids=lambda value: ",".join(sorted(value)) or "nothing" if isinstance(value, set) else None,
)
def test_template_run_reruns_exactly_what_depends_on_a_change(
    template_state: Path,
    corpus: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    change: Change,
    expected: set[str],
) -> None:
    _check_row(template_state, corpus, tmp_path, monkeypatch, TEMPLATE, change, expected)


# --- a model (scripted, over HTTP) ---------------------------------------------------

QUESTION = (
    "Write a Python function `digit_sum(number, base=10)` that returns the sum of the digits "
    "of a non-negative integer written in the given base, and raises ValueError for a "
    "negative number."
)
TESTS = """```python
from solution import digit_sum

def test_decimal():
    assert digit_sum(123) == 6

def test_zero():
    assert digit_sum(0) == 0

def test_binary():
    assert digit_sum(5, 2) == 2

def test_hex():
    assert digit_sum(255, 16) == 30
```"""
ANSWER = "```python\n" + CODE + "```"  # a blind answer that passes


_answer = by_prompt(
    [
        ("Here is a Python function:", QUESTION),
        ("Write pytest tests for", TESTS),
        ("Solve this programming exercise", ANSWER),
    ],
    "Sorry, I cannot rewrite this.",
)


@pytest.fixture(scope="module")
def server() -> FakeServer:
    with FakeServer(_answer) as running:
        yield running


def _model_args(server: FakeServer) -> list[str]:
    return [*TEMPLATE[2:], "--backend", "openai", "--base-url", server.url, "--model", "fake-model"]


@pytest.fixture(scope="module")
def model_state(corpus: Path, server: FakeServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("model-base")
    prompts = folder / "prompts"
    shutil.copytree(data_root() / "prompts", prompts)
    args = [*_model_args(server), "--prompts", str(prompts)]
    assert _run(folder, corpus, folder / "state", args) == ALL
    assert _run(folder, corpus, folder / "state", args) == set()
    return folder / "state"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        # the blind answers' prompt and count: the fidelity stage alone
        (_prompt("solve"), {"fidelity"}),
        (_args("--solve-samples", "2"), {"fidelity"}),
        (_version("phicode.filters.agreement.SETTLE"), {"fidelity"}),
        # a server gets every blind answer in one call, settle rule or not
        (_args("--no-settle"), set()),
        # the question prompt: a new synth; the pair records the prompt's version
        (_prompt("question"), {"synth", "fidelity"}),
        (_prompt("restate"), {"synth"}),
        # the oracle's version is recorded on the pair too
        (_version("phicode.generate.oracle.complete.VERSION"), {"synth", "fidelity"}),
        # sampling: the model writes the drafts and the blind answers
        (_args("--temperature", "0.3"), {"synth", "fidelity"}),
        # the oracle's tests are never sent back to the model: its repair rounds and
        # repair prompt change nothing
        (_args("--repair-rounds", "0"), set()),
        (_prompt("repair"), set()),
    ],
    ids=lambda value: ",".join(sorted(value)) or "nothing" if isinstance(value, set) else None,
)
def test_model_run_reruns_exactly_what_depends_on_a_change(
    model_state: Path,
    corpus: Path,
    server: FakeServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    change: Change,
    expected: set[str],
) -> None:
    args = _model_args(server)
    _check_row(model_state, corpus, tmp_path, monkeypatch, args, change, expected)
