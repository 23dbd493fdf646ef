"""The oracle drafter: the model picks the calls and writes the question, the snippet the values.

A small model chooses sensible inputs but often gets expected values wrong; so
its test answer is completed by the oracle
(:func:`~phicode.generate.oracle.complete.complete_tests`) and the examples its
question shows are checked against the snippet
(:func:`~phicode.generate.oracle.examples.fix_examples`). Unusable model tests
are no rejection here: the calls found in them, or the snippet's own inputs,
still make tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from phicode.generate.clean import QuestionReason
from phicode.generate.draft import Draft
from phicode.generate.drafters.base import Item, Rejected
from phicode.generate.drafters.model import ModelDrafter, RawAnswers
from phicode.generate.oracle import complete
from phicode.generate.oracle.complete import complete_tests
from phicode.generate.oracle.examples import fix_examples
from phicode.generate.oracle.observe import OracleError
from phicode.generate.reasons import SynthReason
from phicode.sandbox.runner import JobRunner, fan_out


class OracleDrafter:
    """A model's draft with oracle-completed tests and true examples."""

    def __init__(self, model: ModelDrafter, pool: JobRunner) -> None:
        self.model = model
        self.pool = pool

    @property
    def version(self) -> str:
        return f"{self.model.version}+{complete.VERSION}"

    def draft(self, items: Sequence[Item]) -> list[Draft | Rejected]:
        answered = list(zip(items, self.model.ask(items), strict=True))
        return fan_out(self.pool, self._one, answered, name="draft")

    def _one(self, answered: tuple[Item, RawAnswers]) -> Draft | Rejected:
        item, raw = answered
        draft = self.model.assemble(item, raw, lenient=True)
        if isinstance(draft, Rejected):
            return draft
        snippet, info = item.snippet, item.info
        try:
            done = complete_tests(
                self.pool, snippet.code, info, raw.tests, draft.tests or None, seed_text=snippet.id
            )
            question = fix_examples(self.pool, snippet.code, info, draft.question)
        except OracleError as exc:
            if draft.tests:
                return draft  # the model's tests alone, as without the oracle
            return Rejected(SynthReason.SNIPPET_FAILS, str(exc))
        if question is None:
            return Rejected(QuestionReason.BAD_EXAMPLES, "no example in the question is valid")
        if done is None:
            if draft.tests:
                return replace(draft, question=question.text)
            return Rejected(SynthReason.NO_CASES, "no call returned a testable value")
        return (
            replace(draft, question=question.text)
            .with_tests(done.tests, *done.notes, *question.fixes)
            .with_prompt(self.version)
        )
