"""The parser lock: parsing from many threads while the garbage collector runs finalisers.

On CPython 3.11 this stress makes bare ``ast.parse`` fail with ``SystemError: AST constructor
recursion depth mismatch`` (cpython gh-106905; CI failed on it in the HumanEval case test);
through :mod:`phicode.pysyntax` it must never.
"""

from __future__ import annotations

import ast
import gc
import sys
import threading
from collections.abc import Callable, Iterator

import pytest

from phicode import pysyntax

SOURCE = (
    "def f(x):\n    return [[(x, {'a': [1, 2, (3, 4)]}) for y in range(3)] for z in range(4)]\n"
    * 30
)
LITERAL = repr([{"a": (1, 2.5, [3, "x"])}] * 40)


class _Cycle:
    """Cyclic garbage with a finaliser: the collector runs Python code mid-parse."""

    def __del__(self) -> None:
        sum(range(200))


@pytest.fixture
def eager_switching() -> Iterator[None]:
    """Switch threads as often as possible and collect often, as a loaded pipeline does."""
    interval, thresholds = sys.getswitchinterval(), gc.get_threshold()
    sys.setswitchinterval(1e-6)
    gc.set_threshold(20, 2, 2)
    yield
    sys.setswitchinterval(interval)
    gc.set_threshold(*thresholds)


def _system_errors(
    parse: Callable[[], object], threads: int = 6, rounds: int = 40, stop_at_first: bool = False
) -> int:
    """How many parses failed with ``SystemError`` (6 threads x 40: bare, about 7% fail)."""
    errors: list[SystemError] = []

    def work() -> None:
        for _ in range(rounds):
            if stop_at_first and errors:
                return
            try:
                parse()
            except SystemError as exc:
                errors.append(exc)
            cycle = _Cycle()
            cycle.me = cycle  # type: ignore[attr-defined]
            del cycle

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return len(errors)


@pytest.mark.skipif(sys.version_info[:2] != (3, 11), reason="the race is CPython 3.11's")
def test_the_stress_breaks_the_bare_parser(eager_switching: None) -> None:
    """The stress is strong enough to matter: the bare parser fails under it here."""
    assert _system_errors(lambda: ast.parse(SOURCE), stop_at_first=True) > 0


def test_parsing_through_the_lock_never_fails(eager_switching: None) -> None:
    assert _system_errors(lambda: pysyntax.parse(SOURCE)) == 0
    assert _system_errors(lambda: pysyntax.literal_eval(LITERAL)) == 0


def test_the_lock_keeps_the_parsers_answers() -> None:
    assert ast.dump(pysyntax.parse("x = 1")) == ast.dump(ast.parse("x = 1"))
    assert pysyntax.parse("1 + 2", mode="eval").body.op.__class__ is ast.Add
    assert pysyntax.literal_eval("[1, (2, 'a')]") == [1, (2, "a")]
    with pytest.raises(SyntaxError):
        pysyntax.parse("def (")
