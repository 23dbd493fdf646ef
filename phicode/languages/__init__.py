"""Languages as parts of one pipeline: what differs between Python and JavaScript lives here.

Every stage asks the pair's (or the snippet's) :class:`Language` for what depends on the
language, and nothing else branches on it:

- the files: the solution's and the tests' names (``solution.py`` / ``solution.mjs``);
- the sandbox job that runs the tests (pytest, or ``node --test``), and the one that
  computes the cases for the case judge (``compute.py`` / ``compute.mjs``);
- the case judge's values: how a computed result is read from the tagged data, how an
  expected literal is read (Python's ``ast.literal_eval``; JS through tree-sitter),
  how the two compare (``==`` with number kinds apart; ``deepStrictEqual``);
- the static signs of a forged pass;
- the source extensions ``phicode run`` maps to it, and how one of its files is mined;
- ``phicode validate``'s code checks (the code parses, the entry point is there, the
  tests import it);
- how a snippet becomes a pair: Python's are drafted by the model and then aligned,
  given cases and scored by the later stages; a language that ``composes_pairs``
  (JavaScript) composes each pair from observed calls, its cases chosen and scored
  there, and the later stages pass it as it is.

Python is :data:`PYTHON` (its behaviour is what phicode always did); JavaScript and
TypeScript are :data:`JAVASCRIPT` and :data:`TYPESCRIPT`. :func:`language_named` and
:func:`language_for` are the registry.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, Protocol

from phicode.errors import InputError

if TYPE_CHECKING:
    from phicode.generate.drafters import Rejected
    from phicode.mine.config import MineConfig
    from phicode.mine.walk import FileTask
    from phicode.mine.worker import FileResult
    from phicode.records import Pair, PairCase, Snippet
    from phicode.sandbox.jobs import Job
    from phicode.sandbox.runner import JobRunner
    from phicode.validate import Check


class Language(Protocol):
    """What one language contributes to the pipeline (see the module docstring)."""

    name: str  # as records carry it: "python", "javascript", "typescript"
    extensions: tuple[str, ...]  # source files mined as this language
    solution_file: str
    tests_file: str
    runner: str  # what runs the tests, as a verdict's detail names it ("pytest")
    # True: compose() makes the whole pair (cases and scores included); the model's
    # drafts, blind solves, case derivation and mutation scoring pass it as it is
    composes_pairs: bool

    @property
    def composer_part(self) -> str:
        """The synth stage's resume-key part that names :meth:`compose`'s version."""
        ...

    @property
    def composer_version(self) -> str:
        """:meth:`compose`'s version ("" where the model drafts)."""
        ...

    def tests_job(
        self,
        solution: str,
        tests: str,
        *,
        timeout_s: float,
        memory_mb: int,
        max_output: int,
        stop_on_first_failure: bool = False,
    ) -> Job:
        """The job that runs ``tests`` against ``solution`` (one result per test)."""
        ...

    def cases_job(
        self,
        solution: str,
        entry_point: str,
        cases: Sequence[PairCase],
        *,
        timeout_s: float,
        memory_mb: int,
    ) -> Job:
        """The job that computes the entry point on the cases' arguments, never seeing
        the expected values (its stdout carries one marked record)."""
        ...

    def case_wrong(self, case: PairCase, outcome: dict[str, Any]) -> str | None:
        """Why one computed outcome does not satisfy ``case`` (None: it does). The
        outcome is hostile data; a reading error is a reason, never an exception."""
        ...

    def forgery_signs(self, solution: str, tests: str) -> list[str]:
        """Signs in the source of a forged pass (flagged on every run)."""
        ...

    def mine_file(self, task: FileTask, config: MineConfig) -> FileResult:
        """One source file's candidates (never raises for a bad file: a skip names it)."""
        ...

    def code_findings(self, pair: Pair) -> list[tuple[Check, str]]:
        """``phicode validate``'s step 5 on one record of this language."""
        ...

    def compose(self, pool: JobRunner, snippet: Snippet) -> Pair | Rejected:
        """The snippet's verified pair, composed from what it does (only where
        ``composes_pairs``)."""
        ...


@cache
def _registry() -> dict[str, Language]:
    """Built once: every verification asks it for the pair's language."""
    from phicode.languages.javascript import JAVASCRIPT, TYPESCRIPT
    from phicode.languages.python import PYTHON

    return {lang.name: lang for lang in (PYTHON, JAVASCRIPT, TYPESCRIPT)}


def names() -> tuple[str, ...]:
    """Every language phicode knows, by name."""
    return tuple(_registry())


def language_named(name: str) -> Language:
    """The language a record names; a clear error for one phicode does not know."""
    found = _registry().get(name)
    if found is None:
        raise InputError(f"unknown language {name!r}: phicode knows {', '.join(names())}")
    return found


ALIASES = {"py": "python", "js": "javascript", "ts": "typescript"}


def parse_languages(value: str) -> tuple[str, ...]:
    """``--language py,js,ts`` (names or their short forms) as language names."""
    chosen = [ALIASES.get(part.strip(), part.strip()) for part in value.split(",") if part.strip()]
    if not chosen:
        raise InputError("--language: give at least one of py, js, ts")
    for name in chosen:
        language_named(name)  # a clear error for a language phicode does not know
    return tuple(dict.fromkeys(chosen))


def language_for(path: str | PurePath) -> Language | None:
    """The language of a source file by its extension; None for any other file."""
    suffix = PurePath(path).suffix
    return next((lang for lang in _registry().values() if suffix in lang.extensions), None)


__all__ = ["ALIASES", "Language", "language_for", "language_named", "names", "parse_languages"]
