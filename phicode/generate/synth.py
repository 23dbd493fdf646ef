"""Snippet -> Pair: ask for a question and tests, clean them, run the repair loop.

:class:`Synthesizer` is the library API the CLI and the pipeline call. It works
on batches (``run``) so a model sees many prompts per ``generate`` call (one
call for the questions of a batch, one for its tests, one per repair round),
and the sandbox checks them in parallel; ``synthesize(snippet)`` is the one-snippet form.

Each snippet ends as a :class:`SynthResult`: a verified pair, or a
:class:`Rejection` whose reason is a :class:`SynthReason` or a
:class:`~phicode.generate.parsing.ParseReason` (and the last draft, when
there was one, so ``--rejected`` shows what the model wrote).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from phicode.generate.backends.base import ModelBackend
from phicode.generate.backends.template import NoCases, OracleError, TemplateBackend
from phicode.generate.codeinfo import CodeError, FunctionInfo, function_info
from phicode.generate.complete import VERSION as ORACLE_VERSION
from phicode.generate.complete import complete_tests
from phicode.generate.config import GenerationParams, RepairConfig
from phicode.generate.draft import Draft
from phicode.generate.parsing import Parsed, ParseFailure, clean_question, clean_tests
from phicode.generate.prompts import Prompts
from phicode.generate.questions import QuestionReason, check_question, fix_examples
from phicode.generate.repair import Checked, Repairer
from phicode.pool import SandboxPool
from phicode.records import Generator, Pair, Rejection, Snippet, Status

STAGE = "synth"


class SynthReason(StrEnum):
    """Why ``phicode synth`` drops a snippet (besides the parse reasons)."""

    BAD_SNIPPET = "bad_snippet"  # does not parse, lacks its entry point, or is async
    SNIPPET_FAILS = "snippet_fails"  # the template oracle could not run it
    NO_CASES = "no_testable_cases"  # the template oracle found no call with a testable result
    TESTS_FAILED = "tests_failed"  # tests still fail on the snippet after the repair loop
    TESTS_ERROR = "tests_error"  # tests do not run (collection error, no tests, early exit)
    TESTS_TIMEOUT = "tests_timeout"
    SANDBOX_CRASHED = "sandbox_crashed"
    INVALID_RECORD = "invalid_record"  # an input line that is no Snippet (CLI)


_STATUS_REASON = {
    Status.FAILED: SynthReason.TESTS_FAILED,
    Status.ERROR: SynthReason.TESTS_ERROR,
    Status.TIMEOUT: SynthReason.TESTS_TIMEOUT,
    Status.CRASHED: SynthReason.SANDBOX_CRASHED,
    Status.REJECTED: SynthReason.TESTS_ERROR,
}


@dataclass(frozen=True, slots=True)
class SynthResult:
    """The outcome for one snippet: ``pair`` (verified, passed) or ``rejection``."""

    snippet: Snippet
    pair: Pair | None = None
    rejection: Rejection | None = None
    draft_pair: Pair | None = None  # what was made before it was rejected

    @property
    def ok(self) -> bool:
        return self.pair is not None

    def rejected_line(self) -> dict[str, Any]:
        """The ``--rejected`` line: the last draft pair (or the snippet) and the reason."""
        assert self.rejection is not None
        record = self.draft_pair.to_dict() if self.draft_pair else self.snippet.to_dict()
        return self.rejection.line(record)


Backend = ModelBackend | TemplateBackend


class Synthesizer:
    """Turns snippets into verified pairs with one backend and one sandbox pool."""

    def __init__(
        self,
        backend: Backend,
        pool: SandboxPool,
        *,
        prompts: Prompts | None = None,
        params: GenerationParams | None = None,
        repair: RepairConfig | None = None,
        batch_size: int = 8,
        oracle_tests: bool = False,
    ) -> None:
        """``oracle_tests``: add the template backend's tests (the snippet's own
        input/output cases) to a model's tests, so a weak test file still pins behaviour."""
        self.backend = backend
        self.pool = pool
        self.oracle = (
            TemplateBackend(pool) if oracle_tests and isinstance(backend, ModelBackend) else None
        )
        self.params = params or GenerationParams()
        self.batch_size = batch_size
        is_model = isinstance(backend, ModelBackend)
        self.prompts = (prompts or Prompts()) if is_model else prompts
        self.repairer = Repairer(
            pool,
            repair,
            backend=backend if is_model else None,
            prompts=self.prompts,
            params=self.params,
        )

    def synthesize(self, snippet: Snippet) -> Pair | Rejection:
        """One snippet: the verified pair, or why there is none."""
        result = next(iter(self.run([snippet])))
        if result.pair is not None:
            return result.pair
        assert result.rejection is not None
        return result.rejection

    def run(self, snippets: Iterable[Snippet]) -> Iterator[SynthResult]:
        """Results in input order, a batch at a time."""
        batch: list[Snippet] = []
        for snippet in snippets:
            batch.append(snippet)
            if len(batch) >= self.batch_size:
                yield from self._batch(batch)
                batch = []
        if batch:
            yield from self._batch(batch)

    # -- one batch

    def _batch(self, snippets: Sequence[Snippet]) -> list[SynthResult]:
        results: list[SynthResult | None] = [None] * len(snippets)
        infos: dict[int, FunctionInfo] = {}
        for index, snippet in enumerate(snippets):
            info_or_reason = _info(snippet)
            if isinstance(info_or_reason, FunctionInfo):
                infos[index] = info_or_reason
            else:
                results[index] = _rejected(snippet, SynthReason.BAD_SNIPPET, info_or_reason)
        drafts = self._drafts(snippets, infos, results)
        checked = self.repairer.run([d for _, d in drafts])
        for (index, _), outcome in zip(drafts, checked, strict=True):
            results[index] = _judged(snippets[index], outcome)
        return [r for r in results if r is not None]

    def _drafts(
        self,
        snippets: Sequence[Snippet],
        infos: dict[int, FunctionInfo],
        results: list[SynthResult | None],
    ) -> list[tuple[int, Draft]]:
        if isinstance(self.backend, TemplateBackend):
            made = self._template_drafts(snippets, infos)
        else:
            made, raws = self._model_drafts(snippets, infos)
            if self.oracle is not None:
                made = self._with_oracle_tests(snippets, infos, made, raws)
        drafts: list[tuple[int, Draft]] = []
        for index, outcome in made.items():
            if isinstance(outcome, Draft):
                drafts.append((index, outcome))
            else:
                results[index] = outcome
        return sorted(drafts, key=lambda item: item[0])

    def _template_drafts(
        self, snippets: Sequence[Snippet], infos: dict[int, FunctionInfo]
    ) -> dict[int, Draft | SynthResult]:
        backend = self.backend
        assert isinstance(backend, TemplateBackend)

        def one(index: int) -> Draft | SynthResult:
            snippet = snippets[index]
            try:
                return backend.draft(snippet, infos[index])
            except NoCases as exc:
                return _rejected(snippet, SynthReason.NO_CASES, str(exc))
            except OracleError as exc:
                return _rejected(snippet, SynthReason.SNIPPET_FAILS, str(exc))

        with ThreadPoolExecutor(
            max_workers=self.pool.size, thread_name_prefix="oracle"
        ) as executor:
            return dict(zip(infos, executor.map(one, infos), strict=True))

    def _with_oracle_tests(
        self,
        snippets: Sequence[Snippet],
        infos: dict[int, FunctionInfo],
        made: dict[int, Draft | SynthResult],
        raws: dict[int, str],
    ) -> dict[int, Draft | SynthResult]:
        """Oracle-complete each draft's tests (:mod:`phicode.generate.complete`) and check
        the examples its question shows against the snippet."""

        def one(index: int) -> Draft | SynthResult:
            draft = made[index]
            if not isinstance(draft, Draft):
                return draft
            snippet, info = snippets[index], infos[index]
            try:
                done = complete_tests(
                    self.pool,
                    snippet.code,
                    info,
                    raws.get(index, ""),
                    draft.tests or None,
                    seed_text=snippet.id,
                )
                question = fix_examples(self.pool, snippet.code, info, draft.question)
            except OracleError as exc:
                if draft.tests:
                    return draft  # the model's tests alone, as without the option
                return _rejected(snippet, SynthReason.SNIPPET_FAILS, str(exc))
            if question is None:
                return _rejected(
                    snippet, QuestionReason.BAD_EXAMPLES, "no example in the question is valid"
                )
            if done is None:
                if draft.tests:
                    return replace(draft, question=question.text)
                return _rejected(snippet, SynthReason.NO_CASES, "no call returned a testable value")
            prompt = f"{draft.generator.prompt}+{ORACLE_VERSION}"
            return (
                replace(draft, question=question.text)
                .with_tests(done.tests, *done.notes, *question.fixes)
                .with_prompt(prompt)
            )

        with ThreadPoolExecutor(
            max_workers=self.pool.size, thread_name_prefix="oracle"
        ) as executor:
            return dict(zip(made, executor.map(one, made), strict=True))

    def _model_drafts(
        self, snippets: Sequence[Snippet], infos: dict[int, FunctionInfo]
    ) -> tuple[dict[int, Draft | SynthResult], dict[int, str]]:
        backend = self.backend
        assert isinstance(backend, ModelBackend) and self.prompts is not None
        order = list(infos)
        if not order:
            return {}, {}
        questions = backend.generate(
            [self._prompt("question", snippets[i], infos[i]) for i in order],
            question_params(self.params),
        )
        tests = backend.generate(
            [self._prompt("tests", snippets[i], infos[i]) for i in order], tests_params(self.params)
        )
        generator = Generator(
            backend=backend.name, model=backend.model, prompt=self.prompts.tag("question", "tests")
        )
        lenient = self.oracle is not None
        made = {
            index: _model_draft(snippets[index], infos[index], question, test, generator, lenient)
            for index, question, test in zip(order, questions, tests, strict=True)
        }
        return made, dict(zip(order, tests, strict=True))

    def _prompt(self, task: str, snippet: Snippet, info: FunctionInfo) -> str:
        assert self.prompts is not None
        return self.prompts.render(
            task,
            entry_point=info.name,
            signature=info.signature,
            code=snippet.code.rstrip(),
            question="",
        )


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


