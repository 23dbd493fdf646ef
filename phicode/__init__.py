"""phicode: verified (question, answer, tests) code training data.

The public API, usable from a notebook as well as through the CLI::

    import phicode
    funnel = phicode.run_pipeline(phicode.PipelineConfig(paths=("repo/",), output=Path("d.jsonl")))

Names resolve lazily (PEP 562), so ``import phicode`` stays cheap: the docker
SDK, datasketch or torch load only when the part that needs them is used.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_WHERE = {
    # errors
    "PhicodeError": "phicode.errors",
    "ConfigError": "phicode.errors",
    "InputError": "phicode.errors",
    "TemplateError": "phicode.errors",
    "BackendError": "phicode.errors",
    "SandboxError": "phicode.errors",
    "EngineUnavailable": "phicode.errors",
    # records
    "Snippet": "phicode.records",
    "Source": "phicode.records",
    "Pair": "phicode.records",
    "Generator": "phicode.records",
    "Verification": "phicode.records",
    "Status": "phicode.records",
    "Rejection": "phicode.records",
    # stages
    "MineConfig": "phicode.mine",
    "mine_paths": "phicode.mine",
    "ModelConfig": "phicode.generate.config",
    "Synthesizer": "phicode.generate.synth",
    "SandboxConfig": "phicode.sandbox.pool",
    "SandboxPool": "phicode.sandbox.pool",
    "Verifier": "phicode.verify",
    "verify_file": "phicode.verify",
    "MutationTester": "phicode.mutate",
    "PipelineConfig": "phicode.pipeline",
    "run_pipeline": "phicode.pipeline",
    "validate_files": "phicode.validate",
    "export": "phicode.export",
    # scoring answers (RL rewards, evaluation)
    "PairCase": "phicode.records",
    "Scorer": "phicode.scoring",
    "score": "phicode.scoring",
    "score_many": "phicode.scoring",
    "compute_score": "phicode.scoring",
    "reward_func": "phicode.scoring",
}

__all__ = ["__version__", *_WHERE]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'phicode' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
