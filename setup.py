"""Build hook: the wheel carries ``prompts/``, ``sandbox/`` and ``Dockerfile.sandbox``.

They stay at the top of the repository (where they are edited, and where a
checkout reads them); at build time they are copied into the package as
``phicode/_data/`` so an installed phicode is the whole tool. What is copied is
``phicode.resources.DATA_FILES``; everything else is in ``pyproject.toml``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
# Read without importing phicode (its dependencies may not be installed at build time).
DATA_FILES = (
    "Dockerfile.sandbox",
    "sandbox/*.py",
    "sandbox/node/*.mjs",
    "sandbox/requirements.txt",
    "prompts/*.j2",
)


class BuildWithData(build_py):
    """``build_py`` that also copies the data folders into ``phicode/_data``."""

    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "phicode" / "_data"
        for pattern in DATA_FILES:
            matches = sorted(ROOT.glob(pattern))
            if not matches:
                raise SystemExit(f"setup.py: nothing matches {pattern} in {ROOT}")
            for source in matches:
                destination = target / source.relative_to(ROOT)
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, destination)


setup(cmdclass={"build_py": BuildWithData})
