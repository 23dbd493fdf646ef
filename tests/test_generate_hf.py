"""The hf backend through a tiny random-weight Llama built here (no downloads)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
from ci import hide_module, skip_unless_ci

if not all(importlib.util.find_spec(name) for name in ("torch", "transformers")):
    skip_unless_ci("the hf extra is not installed: pip install 'phicode[hf]'", module=True)

from generate_corpus import corpus
from tiny_model import PROMPTS, build_tiny_model

from phicode.errors import BackendError
from phicode.generate import BackendKind, ModelConfig, Synthesizer, SynthReason, make_backend
from phicode.generate.backends.hf import HFBackend, require_hf
from phicode.generate.clean import ParseReason, QuestionReason
from phicode.generate.config import GenerationParams

GREEDY = GenerationParams(max_new_tokens=10, temperature=0.0)


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_model(tmp_path_factory.mktemp("tiny-llama"))


@pytest.fixture(scope="module")
def tiny(tiny_dir: Path) -> HFBackend:
    return HFBackend(tiny_dir, model_name="tiny-llama", dtype="float32", batch_size=4)


def test_batched_answers_equal_one_at_a_time(tiny: HFBackend) -> None:
    """Left padding and the attention mask make a padded batch answer like single prompts."""
    tiny.batch_size = 4
    batched = tiny.generate(PROMPTS, GREEDY)
    tiny.batch_size = 1
    single = tiny.generate(PROMPTS, GREEDY)
    tiny.batch_size = 4
    assert batched == single
    assert len(batched) == len(PROMPTS) and all(isinstance(a, str) for a in batched)


def test_answers_keep_the_order_of_the_prompts(tiny: HFBackend) -> None:
    forward = tiny.generate(PROMPTS, GREEDY)
    backward = tiny.generate(PROMPTS[::-1], GREEDY)
    assert backward == forward[::-1]


def test_the_chat_template_wraps_each_prompt(tiny: HFBackend) -> None:
    assert tiny.chat_text("hello") == "<s>user: hello\nassistant: "
    assert tiny.tokenizer.padding_side == "left"


def test_max_new_tokens_bounds_the_answer(tiny: HFBackend) -> None:
    before = tiny.generated_tokens
    tiny.generate(["hi", "test"], GenerationParams(max_new_tokens=3, temperature=0.0))
    assert 0 < tiny.generated_tokens - before <= 2 * 3


def test_sampling_is_reproducible_with_a_seed(tiny: HFBackend) -> None:
    params = GenerationParams(max_new_tokens=8, temperature=1.0, seed=3)
    assert tiny.generate(PROMPTS[:2], params) == tiny.generate(PROMPTS[:2], params)


def test_model_name_and_cpu_defaults(tiny: HFBackend) -> None:
    assert tiny.model == "tiny-llama" and tiny.name == "hf"
    assert tiny.device in ("cpu", "cuda", "mps")


def test_make_backend_loads_a_model_directory(tiny_dir: Path) -> None:
    backend = make_backend(
        ModelConfig(backend=BackendKind.HF, model=str(tiny_dir), dtype="float32", batch_size=2)
    )
    assert isinstance(backend, HFBackend)
    assert backend.model == str(tiny_dir) and backend.batch_size == 2


def test_a_directory_that_is_no_model_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BackendError, match=r"has no config\.json"):
        make_backend(ModelConfig(backend=BackendKind.HF, model=str(tmp_path)))


def test_missing_torch_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    hide_module(monkeypatch, "torch")
    with pytest.raises(BackendError, match=r"torch is missing\): pip install 'phicode\[hf\]'"):
        require_hf()


@pytest.mark.docker
def test_nonsense_from_a_model_is_rejected_never_a_crash(tiny: HFBackend, sandbox_pool) -> None:
    """The tiny model writes garbage: every snippet ends as a rejection with a declared reason."""
    synthesizer = Synthesizer.for_backend(
        tiny,
        sandbox_pool,
        params=GenerationParams(max_new_tokens=24, temperature=0.0),
        oracle_tests=False,  # with the oracle, garbage tests are replaced, not rejected
        restate=False,
    )
    results = list(synthesizer.run(corpus()[:4]))
    assert len(results) == 4
    declared = {r.value for r in (*ParseReason, *QuestionReason, *SynthReason)}
    for result in results:
        assert result.rejection is not None and result.rejection.reason in declared
        assert result.rejection.stage == "synth"
        assert "raw_output" in result.rejected_line()["rejected"]


@pytest.mark.docker
def test_cli_synth_with_the_hf_backend(tiny_dir: Path, tmp_path: Path, capsys) -> None:
    import json

    from generate_corpus import snippet

    from phicode.cli import main

    source = tmp_path / "snippets.jsonl"
    source.write_text(json.dumps(snippet("gcd").to_dict()) + "\n")
    out, rejected = tmp_path / "pairs.jsonl", tmp_path / "rejected.jsonl"
    argv = [
        "synth",
        str(source),
        "-o",
        str(out),
        "--rejected",
        str(rejected),
        "--backend",
        "hf",
        "--model",
        str(tiny_dir),
        "--max-new-tokens",
        "8",
        "--temperature",
        "0",
        "--dtype",
        "float32",
        "--batch-size",
        "2",
        "--workers",
        "1",
    ]
    assert main(argv) == 0
    assert out.read_text() == ""
    (line,) = [json.loads(text) for text in rejected.read_text().splitlines()]
    assert line["rejected"]["stage"] == "synth" and line["entry_point"] == "gcd"
    assert f"phicode synth (hf, {tiny_dir}): 0 pairs" in capsys.readouterr().err


def test_without_a_terminal_third_party_bars_are_off(tmp_path: Path) -> None:
    """Loading a model in CI or into a log: transformers' and the hub's bars would write
    thousands of carriage returns; phicode prints its own plain lines there."""
    script = (
        "import huggingface_hub.utils as hub, transformers\n"
        "from phicode.generate.backends.hf import require_hf\n"
        "assert transformers.utils.logging.is_progress_bar_enabled()\n"
        "require_hf()\n"
        "print(transformers.utils.logging.is_progress_bar_enabled(), "
        "hub.are_progress_bars_disabled())\n"
    )
    with (tmp_path / "log.txt").open("w") as log:  # stderr is a file, not a terminal
        done = subprocess.run(
            [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=log, text=True,
            timeout=120,
        )  # fmt: skip
    assert done.returncode == 0, (tmp_path / "log.txt").read_text()
    assert done.stdout.split() == ["False", "True"]
