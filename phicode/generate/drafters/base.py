"""The drafter protocol: a batch of snippets in, a first draft (question + tests) or a rejection out.

A drafter writes what the repair loop then checks: the template drafter runs the
snippet (no model), the model drafter asks a model, the oracle drafter asks a
model and has the snippet supply the expected values. The synthesizer knows
only this protocol, never which drafter it holds. ``version`` names everything
in the drafter that changes its output (prompt versions, the oracle's, the
template's), so the pipeline's resume key changes when any of them does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from phicode.generate.codeinfo import FunctionInfo
from phicode.generate.draft import Draft
from phicode.records import Snippet


@dataclass(frozen=True, slots=True)
class Item:
    """A snippet to draft for, with what its code says about the entry point."""

    snippet: Snippet
    info: FunctionInfo


@dataclass(frozen=True, slots=True)
class Rejected:
    """Why no draft was made: a reason from a declared enum, a detail, the raw model text."""

    reason: str
    detail: str
    raw: str | None = None


class Drafter(Protocol):
    """Writes a first draft for each item of a batch, in order."""

    @property
    def version(self) -> str:
        """Everything that changes this drafter's output, e.g. ``question@3+tests@3+oracle@3``."""
        ...

    def draft(self, items: Sequence[Item]) -> list[Draft | Rejected]:
        """One draft or rejection per item, in the items' order."""
        ...
