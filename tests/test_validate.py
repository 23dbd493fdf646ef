"""``phicode validate``: every kind of problem, with the exact line the user sees."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from phicode.cli import main
from phicode.contamination import NgramIndex, humaneval_index
from phicode.humaneval import canonical_pairs
from phicode.records import Status, Verification
from phicode.validate import Check, Reverifier, ValidateCache, validate_files
from tests.ci import skip_unless_ci

SOLUTION = "def add(a, b):\n    return a + b\n"
TESTS = "from solution import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n"


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> None:
    """Each test its own cache: nothing from the user's ~/.cache, nothing left there."""
    monkeypatch.setenv("PHICODE_CACHE", str(tmp_path_factory.mktemp("cache")))


def record(id: str = "p1", **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": id,
        "question": "Write add(a, b) that returns the sum of two numbers.",
        "solution": SOLUTION,
        "entry_point": "add",
        "tests": TESTS,
        "source": {"repo": "example/repo", "path": "add.py", "start_line": 1, "end_line": 2},
        "generator": {"backend": "template", "model": "none", "prompt": "question/1"},
        "verification": Verification(status=Status.PASSED, tests_passed=1, tests_total=1).to_dict(),
    }
    data.update(changes)
    return data


def without(name: str) -> dict[str, Any]:
    return {key: value for key, value in record().items() if key != name}


def write(path: Path, *lines: dict[str, Any] | str) -> Path:
    text = "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines)
    path.write_text(text, encoding="utf-8")
    return path


def validate(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], str]:
    code = main(["validate", *args])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def test_clean_file_exits_0_and_prints_no_finding(tmp_path: Path, capsys) -> None:
    path = write(tmp_path / "data.jsonl", record("a"), record("b"), "", record("c"))
    code, out, err = validate(capsys, str(path))
    assert (code, out) == (0, [])
    summary, hint = err.splitlines()
    assert summary == "phicode validate: 1 file, 3 records: clean"
    assert hint.startswith("phicode validate: 3 pair(s) carry no cases (schema 1)")
    assert "'phicode verify FILE -o NEW --add-cases' adds them" in hint


def test_quiet_prints_nothing(tmp_path: Path, capsys) -> None:
    path = write(tmp_path / "data.jsonl", record("a"))
    assert validate(capsys, "-q", str(path)) == (0, [], "")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            '{"id": "x", ',
            "invalid JSON: Expecting property name enclosed in double quotes (column 13)",
        ),
        ("[1, 2]", "expected a JSON object, got list"),
        (without("tests"), "field 'tests': missing"),
        (record(solution=3), "field 'solution': expected str, got int"),
        (
            {k: v for k, v in record().items() if k != "verification"},
            "field 'verification': missing",
        ),
        (record(generator=None), "field 'generator': missing"),
        (
            record(verification={"status": "fine"}),
            "field 'verification.status': 'fine' is not one of passed, failed, error, "
            "timeout, crashed, rejected",
        ),
        (
            record(verification={"status": "failed", "detail": "test_add: assert 2 == 3"}),
            "verification.status is 'failed': only passed pairs belong in a dataset",
        ),
        (
            record(solution="def add(a, b)\n    return a + b\n"),
            "solution does not parse: expected ':' (line 1)",
        ),
        (
            record(tests=TESTS + "def test_broken(:\n"),
            "tests does not parse: invalid syntax (line 6)",
        ),
        (
            record(solution="def plus(a, b):\n    return a + b\n"),
            "solution does not define entry_point 'add'",
        ),
        (
            record(tests="def test_add():\n    assert 1 + 2 == 3\n"),
            "tests do not import the solution (expected 'from solution import ...')",
        ),
    ],
    ids=[
        "invalid-json",
        "not-an-object",
        "missing-field",
        "wrong-type",
        "no-verification",
        "no-generator",
        "unknown-status",
        "not-passed",
        "solution-syntax",
        "tests-syntax",
        "entry-point",
        "no-import",
    ],
)
def test_each_problem_is_one_exact_line(
    tmp_path: Path, capsys, line: dict[str, Any] | str, message: str
) -> None:
    path = write(tmp_path / "data.jsonl", record("ok"), line, record("ok2"))
    code, out, err = validate(capsys, str(path))
    assert code == 1
    assert out == [f"{path}:2: {message}"]
    assert "1 problem(s) in 1 record(s)" in err


