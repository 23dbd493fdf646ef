"""Cleaning a model's question: the problem statement only, a task, no code, everything named.

:func:`clean_question` strips what is clearly not the question (titles, labels,
answer sections, code blocks, lines copied from the code, a cut-off sentence).
:func:`check_question` then handles what a small model still gets wrong,
measured with Qwen2.5-Coder-0.5B:

- it explains how to solve the task ("To solve this problem, we need to …",
  "Here's a step-by-step breakdown …"): the opener is rewritten as a task and
  the explanation cut;
- it asks a question that is no task ("What is the value of f(2)?"): rejected;
- it leaves out the entry point or a parameter: the signature is put first, so a
  solver knows exactly what to define;
- it shows code (a line of code, or a run of the snippet's tokens): rejected —
  a kept question never shows code (:func:`shows_code` is the check the yield
  benchmark applies to every kept pair).

Its examples are checked against the snippet by the oracle
(:func:`phicode.generate.oracle.examples.fix_examples`).
"""

from __future__ import annotations

import re

from phicode.generate.clean.code import FENCE
from phicode.generate.clean.outcome import Parsed, ParseFailure, ParseReason, QuestionReason
from phicode.generate.codeinfo import FunctionInfo

_LABEL = re.compile(
    r"^\s*(?:#+\s*|\*\*)?(?:exercise|question|problem(?: statement)?|task|prompt)"
    r"\s*:?\s*(?:\*\*)?\s*:?\s*",
    re.I,
)
_ANSWER_SECTION = re.compile(
    r"^\s*(?:#+\s*|\*\*|>\s*)?(?:answer|solution|sample solution|example solution|"
    r"reference solution|"
    r"implementation|explanation|code|here(?:'s| is) (?:the|a|my|an) (?:possible )?"
    r"(?:solution|implementation|code|answer|function))\b.*$",
    re.I | re.M,
)
_SENTENCE_END = re.compile(r"[.!?:)`]\s*$")
MIN_QUESTION_CHARS = 40
NGRAM = 10


def clean_question(raw: str, info: FunctionInfo) -> Parsed | ParseFailure:
    """A problem statement that names the function and shows no code, or why not."""
    text = raw.strip()
    if not text:
        return ParseFailure(ParseReason.EMPTY_OUTPUT, "the model wrote nothing")
    notes: list[str] = []
    text = _drop_title(text, notes)
    text, label = _LABEL.subn("", text, count=1)
    if label and text != raw.strip():
        notes.append("removed a leading label")
    text = _cut_answer_section(text, notes)
    text = _drop_code_blocks(text, info, notes)
    text = _drop_leaked_lines(text, info, notes)
    trimmed = _trim_unfinished(text, notes)
    if trimmed is None:
        return ParseFailure(QuestionReason.CUT_OFF, "not one sentence of the question is complete")
    text = re.sub(r"\n{3,}", "\n\n", trimmed).strip()
    if len(text) < MIN_QUESTION_CHARS:
        return ParseFailure(
            ParseReason.QUESTION_TOO_SHORT, f"{len(text)} characters left after cleaning"
        )
    if re.search(rf"\bdef\s+{re.escape(info.name)}\s*\(", text) or _shares_code(text, info):
        return ParseFailure(
            ParseReason.QUESTION_SHOWS_CODE, "the question still contains the answer's code"
        )
    if not re.search(rf"\b{re.escape(info.name)}\b", text):
        text = f"Write a Python function `{info.signature}`.\n\n{text}"
        notes.append("named the function")
    return Parsed(text + "\n", tuple(notes))


_TITLE = re.compile(r"^\s*(?:#{1,6}\s+.{1,80}|\*\*[^*]{1,80}\*\*:?)\s*$")


def _drop_title(text: str, notes: list[str]) -> str:
    """A heading-only first line ("### Problem: Count Vowels") is a title, not the task."""
    first, _, rest = text.partition("\n")
    if rest.strip() and _TITLE.match(first):
        notes.append("removed a title line")
        return rest.strip()
    return text


