"""phicode's pytest plugin: a ready sandbox for tests, and verifier regression cases.

Registered through the ``pytest11`` entry point, so it is loaded into every
pytest run of an environment where phicode is installed (``-p no:phicode``
turns it off). Importing it is cheap on purpose: the docker SDK and the pool
are imported, and containers started, only when a fixture or a case needs them.

What it gives:

- fixtures ``phicode_sandbox`` (a started :class:`~phicode.sandbox.pool.SandboxPool`,
  one per session) and ``phicode_verifier`` (a :class:`~phicode.verify.Verifier`
  on it);
- collection of ``*.cases.jsonl`` files: each line is a pair (``id``,
  ``solution``, ``tests``, ...) plus ``"expect"``, the status it must get (a
  string, or a list of acceptable ones), and optionally ``"timeout_s"`` and a
  ``"note"``. Each line is one test item named by the pair id; a mismatch
  reads ``HumanEval/3#stub: expected failed, got passed (1 passed)``. Cases run
  ahead in parallel on the pool's workers; each item waits for its own result.
- options ``--phicode-image``, ``--phicode-timeout``, ``--phicode-workers``,
  ``--phicode-memory`` and the ini keys ``phicode_image`` ... of the same names.

The regression corpus shipped with phicode runs with
``pytest --pyargs phicode.regression``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from phicode.records import Pair, RecordError, Status
from phicode.sandbox.config import TEST_SESSION_SANDBOX, SandboxConfig

if TYPE_CHECKING:
    from phicode.records import Verification
    from phicode.sandbox.pool import SandboxPool
    from phicode.verify import Verifier

__all__ = ["CASES_SUFFIX", "CaseItem", "CasesFile", "phicode_sandbox", "phicode_verifier"]

CASES_SUFFIX = ".cases.jsonl"
# From the sandbox's own config for a test session (ini values are strings).
_DEFAULTS = {
    "image": TEST_SESSION_SANDBOX.image,
    "timeout": str(TEST_SESSION_SANDBOX.timeout_s),
    "workers": str(TEST_SESSION_SANDBOX.workers),
    "memory": str(TEST_SESSION_SANDBOX.memory_mb),
}
_HELP = {
    "image": f"sandbox image for phicode fixtures and cases (default {_DEFAULTS['image']})",
    "timeout": f"seconds per sandbox run (default {_DEFAULTS['timeout']})",
    "workers": f"warm sandbox containers (default {_DEFAULTS['workers']})",
    "memory": f"MiB per sandbox run (default {_DEFAULTS['memory']})",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("phicode", "phicode sandbox (fixtures and *.cases.jsonl)")
    for name, text in _HELP.items():
        group.addoption(f"--phicode-{name}", dest=f"phicode_{name}", default=None, help=text)
        parser.addini(f"phicode_{name}", text, default=_DEFAULTS[name])


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "phicode: a phicode regression case, run in the sandbox")
    config.stash[_STATE] = _Session(config)


def pytest_unconfigure(config: pytest.Config) -> None:
    state = config.stash.get(_STATE, None)
    if state is not None:
        state.close()


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.name.endswith(CASES_SUFFIX):
        return CasesFile.from_parent(parent, path=file_path)
    return None


@pytest.fixture(scope="session")
def phicode_sandbox(pytestconfig: pytest.Config) -> SandboxPool:
    """A started sandbox pool shared by the session (and by the cases)."""
    return pytestconfig.stash[_STATE].pool()


@pytest.fixture(scope="session")
def phicode_verifier(pytestconfig: pytest.Config) -> Verifier:
    """A verifier on the session's sandbox pool."""
    return pytestconfig.stash[_STATE].verifier()


# --- the session's sandbox ---------------------------------------------------------


class _Session:
    """Starts the pool on first use, runs cases ahead, closes everything at the end."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self._pool: SandboxPool | None = None
        self._verifier: Verifier | None = None
        self._error: BaseException | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._futures: dict[str, Future[Verification]] = {}
        self._lock = threading.Lock()

    def setting(self, name: str) -> str:
        value = self.config.getoption(f"phicode_{name}")
        if value is None:
            value = self.config.getini(f"phicode_{name}") or _DEFAULTS[name]
        return str(value)

    def sandbox_config(self) -> SandboxConfig:
        from phicode.sandbox.pool import SandboxConfig

        try:
            return SandboxConfig(
                image=self.setting("image"),
                timeout_s=float(self.setting("timeout")),
                workers=int(self.setting("workers")),
                memory_mb=int(self.setting("memory")),
            )
        except ValueError as exc:
            raise pytest.UsageError(f"phicode plugin: bad option value: {exc}") from None

    def pool(self) -> SandboxPool:
        with self._lock:
            if self._error is not None:
                raise _SandboxUnavailable(str(self._error))
            if self._pool is None:
                from phicode.errors import PhicodeError
                from phicode.sandbox.pool import SandboxPool

                try:
                    self._pool = SandboxPool(self.sandbox_config()).start()
                except PhicodeError as exc:
                    self._error = exc
                    raise _SandboxUnavailable(str(exc)) from None
            return self._pool

    def verifier(self) -> Verifier:
        pool = self.pool()
        if self._verifier is None:
            from phicode.verify import Verifier

            self._verifier = Verifier(pool)
        return self._verifier

    def result(self, item: CaseItem) -> Verification:
        """This case's verification; the first call schedules every selected case."""
        if item.nodeid not in self._futures:
            pool = self.pool()
            with self._lock:
                if self._executor is None:
                    self._executor = ThreadPoolExecutor(pool.size, thread_name_prefix="phicode")
                pending = [
                    case
                    for case in item.session.items
                    if isinstance(case, CaseItem) and case.case is not None
                ]
                if item not in pending:
                    pending.insert(0, item)
                for case in pending:
                    if case.nodeid not in self._futures:
                        self._futures[case.nodeid] = self._executor.submit(_run_case, pool, case)
        return self._futures.pop(item.nodeid).result()

    def close(self) -> None:
        if self._executor is not None:
            for future in self._futures.values():
                future.cancel()
            if self._pool is not None:
                self._pool.close()
            self._executor.shutdown(wait=True, cancel_futures=True)
        if self._pool is not None:
            self._pool.close()


