"""Where the pipeline's units are computed: here, or on a cluster.

The driver hands an executor a stage and the records whose units are missing
from the state (:func:`phicode.pipeline.stage.resume`) and stores each unit as it
comes back, so a run that dies loses only what was in flight. An executor yields
``(index, unit JSON)``: the index into the list it was given, and the unit the
stage computed, as the state stores it. Every executor runs every stage the same
way, in batches of ``stage.batch_size``: the local one in order in this process on
one warm pool; :class:`phicode.pipeline.cluster.RayExecutor` spreads the same
batches over the nodes of a Ray cluster.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from typing import Any, Protocol

from phicode.mine.run import FileProcessor
from phicode.pipeline.config import PipelineConfig
from phicode.pipeline.stage import Stage


class Executor(Protocol):
    """What the driver needs of an executor (a context manager)."""

    units_by_node: Counter[str]  # units computed on each node, for the funnel

    def compute(
        self, stage: Stage[Any, Any], items: list[Any]
    ) -> Iterator[tuple[int, dict[str, Any]]]: ...

    def file_processor(self) -> FileProcessor | None:
        """How the miner mines files here (None: the miner's own worker processes)."""

    def shutdown(self) -> None:
        """Release what ``file_processor`` or ``__enter__`` joined (a cluster)."""

    def __enter__(self) -> Executor: ...

    def __exit__(self, *exc: object) -> None: ...


def chunks(count: int, size: int) -> list[range]:
    """``range(count)`` cut into consecutive pieces of at most ``size``."""
    size = max(1, size)
    return [range(start, min(start + size, count)) for start in range(0, count, size)]


class LocalExecutor:
    """Every unit in this process, in order, on one warm sandbox pool."""

    def __init__(self, config: PipelineConfig) -> None:
        self.config = config
        self.units_by_node: Counter[str] = Counter()
        self._node = os.uname().nodename
        self._pool: Any = None
        self._bench: Any = None

    def __enter__(self) -> LocalExecutor:
        from phicode.pipeline.workbench import Workbench
        from phicode.sandbox.pool import SandboxPool

        self._pool = SandboxPool(self.config.sandbox).__enter__()
        self._bench = Workbench(self.config, self._pool)
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if self._bench is not None:
                self._bench.close()
        finally:
            if self._pool is not None:
                self._pool.__exit__(*exc)

    def file_processor(self) -> FileProcessor | None:
        return None

    def shutdown(self) -> None:
        return None

    def compute(
        self, stage: Stage[Any, Any], items: list[Any]
    ) -> Iterator[tuple[int, dict[str, Any]]]:
        for part in chunks(len(items), stage.batch_size(self.config)):
            units = stage.compute([items[i] for i in part], self._bench)
            for index, unit in zip(part, units, strict=True):
                self.units_by_node[self._node] += 1
                yield index, unit.to_dict()


__all__ = ["Executor", "LocalExecutor", "chunks"]
