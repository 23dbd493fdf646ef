"""The host's sandbox job (``phicode.sandbox.jobs.Job``) is the protocol's job, frozen,
and the one fan-out (``phicode.sandbox.runner.fan_out``) is a map in order."""

from __future__ import annotations

import dataclasses
import importlib.util
import threading
from pathlib import Path

import pytest

from phicode.judge import pair_job
from phicode.records import Pair
from phicode.sandbox.jobs import Job
from phicode.sandbox.runner import fan_out
from tests.local_pool import LocalPool

_PROTOCOL = Path(__file__).resolve().parents[1] / "sandbox" / "protocol.py"
PAIR = Pair(id="p", solution="def f():\n    return 1\n", tests="def test_f():\n    pass\n")


def _protocol_job_keys() -> set[str]:
    spec = importlib.util.spec_from_file_location("_phicode_sandbox_protocol", _PROTOCOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return set(module.Job.__annotations__)


def test_the_job_has_the_protocols_fields_and_nothing_of_the_host() -> None:
    fields = {field.name for field in dataclasses.fields(Job)}
    assert fields == _protocol_job_keys() - {"id"}


def test_a_built_job_is_frozen() -> None:
    job = pair_job(PAIR, 5.0, 256)
    with pytest.raises(dataclasses.FrozenInstanceError):
        job.timeout_s = 1.0  # type: ignore[misc]
    with pytest.raises(TypeError):
        job.files["solution.py"] = "def f():\n    return 2\n"  # type: ignore[index]
    direct = Job(mode="script", files={"main.py": ""}, target="main.py", timeout_s=1.0,
                 memory_mb=64, max_output=None)  # fmt: skip
    with pytest.raises(TypeError):
        direct.files["main.py"] = "x"  # type: ignore[index]


def test_the_callers_dict_does_not_reach_into_the_job() -> None:
    files = {"main.py": "print(1)\n"}
    job = Job.script(files, "main.py", timeout_s=1.0, memory_mb=64, max_output=10)
    files["main.py"] = "print(2)\n"
    assert job.files["main.py"] == "print(1)\n"


def test_the_message_is_what_the_pool_sent_before() -> None:
    """Same keys, values and order as the hand-built dicts had, ``id`` last."""
    job = pair_job(PAIR, 5.0, 256, solution="def f():\n    return 2\n")
    assert job.message("abc") == {
        "mode": "pytest",
        "files": {"solution.py": "def f():\n    return 2\n", "test_solution.py": PAIR.tests},
        "target": "test_solution.py",
        "timeout_s": 5.0,
        "memory_mb": 256,
        "max_output": 64 * 1024,
        "id": "abc",
    }
    assert list(job.message("abc")) == [
        "mode", "files", "target", "timeout_s", "memory_mb", "max_output", "id",
    ]  # fmt: skip
    mutant = pair_job(PAIR, 5.0, 256, stop_on_first_failure=True).message("x")
    assert list(mutant)[-2:] == ["stop_on_first_failure", "id"] and mutant["stop_on_first_failure"]
    script = Job.script({"main.py": ""}, "main.py", timeout_s=1.0, memory_mb=64, max_output=None)
    assert "max_output" not in script.message("y")  # the server's own limit


def test_fan_out_keeps_order_and_width() -> None:
    pool = LocalPool(workers=3)
    seen: set[str] = set()

    def one(n: int) -> int:
        seen.add(threading.current_thread().name)
        return n * n

    assert fan_out(pool, one, list(range(20)), name="square") == [n * n for n in range(20)]
    assert all(name.startswith("square") for name in seen) and len(seen) <= 3
    assert fan_out(pool, one, [], width=1) == []


def test_fan_out_raises_the_first_failure_in_order() -> None:
    def one(n: int) -> int:
        if n in (3, 5):
            raise ValueError(n)
        return n

    with pytest.raises(ValueError, match="3"):
        fan_out(LocalPool(workers=2), one, list(range(8)))
