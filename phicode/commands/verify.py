"""``phicode verify IN.jsonl -o OUT.jsonl``: run every pair's tests in the sandbox."""

from __future__ import annotations

import argparse

from phicode.commands import options
from phicode.console import summary_table


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "verify",
        description="Run each pair's tests against its solution in the sandbox. Without "
        "--backend no model is used; with --backend hf or openai, failing tests go back to "
        "the model for repair (--repair-rounds).",
        help="run each pair's tests against its solution in the sandbox",
    )
    parser.add_argument("input", metavar="IN.jsonl", help="pairs to verify ('-' for stdin)")
    parser.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="OUT.jsonl",
        help="where passed pairs go ('-' for stdout)",
    )
    options.add_rejected_option(parser)
    parser.add_argument(
        "--add-cases",
        action="store_true",
        help="give passed pairs without cases (schema 1) the cases of their tests, so the "
        "case judge decides too (see docs/validate.md)",
    )
    options.add_sandbox_options(parser)
    options.add_model_options(parser, repair_only=True)
    options.add_quiet_option(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    model = options.model_config(args)  # None without --backend: the tests only run
    from phicode.verify import verify_file  # loads the docker SDK

    stats = verify_file(
        args.input,
        args.output,
        options.sandbox_config(args),
        rejected_path=args.rejected,
        show_progress=not args.quiet,
        model=model,
        add_cases=args.add_cases,
    )
    if not args.quiet:
        rows = [(status, count) for status, count in sorted(stats.by_status.items())]
        if stats.invalid:
            rows.append(("invalid record", stats.invalid))
        rows.append(("total", stats.seen + stats.invalid))
        if args.add_cases:
            rows.append(("given cases", stats.cases_added))
        rate = stats.seen / stats.duration_s if stats.duration_s else 0.0
        summary_table(
            f"phicode verify: {stats.passed} passed, {rate:.1f} pairs/s", rows, ("outcome", "pairs")
        )
    return 0
