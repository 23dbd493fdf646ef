"""``phicode run``: mine, generate and verify with repair, filter, write.

Stages map records to records; this module is the driver that owns the
order, the resumable state and the counts, and an executor
(:mod:`phicode.pipeline.executor`: here, or on a Ray cluster) computes the units:

1. mine: the corpus to snippets (fast and deterministic: redone every run);
2. synth: question + tests per snippet, verified in the sandbox with the
   repair loop, the question restated from the final tests (``phicode.generate``);
3. fidelity: with a model, blind solves from the question alone give each pair
   its ``solve_rate``; tests no informed answer passes, and tests that call the
   function in a form no worked example shows, are stated in the question or
   dropped (``phicode.filters.fidelity``; without a model, the forms alone);
4. mutation: test strength on the aligned pairs (``phicode.mutate``); with
   ``--strengthen``, weak tests first get oracle tests that kill their surviving
   mutants (``phicode.filters.strengthen``); then the filters' verdicts
   (mutation score, solve-rate bounds);
5. write: the dataset and the rejected records.

Every finished unit of stages 2-4 is stored in the state folder under a key
that hashes what it depends on, so a rerun (after a crash, SIGKILL or Ctrl-C)
does only what is missing and changing the model or a prompt redoes only what
depends on it. The output files are rebuilt from the state on every run and
replace the old ones atomically: never a torn line, never a duplicate, and a
rerun writes exactly what an uninterrupted run would have written.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from phicode.console import progress
from phicode.errors import InputError
from phicode.filters.agreement import VERSION as AGREEMENT_VERSION
from phicode.filters.agreement import solve_rate_verdict
from phicode.filters.mutation import VERSION as MUTATION_VERSION
from phicode.filters.mutation import mutation_verdict
from phicode.filters.reasons import FilterReason, Verdict
from phicode.jsonl import JsonlWriter
from phicode.mine import Dropped, Kept, MineStats, mine
from phicode.mine.run import FileProcessor
from phicode.pipeline.config import PipelineConfig as PipelineConfig
from phicode.pipeline.executor import Executor, make_executor
from phicode.pipeline.state import StateStore
from phicode.pipeline.workbench import generator_fingerprint, load_prompts, mutation_settings
from phicode.records import Pair, PairCase, Rejection, Snippet, Verification, content_id

STAGES = ("mine", "synth", "fidelity", "cases", "mutation", "write")


@dataclass
class Funnel:
    """How many records each stage saw and dropped, and the time it took."""

    mined: int = 0
    mine_dropped: Counter[str] = field(default_factory=Counter)
    synth_rejected: Counter[str] = field(default_factory=Counter)
    verified: int = 0
    repaired: int = 0
    strengthened: int = 0  # verified pairs whose weak tests got oracle tests added
    aligned: Counter[str] = field(default_factory=Counter)  # tests stated / dropped by fidelity
    blind: Counter[str] = field(default_factory=Counter)  # blind answers that passed / failed
    filtered: Counter[str] = field(default_factory=Counter)
    kept: int = 0
    reused: Counter[str] = field(default_factory=Counter)  # units found in the state
    units_by_node: Counter[str] = field(default_factory=Counter)  # units computed per node
    units: Counter[str] = field(default_factory=Counter)  # units (snippets or pairs) per stage
    seconds: dict[str, float] = field(default_factory=dict)
    mine_stats: MineStats | None = None

    def rows(self) -> list[tuple[str, int]]:
        rows = [("snippets mined", self.mined)]
        rows += [
            (f"  synth dropped: {reason}", n) for reason, n in sorted(self.synth_rejected.items())
        ]
        rows += [("verified pairs", self.verified), ("  of which repaired", self.repaired)]
        if any(self.blind.values()):
            rows += [(f"  blind answers {k}", n) for k, n in sorted(self.blind.items())]
        rows += [(f"  tests {k} (fidelity)", n) for k, n in sorted(self.aligned.items())]
        if self.strengthened:
            rows.append(("  tests strengthened", self.strengthened))
        rows += [(f"  filter dropped: {reason}", n) for reason, n in sorted(self.filtered.items())]
        rows.append(("kept", self.kept))
        return rows + self.node_rows()

    def node_rows(self) -> list[tuple[str, int]]:
        """Units computed per node, when more than one node did work (``--executor ray``)."""
        if len(self.units_by_node) <= 1:
            return []
        return [(f"units on node {n}", k) for n, k in sorted(self.units_by_node.items())]


@dataclass(frozen=True, slots=True)
class _Outcome:
    """A snippet's way through the pipeline: a pair that is kept, or why not."""

    pair: Pair | None
    rejected_line: dict[str, Any] | None


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
        outcomes = _Stages(config, state, executor, funnel).run(snippets)
        funnel.units_by_node = executor.units_by_node
    started = time.monotonic()
    _write_outputs(config, outcomes, mine_drops)
    funnel.seconds["write"] = time.monotonic() - started
    funnel.kept = sum(o.pair is not None for o in outcomes)
    _write_report(config, funnel)
    return funnel


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
            elif isinstance(outcome, Dropped):
                drops.append(outcome.line())
                funnel.mine_dropped[outcome.rejection.reason] += 1
    funnel.mined = len(snippets)
    funnel.mine_stats = stats
    return snippets, drops


