"""The model drafter: a model writes the question and the tests, cleaned mechanically.

One ``generate`` call for the questions of a batch and one for its tests, so a
batching backend sees many prompts at once. The question is cleaned and
checked (:mod:`phicode.generate.clean.questions`), the tests made a pytest
module that imports ``solution`` (:mod:`phicode.generate.clean.tests`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from phicode.generate.backends.base import ModelBackend
from phicode.generate.clean import (
    Parsed,
    ParseFailure,
    check_question,
    clean_question,
    clean_tests,
)
from phicode.generate.config import GenerationParams
from phicode.generate.draft import Draft
from phicode.generate.drafters.base import Item, Rejected
from phicode.generate.prompts import Prompts
from phicode.records import Generator

QUESTION_TOKENS = 128
TESTS_TOKENS = 256
# Where a small model's question turns into an answer: a code fence, an
# implementation/explanation heading, "Here's ...". Generation stops there (saves
# tokens; the cleaner would cut it anyway).
QUESTION_STOP = (
    "```",
    "\nHere's",
    "\nHere is",
    "### Implementation",
    "### Solution",
    "### Explanation",
)
# A test answer is over when the model starts explaining it or repeats the module.
TESTS_STOP = ("\n```\n", "\nThis test", "\nExplanation", "if __name__")


@dataclass(frozen=True, slots=True)
class RawAnswers:
    """What the model wrote for one item, before cleaning."""

    question: str
    tests: str


class ModelDrafter:
    """Asks a model for a question and tests per snippet."""

    def __init__(
        self,
        backend: ModelBackend,
        prompts: Prompts | None = None,
        params: GenerationParams | None = None,
    ) -> None:
        self.backend = backend
        self.prompts = prompts or Prompts()
        self.params = params or GenerationParams()

    @property
    def version(self) -> str:
        return self.prompts.tag("question", "tests")

    def draft(self, items: Sequence[Item]) -> list[Draft | Rejected]:
        return [self.assemble(item, raw) for item, raw in zip(items, self.ask(items), strict=True)]

    def ask(self, items: Sequence[Item]) -> list[RawAnswers]:
        """The model's raw question and tests for every item (two ``generate`` calls)."""
        if not items:
            return []
        questions = self.backend.generate(
            [self._prompt("question", item) for item in items], question_params(self.params)
        )
        tests = self.backend.generate(
            [self._prompt("tests", item) for item in items], tests_params(self.params)
        )
        return [RawAnswers(q, t) for q, t in zip(questions, tests, strict=True)]

    def assemble(self, item: Item, raw: RawAnswers, *, lenient: bool = False) -> Draft | Rejected:
        """The cleaned draft. ``lenient``: unusable tests are no rejection (the oracle
        completes the calls found in the raw answer, or the snippet's own inputs)."""
        info = item.info
        question = clean_question(raw.question, info)
        if isinstance(question, ParseFailure):
            return Rejected(question.reason, question.detail, raw.question)
        checked = check_question(question.text, info, item.snippet.code)
        if isinstance(checked, ParseFailure):
            return Rejected(checked.reason, checked.detail, raw.question)
        tests = clean_tests(raw.tests, info)
        if isinstance(tests, ParseFailure):
            if not lenient:
                return Rejected(tests.reason, tests.detail, raw.tests)
            tests = Parsed("", (f"model tests unusable ({tests.reason})",))
        return Draft(
            snippet=item.snippet,
            info=info,
            question=checked.text,
            tests=tests.text,
            generator=self.generator(),
            notes=question.fixes + checked.fixes + tests.fixes,
        )

    def generator(self) -> Generator:
        return Generator(backend=self.backend.name, model=self.backend.model, prompt=self.version)

    def _prompt(self, task: str, item: Item) -> str:
        return self.prompts.render(
            task,
            entry_point=item.info.name,
            signature=item.info.signature,
            code=item.snippet.code.rstrip(),
            question="",
        )


def question_params(params: GenerationParams) -> GenerationParams:
    """A question is prose: a smaller budget, and a code fence ends it (no code in questions)."""
    return replace(
        params,
        max_new_tokens=min(params.max_new_tokens, QUESTION_TOKENS),
        stop=(*params.stop, *QUESTION_STOP),
    )


def tests_params(params: GenerationParams) -> GenerationParams:
    """Calls are what count (the oracle writes the values): a tighter budget."""
    return replace(
        params,
        max_new_tokens=min(params.max_new_tokens, TESTS_TOKENS),
        stop=(*params.stop, *TESTS_STOP),
    )
