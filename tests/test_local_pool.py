"""``LocalPool`` (tests/local_pool.py) agrees with the judge: real runs, no Docker.

Each test runs small hand-written pairs or scripts through the host-side pool
and checks what :func:`phicode.judge.judge` makes of the result, so code tested
with ``LocalPool`` sees what it would see from the sandbox.
"""

from __future__ import annotations

import importlib
import signal
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

import pytest

from phicode.judge import judge, pair_job, run_pair
from phicode.records import Pair, Status
from phicode.sandbox.jobs import Job
from phicode.sandbox.pool import SandboxConfig
from tests.local_pool import LocalPool

TIMEOUT_S = 10.0

ADD = "def add(a, b):\n    return a + b\n"
WRONG_ADD = "def add(a, b):\n    return a - b\n"
ADD_TESTS = """\
from solution import add


def test_small():
    assert add(1, 2) == 3


def test_zero():
    assert add(0, 0) == 0


def test_negative():
    assert add(-1, -1) == -2
"""


def _verify(
    pool: LocalPool,
    solution: str,
    tests: str,
    *,
    files: dict[str, str] | None = None,
    stop_on_first_failure: bool = False,
):
    pair = Pair(id="p", solution=solution, tests=tests, entry_point="add")
    job = pair_job(pair, TIMEOUT_S, 256, stop_on_first_failure=stop_on_first_failure)
    if files is not None:  # the pair's job with other files: a new job
        job = replace(job, files=files)
    result = pool.run(job)
    return result, judge(result, TIMEOUT_S)


def _script_job(files: dict[str, str], timeout_s: float = TIMEOUT_S, max_output: int | None = None):
    return Job.script(files, "main.py", timeout_s=timeout_s, memory_mb=256, max_output=max_output)


def _script(pool: LocalPool, source: str, timeout_s: float = TIMEOUT_S):
    return pool.run(_script_job({"main.py": source}, timeout_s))


@pytest.fixture
def pool() -> Iterator[LocalPool]:
    with LocalPool() as local:
        yield local


def test_the_pool_looks_like_a_sandbox_pool() -> None:
    with LocalPool(SandboxConfig(workers=8, timeout_s=3.0), workers=3) as local:
        assert (local.size, local.config.workers, local.config.timeout_s) == (3, 3, 3.0)
        assert local.jobs == 0


def test_a_correct_solution_passes(pool: LocalPool) -> None:
    result, verdict = _verify(pool, ADD, ADD_TESTS)
    assert verdict.status is Status.PASSED, verdict.detail
    assert (verdict.tests_passed, verdict.tests_total, result.collected) == (3, 3, 3)
    assert result.pytest_exit == 0
    assert [t.nodeid for t in result.tests] == [
        "test_solution.py::test_small",
        "test_solution.py::test_zero",
        "test_solution.py::test_negative",
    ]
    assert pool.jobs == 1


def test_a_wrong_solution_fails_with_the_assertion(pool: LocalPool) -> None:
    result, verdict = _verify(pool, WRONG_ADD, ADD_TESTS)
    assert verdict.status is Status.FAILED
    assert (verdict.tests_passed, verdict.tests_failed) == (1, 2)
    assert verdict.detail.startswith("test_small: assert")
    assert "-1 == 3" in verdict.detail
    assert result.pytest_exit == 1


def test_a_test_module_that_does_not_parse_is_an_error(pool: LocalPool) -> None:
    result, verdict = _verify(pool, ADD, "def test_broken(:\n    assert True\n")
    assert verdict.status is Status.ERROR
    assert verdict.detail.startswith("collection failed:")
    assert "SyntaxError" in verdict.detail or "invalid syntax" in verdict.detail
    assert result.collect_errors and not result.tests


def test_stop_on_first_failure_stops_after_one(pool: LocalPool) -> None:
    result, verdict = _verify(pool, WRONG_ADD, ADD_TESTS, stop_on_first_failure=True)
    assert verdict.status is Status.FAILED
    assert [t.outcome for t in result.tests] == ["failed"]
    assert result.collected == 3


def test_run_pair_goes_through_the_local_pool(pool: LocalPool) -> None:
    pair = Pair(id="p", solution=ADD, tests=ADD_TESTS, entry_point="add")
    assert run_pair(pool, pair).verification.status is Status.PASSED
    wrong = run_pair(pool, pair, solution=WRONG_ADD, stop_on_first_failure=True)
    assert wrong.verification.status is Status.FAILED
    assert len(wrong.result.tests) == 1
    assert pool.jobs == 2


