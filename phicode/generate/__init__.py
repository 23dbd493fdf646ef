"""Generation: a question and tests for each snippet, by a model or by templates.

The rooms, one subject each:

- :mod:`.backends`: model backends (``hf`` in-process, ``openai`` any server): prompts in, texts out;
- :mod:`.prompts`: the Jinja2 templates and their versions;
- :mod:`.clean`: model text made usable (code, tests, questions), each in one module;
- :mod:`.oracle`: the snippet as oracle: inputs, the in-container probe, observed values ->
  asserts, oracle-completed tests, true examples in questions;
- :mod:`.drafters`: who writes a first draft (template, model, model + oracle), one protocol;
- :mod:`.repair`: the execute-and-test loop;
- :mod:`.synth`: drafter + repair loop = :class:`Synthesizer`; :mod:`.synthfile` over files.

Filters on verified pairs (mutation, strengthening, agreement) are in :mod:`phicode.filters`;
the one seam to the sandbox is :mod:`phicode.judge`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from phicode.generate.config import (
    DEFAULT_MODEL,
    BackendKind,
    GenerationParams,
    ModelConfig,
    RepairConfig,
)
from phicode.lazy import lazy_attributes

if TYPE_CHECKING:
    from phicode.generate.backends import ModelBackend, make_backend
    from phicode.generate.clean import ParseReason, QuestionReason
    from phicode.generate.drafters import (
        Drafter,
        ModelDrafter,
        OracleDrafter,
        TemplateDrafter,
        make_drafter,
    )
    from phicode.generate.prompts import Prompts
    from phicode.generate.reasons import SynthReason
    from phicode.generate.repair import Checked, Repairer
    from phicode.generate.synth import Synthesizer, SynthResult, synth_version

# The settings are plain dataclasses; the rest (cleaning, oracle, drafters, backends)
# is imported when first used, so that reading a config does not load them.
__getattr__ = lazy_attributes(
    __name__,
    {
        **dict.fromkeys(("ModelBackend", "make_backend"), "phicode.generate.backends"),
        **dict.fromkeys(("ParseReason", "QuestionReason"), "phicode.generate.clean"),
        **dict.fromkeys(
            ("Drafter", "ModelDrafter", "OracleDrafter", "TemplateDrafter", "make_drafter"),
            "phicode.generate.drafters",
        ),
        "Prompts": "phicode.generate.prompts",
        "SynthReason": "phicode.generate.reasons",
        **dict.fromkeys(("Checked", "Repairer"), "phicode.generate.repair"),
        **dict.fromkeys(("Synthesizer", "SynthResult", "synth_version"), "phicode.generate.synth"),
    },
)

__all__ = [
    "DEFAULT_MODEL",
    "BackendKind",
    "Checked",
    "Drafter",
    "GenerationParams",
    "ModelBackend",
    "ModelConfig",
    "ModelDrafter",
    "OracleDrafter",
    "ParseReason",
    "Prompts",
    "QuestionReason",
    "RepairConfig",
    "Repairer",
    "SynthReason",
    "SynthResult",
    "Synthesizer",
    "TemplateDrafter",
    "make_backend",
    "make_drafter",
    "synth_version",
]
