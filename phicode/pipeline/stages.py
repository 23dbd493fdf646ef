"""The pipeline's stages after mining, in order, each with its stored unit.

1. :class:`SynthStage`: a snippet -> a question and tests verified in the sandbox
   with the repair loop, the question restated from the final tests;
2. :class:`FidelityStage`: blind solves from the question alone (``solve_rate``);
   tests no informed answer passes, or called in a form no example shows, are
   stated in the question or dropped (:mod:`phicode.filters.fidelity`);
3. :class:`CasesStage`: the pair's checks as data for the case judge;
4. :class:`MutationStage`: the known wrong programs (mutants, trivial baselines)
   against the tests; inputs that reject survivors are added as tests and examples
   (:mod:`phicode.filters.adequacy`; ``--no-strengthen`` turns that off); then
   ``mutation_score``, ``adequacy`` and the filters' verdicts.

What a stage is, and how its units are resumed, is :mod:`phicode.pipeline.stage`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING, Any

from phicode.filters.reasons import FilterReason, Verdict
from phicode.generate.config import BackendKind
from phicode.languages import language_named
from phicode.pipeline.stage import Dropped, Stage, record_json
from phicode.records import Pair, PairCase, Rejection, Snippet

if TYPE_CHECKING:
    from phicode.filters.adequacy import AddedTests
    from phicode.filters.fidelity import Aligned
    from phicode.pipeline.config import PipelineConfig
    from phicode.pipeline.funnel import Funnel
    from phicode.pipeline.workbench import Workbench


def sandbox_parts(config: PipelineConfig) -> dict[str, Any]:
    """What every stage that runs jobs depends on: the harness in the image, the
    limits that decide outcomes and how the case judge compares values."""
    from phicode.cases import judge
    from phicode.sandbox.image import harness_hash

    return {
        "harness": harness_hash(),
        "limits": config.sandbox.outcome_limits(),
        "compare": judge.COMPARE,
    }


def _drop(pair: Pair, verdict: Verdict, funnel: Funnel) -> Dropped:
    """A pair a filter drops (fidelity's verdicts are counted as the filter's)."""
    reason = verdict.reason.value
    funnel.filtered[reason] += 1
    rejection = Rejection(stage="filter", reason=reason, detail=verdict.detail)
    return Dropped(rejection.line(pair.to_dict()))


# --- synth ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class SynthUnit:
    """A snippet's verified pair, or the line that says why there is none."""

    pair: Pair | None = None
    rejected_line: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        if self.pair is not None:
            return {"pair": self.pair.to_dict()}
        return {"rejected_line": self.rejected_line}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SynthUnit:
        if "pair" in data:
            return cls(pair=Pair.from_dict(data["pair"]))
        return cls(rejected_line=data["rejected_line"])


class SynthStage(Stage[Snippet, SynthUnit]):
    name = "synth"
    item_type = Snippet
    unit_type = SynthUnit

    def parts(self, config: PipelineConfig) -> dict[str, Any]:
        from phicode.generate import clean
        from phicode.generate.synth import synth_version
        from phicode.pipeline.workbench import load_prompts

        model = config.model
        repair = model.repair
        parts = {
            "backend": model.backend.value,
            "synthesizer": synth_version(model, load_prompts(config)),
            "clean": clean.VERSION,
            "drop": [repair.drop_failing, repair.min_kept, repair.min_share],
            **sandbox_parts(config),
        }
        for name in config.mine.languages:  # how the languages that compose pairs do it
            language = language_named(name)
            if language.composes_pairs:
                parts[language.composer_part] = language.composer_version
        if model.backend is not BackendKind.TEMPLATE:
            from phicode.generate.backends import weights_parts

            parts |= {"model": model.model or "", "params": asdict(model.params)}
            parts |= weights_parts(model)
        return parts

    def reads(self, item: Snippet, config: PipelineConfig) -> tuple[str, ...]:
        return (record_json(item),)

    def batch_size(self, config: PipelineConfig) -> int:
        return config.model.snippets_per_batch

    def one_batch_per_node(self, config: PipelineConfig) -> bool:
        return config.model.backend is not BackendKind.TEMPLATE

    def compute(self, items: Sequence[Snippet], bench: Workbench) -> list[SynthUnit]:
        return [
            SynthUnit(pair=result.pair)
            if result.pair
            else SynthUnit(rejected_line=result.rejected_line())
            for result in bench.synthesizer().run(items)
        ]

    def advance(
        self, item: Snippet, unit: SynthUnit, config: PipelineConfig, funnel: Funnel
    ) -> Pair | Dropped:
        if unit.pair is None:
            assert unit.rejected_line is not None
            funnel.synth_rejected[unit.rejected_line["rejected"]["reason"]] += 1
            return Dropped(unit.rejected_line)
        funnel.verified += 1
        verification = unit.pair.verification
        funnel.repaired += bool(verification and verification.attempts > 1)
        return unit.pair