def test_hypothesis_tests_run_and_the_callers_state_is_restored(pool: LocalPool) -> None:
    from hypothesis import settings

    path, profile, conftest = (
        list(sys.path),
        settings.get_current_profile_name(),
        sys.modules.get("conftest"),
    )
    tests = (
        "from hypothesis import given, strategies as st\n"
        "from solution import add\n\n\n"
        "@given(st.integers(), st.integers())\n"
        "def test_commutes(a, b):\n"
        "    assert add(a, b) == add(b, a)\n"
    )
    result, verdict = _verify(
        pool, ADD, tests, files={"solution.py": ADD, "test_solution.py": tests, "conftest.py": ""}
    )
    assert verdict.status is Status.PASSED, verdict.detail
    assert "1 passed" in result.stdout
    assert sys.path == path
    assert settings.get_current_profile_name() == profile
    assert sys.modules.get("conftest") is conftest


def _identity_pair(value: int) -> tuple[str, str]:
    solution = f"VALUE = {value}\n\ndef add(a, b):\n    return a + b + VALUE\n"
    tests = f"import solution\n\n\ndef test_own_solution():\n    assert solution.VALUE == {value}\n"
    return solution, tests


def test_each_job_imports_its_own_solution(pool: LocalPool) -> None:
    for value in (1, 2, 1):
        _result, verdict = _verify(pool, *_identity_pair(value))
        assert verdict.status is Status.PASSED, verdict.detail
    assert "solution" not in sys.modules


def test_concurrent_jobs_each_see_their_own_solution(pool: LocalPool) -> None:
    with ThreadPoolExecutor(max_workers=2) as executor:
        verdicts = list(executor.map(lambda v: _verify(pool, *_identity_pair(v))[1], range(6)))
    assert [v.status for v in verdicts] == [Status.PASSED] * 6, [v.detail for v in verdicts]
    assert pool.jobs == 6


def test_the_outer_run_still_prints(pool: LocalPool, capsys: pytest.CaptureFixture[str]) -> None:
    _verify(pool, ADD, 'def test_noisy():\n    print("inner")\n')
    print("outer")
    assert capsys.readouterr().out == "outer\n"


def test_a_script_prints(pool: LocalPool) -> None:
    result = _script(pool, 'print("hello")\n')
    assert (result.finished, result.exit_code, result.stdout) == (True, 0, "hello\n")
    assert not result.timed_out


def test_a_script_that_raises_exits_with_1(pool: LocalPool) -> None:
    result = _script(pool, "raise ValueError('boom')\n")
    assert (result.finished, result.exit_code, result.signal) == (True, 1, None)
    assert result.stderr.strip().endswith("ValueError: boom")


def test_a_script_killed_by_a_signal_did_not_finish(pool: LocalPool) -> None:
    result = _script(pool, f"import os\nos.kill(os.getpid(), {int(signal.SIGKILL)})\n")
    assert (result.finished, result.exit_code, result.signal) == (False, None, signal.SIGKILL)
    assert judge(result, TIMEOUT_S).status is Status.CRASHED


def test_a_script_runs_in_its_own_dir(pool: LocalPool) -> None:
    files = {
        "main.py": "import helper\nprint(open('data.txt').read())\n",
        "helper.py": "",
        "data.txt": "42",
    }
    result = pool.run(_script_job(files))
    assert result.stdout == "42\n", result.stderr


def test_a_script_past_its_timeout_is_killed(pool: LocalPool) -> None:
    result = _script(pool, "import time\nprint('start', flush=True)\ntime.sleep(30)\n", 0.5)
    assert result.timed_out and not result.finished
    assert result.stdout == "start\n"
    assert result.duration_s < 5
    assert judge(result, 0.5).status is Status.TIMEOUT


def test_a_script_output_is_capped(pool: LocalPool) -> None:
    result = pool.run(_script_job({"main.py": "print('x' * 100)\n"}, max_output=10))
    assert (result.stdout, result.stdout_truncated) == ("x" * 10, True)


def _first_attribute(modules: tuple[str, ...], name: str) -> Any:
    """``name`` from the first of ``modules`` that has it (phicode/generate/ is being moved)."""
    problems = []
    for module in modules:
        try:
            return getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError) as exc:
            problems.append(f"{module}: {exc!r}")
    raise AssertionError(f"cannot import {name}: " + "; ".join(problems))


def test_the_oracle_runs_through_the_local_pool(pool: LocalPool) -> None:
    observe = _first_attribute(
        ("phicode.generate.oracle.observe", "phicode.generate.oracle"), "observe"
    )
    case_type = _first_attribute(
        ("phicode.generate.oracle.inputs", "phicode.generate.inputs"), "Case"
    )
    (observed,) = observe(pool, ADD, "add", [case_type(("1", "2"), ())])
    assert (observed.kind, observed.repr) == ("value", "3")
    assert pool.jobs == 1
