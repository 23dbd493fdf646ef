"""Walking the corpus: which files to mine, and why the others are skipped.

A depth-first walk in sorted order (so every run sees files in the same
order), without following symbolic links (no loops, no file counted twice,
no provenance outside the repository). Folders users never want mined are
pruned whole: hidden folders, virtualenvs, site-packages, build output,
vendored code and, unless asked, tests. A folder with its own ``.git`` starts
a new repository; one with its own LICENSE file changes the licence below it.
Memory is a stack of open folders, whatever the size of the corpus.
"""

from __future__ import annotations

import errno
import os
import stat
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from phicode.errors import InputError
from phicode.languages import language_for
from phicode.mine.config import MineConfig
from phicode.mine.reasons import Skip
from phicode.mine.repo import Repo, git_repo, license_file, read_license, repo_for

BUILD_DIRS = frozenset({"build", "dist", "node_modules"})
SITE_DIRS = frozenset({"site-packages", "dist-packages"})
VENDOR_DIRS = frozenset(
    {"vendor", "vendored", "_vendor", "third_party", "thirdparty", "extern", "externals"}
)
TEST_DIRS = frozenset({"test", "tests", "testing", "idle_test", "unittests"})


_PRUNED_QUIETLY = object()  # bytecode caches hold no source: not worth a line


