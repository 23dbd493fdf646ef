"""Integrity checks for dataset files: the library behind ``phicode validate``.

A dataset line is worth committing only if it is a well-formed Pair whose
verification passed, whose code parses and whose tests really exercise the
solution. :func:`validate_files` checks every line of every file and returns
:class:`Finding` s, each printed as ``FILE:LINE: what is wrong`` (the format
editors and pre-commit understand). Checks, in order, per line:

1. the line is UTF-8 and one JSON object (``invalid_utf8``, ``invalid_json``);
2. the object is a complete dataset Pair (``schema``, via ``Pair.from_dict``
   with ``strict=True``);
3. its id is unique across all files given (``duplicate_id``);
4. ``verification.status`` is ``passed`` (``not_passed``);
5. solution and tests parse (``solution_syntax``, ``tests_syntax``), the
   solution defines the entry point (``entry_point``) and the tests import the
   solution module (``tests_import``);
6. optionally, no word 13-gram is shared with HumanEval (``contaminated``);
7. optionally, the tests still pass when run again in the sandbox
   (``reverify``), with results cached by content so that unchanged records
   cost nothing on the next run.

Both the code checks and the re-verification remember their results by
content in a :class:`ValidateCache` (when one is given), so that a file that
grows by a few lines per commit is checked in the time of the new lines.

Steps 1-5 are pure Python (no Docker, no model). Steps 1-4 (``--schema-only``)
take about 5 s per 100,000 lines here; step 5 parses every solution and test
module and costs several times that on a first run (``bench/bench_validate.py``).
This module imports neither the docker SDK nor any model library unless
``reverify`` is asked for.
"""

from __future__ import annotations

import ast
import gc
import json
import os
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from phicode import pysyntax
from phicode.cache import cache_root
from phicode.errors import InputError
from phicode.jsonl import Numbered, read_jsonl
from phicode.records import Pair, Status, Verification, content_id

if TYPE_CHECKING:
    from phicode.contamination import NgramIndex
    from phicode.sandbox.pool import SandboxConfig, SandboxPool

__all__ = [
    "Check",
    "Finding",
    "Reverifier",
    "ValidateCache",
    "ValidateReport",
    "code_findings",
    "default_cache_dir",
    "python_code_findings",
    "static_findings",
    "status_findings",
    "validate_files",
]


