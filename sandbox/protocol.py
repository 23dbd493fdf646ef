"""The doorway between host and container: a job goes in, a result comes out.

Stdlib only: this module runs inside the sandbox image and must not import
phicode. The host reads results into its own frozen dataclasses
(``phicode.sandbox.result``); a test pins that both sides agree on these keys.

Framing: one JSON object per line. The host writes jobs to the server's stdin;
the server writes exactly one ``ready`` line at start, then one result line per
job, to its stdout. Nothing else ever writes to the server's stdout: job
processes get their own pipes and cannot open the server's descriptors (the
server is not dumpable).
"""

from __future__ import annotations

import json
from typing import Any, BinaryIO, Literal, TypedDict

PROTOCOL_VERSION = 1


class Job(TypedDict, total=False):
    id: str  # echoed in the result, so a stale answer is never taken for a new one
    mode: Literal["pytest", "script", "node-test", "node-script"]
    files: dict[str, str]  # file name -> content, written into a fresh work dir
    target: str  # pytest, node-test: the test file; script, node-script: the file to run
    timeout_s: float
    memory_mb: int
    max_output: int  # bytes kept of stdout and of stderr each
    stop_on_first_failure: bool  # pytest -x: enough to know a mutant is killed


class TestOutcome(TypedDict):
    nodeid: str
    outcome: Literal["passed", "failed", "error", "skipped", "xfailed", "xpassed"]
    message: str
    duration_s: float


class Result(TypedDict):
    id: str
    finished: bool  # the runner reached its end and reported "done"
    exit_code: int | None  # the job process's exit status, None if killed by a signal
    signal: int | None  # the signal that killed the job process
    timed_out: bool
    oom_killed: bool
    pytest_exit: int | None  # pytest's own exit status, when it returned
    collected: int
    tests: list[TestOutcome]
    collect_errors: list[str]
    stdout: str
    stderr: str
    stdout_truncated: bool
    duration_s: float
    leftover_processes: int  # processes the job left behind, killed by the server
    dirty: bool  # the server could not restore a clean state; replace the container
    harness_error: str | None
    tampered: list[str]  # what the job changed of pytest's reports, hooks or the reporter


class Ready(TypedDict):
    ready: bool
    protocol: int
    python: str
    pytest: str
    hypothesis: str
    warmup_s: float


def write_message(stream: BinaryIO, message: dict[str, Any]) -> None:
    """Write one framed message and flush it."""
    stream.write(json.dumps(message, ensure_ascii=True).encode("ascii") + b"\n")
    stream.flush()


def read_message(stream: BinaryIO) -> dict[str, Any] | None:
    """Read one framed message; None at end of stream."""
    line = stream.readline()
    if not line:
        return None
    return json.loads(line)
