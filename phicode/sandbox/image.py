"""Building the sandbox image from ``Dockerfile.sandbox`` and ``sandbox/``.

The image is labelled with a hash of everything that goes into it, so a build
is skipped (quietly) when the image is current and redone when the harness
changes. Python packages are downloaded as wheels on the host and installed
offline in the build, so the build itself needs no network.

The base image: ``--base-image`` when given; otherwise the registry default
(``python:3.11-slim``) when it is present or can be pulled; otherwise a local
Debian base made with debootstrap and ``docker import``
(``scripts/build-base-image.sh``; needs root and apt).
"""

from __future__ import annotations

import hashlib
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from phicode.errors import SandboxError
from phicode.resources import DOCKERFILE, data_root
from phicode.sandbox.engine import Engine
from phicode.sandbox.pool import DEFAULT_IMAGE

REGISTRY_BASE = "python:3.11-slim"
LOCAL_BASE = "phicode-base:bookworm-node"  # python3 and Node.js (Debian's nodejs)
HARNESS_LABEL = "phicode.harness"
ESBUILD_VERSION = "0.25.12"  # strips TypeScript's types in the sandbox; part of the harness hash


@dataclass(frozen=True, slots=True)
class BuildResult:
    tag: str
    base_image: str
    harness_hash: str
    built: bool  # False when the image was already current


def source_root() -> Path:
    """The folder holding Dockerfile.sandbox and sandbox/: a checkout or the copy in the
    installed wheel (:func:`phicode.resources.data_root`); the harness hash is the same."""
    return data_root()


def _harness_files(root: Path) -> list[Path]:
    files = [
        root / DOCKERFILE,
        *sorted((root / "sandbox").glob("*.py")),
        *sorted((root / "sandbox" / "node").glob("*.mjs")),
        root / "sandbox" / "requirements.txt",
    ]
    return [f for f in files if f.is_file()]


def harness_hash(root: Path | None = None) -> str:
    """A hash of every file that goes into the image."""
    root = root or source_root()
    digest = hashlib.sha256(f"esbuild {ESBUILD_VERSION}\0".encode())
    for path in _harness_files(root):
        digest.update(
            path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0"
        )
    return digest.hexdigest()[:16]


def build_image(
    engine: Engine,
    tag: str = DEFAULT_IMAGE,
    base_image: str | None = None,
    force: bool = False,
    say: Callable[[str], None] = lambda line: None,
) -> BuildResult:
    """Build the sandbox image unless it is already current."""
    root = source_root()
    digest = harness_hash(root)
    labels = engine.image_labels(tag)
    if not force and labels is not None and labels.get(HARNESS_LABEL) == digest:
        return BuildResult(tag, labels.get("phicode.base", "?"), digest, built=False)
    base = _choose_base(engine, base_image, root, say)
    say(f"building {tag} from {base} ...")
    with tempfile.TemporaryDirectory(prefix="phicode-image-") as context_dir:
        context = Path(context_dir)
        _assemble_context(root, context, _wheels(root, engine, say), _esbuild(root, engine, say))
        for line in engine.build(
            context, DOCKERFILE, tag, buildargs={"BASE_IMAGE": base, "HARNESS_HASH": digest}
        ):
            if line.strip():
                say(line)
    return BuildResult(tag, base, digest, built=True)


def _choose_base(
    engine: Engine, requested: str | None, root: Path, say: Callable[[str], None]
) -> str:
    if requested:
        if engine.image_labels(requested) is None and not engine.pull(requested):
            raise SandboxError(f"base image {requested} is neither present nor pullable")
        return requested
    for candidate in (REGISTRY_BASE, LOCAL_BASE):
        if engine.image_labels(candidate) is not None:
            return candidate
    say(f"trying to pull {REGISTRY_BASE} ...")
    if engine.pull(REGISTRY_BASE):
        return REGISTRY_BASE
    say("no registry answers; making a local Debian base with debootstrap ...")
    script = root / "scripts" / "build-base-image.sh"
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise SandboxError(
            f"no registry answers and {LOCAL_BASE} cannot be made here (needs root and apt); "
            "pass --base-image with an image that has python3.11"
        )
    done = subprocess.run(["bash", str(script), LOCAL_BASE], capture_output=True, text=True)
    if done.returncode != 0:
        raise SandboxError(f"making the local base image failed: {done.stderr.strip()[-500:]}")
    return LOCAL_BASE


def _wheel_platforms(engine: Engine) -> list[str]:
    machine = str(engine.info().get("Architecture") or platform.machine())
    arch = "aarch64" if machine in ("aarch64", "arm64") else "x86_64"
    return [f"manylinux_2_{n}_{arch}" for n in (28, 17)] + [f"manylinux2014_{arch}"]


def _wheels(root: Path, engine: Engine, say: Callable[[str], None]) -> Path:
    """Wheels for the image's requirements, downloaded once per requirements file."""
    requirements = root / "sandbox" / "requirements.txt"
    platforms = _wheel_platforms(engine)
    key = hashlib.sha256(requirements.read_bytes() + " ".join(platforms).encode()).hexdigest()[:12]
    target = root / ".build" / f"wheels-{key}"
    if (target / ".complete").exists():
        return target
    say("downloading wheels for the sandbox image ...")
    target.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--quiet",
        "--disable-pip-version-check",
        "--only-binary=:all:",
        "--python-version",
        "3.11",
        "--implementation",
        "cp",
        "--dest",
        str(target),
        "-r",
        str(requirements),
        "pip",
    ]
    for tag in platforms:
        command += ["--platform", tag]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise SandboxError(f"downloading the sandbox wheels failed: {done.stderr.strip()[-800:]}")
    shutil.copy(requirements, target / "requirements.txt")
    (target / ".complete").touch()
    return target


def _esbuild(root: Path, engine: Engine, say: Callable[[str], None]) -> Path | None:
    """The esbuild binary for the image's platform, from its npm package (``npm pack``,
    so npm's own registry settings apply), fetched once; None without npm."""
    arch = "arm64" if _wheel_platforms(engine)[0].endswith("aarch64") else "x64"
    package = f"@esbuild/linux-{arch}@{ESBUILD_VERSION}"
    target = root / ".build" / f"esbuild-{ESBUILD_VERSION}-{arch}"
    binary = target / "package" / "bin" / "esbuild"
    if binary.is_file():
        return binary
    npm = shutil.which("npm")
    if npm is None:
        say("no npm here: the image gets no esbuild, so TypeScript jobs cannot run")
        return None
    say(f"fetching {package} for TypeScript jobs ...")
    target.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [npm, "pack", package, "--silent"], cwd=target, capture_output=True, text=True
    )
    tarballs = sorted(target.glob("*.tgz"))
    if done.returncode != 0 or not tarballs:
        say(f"npm pack {package} failed ({done.stderr.strip()[-300:]}): no TypeScript jobs")
        return None
    with tarfile.open(tarballs[0]) as archive:
        archive.extract("package/bin/esbuild", target, filter="data")
    binary.chmod(0o755)
    return binary


def _assemble_context(root: Path, context: Path, wheels: Path, esbuild: Path | None) -> None:
    shutil.copy(root / DOCKERFILE, context / DOCKERFILE)
    shutil.copytree(
        root / "sandbox", context / "sandbox", ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
    )
    shutil.copytree(wheels, context / "wheels", ignore=shutil.ignore_patterns(".complete"))
    tools = context / "tools"
    tools.mkdir()
    if esbuild is not None:
        shutil.copy(esbuild, tools / "esbuild")
    else:
        (tools / "NO-ESBUILD").write_text("npm was not there when this image was built\n")
