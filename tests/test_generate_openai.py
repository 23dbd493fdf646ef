"""The openai backend against a real HTTP server on 127.0.0.1 (tests/fake_openai.py)."""

from __future__ import annotations

import json
import socket
import time
from collections import Counter

import pytest
from fake_openai import FakeServer, Reply, Request, completion
from generate_corpus import snippet

from phicode.cli import main
from phicode.errors import BackendError
from phicode.generate.backends.openai import OpenAIBackend
from phicode.generate.config import GenerationParams, RepairConfig
from phicode.generate.oracle import complete as oracle_complete
from phicode.generate.synth import Synthesizer
from tests.ci import skip_unless_ci

PARAMS = GenerationParams(max_new_tokens=64, temperature=0.0, seed=7)


def echo(request: Request) -> Reply:
    return Reply(body=completion(f"echo: {request.prompt}"))


def backend(server: FakeServer, **kwargs) -> OpenAIBackend:
    kwargs.setdefault("backoff_s", 0.01)
    return OpenAIBackend(server.url, kwargs.pop("model", "fake-model"), **kwargs)


def test_answers_come_back_in_order_with_the_sampling_settings() -> None:
    with FakeServer(echo) as server, backend(server) as client:
        answers = client.generate([f"p{i}" for i in range(5)], PARAMS)
    assert answers == [f"echo: p{i}" for i in range(5)]
    body = next(r.body for r in server.requests if r.prompt == "p0")
    assert body["model"] == "fake-model"
    assert (body["max_tokens"], body["temperature"], body["seed"]) == (64, 0.0, 7)
    assert body["messages"] == [{"role": "user", "content": "p0"}]
    assert client.generated_tokens == 25


def test_the_configured_concurrency_is_reached_and_not_exceeded() -> None:
    def slow(request: Request) -> Reply:
        return Reply(body=completion("ok"), delay_s=0.2)

    with FakeServer(slow) as server, backend(server, concurrency=6) as client:
        started = time.monotonic()
        client.generate(["x"] * 18, PARAMS)
        elapsed = time.monotonic() - started
    assert server.max_in_flight == 6
    assert elapsed < 0.2 * 18 / 6 + 0.5  # three waves, not eighteen


def test_429_and_500_are_retried_with_backoff() -> None:
    failures = Counter()

    def flaky(request: Request) -> Reply:
        failures[request.prompt] += 1
        if failures[request.prompt] == 1:
            return Reply(429, {"error": {"message": "slow down"}}, headers={"Retry-After": "0"})
        if failures[request.prompt] == 2:
            return Reply(500, {"error": {"message": "boom"}})
        return Reply(body=completion("finally"))

    with FakeServer(flaky) as server, backend(server) as client:
        assert client.generate(["a", "b"], PARAMS) == ["finally", "finally"]
    assert len(server.requests) == 6


def test_a_dropped_connection_is_retried() -> None:
    def drop_first(request: Request) -> Reply | str:
        return "drop" if request.number == 1 else Reply(body=completion("after drop"))

    with FakeServer(drop_first) as server, backend(server) as client:
        assert client.generate(["a"], PARAMS) == ["after drop"]
    assert len(server.requests) == 2


def test_persistent_5xx_gives_up_with_the_last_error() -> None:
    with (
        FakeServer(lambda r: Reply(503, {"error": {"message": "overloaded"}})) as server,
        backend(server, retries=2) as client,
        pytest.raises(BackendError) as error,
    ):
        client.generate(["a"], PARAMS)
    assert len(server.requests) == 3
    assert "gave up after 3 tries: HTTP 503" in str(error.value)


def test_a_hung_server_times_out() -> None:
    started = time.monotonic()
    with (
        FakeServer(lambda r: "hang") as server,
        backend(server, timeout_s=0.3, retries=1) as client,
        pytest.raises(BackendError) as error,
    ):
        client.generate(["a"], PARAMS)
    assert time.monotonic() - started < 3
    assert "no answer within 0.3 s" in str(error.value)


