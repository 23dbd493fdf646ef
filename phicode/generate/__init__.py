"""Generation: a question and tests for each snippet, by a model or by templates.

The pipeline calls :class:`Synthesizer` (``run(snippets)`` for batches,
``synthesize(snippet)`` for one); ``phicode verify`` can call
:class:`Repairer` (``repair_pairs``) to repair failing tests with a model.
Backends come from :func:`make_backend`; prompts from ``prompts/*.j2``.
"""

from __future__ import annotations

from phicode.generate.backends import ModelBackend, make_backend
from phicode.generate.config import (
    DEFAULT_MODEL,
    BackendKind,
    GenerationParams,
    ModelConfig,
    RepairConfig,
)
from phicode.generate.parsing import ParseReason
from phicode.generate.prompts import Prompts
from phicode.generate.repair import Checked, Repairer
from phicode.generate.synth import Synthesizer, SynthReason, SynthResult

__all__ = [
    "DEFAULT_MODEL",
    "BackendKind",
    "Checked",
    "GenerationParams",
    "ModelBackend",
    "ModelConfig",
    "ParseReason",
    "Prompts",
    "RepairConfig",
    "Repairer",
    "SynthReason",
    "SynthResult",
    "Synthesizer",
    "make_backend",
]