class Check(StrEnum):
    """Every kind of problem ``phicode validate`` reports, declared once."""

    INVALID_UTF8 = "invalid_utf8"
    INVALID_JSON = "invalid_json"
    SCHEMA = "schema"
    DUPLICATE_ID = "duplicate_id"
    NOT_PASSED = "not_passed"
    SOLUTION_SYNTAX = "solution_syntax"
    TESTS_SYNTAX = "tests_syntax"
    ENTRY_POINT = "entry_point"
    TESTS_IMPORT = "tests_import"
    CONTAMINATED = "contaminated"
    REVERIFY = "reverify"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem on one line; ``str()`` gives the ``FILE:LINE: message`` form."""

    path: str
    line: int
    check: Check
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class ValidateReport:
    """What a validation run saw: the findings (in file and line order) and counts."""

    files: int = 0
    records: int = 0
    findings: list[Finding] = field(default_factory=list)
    reverified: int = 0  # records whose tests were checked again (cached or run)
    sandbox_runs: int = 0  # of those, how many really ran in the sandbox
    code_cached: int = 0  # records whose code checks the cache already vouched for
    without_cases: int = 0  # schema-1 pairs: judged by pytest alone (see docs/validate.md)
    duration_s: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def by_check(self) -> Counter[str]:
        return Counter(finding.check.value for finding in self.findings)

    @property
    def bad_records(self) -> int:
        return len({(finding.path, finding.line) for finding in self.findings})


# --- static checks of one record -------------------------------------------------


def _syntax_problem(source: str, what: str) -> tuple[str | None, ast.Module | None]:
    try:
        return None, pysyntax.parse(source)
    except SyntaxError as exc:
        where = f" (line {exc.lineno})" if exc.lineno else ""
        return f"{what} does not parse: {exc.msg}{where}", None
    except ValueError as exc:  # null bytes
        return f"{what} does not parse: {exc}", None


def _defines(module: ast.Module, name: str) -> bool:
    """Whether ``name`` is bound at the top level of ``module`` (or may be, via ``*``)."""
    for node in module.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            if node.name == name:
                return True
        elif isinstance(node, ast.Assign):
            if any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
                return True
        elif isinstance(node, ast.AnnAssign):
            if isinstance(node.target, ast.Name) and node.target.id == name:
                return True
        elif isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                if alias.name == "*" or (alias.asname or alias.name.split(".")[0]) == name:
                    return True
        elif isinstance(node, ast.If | ast.Try):  # try: import x / except: def x
            body: list[ast.stmt] = []
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.ExceptHandler):
                    body.extend(child.body)
                elif isinstance(child, ast.stmt):
                    body.append(child)
            inner = ast.Module(body=body, type_ignores=[])
            if _defines(inner, name):
                return True
    return False


def _imports_solution(module: ast.Module) -> bool:
    """``from solution import ...`` or ``import solution``, anywhere in the tests."""
    nodes: Iterable[ast.AST] = module.body
    for pass_ in range(2):  # top level first (cheap, nearly always there), then all
        for node in nodes:
            if isinstance(node, ast.ImportFrom) and node.module == "solution" and not node.level:
                return True
            if isinstance(node, ast.Import) and any(a.name == "solution" for a in node.names):
                return True
        if pass_ == 0:
            nodes = ast.walk(module)
    return False


def static_findings(pair: Pair, code: bool = True) -> list[tuple[Check, str]]:
    """The status and (with ``code``) code checks of one parsed record (steps 4 and 5)."""
    return status_findings(pair) + (code_findings(pair) if code else [])


def status_findings(pair: Pair) -> list[tuple[Check, str]]:
    """Step 4: a dataset holds only pairs whose verification passed."""
    verification = pair.verification
    if verification is not None and verification.status is not Status.PASSED:
        message = (
            f"verification.status is '{verification.status.value}': "
            "only passed pairs belong in a dataset"
        )
        return [(Check.NOT_PASSED, message)]
    return []


def code_findings(pair: Pair) -> list[tuple[Check, str]]:
    """Step 5: the code parses, defines the entry point, and the tests import it (the
    pair's language checks: :meth:`phicode.languages.Language.code_findings`)."""
    from phicode.languages import language_named

    return language_named(pair.language).code_findings(pair)


def python_code_findings(pair: Pair) -> list[tuple[Check, str]]:
    """Step 5 for Python: ``ast`` parses both, the solution defines the entry point, the
    tests import from ``solution``."""
    problems: list[tuple[Check, str]] = []
    problem, solution = _syntax_problem(pair.solution, "solution")
    if problem:
        problems.append((Check.SOLUTION_SYNTAX, problem))
    elif solution is not None and pair.entry_point:
        name = pair.entry_point.split(".", 1)[0]
        if not _defines(solution, name):
            problems.append(
                (Check.ENTRY_POINT, f"solution does not define entry_point '{pair.entry_point}'")
            )
    problem, tests = _syntax_problem(pair.tests, "tests")
    if problem:
        problems.append((Check.TESTS_SYNTAX, problem))
    elif tests is not None and not _imports_solution(tests):
        problems.append(
            (
                Check.TESTS_IMPORT,
                "tests do not import the solution (expected 'from solution import ...')",
            )
        )
    return problems


# --- the cache: code checks and re-verification, keyed by content ----------------


def default_cache_dir() -> Path:
    """phicode's cache folder (:func:`phicode.cache.cache_root`); the file is
    ``validate.sqlite`` there."""
    return cache_root()


# Bump when the code checks change, so that records cleared by older ones are checked again.
_CODE_CHECKS_VERSION = "phicode-code-checks/1"
# A sandbox failure or a timeout may say more about the machine than the record:
# those are run again next time instead of being remembered.
_NOT_CACHED = frozenset({Status.CRASHED, Status.TIMEOUT})


class ValidateCache:
    """What earlier runs established, keyed by a hash of the content (SQLite, one file).

    Two tables: the keys of records whose code checks came out clean (a pure
    function of solution, tests and entry point, so safe to remember), and
    re-verifications, keyed by the solution, the tests, the image tag, the
    timeout and the memory limit: change any of them and the record runs
    again. Safe to share between processes (pre-commit may start several).
    """

    def __init__(self, directory: Path | str) -> None:
        self.path = Path(directory) / "validate.sqlite"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=30.0, check_same_thread=False)
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS verification ("
                " key TEXT PRIMARY KEY, result TEXT NOT NULL, created REAL NOT NULL)"
            )
            self._db.execute("CREATE TABLE IF NOT EXISTS code_ok (key TEXT PRIMARY KEY)")
            self._db.commit()
        except (OSError, sqlite3.Error) as exc:
            raise InputError(f"{self.path}: cannot use the validation cache: {exc}") from exc

    @staticmethod
    def code_key(pair: Pair) -> str:
        return content_id(_CODE_CHECKS_VERSION, pair.entry_point, pair.solution, pair.tests)

    def code_ok(self) -> set[str]:
        """Keys of every record whose code checks passed before."""
        return {row[0] for row in self._db.execute("SELECT key FROM code_ok")}

    def add_code_ok(self, keys: Iterable[str]) -> None:
        self._db.executemany("INSERT OR IGNORE INTO code_ok VALUES (?)", ((k,) for k in keys))
        self._db.commit()

    @staticmethod
    def key(pair: Pair, config: SandboxConfig) -> str:
        return content_id(
            "phicode-reverify/2",
            config.image,
            f"{config.timeout_s:g}",
            str(config.memory_mb),
            pair.solution,
            pair.tests,
            json.dumps([c.to_dict() for c in pair.cases], sort_keys=True),
        )

    def get(self, key: str) -> Verification | None:
        row = self._db.execute("SELECT result FROM verification WHERE key = ?", (key,)).fetchone()
        return Verification.from_dict(json.loads(row[0])) if row else None

    def put(self, key: str, verification: Verification) -> None:
        if verification.status in _NOT_CACHED:
            return
        self._db.execute(
            "INSERT OR REPLACE INTO verification VALUES (?, ?, ?)",
            (key, json.dumps(verification.to_dict()), time.time()),
        )
        self._db.commit()

    def close(self) -> None:
        self._db.close()