@pytest.mark.parametrize(
    "body",
    ["this is not json", {"choices": []}, {"choices": [{"message": {}}]}, {"object": "error"}],
)
def test_malformed_responses_are_clear_errors(body: object) -> None:
    with (
        FakeServer(lambda r: Reply(body=body)) as server,
        backend(server) as client,
        pytest.raises(BackendError) as error,
    ):
        client.generate(["a"], PARAMS)
    assert "malformed response" in str(error.value)
    assert len(server.requests) == 1  # not retried: it would only repeat


def test_connection_refused_says_so_at_once() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = OpenAIBackend(f"http://127.0.0.1:{port}/v1", "m", backoff_s=0.01)
    started = time.monotonic()
    with pytest.raises(
        BackendError, match="connection refused; is the server running and --base-url right"
    ):
        client.generate(["a"], PARAMS)
    assert time.monotonic() - started < 1


def test_a_wrong_path_points_at_v1() -> None:
    with FakeServer(echo) as server:
        client = OpenAIBackend(server.url.removesuffix("/v1"), "m")
        with pytest.raises(BackendError, match="usually serve under /v1"):
            client.generate(["a"], PARAMS)


def test_an_unknown_model_lists_what_the_server_serves() -> None:
    def strict(request: Request) -> Reply:
        if request.body["model"] != "served-model":
            return Reply(404, {"error": {"message": f"model '{request.body['model']}' not found"}})
        return Reply(body=completion("ok"))

    with FakeServer(strict, models=("served-model", "other")) as server:
        with pytest.raises(BackendError) as error:
            OpenAIBackend(server.url, "nope").generate(["a"], PARAMS)
        assert "model 'nope' is not served at" in str(error.value)
        assert "(it serves: served-model, other)" in str(error.value)
        client = OpenAIBackend(server.url)  # no --model: the server's first
        assert client.model == "served-model"
        assert client.generate(["a"], PARAMS) == ["ok"]


def test_a_bad_base_url_is_rejected_before_any_request() -> None:
    with pytest.raises(BackendError, match="expected http"):
        OpenAIBackend("localhost:8000")


# --- the whole synth path with a scripted "model" behind the server ------------------

GOOD_TESTS = """```python
from solution import gcd

def test_small():
    assert gcd(12, 18) == 6

def test_zero():
    assert gcd(0, 5) == 5
```"""
WRONG_TESTS = GOOD_TESTS.replace("== 6", "== 3").replace("== 5", "== 0")
# The repair loop on the model's own tests, as before the oracle became the default.
MODEL_TESTS_ONLY = {"oracle_tests": False, "restate": False}
QUESTION = "Write a Python function `gcd(a: int, b: int) -> int` returning the greatest common divisor of a and b."


def scripted(tests_first: str):
    def answer(request: Request) -> Reply:
        prompt = request.prompt
        if "Write the exercise a teacher would give" in prompt:
            return Reply(body=completion(QUESTION))
        if "Some of these pytest tests fail" in prompt:
            assert (
                "gcd(12, 18) == 3" in prompt and "FAILED" in prompt
            )  # the failing output went back
            return Reply(body=completion(GOOD_TESTS))
        return Reply(body=completion(tests_first))

    return answer


@pytest.mark.docker
def test_synth_over_http_passes_first_time(sandbox_pool) -> None:
    with FakeServer(scripted(GOOD_TESTS)) as server, backend(server) as client:
        synthesizer = Synthesizer.for_backend(client, sandbox_pool, **MODEL_TESTS_ONLY)
        pair = synthesizer.synthesize(snippet("gcd"))
    assert pair.verification.passed, pair
    assert pair.question.strip() == QUESTION
    assert pair.generator.backend == "openai" and pair.generator.model == "fake-model"
    assert pair.generator.prompt == "question@3+tests@3"
    assert pair.verification.attempts == 1