def test_a_record_with_several_problems_gets_one_line_each(tmp_path: Path, capsys) -> None:
    bad = record(
        "a",
        verification={"status": "timeout"},
        solution="def add(:\n",
        tests="def test_x():\n    pass\n",
    )
    path = write(tmp_path / "d.jsonl", record("a"), bad)
    code, out, _ = validate(capsys, str(path))
    assert code == 1
    assert out == [
        f"{path}:2: duplicate id 'a' (first at {path}:1)",
        f"{path}:2: verification.status is 'timeout': only passed pairs belong in a dataset",
        f"{path}:2: solution does not parse: invalid syntax (line 1)",
        f"{path}:2: tests do not import the solution (expected 'from solution import ...')",
    ]


def test_duplicate_ids_across_files(tmp_path: Path, capsys) -> None:
    first = write(tmp_path / "a.jsonl", record("one"), record("two"))
    second = write(tmp_path / "b.jsonl", record("three"), record("two"))
    code, out, err = validate(capsys, str(first), str(second))
    assert code == 1
    assert out == [f"{second}:2: duplicate id 'two' (first at {first}:2)"]
    assert err.startswith("phicode validate: 2 files, 4 records: 1 problem(s)")


def test_line_numbers_count_blank_lines(tmp_path: Path, capsys) -> None:
    path = write(tmp_path / "d.jsonl", record("a"), "", "   ", "not json")
    _, out, _ = validate(capsys, str(path))
    assert out == [f"{path}:4: invalid JSON: Expecting value (column 1)"]


def test_invalid_utf8(tmp_path: Path, capsys) -> None:
    path = tmp_path / "d.jsonl"
    good = json.dumps(record("a")).encode()
    path.write_bytes(good + b"\n" + json.dumps(record("b")).encode()[:-2] + b'\xff"}\n')
    _, out, _ = validate(capsys, str(path))
    assert out == [f"{path}:2: invalid UTF-8"]


def test_schema_only_skips_the_code_checks(tmp_path: Path, capsys) -> None:
    path = write(tmp_path / "d.jsonl", record("a", solution="def add(:\n"), record("a"))
    code, out, _ = validate(capsys, "--schema-only", str(path))
    assert code == 1
    assert out == [f"{path}:2: duplicate id 'a' (first at {path}:1)"]


def test_entry_point_defined_under_try_or_by_import_counts(tmp_path: Path, capsys) -> None:
    guarded = "try:\n    from math import gcd as add\nexcept ImportError:\n    def add(a, b):\n        pass\n"
    path = write(
        tmp_path / "d.jsonl",
        record("a", solution=guarded),
        record("b", solution="import math\nadd = math.fsum\n"),
        record("c", solution="class add:\n    pass\n"),
        record(
            "d", tests="def test_add():\n    from solution import add\n    assert add(1, 2) == 3\n"
        ),
        record(
            "e", tests="import solution\n\ndef test_add():\n    assert solution.add(1, 2) == 3\n"
        ),
    )
    assert validate(capsys, str(path))[:2] == (0, [])


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (["missing.jsonl"], "phicode: InputError: {tmp}/missing.jsonl: no such file\n"),
        (["."], "phicode: InputError: {tmp}: is a directory, expected a .jsonl file\n"),
    ],
)
def test_bad_usage_exits_2_before_checking(tmp_path: Path, capsys, files, message) -> None:
    good = write(tmp_path / "good.jsonl", record("x", verification={"status": "failed"}))
    args = [str(good), *(str(tmp_path / f) if f != "." else str(tmp_path) for f in files)]
    code, out, err = validate(capsys, *args)
    assert (code, out) == (2, [])
    assert err == message.format(tmp=tmp_path)


def test_no_arguments_is_bad_usage(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["validate"])
    assert exit_info.value.code == 2


