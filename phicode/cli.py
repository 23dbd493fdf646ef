"""The ``phicode`` command line: parse, call the library, report.

One error handler around dispatch: phicode's own errors print one line
(``phicode: TypeName: message``) and exit 2; Ctrl-C and SIGTERM exit 130 with
what was written kept; anything else is a bug whose traceback goes to a log
file named on stderr. Exit status: 0 done, 1 a check failed, 2 bad usage/input.
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path

from phicode.errors import PhicodeError

# One module per command in phicode/commands, each with register(subparsers).
COMMANDS = (
    "mine", "synth", "verify", "run", "validate", "export", "report", "sandbox", "serve",
)  # fmt: skip


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C so every ``finally`` (containers!) runs."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="phicode", description="Verified (question, answer, tests) code training data."
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"phicode.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"phicode.commands.{name}":
                continue  # not built yet
            raise
        module.register(subparsers)
    return parser


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated()


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; a Ctrl-C anywhere (parsing, cleanup, an error report) exits 130."""
    try:
        return _dispatch(argv)
    except KeyboardInterrupt:
        return _interrupted()


def _interrupted() -> int:
    print("phicode: interrupted; everything written so far is kept", file=sys.stderr)
    return 130


def _dispatch(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        return int(args.handler(args) or 0)
    except PhicodeError as exc:
        print(f"phicode: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return _interrupted()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as exc:
        log = Path(tempfile.gettempdir()) / "phicode-crash.log"
        log.write_text(traceback.format_exc())
        print(
            f"phicode: internal error ({type(exc).__name__}: {exc}); traceback in {log}",
            file=sys.stderr,
        )
        return 70
    finally:
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
