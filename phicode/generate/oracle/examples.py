"""A question's examples checked by the oracle: ``f(2) returns 5`` made true, or removed.

A small model's examples are often wrong. :func:`fix_examples` runs each
``f(...)`` example of a question through the snippet (the one oracle) and writes
the true result, or removes an example that is not a valid call.
"""

from __future__ import annotations

import ast
import re

from phicode import pysyntax
from phicode.generate.clean.outcome import Parsed
from phicode.generate.codeinfo import FunctionInfo
from phicode.generate.oracle.inputs import Case
from phicode.generate.oracle.observe import Observed, observe
from phicode.sandbox.runner import JobRunner

MAX_EXAMPLES = 3  # worked examples a question shows at most (never all cases)
_EXAMPLES_HEADING = re.compile(r"(?:#+\s*)?(?:\*\*)?examples:?(?:\*\*)?:?", re.IGNORECASE)

_RESULT_WORDS = (
    r"(?:should return|must return|would return|will return|returns|return|gives|outputs|"
    r"evaluates to|results in|is|==|->|=>|→|yields)"
)


def _example_pattern(name: str) -> re.Pattern[str]:
    return re.compile(
        rf"`?(?P<call>\b{re.escape(name)}\((?P<args>[^`\n]*?)\))`?\s*(?:,\s*)?{_RESULT_WORDS}\s*"
        rf"(?:`(?P<tick>[^`\n]+)`|(?P<bare>[^\s,;`][^,;`\n]*?))(?=\s*(?:[.;,]\s|[.;,]?$|\n|\)))",
        re.M,
    )


def _call_case(source: str, name: str) -> Case | None:
    try:
        node = pysyntax.parse(source, mode="eval").body
    except SyntaxError:
        return None
    if not (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name
    ):
        return None
    if any(isinstance(a, ast.Starred) for a in node.args) or any(
        k.arg is None for k in node.keywords
    ):
        return None
    return Case(
        tuple(ast.unparse(a) for a in node.args),
        tuple((str(k.arg), ast.unparse(k.value)) for k in node.keywords),
        origin="question",
    )


def fix_examples(pool: JobRunner, code: str, info: FunctionInfo, text: str) -> Parsed | None:
    """The question with every ``f(...) returns X`` example made true or removed.

    None when the question had examples and none of them was a valid call (the
    model misread the function so badly that its prose cannot be trusted either).
    """
    pattern = _example_pattern(info.name)
    matches = list(pattern.finditer(text))
    if not matches:
        return Parsed(text, ())
    cases = [_call_case(m["call"], info.name) for m in matches]
    valid_cases = [c for c in cases if c is not None]
    observed = {
        (o.case.args, o.case.kwargs): o
        for o in (observe(pool, code, info.name, valid_cases) if valid_cases else [])
    }
    notes: list[str] = []
    pieces: list[str] = []
    last = 0
    kept = 0
    removals: list[tuple[int, int]] = []
    for match, case in zip(matches, cases, strict=True):
        o = observed.get((case.args, case.kwargs)) if case is not None else None
        if o is None or o.kind not in ("value", "raises") or (o.kind == "value" and o.only_changes):
            removals.append((match.start(), match.end()))
            continue
        kept += 1
        shown = (match["tick"] or match["bare"] or "").strip()
        if o.kind == "raises":
            truth = f"`{match['call']}` raises `{o.exc}`"
        else:
            value = f"list({match['call']})" if o.generator else match["call"]
            if _same_literal(shown, o.repr or ""):
                continue
            truth = f"`{value}` returns `{o.repr}`"
        pieces.append(text[last : match.start()])
        pieces.append(truth)
        last = match.end()
        notes.append("corrected an example against the snippet")
    pieces.append(text[last:])
    fixed = "".join(pieces)
    if removals:
        fixed = _remove_examples(fixed, pattern, {text[a:b] for a, b in removals})
        notes.append("removed an example that is not a valid call")
    if not kept:
        return None
    return Parsed(re.sub(r"\n{3,}", "\n\n", fixed).strip() + "\n", tuple(dict.fromkeys(notes)))


def _same_literal(shown: str, truth: str) -> bool:
    try:
        return pysyntax.literal_eval(shown) == pysyntax.literal_eval(truth)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return shown.strip() == truth.strip()


def _remove_examples(text: str, pattern: re.Pattern[str], bad: set[str]) -> str:
    """Drop the list item or the sentence that holds a bad example."""
    out: list[str] = []
    for line in text.splitlines():
        if not any(b in line for b in bad):
            out.append(line)
            continue
        if re.match(r"^\s*(?:[-*+]|\d+[.)])\s", line):
            continue
        sentences = re.split(r"(?<=[.!?])\s+", line)
        out.append(" ".join(s for s in sentences if not any(b in s for b in bad)))
    return "\n".join(out)


def count_examples(text: str, info: FunctionInfo) -> int:
    """How many worked examples (``f(...)`` returns or raises something) the text shows."""
    returns = len(_example_pattern(info.name).findall(text))
    raises = len(re.findall(rf"\b{re.escape(info.name)}\([^`\n]*\)`?\s+raises\b", text))
    return returns + raises


def example_calls(text: str, info: FunctionInfo) -> list[Case]:
    """The calls of the worked examples the text shows (returns or raises), in order."""
    name = re.escape(info.name)
    raising = re.compile(rf"(?P<call>\b{name}\([^`\n]*\))`?\s+raises\b")
    found = sorted(
        [*_example_pattern(info.name).finditer(text), *raising.finditer(text)],
        key=lambda m: m.start(),
    )
    cases = []
    for match in found:
        call = match["call"]
        # ``list(f(1))`` returns: the pattern's call may take the wrapper's parenthesis
        case = _call_case(call, info.name) or _call_case(call.removesuffix(")"), info.name)
        if case is not None:
            cases.append(case)
    return cases


def showable(o: Observed) -> bool:
    """Short enough to read as an example in a question (call and result)."""
    return len(o.case.call("f")) <= 60 and (
        o.kind != "value" or (len(o.repr or "") <= 60 and not o.only_changes)
    )


def example_line(info: FunctionInfo, o: Observed) -> str:
    """A worked example as a list item: ``- `f(1)` returns `2`.`` or ``raises `E```."""
    call = o.case.call(info.name)
    if o.kind == "raises":
        said = f' ("{o.message}")' if o.message and len(o.message) <= 80 else ""
        return f"- `{call}` raises `{o.exc}`{said}."
    shown = f"list({call})" if o.generator else call
    return f"- `{shown}` returns `{o.repr}`."


def with_example(question: str, line: str) -> str:
    """``line`` added to the question's ``Examples:`` list, or a new one at the end. A
    markdown heading counts (``### Examples``, ``**Examples:**``): the model writes them,
    and a second list under a new ``Examples:`` read as a glitch."""
    text = question.rstrip()
    lines = text.splitlines()
    for index in range(len(lines) - 1, -1, -1):
        if _EXAMPLES_HEADING.fullmatch(lines[index].strip()):
            end = index + 1
            if end + 1 < len(lines) and not lines[end].strip():
                end += lines[end + 1].lstrip().startswith("- ")  # a blank line, then the list
            while end < len(lines) and lines[end].lstrip().startswith("- "):
                end += 1
            return "\n".join([*lines[:end], line, *lines[end:]]) + "\n"
    return f"{text}\n\nExamples:\n{line}\n"


__all__ = [
    "MAX_EXAMPLES",
    "count_examples",
    "example_calls",
    "example_line",
    "fix_examples",
    "showable",
    "with_example",
]
