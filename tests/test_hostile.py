"""Hostile programs, in the solution or in the tests: each must be contained and
none may count as passed. They run in real containers (marker ``docker``) with a
3 s timeout and 256 MiB per job, and after each one the pool must still work."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from phicode.judge import pair_job
from phicode.records import Pair, Status
from phicode.sandbox.jobs import Job
from phicode.sandbox.pool import SandboxConfig, SandboxPool
from phicode.verify import Verifier

pytestmark = pytest.mark.docker

HOST_SECRET = "PHICODE_HOST_SECRET"
HOST_MARKER = Path(__file__).resolve().parent / "HOSTILE_WAS_HERE"
OK_SOLUTION = "def add(a, b):\n    return a + b\n"
IMPORT = "from solution import add\n"
NOT_PASSED = {Status.FAILED, Status.ERROR, Status.TIMEOUT, Status.CRASHED}


@dataclass(frozen=True)
class Hostile:
    name: str
    tests: str
    solution: str = OK_SOLUTION
    expect: frozenset[Status] = frozenset(NOT_PASSED)
    detail: str = ""  # a piece the verification detail must contain


def case(
    name: str, tests: str, solution: str = OK_SOLUTION, expect=None, detail: str = ""
) -> Hostile:
    return Hostile(name, tests, solution, frozenset(expect or NOT_PASSED), detail)


CASES = [
    case(
        "fork bomb at import",
        IMPORT + "def test_add():\n    assert add(1, 2) == 3\n",
        solution="import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n"
        + OK_SOLUTION,
        expect={Status.TIMEOUT, Status.ERROR, Status.CRASHED},
    ),
    case(
        "fork bomb in a test",
        "import os\ndef test_bomb():\n    while True:\n        try:\n            os.fork()\n        except OSError:\n            pass\n",
        expect={Status.TIMEOUT, Status.ERROR, Status.CRASHED},
    ),
    case(
        "memory hog, one block",
        IMPORT + "def test_hog():\n    block = bytearray(8 * 1024**3)\n    assert len(block) > 0\n",
        expect={Status.FAILED, Status.CRASHED},
    ),
    case(
        "memory hog, growing",
        "def test_hog():\n    chunks = []\n    while True:\n        chunks.append(bytearray(16 * 1024**2))\n",
        expect={Status.FAILED, Status.CRASHED},
    ),
    case(
        "infinite loop",
        IMPORT + "def test_loop():\n    while True:\n        pass\n",
        expect={Status.TIMEOUT},
        detail="timeout after 3 s",
    ),
    case(
        "infinite loop ignoring SIGTERM",
        "import signal\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "def test_loop():\n    while True:\n        pass\n",
        expect={Status.TIMEOUT},
    ),
    case(
        "deep recursion",
        "import sys\nsys.setrecursionlimit(10**7)\n"
        "def down(n):\n    return down(n + 1) + 1\n"
        "def test_deep():\n    assert down(0) > 0\n",
        # 3.11 keeps Python frames on the heap: this grows to the memory limit,
        # then formatting a traceback that deep can outlast the deadline.
        expect={Status.FAILED, Status.CRASHED, Status.TIMEOUT},
    ),
    case(
        "sleeping non-daemon thread keeps the process alive",
        "import threading, time\n"
        "threading.Thread(target=time.sleep, args=(600,)).start()\n"
        "def test_wrong():\n    assert 1 + 1 == 3\n",
        expect={Status.FAILED},
    ),
    case(
        "daemon thread forges a result after the test",
        "import os, threading, time, json\n"
        "def forge():\n    time.sleep(0.2)\n"
        "    os.write(3, json.dumps({'event': 'done', 'exitstatus': 0}).encode() + b'\\n')\n"
        "threading.Thread(target=forge, daemon=True).start()\n"
        "def test_wrong():\n    time.sleep(0.5)\n    assert False\n",
        expect={Status.FAILED},
    ),
    case(
        "background process left behind",
        "import subprocess\n"
        "def test_spawn():\n    subprocess.Popen(['sleep', '60'], start_new_session=True)\n",
        expect={Status.ERROR},
        detail="left 1 process(es) running",
    ),
    case(
        "double-forked daemon",
        "import os, time\n"
        "def test_daemon():\n    if os.fork() == 0:\n        os.setsid()\n        if os.fork() == 0:\n"
        "            time.sleep(60)\n        os._exit(0)\n    time.sleep(0.1)\n",
        expect={Status.ERROR},
    ),
    case(
        "network connect",
        "import socket\ndef test_net():\n    socket.create_connection(('1.1.1.1', 53), timeout=2).close()\n",
        expect={Status.FAILED},
    ),
    case(
        "DNS lookup",
        "import socket\ndef test_dns():\n    assert socket.gethostbyname('example.com')\n",
        expect={Status.FAILED},
    ),
    case(
        "write to /",
        "def test_root():\n    open('/pwned', 'w').write('x')\n",
        expect={Status.FAILED},
        detail="Read-only file system",
    ),
    case(
        "write to /etc",
        "def test_etc():\n    open('/etc/passwd', 'a').write('evil::0:0::/:/bin/sh\\n')\n",
        expect={Status.FAILED},
    ),
    case(
        "write to a host path",
        f"def test_host():\n    open({str(HOST_MARKER)!r}, 'w').write('x')\n",
        expect={Status.FAILED},
    ),
    case(
        "read a host environment secret",
        f"import os\ndef test_secret():\n    assert os.environ.get({HOST_SECRET!r}) == 'hunter2'\n",
        expect={Status.FAILED},
    ),
    case(
        "read the server's environment and fds",
        "def test_peek():\n    open('/proc/1/environ').read()\n    open('/proc/1/fd/1', 'w').write('{}')\n",
        expect={Status.FAILED},
        detail="Permission denied",
    ),
    case(
        "os._exit(0) at import",
        IMPORT + "def test_add():\n    assert add(1, 2) == 3\n",
        solution="import os\nos._exit(0)\n",
        expect={Status.ERROR},
        detail="exited before the tests finished",
    ),
    case(
        "sys.exit(0) at import",
        IMPORT + "def test_add():\n    assert add(1, 2) == 3\n",
        solution="import sys\nsys.exit(0)\n",
        expect={Status.ERROR, Status.FAILED},
    ),
    case(
        "os._exit(0) inside a test",
        "import os\ndef test_exit():\n    os._exit(0)\n",
        expect={Status.ERROR},
        detail="exited before the tests finished",
    ),
    case(
        "sys.exit(0) inside a test",
        "import sys\ndef test_exit():\n    sys.exit(0)\n",
        expect={Status.FAILED, Status.ERROR},
    ),
    case(
        "pytest.skip everywhere",
        "import pytest\npytestmark = pytest.mark.skip(reason='nothing to see')\n"
        "def test_a():\n    assert False\ndef test_b():\n    assert False\n",
        expect={Status.FAILED},
        detail="a test that does not run is not a pass",
    ),
    case(
        "module-level skip",
        "import pytest\npytest.skip('skip the whole module', allow_module_level=True)\n"
        "def test_a():\n    assert False\n",
        expect={Status.ERROR, Status.FAILED},
    ),
    case(
        "xfail is not a pass",
        "import pytest\n@pytest.mark.xfail\ndef test_a():\n    assert False\n",
        expect={Status.FAILED},
    ),
    case(
        "no tests collected",
        IMPORT + "def helper():\n    assert add(1, 2) == 3\n",
        expect={Status.ERROR},
        detail="no tests collected",
    ),
    case(
        "kill the parent",
        "import os, signal\ndef test_kill():\n    os.kill(os.getppid(), signal.SIGKILL)\n"
        "    os.kill(1, signal.SIGKILL)\n    assert False\n",
        expect={Status.FAILED},
    ),
    case(
        "kill every process",
        "import os, signal\ndef test_kill():\n    os.kill(-1, signal.SIGKILL)\n",
        # the kernel spares PID 1 and the caller: nothing to kill, the test fails
        expect={Status.CRASHED, Status.ERROR, Status.FAILED},
    ),
    case(
        "100 MB of output with fake results",
        "import os, sys\ndef test_flood():\n"
        '    line = b\'{"event": "done", "exitstatus": 0} 1 passed\\n\' * 20000\n'
        "    for _ in range(100):\n        os.write(1, line)\n    os._exit(0)\n",
        expect={Status.ERROR},
    ),
    case(
        "a 1 GB file in /tmp",
        "def test_big():\n    with open('/tmp/big', 'wb') as f:\n"
        "        for _ in range(1024):\n            f.write(b'0' * 1024**2)\n",
        expect={Status.FAILED, Status.CRASHED},
    ),
    case(
        "ctypes segfault",
        "import ctypes\ndef test_crash():\n    ctypes.string_at(0)\n",
        expect={Status.CRASHED},
        detail="SIGSEGV",
    ),
    case(
        "read stdin",
        "import sys\ndef test_stdin():\n    assert sys.stdin.read() == 'the answer'\n"
        "def test_input():\n    assert input() == 'the answer'\n",
        expect={Status.FAILED},
    ),
    case(
        "non-UTF-8 output",
        "import os\ndef test_bytes():\n    os.write(1, b'\\xff\\xfe\\x80 not utf-8')\n"
        "    os.write(2, b'\\xc3\\x28')\n    assert b'\\xff' == b'\\xfe'\n",
        expect={Status.FAILED},
    ),
    case(
        "forge an event without the nonce",
        "import os\ndef test_forge():\n"
        '    os.write(3, b\'{"event": "test", "nodeid": "x", "outcome": "passed"}\\n\')\n'
        '    os.write(3, b\'{"event": "done", "exitstatus": 0}\\n\')\n    os._exit(0)\n',
        expect={Status.ERROR},
    ),
    case(
        "lock the work dir",
        "import os\ndef test_lock():\n    os.makedirs('/tmp/keep/inner', exist_ok=True)\n"
        "    open('/tmp/keep/inner/f', 'w').write('x')\n    os.chmod('/tmp/keep/inner', 0)\n"
        "    os.chmod('/tmp/keep', 0)\n    assert False\n",
        expect={Status.FAILED},
    ),
]


@pytest.fixture(scope="module")
def verifier(short_pool: SandboxPool) -> Verifier:
    return Verifier(short_pool)


@pytest.fixture(autouse=True)
def host_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(HOST_SECRET, "hunter2")


def test_the_suite_is_large_enough() -> None:
    assert len(CASES) >= 25
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("hostile", CASES, ids=[c.name for c in CASES])
def test_hostile_program_is_contained(hostile: Hostile, verifier: Verifier) -> None:
    pair = Pair(id=hostile.name, solution=hostile.solution, tests=hostile.tests, entry_point="add")
    verification = verifier.verify(pair)
    assert verification.status is not Status.PASSED
    assert verification.status in hostile.expect, verification.detail
    assert hostile.detail in verification.detail
    assert not HOST_MARKER.exists()
    # the pool still verifies an honest pair right after
    honest = Pair(
        id="honest",
        solution=OK_SOLUTION,
        tests=IMPORT + "def test_add():\n    assert add(2, 3) == 5\n",
    )
    assert verifier.verify(honest).status is Status.PASSED


def test_output_is_capped(short_pool: SandboxPool) -> None:
    flood = "import os\nfor _ in range(100):\n    os.write(1, b'x' * 1024 * 1024)\n"
    job = Job.script(
        {"main.py": flood}, "main.py", timeout_s=3, memory_mb=512, max_output=None
    )  # no limit of its own: the server's
    result = short_pool.run(job)
    assert result.stdout_truncated
    assert len(result.stdout) <= short_pool.config.max_output


def test_nothing_passes_from_one_job_to_the_next() -> None:
    """Files in /tmp, the work dir and HOME, and processes, are gone for the next job
    on the same container (one worker, so both jobs meet the same server)."""
    leave = (
        "import os, subprocess\n"
        "def test_leave():\n"
        "    open('/tmp/marker', 'w').write('x')\n"
        "    open(os.path.expanduser('~/marker'), 'w').write('x')\n"
        "    os.environ['LEFT_BEHIND'] = '1'\n"
        "    assert False\n"
    )
    find = (
        "import os\n"
        "def test_find():\n"
        "    assert os.path.exists('/tmp/marker') or os.path.exists(os.path.expanduser('~/marker'))\n"
        "def test_env():\n"
        "    assert os.environ.get('LEFT_BEHIND') == '1'\n"
    )
    with SandboxPool(SandboxConfig(workers=1, timeout_s=5)) as pool:
        verifier = Verifier(pool)
        first = verifier.verify(Pair(id="leave", solution=OK_SOLUTION, tests=leave))
        second = verifier.verify(Pair(id="find", solution=OK_SOLUTION, tests=find))
        assert pool.stats().containers_replaced == 0  # the same container served both
    assert first.status is Status.FAILED
    assert second.status is Status.FAILED
    assert second.tests_failed == 2


# Job 1 makes one of each IPC object that outlives a process (System V shared memory
# holding a secret, a semaphore set, a message queue; a POSIX message queue) and reads
# the secret back; job 2, on the same container, looks for them.
IPC_LEAVE = """\
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
segment = libc.shmat(libc.shmget(0x5048, 4096, 0o1600), None, 0)
ctypes.memmove(segment, b"the tests\\0", 10)
assert libc.semget(0x5049, 1, 0o1600) >= 0 and libc.msgget(0x504A, 0o1600) >= 0
assert libc.mq_open(b"/phicode", os.O_CREAT | os.O_RDWR, 0o600, None) >= 0
print("read back:", ctypes.string_at(segment).decode())
"""
IPC_FIND = """\
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
for kind in ("shm", "sem", "msg"):
    print(kind, len(open(f"/proc/sysvipc/{kind}").read().splitlines()) - 1)
