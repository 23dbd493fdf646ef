"""The funnel of a run: how many records each stage saw and dropped, and the time it took.

Stages add to it as their units come back (``Stage.advance``); the driver prints it
as a table at the end and the report draws it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from phicode.mine import MineStats


@dataclass
class Funnel:
    """How many records each stage saw and dropped, and the time it took."""

    mined: int = 0
    mine_dropped: Counter[str] = field(default_factory=Counter)
    synth_rejected: Counter[str] = field(default_factory=Counter)
    verified: int = 0
    repaired: int = 0
    strengthened: int = 0  # verified pairs whose weak tests got oracle tests added
    aligned: Counter[str] = field(default_factory=Counter)  # tests stated / dropped by fidelity
    blind: Counter[str] = field(default_factory=Counter)  # blind answers that passed / failed
    filtered: Counter[str] = field(default_factory=Counter)
    kept: int = 0
    reused: Counter[str] = field(default_factory=Counter)  # units found in the state
    units_by_node: Counter[str] = field(default_factory=Counter)  # units computed per node
    units: Counter[str] = field(default_factory=Counter)  # units (snippets or pairs) per stage
    seconds: dict[str, float] = field(default_factory=dict)
    mine_stats: MineStats | None = None

    def rows(self) -> list[tuple[str, int]]:
        rows = [("snippets mined", self.mined)]
        rows += [
            (f"  synth dropped: {reason}", n) for reason, n in sorted(self.synth_rejected.items())
        ]
        rows += [("verified pairs", self.verified), ("  of which repaired", self.repaired)]
        if any(self.blind.values()):
            rows += [(f"  blind answers {k}", n) for k, n in sorted(self.blind.items())]
        rows += [(f"  tests {k} (fidelity)", n) for k, n in sorted(self.aligned.items())]
        if self.strengthened:
            rows.append(("  tests strengthened", self.strengthened))
        rows += [(f"  filter dropped: {reason}", n) for reason, n in sorted(self.filtered.items())]
        rows.append(("kept", self.kept))
        return rows + self.node_rows()

    def node_rows(self) -> list[tuple[str, int]]:
        """Units computed per node, when more than one node did work (``--executor ray``)."""
        if len(self.units_by_node) <= 1:
            return []
        return [(f"units on node {n}", k) for n, k in sorted(self.units_by_node.items())]


__all__ = ["Funnel"]
