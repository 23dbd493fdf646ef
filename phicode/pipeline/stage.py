"""What a stage is, and how a unit of it is resumed: the one file that answers both.

A :class:`Stage` maps each record it is given (a snippet, or a pair) to one *unit*:
a frozen value that the state stores as JSON and the stage then turns into the
record's next form (a pair that goes on) or a :class:`Dropped` line. A stage
declares, once:

- ``parts(config)``: its *version*, every named part that can change a unit's
  result (prompts by their tags, the drafter, the oracle, the cleaning rules, its
  filters, the sandbox limits that decide outcomes, the settings it reads);
- ``reads(item, config)``: the fields of the input record that a unit reads;
- ``compute(items, bench)``: the units of a batch, on a
  :class:`~phicode.pipeline.workbench.Workbench` (a pool and, when needed, a model);
- ``advance(item, unit, config, funnel)``: what the unit makes of the record, and
  what it adds to the funnel.

A unit's key hashes the stage's name, its version and what it reads
(:func:`unit_key`), so changing a part reruns exactly the stages that declare it,
and a stage after them reruns only where its input really changed.
:func:`resume` is the one place where units are looked up in the state, computed
(by an executor: here or on a cluster, the same way for every stage) and stored
as each comes back.
"""

from __future__ import annotations

import json
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, Self, TypeVar

from phicode.console import progress
from phicode.records import Pair, Snippet, content_id

if TYPE_CHECKING:
    from phicode.pipeline.config import PipelineConfig
    from phicode.pipeline.funnel import Funnel
    from phicode.pipeline.state import StateStore
    from phicode.pipeline.workbench import Workbench


class Unit(Protocol):
    """A stage's stored result for one record: JSON at the state's edge."""

    def to_dict(self) -> dict[str, Any]: ...

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self: ...


@dataclass(frozen=True, slots=True)
class Dropped:
    """A record a stage dropped: its line for the ``--rejected`` file."""

    line: dict[str, Any]


Item = TypeVar("Item", Snippet, Pair)
U = TypeVar("U", bound=Unit)


class Stage(ABC, Generic[Item, U]):
    """One kind of work of the pipeline (see the module)."""

    name: ClassVar[str]
    item_type: ClassVar[type[Snippet] | type[Pair]]  # what a node reads its items as
    unit_type: ClassVar[type[Unit]]

    def wanted(self, config: PipelineConfig) -> bool:
        """Whether this run has the stage at all (a record then passes through as it is)."""
        return True

    @abstractmethod
    def parts(self, config: PipelineConfig) -> dict[str, Any]:
        """The declared version: every part that can change a unit's result, by name."""

    @abstractmethod
    def reads(self, item: Item, config: PipelineConfig) -> tuple[str, ...]:
        """The fields of ``item`` a unit reads (part of its key)."""

    def batch_size(self, config: PipelineConfig) -> int:
        """Records per ``compute`` call (a model fills its batch with them)."""
        return 1

    def one_batch_per_node(self, config: PipelineConfig) -> bool:
        """Whether a node computes one batch at a time (a model: one ``generate`` at once);
        otherwise as many as its pool has workers."""
        return False

    @abstractmethod
    def compute(self, items: Sequence[Item], bench: Workbench) -> list[U]:
        """One unit per item, in order."""

    @abstractmethod
    def advance(
        self, item: Item, unit: U, config: PipelineConfig, funnel: Funnel
    ) -> Pair | Dropped:
        """The record after this stage, counted in ``funnel``."""

    def version(self, config: PipelineConfig) -> str:
        return version_of(self.parts(config))


def version_of(parts: Mapping[str, Any]) -> str:
    """A stable hash of named parts (order does not matter)."""
    return content_id(json.dumps(parts, sort_keys=True, default=str))


def unit_key(stage: Stage[Any, Any], version: str, item: Any, config: PipelineConfig) -> str:
    """Where a unit of ``stage`` for ``item`` is stored."""
    return content_id(stage.name, version, *stage.reads(item, config))


def record_json(record: Snippet | Pair) -> str:
    """A record as canonical JSON without what is measured (``duration_s``): the key of
    a stage that reads the whole record does not change with the machine's speed."""
    data = record.to_dict()
    verification = data.get("verification")
    if isinstance(verification, dict):
        data["verification"] = {k: v for k, v in verification.items() if k != "duration_s"}
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


class Computes(Protocol):
    """What :func:`resume` needs of an executor: the missing units of a stage, each as
    ``(index into items, the unit's JSON)`` as soon as it is done."""

    def compute(
        self, stage: Stage[Any, Any], items: list[Any]
    ) -> Iterator[tuple[int, dict[str, Any]]]: ...


def resume(
    stage: Stage[Item, U],
    items: list[Item],
    config: PipelineConfig,
    state: StateStore,
    executor: Computes,
    funnel: Funnel,
) -> list[U]:
    """The unit of every item: found in the state, or computed and stored the moment it
    comes back (a run that dies loses only what was in flight)."""
    started = time.monotonic()
    version = stage.version(config)
    keys = [unit_key(stage, version, item, config) for item in items]
    found = {key: state.get(stage.name, key) for key in keys}
    missing = [index for index, key in enumerate(keys) if found[key] is None]
    funnel.reused[stage.name] += len(keys) - len(missing)
    funnel.units[stage.name] += len(keys)
    if missing:
        with progress(stage.name, total=len(missing), enabled=config.show_progress) as advance:
            for position, value in executor.compute(stage, [items[i] for i in missing]):
                key = keys[missing[position]]
                state.put(stage.name, key, value)
                found[key] = value
                advance()
    funnel.seconds[stage.name] = time.monotonic() - started
    return [stage.unit_type.from_dict(found[key]) for key in keys]  # type: ignore[misc]


__all__ = ["Dropped", "Stage", "Unit", "record_json", "resume", "unit_key", "version_of"]
