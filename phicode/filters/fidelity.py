"""The fidelity filter: each test checks a behaviour the question states, or it goes.

The question was restated from the final tests (:mod:`phicode.generate.restate`);
what prose cannot be checked for mechanically is checked here by its readers:
blind answers written from the question alone (:mod:`phicode.filters.agreement`).
A blind answer that understood the task is a *reader*: it passes most tests, or
it passes every test that checks one of the question's own worked examples (it
read the examples right, so what it fails beyond them the question did not
teach). A test that *every* reader fails checks something the question does not
say (a convention, a format, a case, or a quirk of the snippet). Case by case, such a test is either

- *stated*: its call and the snippet's result become a worked example of the
  question, while the question shows fewer than :data:`MAX_EXAMPLES`; or
- *dropped* from the tests,

before the mutation score is taken. What was stated or dropped goes into
``verification.detail``; ``solve_rate`` is the share of blind answers that pass
every test left. A pair left with fewer than ``min_tests`` tests is dropped
(``unstated_behaviour``). Where no blind answer is a reader there is no prose
reader to judge by.

A second, mechanical reader needs no model: a test that calls the function in a
*form* no worked example shows (a parameter no example passes, or a kind of
value none gets: :mod:`phicode.generate.oracle.forms`) is unstated too, unless
the blind answers pass it. Prose that explains such a parameter is what the
blind answers can credit; a form rule alone cannot.
"""

from __future__ import annotations

import ast
from collections.abc import Collection
from dataclasses import dataclass, replace

from phicode import pysyntax
from phicode.filters.agreement import Sample
from phicode.filters.reasons import FilterReason, Verdict
from phicode.generate.clean import drop_tests
from phicode.generate.codeinfo import FunctionInfo, readable_info
from phicode.generate.oracle.complete import model_cases
from phicode.generate.oracle.examples import (
    MAX_EXAMPLES,
    count_examples,
    example_calls,
    example_line,
    showable,
    with_example,
)
from phicode.generate.oracle.forms import Form, call_form, describe, shown_forms, unshown
from phicode.generate.oracle.inputs import Case
from phicode.generate.oracle.observe import Observed, OracleError, observe
from phicode.generate.repair import with_notes
from phicode.judge import verify_pair
from phicode.records import Pair
from phicode.sandbox.runner import JobRunner

VERSION = "fidelity@5"  # 5: examples under a markdown heading
INFORMED_SHARE = 0.5  # a blind answer passing this share of the tests understood the task


@dataclass(frozen=True, slots=True)
class Aligned:
    """The pair after alignment (or why it is dropped) and its blind-solve figures."""

    pair: Pair
    solve_rate: float | None
    solved: int
    samples: int
    stated: tuple[str, ...] = ()  # tests whose case became a worked example
    dropped: tuple[str, ...] = ()  # tests removed as unstated
    verdict: Verdict | None = None
    wrong: tuple[str, ...] = ()  # the code of each blind answer that failed, distinct


def names_of_tests(tests: str) -> list[str]:
    """The top-level test functions and ``Class::method`` tests of a module, in order."""
    try:
        tree = pysyntax.parse(tests)
    except SyntaxError:
        return []
    names: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith(
            "test"
        ):
            names.append(node.name)
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            names += [
                f"{node.name}::{m.name}"
                for m in node.body
                if isinstance(m, ast.FunctionDef) and m.name.startswith("test")
            ]
    return names


def readers(
    names: list[str], samples: list[Sample], examples: Collection[str] = ()
) -> list[Sample]:
    """The blind answers that understood the task: each passes most of ``names``, or
    every test in ``examples`` (the tests that check the question's worked examples)."""
    need = max(1, round(INFORMED_SHARE * len(names) + 0.499))

    def passes(sample: Sample, name: str) -> bool:
        return sample.outcomes.get(name) == "passed"

    return [
        s
        for s in samples
        if sum(passes(s, n) for n in names) >= need
        or (examples and all(passes(s, n) for n in examples))
    ]


def unstated(
    names: list[str], samples: list[Sample], examples: Collection[str] = ()
) -> list[str] | None:
    """Tests that no reader (:func:`readers`) passes; None when no answer is a reader.

    A test of ``examples`` is never unstated: the question shows its call and result
    (a reader that fails it misread the example; stating it again would repeat it)."""
    informed = readers(names, samples, examples)
    if not informed:
        return None
    return [
        n
        for n in names
        if n not in examples and not any(s.outcomes.get(n) == "passed" for s in informed)
    ]


def solve_rate(names: list[str], samples: list[Sample]) -> tuple[int, float | None]:
    """How many blind answers pass every one of ``names``, and that share."""
    if not samples:
        return 0, None
    solved = sum(bool(names) and all(s.outcomes.get(n) == "passed" for n in names) for s in samples)
    return solved, solved / len(samples)


