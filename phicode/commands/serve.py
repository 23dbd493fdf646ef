"""``phicode serve``: the HTTP scoring service (``POST /score``, ``/health``, ``/metrics``)."""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from pathlib import Path

from phicode.commands import options
from phicode.console import warn
from phicode.errors import ConfigError
from phicode.sandbox.config import SandboxConfig
from phicode.serve.gate import Limits

TOKEN_ENV = "PHICODE_TOKEN"


def register(subparsers: argparse._SubParsersAction) -> None:
    limits = Limits()
    parser = subparsers.add_parser(
        "serve",
        help="score answers over HTTP on a warm sandbox pool (for RL trainers)",
        description="POST /score scores answers against a pair or its cases; a bearer token "
        f"(${TOKEN_ENV} or --token-file) is required. A sandbox failure is a 503, never a "
        "score. See docs/serve.md.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="(default %(default)s)")
    parser.add_argument("--port", type=int, default=8000, help="(default %(default)s)")
    parser.add_argument(
        "--token-file", metavar="FILE", help=f"the bearer token's file (else ${TOKEN_ENV})"
    )
    parser.add_argument(
        "--max-answers",
        type=int,
        default=limits.max_answers,
        metavar="N",
        help="answers per request (default %(default)s)",
    )
    parser.add_argument(
        "--queue",
        type=int,
        default=limits.queued,
        metavar="N",
        help="answers waiting, all requests together; more is a 503 (default %(default)s)",
    )
    parser.add_argument(
        "--deadline",
        type=float,
        default=limits.deadline_s,
        metavar="S",
        help="a request's longest time, queue included (default %(default)s)",
    )
    parser.add_argument(
        "--max-body-mb",
        type=float,
        default=limits.max_body_bytes / (1 << 20),
        metavar="MB",
        help="request body limit (default %(default)s)",
    )
    options.add_sandbox_options(parser)
    parser.set_defaults(handler=run)


def read_token(path: str | None) -> str:
    """The token from ``path`` or the environment; a clear error when there is none."""
    if path:
        try:
            token = Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"--token-file {path}: {exc.strerror}") from None
    else:
        token = os.environ.get(TOKEN_ENV, "").strip()
    if len(token) < 16:
        raise ConfigError(
            f"a bearer token of 16 characters or more is required: set ${TOKEN_ENV} or "
            "pass --token-file"
        )
    return token


@dataclass(frozen=True)
class ServeOptions:
    """What ``phicode serve`` was asked to do; the handler reads nothing else."""

    host: str
    port: int
    token_file: str | None
    limits: Limits
    sandbox: SandboxConfig


def options_from(args: argparse.Namespace) -> ServeOptions:
    sandbox = options.sandbox_config(args)
    limits = Limits(
        max_body_bytes=int(args.max_body_mb * (1 << 20)),
        max_answers=args.max_answers,
        running=sandbox.workers,  # answers judged at once: one per warm container
        queued=args.queue,
        deadline_s=args.deadline,
    )
    return ServeOptions(args.host, args.port, args.token_file, limits, sandbox)


def run(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from phicode.serve.app import ScoringService
    except ImportError as exc:
        raise ConfigError(
            f"serve needs starlette and uvicorn: pip install 'phicode[serve]' ({exc})"
        ) from None
    from phicode.scoring import Scorer

    chosen = options_from(args)
    token = read_token(chosen.token_file)
    service = ScoringService(Scorer(chosen.sandbox), token, chosen.limits)
    workers = chosen.sandbox.workers
    warn(f"serving on http://{chosen.host}:{chosen.port} ({workers} sandbox workers)")
    uvicorn.run(service.app(), host=chosen.host, port=chosen.port, log_level="warning")
    return 0
