"""The Docker engine adapter: the only module that imports the docker SDK.

Everything phicode asks of the engine goes through :class:`Engine`: is it
there, which images exist, build one, start a sandbox server container and
talk to it, and reap containers that a killed phicode left behind.

A sandbox container's channel is its attached stdin/stdout: jobs go in as JSON
lines, results come out as JSON lines (``sandbox/protocol.py``). The stream is
multiplexed by the engine (8-byte frame headers); :class:`Channel` undoes that.
Containers are created with ``stdin_once`` and ``auto_remove``: when the phicode
process dies for any reason its end of the socket closes, the server reads EOF,
exits, and the engine removes the container. A kill between create and start
leaves a container that never runs (state ``created``); :meth:`Engine.reap_orphans`
removes it at the next start.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import struct
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docker
import docker.errors
import requests.exceptions

from phicode.errors import EngineUnavailable, SandboxError

LABEL = "phicode"
OWNER_LABEL = "phicode.owner"
START_HINT = (
    "no Docker engine answers. Start one (Linux: 'sudo systemctl start docker' or "
    "'sudo dockerd &'; macOS/Windows: start Docker Desktop), or run 'make setup', which "
    "installs and starts one where it can (root with apt)."
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ContainerSpec:
    """How to start one sandbox server container: image, limits and isolation."""

    image: str
    memory_mb: int
    cpus: float
    pids: int
    tmpfs_mb: int
    uid: int
    labels: dict[str, str] = field(default_factory=dict)


def owner_tag(pid: int | None = None) -> str:
    """``pid:starttime`` of a process, so a reused pid is not taken for its owner."""
    pid = os.getpid() if pid is None else pid
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        start = stat.rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        start = "0"
    return f"{os.uname().nodename}:{pid}:{start}"


def _owner_alive(tag: str) -> bool:
    try:
        node, pid, _start = tag.split(":")
    except ValueError:
        return False
    if node != os.uname().nodename:
        return True  # another machine's container: not ours to judge
    if not pid.isdigit() or not Path(f"/proc/{pid}").exists():
        return False
    return owner_tag(int(pid)) == tag


class Channel:
    """Framed JSON lines over an attached container stream."""

    def __init__(self, sock: Any) -> None:
        self._holder = sock  # keeps the HTTP response (and so the socket) alive
        self._sock: socket.socket = getattr(sock, "_sock", sock)
        self._buffer = bytearray()
        self.stderr_tail = bytearray()

    def send(self, message: dict[str, Any]) -> None:
        data = json.dumps(message, ensure_ascii=True).encode("ascii") + b"\n"
        try:
            self._sock.sendall(data)
        except OSError as exc:
            raise SandboxError(f"sandbox container stopped answering: {exc}") from exc

    def receive(self, timeout: float) -> dict[str, Any] | None:
        """The next JSON line from the container's stdout; None on timeout.

        Raises :class:`SandboxError` when the container's stream ends.
        """
        deadline = time.monotonic() + timeout
        while True:
            newline = self._buffer.find(b"\n")
            if newline >= 0:
                line = bytes(self._buffer[:newline])
                del self._buffer[: newline + 1]
                try:
                    return json.loads(line)
                except ValueError as exc:
                    raise SandboxError(f"sandbox sent an unreadable line: {line[:200]!r}") from exc
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            self._read_frame(remaining)

    def _read_frame(self, timeout: float) -> None:
        header = self._read_exactly(8, timeout)
        if header is None:
            return
        stream, size = struct.unpack(">BxxxL", header)
        payload = self._read_exactly(size, None) or b""
        if stream == 1:
            self._buffer += payload
        else:
            self.stderr_tail = (self.stderr_tail + payload)[-8192:]

    def _read_exactly(self, size: int, timeout: float | None) -> bytes | None:
        data = bytearray()
        self._sock.settimeout(timeout)
        while len(data) < size:
            try:
                chunk = self._sock.recv(size - len(data))
            except TimeoutError:
                if not data:
                    return None
                self._sock.settimeout(None)  # mid-frame: finish it
                continue
            except OSError as exc:
                raise SandboxError(f"sandbox stream broke: {exc}") from exc
            if not chunk:
                detail = self.stderr_tail.decode("utf-8", "replace").strip()[-500:]
                raise SandboxError("sandbox container exited" + (f": {detail}" if detail else ""))
            data += chunk
        return bytes(data)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._sock.close()


@dataclass
class ServerContainer:
    """A running sandbox server container and its channel."""

    id: str
    channel: Channel
    _container: Any

    def kill(self) -> None:
        """Kill and remove the container; quiet if it is already gone."""
        self.channel.close()
        with contextlib.suppress(docker.errors.APIError, requests.exceptions.RequestException):
            self._container.remove(force=True)


class Engine:
    """A connection to a Docker engine, with the few verbs phicode needs."""

    def __init__(self, client: Any) -> None:
        self._client = client

    @classmethod
    def connect(cls, timeout: float = 60.0) -> Engine:
        """Connect or raise :class:`EngineUnavailable` saying how to start one."""
        try:
            client = docker.from_env(timeout=timeout)
            client.ping()
        except (
            docker.errors.DockerException,
            requests.exceptions.RequestException,
            OSError,
        ) as exc:
            raise EngineUnavailable(f"{START_HINT} ({_short(exc)})") from exc
        return cls(client)

    def alive(self) -> bool:
        """Whether the engine answers a ping now."""
        try:
            return bool(self._client.ping())
        except (docker.errors.DockerException, requests.exceptions.RequestException, OSError):
            return False

    def version(self) -> dict[str, str]:
        info = self._client.version()
        return {"version": info.get("Version", "?"), "api": info.get("ApiVersion", "?")}

    def info(self) -> dict[str, Any]:
        return self._client.info()

    # --- images -------------------------------------------------------------------

    def image_labels(self, tag: str) -> dict[str, str] | None:
        """The labels of image ``tag``, or None when it does not exist."""
        try:
            image = self._client.images.get(tag)
        except docker.errors.ImageNotFound:
            return None
        except docker.errors.APIError as exc:
            raise SandboxError(f"cannot inspect image {tag}: {_short(exc)}") from exc
        return dict(image.labels or {})

    def pull(self, tag: str) -> bool:
        """Try to pull ``tag``; False when no registry answers."""
        try:
            self._client.images.pull(tag)
        except (docker.errors.APIError, requests.exceptions.RequestException):
            return False
        return True

    def build(
        self, context: Path, dockerfile: str, tag: str, buildargs: dict[str, str]
    ) -> Iterator[str]:
        """Build an image, yielding log lines; raise :class:`SandboxError` on failure."""
        try:
            for chunk in self._client.api.build(
                path=str(context),
                dockerfile=dockerfile,
                tag=tag,
                buildargs=buildargs,
                rm=True,
                forcerm=True,
                decode=True,
            ):
                if "error" in chunk:
                    raise SandboxError(f"image build failed: {chunk['error'].strip()}")
                if chunk.get("stream"):
                    yield chunk["stream"].rstrip("\n")
        except docker.errors.APIError as exc:
            raise SandboxError(f"image build failed: {_short(exc)}") from exc

    # --- sandbox containers ---------------------------------------------------------------

    def start_server(self, spec: ContainerSpec) -> ServerContainer:
        """Create, attach to and start one sandbox server container."""
        labels = {LABEL: "1", OWNER_LABEL: owner_tag(), **spec.labels}
        api = self._client.api
        try:
            host_config = api.create_host_config(
                network_mode="none",
                read_only=True,
                tmpfs={"/tmp": f"size={spec.tmpfs_mb}m,mode=1777,noexec,nosuid,nodev"},
                ipc_mode="none",
                cap_drop=["ALL"],
                security_opt=["no-new-privileges"],
                mem_limit=f"{spec.memory_mb}m",
                memswap_limit=f"{spec.memory_mb}m",
                pids_limit=spec.pids,
                nano_cpus=int(spec.cpus * 1e9),
                auto_remove=True,
            )
            created = api.create_container(
                spec.image,
                # stdin_open without detach sets StdinOnce: the server sees EOF as
                # soon as phicode's socket closes, whatever killed phicode.
                stdin_open=True,
                detach=False,
                tty=False,
                labels=labels,
                user=f"{spec.uid}:{spec.uid}",
                environment={"LANG": "C.UTF-8"},
                host_config=host_config,
            )
            container = self._client.containers.get(created["Id"])
        except docker.errors.ImageNotFound as exc:
            raise SandboxError(
                f"sandbox image {spec.image} is missing; build it with 'phicode sandbox build'"
            ) from exc
        except (docker.errors.APIError, requests.exceptions.RequestException) as exc:
            raise SandboxError(f"cannot create a sandbox container: {_short(exc)}") from exc
        try:
            sock = container.attach_socket(
                params={"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1}
            )
            container.start()
        except (docker.errors.APIError, requests.exceptions.RequestException) as exc:
            with contextlib.suppress(docker.errors.APIError):
                container.remove(force=True)
            raise SandboxError(f"cannot start a sandbox container: {_short(exc)}") from exc
        return ServerContainer(container.id, Channel(sock), container)

    def list_sandboxes(self) -> list[dict[str, str]]:
        """Every container labelled ``phicode=1``, running or not.

        One list call that carries labels and state: listing and then inspecting
        each container races with containers the engine is auto-removing.
        """
        found = self._client.api.containers(all=True, filters={"label": f"{LABEL}=1"})
        return [
            {
                "id": c["Id"],
                "owner": (c.get("Labels") or {}).get(OWNER_LABEL, ""),
                "status": c.get("State", ""),
            }
            for c in found
        ]

    def reap_orphans(self) -> int:
        """Remove sandbox containers whose owning phicode process is gone."""
        removed = 0
        for container in self.list_sandboxes():
            if _owner_alive(container["owner"]):
                continue
            with contextlib.suppress(docker.errors.APIError, requests.exceptions.RequestException):
                self._client.api.remove_container(container["id"], force=True)
                removed += 1
        return removed


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[-1][:300] if text else type(exc).__name__
