"""Where the pipeline's units are computed: here, or on a cluster.

The driver (:mod:`phicode.pipeline`) hands an executor the units that are
missing from the state and stores each value as it comes back, so a run that
dies loses only what was in flight. An executor yields ``(index, value)``:
the index into the list it was given, and the JSON value a
:class:`~phicode.pipeline.workbench.Workbench` computed. The local executor computes in
order in this process on one warm pool; :class:`phicode.pipeline.cluster.RayExecutor`
spreads the same calls over the nodes of a Ray cluster.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from typing import Any, Protocol

from phicode.mine.run import FileProcessor
from phicode.pipeline.config import PipelineConfig
from phicode.records import Pair, Snippet

PER_PAIR_STAGES = ("cases", "mutation")


class Executor(Protocol):
    """What the driver needs of an executor (a context manager)."""

    units_by_node: Counter[str]  # units computed on each node, for the funnel

    def synth(self, snippets: list[Snippet]) -> Iterator[tuple[int, dict[str, Any]]]: ...

    def align(self, pairs: list[Pair]) -> Iterator[tuple[int, dict[str, Any]]]: ...

    def each(self, stage: str, pairs: list[Pair]) -> Iterator[tuple[int, dict[str, Any]]]: ...

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

    def synth(self, snippets: list[Snippet]) -> Iterator[tuple[int, dict[str, Any]]]:
        index_of = {snippet.id: index for index, snippet in enumerate(snippets)}
        for snippet_id, value in self._bench.synth(snippets):
            self.units_by_node[self._node] += 1
            yield index_of[snippet_id], value

    def align(self, pairs: list[Pair]) -> Iterator[tuple[int, dict[str, Any]]]:
        for part in chunks(len(pairs), self.config.model.snippets_per_batch):
            values = self._bench.align([pairs[i] for i in part])
            for index, value in zip(part, values, strict=True):
                self.units_by_node[self._node] += 1
                yield index, value

    def each(self, stage: str, pairs: list[Pair]) -> Iterator[tuple[int, dict[str, Any]]]:
        assert stage in PER_PAIR_STAGES, stage
        compute = getattr(self._bench, stage)
        for index, pair in enumerate(pairs):
            value = compute(pair)
            self.units_by_node[self._node] += 1
            yield index, value


def make_executor(config: PipelineConfig) -> Executor:
    """The executor ``config.executor`` names."""
    if config.executor == "ray":
        from phicode.pipeline.cluster import RayExecutor  # ConfigError when Ray is not installed

        return RayExecutor(config)
    return LocalExecutor(config)


__all__ = ["PER_PAIR_STAGES", "Executor", "LocalExecutor", "chunks", "make_executor"]
