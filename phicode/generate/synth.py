"""Snippet -> Pair: a drafter writes a first draft, the repair loop makes its tests pass.

:class:`Synthesizer` is the library API the CLI and the pipeline call. It works
on batches (``run``) so a model sees many prompts per ``generate`` call and the
sandbox checks them in parallel; ``synthesize(snippet)`` is the one-snippet form.
It knows two things only: a :class:`~phicode.generate.drafters.base.Drafter`
and a :class:`~phicode.generate.repair.Repairer`; which model (or none) is
behind them is theirs to know.

Each snippet ends as a :class:`SynthResult`: a verified pair, or a
:class:`Rejection` whose reason is a declared enum value (and the last draft,
when there was one, so ``--rejected`` shows what the model wrote).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from phicode.generate.backends.base import ModelBackend
from phicode.generate.codeinfo import CodeError, FunctionInfo, function_info
from phicode.generate.config import BackendKind, GenerationParams, ModelConfig, RepairConfig
from phicode.generate.draft import Draft
from phicode.generate.drafters import Drafter, Item, Rejected, make_drafter
from phicode.generate.prompts import Prompts
from phicode.generate.reasons import STATUS_REASON, SynthReason
from phicode.generate.repair import Checked, Repairer, with_notes
from phicode.generate.restate import Restater
from phicode.languages import Language, language_named
from phicode.records import Pair, Rejection, Snippet
from phicode.sandbox.runner import JobRunner

STAGE = "synth"


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


class Synthesizer:
    """Turns snippets into verified pairs: a drafter's drafts through the repair loop."""

    def __init__(
        self,
        drafter: Drafter,
        repairer: Repairer,
        *,
        restater: Restater | None = None,
        batch_size: int = 8,
        pool: JobRunner | None = None,
    ) -> None:
        """``restater``: questions brought in line with the final tests (None: as drafted);
        ``pool``: where snippets of another language than Python are composed and verified."""
        self.drafter = drafter
        self.repairer = repairer
        self.restater = restater
        self.batch_size = batch_size
        self.pool = pool

    @classmethod
    def for_backend(
        cls,
        backend: ModelBackend | None,
        pool: JobRunner,
        *,
        prompts: Prompts | None = None,
        params: GenerationParams | None = None,
        repair: RepairConfig | None = None,
        batch_size: int = 8,
        oracle_tests: bool = True,
        restate: bool = True,
    ) -> Synthesizer:
        """The usual assembly: ``backend`` None drafts by template (the repair loop then
        only drops failing tests); a model drafts, with the oracle when ``oracle_tests``
        (failing tests are then dropped, never sent back), else it also repairs its
        tests. ``restate``: questions state what the final tests check."""
        prompts = prompts or (Prompts() if backend is not None else None)
        drafter = make_drafter(
            backend, pool, prompts=prompts, params=params, oracle_tests=oracle_tests
        )
        # Oracle tests take their values from the snippet: one that still fails shows a
        # snippet that is not deterministic, which no model repair can fix (measured on the
        # fidelity corpus: every model repair of an oracle draft failed, at half the time).
        repair_model = None if oracle_tests else backend
        repairer = Repairer(pool, repair, backend=repair_model, prompts=prompts, params=params)
        restater = (
            Restater(pool, backend=backend, prompts=prompts, params=params) if restate else None
        )
        return cls(drafter, repairer, restater=restater, batch_size=batch_size, pool=pool)

    @classmethod
    def for_config(
        cls,
        config: ModelConfig,
        backend: ModelBackend | None,
        pool: JobRunner | None,
        prompts: Prompts | None = None,
    ) -> Synthesizer:
        """:meth:`for_backend` with every setting from ``config`` (``backend``: the model it
        names, None for template): what ``phicode synth`` and the pipeline assemble."""
        return cls.for_backend(
            backend, pool, prompts=prompts, params=config.params, repair=config.repair,
            batch_size=config.snippets_per_batch, oracle_tests=config.oracle_tests,
            restate=config.restate,
        )  # fmt: skip

    @property
    def version(self) -> str:
        """What, besides settings, a result depends on: drafter, repair and restate versions."""
        parts = [self.drafter.version, self.repairer.version]
        if self.restater is not None:
            parts.append(self.restater.version)
        return "+".join(parts)

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

    def _batch(self, snippets: Sequence[Snippet]) -> list[SynthResult]:
        results: dict[int, SynthResult] = {}
        items: dict[int, Item] = {}
        for index, snippet in enumerate(snippets):
            language = language_named(snippet.language)
            if language.composes_pairs:
                results[index] = _composed(self.pool, language, snippet)
                continue
            info = _info(snippet)
            if isinstance(info, FunctionInfo):
                items[index] = Item(snippet, info)
            else:
                results[index] = _rejected(snippet, Rejected(SynthReason.BAD_SNIPPET, info))
        drafts: dict[int, Draft] = {}
        for index, made in zip(items, self.drafter.draft(list(items.values())), strict=True):
            if isinstance(made, Draft):
                drafts[index] = made
            else:
                results[index] = _rejected(snippets[index], made)
        checked = dict(zip(drafts, self.repairer.run(list(drafts.values())), strict=True))
        if self.restater is not None:
            checked = self._restated(checked, snippets, results)
        for index, outcome in checked.items():
            results[index] = _judged(snippets[index], outcome)
        return [results[index] for index in sorted(results)]

    def _restated(
        self,
        checked: dict[int, Checked],
        snippets: Sequence[Snippet],
        results: dict[int, SynthResult],
    ) -> dict[int, Checked]:
        """Passed drafts with their questions restated; the rest as they are."""
        assert self.restater is not None
        passed = [index for index, c in checked.items() if c.passed]
        restated = self.restater.restate([checked[index].draft for index in passed])
        out = dict(checked)
        for index, made in zip(passed, restated, strict=True):
            before = checked[index]
            if isinstance(made, Rejected):
                rejected = _rejected(snippets[index], made)
                draft_pair = before.draft.pair(before.verification)
                results[index] = replace(rejected, draft_pair=draft_pair)
                del out[index]
                continue
            added = made.notes[len(before.draft.notes) :]
            detail = with_notes(before.verification.detail, added)
            out[index] = Checked(made, replace(before.verification, detail=detail), before.result)
        return out


