"""``phicode sandbox doctor``: is the engine there, is the image current, and are
the limits really enforced? Each answer comes from doing the thing: a probe
program runs in a real sandbox container and must be stopped."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

from phicode.errors import PhicodeError
from phicode.sandbox.engine import Engine
from phicode.sandbox.image import HARNESS_LABEL, harness_hash
from phicode.sandbox.jobs import Job
from phicode.sandbox.pool import RunResult, SandboxConfig, SandboxPool

CANARY = "PHICODE_DOCTOR_CANARY"


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str


# name, probe script, what a contained run looks like (stdout of the probe)
_PROBES: tuple[tuple[str, str, str], ...] = (
    (
        "runs as a non-root user",
        "import os; print('root' if os.getuid() == 0 else 'uid', os.getuid())",
        "uid",
    ),
    (
        "no network",
        "import socket\ntry:\n    socket.create_connection(('1.1.1.1', 53), timeout=2); print('reached')\n"
        "except OSError as e:\n    print('blocked', e.errno)",
        "blocked",
    ),
    (
        "no DNS",
        "import socket\ntry:\n    socket.getaddrinfo('example.com', 80); print('resolved')\n"
        "except OSError as e:\n    print('blocked', e.errno)",
        "blocked",
    ),
    (
        "read-only root",
        "try:\n    open('/etc/phicode-probe', 'w'); print('written')\nexcept OSError as e:\n    print('blocked', e.errno)",
        "blocked",
    ),
    (
        "host environment hidden",
        f"import os; print('visible' if '{CANARY}' in os.environ else 'hidden')",
        "hidden",
    ),
    (
        "memory limit",
        "try:\n    b = bytearray(2 * 1024**3); print('allocated')\nexcept MemoryError:\n    print('blocked')",
        "blocked",
    ),
    (
        "process limit",
        "import os\nn = 0\ntry:\n    for _ in range(1000):\n        if os.fork() == 0:\n            import time; time.sleep(5); os._exit(0)\n"
        "        n += 1\n    print('forked', n)\nexcept OSError:\n    print('blocked', n)",
        "blocked",
    ),
)


def run_checks(config: SandboxConfig) -> Iterator[Check]:
    """Yield each check as it completes; stops early when a later one cannot run."""
    try:
        engine = Engine.connect()
    except PhicodeError as exc:
        yield Check("engine reachable", False, str(exc))
        return
    version = engine.version()
    yield Check("engine reachable", True, f"Docker {version['version']} (API {version['api']})")
    labels = engine.image_labels(config.image)
    if labels is None:
        yield Check(
            "image present", False, f"{config.image} is missing: run 'phicode sandbox build'"
        )
        return
    current = labels.get(HARNESS_LABEL) == harness_hash()
    yield Check("image present", True, f"{config.image} (base {labels.get('phicode.base', '?')})")
    yield Check(
        "image current",
        current,
        "matches sandbox/" if current else "older than sandbox/: run 'phicode sandbox build'",
    )
    os.environ[CANARY] = "secret"
    try:
        with SandboxPool(config, engine=engine) as pool:
            yield from _probe_checks(pool)
    except PhicodeError as exc:
        yield Check("sandbox starts", False, str(exc))
    finally:
        os.environ.pop(CANARY, None)


def _probe_checks(pool: SandboxPool) -> Iterator[Check]:
    info = pool.ready_info()
    yield Check(
        "sandbox starts",
        True,
        f"Python {info.get('python')}, pytest {info.get('pytest')}, warm-up {info.get('warmup_s')} s",
    )
    for name, script, expected in _PROBES:
        result = pool.run(_script_job(script, pool.config))
        seen = result.stdout.strip() or _why_silent(result)
        yield Check(name, seen.startswith(expected), seen[:200])
    result = pool.run(_script_job("while True:\n    pass", pool.config))
    yield Check(
        "timeout enforced",
        result.timed_out,
        f"killed after {result.duration_s:.1f} s"
        if result.timed_out
        else "the loop was not stopped",
    )


def _script_job(script: str, config: SandboxConfig) -> Job:
    return Job.script(
        {"main.py": script},
        "main.py",
        timeout_s=min(config.timeout_s, 5.0),
        memory_mb=config.memory_mb,
        max_output=None,  # the server's own
    )


def _why_silent(result: RunResult) -> str:
    if result.oom_killed:
        return "blocked: killed by the memory limit"
    if result.timed_out:
        return "timed out"
    if result.signal:
        return f"blocked: killed by signal {result.signal}"
    return f"no output (exit {result.exit_code}): {result.stderr.strip()[-200:]}"
