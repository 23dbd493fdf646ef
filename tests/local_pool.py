"""``LocalPool``: a stand-in for :class:`phicode.sandbox.pool.SandboxPool` that runs jobs on the host.

Why it exists: the generation code (oracle, repair, verify) only needs a pool's
``config``, ``size`` and ``run(job, *, sealed=False) -> RunResult``
(:class:`phicode.sandbox.runner.JobRunner`). Unit tests of that code should not need Docker and a sandbox image, nor pay for container start-up, yet they
should see what a real run of their fixtures does, not a hand-made result.
``LocalPool`` really runs each job, the way ``sandbox/runner.py`` would:

- ``mode == "pytest"``: pytest runs *in this process*
  (``pytest.main``), one job at a time under a module-level lock, with the job's
  files in a fresh temporary dir first on ``sys.path``. Per-test outcomes are
  gathered by the sandbox's own reporter hooks (``sandbox/reporter.py``) and
  merged as ``sandbox/server.py`` merges them, so :func:`phicode.judge.judge`
  sees what it would see from the sandbox.
- ``mode == "script"``: ``sys.executable target`` runs as a subprocess in the
  job's temporary dir, in its own process group, killed on the job's
  ``timeout_s``.

WARNING: there is NO isolation at all. No container, no resource limits, no
network cut, no clean-up of processes a job leaves behind; an in-process pytest
job shares this interpreter, so ``os._exit``, an endless loop (no timeout is
enforced in pytest mode: the fixtures must terminate) or any global mutation
hits the test run itself. Use it only for trusted, hand-written test fixtures;
anything a model wrote, or any untrusted code, goes through ``SandboxPool``.

Known differences from the sandbox: no sealed room (``sealed`` is accepted and
ignored: no container carries anything from job to job here); no ``memory_mb``/CPU/pids limits, no
``oom_killed``/``leftover_processes``/``dirty``; the pytest run does not
``chdir`` into the job dir (the working directory is process-wide and other
threads may rely on it); a script's own exit status is ``exit_code`` (the
sandbox runs scripts through ``runpy`` and reports ``exit_code=0`` with the
script's status in ``pytest_exit``; here both carry the script's status).
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib.util
import io
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from phicode.errors import SandboxError
from phicode.sandbox.jobs import Job
from phicode.sandbox.pool import PoolStats, SandboxConfig
from phicode.sandbox.result import RunResult, TestOutcome

__all__ = ["LocalPool"]

_REPO = Path(__file__).resolve().parents[1]
_DEFAULT_MAX_OUTPUT = 64 * 1024  # what sandbox/server.py keeps when a job names no limit
_KILL_GRACE_S = 5.0

# pytest.main is not thread-safe (sys.path, sys.modules, capture, warnings filters):
# in-process runs happen one at a time, whatever the number of workers.
_PYTEST_LOCK = threading.Lock()


def _load_reporter() -> ModuleType:
    """``sandbox/reporter.py``: stdlib only, not a package, so loaded from its path."""
    path = _REPO / "sandbox" / "reporter.py"
    spec = importlib.util.spec_from_file_location("_phicode_sandbox_reporter", path)
    assert spec is not None and spec.loader is not None, path
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_reporter = _load_reporter()


def _pytest_args() -> list[str]:
    """``sandbox/runner.py``'s PYTEST_ARGS, with plugin auto-loading off as in the sandbox."""
    version = tuple(int(part) for part in pytest.__version__.split(".")[:2] if part.isdigit())
    args = ["-q", "-p", "no:cacheprovider", "-p", "no:randomly"]
    if version >= (8, 4):  # the sandbox sets PYTEST_DISABLE_PLUGIN_AUTOLOAD=1
        args.append("--disable-plugin-autoload")
    if importlib.util.find_spec("_hypothesis_pytestplugin") is not None:
        args += ["-p", "_hypothesis_pytestplugin"]
    return [
        *args,
        "--tb=short",
        "-W",
        "ignore::pytest.PytestAssertRewriteWarning",
        "--color=no",
    ]


_PYTEST_ARGS = _pytest_args()

# Worst outcome wins over setup, call and teardown (sandbox/server.py, _merge_outcome).
_SEVERITY = {"passed": 0, "xpassed": 1, "skipped": 2, "xfailed": 2, "failed": 3, "error": 4}


