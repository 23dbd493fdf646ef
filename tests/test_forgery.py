"""Forged passes: wrong answers that fool pytest in their own process, and the case judge
(:mod:`phicode.cases`) that they cannot reach.

Each forgery is a real program run in real containers. The pair's tests and cases are
right (``add(1, 2) == 3``...); the solution is wrong and tries to look right. Where
pytest alone is fooled the test says so (``fools_pytest``), so the suite shows what the
case judge adds; with cases, no forgery may pass. Forgeries in the tests file (a
contributed pair in ``validate --reverify``) get the same treatment.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest

from phicode.cases.judge import MARKER, cases_job, judge_cases, verdict_of
from phicode.judge import judge, pair_job, run_pair, verify_pair
from phicode.records import Pair, PairCase, Status
from phicode.sandbox import pool as pool_module
from phicode.sandbox.jobs import Job
from phicode.sandbox.pool import SandboxConfig, SandboxPool

pytestmark = pytest.mark.docker

TESTS = (
    "from solution import add\n\n\n"
    "def test_add_1():\n    assert add(1, 2) == 3\n\n\n"
    "def test_add_2():\n    assert add(5, 5) == 10\n"
)
CASES = (
    PairCase(args=("1", "2"), expect="3"),
    PairCase(args=("5", "5"), expect="10"),
)
RIGHT = "def add(a, b):\n    return a + b\n"
# a pair whose tests compare numpy arrays with np.testing, as the oracle writes them
NUMPY_TESTS = (
    "import numpy as np\nfrom solution import scale\n\n\n"
    "def test_floats():\n    np.testing.assert_allclose(scale(np.array([1.0, 2.0])), "
    "np.array([2.0, 4.0], dtype='float64'), strict=True)\n\n\n"
    "def test_ints():\n    np.testing.assert_array_equal(scale(np.array([1, 2])), "
    "np.array([2, 4], dtype='int64'), strict=True)\n"
)
NUMPY_CASES = (
    PairCase(
        args=("np.array([1.0, 2.0])",),
        expect="np.array([2.0, 4.0], dtype='float64')",
        compare="array",
    ),
    PairCase(args=("np.array([1, 2])",), expect="np.array([2, 4], dtype='int64')", compare="array"),
)
NUMPY_RIGHT = "import numpy as np\n\n\ndef scale(xs):\n    return xs * 2\n"
# The solution the security review sent (H1): the pytest job's folder holds the tests;
# it leaves them in System V shared memory, which outlives a job, for the case job.
SHM_EXPLOIT = """\
import ctypes, os, ast
L = ctypes.CDLL(None); L.shmat.restype = ctypes.c_void_p
b = L.shmat(L.shmget(0x5048, 1 << 20, 0o1666), None, 0)
if os.path.exists("test_solution.py"):
    s = open("test_solution.py", "rb").read(); ctypes.memmove(b, s + b"\\0", len(s) + 1)
else:
    s = ctypes.string_at(b)
T = {tuple(map(ast.literal_eval, n.test.left.args)): ast.literal_eval(n.test.comparators[0])
     for n in ast.walk(ast.parse(s)) if isinstance(n, ast.Assert)}
