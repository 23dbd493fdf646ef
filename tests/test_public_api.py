"""The public API is what ``phicode.__all__`` lists: pinned, and all of it resolves."""

from __future__ import annotations

import subprocess
import sys

import phicode

EXPECTED = [
    "__version__",
    "PhicodeError", "ConfigError", "InputError", "TemplateError", "BackendError", "SandboxError",
    "EngineUnavailable",
    "Snippet", "Source", "Pair", "Generator", "Verification", "Status", "Rejection",
    "MineConfig", "mine_paths", "ModelConfig", "Synthesizer", "SandboxConfig", "SandboxPool",
    "Verifier", "verify_file", "MutationTester", "PipelineConfig", "run_pipeline",
    "validate_files", "export",
    "PairCase", "Scorer", "score", "score_many", "compute_score", "reward_func",
]  # fmt: skip


def test_exported_members_are_pinned() -> None:
    assert phicode.__all__ == EXPECTED


def test_every_exported_member_resolves() -> None:
    for name in phicode.__all__:
        assert getattr(phicode, name) is not None, name


def test_importing_phicode_loads_nothing_heavy() -> None:
    code = "import sys, phicode; print(sorted(m for m in ('docker', 'torch', 'transformers', 'datasketch') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_errors_share_one_root() -> None:
    for name in (
        "ConfigError",
        "InputError",
        "TemplateError",
        "BackendError",
        "SandboxError",
        "EngineUnavailable",
    ):
        assert issubclass(getattr(phicode, name), phicode.PhicodeError)
