"""Languages as parts (issue 24): every language implements the whole interface, and no
stage outside ``phicode/languages/`` branches on a language's name."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from phicode.errors import InputError
from phicode.languages import Language, language_for, language_named, names, parse_languages

PACKAGE = Path(__file__).resolve().parents[1] / "phicode"
# a comparison with a language's name: pair.language != "python", task.language == "typescript"
_BY_NAME = re.compile(r"language\s*(==|!=)\s*[\"'](python|javascript|typescript)[\"']")


def _members(protocol: type) -> set[str]:
    declared = set(getattr(protocol, "__annotations__", {}))
    declared |= {
        n
        for n, v in vars(protocol).items()
        if not n.startswith("_") and (inspect.isfunction(v) or isinstance(v, property))
    }
    return declared


@pytest.mark.parametrize("name", names())
def test_every_language_has_every_part_of_the_interface(name: str) -> None:
    language = language_named(name)
    missing = sorted(m for m in _members(Language) if not hasattr(language, m))
    assert not missing, f"{name} lacks {missing}"
    assert language.name == name
    assert all(language_for(f"x{ext}") is language for ext in language.extensions)


def test_no_stage_compares_language_names() -> None:
    """What differs between languages is asked of the Language; a stage that compares
    names is a branch the next language would have to find (records.py leaves the
    default out of a line, which is serialisation, not behaviour)."""
    found = [
        f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}"
        for path in PACKAGE.rglob("*.py")
        if "languages" not in path.relative_to(PACKAGE).parts and path.name != "records.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if _BY_NAME.search(line)
    ]
    assert not found, "\n".join(found)


def test_languages_are_named_by_name_or_short_form_and_unknown_ones_are_refused() -> None:
    assert parse_languages("py, ts,js,py") == ("python", "typescript", "javascript")
    with pytest.raises(InputError, match="unknown language 'cobol'"):
        parse_languages("py,cobol")
    with pytest.raises(InputError, match="at least one"):
        parse_languages(" , ")
    assert language_for("a/b.d.ts") is language_named("typescript")
    assert language_for("README.md") is None
