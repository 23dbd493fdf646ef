"""The snippet as oracle: run it in the sandbox on given calls, record what it does.

One sandbox job (script mode) per snippet: ``main.py`` imports ``solution``,
calls the entry point on each case under a per-call time limit, three times (a
result that differs between calls is not a fact to test), and prints one marked JSON
line. Output the snippet prints itself is swallowed so it cannot forge or crowd
out that line. Values are kept only when their ``repr`` reads back as an equal
literal, because the tests are written as source text; a numeric numpy array is
written as ``np.array(<list>, dtype=...)`` and a numpy number as its Python value.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from phicode.generate.inputs import Case
from phicode.pool import SandboxPool

MARKER = "PHICODE-ORACLE "
ARRAY_SOURCE = "np.array("  # how the oracle writes an array result (see ``_expected``)
PER_CALL_S = 0.5
BUDGET_S = 6.0

_SCRIPT = r"""
import ast, copy, inspect, io, json, math, signal, sys, time

MARKER = %(marker)r
ENTRY = %(entry)r
CASES = json.loads(%(cases)r)
WRONG_CALL = {"TypeError", "AttributeError", "NameError", "NotImplementedError", "UnboundLocalError"}
OK_ERRORS = {"ValueError", "KeyError", "IndexError", "ZeroDivisionError", "OverflowError",
             "LookupError", "ArithmeticError", "AssertionError"}


class _Slow(BaseException):
    pass


def _on_alarm(signum, frame):
    raise _Slow()


def _numpy_kind(value):
    # "array" for a numeric ndarray, "scalar" for a numpy number, else None
    kind = type(value)
    if kind.__module__ != "numpy":
        return None
    if kind.__name__ == "ndarray":
        return "array" if value.dtype.kind in "biuf" else None
    return "scalar" if hasattr(value, "item") and hasattr(value, "dtype") else None


def _expected(value):
    # The source text the tests compare value with, and its numpy dtype (arrays only):
    # np.array(<list>, dtype=...) for an array, a numpy number as its Python value
    # (it compares equal); None when no literal reads back as equal.
    kind = _numpy_kind(value)
    if kind == "array":
        text = _literal(value.tolist())
        if text is None:
            return None, None
        return "np.array(%%s, dtype=%%r)" %% (text, value.dtype.name), value.dtype.name
    if kind == "scalar":
        return _literal(value.item()), None
    return _literal(value), None


def _literal(value):
    text = repr(value)
    if len(text) > 400:
        return None
    try:
        back = ast.literal_eval(text)
    except Exception:
        return None
    if type(back) is not type(value) or not _same(back, value):
        return None
    return text


def _same(a, b):
    try:
        if _numpy_kind(a) == "array" or _numpy_kind(b) == "array":
            import numpy
            return (_numpy_kind(a) == _numpy_kind(b) == "array" and a.dtype == b.dtype
                    and a.shape == b.shape
                    and bool(numpy.array_equal(a, b, equal_nan=a.dtype.kind == "f")))
        return bool(a == b) and repr(a) == repr(b)
    except Exception:
        return False


def _has_float(value):
    if isinstance(value, float):
        return True
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(_has_float(v) for v in value)
    if isinstance(value, dict):
        return any(_has_float(v) for v in value.values())
    return False


def _flat_floats(value):
    if isinstance(value, float):
        return True
    if isinstance(value, (list, tuple)):
        return all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
    if isinstance(value, dict):
        return all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value.values())
    return False


def _call(func, args, kwargs):
    signal.setitimer(signal.ITIMER_REAL, %(per_call)r)
    try:
        value = func(*args, **kwargs)
        if inspect.isgenerator(value):
            value = ("__gen__", list(value))
        return value
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _outcome(func, namespace, case):
    try:
        args = [eval(src, dict(namespace)) for src in case["args"]]
        kwargs = {k: eval(v, dict(namespace)) for k, v in case["kwargs"].items()}
    except Exception as exc:
        return {"kind": "invalid", "why": "arguments: " + type(exc).__name__}
    runs = []
    for _ in range(3):
        a, k = copy.deepcopy(args), copy.deepcopy(kwargs)
        try:
            value = _call(func, a, k)
            runs.append(("value", value, a))
        except _Slow:
            return {"kind": "slow"}
        except RecursionError:
            return {"kind": "invalid", "why": "RecursionError"}
        except Exception as exc:
            runs.append(("raises", type(exc), None))
    return _judge(runs, args)


