"""``phicode sandbox build`` and ``phicode sandbox doctor``."""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from phicode.commands.options import add_sandbox_options, sandbox_config
from phicode.console import summary_table, warn
from phicode.sandbox.config import DEFAULT_IMAGE, PROBE_SANDBOX


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("sandbox", help="build or check the sandbox image")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True)

    build = verbs.add_parser("build", help="build the sandbox image (skipped when current)")
    build.add_argument("--tag", default=BuildOptions.tag, help="image tag (default %(default)s)")
    build.add_argument(
        "--base-image",
        help="base image with python3.11 (default: registry image, else debootstrap)",
    )
    build.add_argument(
        "--force", action="store_true", help="rebuild even when the image is current"
    )
    build.add_argument(
        "-q", "--quiet", action="store_true", help="print nothing when the image is current"
    )
    build.set_defaults(handler=run_build)

    doctor = verbs.add_parser("doctor", help="check the engine, the image and that the limits hold")
    add_sandbox_options(doctor, defaults=PROBE_SANDBOX)
    doctor.set_defaults(handler=run_doctor)


@dataclass(frozen=True)
class BuildOptions:
    """What ``phicode sandbox build`` was asked to do; the handler reads nothing else."""

    tag: str = DEFAULT_IMAGE
    base_image: str | None = None
    force: bool = False
    quiet: bool = False


def build_options_from(args: argparse.Namespace) -> BuildOptions:
    return BuildOptions(
        tag=args.tag, base_image=args.base_image, force=args.force, quiet=args.quiet
    )


def run_build(args: argparse.Namespace) -> int:
    options = build_options_from(args)
    say = (lambda line: None) if options.quiet else warn
    from phicode.sandbox.engine import Engine
    from phicode.sandbox.image import build_image

    result = build_image(
        Engine.connect(),
        tag=options.tag,
        base_image=options.base_image,
        force=options.force,
        say=say,
    )
    if result.built:
        warn(f"built {result.tag} from {result.base_image} (harness {result.harness_hash})")
    elif not options.quiet:
        warn(f"{result.tag} is current (harness {result.harness_hash})")
    return 0


def run_doctor(args: argparse.Namespace) -> int:
    checks = []
    from phicode.sandbox.doctor import run_checks

    for check in run_checks(sandbox_config(args)):
        checks.append(check)
        print(f"{'ok  ' if check.ok else 'FAIL'} {check.name}: {check.detail}")
    failed = [c for c in checks if not c.ok]
    summary_table(
        f"phicode sandbox doctor: {len(checks) - len(failed)}/{len(checks)} checks passed",
        [(c.name, "ok" if c.ok else "FAIL") for c in checks],
        ("check", "result"),
    )
    return 1 if failed else 0
