"""``phicode serve`` under load, beside ``score_many`` in the same process.

1. **Throughput.** 8 HTTP clients on loopback send 2,000 answers (half right, in
   requests of 10) to a real ``phicode serve``; the same answers go through
   ``Scorer.score_many`` on a pool of the same width. Prints answers/s for both,
   their ratio, right answers lost, wrong answers passed, p50/p99 request latency.
2. **Burst.** 64 clients at once, one request each: how many were answered within
   their deadline (all must be), and the slowest.
3. **Bad clients.** While 8 clients score, others send garbage, an oversized body,
   no token, and hang up mid-body and mid-scoring: every good request must still
   get its right scores.
4. **The engine goes away.** The service reaches the engine through a proxy
   (``tests/engine_proxy.py``); it is cut under load for a few seconds, then
   restored. Every answer in that time must be a 503, never a score; the
   seconds until the service scores again are printed.

Exit status 1 if any of "0 lost, 0 wrong passed, 0 timed out by the service, no
score from a broken engine" fails.

    .venv/bin/python bench/bench_serve.py                # 2,000 answers
    .venv/bin/python bench/bench_serve.py --answers 400
    .venv/bin/python bench/bench_serve.py --kill-dockerd   # part 4 with the real engine
"""

from __future__ import annotations

import argparse
import contextlib
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench_score import answer, pairs

from phicode.records import Pair
from phicode.sandbox.config import SandboxConfig
from phicode.scoring import Scorer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.engine_proxy import EngineProxy  # noqa: E402
from tests.serve_client import (  # noqa: E402
    Service,
    hang_up_mid_body,
    hang_up_mid_scoring,
    running_service,
)

BATCH = 10


def work(count: int) -> list[tuple[Pair, bool]]:
    chosen = pairs(50)
    return [(chosen[n % 50], n % 2 == 0) for n in range(count)]


def batches(items: list[tuple[Pair, bool]]) -> list[list[tuple[Pair, bool]]]:
    return [items[i : i + BATCH] for i in range(0, len(items), BATCH)]


def body(batch: list[tuple[Pair, bool]], deadline_s: float | None = None) -> dict:
    out: dict = {"items": [{"pair": p.to_dict(), "answer": answer(p, ok)} for p, ok in batch]}
    if deadline_s is not None:
        out["deadline_s"] = deadline_s
    return out


