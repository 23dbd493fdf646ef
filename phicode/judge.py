"""The one seam between a stage and the sandbox: run a pair's tests -> :class:`Verification`.

The sandbox says *what happened* (:class:`~phicode.sandbox.result.RunResult`);
:func:`judge` alone decides *what it means*. ``passed`` needs at least one test
run and every test passed: skipped, xfailed, no tests, an early exit, a crash, a
timeout or a process left behind is never a pass.

A pair that carries ``cases`` is also judged by :mod:`phicode.cases` (computed in
the sandbox, compared on the host); it passes only when both judges say so.

Every stage that runs tests on a solution (synthesis and its repair loop,
``phicode verify``, mutation, strengthening, blind solves, the pytest plugin)
goes through :func:`run_pair` / :func:`verify_pair` on a
:class:`~phicode.sandbox.runner.JobRunner`:
the warm Docker pool in production, an in-process double in unit tests. This
module imports no docker SDK.
"""

from __future__ import annotations

import signal as signals
from collections import Counter
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from phicode.languages import language_named
from phicode.records import Pair, Status, Verification
from phicode.sandbox.jobs import Job
from phicode.sandbox.result import RunResult, TestOutcome

if TYPE_CHECKING:
    from phicode.cases.judge import CaseVerdict
    from phicode.sandbox.runner import JobRunner


@dataclass(frozen=True, slots=True)
class PairRun:
    """One run of a pair's tests: what it means, and what the sandbox saw (failing tests)."""

    verification: Verification
    result: RunResult


def run_pair(
    runner: JobRunner,
    pair: Pair,
    *,
    solution: str | None = None,
    timeout_s: float | None = None,
    stop_on_first_failure: bool = False,
    attempts: int = 1,
) -> PairRun:
    """Run ``pair.tests`` against ``solution`` (default: the pair's own) and judge it.

    With cases, the case judge runs first: its job must never follow, in the same
    container, a job of this answer that held the tests (a container carries a few
    bits from one job to the next: process ids, inode numbers). With
    ``stop_on_first_failure`` (a mutant) a failed case ends it; otherwise pytest
    still runs, for its per-test outcomes, and both must pass."""
    config = runner.config
    timeout = config.timeout_s if timeout_s is None else timeout_s
    code = pair.solution if solution is None else solution
    job = pair_job(
        pair, timeout, config.memory_mb, config.max_output,
        solution=code, stop_on_first_failure=stop_on_first_failure,
    )  # fmt: skip
    cases = _case_verdict(runner, pair, solution, timeout) if pair.cases else None
    if cases is not None and not cases.passed and stop_on_first_failure:
        result = RunResult(duration_s=cases.duration_s)
        verification = Verification(
            status=cases.status, attempts=attempts, duration_s=cases.duration_s,
            detail=_clip(cases.detail),
        )  # fmt: skip
    else:
        result = runner.run(job)
        verification = judge(result, timeout, attempts)
        if cases is not None and verification.passed:
            verification = _both(verification, cases, language_named(pair.language).runner)
    signs = language_named(pair.language).forgery_signs(code, pair.tests)
    if signs:
        detail = _clip(f"{verification.detail}; forgery signs: {', '.join(signs)}")
        verification = replace(verification, detail=detail)
    return PairRun(verification, result)


def _case_verdict(
    runner: JobRunner, pair: Pair, solution: str | None, timeout_s: float
) -> CaseVerdict:
    """The case judge's verdict (:mod:`phicode.cases`): computed in the sandbox,
    compared on the host, out of the code's reach."""
    from phicode.cases.judge import judge_cases

    return judge_cases(
        runner, pair.solution if solution is None else solution, pair.entry_point, pair.cases,
        timeout_s, language_named(pair.language),
    )  # fmt: skip


def _both(passed: Verification, cases: CaseVerdict, runner: str) -> Verification:
    """The tests passed where the code could reach them (``runner``: pytest, node --test);
    the case judge decides whether that stands."""
    if cases.passed:
        return replace(passed, detail=_clip(f"{passed.detail}; {cases.detail}"))
    return replace(
        passed, status=Status.FAILED, detail=_clip(f"{cases.detail} ({runner}: {passed.detail})")
    )


def verify_pair(runner: JobRunner, pair: Pair, **options: Any) -> Verification:
    """:func:`run_pair`'s verdict alone."""
    return run_pair(runner, pair, **options).verification


_NOT_RUN = ("skipped", "xfailed", "xpassed")
_DETAIL_LIMIT = 500


def pair_job(
    pair: Pair,
    timeout_s: float,
    memory_mb: int,
    max_output: int = 64 * 1024,
    *,
    solution: str | None = None,
    stop_on_first_failure: bool = False,
) -> Job:
    """The sandbox job that runs ``pair.tests`` against ``solution`` (default: the pair's),
    in the pair's language (pytest, or ``node --test``)."""
    return language_named(pair.language).tests_job(
        pair.solution if solution is None else solution,
        pair.tests,
        timeout_s=timeout_s,
        memory_mb=memory_mb,
        max_output=max_output,
        stop_on_first_failure=stop_on_first_failure,
    )


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


def run_failure(
    result: RunResult, timeout_s: float, what: str = "tests"
) -> tuple[Status, str] | None:
    """Why the job's process did not run to its end normally (None: it did). Shared by
    the pytest path and the case judge (``what``: what did not finish)."""
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
    if result.tampered:
        return Status.ERROR, f"tampered with pytest: {', '.join(result.tampered)}"
    if not result.finished:
        return (
            Status.ERROR,
            f"exited before the {what} finished (exit code {result.exit_code}){_tail(result)}",
        )
    if result.leftover_processes:
        return (
            Status.ERROR,
            f"left {result.leftover_processes} process(es) running after the {what}",
        )
    return None


def _status_and_detail(
    result: RunResult, timeout_s: float, passed: int, failed: int
) -> tuple[Status, str]:
    failure = run_failure(result, timeout_s)
    if failure is not None:
        return failure
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
