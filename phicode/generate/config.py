"""Settings of a generation run, as plain frozen values the library takes.

The CLI turns its options into these (``phicode.commands.options.model_config``);
library callers build them directly. Nothing here imports a backend.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

from phicode.errors import ConfigError

DEFAULT_MODEL = "Qwen/Qwen2.5-Coder-0.5B-Instruct"
DEFAULT_BASE_URL = "http://127.0.0.1:8000/v1"


class BackendKind(StrEnum):
    """Which backend writes questions and tests."""

    HF = "hf"
    OPENVINO = "openvino"
    OPENAI = "openai"
    TEMPLATE = "template"

    @property
    def in_process(self) -> bool:
        """A model loaded into this process (hf, openvino), not a server or no model."""
        return self in (BackendKind.HF, BackendKind.OPENVINO)


def default_backend() -> BackendKind:
    """openvino on a machine without an NVIDIA GPU where its package is installed, else hf.

    On 2 CPU cores openvino writes the same prompts' answers 3-4x faster than
    transformers (``docs/generation.md``); on a GPU, transformers is the engine.
    Decided without importing either engine, so the CLI starts fast.
    """
    has_gpu = Path("/dev/nvidiactl").exists() or Path("/dev/nvidia0").exists()
    if not has_gpu and importlib.util.find_spec("openvino_genai") is not None:
        return BackendKind.OPENVINO
    return BackendKind.HF


@dataclass(frozen=True, slots=True, kw_only=True)
class GenerationParams:
    """Sampling settings for one ``generate`` call. ``temperature == 0`` is greedy."""

    max_new_tokens: int = 512
    temperature: float = 0.2
    top_p: float = 0.95
    seed: int = 0
    stop: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.max_new_tokens < 1:
            raise ConfigError(f"--max-new-tokens: {self.max_new_tokens} must be at least 1")
        if not 0.0 <= self.temperature <= 5.0:
            raise ConfigError(f"--temperature: {self.temperature} is out of range 0..5")
        if not 0.0 < self.top_p <= 1.0:
            raise ConfigError(f"--top-p: {self.top_p} is out of range (0, 1]")


@dataclass(frozen=True, slots=True, kw_only=True)
class RepairConfig:
    """The execute-and-test loop: how hard to try before a pair is rejected.

    ``rounds``: model repairs after the first try. ``drop_failing``: remove the
    failing test functions when at least ``min_kept`` tests and ``min_share`` of
    all tests pass on the snippet (the snippet is the ground truth).
    """

    rounds: int = 2
    drop_failing: bool = True
    min_kept: int = 2
    min_share: float = 0.5

    def __post_init__(self) -> None:
        if self.rounds < 0:
            raise ConfigError(f"--repair-rounds: {self.rounds} must be 0 or more")
        if self.min_kept < 1:
            raise ConfigError(f"--min-tests: {self.min_kept} must be at least 1")
        if not 0.0 <= self.min_share <= 1.0:
            raise ConfigError(f"--min-share: {self.min_share} is out of range 0..1")


HF_BATCH = 8  # prompts per static batch of transformers
OPENVINO_BATCH = 16  # snippets in flight together on openvino (measured: ModelConfig.batch)


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelConfig:
    """Which backend and model, and how to drive it."""

    backend: BackendKind = field(default_factory=default_backend)
    # None: the default model (hf, openvino) or the server's only model (openai)
    model: str | None = None
    base_url: str = DEFAULT_BASE_URL
    api_key: str | None = None
    params: GenerationParams = field(default_factory=GenerationParams)
    batch_size: int | None = None  # None: the backend's own (:attr:`batch`)
    concurrency: int = 8
    request_timeout_s: float = 120.0
    retries: int = 4
    dtype: str = "auto"
    device: str | None = None
    repair: RepairConfig = field(default_factory=RepairConfig)
    oracle_tests: bool = True  # the snippet supplies the expected values of a model's test calls
    restate: bool = True  # questions state what the final tests check (issue 12)
    prompts_dir: str | None = None  # None: $PHICODE_PROMPTS or phicode's own prompts/

    @property
    def batch(self) -> int:
        """hf: prompts per batch; openvino: snippets whose prompts are in flight together.

        openvino's default is 16: on 2 cores ``make run`` took 260 s with 16 snippets in
        flight against 350 s with 8 (a call waits for its longest answer, and more
        requests keep the engine busy meanwhile; docs/generation.md)."""
        if self.batch_size is not None:
            return self.batch_size
        return OPENVINO_BATCH if self.backend is BackendKind.OPENVINO else HF_BATCH

    @property
    def snippets_per_batch(self) -> int:
        """Snippets synthesized per batch, by ``phicode synth`` and ``phicode run`` alike:
        enough prompts to fill the model's batch (hf) or the server's slots (openai)."""
        if self.backend is BackendKind.OPENAI:
            return self.concurrency
        if self.backend.in_process:
            return self.batch
        return 16

    @property
    def servers(self) -> tuple[str, ...]:
        """The OpenAI-compatible servers ``base_url`` names (several, comma-separated,
        with ``--executor ray``: each node's actor takes the next in turn)."""
        return tuple(url.strip() for url in self.base_url.split(",") if url.strip())

    def on_server(self, index: int) -> ModelConfig:
        """This config with ``base_url`` the ``index``-th of :attr:`servers` (in turn)."""
        servers = self.servers
        if len(servers) <= 1:
            return self
        return replace(self, base_url=servers[index % len(servers)])

    def __post_init__(self) -> None:
        if self.batch_size is not None and self.batch_size < 1:
            raise ConfigError(f"--batch-size: {self.batch_size} must be at least 1")
        if self.concurrency < 1:
            raise ConfigError(f"--concurrency: {self.concurrency} must be at least 1")
        if self.request_timeout_s <= 0:
            raise ConfigError(f"--request-timeout: {self.request_timeout_s} must be positive")
        if self.dtype not in ("auto", "bfloat16", "float16", "float32"):
            raise ConfigError(
                f"--dtype: {self.dtype!r} is not one of auto, bfloat16, float16, float32"
            )