def add(*a): return T.get(a, 0)
"""
# What a forger writes on the event pipe: every test passed, pytest done with status 0.
_FORGED_EVENTS = (
    "def _forge(nonce):\n"
    "    for event in ({'event': 'collected', 'count': 2},\n"
    "                  {'event': 'test', 'nodeid': 'test_solution.py::test_add_1', 'outcome': 'passed'},\n"
    "                  {'event': 'test', 'nodeid': 'test_solution.py::test_add_2', 'outcome': 'passed'},\n"
    "                  {'event': 'done', 'exitstatus': 0}):\n"
    "        os.write(3, (json.dumps(dict(event, nonce=nonce)) + '\\n').encode())\n"
)


@dataclass(frozen=True)
class Forgery:
    name: str
    solution: str
    tests: str = TESTS
    fools_pytest: bool = False  # plain pytest in the code's process says passed
    tampers: bool = False  # ... but the pytest path's integrity check sees the tampering
    detail: str = ""  # in the case judge's detail
    entry: str = "add"
    cases: tuple[PairCase, ...] = CASES


FORGERIES = [
    Forgery(
        "eq_always_true",
        "class Anything:\n    def __eq__(self, other):\n        return True\n\n"
        "def add(a, b):\n    return Anything()\n",
        fools_pytest=True,
        detail="unserializable result",
    ),
    Forgery(
        "int_subclass_eq",
        "class Int(int):\n    def __eq__(self, other):\n        return True\n    __hash__ = int.__hash__\n\n"
        "def add(a, b):\n    return Int(0)\n",
        fools_pytest=True,
        detail="unserializable result",
    ),
    Forgery(
        "patched_test_report",
        "import _pytest.reports\n"
        "_init = _pytest.reports.TestReport.__init__\n"
        "def _forged(self, *args, **kwargs):\n"
        "    _init(self, *args, **kwargs)\n"
        "    self.outcome = 'passed'\n"
        "    self.longrepr = None\n"
        "_pytest.reports.TestReport.__init__ = _forged\n\n"
        "def add(a, b):\n    return a - b\n",
        fools_pytest=True,
        tampers=True,
        detail="returned -1, expected 3",
    ),
    Forgery(
        "class_spoofed_as_int",  # isinstance(x, int) is fooled; type(x) is not
        "class Fake:\n    __class__ = property(lambda self: int)\n"
        "    def __eq__(self, other):\n        return True\n\n"
        "def add(a, b):\n    return Fake()\n",
        fools_pytest=True,
        detail="unserializable result",
    ),
    Forgery(
        "exit_zero_at_import",
        "import os\nos._exit(0)\n\ndef add(a, b):\n    return 0\n",
        detail="exited before the cases finished",
    ),
    Forgery(
        "sys_exit_at_import",
        "import sys\nsys.exit(0)\n\ndef add(a, b):\n    return 0\n",
        detail="could not be run",
    ),
    Forgery(
        "forged_record_then_exit",
        "import os\n"
        f'os.write(1, b\'{MARKER}\' + b\'{{"results": [{{"value": {{"t": "int", "v": "3"}}}}, '
        '{\\"value\\": {\\"t\\": \\"int\\", \\"v\\": \\"10\\"}}]}\\n\')\n'
        "os._exit(0)\n\ndef add(a, b):\n    return 0\n",
        detail="exited before the cases finished",
    ),
    Forgery(
        "forged_second_record",
        "import os\n"
        f"os.write(1, b'{MARKER}' + b'{{\"results\": []}}\\n')\n\n"
        "def add(a, b):\n    return 0\n",
        detail="2 result records",
    ),
    Forgery(
        "patched_serializer",
        "import sys\n"
        "sys.modules['__main__'].tagged = lambda value, *rest: {'t': 'int', 'v': '3'}\n\n"
        "def add(a, b):\n    return 0\n",
        detail="returned 3, expected 10",
    ),
    Forgery(
        "patched_json_dumps",
        "import json\n_dumps = json.dumps\n"
        "json.dumps = lambda payload, *a, **k: _dumps({'results': [{'value': {'t': 'int', 'v': '3'}}] * 2})\n\n"
        "def add(a, b):\n    return 0\n",
        detail="exited before the cases finished",  # the harness's own events break too
    ),
    Forgery(
        "repr_says_three",
        "class Three:\n    def __repr__(self):\n        return '3'\n\ndef add(a, b):\n    return Three()\n",
        detail="unserializable result",
    ),
    Forgery(
        "leftover_process",
        "import os, time\n\ndef add(a, b):\n    if os.fork() == 0:\n        time.sleep(30)\n        os._exit(0)\n"
        "    return a + b + 1\n",
        detail="case judge",
    ),
    Forgery(
        "reads_the_tests_for_answers",
        "import glob, re\n"
        "_seen = ' '.join(open(p).read() for p in glob.glob('*') if p.endswith(('.py', '.json')))\n"
        "_answers = [int(x) for x in re.findall(r'== (\\d+)', _seen)]\n"
        "def add(a, b):\n    return _answers.pop(0) if _answers else 0\n",
        fools_pytest=True,
        detail="case judge: 0/2 right",
    ),
    Forgery(
        "eq_returns_a_truthy_object",  # no constant in sight: __bool__ does the lying
        "class Yes:\n    def __bool__(self):\n        return 1 > 0\n\n"
        "class Anything:\n    def __eq__(self, other):\n        return Yes()\n"
        "    __hash__ = object.__hash__\n\n"
        "def add(a, b):\n    return Anything()\n",
        fools_pytest=True,
        detail="unserializable result",
    ),
    Forgery(
        "patched_builtins_type",  # the compute script's type() lies, its values cannot
        "import builtins\n_type = builtins.type\n"
        "class Three:\n    def __str__(self):\n        return '3'\n\n"
        "builtins.type = lambda x, *rest: int if isinstance(x, Three) else _type(x, *rest)\n\n"
        "def add(a, b):\n    return Three()\n",
        detail="right",
    ),
    Forgery(
        "patched_operator_and_isclose",
        "import math, operator\n"
        "math.isclose = lambda *a, **k: True\noperator.eq = lambda a, b: True\n\n"
        "def add(a, b):\n    return a * b\n",
        detail="returned 2, expected 3",
    ),
    Forgery(
        "result_channel_rewritten",  # the in-process reporter, found and rewritten
        "import gc\n"
        "for _o in gc.get_objects():\n"
        "    if type(_o).__name__ == 'Reporter':\n"
        "        def _emit(event, _real=_o.emit, **fields):\n"
        "            if event == 'test':\n"
        "                fields.update(outcome='passed', message='')\n"
        "            if event == 'done':\n"
        "                fields.update(exitstatus=0)\n"
        "            _real(event, **fields)\n"
        "        _o.emit = _emit\n\n"
        "def add(a, b):\n    return a - b\n",
        fools_pytest=True,
        tampers=True,
        detail="returned -1, expected 3",
    ),
    Forgery(
        "exit_zero_after_a_partial_run",
        "import os\n_calls = []\n\n"
        "def add(a, b):\n    _calls.append(1)\n    if len(_calls) > 1:\n        os._exit(0)\n"
        "    return a + b\n",
        detail="exited before the cases finished",
    ),
    Forgery(
        "atexit_and_del_tricks",  # a forged record from __del__ (it runs); atexit never does
        "import atexit, os\n"
        f"_FORGED = b'{MARKER}' + "
        'b\'{"results": [{"value": {"t": "int", "v": "3"}}, {"value": {"t": "int", "v": "10"}}]}\\n\'\n'
        "atexit.register(os.write, 1, b'atexit ran ' + _FORGED)\n\n"
        "class Forger:\n    def __del__(self):\n        os.write(1, _FORGED)\n"
        '        os.write(3, b\'{"event": "done", "exitstatus": 0}\\n\')\n\n'
        "def add(a, b):\n    Forger()  # gone at once: its __del__ runs in the call\n"
        "    return a - b\n",
        detail="3 result records",  # the script's own and one per call
    ),
    Forgery(
        "sysv_shm_carries_the_tests",  # H1: see test_the_tests_do_not_reach_the_case_job
        SHM_EXPLOIT,
        fools_pytest=True,
        detail="returned 0, expected 3",
    ),
    Forgery(
        "deeply_nested_record",  # H2: the only record exhausts the JSON reader's recursion
        "import os, sys\nsys.modules['__main__'].MARKER = 'x'\n"
        f"os.write(1, b'{MARKER}' + b'{{\"results\": [' + b'[' * 100000 + b'\\n')\n\n"
        "def add(a, b):\n    return a - b\n",
        detail="cannot be read (RecursionError",
    ),
    Forgery(
        "numpy_testing_patched",  # np.testing's asserts made no-ops
        "import numpy as np\nimport numpy.testing\n\n"
        "numpy.testing.assert_allclose = lambda *a, **k: None\n"
        "numpy.testing.assert_array_equal = lambda *a, **k: None\n\n\n"
        "def scale(xs):\n    return xs * 3\n",
        tests=NUMPY_TESTS,
        fools_pytest=True,
        detail="0/2 right",
        entry="scale",
        cases=NUMPY_CASES,
    ),
    Forgery(
        "event_pipe_written_directly",  # fd 3 is the runner's: a guessed nonce is not its
        "import json, os\n" + _FORGED_EVENTS + "\n_forge('0' * 32)\n\n"
        "def add(a, b):\n    return a - b\n",
        detail="returned -1, expected 3",
    ),
    Forgery(
        "nonce_read_from_the_frames",  # H4: the runner's nonce, found on the stack
        "import json, os, sys\n" + _FORGED_EVENTS + "\n"
        "_frame = getattr(sys, '_get' + 'frame')()\n"
        "while _frame is not None:\n"
        "    _nonce = _frame.f_locals.get('nonce')\n"
        "    if isinstance(_nonce, str) and len(_nonce) == 32:\n"
        "        _forge(_nonce)\n"
        "        os._exit(0)\n"
        "    _frame = _frame.f_back\n\n"
        "def add(a, b):\n    return a - b\n",
        fools_pytest=True,  # in the code's own process, this cannot be stopped
        detail="0 result records",
    ),
    Forgery(
        "tests_swap_the_solution_module",  # contributed tests that import a right answer
        "def add(a, b):\n    return a - b\n",
        tests=(
            "import sys, types\n"
            "_fake = types.ModuleType('solution')\n"
            "exec('def add(a, b):\\n    return a + b\\n', _fake.__dict__)\n"
            "sys.modules['solution'] = _fake\n" + TESTS
        ),
        fools_pytest=True,
        detail="returned -1, expected 3",
    ),
    Forgery(
        "tests_register_a_hook",  # a pytest hook registered from the test module
        "def add(a, b):\n    return a - b\n",
        tests=(
            "import gc\nimport pytest\nfrom _pytest.config import Config\n\n\n"
            "class _Pass:\n"
            "    @pytest.hookimpl(hookwrapper=True)\n"
            "    def pytest_runtest_makereport(self, item, call):\n"
            "        outcome = yield\n"
            "        report = outcome.get_result()\n"
            "        report.outcome, report.longrepr = 'passed', None\n\n\n"
            "for _c in [o for o in gc.get_objects() if isinstance(o, Config)]:\n"
            "    _c.pluginmanager.register(_Pass())\n"
            "\n\n" + TESTS
        ),
        fools_pytest=True,
        tampers=True,
        detail="returned -1, expected 3",
    ),
    Forgery(
        "tests_register_a_plugin_named_as_pytest_s",  # H3: a class can name any module
        "def add(a, b):\n    return a - b\n",
        tests=(
            "import pytest\n\n\n"
            "class _P:\n"
            "    __module__ = '_pytest.x'\n\n"
            "    @pytest.hookimpl(hookwrapper=True)\n"
            "    def pytest_runtest_makereport(self, item, call):\n"
            "        r = (yield).get_result()\n"
            "        r.outcome, r.longrepr = 'passed', None\n\n\n"
            "@pytest.fixture(autouse=True, scope='session')\n"
            "def _r(request):\n"
            "    request.config.pluginmanager.register(_P())\n"
            "\n\n" + TESTS
        ),
        fools_pytest=True,
        tampers=True,
        detail="returned -1, expected 3",
    ),
    Forgery(
        "tests_hang_a_hook_on_a_pytest_object",  # a genuine pytest class, a hook of its own
        "def add(a, b):\n    return a - b\n",
        tests=(
            "import pytest\nfrom _pytest.runner import SetupState\n\n\n"
            "@pytest.hookimpl(hookwrapper=True)\n"
            "def _forge(item, call):\n"
            "    r = (yield).get_result()\n"
            "    r.outcome, r.longrepr = 'passed', None\n\n\n"
            "@pytest.fixture(autouse=True, scope='session')\n"
            "def _r(request):\n"
            "    plugin = SetupState.__new__(SetupState)\n"
            "    plugin.pytest_runtest_makereport = _forge\n"
            "    request.config.pluginmanager.register(plugin)\n"
            "\n\n" + TESTS
        ),
        fools_pytest=True,
        tampers=True,
        detail="returned -1, expected 3",
    ),
    Forgery(
        "tests_file_forges_the_report",
        "def add(a, b):\n    return a - b\n",
        tests=(
            "import _pytest.reports\n"
            "_init = _pytest.reports.TestReport.__init__\n"
            "def _forged(self, *args, **kwargs):\n"
            "    _init(self, *args, **kwargs)\n"
            "    self.outcome = 'passed'\n"
            "_pytest.reports.TestReport.__init__ = _forged\n" + TESTS
        ),
        fools_pytest=True,
        tampers=True,
        detail="returned -1, expected 3",
    ),
]


def pair(forgery: Forgery, cases: tuple[PairCase, ...] | None = None) -> Pair:
    return Pair(
        id=forgery.name,
        solution=forgery.solution,
        tests=forgery.tests,
        entry_point=forgery.entry,
        cases=forgery.cases if cases is None else cases,
    )


@pytest.mark.parametrize("forgery", FORGERIES, ids=lambda f: f.name)
def test_no_forgery_passes_the_case_judge(sandbox_pool, forgery: Forgery) -> None:
    pytest_alone = verify_pair(sandbox_pool, pair(forgery, cases=()))
    if forgery.tampers:
        assert pytest_alone.status is Status.ERROR, pytest_alone.detail
        assert "tampered with pytest" in pytest_alone.detail
    else:
        assert pytest_alone.passed is forgery.fools_pytest, pytest_alone.detail
    verdict = judge_cases(sandbox_pool, forgery.solution, forgery.entry, forgery.cases)
    assert not verdict.passed and forgery.detail in verdict.detail, verdict.detail
    both = verify_pair(sandbox_pool, pair(forgery))
    assert not both.passed and both.status is not Status.PASSED
    if forgery.fools_pytest and not forgery.tampers:  # the case judge's reason is given
        assert both.status is Status.FAILED and forgery.detail in both.detail, both.detail


def test_there_are_at_least_twelve_forgeries() -> None:
    assert len(FORGERIES) >= 20
    assert sum(f.fools_pytest and not f.tampers for f in FORGERIES) >= 3  # the judge adds


def test_a_right_answer_passes_both_judges(sandbox_pool) -> None:
    right = Pair(id="right", solution=RIGHT, tests=TESTS, entry_point="add", cases=CASES)
    verification = verify_pair(sandbox_pool, right)
    assert verification.passed, verification.detail
    assert verification.detail.endswith("case judge: 2/2 cases right")


def test_exceptions_floats_and_lazy_results_are_judged_as_data(sandbox_pool) -> None:
    code = (
        "def f(x):\n    if x < 0:\n        raise ValueError('negative')\n"
        "    if x == 0:\n        return (i for i in range(3))\n    return x / 3\n"
    )
    cases = (
        PairCase(args=("-1",), raises="ValueError"),
        PairCase(args=("0",), expect="[0, 1, 2]", listed=True),
        PairCase(args=("1",), expect="0.3333333333", compare="approx"),
    )
    assert judge_cases(sandbox_pool, code, "f", cases).passed
    fake_error = "class ValueError(Exception):\n    pass\n\n" + code  # not the builtin one
    verdict = judge_cases(sandbox_pool, fake_error, "f", cases[:1])
    assert not verdict.passed and "expected ValueError" in verdict.detail
    assert not judge_cases(sandbox_pool, code, "f", (replace(cases[2], compare="exact"),)).passed


def test_the_tests_do_not_reach_the_case_job_in_one_container() -> None:
    """H1: one container runs both jobs of the pair (the pytest job, whose folder holds
    the tests, then the case job, run unsealed to share the container). The
    exploit leaves the tests in System V shared memory; the server removes every IPC
    object between jobs, so the case job finds an empty segment and the wrong answer
    fails."""
    exploit = pair(next(f for f in FORGERIES if f.name == "sysv_shm_carries_the_tests"))
    with SandboxPool(SandboxConfig(workers=1, spares=0, timeout_s=10.0)) as pool:
        tests_run = judge(pool.run(pair_job(exploit, 10.0, 256)), 10.0)
        case_job = cases_job(exploit.solution, "add", CASES, 10.0, 256)
        verdict = verdict_of(pool.run(case_job, sealed=False), CASES, 10.0, "add")
        stats = pool.stats()
    assert (stats.jobs, stats.containers_started, stats.containers_replaced) == (2, 1, 0)
    assert tests_run.passed, tests_run.detail  # it did read the tests there
    assert not verdict.passed and verdict.detail.startswith("case judge: 0/2 right")


def test_case_jobs_run_first_and_never_where_tests_were(monkeypatch) -> None:
    """Answers scored one after another (RL): each answer's case job runs before its
    pytest job, and only in sealed containers that never held a pair's tests (a
    container carries a few bits from job to job: process ids, inode numbers)."""
    seen: list[tuple[int, str]] = []  # (container, job mode), in order
    real_run = pool_module._Worker.run

    def recording_run(worker, job):
        result = real_run(worker, job)
        seen.append((id(worker.container), job.mode))
        return result

    monkeypatch.setattr(pool_module._Worker, "run", recording_run)
    exploit = pair(next(f for f in FORGERIES if f.name == "sysv_shm_carries_the_tests"))
    with SandboxPool(SandboxConfig(workers=1, spares=0, timeout_s=10.0)) as pool:
        runs = [run_pair(pool, exploit) for _ in range(3)]
        stats = pool.stats()
    assert [mode for _, mode in seen] == ["script", "pytest"] * 3
    sealed = {box for box, mode in seen if mode == "script"}
    held_tests = {box for box, mode in seen if mode == "pytest"}
    assert len(sealed) == len(held_tests) == 1 and not sealed & held_tests
    assert stats.containers_started == 2
    for run in runs:
        assert run.verification.status is Status.FAILED, run.verification.detail
        assert "(pytest: 2 passed)" in run.verification.detail


def test_sealed_and_unsealed_jobs_never_share_a_container(monkeypatch) -> None:
    """``run(job, sealed=True)`` goes to the sealed room alone, whatever comes between."""
    seen: list[tuple[int, bool]] = []  # (container, sealed), in order
    real_run = pool_module._Worker.run

    def recording_run(worker, job):
        result = real_run(worker, job)
        seen.append((id(worker.container), job.files["main.py"] == "print('sealed')\n"))
        return result

    monkeypatch.setattr(pool_module._Worker, "run", recording_run)
    with SandboxPool(SandboxConfig(workers=1, spares=0, timeout_s=10.0)) as pool:
        for sealed in (False, True, True, False, True):
            word = "sealed" if sealed else "open"
            job = Job.script({"main.py": f"print({word!r})\n"}, "main.py", timeout_s=5.0,
                             memory_mb=256, max_output=None)  # fmt: skip
            assert pool.run(job, sealed=sealed).stdout == f"{word}\n"
        stats = pool.stats()
    assert [sealed for _, sealed in seen] == [False, True, True, False, True]
    sealed_boxes = {box for box, sealed in seen if sealed}
    open_boxes = {box for box, sealed in seen if not sealed}
    assert len(sealed_boxes) == len(open_boxes) == 1 and not sealed_boxes & open_boxes
    assert (stats.jobs, stats.containers_started) == (5, 2)


def test_a_mutant_the_cases_kill_never_runs_pytest(sandbox_pool) -> None:
    """A mutant (stop at the first failure) that fails a case is killed by the case
    judge alone: pytest's run would change nothing and cost 7x as much."""
    wrong = Pair(
        id="w", solution=RIGHT.replace("+", "-"), tests=TESTS, entry_point="add", cases=CASES
    )
    run = run_pair(sandbox_pool, wrong, stop_on_first_failure=True)
    assert run.verification.status is Status.FAILED
    assert run.verification.detail.startswith("case judge: ") and run.result.tests == ()


