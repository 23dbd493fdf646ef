"""``phicode export dataset.jsonl --format parquet|hf|dpo|rl -o DIR``."""

from __future__ import annotations

import argparse
from pathlib import Path

from phicode.commands import options
from phicode.console import summary_table, warn
from phicode.export import ExportFormat, ExportRequest, export
from phicode.export.preference import MAX_REJECTED


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export",
        help="write a dataset for its users: Parquet, a Hub dataset, preference pairs, RL tasks",
        description="parquet: one file; hf: the Hugging Face Hub's layout (data/ shards, a "
        "card with configs and features); dpo: (prompt, chosen, rejected) rows, the rejected "
        "answers verified wrong by the case judge; rl: veRL tasks rewarded by phicode.scoring.",
    )
    parser.add_argument("input", metavar="DATASET.jsonl")
    parser.add_argument(
        "--format",
        choices=[f.value for f in ExportFormat],
        default=ExportFormat.PARQUET.value,
        help="(default %(default)s)",
    )
    parser.add_argument(
        "-o", "--output", required=True, metavar="DIR", help="folder for the data and README.md"
    )
    parser.add_argument(
        "--state",
        metavar="DIR",
        help="dpo: the run's state, where the failed blind answers are "
        "(default: .DATASET.jsonl.state beside the dataset)",
    )
    parser.add_argument(
        "--max-rejected",
        type=int,
        default=MAX_REJECTED,
        metavar="N",
        help="dpo: rejected answers per pair (default %(default)s)",
    )
    parser.add_argument(
        "--push-to-hub",
        metavar="REPO",
        help="then upload the folder as the Hub dataset REPO (needs HF_TOKEN)",
    )
    options.add_sandbox_options(parser, title="sandbox (dpo, rl: the case judge)")
    options.add_quiet_option(parser)
    parser.set_defaults(handler=run)


def options_from(args: argparse.Namespace) -> ExportRequest:
    """What ``phicode export`` was asked to do; the handler reads nothing else."""
    return ExportRequest(
        dataset=Path(args.input),
        format=ExportFormat(args.format),
        output=Path(args.output),
        state=Path(args.state) if args.state else None,
        sandbox=options.sandbox_config(args),
        max_rejected=args.max_rejected,
        push_to_hub=args.push_to_hub,
        show_progress=not args.quiet,
    )


def run(args: argparse.Namespace) -> int:
    request = options_from(args)
    report = export(request)
    if not args.quiet:
        rows = [("pairs", report.pairs), ("rows", report.rows), ("files", len(report.files))]
        if request.format is ExportFormat.DPO:
            rows += [(f"rejected: {k}", v) for k, v in sorted(report.rejected.items())]
            rows.append(("pairs without a rejected answer", report.without_rejected))
        summary_table(f"phicode export --format {request.format.value}", rows, ("", "count"))
    warn(f"wrote {request.output}" + (f"; pushed to {report.url}" if report.url else ""))
    return 0
