"""What the job's code may not change: pytest's reports, hooks and our reporter.

Captured in the job process before pytest imports any of the job's code, checked
again after ``pytest.main`` returns; whatever changed is reported as a
``tampered`` event and the host counts the run as an error. Code in the same
process can still undo this check on purpose (it can reach this module too);
that is what the case judge, outside the process, is for. This check stops the
generic attacks: a patched ``TestReport``, a replaced runner or hook caller, a
plugin registered from a test module, the reporter rewritten.

A plugin that appears during the session is pytest's own only when it really is:
a module, or an instance of a class, that was loaded from pytest's, pluggy's or
hypothesis's installed files before the job's code ran (compared by identity),
and that brings no hook of its own on the instance. What a plugin says about
itself (``__module__``, ``__name__``, ``__qualname__``) proves nothing: a class
sets those at will.
"""

from __future__ import annotations

import os
import sys
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
        self.trusted = _trusted_modules()
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
            found += [
                f"plugin {type(p).__name__} registered" for p in added if not _ours(p, self.trusted)
            ]
        return found


def _package_roots() -> tuple[str, ...]:
    """Where pytest, pluggy and hypothesis are installed (folders end with a separator)."""
    import _hypothesis_pytestplugin
    import _pytest
    import hypothesis
    import pluggy
    import pytest

    folders = [os.path.dirname(m.__file__) for m in (_pytest, pytest, pluggy, hypothesis)]
    return (*(f + os.sep for f in folders), _hypothesis_pytestplugin.__file__)


def _trusted_modules() -> dict[str, Any]:
    """The modules loaded from those installed files, by name, as they are now:
    before pytest imports any of the job's code."""
    roots = _package_roots()
    trusted = {}
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.startswith(roots):
            trusted[name] = module
    return trusted


def _ours(plugin: Any, trusted: dict[str, Any]) -> bool:
    """A plugin pytest itself registers mid-session (its ``FixtureManager``): one of
    the trusted modules, or an instance of a class one of them defines, compared by
    identity, with no hook set on the instance."""
    if any(plugin is module for module in trusted.values()):
        return True
    kind = type(plugin)
    home: Any = trusted.get(str(getattr(kind, "__module__", "")))
    for part in str(getattr(kind, "__qualname__", "")).split("."):
        home = getattr(home, part, None) if home is not None else None
    if home is not kind:  # a class that only names a pytest module as its own
        return False
    own = getattr(plugin, "__dict__", None)
    return not isinstance(own, dict) or not any(
        str(name).startswith("pytest_") or hasattr(value, "pytest_impl")
        for name, value in own.items()
    )