@dataclass(frozen=True, slots=True)
class FileTask:
    """A source file to read and mine; ``rel`` is its path inside ``repo``."""

    path: str
    rel: str
    repo: Repo
    language: str = "python"  # by its extension (phicode.languages.language_for)


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file or folder not mined, and why."""

    path: str
    rel: str
    repo: Repo
    reason: Skip
    detail: str = ""
    is_dir: bool = False


Outcome = TypeVar("Outcome")


def in_walk_order(
    items: Iterable[FileTask | Skipped],
    submit: Callable[[FileTask], Any],
    collect: Callable[[Any], Outcome],
    window: int,
) -> Iterator[Outcome | Skipped]:
    """Each walk item's outcome in walk order, with at most ``window`` files submitted
    (``submit``: a pool's or a cluster's handle) and not yet collected (``collect``
    waits for one). The order keeps mining deterministic however many run at once;
    the window bounds memory whatever the size of the corpus."""
    pending: deque[Any] = deque()
    for item in items:
        pending.append(item if isinstance(item, Skipped) else submit(item))
        while len(pending) > window or (pending and isinstance(pending[0], Skipped)):
            yield _collected(pending.popleft(), collect)
    while pending:
        yield _collected(pending.popleft(), collect)


def _collected(entry: Any, collect: Callable[[Any], Outcome]) -> Outcome | Skipped:
    return entry if isinstance(entry, Skipped) else collect(entry)


def check_paths(paths: list[str | Path]) -> list[Path]:
    """Resolve the given paths; a missing one is an InputError naming it.

    A path inside another given path is dropped (its files would be mined twice).
    """
    resolved: list[Path] = []
    for raw in paths:
        path = Path(raw)
        try:
            resolved.append(path.resolve(strict=True))
        except FileNotFoundError:
            raise InputError(f"{raw}: no such file or directory") from None
        except (OSError, RuntimeError) as exc:
            raise InputError(
                f"{raw}: cannot open: {getattr(exc, 'strerror', None) or exc}"
            ) from None
    unique = list(dict.fromkeys(resolved))
    return [p for p in unique if not any(parent in unique for parent in p.parents)]


def walk(paths: list[Path], config: MineConfig) -> Iterator[FileTask | Skipped]:
    """Every source file under ``paths`` (of ``config.languages``) as a task, or skipped
    with its reason."""
    for path in paths:
        repo = repo_for(path)
        if path.is_dir():
            yield from _walk_dir(path, repo, config)
        else:
            yield _file(path, os.stat(path, follow_symlinks=False), repo, config)


def _walk_dir(top: Path, repo: Repo, config: MineConfig) -> Iterator[FileTask | Skipped]:
    stack: list[tuple[str, Repo]] = [(str(top), repo)]
    while stack:
        folder, repo = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            yield _skipped(Path(folder), repo, Skip.UNREADABLE, exc.strerror or str(exc), True)
            continue
        if folder != str(top):
            repo = _repo_here(Path(folder), [e.name for e in entries], repo)
        children: list[tuple[str, Repo]] = []
        for entry in entries:
            item = _entry(entry, repo, config)
            if item is None and entry.is_dir(follow_symlinks=False):
                children.append((entry.path, repo))
            elif item is not None and item is not _PRUNED_QUIETLY:
                yield item
        stack.extend(reversed(children))


def _repo_here(folder: Path, names: list[str], repo: Repo) -> Repo:
    """A nested git repository, or a folder with its own licence, below ``repo``."""
    if ".git" in names:
        nested = git_repo(folder)
        if nested is not None and nested.root == str(folder):
            return nested.with_license(read_license(folder, names))
    if license_file(names) is not None:
        return repo.with_license(read_license(folder, names))
    if "package.json" in names:  # an npm package's manifest names its licence
        declared = read_license(folder, names)
        return repo.with_license(declared) if declared is not None else repo
    return repo


def _entry(
    entry: os.DirEntry, repo: Repo, config: MineConfig
) -> FileTask | Skipped | object | None:
    """A task or a skip for one directory entry; None for a folder to descend into
    and for files that are not Python."""
    path = Path(entry.path)
    if entry.is_symlink():
        source = _language(entry.name, config) is not None
        if not (source or _is_dir_link(entry)):
            return None
        return _skipped(path, repo, *_link_reason(entry), is_dir=not source)
    if entry.is_dir(follow_symlinks=False):
        if entry.name == "__pycache__":
            return _PRUNED_QUIETLY
        reason = _prune_reason(path, config)
        return None if reason is None else _skipped(path, repo, reason, "", True)
    if _language(entry.name, config) is None:
        return None
    try:
        info = entry.stat(follow_symlinks=False)
    except OSError as exc:
        return _skipped(path, repo, Skip.UNREADABLE, exc.strerror or str(exc))
    return _file(path, info, repo, config)


def _is_dir_link(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return True  # a loop: reported, never followed


def _link_reason(entry: os.DirEntry) -> tuple[Skip, str]:
    try:
        os.stat(entry.path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return Skip.SYMLINK_LOOP, "symbolic link loop"
        return Skip.SYMLINK, f"dangling symbolic link to {os.readlink(entry.path)}"
    return Skip.SYMLINK, f"symbolic link to {os.readlink(entry.path)} (not followed)"


def _prune_reason(path: Path, config: MineConfig) -> Skip | None:
    name = path.name
    if name.startswith("."):
        return Skip.HIDDEN
    if (path / "pyvenv.cfg").exists():
        return Skip.VIRTUALENV
    if name in SITE_DIRS:
        return Skip.SITE_PACKAGES
    if name in BUILD_DIRS or name.endswith(".egg-info"):
        return Skip.BUILD_OUTPUT
    if name in VENDOR_DIRS and not config.include_vendored:
        return Skip.VENDORED
    if name in TEST_DIRS and not config.include_tests:
        return Skip.TESTS
    return None


def _language(name: str, config: MineConfig) -> str | None:
    """The language a file is mined as (by its extension, among ``config.languages``)."""
    if name.endswith(".d.ts"):
        return None  # TypeScript declarations: types, no code
    language = language_for(name)
    return language.name if language is not None and language.name in config.languages else None


def is_test_file(name: str) -> bool:
    stem = name.rsplit(".", 1)[0]
    return (
        name.startswith("test_")
        or name.endswith("_test.py")
        or name in ("conftest.py", "tests.py")
        or (not name.endswith(".py") and stem.endswith((".test", ".spec", "_test")))
    )


def _file(path: Path, info: os.stat_result, repo: Repo, config: MineConfig) -> FileTask | Skipped:
    if not stat.S_ISREG(info.st_mode):
        return _skipped(path, repo, Skip.NOT_A_FILE, "not a regular file")
    if is_test_file(path.name) and not config.include_tests:
        return _skipped(path, repo, Skip.TESTS, "test file")
    if info.st_size > config.max_file_bytes:
        detail = f"{info.st_size:,} bytes (max {config.max_file_bytes:,})"
        return _skipped(path, repo, Skip.TOO_LARGE, detail)
    if not config.license_allowed(repo.license):
        return _skipped(path, repo, Skip.LICENSE, repo.license or "no licence found")
    return FileTask(
        str(path), _relative(path, repo), repo, _language(path.name, config) or "python"
    )


def _relative(path: Path, repo: Repo) -> str:
    try:
        return path.relative_to(repo.root).as_posix()
    except ValueError:
        return path.name


def _skipped(
    path: Path, repo: Repo, reason: Skip, detail: str = "", is_dir: bool = False
) -> Skipped:
    return Skipped(str(path), _relative(path, repo), repo, reason, detail, is_dir)
