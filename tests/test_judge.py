"""What a sandbox run means: judge() on hand-made RunResults (no Docker)."""

from __future__ import annotations

import pytest

from phicode.records import Status
from phicode.sandbox.result import RunResult, TestOutcome
from phicode.verify import judge


def outcome(name: str, result: str, message: str = "") -> TestOutcome:
    return TestOutcome(
        nodeid=f"test_solution.py::{name}", outcome=result, message=message, duration_s=0.0
    )


def finished(*tests: TestOutcome, **fields) -> RunResult:
    base = dict(
        finished=True,
        exit_code=0,
        pytest_exit=0 if all(t.outcome == "passed" for t in tests) else 1,
    )
    base.update(fields)
    return RunResult(tests=tests, collected=len(tests), **base)


def test_all_passed_is_a_pass() -> None:
    v = judge(finished(outcome("test_a", "passed"), outcome("test_b", "passed")), 10)
    assert (v.status, v.tests_passed, v.tests_failed, v.tests_total, v.detail) == (
        Status.PASSED,
        2,
        0,
        2,
        "2 passed",
    )


def test_a_failure_names_the_test_and_the_assertion() -> None:
    v = judge(
        finished(outcome("test_a", "passed"), outcome("test_b", "failed", "assert 3 == 4")), 10
    )
    assert v.status is Status.FAILED
    assert v.detail == "test_b: assert 3 == 4"
    assert (v.tests_passed, v.tests_failed) == (1, 1)


@pytest.mark.parametrize("kind", ["skipped", "xfailed", "xpassed"])
def test_a_test_that_does_not_run_is_not_a_pass(kind: str) -> None:
    v = judge(finished(outcome("test_a", "passed"), outcome("test_b", kind)), 10)
    assert v.status is Status.FAILED
    assert v.detail == f"1 passed, 1 {kind}: a test that does not run is not a pass"


@pytest.mark.parametrize(
    ("result", "status", "detail"),
    [
        (RunResult(timed_out=True), Status.TIMEOUT, "timeout after 10 s"),
        (RunResult(oom_killed=True, signal=9), Status.CRASHED, "killed: out of memory"),
        (RunResult(signal=11), Status.CRASHED, "crashed: killed by SIGSEGV"),
        (RunResult(sandbox_error="gone"), Status.CRASHED, "sandbox failure: gone"),
        (
            RunResult(finished=False, exit_code=0),
            Status.ERROR,
            "exited before the tests finished (exit code 0)",
        ),
        (RunResult(finished=True, exit_code=0, pytest_exit=5), Status.ERROR, "no tests collected"),
        (
            RunResult(finished=True, exit_code=0, collect_errors=("NameError: x",)),
            Status.ERROR,
            "collection failed: NameError: x",
        ),
    ],
)
def test_broken_runs(result: RunResult, status: Status, detail: str) -> None:
    v = judge(result, 10)
    assert (v.status, v.detail) == (status, detail)


def test_left_behind_processes_are_an_error_even_when_tests_pass() -> None:
    v = judge(finished(outcome("test_a", "passed"), leftover_processes=2), 10)
    assert (v.status, v.detail) == (Status.ERROR, "left 2 process(es) running after the tests")


def test_counts_must_add_up() -> None:
    forged = RunResult(
        finished=True, exit_code=0, pytest_exit=0, collected=3, tests=(outcome("test_a", "passed"),)
    )
    assert judge(forged, 10).status is Status.ERROR


def test_pytest_exit_status_must_agree() -> None:
    v = judge(finished(outcome("test_a", "passed"), pytest_exit=1), 10)
    assert v.status is Status.ERROR


# --- the case judge reads a record the code under test wrote -----------------------------

_INT3 = '{"t": "int", "v": "3"}'
_DEEP_TAGS = (
    '{"t": "list", "v": [' * 300 + _INT3 + "]}" * 300
)  # JSON reads it; compute never writes it
HOSTILE_RECORDS = [
    ('{"results": [' + "[" * 100000, "cannot be read (RecursionError"),
    ('{"results": [{"value": ' + _DEEP_TAGS + "}]}", "nested deeper than 64 levels"),
    (
        '{"results": [{"value": {"t": "complex", "v": {"a": 1}}}]}',
        "malformed complex result (KeyError",
    ),
    ('{"results": [{"value": {"t": "complex", "v": []}}]}', "malformed complex result (IndexError"),
    ('{"results": [{"value": {"t": "int", "v": "' + "9" * 5000 + '"}}]}', "malformed int result"),
    ('{"results": [{"value": {"t": "set", "v": [{"t": "list", "v": []}]}}]}', "malformed set"),
    ('{"results": [{"value": {"t": "dict", "v": [[1]]}}]}', "malformed dict result (ValueError"),
    ('{"results": [{"value": {"t": ["int"], "v": "3"}}]}', "unknown result kind '[\"int\"]'"),
    ('{"error": ' + "[" * 400 + "]" * 400 + "}", "the solution could not be run: [[[["),
    ('{"results": [{"error": {"why": [1, 2]}}]}', 'add(1, 2): {"why": [1, 2]}'),
    ('{"results": [{"raises": 3, "own": [1]}]}', "add(1, 2): raised [1]"),
]


@pytest.mark.parametrize(("record", "reason"), HOSTILE_RECORDS, ids=range(len(HOSTILE_RECORDS)))
def test_a_hostile_case_record_is_a_failure_with_its_reason(record: str, reason: str) -> None:
    """Whatever the record makes the reading raise, the verdict is a failure naming it,
    never an exception out of the judge (a trainer's reward call must not die)."""
    from phicode.cases.compute import MARKER
    from phicode.cases.judge import verdict_of
    from phicode.records import PairCase

    result = RunResult(finished=True, exit_code=0, pytest_exit=0, stdout=MARKER + record + "\n")
    verdict = verdict_of(result, (PairCase(args=("1", "2"), expect="3"),), 10.0, "add")
    assert not verdict.passed and reason in verdict.detail, verdict.detail
    assert len(verdict.detail) < 600


def test_a_case_whose_expected_value_cannot_be_read_fails() -> None:
    from phicode.cases.compute import MARKER
    from phicode.cases.judge import verdict_of
    from phicode.records import PairCase

    record = MARKER + '{"results": [{"value": {"t": "int", "v": "3"}}]}\n'
    result = RunResult(finished=True, exit_code=0, pytest_exit=0, stdout=record)
    bad = PairCase(args=("1",), expect="np.zeros", compare="array")
    verdict = verdict_of(result, (bad,), 10.0, "f")
    assert not verdict.passed
    assert "the expected value 'np.zeros' cannot be read (ValueError" in verdict.detail
