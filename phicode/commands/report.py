"""``phicode report DATASET.jsonl [REJECTED.jsonl] -o report.html``."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from phicode.commands.options import add_quiet_option


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report", help="write a dataset and its rejected records as one HTML page"
    )
    parser.add_argument("dataset", metavar="DATASET.jsonl", help="the kept pairs")
    parser.add_argument(
        "rejected", nargs="?", metavar="REJECTED.jsonl", help="the run's --rejected file"
    )
    parser.add_argument(
        "-o", "--output", default="report.html", metavar="report.html",
        help="the page to write (default %(default)s)",
    )  # fmt: skip
    add_quiet_option(parser)
    parser.set_defaults(handler=run)


@dataclass(frozen=True)
class ReportOptions:
    """What ``phicode report`` was asked to do; the handler reads nothing else."""

    dataset: Path
    rejected: Path | None
    output: Path
    summary: bool = True


def options_from(args: argparse.Namespace) -> ReportOptions:
    return ReportOptions(
        dataset=Path(args.dataset),
        rejected=Path(args.rejected) if args.rejected else None,
        output=Path(args.output),
        summary=not args.quiet,
    )


def run(args: argparse.Namespace) -> int:
    from phicode.report import build_report

    options = options_from(args)
    summary = build_report(options.dataset, options.output, options.rejected)
    for problem in summary.problems:
        print(problem, file=sys.stdout)
    if options.summary:
        print(
            f"phicode report: {summary.pairs:,} pairs, {summary.rejected:,} rejected records, "
            f"{len(summary.problems)} unreadable line(s) -> {summary.output} "
            f"({summary.bytes / 1e6:.1f} MB)",
            file=sys.stderr,
        )
    return 1 if summary.problems else 0
