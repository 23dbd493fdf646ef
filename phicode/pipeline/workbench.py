"""One unit of work of each pipeline stage, computed wherever it runs.

The pipeline's driver (:mod:`phicode.pipeline`) decides which units are missing
from the state, and stores and counts what comes back; a :class:`Workbench`
computes them with one sandbox pool and, when a unit needs one, a model. The
local executor has one workbench; the Ray executor (:mod:`phicode.pipeline.cluster`) has
one per node. Every value a workbench returns is the plain JSON the state
stores, so the dataset cannot depend on where a unit was computed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, replace
from typing import Any

from phicode.generate.config import BackendKind
from phicode.generate.prompts import Prompts
from phicode.mutate import MutationTester
from phicode.pipeline.config import PipelineConfig
from phicode.records import Pair, Snippet, content_id
from phicode.sandbox.runner import JobRunner


def load_prompts(config: PipelineConfig) -> Prompts | None:
    """The prompt templates (``--prompts``); None for the template backend."""
    if config.model.backend is BackendKind.TEMPLATE:
        return None
    return Prompts(config.model.prompts_dir)


def generator_fingerprint(config: PipelineConfig, prompts: Prompts | None) -> str:
    """What a synth result depends on besides the snippet: backend, model, the
    versions of the drafter and the repair loop (prompts, oracle, template),
    sampling and repair settings."""
    from phicode.generate.synth import synth_version

    model = config.model
    settings = {
        "params": asdict(model.params),
        "repair": asdict(model.repair),
        "oracle_tests": model.oracle_tests,
    }
    return content_id(
        model.backend.value,
        model.model or "",
        synth_version(model, prompts),
        json.dumps(settings, sort_keys=True),
    )


def mutation_settings(config: PipelineConfig) -> list[str]:
    """The settings a mutation unit depends on (part of its key)."""
    settings = [str(config.max_mutants)]
    if config.strengthen:
        from phicode.filters.strengthen import VERSION as STRENGTHEN_VERSION

        settings += [STRENGTHEN_VERSION, str(config.mutation_threshold)]
    return settings


class Workbench:
    """Computes units of the synth, fidelity, cases and mutation stages on ``pool``.

    The model backend and the blind solver are loaded on first use, so a run
    whose units are all in the state never loads a model. :meth:`close` releases
    them (the pool belongs to the caller).
    """

    def __init__(self, config: PipelineConfig, pool: JobRunner) -> None:
        self.config = config
        self.pool = pool
        self._prompts = load_prompts(config)
        self._backend: Any = None
        self._backend_made = False
        self._solver: Any = None
        self._closers: list[Any] = []

    def backend(self) -> Any:
        """The model backend (None for template), loaded on first use."""
        if not self._backend_made:
            from phicode.generate.backends import make_backend

            self._backend = make_backend(self.config.model)
            self._backend_made = True
            if self._backend is not None:
                self._closers.append(self._backend.close)
        return self._backend

    def close(self) -> None:
        while self._closers:
            self._closers.pop()()

    # --- the units -----------------------------------------------------------------

    def synth(self, snippets: list[Snippet]) -> Iterator[tuple[str, dict[str, Any]]]:
        """(snippet id, stored value) for each snippet, in order, as each is done."""
        from phicode.generate.synth import Synthesizer

        model = self.config.model
        synthesizer = Synthesizer.for_backend(
            self.backend(), self.pool, prompts=self._prompts, params=model.params,
            repair=model.repair, batch_size=model.snippets_per_batch,
            oracle_tests=model.oracle_tests, restate=model.restate,
        )  # fmt: skip
        for result in synthesizer.run(snippets):
            value = (
                {"pair": result.pair.to_dict()}
                if result.pair
                else {"rejected_line": result.rejected_line()}
            )
            yield result.snippet.id, value

    def align(self, pairs: list[Pair]) -> list[dict[str, Any]]:
        """Blind answers and alignment (:mod:`phicode.filters.fidelity`) for each pair."""
        from phicode.filters.fidelity import align

        samples = self.config.samples
        answers = self.solver().solve(pairs) if samples else [[] for _ in pairs]
        values = []
        for pair, given in zip(pairs, answers, strict=True):
            done = align(self.pool, pair, given, self.config.model.repair.min_kept)
            value: dict[str, Any] = {
                "pair": done.pair.to_dict(),
                "solved": done.solved,
                "samples": done.samples,
                "aligned": {"stated": len(done.stated), "dropped": len(done.dropped)},
            }
            if done.verdict is not None:
                value["verdict"] = {
                    "reason": done.verdict.reason.value,
                    "detail": done.verdict.detail,
                }
            values.append(value)
        return values

    def cases(self, pair: Pair) -> dict[str, Any]:
        """The cases of the pair's final tests (:mod:`phicode.cases`)."""
        from phicode.generate.oracle.derive import derive_cases

        return {"cases": [c.to_dict() for c in derive_cases(self.pool, pair)]}

    def mutation(self, pair: Pair) -> dict[str, Any]:
        """The pair's mutation score; with ``--strengthen``, weak tests get oracle tests."""
        tester = MutationTester(self.pool, self.config.max_mutants)
        report = tester.test(pair)
        value: dict[str, Any] = {"score": report.score, "total": report.total}
        threshold = self.config.mutation_threshold
        if self.config.strengthen and report.score is not None and report.score < threshold:
            from phicode.filters.strengthen import strengthen_pair

            value.update(strengthen_pair(self.pool, pair, report, tester))
        return value

    def solver(self) -> Any:
        """The blind solver: the generating model, or ``solver_model`` on the same backend."""
        if self._solver is None:
            from phicode.filters.agreement import AgreementFilter

            backend = self.backend()
            if self.config.solver_model:
                from phicode.generate.backends import make_backend

                backend = make_backend(replace(self.config.model, model=self.config.solver_model))
                self._closers.append(backend.close)
            self._solver = AgreementFilter(
                backend, self.pool, self.config.samples, self.config.model.params,
                prompts=self._prompts,
            )  # fmt: skip
        return self._solver


__all__ = ["Workbench", "generator_fingerprint", "load_prompts", "mutation_settings"]
