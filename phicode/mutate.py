"""Test strength by mutation: do the tests tell a wrong answer from the right one?

:func:`mutants` makes single-change variants of the entry point (arithmetic
operators, comparisons, constants, boundaries, returned values, boolean
operators, a dropped ``min``/``max``/``abs``/``round``/``sorted`` call, an
``if`` block without ``else`` removed);
:class:`MutationTester` runs the pair's tests against each one in
the sandbox. A mutant is *killed* when the tests do not pass on it. The
mutation score is killed / mutants: a test file that only checks ``is not
None`` or that the call does not raise kills almost nothing and scores near 0.

Equivalent mutants (a change that does not change behaviour) cannot be killed
by any test; they cap the reachable score below 1, which is why the threshold
is well under 1 (see docs/pipeline.md for the chosen default and its measurement).
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from phicode import pysyntax
from phicode.judge import verify_pair
from phicode.records import Pair, Status, Verification
from phicode.sandbox.runner import JobRunner, fan_out

DEFAULT_MAX_MUTANTS = 16
# Mutants that take out a whole step (a removed if-block, a dropped call): chosen first.
_STEPS = frozenset({"branch", "call"})
# Builtins a wrong answer plausibly leaves out (issue 22: a ``clamp`` whose tests pass
# ``min(value, high)``): the ``call`` mutant replaces the call by its last argument.
_SKIPPABLE = frozenset({"min", "max", "abs", "round", "sorted", "reversed", "int", "float"})
DEFAULT_THRESHOLD = 0.6
# A mutant gets a deadline scaled from the real solution's own test run: a
# negated loop condition often never ends, and waiting the pool's full timeout
# for each such mutant would make mutation the slowest stage by far.
MUTANT_SLOWDOWN = 5.0
MIN_MUTANT_TIMEOUT_S = 1.0
# A mutant that runs out of that deadline runs once more with this many times
# as long (within the pool's timeout) before the timeout counts as a kill: on a
# loaded machine (a CI runner, a cluster node) a surviving mutant can take 5x
# the solution's time, and the score must not depend on the load.
TIMEOUT_RETRY_FACTOR = 4.0

_SWAP_BINOP: dict[type, type] = {
    ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.FloorDiv, ast.Div: ast.Mult,
    ast.FloorDiv: ast.Mult, ast.Mod: ast.FloorDiv, ast.Pow: ast.Mult,
    ast.BitAnd: ast.BitOr, ast.BitOr: ast.BitAnd, ast.LShift: ast.RShift, ast.RShift: ast.LShift,
}  # fmt: skip
# Comparisons are negated (< becomes >=), not nudged (< becomes <=): the nudge is
# often an equivalent mutant (clamp: at value == low both return low).
_SWAP_CMP: dict[type, type] = {
    ast.Lt: ast.GtE, ast.LtE: ast.Gt, ast.Gt: ast.LtE, ast.GtE: ast.Lt,
    ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.In: ast.NotIn, ast.NotIn: ast.In,
    ast.Is: ast.IsNot, ast.IsNot: ast.Is,
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Mutant:
    """One single-change variant of the solution."""

    kind: str  # operator, comparison, constant, boundary, return, boolean
    line: int
    description: str
    source: str


# A mutation site: (kind, line, description, path). The path is a list of
# (field, index) steps from the module, so the edit can be replayed on a copy.
_Path = list[tuple[str, int | None]]
_Site = tuple[str, int, str, _Path]


def mutants(solution: str, entry_point: str, limit: int = DEFAULT_MAX_MUTANTS) -> list[Mutant]:
    """Up to ``limit`` mutants of ``entry_point``, spread evenly over its sites."""
    try:
        tree = pysyntax.parse(solution)
    except SyntaxError:
        return []
    position = _find_function(tree, entry_point)
    if position is None:
        return []
    sites = list(_sites(tree.body[position], [("body", position)]))
    # a removed if-block or a dropped call is the slip of a whole step: they come first
    # (up to half the limit), the single-token changes are spread over the rest
    steps = [site for site in sites if site[0] in _STEPS][: limit // 2]
    rest = [site for site in sites if site not in steps]
    chosen = sorted(steps + _spread(rest, limit - len(steps)), key=sites.index)
    out: list[Mutant] = []
    for kind, line, description, path in chosen:
        variant = copy.deepcopy(tree)
        node = _follow(variant, path)
        _APPLY[kind](node)
        source = ast.unparse(ast.fix_missing_locations(variant)) + "\n"
        out.append(Mutant(kind, line, description, source))
    return out


def _find_function(tree: ast.Module, name: str) -> int | None:
    """Index in the module body of the top-level function ``name``."""
    for position, node in enumerate(tree.body):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name:
            return position
    return None


def _spread(sites: Sequence[_Site], limit: int) -> list[_Site]:
    if len(sites) <= limit:
        return list(sites)
    step = len(sites) / limit
    return [sites[int(i * step)] for i in range(limit)]


def _sites(function: ast.AST, root: _Path) -> Iterator[_Site]:
    for node, path in _walk_with_paths(function, root):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.BinOp) and type(node.op) in _SWAP_BINOP:
            yield (
                "operator",
                line,
                f"{type(node.op).__name__} -> {_SWAP_BINOP[type(node.op)].__name__}",
                path,
            )
        elif isinstance(node, ast.Compare) and type(node.ops[0]) in _SWAP_CMP:
            yield (
                "comparison",
                line,
                f"{type(node.ops[0]).__name__} -> {_SWAP_CMP[type(node.ops[0])].__name__}",
                path,
            )
        elif isinstance(node, ast.Constant) and type(node.value) in (int, float, bool):
            yield "constant", line, f"{node.value!r} changed", path
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "range"
            and node.args
        ):
            yield "boundary", line, "range stop + 1", path
        elif _skippable_call(node):
            assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            yield "call", line, f"{node.func.id}(...) -> its last argument", path
        elif isinstance(node, ast.Return) and node.value is not None:
            yield "return", line, "return value replaced", path
        elif isinstance(node, ast.BoolOp):
            yield "boolean", line, f"{type(node.op).__name__} swapped", path
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            yield "boolean", line, "not removed", path
        if isinstance(node, ast.If) and not node.orelse:
            # a case no test reaches makes no difference: Damerau-Levenshtein without its
            # transposition step is plain Levenshtein
            yield "branch", line, "if-block removed", path


def _skippable_call(node: ast.AST) -> bool:
    """A builtin call whose absence is a plausible slip: a dropped bound (``max(low, x)``),
    a missing ``abs``, ``round``, ``sorted`` or conversion."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in _SKIPPABLE
        and bool(node.args)
        and not node.keywords
        and not any(isinstance(a, ast.Starred) for a in node.args)
    )


