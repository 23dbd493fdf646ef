"""Each filter's decision pinned on a small corpus, with its exact reason and detail."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from phicode.humaneval import load_problems
from phicode.mine import Dropped, Kept, MineConfig, MineStats, Skip, mine

MIT = (
    "MIT License\n\nPermission is hereby granted, free of charge, to any person obtaining a copy\n"
)
GPL3 = "GNU GENERAL PUBLIC LICENSE\nVersion 3, 29 June 2007\n... or (at your option) any later version.\n"


def corpus(root: Path, files: dict[str, str], license_text: str | None = MIT) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    if license_text is not None:
        (root / "LICENSE").write_text(license_text)
    for name, text in files.items():
        (root / name).write_text(textwrap.dedent(text))
    return root


def run(root: Path, **options: object) -> tuple[dict[str, tuple[str, str]], MineStats]:
    """(entry point -> (reason or 'kept', detail)), stats."""
    stats = MineStats()
    config = MineConfig(**{"min_lines": 1, "min_tokens": 1, **options})
    found: dict[str, tuple[str, str]] = {}
    for outcome in mine([root], config, stats):
        if isinstance(outcome, Kept):
            found[outcome.snippet.entry_point] = ("kept", "")
        elif "entry_point" in outcome.record:
            found[outcome.record["entry_point"]] = (
                outcome.rejection.reason,
                outcome.rejection.detail,
            )
    return found, stats


def decide(tmp_path: Path, source: str, **options: object) -> tuple[str, str]:
    found, _ = run(corpus(tmp_path, {"mod.py": source}), **options)
    return found["f"]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("async def f(x):\n    return x\n", ("async_function", "async def f")),
        ("def f():\n    return 1\n", ("no_arguments", "f() takes no arguments")),
        ("def f(x):\n    print(x)\n", ("print_only", "f prints instead of returning")),
        ("def f(x):\n    x.append(1)\n", ("no_return_value", "f returns no value")),
        ("def f(x):\n    x.sort()\n    return None\n", ("no_return_value", "f returns no value")),
        (
            "def f(x):\n    def g():\n        return x\n    g()\n",
            ("no_return_value", "f returns no value"),
        ),
        ("def f(*args):\n    yield from args\n", ("kept", "")),
        ("def f(x):\n    print(x)\n    return x\n", ("kept", "")),
        ("import os\n\ndef f(x):\n    return os.path.join(x, x)\n", ("forbidden_module", "os")),
        (
            "from subprocess import run\n\ndef f(x):\n    return run(x)\n",
            ("forbidden_module", "subprocess.run"),
        ),
        (
            "import urllib.request\n\ndef f(x):\n    return urllib.request.urlopen(x)\n",
            ("forbidden_module", "urllib.request"),
        ),
        ("from urllib.parse import quote\n\ndef f(x):\n    return quote(x)\n", ("kept", "")),
        (
            "import threading\n\ndef f(x):\n    return threading.Lock()\n",
            ("forbidden_module", "threading"),
        ),
        (
            "import tkinter\n\ndef f(x):\n    return tkinter.Tk(x)\n",
            ("forbidden_module", "tkinter"),
        ),
        ("def f(x):\n    return open(x).read()\n", ("forbidden_call", "open()")),
        ("def f(x):\n    return input(x)\n", ("forbidden_call", "input()")),
        ("def f(x):\n    return eval(x)\n", ("forbidden_call", "eval()")),
        (
            "import sys\n\ndef f(x):\n    sys.exit(x)\n    return x\n",
            ("forbidden_call", "sys.exit()"),
        ),
        (
            "import random\n\ndef f(x):\n    return random.choice(x)\n",
            ("nondeterministic", "random.choice() without a seed"),
        ),
        (
            "from random import shuffle\n\ndef f(x):\n    shuffle(x)\n    return x\n",
            ("nondeterministic", "random.shuffle() without a seed"),
        ),
        (
            "import random\n\ndef f(x, seed=0):\n    rng = random.Random(seed)\n    return rng.choice(x)\n",
            ("kept", ""),
        ),
        (
            "import random\n\ndef f(x):\n    random.seed(42)\n    return random.choice(x)\n",
            ("kept", ""),
        ),
        (
            "import numpy as np\n\ndef f(n):\n    return np.random.rand(n)\n",
            ("nondeterministic", "numpy.random.rand() without a seed"),
        ),
        (
            "import numpy as np\n\ndef f(n):\n    return np.random.default_rng(0).random(n)\n",
            ("kept", ""),
        ),
        (
            "import time\n\ndef f(x):\n    return time.time() - x\n",
            ("nondeterministic", "time.time()"),
        ),
        ("import time\n\ndef f(x):\n    return time.gmtime(x)\n", ("kept", "")),
        (
            "from datetime import datetime\n\ndef f(x):\n    return datetime.now() - x\n",
            ("nondeterministic", "datetime.datetime.now()"),
        ),
        (
            "import uuid\n\ndef f(x):\n    return str(uuid.uuid4()) + x\n",
            ("nondeterministic", "uuid.uuid4()"),
        ),
        (
            "import secrets\n\ndef f(n):\n    return secrets.token_hex(n)\n",
            ("nondeterministic", "secrets.token_hex()"),
        ),
        (
            "import sys\n\ndef f(depth):\n    return sys._getframe(depth).f_code.co_name\n",
            ("nondeterministic", "sys._getframe() reads the running interpreter"),
        ),
        (
            "import traceback\n\ndef f(limit):\n    return traceback.extract_stack(limit=limit)\n",
            ("nondeterministic", "traceback.extract_stack() reads the running interpreter"),
        ),
        (
            "from inspect import currentframe\n\ndef f(x):\n    return currentframe().f_back, x\n",
            ("nondeterministic", "inspect.currentframe() reads the running interpreter"),
        ),
        (
            "def f(x):\n    return {id(x): x}\n",
            ("nondeterministic", "id() reads the running interpreter"),
        ),
        (
            "def id(x):\n    return x.key\n\ndef f(x):\n    return {id(x): x}\n",
            ("kept", ""),
        ),
    ],
)
def test_each_filter_names_its_reason(
    tmp_path: Path, source: str, expected: tuple[str, str]
) -> None:
    assert decide(tmp_path, source) == expected


def test_a_helper_brings_its_forbidden_module_with_it(tmp_path: Path) -> None:
    source = "import os\n\ndef _home(x):\n    return os.path.expanduser(x)\n\ndef f(x):\n    return _home(x) + '/'\n"
    assert decide(tmp_path, source) == ("forbidden_module", "os")


def test_open_shadowed_by_a_module_helper_is_not_the_builtin(tmp_path: Path) -> None:
    source = "def open(x):\n    return [x]\n\ndef f(x):\n    return open(x)\n"
    assert decide(tmp_path, source) == ("kept", "")


def test_the_forbidden_module_list_is_configurable(tmp_path: Path) -> None:
    source = "import os\n\ndef f(x):\n    return os.path.join(x, x)\n"
    assert decide(tmp_path, source, forbidden_modules=frozenset({"socket"})) == ("kept", "")
    source = "import json\n\ndef f(x):\n    return json.dumps(x)\n"
    assert decide(tmp_path / "b", source, forbidden_modules=frozenset({"json"})) == (
        "forbidden_module",
        "json",
    )


def test_size_bounds_count_lines_and_tokens(tmp_path: Path) -> None:
    source = "def f(x):\n    return x\n"
    assert decide(tmp_path, source, min_lines=3) == (
        "too_short",
        "2 lines, 8 tokens (min 3 lines, 1 tokens)",
    )
    assert decide(tmp_path / "b", source, min_tokens=9) == (
        "too_short",
        "2 lines, 8 tokens (min 1 lines, 9 tokens)",
    )
    long = "def f(x):\n" + "    x += 1\n" * 30 + "    return x\n"
    assert decide(tmp_path / "c", long, max_lines=20) == (
        "too_long",
        "32 lines, 128 tokens (max 20 lines, 2500 tokens)",
    )
    assert decide(tmp_path / "d", long, max_tokens=100) == (
        "too_long",
        "32 lines, 128 tokens (max 200 lines, 100 tokens)",
    )


def test_the_default_size_bounds_drop_one_liners(tmp_path: Path) -> None:
    found, _ = run(
        corpus(tmp_path, {"mod.py": "def f(x):\n    return x\n"}), min_lines=3, min_tokens=16
    )
    assert found["f"][0] == "too_short"


def test_a_pasted_humaneval_solution_is_contamination(tmp_path: Path) -> None:
    problem = load_problems()[12]  # longest
    pasted = problem["prompt"] + problem["canonical_solution"]
    found, _ = run(corpus(tmp_path, {"a.py": pasted}))
    assert found["longest"] == ("humaneval_overlap", "HumanEval/12 (100% of its 10-grams)")
    reworded = pasted.replace("Out of list of strings, return the longest one.", "Pick one.")
    found, _ = run(corpus(tmp_path / "reworded", {"b.py": reworded.replace("\n\n\n", "\n# hi\n")}))
    assert found["longest"] == ("humaneval_overlap", "HumanEval/12 (87% of its 10-grams)")
    # Without its docstring, the solution is still caught on the normalised form.
    bare = (
        "def longest(strings):\n    if not strings:\n        return None\n"
        + problem["canonical_solution"].split("return None\n", 1)[1]
    )
    found, _ = run(corpus(tmp_path / "bare", {"a.py": bare}))
    assert found["longest"][0] == "humaneval_overlap"
    found, _ = run(corpus(tmp_path / "off", {"a.py": pasted}), decontaminate=False)
    assert found["longest"] == ("kept", "")


def test_an_unrelated_function_is_not_contamination(tmp_path: Path) -> None:
    source = "def f(values):\n    total = 0\n    for v in values:\n        total += v * v\n    return total\n"
    assert decide(tmp_path, source) == ("kept", "")


def test_generated_files_are_skipped_whole(tmp_path: Path) -> None:
    root = corpus(
        tmp_path,
        {
            "gen.py": "# Auto-generated by tools/make.py. DO NOT EDIT.\n\ndef f(x):\n    return x\n",
            "mini.py": "def g(x):\n    return x\n" + "X = [" + "1, " * 5000 + "]\n",
            "ok.py": "def h(x):\n    return x\n",
        },
    )
    found, stats = run(root)
    assert set(found) == {"h"}
    assert stats.files_skipped == {Skip.GENERATED: 2}


@pytest.mark.parametrize(
    ("license_text", "allow", "expected"),
    [
        (MIT, None, "kept"),
        (GPL3, None, "license_not_allowed"),
        (GPL3, frozenset({"GPL-3.0-or-later"}), "kept"),
        (None, None, "license_not_allowed"),
        (None, frozenset({"unknown"}), "kept"),
        (GPL3, frozenset({"any"}), "kept"),
    ],
)
def test_licence_allow_list(
    tmp_path: Path, license_text: str | None, allow: frozenset[str] | None, expected: str
) -> None:
    root = corpus(tmp_path, {"mod.py": "def f(x):\n    return x\n"}, license_text)
    options = {} if allow is None else {"license_allow": allow}
    stats = MineStats()
    outcomes = list(mine([root], MineConfig(min_lines=1, min_tokens=1, **options), stats))
    if expected == "kept":
        assert [type(o) for o in outcomes] == [Kept]
        spdx = {MIT: "MIT", GPL3: "GPL-3.0-or-later", None: None}[license_text]
        assert outcomes[0].snippet.source.license == spdx
    else:
        (dropped,) = outcomes
        assert isinstance(dropped, Dropped)
        assert dropped.rejection.reason == expected
        assert dropped.rejection.detail == (
            "GPL-3.0-or-later" if license_text else "no licence found"
        )


def test_rejections_are_counted_by_reason(tmp_path: Path) -> None:
    root = corpus(
        tmp_path,
        {
            "a.py": "def f():\n    return 1\n\ndef g(x):\n    return open(x)\n\ndef h(x):\n    return x\n",
            "b.py": "def k():\n    return 2\n",
        },
    )
    _, stats = run(root)
    assert stats.functions == 4 and stats.kept == 1
    assert stats.rejected == {"no_arguments": 2, "forbidden_call": 1}