def test_del_runs_in_the_case_job_and_atexit_never_does(sandbox_pool) -> None:
    """The __del__ forgery really fires (one forged record per call) and is refused
    for it; the atexit one never runs: the job ends with os._exit."""
    forgery = next(f for f in FORGERIES if f.name == "atexit_and_del_tricks")
    job = cases_job(forgery.solution, "add", CASES, 10.0, 256)
    result = sandbox_pool.run(job, sealed=True)
    assert result.stdout.count(MARKER) == 3 and "atexit ran" not in result.stdout
    verdict = verdict_of(result, CASES, 10.0, "add")
    assert not verdict.passed
    assert verdict.detail == "case judge: 3 result records where one was expected"


def test_a_right_numpy_answer_passes_both_judges(sandbox_pool) -> None:
    """The numpy pair's tests and cases are right: its forgery fails for what it does."""
    right = Pair(
        id="numpy", solution=NUMPY_RIGHT, tests=NUMPY_TESTS, entry_point="scale", cases=NUMPY_CASES
    )
    verification = verify_pair(sandbox_pool, right)
    assert verification.passed, verification.detail
    assert verification.detail.endswith("case judge: 2/2 cases right")


def test_the_expected_values_never_enter_the_container() -> None:
    job = cases_job(RIGHT, "add", (PairCase(args=("1", "2"), expect="31337"),), 5.0, 256)
    assert "31337" not in str(dict(job.files)) and "1" in job.files["cases.json"]