def test_empty_file_is_clean(tmp_path: Path, capsys) -> None:
    path = write(tmp_path / "empty.jsonl")
    assert validate(capsys, str(path)) == (0, [], "phicode validate: 1 file, 0 records: clean\n")


# --- contamination -----------------------------------------------------------------


def test_decontaminate_flags_a_humaneval_problem(tmp_path: Path, capsys) -> None:
    problem = canonical_pairs()[0]  # HumanEval/0, has_close_elements
    leaked = record(
        "leak",
        question=problem.question,
        solution=problem.solution,
        entry_point=problem.entry_point,
        tests=problem.tests,
    )
    path = write(tmp_path / "d.jsonl", record("fine"), leaked)
    code, out, _ = validate(capsys, "--decontaminate", str(path))
    assert code == 1
    assert out == [
        f"{path}:2: contaminated: shares a 13-gram with HumanEval/0 ('from typing import "
        "list def has_close_elements numbers list float threshold float bool check')"
    ]
    # Without the flag nothing is said about it.
    assert validate(capsys, str(path))[:2] == (0, [])


def test_contamination_ignores_boilerplate_shared_by_many_problems() -> None:
    shared = "one two three four five six"
    index = NgramIndex("bench", {"a": shared, "b": shared, "c": shared, "d": "z y x w"}, n=4)
    assert (
        index.first_shared("so one two three four five six") is None
    )  # in 3 problems: boilerplate
    assert index.first_shared("Z, y; x. W!").item == "d"  # case and punctuation do not matter


def test_humaneval_index_does_not_flag_ordinary_code() -> None:
    index = humaneval_index()
    assert index.first_shared(record()["question"], SOLUTION, TESTS) is None
    assert len(index) > 10_000


# --- import weight -------------------------------------------------------------------


