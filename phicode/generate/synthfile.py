"""``phicode synth`` over files: read snippets, write verified pairs and rejections.

Like ``verify_file``: a line that is no Snippet is reported as ``FILE:LINE:
problem`` and written to ``--rejected``; pairs are written as their batch
finishes, so an interrupted run keeps what it finished.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from phicode.console import progress, warn
from phicode.errors import InputError
from phicode.generate.backends import make_backend
from phicode.generate.config import ModelConfig
from phicode.generate.prompts import Prompts
from phicode.generate.synth import STAGE, Synthesizer, SynthReason
from phicode.jsonl import JsonlWriter, read_jsonl
from phicode.records import Rejection, Snippet
from phicode.sandbox.pool import SandboxConfig, SandboxPool


@dataclass
class SynthStats:
    """Counts of a synth run; reasons as written to ``--rejected``."""

    seen: int = 0
    passed: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    duration_s: float = 0.0
    backend: str = ""
    model: str = ""


def synth_file(
    input_path: Path | str,
    output_path: Path | str,
    model: ModelConfig,
    sandbox: SandboxConfig,
    *,
    rejected_path: Path | str | None = None,
    show_progress: bool = True,
) -> SynthStats:
    """Synthesize a pair for every snippet of ``input_path``."""
    lines = list(read_jsonl(input_path, Snippet.from_dict))
    if not lines:
        raise InputError(f"{input_path}: holds no records")
    prompts = Prompts(model.prompts_dir)  # a broken template fails before any work starts
    stats = SynthStats()
    started = time.monotonic()
    out = JsonlWriter(output_path)
    rejected_out = JsonlWriter(rejected_path) if rejected_path else None
    try:
        snippets = []
        for line in lines:
            if line.record is not None:
                snippets.append(line.record)
                continue
            warn(f"{line.where}: {line.problem}")
            stats.rejected[SynthReason.INVALID_RECORD.value] += 1
            if rejected_out is not None:
                rejection = Rejection(
                    stage=STAGE,
                    reason=SynthReason.INVALID_RECORD.value,
                    detail=line.problem or "",
                    where=line.where,
                )
                rejected_out.write(rejection.line(line.data, raw=line.raw))
        with SandboxPool(sandbox) as pool:
            backend = make_backend(model)
            stats.backend = backend.name if backend else "template"
            stats.model = backend.model if backend else "template"
            synthesizer = Synthesizer.for_config(model, backend, pool, prompts)
            try:
                with progress("synth", total=len(snippets), enabled=show_progress) as advance:
                    for result in synthesizer.run(snippets):
                        stats.seen += 1
                        if result.pair is not None:
                            stats.passed += 1
                            out.write(result.pair.to_dict())
                        else:
                            assert result.rejection is not None
                            stats.rejected[result.rejection.reason] += 1
                            if rejected_out is not None:
                                rejected_out.write(result.rejected_line())
                        advance()
            finally:
                if backend is not None:
                    backend.close()
    finally:
        out.close()
        if rejected_out is not None:
            rejected_out.close()
        stats.duration_s = time.monotonic() - started
    return stats
