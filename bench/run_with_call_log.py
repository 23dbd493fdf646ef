"""``phicode ...`` with every model call logged: prompts, seconds, generated tokens.

    python bench/run_with_call_log.py CALLS.jsonl run examples/corpus -o OUT/dataset.jsonl ...

Wraps ``generate`` of the in-process backends (hf, openvino) and appends one JSON line
per call to CALLS.jsonl; the command itself runs unchanged. The make-run comparison of
the engines in ``docs/generation.md`` comes from two such runs
(``bench/results/make-run-engines-2026-12-07.md``), and ``bench/prompts/`` holds calls
recorded this way.
"""

from __future__ import annotations

import json
import sys
import time

from phicode.generate.backends import hf, openvino


def log_calls(backend_class: type, log) -> None:
    original = backend_class.generate

    def generate(self, prompts, params):
        started, before = time.perf_counter(), self.generated_tokens
        answers = original(self, prompts, params)
        call = {
            "engine": backend_class.name,
            "n": len(prompts),
            "s": round(time.perf_counter() - started, 2),
            "generated_tokens": self.generated_tokens - before,
            "max_new_tokens": params.max_new_tokens,
            "temperature": params.temperature,
            "stop": list(params.stop),
            "prompts": prompts,
        }
        log.write(json.dumps(call) + "\n")
        log.flush()
        return answers

    backend_class.generate = generate


def main() -> int:
    from phicode.cli import main as phicode_main

    with open(sys.argv[1], "a", encoding="utf-8") as log:
        for backend_class in (hf.HFBackend, openvino.OpenVINOBackend):
            log_calls(backend_class, log)
        return phicode_main(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
