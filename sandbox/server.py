"""The warm fork server: PID 1 of every sandbox container.

It imports pytest and hypothesis once, warms them with a throw-away run, then
answers jobs read from stdin, one at a time: write the job's files into a fresh
work dir, fork, let the child confine itself and run (``runner.py``), collect
its events and output under a wall-clock deadline, then restore a clean state
(kill every other process, wipe every writable place, remove every System V IPC
object and POSIX message queue) before the next job.

Why PID 1: the kernel ignores signals sent to a namespace's init from inside
it, so a job cannot kill the server; and ``kill(-1, SIGKILL)`` from PID 1
reaches every process a job could have left behind. Why not dumpable: so a job
(same uid) cannot open ``/proc/1/fd/1`` and write a fake result to the channel.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import secrets
import select
import shutil
import signal
import sys
import time
from typing import Any, BinaryIO

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from protocol import PROTOCOL_VERSION, read_message, write_message  # noqa: E402
from runner import PYTEST_ARGS, run_child  # noqa: E402

WORK_ROOT = "/tmp"
JOB_DIR = os.path.join(WORK_ROOT, "job")
# Every place a job can write that outlives it: the container's root is read-only
# and nothing else is writable (tests/test_hostile.py lists them from inside a job).
# /dev/mqueue holds the IPC namespace's POSIX message queues; unlinking an entry
# removes its queue.
WRITABLE_PLACES = (WORK_ROOT, "/dev/shm", "/dev/mqueue")
SYSV_IPC = {"shm": "shmctl", "sem": "semctl", "msg": "msgctl"}  # /proc/sysvipc/<kind>
IPC_RMID = 0
EVENT_LIMIT = 8 * 1024 * 1024
READ_CHUNK = 65536


# --- start-up --------------------------------------------------------------------


_LIBC = ctypes.CDLL(None, use_errno=True)


def _make_undumpable() -> None:
    PR_SET_DUMPABLE = 4
    with contextlib.suppress(OSError, AttributeError):
        _LIBC.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)


def _take_channel() -> tuple[BinaryIO, BinaryIO]:
    """Keep private copies of stdin/stdout; point fds 0 and 1 elsewhere.

    Anything that prints in this process (pytest during warm-up, a library
    warning) then lands on stderr, never in the result channel.
    """
    channel_in = os.fdopen(os.dup(0), "rb", buffering=0)
    channel_out = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(2, 1)
    os.close(devnull)
    return channel_in, channel_out


_WARMUP_TEST = """
import pytest
from hypothesis import given, strategies as st
from solution import double

@pytest.mark.parametrize("x", [1, 2])
def test_param(x):
    assert double(x) == 2 * x

@given(st.integers())
def test_property(x):
    assert double(x) - x == x
