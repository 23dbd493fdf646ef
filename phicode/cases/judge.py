"""The trusted half of the case judge: compare what the code computed with the cases.

The sandbox job (``compute.py``) only computes; this module, on the host, reads
its one marked line, rebuilds each result as a plain Python value from the
tagged data (never by evaluating anything the code wrote) and compares it with
the case's expected literal (parsed with :func:`ast.literal_eval`). The expected
values never enter the container. Code under test can therefore neither reach
the comparison (an ``__eq__`` that is always true is never called: its object
is refused as ``unserializable``) nor forge a pass without computing the right
values; a missing or malformed record, a wrong count, an early exit, a timeout
or a process left behind is a failure with its reason.

The record is written by the code under test's process, so reading it is
reading hostile data: whatever it makes the reading raise (a nesting that
exhausts the recursion limit, a field of the wrong type, a number too long to
parse) is a failed verdict naming it, never an exception out of the judge.
"""

from __future__ import annotations

import ast
import builtins
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from phicode import pysyntax
from phicode.cases.compute import JOB_FILE, MARKER, MAX_DEPTH
from phicode.judge import run_failure
from phicode.languages.python import PYTHON
from phicode.records import PairCase, Status
from phicode.sandbox.jobs import Job
from phicode.sandbox.result import RunResult
from phicode.sandbox.runner import JobRunner

if TYPE_CHECKING:
    from phicode.languages import Language

COMPUTE_SOURCE = (Path(__file__).with_name("compute.py")).read_text(encoding="utf-8")
REL_TOL, ABS_TOL = 1e-6, 1e-9
COMPARE = "compare@2"  # how values are compared; 2: a bool, an int and a float apart at every depth
_SHOWN = 3  # wrong cases named in the detail
# What reading a hostile record or a bad expected literal can raise.
_UNREADABLE = (ValueError, TypeError, LookupError, RecursionError, MemoryError, SyntaxError)


@dataclass(frozen=True, slots=True)
class CaseVerdict:
    """The case judge's verdict: its status, how many cases were right, and why not."""

    status: Status  # PASSED, FAILED (a wrong or unreadable result), or why it did not run
    right: int
    total: int
    detail: str
    duration_s: float = 0.0
    wrong: tuple[tuple[int, str], ...] = ()  # (case index, why) of each wrong result

    @property
    def passed(self) -> bool:
        return self.status is Status.PASSED


class _Malformed(ValueError):
    """The job's record is not what ``compute.py`` writes: forged or broken."""


def cases_job(
    code: str, entry_point: str, cases: tuple[PairCase, ...], timeout_s: float, memory_mb: int
) -> Job:
    """The sandbox job: the solution, the calls (never the expected values), the script.
    It runs sealed (:func:`judge_cases`): never in a container that held a pair's tests."""
    spec = {
        "entry": entry_point,
        "cases": [
            {"args": list(c.args), "kwargs": dict(c.kwargs), "listed": c.listed} for c in cases
        ],
    }
    return Job.script(
        {"compute.py": COMPUTE_SOURCE, JOB_FILE: json.dumps(spec), "solution.py": code},
        "compute.py",
        timeout_s=timeout_s,
        memory_mb=memory_mb,
        max_output=4 << 20,
    )


def judge_cases(
    runner: JobRunner,
    code: str,
    entry_point: str,
    cases: tuple[PairCase, ...],
    timeout_s: float | None = None,
    language: Language | None = None,
) -> CaseVerdict:
    """Run ``code``'s ``entry_point`` on ``cases`` in the sandbox and judge the results
    (by ``language``'s rule; Python when not given)."""
    language = language or PYTHON
    timeout = runner.config.timeout_s if timeout_s is None else timeout_s
    job = language.cases_job(
        code, entry_point, cases, timeout_s=timeout, memory_mb=runner.config.memory_mb
    )
    result = runner.run(job, sealed=True)  # never in a container that held a pair's tests
    return verdict_of(result, cases, timeout, entry_point, language)


