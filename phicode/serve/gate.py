"""Admission for ``phicode serve``: how many answers run at once, how many may wait,
and how long a request may take.

Answers, not requests, are what cost: a request of 50 answers holds 50 places. At
most ``running`` answers are judged at once (the warm pool's width: more would only
queue inside the pool, past every deadline); up to ``queued`` more wait in arrival
order. A request that would overfill the queue is refused at once (503, retry
later) rather than left to time out; one whose deadline passes while it waits or
runs gets 503 too. Neither is ever a score.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


class Refused(Exception):
    """The service cannot take or finish this request now (503); says why."""


@dataclass(frozen=True, slots=True)
class Limits:
    """What one service accepts: sizes, counts and times."""

    max_body_bytes: int = 4 << 20
    max_answers: int = 256  # per request
    running: int = 2  # answers judged at once (default: the pool's workers)
    queued: int = 2048  # answers waiting, all requests together
    deadline_s: float = 300.0  # a request's longest life, queue included
    min_deadline_s: float = 1.0


class Ticket:
    """One request's places in the queue: how many of its answers still wait."""

    def __init__(self, answers: int) -> None:
        self.waiting = answers


class Gate:
    """Counts places; one per service, used from its event loop only."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._slots = asyncio.Semaphore(limits.running)
        self.waiting = 0
        self.running = 0

    def admit(self, answers: int) -> Ticket:
        """Take ``answers`` places in the queue, or :class:`Refused` if it is full."""
        if self.waiting + answers > self.limits.queued:
            raise Refused(
                f"busy: {self.waiting} answers queued, at most {self.limits.queued}; retry later"
            )
        self.waiting += answers
        return Ticket(answers)

    def settle(self, ticket: Ticket) -> None:
        """The request is over: give back the places of answers that never ran."""
        self.waiting -= ticket.waiting
        ticket.waiting = 0

    async def run(self, ticket: Ticket, job: Callable[[], Awaitable[T]]) -> T:
        """Wait for a running place (leaving the queue), then run ``job``."""
        await self._slots.acquire()
        ticket.waiting -= 1
        self.waiting -= 1
        self.running += 1
        try:
            return await job()
        finally:
            self.running -= 1
            self._slots.release()


def deadline_of(asked: object, limits: Limits) -> float:
    """Seconds a request may take: what it asked (``deadline_s``) within the limits."""
    if isinstance(asked, int | float) and not isinstance(asked, bool) and asked > 0:
        return max(limits.min_deadline_s, min(float(asked), limits.deadline_s))
    return limits.deadline_s