"""


def _warm_up() -> float:
    """Run one throw-away session so forked jobs inherit every lazy import."""
    started = time.monotonic()
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    import hypothesis
    import pytest
    from hypothesis import HealthCheck, settings

    settings.register_profile(
        "phicode",
        database=None,
        deadline=None,
        derandomize=True,
        max_examples=100,
        suppress_health_check=list(HealthCheck),
    )
    settings.load_profile("phicode")
    warm = os.path.join(WORK_ROOT, "warmup")
    os.makedirs(warm, exist_ok=True)
    with open(os.path.join(warm, "solution.py"), "w") as handle:
        handle.write("def double(x):\n    return 2 * x\n")
    with open(os.path.join(warm, "test_warmup.py"), "w") as handle:
        handle.write(_WARMUP_TEST)
    cwd = os.getcwd()
    os.chdir(warm)
    sys.path.insert(0, warm)
    try:
        pytest.main(["test_warmup.py", *PYTEST_ARGS])
    finally:
        sys.path.remove(warm)
        os.chdir(cwd)
        for name in ("solution", "test_warmup"):
            sys.modules.pop(name, None)
        _wipe()
    del hypothesis
    return time.monotonic() - started


# --- one job ----------------------------------------------------------------------


class _Capture:
    """Read a pipe to its end, keeping at most ``limit`` bytes."""

    def __init__(self, fd: int, limit: int) -> None:
        self.fd = fd
        self.limit = limit
        self.kept = bytearray()
        self.truncated = False

    def read(self) -> bool:
        """Read what is there; False at end of file."""
        try:
            chunk = os.read(self.fd, READ_CHUNK)
        except BlockingIOError:
            return True
        except OSError:
            return False
        if not chunk:
            return False
        room = self.limit - len(self.kept)
        if room > 0:
            self.kept += chunk[:room]
        if len(chunk) > max(room, 0):
            self.truncated = True
        return True

    def text(self) -> str:
        return self.kept.decode("utf-8", errors="replace")


# Files that would change how pytest or Python itself runs: never from a job.
REFUSED_FILES = frozenset(
    {"conftest.py", "pytest.ini", "tox.ini", "setup.cfg", "pyproject.toml",
     "sitecustomize.py", "usercustomize.py", "pytest.py", "_pytest.py", "pluggy.py"}
)  # fmt: skip


def _prepare_workdir(files: dict[str, str]) -> str:
    os.makedirs(JOB_DIR, mode=0o700)
    for name, content in files.items():
        if os.sep in name or name.startswith("."):
            raise ValueError(f"file name {name!r} is not a plain file name")
        if name in REFUSED_FILES or name.endswith(".pth"):
            raise ValueError(f"{name!r} would change how pytest runs: refused")
        with open(
            os.path.join(JOB_DIR, name), "w", encoding="utf-8", errors="surrogateescape"
        ) as handle:
            handle.write(content)
    return JOB_DIR


def _oom_kills() -> int:
    for path in ("/sys/fs/cgroup/memory.events", "/sys/fs/cgroup/memory/memory.oom_control"):
        with contextlib.suppress(OSError), open(path) as handle:
            for line in handle:
                key, _, value = line.partition(" ")
                if key == "oom_kill":
                    return int(value)
    return 0


def run_job(job: dict[str, Any]) -> dict[str, Any]:
    """Run one job in a forked child and restore a clean state afterwards."""
    started = time.monotonic()
    result: dict[str, Any] = _empty_result(str(job.get("id", "")))
    timeout = float(job.get("timeout_s", 10.0))
    limit = int(job.get("max_output", 64 * 1024))
    try:
        workdir = _prepare_workdir(job.get("files", {}))
    except (OSError, ValueError) as exc:
        result["harness_error"] = f"cannot prepare the work dir: {exc}"
        result["dirty"] = not _restore_clean_state()[1]
        return result
    oom_before = _oom_kills()
    nonce = secrets.token_hex(16)
    for stream in (sys.stdout, sys.stderr):  # nothing buffered here may leak into the job's pipes
        stream.flush()
    event_r, event_w = os.pipe()
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the job process
        run_child(job, workdir, event_w, out_w, err_w, nonce)
    for fd in (event_w, out_w, err_w):
        os.close(fd)
    events = _Capture(event_r, EVENT_LIMIT)
    stdout = _Capture(out_r, limit)
    stderr = _Capture(err_r, limit)
    status, timed_out = _watch(pid, [events, stdout, stderr], started + timeout)
    for capture in (events, stdout, stderr):
        os.close(capture.fd)
    leftovers, clean = _restore_clean_state()

    result.update(_read_events(events.kept, nonce))
    result["timed_out"] = timed_out
    if os.WIFSIGNALED(status):
        result["signal"] = os.WTERMSIG(status)
    elif os.WIFEXITED(status):
        result["exit_code"] = os.WEXITSTATUS(status)
    result["oom_killed"] = _oom_kills() > oom_before
    result["stdout"], result["stderr"] = stdout.text(), stderr.text()
    result["stdout_truncated"] = stdout.truncated
    result["leftover_processes"] = leftovers
    result["dirty"] = not clean
    result["duration_s"] = round(time.monotonic() - started, 4)
    return result


def _watch(pid: int, captures: list[_Capture], deadline: float) -> tuple[int, bool]:
    """Drain the pipes until the child exits or the deadline passes."""
    pidfd = os.pidfd_open(pid)
    open_fds = {capture.fd: capture for capture in captures}
    for fd in open_fds:
        os.set_blocking(fd, False)
    timed_out = False
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                timed_out = True
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pid, signal.SIGKILL)
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                break
            ready, _, _ = select.select([pidfd, *open_fds], [], [], remaining)
            for fd in ready:
                if fd != pidfd and not open_fds[fd].read():
                    del open_fds[fd]
            if pidfd in ready:
                break
        _, status = os.waitpid(pid, 0)
        _drain(list(open_fds.values()))
    finally:
        os.close(pidfd)
    return status, timed_out


def _drain(captures: list[_Capture]) -> None:
    """Read what the exited child left in its pipes, without waiting on grandchildren."""
    for capture in captures:
        for _ in range(1024):
            ready, _, _ = select.select([capture.fd], [], [], 0)
            if not ready or not capture.read():
                break


def _read_events(raw: bytes, nonce: str) -> dict[str, Any]:
    tests: dict[str, dict[str, Any]] = {}
    out: dict[str, Any] = {"collect_errors": [], "collected": 0}
    for line in raw.splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if not isinstance(event, dict) or event.get("nonce") != nonce:
            continue
        kind = event.get("event")
        if kind == "collected":
            out["collected"] = int(event.get("count", 0))
        elif kind == "collect_error":
            out["collect_errors"].append(str(event.get("message", "")))
        elif kind == "test":
            _merge_outcome(tests, event)
        elif kind == "tampered":
            out["tampered"] = [str(what)[:200] for what in event.get("what", [])][:10]
        elif kind == "done":
            out["finished"] = True
            out["pytest_exit"] = int(event.get("exitstatus", -1))
    out["tests"] = list(tests.values())
    return out


_SEVERITY = {"passed": 0, "xpassed": 1, "skipped": 2, "xfailed": 2, "failed": 3, "error": 4}


def _merge_outcome(tests: dict[str, dict[str, Any]], event: dict[str, Any]) -> None:
    """Keep the worst outcome a test had over its setup, call and teardown."""
    nodeid = str(event.get("nodeid", ""))
    outcome = str(event.get("outcome", "error"))
    if outcome not in _SEVERITY:
        outcome = "error"
    current = tests.get(nodeid)
    if current is None or _SEVERITY[outcome] > _SEVERITY[current["outcome"]]:
        tests[nodeid] = {
            "nodeid": nodeid,
            "outcome": outcome,
            "message": str(event.get("message", "")),
            "duration_s": float(event.get("duration_s", 0.0)),
        }


def _empty_result(job_id: str) -> dict[str, Any]:
    return {
        "id": job_id,
        "finished": False,
        "exit_code": None,
        "signal": None,
        "timed_out": False,
        "oom_killed": False,
        "pytest_exit": None,
        "collected": 0,
        "tests": [],
        "collect_errors": [],
        "stdout": "",
        "stderr": "",
        "stdout_truncated": False,
        "duration_s": 0.0,
        "leftover_processes": 0,
        "dirty": False,
        "harness_error": None,
        "tampered": [],
    }


# --- back to a clean state -------------------------------------------------------------


def _other_processes() -> list[int]:
    own = os.getpid()
    return [int(name) for name in os.listdir("/proc") if name.isdigit() and int(name) != own]


def _reap() -> None:
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0] > 0:
            pass


def _kill_everything_else() -> int:
    """SIGKILL every other process in the container; return how many there were."""
    _reap()
    found = len(_other_processes())
    for _ in range(400):
        with contextlib.suppress(ProcessLookupError):  # nothing left to kill
            os.kill(-1, signal.SIGKILL)
        _reap()
        if not _other_processes():
            break
        time.sleep(0.005)
    return found


def _wipe() -> bool:
    """Remove everything in the writable places; False when something stayed."""
    clean = True
    for place in WRITABLE_PLACES:
        try:
            entries = list(os.scandir(place))
        except (FileNotFoundError, PermissionError):
            continue  # not mounted, or closed to this uid (so to the job's too)
        except OSError:
            clean = False
            continue
        for entry in entries:
            clean &= _remove(entry.path)
    return clean


def _remove(path: str) -> bool:
    """Remove a file or tree, even one whose folders a job made unreadable."""
    with contextlib.suppress(OSError):
        if os.path.isdir(path) and not os.path.islink(path):
            _unlock_tree(path)
            shutil.rmtree(path, ignore_errors=True)
        else:
            os.unlink(path)
    return not os.path.lexists(path)


def _unlock_tree(path: str) -> None:
    """Give every folder back its owner's rights, top down, so it can be emptied.
    Every process of the job is dead by now: no link can be swapped in meanwhile."""
    os.chmod(path, 0o700)
    for root, folders, _files in os.walk(path):
        for folder in folders:
            inner = os.path.join(root, folder)
            if not os.path.islink(inner):
                with contextlib.suppress(OSError):
                    os.chmod(inner, 0o700)


def _ipc_ids(kind: str) -> list[int] | None:
    """The ids of the IPC namespace's System V objects of ``kind``; None if unreadable."""
    try:
        with open(f"/proc/sysvipc/{kind}") as handle:
            rows = handle.read().splitlines()[1:]
    except FileNotFoundError:
        return []  # a kernel without System V IPC: nothing can be made
    except OSError:
        return None
    try:
        return [int(row.split()[1]) for row in rows if row.strip()]
    except (IndexError, ValueError):
        return None


