"""A real ``phicode serve`` process on loopback, and a small HTTP client for it
(the standard library's: what a trainer's node would send, nothing mocked).
Used by tests/test_serve.py and bench/bench_serve.py."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

TOKEN = "phicode-test-token-0123456789"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Service:
    """A ``phicode serve`` subprocess; ``request`` sends one HTTP request to it."""

    def __init__(self, port: int, process: subprocess.Popen[bytes], log: Path) -> None:
        self.port = port
        self.process = process
        self.log = log

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        token: str | None = TOKEN,
        raw: bytes | None = None,
        timeout: float = 120.0,
    ) -> tuple[int, Any]:
        """(status, decoded JSON or text) of one request on a fresh connection."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        headers = {"Content-Type": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        try:
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
        finally:
            connection.close()
        try:
            return response.status, json.loads(text)
        except ValueError:
            return response.status, text

    def score(self, body: Any, **options: Any) -> tuple[int, Any]:
        return self.request("POST", "/score", body, **options)


@contextlib.contextmanager
def running_service(
    folder: Path, *args: str, env: dict[str, str] | None = None, ready_s: float = 120.0
) -> Iterator[Service]:
    """``phicode serve ARGS`` on a free port until the block ends (then SIGINT, as Ctrl-C)."""
    port = free_port()
    log = folder / f"serve-{port}.log"
    environment = {**os.environ, "PHICODE_TOKEN": TOKEN, **(env or {})}
    command = [sys.executable, "-m", "phicode.cli", "serve", "--port", str(port), *args]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=environment)
    service = Service(port, process, log)
    try:
        _wait_ready(service, ready_s)
        yield service
    finally:
        process.send_signal(2)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_ready(service: Service, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if service.process.poll() is not None:
            raise RuntimeError(f"phicode serve exited: {service.log.read_text()}")
        with contextlib.suppress(OSError):
            status, _ = service.request("GET", "/health", timeout=5)
            if status in (200, 503):
                return
        time.sleep(0.2)
    raise RuntimeError(f"phicode serve did not start in {seconds:g} s: {service.log.read_text()}")


def hang_up_mid_body(port: int) -> None:
    """Promise 1,000 bytes of body, send 10, hang up."""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(
            b"POST /score HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n"
            + f"Authorization: Bearer {TOKEN}\r\n\r\n".encode()
            + b'{"pair": {'
        )


def hang_up_mid_scoring(port: int, body: Any, wait_s: float = 0.5) -> None:
    """Send a whole request, then hang up while its answers are judged."""
    data = json.dumps(body).encode()
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(
            b"POST /score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + f"Authorization: Bearer {TOKEN}\r\nContent-Length: {len(data)}\r\n\r\n".encode()
            + data
        )
        time.sleep(wait_s)
