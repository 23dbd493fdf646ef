"""Talking to the person at the terminal: progress bars, summary tables, warnings.

Everything here writes to stderr, so stdout stays free for data (``-o -``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

stderr = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)


def warn(message: str) -> None:
    """One line on stderr, never wrapped, never styled (tests match it exactly)."""
    stderr.print(message, markup=False, highlight=False)


@contextlib.contextmanager
def progress(description: str, total: int | None = None, enabled: bool = True) -> Iterator[Any]:
    """A progress bar on stderr; yields ``advance(n=1)``. Quiet when not a terminal."""
    if not enabled or not stderr.is_terminal:
        yield lambda n=1: None
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
