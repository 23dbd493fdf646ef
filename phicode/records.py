"""The record schema: the one place that knows what a Snippet and a Pair look like.

Every stage reads and writes these frozen dataclasses; JSON only appears at the
edge (``to_dict`` / ``from_dict``, and :mod:`phicode.jsonl` for files). The
format is fixed by DESIGN.md section 3.

``from_dict`` raises :class:`RecordError` naming the offending field; readers
turn that into a ``FILE:LINE: ...`` problem. Unknown keys are ignored so that
newer files stay readable; ``strict=True`` (used by ``phicode validate``) also
requires the fields a finished dataset line must carry.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from typing import Any

from phicode.errors import InputError

__all__ = [
    "Generator",
    "Pair",
    "PairCase",
    "RecordError",
    "Rejection",
    "Snippet",
    "Source",
    "Status",
    "Verification",
    "content_id",
]


class RecordError(InputError):
    """A JSON object does not match the schema; ``field`` names where."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"field '{field_name}': {message}" if field_name else message)
        self.field = field_name


class Status(StrEnum):
    """Outcome of verifying a pair. Only ``PASSED`` counts as a pass.

    ``failed``: tests ran and did not all pass (includes skipped/xfailed-only runs);
    ``error``: the run did not complete normally (collection error, no tests,
    early exit); ``timeout``: the deadline killed it; ``crashed``: killed by a
    signal or the sandbox broke; ``rejected``: dropped by a filter or invalid.
    """

    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    TIMEOUT = "timeout"
    CRASHED = "crashed"
    REJECTED = "rejected"