def _walk_with_paths(node: ast.AST, path: _Path) -> Iterator[tuple[ast.AST, _Path]]:
    for field, value in ast.iter_fields(node):
        if isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, ast.AST):
                    child_path = [*path, (field, index)]
                    if not _skipped(node, field, index, item):
                        yield item, child_path
                        yield from _walk_with_paths(item, child_path)
        elif isinstance(value, ast.AST):
            child_path = [*path, (field, None)]
            yield value, child_path
            yield from _walk_with_paths(value, child_path)


def _skipped(parent: ast.AST, field: str, index: int, item: ast.AST) -> bool:
    """The docstring and nested function definitions are not mutated."""
    is_docstring = (
        field == "body"
        and index == 0
        and isinstance(item, ast.Expr)
        and isinstance(item.value, ast.Constant)
        and isinstance(item.value.value, str)
    )
    return is_docstring or isinstance(
        item, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda
    )


def _follow(tree: ast.AST, path: _Path) -> ast.AST:
    node = tree
    for field, index in path:
        value = getattr(node, field)
        node = value[index] if index is not None else value
    return node


def _mutate_operator(node: ast.AST) -> None:
    assert isinstance(node, ast.BinOp)
    node.op = _SWAP_BINOP[type(node.op)]()


def _mutate_comparison(node: ast.AST) -> None:
    assert isinstance(node, ast.Compare)
    node.ops[0] = _SWAP_CMP[type(node.ops[0])]()


def _mutate_constant(node: ast.AST) -> None:
    assert isinstance(node, ast.Constant)
    value = node.value
    if isinstance(value, bool):
        node.value = not value
    elif value == 0:
        node.value = 1
    elif isinstance(value, int):
        node.value = value + 1
    else:
        node.value = value * 1.5 + 1.0


