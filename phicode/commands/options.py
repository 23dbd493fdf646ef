"""Options shared by several commands, and their conversion to library config."""

from __future__ import annotations

import argparse

from phicode.pool import DEFAULT_IMAGE, SandboxConfig, default_workers


def add_sandbox_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("sandbox")
    group.add_argument(
        "--timeout", type=float, default=10.0, metavar="S", help="seconds per test run (default 10)"
    )
    group.add_argument(
        "--memory",
        type=int,
        default=512,
        metavar="MB",
        help="memory per test run in MiB (default 512)",
    )
    group.add_argument(
        "--workers",
        type=int,
        default=default_workers(),
        metavar="N",
        help=f"warm sandbox containers running at once (default: CPU count, {default_workers()})",
    )
    group.add_argument(
        "--image", default=DEFAULT_IMAGE, help=f"sandbox image (default {DEFAULT_IMAGE})"
    )


def sandbox_config(args: argparse.Namespace) -> SandboxConfig:
    return SandboxConfig(
        image=args.image, workers=args.workers, timeout_s=args.timeout, memory_mb=args.memory
    )


def add_rejected_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rejected", metavar="FILE", help="write every dropped record here, with its reason"
    )


def add_quiet_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar or summary")