def synth_version(config: ModelConfig, prompts: Prompts | None = None) -> str:
    """:attr:`Synthesizer.version` for ``config``, known without loading a model (the
    pipeline's resume key needs it before it knows whether any snippet is left to do):
    the same assembly as a real run, with a stand-in where the model would be."""
    backend = None if config.backend is BackendKind.TEMPLATE else _NotLoaded()
    if backend is not None and prompts is None:
        prompts = Prompts(config.prompts_dir)
    return Synthesizer.for_config(config, backend, None, prompts).version  # type: ignore[arg-type]


class _NotLoaded:
    """Stands where a model backend goes when only the versions are read."""

    name = model = ""

    def generate(self, *_: Any, **__: Any) -> list[str]:
        raise AssertionError("a version is read without loading a model")

    def close(self) -> None:
        return None


def _info(snippet: Snippet) -> FunctionInfo | str:
    try:
        info = function_info(snippet.code, snippet.entry_point)
    except CodeError as exc:
        return str(exc)
    if info.is_async:
        return f"{snippet.entry_point} is async; only plain functions are supported"
    return info


def _composed(pool: JobRunner | None, language: Language, snippet: Snippet) -> SynthResult:
    """A snippet of a language that composes its pairs from what the code does
    (JavaScript: :mod:`phicode.languages.javascript.synth`; no model writes its question yet)."""
    if pool is None:
        why = f"{snippet.language} snippets need the sandbox to be composed"
        return _rejected(snippet, Rejected(SynthReason.NOT_SYNTHESISED, why))
    made = language.compose(pool, snippet)
    return SynthResult(snippet, pair=made) if isinstance(made, Pair) else _rejected(snippet, made)


def _rejected(snippet: Snippet, rejected: Rejected) -> SynthResult:
    extra = {"raw_output": rejected.raw[:4000]} if rejected.raw is not None else {}
    rejection = Rejection(
        stage=STAGE, reason=str(rejected.reason), detail=rejected.detail, extra=extra
    )
    return SynthResult(snippet, rejection=rejection)


def _judged(snippet: Snippet, checked: Checked) -> SynthResult:
    pair = checked.draft.pair(checked.verification)
    if checked.passed:
        return SynthResult(snippet, pair=pair)
    reason = STATUS_REASON.get(checked.verification.status, SynthReason.TESTS_ERROR)
    rejection = Rejection(stage=STAGE, reason=reason.value, detail=checked.verification.detail)
    return SynthResult(snippet, rejection=rejection, draft_pair=pair)


__all__ = ["STAGE", "SynthReason", "SynthResult", "Synthesizer", "synth_version"]
