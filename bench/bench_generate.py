"""Generation speed, side by side.

hf: generated tokens/s of phicode's HFBackend against calling ``model.generate``
directly on the same prompts, batch size and loaded model, in the same run
(target: at least 0.9x), at batch 1 and batch 8 (the gain from batching).
Uses a tiny random Llama built on the spot; ``--real`` uses the default
Qwen2.5-Coder-0.5B-Instruct (needs the ``hf`` and ``model`` extras).

openai: requests/s through a local server that answers each request after a
fixed latency, against the ideal ``concurrency / latency`` (target >= 0.9x).

engines (``--engines``): the CPU engines on the prompts a real ``make run`` sent
(``bench/prompts/make-run-calls.jsonl``: one call each of question, tests, restate
and solve, recorded from the pipeline), the same sampling settings, in one process:
the openvino backend (the CPU default) against the hf backend (transformers, batch
8), seconds and generated tokens per kind, load time included, and the ratio.

    python bench/bench_generate.py [--real] [--max-new-tokens N] [--prompts N]
    python bench/bench_generate.py --engines [--per-kind N]
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fake_openai import FakeServer, Reply, completion

from phicode.generate.backends.openai import OpenAIBackend
from phicode.generate.config import GenerationParams

PROMPTS = [
    "Write a Python function that returns the sum of a list of numbers.",
    "Write pytest tests for a function `is_palindrome(text: str) -> bool`.",
    "Explain what a binary search does, in two sentences.",
    "def fizzbuzz(n):",
    "Write a Python function `chunk(items, size)` that splits a list into chunks of at most size items.",
    "What does the function gcd(12, 18) return?",
    "Write a function that counts the words of a text, case-insensitively, and returns a dict.",
    "hi",
]


def hf_model(real: bool, workdir: Path):  # -> HFBackend
    from phicode.generate.backends.hf import HFBackend

    if real:
        from phicode.generate.backends.modelres import resolve_model
        from phicode.generate.config import DEFAULT_MODEL

        return HFBackend(resolve_model(DEFAULT_MODEL), model_name=DEFAULT_MODEL)
    from tiny_model import build_tiny_model

    return HFBackend(
        build_tiny_model(workdir / "tiny", layers=4, hidden=256), model_name="tiny-llama"
    )


def direct_tokens_per_s(backend, prompts: list[str], batch: int, params: GenerationParams) -> float:
    """The baseline: tokenizer + model.generate by hand, the same settings, no phicode."""
    import torch

    tokenizer, model = backend.tokenizer, backend.hf_model
    texts = [backend.chat_text(p) for p in prompts]
    kwargs = backend.generate_kwargs(params)
    tokens = 0
    started = time.perf_counter()
    for start in range(0, len(texts), batch):
        encoded = tokenizer(
            texts[start : start + batch],
            return_tensors="pt",
            padding=True,
            add_special_tokens=False,
        ).to(backend.device)
        torch.manual_seed(params.seed)
        with torch.inference_mode():
            output = model.generate(**encoded, **kwargs)
        new = output[:, encoded["input_ids"].shape[1] :]
        tokens += int((new != tokenizer.pad_token_id).sum())
        tokenizer.batch_decode(
            new, skip_special_tokens=True
        )  # a caller wants text, as phicode returns
    return tokens / (time.perf_counter() - started)


def phicode_tokens_per_s(
    backend, prompts: list[str], batch: int, params: GenerationParams
) -> float:
    backend.batch_size = batch
    before = backend.generated_tokens
    started = time.perf_counter()
    backend.generate(prompts, params)
    return (backend.generated_tokens - before) / (time.perf_counter() - started)


def bench_hf(
    real: bool, count: int, max_new_tokens: int, repeats: int
) -> list[tuple[str, str, str, str]]:
    params = GenerationParams(max_new_tokens=max_new_tokens, temperature=0.0)
    prompts = (PROMPTS * math.ceil(count / len(PROMPTS)))[:count]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        backend = hf_model(real, Path(tmp))
        backend.generate(
            prompts[:2], GenerationParams(max_new_tokens=4, temperature=0.0)
        )  # warm-up
        rates: dict[int, float] = {}
        for batch in (1, 8):
            direct = phicode = 0.0
            for repeat in range(repeats):  # interleaved, alternating who goes first, best of
                sides = [direct_tokens_per_s, phicode_tokens_per_s]
                for side in sides if repeat % 2 == 0 else sides[::-1]:
                    rate = side(backend, prompts, batch, params)
                    if side is direct_tokens_per_s:
                        direct = max(direct, rate)
                    else:
                        phicode = max(phicode, rate)
            rates[batch] = phicode
            rows.append(
                (
                    f"hf batch {batch} ({backend.model}, {backend.dtype})",
                    f"{phicode:.1f} tok/s",
                    f"{direct:.1f} tok/s",
                    f"{phicode / direct:.2f}x",
                )
            )
        rows.append(
            (
                "hf batching gain (batch 8 / batch 1)",
                f"{rates[8]:.1f} tok/s",
                f"{rates[1]:.1f} tok/s",
                f"{rates[8] / rates[1]:.2f}x",
            )
        )
    return rows


def bench_openai(
    latency_s: float, concurrency: int, requests: int
) -> list[tuple[str, str, str, str]]:
    def answer(request) -> Reply:
        return Reply(body=completion("ok"), delay_s=latency_s)

    with (
        FakeServer(answer) as server,
        OpenAIBackend(server.url, "fake-model", concurrency=concurrency) as client,
    ):
        client.generate(["warm"] * concurrency, GenerationParams(max_new_tokens=4))
        started = time.perf_counter()
        client.generate([f"p{i}" for i in range(requests)], GenerationParams(max_new_tokens=4))
        elapsed = time.perf_counter() - started
        reached = server.max_in_flight
    achieved = requests / elapsed
    ideal = concurrency / latency_s
    return [
        (
            f"openai {requests} requests, {latency_s * 1000:.0f} ms each, concurrency {concurrency} "
            f"(max in flight {reached})",
            f"{achieved:.1f} req/s",
            f"{ideal:.1f} req/s (ideal)",
            f"{achieved / ideal:.2f}x",
        )
    ]


CALLS = Path(__file__).resolve().parent / "prompts" / "make-run-calls.jsonl"
#: The pipeline's sampling per kind of call: drafts at the default 0.2, blind solves
#: at agreement.MIN_SOLVE_TEMPERATURE (0.7), four copies of each question.
TEMPERATURE = {"question": 0.2, "tests": 0.2, "restate": 0.2, "solve": 0.7}


def recorded_calls(per_kind: int) -> list[tuple[str, list[str], GenerationParams]]:
    """(kind, prompts, params) of each recorded call, its first ``per_kind`` prompts."""
    import json

    calls = []
    for line in CALLS.read_text().splitlines():
        call = json.loads(line)
        params = GenerationParams(
            max_new_tokens=call["max_new_tokens"],
            temperature=TEMPERATURE[call["kind"]],
            stop=tuple(call["stop"]),
        )
        calls.append((call["kind"], call["prompts"][:per_kind], params))
    return calls


def run_engine(kind: str, per_kind: int) -> dict[str, tuple[float, int]]:
    """Seconds and generated tokens per kind of call, and ``load`` (the cached model)."""
    from phicode.generate.backends import make_backend
    from phicode.generate.config import BackendKind, ModelConfig

    started = time.perf_counter()
    backend = make_backend(ModelConfig(backend=BackendKind(kind)))
    results = {"load": (time.perf_counter() - started, 0)}
    for call_kind, prompts, params in recorded_calls(per_kind):
        before, started = backend.generated_tokens, time.perf_counter()
        backend.generate(prompts, params)
        results[call_kind] = (time.perf_counter() - started, backend.generated_tokens - before)
    backend.close()
    return results


def bench_engines(per_kind: int) -> list[tuple[str, str, str, str]]:
    """openvino against hf on the recorded prompts, openvino first (hf is the slow one)."""
    ours, theirs = run_engine("openvino", per_kind), run_engine("hf", per_kind)
    rows = []
    for kind in ours:
        (s_ours, tok_ours), (s_theirs, tok_theirs) = ours[kind], theirs[kind]
        count = "" if kind == "load" else f", {per_kind} prompts"
        rows.append(
            (
                f"engines: {kind}{count} (openvino vs hf)",
                f"{s_ours:.1f} s {tok_ours} tok" if tok_ours else f"{s_ours:.1f} s",
                f"{s_theirs:.1f} s {tok_theirs} tok" if tok_theirs else f"{s_theirs:.1f} s",
                f"{s_theirs / s_ours:.2f}x",
            )
        )
    total_ours = sum(s for k, (s, _) in ours.items() if k != "load")
    total_theirs = sum(s for k, (s, _) in theirs.items() if k != "load")
    rows.append(
        (
            "engines: all calls, generation only",
            f"{total_ours:.1f} s",
            f"{total_theirs:.1f} s",
            f"{total_theirs / total_ours:.2f}x",
        )
    )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--real",
        action="store_true",
        help="use Qwen2.5-Coder-0.5B-Instruct instead of a tiny model",
    )
    parser.add_argument("--prompts", type=int, default=16)
    parser.add_argument("--max-new-tokens", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=4)
    parser.add_argument("--latency", type=float, default=0.1, help="openai: seconds per request")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--requests", type=int, default=96)
    parser.add_argument("--skip-hf", action="store_true")
    parser.add_argument(
        "--engines", action="store_true", help="openvino against hf on recorded real prompts"
    )
    parser.add_argument("--per-kind", type=int, default=8, help="--engines: prompts per call")
    args = parser.parse_args(argv)
    if args.engines:
        return print_rows(bench_engines(args.per_kind))
    rows = bench_openai(args.latency, args.concurrency, args.requests)
    if not args.skip_hf:
        rows = bench_hf(args.real, args.prompts, args.max_new_tokens, args.repeats) + rows
    return print_rows(rows)


def print_rows(rows: list[tuple[str, str, str, str]]) -> int:
    width = max(len(r[0]) for r in rows)
    print(f"{'bench_generate':<{width}}  {'phicode':>16}  {'baseline':>24}  {'ratio':>6}")
    for name, ours, theirs, ratio in rows:
        print(f"{name:<{width}}  {ours:>16}  {theirs:>24}  {ratio:>6}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
