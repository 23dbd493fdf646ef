"""Model backends: ``hf`` (in-process transformers) and ``openai`` (any compatible server).

Both implement :class:`~phicode.generate.backends.base.ModelBackend`: prompts in,
texts out. :func:`make_backend` builds the one a
:class:`~phicode.generate.config.ModelConfig` names, or None for ``template``
(no model: the template drafter needs none). Heavy imports happen only for
``hf``, and only then. :mod:`.modelres` finds the weights.
"""

from __future__ import annotations

from phicode.errors import BackendError
from phicode.generate.backends.base import ModelBackend
from phicode.generate.config import DEFAULT_MODEL, BackendKind, ModelConfig

__all__ = ["ModelBackend", "make_backend"]


def make_backend(config: ModelConfig) -> ModelBackend | None:
    """The model backend ``config`` asks for; None for ``template``."""
    if config.backend is BackendKind.TEMPLATE:
        return None
    if config.backend is BackendKind.OPENAI:
        from phicode.generate.backends.openai import OpenAIBackend

        if len(config.servers) > 1:
            raise BackendError(
                f"--base-url {config.base_url}: several servers are spread over the nodes of "
                "phicode run --executor ray; other commands take one"
            )

        return OpenAIBackend(
            config.base_url,
            config.model,
            api_key=config.api_key,
            concurrency=config.concurrency,
            timeout_s=config.request_timeout_s,
            retries=config.retries,
        )
    from phicode.generate.backends.hf import HFBackend
    from phicode.generate.backends.modelres import resolve_model

    name = config.model or DEFAULT_MODEL
    return HFBackend(
        resolve_model(name),
        model_name=name,
        batch_size=config.batch_size,
        device=config.device,
        dtype=config.dtype,
    )
