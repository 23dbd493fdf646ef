"""Known wrong programs must fail: tests that a trivial function passes teach nothing.

Four baselines stand in for the entry point, each the snippet with the entry point
redefined at its end (so its helpers, constants and exception classes are still
there for the tests to import):

- a constant: the pair's most common expected result (from its cases);
- the first argument, echoed;
- an empty value of the result's type (``''``, ``[]``, ``{}``, ``0``);
- ``None``.

Each runs against the pair's tests in the sandbox, judged as a mutant is (both
judges, stop at the first failure). A pair that any baseline passes is dropped
(``trivial_baseline``): ``most_common_word`` whose tests never repeat a word
(the first word echoed passes), an Apriori ``prune`` that expects ``[]`` in
every test.
"""

from __future__ import annotations

import textwrap
from collections import Counter
from dataclasses import dataclass

from phicode.filters.reasons import FilterReason, Verdict
from phicode.judge import verify_pair
from phicode.records import Pair, Status
from phicode.sandbox.runner import JobRunner, fan_out

VERSION = "baselines@1"


@dataclass(frozen=True, slots=True)
class Baseline:
    """A trivial wrong program: its name and the solution source that carries it."""

    name: str
    source: str


def baselines(pair: Pair) -> list[Baseline]:
    """The baselines of ``pair`` (the constant only where it has an expected value)."""
    name = pair.entry_point
    if not name:
        return []
    bodies = {
        "the first argument echoed": "return args[0] if args else next(iter(kwargs.values()), None)",
        "None": "return None",
    }
    common = _most_common_expected(pair)
    if common is not None:
        bodies = {
            f"the constant {common}": f"return {common}",
            f"an empty {_type_word(common)}": f"return type({common})()",
            **bodies,
        }
    return [replaced(pair, label, body) for label, body in bodies.items()]


def replaced(pair: Pair, label: str, body: str) -> Baseline:
    """The snippet with its entry point redefined at its end as ``(*args, **kwargs)``
    running ``body`` (its helpers, constants and exception classes stay importable)."""
    source = f"{pair.solution}\n\n\ndef {pair.entry_point}(*args, **kwargs):\n"
    return Baseline(label, source + textwrap.indent(body, "    ") + "\n")


def _most_common_expected(pair: Pair) -> str | None:
    found = Counter(c.expect for c in pair.cases if c.expect is not None and c.compare != "array")
    return found.most_common(1)[0][0] if found else None


def _type_word(literal: str) -> str:
    return {"'": "string", '"': "string", "[": "list", "(": "tuple", "{": "dict or set"}.get(
        literal[:1], "value"
    )


def passing_baselines(pool: JobRunner, pair: Pair, found: list[Baseline]) -> list[Baseline]:
    """Those of ``found`` (from :func:`baselines`) that pass every test of ``pair``."""
    verdicts = fan_out(
        pool,
        lambda b: verify_pair(pool, pair, solution=b.source, stop_on_first_failure=True),
        found,
        name="baselines",
    )
    return [b for b, v in zip(found, verdicts, strict=True) if v.status is Status.PASSED]


def baseline_verdict(passed: list[str]) -> Verdict | None:
    """Why a pair whose tests these baselines pass is dropped, or None to keep it."""
    if not passed:
        return None
    return Verdict(FilterReason.TRIVIAL_BASELINE, f"tests pass for {', '.join(passed)}")


__all__ = ["VERSION", "Baseline", "baseline_verdict", "baselines", "passing_baselines", "replaced"]
