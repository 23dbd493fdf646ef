"""The Ray executor: the pipeline's units spread over the nodes of a Ray cluster.

Same stages, same records, same dataset as the local executor; only where a
unit is computed changes. The driver (``phicode run`` on the head or any
machine that joins the cluster) keeps what must be global and deterministic:
the walk, deduplication, the state and the order of the output. The nodes do
the work:

- **mine**: each file is a Ray task (the corpus must be readable at the same
  path on every node, as for any Ray data job); results come back in walk
  order within a bounded window, so deduplication sees them as the local
  miner does;
- **every stage after mining**: one :class:`NodeWorkbench` actor per node, pinned
  to it, with a warm sandbox pool on that node's Docker engine sized to the node's
  CPUs (and the model, when the backend has one). A stage's batches go to actors
  with free capacity (one at a time where the stage drives a model), never
  containers to the driver; the actor runs any stage the same way.

A unit's value is stored in the driver's state the moment it comes back, under
the same content key as a local run, so a rerun after the driver dies does only
what is missing. When a node is lost its actor dies and the units it held are
given to the actors left (or to new ones on nodes that joined); its containers
exit with their owner process, and the next pool on that engine reaps any left.
A node that joins mid-run gets an actor at the next look (every
``NEW_NODE_LOOK_S`` while a stage runs); one whose pool cannot start there is
named in a warning and left out, and the run goes on where it was.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from phicode.errors import ConfigError, InputError, PhicodeError
from phicode.generate.config import BackendKind
from phicode.pipeline.config import PipelineConfig
from phicode.pipeline.executor import chunks
from phicode.pipeline.stage import Stage

try:
    import ray
    import ray.exceptions
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy
except ImportError as exc:  # pragma: no cover - the extra is not installed
    raise ConfigError("--executor ray needs Ray: pip install 'phicode[ray]'") from exc

READY_TIMEOUT_S = 300  # a node's pool: image check and warm containers
# How often a running stage looks for nodes that joined.
NEW_NODE_LOOK_S = float(os.environ.get("PHICODE_NEW_NODE_LOOK_S", "15"))
_ACTOR_LOST = (ray.exceptions.RayActorError,)
_MINE_WINDOW_PER_CPU = 16


class ClusterError(PhicodeError):
    """The cluster cannot do the work: no node left, or a node that cannot run a pool."""


def node_label(node: dict[str, Any]) -> str:
    """``host/node-id`` (8 hex digits): what the funnel counts units under."""
    return f"{node.get('NodeManagerHostname', '?')}/{node['NodeID'][:8]}"


def alive_nodes() -> list[dict[str, Any]]:
    """The cluster's live nodes that have CPUs to run a pool, in a stable order."""
    found = [n for n in ray.nodes() if n.get("Alive") and n.get("Resources", {}).get("CPU", 0) >= 1]
    return sorted(found, key=lambda n: n["NodeID"])


# --- joining the cluster ----------------------------------------------------------------


def connect(address: str | None) -> bool:
    """Join the cluster at ``address`` (None: ``RAY_ADDRESS``, else start one on this
    machine). True when this call started Ray (and so must stop it).

    An address that does not answer is one clear error, never a wait: the head's
    port is tried first with a short timeout."""
    if ray.is_initialized():
        return False
    address = address or os.environ.get("RAY_ADDRESS") or None
    if address and address not in ("auto", "local") and "://" not in address:
        _check_reachable(address)
    try:
        ray.init(
            address=address,
            logging_level=logging.WARNING,
            log_to_driver=False,
            configure_logging=True,
        )
    except (ConnectionError, TimeoutError, ValueError) as exc:
        raise InputError(f"--ray-address {address}: cannot join a Ray cluster: {exc}") from exc
    return True


def _check_reachable(address: str, timeout_s: float = 5.0) -> None:
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise InputError(f"--ray-address {address}: expected HOST:PORT of the cluster's head")
    try:
        with socket.create_connection((host, int(port)), timeout=timeout_s):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise InputError(f"--ray-address {address}: no Ray cluster answers ({reason})") from exc