def content_id(*parts: str) -> str:
    """A stable id from content: the same inputs always give the same id."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()[:16]


# --- field readers -------------------------------------------------------------


def _require(data: dict[str, Any], name: str, kind: type | tuple[type, ...]) -> Any:
    if name not in data:
        raise RecordError(name, "missing")
    return _typed(data, name, kind)


def _optional(data: dict[str, Any], name: str, kind: type | tuple[type, ...], default: Any) -> Any:
    if data.get(name) is None:
        return default
    return _typed(data, name, kind)


def _typed(data: dict[str, Any], name: str, kind: type | tuple[type, ...]) -> Any:
    value = data[name]
    # bool is an int in Python; a count of True is a schema error.
    if isinstance(value, bool) and kind in (int, float, (int, float)):
        raise RecordError(name, f"expected a number, got {value!r}")
    if not isinstance(value, kind):
        expected = (
            kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        )
        raise RecordError(name, f"expected {expected}, got {type(value).__name__}")
    return value


def _object(data: Any, where: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise RecordError(where, f"expected a JSON object, got {type(data).__name__}")
    return data


# --- records -------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """Where a snippet came from: repository, file, lines, commit and licence."""

    repo: str
    path: str
    commit: str | None = None
    start_line: int = 1
    end_line: int = 1
    license: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any) -> Source:
        data = _object(data, "source")
        try:
            return cls(
                repo=_require(data, "repo", str),
                path=_require(data, "path", str),
                commit=_optional(data, "commit", str, None),
                start_line=_optional(data, "start_line", int, 1),
                end_line=_optional(data, "end_line", int, 1),
                license=_optional(data, "license", str, None),
            )
        except RecordError as exc:
            raise RecordError(f"source.{exc.field}", str(exc).split(": ", 1)[-1]) from None


@dataclass(frozen=True, slots=True, kw_only=True)
class Snippet:
    """A self-contained function mined from a repository (output of ``phicode mine``)."""

    id: str
    entry_point: str
    code: str
    source: Source
    language: str = "python"
    docstring: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "language": self.language,
            "entry_point": self.entry_point,
            "code": self.code,
            "source": self.source.to_dict(),
        }
        if self.docstring is not None:
            out["docstring"] = self.docstring
        return out

    @classmethod
    def from_dict(cls, data: Any) -> Snippet:
        data = _object(data, "")
        return cls(
            id=_require(data, "id", str),
            language=_optional(data, "language", str, "python"),
            entry_point=_require(data, "entry_point", str),
            code=_require(data, "code", str),
            source=Source.from_dict(_require(data, "source", dict)),
            docstring=_optional(data, "docstring", str, None),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Generator:
    """Which backend, model and prompt template version produced a pair."""

    backend: str
    model: str
    prompt: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any) -> Generator:
        data = _object(data, "generator")
        return cls(
            backend=_require(data, "backend", str),
            model=_require(data, "model", str),
            prompt=_require(data, "prompt", str),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Verification:
    """What running the tests against the solution in the sandbox showed."""

    status: Status
    tests_passed: int = 0
    tests_failed: int = 0
    tests_total: int = 0
    attempts: int = 1
    mutation_score: float | None = None
    solve_rate: float | None = None  # share of blind answers (question only) that pass the tests
    branch_coverage: float | None = None  # share of the snippet's branches its tests' calls take
    # share of the known wrong programs (those that differ from the solution) the tests reject
    adequacy: float | None = None
    duration_s: float = 0.0
    detail: str = ""

    @property
    def passed(self) -> bool:
        return self.status is Status.PASSED

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["status"] = self.status.value
        out["duration_s"] = round(self.duration_s, 3)
        return out

    @classmethod
    def from_dict(cls, data: Any) -> Verification:
        data = _object(data, "verification")
        status = _require(data, "status", str)
        try:
            parsed_status = Status(status)
        except ValueError:
            allowed = ", ".join(s.value for s in Status)
            raise RecordError(
                "verification.status", f"{status!r} is not one of {allowed}"
            ) from None
        try:
            return cls(
                status=parsed_status,
                tests_passed=_optional(data, "tests_passed", int, 0),
                tests_failed=_optional(data, "tests_failed", int, 0),
                tests_total=_optional(data, "tests_total", int, 0),
                attempts=_optional(data, "attempts", int, 1),
                mutation_score=_optional(data, "mutation_score", (int, float), None),
                solve_rate=_optional(data, "solve_rate", (int, float), None),
                branch_coverage=_optional(data, "branch_coverage", (int, float), None),
                adequacy=_optional(data, "adequacy", (int, float), None),
                duration_s=float(_optional(data, "duration_s", (int, float), 0.0)),
                detail=_optional(data, "detail", str, ""),
            )
        except RecordError as exc:
            raise RecordError(f"verification.{exc.field}", str(exc).split(": ", 1)[-1]) from None


_PAIR_STRICT_FIELDS = ("question", "entry_point", "source", "generator", "verification")
SCHEMA = 2  # 2: pairs may carry ``cases`` (judged as data); a line without "schema" is 1
COMPARE_RULES = ("exact", "approx", "array")


@dataclass(frozen=True, slots=True, kw_only=True)
class PairCase:
    """One call of the entry point and what it must give, as data (not as test code).

    ``args``/``kwargs`` are Python literal sources (``"[3, 1]"``, ``"'abc'"``);
    ``expect`` is the result as a literal source, or ``raises`` the exception's name.
    ``compare``: ``exact`` (``==`` on plain values, except that a bool, an int and a
    float never stand for one another, at any depth), ``approx`` (floats to a relative
    1e-6; a bool still only equals a bool), ``array`` (a numpy array: dtype and every
    element). ``listed``: the result
    is a lazy iterator, compared as ``list(f(...))``."""

    args: tuple[str, ...] = ()
    kwargs: tuple[tuple[str, str], ...] = ()
    expect: str | None = None
    raises: str | None = None
    compare: str = "exact"
    listed: bool = False

    def call(self, name: str) -> str:
        parts = [*self.args, *(f"{k}={v}" for k, v in self.kwargs)]
        return f"{name}({', '.join(parts)})"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"args": list(self.args), "kwargs": dict(self.kwargs)}
        if self.raises is not None:
            out["raises"] = self.raises
        else:
            out["expect"] = self.expect
        if self.compare != "exact":
            out["compare"] = self.compare
        if self.listed:
            out["listed"] = True
        return out

    @classmethod
    def from_dict(cls, data: Any) -> PairCase:
        data = _object(data, "cases[]")
        args = _optional(data, "args", list, [])
        kwargs = _optional(data, "kwargs", dict, {})
        if not all(isinstance(a, str) for a in args) or not all(
            isinstance(v, str) for v in kwargs.values()
        ):
            raise RecordError("cases[].args", "expected literal sources (strings)")
        compare = _optional(data, "compare", str, "exact")
        if compare not in COMPARE_RULES:
            raise RecordError(
                "cases[].compare", f"expected one of {COMPARE_RULES}, got {compare!r}"
            )
        case = cls(
            args=tuple(args),
            kwargs=tuple((str(k), v) for k, v in kwargs.items()),
            expect=_optional(data, "expect", str, None),
            raises=_optional(data, "raises", str, None),
            compare=compare,
            listed=bool(_optional(data, "listed", bool, False)),
        )
        if (case.expect is None) == (case.raises is None):
            raise RecordError("cases[]", "needs exactly one of expect and raises")
        return case


@dataclass(frozen=True, slots=True, kw_only=True)
class Pair:
    """A (question, solution, tests) pair: synth output, verify input, a dataset line."""

    id: str
    solution: str
    tests: str
    question: str = ""
    entry_point: str = ""
    source: Source | None = None
    generator: Generator | None = None
    verification: Verification | None = None
    cases: tuple[PairCase, ...] = ()  # judged as data by phicode.cases (schema 2)
    language: str = "python"  # phicode.languages: what runs the tests and reads the cases

    def with_verification(self, verification: Verification) -> Pair:
        return replace(self, verification=verification)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "question": self.question,
            "solution": self.solution,
            "entry_point": self.entry_point,
            "tests": self.tests,
            "source": self.source.to_dict() if self.source else None,
            "generator": self.generator.to_dict() if self.generator else None,
            "verification": self.verification.to_dict() if self.verification else None,
            **(
                {"schema": SCHEMA, "cases": [c.to_dict() for c in self.cases]} if self.cases else {}
            ),
            # written only where it is not Python: a Python line stays what it always was
            **({"language": self.language} if self.language != "python" else {}),
        }

    @classmethod
    def from_dict(cls, data: Any, *, strict: bool = False) -> Pair:
        """Parse a pair; ``strict`` also demands every field of a dataset line."""
        data = _object(data, "")
        if strict:
            for name in _PAIR_STRICT_FIELDS:
                if data.get(name) is None:
                    raise RecordError(name, "missing")
        source = data.get("source")
        generator = data.get("generator")
        verification = data.get("verification")
        schema = _optional(data, "schema", int, 1)
        if schema > SCHEMA:
            raise RecordError(
                "schema", f"{schema} is newer than this phicode reads ({SCHEMA}): upgrade phicode"
            )
        cases = _optional(data, "cases", list, [])
        return cls(
            id=_require(data, "id", str),
            solution=_require(data, "solution", str),
            tests=_require(data, "tests", str),
            question=_optional(data, "question", str, ""),
            entry_point=_optional(data, "entry_point", str, ""),
            source=Source.from_dict(source) if source is not None else None,
            generator=Generator.from_dict(generator) if generator is not None else None,
            verification=Verification.from_dict(verification) if verification is not None else None,
            cases=tuple(PairCase.from_dict(c) for c in cases),
            language=_language(data),
        )


def _language(data: dict[str, Any]) -> str:
    from phicode.languages import names

    name = _optional(data, "language", str, "python")
    if name not in names():
        raise RecordError("language", f"{name!r} is not one of {', '.join(names())}")
    return name


@dataclass(frozen=True, slots=True, kw_only=True)
class Rejection:
    """Why a stage dropped a record; written beside the record to ``--rejected``."""

    stage: str
    reason: str
    detail: str = ""
    where: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"stage": self.stage, "reason": self.reason, "detail": self.detail}
        if self.where:
            out["where"] = self.where
        out.update(self.extra)
        return out

    @classmethod
    def from_line(cls, data: Any) -> tuple[Rejection, dict[str, Any]]:
        """A ``--rejected`` line read back: the rejection and the record beside it."""
        data = _object(data, "")
        found = _object(data.get("rejected"), "rejected")
        known = {"stage", "reason", "detail", "where"}
        rejection = cls(
            stage=_require(found, "stage", str),
            reason=_require(found, "reason", str),
            detail=_optional(found, "detail", str, ""),
            where=_optional(found, "where", str, None),
            extra={k: v for k, v in found.items() if k not in known},
        )
        return rejection, {k: v for k, v in data.items() if k != "rejected"}

    def line(self, record: dict[str, Any] | None = None, raw: str | None = None) -> dict[str, Any]:
        """The rejected-file line: the record (or the raw text) plus this rejection."""
        out: dict[str, Any] = dict(record) if record is not None else {}
        if record is None and raw is not None:
            out["raw"] = raw
        out["rejected"] = self.to_dict()
        return out
