"""The pytest plugin: registration, cheap import, case files, fixtures."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import entry_points

import pytest

from tests.ci import skip_unless_ci

pytest_plugins = ["pytester"]

ADD = "def add(a, b):\n    return a + b\n"
TESTS = "from solution import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n"


def case(id: str, expect: str | list[str], solution: str = ADD, **extra: object) -> str:
    data = {"id": id, "solution": solution, "tests": TESTS, "expect": expect, **extra}
    return json.dumps(data)


def test_registered_as_a_pytest11_entry_point() -> None:
    found = {ep.name: ep.value for ep in entry_points(group="pytest11")}
    assert found.get("phicode") == "phicode.pytest_plugin"


def test_import_is_cheap_no_docker_no_pool() -> None:
    script = (
        "import sys, phicode.pytest_plugin\n"
        "print(sorted(m for m in ('docker', 'phicode.sandbox.pool', 'phicode.sandbox.engine', 'torch')"
        " if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.stdout.strip() == "[]", done.stderr


def test_options_and_ini_keys_exist(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--help")
    result.stdout.fnmatch_lines(
        [
            "phicode sandbox (fixtures and *.cases.jsonl):",
            "*--phicode-image=PHICODE_IMAGE*",
            "*--phicode-timeout=PHICODE_TIMEOUT*",
            "*--phicode-workers=PHICODE_WORKERS*",
            "*--phicode-memory=PHICODE_MEMORY*",
        ]
    )
    result.stdout.fnmatch_lines(["*phicode_image (string)*", "*phicode_workers (string)*"])


def test_collects_one_item_per_case_named_by_id(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".cases.jsonl",
        regress="\n".join([case("HumanEval/0", "passed"), "", case("x#stub", ["failed", "error"])]),
    )
    pytester.makefile(".jsonl", data=case("not-a-case", "passed"))  # plain .jsonl: ignored
    result = pytester.runpytest("--collect-only", "-q")
    result.stdout.fnmatch_lines(
        ["regress.cases.jsonl::HumanEval/0", "regress.cases.jsonl::x#stub", "2 tests collected*"]
    )
    assert "not-a-case" not in result.stdout.str()


def test_a_bad_case_line_fails_alone_with_file_and_line(pytester: pytest.Pytester) -> None:
    """No sandbox is needed to report a malformed case; the other lines still collect."""
    pytester.makefile(
        ".cases.jsonl",
        bad="\n".join(
            [
                json.dumps({"id": "no-expect", "solution": ADD, "tests": TESTS}),
                case("unknown", "great"),
                "{broken",
            ]
        ),
    )
    result = pytester.runpytest("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(failed=3)
    result.stdout.fnmatch_lines(
        [
            "bad.cases.jsonl:1: field 'expect': missing (a status or a list of statuses)",
            "bad.cases.jsonl:2: field 'expect': 'great': each must be one of passed, failed, "
            "error, timeout, crashed, rejected",
            "bad.cases.jsonl:3: invalid JSON: Expecting property name enclosed in double quotes"
            " (column 2)",
            "FAILED bad.cases.jsonl::no-expect - bad.cases.jsonl:1: *",
            "FAILED bad.cases.jsonl::unknown - bad.cases.jsonl:2: *",
            "FAILED bad.cases.jsonl::line 3 - bad.cases.jsonl:3: *",
        ]
    )


def test_project_without_case_files_is_untouched(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_plain="def test_ok():\n    assert True\n")
    result = pytester.runpytest("-q")
    result.assert_outcomes(passed=1)


@pytest.mark.docker
def test_cases_run_in_the_sandbox_and_a_wrong_expectation_fails_readably(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(
        ".cases.jsonl",
        regress="\n".join(
            [
                case("add/ok", "passed"),
                case("add/stub", "failed", solution="def add(a, b):\n    pass\n"),
                case("add/wrong-expectation", "failed", note="this expectation is wrong"),
                case(
                    "add/loop",
                    ["timeout"],
                    solution="def add(a, b):\n    while True:\n        pass\n",
                    timeout_s=2,
                ),
            ]
        ),
    )
    pytester.makepyfile(
        test_fixtures=(
            "from phicode.records import Pair, Status\n\n"
            "def test_verifier_fixture(phicode_verifier, phicode_sandbox):\n"
            "    assert phicode_verifier.pool is phicode_sandbox\n"
            f"    pair = Pair(id='t', solution={ADD!r}, tests={TESTS!r})\n"
            "    assert phicode_verifier.verify(pair).status is Status.PASSED\n"
        )
    )
    result = pytester.runpytest_subprocess(
        "-v", "-p", "no:cacheprovider", "--phicode-workers", "2", "--phicode-timeout", "10"
    )
    if "sandbox unavailable" in result.stdout.str():
        skip_unless_ci("no sandbox engine or image")
    result.assert_outcomes(passed=4, failed=1)
    result.stdout.fnmatch_lines(
        [
            "regress.cases.jsonl::add/ok PASSED*",
            "regress.cases.jsonl::add/stub PASSED*",
            "regress.cases.jsonl::add/wrong-expectation FAILED*",
            "regress.cases.jsonl::add/loop PASSED*",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "add/wrong-expectation: expected failed, got passed (1 passed)",
            "  case: this expectation is wrong",
        ]
    )
    result.stdout.fnmatch_lines(
        ["FAILED regress.cases.jsonl::add/wrong-expectation - add/wrong-expectation: *"]
    )


@pytest.mark.docker
def test_an_unusable_sandbox_is_reported_on_each_case(pytester: pytest.Pytester) -> None:
    pytester.makefile(".cases.jsonl", regress=case("add/ok", "passed"))
    result = pytester.runpytest_subprocess("-q", "--phicode-image", "phicode-no-such-image:0")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*sandbox unavailable: *phicode-no-such-image:0*"])
