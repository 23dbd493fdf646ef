"""Text helpers."""

import re
import unicodedata

_SLUG_STRIP = re.compile(r"[^a-z0-9]+")


def slugify(title: str, separator: str = "-") -> str:
    """Turn a title into a URL slug: ASCII, lower case, words joined by separator."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return _SLUG_STRIP.sub(separator, ascii_title.lower()).strip(separator)


def truncate(text: str, width: int, ellipsis: str = "...") -> str:
    """Shorten text to at most width characters, ending with ellipsis when cut."""
    if len(text) <= width:
        return text
    if width <= len(ellipsis):
        return ellipsis[:width]
    return text[: width - len(ellipsis)] + ellipsis


def camel_to_snake(name: str) -> str:
    """Convert CamelCase or camelCase to snake_case."""
    out = []
    for index, char in enumerate(name):
        if char.isupper() and index > 0 and (not name[index - 1].isupper() or
                                              (index + 1 < len(name) and name[index + 1].islower())):
            out.append("_")
        out.append(char.lower())
    return "".join(out)


def count_vowels(text: str) -> int:
    """Number of vowels (a, e, i, o, u, either case) in text."""
    return sum(1 for char in text.lower() if char in "aeiou")


def wrap_words(text: str, width: int) -> list:
    """Greedy word wrap: lines of at most width characters (longer words stand alone)."""
    lines = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= width or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


def shout(message):
    print(message.upper() + "!")


def read_lines(path):
    """Read a file's lines (file system: filtered out)."""
    with open(path) as handle:
        return handle.read().splitlines()
