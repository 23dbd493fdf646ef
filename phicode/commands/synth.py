"""``phicode synth IN.jsonl -o OUT.jsonl``: a question and tests for every snippet."""

from __future__ import annotations

import argparse

from phicode.commands import options
from phicode.console import summary_table


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "synth", help="write a question and tests for each snippet; keep the pairs whose tests pass"
    )
    parser.add_argument(
        "input", metavar="IN.jsonl", help="snippets from 'phicode mine' ('-' for stdin)"
    )
    parser.add_argument(
        "-o", "--output", required=True, metavar="OUT.jsonl", help="verified pairs ('-' for stdout)"
    )
    options.add_rejected_option(parser)
    options.add_model_options(parser)
    options.add_sandbox_options(parser)
    options.add_quiet_option(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from phicode.generate.synthfile import synth_file

    stats = synth_file(
        args.input,
        args.output,
        options.model_config(args),
        options.sandbox_config(args),
        rejected_path=args.rejected,
        show_progress=not args.quiet,
    )
    if not args.quiet:
        rows = [("passed", stats.passed), *sorted(stats.rejected.items())]
        rows.append(("total", stats.seen + stats.rejected.get("invalid_record", 0)))
        rate = stats.seen / stats.duration_s if stats.duration_s else 0.0
        title = (
            f"phicode synth ({stats.backend}, {stats.model}): "
            f"{stats.passed} pairs, {rate:.2f} snippets/s"
        )
        summary_table(title, rows, ("outcome", "snippets"))
    return 0
