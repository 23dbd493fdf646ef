"""The sandbox job on the host: one frozen type, the protocol's ``Job`` (``sandbox/protocol.py``).

A job is built in one place, its constructors, with every value up front, and
never changed afterwards: whoever wants another solution in it builds another
job. It holds only what the container reads; how the host schedules it (the
sealed room, see :mod:`phicode.sandbox.pool`) is an argument of ``run``, never a
field. :meth:`Job.message` is the protocol dict the pool sends; a test pins the
fields to the protocol's keys.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal


@dataclass(frozen=True, slots=True, kw_only=True)
class Job:
    """One sandbox job: its files, what to run, and its limits."""

    mode: Literal["pytest", "script", "node-test", "node-script"]
    files: Mapping[str, str]  # file name -> content, read-only, in the order given
    target: str  # pytest, node-test: the test file; script, node-script: the file to run
    timeout_s: float
    memory_mb: int
    max_output: int | None  # bytes kept of stdout and of stderr; None: the server's default
    stop_on_first_failure: bool = False  # pytest -x: enough to know a mutant is killed

    def __post_init__(self) -> None:
        if not isinstance(self.files, MappingProxyType):  # a read-only copy, whoever builds it
            object.__setattr__(self, "files", MappingProxyType(dict(self.files)))

    @classmethod
    def pytest(
        cls,
        files: Mapping[str, str] | Iterable[tuple[str, str]],
        target: str,
        *,
        timeout_s: float,
        memory_mb: int,
        max_output: int,
        stop_on_first_failure: bool = False,
    ) -> Job:
        """pytest runs ``target`` among ``files``."""
        return cls(
            mode="pytest",
            files=dict(files),  # made read-only by __post_init__
            target=target,
            timeout_s=timeout_s,
            memory_mb=memory_mb,
            max_output=max_output,
            stop_on_first_failure=stop_on_first_failure,
        )

    @classmethod
    def script(
        cls,
        files: Mapping[str, str] | Iterable[tuple[str, str]],
        target: str,
        *,
        timeout_s: float,
        memory_mb: int,
        max_output: int | None,
    ) -> Job:
        """``target`` runs as ``__main__`` among ``files``."""
        return cls(
            mode="script",
            files=dict(files),  # made read-only by __post_init__
            target=target,
            timeout_s=timeout_s,
            memory_mb=memory_mb,
            max_output=max_output,
        )

    @classmethod
    def node(
        cls,
        files: Mapping[str, str] | Iterable[tuple[str, str]],
        target: str,
        *,
        tests: bool,
        timeout_s: float,
        memory_mb: int,
        max_output: int | None,
    ) -> Job:
        """Node.js runs ``target`` among ``files``: with ``node --test`` when ``tests`` (a
        ``node:test`` file, one result per test), else as a plain script. ``*.ts`` files
        are stripped of their types (esbuild) into ``*.mjs`` first."""
        return cls(
            mode="node-test" if tests else "node-script",
            files=dict(files),  # made read-only by __post_init__
            target=target,
            timeout_s=timeout_s,
            memory_mb=memory_mb,
            max_output=max_output,
        )

    def message(self, job_id: str) -> dict[str, Any]:
        """The protocol's job, as the pool sends it (``id`` last; the limits a job does
        not set, and ``stop_on_first_failure`` when false, left out)."""
        message: dict[str, Any] = {
            "mode": self.mode,
            "files": dict(self.files),
            "target": self.target,
            "timeout_s": self.timeout_s,
            "memory_mb": self.memory_mb,
        }
        if self.max_output is not None:
            message["max_output"] = self.max_output
        if self.stop_on_first_failure:
            message["stop_on_first_failure"] = True
        message["id"] = job_id
        return message


__all__ = ["Job"]