class _Collector(_reporter.Reporter):  # type: ignore[name-defined,misc]
    """The sandbox's reporter hooks, keeping events in memory instead of writing a pipe."""

    def __init__(self) -> None:
        super().__init__(-1, "")
        self.events: list[dict[str, Any]] = []

    def emit(self, event: str, **fields: Any) -> None:
        self.events.append({**fields, "event": event})

    def fold(self) -> tuple[int, tuple[TestOutcome, ...], tuple[str, ...]]:
        """Collected count, per-test outcomes and collection errors, as the server reads them."""
        collected = 0
        errors: list[str] = []
        tests: dict[str, dict[str, Any]] = {}
        for event in self.events:
            kind = event["event"]
            if kind == "collected":
                collected = int(event.get("count", 0))
            elif kind == "collect_error":
                errors.append(str(event.get("message", "")))
            elif kind == "test":
                nodeid = str(event.get("nodeid", ""))
                outcome = str(event.get("outcome", "error"))
                outcome = outcome if outcome in _SEVERITY else "error"
                current = tests.get(nodeid)
                if current is None or _SEVERITY[outcome] > _SEVERITY[current["outcome"]]:
                    tests[nodeid] = {**event, "outcome": outcome}
        outcomes = tuple(
            TestOutcome(
                nodeid=str(t["nodeid"]),
                outcome=str(t["outcome"]),
                message=str(t.get("message", "")),
                duration_s=float(t.get("duration_s", 0.0)),
            )
            for t in tests.values()
        )
        return collected, outcomes, tuple(errors)


class LocalPool:
    """Runs sandbox jobs on the host, without Docker and without any isolation.

    Same surface as :class:`phicode.sandbox.pool.SandboxPool` for the code that uses a
    pool: ``config``, ``size``, ``run(job, *, sealed=False)``, ``start``/``close`` and the
    context manager; ``jobs`` counts the jobs run, so a test can assert how many
    sandbox runs a piece of code made. Trusted test fixtures only (see the
    module docstring).
    """

    def __init__(self, config: SandboxConfig | None = None, workers: int = 2) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, not {workers}")
        config = config or SandboxConfig(workers=workers)
        if config.workers != workers:
            config = dataclasses.replace(config, workers=workers)
        self.config = config
        self.workers = workers
        self.jobs = 0
        self._slots = threading.BoundedSemaphore(workers)
        self._count_lock = threading.Lock()
        self._closed = False

    @property
    def size(self) -> int:
        return self.workers

    def start(self) -> LocalPool:
        return self

    def run(self, job: Job, *, sealed: bool = False) -> RunResult:
        """Run one job; thread-safe, blocks while ``size`` jobs are running. ``sealed``
        changes nothing here (see the module docstring)."""
        if self._closed:
            raise SandboxError("the local pool is closed")
        with self._slots:
            try:
                return self._run(job)
            finally:
                with self._count_lock:
                    self.jobs += 1

    def _run(self, job: Job) -> RunResult:
        try:
            workdir = _prepare_workdir(job.files)
        except (OSError, ValueError) as exc:
            return RunResult(harness_error=f"cannot prepare the work dir: {exc}")
        try:
            limit = _DEFAULT_MAX_OUTPUT if job.max_output is None else int(job.max_output)
            if job.mode == "pytest":
                return _run_pytest(job, workdir, limit)
            return _run_script(job, workdir, float(job.timeout_s), limit)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    def stats(self) -> PoolStats:
        return PoolStats(jobs=self.jobs, containers_started=0, containers_replaced=0)

    def ready_info(self) -> dict[str, Any]:
        return {"python": sys.version.split()[0], "pytest": pytest.__version__, "local": True}

    def close(self) -> None:
        """Refuse further jobs. Safe to call twice."""
        self._closed = True

    def __enter__(self) -> LocalPool:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


def _prepare_workdir(files: Mapping[str, str]) -> str:
    """A fresh dir holding the job's files (plain names only, as the server demands)."""
    workdir = os.path.realpath(tempfile.mkdtemp(prefix="phicode-local-"))
    try:
        for name, content in files.items():
            if os.sep in name or name.startswith("."):
                raise ValueError(f"file name {name!r} is not a plain file name")
            with open(
                os.path.join(workdir, name), "w", encoding="utf-8", errors="surrogateescape"
            ) as handle:
                handle.write(content)
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    return workdir


def _cap(text: str, limit: int) -> tuple[str, bool]:
    """At most ``limit`` bytes of ``text`` (UTF-8), and whether some were dropped."""
    data = text.encode("utf-8", errors="surrogateescape")
    return _decode(data[:limit]), len(data) > limit


