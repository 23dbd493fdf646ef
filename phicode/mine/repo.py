"""Provenance: which repository a file belongs to, at which commit, under which licence.

Git is asked through its command line (``rev-parse``), once per repository;
without git, or outside a repository, the commit is null and the folder
given is the repository. The licence is read from the nearest LICENSE or
COPYING file at or above a folder (up to the repository root) and named by
its SPDX id, or null when none is found or recognised.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path

LICENSE_FILES = (
    "LICENSE",
    "LICENSE.txt",
    "LICENSE.md",
    "LICENSE.rst",
    "LICENCE",
    "LICENCE.txt",
    "LICENCE.md",
    "COPYING",
    "COPYING.txt",
    "COPYING.md",
    "LICENSE-MIT",
    "LICENSE.MIT",
)
_LICENSE_NAMES = {name.lower() for name in LICENSE_FILES}
_READ_LIMIT = 64 * 1024

# (SPDX id, phrases that must all appear), most specific first: the LGPL and
# AGPL texts mention the GPL, and Python's LICENSE quotes other licences.
_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("PSF-2.0", ("python software foundation license",)),
    ("AGPL-3.0", ("gnu affero general public license",)),
    ("LGPL-3.0", ("gnu lesser general public license", "version 3")),
    ("LGPL-2.1", ("gnu lesser general public license", "version 2.1")),
    ("GPL-3.0", ("gnu general public license", "version 3")),
    ("GPL-2.0", ("gnu general public license", "version 2")),
    ("MPL-2.0", ("mozilla public license", "2.0")),
    ("Apache-2.0", ("apache license", "version 2.0")),
    ("BSL-1.0", ("boost software license",)),
    ("Unlicense", ("free and unencumbered software released into the public domain",)),
    ("CC0-1.0", ("cc0 1.0 universal",)),
    ("ISC", ("permission to use, copy, modify, and/or distribute this software for any purpose",)),
    ("MIT", ("permission is hereby granted, free of charge",)),
    ("BSD-3-Clause", ("redistribution and use in source and binary forms", "neither the name")),
    (
        "BSD-3-Clause",
        ("redistribution and use in source and binary forms", "names of its contributors"),
    ),
    ("BSD-2-Clause", ("redistribution and use in source and binary forms",)),
    ("Zlib", ("this software is provided 'as-is'", "altered source versions")),
)
_SPDX_LINE = re.compile(r"SPDX-License-Identifier:\s*([A-Za-z0-9.+-]+)")
_GPL_FAMILY = ("GPL-2.0", "GPL-3.0", "LGPL-2.1", "LGPL-3.0", "AGPL-3.0")


@dataclass(frozen=True, slots=True)
class Repo:
    """A repository (or a plain folder standing for one) and what it says about itself."""

    name: str
    root: str
    commit: str | None = None
    license: str | None = None

    def with_license(self, license_id: str | None) -> Repo:
        return replace(self, license=license_id)


def detect_license(text: str) -> str | None:
    """The SPDX id of a licence text, or None when it is not recognised."""
    spdx = _SPDX_LINE.search(text)
    if spdx:
        return spdx.group(1)
    lowered = " ".join(text.lower().split())
    for spdx_id, phrases in _RULES:
        if all(phrase in lowered for phrase in phrases):
            if spdx_id in _GPL_FAMILY:
                later = "any later version" in lowered
                return f"{spdx_id}-or-later" if later else f"{spdx_id}-only"
            return spdx_id
    return None


def license_file(names: list[str]) -> str | None:
    """The licence file among a folder's entry names (first by preference)."""
    present = {name.lower(): name for name in names if name.lower() in _LICENSE_NAMES}
    for candidate in LICENSE_FILES:
        if candidate.lower() in present:
            return present[candidate.lower()]
    return None


def read_license(folder: Path, names: list[str] | None = None) -> str | None:
    """Detect the licence of the LICENSE/COPYING file in ``folder``, if any."""
    if names is None:
        try:
            names = [p.name for p in folder.iterdir()]
        except OSError:
            return None
    found = license_file(names)
    if found is None:
        return package_license(folder) if "package.json" in names else None
    try:
        with (folder / found).open("r", encoding="utf-8", errors="replace") as handle:
            return detect_license(handle.read(_READ_LIMIT))
    except OSError:
        return None


def package_license(folder: Path) -> str | None:
    """The ``license`` an npm package's ``package.json`` declares (an SPDX id), if any:
    where a package as published has no licence file, its manifest says it."""
    try:
        with (folder / "package.json").open("r", encoding="utf-8", errors="replace") as handle:
            manifest = json.loads(handle.read(_READ_LIMIT))
    except (OSError, ValueError):
        return None
    declared = manifest.get("license") if isinstance(manifest, dict) else None
    if isinstance(declared, dict):  # the old {"type": "MIT", "url": ...} form
        declared = declared.get("type")
    return declared.strip() if isinstance(declared, str) and declared.strip() else None


def nearest_license(start: Path, root: Path) -> str | None:
    """The licence of the nearest licence file from ``start`` up to ``root``."""
    folder = start
    while True:
        found = read_license(folder)
        if found is not None or folder == root or folder.parent == folder:
            return found
        if root not in folder.parents:
            return None
        folder = folder.parent


def _git(folder: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-c", "safe.directory=*", "-C", str(folder), *args],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    out = done.stdout.strip()
    return out if done.returncode == 0 and out else None


def git_repo(folder: Path) -> Repo | None:
    """The git repository containing ``folder``, with its HEAD commit (None when empty).

    A folder the repository ignores (a Python install inside a pyenv checkout)
    is not part of it.
    """
    top = _git(folder, "rev-parse", "--show-toplevel")
    if top is None or _git(folder, "check-ignore", "--", ".") is not None:
        return None  # not in a repository, or in a folder the repository ignores
    root = Path(top).resolve()
    commit = _git(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    name = _git(root, "config", "--get", "remote.origin.url") or root.name
    return Repo(name=name, root=str(root), commit=commit)


def repo_for(path: Path) -> Repo:
    """The repository a given path (a folder or a file) belongs to, with its licence.

    Outside git, the nearest folder at or above ``path`` with a licence file
    stands for the repository (``lib/python3.11`` for ``lib/python3.11/json``);
    without one, the folder given does.
    """
    folder = path if path.is_dir() else path.parent
    repo = git_repo(folder)
    if repo is not None:
        return repo.with_license(nearest_license(folder, Path(repo.root)))
    for candidate in (folder, *folder.parents):
        found = read_license(candidate)
        if found is not None:
            return Repo(name=candidate.name or str(candidate), root=str(candidate), license=found)
    return Repo(name=folder.name or str(folder), root=str(folder))
