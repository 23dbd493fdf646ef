"""The npm corpus of issue 24's measurement: four permissively licensed utility packages
this project never used, as published (``npm pack``; npm's own registry settings), then
``phicode run`` over the folders that hold their code.

    python bench/js_corpus.py out/js-corpus          # fetch and unpack; prints the folders
    .venv/bin/phicode run $(python bench/js_corpus.py out/js-corpus) \\
        -o out/js-npm/dataset.jsonl --rejected out/js-npm/rejected.jsonl \\
        --state out/js-npm/state --backend template --language js

A package's code is what it ships: ``dist/`` (an ES module per area for radash, one ES
module for d3-array, moderndash and string-ts). The CommonJS, minified and UMD copies of
the same functions are removed first, so each function is mined once.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

# package, version, the folder of its code inside the tarball, files left out there
PACKAGES = (
    ("radash", "12.1.1", "package/dist/esm", ()),
    ("d3-array", "3.2.5", "package/dist", ("d3-array.js", "d3-array.min.js", "d3-array.min.mjs")),
    ("moderndash", "4.0.2", "package/dist", ("index.cjs",)),
    ("string-ts", "2.3.1", "package/dist", ("index.js", "native.js")),
)


def fetch(root: Path) -> list[Path]:
    """Each package unpacked under ``root`` (fetched once); the folders to mine."""
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("bench/js_corpus.py: npm is needed to fetch the packages")
    folders = []
    for name, version, inner, left_out in PACKAGES:
        target = root / f"{name}-{version}"
        if not (target / "package").is_dir():
            target.mkdir(parents=True, exist_ok=True)
            subprocess.run([npm, "pack", f"{name}@{version}", "--silent"], cwd=target, check=True,
                           capture_output=True)  # fmt: skip
            tarball = next(target.glob("*.tgz"))
            with tarfile.open(tarball) as archive:
                archive.extractall(target, filter="data")
            tarball.unlink()
        code = target / inner
        for file in left_out:
            (code / file).unlink(missing_ok=True)
        folders.append(code)
    return folders


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    print(" ".join(str(folder) for folder in fetch(Path(sys.argv[1]))))