# --- the actor on each node -------------------------------------------------------------


class NodeWorkbench:
    """A node's warm sandbox pool and :class:`~phicode.pipeline.workbench.Workbench`, as a Ray actor.

    Records cross the doorway as their JSON dicts, the same values the state
    stores, so nothing the driver keeps depends on an object built on a node."""

    def __init__(self, config: PipelineConfig, label: str, workers: int, number: int) -> None:
        from phicode.pipeline.workbench import Workbench
        from phicode.sandbox.pool import SandboxPool

        self.label = label
        self.pool = SandboxPool(replace(config.sandbox, workers=workers)).start()
        # several OpenAI-compatible servers: the actors take them in turn
        config = replace(config, model=config.model.on_server(number))
        self.bench = Workbench(config, self.pool)

    def ready(self) -> str:
        return self.label

    def compute(self, stage_name: str, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The units of one batch of the stage named ``stage_name``, as JSON."""
        from phicode.pipeline.stages import BY_NAME

        stage = BY_NAME[stage_name]
        units = stage.compute([stage.item_type.from_dict(item) for item in items], self.bench)
        return [unit.to_dict() for unit in units]

    def close(self) -> None:
        try:
            self.bench.close()
        finally:
            self.pool.close()


@dataclass
class _Actor:
    handle: Any
    label: str
    workers: int
    busy: int = 0


# --- the executor -------------------------------------------------------------------------


class RayExecutor:
    """The units of every stage after mining, on the cluster's nodes (see the module);
    a context manager like the local executor."""

    def __init__(self, config: PipelineConfig) -> None:
        self.config = config
        self.units_by_node: Counter[str] = Counter()
        self._started_ray = False
        self._actors: list[_Actor] = []
        self._started = 0  # actors started so far: the next one's server, in turn
        self._left_out: set[str] = set()  # joined mid-run, but their pool could not start
        self._next_look = 0.0

    def _join(self) -> None:
        if not ray.is_initialized():
            self._started_ray = connect(self.config.ray_address) or self._started_ray

    def file_processor(self) -> Any:
        """Files mined by Ray tasks (:func:`file_outcomes_on_cluster`)."""
        self._join()
        return file_outcomes_on_cluster

    def shutdown(self) -> None:
        """Leave the cluster; stop it when this run started it."""
        if self._started_ray and ray.is_initialized():
            ray.shutdown()
        self._started_ray = False

    def __enter__(self) -> RayExecutor:
        self._join()
        try:
            self._actors = self._start_actors()
        except BaseException:
            self.__exit__()
            raise
        self._next_look = time.monotonic() + NEW_NODE_LOOK_S
        return self

    def __exit__(self, *exc: object) -> None:
        """Close every pool (its containers go), then end the actors."""
        actors, self._actors = self._actors, []
        closing = [a.handle.close.remote() for a in actors]
        if closing:
            ray.wait(closing, num_returns=len(closing), timeout=60)
        for actor in actors:
            ray.kill(actor.handle)

    # --- actors ----------------------------------------------------------------------

    def _start_actors(self, skip: Iterable[str] = ()) -> list[_Actor]:
        """One actor per live node not in ``skip``, each ready (its pool warm)."""
        remote = ray.remote(NodeWorkbench)
        pending = []
        for node in alive_nodes():
            if node_label(node) in skip:
                continue
            # an in-process model gets one actor per GPU; its CPUs are shared by the pools
            in_process_model = self.config.model.backend is BackendKind.HF
            gpus = int(node["Resources"].get("GPU", 0)) if in_process_model else 0
            cpus = max(1, int(node["Resources"]["CPU"]))
            for slot in range(max(1, gpus)):
                label = node_label(node) + (f"/gpu{slot}" if gpus else "")
                workers = max(1, cpus // max(1, gpus))
                handle = remote.options(
                    scheduling_strategy=NodeAffinitySchedulingStrategy(node["NodeID"], soft=False),
                    num_cpus=0,  # the pool's containers do the work, not the actor's thread
                    num_gpus=1 if gpus else 0,
                    max_concurrency=workers + 2,
                    max_restarts=0,
                ).remote(self.config, label, workers, self._started)
                self._started += 1
                pending.append(_Actor(handle, label, workers))
        if not pending and not skip:
            raise ClusterError("the Ray cluster has no live node with a CPU")
        ready: list[_Actor] = []
        try:
            for actor in pending:
                if _wait_ready(actor):
                    ready.append(actor)
        except BaseException:
            for actor in pending:  # the pools that did start go too
                ray.kill(actor.handle)
            raise
        if pending and not ready:
            raise ClusterError("no node of the Ray cluster could start a sandbox pool")
        return ready

    def _served(self) -> set[str]:
        """The nodes that have an actor (a GPU's actor counts for its node)."""
        return {a.label.split("/gpu")[0] for a in self._actors}

    def _welcome_new_nodes(self) -> None:
        """Actors on the nodes that joined since the last look, at most every
        ``NEW_NODE_LOOK_S``. A joining node whose pool cannot start (no Docker, no
        image) is warned about and left out: the run keeps the nodes it has."""
        if time.monotonic() < self._next_look:
            return
        self._next_look = time.monotonic() + NEW_NODE_LOOK_S
        known = self._served() | self._left_out
        joined = {node_label(n) for n in alive_nodes()} - known
        if not joined:
            return
        try:
            self._actors += self._start_actors(skip=known)
        except ClusterError as exc:
            self._left_out |= joined
            logging.getLogger("phicode").warning(
                "node(s) %s joined but are left out: %s", ", ".join(sorted(joined)), exc
            )

    def _replenish(self) -> None:
        """After losing actors: start them on every live node that has none."""
        self._actors += self._start_actors(skip=self._served())
        if not self._actors:
            raise ClusterError("every node of the Ray cluster was lost; rerun to resume")

    # --- the units -------------------------------------------------------------------

    def compute(
        self, stage: Stage[Any, Any], items: list[Any]
    ) -> Iterator[tuple[int, dict[str, Any]]]:
        """The stage's batches on the actors; each unit as its batch comes back."""
        parts = chunks(len(items), stage.batch_size(self.config))
        payloads = [[items[i].to_dict() for i in part] for part in parts]
        per_actor = 1 if stage.one_batch_per_node(self.config) else None
        for number, values in self._dispatch(stage.name, payloads, per_actor):
            yield from zip(parts[number], values, strict=True)

    def _dispatch(
        self, stage_name: str, payloads: list[Any], per_actor: int | None = None
    ) -> Iterator[tuple[int, Any]]:
        """(payload number, result) as each call finishes. A call whose actor dies goes
        back in the queue for the actors left; other errors end the run."""
        queue = deque(range(len(payloads)))
        owner: dict[Any, tuple[_Actor, int]] = {}
        while queue or owner:
            self._welcome_new_nodes()
            self._submit(stage_name, payloads, queue, owner, per_actor)
            done, _ = ray.wait(list(owner), num_returns=1)
            actor, number = owner.pop(done[0])
            actor.busy -= 1
            try:
                result = ray.get(done[0])
            except _ACTOR_LOST:
                self._lose(actor, owner, queue)
                queue.appendleft(number)
                continue
            except ray.exceptions.RayTaskError as exc:
                raise _cause(exc) from None
            self.units_by_node[actor.label] += len(result)
            yield number, result

    def _submit(
        self,
        stage_name: str,
        payloads: list[Any],
        queue: deque[int],
        owner: dict[Any, tuple[_Actor, int]],
        per_actor: int | None,
    ) -> None:
        while queue:
            free = [a for a in self._actors if a.busy < (per_actor or a.workers)]
            if not free:
                if not self._actors:
                    self._replenish()
                    continue
                return
            actor = min(free, key=lambda a: a.busy / a.workers)
            number = queue.popleft()
            owner[actor.handle.compute.remote(stage_name, payloads[number])] = (actor, number)
            actor.busy += 1

    def _lose(self, actor: _Actor, owner: dict[Any, tuple[_Actor, int]], queue: deque[int]) -> None:
        """Forget a dead actor; its other calls in flight go back in the queue."""
        if actor in self._actors:
            self._actors.remove(actor)
            logging.getLogger("phicode").warning(
                "node %s was lost; its units go elsewhere", actor.label
            )
        for ref, (holder, number) in list(owner.items()):
            if holder is actor:
                del owner[ref]
                queue.append(number)
        if not self._actors:
            self._replenish()


def _cause(exc: Any) -> BaseException:
    """What a node raised: phicode's own errors as themselves (one line for the CLI),
    anything else as Ray's wrapper, which carries the node's traceback."""
    cause = getattr(exc, "cause", None)
    return cause if isinstance(cause, PhicodeError) else exc.as_instanceof_cause()


def _wait_ready(actor: _Actor) -> bool:
    """True when the actor's pool is warm; False when its node was lost meanwhile (a
    node just removed can still be listed alive). A pool that fails to start on a
    live node (no Docker, no image) is that node's error, and ends the run."""
    try:
        ray.get(actor.handle.ready.remote(), timeout=READY_TIMEOUT_S)
    except ray.exceptions.GetTimeoutError as exc:
        raise ClusterError(
            f"node {actor.label}: its sandbox pool was not ready in {READY_TIMEOUT_S} s"
        ) from exc
    except _ACTOR_LOST as exc:
        if getattr(exc, "actor_init_failed", True):
            raise _node_cannot_run(actor.label, exc) from None
        logging.getLogger("phicode").warning("node %s was lost as its pool started", actor.label)
        return False
    return True


def _node_cannot_run(label: str, exc: BaseException) -> ClusterError:
    cause = str(exc).strip().splitlines()
    named = next((line for line in cause if "SandboxError" in line or "Docker" in line), None)
    return ClusterError(
        f"node {label} cannot run a sandbox pool: {named or cause[-1] if cause else exc}"
    )


# --- mining on the cluster ----------------------------------------------------------------


def file_outcomes_on_cluster(items: Iterable[Any], config: Any) -> Iterator[Any]:
    """Each walk item, a file mined by a Ray task, in walk order (a bounded window of
    files in flight): the miner's ``process`` hook for ``--executor ray``."""
    from phicode.mine.walk import in_walk_order

    remote = ray.remote(num_cpus=1, max_retries=3)(mine_file_on_node)
    cpus = int(ray.cluster_resources().get("CPU", 1))
    yield from in_walk_order(
        items,
        submit=lambda task: remote.remote(task, config),
        collect=_mined,
        window=max(1, cpus) * _MINE_WINDOW_PER_CPU,
    )


def mine_file_on_node(task: Any, config: Any) -> Any:
    """:func:`~phicode.mine.worker.process_file` on a node, which must see the corpus
    where the driver walked it: a file missing there would be mined as unreadable
    and silently change the dataset, so it stops the run instead."""
    from phicode.mine.worker import process_file

    if not os.path.exists(task.path):
        raise InputError(
            f"{task.path}: not found on node {socket.gethostname()}; with --executor ray the "
            "corpus must be at the same path on every node (a shared file system)"
        )
    return process_file(task, config)


def _mined(entry: Any) -> Any:
    """A mining task's result; its error as the error it was on the node."""
    try:
        return ray.get(entry)
    except ray.exceptions.RayTaskError as exc:
        raise _cause(exc) from None


__all__ = [
    "ClusterError",
    "NodeWorkbench",
    "RayExecutor",
    "alive_nodes",
    "connect",
    "file_outcomes_on_cluster",
    "node_label",
]
