"""The oracle probe: runs *inside the sandbox*, calls the entry point on each case, reports.

This is a real module of its own, shipped into the oracle's sandbox job as
``probe.py`` beside ``solution.py`` and ``probe_job.json`` (the entry point, the
cases and the time limits). Stdlib only (numpy only when the snippet's own
results are numpy values), and it imports nothing from phicode: the container
has no phicode. The host side is :mod:`phicode.generate.oracle.observe`.

For every case it evaluates the arguments in the snippet's namespace, calls the
entry point three times on deep copies under a per-call time limit (a result
that differs between calls is not a fact to test) and reports the outcome as
data: a value (with the literal source that reads back equal), a raise (the
exception's name), or why the call cannot be a test (invalid, slow, unstable,
unrepresentable, skipped when the whole budget is spent). Output the snippet
prints itself is swallowed, so it cannot forge or crowd out the one marked JSON
line this writes to stdout.

Two facts of the first call feed the choice of cases on the host: the *arcs* it ran
in ``solution.py`` (``(from line, to line)``, entry and exit as minus the function's
first line: coverage.py's convention), and for a raise whether it was *deliberate*
(raised by a ``raise`` or ``assert`` statement of the snippet, not by indexing, a
lookup, arithmetic or a library on input the function never meant to take).
"""

import ast
import collections.abc
import copy
import inspect
import io
import itertools
import json
import os
import signal
import sys
import time

MARKER = "PHICODE-ORACLE "
JOB_FILE = "probe_job.json"
MESSAGE_CHARS = 160
# A lazy result longer than this is never listed whole: ``list(itertools.count())`` is one C
# loop the alarm cannot interrupt, and ends in a MemoryError sooner or later by the
# machine's speed; past this many items it is "slow", on every machine.
MAX_LISTED = 100_000

WRONG_CALL = {
    "TypeError",
    "AttributeError",
    "NameError",
    "NotImplementedError",
    "UnboundLocalError",
}
OK_ERRORS = {
    "ValueError",
    "KeyError",
    "IndexError",
    "ZeroDivisionError",
    "OverflowError",
    "LookupError",
    "ArithmeticError",
    "AssertionError",
}


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
        return f"np.array({text}, dtype={value.dtype.name!r})", value.dtype.name
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

            return (
                _numpy_kind(a) == _numpy_kind(b) == "array"
                and a.dtype == b.dtype
                and a.shape == b.shape
                and bool(numpy.array_equal(a, b, equal_nan=a.dtype.kind == "f"))
            )
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


def _lazy(value):
    """A generator or another one-shot iterator (``map``, ``itertools.chain``): what it
    yields is the result, compared as ``list(f(...))`` (an infinite one times out)."""
    return inspect.isgenerator(value) or (
        isinstance(value, collections.abc.Iterator) and not isinstance(value, io.IOBase)
    )


class _Arcs:
    """A trace function that records the line arcs run in one file's code."""

    def __init__(self, filename):
        self.filename = filename
        self.arcs = set()

    def __call__(self, frame, event, arg):
        if event != "call" or frame.f_code.co_filename != self.filename:
            return None
        code = frame.f_code
        last = [-code.co_firstlineno]

        def local(frame, event, arg):
            if event == "line":
                self.arcs.add((last[0], frame.f_lineno))
                last[0] = frame.f_lineno
            elif event == "return":
                self.arcs.add((last[0], -code.co_firstlineno))
            return local

        return local


def _statement_lines(path):
    """The lines of the snippet's ``raise`` and ``assert`` statements."""
    try:
        with open(path, encoding="utf-8") as handle:
            tree = ast.parse(handle.read())
    except (OSError, SyntaxError, ValueError):
        return set()
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Raise, ast.Assert)):
            lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    return lines


