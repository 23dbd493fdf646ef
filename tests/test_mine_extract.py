"""Extraction: each function made self-contained, or rejected with the exact reason."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from phicode.mine import Dropped, Kept, MineConfig, MineStats, mine
from phicode.records import content_id

MIT = (
    "MIT License\n\nPermission is hereby granted, free of charge, to any person obtaining a copy\n"
)


def corpus(root: Path, files: dict[str, str], license_text: str | None = MIT) -> Path:
    """A folder with ``files`` (dedented) and, by default, an MIT LICENSE."""
    root.mkdir(parents=True, exist_ok=True)
    if license_text is not None:
        (root / "LICENSE").write_text(license_text)
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


def outcomes(root: Path, **options: object) -> dict[str, Kept | Dropped]:
    """Every function's outcome by entry point (config: small size bounds)."""
    config = MineConfig(**{"min_lines": 1, "min_tokens": 1, **options})
    out: dict[str, Kept | Dropped] = {}
    for outcome in mine([root], config, MineStats()):
        name = (
            outcome.snippet.entry_point
            if isinstance(outcome, Kept)
            else outcome.record.get("entry_point")
        )
        if name:
            out[name] = outcome
    return out


def reason(outcome: Kept | Dropped) -> tuple[str, str]:
    if isinstance(outcome, Kept):
        return ("kept", "")
    return (outcome.rejection.reason, outcome.rejection.detail)


MODULE = '''\
    import json
    import math
    import re
    from collections import OrderedDict, defaultdict

    SCALE = 3
    _WORD = re.compile(r"\\w+")  # words


    def _clean(text):
        return _WORD.findall(text.lower())


    def _weight(word):
        return len(word) * SCALE


    @staticmethod_free
    def decorated(x):
        return x


    def score(text):
        """Score a text by its words."""
        total = 0
        for word in _clean(text):
            total += _weight(word)
        return math.sqrt(total)


    def group(words):
        groups = defaultdict(list)
        for word in words:
            groups[len(word)].append(word)
        return dict(groups)


    def dump(value):
        return json.dumps(value)
'''


def test_helpers_constants_and_imports_come_along_transitively(tmp_path: Path) -> None:
    found = outcomes(corpus(tmp_path, {"words.py": MODULE}))
    score = found["score"]
    assert isinstance(score, Kept)
    assert score.snippet.code == textwrap.dedent('''\
        import math
        import re


        SCALE = 3
        _WORD = re.compile(r"\\w+")  # words


        def _clean(text):
            return _WORD.findall(text.lower())


        def _weight(word):
            return len(word) * SCALE


        def score(text):
            """Score a text by its words."""
            total = 0
            for word in _clean(text):
                total += _weight(word)
            return math.sqrt(total)
        ''')
    assert score.snippet.docstring == "Score a text by its words."


def test_only_the_imported_names_used_are_kept(tmp_path: Path) -> None:
    found = outcomes(corpus(tmp_path, {"words.py": MODULE}))
    assert found["group"].snippet.code.startswith(
        "from collections import defaultdict\n\n\ndef group"
    )
    assert found["dump"].snippet.code.startswith("import json\n\n\ndef dump(value):")


def test_a_name_bound_nowhere_is_unresolved(tmp_path: Path) -> None:
    found = outcomes(corpus(tmp_path, {"words.py": MODULE}))
    assert reason(found["decorated"]) == (
        "unresolved_name",
        "'staticmethod_free' is not defined in the module",
    )


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "from .utils import helper\n\ndef f(x):\n    return helper(x)\n",
            ("relative_import", "from .utils import helper"),
        ),
        (
            "import requests\n\ndef f(url):\n    return requests.get(url).text\n",
            ("non_stdlib_import", "requests"),
        ),
        (
            "from yaml.loader import SafeLoader\n\ndef f(x):\n    return SafeLoader(x)\n",
            ("non_stdlib_import", "yaml.loader"),
        ),
        (
            "try:\n    from _speedups import fast\nexcept ImportError:\n    def fast(x):\n"
            "        return x\n\ndef f(x):\n    return fast(x)\n",
            ("unresolved_name", "'fast' is bound conditionally or more than once in the module"),
        ),
        (
            "LIMIT = 1\nLIMIT = 2\n\ndef f(x):\n    return x < LIMIT\n",
            ("unresolved_name", "'LIMIT' is bound conditionally or more than once in the module"),
        ),
        (
            "CACHE = {}\nCACHE.update(a=1)\n\ndef f(x):\n    return CACHE.get(x)\n",
            ("unresolved_name", "'CACHE' is bound conditionally or more than once in the module"),
        ),
        (
            "COUNT = 0\n\ndef f(x):\n    global COUNT\n    COUNT += x\n    return COUNT\n",
            ("global_statement", "f rebinds a module global"),
        ),
        (
            "def f(x):\n    return super().f(x)\n",
            ("unresolved_name", "'super' needs a class or a file"),
        ),
        (
            "def f(x):\n    return __file__ + x\n",
            ("unresolved_name", "'__file__' needs a class or a file"),
        ),
        (
            "from os.path import *\n\ndef f(x):\n    return join(x, x)\n",
            ("unresolved_name", "'join' is not defined in the module"),
        ),
    ],
)
def test_functions_that_cannot_stand_alone_are_rejected(
    tmp_path: Path, source: str, expected: tuple[str, str]
) -> None:
    found = outcomes(corpus(tmp_path, {"mod.py": source}))
    assert reason(found["f"]) == expected


