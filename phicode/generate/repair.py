"""The execute-and-test loop: run the tests on the snippet, fix what fails.

The snippet is the ground truth, so a test that fails on it is a wrong test.
Each round runs every draft's tests in the sandbox; a draft that fails first
loses its failing test functions when enough others pass
(:class:`RepairConfig`: ``min_kept`` tests and ``min_share`` of them), and
otherwise goes back to the model with the failing output (``repair.j2``), up to
``rounds`` times. Repairs of a batch of drafts go to the model in one
``generate`` call. ``Verification.attempts`` counts the versions of the tests
that ran in the sandbox.

Usable on its own by ``phicode verify`` (``Repairer.repair_pairs``) when a model
is set.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from phicode.generate.backends.base import ModelBackend
from phicode.generate.clean import Parsed, clean_tests, drop_tests, nodeid_name
from phicode.generate.codeinfo import CodeError, function_info
from phicode.generate.config import GenerationParams, RepairConfig
from phicode.generate.draft import Draft
from phicode.generate.prompts import Prompts
from phicode.judge import run_pair
from phicode.records import Generator, Pair, Snippet, Source, Status, Verification
from phicode.sandbox.result import RunResult
from phicode.sandbox.runner import JobRunner, fan_out

FAILURE_CHARS = 2500
DETAIL_CHARS = 1200  # a pair's detail: the verdict and what was done to the pair


@dataclass(frozen=True, slots=True)
class Checked:
    """A draft and what running its tests on the snippet showed."""

    draft: Draft
    verification: Verification
    result: RunResult

    @property
    def passed(self) -> bool:
        return self.verification.passed


@dataclass
class _Slot:
    draft: Draft
    attempts: int = 0
    model_rounds: int = 0
    last: Checked | None = None
    done: bool = False


class Repairer:
    """Verifies drafts and repairs their tests; a model is optional (drops only without)."""

    def __init__(
        self,
        pool: JobRunner,
        config: RepairConfig | None = None,
        *,
        backend: ModelBackend | None = None,
        prompts: Prompts | None = None,
        params: GenerationParams | None = None,
    ) -> None:
        self.pool = pool
        self.config = config or RepairConfig()
        self.backend = backend
        self.prompts = prompts if prompts is not None or backend is None else Prompts()
        self.params = params or GenerationParams()

    @property
    def version(self) -> str:
        """What changes this loop's output besides the drop settings: the repair prompt's
        version and the number of model rounds, when a model repairs at all."""
        if self.backend is None or self.prompts is None:
            return "drop-failing"
        return f"{self.prompts['repair'].tag}x{self.config.rounds}"

    # -- the loop

    def run(self, drafts: Sequence[Draft]) -> list[Checked]:
        """The final state of every draft, in order: passed, or its last failure."""
        slots = [_Slot(d) for d in drafts]
        for round_number in range(self.config.rounds + 1):
            self._check([s for s in slots if not s.done and s.last is None])
            for slot in slots:
                if not slot.done:
                    self._settle(slot)
            open_slots = [s for s in slots if not s.done]
            if not open_slots or self.backend is None or round_number == self.config.rounds:
                break
            self._model_repair(open_slots, round_number + 1)
        return [self._final(s) for s in slots]

    def check(self, draft: Draft) -> Checked:
        """Run ``draft``'s tests against its snippet once."""
        run = run_pair(self.pool, draft.pair())
        return Checked(draft, run.verification, run.result)

    def _check(self, slots: list[_Slot]) -> None:
        if not slots:
            return
        checks = fan_out(self.pool, lambda s: self.check(s.draft), slots, name="repair")
        for slot, checked in zip(slots, checks, strict=True):
            slot.last, slot.draft = checked, checked.draft
            slot.attempts += 1

    def _settle(self, slot: _Slot) -> None:
        """Passed: done. Failed with enough passing tests: drop the failing ones."""
        assert slot.last is not None
        if slot.last.passed:
            slot.done = True
            return
        dropped = self._drop_failing(slot.last)
        if dropped is None:
            return
        checked = self.check(dropped)
        slot.attempts += 1
        if checked.passed:
            slot.last, slot.draft, slot.done = checked, dropped, True

    def _drop_failing(self, checked: Checked) -> Draft | None:
        if not self.config.drop_failing or checked.verification.status is not Status.FAILED:
            return None
        tests = checked.result.tests
        failing = {nodeid_name(t.nodeid) for t in tests if t.outcome in ("failed", "error")}
        passing = [
            t for t in tests if t.outcome == "passed" and nodeid_name(t.nodeid) not in failing
        ]
        if len(passing) < self.config.min_kept or len(passing) < self.config.min_share * len(tests):
            return None
        kept = drop_tests(checked.draft.tests, failing)
        if kept is None:
            return None
        return checked.draft.with_tests(kept, f"dropped {len(failing)} failing test(s)")

    def _model_repair(self, slots: list[_Slot], round_number: int) -> None:
        assert self.backend is not None and self.prompts is not None
        prompts = [self._repair_prompt(s) for s in slots]
        params = replace(self.params, seed=self.params.seed + round_number)
        answers = self.backend.generate(prompts, params)
        tag = self.prompts["repair"].tag
        for slot, answer in zip(slots, answers, strict=True):
            slot.model_rounds += 1
            parsed = clean_tests(answer, slot.draft.info)
            if not isinstance(parsed, Parsed):
                continue  # keep the last tests and their result; the next round tries again
            prompt = slot.draft.generator.prompt
            draft = slot.draft.with_tests(
                parsed.text, f"model repair round {round_number}", *parsed.fixes
            )
            slot.draft = draft.with_prompt(prompt if tag in prompt else f"{prompt}+{tag}")
            slot.last = None

    def _repair_prompt(self, slot: _Slot) -> str:
        assert self.prompts is not None and slot.last is not None
        return self.prompts.render(
            "repair",
            entry_point=slot.draft.info.name,
            code=slot.draft.snippet.code.rstrip(),
            tests=slot.draft.tests.rstrip(),
            failure=failure_text(slot.last.result, slot.last.verification),
        )

    def _final(self, slot: _Slot) -> Checked:
        assert slot.last is not None
        verification = replace(
            slot.last.verification,
            attempts=slot.attempts,
            detail=with_notes(slot.last.verification.detail, slot.draft.notes),
        )
        return Checked(slot.draft, verification, slot.last.result)

    # -- for phicode verify

    def repair_pairs(self, pairs: Sequence[Pair]) -> list[Pair]:
        """Verify pairs and repair their tests; each comes back with its verification.

        A pair whose solution lacks its entry point is returned unchanged with a
        ``rejected`` verification.
        """
        drafts: list[Draft | None] = [_draft_of(p) for p in pairs]
        checked = iter(self.run([d for d in drafts if d is not None]))
        out: list[Pair] = []
        for pair, draft in zip(pairs, drafts, strict=True):
            if draft is None:
                rejected = Verification(
                    status=Status.REJECTED, detail=f"no function {pair.entry_point!r}"
                )
                out.append(pair.with_verification(rejected))
                continue
            c = next(checked)
            out.append(
                replace(
                    pair,
                    tests=c.draft.tests,
                    generator=c.draft.generator,
                    verification=c.verification,
                )
            )
        return out