def _model_draft(
    snippet: Snippet,
    info: FunctionInfo,
    question_raw: str,
    tests_raw: str,
    generator: Generator,
    lenient: bool = False,
) -> Draft | SynthResult:
    """``lenient`` (oracle tests on): unusable tests are no rejection, the oracle
    completes the calls found in them (or the snippet's own inputs)."""
    question = clean_question(question_raw, info)
    if isinstance(question, ParseFailure):
        return _rejected(snippet, question.reason, question.detail, raw=question_raw)
    checked = check_question(question.text, info, snippet.code)
    if isinstance(checked, ParseFailure):
        return _rejected(snippet, checked.reason, checked.detail, raw=question_raw)
    tests = clean_tests(tests_raw, info)
    if isinstance(tests, ParseFailure):
        if not lenient:
            return _rejected(snippet, tests.reason, tests.detail, raw=tests_raw)
        tests = Parsed("", (f"model tests unusable ({tests.reason})",))
    return Draft(
        snippet=snippet,
        info=info,
        question=checked.text,
        tests=tests.text,
        generator=generator,
        notes=question.fixes + checked.fixes + tests.fixes,
    )


def _info(snippet: Snippet) -> FunctionInfo | str:
    try:
        info = function_info(snippet.code, snippet.entry_point)
    except CodeError as exc:
        return str(exc)
    if info.is_async:
        return f"{snippet.entry_point} is async; only plain functions are supported"
    return info


def _rejected(snippet: Snippet, reason: str, detail: str, raw: str | None = None) -> SynthResult:
    extra = {"raw_output": raw[:4000]} if raw is not None else {}
    return SynthResult(
        snippet, rejection=Rejection(stage=STAGE, reason=str(reason), detail=detail, extra=extra)
    )


def _judged(snippet: Snippet, checked: Checked) -> SynthResult:
    pair = checked.draft.pair(checked.verification)
    if checked.passed:
        return SynthResult(snippet, pair=pair)
    reason = _STATUS_REASON.get(checked.verification.status, SynthReason.TESTS_ERROR)
    rejection = Rejection(stage=STAGE, reason=reason.value, detail=checked.verification.detail)
    return SynthResult(snippet, rejection=rejection, draft_pair=pair)
