"""The default synthesis path (model + oracle + restate) on an in-process pool, without Docker.

The model is scripted (a :class:`ModelBackend` that answers by the prompt's
task), so each test can say exactly what a model wrote, including the answers
a real model gives on a bad day: empty, cut off, in another language, code
instead of prose, a prompt injection. Every snippet must end as a verified pair
or a rejection with a declared reason, never a crash, and a kept question must
state what its tests check. Real models and the real sandbox are exercised in
``test_generate_hf.py``, ``test_generate_openai.py`` and ``test_pipeline.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from phicode.generate import Synthesizer
from phicode.generate.backends.base import ModelBackend
from phicode.generate.clean import ParseReason, QuestionReason, shows_code
from phicode.generate.codeinfo import function_info
from phicode.generate.config import GenerationParams, RepairConfig
from phicode.generate.oracle import complete as oracle_complete
from phicode.generate.reasons import SynthReason
from phicode.generate.restate import claimed_raises, drop_instructions
from phicode.records import Snippet, Source
from tests.local_pool import LocalPool

FIXTURES = Path(__file__).parent / "fixtures" / "model_outputs"

CLAMP = '''def clamp(value, low, high):
    """Limit value to the range [low, high]."""
    if low > high:
        raise ValueError("low must not exceed high")
    return max(low, min(value, high))
'''
QUESTION = (
    "Write a Python function `clamp(value, low, high)` that returns value limited to the range "
    "from low to high. It should handle negative numbers and raise TypeError if the number is "
    "negative. Additionally, write a test case with a different range."
)
TESTS = """```python
from solution import clamp

def test_inside():
    assert clamp(5, 0, 10) == 5

def test_below():
    assert clamp(-3, 0, 10) == 0

def test_bad_range():
    assert clamp(1, 5, 2) == 1
```"""
REWRITE = (
    "Write a Python function `clamp(value, low, high)` that returns value limited to the "
    "closed range from low to high: values below low give low, values above high give high. "
    "If low is greater than high it raises ValueError."
)

Answer = Callable[[str], str]


class ScriptedModel(ModelBackend):
    """Answers each prompt by its task; records what it was asked."""

    name = "openai"

    def __init__(self, **answers: str | Answer) -> None:
        self.answers = answers
        self.asked: list[str] = []

    @property
    def model(self) -> str:
        return "scripted"

    def generate(self, prompts: list[str], params: GenerationParams) -> list[str]:
        return [self._one(prompt) for prompt in prompts]

    def _one(self, prompt: str) -> str:
        task = _task(prompt)
        self.asked.append(task)
        answer = self.answers.get(task, "")
        return answer(prompt) if callable(answer) else answer


def _task(prompt: str) -> str:
    if prompt.startswith("Here is a Python function:"):
        return "question"
    if "Write pytest tests for" in prompt:
        return "tests"
    if prompt.startswith("An exercise asks for"):
        return "restate"
    if prompt.startswith("Solve this programming exercise"):
        return "solve"
    return "repair"


def clamp_snippet() -> Snippet:
    source = Source(
        repo="r", path="numbers.py", commit=None, start_line=1, end_line=5, license="MIT"
    )
    return Snippet(id="clamp0001", entry_point="clamp", code=CLAMP, source=source)


@pytest.fixture
def pool() -> Iterator[LocalPool]:
    with LocalPool(workers=2) as local:
        yield local


def synthesize(pool: LocalPool, model: ScriptedModel, **options: object):
    synthesizer = Synthesizer.for_backend(
        model,
        pool,
        repair=RepairConfig(rounds=1),
        **options,  # type: ignore[arg-type]
    )
    return synthesizer.synthesize(clamp_snippet())


def test_the_default_path_takes_the_models_rewrite_and_states_the_exception(pool) -> None:
    model = ScriptedModel(question=QUESTION, tests=TESTS, restate=REWRITE)
    pair = synthesize(pool, model)
    assert pair.verification.passed, pair
    assert model.asked.count("restate") == 1
    assert pair.question.startswith(REWRITE)
    # the oracle wrote the values: clamp(1, 5, 2) raises, so the test expects the raise
    assert "pytest.raises(ValueError" in pair.tests
    assert "clamp(1, 5, 2) == 1" not in pair.tests
    # examples come from the tests' first calls (the model's typical ones), not the smallest
    assert "- `clamp(5, 0, 10)` returns `5`." in pair.question
    assert "ValueError" in pair.question and "TypeError" not in pair.question
    assert "rewritten by the model" in pair.verification.detail
    assert oracle_complete.VERSION in pair.generator.prompt


@pytest.mark.parametrize(
    "name",
    sorted(p.stem for p in FIXTURES.glob("restate_*.txt")),
)
def test_a_bad_rewrite_keeps_the_question_and_the_mechanical_rules_still_apply(
    pool, name: str
) -> None:
    """Recorded bad answers to the restate prompt: the draft's question stays, without its
    contradicted claim and its stray instruction, with the exception and examples added."""
    bad = (FIXTURES / f"{name}.txt").read_text()
    pair = synthesize(pool, ScriptedModel(question=QUESTION, tests=TESTS, restate=bad))
    assert pair.verification.passed, pair
    assert "restate: model rewrite unusable" in pair.verification.detail
    question = pair.question
    assert not shows_code(question, function_info(CLAMP, "clamp"))
    assert "TypeError" not in question  # the snippet never raises it: the claim went
    assert "write a test case" not in question.lower()
    assert "ValueError" in question and "`clamp(" in question
    assert "ignore" not in question.lower()


def test_without_restate_the_question_stays_as_the_model_wrote_it(pool) -> None:
    model = ScriptedModel(question=QUESTION, tests=TESTS, restate=REWRITE)
    pair = synthesize(pool, model, restate=False)
    assert pair.verification.passed
    assert pair.question.strip() == QUESTION
    assert "restate" not in model.asked


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        ("", ParseReason.EMPTY_OUTPUT),
        ("```python\ndef clamp(v, lo, hi):\n    return v\n```", ParseReason.QUESTION_TOO_SHORT),
        ("Write a Python function `clamp(value, low, high)` that", QuestionReason.CUT_OFF),
        ((FIXTURES / "restate_french.txt").read_text(), QuestionReason.NOT_ENGLISH),
        (
            "写一个 Python 函数 `clamp(value, low, high)`，返回 value 限制在 low 和 high 之间的值。"
            " Write it.",
            QuestionReason.NOT_ENGLISH,
        ),
    ],
    ids=["empty", "only-code", "cut-off", "french", "chinese"],
)
def test_a_bad_question_is_a_rejection_with_its_reason(pool, question, reason) -> None:
    rejection = synthesize(pool, ScriptedModel(question=question, tests=TESTS))
    assert not hasattr(rejection, "verification"), rejection
    assert rejection.stage == "synth"
    assert rejection.reason == reason.value


@pytest.mark.parametrize(
    "tests",
    ["", "```python\nfrom solution import clamp\ndef test_x(:\n```", "I cannot help with that."],
    ids=["empty", "syntax-error", "refusal"],
)
def test_unusable_model_tests_are_replaced_by_the_oracle(pool, tests: str) -> None:
    """With the oracle (the default) the snippet's own inputs still make tests."""
    pair = synthesize(pool, ScriptedModel(question=QUESTION, tests=tests, restate=REWRITE))
    assert pair.verification.passed, pair
    assert pair.verification.tests_total >= 3


