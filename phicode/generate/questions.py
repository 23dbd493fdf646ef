"""Question checks beyond parsing: a task, naming everything, no code, true examples.

:func:`~phicode.generate.parsing.clean_question` strips what is clearly not the
question (titles, labels, answer sections, code blocks). What a small model
still gets wrong, measured with Qwen2.5-Coder-0.5B, is handled here:

- it explains how to solve the task ("To solve this problem, we need to …",
  "Here's a step-by-step breakdown …"): the opener is rewritten as a task and
  the explanation cut;
- it asks a question that is no task ("What is the value of f(2)?"): rejected;
- it leaves out the entry point or a parameter: the signature is put first, so a
  solver knows exactly what to define;
- it shows code (a line of code, or a run of the snippet's tokens): rejected —
  a kept question never shows code (:func:`shows_code` is the check the yield
  benchmark applies to every kept pair);
- its examples are often wrong: :func:`fix_examples` runs each ``f(...)``
  example through the snippet (the one oracle) and writes the true result, or
  removes an example that is not a valid call.
"""

from __future__ import annotations

import ast
import re
from enum import StrEnum

from phicode.generate.codeinfo import FunctionInfo
from phicode.generate.inputs import Case
from phicode.generate.oracle import observe
from phicode.generate.parsing import Parsed, ParseFailure, ParseReason, _shares_code
from phicode.pool import SandboxPool

MIN_CHARS = 40


class QuestionReason(StrEnum):
    """Why a question is dropped after cleaning (beside :class:`ParseReason`)."""

    NOT_A_TASK = "question_not_a_task"
    BAD_EXAMPLES = "question_bad_examples"


_OPENER = re.compile(
    r"^\s*(?:to (?:solve|address|tackle|implement) (?:this|the) (?:problem|task|exercise)|"
    r"in this (?:problem|task|exercise)),?\s+(?:we|you)\s+(?:will\s+)?(?:need|have|want|are asked)"
    r"\s+to\s+",
    re.I | re.M,
)
# Where the explanation of the solution begins: everything from there is cut.
_EXPLANATION = re.compile(
    r"(?:^|(?<=[.!?:]\s)|(?<=\n))\s*(?:here(?:'s| is) (?:a |the |how|an? )|step[- ]by[- ]step|"
    r"\d\.\s+\*\*|we can (?:use|solve|implement|iterate|start|first)|to implement (?:this|the)|"
    r"the (?:function|solution|implementation|algorithm|approach) (?:uses|works|iterates|first|"
    r"will (?:use|iterate|first))|(?:#+\s*)?(?:approach|implementation|explanation|solution)\s*:?\s*$)",
    re.I | re.M,
)
_TASK_WORD = re.compile(
    r"\b(write|implement|create|define|design|develop|build|complete|return|returns|compute|"
    r"calculate|given|takes|accepts|function)\b",
    re.I,
)
_QUIZ = re.compile(r"^\s*(what|which|how many|is|does|why)\b[^.]*\?\s*$", re.I | re.S)
_CODE_LINE = re.compile(
    r"^\s*(?:def |class |return\b|import |from \S+ import |for \S+ in .*:\s*$|while .*:\s*$|"
    r"if .*:\s*$|elif |else:\s*$|try:\s*$|except\b.*:\s*$|[A-Za-z_]\w* = .*[(\[].*$|>>> )",
    re.M,
)


def shows_code(text: str, info: FunctionInfo) -> bool:
    """True when the question shows code: a fence, a line of code, or the snippet's tokens."""
    if "```" in text or _CODE_LINE.search(text):
        return True
    if re.search(rf"\bdef\s+{re.escape(info.name)}\s*\(", text):
        return True
    return _shares_code(text, info)


def names_everything(text: str, info: FunctionInfo) -> bool:
    """The entry point and every parameter appear as words."""
    names = [info.name, *(p.name for p in info.params)]
    return all(re.search(rf"\b{re.escape(n)}\b", text) for n in names)


def check_question(text: str, info: FunctionInfo, code: str = "") -> Parsed | ParseFailure:
    """The cleaned question made a task that names everything and shows no code, or why not."""
    notes: list[str] = []
    text = text.strip()
    if _QUIZ.match(text):
        return ParseFailure(QuestionReason.NOT_A_TASK, "the question asks something, not a task")
    opened = _OPENER.sub(_capitalize_next, text, count=1)
    if opened != text:
        text = re.sub("\x00(.)", lambda m: m[1].upper(), opened)
        notes.append("rewrote a 'to solve this problem' opener as the task")
    cut = _cut_explanation(text)
    if cut != text:
        text = cut
        notes.append("cut an explanation of the solution")
    text = _drop_trailing_colon_line(text)
    if len(text) < MIN_CHARS:
        return ParseFailure(ParseReason.QUESTION_TOO_SHORT, f"{len(text)} characters left")
    if not _TASK_WORD.search(text):
        return ParseFailure(QuestionReason.NOT_A_TASK, "the question states no task")
    if shows_code(text, info):
        return ParseFailure(ParseReason.QUESTION_SHOWS_CODE, "the question shows code")
    if not names_everything(text, info) and f"`{info.signature}`" not in text:
        text = f"Write a Python function `{info.signature}`.\n\n{text}"
        notes.append("put the signature first (a parameter was not named)")
    return Parsed(text.strip() + "\n", tuple(notes))


def _capitalize_next(match: re.Match[str]) -> str:
    """Drop the opener; the verb after it starts the sentence (see the caller's sub)."""
    return "\x00"


def _cut_explanation(text: str) -> str:
    for match in _EXPLANATION.finditer(text):
        if match.start() >= MIN_CHARS:
            return text[: match.start()].rstrip()
    return text


def _drop_trailing_colon_line(text: str) -> str:
    """A last sentence ending in ':' introduced what was cut after it."""
    lines = text.rstrip().splitlines()
    while lines and lines[-1].rstrip().endswith(":"):
        lines.pop()
    text = "\n".join(lines).rstrip()
    sentences = re.split(r"(?<=[.!?])\s+", text)
    if len(sentences) > 1 and sentences[-1].endswith(":"):
        text = " ".join(sentences[:-1])
    return text


# --- examples --------------------------------------------------------------------------

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
        node = ast.parse(source, mode="eval").body
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


def fix_examples(pool: SandboxPool, code: str, info: FunctionInfo, text: str) -> Parsed | None:
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
        if o is None or o.kind not in ("value", "raises") or (o.kind == "value" and o.mutated):
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
        return ast.literal_eval(shown) == ast.literal_eval(truth)
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


__all__ = ["QuestionReason", "check_question", "fix_examples", "names_everything", "shows_code"]