def _judge(runs, args):
    (kind, first, after), (kind2, second, _), (kind3, third, _) = runs
    if not kind == kind2 == kind3:
        return {"kind": "unstable"}
    if kind == "raises":
        if not first is second is third:
            return {"kind": "unstable"}
        name = first.__name__
        own = first.__module__ == "solution"
        if name in WRONG_CALL:
            return {"kind": "invalid", "why": name}
        if own or name in OK_ERRORS:
            return {"kind": "raises", "exc": name, "own": own}
        return {"kind": "invalid", "why": name}
    generator = isinstance(first, tuple) and len(first) == 2 and first[0] == "__gen__"
    if generator:
        first, second, third = first[1], second[1], third[1]
    if not (_same(first, second) and _same(first, third)):
        return {"kind": "unstable"}
    text, dtype = _expected(first)
    if text is None:
        return {"kind": "unrepresentable", "type": type(first).__name__}
    mutated = {}
    if first is None:
        for index, (before, now) in enumerate(zip(args, after)):
            if not _same(before, now):
                shown, _ = _expected(now)
                if shown is None:
                    return {"kind": "unrepresentable", "type": type(now).__name__}
                mutated[str(index)] = shown
    plain = first.tolist() if dtype else first.item() if _numpy_kind(first) else first
    return {"kind": "value", "repr": text, "float": _has_float(plain),
            "approx": _flat_floats(plain), "generator": generator, "mutated": mutated,
            "array": dtype, "numpy": _numpy_kind(first) is not None}


def main():
    sys.stdout = io.StringIO()
    signal.signal(signal.SIGALRM, _on_alarm)
    sys.setrecursionlimit(3000)
    try:
        import solution
        func = getattr(solution, ENTRY)
    except BaseException as exc:
        return {"error": "import: %%s: %%s" %% (type(exc).__name__, exc)}
    namespace = dict(vars(solution))
    results = []
    started = time.monotonic()
    for case in CASES:
        if time.monotonic() - started > %(budget)r:
            results.append({"kind": "skipped"})
            continue
        sys.stdout = io.StringIO()
        results.append(_outcome(func, namespace, case))
    return {"results": results}


_real_out = sys.stdout
try:
    _payload = main()
finally:
    sys.stdout = _real_out
_real_out.write(MARKER + json.dumps(_payload) + "\n")
_real_out.flush()
"""


@dataclass(frozen=True, slots=True)
class Observed:
    """What the snippet did on one case."""

    case: Case
    kind: str  # value | raises | invalid | slow | unstable | unrepresentable | skipped
    repr: str | None = None
    exc: str | None = None
    float_: bool = False
    approx: bool = False
    generator: bool = False
    mutated: tuple[tuple[int, str], ...] = ()  # (argument index, expected source after)
    why: str = ""
    array: str | None = None  # dtype of a numpy array result: compare with np.testing
    numpy: bool = False  # a numpy result (array or number): ``is True`` does not hold


def is_array_source(text: str) -> bool:
    """Whether an expected value's source is a numpy array (from :data:`ARRAY_SOURCE`)."""
    return text.startswith(ARRAY_SOURCE)


class OracleError(Exception):
    """The snippet could not be run at all (import failed, sandbox trouble)."""


def oracle_script(entry_point: str, cases: list[Case]) -> str:
    return _SCRIPT % {
        "marker": MARKER,
        "entry": entry_point,
        "cases": json.dumps([c.to_json() for c in cases]),
        "per_call": PER_CALL_S,
        "budget": BUDGET_S,
    }


def observe(pool: SandboxPool, code: str, entry_point: str, cases: list[Case]) -> list[Observed]:
    """Run ``code``'s entry point on every case in the sandbox."""
    job = {
        "mode": "script",
        "files": {"solution.py": code, "main.py": oracle_script(entry_point, cases)},
        "target": "main.py",
        "timeout_s": BUDGET_S * 2 + 4,
        "memory_mb": pool.config.memory_mb,
        "max_output": 1 << 20,
    }
    result = pool.run(job)
    payload = _payload(result.stdout)
    if payload is None:
        why = (
            "timed out"
            if result.timed_out
            else (result.sandbox_error or _last_line(result.stderr) or "no result")
        )
        raise OracleError(f"the snippet could not be run: {why}")
    if "error" in payload:
        raise OracleError(f"the snippet could not be run: {payload['error']}")
    return [_observed(case, raw) for case, raw in zip(cases, payload["results"], strict=False)]


def _payload(stdout: str) -> dict[str, Any] | None:
    for line in reversed(stdout.splitlines()):
        if line.startswith(MARKER):
            try:
                return json.loads(line[len(MARKER) :])
            except json.JSONDecodeError:
                return None
    return None


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _observed(case: Case, raw: dict[str, Any]) -> Observed:
    return Observed(
        case=case,
        kind=str(raw.get("kind", "invalid")),
        repr=raw.get("repr"),
        exc=raw.get("exc"),
        float_=bool(raw.get("float")),
        approx=bool(raw.get("approx")),
        generator=bool(raw.get("generator")),
        mutated=tuple(sorted((int(k), v) for k, v in (raw.get("mutated") or {}).items())),
        why=str(raw.get("why", raw.get("type", ""))),
        array=raw.get("array"),
        numpy=bool(raw.get("numpy")),
    )
