"""Walking a corpus: skip rules, provenance (git, licence) and hostile files."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import textwrap
from pathlib import Path

import pytest

from phicode.errors import InputError
from phicode.jsonl import read_jsonl
from phicode.mine import (
    Kept,
    MineConfig,
    MineStats,
    Skip,
    detect_license,
    extract,
    mine,
    mine_paths,
)

MIT = (
    "MIT License\n\nPermission is hereby granted, free of charge, to any person obtaining a copy\n"
)
APACHE = "                                 Apache License\n                           Version 2.0, January 2004\n"
GOOD = "def double(x):\n    return x * 2\n"
CONFIG = MineConfig(min_lines=1, min_tokens=1)


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content))
    return root


def mined(paths: list[Path], config: MineConfig = CONFIG) -> tuple[list[Kept], MineStats]:
    stats = MineStats()
    kept = [o for o in mine(paths, config, stats) if isinstance(o, Kept)]
    return kept, stats


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-C", str(root), *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


# --- skip rules ------------------------------------------------------------------------


FOLDERS = {
    "LICENSE": MIT,
    "pkg/core.py": GOOD,
    "pkg/__pycache__/core.cpython-311.py": GOOD,
    ".hidden/a.py": GOOD,
    "env/pyvenv.cfg": "home = /usr/bin\n",
    "env/lib/a.py": GOOD,
    "lib/site-packages/a.py": GOOD,
    "build/lib/a.py": GOOD,
    "dist/a.py": GOOD,
    "pkg.egg-info/a.py": GOOD,
    "vendor/a.py": GOOD,
    "third_party/a.py": GOOD,
    "tests/test_core.py": GOOD,
    "pkg/test_core.py": GOOD,
    "pkg/core_test.py": GOOD,
    "conftest.py": GOOD,
    "notes.txt": "not python",
}


def test_folders_users_never_mine_are_skipped_by_reason(tmp_path: Path) -> None:
    kept, stats = mined([write(tmp_path, FOLDERS)])
    assert [k.snippet.source.path for k in kept] == ["pkg/core.py"]
    assert stats.folders_skipped == {
        Skip.HIDDEN: 1,
        Skip.VIRTUALENV: 1,
        Skip.SITE_PACKAGES: 1,
        Skip.BUILD_OUTPUT: 3,
        Skip.VENDORED: 2,
        Skip.TESTS: 1,
    }
    assert stats.files_skipped == {Skip.TESTS: 3}
    assert (stats.files_seen, stats.files_parsed) == (4, 1)


def test_tests_and_vendored_code_can_be_included(tmp_path: Path) -> None:
    config = MineConfig(min_lines=1, min_tokens=1, include_tests=True, include_vendored=True)
    kept, stats = mined([write(tmp_path, FOLDERS)], config)
    assert [k.snippet.source.path for k in kept] == ["conftest.py"]  # first in walk order
    assert stats.files_parsed == 7 and stats.rejected == {"duplicate": 6}


def test_a_given_hidden_folder_is_still_mined(tmp_path: Path) -> None:
    root = write(tmp_path / ".config", {"LICENSE": MIT, "a.py": GOOD})
    kept, _ = mined([root])
    assert len(kept) == 1


# --- hostile input ---------------------------------------------------------------------


def hostile(root: Path) -> Path:
    write(
        root,
        {
            "LICENSE": MIT,
            "good.py": GOOD,
            "binary.py": b"\x7fELF\x02\x01\x01\x00\x00\x00",
            "latin.py": "def f(x):\n    return 'caf\xe9' + x\n".encode("latin-1"),
            "cookie.py": "# -*- coding: latin-1 -*-\ndef g(x):\n    return 'caf\xe9' + x\n".encode(
                "latin-1"
            ),
            "py2.py": 'def f(x):\n    print "hello", x\n    return x\n',
            "py2_except.py": "def f(x):\n    try:\n        return x\n    except ValueError, e:\n        return e\n",
            "broken.py": "def f(x:\n    return x\n",
            "bad_cookie.py": "# -*- coding: klingon -*-\nX = 1\n",
            "deep.py": "def f(x):\n    return (\n" + "not\n" * 3000 + "x)\n",
        },
    )
    (root / "huge.py").write_bytes(b"VALUE = 1\n" * (5 * 1024 * 1024))  # 50 MB, generated
    os.symlink("loop_b.py", root / "loop_a.py")
    os.symlink("loop_a.py", root / "loop_b.py")
    os.symlink(".", root / "self")
    os.mkfifo(root / "fifo.py")
    return root


def test_hostile_files_are_skipped_with_reasons_and_the_rest_is_mined(tmp_path: Path) -> None:
    root = hostile(tmp_path)
    out, rejected = tmp_path / "out" / "s.jsonl", tmp_path / "out" / "r.jsonl"
    stats = mine_paths([root], out, CONFIG, rejected=rejected)
    entries = sorted(line.record["entry_point"] for line in read_jsonl(out, dict))
    assert entries == ["double", "g"]
    assert stats.files_skipped == {
        Skip.BINARY: 1,
        Skip.INVALID_ENCODING: 2,
        Skip.PYTHON2: 2,
        Skip.SYNTAX_ERROR: 1,
        Skip.TOO_LARGE: 1,
        Skip.TOO_DEEP: 1,
        Skip.SYMLINK_LOOP: 2,
        Skip.NOT_A_FILE: 1,
    }
    assert stats.folders_skipped == {Skip.SYMLINK: 1}
    lines = {
        line.record["path"]: (line.record["rejected"]["reason"], line.record["rejected"]["detail"])
        for line in read_jsonl(rejected, dict)
    }
    assert lines == {
        "bad_cookie.py": ("invalid_encoding", "unknown encoding: klingon"),
        "binary.py": ("binary", "NUL byte at offset 7"),
        "broken.py": ("syntax_error", "line 1: '(' was never closed"),
        "deep.py": ("too_deeply_nested", "nesting too deep to parse"),
        "fifo.py": ("not_a_regular_file", "not a regular file"),
        "huge.py": ("too_large", "52,428,800 bytes (max 1,000,000)"),
        "latin.py": ("invalid_encoding", "not valid utf-8 at byte 25"),
        "loop_a.py": ("symlink_loop", "symbolic link loop"),
        "loop_b.py": ("symlink_loop", "symbolic link loop"),
        "py2.py": (
            "python2",
            "line 2: Missing parentheses in call to 'print'. Did you mean print(...)?",
        ),
        "py2_except.py": ("python2", "line 4: multiple exception types must be parenthesized"),
        "self": ("symlink", "symbolic link to . (not followed)"),
    }


def test_a_file_that_trips_the_extractor_is_skipped_not_fatal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write(tmp_path, {"LICENSE": MIT, "a.py": GOOD, "b.py": GOOD.replace("double", "twice")})
    real = extract.index_module

    def flaky(tree: object, text: str, rel: str = "") -> object:
        if rel == "a.py":
            raise ValueError("boom")
        return real(tree, text, rel)

    monkeypatch.setattr(extract, "index_module", flaky)
    kept, stats = mined([root])
    assert [k.snippet.entry_point for k in kept] == ["twice"]
    assert stats.files_skipped == {Skip.EXTRACT_FAILED: 1}


def test_an_unreadable_file_is_skipped_even_for_root(tmp_path: Path) -> None:
    """chmod 000 does not stop root, so as root the miner runs in a child
    process that has dropped to user nobody, where reading really fails."""
    mine_paths(
        [write(tmp_path / "warm", {"LICENSE": MIT, "a.py": GOOD})], tmp_path / "w.jsonl", CONFIG
    )
    root = Path(tempfile.mkdtemp(prefix="phicode-mine-"))
    try:
        root.chmod(0o777)
        write(
            root, {"LICENSE": MIT, "good.py": GOOD, "secret.py": GOOD.replace("double", "triple")}
        )
        for path in root.iterdir():
            path.chmod(0o644)
        (root / "secret.py").chmod(0)
        out, rejected = root / "s.jsonl", root / "r.jsonl"
        _run_as_nobody(lambda: mine_paths([root], out, CONFIG, rejected=rejected))
        assert [line.record["entry_point"] for line in read_jsonl(out, dict)] == ["double"]
        (line,) = read_jsonl(rejected, dict)
        assert line.record["rejected"]["reason"] == "unreadable"
        assert line.record["rejected"]["detail"] == "Permission denied"
        assert line.record["path"] == "secret.py"
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _run_as_nobody(work: object) -> None:
    if os.geteuid() != 0:
        work()  # type: ignore[operator]
        return
    pid = os.fork()
    if pid == 0:  # child: drop privileges for good, mine, report by exit status
        code = 1
        try:
            os.setgid(65534)
            os.setuid(65534)
            work()  # type: ignore[operator]
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def test_a_missing_path_is_an_input_error_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(InputError, match=f"^{missing}: no such file or directory$"):
        list(mine([tmp_path, missing], CONFIG))


def test_a_single_file_and_overlapping_paths_are_mined_once(tmp_path: Path) -> None:
    root = write(tmp_path, {"LICENSE": MIT, "a.py": GOOD})
    kept, stats = mined([root / "a.py", root, root / "a.py"])
    assert len(kept) == 1 and stats.files_seen == 1


# --- provenance ------------------------------------------------------------------------


def test_git_repository_gives_root_commit_and_remote(tmp_path: Path) -> None:
    repo = write(tmp_path / "tools", {"LICENSE": MIT, "src/pkg/maths.py": GOOD})
    git(repo, "init", "-q")
    git(repo, "remote", "add", "origin", "https://example.com/acme/tools.git")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "first")
    head = git(repo, "rev-parse", "HEAD")
    kept, _ = mined([repo / "src" / "pkg"])  # a path inside the repository
    assert kept[0].snippet.source.to_dict() == {
        "repo": "https://example.com/acme/tools.git",
        "path": "src/pkg/maths.py",
        "commit": head,
        "start_line": 1,
        "end_line": 2,
        "license": "MIT",
    }


def test_an_empty_repository_mines_nothing(tmp_path: Path) -> None:
    repo = tmp_path / "empty"
    repo.mkdir()
    git(repo, "init", "-q")
    kept, stats = mined([repo])
    assert kept == [] and stats.files_seen == 0


def test_nested_repositories_and_licences_apply_below_them(tmp_path: Path) -> None:
    corpus = write(
        tmp_path / "corpus",
        {
            "LICENSE": MIT,
            "one/LICENSE": APACHE,
            "one/a.py": GOOD,
            "two/b.py": "def halve(values):\n    return [v / 2 for v in values]\n",
            "three/c.py": "def shout(text):\n    return text.upper() + '!'\n",
            "three/LICENSE": "SPDX-License-Identifier: BSD-3-Clause\n",
        },
    )
    git(corpus / "two", "init", "-q")
    git(corpus / "two", "add", ".")
    git(corpus / "two", "commit", "-qm", "x")
    kept, _ = mined(
        [corpus], MineConfig(min_lines=1, min_tokens=1, license_allow=frozenset({"any"}))
    )
    found = {k.snippet.entry_point + k.snippet.source.path: k.snippet.source for k in kept}
    sources = sorted((s.repo, s.path, s.license, s.commit is not None) for s in found.values())
    assert sources == [
        ("corpus", "one/a.py", "Apache-2.0", False),
        ("corpus", "three/c.py", "BSD-3-Clause", False),
        ("two", "b.py", None, True),
    ]


@pytest.mark.parametrize(
    ("text", "spdx"),
    [
        (MIT, "MIT"),
        (APACHE, "Apache-2.0"),
        (
            "Redistribution and use in source and binary forms ... Neither the name of",
            "BSD-3-Clause",
        ),
        ("Redistribution and use in source and binary forms, with or without", "BSD-2-Clause"),
        ("GNU GENERAL PUBLIC LICENSE\nVersion 2, June 1991", "GPL-2.0-only"),
        ("GNU GENERAL PUBLIC LICENSE Version 3 ... any later version", "GPL-3.0-or-later"),
        (
            "GNU LESSER GENERAL PUBLIC LICENSE Version 3 (GNU General Public License)",
            "LGPL-3.0-only",
        ),
        (
            "ISC License\nPermission to use, copy, modify, and/or distribute this software for any purpose",
            "ISC",
        ),
        (
            "PYTHON SOFTWARE FOUNDATION LICENSE VERSION 2 ... Permission is hereby granted, free of charge",
            "PSF-2.0",
        ),
        ("This is free and unencumbered software released into the public domain.", "Unlicense"),
        ("Mozilla Public License Version 2.0", "MPL-2.0"),
        ("// SPDX-License-Identifier: MIT OR Apache-2.0", "MIT"),
        ("All rights reserved.", None),
    ],
)
def test_licence_texts_are_named_by_spdx_id(text: str, spdx: str | None) -> None:
    assert detect_license(text) == spdx
