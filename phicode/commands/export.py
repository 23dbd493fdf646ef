"""``phicode export dataset.jsonl --format parquet|hf -o DIR``."""

from __future__ import annotations

import argparse
from pathlib import Path

from phicode.console import warn
from phicode.export import ExportFormat, export


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export", help="write a dataset as Parquet or a Hugging Face dataset, with a card"
    )
    parser.add_argument("input", metavar="DATASET.jsonl")
    parser.add_argument("--format", choices=[f.value for f in ExportFormat], default="parquet")
    parser.add_argument(
        "-o", "--output", required=True, metavar="DIR", help="folder for the data and README.md"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    target = export(Path(args.input), ExportFormat(args.format), Path(args.output))
    warn(f"wrote {target} and {Path(args.output) / 'README.md'}")
    return 0
