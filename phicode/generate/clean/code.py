"""Finding the Python code in a model's answer: fences or none, prose around it, cut off.

Small models rarely answer in the shape asked for (issue 7 measured it): code
with fences or without, prose lines inside the code, output cut off at the token
limit. :func:`extract_code` finds the code and :func:`parse_prefix` makes it
parse, each naming what it did.
"""

from __future__ import annotations

import re

from phicode import pysyntax

FENCE = re.compile(
    r"^[ \t]*(?P<fence>`{3,}|~{3,})[ \t]*(?P<lang>[\w+.-]*)[^\n]*\n"
    r"(?P<body>.*?)(?:^[ \t]*(?P=fence)[ \t]*$|\Z)",
    re.S | re.M,
)
_PYTHON_TAGS = {"", "python", "py", "python3", "py3", "pytest", "ipython"}
_CODE_START = re.compile(
    r"^(import |from \S+ import |def |async def |class |@|if __name__|assert |#)"
)


def code_blocks(raw: str) -> list[str]:
    """Fenced Python blocks in order; a block cut off by the token limit counts."""
    return [m["body"] for m in FENCE.finditer(raw) if m["lang"].lower() in _PYTHON_TAGS]


def extract_code(raw: str) -> tuple[str | None, list[str]]:
    """The Python code in a model answer, and notes on what was cut away."""
    blocks = code_blocks(raw)
    if blocks:
        parsed = [(b, parse_prefix(b)) for b in blocks]
        usable = [
            (block, fixed) for block, fixed in parsed if fixed is not None and fixed[0].strip()
        ]
        if not usable:
            return blocks[0], []
        notes = ["joined several code blocks"] if len(usable) > 1 else []
        notes += [n for _, (_, block_notes) in usable for n in block_notes]
        return "\n\n".join(fixed[0] for _, fixed in usable), notes
    return _unfenced(raw)


def _unfenced(raw: str) -> tuple[str | None, list[str]]:
    lines = raw.strip("\n").splitlines()
    start = next((i for i, line in enumerate(lines) if _CODE_START.match(line)), None)
    if start is None:
        return None, []
    notes = ["cut prose before the code"] if start else []
    return "\n".join(lines[start:]), notes


_PROSE_LINE = re.compile(r"^[A-Z][A-Za-z']*(?: [\w'`,.()-]+){2,}[.:!]?$")


def parse_prefix(code: str) -> tuple[str, list[str]] | None:
    """``code`` made to parse: prose lines dropped, a cut-off tail removed.

    Returns the code and notes, or None when not even a first line parses.
    """
    notes: list[str] = []
    if parses(code):
        return code, notes
    lines = code.splitlines()
    kept = [line for line in lines if not (_PROSE_LINE.match(line) and not parses(line))]
    if len(kept) != len(lines):
        notes.append("removed prose lines inside the code")
        lines = kept
        if parses("\n".join(lines)):
            return "\n".join(lines), notes
    # Truncated (or broken further down): keep the longest prefix that parses.
    for _ in range(200):
        text = "\n".join(lines)
        error = syntax_error(text)
        if error is None:
            notes.append("cut an unfinished tail (truncated output)")
            return text, notes
        cut = max(0, min(len(lines) - 1, (error.lineno or len(lines)) - 1))
        lines = _drop_open_block(lines[:cut])
        if not lines:
            return None
    return None


def _drop_open_block(lines: list[str]) -> list[str]:
    """Drop trailing blank lines and a trailing block header left without a body."""
    while lines and (not lines[-1].strip() or lines[-1].rstrip().endswith(":")):
        lines = lines[:-1]
    return lines


def parses(text: str) -> bool:
    return syntax_error(text) is None


def syntax_error(text: str) -> SyntaxError | None:
    try:
        pysyntax.parse(text)
    except SyntaxError as exc:
        return exc
    except ValueError:  # null bytes
        return SyntaxError("null byte", ("", 1, 0, "", 1, 0))
    return None
