"""Resumable pipeline state: finished units of work in SQLite, keyed by content.

A unit is (stage, key) -> JSON value, where the key hashes everything the
result depends on (the snippet, the model, the prompt versions, the settings).
Each unit is committed on its own as soon as it is done, so a crash, SIGKILL
or Ctrl-C loses at most the unit in flight; a rerun skips every unit it finds,
and changing the model or a prompt changes the keys of exactly the units that
depend on it.

The file carries a schema version; a state folder written by another version
is refused with a message saying what to do, never silently reused.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

from phicode.errors import InputError

SCHEMA_VERSION = 1
FILE_NAME = "state.sqlite"


def default_state_folder(dataset: Path) -> Path:
    """Where a run writing ``dataset`` keeps its state unless told (``--state``), and
    where ``phicode export`` looks for it: ``.DATASET.jsonl.state`` beside the file."""
    return dataset.parent / f".{dataset.name}.state"


class StateStore:
    """A small thread-safe key-value store of finished units of work."""

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                self.folder / FILE_NAME, check_same_thread=False, isolation_level=None
            )
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")  # durable against a killed process
        except (OSError, sqlite3.Error) as exc:
            raise InputError(f"{self.folder}: cannot use as a state folder: {exc}") from exc
        self._lock = threading.Lock()
        self._check_schema()

    def _check_schema(self) -> None:
        try:
            with self._lock:
                self._db.execute(
                    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT)"
                )
                row = self._db.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()
                if row is None:
                    self._db.execute(
                        "INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),)
                    )
                    self._db.execute(
                        "CREATE TABLE IF NOT EXISTS units ("
                        "stage TEXT, key TEXT, value TEXT, PRIMARY KEY (stage, key))"
                    )
                    return
        except sqlite3.DatabaseError as exc:
            raise InputError(
                f"{self.folder / FILE_NAME}: not a phicode state file ({exc})"
            ) from exc
        if row[0] != str(SCHEMA_VERSION):
            raise InputError(
                f"{self.folder}: state written by another phicode version (schema {row[0]}, "
                f"this phicode uses {SCHEMA_VERSION}); remove the folder or pass a new --state"
            )

    def get(self, stage: str, key: str) -> Any | None:
        with self._lock:
            row = self._db.execute(
                "SELECT value FROM units WHERE stage = ? AND key = ?", (stage, key)
            ).fetchone()
        return None if row is None else json.loads(row[0])

    def put(self, stage: str, key: str, value: Any) -> None:
        text = json.dumps(value, ensure_ascii=False)
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO units VALUES (?, ?, ?)", (stage, key, text))

    def values(self, stage: str) -> list[Any]:
        """Every finished unit of ``stage``, whatever its key (what an export gathers)."""
        with self._lock:
            rows = self._db.execute("SELECT value FROM units WHERE stage = ?", (stage,)).fetchall()
        return [json.loads(row[0]) for row in rows]

    def count(self, stage: str) -> int:
        with self._lock:
            return int(
                self._db.execute("SELECT COUNT(*) FROM units WHERE stage = ?", (stage,)).fetchone()[
                    0
                ]
            )

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> StateStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
