"""The settings of ``phicode run`` (:func:`phicode.pipeline.run_pipeline`), in a module
of their own: the CLI reads their defaults without loading the pipeline (and with it
the docker SDK)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from phicode.errors import ConfigError
from phicode.filters.agreement import DEFAULT_SAMPLES as DEFAULT_SOLVE_SAMPLES
from phicode.filters.agreement import SETTLE_ROUND
from phicode.generate.config import BackendKind, ModelConfig
from phicode.mine.config import MineConfig
from phicode.mutate import DEFAULT_MAX_MUTANTS, DEFAULT_THRESHOLD
from phicode.sandbox.config import SandboxConfig


@dataclass(frozen=True, slots=True, kw_only=True)
class PipelineConfig:
    """Everything ``run_pipeline`` needs, as explicit values."""

    paths: tuple[str, ...]
    output: Path
    rejected: Path | None = None
    state_dir: Path | None = None
    limit: int | None = None
    limit_per_repo: int | None = None  # an even sample of a corpus: the first N of each repo
    mine: MineConfig = field(default_factory=MineConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    sandbox: SandboxConfig = field(default_factory=SandboxConfig)
    mutation_threshold: float = DEFAULT_THRESHOLD
    max_mutants: int = DEFAULT_MAX_MUTANTS
    strengthen: bool = True  # add oracle tests on inputs that reject surviving wrong programs
    solve_samples: int | None = None  # None: DEFAULT_SOLVE_SAMPLES with a model, 0 without
    solver_model: str | None = None  # blind answers by another model of the same backend
    min_solve_rate: float = 0.0
    max_solve_rate: float = 1.0
    settle: bool = True  # stop a question's blind answers once one passes every test
    show_progress: bool = False
    report: Path | None = None  # the HTML report; None: report.html beside the output
    write_report: bool = True
    executor: str = (
        "local"  # or "ray": the units spread over a Ray cluster (phicode.pipeline.cluster)
    )
    ray_address: str | None = None  # the cluster to join; None: RAY_ADDRESS, else a local one

    def __post_init__(self) -> None:
        if not 0.0 <= self.mutation_threshold <= 1.0:
            raise ConfigError(
                f"--mutation-threshold: {self.mutation_threshold} is out of range 0..1"
            )
        if self.limit is not None and self.limit < 1:
            raise ConfigError(f"--limit: {self.limit} must be at least 1")
        if self.limit_per_repo is not None and self.limit_per_repo < 1:
            raise ConfigError(f"--limit-per-repo: {self.limit_per_repo} must be at least 1")
        if self.solve_samples is not None and self.solve_samples < 0:
            raise ConfigError(f"--solve-samples: {self.solve_samples} must be 0 or more")
        if self.model.backend is BackendKind.TEMPLATE and (self.solve_samples or self.solver_model):
            raise ConfigError("--solve-samples needs a model backend (hf or openai), not template")
        if self.executor not in ("local", "ray"):
            raise ConfigError(f"--executor: {self.executor!r} is not 'local' or 'ray'")
        if self.ray_address is not None and self.executor != "ray":
            raise ConfigError("--ray-address needs --executor ray")
        if len(self.model.servers) > 1 and self.executor != "ray":
            raise ConfigError(
                "--base-url: several servers need --executor ray (each node's actor takes one)"
            )
        if not 0.0 <= self.min_solve_rate <= self.max_solve_rate <= 1.0:
            raise ConfigError(
                "--min-solve-rate and --max-solve-rate must satisfy 0 <= min <= max <= 1"
            )

    @property
    def samples(self) -> int:
        """Blind answers per question: as set, or the default for the backend."""
        if self.solve_samples is not None:
            return self.solve_samples
        return 0 if self.model.backend is BackendKind.TEMPLATE else DEFAULT_SOLVE_SAMPLES

    @property
    def solve_round_size(self) -> int:
        """Blind answers drawn per question at a time (:mod:`phicode.filters.agreement`).

        Rounds let a question stop once an answer passes every test. An in-process
        engine draws :data:`~phicode.filters.agreement.SETTLE_ROUND` per question per
        round: on 2 CPU cores that cut the fidelity stage of ``make run`` by a tenth,
        where rounds of one lost more to smaller batches than they saved
        (docs/generation.md, "No wasted calls"). A server batches many requests at
        once, and solve-rate bounds need every answer: there all are drawn in one call."""
        default_bounds = (self.min_solve_rate, self.max_solve_rate) == (0.0, 1.0)
        if self.settle and default_bounds and self.model.backend.in_process:
            return min(SETTLE_ROUND, self.samples)
        return self.samples

    @property
    def report_path(self) -> Path | None:
        """Where the run's report goes (None: no report)."""
        if not self.write_report:
            return None
        return self.report or self.output.parent / "report.html"

    def _described_samples(self) -> str:
        if self.samples and self.solve_round_size < self.samples:
            return f"up to {self.samples}, until one passes every test"
        return str(self.samples)

    def described(self) -> tuple[tuple[str, str], ...]:
        """The settings a reader of the report wants to see, as (name, value)."""
        model = self.model
        return (
            ("backend / model", f"{model.backend.value} / {model.model or 'default'}"),
            ("oracle tests, restate", f"{model.oracle_tests}, {model.restate}"),
            ("blind answers per question", self._described_samples()),
            ("solver model", self.solver_model or "same as the model"),
            ("mutation threshold", str(self.mutation_threshold)),
            ("solve rate bounds", f"{self.min_solve_rate} .. {self.max_solve_rate}"),
            ("strengthen", str(self.strengthen)),
            ("sandbox", f"{self.sandbox.timeout_s} s, {self.sandbox.memory_mb} MiB per run"),
            ("limit, per repository", f"{self.limit}, {self.limit_per_repo}"),
            ("executor", self.executor + (f" at {self.ray_address}" if self.ray_address else "")),
        )

    @property
    def state_folder(self) -> Path:
        from phicode.pipeline.state import default_state_folder

        return self.state_dir or default_state_folder(self.output)


__all__ = ["DEFAULT_SOLVE_SAMPLES", "PipelineConfig"]
