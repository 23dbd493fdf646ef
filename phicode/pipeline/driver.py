"""``phicode run``: mine, then the stages in order, then write the dataset and the report.

This module is the driver: it owns the order, the state and the counts. Mining
(fast and deterministic) is redone every run; then each stage of
:data:`phicode.pipeline.stages.STAGES` (synth, fidelity, cases, mutation) maps the
records still in the run to their next form, its units found in the state or
computed by an executor (here, or on a Ray cluster) and stored as each comes back
(:func:`phicode.pipeline.stage.resume`). A rerun (after a crash, SIGKILL or Ctrl-C)
does only what is missing, and changing the model, a prompt or a setting redoes
only the units that depend on it. The output files are rebuilt from the state on
every run and replace the old ones atomically: never a torn line, never a
duplicate, and a rerun writes exactly what an uninterrupted run would have written.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from phicode.console import progress
from phicode.errors import InputError
from phicode.jsonl import JsonlWriter
from phicode.mine import Dropped as MineDropped
from phicode.mine import Kept, MineStats, mine
from phicode.mine.run import FileProcessor
from phicode.pipeline.config import PipelineConfig
from phicode.pipeline.executor import Executor, LocalExecutor
from phicode.pipeline.funnel import Funnel
from phicode.pipeline.stage import Dropped, resume
from phicode.pipeline.stages import STAGES
from phicode.pipeline.state import StateStore
from phicode.records import Pair, Snippet


def run_pipeline(config: PipelineConfig) -> Funnel:
    """Run every stage; see the module docstring. Returns the funnel."""
    funnel = Funnel()
    _check_output(config.output)
    with ExitStack() as stack:
        executor = make_executor(config)
        stack.callback(executor.shutdown)
        started = time.monotonic()
        snippets, mine_drops = _mine(config, funnel, executor.file_processor())
        funnel.seconds["mine"] = time.monotonic() - started
        state = stack.enter_context(StateStore(config.state_folder))
        stack.enter_context(executor)
        records = run_stages(config, snippets, state, executor, funnel)
        funnel.units_by_node = executor.units_by_node
    started = time.monotonic()
    _write_outputs(config, records, mine_drops)
    funnel.seconds["write"] = time.monotonic() - started
    funnel.kept = sum(isinstance(record, Pair) for record in records)
    _write_report(config, funnel)
    return funnel


def make_executor(config: PipelineConfig) -> Executor:
    """The executor ``config.executor`` names."""
    if config.executor == "ray":
        from phicode.pipeline.cluster import RayExecutor  # ConfigError without Ray

        return RayExecutor(config)
    return LocalExecutor(config)


def run_stages(
    config: PipelineConfig,
    snippets: list[Snippet],
    state: StateStore,
    executor: Executor,
    funnel: Funnel,
) -> list[Pair | Dropped]:
    """Each snippet's way through the stages: the pair that is kept, or why not. A
    record a stage drops goes no further; a stage the run does not have passes its
    records on as they are."""
    records: list[Any] = list(snippets)
    for stage in STAGES:
        live = [i for i, record in enumerate(records) if not isinstance(record, Dropped)]
        if not live or not stage.wanted(config):
            continue
        units = resume(stage, [records[i] for i in live], config, state, executor, funnel)
        for index, unit in zip(live, units, strict=True):
            records[index] = stage.advance(records[index], unit, config, funnel)
    return records


def _write_report(config: PipelineConfig, funnel: Funnel) -> None:
    """The run's HTML report (``phicode report``), with its settings, stage times and
    funnel (the page counts one from the rejected file when there is one)."""
    target = config.report_path
    if target is None or str(config.output) == "-":
        return
    from phicode.report import RunFacts, build_report, funnel_rows

    seconds = tuple((stage, round(s, 1)) for stage, s in funnel.seconds.items())
    settings = config.described() + tuple((name, str(n)) for name, n in funnel.node_rows())
    stages = funnel_rows(
        funnel.mined + sum(funnel.mine_dropped.values()),
        # fidelity's drops are counted (and written) as the filter's
        [
            ("mine", funnel.mine_dropped),
            ("synth", funnel.synth_rejected),
            ("filter", funnel.filtered),
        ],
    )
    facts = RunFacts(settings, seconds, tuple(stages))
    build_report(config.output, target, config.rejected, facts)


def _check_output(output: Path) -> None:
    """Fail before any work when the output cannot be written."""
    folder = output.parent if str(output.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{output}: cannot write: {exc.strerror}") from exc
    if not os.access(folder, os.W_OK) or (output.exists() and not os.access(output, os.W_OK)):
        raise InputError(f"{output}: cannot write: permission denied")


def _mine(
    config: PipelineConfig, funnel: Funnel, process: FileProcessor | None = None
) -> tuple[list[Snippet], list[dict[str, Any]]]:
    stats = MineStats()
    snippets: list[Snippet] = []
    drops: list[dict[str, Any]] = []
    per_repo: Counter[str] = Counter()
    with progress("mine", enabled=config.show_progress) as advance:
        outcomes = mine(list(config.paths), config.mine, stats, process=process)
        for outcome in outcomes:
            if isinstance(outcome, Kept):
                repo = outcome.snippet.source.repo
                if config.limit_per_repo is not None and per_repo[repo] >= config.limit_per_repo:
                    continue
                per_repo[repo] += 1
                snippets.append(outcome.snippet)
                advance()
                if config.limit is not None and len(snippets) >= config.limit:
                    outcomes.close()
                    break
            elif isinstance(outcome, MineDropped):
                drops.append(outcome.line())
                funnel.mine_dropped[outcome.rejection.reason] += 1
    funnel.mined = len(snippets)
    funnel.mine_stats = stats
    return snippets, drops


def _write_outputs(
    config: PipelineConfig, records: list[Pair | Dropped], mine_drops: list[dict[str, Any]]
) -> None:
    """Write both files next to their targets, then rename them into place."""
    _replace_with(config.output, (r.to_dict() for r in records if isinstance(r, Pair)))
    if config.rejected is not None:
        dropped = [*mine_drops, *(r.line for r in records if isinstance(r, Dropped))]
        _replace_with(config.rejected, dropped)


def _replace_with(path: Path, records: Any) -> None:
    partial = path.with_name(path.name + ".partial")
    with JsonlWriter(partial) as writer:
        for record in records:
            writer.write(record)
    os.replace(partial, path)
