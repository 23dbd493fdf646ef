"""``phicode serve``: an HTTP scoring service on a warm sandbox pool.

Trainers run on GPU nodes and call their judge over the network; this is that
judge. ``POST /score`` scores one or many answers against a pair (its tests and
cases) or against cases alone (:mod:`phicode.serve.tasks`), behind a bearer token,
with limits on body size, batch size, queue and time (:mod:`phicode.serve.gate`).
See :mod:`phicode.serve.app` for what each status code means; a sandbox failure is
a 503, never a score. Needs ``pip install 'phicode[serve]'`` (Starlette, uvicorn).
"""

from __future__ import annotations

from phicode.serve.gate import Limits

__all__ = ["Limits", "create_app"]


def create_app(scorer: object, token: str, limits: Limits | None = None) -> object:
    """The ASGI app of a scoring service on ``scorer``'s pool (a
    :class:`~phicode.scoring.Scorer`)."""
    from phicode.serve.app import ScoringService

    return ScoringService(scorer, token, limits or Limits()).app()  # type: ignore[arg-type]
