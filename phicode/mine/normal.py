"""The normal form two snippets are compared on: their tokens, without what
does not change the program's meaning to a reader of its code.

Whitespace, line breaks, backslash continuations, comments, quote style and
docstrings are dropped; every other token is kept in order. One regular
expression and one pass, far cheaper than ``ast.unparse``; it does not remove
redundant parentheses or trailing commas (those stay near duplicates).
"""

from __future__ import annotations

import re

_LEXEME = re.compile(
    r"""
      (\#[^\n]*)
    | (([rRbBuUfF]{0,2})
        (?:'''(?:\\.|[^\\])*?'''|\"\"\"(?:\\.|[^\\])*?\"\"\"|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"))
    | (\w+)
    | ([^\w\s\\])
    """,
    re.VERBOSE | re.DOTALL,
)
_OPEN, _CLOSE = frozenset("([{"), frozenset(")]}")
_HEADERS = frozenset({"def", "class"})


def normal_tokens(code: str) -> list[str]:
    """The tokens of ``code``'s normal form (strings as one token each)."""
    out: list[str] = []
    append = out.append
    depth = 0
    in_header = after_header = False
    for _comment, string, prefix, word, op in _LEXEME.findall(code):
        if word:
            if word in _HEADERS:
                in_header, depth = True, 0
            after_header = False
            append(word)
        elif op:
            if op in _OPEN:
                depth += 1
            elif op in _CLOSE:
                depth -= 1
            elif op == ":" and in_header and depth == 0:
                in_header = False
                append(op)
                after_header = True
                continue
            after_header = False
            append(op)
        elif string:
            if after_header:  # a docstring
                after_header = False
            else:
                append(_string(string, prefix))
    return out


def _string(text: str, prefix: str) -> str:
    """One quoting for every string: lower-case prefix, inner text in single quotes."""
    body = text[len(prefix) :]
    quote = 3 if body[:3] in ("'''", '"""') else 1
    return prefix.lower() + "'" + body[quote:-quote] + "'"
