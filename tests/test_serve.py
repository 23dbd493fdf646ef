"""``phicode serve``: a real service process on loopback, real containers behind it.

Right answers score 1 and wrong ones 0; bad input is a 4xx naming the problem and
leaves the service serving; a full queue, a passed deadline and an unreachable
engine are 503s, never scores; the service serves again once the engine is back
(the engine is cut off for the service alone, through tests/engine_proxy.py)."""

from __future__ import annotations

import json
import math
import threading
import time
from pathlib import Path

import pytest

from phicode.records import Pair
from phicode.serve.gate import Gate, Limits, Refused, deadline_of
from phicode.serve.tasks import BadRequest, read_request
from tests.engine_proxy import EngineProxy
from tests.serve_client import hang_up_mid_body, hang_up_mid_scoring, running_service

PAIR = json.loads(
    (Path(__file__).parent / "fixtures" / "make_run" / "dataset.jsonl").read_text().splitlines()[0]
)
RIGHT = f"```python\n{PAIR['solution']}```"
WRONG = f"def {PAIR['entry_point']}(value, low, high):\n    return value\n"
SLOW = f"import time\n\ndef {PAIR['entry_point']}(value, low, high):\n    time.sleep(4)\n"
ONE_CASE = {"entry_point": PAIR["entry_point"], "cases": PAIR["cases"][:1]}  # 4 s with SLOW


# --- reading requests and admitting them (no engine) ----------------------------------


def test_a_request_body_is_read_into_tasks_or_refused_naming_the_field() -> None:
    body = {"items": [{"pair": PAIR, "answers": ["a", "b"]}, {"entry_point": "f",
            "cases": PAIR["cases"], "answer": "c"}], "deadline_s": 30}  # fmt: skip
    asked = read_request(json.dumps(body).encode(), max_answers=3)
    assert [t.answer for t in asked.tasks] == ["a", "b", "c"]
    assert asked.tasks[0].pair == Pair.from_dict(PAIR) and asked.tasks[2].entry_point == "f"
    assert asked.deadline_s == 30
    problems = {
        b"{nope": "the body is not JSON",
        b"[1]": "the body must be a JSON object",
        b'{"items": []}': "'items' must be a non-empty list",
        b'{"answer": "x"}': "body: needs 'pair', or 'entry_point' and 'cases'",
        b'{"pair": {"id": "x"}, "answer": "a"}': "body.pair: field 'solution': missing",
        b'{"entry_point": "f", "cases": [{"args": [1], "expect": "2"}], "answer": "a"}': (
            "body.cases: field 'cases[].args': expected literal sources"
        ),
        b'{"items": [{"entry_point": "1x", "cases": [], "answer": "a"}]}': (
            "items[0].entry_point: the function name"
        ),
        b'{"pair": {}, "answers": [1]}': "body: every answer must be a string",
    }
    for raw, message in problems.items():
        with pytest.raises(BadRequest, match=None) as caught:
            read_request(raw, max_answers=3)
        assert message in str(caught.value), raw
    with pytest.raises(BadRequest) as caught:
        read_request(json.dumps({"pair": PAIR, "answers": ["a"] * 4}).encode(), max_answers=3)
    assert caught.value.too_many


def test_the_gate_refuses_what_would_overfill_the_queue_and_gives_places_back() -> None:
    import asyncio

    async def scenario() -> list[int]:
        gate = Gate(Limits(running=1, queued=3))
        first = gate.admit(2)
        with pytest.raises(Refused, match="busy: 2 answers queued, at most 3"):
            gate.admit(2)
        seen = []

        async def job() -> int:
            seen.append(gate.running)
            return 1

        await gate.run(first, job)
        gate.settle(first)  # its second answer never ran: its place comes back
        assert gate.waiting == 0
        gate.settle(gate.admit(3))
        return seen

    assert asyncio.run(scenario()) == [1]
    limits = Limits(deadline_s=60)
    assert (deadline_of(None, limits), deadline_of(5, limits), deadline_of(500, limits)) == (
        60,
        5,
        60,
    )
    assert deadline_of(True, limits) == 60 and deadline_of(0.001, limits) == 1.0


# --- the real service -----------------------------------------------------------------


@pytest.mark.docker
def test_the_service_scores_right_and_wrong_answers_in_order(tmp_path: Path) -> None:
    with running_service(tmp_path, "--workers", "2") as service:
        status, body = service.score({"pair": PAIR, "answers": [RIGHT, WRONG, "no code here"]})
        assert status == 200
        assert [r["reward"] for r in body["results"]] == [1.0, 0.0, 0.0]
        assert body["results"][0]["status"] == "passed"
        cases_only = {"entry_point": PAIR["entry_point"], "cases": PAIR["cases"]}
        status, body = service.score({"items": [{**cases_only, "answers": [WRONG, RIGHT]}]})
        assert status == 200 and [r["passed"] for r in body["results"]] == [False, True]
        assert "case judge" in body["results"][0]["detail"]
        assert service.request("GET", "/health", token=None)[0] == 200
        status, text = service.request("GET", "/metrics")
        assert status == 200 and 'phicode_answers_total{status="passed"} 2' in text
        assert 'phicode_requests_total{code="200"} 2' in text