# --- fidelity ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class FidelityUnit:
    """A pair after alignment, its blind-solve counts, and the filter's verdict if any."""

    pair: Pair
    solved: int
    samples: int
    stated: int
    dropped: int
    verdict: Verdict | None = None
    wrong: tuple[str, ...] = ()  # failed blind answers' code: ``export --format dpo`` reads it

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "pair": self.pair.to_dict(),
            "solved": self.solved,
            "samples": self.samples,
            "aligned": {"stated": self.stated, "dropped": self.dropped},
        }
        if self.wrong:
            out["wrong"] = list(self.wrong)
        if self.verdict is not None:
            out["verdict"] = {"reason": self.verdict.reason.value, "detail": self.verdict.detail}
        return out

    @classmethod
    def of(cls, done: Aligned) -> FidelityUnit:
        """What :func:`~phicode.filters.fidelity.align` found, as the state keeps it."""
        return cls(
            pair=done.pair, solved=done.solved, samples=done.samples, stated=len(done.stated),
            dropped=len(done.dropped), verdict=done.verdict, wrong=done.wrong,
        )  # fmt: skip

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FidelityUnit:
        verdict = data.get("verdict")
        return cls(
            pair=Pair.from_dict(data["pair"]),
            solved=data["solved"],
            samples=data["samples"],
            stated=data["aligned"]["stated"],
            dropped=data["aligned"]["dropped"],
            verdict=Verdict(FilterReason(verdict["reason"]), verdict["detail"])
            if verdict
            else None,
            wrong=tuple(data.get("wrong", ())),
        )


class FidelityStage(Stage[Pair, FidelityUnit]):
    name = "fidelity"
    item_type = Pair
    unit_type = FidelityUnit

    def wanted(self, config: PipelineConfig) -> bool:
        """Without blind answers (template, ``--solve-samples 0``) the call forms alone
        align the tests, unless ``--no-restate`` keeps questions as drafted."""
        return bool(config.samples or config.model.restate)

    def parts(self, config: PipelineConfig) -> dict[str, Any]:
        from phicode.filters import fidelity

        parts = {
            "fidelity": fidelity.VERSION,
            "min_kept": config.model.repair.min_kept,
            **sandbox_parts(config),
        }
        if config.samples:
            from phicode.filters import agreement
            from phicode.generate.backends import weights_parts
            from phicode.pipeline.workbench import load_prompts

            prompts = load_prompts(config)
            model = config.model
            parts |= {
                "agreement": agreement.VERSION,
                "solver": [model.backend.value, config.solver_model or model.model or ""],
                **weights_parts(model),
                "samples": config.samples,
                "settle": [agreement.SETTLE, config.solve_round_size],
                "params": asdict(model.params),
                "solve": prompts.tag("solve") if prompts else "",
            }
        return parts

    def reads(self, item: Pair, config: PipelineConfig) -> tuple[str, ...]:
        return (record_json(item),)  # its unit holds the whole pair

    def batch_size(self, config: PipelineConfig) -> int:
        return config.model.snippets_per_batch

    def one_batch_per_node(self, config: PipelineConfig) -> bool:
        return True

    def compute(self, items: Sequence[Pair], bench: Workbench) -> list[FidelityUnit]:
        from phicode.filters.fidelity import align

        config = bench.config
        drafted = [pair for pair in items if not _composed(pair)]
        answers = (
            bench.solver().solve(drafted) if config.samples and drafted else [[] for _ in drafted]
        )
        min_tests = config.model.repair.min_kept
        aligned = iter(
            FidelityUnit.of(align(bench.pool, pair, given, min_tests))
            for pair, given in zip(drafted, answers, strict=True)
        )
        # a composed pair states every case it tests already: it passes as it is
        return [_as_is(pair) if _composed(pair) else next(aligned) for pair in items]

    def advance(
        self, item: Pair, unit: FidelityUnit, config: PipelineConfig, funnel: Funnel
    ) -> Pair | Dropped:
        funnel.blind["passed"] += unit.solved
        funnel.blind["failed"] += unit.samples - unit.solved
        funnel.aligned.update({"stated": unit.stated, "dropped": unit.dropped})
        if unit.verdict is not None:
            return _drop(unit.pair, unit.verdict, funnel)
        return unit.pair