def align(pool: JobRunner, pair: Pair, samples: list[Sample], min_tests: int = 2) -> Aligned:
    """State or drop each test the blind answers or the call forms show to be unstated
    (see the module)."""
    assert pair.verification is not None
    names = names_of_tests(pair.tests)
    info = readable_info(pair.solution, pair.entry_point)
    calls = _test_calls(pair, info, names)
    blind = unstated(names, samples, _example_tests(pair.question, info, calls))
    notes: list[str] = []
    if blind is None:
        why = "no blind answer read the task" if samples else "no blind answers"
        notes.append(f"fidelity: {why}; aligned by call forms only")
        credited: set[str] = set()
    else:
        credited = set(names) - set(blind)  # a reader passes it: the question says it
    question, stated, dropped = _state_or_drop(
        pool, pair, info, calls, names, set(blind or ()), credited, notes
    )
    kept = [n for n in names if n not in dropped]
    tests = pair.tests
    if dropped:
        notes.append(f"fidelity: dropped {len(dropped)} unstated test(s): {', '.join(dropped)}")
        tests = drop_tests(pair.tests, set(dropped)) or ""
    solved, rate = solve_rate(kept, samples)
    if samples:
        notes.append(f"{solved}/{len(samples)} blind answers passed")
    aligned = replace(pair, question=question, tests=tests)

    def done(result: Pair, verdict: Verdict | None = None) -> Aligned:
        return Aligned(
            result, rate, solved, len(samples), tuple(stated), tuple(dropped), verdict,
            wrong=failed_answers(samples),
        )  # fmt: skip

    if dropped and (len(kept) < min_tests or not tests):
        detail = f"{len(kept)} test(s) left after dropping {len(dropped)} the question omits"
        return done(aligned, Verdict(FilterReason.UNSTATED, detail))
    verification = pair.verification
    if dropped:
        verification = verify_pair(pool, aligned, attempts=verification.attempts)
        if not verification.passed:
            detail = f"tests left after dropping unstated ones fail: {verification.detail}"
            return done(aligned, Verdict(FilterReason.UNSTATED, detail))
    verification = replace(
        verification,
        detail=with_notes(verification.detail, tuple(notes)),
        solve_rate=None if rate is None else round(rate, 4),
    )
    return done(aligned.with_verification(verification))


def failed_answers(samples: list[Sample]) -> tuple[str, ...]:
    """The code of the blind answers that did not pass, each once, in the order drawn."""
    return tuple(dict.fromkeys(s.code for s in samples if s.code and not s.passed))


def _state_or_drop(
    pool: JobRunner,
    pair: Pair,
    info: FunctionInfo | None,
    calls: dict[str, list[Case]],
    names: list[str],
    blind: set[str],
    credited: set[str],
    notes: list[str],
) -> tuple[str, list[str], list[str]]:
    """The question with unstated single-call tests added as worked examples (while it
    shows fewer than MAX_EXAMPLES), the tests so stated, and the unstated tests left.

    Unstated: no informed blind answer passes it (``blind``), or no informed answer
    passes it (it is not ``credited``) and it calls the function in a form no worked
    example shows (checked again after each example is added, since one example
    states the form for every test that shares it)."""
    if info is None:
        return pair.question, [], [n for n in names if n in blind]
    question = pair.question

    def unshown_pairs(name: str) -> Form:
        if name in credited:
            return frozenset()
        shown = shown_forms(question, info)
        return frozenset().union(*(unshown(call_form(c, info), shown) for c in calls[name]))

    todo = [n for n in names if n in blind or unshown_pairs(n)]
    observed = _observed_cases(pool, pair, info, calls, todo)
    stated: list[str] = []
    dropped: list[str] = []
    for name in todo:
        missing = unshown_pairs(name)
        if name not in blind and not missing:
            continue  # an example stated for an earlier test shows this form too
        o = observed.get(name)
        if o is not None and count_examples(question, info) < MAX_EXAMPLES:
            question = with_example(question, example_line(info, o))
            stated.append(name)
            continue
        dropped.append(name)
        if missing and name not in blind:
            notes.append(f"fidelity: {name} passes {describe(missing)}, which no example shows")
    if stated:
        notes.append(f"fidelity: stated {len(stated)} test case(s) as examples")
    return question, stated, dropped


def _test_calls(pair: Pair, info: FunctionInfo | None, names: list[str]) -> dict[str, list[Case]]:
    """The calls of the function each named test makes (none for a class's methods)."""
    if info is None:
        return {n: [] for n in names}
    sources = _function_sources(pair.tests)
    return {n: model_cases(sources[n], info) if n in sources else [] for n in names}


def _example_tests(
    question: str, info: FunctionInfo | None, calls: dict[str, list[Case]]
) -> list[str]:
    """The tests whose every call is one of the question's worked examples."""
    if info is None:
        return []
    shown = {(c.args, c.kwargs) for c in example_calls(question, info)}
    return [
        name
        for name, made in calls.items()
        if made and all((c.args, c.kwargs) in shown for c in made)
    ]


def _observed_cases(
    pool: JobRunner,
    pair: Pair,
    info: FunctionInfo,
    calls: dict[str, list[Case]],
    names: list[str],
) -> dict[str, Observed]:
    """For each named test that makes exactly one call, what the snippet does on it."""
    single = {name: calls[name][0] for name in names if len(calls[name]) == 1}
    if not single:
        return {}
    try:
        seen = observe(pool, pair.solution, info.name, list(single.values()))
    except OracleError:
        return {}
    return {
        name: o
        for name, o in zip(single, seen, strict=False)
        if o.kind in ("value", "raises") and showable(o)
    }


def _function_sources(tests: str) -> dict[str, str]:
    try:
        tree = pysyntax.parse(tests)
    except SyntaxError:
        return {}
    return {
        node.name: ast.get_source_segment(tests, node) or ""
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
    }


__all__ = ["VERSION", "Aligned", "align", "names_of_tests", "readers", "solve_rate", "unstated"]
