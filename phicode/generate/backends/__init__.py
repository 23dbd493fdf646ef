"""Model backends: ``hf`` (in-process transformers), ``openvino`` (in-process OpenVINO
GenAI on GGUF weights, the CPU default) and ``openai`` (any compatible server).

All implement :class:`~phicode.generate.backends.base.ModelBackend`: prompts in,
texts out. :func:`make_backend` builds the one a
:class:`~phicode.generate.config.ModelConfig` names, or None for ``template``
(no model: the template drafter needs none). Heavy imports happen only for
``hf`` and ``openvino``, and only then. :mod:`.modelres` finds the weights.
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
    name = config.model or DEFAULT_MODEL
    if config.backend is BackendKind.OPENVINO:
        from phicode.generate.backends.modelres import resolve_gguf
        from phicode.generate.backends.openvino import OpenVINOBackend, require_openvino

        require_openvino()  # before any conversion: say how to install, not how to convert
        return OpenVINOBackend(resolve_gguf(name), model_name=name)
    from phicode.generate.backends.hf import HFBackend
    from phicode.generate.backends.modelres import resolve_model

    return HFBackend(
        resolve_model(name),
        model_name=name,
        batch_size=config.batch,
        device=config.device,
        dtype=config.dtype,
    )


def weights_parts(config: ModelConfig) -> dict[str, str]:
    """What, besides the model's name, decides the weights a backend runs: a part of the
    resume key of every stage that calls the model. openvino runs a re-encoded copy of
    the GGUF (:mod:`.ggufq8`), so a new encoding must not reuse answers of the old."""
    if config.backend is BackendKind.OPENVINO:
        from phicode.generate.backends.ggufq8 import VERSION

        return {"weights": f"gguf-q8_0@{VERSION}"}
    return {}
