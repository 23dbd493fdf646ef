"""What one sandbox job did, as the host reads it: the other side of ``sandbox/protocol.py``.

Plain frozen dataclasses with no dependency beyond the standard library, so
the judge, the oracle and every stage that reads a result import no docker SDK.
A test pins that these fields agree with the container's ``Result`` keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class TestOutcome:
    """One test's outcome over its setup, call and teardown."""

    __test__ = False  # not a pytest test class, despite the name

    nodeid: str
    outcome: str
    message: str
    duration_s: float


@dataclass(frozen=True, slots=True, kw_only=True)
class RunResult:
    """What one job did, as the server saw it (see ``sandbox/protocol.py``)."""

    finished: bool = False
    exit_code: int | None = None
    signal: int | None = None
    timed_out: bool = False
    oom_killed: bool = False
    pytest_exit: int | None = None
    collected: int = 0
    tests: tuple[TestOutcome, ...] = ()
    collect_errors: tuple[str, ...] = ()
    stdout: str = ""
    stderr: str = ""
    stdout_truncated: bool = False
    duration_s: float = 0.0
    leftover_processes: int = 0
    dirty: bool = False
    harness_error: str | None = None
    tampered: tuple[str, ...] = ()  # pytest's reports, hooks or the reporter changed by the job
    sandbox_error: str | None = None  # the container broke (host side)

    @classmethod
    def from_message(cls, message: dict[str, Any]) -> RunResult:
        tests = tuple(
            TestOutcome(
                nodeid=str(t.get("nodeid", "")),
                outcome=str(t.get("outcome", "error")),
                message=str(t.get("message", "")),
                duration_s=float(t.get("duration_s", 0.0)),
            )
            for t in message.get("tests", [])
        )
        return cls(
            finished=bool(message.get("finished")),
            exit_code=message.get("exit_code"),
            signal=message.get("signal"),
            timed_out=bool(message.get("timed_out")),
            oom_killed=bool(message.get("oom_killed")),
            pytest_exit=message.get("pytest_exit"),
            collected=int(message.get("collected", 0)),
            tests=tests,
            collect_errors=tuple(str(e) for e in message.get("collect_errors", [])),
            stdout=str(message.get("stdout", "")),
            stderr=str(message.get("stderr", "")),
            stdout_truncated=bool(message.get("stdout_truncated")),
            duration_s=float(message.get("duration_s", 0.0)),
            leftover_processes=int(message.get("leftover_processes", 0)),
            dirty=bool(message.get("dirty")),
            harness_error=message.get("harness_error"),
            tampered=tuple(str(t) for t in message.get("tampered") or ()),
        )

    @property
    def needs_fresh_container(self) -> bool:
        """A timeout, crash, leftover process or broken harness taints the container."""
        return bool(
            self.timed_out
            or self.signal is not None
            or self.oom_killed
            or self.leftover_processes
            or self.dirty
            or self.harness_error
            or self.sandbox_error
            or not self.finished
        )