@pytest.mark.docker
def test_failing_tests_go_back_to_the_model_and_come_back_fixed(sandbox_pool) -> None:
    with FakeServer(scripted(WRONG_TESTS)) as server, backend(server) as client:
        synthesizer = Synthesizer.for_backend(
            client, sandbox_pool, repair=RepairConfig(rounds=2), **MODEL_TESTS_ONLY
        )
        pair = synthesizer.synthesize(snippet("gcd"))
    assert pair.verification.passed, pair
    assert pair.verification.attempts == 2
    assert pair.generator.prompt == "question@3+tests@3+repair@1"
    assert "gcd(12, 18) == 6" in pair.tests
    assert "model repair round 1" in pair.verification.detail


@pytest.mark.docker
def test_tests_that_stay_wrong_are_rejected_after_the_rounds(sandbox_pool) -> None:
    def stubborn(request: Request) -> Reply:
        if "Write the exercise a teacher would give" in request.prompt:
            return Reply(body=completion(QUESTION))
        return Reply(body=completion(WRONG_TESTS))

    with FakeServer(stubborn) as server, backend(server) as client:
        rejection = Synthesizer.for_backend(
            client, sandbox_pool, repair=RepairConfig(rounds=2), **MODEL_TESTS_ONLY
        ).synthesize(snippet("gcd"))
    assert rejection.reason == "tests_failed"
    assert sum("Some of these pytest tests fail" in r.prompt for r in server.requests) == 2


@pytest.mark.docker
def test_oracle_tests_correct_a_models_wrong_values(sandbox_pool) -> None:
    """With --oracle-tests the model's calls stay and the snippet writes their values."""
    with FakeServer(scripted(WRONG_TESTS)) as server, backend(server) as client:
        synthesizer = Synthesizer.for_backend(
            client, sandbox_pool, repair=RepairConfig(rounds=0), oracle_tests=True
        )
        pair = synthesizer.synthesize(snippet("gcd"))
    assert pair.verification.passed, pair
    assert pair.generator.prompt == f"question@3+tests@3+{oracle_complete.VERSION}"
    assert "gcd(12, 18) == 3" not in pair.tests and "gcd(12, 18) == 6" in pair.tests
    assert "oracle-completed" in pair.verification.detail
    assert "dropped" not in pair.verification.detail


@pytest.mark.docker
def test_cli_synth_with_openai(tmp_path, capsys) -> None:
    snippets = tmp_path / "snippets.jsonl"
    snippets.write_text(json.dumps(snippet("gcd").to_dict()) + "\n")
    out, rejected = tmp_path / "pairs.jsonl", tmp_path / "rejected.jsonl"
    with FakeServer(scripted(GOOD_TESTS)) as server:
        argv = [
            "synth",
            str(snippets),
            "-o",
            str(out),
            "--rejected",
            str(rejected),
            "--backend",
            "openai",
            "--base-url",
            server.url,
            "--workers",
            "1",
            "-q",
        ]
        assert main(argv) == 0
    pairs = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(pairs) == 1 and pairs[0]["verification"]["status"] == "passed"
    assert rejected.read_text() == ""


def test_cli_wrong_url_is_one_line_and_exit_2(tmp_path, capsys) -> None:
    snippets = tmp_path / "snippets.jsonl"
    snippets.write_text(json.dumps(snippet("gcd").to_dict()) + "\n")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    argv = [
        "synth",
        str(snippets),
        "-o",
        str(tmp_path / "o.jsonl"),
        "--backend",
        "openai",
        "--base-url",
        f"http://127.0.0.1:{port}/v1",
        "--model",
        "m",
        "-q",
        "--workers",
        "1",
    ]
    code = main(argv)
    err = capsys.readouterr().err
    if "SandboxError" in err or "EngineUnavailable" in err:
        skip_unless_ci("no sandbox: the pool starts before the backend")
    assert code == 2
    assert err.strip().splitlines() == [
        f"phicode: BackendError: cannot reach http://127.0.0.1:{port}/v1: connection refused; "
        "is the server running and --base-url right?"
    ]