def verdict_of(
    result: RunResult,
    cases: tuple[PairCase, ...],
    timeout_s: float,
    entry_point: str = "f",
    language: Language | None = None,
) -> CaseVerdict:
    """What ``result`` (a finished cases job) means for ``cases``; the record's framing
    is the same in every language, its values are read by ``language``'s rule."""
    wrong_of = (language or PYTHON).case_wrong
    total = len(cases)
    failure = run_failure(result, timeout_s, "cases")
    if failure is None and result.exit_code not in (0, None):
        failure = (Status.ERROR, f"exited before the cases finished (exit code {result.exit_code})")
    seconds = result.duration_s
    if failure is not None:
        return CaseVerdict(failure[0], 0, total, f"case judge: {failure[1]}", seconds)
    try:
        outcomes = read_record(result.stdout, total)
        wrong = [
            (index, f"{case.call(entry_point)}: {why}")
            for index, (case, outcome) in enumerate(zip(cases, outcomes, strict=True))
            if (why := wrong_of(case, outcome))
        ]
    except _Malformed as exc:
        return CaseVerdict(Status.FAILED, 0, total, f"case judge: {exc}", seconds)
    except _UNREADABLE as exc:  # whatever else the record's data makes the reading raise
        why = f"case judge: a result record that cannot be read ({_named(exc)})"
        return CaseVerdict(Status.FAILED, 0, total, why, seconds)
    right = total - len(wrong)
    if not wrong:
        return CaseVerdict(
            Status.PASSED, right, total, f"case judge: {total}/{total} cases right", seconds
        )
    more = f" (and {len(wrong) - _SHOWN} more)" if len(wrong) > _SHOWN else ""
    shown = "; ".join(why for _, why in wrong[:_SHOWN])
    why = f"case judge: {right}/{total} right; {shown}{more}"
    return CaseVerdict(Status.FAILED, right, total, why, seconds, tuple(wrong))


def read_record(stdout: str, total: int) -> list[dict[str, Any]]:
    """The one marked record; more than one, none, or the wrong count is a forgery."""
    lines = [line for line in stdout.splitlines() if line.startswith(MARKER)]
    if len(lines) != 1:
        raise _Malformed(f"{len(lines)} result records where one was expected")
    try:
        payload = json.loads(lines[0][len(MARKER) :])
    except json.JSONDecodeError as exc:
        raise _Malformed(f"a result record that is not JSON ({exc.msg})") from None
    except (ValueError, RecursionError, MemoryError) as exc:  # too deep, too large
        raise _Malformed(f"a result record that cannot be read ({_named(exc)})") from None
    if not isinstance(payload, dict):
        raise _Malformed("a result record that is not an object")
    if "error" in payload:
        raise _Malformed(f"the solution could not be run: {_text(payload['error'])}")
    results = payload.get("results")
    if not isinstance(results, list) or len(results) != total:
        count = len(results) if isinstance(results, list) else "no"
        raise _Malformed(f"{count} results for {total} cases")
    if not all(isinstance(r, dict) for r in results):
        raise _Malformed("a result that is not an object")
    return results


def python_case_wrong(case: PairCase, outcome: dict[str, Any]) -> str | None:
    """Why ``outcome`` (of ``compute.py``) does not satisfy ``case``; None when it does."""
    if "error" in outcome:
        return _text(outcome["error"])
    if case.raises is not None:
        names = outcome.get("raises")
        if not isinstance(names, list):
            return f"returned a value, expected {case.raises}"
        # a builtin exception must really be one (its class or a subclass); only the
        # snippet's own exception class is known by its name alone
        builtin = isinstance(getattr(builtins, case.raises, None), type)
        if case.raises not in names and (builtin or outcome.get("own") != case.raises):
            return f"raised {_text(outcome.get('own'))}, expected {case.raises}"
        return None
    if "raises" in outcome:
        return f"raised {_text(outcome.get('own'))}"
    try:
        actual = untagged(outcome.get("value"))
    except _Malformed as exc:
        return str(exc)
    try:
        expected = expected_value(case)
    except _UNREADABLE as exc:  # the pair's own literal: a bad pair fails, it does not crash
        return f"the expected value {case.expect!r:.60} cannot be read ({_named(exc)})"
    if not same(actual, expected, case.compare):
        return f"returned {_short(actual)}, expected {_short(expected)}"
    return None


def expected_value(case: PairCase) -> Any:
    """The case's expected value (an array as ``("array", dtype, list)``)."""
    assert case.expect is not None
    if case.compare == "array":
        node = pysyntax.parse(case.expect, mode="eval").body
        if not (isinstance(node, ast.Call) and node.args):
            raise ValueError(f"not an array literal: {case.expect}")
        dtype = next(
            (pysyntax.literal_eval(k.value) for k in node.keywords if k.arg == "dtype"), None
        )
        return ("array", dtype, pysyntax.literal_eval(node.args[0]))
    return pysyntax.literal_eval(case.expect)


