"""The scoring service's routes: ``POST /score``, ``GET /health``, ``GET /metrics``.

One warm pool (a :class:`~phicode.scoring.Scorer`) judges every request's answers
on a thread pool as wide as the pool; the event loop only reads, admits and
answers. A status code says what happened, and only a 200 carries scores:

- 400 the body is not a scoring request (the message names the field), 401 no or
  a wrong bearer token, 413 a body or a batch over the limits;
- 503 no verdict: the queue is full, the request's deadline passed, or the
  sandbox failed (:class:`~phicode.errors.SandboxUnavailable`). A broken sandbox
  is never a score, neither a pass nor a 0: RL trainers have had flaky sandboxes
  silently feed zeros into their reward stream.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import time
from collections.abc import AsyncIterator, Awaitable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from phicode.errors import SandboxUnavailable
from phicode.records import Verification
from phicode.scoring import Scorer
from phicode.serve.gate import Gate, Limits, Refused, Ticket, deadline_of
from phicode.serve.metrics import Metrics
from phicode.serve.tasks import BadRequest, Task, read_request

T = TypeVar("T")
RETRY_AFTER_S = "5"
CLOSED = 499  # the client went away before its answer (nginx's code; never sent)


class _Answer(Exception):
    """Ends a request early with this status and message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class ScoringService:
    """The state behind the routes: the scorer, the gate, the counters."""

    def __init__(self, scorer: Scorer, token: str, limits: Limits) -> None:
        if not token:
            raise ValueError("a scoring service needs a bearer token")
        self.scorer = scorer
        self.limits = limits
        self._token = f"Bearer {token}".encode()
        self.gate = Gate(limits)
        self.metrics = Metrics()
        self._threads = ThreadPoolExecutor(max_workers=limits.running, thread_name_prefix="serve")

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/score", self.score, methods=["POST"]),
                Route("/health", self.health, methods=["GET"]),
                Route("/metrics", self.metrics_text, methods=["GET"]),
            ],
            lifespan=self._lifespan,
        )

    @asynccontextmanager
    async def _lifespan(self, app: Starlette) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()
        # warm the pool now; if the engine is down, /health says so until it is back
        with contextlib.suppress(SandboxUnavailable):
            await loop.run_in_executor(self._threads, self.scorer.pool)
        yield
        self._threads.shutdown(wait=False, cancel_futures=True)
        await loop.run_in_executor(None, self.scorer.close)

    # --- routes ---------------------------------------------------------------------

    async def score(self, request: Request) -> Response:
        started = time.monotonic()
        try:
            self._authorized(request)
            body = await self._body(request)
            payload = await self._unless_gone(request, self._scores(body))
            status = 200
        except _Answer as answer:
            status, payload = answer.status, {"error": str(answer)}
        except ClientDisconnect:
            status, payload = CLOSED, {"error": "the client went away"}
        self.metrics.request(status, time.monotonic() - started)
        headers = {"Retry-After": RETRY_AFTER_S} if status == 503 else {}
        if status == 401:
            headers["WWW-Authenticate"] = "Bearer"
        return JSONResponse(payload, status_code=status, headers=headers)

    async def health(self, request: Request) -> Response:
        """200 when the engine answers and the pool is up, else 503 (no token needed)."""
        loop = asyncio.get_running_loop()
        alive = await loop.run_in_executor(None, self.scorer.alive)
        body = {
            "status": "ok" if alive else "unavailable",
            "running": self.gate.running,
            "waiting": self.gate.waiting,
        }
        return JSONResponse(body, status_code=200 if alive else 503)

    async def metrics_text(self, request: Request) -> Response:
        try:
            self._authorized(request)
        except _Answer as answer:
            return JSONResponse({"error": str(answer)}, status_code=answer.status)
        text = self.metrics.text(self.gate.waiting, self.gate.running)
        return PlainTextResponse(text, media_type="text/plain; version=0.0.4")

    # --- steps ----------------------------------------------------------------------

    def _authorized(self, request: Request) -> None:
        given = request.headers.get("authorization", "").encode()
        if not hmac.compare_digest(given, self._token):
            raise _Answer(401, "a valid bearer token is required (Authorization: Bearer TOKEN)")

    async def _body(self, request: Request) -> bytes:
        """The body, refused (413) as soon as it is known to be over the limit."""
        limit = self.limits.max_body_bytes
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise _Answer(413, f"the body is {declared} bytes, at most {limit}")
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                raise _Answer(413, f"the body is over {limit} bytes")
        return bytes(body)

    async def _unless_gone(self, request: Request, work: Awaitable[T]) -> T:
        """``work``, cancelled if the client hangs up first: its answers still queued
        leave the queue (a client that hangs up must not cost the others their turn)."""
        scoring = asyncio.ensure_future(work)
        gone = asyncio.ensure_future(_disconnected(request))
        try:
            await asyncio.wait((scoring, gone), return_when=asyncio.FIRST_COMPLETED)
        finally:
            gone.cancel()
        if not scoring.done():
            scoring.cancel()
            with contextlib.suppress(asyncio.CancelledError, _Answer):
                await scoring
            raise ClientDisconnect()
        return scoring.result()

    async def _scores(self, body: bytes) -> dict[str, Any]:
        try:
            asked = read_request(body, self.limits.max_answers)
        except BadRequest as exc:
            status = 413 if exc.too_many else 400
            raise _Answer(status, str(exc)) from None
        deadline = deadline_of(asked.deadline_s, self.limits)
        try:
            ticket = self.gate.admit(len(asked.tasks))
        except Refused as exc:
            raise _Answer(503, str(exc)) from None
        try:
            verdicts = await asyncio.wait_for(self._all(ticket, asked.tasks), deadline)
        except TimeoutError:
            raise _Answer(
                503, f"no verdict within the request's deadline of {deadline:g} s"
            ) from None
        except SandboxUnavailable as exc:
            raise _Answer(503, f"no verdict: {exc}") from None
        finally:
            self.gate.settle(ticket)
        self.metrics.answers.update(v.status.value for v in verdicts)
        return {"results": [_result(v) for v in verdicts]}

    async def _all(self, ticket: Ticket, tasks: list[Task]) -> list[Verification]:
        """Every task's verdict; the first sandbox failure ends them all."""
        try:
            async with asyncio.TaskGroup() as group:
                runs = [
                    group.create_task(self.gate.run(ticket, lambda t=task: self._judge(t)))
                    for task in tasks
                ]
        except BaseExceptionGroup as failed:
            unavailable, _rest = failed.split(SandboxUnavailable)
            if unavailable is not None and _rest is None:
                raise unavailable.exceptions[0] from None
            raise
        return [run.result() for run in runs]

    async def _judge(self, task: Task) -> Verification:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._threads, self._judge_now, task)

    def _judge_now(self, task: Task) -> Verification:
        if task.pair is not None:
            return self.scorer.score(task.pair, task.answer)
        return self.scorer.score_cases(task.entry_point, task.cases, task.answer)


async def _disconnected(request: Request) -> None:
    """Returns when the client hangs up (the body is already read: only a disconnect
    can come next)."""
    while (await request.receive())["type"] != "http.disconnect":
        pass


def _result(verification: Verification) -> dict[str, Any]:
    return {
        "passed": verification.passed,
        "reward": 1.0 if verification.passed else 0.0,
        "status": verification.status.value,
        "tests_passed": verification.tests_passed,
        "tests_total": verification.tests_total,
        "detail": verification.detail,
    }