def _deliberate(exc, filename, raise_lines):
    """Whether the innermost frame of ``exc`` is a ``raise``/``assert`` of the snippet."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return (
        tb is not None
        and tb.tb_frame.f_code.co_filename == filename
        and tb.tb_lineno in raise_lines
    )


def _traced_call(func, args, kwargs, per_call_s, tracer):
    """:func:`_call` with ``tracer`` on (the arcs of the first call)."""
    sys.settrace(tracer)
    try:
        return _call(func, args, kwargs, per_call_s)
    finally:
        sys.settrace(None)


def _call(func, args, kwargs, per_call_s):
    signal.setitimer(signal.ITIMER_REAL, per_call_s)
    try:
        value = func(*args, **kwargs)
        if _lazy(value):
            items = list(itertools.islice(value, MAX_LISTED + 1))
            if len(items) > MAX_LISTED:
                raise _Slow()
            value = ("__gen__", items)
        return value
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _outcome(func, namespace, case, per_call_s, source):
    """What the snippet did on ``case``; ``source``: (its file, its raise lines)."""
    try:
        args = [eval(src, dict(namespace)) for src in case["args"]]
        kwargs = {k: eval(v, dict(namespace)) for k, v in case["kwargs"].items()}
    except Exception as exc:
        return {"kind": "invalid", "why": "arguments: " + type(exc).__name__}
    runs = []
    tracer = _Arcs(source[0])
    deliberate = None
    for number in range(3):
        a, k = copy.deepcopy(args), copy.deepcopy(kwargs)
        try:
            if number == 0:
                value = _traced_call(func, a, k, per_call_s, tracer)
            else:
                value = _call(func, a, k, per_call_s)
            runs.append(("value", value, a))
        except _Slow:
            return {"kind": "slow"}
        except RecursionError:
            return {"kind": "invalid", "why": "RecursionError"}
        except Exception as exc:
            if number == 0:
                deliberate = _deliberate(exc, source[0], source[1])
            runs.append(("raises", type(exc), _message(exc)))
    outcome = _judge(runs, args)
    outcome["arcs"] = sorted(tracer.arcs)
    if outcome["kind"] == "raises":
        outcome["deliberate"] = deliberate
    return outcome


def _message(exc):
    """The exception's own message, short: the evidence of *when* the snippet raises."""
    try:
        text = str(exc)
    except Exception:
        return ""
    return " ".join(text.split())[:MESSAGE_CHARS]


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
            return {"kind": "raises", "exc": name, "own": own, "message": after}
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
    for index, (before, now) in enumerate(zip(args, after, strict=False)):
        if not _same(before, now):
            shown, _ = _expected(now)
            if shown is None and first is None:
                return {"kind": "unrepresentable", "type": type(now).__name__}
            if shown is not None:  # ``pop`` returns the item *and* removes it: both are tested
                mutated[str(index)] = shown
    plain = first.tolist() if dtype else first.item() if _numpy_kind(first) else first
    return {
        "kind": "value",
        "repr": text,
        "float": _has_float(plain),
        "approx": _flat_floats(plain),
        "generator": generator,
        "mutated": mutated,
        "array": dtype,
        "numpy": _numpy_kind(first) is not None,
    }


def run(job):
    """The outcomes of ``job["cases"]`` (see the module docstring) or an import error."""
    signal.signal(signal.SIGALRM, _on_alarm)
    sys.setrecursionlimit(3000)
    try:
        import solution

        func = getattr(solution, job["entry"])
    except BaseException as exc:
        return {"error": f"import: {type(exc).__name__}: {exc}"}
    namespace = dict(vars(solution))
    filename = getattr(solution, "__file__", "") or ""
    source = (filename, _statement_lines(filename) if os.path.exists(filename) else set())
    results = []
    started = time.monotonic()
    for case in job["cases"]:
        if time.monotonic() - started > job["budget_s"]:
            results.append({"kind": "skipped"})
            continue
        sys.stdout = io.StringIO()
        results.append(_outcome(func, namespace, case, job["per_call_s"], source))
    return {"results": results}


def main():
    real_out = sys.stdout
    try:
        with open(JOB_FILE, encoding="utf-8") as handle:
            job = json.load(handle)
        sys.stdout = io.StringIO()
        payload = run(job)
    finally:
        sys.stdout = real_out
    real_out.write(MARKER + json.dumps(payload) + "\n")
    real_out.flush()


if __name__ == "__main__":
    main()
