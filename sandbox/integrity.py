"""What the job's code may not change: pytest's reports, hooks and our reporter.

Captured in the job process before pytest imports any of the job's code, checked
again after ``pytest.main`` returns; whatever changed is reported as a
``tampered`` event and the host counts the run as an error. Code in the same
process can still undo this check on purpose (it can reach this module too);
that is what the case judge, outside the process, is for. This check stops the
generic attacks: a patched ``TestReport``, a replaced runner or hook caller, a
plugin registered from a test module, the reporter rewritten.
"""

from __future__ import annotations

from typing import Any


def _watched(reporter: Any) -> dict[str, Any]:
    import _pytest.python
    import _pytest.reports
    import _pytest.runner
    import pluggy

    return {
        "TestReport.__init__": _pytest.reports.TestReport.__init__,
        "TestReport.from_item_and_call": _pytest.reports.TestReport.__dict__["from_item_and_call"],
        "TestReport.passed": _pytest.reports.BaseReport.__dict__.get("passed"),
        "runner.call_and_report": _pytest.runner.call_and_report,
        "runner.pytest_runtest_makereport": _pytest.runner.pytest_runtest_makereport,
        "CallInfo.from_call": _pytest.runner.CallInfo.__dict__["from_call"],
        "python.pytest_pyfunc_call": _pytest.python.pytest_pyfunc_call,
        "HookCaller.__call__": pluggy.HookCaller.__call__,
        "reporter.class": type(reporter),
        "reporter.methods": tuple(sorted(vars(type(reporter)).items(), key=lambda kv: kv[0])),
        "reporter.instance": tuple(sorted(k for k in vars(reporter) if k != "outcomes")),
    }


class Integrity:
    """A snapshot of what the job may not change, and the plugins it may not add."""

    def __init__(self, reporter: Any) -> None:
        self.reporter = reporter
        self.before = _watched(reporter)
        self.plugins: set[int] | None = None

    # a pytest plugin: the plugin set once pytest is configured, before collection
    def pytest_sessionstart(self, session: Any) -> None:
        self.plugins = {id(p) for p in session.config.pluginmanager.get_plugins()}
        self.manager = session.config.pluginmanager

    def changed(self) -> list[str]:
        """What differs from the snapshot (empty when nothing does)."""
        after = _watched(self.reporter)
        found = [name for name, value in self.before.items() if after.get(name) != value]
        if self.plugins is not None:
            added = [p for p in self.manager.get_plugins() if id(p) not in self.plugins]
            found += [f"plugin {type(p).__name__} registered" for p in added if not _ours(p)]
        return found


def _ours(plugin: Any) -> bool:
    """Plugins pytest itself registers during a session (module-level conftests, none here)."""
    module = getattr(plugin, "__module__", "") or getattr(plugin, "__name__", "")
    return str(module).startswith(("_pytest", "pytest", "hypothesis", "_hypothesis"))