def _composed(pair: Pair) -> bool:
    """Whether the pair's language composed it whole (cases and scores included)."""
    return language_named(pair.language).composes_pairs


def _as_is(pair: Pair) -> FidelityUnit:
    return FidelityUnit(pair=pair, solved=0, samples=0, stated=0, dropped=0)


# --- cases ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class CasesUnit:
    """The cases of a pair's final tests."""

    cases: tuple[PairCase, ...]
    branch_coverage: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "cases": [c.to_dict() for c in self.cases],
            "branch_coverage": self.branch_coverage,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CasesUnit:
        return cls(
            cases=tuple(PairCase.from_dict(c) for c in data["cases"]),
            branch_coverage=data.get("branch_coverage"),
        )


class CasesStage(Stage[Pair, CasesUnit]):
    """Each pair's checks as data (:mod:`phicode.generate.oracle.derive`): from here on
    (mutation, and every later re-verification) the case judge decides too."""

    name = "cases"
    item_type = Pair
    unit_type = CasesUnit

    def parts(self, config: PipelineConfig) -> dict[str, Any]:
        from phicode.generate.oracle import derive

        return {"cases": derive.VERSION, **sandbox_parts(config)}

    def reads(self, item: Pair, config: PipelineConfig) -> tuple[str, ...]:
        return (item.solution, item.tests, item.entry_point)

    def compute(self, items: Sequence[Pair], bench: Workbench) -> list[CasesUnit]:
        from phicode.generate.oracle.derive import derive

        units = []
        for pair in items:
            if _composed(pair):  # its cases were chosen where it was composed
                coverage = pair.verification.branch_coverage if pair.verification else None
                units.append(CasesUnit(cases=pair.cases, branch_coverage=coverage))
                continue
            found = derive(bench.pool, pair)
            units.append(CasesUnit(cases=found.cases, branch_coverage=found.branch_coverage))
        return units

    def advance(
        self, item: Pair, unit: CasesUnit, config: PipelineConfig, funnel: Funnel
    ) -> Pair | Dropped:
        assert item.verification is not None
        verification = replace(item.verification, branch_coverage=unit.branch_coverage)
        return replace(item, cases=unit.cases, verification=verification)


# --- mutation ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class MutationUnit:
    """What the known wrong programs did against the final tests
    (:mod:`phicode.filters.adequacy`), and the tests added to get there (None: none)."""

    score: float | None
    total: int
    baselines: tuple[str, ...] = ()  # the trivial programs that pass the tests
    adequacy: float | None = None
    added: AddedTests | None = None
    question: str | None = None  # without the promises no final case shows (None: as it was)
    notes: tuple[str, ...] = ()  # what was removed from it

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"score": self.score, "total": self.total, "adequacy": self.adequacy}
        if self.baselines:
            out["baselines"] = list(self.baselines)
        if self.added is not None:
            out["added"] = self.added.to_dict()
        if self.question is not None:
            out |= {"question": self.question, "notes": list(self.notes)}
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MutationUnit:
        from phicode.filters.adequacy import AddedTests

        added = data.get("added")
        return cls(
            score=data["score"],
            total=data["total"],
            baselines=tuple(data.get("baselines", ())),
            adequacy=data.get("adequacy"),
            added=AddedTests.from_dict(added) if added else None,
            question=data.get("question"),
            notes=tuple(data.get("notes", ())),
        )


