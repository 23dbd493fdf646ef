"""Any OpenAI-compatible server (vLLM, llama.cpp server, Ollama, …) over HTTP.

Stdlib only: one keep-alive connection per worker thread, ``concurrency``
requests in flight. Transient trouble is retried with exponential backoff
(honouring ``Retry-After``): HTTP 429 and 5xx, a dropped or reset connection, a
request that timed out. Mistakes are not retried and say what to change: a
refused connection or unknown host (``--base-url``), 404 (the path usually ends
in ``/v1``), an unknown model (lists what the server serves), 401/403 (the API
key), and a response that is not a chat completion.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from phicode.errors import BackendError
from phicode.generate.backends.base import ModelBackend, sample_seeds
from phicode.generate.config import GenerationParams

RETRY_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504})
MAX_BACKOFF_S = 20.0


class _Retry(Exception):
    """A transient failure; ``after`` is the server's Retry-After, if any."""

    def __init__(self, message: str, after: float | None = None) -> None:
        super().__init__(message)
        self.after = after


class OpenAIBackend(ModelBackend):
    """Chat completions from a server, many at once."""

    name = "openai"

    def __init__(
        self,
        base_url: str,
        model: str | None = None,
        *,
        api_key: str | None = None,
        concurrency: int = 8,
        timeout_s: float = 120.0,
        retries: int = 4,
        backoff_s: float = 0.5,
    ) -> None:
        parts = urlsplit(base_url.rstrip("/"))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise BackendError(
                f"--base-url {base_url!r}: expected http(s)://HOST[:PORT]/PATH, "
                "e.g. http://127.0.0.1:8000/v1"
            )
        self.base_url = base_url.rstrip("/")
        self._parts = parts
        self._model = model
        self.api_key = api_key if api_key is not None else os.environ.get("OPENAI_API_KEY")
        self.concurrency = concurrency
        self.timeout_s = timeout_s
        self.retries = retries
        self.backoff_s = backoff_s
        self._local = threading.local()
        self._executor: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()
        self.generated_tokens = 0
        self.requests = 0

    # -- public

    @property
    def model(self) -> str:
        if self._model is None:
            served = self.served_models()
            if not served:
                raise BackendError(f"{self.base_url}/models lists no model; pass --model NAME")
            self._model = served[0]
        return self._model

    def served_models(self) -> list[str]:
        """The model ids ``GET /models`` lists."""
        status, body, _ = self._send("GET", "/models", None)
        if status != 200:
            raise BackendError(f"GET {self.base_url}/models answered HTTP {status}: {_short(body)}")
        try:
            return [str(m["id"]) for m in json.loads(body)["data"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise BackendError(
                f"GET {self.base_url}/models: malformed answer: {_short(body)}"
            ) from exc

    def generate(self, prompts: list[str], params: GenerationParams) -> list[str]:
        if not prompts:
            return []
        model = self.model
        executor = self._pool()
        futures = [
            executor.submit(self._complete, model, prompt, replace(params, seed=seed))
            for prompt, seed in zip(prompts, sample_seeds(prompts, params), strict=True)
        ]
        try:
            return [future.result() for future in futures]
        finally:
            for future in futures:
                future.cancel()

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    # -- one request, with retries

    def _pool(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(
                    max_workers=self.concurrency, thread_name_prefix="openai"
                )
            return self._executor

    def _complete(self, model: str, prompt: str, params: GenerationParams) -> str:
        body: dict[str, Any] = {
            "model": model,
            "messages": [{"role": "user", "content": prompt}],
            "max_tokens": params.max_new_tokens,
            "temperature": params.temperature,
            "top_p": params.top_p,
            "seed": params.seed,
        }
        if params.stop:
            body["stop"] = list(params.stop)
        last = ""
        for attempt in range(self.retries + 1):
            try:
                return self._once(model, body)
            except _Retry as exc:
                last = str(exc)
                if attempt < self.retries:
                    time.sleep(self._delay(attempt, exc.after))
        raise BackendError(f"{self.base_url}: gave up after {self.retries + 1} tries: {last}")

    def _delay(self, attempt: int, after: float | None) -> float:
        if after is not None:
            return min(after, MAX_BACKOFF_S)
        return min(self.backoff_s * 2**attempt, MAX_BACKOFF_S) * (0.5 + random.random() / 2)

    def _once(self, model: str, body: dict[str, Any]) -> str:
        status, text, headers = self._send("POST", "/chat/completions", json.dumps(body).encode())
        if status == 200:
            return self._content(text)
        if status in RETRY_STATUS:
            raise _Retry(f"HTTP {status}: {_short(text)}", _retry_after(headers.get("retry-after")))
        raise self._mistake(status, text, model)

    def _content(self, text: str) -> str:
        try:
            data = json.loads(text)
            content = data["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise BackendError(
                f"{self.base_url}/chat/completions: malformed response "
                f"(no choices[0].message.content): {_short(text)}"
            ) from None
        if content is None:
            content = ""
        if not isinstance(content, str):
            raise BackendError(
                f"{self.base_url}/chat/completions: malformed response: content is not text"
            )
        usage = data.get("usage") if isinstance(data, dict) else None
        with self._lock:
            self.requests += 1
            if isinstance(usage, dict) and isinstance(usage.get("completion_tokens"), int):
                self.generated_tokens += usage["completion_tokens"]
        return content

    def _mistake(self, status: int, text: str, model: str) -> BackendError:
        lowered = text.lower()
        if "model" in lowered and (
            "not found" in lowered or "does not exist" in lowered or status == 404
        ):
            return BackendError(
                f"model {model!r} is not served at {self.base_url}{self._served_hint()}"
            )
        if status == 404:
            return BackendError(
                f"{self.base_url}/chat/completions: HTTP 404; is --base-url right? "
                "OpenAI-compatible servers usually serve under /v1"
            )
        if status in (401, 403):
            return BackendError(
                f"{self.base_url}: HTTP {status}, authentication failed; set OPENAI_API_KEY"
            )
        return BackendError(f"{self.base_url}/chat/completions: HTTP {status}: {_short(text)}")

    def _served_hint(self) -> str:
        try:
            served = self.served_models()
        except BackendError:
            return ""
        return f" (it serves: {', '.join(served)})" if served else ""

    # -- HTTP

    def _send(
        self, method: str, path: str, payload: bytes | None
    ) -> tuple[int, str, dict[str, str]]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        url_path = (self._parts.path or "") + path
        connection = self._connection()
        try:
            connection.request(method, url_path, body=payload, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            return response.status, text, {k.lower(): v for k, v in response.getheaders()}
        except (ConnectionRefusedError, socket.gaierror) as exc:
            self._drop_connection()
            what = (
                "connection refused" if isinstance(exc, ConnectionRefusedError) else "unknown host"
            )
            raise BackendError(
                f"cannot reach {self.base_url}: {what}; is the server running and --base-url right?"
            ) from exc
        except TimeoutError as exc:
            self._drop_connection()
            raise _Retry(f"no answer within {self.timeout_s:g} s") from exc
        except (http.client.HTTPException, ConnectionError, OSError) as exc:
            self._drop_connection()
            raise _Retry(f"connection dropped ({type(exc).__name__}: {exc})") from exc

    def _connection(self) -> http.client.HTTPConnection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            kind = (
                http.client.HTTPSConnection
                if self._parts.scheme == "https"
                else http.client.HTTPConnection
            )
            connection = kind(self._parts.hostname, self._parts.port, timeout=self.timeout_s)
            self._local.connection = connection
        return connection

    def _drop_connection(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None


def _retry_after(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