class Reverifier:
    """Runs records' tests again, asking the cache first; a pool starts only on a miss.

    ``pool_factory`` is the seam tests use to count or forbid sandbox runs.
    """

    def __init__(
        self,
        config: SandboxConfig,
        cache: ValidateCache | None,
        pool_factory: type[SandboxPool] | None = None,
    ) -> None:
        self.config = config
        self.cache = cache
        self.pool_factory = pool_factory

    def check(
        self, records: Sequence[tuple[str, int, Pair]], report: ValidateReport
    ) -> list[Finding]:
        keys = [ValidateCache.key(pair, self.config) for _, _, pair in records]
        verdicts: dict[str, Verification] = {}
        misses: dict[str, Pair] = {}  # identical records run once
        for key, (_, _, pair) in zip(keys, records, strict=True):
            cached = self.cache.get(key) if self.cache else None
            if cached is None:
                misses.setdefault(key, pair)
            else:
                verdicts[key] = cached
        if misses:
            self._run(misses, verdicts)
            report.sandbox_runs += len(misses)
        report.reverified += len(records)
        findings = []
        for key, (path, line, _) in zip(keys, records, strict=True):
            verdict = verdicts[key]
            if verdict.status is not Status.PASSED:
                detail = f" ({verdict.detail})" if verdict.detail else ""
                findings.append(
                    Finding(
                        path, line, Check.REVERIFY, f"re-verified: {verdict.status.value}{detail}"
                    )
                )
        return findings

    def _run(self, misses: dict[str, Pair], verdicts: dict[str, Verification]) -> None:
        from phicode.sandbox.pool import SandboxPool
        from phicode.verify import Verifier

        factory = self.pool_factory or SandboxPool
        with factory(self.config) as pool:
            keys = list(misses)
            results = Verifier(pool).verify_many(misses[key] for key in keys)
            for key, (_, verification) in zip(keys, results, strict=True):
                verdicts[key] = verification
                if self.cache is not None:
                    self.cache.put(key, verification)


# --- whole files ------------------------------------------------------------------


