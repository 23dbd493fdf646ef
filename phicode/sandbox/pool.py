"""A pool of warm sandbox containers: one per worker, each a fork server.

``SandboxPool.run(job)`` borrows an idle container, sends it the job, waits for
the result under a host-side deadline (the job's own timeout plus a grace
period), and gives the container back. A container that saw a timeout, a crash,
a process left behind or any sign of tampering is killed and replaced before
it serves another job, so no state passes from one job to the next.

Sealed jobs (the case judge's, run with ``sealed=True``) run in containers of their
own, one per ``WORKERS_PER_SEALED`` workers, started on the first such job:
a container that ever held a pair's tests never runs one (docs/judging.md).

Lifecycle: containers carry ``phicode=1`` and an owner label; ``close()`` (also
on Ctrl-C and SIGTERM, through the context manager) kills them all; containers
of a phicode process that was SIGKILLed exit on their own when their stdin
closes, and any still there are reaped when the next pool starts.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from phicode.defaults import default_workers as default_workers
from phicode.errors import SandboxError

# re-exported: code that starts a pool finds its settings here too
from phicode.sandbox.config import DEFAULT_IMAGE as DEFAULT_IMAGE
from phicode.sandbox.config import WORKERS_PER_SEALED
from phicode.sandbox.config import SandboxConfig as SandboxConfig
from phicode.sandbox.engine import Engine, ServerContainer
from phicode.sandbox.jobs import Job
from phicode.sandbox.result import RunResult

READY_TIMEOUT_S = 60.0


@dataclass(frozen=True, slots=True, kw_only=True)
class PoolStats:
    jobs: int
    containers_started: int
    containers_replaced: int


def _start_ready(engine: Engine, config: SandboxConfig) -> tuple[ServerContainer, dict[str, Any]]:
    """Start a sandbox server container and wait for its ``ready`` line."""
    container = engine.start_server(config.container_spec())
    try:
        ready = container.channel.receive(READY_TIMEOUT_S)
    except SandboxError:
        container.kill()
        raise
    if not ready or not ready.get("ready"):
        container.kill()
        raise SandboxError(f"sandbox server did not become ready within {READY_TIMEOUT_S:g} s")
    return container, ready


class _Worker:
    """One warm container; replaced whenever a job taints it."""

    def __init__(self, engine: Engine, config: SandboxConfig) -> None:
        self._engine = engine
        self._config = config
        self.container: ServerContainer | None = None
        self.ready: dict[str, Any] = {}

    def start(self) -> None:
        self.adopt(*_start_ready(self._engine, self._config))

    def adopt(self, container: ServerContainer, ready: dict[str, Any]) -> None:
        self.container, self.ready = container, ready

    def run(self, job: Job) -> RunResult:
        if self.container is None:  # an earlier replacement failed: try again now
            self.start()
        assert self.container is not None
        job_id = uuid.uuid4().hex
        deadline = float(job.timeout_s) + self._config.grace_s
        try:
            self.container.channel.send(job.message(job_id))
            message = self.container.channel.receive(deadline)
        except SandboxError as exc:
            return RunResult(sandbox_error=str(exc))
        if message is None:  # the server itself is stuck: the host deadline fires
            return RunResult(timed_out=True, sandbox_error=f"no answer within {deadline:g} s")
        if message.get("id") != job_id:
            return RunResult(sandbox_error="the sandbox answered for another job")
        return RunResult.from_message(message)

    def kill(self) -> None:
        if self.container is not None:
            self.container.kill()
            self.container = None


class SandboxPool:
    """Warm sandbox containers, one per worker (and the sealed room's, see the
    module); use as a context manager."""

    def __init__(self, config: SandboxConfig | None = None, engine: Engine | None = None) -> None:
        self.config = config or SandboxConfig()
        self._engine = engine
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._workers: list[_Worker] = []
        self._lock = threading.Lock()
        self._spares: queue.Queue[tuple[ServerContainer, dict[str, Any]]] = queue.Queue()
        self._refill = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sandbox-spare")
        self._sealed_idle: queue.Queue[_Worker] = queue.Queue()
        self._sealed: list[_Worker] = []
        self._sealed_lock = threading.Lock()
        self._closed = False
        self._jobs = 0
        self._started = 0
        self._replaced = 0

    @property
    def size(self) -> int:
        return self.config.workers

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = Engine.connect()
        return self._engine

    def start(self) -> SandboxPool:
        engine = self.engine
        engine.reap_orphans()
        if engine.image_labels(self.config.image) is None:
            raise SandboxError(
                f"sandbox image {self.config.image} is missing; build it with 'phicode sandbox build'"
            )
        workers = [_Worker(engine, self.config) for _ in range(self.config.workers)]
        self._workers = workers
        try:
            self._start_all(workers)
        except BaseException:
            self.close()
            raise
        for worker in workers:
            self._idle.put(worker)
        for _ in range(self.config.spares):
            self._request_spare()
        return self

    def _request_spare(self) -> None:
        with contextlib.suppress(RuntimeError):  # the pool closed meanwhile
            self._refill.submit(self._add_spare)

    def _add_spare(self) -> None:
        """Start one spare in the background; a failure only means no spare."""
        if self._closed:
            return
        try:
            spare = _start_ready(self.engine, self.config)
        except SandboxError:
            return
        with self._lock:
            self._started += 1
            if not self._closed:
                self._spares.put(spare)
                return
        spare[0].kill()

    def run(self, job: Job, *, sealed: bool = False) -> RunResult:
        """Run one job on an idle container; thread-safe, blocks while all are busy.
        ``sealed``: only on the sealed room's containers, which run nothing else."""
        if self._closed:
            raise SandboxError("the sandbox pool is closed")
        if not self._workers:  # idle.get() would wait forever on an empty queue
            raise SandboxError("the sandbox pool is not started: call start() or use it in 'with'")
        idle = self._sealed_room() if sealed else self._idle
        worker = idle.get()
        try:
            result = worker.run(job)
            if result.needs_fresh_container and not self._closed:
                self._replace(worker)
            return result
        finally:
            with self._lock:
                self._jobs += 1
            idle.put(worker)

    def _sealed_room(self) -> queue.Queue[_Worker]:
        """The containers that run sealed jobs and nothing else, started on the first
        one (a pool that judges no cases never pays for them)."""
        with self._sealed_lock:
            if not self._sealed:
                count = max(1, self.config.workers // WORKERS_PER_SEALED)
                workers = [_Worker(self.engine, self.config) for _ in range(count)]
                self._start_all(workers)
                self._sealed = workers
                for worker in workers:
                    self._sealed_idle.put(worker)
        return self._sealed_idle

    def _start_all(self, workers: list[_Worker]) -> None:
        """Start ``workers`` at once; if one fails, kill them all and raise its error."""
        with ThreadPoolExecutor(max_workers=len(workers)) as executor:
            errors = [f.exception() for f in [executor.submit(w.start) for w in workers]]
        failures = [e for e in errors if e is not None]
        if failures:
            for worker in workers:
                worker.kill()
            raise failures[0]
        with self._lock:
            self._started += len(workers)

    def _replace(self, worker: _Worker) -> None:
        worker.kill()
        try:
            worker.adopt(*self._spares.get_nowait())
        except queue.Empty:
            pass
        else:
            with self._lock:
                self._replaced += 1
            self._request_spare()
            return
        started = time.monotonic()
        last_error: SandboxError | None = None
        for _ in range(3):
            try:
                worker.start()
                with self._lock:
                    self._replaced += 1
                    self._started += 1
                return
            except SandboxError as exc:
                last_error = exc
                time.sleep(min(1.0, time.monotonic() - started))
        raise SandboxError(f"cannot replace a sandbox container: {last_error}")

    def ready_info(self) -> dict[str, Any]:
        return next((w.ready for w in self._workers if w.ready), {})

    def stats(self) -> PoolStats:
        return PoolStats(
            jobs=self._jobs, containers_started=self._started, containers_replaced=self._replaced
        )

    def close(self) -> None:
        """Kill every container of this pool, spares included. Safe to call twice."""
        with self._lock:
            self._closed = True
        self._refill.shutdown(wait=True, cancel_futures=True)
        with self._sealed_lock:  # not while the sealed room starts
            for worker in [*self._workers, *self._sealed]:
                worker.kill()
        while True:
            try:
                container, _ready = self._spares.get_nowait()
            except queue.Empty:
                break
            container.kill()

    def __enter__(self) -> SandboxPool:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()
