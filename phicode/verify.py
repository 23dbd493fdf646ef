"""``phicode verify``: run every pair of a file in the sandbox, write passed and rejected.

What a run *means* is decided in :mod:`phicode.judge` (the one seam, re-exported
here as ``pair_job`` and ``judge``); this module drives a pool over a file.
"""

from __future__ import annotations

import contextlib
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from phicode.console import progress, warn
from phicode.errors import ConfigError, InputError
from phicode.generate.oracle.derive import derive_cases
from phicode.jsonl import JsonlWriter, Numbered, read_jsonl
from phicode.judge import judge, pair_job, verify_pair
from phicode.records import Pair, Rejection, Status, Verification
from phicode.sandbox.pool import SandboxConfig, SandboxPool

if TYPE_CHECKING:
    from phicode.generate.config import ModelConfig

__all__ = ["Verifier", "VerifyStats", "judge", "pair_job", "verify_file"]


@dataclass
class VerifyStats:
    """Counts of a verify run; adds up across runs."""

    seen: int = 0
    by_status: Counter[str] = field(default_factory=Counter)
    invalid: int = 0
    cases_added: int = 0  # passed pairs that got cases (--add-cases)
    duration_s: float = 0.0

    def add(self, verification: Verification) -> None:
        self.seen += 1
        self.by_status[verification.status.value] += 1

    @property
    def passed(self) -> int:
        return self.by_status.get(Status.PASSED.value, 0)


class Verifier:
    """Verifies pairs on a :class:`SandboxPool`, as many at once as it has workers."""

    def __init__(self, pool: SandboxPool) -> None:
        self.pool = pool

    def verify(self, pair: Pair, attempts: int = 1) -> Verification:
        return verify_pair(self.pool, pair, attempts=attempts)

    def verify_many(self, pairs: Iterable[Pair]) -> Iterator[tuple[Pair, Verification]]:
        """Verify in parallel; yield in input order with a bounded window in flight."""
        window = self.pool.size * 2
        pending: list[tuple[Pair, Future[Verification]]] = []
        with ThreadPoolExecutor(
            max_workers=self.pool.size, thread_name_prefix="verify"
        ) as executor:
            try:
                for pair in pairs:
                    pending.append((pair, executor.submit(self.verify, pair)))
                    while len(pending) >= window or (pending and pending[0][1].done()):
                        done_pair, future = pending.pop(0)
                        yield done_pair, future.result()
                for done_pair, future in pending:
                    yield done_pair, future.result()
            finally:
                for _, future in pending:
                    future.cancel()


class VerifyReason(StrEnum):
    """Why ``phicode verify`` drops a record (besides its verification status)."""

    INVALID_RECORD = "invalid_record"


def verify_file(
    input_path: Path | str,
    output_path: Path | str,
    config: SandboxConfig,
    rejected_path: Path | str | None = None,
    show_progress: bool = True,
    model: ModelConfig | None = None,
    add_cases: bool = False,
) -> VerifyStats:
    """Verify every pair of a JSONL file; passed pairs go to ``output_path``.

    A line that does not parse is reported as ``FILE:LINE: problem`` on stderr,
    written to ``rejected_path`` and skipped; the other lines are still verified.
    Output lines keep the input order and are written as they are judged, so an
    interrupted run keeps everything finished so far. With a ``model``, failing
    tests go back to it for repair (the execute-and-test loop of
    ``phicode.generate.repair``) before a pair is judged. ``add_cases``: a passed pair
    without cases gets them from its tests (:mod:`phicode.cases`: the migration of
    schema-1 files to the case judge).
    """
    lines = list(read_jsonl(input_path, Pair.from_dict))
    if not lines:
        raise InputError(f"{input_path}: holds no records")
    stats = VerifyStats()
    started = time.monotonic()
    # The engine first: when it is down, nothing on disk is touched.
    with (
        SandboxPool(config) as pool,
        JsonlWriter(output_path) as passed_out,
        _maybe_writer(rejected_path) as rejected_out,
    ):
        good = _report_invalid(lines, rejected_out, stats)
        judged = Verifier(pool).verify_many(good) if model is None else _repaired(good, pool, model)
        with progress("verify", total=len(good), enabled=show_progress) as advance:
            for pair, verification in judged:
                stats.add(verification)
                if add_cases and verification.passed and not pair.cases:
                    pair = replace(pair, cases=derive_cases(pool, pair))
                    stats.cases_added += bool(pair.cases)
                _write_verified(pair.with_verification(verification), passed_out, rejected_out)
                advance()
    stats.duration_s = time.monotonic() - started
    return stats


def _repaired(
    pairs: list[Pair], pool: SandboxPool, model: ModelConfig
) -> Iterator[tuple[Pair, Verification]]:
    """Verify with the model's repair loop, a batch of pairs at a time."""
    from phicode.generate.backends import make_backend
    from phicode.generate.prompts import Prompts
    from phicode.generate.repair import Repairer

    backend = make_backend(model)
    if backend is None:
        raise ConfigError("repairing tests needs a model backend (hf or openai), not template")
    with backend:
        prompts = Prompts(model.prompts_dir)
        repairer = Repairer(
            pool, model.repair, backend=backend, prompts=prompts, params=model.params
        )
        for start in range(0, len(pairs), model.batch):
            for pair in repairer.repair_pairs(pairs[start : start + model.batch]):
                assert pair.verification is not None
                yield pair, pair.verification


def _maybe_writer(path: Path | str | None) -> JsonlWriter | contextlib.nullcontext[None]:
    return JsonlWriter(path) if path else contextlib.nullcontext()


def _write_verified(pair: Pair, passed_out: JsonlWriter, rejected_out: JsonlWriter | None) -> None:
    verification = pair.verification
    assert verification is not None
    if verification.passed:
        passed_out.write(pair.to_dict())
    elif rejected_out is not None:
        rejection = Rejection(
            stage="verify", reason=verification.status.value, detail=verification.detail
        )
        rejected_out.write(rejection.line(pair.to_dict()))


def _report_invalid(
    lines: list[Numbered[Pair]], rejected_out: JsonlWriter | None, stats: VerifyStats
) -> list[Pair]:
    good: list[Pair] = []
    for line in lines:
        if line.record is not None:
            good.append(line.record)
            continue
        stats.invalid += 1
        warn(f"{line.where}: {line.problem}")
        if rejected_out is not None:
            rejection = Rejection(
                stage="verify",
                reason=VerifyReason.INVALID_RECORD.value,
                detail=line.problem or "",
                where=line.where,
            )
            rejected_out.write(rejection.line(line.data, raw=line.raw))
    return good
