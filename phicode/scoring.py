"""Scoring answers against phicode's pairs: for trainers (RL rewards) and evaluations.

``score(pair, answer)`` runs a model's answer (a completion: fenced code or plain
code) against the pair's tests and, when the pair carries cases, the case judge
(:mod:`phicode.cases`), on a warm sandbox pool shared by every caller in the
process; ``score_many`` fans a batch out over that pool. Both return the
:class:`~phicode.records.Verification` a pipeline would record.

The reward functions take what the common trainers pass:

- ``compute_score(data_source, solution_str, ground_truth, extra_info=None)``:
  veRL's custom reward signature; ``ground_truth`` is the pair (a dict or its
  JSON line); returns 1.0 or 0.0;
- ``reward_func(completions, pair, **kwargs)``: TRL's GRPO reward signature
  (completions in, one float each out; dataset columns such as ``pair`` arrive
  as keyword lists).

Time in the queue is not run time: a job's deadline starts when a container
takes it, so callers that outnumber the containers wait instead of timing out.
"""

from __future__ import annotations

import atexit
import json
import threading
from collections.abc import Iterable, Sequence
from typing import Any

from phicode.generate.clean.code import extract_code
from phicode.judge import verify_pair
from phicode.records import Pair, Status, Verification
from phicode.sandbox.config import SandboxConfig
from phicode.sandbox.runner import JobRunner, fan_out


def answer_code(answer: str) -> str:
    """The code of a completion: its fenced Python blocks, else the text from its first
    line of code, else the text as it is."""
    code, _ = extract_code(answer)
    return code if code is not None else answer


class Scorer:
    """A warm pool for scoring, started on first use; safe to share between threads."""

    def __init__(self, config: SandboxConfig | None = None, pool: JobRunner | None = None) -> None:
        """``pool``: an existing pool (not closed here); else one is started from ``config``."""
        self.config = config or SandboxConfig()
        self._pool = pool
        self._owned = pool is None
        self._lock = threading.Lock()

    def pool(self) -> JobRunner:
        with self._lock:
            if self._pool is None:
                from phicode.sandbox.pool import SandboxPool

                self._pool = SandboxPool(self.config).__enter__()
            return self._pool

    def score(self, pair: Pair, answer: str) -> Verification:
        """``answer`` against ``pair``'s tests (and cases): the verification."""
        code = answer_code(answer)
        if not code.strip():
            return Verification(status=Status.ERROR, detail="the answer holds no code")
        return verify_pair(self.pool(), pair, solution=code)

    def score_many(self, items: Iterable[tuple[Pair, str]]) -> list[Verification]:
        """Each (pair, answer), in order, as many at once as the pool has containers."""
        items = list(items)
        pool = self.pool()
        width = max(1, getattr(pool, "size", 1))
        return fan_out(pool, lambda item: self.score(*item), items, width=width, name="score")

    def close(self) -> None:
        with self._lock:
            if self._pool is not None and self._owned:
                self._pool.__exit__(None, None, None)  # type: ignore[attr-defined]
            self._pool = None

    def __enter__(self) -> Scorer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_shared: Scorer | None = None
_shared_lock = threading.Lock()


def shared_scorer() -> Scorer:
    """The process's scorer (its pool closes at exit)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Scorer()
            atexit.register(_shared.close)
        return _shared


def score(pair: Pair | dict[str, Any], answer: str) -> Verification:
    """Score one answer on the shared warm pool."""
    return shared_scorer().score(_pair(pair), answer)


def score_many(items: Iterable[tuple[Pair | dict[str, Any], str]]) -> list[Verification]:
    """Score many answers on the shared warm pool, in order."""
    return shared_scorer().score_many((_pair(p), a) for p, a in items)


def compute_score(
    data_source: str, solution_str: str, ground_truth: Any, extra_info: dict | None = None
) -> float:
    """veRL's reward signature: 1.0 when the answer passes the pair, else 0.0."""
    return 1.0 if score(_pair(ground_truth), solution_str).passed else 0.0


def reward_func(
    completions: Sequence[Any], pair: Sequence[Any] | None = None, **kwargs: Any
) -> list[float]:
    """TRL's reward signature: one float per completion, ``pair`` a dataset column."""
    if pair is None:
        raise ValueError("reward_func needs the dataset's 'pair' column (a pair per completion)")
    texts = [_completion_text(c) for c in completions]
    verdicts = score_many(zip(pair, texts, strict=True))
    return [1.0 if v.passed else 0.0 for v in verdicts]


def _completion_text(completion: Any) -> str:
    """A plain string, or a chat completion (a list of messages) as its last content."""
    if isinstance(completion, str):
        return completion
    if isinstance(completion, list) and completion and isinstance(completion[-1], dict):
        return str(completion[-1].get("content", ""))
    return str(completion)


def _pair(value: Pair | dict[str, Any] | str) -> Pair:
    if isinstance(value, Pair):
        return value
    if isinstance(value, str):
        value = json.loads(value)
    return Pair.from_dict(value)


__all__ = [
    "Scorer",
    "answer_code",
    "compute_score",
    "reward_func",
    "score",
    "score_many",
    "shared_scorer",
]