_STATE = pytest.StashKey[_Session]()


class _SandboxUnavailable(Exception):
    """The sandbox pool could not start; every case and fixture user reports why."""


def _run_case(pool: SandboxPool, item: CaseItem) -> Verification:
    from phicode.judge import verify_pair

    case = item.case
    assert case is not None
    return verify_pair(pool, case.pair, timeout_s=case.timeout_s or pool.config.timeout_s)


# --- case files ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Case:
    """One regression case: a pair, the statuses it may get, why."""

    pair: Pair
    expect: tuple[Status, ...]
    timeout_s: float | None = None
    note: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Case:
        pair = Pair.from_dict(data)
        raw = data.get("expect")
        if raw is None:
            raise RecordError("expect", "missing (a status or a list of statuses)")
        values = [raw] if isinstance(raw, str) else raw
        if not isinstance(values, list) or not values:
            raise RecordError("expect", "expected a status or a non-empty list of statuses")
        try:
            expect = tuple(Status(value) for value in values)
        except ValueError:
            allowed = ", ".join(s.value for s in Status)
            raise RecordError("expect", f"{raw!r}: each must be one of {allowed}") from None
        timeout = data.get("timeout_s")
        if timeout is not None and (
            isinstance(timeout, bool) or not isinstance(timeout, int | float)
        ):
            raise RecordError("timeout_s", f"expected a number, got {type(timeout).__name__}")
        note = data.get("note") or ""
        return cls(pair, expect, float(timeout) if timeout else None, str(note))


class CaseMismatch(Exception):
    """A case got a status it must not get; the message is the whole report."""


class CasesFile(pytest.File):
    """A ``*.cases.jsonl`` file: one item per non-blank line."""

    def collect(self) -> Iterator[CaseItem]:
        from phicode.jsonl import read_jsonl

        try:
            shown = self.path.relative_to(self.config.rootpath)
        except ValueError:
            shown = self.path
        names: set[str] = set()
        for line in read_jsonl(self.path, Case.from_dict):
            if line.record is not None:
                name = line.record.pair.id
            else:
                data_id = (line.data or {}).get("id")
                name = data_id if isinstance(data_id, str) else f"line {line.line}"
            if name in names:
                name = f"{name} (line {line.line})"
            names.add(name)
            item = CaseItem.from_parent(
                self,
                name=name,
                case=line.record,
                line=line.line,
                problem=None if line.record is not None else f"{shown}:{line.line}: {line.problem}",
            )
            item.add_marker("phicode")
            yield item


class CaseItem(pytest.Item):
    """One regression case: verify the pair, compare the status with ``expect``."""

    def __init__(self, *, case: Case | None, line: int, problem: str | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case
        self.line = line
        self.problem = problem

    def runtest(self) -> None:
        if self.case is None:
            raise CaseMismatch(self.problem or f"{self.path}:{self.line}: unreadable case")
        state: _Session = self.config.stash[_STATE]
        verification = state.result(self)
        if verification.status not in self.case.expect:
            expected = " or ".join(status.value for status in self.case.expect)
            detail = f" ({verification.detail})" if verification.detail else ""
            note = f"\n  case: {self.case.note}" if self.case.note else ""
            raise CaseMismatch(
                f"{self.case.pair.id}: expected {expected}, "
                f"got {verification.status.value}{detail}{note}"
            )

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, CaseMismatch | _SandboxUnavailable):
            prefix = "" if isinstance(excinfo.value, CaseMismatch) else "sandbox unavailable: "
            return prefix + str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.line - 1, f"case {self.name}"


def load_cases(path: Path | str) -> list[Case]:
    """Every case of a file (bad lines raise :class:`RecordError`); for scripts."""
    out = []
    for number, raw in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if raw.strip():
            try:
                out.append(Case.from_dict(json.loads(raw)))
            except (ValueError, RecordError) as exc:
                raise RecordError("", f"{path}:{number}: {exc}") from None
    return out
