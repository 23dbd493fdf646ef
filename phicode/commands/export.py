"""``phicode export dataset.jsonl --format parquet|hf -o DIR``."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from phicode.console import warn
from phicode.export import ExportFormat, export


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export", help="write a dataset as Parquet or a Hugging Face dataset, with a card"
    )
    parser.add_argument("input", metavar="DATASET.jsonl")
    parser.add_argument(
        "--format",
        choices=[f.value for f in ExportFormat],
        default=ExportFormat.PARQUET.value,
        help="parquet: one file; hf: a Hugging Face datasets folder (default %(default)s)",
    )
    parser.add_argument(
        "-o", "--output", required=True, metavar="DIR", help="folder for the data and README.md"
    )
    parser.set_defaults(handler=run)


@dataclass(frozen=True)
class ExportOptions:
    """What ``phicode export`` was asked to do; the handler reads nothing else."""

    dataset: Path
    format: ExportFormat
    output: Path


def options_from(args: argparse.Namespace) -> ExportOptions:
    return ExportOptions(Path(args.input), ExportFormat(args.format), Path(args.output))


def run(args: argparse.Namespace) -> int:
    options = options_from(args)
    target = export(options.dataset, options.format, options.output)
    warn(f"wrote {target} and {options.output / 'README.md'}")
    return 0
