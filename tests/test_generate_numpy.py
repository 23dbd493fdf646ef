"""Oracle-completed tests for numpy snippets: arrays compared with ``np.testing``.

``assert f(x) == np.array(...)`` is the ambiguity issue 7 measured (an array's truth
value raises); the oracle writes ``np.testing.assert_allclose`` for float arrays,
``assert_array_equal`` otherwise, both ``strict`` (shape and dtype count), and
imports the names the model's arguments use (``np``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from generate_corpus import snippet
from sandbox_run import solution_passes

from phicode.generate import Synthesizer
from phicode.generate.clean import Parsed, clean_tests
from phicode.generate.codeinfo import function_info
from phicode.generate.oracle.complete import complete_tests, model_cases
from phicode.generate.oracle.inputs import generated_cases
from phicode.records import Pair

FIXTURES = Path(__file__).parent / "fixtures" / "model_outputs"

SCALE = '''
import numpy as np


def scale_to_unit(v: np.ndarray) -> np.ndarray:
    """Scale v to unit Euclidean length; a zero vector raises ValueError."""
    norm = np.linalg.norm(v)
    if norm == 0:
        raise ValueError("zero vector")
    return v / norm
'''
SCALE_WRONG = SCALE.replace("return v / norm", "return v / np.abs(v).sum()")

CUMULATIVE = '''
import numpy as np


def cumulative(a):
    """Running sums of a."""
    return np.cumsum(a)
'''
CUMULATIVE_AS_FLOAT = CUMULATIVE.replace("np.cumsum(a)", "np.cumsum(a).astype(float)")

CLIP = '''
import numpy as np


def clip_negative(a):
    """Set the negative entries of a to zero, in place."""
    a[a < 0] = 0
'''
CLIP_WRONG = CLIP.replace("a[a < 0] = 0", "a[a < -1] = 0")

ANY_ABOVE = '''
import numpy as np


def any_above(a, limit):
    """Whether any entry of a exceeds limit."""
    return (a > limit).any()
'''


def run_tests(pool, code: str, entry: str, tests: str) -> bool:
    return solution_passes(pool, code, entry, tests, timeout_s=20.0)  # numpy


def complete(pool, code: str, entry: str, raw_tests: str):
    info = function_info(code, entry)
    cleaned = clean_tests(raw_tests, info)
    text = cleaned.text if isinstance(cleaned, Parsed) else None
    return complete_tests(pool, code, info, raw_tests, text)


def test_calls_with_numpy_arguments_are_taken_when_the_snippet_imports_numpy() -> None:
    raw = (FIXTURES / "tests_numpy_array_compare.txt").read_text()
    calls = [c.call("f") for c in model_cases(raw, function_info(SCALE, "scale_to_unit"))]
    assert calls[:3] == [
        "f(np.array([3.0, 4.0]))",
        "f(np.array([0.0, 2.0, 0.0]))",
        "f(np.array([1, 1]))",
    ]
    without_numpy = "def scale_to_unit(v):\n    return v\n"
    assert model_cases(raw, function_info(without_numpy, "scale_to_unit")) == []


@pytest.mark.docker
def test_float_arrays_are_compared_with_assert_allclose(sandbox_pool) -> None:
    raw = (FIXTURES / "tests_numpy_array_compare.txt").read_text()
    done = complete(sandbox_pool, SCALE, "scale_to_unit", raw)
    assert done is not None and done.model_cases == 4
    assert "import numpy as np" in done.tests
    assert (
        "np.testing.assert_allclose(scale_to_unit(np.array([3.0, 4.0])), "
        "np.array([0.6, 0.8], dtype='float64'), strict=True)"
    ) in done.tests
    # the model said [0.5, 0.5]: corrected to what the snippet returns
    assert "np.array([0.7071067811865475, 0.7071067811865475], dtype='float64')" in done.tests
    assert "with pytest.raises(ValueError):\n        scale_to_unit(np.zeros(3))" in done.tests
    assert " == np.array(" not in done.tests  # no ambiguous array comparison left
    assert "def test_scale_to_unit_length" in done.tests  # the model's property test
    assert run_tests(sandbox_pool, SCALE, "scale_to_unit", done.tests)
    assert not run_tests(sandbox_pool, SCALE_WRONG, "scale_to_unit", done.tests)


@pytest.mark.docker
def test_recorded_pasted_copy_with_misused_raises_is_completed(sandbox_pool) -> None:
    """The real 0.5B answer: the function pasted (without its numpy import) and every
    call wrapped in ``pytest.raises``, though only the zero vectors raise."""
    raw = (FIXTURES / "qwen05b_tests_numpy_pasted_raises.txt").read_text()
    done = complete(sandbox_pool, SCALE, "scale_to_unit", raw)
    # the calls beside the pasted copy, less one that shows nothing the others do not
    assert done is not None and done.model_cases == 4
    assert "def scale_to_unit" not in done.tests
    assert "np.linalg.norm" not in done.tests
    # a zero vector raises (the model wrapped several: the first shows what the others do)
    assert "with pytest.raises(ValueError):\n        scale_to_unit(np.array([]))" in done.tests
    assert (
        "np.testing.assert_allclose(scale_to_unit(np.array([1])), "
        "np.array([1.0], dtype='float64'), strict=True)"
    ) in done.tests  # the model expected ValueError: corrected to the value
    assert run_tests(sandbox_pool, SCALE, "scale_to_unit", done.tests)
    assert not run_tests(sandbox_pool, SCALE_WRONG, "scale_to_unit", done.tests)


@pytest.mark.docker
def test_integer_arrays_are_compared_exactly_with_their_dtype(sandbox_pool) -> None:
    raw = "assert (cumulative(np.array([1, 2, 3])) == [1, 3, 6]).all()\n"
    raw += "assert cumulative(np.array([5])) == np.array([5])\n"
    done = complete(sandbox_pool, CUMULATIVE, "cumulative", raw)
    assert done is not None and done.model_cases == 2
    assert (
        "np.testing.assert_array_equal(cumulative(np.array([1, 2, 3])), "
        "np.array([1, 3, 6], dtype='int64'), strict=True)"
    ) in done.tests
    assert run_tests(sandbox_pool, CUMULATIVE, "cumulative", done.tests)
    assert not run_tests(sandbox_pool, CUMULATIVE_AS_FLOAT, "cumulative", done.tests)


@pytest.mark.docker
def test_arrays_changed_in_place_are_checked_after_the_call(sandbox_pool) -> None:
    raw = "assert clip_negative(np.array([-1, 2, -3])) is None\n"
    raw += "assert clip_negative(np.array([0, -5])) is None\n"
    done = complete(sandbox_pool, CLIP, "clip_negative", raw)
    assert done is not None and done.model_cases == 2
    assert "    a = np.array([-1, 2, -3])\n    assert clip_negative(a) is None" in done.tests
    assert (
        "np.testing.assert_array_equal(a, np.array([0, 2, 0], dtype='int64'), strict=True)"
        in done.tests
    )
    assert run_tests(sandbox_pool, CLIP, "clip_negative", done.tests)
    assert not run_tests(sandbox_pool, CLIP_WRONG, "clip_negative", done.tests)


@pytest.mark.docker
def test_numpy_booleans_are_compared_by_value_not_identity(sandbox_pool) -> None:
    raw = "assert any_above(np.array([1, 5]), 3) is True\nassert any_above(np.array([1]), 3) == False\n"
    done = complete(sandbox_pool, ANY_ABOVE, "any_above", raw)
    assert done is not None and done.model_cases == 2
    assert "assert any_above(np.array([1, 5]), 3) == True" in done.tests  # np.True_ is not True
    assert "assert any_above(np.array([1]), 3) == False" in done.tests
    assert run_tests(sandbox_pool, ANY_ABOVE, "any_above", done.tests)


# --- the template backend's own inputs for array parameters ----------------------------

TYPED = """
import numpy