class Tally:
    """What came back: scores checked against what each answer is, and latencies."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.statuses: dict[int, int] = {}
        self.lost = self.wrong_passed = self.scored = 0

    def record(
        self, batch: list[tuple[Pair, bool]], status: int, reply: object, seconds: float
    ) -> None:
        with self.lock:
            self.latencies.append(seconds)
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if status != 200:
                return
            for (_, right), result in zip(batch, reply["results"], strict=True):  # type: ignore[index]
                self.scored += 1
                self.lost += right and not result["passed"]
                self.wrong_passed += (not right) and result["passed"]


def send(
    service: Service, batch: list[tuple[Pair, bool]], tally: Tally, deadline_s: float | None = None
) -> None:
    started = time.monotonic()
    try:
        status, reply = service.score(body(batch, deadline_s), timeout=600)
    except OSError:
        status, reply = 0, None  # the connection failed: no score either
    tally.record(batch, status, reply, time.monotonic() - started)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def throughput(folder: Path, items: list[tuple[Pair, bool]], clients: int, workers: int) -> bool:
    with Scorer(SandboxConfig(workers=workers)) as scorer:
        scorer.score_many([(p, answer(p, ok)) for p, ok in items[:workers]])  # warm
        started = time.monotonic()
        verdicts = scorer.score_many([(p, answer(p, ok)) for p, ok in items])
        inprocess_s = time.monotonic() - started
    inprocess_lost = sum(ok and not v.passed for (_, ok), v in zip(items, verdicts, strict=True))
    tally = Tally()
    with running_service(folder, "--workers", str(workers), "--queue", "100000") as service:
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=clients) as executor:
            list(executor.map(lambda b: send(service, b, tally), batches(items)))
        served_s = time.monotonic() - started
    inprocess_rate, served_rate = len(items) / inprocess_s, len(items) / served_s
    print(f"\n1. throughput: {len(items)} answers, {clients} clients, {workers} sandbox workers")
    print(
        f"   score_many in-process : {inprocess_rate:6.1f} answers/s ({inprocess_s:.1f} s), "
        f"right lost {inprocess_lost}"
    )
    print(f"   phicode serve (HTTP)  : {served_rate:6.1f} answers/s ({served_s:.1f} s)")
    print(f"   ratio serve/in-process: {served_rate / inprocess_rate:.2f}")
    print(
        f"   right lost {tally.lost}, wrong passed {tally.wrong_passed}, statuses {tally.statuses}"
    )
    print(f"   request latency ({BATCH} answers): p50 {percentile(tally.latencies, 0.5):.2f} s, "
          f"p99 {percentile(tally.latencies, 0.99):.2f} s")  # fmt: skip
    return (
        tally.lost == 0 and tally.wrong_passed == 0 and tally.statuses == {200: len(batches(items))}
    )


def burst(folder: Path, workers: int) -> bool:
    items = work(64 * 4)
    requests = [items[i : i + 4] for i in range(0, len(items), 4)]
    tally = Tally()
    with running_service(folder, "--workers", str(workers)) as service:
        threads = [threading.Thread(target=send, args=(service, r, tally, 120.0)) for r in requests]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    print(f"\n2. burst: {len(requests)} clients at once, 4 answers each, deadline 120 s")
    print(f"   statuses {tally.statuses}; slowest {max(tally.latencies):.1f} s, "
          f"p50 {percentile(tally.latencies, 0.5):.1f} s; lost {tally.lost}, "
          f"wrong passed {tally.wrong_passed}")  # fmt: skip
    return tally.statuses == {200: len(requests)} and tally.lost == tally.wrong_passed == 0


def bad_clients(folder: Path, workers: int) -> bool:
    items = work(400)
    tally = Tally()
    refused: dict[str, int] = {}
    with running_service(folder, "--workers", str(workers), "--max-body-mb", "1") as service:
        stop = threading.Event()

        def abuse() -> None:
            while not stop.is_set():
                for name, call in (
                    ("garbage", lambda: service.score(None, raw=b"\x00{not json")),
                    ("oversized", lambda: service.score(None, raw=b"x" * (2 << 20))),
                    ("no token", lambda: service.score({"pair": {}}, token=None)),
                ):
                    with contextlib.suppress(OSError):
                        status, _ = call()
                        refused[f"{name} -> {status}"] = refused.get(f"{name} -> {status}", 0) + 1
                hang_up_mid_body(service.port)
                hang_up_mid_scoring(service.port, body(items[:BATCH]))
                refused["hung up"] = refused.get("hung up", 0) + 2

        abuser = threading.Thread(target=abuse)
        abuser.start()
        with ThreadPoolExecutor(max_workers=8) as executor:
            list(executor.map(lambda b: send(service, b, tally), batches(items)))
        stop.set()
        abuser.join()
    print("\n3. bad clients beside 8 good ones")
    print(f"   bad: {refused}")
    print(
        f"   good: statuses {tally.statuses}, lost {tally.lost}, wrong passed {tally.wrong_passed}"
    )
    return tally.statuses == {200: len(batches(items))} and tally.lost == tally.wrong_passed == 0


class ProxyCut:
    """The engine away for the service alone: its proxy socket closed, then reopened."""

    def __init__(self, folder: Path) -> None:
        self.proxy = EngineProxy(folder / "docker.sock")
        self.proxy.start()
        self.env = {"DOCKER_HOST": self.proxy.url}

    def cut(self) -> None:
        self.proxy.stop()

    def restore(self) -> None:
        self.proxy.start()

    def close(self) -> None:
        self.proxy.stop()


class RealKill:
    """The real engine killed (SIGKILL to dockerd) and started again with the project's
    own script. Run this only when nothing else uses the engine."""

    def __init__(self) -> None:
        self.env: dict[str, str] = {}

    def cut(self) -> None:
        subprocess.run(["pkill", "-KILL", "-x", "dockerd"], check=False)

    def restore(self) -> None:
        subprocess.run(["bash", str(ROOT / "scripts" / "ensure-docker.sh")], check=True)

    def close(self) -> None:
        pass


def engine_cut(folder: Path, workers: int, cut_s: float, real: bool = False) -> bool:
    items = batches(work(2000))
    engine: ProxyCut | RealKill = RealKill() if real else ProxyCut(folder)
    tally = Tally()
    with running_service(folder, "--workers", str(workers), env=engine.env) as service:
        stop = threading.Event()

        def client(offset: int) -> None:
            index = offset
            while not stop.is_set():
                send(service, items[index % len(items)], tally)
                index += 8

        threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        time.sleep(3)
        engine.cut()
        time.sleep(cut_s)
        engine.restore()
        back = time.monotonic()
        recovered = float("nan")
        while time.monotonic() < back + 120:
            status, _ = service.score(body(items[0]), timeout=600)
            if status == 200:
                recovered = time.monotonic() - back
                break
            time.sleep(0.5)
        stop.set()
        for thread in threads:
            thread.join()
    engine.close()
    how = "dockerd killed (SIGKILL)" if real else "the engine cut (proxy socket closed)"
    print(f"\n4. {how} for {cut_s:g} s under 8 clients")
    print(f"   statuses {tally.statuses}; answers scored {tally.scored}, lost {tally.lost}, "
          f"wrong passed {tally.wrong_passed}")  # fmt: skip
    print(f"   scoring again {recovered:.1f} s after the engine came back")
    ok = tally.lost == tally.wrong_passed == 0 and 503 in tally.statuses
    return ok and recovered == recovered  # not NaN: it came back


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=SandboxConfig().workers)
    parser.add_argument("--cut", type=float, default=5.0, help="seconds the engine is away")
    parser.add_argument(
        "--kill-dockerd",
        action="store_true",
        help="only part 4, with the real engine killed and restarted (nothing else may use it)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.kill_dockerd:
            return 0 if engine_cut(folder, args.workers, args.cut, real=True) else 1
        checks = {
            "throughput": throughput(folder, work(args.answers), args.clients, args.workers),
            "burst": burst(folder, args.workers),
            "bad clients": bad_clients(folder, args.workers),
            "engine cut": engine_cut(folder, args.workers, args.cut),
        }
    print("\n" + ", ".join(f"{name}: {'ok' if ok else 'FAILED'}" for name, ok in checks.items()))
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
