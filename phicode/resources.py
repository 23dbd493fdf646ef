"""Where the files that are not Python modules live: ``prompts/``, ``sandbox/``,
``Dockerfile.sandbox``.

They are kept at the top of the repository, where people edit them. A wheel
carries a copy inside the package (``phicode/_data/``, made by ``setup.py`` at
build time from those same folders, never kept by hand), so that an installed
phicode (``pip install`` of a wheel, a git URL, or a pre-commit hook) builds the
same sandbox image, with the same harness hash, and loads the same prompts as a
checkout. A checkout (an editable install, the test suite) reads the top-level
folders directly, so an edit there takes effect at once.
"""

from __future__ import annotations

from pathlib import Path

from phicode.errors import SandboxError

PACKAGE = Path(__file__).resolve().parent
BUNDLED = PACKAGE / "_data"  # what setup.py copies into a wheel
DOCKERFILE = "Dockerfile.sandbox"
#: What goes into the wheel, relative to the repository root; setup.py holds the same
#: tuple (it cannot import phicode at build time) and a test checks that they agree.
DATA_FILES = (
    DOCKERFILE,
    "sandbox/*.py",
    "sandbox/node/*.mjs",
    "sandbox/requirements.txt",
    "prompts/*.j2",
)


def _complete(root: Path) -> bool:
    return (
        (root / DOCKERFILE).is_file()
        and (root / "sandbox" / "server.py").is_file()
        and (root / "prompts").is_dir()
    )


def data_root() -> Path:
    """The folder holding ``prompts/``, ``sandbox/`` and ``Dockerfile.sandbox``: the
    checkout beside the package when there is one, else the copy inside the package."""
    for root in (PACKAGE.parent, BUNDLED):
        if _complete(root):
            return root
    raise SandboxError(
        f"{DOCKERFILE}, sandbox/ and prompts/ were found neither beside the phicode package "
        f"({PACKAGE.parent}) nor inside it ({BUNDLED}): reinstall phicode from a wheel or a "
        "checkout"
    )