def untagged(data: Any, depth: int = 0) -> Any:
    """A plain value from ``compute.py``'s tagged data; :class:`_Malformed` otherwise
    (nested deeper than ``compute.py`` ever writes, too)."""
    if depth > MAX_DEPTH + 1:
        raise _Malformed(f"a result nested deeper than {MAX_DEPTH} levels")
    if not isinstance(data, dict) or "t" not in data:
        raise _Malformed("a result that is not tagged data")
    kind, value = data["t"], data.get("v")
    try:
        if kind == "none":
            return None
        if kind == "bool" and isinstance(value, bool):
            return value
        if kind == "int":
            return int(value)
        if kind == "float":
            return float(value)
        if kind == "complex":
            return complex(float(value[0]), float(value[1]))
        if kind == "str" and isinstance(value, str):
            return value
        if kind == "bytes":
            return bytes.fromhex(value)
        if kind in ("list", "tuple", "set", "frozenset"):
            items = [untagged(v, depth + 1) for v in value]
            return {"list": list, "tuple": tuple, "set": set, "frozenset": frozenset}[kind](items)
        if kind == "dict":
            return {untagged(k, depth + 1): untagged(v, depth + 1) for k, v in value}
        if kind == "array":
            return ("array", data.get("dtype"), untagged(value, depth + 1))
    except _Malformed:
        raise  # from a nested value: it says what is wrong there
    except (TypeError, ValueError, LookupError) as exc:
        raise _Malformed(f"malformed {_text(kind, 20)} result ({_named(exc)})") from None
    raise _Malformed(f"unknown result kind {_text(kind, 20)!r}")


def same(actual: Any, expected: Any, rule: str) -> bool:
    """Equal under the case's comparison rule, on plain trusted values only."""
    if rule == "approx":
        return _close(actual, expected)
    if rule == "array":  # ("array", dtype, values): the dtype, then every element
        float_dtype = isinstance(expected, tuple) and str(expected[1]).startswith("float")
        return (
            isinstance(actual, tuple)
            and actual[:2] == expected[:2]
            and (_close(actual[2], expected[2]) if float_dtype else actual[2] == expected[2])
        )
    return _exact(actual, expected)


def _exact(actual: Any, expected: Any) -> bool:
    """``==`` that tells a bool from an int and an int from a float at every depth.

    Python's ``[1, 0] == [True, False]`` and ``{1: 'a'} == {True: 'a'}`` hold, and so did
    this judge's below the top level (issue 26): an RL reward must not pay an int where
    the snippet gave a bool, or a float where it gave an exact int."""
    if _number_kind(actual) != _number_kind(expected):
        return False
    if isinstance(expected, list | tuple):
        return (
            type(actual) is type(expected)
            and len(actual) == len(expected)
            and all(_exact(a, e) for a, e in zip(actual, expected, strict=True))
        )
    if isinstance(expected, dict):
        if not isinstance(actual, dict) or len(actual) != len(expected):
            return False
        keys = {_typed_key(k): k for k in actual}
        return all(
            _typed_key(k) in keys and _exact(actual[keys[_typed_key(k)]], v)
            for k, v in expected.items()
        )
    if isinstance(expected, set | frozenset):
        return isinstance(actual, set | frozenset) and {_typed_key(x) for x in actual} == {
            _typed_key(x) for x in expected
        }
    return actual == expected


def _number_kind(value: Any) -> str | None:
    """bool, int, float or complex: the kinds ``==`` mixes up; None for anything else."""
    for kind in (bool, int, float, complex):
        if isinstance(value, kind):
            return kind.__name__
    return None


def _typed_key(value: Any) -> Any:
    """A set member or dict key with its number kind, so ``True`` and ``1`` differ."""
    if isinstance(value, tuple):
        return ("tuple", tuple(_typed_key(v) for v in value))
    if isinstance(value, frozenset):
        return ("frozenset", frozenset(_typed_key(v) for v in value))
    return (_number_kind(value), value)


def _close(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b  # approx forgives rounding, not True for 1
    if isinstance(a, float | int) and isinstance(b, float | int):
        if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
            return True
        return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=ABS_TOL)
    if isinstance(a, list | tuple) and type(a) is type(b):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    return a == b


def _named(exc: BaseException) -> str:
    """``TypeName: message``, short: the message may quote the record."""
    text = str(exc).splitlines()[0][:80] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _text(value: Any, limit: int = 120) -> str:
    """A field the record carries, as a short one-line string (it may be any JSON)."""
    if isinstance(value, str):
        return value[:limit]
    try:
        return json.dumps(value)[:limit]
    except (ValueError, TypeError, RecursionError):
        return f"a {type(value).__name__}"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


__all__ = ["CaseVerdict", "cases_job", "judge_cases", "same", "untagged", "verdict_of"]