class _Stages:
    """Stages 2-4 over the mined snippets: each unit found in the state, or computed
    by the executor and stored as soon as it comes back."""

    def __init__(
        self, config: PipelineConfig, state: StateStore, executor: Executor, funnel: Funnel
    ) -> None:
        self.config = config
        self.state = state
        self.executor = executor
        self.funnel = funnel
        self.fingerprint = generator_fingerprint(config, load_prompts(config))

    def run(self, snippets: list[Snippet]) -> list[_Outcome]:
        synth = self._synth(snippets)
        outcomes: list[_Outcome] = []
        passed = [
            (index, Pair.from_dict(value["pair"]))
            for index, value in enumerate(synth)
            if "pair" in value
        ]
        self.funnel.verified = len(passed)
        self.funnel.repaired = sum(
            pair.verification.attempts > 1 for _, pair in passed if pair.verification
        )
        aligned = self._fidelity([pair for _, pair in passed])
        faithful = self._cases([pair for pair, verdict in aligned if verdict is None])
        scored = iter(self._mutation(faithful))
        judged = iter([self._drop(p, v) if v else self._filter(next(scored)) for p, v in aligned])
        for value in synth:
            if "pair" in value:
                outcomes.append(next(judged))
                continue
            line = value["rejected_line"]
            self.funnel.synth_rejected[line["rejected"]["reason"]] += 1
            outcomes.append(_Outcome(None, line))
        return outcomes

    def _stored(
        self,
        stage: str,
        keys: list[str],
        compute: Callable[[list[int]], Iterator[tuple[int, dict[str, Any]]]],
    ) -> list[dict[str, Any]]:
        """The value of every key: found in the state, or computed (``compute`` gets the
        indices of the missing keys and yields (position among them, value)) and stored."""
        started = time.monotonic()
        found = {key: self.state.get(stage, key) for key in keys}
        missing = [index for index, key in enumerate(keys) if found[key] is None]
        self.funnel.reused[stage] += len(keys) - len(missing)
        self.funnel.units[stage] += len(keys)
        if missing:
            with progress(stage, total=len(missing), enabled=self.config.show_progress) as advance:
                for position, value in compute(missing):
                    key = keys[missing[position]]
                    self.state.put(stage, key, value)
                    found[key] = value
                    advance()
        self.funnel.seconds[stage] = time.monotonic() - started
        return [found[key] for key in keys]  # type: ignore[misc]

    def _synth(self, snippets: list[Snippet]) -> list[dict[str, Any]]:
        keys = [
            content_id("synth", snippet.id, snippet.code, self.fingerprint) for snippet in snippets
        ]
        return self._stored(
            "synth", keys, lambda missing: self.executor.synth([snippets[i] for i in missing])
        )

    def _per_pair(self, stage: str, pairs: list[Pair], key: Callable[[Pair], str]) -> list[dict]:
        """One stored unit per pair, computed by the workbench's method ``stage``."""
        return self._stored(
            stage,
            [key(pair) for pair in pairs],
            lambda missing: self.executor.each(stage, [pairs[i] for i in missing]),
        )

    def _cases(self, pairs: list[Pair]) -> list[Pair]:
        """Each pair with the cases of its final tests (:mod:`phicode.cases`): from here
        on (mutation, and every later re-verification) the case judge decides too."""
        from phicode.generate.oracle.derive import VERSION as CASES_VERSION

        values = self._per_pair(
            "cases",
            pairs,
            lambda pair: content_id(CASES_VERSION, pair.solution, pair.tests, pair.entry_point),
        )
        return [
            replace(pair, cases=tuple(PairCase.from_dict(c) for c in value["cases"]))
            for pair, value in zip(pairs, values, strict=True)
        ]

    def _mutation(self, pairs: list[Pair]) -> list[Pair]:
        """Each pair with its mutation score set in its verification; weak tests are
        strengthened first when that is on (``--strengthen``)."""
        settings = mutation_settings(self.config)
        values = self._per_pair(
            "mutation",
            pairs,
            lambda pair: content_id(
                MUTATION_VERSION,
                pair.solution,
                pair.tests,
                pair.entry_point,
                *settings,
                json.dumps([c.to_dict() for c in pair.cases], sort_keys=True),
            ),
        )
        scored = []
        for pair, value in zip(pairs, values, strict=True):
            assert pair.verification is not None  # synth output is always verified
            verification = pair.verification
            if "tests" in value:
                self.funnel.strengthened += 1
                pair = replace(pair, tests=value["tests"])
                verification = Verification.from_dict(value["verification"])
            verification = replace(verification, mutation_score=value["score"])
            scored.append(pair.with_verification(verification))
        return scored

    def _fidelity(self, pairs: list[Pair]) -> list[tuple[Pair, Verdict | None]]:
        """Blind solves and alignment (:mod:`phicode.filters.fidelity`), stored per pair;
        without blind answers (the template backend, ``--solve-samples 0``) the call
        forms alone align the tests, unless ``--no-restate`` keeps questions as drafted."""
        samples = self.config.samples
        if not pairs or not (samples or self.config.model.restate):
            return [(pair, None) for pair in pairs]
        from phicode.filters.fidelity import VERSION as FIDELITY_VERSION

        solver_key = f"{self.config.solver_model or self.config.model.model or ''}/{samples}"
        keys = [
            content_id(
                FIDELITY_VERSION,
                AGREEMENT_VERSION,
                pair.question,
                pair.tests,
                pair.solution,
                self.fingerprint,
                solver_key,
                str(self.config.model.repair.min_kept),
            )
            for pair in pairs
        ]
        values = self._stored(
            "fidelity", keys, lambda missing: self.executor.align([pairs[i] for i in missing])
        )
        out: list[tuple[Pair, Verdict | None]] = []
        for value in values:
            self.funnel.blind["passed"] += value["solved"]
            self.funnel.blind["failed"] += value["samples"] - value["solved"]
            self.funnel.aligned.update(value.get("aligned", {}))
            verdict = value.get("verdict")
            out.append(
                (
                    Pair.from_dict(value["pair"]),
                    Verdict(FilterReason(verdict["reason"]), verdict["detail"])
                    if verdict
                    else None,
                )
            )
        return out

    def _filter(self, pair: Pair) -> _Outcome:
        verification = pair.verification
        assert verification is not None
        verdict = mutation_verdict(verification.mutation_score, self.config.mutation_threshold)
        if verdict is None and verification.solve_rate is not None:
            verdict = solve_rate_verdict(
                verification.solve_rate, self.config.min_solve_rate, self.config.max_solve_rate
            )
        return self._drop(pair, verdict) if verdict is not None else _Outcome(pair, None)

    def _drop(self, pair: Pair, verdict: Verdict) -> _Outcome:
        reason = verdict.reason.value
        self.funnel.filtered[reason] += 1
        rejection = Rejection(stage="filter", reason=reason, detail=verdict.detail)
        return _Outcome(None, rejection.line(pair.to_dict()))


def _write_outputs(
    config: PipelineConfig, outcomes: list[_Outcome], mine_drops: list[dict[str, Any]]
) -> None:
    """Write both files next to their targets, then rename them into place."""
    _replace_with(config.output, (o.pair.to_dict() for o in outcomes if o.pair is not None))
    if config.rejected is not None:
        dropped = [*mine_drops, *(o.rejected_line for o in outcomes if o.rejected_line is not None)]
        _replace_with(config.rejected, dropped)


def _replace_with(path: Path, records: Any) -> None:
    partial = path.with_name(path.name + ".partial")
    with JsonlWriter(partial) as writer:
        for record in records:
            writer.write(record)
    os.replace(partial, path)
