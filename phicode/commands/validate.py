"""``phicode validate FILE...``: check dataset files before they are committed.

Results are remembered by content in a cache (``--cache-dir``, ``--no-cache``):
code checks and re-verifications of unchanged records cost nothing next time.
Findings go to stdout, one ``FILE:LINE: what is wrong`` per line (the form
editors, CI logs and pre-commit show as is); the one-line summary goes to
stderr. Exit status: 0 clean, 1 problems found, 2 bad usage (a missing file).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from phicode.commands.options import add_sandbox_options, sandbox_config
from phicode.errors import InputError
from phicode.sandbox.config import SandboxConfig
from phicode.validate import Reverifier, ValidateCache, default_cache_dir, validate_files


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="check dataset files: schema, unique ids, passed status, code (pre-commit hook)",
        description=(
            "Check every line of dataset files: valid JSON, a complete Pair, ids unique "
            "across all files, verification.status 'passed', solution and tests that parse, "
            "tests that import the solution. Prints FILE:LINE: problem on stdout; exit 0 "
            "clean, 1 problems, 2 bad usage."
        ),
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="dataset .jsonl files")
    parser.add_argument(
        "--reverify",
        action="store_true",
        help="run each record's tests again in the sandbox (cached by content: "
        "unchanged records cost nothing)",
    )
    parser.add_argument(
        "--schema-only",
        action="store_true",
        help="JSON, schema, unique ids and status only: skip parsing the code (fast)",
    )
    parser.add_argument(
        "--decontaminate",
        action="store_true",
        help="flag records sharing a word 13-gram with HumanEval",
    )
    parser.add_argument(
        "--cache-dir",
        metavar="DIR",
        help="where results of earlier runs are kept, by content (default "
        "$PHICODE_CACHE, $XDG_CACHE_HOME/phicode or ~/.cache/phicode)",
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="check and run every record, remember nothing"
    )
    add_sandbox_options(parser, "sandbox (with --reverify)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no summary line on stderr")
    parser.set_defaults(handler=run)


@dataclass(frozen=True)
class ValidateOptions:
    """What ``phicode validate`` was asked to do; the handler reads nothing else."""

    files: list[Path]
    sandbox: SandboxConfig
    reverify: bool = False
    code: bool = True
    decontaminate: bool = False
    cache_dir: str | None = None  # None: the default cache root
    cache: bool = True
    summary: bool = True


def options_from(args: argparse.Namespace) -> ValidateOptions:
    return ValidateOptions(
        files=[Path(f) for f in args.files],
        sandbox=sandbox_config(args),
        reverify=args.reverify,
        code=not args.schema_only,
        decontaminate=args.decontaminate,
        cache_dir=args.cache_dir,
        cache=not args.no_cache,
        summary=not args.quiet,
    )


def run(args: argparse.Namespace) -> int:
    options = options_from(args)
    contamination = None
    if options.decontaminate:
        from phicode.contamination import humaneval_index

        contamination = humaneval_index()
    cache = _open_cache(options.cache_dir) if options.cache else None
    reverifier = Reverifier(options.sandbox, cache) if options.reverify else None
    try:
        report = validate_files(
            options.files,
            code=options.code,
            contamination=contamination,
            reverifier=reverifier,
            cache=cache,
        )
    finally:
        if cache is not None:
            cache.close()
    out = sys.stdout
    for finding in report.findings:
        out.write(f"{finding}\n")
    out.flush()
    if options.summary:
        files = f"{report.files} file{'s' if report.files != 1 else ''}"
        records = f"{report.records:,} record{'s' if report.records != 1 else ''}"
        extra = ""
        if reverifier is not None:
            cached = report.reverified - report.sandbox_runs
            extra = (
                f"; re-verified {report.reverified:,} ({report.sandbox_runs:,} run in the "
                f"sandbox, {cached:,} from the cache)"
            )
        if report.ok:
            print(f"phicode validate: {files}, {records}: clean{extra}", file=sys.stderr)
        else:
            kinds = ", ".join(f"{n} {check}" for check, n in sorted(report.by_check.items()))
            print(
                f"phicode validate: {files}, {records}: {len(report.findings)} problem(s) "
                f"in {report.bad_records} record(s) ({kinds}){extra}",
                file=sys.stderr,
            )
        if report.without_cases:
            print(
                f"phicode validate: {report.without_cases:,} pair(s) carry no cases (schema 1): "
                "they are judged by pytest alone, which code under test can forge; "
                "'phicode verify FILE -o NEW --add-cases' adds them",
                file=sys.stderr,
            )
    return 0 if report.ok else 1


def _open_cache(explicit: str | None) -> ValidateCache | None:
    """The cache; an unusable default one is skipped with a warning, an explicit one is an error."""
    if explicit:
        return ValidateCache(explicit)
    try:
        return ValidateCache(default_cache_dir())
    except InputError as exc:
        print(f"phicode validate: {exc}; going on without it", file=sys.stderr)
        return None
