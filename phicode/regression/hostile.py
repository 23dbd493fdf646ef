"""Small hostile programs for the shipped regression corpus.

Each must never verify as ``passed``; ``expect`` lists what a correct sandbox
says instead. The verifier's own, larger hostile suite is ``tests/test_hostile.py``.
"""

from __future__ import annotations

from typing import Any

ADD = "def add(a, b):\n    return a + b\n"
IMPORT = "from solution import add\n\n"
# What the sandbox's job environment holds (sandbox/runner.py), plus what pytest sets.
_CLEAN_ENV = (
    "HOME TMPDIR PATH LANG PYTHONHASHSEED PYTHONDONTWRITEBYTECODE HYPOTHESIS_STORAGE_DIRECTORY "
    "OPENBLAS_NUM_THREADS OMP_NUM_THREADS MPLBACKEND PYTEST_DISABLE_PLUGIN_AUTOLOAD "
    "PYTEST_CURRENT_TEST PYTEST_VERSION"
)


def _case(
    name: str,
    tests: str,
    expect: list[str],
    note: str,
    solution: str = ADD,
    timeout_s: float | None = None,
) -> dict[str, Any]:
    case: dict[str, Any] = {
        "id": f"hostile/{name}",
        "question": "Add two numbers.",
        "solution": solution,
        "entry_point": "add",
        "tests": tests,
        "expect": expect,
        "note": note,
    }
    if timeout_s is not None:
        case["timeout_s"] = timeout_s
    return case


def hostile_cases() -> list[dict[str, Any]]:
    """The hostile cases, plus one honest control that must pass."""
    return [
        _case(
            "control",
            IMPORT + "def test_add():\n    assert add(1, 2) == 3\n",
            ["passed"],
            "an honest pair: if this fails, the sandbox does not run tests at all",
        ),
        _case(
            "fork_bomb",
            IMPORT
            + "import os\n\ndef test_bomb():\n    while True:\n        try:\n"
            + "            os.fork()\n        except OSError:\n            pass\n",
            ["timeout", "error", "crashed"],
            "forks until the pids limit; must be contained and never pass",
            timeout_s=3,
        ),
        _case(
            "exit_at_import",
            IMPORT + "def test_add():\n    assert add(1, 2) == 3\n",
            ["error"],
            "os._exit(0) while the tests import the solution: an early exit is not a pass",
            solution="import os\n\nos._exit(0)\n\n" + ADD,
        ),
        _case(
            "skip_everything",
            "import pytest\n\n" + IMPORT + "pytestmark = pytest.mark.skip(reason='no')\n\n"
            "def test_add():\n    assert add(1, 2) == 3\n\n"
            "def test_more():\n    assert add(2, 2) == 4\n",
            ["failed"],
            "every test skipped: a test that does not run is not a pass",
        ),
        _case(
            "no_tests",
            IMPORT + "def helper():\n    assert add(1, 2) == 3\n",
            ["error"],
            "a module without tests: nothing collected is not a pass",
        ),
        _case(
            "infinite_loop",
            IMPORT + "def test_loop():\n    while True:\n        pass\n",
            ["timeout"],
            "never returns: the deadline must kill it",
            timeout_s=3,
        ),
        _case(
            "network",
            IMPORT + "import socket\n\ndef test_net():\n"
            "    socket.create_connection(('1.1.1.1', 53), timeout=2).close()\n"
            "    assert add(1, 2) == 3\n",
            ["failed"],
            "opens a TCP connection: the sandbox has no network",
        ),
        _case(
            "env_secret",
            IMPORT + "import os\n\n"
            f"CLEAN = set({_CLEAN_ENV!r}.split())\n\n"
            "def test_secret():\n"
            "    leaked = sorted(set(os.environ) - CLEAN)\n"
            "    assert leaked, 'no host variable visible'\n",
            ["failed"],
            "passes only if variables from outside the sandbox's clean environment are visible",
        ),
        _case(
            "memory_hog",
            IMPORT + "def test_hog():\n    block = bytearray(8 * 1024**3)\n"
            "    assert len(block) > 0\n",
            ["failed", "crashed"],
            "asks for 8 GiB: the memory limit must refuse it",
        ),
    ]
