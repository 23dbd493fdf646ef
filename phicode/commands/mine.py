"""``phicode mine PATH... -o snippets.jsonl``: self-contained snippets from repositories."""

from __future__ import annotations

import argparse

from phicode.commands.options import add_quiet_option, add_rejected_option
from phicode.console import summary_table, warn
from phicode.defaults import default_of
from phicode.errors import ConfigError
from phicode.languages import parse_languages
from phicode.mine import FORBIDDEN_MODULES, PERMISSIVE_LICENSES, MineConfig


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "mine", help="extract self-contained, filtered, deduplicated functions from repositories"
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="repositories, folders or files")
    parser.add_argument(
        "-o", "--output", required=True, metavar="OUT.jsonl", help="snippets ('-' for stdout)"
    )
    add_rejected_option(parser)
    parser.add_argument(
        "--workers",
        type=int,
        default=default_of(MineConfig, "workers"),
        metavar="N",
        help="processes parsing files (default: one per CPU, %(default)s)",
    )
    add_filter_options(parser)
    add_quiet_option(parser)
    parser.set_defaults(handler=run)


def add_filter_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("filters")
    group.add_argument(
        "--min-lines",
        type=int,
        default=default_of(MineConfig, "min_lines"),
        metavar="N",
        help="snippet lines, fewer: too_short (default %(default)s)",
    )
    group.add_argument(
        "--max-lines",
        type=int,
        default=default_of(MineConfig, "max_lines"),
        metavar="N",
        help="more: too_long (default %(default)s)",
    )
    group.add_argument(
        "--min-tokens",
        type=int,
        default=default_of(MineConfig, "min_tokens"),
        metavar="N",
        help="tokens, fewer: too_short (default %(default)s)",
    )
    group.add_argument(
        "--max-tokens",
        type=int,
        default=default_of(MineConfig, "max_tokens"),
        metavar="N",
        help="more: too_long (default %(default)s)",
    )
    group.add_argument(
        "--max-file-size",
        type=int,
        default=default_of(MineConfig, "max_file_bytes"),
        metavar="BYTES",
        help="skip larger files (default %(default)s)",
    )
    group.add_argument(
        "--forbid-modules",
        metavar="LIST",
        help="comma-separated modules a snippet may not use; replaces the default list "
        f"({', '.join(sorted(FORBIDDEN_MODULES)[:6])}, ...)",
    )
    group.add_argument(
        "--license-allow",
        metavar="LIST",
        help="comma-separated SPDX ids to keep; 'unknown' admits repositories without a "
        f"licence, 'any' keeps all (default: {', '.join(sorted(PERMISSIVE_LICENSES))})",
    )
    group.add_argument(
        "--near-dup-threshold",
        type=float,
        default=default_of(MineConfig, "near_dup_threshold"),
        metavar="J",
        help="Jaccard similarity at which two snippets are near duplicates; 1 turns it off "
        "(default %(default)s)",
    )
    group.add_argument(
        "--no-decontaminate", action="store_true", help="keep snippets overlapping HumanEval"
    )
    group.add_argument(
        "--language",
        default="py,js,ts",
        metavar="LANGS",
        help="languages to mine, by file extension: py (.py), js (.js .mjs .cjs), ts (.ts) "
        "(default %(default)s)",
    )
    group.add_argument("--include-tests", action="store_true", help="mine test files and folders")
    group.add_argument(
        "--include-vendored", action="store_true", help="mine vendor/, third_party/, ..."
    )


def config_from(args: argparse.Namespace) -> MineConfig:
    """The explicit library config for these options."""
    return MineConfig(
        workers=args.workers,
        min_lines=args.min_lines,
        max_lines=args.max_lines,
        min_tokens=args.min_tokens,
        max_tokens=args.max_tokens,
        max_file_bytes=args.max_file_size,
        forbidden_modules=_names(args.forbid_modules, FORBIDDEN_MODULES, "--forbid-modules"),
        license_allow=_names(args.license_allow, PERMISSIVE_LICENSES, "--license-allow"),
        near_dup_threshold=args.near_dup_threshold,
        decontaminate=not args.no_decontaminate,
        include_tests=args.include_tests,
        include_vendored=args.include_vendored,
        languages=parse_languages(args.language),
    )


def _names(value: str | None, default: frozenset[str], option: str) -> frozenset[str]:
    if value is None:
        return default
    names = frozenset(part.strip() for part in value.split(",") if part.strip())
    if not names and option == "--license-allow":
        raise ConfigError(f"{option}: give at least one SPDX id, 'unknown' or 'any'")
    return names


def run(args: argparse.Namespace) -> int:
    from phicode.mine import mine_paths  # MinHash and numpy: only when mining starts

    stats = mine_paths(
        args.paths,
        args.output,
        config_from(args),
        rejected=args.rejected,
        show_progress=not args.quiet,
    )
    if stats.files_seen == 0:
        warn(f"phicode: warning: no source files under {', '.join(args.paths)}")
    if not args.quiet:
        rate = stats.files_seen / stats.duration_s if stats.duration_s else 0.0
        title = f"phicode mine: {stats.kept} snippets from {stats.files_parsed} files, {rate:.0f} files/s"
        summary_table(title, stats.rows(), ("", "count"))
    return 0
