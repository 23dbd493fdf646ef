"""The filters: each looks at one thing and names its reason.

Function filters look at the entry point alone and run first (they are cheap
and spare the dependency walk); snippet filters look at everything the
snippet carries, helpers included. Each returns ``None`` to keep, or a
:class:`Verdict` whose reason is a :class:`~phicode.mine.reasons.Reject`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from phicode.mine.config import MineConfig
from phicode.mine.reasons import Reject
from phicode.mine.scope import children

TOKEN = re.compile(r"\w+|[^\w\s]")
_NESTED_SCOPES = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef})

# Calls whose result depends on the clock or on entropy: never reproducible.
_CLOCK = frozenset(
    {
        "time.time",
        "time.time_ns",
        "time.monotonic",
        "time.monotonic_ns",
        "time.perf_counter",
        "time.perf_counter_ns",
        "time.process_time",
        "time.process_time_ns",
        "time.thread_time",
        "datetime.datetime.now",
        "datetime.datetime.today",
        "datetime.datetime.utcnow",
        "datetime.date.today",
        "os.urandom",
        "os.getrandom",
        "uuid.uuid1",
        "uuid.uuid4",
    }
)
# Reads of the running interpreter (frames, the stack, the exception being handled,
# object addresses): the result depends on who calls, not on the arguments.
_INTERPRETER = frozenset(
    {
        "sys._getframe",
        "sys.exc_info",
        "sys.exception",
        "inspect.currentframe",
        "inspect.stack",
        "inspect.trace",
        "traceback.extract_stack",
        "traceback.format_stack",
        "traceback.print_stack",
        "traceback.walk_stack",
        "id",
    }
)
# Clock reads when called without an explicit time.
_CLOCK_WITHOUT_ARGS = frozenset({"time.localtime", "time.gmtime", "time.ctime", "time.asctime"})
_ENTROPY = ("secrets.",)
# Random generators: reproducible only when the function seeds them.
_RANDOM = ("random.", "numpy.random.")
_SEEDS = frozenset(
    {
        "random.seed",
        "random.Random",
        "numpy.random.seed",
        "numpy.random.default_rng",
        "numpy.random.RandomState",
        "numpy.random.Generator",
    }
)


@dataclass(frozen=True, slots=True)
class Verdict:
    """A rejection: which reason, and a short detail for the ``--rejected`` line."""

    reason: Reject
    detail: str


# --- function filters ------------------------------------------------------------------


def check_function(node: ast.FunctionDef | ast.AsyncFunctionDef) -> Verdict | None:
    """Async, argument-less, print-only and value-less functions are not questions."""
    if isinstance(node, ast.AsyncFunctionDef):
        return Verdict(Reject.ASYNC, f"async def {node.name}")
    args = node.args
    if not (args.posonlyargs or args.args or args.kwonlyargs or args.vararg or args.kwarg):
        return Verdict(Reject.NO_ARGUMENTS, f"{node.name}() takes no arguments")
    returns, prints = _own_effects(node)
    if not returns and prints:
        return Verdict(Reject.PRINT_ONLY, f"{node.name} prints instead of returning")
    if not returns:
        return Verdict(Reject.NO_RETURN, f"{node.name} returns no value")
    return None


def _own_effects(function: ast.FunctionDef) -> tuple[bool, bool]:
    """(returns or yields a value, calls print) in the function's own scope."""
    returns = prints = False
    stack: list[ast.AST] = list(function.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Return):
            value = node.value
            returns |= value is not None and not (
                isinstance(value, ast.Constant) and value.value is None
            )
        elif isinstance(node, ast.Yield | ast.YieldFrom):
            returns = True
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            prints |= node.func.id == "print"
        if returns:
            return True, prints
        if type(node) not in _NESTED_SCOPES:
            stack.extend(children(node))
    return returns, prints


# --- snippet filters -------------------------------------------------------------------


def check_snippet(
    imports: dict[str, str],
    modules: Iterable[str],
    calls: Iterable[tuple[str, int]],
    local_names: set[str],
    config: MineConfig,
) -> Verdict | None:
    """Forbidden modules, forbidden calls and unseeded randomness, in that order.

    ``imports`` maps each local name the snippet imports to its qualified name,
    ``modules`` lists what it imports; ``calls`` are (dotted name, argument
    count) as written; names in ``local_names`` are the snippet's own helpers,
    never builtins.
    """
    for qualified in sorted(modules):
        if _matches(qualified, config.forbidden_modules):
            return Verdict(Reject.FORBIDDEN_MODULE, qualified)
    resolved = sorted(set(_qualified_calls(imports, calls, local_names)))
    for name, _ in resolved:
        if name in config.forbidden_calls:
            return Verdict(Reject.FORBIDDEN_CALL, f"{name}()")
    return _nondeterminism(resolved)


def _matches(module: str, listed: frozenset[str]) -> bool:
    parts = module.split(".")
    return any(".".join(parts[:n]) in listed for n in range(1, len(parts) + 1))


def _qualified_calls(
    imports: dict[str, str], calls: Iterable[tuple[str, int]], local_names: set[str]
) -> Iterator[tuple[str, int]]:
    for name, nargs in calls:
        head, _, rest = name.partition(".")
        if head in imports:
            yield (imports[head] + ("." + rest if rest else "")), nargs
        elif head not in local_names:
            yield name, nargs


def _nondeterminism(calls: list[tuple[str, int]]) -> Verdict | None:
    seeded = any(name in _SEEDS and nargs > 0 for name, nargs in calls)
    for name, nargs in calls:
        clock = name in _CLOCK or (name in _CLOCK_WITHOUT_ARGS and nargs == 0)
        if clock or name.startswith(_ENTROPY):
            return Verdict(Reject.NONDETERMINISTIC, f"{name}()")
        if name in _INTERPRETER:
            return Verdict(Reject.NONDETERMINISTIC, f"{name}() reads the running interpreter")
        if name.startswith(_RANDOM) and not seeded:
            return Verdict(Reject.NONDETERMINISTIC, f"{name}() without a seed")
    return None


def check_size(code: str, tokens: int, config: MineConfig) -> Verdict | None:
    """Too small to ask about, or too big to be one question."""
    lines = code.count("\n")
    if lines < config.min_lines or tokens < config.min_tokens:
        return Verdict(
            Reject.TOO_SHORT,
            f"{lines} lines, {tokens} tokens (min {config.min_lines} lines, {config.min_tokens} tokens)",
        )
    if lines > config.max_lines or tokens > config.max_tokens:
        return Verdict(
            Reject.TOO_LONG,
            f"{lines} lines, {tokens} tokens (max {config.max_lines} lines, {config.max_tokens} tokens)",
        )
    return None
