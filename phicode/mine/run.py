"""The miner's driver: walk, mine files (in workers), deduplicate, report.

Files are mined in worker processes; results come back in walk order (a
bounded window of files in flight), and the parent alone deduplicates and
writes. The output is therefore the same, byte for byte, for any number of
workers, and memory holds the window plus the dedup state, never the corpus.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import signal
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from phicode.console import progress
from phicode.jsonl import JsonlWriter
from phicode.mine.config import MineConfig
from phicode.mine.decontam import decontaminator
from phicode.mine.dedup import Deduplicator
from phicode.mine.walk import FileTask, Skipped, check_paths, in_walk_order, walk
from phicode.mine.worker import FileResult, Found, process_file
from phicode.records import Rejection, Snippet, Source

STAGE = "mine"
_WINDOW_PER_WORKER = 32
_GC_THRESHOLD = 100_000


@dataclass(slots=True)
class MineStats:
    """Counts for the summary; every dropped thing is counted under its reason."""

    files_seen: int = 0
    files_parsed: int = 0
    files_skipped: Counter[str] = field(default_factory=Counter)
    folders_skipped: Counter[str] = field(default_factory=Counter)
    functions: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    kept: int = 0
    duration_s: float = 0.0

    def rows(self) -> list[tuple[str, int]]:
        """The summary table, in the order a reader follows the pipeline."""
        rows = [("files seen", self.files_seen), ("files parsed", self.files_parsed)]
        rows += [(f"  skipped: {r}", n) for r, n in sorted(self.files_skipped.items())]
        rows += [(f"folders skipped: {r}", n) for r, n in sorted(self.folders_skipped.items())]
        rows.append(("functions found", self.functions))
        rows += [(f"  rejected: {r}", n) for r, n in sorted(self.rejected.items())]
        rows.append(("kept", self.kept))
        return rows


@dataclass(frozen=True, slots=True)
class Kept:
    """A snippet that passed every filter and was not seen before."""

    snippet: Snippet


@dataclass(frozen=True, slots=True)
class Dropped:
    """A file, folder or function not kept: what it was, and the rejection."""

    rejection: Rejection
    record: dict[str, Any]

    def line(self) -> dict[str, Any]:
        return self.rejection.line(self.record)


FileProcessor = Callable[[Iterable[FileTask | Skipped], MineConfig], Iterator[FileResult | Skipped]]


def mine(
    paths: Sequence[str | Path],
    config: MineConfig,
    stats: MineStats | None = None,
    *,
    process: FileProcessor | None = None,
) -> Iterator[Kept | Dropped]:
    """Mine ``paths`` and yield every outcome in a stable order; ``stats`` is filled in.

    ``process`` mines the walked files and yields them in walk order (default:
    here, in ``config.workers`` processes; the Ray executor passes its own).
    Deduplication stays here, in walk order, so the outcome is the same either way.
    Raises InputError (before anything is yielded) when a path does not exist.
    """
    stats = stats if stats is not None else MineStats()
    roots = check_paths(list(paths))
    dedup = Deduplicator(config.near_dup_threshold, config.num_perm)
    for outcome in (process or _file_outcomes)(walk(roots, config), config):
        if isinstance(outcome, Skipped):
            yield _skipped(outcome, stats)
            continue
        stats.files_seen += 1
        if outcome.skip is not None:
            yield _file_skip(outcome, stats)
            continue
        stats.files_parsed += 1
        for found in outcome.found:
            yield _decide(found, outcome.task, dedup, stats)


def mine_paths(
    paths: Sequence[str | Path],
    output: str | Path,
    config: MineConfig | None = None,
    *,
    rejected: str | Path | None = None,
    show_progress: bool = False,
) -> MineStats:
    """Mine ``paths`` into ``output`` (JSON Lines of snippets); dropped things
    with their reasons go to ``rejected`` when given. Returns the counts."""
    config = config or MineConfig()
    roots = check_paths(list(paths))  # before the output is opened or truncated
    stats = MineStats()
    started = time.perf_counter()
    with (
        JsonlWriter(output) as out,
        _optional_writer(rejected) as dropped,
        progress("mining files", enabled=show_progress) as advance,
    ):
        counted = 0
        for outcome in mine(roots, config, stats):
            _write(outcome, out, dropped)
            if stats.files_seen != counted:
                advance(stats.files_seen - counted)
                counted = stats.files_seen
    stats.duration_s = time.perf_counter() - started
    return stats


def _write(outcome: Kept | Dropped, out: JsonlWriter, dropped: JsonlWriter | None) -> None:
    if isinstance(outcome, Kept):
        out.write(outcome.snippet.to_dict())
    elif dropped is not None:
        dropped.write(outcome.line())


class _NoWriter:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _optional_writer(path: str | Path | None) -> Any:
    return JsonlWriter(path) if path is not None else _NoWriter()


# --- decisions -----------------------------------------------------------------------


def _skipped(item: Skipped, stats: MineStats) -> Dropped:
    if item.is_dir:
        stats.folders_skipped[item.reason] += 1
    else:
        stats.files_seen += 1
        stats.files_skipped[item.reason] += 1
    return _drop_path(item.reason, item.detail, item.path, item.rel, item.repo.name)


def _file_skip(result: FileResult, stats: MineStats) -> Dropped:
    assert result.skip is not None
    stats.files_skipped[result.skip] += 1
    task = result.task
    return _drop_path(result.skip, result.detail, task.path, task.rel, task.repo.name)


def _drop_path(reason: str, detail: str, where: str, rel: str, repo: str) -> Dropped:
    rejection = Rejection(stage=STAGE, reason=str(reason), detail=detail, where=where)
    return Dropped(rejection, {"repo": repo, "path": rel})


def _decide(found: Found, task: FileTask, dedup: Deduplicator, stats: MineStats) -> Kept | Dropped:
    stats.functions += 1
    verdict = found.verdict
    if verdict is None:
        assert found.snippet_id is not None and found.signature is not None
        verdict = dedup.check(found.snippet_id, found.signature)
    snippet = Snippet(
        id=found.snippet_id or "",
        entry_point=found.entry_point,
        code=found.code,
        source=_source(task, found),
        language=task.language,
        docstring=found.docstring,
    )
    if verdict is None:
        stats.kept += 1
        return Kept(snippet)
    stats.rejected[verdict.reason] += 1
    record = snippet.to_dict()
    if not found.snippet_id:
        del record["id"]
    where = f"{task.path}:{found.start_line}"
    return Dropped(
        Rejection(stage=STAGE, reason=str(verdict.reason), detail=verdict.detail, where=where),
        record,
    )


def _source(task: FileTask, found: Found) -> Source:
    repo = task.repo
    return Source(
        repo=repo.name,
        path=task.rel,
        commit=repo.commit,
        start_line=found.start_line,
        end_line=found.end_line,
        license=repo.license,
    )


# --- execution -----------------------------------------------------------------------


def _file_outcomes(
    items: Iterable[FileTask | Skipped], config: MineConfig
) -> Iterator[FileResult | Skipped]:
    """Each walk item, mined when it is a task, in walk order."""
    if config.decontaminate:
        decontaminator(config.decontam_ngram, config.decontam_threshold)  # built once, inherited
    with _fewer_collections():
        if config.workers == 1:
            for item in items:
                yield item if isinstance(item, Skipped) else process_file(item, config)
            return
        yield from _parallel(items, config)


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """Parsing allocates millions of small objects without cycles: with the
    default thresholds the cyclic garbage collector runs thousands of times and
    takes a third of the time. Restored afterwards (the caller may be a notebook)."""
    previous = gc.get_threshold()
    gc.set_threshold(_GC_THRESHOLD, *previous[1:])
    try:
        yield
    finally:
        gc.set_threshold(*previous)


_CONFIG: MineConfig | None = None


def _init_worker(config: MineConfig) -> None:
    """Workers leave Ctrl-C and SIGTERM to the parent, which stops them itself."""
    global _CONFIG
    _CONFIG = config
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    gc.set_threshold(_GC_THRESHOLD, *gc.get_threshold()[1:])


def _work(task: FileTask) -> FileResult:
    assert _CONFIG is not None
    return process_file(task, _CONFIG)


def _parallel(
    items: Iterable[FileTask | Skipped], config: MineConfig
) -> Iterator[FileResult | Skipped]:
    """A pool of workers with at most a window of files in flight, results in order."""
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    with context.Pool(config.workers, initializer=_init_worker, initargs=(config,)) as pool:
        yield from in_walk_order(
            items,
            submit=lambda task: pool.apply_async(_work, (task,)),
            collect=lambda handle: handle.get(),
            window=config.workers * _WINDOW_PER_WORKER,
        )
        pool.close()
        pool.join()
