"""Shortcuts: the wrong programs a reader writes in a minute to pass weak tests.

Blind readers of kept pairs (``../shared/AUDIT.md``) keep finding simple wrong functions
that pass every test, and that neither a first-order mutant nor a trivial baseline is:

- **an option no test passes**: a ``separator`` or an ``ellipsis`` that every test
  leaves at its default, so a function without the option passes. The shortcut is the
  snippet with that parameter held at its default whatever the call gives it. (Holding a
  parameter the tests do pass at their one value, ``to_base`` in base 2 only, made
  strengthening prefer inputs outside the domain, such as ``clamp(2.0, 0.1, 0.0)``: a
  range whose low end is above its high end. Left out until inputs can be chosen per
  parameter.)
- **a projection of the first argument**: ``most_common_word`` whose answer is always
  the first word (``text.split()[0]`` passes), ``truncate`` that never truncates with its
  ellipsis (``text[:width]`` passes), ``dedupe_keep_order`` fed sorted input
  (``sorted(set(items))`` passes).
- **a simpler algorithm for the common case** (shortcuts@3, from the held-out audit):
  ``remove_duplicates`` tested only on adjacent repeats (``itertools.groupby`` passes),
  a Levenshtein distance tested only on substitutions (Hamming distance plus the length
  difference passes), the index of the best zero to flip where the first zero always
  wins, ``flatten`` never nested twice (one level passes) or three times (two levels
  pass), a sort whose tests hold sorted or reversed input, intervals merged without the
  larger of two ends (no test holds an interval inside another; shortcuts@4).

A shortcut is a :class:`~phicode.filters.baselines.Baseline` in form (a name and the
solution source that carries it). Shortcuts only feed strengthening
(:mod:`phicode.filters.adequacy`): one the tests let through that a candidate input tells
apart from the snippet gets that input as a test (and, as the question can show, as a
worked example). They are not counted in ``adequacy`` (projections that the tests reject
at once would inflate it) and a shortcut no input tells apart drops nothing: it may be
equivalent to the snippet on its domain.
"""

from __future__ import annotations

from collections.abc import Sequence

from phicode.filters.baselines import Baseline, replaced
from phicode.generate.codeinfo import FunctionInfo, Param
from phicode.records import Pair, PairCase

# 2: projections pass an empty first argument back; 3: simpler algorithms; 4: two levels
# flattened, intervals merged without the max of their ends
VERSION = "shortcuts@4"

# name -> body, in terms of ``args`` (the call's positional arguments)
PROJECTIONS = {
    "the first word": "return args[0].split()[0]",
    "the first word, lower-cased": "return args[0].lower().split()[0]",
    "the words": "return args[0].split()",
    "the first item": "return args[0][0]",
    "the last item": "return args[0][-1]",
    "the first argument cut to the second": "return args[0][: args[1]]",
    "the distinct items, sorted": "return sorted(set(args[0]))",
    "the first argument, lower-cased": "return args[0].lower()",
}

# name -> body: whole simpler algorithms, which handle an empty argument themselves
SIMPLER = {
    "adjacent repeats dropped": "import itertools\nreturn [k for k, _ in itertools.groupby(args[0])]",
    "the items sorted": "return sorted(args[0])",
    "the items reversed": "return args[0][::-1]",
    "one level flattened": "return [y for x in args[0] for y in (x if isinstance(x, list) else [x])]",
    "two levels flattened": (
        "once = [y for x in args[0] for y in (x if isinstance(x, list) else [x])]\n"
        "return [y for x in once for y in (x if isinstance(x, list) else [x])]"
    ),
    # the later interval's end kept, where the larger end is right: a contained interval
    # shortens the merge
    "overlapping intervals merged, the later end kept": (
        "out = []\n"
        "for item in sorted(args[0]):\n"
        "    if out and item[0] <= out[-1][1]:\n"
        "        out[-1] = type(item)([out[-1][0], item[1]])\n"
        "    else:\n"
        "        out.append(item)\n"
        "return out"
    ),
    "the index of the first zero": "return args[0].index(0) if 0 in args[0] else -1",
    "Hamming distance plus the length difference": (
        "return sum(a != b for a, b in zip(args[0], args[1])) + abs(len(args[0]) - len(args[1]))"
    ),
}


def shortcuts(pair: Pair, info: FunctionInfo | None) -> list[Baseline]:
    """The shortcuts of ``pair``: one per option no test call passes, the projections
    of the first argument and the simpler algorithms (none without cases or a readable
    entry point)."""
    if info is None or info.is_async or not pair.cases or not pair.entry_point:
        return []
    calls = [c for c in pair.cases if c.raises is None]
    found = [_fixed(pair, param) for param in _unvaried(info, calls)]
    if info.positional:
        found += [_program(pair, name, body) for name, body in PROJECTIONS.items()]
        found += [replaced(pair, name, body) for name, body in SIMPLER.items()]
    return found


def _unvaried(info: FunctionInfo, calls: Sequence[PairCase]) -> list[Param]:
    """The parameters with a default that no call passes, where the tests make at least
    two calls."""
    if len(calls) < 2:
        return []
    return [
        param
        for index, param in enumerate(info.params)
        if param.default is not None
        and param.kind not in ("varargs", "varkw")
        and all(_value(call, index, param) is None for call in calls)
    ]


def _value(call: PairCase, index: int, param: Param) -> str | None:
    """The literal a call gives ``param``, or None where it takes the default."""
    if param.kind == "positional" and index < len(call.args):
        return call.args[index]
    return dict(call.kwargs).get(param.name)


def _fixed(pair: Pair, param: Param) -> Baseline:
    """The snippet with ``param`` held at its default whatever the call gives it."""
    name = pair.entry_point
    source = (
        f"{pair.solution}\n\n\nimport inspect as _phicode_inspect\n"
        f"_phicode_original = {name}\n\n\n"
        f"def {name}(*args, **kwargs):\n"
        f"    bound = _phicode_inspect.signature(_phicode_original).bind(*args, **kwargs)\n"
        f"    bound.arguments.pop({param.name!r}, None)\n"
        f"    return _phicode_original(*bound.args, **bound.kwargs)\n"
    )
    return Baseline(f"{param.name} ignored", source)


def _program(pair: Pair, label: str, body: str) -> Baseline:
    """A projection, guarded as readers guard theirs: an empty first argument comes back
    as it is (``'' if not text else text.split()[0]``)."""
    return replaced(pair, label, f"if not args[0]:\n    return args[0]\n{body}")


__all__ = ["PROJECTIONS", "SIMPLER", "VERSION", "shortcuts"]
