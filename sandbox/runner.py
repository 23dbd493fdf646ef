"""What the forked job process does: confine itself, then run pytest, a script or Node.js.

Runs in the child right after ``fork()`` from the warm server, so pytest and
hypothesis are already imported. Never returns: it ends with ``os._exit``.

Layers, from outside in (each says what it guarantees):
- the container (host side): no network, read-only root, non-root user, no
  capabilities, memory/pids/CPU cgroup limits;
- this process: its own session (the server kills the whole group and then
  every other process in the container), rlimits on address space, CPU time,
  file size, open files and processes, a clean environment, stdin from
  /dev/null, stdout/stderr into capped pipes;
- the server: a wall-clock deadline, then SIGKILL.
"""

from __future__ import annotations

import contextlib
import os
import resource
import runpy
import signal
import sys
import traceback
from typing import Any, NoReturn

from integrity import Integrity
from node_runner import NodeJobError, run_node_script, run_node_tests, transpile_typescript
from reporter import Reporter

MIB = 1024 * 1024
NODE_MODES = ("node-test", "node-script")
PYTEST_ARGS = [
    "-q",
    "-p",
    "no:cacheprovider",
    "-p",
    "_hypothesis_pytestplugin",
    "--tb=short",
    "-W",
    "ignore::pytest.PytestAssertRewriteWarning",
    "--color=no",
]


def run_child(
    job: dict[str, Any], workdir: str, event_fd: int, stdout_fd: int, stderr_fd: int, nonce: str
) -> NoReturn:
    """Confine the current (forked) process and run the job in it."""
    try:
        _confine(job, workdir, event_fd, stdout_fd, stderr_fd)
        reporter = Reporter(3, nonce)
        status = _run(job, reporter)
        _flush()
        reporter.emit("done", exitstatus=status)
    except BaseException:  # the harness itself broke: say so on stderr
        try:
            traceback.print_exc()
            _flush()
        finally:
            os._exit(70)
    os._exit(0)


def _run(job: dict[str, Any], reporter: Reporter) -> int:
    mode = job.get("mode", "pytest")
    if mode == "pytest":
        return _run_pytest(job, reporter)
    if mode == "script":
        return _run_script(job)
    if mode in NODE_MODES:
        try:
            transpile_typescript(os.getcwd())
        except NodeJobError as exc:
            reporter.emit("collect_error", message=str(exc))
            return 2
        if mode == "node-test":
            return run_node_tests(job, reporter.emit)
        return run_node_script(job)
    reporter.emit("collect_error", message=f"unknown job mode {mode!r}")
    return 2


def _confine(
    job: dict[str, Any], workdir: str, event_fd: int, stdout_fd: int, stderr_fd: int
) -> None:
    os.setsid()
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGCHLD, signal.SIGPIPE):
        signal.signal(signum, signal.SIG_DFL)
    _write_quietly("/proc/self/oom_score_adj", "1000")  # the job, not the server, dies first
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(stdout_fd, 1)
    os.dup2(stderr_fd, 2)
    os.dup2(event_fd, 3)
    os.closerange(4, 65536)  # the server's channel and every other descriptor
    os.chdir(workdir)
    os.environ.clear()
    os.environ.update(_clean_env(workdir))
    sys.path.insert(0, workdir)
    _set_limits(job)


def _clean_env(workdir: str) -> dict[str, str]:
    return {
        "HOME": workdir,
        "TMPDIR": workdir,
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "HYPOTHESIS_STORAGE_DIRECTORY": os.path.join(workdir, ".hypothesis"),
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MPLBACKEND": "Agg",
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",  # plugins are named with -p: no entry-point scan
    }


def _set_limits(job: dict[str, Any]) -> None:
    timeout = float(job.get("timeout_s", 10.0))
    memory = int(job.get("memory_mb", 512)) * MIB
    cpu = int(timeout) + 1
    limits = {
        # address space: what was forked in, plus the job. Not for Node.js: V8 reserves
        # gigabytes it never touches; its heap flag and the container's cgroup bound it
        **({} if job.get("mode") in NODE_MODES else {resource.RLIMIT_AS: memory + 256 * MIB}),
        resource.RLIMIT_CPU: cpu,
        resource.RLIMIT_FSIZE: 128 * MIB,
        resource.RLIMIT_NOFILE: 256,
        resource.RLIMIT_NPROC: 64,
        resource.RLIMIT_CORE: 0,
    }
    for which, value in limits.items():
        try:
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError):
            _soft, hard = resource.getrlimit(which)
            resource.setrlimit(
                which, (min(value, hard) if hard != resource.RLIM_INFINITY else value, hard)
            )


def _run_pytest(job: dict[str, Any], reporter: Reporter) -> int:
    import pytest

    target = job.get("target", "test_solution.py")
    extra = ["-x"] if job.get("stop_on_first_failure") else []
    integrity = Integrity(reporter)  # before any of the job's code is imported
    status = int(pytest.main([target, *PYTEST_ARGS, *extra], plugins=[reporter, integrity]))
    changed = integrity.changed()
    if changed:
        reporter.emit("tampered", what=changed[:10])
    return status


def _run_script(job: dict[str, Any]) -> int:
    target = job.get("target", "main.py")
    sys.argv = [target]
    try:
        runpy.run_path(target, run_name="__main__")
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except BaseException:
        traceback.print_exc()
        return 1
    return 0


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()


def _write_quietly(path: str, text: str) -> None:
    try:
        with open(path, "w") as handle:
            handle.write(text)
    except OSError:
        pass