def _cut_answer_section(text: str, notes: list[str]) -> str:
    for match in _ANSWER_SECTION.finditer(text):
        if match.start() > 0:
            notes.append("cut a trailing answer/solution section")
            return text[: match.start()].rstrip()
    return text


def _drop_code_blocks(text: str, info: FunctionInfo, notes: list[str]) -> str:
    def replace(match: re.Match[str]) -> str:
        body = match["body"]
        if re.search(r"^\s*(def|class|return|for|while|if|import|from)\b", body, re.M) or _leaks(
            body, info
        ):
            if "removed a code block" not in notes:
                notes.append("removed a code block")
            return ""
        return match.group(0)

    return FENCE.sub(replace, text)


def _leaks(text: str, info: FunctionInfo) -> bool:
    return any(len(line) >= 16 and line in text for line in info.body_lines)


def _drop_leaked_lines(text: str, info: FunctionInfo, notes: list[str]) -> str:
    leaked = {line for line in info.body_lines if len(line) >= 16}
    kept = [line for line in text.splitlines() if line.strip() not in leaked]
    if len(kept) != len(text.splitlines()):
        notes.append("removed lines copied from the code")
    return "\n".join(kept)


def _trim_unfinished(text: str, notes: list[str]) -> str | None:
    """Cut a sentence the token limit cut off, back to the last complete one (None: the
    first sentence is already unfinished, as in "Write a Python function `f(x)` that")."""
    stripped = text.rstrip()
    head, _, last = stripped.rpartition("\n")
    if head.strip() and last.replace("```", "").count("`") % 2:  # "- `f(5, {})": cut mid-span
        notes.append("cut an unfinished last line (truncated output)")
        stripped = head.rstrip()
    if not stripped or _SENTENCE_END.search(stripped):
        return stripped
    ends = [m.end() for m in re.finditer(r"[.!?](?=\s)|[.!?]$", stripped)]
    if ends:
        notes.append("cut an unfinished last sentence (truncated output)")
        return stripped[: ends[-1]]
    if re.search(r"\b(?:that|which|and|or|the|a|an|to|of|with|if|when|is|are)$", stripped, re.I):
        return None
    return stripped


def _tokens(text: str) -> list[str]:
    return re.findall(r"\w+|[^\w\s]", text)


_STRING = re.compile(r"""(?P<q>['"])(?:\\.|(?!(?P=q)).)*(?P=q)""")


def _shares_code(text: str, info: FunctionInfo) -> bool:
    """True when ``NGRAM`` consecutive code tokens of the body appear in the text."""
    code = "\n".join(line for line in info.body_lines if not line.startswith(("import", "from")))
    # a string's words are no code: the snippet's own error message may be quoted as evidence
    body = _tokens(_STRING.sub('""', code))
    if len(body) < NGRAM:
        return False
    grams = {tuple(body[i : i + NGRAM]) for i in range(len(body) - NGRAM + 1)}
    words = _tokens(text)
    return any(tuple(words[i : i + NGRAM]) in grams for i in range(len(words) - NGRAM + 1))


# --- checks after cleaning ------------------------------------------------------------

MIN_CHARS = 40

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
    r"^\s*(?:def |class |return\b(?!.*\.\s*$)|import |from \S+ import |for \S+ in .*:\s*$|while .*:\s*$|"
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


_ENGLISH = frozenset(
    [
        "the",
        "a",
        "an",
        "that",
        "and",
        "of",
        "to",
        "is",
        "it",
        "if",
        "for",
        "with",
        "which",
        "returns",
        "given",
        "each",
        "as",
        "by",
        "or",
    ]
)


def reads_as_english(text: str) -> bool:
    """Prose mostly in ASCII letters with some common English words: the dataset is English,
    and a small model sometimes answers in the language of a docstring or comment."""
    letters = [c for c in text if c.isalpha()]
    if not letters or sum(not c.isascii() for c in letters) > 0.1 * len(letters):
        return False
    words = set(re.findall(r"[a-z]+", re.sub(r"`[^`]*`", " ", text.lower())))
    return len(words & _ENGLISH) >= 2


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
    if not reads_as_english(text):
        return ParseFailure(QuestionReason.NOT_ENGLISH, "the question is not written in English")
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