@pytest.mark.docker
def test_bad_clients_get_a_4xx_and_the_others_are_still_served(tmp_path: Path) -> None:
    with running_service(
        tmp_path, "--workers", "1", "--max-answers", "4", "--max-body-mb", "0.5"
    ) as service:
        assert service.score({"pair": PAIR, "answer": RIGHT}, token=None)[0] == 401
        assert service.score({"pair": PAIR, "answer": RIGHT}, token="wrong-token")[0] == 401
        assert service.request("GET", "/metrics", token=None)[0] == 401
        status, body = service.score(None, raw=b"\x00\xff garbage")
        assert status == 400 and body["error"].startswith("the body is not JSON")
        status, body = service.score({"pair": PAIR, "answers": [RIGHT] * 5})
        assert status == 413 and "more than 4 answers" in body["error"]
        status, body = service.score({"pair": PAIR, "answer": "x" * (1 << 20)})
        assert status == 413 and "at most 524288" in body["error"]
        hang_up_mid_body(service.port)
        hang_up_mid_scoring(service.port, {**ONE_CASE, "answer": SLOW})
        status, body = service.score({"pair": PAIR, "answers": [RIGHT, WRONG]})
        assert status == 200 and [r["reward"] for r in body["results"]] == [1.0, 0.0]


@pytest.mark.docker
def test_a_client_that_hangs_up_gives_its_queued_answers_back(tmp_path: Path) -> None:
    """Six 4 s answers queued on one container, then the client hangs up: the next
    client's request, with a 15 s deadline, is not left behind 20 s of abandoned work."""
    with running_service(tmp_path, "--workers", "1") as service:
        hang_up_mid_scoring(service.port, {**ONE_CASE, "answers": [SLOW] * 6}, wait_s=1.0)
        status, body = service.score({"pair": PAIR, "answer": RIGHT, "deadline_s": 15})
        assert status == 200 and body["results"][0]["reward"] == 1.0, body
        _, metrics = service.request("GET", "/metrics")
        assert 'phicode_requests_total{code="499"} 1' in metrics
        assert "phicode_answers_waiting 0" in metrics


@pytest.mark.docker
def test_a_full_queue_and_a_passed_deadline_are_503_never_a_score(tmp_path: Path) -> None:
    with running_service(tmp_path, "--workers", "1", "--queue", "2") as service:
        status, body = service.score({"pair": PAIR, "answers": [RIGHT] * 3})
        assert status == 503 and "busy" in body["error"] and "results" not in body
        status, body = service.score({**ONE_CASE, "answers": [SLOW, SLOW], "deadline_s": 2})
        assert status == 503 and "deadline of 2 s" in body["error"] and "results" not in body
        status, body = service.score({"pair": PAIR, "answer": RIGHT})
        assert status == 200 and body["results"][0]["reward"] == 1.0


@pytest.mark.docker
def test_an_engine_that_goes_away_under_load_gives_503s_then_serves_again(tmp_path: Path) -> None:
    proxy = EngineProxy(tmp_path / "docker.sock")
    proxy.start()
    env = {"DOCKER_HOST": proxy.url}
    with running_service(tmp_path, "--workers", "2", env=env) as service:
        assert service.score({"pair": PAIR, "answer": RIGHT})[1]["results"][0]["reward"] == 1.0
        outcomes: list[tuple[int, dict]] = []

        def client() -> None:
            outcomes.append(service.score({"pair": PAIR, "answers": [SLOW, RIGHT, WRONG]}))

        threads = [threading.Thread(target=client) for _ in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(1.5)  # the slow answers are running in their containers
        proxy.stop()
        for thread in threads:
            thread.join(timeout=120)
        assert len(outcomes) == 4
        for status, body in outcomes:  # no verdict is ever a score
            assert status == 503 and "results" not in body, body
            assert "no verdict" in body["error"]
        assert service.request("GET", "/health", token=None)[0] == 503
        assert service.score({"pair": PAIR, "answer": RIGHT})[0] == 503

        proxy.start()
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            status, body = service.score({"pair": PAIR, "answers": [RIGHT, WRONG]})
            if status == 200:
                break
            assert status == 503 and "results" not in body
            time.sleep(1)
        assert status == 200 and [r["reward"] for r in body["results"]] == [1.0, 0.0]
        assert service.request("GET", "/health", token=None)[0] == 200
    proxy.stop()


@pytest.mark.docker
def test_reward_functions_mark_a_sandbox_failure_instead_of_scoring_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import phicode.scoring as scoring
    from phicode.sandbox.config import SandboxConfig

    proxy = EngineProxy(tmp_path / "docker.sock")
    proxy.start()
    monkeypatch.setenv("DOCKER_HOST", proxy.url)
    scorer = scoring.Scorer(SandboxConfig(workers=1, timeout_s=10.0))
    monkeypatch.setattr(scoring, "_shared", scorer)
    try:
        assert scoring.compute_score("phicode", RIGHT, PAIR) == 1.0
        proxy.stop()
        assert math.isnan(scoring.compute_score("phicode", RIGHT, PAIR))
        assert math.isnan(scoring.compute_score("phicode", WRONG, PAIR))
        assert scoring.reward_func([RIGHT, WRONG], pair=[PAIR, PAIR]) == [None, None]
        proxy.start()
        assert scoring.reward_func([RIGHT, WRONG], pair=[PAIR, PAIR]) == [1.0, 0.0]
    finally:
        scorer.close()
        proxy.stop()
