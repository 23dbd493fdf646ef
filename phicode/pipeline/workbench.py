"""What a stage computes with, wherever it runs: a sandbox pool and, when a unit needs
one, a model.

The driver (:mod:`phicode.pipeline.driver`) decides which units are missing from the
state; an executor hands them to a stage's ``compute`` with a :class:`Workbench`
(:mod:`phicode.pipeline.stage`). The local executor has one workbench; the Ray
executor (:mod:`phicode.pipeline.cluster`) has one per node. A workbench holds
resources only: what a unit *is* belongs to its stage.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from phicode.generate.config import BackendKind
from phicode.generate.prompts import Prompts
from phicode.pipeline.config import PipelineConfig
from phicode.sandbox.runner import JobRunner


def load_prompts(config: PipelineConfig) -> Prompts | None:
    """The prompt templates (``--prompts``); None for the template backend."""
    if config.model.backend is BackendKind.TEMPLATE:
        return None
    return Prompts(config.model.prompts_dir)


class Workbench:
    """A pool and, loaded on first use, the model backend, the blind solver and the
    synthesizer, so a run whose units are all in the state never loads a model.
    :meth:`close` releases them (the pool belongs to the caller)."""

    def __init__(self, config: PipelineConfig, pool: JobRunner) -> None:
        self.config = config
        self.pool = pool
        self._prompts = load_prompts(config)
        self._backend: Any = None
        self._backend_made = False
        self._solver: Any = None
        self._synthesizer: Any = None
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

    def synthesizer(self) -> Any:
        """The :class:`~phicode.generate.synth.Synthesizer` the model settings ask for."""
        if self._synthesizer is None:
            from phicode.generate.synth import Synthesizer

            self._synthesizer = Synthesizer.for_config(
                self.config.model, self.backend(), self.pool, self._prompts
            )
        return self._synthesizer

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
                prompts=self._prompts, round_size=self.config.solve_round_size,
            )  # fmt: skip
        return self._solver

    def close(self) -> None:
        while self._closers:
            self._closers.pop()()


__all__ = ["Workbench", "load_prompts"]