def test_an_old_file_is_told_what_to_do_and_migrated(
    tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Schema 1 (no cases): validate says how to move to the case judge; verify
    --add-cases does it; the new file is judged by both."""
    import json

    from phicode.cli import main
    from phicode.records import Generator, Source, Verification

    old = Pair(
        id="old",
        question="Write `add(a, b)` that returns the sum of a and b.",
        solution=RIGHT,
        tests=TESTS,
        entry_point="add",
        source=Source(repo="r", path="r/a.py", license="MIT"),
        generator=Generator(backend="template", model="", prompt="template@3"),
        verification=Verification(status=Status.PASSED, tests_passed=2, tests_total=2),
    )
    before = tmp_path / "old.jsonl"
    before.write_text(json.dumps(old.to_dict()) + "\n", encoding="utf-8")
    assert "schema" not in before.read_text()
    assert main(["validate", str(before), "--no-cache"]) == 0
    assert "1 pair(s) carry no cases (schema 1)" in capsys.readouterr().err
    after = tmp_path / "new.jsonl"
    assert main(["verify", str(before), "-o", str(after), "--add-cases", "-q"]) == 0
    line = json.loads(after.read_text(encoding="utf-8"))
    assert line["schema"] == 2 and line["cases"] == [c.to_dict() for c in CASES]
    assert main(["validate", str(after), "--reverify", "--no-cache"]) == 0
    assert "carry no cases" not in capsys.readouterr().err
    forged = dict(line, solution=FORGERIES[0].solution)  # __eq__ always true: pytest is fooled
    after.write_text(json.dumps(forged) + "\n", encoding="utf-8")
    assert main(["validate", str(after), "--reverify", "--no-cache"]) == 1
    assert "unserializable result" in capsys.readouterr().out


@pytest.mark.parametrize("forgery", [f for f in FORGERIES if f.fools_pytest], ids=lambda f: f.name)
def test_what_fools_pytest_shows_in_its_source(forgery: Forgery) -> None:
    """Static signs name the generic attacks (reading the tests for answers aside: that
    one is plain file reading)."""
    from phicode.tamper import static_signs

    signs = static_signs(forgery.solution, forgery.tests)
    if forgery.name in SIGNLESS:
        assert signs == []
    else:
        assert signs, forgery.name


# What the static signs miss (the case judge does not): plain file reading, a lie told
# by __bool__ of what a non-constant __eq__ returns, shared memory through ctypes, a
# frame walk spelt without its name, a class that names a pytest module as its own.
SIGNLESS = {
    "reads_the_tests_for_answers",
    "eq_returns_a_truthy_object",
    "sysv_shm_carries_the_tests",
    "nonce_read_from_the_frames",
    "tests_register_a_plugin_named_as_pytest_s",
}


def test_plain_code_shows_no_signs() -> None:
    from phicode.tamper import static_signs

    assert static_signs(RIGHT, TESTS) == []
    assert (
        static_signs(
            "class P:\n    def __eq__(self, other):\n        return self.x == other.x\n", TESTS
        )
        == []
    )
    assert static_signs("import sys\nsys.modules['x'] = 1\n") == ["solution: writes sys.modules"]


def test_a_job_cannot_bring_files_that_change_how_pytest_runs(sandbox_pool) -> None:
    from phicode.judge import pair_job

    for name in ("conftest.py", "pytest.ini", "sitecustomize.py", "evil.pth"):
        job = pair_job(pair(FORGERIES[0]), 5.0, 256)
        job = replace(job, files={**job.files, name: "import os\n"})
        result = sandbox_pool.run(job)
        assert result.harness_error and "refused" in result.harness_error, name
