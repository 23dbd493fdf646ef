"""No sandbox container outlives the phicode process that started it: not on a
normal exit, not on SIGTERM or Ctrl-C, and after a SIGKILL the containers exit
on their own (their stdin closes) and any left are reaped at the next start."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from phicode.errors import SandboxError
from phicode.sandbox.engine import OWNER_LABEL, Engine, owner_tag
from phicode.sandbox.jobs import Job
from phicode.sandbox.pool import SandboxConfig, SandboxPool

pytestmark = pytest.mark.docker
PHICODE = [sys.executable, "-m", "phicode.cli"]


def containers_of(owner: str) -> list[dict[str, str]]:
    return [c for c in Engine.connect().list_sandboxes() if c["owner"] == owner]


def wait_until(condition, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def slow_pairs(path: Path, count: int = 40) -> Path:
    with path.open("w") as handle:
        for index in range(count):
            pair = {
                "id": f"slow-{index}",
                "solution": "def f():\n    return 1\n",
                "tests": "import time\nfrom solution import f\ndef test_f():\n    time.sleep(0.5)\n    assert f() == 1\n",
            }
            handle.write(json.dumps(pair) + "\n")
    return path


def new_containers(before: set[str]) -> set[str]:
    """This process's containers that were not there before: the session's
    shared pools belong to the same owner and must not be counted."""
    return {c["id"] for c in containers_of(owner_tag())} - before


def current_ids() -> set[str]:
    return {c["id"] for c in containers_of(owner_tag())}


def test_pool_close_removes_every_container_spares_included() -> None:
    before = current_ids()
    pool = SandboxPool(SandboxConfig(workers=2, spares=1)).start()
    assert wait_until(lambda: len(new_containers(before)) == 3, 60)  # two workers and a spare
    pool.close()
    assert wait_until(lambda: not new_containers(before), 10)


def test_a_tainted_container_is_swapped_for_the_spare() -> None:
    existing = current_ids()
    with SandboxPool(SandboxConfig(workers=1, spares=1, timeout_s=1)) as pool:
        assert wait_until(lambda: len(new_containers(existing)) == 2, 60)
        before = new_containers(existing)
        result = pool.run(
            Job.script(
                {"main.py": "while True: pass"},
                "main.py",
                timeout_s=1,
                memory_mb=512,
                max_output=None,
            )
        )
        assert result.timed_out
        assert pool.stats().containers_replaced == 1
        # the spare took over at once and a new spare is on its way
        assert wait_until(lambda: len(new_containers(existing)) == 2, 60)
        after = new_containers(existing)
        assert len(before & after) == 1  # the old spare, now the worker
        ok = pool.run(
            Job.script(
                {"main.py": "print('fine')"},
                "main.py",
                timeout_s=10.0,
                memory_mb=512,
                max_output=None,
            )
        )
        assert ok.stdout == "fine\n"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "ctrl-c"])
def test_signal_stops_verify_and_removes_containers(tmp_path: Path, signum: int) -> None:
    source = slow_pairs(tmp_path / "pairs.jsonl")
    output = tmp_path / "out.jsonl"
    process = subprocess.Popen(
        [*PHICODE, "verify", str(source), "-o", str(output), "--workers", "2", "-q"],
        stderr=subprocess.PIPE,
        text=True,
    )
    owner = owner_tag(process.pid)
    assert wait_until(lambda: output.exists() and output.stat().st_size > 0, 60)
    assert len(containers_of(owner)) >= 2  # two workers (and a spare, once it is up)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "phicode: interrupted; everything written so far is kept" in stderr
    assert wait_until(lambda: not containers_of(owner), 15)
    lines = output.read_text().splitlines()
    assert 0 < len(lines) < 40
    assert all(json.loads(line)["verification"]["status"] == "passed" for line in lines)


def test_sigkill_leaves_nothing_for_long(tmp_path: Path) -> None:
    source = slow_pairs(tmp_path / "pairs.jsonl")
    process = subprocess.Popen(
        [*PHICODE, "verify", str(source), "-o", str(tmp_path / "out.jsonl"), "-q"],
        stderr=subprocess.DEVNULL,
    )
    owner = owner_tag(process.pid)
    # kill as soon as the first container exists: the moment most likely to catch
    # one between create and start
    assert wait_until(lambda: len(containers_of(owner)) >= 1, 60)
    process.kill()
    process.wait()

    # stdin closes with the killed client: each server ends its job and exits, and the
    # engine removes the container (auto-remove). A start request already sent still
    # completes (within about a second) and that container exits the same way. One the
    # kill caught between create and start never runs: it may stay, in state "created".
    def only_never_started() -> bool:
        return all(c["status"] == "created" for c in containers_of(owner))

    assert wait_until(only_never_started, 30), containers_of(owner)
    time.sleep(3)  # long enough for a start still in flight to show
    assert wait_until(only_never_started, 30), containers_of(owner)
    # the next start reaps whatever is left
    with SandboxPool(SandboxConfig(workers=1)):
        assert not containers_of(owner)


def test_orphans_of_a_dead_owner_are_reaped_at_start() -> None:
    engine = Engine.connect()
    dead_owner = f"{os.uname().nodename}:999999999:0"
    spec = SandboxConfig(workers=1).container_spec()
    orphan_spec = type(spec)(**{**_fields(spec), "labels": {OWNER_LABEL: dead_owner}})
    orphan = engine.start_server(orphan_spec)  # this process keeps its stdin open
    try:
        assert containers_of(dead_owner)
        with SandboxPool(SandboxConfig(workers=1), engine=engine):
            assert not containers_of(dead_owner)
    finally:
        orphan.kill()


def _fields(spec) -> dict:
    return {name: getattr(spec, name) for name in spec.__dataclass_fields__}


def test_a_pool_never_started_says_so_instead_of_waiting() -> None:
    """A job on a pool nobody started waited forever on its empty queue."""
    pool = SandboxPool(SandboxConfig(workers=1))
    job = Job.script(
        {"main.py": "print(1)\n"}, "main.py", timeout_s=5, memory_mb=128, max_output=None
    )
    with pytest.raises(SandboxError, match="not started"):
        pool.run(job)
