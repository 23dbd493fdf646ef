"""What the forked job process does for a JavaScript or TypeScript job: run Node.js.

Called from :mod:`runner` after the process has confined itself (its own session,
rlimits, a clean environment, the work dir). Stdlib only, like the rest of the
sandbox. Two modes:

- ``node-test``: Node.js runs the test file with phicode's reporter
  (``node/reporter.mjs``), which writes one JSON line per finished test to Node's
  stdout; only this process reads it, and each line becomes a ``test`` event on the
  server's channel (with the nonce, which no Node.js process ever sees). A file that
  ends before any test ran (a syntax error, ``process.exit(0)`` first) reports no test,
  which the host never counts as a pass; a non-zero exit is a collect error.

  The tests run in the one Node.js process, as pytest runs in the job's process: code
  under test can write lines that look like the reporter's. ``node --test`` (the file
  in a child process) would not stop that, only move it (the child's stdout is parsed
  for results the same way), and it costs a second Node.js start per job, which was
  half of a job's time (``bench/bench_verify_js.py``). The case judge, whose values
  are compared on the host, is what no code under test reaches; every JavaScript pair
  phicode makes carries cases.
- ``node-script``: ``node TARGET``, its output the job's output (the case judge's
  compute script and the oracle's probe use it).

TypeScript (``*.ts``) is first turned into JavaScript (``*.mjs`` beside it) by esbuild,
which strips the types and checks nothing; imports name ``./solution.mjs`` in both
languages.
"""

from __future__ import annotations

import json
import os
import subprocess
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
# the official build the image carries (phicode.sandbox.image.NPM_TOOLS), else Debian's
NODE = next(
    (n for n in ("/opt/phicode/bin/node", "/usr/bin/node") if os.access(n, os.X_OK)), "node"
)
ESBUILD = "/opt/phicode/bin/esbuild"
REPORTER = os.path.join(HERE, "node", "reporter.mjs")
MESSAGE_CHARS = 2000


class NodeJobError(Exception):
    """The job cannot be run as asked (no TypeScript compiler, a file esbuild rejects)."""


def node_env(job: dict[str, Any]) -> dict[str, str]:
    """Node's heap capped below the job's memory, so a hog fails inside V8 first."""
    heap = max(32, int(job.get("memory_mb", 512)) - 64)
    return {**os.environ, "NODE_OPTIONS": f"--max-old-space-size={heap}"}


def transpile_typescript(workdir: str) -> None:
    """``x.ts`` -> ``x.mjs`` for every TypeScript file of the job (types stripped)."""
    sources = sorted(name for name in os.listdir(workdir) if name.endswith(".ts"))
    if not sources:
        return
    if not os.access(ESBUILD, os.X_OK):
        raise NodeJobError("TypeScript job, but the image has no esbuild (rebuild it with npm)")
    for name in sources:
        done = subprocess.run(
            [ESBUILD, name, "--format=esm", "--platform=node", "--log-level=error",
             f"--outfile={name[:-3]}.mjs"],
            cwd=workdir, capture_output=True, text=True, timeout=30,
        )  # fmt: skip
        if done.returncode != 0:
            raise NodeJobError(f"esbuild rejected {name}: {done.stderr.strip()[:MESSAGE_CHARS]}")


def _javascript_target(target: str) -> str:
    return target[:-3] + ".mjs" if target.endswith(".ts") else target


def run_node_tests(job: dict[str, Any], emit: Any) -> int:
    """Node.js on the job's test file (node:test, phicode's reporter); each test's result
    through ``emit``."""
    target = _javascript_target(job.get("target", "test_solution.mjs"))
    command = [NODE, f"--test-reporter={REPORTER}", "--test-reporter-destination=stdout"]
    process = subprocess.Popen(
        [*command, target],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=None,  # the job's stderr
        env=node_env(job),
        close_fds=True,
    )
    assert process.stdout is not None
    count = 0
    for raw in process.stdout:
        event = _event(raw)
        if event is None:
            continue
        count += 1
        emit("test", **event)
    status = process.wait()
    if status != 0 and count == 0:
        emit("collect_error", message=f"{target}: node exited with status {status} before any test")
    emit("collected", count=count)
    return status


def _event(raw: bytes) -> dict[str, Any] | None:
    try:
        event = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(event, dict) or event.get("event") != "test":
        return None
    outcome = str(event.get("outcome", "error"))
    return {
        "nodeid": str(event.get("nodeid", ""))[:500],
        "outcome": outcome if outcome in ("passed", "failed", "skipped") else "error",
        "message": str(event.get("message", ""))[:MESSAGE_CHARS],
        "duration_s": float(event.get("duration_s") or 0.0),
    }


def run_node_script(job: dict[str, Any]) -> int:
    """``node TARGET`` with the job's stdout and stderr."""
    target = _javascript_target(job.get("target", "main.mjs"))
    return subprocess.call(
        [NODE, target], stdin=subprocess.DEVNULL, env=node_env(job), close_fds=True
    )
