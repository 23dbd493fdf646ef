"""Drafters: who writes a snippet's first question and tests (see :mod:`.base`).

- :class:`TemplateDrafter`: no model; the snippet's own behaviour on derived inputs;
- :class:`ModelDrafter`: a model writes both, cleaned mechanically;
- :class:`OracleDrafter`: a model writes both, the snippet supplies the expected values.

:func:`make_drafter` picks the one a :class:`~phicode.generate.config.ModelConfig` asks for.
"""

from __future__ import annotations

from phicode.generate.backends.base import ModelBackend
from phicode.generate.config import GenerationParams
from phicode.generate.drafters.base import Drafter, Item, Rejected
from phicode.generate.drafters.model import ModelDrafter
from phicode.generate.drafters.oracle import OracleDrafter
from phicode.generate.drafters.template import TemplateDrafter
from phicode.generate.prompts import Prompts
from phicode.sandbox.runner import JobRunner

__all__ = [
    "Drafter",
    "Item",
    "ModelDrafter",
    "OracleDrafter",
    "Rejected",
    "TemplateDrafter",
    "make_drafter",
]


def make_drafter(
    backend: ModelBackend | None,
    pool: JobRunner,
    *,
    prompts: Prompts | None = None,
    params: GenerationParams | None = None,
    oracle_tests: bool,
) -> Drafter:
    """No backend: the template drafter; a backend: the model drafter, with the oracle
    completing its tests when ``oracle_tests``."""
    if backend is None:
        return TemplateDrafter(pool)
    model = ModelDrafter(backend, prompts, params)
    return OracleDrafter(model, pool) if oracle_tests else model