print("mqueue", sorted(os.listdir("/dev/mqueue")))
print("shmget", libc.shmget(0x5048, 0, 0), os.strerror(ctypes.get_errno()))
writable = []
for root, folders, _files in os.walk("/"):
    if root in ("/proc", "/sys"):
        folders[:] = []
    elif os.access(root, os.W_OK):
        writable.append(root)
print("writable", sorted(writable))
"""


def test_no_ipc_object_or_queue_outlives_its_job() -> None:
    """A container's IPC namespace outlives its jobs: the server removes every System V
    object and POSIX message queue after each one, and nothing else outside the wiped
    places is writable (one worker, so both jobs meet the same server)."""

    def script(code: str) -> Job:
        return Job.script({"main.py": code}, "main.py", timeout_s=5, memory_mb=512, max_output=None)

    with SandboxPool(SandboxConfig(workers=1, spares=0, timeout_s=5)) as pool:
        leave = pool.run(script(IPC_LEAVE))
        find = pool.run(script(IPC_FIND))
        assert pool.stats().containers_replaced == 0
    assert (leave.exit_code, leave.pytest_exit, leave.dirty) == (0, 0, False), leave.stderr
    assert leave.stdout == "read back: the tests\n"
    lines = find.stdout.splitlines()
    assert lines[:5] == [
        "shm 0",
        "sem 0",
        "msg 0",
        "mqueue []",
        "shmget -1 No such file or directory",
    ], find.stderr
    assert lines[5] == "writable ['/dev/mqueue', '/tmp', '/tmp/job']"
    assert not find.dirty


def test_a_job_with_nested_folders_leaves_a_clean_container(verifier: Verifier) -> None:
    """pytest's tmp_path makes nested folders in the work dir; the wipe removes them
    without breaking (it once raised on them and took the container down)."""
    tests = IMPORT + "def test_add(tmp_path):\n    (tmp_path / 'a' / 'b').mkdir(parents=True)\n"
    tests += "    assert add(1, 2) == 3\n"
    pool = verifier.pool
    replaced = pool.stats().containers_replaced
    result = pool.run(pair_job(Pair(id="tmp", solution=OK_SOLUTION, tests=tests), 3.0, 256))
    assert (result.harness_error, result.dirty) == (None, False)
    assert verifier.verify(Pair(id="tmp", solution=OK_SOLUTION, tests=tests)).passed
    assert pool.stats().containers_replaced == replaced


def test_host_environment_is_not_passed_through(verifier: Verifier) -> None:
    assert os.environ[HOST_SECRET] == "hunter2"
    probe = f"import os\ndef test_env():\n    assert {HOST_SECRET!r} not in os.environ\n"
    assert (
        verifier.verify(Pair(id="env", solution=OK_SOLUTION, tests=probe)).status is Status.PASSED
    )


def test_the_memory_cgroup_kills_a_hog_and_says_so(sandbox_pool: SandboxPool) -> None:
    """Files in /tmp are charged to the container's memory; with them, a hog
    meets the cgroup limit before its address-space rlimit: the kernel's OOM
    killer ends it, and the detail says so."""
    tests = (
        "def test_hog():\n"
        "    for name in ('a', 'b'):\n"
        "        with open('/tmp/fill' + name, 'wb') as f:\n"
        "            for _ in range(120):\n"
        "                f.write(b'x' * 1024 * 1024)\n"
        "    blocks = []\n"
        "    for _ in range(700):\n"
        "        blocks.append(bytearray(1024 * 1024))\n"
    )
    verification = Verifier(sandbox_pool).verify(Pair(id="oom", solution=OK_SOLUTION, tests=tests))
    assert (verification.status, verification.detail) == (Status.CRASHED, "killed: out of memory")
