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

A broken sandbox is never a score. When a run's container breaks (its stream
ends, no answer comes back), the engine is asked whether it is alive: if not,
or if a container cannot be started, :class:`~phicode.errors.SandboxUnavailable`
is raised; if it is, the answer runs once more on a fresh container, and only an
answer that breaks its sandbox twice is judged by it (``crashed``: its doing).
The reward functions turn ``SandboxUnavailable`` into a marked value a trainer
masks: ``compute_score`` gives NaN, ``reward_func`` gives None (TRL skips it).
"""

from __future__ import annotations

import atexit
import json
import math
import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from phicode.errors import SandboxError, SandboxUnavailable
from phicode.generate.clean.code import extract_code
from phicode.judge import verify_pair
from phicode.records import Pair, PairCase, Status, Verification
from phicode.sandbox.config import SandboxConfig
from phicode.sandbox.runner import JobRunner, fan_out

if TYPE_CHECKING:
    from phicode.sandbox.jobs import Job
    from phicode.sandbox.result import RunResult


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
        """The pool, started on first use; :class:`SandboxUnavailable` if it cannot be."""
        with self._lock:
            if self._pool is None:
                from phicode.sandbox.pool import SandboxPool

                try:
                    self._pool = SandboxPool(self.config).__enter__()
                except SandboxError as exc:
                    raise SandboxUnavailable(f"the sandbox cannot start: {exc}") from exc
            return self._pool

    def score(self, pair: Pair, answer: str) -> Verification:
        """``answer`` against ``pair``'s tests (and cases): the verification. Raises
        :class:`SandboxUnavailable` when the sandbox, not the answer, failed."""
        return self._judged(answer, lambda runner, code: verify_pair(runner, pair, solution=code))

    def score_cases(self, entry_point: str, cases: Sequence[PairCase], answer: str) -> Verification:
        """``answer`` against ``cases`` alone (the case judge; no pytest run)."""
        from phicode.cases.judge import judge_cases

        def judged(runner: JobRunner, code: str) -> Verification:
            verdict = judge_cases(runner, code, entry_point, tuple(cases))
            return Verification(
                status=verdict.status, tests_passed=verdict.right, tests_total=verdict.total,
                tests_failed=verdict.total - verdict.right, duration_s=verdict.duration_s,
                detail=verdict.detail,
            )  # fmt: skip

        return self._judged(answer, judged)

    def alive(self) -> bool:
        """Whether the pool is up and its engine answers (a pool without an engine, such
        as a test double, is taken as alive)."""
        try:
            pool = self.pool()
        except SandboxUnavailable:
            return False
        return _engine_alive(pool)

    def _judged(self, answer: str, judge: Callable[[JobRunner, str], Verification]) -> Verification:
        """``judge`` on the answer's code on the pool, unless the sandbox broke under it
        (see the module); an answer without code is an error, never run."""
        code = answer_code(answer)
        if not code.strip():
            return Verification(status=Status.ERROR, detail="the answer holds no code")
        pool = self.pool()
        verification = Verification(status=Status.CRASHED)
        for _ in range(2):
            watched = _Watched(pool)
            try:
                verification = judge(watched, code)
            except SandboxError as exc:
                raise SandboxUnavailable(f"the sandbox failed: {exc}") from exc
            if watched.broke is None:
                return verification
            if not _engine_alive(pool):
                raise SandboxUnavailable(f"the Docker engine stopped answering ({watched.broke})")
        return verification  # it broke a fresh container too, on a live engine: its doing

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


def _engine_alive(pool: JobRunner) -> bool:
    engine = getattr(pool, "engine", None)
    return engine is None or engine.alive()


class _Watched:
    """A pool seen through one answer's judging: notes whether a container broke."""

    def __init__(self, pool: JobRunner) -> None:
        self._pool = pool
        self.broke: str | None = None

    @property
    def config(self) -> SandboxConfig:
        return self._pool.config

    @property
    def size(self) -> int:
        return self._pool.size

    def run(self, job: Job, *, sealed: bool = False) -> RunResult:
        result = self._pool.run(job, sealed=sealed)
        if result.sandbox_error and self.broke is None:
            self.broke = result.sandbox_error
        return result


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
    """veRL's reward signature: 1.0 when the answer passes the pair, else 0.0; NaN
    (mask it) when the sandbox failed and there is no verdict."""
    try:
        return 1.0 if score(_pair(ground_truth), solution_str).passed else 0.0
    except SandboxUnavailable as exc:
        _unscored(exc)
        return math.nan


def reward_func(
    completions: Sequence[Any], pair: Sequence[Any] | None = None, **kwargs: Any
) -> list[float | None]:
    """TRL's reward signature: one float per completion, ``pair`` a dataset column;
    None for each (TRL leaves it out) when the sandbox failed."""
    if pair is None:
        raise ValueError("reward_func needs the dataset's 'pair' column (a pair per completion)")
    texts = [_completion_text(c) for c in completions]
    try:
        verdicts = score_many(zip(pair, texts, strict=True))
    except SandboxUnavailable as exc:
        _unscored(exc)
        return [None] * len(texts)
    return [1.0 if v.passed else 0.0 for v in verdicts]


def _unscored(exc: SandboxUnavailable) -> None:
    print(f"phicode: no score ({exc}); the reward is marked, not 0", file=sys.stderr)


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
