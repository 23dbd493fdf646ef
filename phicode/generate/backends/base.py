"""The one interface every model backend implements: prompts in, texts out.

A backend knows nothing about snippets, tests or the sandbox; it turns a list
of user messages into a list of answers (same order, same length). Batching,
concurrency and retries are its own business. ``--backend template`` is no
model: it has no backend, only a drafter (:mod:`phicode.generate.drafters.template`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from phicode.generate.config import GenerationParams


class ModelBackend(ABC):
    """A text generator behind the chat interface of an instruction-tuned model."""

    #: ``hf`` or ``openai``: recorded in ``Pair.generator.backend``.
    name: str = ""

    @property
    @abstractmethod
    def model(self) -> str:
        """The model's name as recorded in ``Pair.generator.model``."""

    @abstractmethod
    def generate(self, prompts: list[str], params: GenerationParams) -> list[str]:
        """One answer per prompt (a user message), in order.

        Raises :class:`phicode.errors.BackendError` when the model cannot answer.
        """

    def close(self) -> None:  # noqa: B027 - optional hook, most backends hold nothing
        """Release threads, connections or memory. Safe to call twice."""

    def __enter__(self) -> ModelBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def sample_seeds(prompts: list[str], params: GenerationParams) -> list[int]:
    """One seed per prompt: ``seed`` for a prompt's first copy in the call, ``seed + k``
    for its k-th repeat.

    Each request samples with its own seed, so the k copies of one blind-solve prompt
    must differ in seed or they would give k identical answers; a prompt's answer still
    does not depend on which other prompts share the call.
    """
    seen: dict[str, int] = {}
    seeds = []
    for prompt in prompts:
        repeat = seen.get(prompt, 0)
        seen[prompt] = repeat + 1
        seeds.append(params.seed + repeat)
    return seeds
