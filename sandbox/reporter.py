"""A pytest plugin that streams per-test outcomes to the server over a pipe.

Each event is one JSON line carrying the job's nonce. The server counts a run
as finished only when the runner writes ``done`` after ``pytest.main`` returns,
so a job that exits early (``os._exit``, ``sys.exit`` at import, a killed
process) can never look finished. Code in the same process could forge these
lines on purpose; that is why the host also checks that the counts add up and
why the sandbox, not this plugin, is the security boundary.
"""

from __future__ import annotations

import json
import os
from typing import Any

_MESSAGE_LIMIT = 800


class Reporter:
    """Collects outcomes per test id and writes them as they happen."""

    def __init__(self, fd: int, nonce: str) -> None:
        self._fd = fd
        self._nonce = nonce
        self.outcomes: dict[str, dict[str, Any]] = {}

    def emit(self, event: str, **fields: Any) -> None:
        fields.update(event=event, nonce=self._nonce)
        data = (json.dumps(fields, ensure_ascii=True) + "\n").encode("ascii")
        try:
            while data:
                data = data[os.write(self._fd, data) :]
        except OSError:
            pass  # the server went away; nothing to report to

    # --- pytest hooks -----------------------------------------------------------

    def pytest_collection_finish(self, session: Any) -> None:
        self.emit("collected", count=len(session.items))

    def pytest_collectreport(self, report: Any) -> None:
        if report.failed:
            self.emit("collect_error", nodeid=report.nodeid, message=_collect_message(report))

    def pytest_runtest_logreport(self, report: Any) -> None:
        outcome = _outcome(report)
        if outcome is None:
            return
        self.emit(
            "test",
            nodeid=report.nodeid,
            outcome=outcome,
            message=_message(report) if outcome != "passed" else "",
            duration_s=round(float(getattr(report, "duration", 0.0)), 4),
        )


def _outcome(report: Any) -> str | None:
    """Map one phase report to an outcome; None when the phase says nothing new."""
    wasxfail = hasattr(report, "wasxfail")
    if report.when == "call":
        if report.passed:
            return "xpassed" if wasxfail else "passed"
        if report.skipped:
            return "xfailed" if wasxfail else "skipped"
        return "failed"
    if report.failed:  # setup or teardown broke: an error, not a test failure
        return "error"
    if report.when == "setup" and report.skipped:
        return "xfailed" if wasxfail else "skipped"
    return None


def _message(report: Any) -> str:
    """The one line a person wants: the assertion or the exception."""
    longrepr = report.longrepr
    crash = getattr(longrepr, "reprcrash", None)
    if crash is not None and getattr(crash, "message", None):
        text = crash.message
    elif isinstance(longrepr, tuple) and len(longrepr) == 3:  # skip: (path, line, reason)
        text = str(longrepr[2])
    else:
        text = getattr(report, "longreprtext", "") or str(longrepr or "")
        text = _last_lines(text)
    if hasattr(report, "wasxfail") and not text:
        text = f"xfail: {report.wasxfail}"
    return text[:_MESSAGE_LIMIT]


def _collect_message(report: Any) -> str:
    text = getattr(report, "longreprtext", "") or str(report.longrepr or "")
    return _last_lines(text)[:_MESSAGE_LIMIT]


def _last_lines(text: str, count: int = 3) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("E ")]
    chosen = errors[-count:] if errors else lines[-count:]
    return " | ".join(line.removeprefix("E ").strip() for line in chosen)