def _mutate_boundary(node: ast.AST) -> None:
    assert isinstance(node, ast.Call)
    stop_index = 0 if len(node.args) == 1 else 1
    stop = node.args[stop_index]
    node.args[stop_index] = ast.BinOp(stop, ast.Add(), ast.Constant(1))


def _mutate_call(node: ast.AST) -> None:
    """The call becomes its last argument, in place: the node takes the argument's type
    and fields (a path addresses the node, so its parent cannot be edited)."""
    assert isinstance(node, ast.Call)
    kept = node.args[-1]
    node.__class__ = kept.__class__
    node.__dict__.clear()
    node.__dict__.update(kept.__dict__)


def _mutate_branch(node: ast.AST) -> None:
    """The ``if`` statement (no ``else``) becomes ``pass``, in place."""
    assert isinstance(node, ast.If)
    node.__class__ = ast.Pass
    node.__dict__.clear()
    node.lineno, node.col_offset = 1, 0


def _mutate_return(node: ast.AST) -> None:
    assert isinstance(node, ast.Return) and node.value is not None
    if isinstance(node.value, ast.Constant) and node.value.value is None:
        node.value = ast.Constant(0)
    else:
        node.value = ast.Constant(None)


def _mutate_boolean(node: ast.AST) -> None:
    if isinstance(node, ast.BoolOp):
        node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
    elif isinstance(node, ast.UnaryOp):
        replacement = node.operand
        node.op = ast.UAdd()  # `+x` on a bool is an int: keep truthiness, drop the `not`
        node.operand = ast.Call(ast.Name("bool", ast.Load()), [replacement], [])


_APPLY: dict[str, Callable[[ast.AST], None]] = {
    "operator": _mutate_operator,
    "comparison": _mutate_comparison,
    "constant": _mutate_constant,
    "boundary": _mutate_boundary,
    "return": _mutate_return,
    "boolean": _mutate_boolean,
    "call": _mutate_call,
    "branch": _mutate_branch,
}


@dataclass(frozen=True, slots=True)
class MutationReport:
    """How many mutants the tests killed, and which survived."""

    total: int
    killed: int
    survivors: tuple[Mutant, ...]
    verdicts: tuple[Verification, ...] = ()  # one per mutant, in mutant order

    @property
    def score(self) -> float | None:
        return None if self.total == 0 else round(self.killed / self.total, 4)


class MutationTester:
    """Runs a pair's tests against mutants of its solution on a sandbox pool."""

    def __init__(self, pool: JobRunner, max_mutants: int = DEFAULT_MAX_MUTANTS) -> None:
        self.pool = pool
        self.max_mutants = max_mutants

    def test(self, pair: Pair) -> MutationReport:
        found = mutants(pair.solution, pair.entry_point, self.max_mutants)
        if not found:
            return MutationReport(0, 0, ())
        verdicts = tuple(fan_out(self.pool, lambda m: self._run(pair, m), found, name="mutate"))
        survivors = tuple(
            m for m, v in zip(found, verdicts, strict=True) if v.status is Status.PASSED
        )
        return MutationReport(len(found), len(found) - len(survivors), survivors, verdicts)

    def _run(self, pair: Pair, mutant: Mutant) -> Verification:
        """The pair's tests against one mutant: anything but ``passed`` kills it."""
        pool_timeout = self.pool.config.timeout_s
        timeout = mutant_timeout(pair, pool_timeout)
        verdict = self._verdict(pair, mutant, timeout)
        if verdict.status is Status.TIMEOUT and timeout < pool_timeout:
            verdict = self._verdict(pair, mutant, min(pool_timeout, TIMEOUT_RETRY_FACTOR * timeout))
        return verdict

    def _verdict(self, pair: Pair, mutant: Mutant, timeout_s: float) -> Verification:
        return verify_pair(
            self.pool,
            pair,
            solution=mutant.source,
            timeout_s=timeout_s,
            stop_on_first_failure=True,  # one failing test kills the mutant
        )


def mutant_timeout(pair: Pair, pool_timeout_s: float) -> float:
    """Seconds a mutant may run: a multiple of the real solution's run, within the pool's."""
    baseline = pair.verification.duration_s if pair.verification else 0.0
    if baseline <= 0:
        return pool_timeout_s
    return min(pool_timeout_s, max(MIN_MUTANT_TIMEOUT_S, MUTANT_SLOWDOWN * baseline))
