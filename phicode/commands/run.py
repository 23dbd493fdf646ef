"""``phicode run PATH... -o dataset.jsonl``: every stage, resumable."""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from phicode.commands import mine as mine_command
from phicode.commands import options
from phicode.console import summary_table, warn
from phicode.defaults import default_of
from phicode.mine.config import MineConfig
from phicode.pipeline.config import DEFAULT_SOLVE_SAMPLES, PipelineConfig


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "run", help="mine, generate, verify, filter and write a dataset (resumable)"
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="repositories, folders or files")
    parser.add_argument(
        "-o", "--output", required=True, metavar="DATASET.jsonl", help="the verified pairs"
    )
    options.add_rejected_option(parser)
    parser.add_argument(
        "--state",
        metavar="DIR",
        help="resumable state (default: .DATASET.jsonl.state beside the output)",
    )
    parser.add_argument(
        "--report",
        metavar="report.html",
        help="the run's HTML report (default: report.html beside the output; see phicode report)",
    )
    parser.add_argument(
        "--no-report", dest="write_report", action="store_false", help="write no HTML report"
    )
    parser.add_argument(
        "--limit", type=int, metavar="N", help="use only the first N mined snippets"
    )
    parser.add_argument(
        "--limit-per-repo",
        type=int,
        metavar="N",
        help="use only the first N mined snippets of each repository (an even sample)",
    )
    parser.add_argument(
        "--mine-workers",
        type=int,
        default=default_of(MineConfig, "workers"),
        metavar="N",
        help="processes parsing files (default: one per CPU, %(default)s)",
    )
    filters = parser.add_argument_group("pipeline filters")
    threshold = default_of(PipelineConfig, "mutation_threshold")
    filters.add_argument(
        "--mutation-threshold", type=float, default=threshold, metavar="S",
        help=f"drop pairs whose tests kill fewer mutants than this share (default {threshold})",
    )  # fmt: skip
    filters.add_argument(
        "--max-mutants", type=int, default=default_of(PipelineConfig, "max_mutants"), metavar="N"
    )
    filters.add_argument(
        "--strengthen", action=argparse.BooleanOptionalAction,
        default=default_of(PipelineConfig, "strengthen"),
        help="add up to 4 oracle tests (and examples in the question) on inputs that reject "
        "surviving mutants or trivial baselines (default: on; see docs/faithful-pairs.md)",
    )  # fmt: skip
    filters.add_argument(
        "--solve-samples", type=int, default=None, metavar="K",
        help=f"blind answers per question from the question alone: solve_rate and the fidelity "
        f"filter (default {DEFAULT_SOLVE_SAMPLES} with a model, 0 with --backend template)",
    )  # fmt: skip
    filters.add_argument(
        "--no-settle", dest="settle", action="store_false",
        help="draw every blind answer of a question, even once one passes every test "
        "(default with an in-process model: stop there; the pair is the same, solve_rate "
        "is then over the answers drawn)",
    )  # fmt: skip
    filters.add_argument(
        "--solver-model", metavar="NAME_OR_PATH", default=None,
        help="write the blind answers with this model on the same backend (default: --model)",
    )  # fmt: skip
    filters.add_argument(
        "--min-solve-rate", type=float, default=default_of(PipelineConfig, "min_solve_rate"),
        help="drop pairs whose solve_rate is below: ambiguous (default %(default)s: off)",
    )  # fmt: skip
    filters.add_argument(
        "--max-solve-rate", type=float, default=default_of(PipelineConfig, "max_solve_rate"),
        help="drop pairs whose solve_rate is above: too easy (default %(default)s: off)",
    )  # fmt: skip
    cluster = parser.add_argument_group("where the work runs")
    cluster.add_argument(
        "--executor", choices=("local", "ray"), default=default_of(PipelineConfig, "executor"),
        help="local: this process and its sandbox pool (default); ray: a Ray cluster, one "
        "sandbox pool per node (pip install 'phicode[ray]'; see docs/ray.md)",
    )  # fmt: skip
    cluster.add_argument(
        "--ray-address", metavar="ADDR", default=default_of(PipelineConfig, "ray_address"),
        help="the cluster to join (host:port of its head, or 'auto'); default: RAY_ADDRESS, "
        "else a cluster of this machine alone",
    )  # fmt: skip
    mine_command.add_filter_options(parser)
    options.add_model_options(parser)
    options.add_sandbox_options(parser)
    options.add_quiet_option(parser)
    parser.set_defaults(handler=run)


def config_from(args: argparse.Namespace) -> PipelineConfig:
    """The pipeline's settings from the command line (every option lands here)."""
    return PipelineConfig(
        paths=tuple(args.paths),
        output=Path(args.output),
        rejected=Path(args.rejected) if args.rejected else None,
        state_dir=Path(args.state) if args.state else None,
        limit=args.limit,
        limit_per_repo=args.limit_per_repo,
        mine=replace(mine_command.config_from(args), workers=args.mine_workers),
        model=options.model_config(args),
        sandbox=options.sandbox_config(args),
        mutation_threshold=args.mutation_threshold,
        max_mutants=args.max_mutants,
        strengthen=args.strengthen,
        solve_samples=args.solve_samples,
        settle=args.settle,
        solver_model=args.solver_model,
        min_solve_rate=args.min_solve_rate,
        max_solve_rate=args.max_solve_rate,
        show_progress=not args.quiet,
        report=Path(args.report) if args.report else None,
        write_report=args.write_report,
        executor=args.executor,
        ray_address=args.ray_address,
    )


def run(args: argparse.Namespace) -> int:
    config = config_from(args)
    from phicode.pipeline import run_pipeline  # loads the docker SDK

    funnel = run_pipeline(config)
    if config.report_path is not None and not args.quiet:
        warn(f"report: {config.report_path}")
    if not args.quiet:
        summary_table(
            f"phicode run: {funnel.kept} pairs kept in {config.output}",
            funnel.rows(),
            ("stage", "records"),
        )
        times = [(stage, f"{seconds:.1f} s") for stage, seconds in funnel.seconds.items()]
        summary_table("time per stage", times, ("stage", "time"))
    return 0