def test_numpy_is_allowed_because_the_sandbox_has_it(tmp_path: Path) -> None:
    source = "import numpy as np\n\ndef norm(v):\n    return float(np.linalg.norm(v))\n"
    found = outcomes(corpus(tmp_path, {"mod.py": source}))
    assert found["norm"].snippet.code == source.replace("\n\ndef", "\n\n\ndef")


def test_relative_import_into_a_stdlib_package_becomes_absolute(tmp_path: Path) -> None:
    source = "from .errors import HeaderParseError\n\ndef fail(x):\n    raise HeaderParseError(x)\n    return x\n"
    found = outcomes(corpus(tmp_path, {"email/helpers.py": source}))
    assert found["fail"].snippet.code.startswith("from email.errors import HeaderParseError\n")


def test_classes_are_helpers_and_super_inside_them_is_fine(tmp_path: Path) -> None:
    source = """\
        class Error(ValueError):
            def __init__(self, msg):
                super().__init__(msg.upper())


        def check(x):
            if x < 0:
                raise Error("negative")
            return x
    """
    found = outcomes(corpus(tmp_path, {"mod.py": source}))
    code = found["check"].snippet.code
    assert code.startswith("class Error(ValueError):") and code.endswith("    return x\n")


def test_static_methods_are_extracted_dedented_without_decorator(tmp_path: Path) -> None:
    source = """\
        class Maths:
            @staticmethod
            def clamp(x, low, high):
                return max(low, min(x, high))

            @classmethod
            def make(cls, x):
                return cls()

            def method(self, x):
                return x
    """
    found = outcomes(corpus(tmp_path, {"mod.py": source}))
    assert set(found) == {"clamp"}
    snippet = found["clamp"].snippet
    assert snippet.code == "def clamp(x, low, high):\n    return max(low, min(x, high))\n"
    assert (snippet.source.start_line, snippet.source.end_line) == (3, 4)


def test_future_imports_lead_the_snippet(tmp_path: Path) -> None:
    source = "from __future__ import annotations\n\ndef f(x: Later) -> Later:\n    return x\n"
    found = outcomes(corpus(tmp_path, {"mod.py": source}))
    # Annotations are names too: with lazy annotations they still must resolve.
    assert reason(found["f"]) == ("unresolved_name", "'Later' is not defined in the module")
    source = "from __future__ import annotations\nimport typing\n\ndef f(x: typing.Any) -> int:\n    return 1\n"
    found = outcomes(corpus(tmp_path / "two", {"mod.py": source}))
    assert found["f"].snippet.code.startswith("from __future__ import annotations\nimport typing\n")


def test_provenance_lines_include_decorators(tmp_path: Path) -> None:
    source = "import functools\n\n\n@functools.cache\ndef fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n"
    found = outcomes(corpus(tmp_path / "proj", {"pkg/fib.py": source}))
    source_record = found["fib"].snippet.source
    assert source_record.to_dict() == {
        "repo": "proj",
        "path": "pkg/fib.py",
        "commit": None,
        "start_line": 4,
        "end_line": 6,
        "license": "MIT",
    }


def test_id_is_the_hash_of_the_normalised_code(tmp_path: Path) -> None:
    source = "def add(a, b):\n    '''Add.'''\n    # sum\n    return a+b\n"
    found = outcomes(corpus(tmp_path, {"mod.py": source}))
    snippet = found["add"].snippet
    assert snippet.id == content_id("python", "def add ( a , b ) : return a + b")
    ast.parse(snippet.code)