def _line_findings(
    line: Numbered[Pair],
    seen: dict[str, str],
    contamination: NgramIndex | None,
    code: Callable[[Pair], list[tuple[Check, str]]] | None,
) -> list[Finding]:
    path, number = line.path, line.line
    try:
        line.raw.encode("utf-8")
    except UnicodeEncodeError:
        return [Finding(path, number, Check.INVALID_UTF8, "invalid UTF-8")]
    pair = line.record
    if pair is None:
        problem = line.problem or "unreadable line"
        check = Check.SCHEMA if line.data is not None else Check.INVALID_JSON
        if problem.startswith("expected a JSON object"):
            check = Check.SCHEMA
        return [Finding(path, number, check, problem)]
    out: list[Finding] = []
    first = seen.get(pair.id)
    if first is not None:
        out.append(
            Finding(
                path, number, Check.DUPLICATE_ID, f"duplicate id '{pair.id}' (first at {first})"
            )
        )
    else:
        seen[pair.id] = line.where
    problems = status_findings(pair) + (code(pair) if code is not None else [])
    out.extend(Finding(path, number, check, message) for check, message in problems)
    if contamination is not None:
        match = contamination.first_shared(pair.question, pair.solution, pair.tests)
        if match is not None:
            out.append(
                Finding(
                    path,
                    number,
                    Check.CONTAMINATED,
                    f"contaminated: shares a {contamination.n}-gram with "
                    f"{match.item} ('{match.ngram}')",
                )
            )
    return out


class _CodeChecks:
    """The code checks, skipped for records the cache has seen pass them."""

    def __init__(self, cache: ValidateCache | None, report: ValidateReport) -> None:
        self.cache = cache
        self.report = report
        self.known = cache.code_ok() if cache is not None else set()
        self.new: list[str] = []

    def __call__(self, pair: Pair) -> list[tuple[Check, str]]:
        if self.cache is None:
            return code_findings(pair)
        key = ValidateCache.code_key(pair)
        if key in self.known:
            self.report.code_cached += 1
            return []
        problems = code_findings(pair)
        if not problems:
            self.known.add(key)
            self.new.append(key)
        return problems

    def save(self) -> None:
        if self.cache is not None and self.new:
            self.cache.add_code_ok(self.new)
            self.new = []


def check_paths(paths: Sequence[Path | str]) -> list[Path]:
    """Every path must be a readable file; else :class:`InputError` (exit 2) before any check."""
    out = []
    for raw in paths:
        path = Path(raw)
        if str(raw) == "-":  # standard input
            out.append(path)
            continue
        if not path.exists():
            raise InputError(f"{path}: no such file")
        if path.is_dir():
            raise InputError(f"{path}: is a directory, expected a .jsonl file")
        if not os.access(path, os.R_OK):
            raise InputError(f"{path}: cannot read")
        out.append(path)
    return out


def validate_files(
    paths: Sequence[Path | str],
    *,
    code: bool = True,
    contamination: NgramIndex | None = None,
    reverifier: Reverifier | None = None,
    cache: ValidateCache | None = None,
) -> ValidateReport:
    """Check every line of every file; ids must be unique across all of them.

    ``code=False`` (``--schema-only``) skips step 5: parsing every solution and
    test module is most of the time on large files (about 10x the rest).
    With a ``cache``, records whose code checks passed in an earlier run skip
    them. Records with a static problem are not re-verified: they fail already.
    Raises :class:`InputError` only when a file cannot be read at all.
    """
    started = time.monotonic()
    files = check_paths(paths)
    report = ValidateReport(files=len(files))
    seen: dict[str, str] = {}
    candidates: list[tuple[str, int, Pair]] = []
    parse = partial(Pair.from_dict, strict=True)
    # Parsing builds many short-lived objects and no cycles: the cyclic collector
    # only costs time here (a third of the run on large files).
    code_checks = _CodeChecks(cache, report) if code else None
    collecting = gc.isenabled()
    gc.disable()
    try:
        for path in files:
            for line in read_jsonl(path, parse):
                report.records += 1
                if line.record is not None and not line.record.cases:
                    report.without_cases += 1
                found = _line_findings(line, seen, contamination, code_checks)
                report.findings.extend(found)
                if not found and reverifier is not None and line.record is not None:
                    candidates.append((line.path, line.line, line.record))
    finally:
        if collecting:
            gc.enable()
        if code_checks is not None:
            code_checks.save()
    if reverifier is not None and candidates:
        report.findings.extend(reverifier.check(candidates, report))
        order = {str(path): index for index, path in enumerate(files)}
        report.findings.sort(key=lambda f: (order.get(f.path, 0), f.line))
    report.duration_s = time.monotonic() - started
    return report
