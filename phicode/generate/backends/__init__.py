"""Model backends: ``hf`` (in-process), ``openai`` (any compatible server), ``template`` (no model).

:func:`make_backend` builds the one a :class:`~phicode.generate.config.ModelConfig`
names; heavy imports happen only for ``hf``, and only then.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from phicode.generate.backends.base import ModelBackend
from phicode.generate.config import DEFAULT_MODEL, BackendKind, ModelConfig

if TYPE_CHECKING:
    from phicode.generate.backends.template import TemplateBackend
    from phicode.pool import SandboxPool

__all__ = ["ModelBackend", "make_backend"]


def make_backend(
    config: ModelConfig, pool: SandboxPool | None = None
) -> ModelBackend | TemplateBackend:
    """The backend ``config`` asks for; ``template`` needs the sandbox ``pool``."""
    if config.backend is BackendKind.TEMPLATE:
        from phicode.generate.backends.template import TemplateBackend

        if pool is None:
            raise ValueError("the template backend runs snippets and needs a sandbox pool")
        return TemplateBackend(pool)
    if config.backend is BackendKind.OPENAI:
        from phicode.generate.backends.openai import OpenAIBackend

        return OpenAIBackend(
            config.base_url,
            config.model,
            api_key=config.api_key,
            concurrency=config.concurrency,
            timeout_s=config.request_timeout_s,
            retries=config.retries,
        )
    from phicode.generate.backends.hf import HFBackend
    from phicode.generate.modelres import resolve_model

    name = config.model or DEFAULT_MODEL
    return HFBackend(
        resolve_model(name),
        model_name=name,
        batch_size=config.batch_size,
        device=config.device,
        dtype=config.dtype,
    )
