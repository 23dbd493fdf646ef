"""The snippet as oracle, host side: run it in the sandbox on given calls, read what it did.

One sandbox job (script mode) per snippet runs :mod:`phicode.generate.oracle.probe`
(shipped into the job as a file) on the cases; its one marked JSON line comes
back as :class:`Observed` values. Values are kept only when their ``repr``
reads back as an equal literal, because the tests are written as source text; a
numeric numpy array is written as ``np.array(<list>, dtype=...)`` and a numpy
number as its Python value.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from phicode.generate.oracle.inputs import Case
from phicode.generate.oracle.probe import JOB_FILE, MARKER
from phicode.sandbox.jobs import Job
from phicode.sandbox.runner import JobRunner

ARRAY_SOURCE = "np.array("  # how the oracle writes an array result (see ``_expected``)
PER_CALL_S = 0.5
BUDGET_S = 6.0


@dataclass(frozen=True, slots=True)
class Observed:
    """What the snippet did on one case."""

    case: Case
    kind: str  # value | raises | invalid | slow | unstable | unrepresentable | skipped
    repr: str | None = None
    exc: str | None = None
    float_: bool = False
    approx: bool = False
    generator: bool = False
    mutated: tuple[tuple[int, str], ...] = ()  # (argument index, expected source after the call)
    why: str = ""
    array: str | None = None  # dtype of a numpy array result: compare with np.testing
    numpy: bool = False  # a numpy result (array or number): ``is True`` does not hold
    message: str = ""  # a raise's own message (evidence of when it raises), at most 160 chars
    arcs: frozenset[tuple[int, int]] = frozenset()  # line arcs the first call ran in solution.py
    deliberate: bool | None = None  # a raise from the snippet's own raise/assert statement

    @property
    def only_changes(self) -> bool:
        """Returned None and changed an argument: the change is the whole behaviour, and
        only a test (not a case, which compares a result) can check it."""
        return bool(self.mutated) and self.repr == "None"

    @property
    def incidental(self) -> bool:
        """A raise that no ``raise`` or ``assert`` of the snippet made: an accident of input
        the function was never meant to take (an ``IndexError`` from ``xs[0]`` on ``[]``)."""
        return self.kind == "raises" and self.deliberate is False


def is_array_source(text: str) -> bool:
    """Whether an expected value's source is a numpy array (from :data:`ARRAY_SOURCE`)."""
    return text.startswith(ARRAY_SOURCE)


class OracleError(Exception):
    """The snippet could not be run at all (import failed, sandbox trouble)."""


PROBE_SOURCE = (Path(__file__).with_name("probe.py")).read_text(encoding="utf-8")


def probe_job(code: str, entry_point: str, cases: list[Case], memory_mb: int) -> Job:
    """The sandbox job that runs the probe on ``cases`` against ``code`` (``solution.py``)."""
    spec = {
        "entry": entry_point,
        "cases": [c.to_json() for c in cases],
        "per_call_s": PER_CALL_S,
        "budget_s": BUDGET_S,
    }
    return Job.script(
        {"probe.py": PROBE_SOURCE, JOB_FILE: json.dumps(spec), "solution.py": code},
        "probe.py",
        timeout_s=BUDGET_S * 2 + 4,
        memory_mb=memory_mb,
        max_output=1 << 20,
    )


def observe(pool: JobRunner, code: str, entry_point: str, cases: list[Case]) -> list[Observed]:
    """Run ``code``'s entry point on every case in the sandbox."""
    result = pool.run(probe_job(code, entry_point, cases, pool.config.memory_mb))
    payload = _payload(result.stdout)
    if payload is None:
        why = (
            "timed out"
            if result.timed_out
            else (result.sandbox_error or _last_line(result.stderr) or "no result")
        )
        raise OracleError(f"the snippet could not be run: {why}")
    if "error" in payload:
        raise OracleError(f"the snippet could not be run: {payload['error']}")
    return [_observed(case, raw) for case, raw in zip(cases, payload["results"], strict=False)]


def _payload(stdout: str) -> dict[str, Any] | None:
    for line in reversed(stdout.splitlines()):
        if line.startswith(MARKER):
            try:
                return json.loads(line[len(MARKER) :])
            except json.JSONDecodeError:
                return None
    return None


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _observed(case: Case, raw: dict[str, Any]) -> Observed:
    return Observed(
        case=case,
        kind=str(raw.get("kind", "invalid")),
        repr=raw.get("repr"),
        exc=raw.get("exc"),
        float_=bool(raw.get("float")),
        approx=bool(raw.get("approx")),
        generator=bool(raw.get("generator")),
        mutated=tuple(sorted((int(k), v) for k, v in (raw.get("mutated") or {}).items())),
        why=str(raw.get("why", raw.get("type", ""))),
        array=raw.get("array"),
        numpy=bool(raw.get("numpy")),
        message=str(raw.get("message") or ""),
        arcs=frozenset((int(a), int(b)) for a, b in raw.get("arcs") or ()),
        deliberate=raw.get("deliberate"),
    )
