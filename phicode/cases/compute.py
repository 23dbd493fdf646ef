"""The untrusted half of the case judge: call the entry point on each case, write the
results as data. Shipped into a sandbox job as a file and run as a script there;
it imports nothing from phicode.

Nothing here decides a pass. Each result is serialised by exact type
(``type(x) is int``, never ``isinstance``, never the object's own ``repr`` or
``__eq__``): plain values, containers of them, numpy arrays and numbers. Anything
else is ``unserializable``. The host reads the one marked line and compares the
values with the expected ones, which never enter the container; code under test
that forges this line can only write values, and a wrong value is a failure.
"""

import builtins
import io
import json
import sys

MARKER = "PHICODE-CASES "
JOB_FILE = "cases.json"
MAX_DEPTH = 64
MAX_ITEMS = 100_000


class Unserializable(Exception):
    pass


def tagged(value, depth=0, budget=None):
    """``value`` as JSON-safe tagged data, or :class:`Unserializable`."""
    budget = budget if budget is not None else [MAX_ITEMS]
    budget[0] -= 1
    if depth > MAX_DEPTH or budget[0] < 0:
        raise Unserializable("too deep or too large")
    kind = type(value)
    if value is None:
        return {"t": "none"}
    if kind is bool:
        return {"t": "bool", "v": value}
    if kind is int:
        return {"t": "int", "v": str(value)}
    if kind is float:
        return {"t": "float", "v": float.__repr__(value)}
    if kind is complex:
        return {"t": "complex", "v": [float.__repr__(value.real), float.__repr__(value.imag)]}
    if kind is str:
        return {"t": "str", "v": str.__str__(value)}
    if kind is bytes:
        return {"t": "bytes", "v": bytes.hex(value)}
    if kind in (list, tuple, set, frozenset):
        return {"t": kind.__name__, "v": [tagged(v, depth + 1, budget) for v in list(value)]}
    if kind is dict:
        return {
            "t": "dict",
            "v": [
                [tagged(k, depth + 1, budget), tagged(v, depth + 1, budget)]
                for k, v in dict.items(value)
            ],
        }
    if kind.__module__ == "numpy":
        return _numpy(value, depth, budget)
    raise Unserializable(f"{kind.__module__}.{kind.__qualname__}")


def _numpy(value, depth, budget):
    import numpy

    if type(value) is numpy.ndarray and value.dtype.kind in "biuf":
        return {
            "t": "array",
            "dtype": value.dtype.name,
            "shape": list(value.shape),
            "v": tagged(numpy.ndarray.tolist(value), depth + 1, budget),
        }
    if isinstance(value, numpy.generic) and value.dtype.kind in "biuf":
        return tagged(numpy.generic.item(value), depth + 1, budget)
    raise Unserializable(f"numpy.{type(value).__name__}")


def _lazy(value):
    import collections.abc
    import inspect

    return inspect.isgenerator(value) or (
        isinstance(value, collections.abc.Iterator) and not isinstance(value, io.IOBase)
    )


def one(func, namespace, case):
    try:
        args = [eval(src, dict(namespace)) for src in case["args"]]
        kwargs = {k: eval(v, dict(namespace)) for k, v in case["kwargs"].items()}
    except BaseException as exc:
        return {"error": "arguments: " + type(exc).__name__}
    try:
        value = func(*args, **kwargs)
        if case.get("listed") and _lazy(value):
            value = list(value)
    except Exception as exc:
        names = [k.__name__ for k in type(exc).__mro__ if k.__module__ == "builtins"]
        return {"raises": names, "own": type(exc).__name__}
    try:
        return {"value": tagged(value)}
    except Unserializable as exc:
        return {"error": f"unserializable result: {exc}"}
    except RecursionError:
        return {"error": "unserializable result: too deep"}


def main():
    real_out = sys.stdout
    with builtins.open(JOB_FILE, encoding="utf-8") as handle:
        job = json.load(handle)
    sys.stdout = io.StringIO()
    try:
        import solution

        func = getattr(solution, job["entry"])
        namespace = dict(vars(solution))
        payload = {"results": [one(func, namespace, case) for case in job["cases"]]}
    except BaseException as exc:
        payload = {"error": f"import: {type(exc).__name__}"}
    finally:
        sys.stdout = real_out
    real_out.write(MARKER + json.dumps(payload) + "\n")
    real_out.flush()


if __name__ == "__main__":
    main()