def weighted_sum(values: numpy.ndarray, weight: float) -> float:
    \"\"\"Sum of values times weight.\"\"\"
    return float(values.sum() * weight)
"""


def test_array_hints_give_array_inputs_in_the_snippets_own_spelling() -> None:
    calls = [c.call("f") for c in generated_cases(function_info(TYPED, "weighted_sum"), 4, 0)]
    assert calls and all(call.startswith("f(numpy.array([") for call in calls)
    without_numpy = "def f(a: 'np.ndarray'):\n    return a\n"
    assert generated_cases(function_info(without_numpy, "f"), 4, 0) == []  # no numpy bound


@pytest.mark.docker
def test_template_backend_tests_a_numpy_snippet_without_a_model(sandbox_pool) -> None:
    pair = Synthesizer.for_backend(None, sandbox_pool).synthesize(snippet("scale_to_unit", SCALE))
    assert isinstance(pair, Pair), pair
    assert "np.testing.assert_allclose(scale_to_unit(np.array([" in pair.tests
    assert "\nimport numpy as np\n" in pair.tests and pair.tests.count("import numpy") == 1
    assert "with pytest.raises(ValueError):\n        scale_to_unit(np.array([0]))" in pair.tests
    assert run_tests(sandbox_pool, SCALE, "scale_to_unit", pair.tests)
    assert not run_tests(sandbox_pool, SCALE_WRONG, "scale_to_unit", pair.tests)
