"""Talking to the person at the terminal: progress bars, summary tables, warnings.

Everything here writes to stderr, so stdout stays free for data (``-o -``).
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

stderr = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)


def warn(message: str) -> None:
    """One line on stderr, never wrapped, never styled (tests match it exactly)."""
    stderr.print(message, markup=False, highlight=False)


#: Seconds between plain progress lines when stderr is not a terminal (CI, a log file).
LOG_INTERVAL_S = float(os.environ.get("PHICODE_PROGRESS_INTERVAL", "30"))


class _ProgressLines:
    """Progress for a log: one plain line at most every ``interval`` seconds (items done,
    rate, ETA) and one when the stage ends, instead of a bar a log cannot show. A ticker
    thread keeps the lines steady while an item takes longer than the interval (a model
    on CPUs takes minutes per snippet), so a log never goes quiet for long."""

    def __init__(self, description: str, total: int | None, interval: float) -> None:
        self.description = description
        self.total = total
        self.interval = interval
        self.done = 0
        self.started = time.monotonic()
        self.last = self.started
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._ticker: threading.Thread | None = None
        if interval > 0:
            self._ticker = threading.Thread(target=self._tick, name="progress lines", daemon=True)
            self._ticker.start()

    def advance(self, n: int = 1) -> None:
        with self._lock:
            self.done += n
            self._maybe_print()

    def stop(self) -> None:
        """End the ticker; called however the stage ends."""
        self._stopped.set()
        if self._ticker is not None:
            self._ticker.join()

    def finish(self) -> None:
        """The closing line, for stages long enough to have printed one (a short stage
        stays silent, as with a terminal's transient bar)."""
        self.stop()
        if self.last == self.started:
            return
        elapsed = time.monotonic() - self.started
        warn(f"phicode: {self.description}: {self.done} done in {_duration(elapsed)}")

    def _tick(self) -> None:
        while not self._stopped.wait(self.interval / 4):
            with self._lock:
                self._maybe_print()

    def _maybe_print(self) -> None:
        now = time.monotonic()
        if now - self.last >= self.interval:
            self.last = now
            warn(self._line(now))

    def _line(self, now: float) -> str:
        elapsed = now - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        of = f"/{self.total}" if self.total is not None else ""
        line = f"phicode: {self.description}: {self.done}{of} ({rate * 60:.1f}/min"
        if self.total is not None and rate > 0:
            line += f", ETA {_duration((self.total - self.done) / rate)}"
        return line + ")"


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(seconds + 0.5), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s"


@contextlib.contextmanager
def progress(description: str, total: int | None = None, enabled: bool = True) -> Iterator[Any]:
    """A progress bar on stderr; yields ``advance(n=1)``. Without a terminal (CI, a log),
    a plain line every ``LOG_INTERVAL_S`` seconds, and one at the end of a stage that
    printed any."""
    if not enabled:
        yield lambda n=1: None
        return
    if not stderr.is_terminal:
        lines = _ProgressLines(description, total, LOG_INTERVAL_S)
        try:
            yield lines.advance
        finally:
            lines.stop()
        lines.finish()
        return
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=stderr,
        transient=False,
    )
    with bar:
        task = bar.add_task(description, total=total)
        yield lambda n=1: bar.advance(task, n)


def summary_table(
    title: str, rows: Iterable[Sequence[Any]], columns: Sequence[str] = ("", "count")
) -> None:
    """Print a small table on stderr."""
    table = Table(title=title, title_justify="left", show_edge=False, pad_edge=False)
    for index, name in enumerate(columns):
        table.add_column(name, justify="left" if index == 0 else "right")
    for row in rows:
        table.add_row(*(str(cell) for cell in row))
    stderr.print(table)
