"""JSON Lines at the edge: numbered reading that never stops at a bad line, and
line-atomic writing that never leaves a torn line behind.

Reading yields :class:`Numbered` items: either a parsed record or the problem
with that line (``FILE:LINE: problem``), so a caller can report it, write it to
``--rejected`` and go on with the next line. Writing sends each line to the
kernel in one ``write`` on an ``O_APPEND`` descriptor, so lines never interleave
and a killed process can tear at most the last line (the kernel may stop a
multi-page write on SIGKILL); :func:`repair_tail` cuts that line when a file is
reopened for appending.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from phicode.errors import InputError
from phicode.records import RecordError

T = TypeVar("T")

__all__ = ["JsonlWriter", "Numbered", "read_jsonl", "repair_tail"]


@dataclass(frozen=True, slots=True)
class Numbered(Generic[T]):
    """One input line: its record, or the problem that kept it from parsing."""

    path: str
    line: int
    raw: str
    record: T | None = None
    data: dict[str, Any] | None = None
    problem: str | None = None

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


def _open_for_reading(path: Path) -> Any:
    if str(path) == "-":
        import sys

        return sys.stdin
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, expected a .jsonl file")
    try:
        return path.open("r", encoding="utf-8", errors="surrogateescape", newline="\n")
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from exc


def read_jsonl(path: Path | str, parse: Callable[[Any], T]) -> Iterator[Numbered[T]]:
    """Yield every non-blank line of ``path`` parsed by ``parse``, or its problem.

    Raises :class:`InputError` only when the file itself cannot be opened.
    """
    path = Path(path)
    handle = _open_for_reading(path)
    with handle:
        for number, raw in enumerate(handle, start=1):
            text = raw.rstrip("\n")
            if not text.strip():
                continue
            yield _parse_line(str(path), number, text, parse)


def _parse_line(path: str, number: int, text: str, parse: Callable[[Any], T]) -> Numbered[T]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return Numbered(path, number, text, problem=f"invalid JSON: {exc.msg} (column {exc.colno})")
    except UnicodeEncodeError:
        return Numbered(path, number, text, problem="invalid UTF-8")
    if not isinstance(data, dict):
        return Numbered(
            path, number, text, problem=f"expected a JSON object, got {type(data).__name__}"
        )
    try:
        return Numbered(path, number, text, record=parse(data), data=data)
    except RecordError as exc:
        return Numbered(path, number, text, data=data, problem=str(exc))


class JsonlWriter:
    """Append whole JSON lines to a file; ``-`` writes to stdout.

    ``append=False`` truncates first; ``append=True`` first cuts a torn last
    line. Parent folders are created. Each line goes to the kernel in one write.
    """

    def __init__(self, path: Path | str, *, append: bool = False) -> None:
        self.path = Path(path)
        self.count = 0
        if str(path) == "-":
            self._fd = 1
            self._owned = False
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | (0 if append else os.O_TRUNC)
            self._fd = os.open(self.path, flags, 0o644)
        except OSError as exc:
            raise InputError(f"{self.path}: cannot write: {exc.strerror}") from exc
        self._owned = True
        if append:
            repair_tail(self.path)

    def write(self, obj: dict[str, Any]) -> None:
        data = (json.dumps(obj, ensure_ascii=False) + "\n").encode("utf-8", "surrogateescape")
        view = memoryview(data)
        while view:
            written = os.write(self._fd, view)
            view = view[written:]
        self.count += 1

    def close(self) -> None:
        if self._owned and self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __enter__(self) -> JsonlWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def repair_tail(path: Path) -> int:
    """Cut a torn (newline-less) last line off ``path``; return bytes removed."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return 0
    if size == 0:
        return 0
    with path.open("rb+") as handle:
        handle.seek(-1, os.SEEK_END)
        if handle.read(1) == b"\n":
            return 0
        # Walk back to the previous newline in chunks.
        position = size
        while position > 0:
            step = min(65536, position)
            handle.seek(position - step)
            chunk = handle.read(step)
            cut = chunk.rfind(b"\n")
            if cut >= 0:
                keep = position - step + cut + 1
                handle.truncate(keep)
                return size - keep
            position -= step
        handle.truncate(0)
        return size