def _draft_of(pair: Pair) -> Draft | None:
    try:
        info = function_info(pair.solution, pair.entry_point)
    except CodeError:
        return None
    snippet = Snippet(
        id=pair.id,
        entry_point=pair.entry_point,
        code=pair.solution,
        source=pair.source or Source(repo="", path=""),
    )
    generator = pair.generator or Generator(backend="", model="", prompt="")
    return Draft(
        snippet=snippet, info=info, question=pair.question, tests=pair.tests, generator=generator
    )


def failure_text(result: RunResult, verification: Verification) -> str:
    """What the model sees of a failed run: the failing tests' messages, or pytest's output."""
    failed = [t for t in result.tests if t.outcome in ("failed", "error")]
    if failed:
        parts = [f"{nodeid_name(t.nodeid)} FAILED:\n{t.message.strip()}" for t in failed[:6]]
        text = "\n\n".join(parts)
    elif result.collect_errors:
        text = "\n".join(result.collect_errors)
    else:
        text = (result.stdout + "\n" + result.stderr).strip() or verification.detail
    return text[-FAILURE_CHARS:]


def with_notes(detail: str, notes: tuple[str, ...]) -> str:
    """A verification detail with what was done to the pair, clipped to ``DETAIL_CHARS``."""
    if not notes:
        return detail
    text = f"{detail}; {'; '.join(notes)}"
    return text if len(text) <= DETAIL_CHARS else text[: DETAIL_CHARS - 1] + "…"
