"""Python's parser, safe to call from many threads at once.

Why this module exists: on CPython 3.11 the AST constructor keeps its recursion depth in
state shared by every thread. When the garbage collector runs a finaliser in the middle of
``ast.parse`` and another thread parses in that gap, the parse fails with ``SystemError: AST
constructor recursion depth mismatch`` (cpython gh-106905; CI hit it on HumanEval's cases,
built in a thread pool). The pipeline parses models' text in its stage threads, so every
parse in ``phicode/`` goes through one lock here; ruff's banned-api rule (TID251) points
new code at this module. Parsing holds the GIL anyway, so the lock costs no parallelism.
"""

from __future__ import annotations

import ast
import threading
from typing import Any

_PARSER = threading.RLock()


def parse(source: str, filename: str = "<unknown>", mode: str = "exec", **options: Any) -> Any:
    """``ast.parse`` under the process-wide parser lock."""
    with _PARSER:
        return ast.parse(source, filename=filename, mode=mode, **options)


def literal_eval(node_or_text: str | ast.AST) -> Any:
    """``ast.literal_eval`` (which parses text) under the same lock."""
    with _PARSER:
        return ast.literal_eval(node_or_text)