class MutationStage(Stage[Pair, MutationUnit]):
    name = "mutation"
    item_type = Pair
    unit_type = MutationUnit

    def parts(self, config: PipelineConfig) -> dict[str, Any]:
        from phicode.filters import adequacy, baselines, claims, mutation, shortcuts, strengthen

        parts = {
            "mutation": mutation.VERSION,
            "baselines": baselines.VERSION,
            "adequacy": adequacy.VERSION,
            "claims": claims.VERSION,
            "max_mutants": config.max_mutants,
            **sandbox_parts(config),
        }
        if config.strengthen:
            parts |= {"strengthen": strengthen.VERSION, "shortcuts": shortcuts.VERSION}
        return parts

    def reads(self, item: Pair, config: PipelineConfig) -> tuple[str, ...]:
        cases = json.dumps([c.to_dict() for c in item.cases], sort_keys=True)
        # the question: an added input may become a worked example; its promises are
        # checked against the final cases
        return (item.solution, item.tests, item.entry_point, cases, item.question)

    def compute(self, items: Sequence[Pair], bench: Workbench) -> list[MutationUnit]:
        from phicode.filters.adequacy import harden
        from phicode.filters.claims import check_claims
        from phicode.mutate import MutationTester

        tester = MutationTester(bench.pool, bench.config.max_mutants)
        units = []
        for pair in items:
            if _composed(pair):  # scored where its cases were chosen
                verification = pair.verification
                units.append(MutationUnit(
                    score=verification.mutation_score if verification else None, total=0,
                    adequacy=verification.adequacy if verification else None,
                ))  # fmt: skip
                continue
            found = harden(bench.pool, pair, tester, add=bench.config.strengthen)
            final = found.added.apply(pair) if found.added is not None else pair
            checked = check_claims(final)
            unit = MutationUnit(
                score=found.score, total=found.total, baselines=found.baselines,
                adequacy=found.adequacy, added=found.added,
                question=checked.question if checked.notes else None, notes=checked.notes,
            )  # fmt: skip
            units.append(unit)
        return units

    def advance(
        self, item: Pair, unit: MutationUnit, config: PipelineConfig, funnel: Funnel
    ) -> Pair | Dropped:
        """The pair with its scores, then the filters' verdicts."""
        from phicode.filters.agreement import solve_rate_verdict
        from phicode.filters.baselines import baseline_verdict
        from phicode.filters.mutation import mutation_verdict
        from phicode.generate.repair import with_notes

        assert item.verification is not None  # synth output is always verified
        pair = item
        if unit.added is not None:
            funnel.strengthened += 1
            pair = unit.added.apply(pair)
        assert pair.verification is not None
        verification = replace(pair.verification, mutation_score=unit.score, adequacy=unit.adequacy)
        if unit.question is not None:
            pair = replace(pair, question=unit.question)
            detail = with_notes(verification.detail, unit.notes)
            verification = replace(verification, detail=detail)
        pair = pair.with_verification(verification)
        verdict = mutation_verdict(unit.score, config.mutation_threshold) or baseline_verdict(
            list(unit.baselines)
        )
        if verdict is None and verification.solve_rate is not None:
            verdict = solve_rate_verdict(
                verification.solve_rate, config.min_solve_rate, config.max_solve_rate
            )
        return _drop(pair, verdict, funnel) if verdict is not None else pair


STAGES: tuple[Stage[Any, Any], ...] = (SynthStage(), FidelityStage(), CasesStage(), MutationStage())
BY_NAME: dict[str, Stage[Any, Any]] = {stage.name: stage for stage in STAGES}

__all__ = [
    "BY_NAME",
    "STAGES",
    "CasesStage",
    "CasesUnit",
    "FidelityStage",
    "FidelityUnit",
    "MutationStage",
    "MutationUnit",
    "SynthStage",
    "SynthUnit",
    "sandbox_parts",
]
