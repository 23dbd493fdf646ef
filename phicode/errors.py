"""The one exception tree of phicode.

Every error the library raises on purpose derives from ``PhicodeError``; the CLI
catches exactly that root, prints ``TypeName: message`` on one line and exits 2.
Anything else is a bug and gets a traceback in a log file. Two classes live beside
the code that raises them: ``RecordError`` (:mod:`phicode.records`) and
``ClusterError`` (:mod:`phicode.pipeline.cluster`, which needs Ray).

    PhicodeError
    ├── ConfigError        bad options or settings (names the option)
    ├── InputError         bad input files or records (names file and line)
    │   └── RecordError         a JSON object does not match the schema (names the field)
    ├── TemplateError      a prompt template is missing or does not render
    ├── BackendError       a model backend failed (server down, no model found)
    ├── SandboxError       the container engine or image is unusable
    │   ├── EngineUnavailable   no Docker engine answers
    │   └── SandboxUnavailable  the sandbox broke while judging: no verdict, never a score
    └── ClusterError       the Ray cluster cannot do the work (no node left, no pool)
"""

from __future__ import annotations


class PhicodeError(Exception):
    """Root of every error phicode raises on purpose."""


class ConfigError(PhicodeError):
    """An option or setting is invalid."""


class InputError(PhicodeError):
    """An input file or record is unusable; the message names file and line."""


class TemplateError(PhicodeError):
    """A prompt template is missing or fails to render."""


class BackendError(PhicodeError):
    """A model backend cannot answer (unreachable server, unknown or missing model)."""


class SandboxError(PhicodeError):
    """The container engine or the sandbox image cannot be used."""


class EngineUnavailable(SandboxError):
    """No Docker engine answers; the message says how to start one."""


class SandboxUnavailable(SandboxError):
    """The sandbox broke while an answer was judged (the engine stopped answering, a
    pool could not start): there is no verdict, and a caller must never read one as a
    score, neither a pass nor a 0 (:mod:`phicode.scoring`, ``phicode serve``)."""