def test_validate_needs_neither_torch_nor_transformers(tmp_path: Path) -> None:
    """Runs in a fresh interpreter where importing either one fails."""
    path = write(tmp_path / "d.jsonl", record("a"))
    script = (
        "import sys\n"
        "for name in ('torch', 'transformers', 'datasets'):\n"
        "    sys.modules[name] = None  # any import of it raises ImportError\n"
        "from phicode.cli import main\n"
        f"code = main(['validate', '--decontaminate', {str(path)!r}])\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in ('torch', 'transformers')"
        " and sys.modules[m] is not None]\n"
        "print(code, heavy)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.stdout.strip() == "0 []", done.stderr[-2000:]


# --- re-verification in the sandbox ------------------------------------------------


class _CountingPool:
    """Wraps the real pool class to count how many pools (and jobs) a run starts."""

    started = 0
    jobs = 0

    def __init__(self, config):
        from phicode.sandbox.pool import SandboxPool

        type(self).started += 1
        self._pool = SandboxPool(config)

    def __enter__(self):
        self._pool.start()
        return self

    def __exit__(self, *exc):
        self._pool.close()

    @property
    def config(self):
        return self._pool.config

    @property
    def size(self):
        return self._pool.size

    def run(self, job, *, sealed=False):
        type(self).jobs += 1
        return self._pool.run(job, sealed=sealed)


class _NoPool:
    def __init__(self, config):
        raise AssertionError("a fully cached run must not start the sandbox")


@pytest.mark.docker
def test_reverify_runs_changed_records_and_caches_the_rest(tmp_path: Path) -> None:
    from phicode.errors import SandboxError
    from phicode.sandbox.pool import SandboxConfig

    changed_test = TESTS.replace("== 3", "== 4")
    path = write(
        tmp_path / "d.jsonl", record("a"), record("b", tests=changed_test), record("c", tests=TESTS)
    )
    config = SandboxConfig(workers=1, timeout_s=10.0)
    cache = ValidateCache(tmp_path / "cache")
    try:
        first = validate_files([path], reverifier=Reverifier(config, cache, _CountingPool))
    except SandboxError as exc:
        skip_unless_ci(f"no sandbox: {exc}")
    assert [str(f) for f in first.findings] == [
        f"{path}:2: re-verified: failed (test_add: assert 3 == 4 + where 3 = add(1, 2))"
    ]
    # a and c are the same program: it runs once.
    assert (first.reverified, first.sandbox_runs, _CountingPool.jobs) == (3, 2, 2)

    second = validate_files([path], reverifier=Reverifier(config, cache, _NoPool))
    assert [str(f) for f in second.findings] == [str(f) for f in first.findings]
    assert (second.reverified, second.sandbox_runs) == (3, 0)

    # A changed record runs again; the others still come from the cache.
    write(tmp_path / "d.jsonl", record("a"), record("b", tests=TESTS.replace("1, 2", "2, 1")))
    third = validate_files([path], reverifier=Reverifier(config, cache, _CountingPool))
    assert (third.ok, third.reverified, third.sandbox_runs) == (True, 2, 1)
    cache.close()


def test_reverify_skips_records_that_already_fail_statically(tmp_path: Path) -> None:
    from phicode.sandbox.pool import SandboxConfig

    path = write(tmp_path / "d.jsonl", record("a", solution="def add(:\n"), record("a"))
    report = validate_files([path], reverifier=Reverifier(SandboxConfig(workers=1), None, _NoPool))
    assert report.by_check == {Check.SOLUTION_SYNTAX.value: 1, Check.DUPLICATE_ID.value: 1}
    assert report.reverified == 0


def test_cache_does_not_keep_timeouts_or_crashes(tmp_path: Path) -> None:
    from phicode.records import Pair
    from phicode.sandbox.pool import SandboxConfig

    cache = ValidateCache(tmp_path)
    pair = Pair.from_dict(record())
    key = ValidateCache.key(pair, SandboxConfig(workers=1))
    cache.put(key, Verification(status=Status.TIMEOUT))
    assert cache.get(key) is None
    cache.put(key, Verification(status=Status.FAILED, detail="x"))
    assert cache.get(key) == Verification(status=Status.FAILED, detail="x")
    other = ValidateCache.key(pair, SandboxConfig(workers=1, timeout_s=3.0))
    assert other != key  # the limits are part of the key
    cache.close()


def test_dash_reads_standard_input(monkeypatch, capsys) -> None:
    import io

    lines = json.dumps(record("a")) + "\n" + json.dumps(record("a")) + "\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO(lines))
    code, out, _ = validate(capsys, "-")
    assert (code, out) == (1, ["-:2: duplicate id 'a' (first at -:1)"])


def test_code_checks_are_remembered_for_unchanged_records(tmp_path: Path, capsys) -> None:
    from phicode.validate import ValidateCache

    path = write(tmp_path / "d.jsonl", record("a"), record("b", solution="def add(:\n"))
    cache = ValidateCache(tmp_path / "cache")
    first = validate_files([path], cache=cache)
    second = validate_files([path], cache=cache)
    assert [str(f) for f in second.findings] == [str(f) for f in first.findings]
    assert [f.check for f in first.findings] == [Check.SOLUTION_SYNTAX]
    # Only the clean record is remembered; the broken one is checked (and reported) again.
    assert (first.code_cached, second.code_cached) == (0, 1)
    # A change to the code is a new record.
    write(path, record("a", tests=TESTS.replace("from solution import add", "import os")))
    third = validate_files([path], cache=cache)
    assert (third.code_cached, [f.check for f in third.findings]) == (0, [Check.TESTS_IMPORT])
    cache.close()


def test_an_unusable_explicit_cache_dir_is_bad_usage(tmp_path: Path, capsys) -> None:
    path = write(tmp_path / "d.jsonl", record("a"))
    blocker = tmp_path / "file"
    blocker.write_text("")
    code, out, err = validate(capsys, "--cache-dir", str(blocker / "sub"), str(path))
    assert (code, out) == (2, [])
    assert err.startswith(f"phicode: InputError: {blocker}/sub/validate.sqlite: cannot use")


def test_no_cache_writes_nothing(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("PHICODE_CACHE", str(tmp_path / "cache"))
    path = write(tmp_path / "d.jsonl", record("a"))
    assert validate(capsys, "--no-cache", str(path))[0] == 0
    assert not (tmp_path / "cache").exists()
    assert validate(capsys, str(path))[0] == 0
    assert (tmp_path / "cache" / "validate.sqlite").exists()
