"""A benchmark corpus of real third-party code: four pinned sdists to mine.

Fidelity checks need functions that phicode did not write and that are not
in the standard library. They also need functions a test can call with literal
arguments and whose results it can compare. The four packages below are pure
Python, permissively licensed, built with setuptools (a plain ``setup.py``),
and mostly made of module-level functions that take and return str, int,
float, list, dict or tuple values:

  boltons 24.1.0     BSD-3-Clause  ``boltons/``        101 snippets (77 rejected)
  toolz 1.0.0        BSD-3-Clause  ``toolz/``           59 snippets (41 rejected)
  inflection 0.5.1   MIT           ``inflection/``      10 snippets  (3 rejected)
  stringcase 1.2.0   MIT           ``stringcase.py``    10 snippets  (5 rejected)

That is 180 snippets when each package is mined on its own, and 180 when all
four are mined in one run (no duplicates across packages). Measured with
``phicode mine`` at its default filters. The rejected functions were mostly
unresolved_name, relative_import, near_duplicate and no_return_value.

- boltons: string helpers (``camel2under``, ``ordinalize``, ``bytes2human``,
  ``parse_int_list``, ``format_int_list``, ``strip_ansi``), iterable helpers
  (``chunk_ranges``, ``bucketize``, ``soft_sorted``, ``frange``), numbers
  (``clamp``, ``ceil``, ``floor``), URL quoting and parsing (``parse_qsl``,
  ``resolve_path_parts``). About 70 of the 101 take and return plain values.
  The rest inspect frames, tracebacks, classes or functions
  (``excutils``, ``funcutils``, ``typeutils``).
- toolz: list and dict helpers (``merge``, ``assoc_in``, ``get_in``,
  ``partition_all``, ``frequencies``, ``sliding_window``, ``topk``). About 30
  take plain values. Many others take a function argument or return an
  iterator, so a test has to wrap the call (a lambda, ``list(...)``).
- inflection and stringcase: string case and inflection helpers
  (``underscore``, ``pluralize``, ``ordinal``, ``snakecase``, ``spinalcase``).
  All of them map str to str.

Also looked at and not chosen: python-slugify 8.0.4 (3 snippets), roman 4.2
(2), textdistance 4.6.3 (7, mostly helpers) and nameparser 1.1.3 (LGPL: the
miner skips it). more-itertools, humanize, pyhumps, isbnlib and titlecase
build their sdists with flit, hatchling or poetry. ``pip download
--no-build-isolation`` cannot prepare their metadata unless that backend is
installed.

``fetch`` uses only pip and the standard library. It needs setuptools in the
running interpreter, because pip prepares each sdist's metadata without build
isolation. It skips any sdist already downloaded and any source already
unpacked, so reruns work offline.

    python bench/fidelity_corpus.py /tmp/fidelity-cache   # prints the folders to mine
    phicode mine $(python bench/fidelity_corpus.py /tmp/fidelity-cache) -o corpus.jsonl
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

# (name, exact version, licence, what to mine inside the unpacked sdist: the
# package folder, or the module file for a single-module package)
Package = tuple[str, str, str, str]
PACKAGES: tuple[Package, ...] = (
    ("boltons", "24.1.0", "BSD-3-Clause", "boltons"),
    ("toolz", "1.0.0", "BSD-3-Clause", "toolz"),
    ("inflection", "0.5.1", "MIT", "inflection"),
    ("stringcase", "1.2.0", "MIT", "stringcase.py"),
)
# Issue 22's held-out corpus: packages no earlier measurement (nor a prompt or rule
# written for one) has seen. Mined at the default filters: algorithms 473 snippets
# (arrays, graphs, strings, maths, DP), pydash 87 (list, string and number helpers;
# 104 relative imports rejected), jellyfish 10 (the pure-Python phonetic and
# edit-distance functions of ``_jellyfish.py``). Also looked at: colour 0.1.5 (7),
# webcolors 1.13 (4), python-string-utils 1.0.0 (licence only in setup.py: skipped).
HELDOUT: tuple[Package, ...] = (
    ("algorithms", "1.0.1", "MIT", "algorithms"),
    ("pydash", "8.1.0", "MIT", "src/pydash"),
    ("jellyfish", "0.9.0", "BSD-2-Clause", "jellyfish"),
)
CORPORA: dict[str, tuple[Package, ...]] = {"v1": PACKAGES, "heldout": HELDOUT}

_ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".tar", ".zip")


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _find_sdist(sdists: Path, name: str, version: str) -> Path | None:
    """The downloaded sdist of ``name==version`` in ``sdists``, if there is one."""
    if not sdists.is_dir():
        return None
    prefix = f"{_normalise(name)}-{version}"
    for path in sorted(sdists.iterdir()):
        for suffix in _ARCHIVE_SUFFIXES:
            if path.name.endswith(suffix) and _normalise_stem(path.name[: -len(suffix)]) == prefix:
                return path
    return None


def _normalise_stem(stem: str) -> str:
    """``python_slugify-8.0.4`` for ``python-slugify-8.0.4``: normalise only the name part."""
    name, sep, version = stem.rpartition("-")
    return f"{_normalise(name)}{sep}{version}" if sep else stem


def _download(sdists: Path, name: str, version: str) -> Path:
    found = _find_sdist(sdists, name, version)
    if found is not None:
        return found
    sdists.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--no-binary",
        ":all:",
        "--no-build-isolation",
        f"{name}=={version}",
        "-d",
        str(sdists),
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as error:
        raise SystemExit(
            f"fidelity corpus: cannot run pip for {name}=={version}: {error}"
        ) from None
    if done.returncode != 0:
        lines = [line for line in (done.stderr or done.stdout).splitlines() if line.strip()]
        why = lines[-1].strip() if lines else f"exit status {done.returncode}"
        raise SystemExit(f"fidelity corpus: pip could not download {name}=={version}: {why}")
    found = _find_sdist(sdists, name, version)
    if found is None:
        raise SystemExit(f"fidelity corpus: pip gave no sdist for {name}=={version} in {sdists}")
    return found


def _extract(archive: Path, into: Path) -> None:
    if archive.name.endswith(".zip"):
        with zipfile.ZipFile(archive) as handle:
            handle.extractall(into)  # zipfile drops absolute paths and '..'
        return
    with tarfile.open(archive) as handle:
        if hasattr(tarfile, "data_filter"):
            handle.extractall(into, filter="data")
            return
        root = into.resolve()
        for member in handle.getmembers():
            target = (into / member.name).resolve()
            if root not in target.parents or not (member.isfile() or member.isdir()):
                raise SystemExit(f"fidelity corpus: unsafe entry {member.name!r} in {archive.name}")
        handle.extractall(into)


def _unpack(archive: Path, src: Path, name: str, version: str) -> Path:
    """Unpack into ``src/NAME-VERSION`` (the sdist's own top folder, renamed) unless already there."""
    final = src / f"{name}-{version}"
    if final.is_dir():
        return final
    src.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=src))
    try:
        try:
            _extract(archive, scratch)
        except (OSError, tarfile.TarError, zipfile.BadZipFile) as error:
            raise SystemExit(f"fidelity corpus: cannot unpack {name}=={version}: {error}") from None
        entries = list(scratch.iterdir())
        top = entries[0] if len(entries) == 1 and entries[0].is_dir() else scratch
        top.replace(final)  # whole folder at once: a half-unpacked sdist is never "already there"
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return final


def fetch(cache_dir: Path, packages: tuple[Package, ...] = PACKAGES) -> list[Path]:
    """Download and unpack every package in ``packages``; the paths to mine, in that order.

    Sdists go to ``cache_dir/sdists``, sources to ``cache_dir/src/NAME-VERSION``.
    Both steps are skipped when their result is already there. Raises
    SystemExit with a one-line message naming the package when pip fails.
    """
    cache_dir = Path(cache_dir)
    paths = []
    for name, version, _license, subdir in packages:
        archive = _download(cache_dir / "sdists", name, version)
        root = _unpack(archive, cache_dir / "src", name, version)
        path = root / subdir
        if not path.exists():
            raise SystemExit(f"fidelity corpus: {name}=={version} has no {subdir} in its sdist")
        paths.append(path)
    return paths


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3) or (len(sys.argv) == 3 and sys.argv[2] not in CORPORA):
        raise SystemExit(f"usage: {sys.argv[0]} CACHE_DIR [{'|'.join(CORPORA)}]")
    for found in fetch(Path(sys.argv[1]), CORPORA[sys.argv[2] if len(sys.argv) == 3 else "v1"]):
        print(found)
