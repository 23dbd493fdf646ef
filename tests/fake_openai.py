"""A real OpenAI-compatible HTTP server for tests and benchmarks, answering from a script.

``FakeServer(answer)`` listens on 127.0.0.1; ``answer(request)`` returns a
:class:`Reply` (status, body, headers, delay) or one of the actions ``"hang"``
(sleep past any client timeout) and ``"drop"`` (close the connection without
answering). The server counts requests and the most it had in flight at once.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # dict -> JSON; str -> as is
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0


@dataclass
class Request:
    method: str
    path: str
    body: dict[str, Any]
    number: int  # 1-based, across all requests

    @property
    def prompt(self) -> str:
        return self.body.get("messages", [{}])[-1].get("content", "")


def completion(text: str, tokens: int = 5) -> dict[str, Any]:
    return {
        "id": "cmpl-1",
        "object": "chat.completion",
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": 10, "completion_tokens": tokens, "total_tokens": 10 + tokens},
    }


Answer = Callable[[Request], "Reply | str"]


def by_prompt(rules: list[tuple[str, str]], default: str) -> Answer:
    """A scripted model: the text of the first rule whose marker the prompt contains
    (a task's own words: ``"Solve this programming exercise"``), else ``default``."""

    def answer(request: Request) -> Reply:
        prompt = request.prompt
        text = next((text for marker, text in rules if marker in prompt), default)
        return Reply(body=completion(text))

    return answer


class FakeServer:
    """Use as a context manager; ``url`` is the API root (``…/v1``)."""

    def __init__(self, answer: Answer, models: tuple[str, ...] = ("fake-model",)) -> None:
        self.answer = answer
        self.models = models
        self.requests: list[Request] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> FakeServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                # Headers and body go out in two writes; without NODELAY, Nagle plus the
                # client's delayed ACK adds ~40 ms to every answer (real servers set it).
                self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                if self.path.rstrip("/").endswith("/v1/models"):
                    self._send(
                        Reply(body={"object": "list", "data": [{"id": m} for m in server.models]})
                    )
                else:
                    self._send(Reply(404, {"error": {"message": "not found"}}))

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                with server._lock:
                    request = Request("POST", self.path, body, len(server.requests) + 1)
                    server.requests.append(request)
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                try:
                    if not self.path.endswith("/v1/chat/completions"):
                        self._send(Reply(404, {"error": {"message": f"no route {self.path}"}}))
                        return
                    reply = server.answer(request)
                    if reply == "hang":
                        time.sleep(30)
                        return
                    if reply == "drop":
                        self.close_connection = True
                        return
                    assert isinstance(reply, Reply)
                    if reply.delay_s:
                        time.sleep(reply.delay_s)
                    self._send(reply)
                finally:
                    with server._lock:
                        server.in_flight -= 1

            def _send(self, reply: Reply) -> None:
                data = reply.body if isinstance(reply.body, str) else json.dumps(reply.body)
                raw = data.encode()
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(raw)

        return Handler