def _decode(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


# --- pytest mode: in this process --------------------------------------------------------


def _run_pytest(job: Job, workdir: str, limit: int) -> RunResult:
    target = os.path.join(workdir, job.target)
    extra = ["-x"] if job.stop_on_first_failure else []
    args = [*_PYTEST_ARGS, "--rootdir", workdir, *extra, target]
    names = {"solution", "test_solution", "conftest"}
    names |= {name[:-3] for name in job.files if name.endswith(".py")}
    collector = _Collector()
    out, err = io.StringIO(), io.StringIO()
    with _PYTEST_LOCK:
        started = time.monotonic()
        try:
            with (
                _job_imports(workdir, names),
                _hypothesis_profile(),
                contextlib.redirect_stdout(out),
                contextlib.redirect_stderr(err),
            ):
                status = int(pytest.main(args, plugins=[collector]))
        except Exception as exc:  # pytest itself broke: the sandbox's harness_error
            return RunResult(
                harness_error=f"{type(exc).__name__}: {exc}",
                stderr=_cap(err.getvalue(), limit)[0],
                duration_s=round(time.monotonic() - started, 4),
            )
        duration = round(time.monotonic() - started, 4)
    collected, tests, collect_errors = collector.fold()
    stdout, truncated = _cap(out.getvalue(), limit)
    return RunResult(
        finished=True,
        exit_code=0,
        pytest_exit=status,
        collected=collected,
        tests=tests,
        collect_errors=collect_errors,
        stdout=stdout,
        stderr=_cap(err.getvalue(), limit)[0],
        stdout_truncated=truncated,
        duration_s=duration,
    )


@contextlib.contextmanager
def _job_imports(workdir: str, names: set[str]) -> Iterator[None]:
    """``workdir`` first on ``sys.path`` and the job's module names fresh, then undone.

    Modules of those names loaded before (an outer ``conftest``, say) are put
    back afterwards; every module the job loaded from ``workdir`` is dropped, so
    the next job imports its own ``solution``.
    """
    stashed = {name: sys.modules.pop(name) for name in names if name in sys.modules}
    saved_bytecode = sys.dont_write_bytecode
    sys.dont_write_bytecode = True  # PYTHONDONTWRITEBYTECODE=1 in the sandbox
    sys.path.insert(0, workdir)
    importlib.invalidate_caches()
    try:
        yield
    finally:
        sys.dont_write_bytecode = saved_bytecode
        sys.path[:] = [entry for entry in sys.path if entry != workdir]  # pytest adds it too
        sys.path_importer_cache.pop(workdir, None)
        for name, module in list(sys.modules.items()):
            if name in names or _lies_in(module, workdir):
                sys.modules.pop(name, None)
        sys.modules.update(stashed)


def _lies_in(module: ModuleType | None, workdir: str) -> bool:
    path = getattr(module, "__file__", None)
    return isinstance(path, str) and path.startswith(workdir + os.sep)


@contextlib.contextmanager
def _hypothesis_profile() -> Iterator[None]:
    """The sandbox server's hypothesis profile for the run, the caller's one afterwards."""
    try:
        from hypothesis import HealthCheck, settings
    except ImportError:
        yield
        return
    settings.register_profile(
        "phicode-local",
        database=None,
        deadline=None,
        derandomize=True,
        max_examples=100,
        suppress_health_check=list(HealthCheck),
    )
    previous = settings.get_current_profile_name()
    settings.load_profile("phicode-local")
    try:
        yield
    finally:
        settings.load_profile(previous)


# --- script mode: a subprocess -----------------------------------------------------------


def _script_env(workdir: str) -> dict[str, str]:
    """``sandbox/runner.py``'s clean environment, with the host's PATH and this job's dir."""
    env = {
        "HOME": workdir,
        "TMPDIR": workdir,
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONPATH": workdir,
        "HYPOTHESIS_STORAGE_DIRECTORY": os.path.join(workdir, ".hypothesis"),
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MPLBACKEND": "Agg",
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
    }
    if "LD_LIBRARY_PATH" in os.environ:  # some host Pythons need it to start at all
        env["LD_LIBRARY_PATH"] = os.environ["LD_LIBRARY_PATH"]
    return env


def _run_script(job: Job, workdir: str, timeout: float, limit: int) -> RunResult:
    target = job.target
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, target],
        cwd=workdir,
        env=_script_env(workdir),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, killed as a whole on timeout
    )
    timed_out = False
    harness_error = None
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        # Still running, or exited while a child of its own holds the pipes open.
        timed_out = process.poll() is None
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        try:
            out, err = process.communicate(timeout=_KILL_GRACE_S)
        except subprocess.TimeoutExpired:  # a detached grandchild holds the pipes
            process.kill()
            for stream in (process.stdout, process.stderr):
                if stream is not None:
                    stream.close()
            process.wait()
            out, err = b"", b""
            harness_error = "the script's output pipes stayed open after it was killed"
    duration = round(time.monotonic() - started, 4)
    code = process.returncode
    killed = code is not None and code < 0
    return RunResult(
        finished=not killed and not timed_out,
        exit_code=None if killed else code,
        signal=-code if killed else None,
        timed_out=timed_out,
        pytest_exit=None if killed else code,  # the sandbox's "done" status of a script
        stdout=_decode(out[:limit]),
        stderr=_decode(err[:limit]),
        stdout_truncated=len(out) > limit,
        duration_s=duration,
        harness_error=harness_error,
    )