@pytest.mark.docker
def test_hostile_model_tests_never_pass_as_they_are(sandbox_pool) -> None:
    """Tests that try to end the run early (faking success) are no pass: the oracle's
    calls are taken from them, their own statements are not run as written. (The real
    sandbox: an in-process pool would itself be ended by ``os._exit``.)"""
    pool = sandbox_pool
    hostile = (
        "```python\nimport os\nfrom solution import clamp\n\n"
        "def test_escape():\n    os._exit(0)\n    assert clamp(1, 0, 2) == 99\n```"
    )
    result = synthesize(pool, ScriptedModel(question=QUESTION, tests=hostile, restate=REWRITE))
    if hasattr(result, "verification"):
        assert "os._exit" not in result.tests
        assert "== 99" not in result.tests
    else:
        assert result.reason in {r.value for r in SynthReason} | {r.value for r in ParseReason}


def test_the_mechanical_rules_alone_on_the_issue_examples() -> None:
    notes: list[str] = []
    text = drop_instructions(QUESTION, notes)
    assert "Additionally" not in text and text.startswith("Write a Python function")
    assert claimed_raises(text) == {"TypeError"}
    assert notes == ["restate: removed 1 instruction(s) that are not part of the task"]


NOISY = '''def jitter(x):
    """x plus a little noise."""
    import random

    return x + random.random()
'''


def test_oracle_drafts_that_fail_are_not_sent_back_to_the_model(pool) -> None:
    """Oracle tests take their values from the snippet; when they fail on a rerun the snippet
    is not deterministic, and the model is not asked to repair what it did not write."""
    model = ScriptedModel(
        question="Write a Python function `jitter(x)` that returns x plus a random amount "
        "between 0 and 1.",
        tests="```python\nfrom solution import jitter\n\ndef test_a():\n    assert jitter(1) == 1\n"
        "\ndef test_b():\n    assert jitter(2) == 2\n\ndef test_c():\n    assert jitter(0) == 0\n```",
        repair="```python\nfrom solution import jitter\n\ndef test_a():\n    assert True\n```",
    )
    snippet = clamp_snippet()
    snippet = Snippet(id="jitter01", entry_point="jitter", code=NOISY, source=snippet.source)
    synthesizer = Synthesizer.for_backend(model, pool, repair=RepairConfig(rounds=2))
    rejection = synthesizer.synthesize(snippet)
    assert not hasattr(rejection, "verification"), rejection
    assert rejection.reason == SynthReason.TESTS_FAILED.value
    assert "repair" not in model.asked


@pytest.mark.parametrize(
    ("name", "entry"),
    [
        ("qwen05b_question_shows_code_1", "partial_ordering"),
        ("qwen05b_question_shows_code_2", "split"),
        ("qwen05b_question_shows_code_3", "rstrip"),
    ],
)
def test_recorded_questions_that_show_code_are_rejected(name: str, entry: str) -> None:
    """Real Qwen2.5-Coder-0.5B answers (question@3) on boltons, from bench/fidelity.py."""
    from phicode.generate.clean import ParseFailure, check_question, clean_question

    code = (FIXTURES / f"{name}.py").read_text()
    info = function_info(code, entry)
    cleaned = clean_question((FIXTURES / f"{name}.txt").read_text(), info)
    if not isinstance(cleaned, ParseFailure):
        cleaned = check_question(cleaned.text, info, code)
    assert isinstance(cleaned, ParseFailure)
    assert cleaned.reason is ParseReason.QUESTION_SHOWS_CODE
