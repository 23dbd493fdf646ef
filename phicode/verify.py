"""Verification: run a pair's tests against its solution in the sandbox, judge.

The sandbox says *what happened* (``RunResult``); :func:`judge` alone decides
*what it means* (a ``Verification``). ``passed`` needs at least one test run and
every test passed: skipped, xfailed, no tests, an early exit, a crash, a
timeout or a process left behind is never a pass.
"""

from __future__ import annotations

import contextlib
import signal as signals
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from phicode.console import progress, warn
from phicode.errors import InputError
from phicode.jsonl import JsonlWriter, Numbered, read_jsonl
from phicode.pool import RunResult, SandboxConfig, SandboxPool, TestOutcome
from phicode.records import Pair, Rejection, Status, Verification

if TYPE_CHECKING:
    from phicode.generate.config import ModelConfig

SOLUTION_FILE = "solution.py"
TESTS_FILE = "test_solution.py"
_NOT_RUN = ("skipped", "xfailed", "xpassed")
_DETAIL_LIMIT = 500


def pair_job(pair: Pair, timeout_s: float, memory_mb: int, max_output: int = 64 * 1024) -> dict:
    """The sandbox job that runs ``pair.tests`` against ``pair.solution``."""
    return {
        "mode": "pytest",
        "files": {SOLUTION_FILE: pair.solution, TESTS_FILE: pair.tests},
        "target": TESTS_FILE,
        "timeout_s": timeout_s,
        "memory_mb": memory_mb,
        "max_output": max_output,
    }


def judge(result: RunResult, timeout_s: float, attempts: int = 1) -> Verification:
    """Turn what the sandbox saw into a status, counts and a one-line detail."""
    passed = sum(t.outcome == "passed" for t in result.tests)
    failed = sum(t.outcome in ("failed", "error") for t in result.tests)
    status, detail = _status_and_detail(result, timeout_s, passed, failed)
    return Verification(
        status=status,
        tests_passed=passed,
        tests_failed=failed,
        tests_total=len(result.tests),
        attempts=attempts,
        duration_s=result.duration_s,
        detail=_clip(detail),
    )


def _status_and_detail(
    result: RunResult, timeout_s: float, passed: int, failed: int
) -> tuple[Status, str]:
    if result.timed_out:
        return Status.TIMEOUT, f"timeout after {timeout_s:g} s"
    if result.sandbox_error:
        return Status.CRASHED, f"sandbox failure: {result.sandbox_error}"
    if result.oom_killed:
        return Status.CRASHED, "killed: out of memory"
    if result.signal is not None:
        return Status.CRASHED, f"crashed: killed by {_signal_name(result.signal)}"
    if result.harness_error:
        return Status.ERROR, f"harness error: {result.harness_error}"
    if not result.finished:
        return (
            Status.ERROR,
            f"exited before the tests finished (exit code {result.exit_code}){_tail(result)}",
        )
    if result.leftover_processes:
        return Status.ERROR, f"left {result.leftover_processes} process(es) running after the tests"
    if result.collect_errors:
        return Status.ERROR, f"collection failed: {result.collect_errors[0]}"
    if not result.tests:
        return Status.ERROR, "no tests collected"
    if failed:  # before the count check: pytest -x stops after the first failure
        return Status.FAILED, _failure_detail(result.tests, failed)
    if len(result.tests) != result.collected:
        return Status.ERROR, f"collected {result.collected} tests but {len(result.tests)} reported"
    not_run = [t for t in result.tests if t.outcome in _NOT_RUN]
    if not_run:
        kinds = Counter(t.outcome for t in not_run)
        listed = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
        return Status.FAILED, f"{passed} passed, {listed}: a test that does not run is not a pass"
    if result.pytest_exit != 0:
        return (
            Status.ERROR,
            f"pytest exited with status {result.pytest_exit} although every test passed",
        )
    return Status.PASSED, f"{passed} passed"


def _failure_detail(tests: tuple[TestOutcome, ...], failed: int) -> str:
    first = next(t for t in tests if t.outcome in ("failed", "error"))
    name = first.nodeid.split("::", 1)[-1]
    more = f" (and {failed - 1} more)" if failed > 1 else ""
    message = " ".join(first.message.split())
    return f"{name}: {message}{more}"


def _tail(result: RunResult) -> str:
    lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
    return f": {lines[-1].strip()}" if lines else ""


def _signal_name(number: int) -> str:
    try:
        return signals.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _clip(text: str) -> str:
    return text if len(text) <= _DETAIL_LIMIT else text[: _DETAIL_LIMIT - 1] + "…"


@dataclass
class VerifyStats:
    """Counts of a verify run; adds up across runs."""

    seen: int = 0
    by_status: Counter[str] = field(default_factory=Counter)
    invalid: int = 0
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
        config = self.pool.config
        job = pair_job(pair, config.timeout_s, config.memory_mb, config.max_output)
        return judge(self.pool.run(job), config.timeout_s, attempts)

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
) -> VerifyStats:
    """Verify every pair of a JSONL file; passed pairs go to ``output_path``.

    A line that does not parse is reported as ``FILE:LINE: problem`` on stderr,
    written to ``rejected_path`` and skipped; the other lines are still verified.
    Output lines keep the input order and are written as they are judged, so an
    interrupted run keeps everything finished so far. With a ``model``, failing
    tests go back to it for repair (the execute-and-test loop of
    ``phicode.generate.repair``) before a pair is judged.
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
                _write_verified(pair.with_verification(verification), passed_out, rejected_out)
                advance()
    stats.duration_s = time.monotonic() - started
    return stats


def _repaired(
    pairs: list[Pair], pool: SandboxPool, model: ModelConfig
) -> Iterator[tuple[Pair, Verification]]:
    """Verify with the model's repair loop, a batch of pairs at a time."""
    from phicode.generate.backends import make_backend
    from phicode.generate.repair import Repairer

    with make_backend(model, pool) as backend:
        repairer = Repairer(pool, model.repair, backend=backend, params=model.params)
        for start in range(0, len(pairs), model.batch_size):
            for pair in repairer.repair_pairs(pairs[start : start + model.batch_size]):
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