def _remove_ipc_objects() -> bool:
    """Remove every System V shared memory segment, semaphore set and message queue.

    The container has an IPC namespace of its own, and these objects outlive the
    process that made them: a job could leave its test file in one for the next job
    (the case judge's) to read. Every job process is dead by now, so nothing is
    attached and each object goes at once. The job's uid made them (they carry it as
    creator, which cannot be changed), so the server may remove them. False when one
    stayed or the list cannot be read.
    """
    for kind, call in SYSV_IPC.items():
        for ident in _ipc_ids(kind) or ():
            if kind == "sem":
                _LIBC.semctl(ident, 0, IPC_RMID)
            else:
                getattr(_LIBC, call)(ident, IPC_RMID, None)
    return all(_ipc_ids(kind) == [] for kind in SYSV_IPC)


def _restore_clean_state() -> tuple[int, bool]:
    """Kill what the job left running, then remove what it left behind: files, IPC
    objects. ``clean`` is False when anything stayed: the host replaces the container."""
    leftovers = _kill_everything_else()
    try:
        files = _wipe()
        ipc = _remove_ipc_objects()
        clean = files and ipc and not _other_processes()
    except Exception:  # a wipe that broke leaves the container dirty, never the server down
        clean = False
    return leftovers, clean


# --- main loop -----------------------------------------------------------------------


def main() -> int:
    _make_undumpable()
    channel_in, channel_out = _take_channel()
    warmup = _warm_up()
    import hypothesis
    import pytest

    write_message(
        channel_out,
        {
            "ready": True,
            "protocol": PROTOCOL_VERSION,
            "python": sys.version.split()[0],
            "pytest": pytest.__version__,
            "hypothesis": hypothesis.__version__,
            "warmup_s": round(warmup, 3),
        },
    )
    while True:
        try:
            job = read_message(channel_in)
        except ValueError as exc:
            write_message(
                channel_out, {**_empty_result(""), "harness_error": f"unreadable job: {exc}"}
            )
            continue
        if job is None:
            return 0
        try:
            result = run_job(job)
        except Exception as exc:  # never let one job take the server down silently
            result = {
                **_empty_result(str(job.get("id", ""))),
                "harness_error": repr(exc),
                "dirty": True,
            }
        write_message(channel_out, result)


if __name__ == "__main__":
    sys.exit(main())
