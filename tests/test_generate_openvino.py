"""The openvino backend through a tiny random-weight Llama written as GGUF here (no downloads)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from ci import hide_module, skip_unless_ci

if not all(importlib.util.find_spec(name) for name in ("openvino_genai", "gguf", "tokenizers")):
    skip_unless_ci(
        "the openvino extra is not installed: pip install 'phicode[openvino]'", module=True
    )

from generate_corpus import snippet
from tiny_gguf import build_tiny_gguf
from tiny_model import PROMPTS

from phicode.errors import BackendError
from phicode.generate import BackendKind, ModelConfig, make_backend
from phicode.generate.backends import ggufq8
from phicode.generate.backends.modelres import resolve_gguf
from phicode.generate.backends.openvino import OpenVINOBackend, require_openvino
from phicode.generate.config import GenerationParams, default_backend

GREEDY = GenerationParams(max_new_tokens=10, temperature=0.0)


@pytest.fixture(scope="module")
def tiny_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_gguf(tmp_path_factory.mktemp("tiny-gguf") / "tiny.gguf")


@pytest.fixture(scope="module")
def tiny(tiny_file: Path) -> OpenVINOBackend:
    return OpenVINOBackend(tiny_file, model_name="tiny-llama")


def test_answers_in_flight_together_equal_one_at_a_time(tiny: OpenVINOBackend) -> None:
    """Continuous batching changes when a prompt runs, never what it answers."""
    together = tiny.generate(PROMPTS, GREEDY)
    alone = [tiny.generate([prompt], GREEDY)[0] for prompt in PROMPTS]
    assert together == alone
    assert len(set(together)) > 1  # the prompts differ, so do the answers


def test_answers_keep_the_order_of_the_prompts(tiny: OpenVINOBackend) -> None:
    forward = tiny.generate(PROMPTS, GREEDY)
    assert tiny.generate(PROMPTS[::-1], GREEDY) == forward[::-1]


def test_the_chat_template_of_the_gguf_wraps_each_prompt(tiny: OpenVINOBackend) -> None:
    assert tiny.chat_text("hello") == "<s>user: hello\nassistant: "


def test_max_new_tokens_bounds_the_answer(tiny: OpenVINOBackend) -> None:
    before = tiny.generated_tokens
    tiny.generate(["hi", "test"], GenerationParams(max_new_tokens=3, temperature=0.0))
    assert 0 < tiny.generated_tokens - before <= 2 * 3


def test_sampling_is_reproducible_with_a_seed_and_varies_without(tiny: OpenVINOBackend) -> None:
    def sample(seed: int) -> list[str]:
        return tiny.generate(
            PROMPTS[:2], GenerationParams(max_new_tokens=12, temperature=1.5, seed=seed)
        )

    assert sample(3) == sample(3)
    assert any(sample(seed) != sample(3) for seed in (4, 5, 6))


def test_a_stop_string_ends_the_answer_where_it_first_appears(tiny: OpenVINOBackend) -> None:
    free = tiny.generate([PROMPTS[1]], GenerationParams(max_new_tokens=24, temperature=0.0))[0]
    stop = free[6:9]
    assert len(stop) == 3 and free.index(stop) >= 1
    (stopped,) = tiny.generate(
        [PROMPTS[1]], GenerationParams(max_new_tokens=24, temperature=0.0, stop=(stop,))
    )
    # the stop string is kept, as transformers' stop_strings keep it
    assert stopped == free[: free.index(stop) + len(stop)]


def test_a_prompt_longer_than_the_context_is_a_clear_error(tiny: OpenVINOBackend) -> None:
    with pytest.raises(BackendError, match=r"prompt 2 of 2 is \d+ tokens; .* context of 2048"):
        tiny.generate(["hi", "word " * 3000], GREEDY)


def test_make_backend_loads_a_gguf_file(tiny_file: Path) -> None:
    backend = make_backend(ModelConfig(backend=BackendKind.OPENVINO, model=str(tiny_file)))
    assert isinstance(backend, OpenVINOBackend)
    assert backend.model == str(tiny_file) and backend.name == "openvino"


def test_matrices_openvino_cannot_read_are_reencoded_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """F32 matrices (like the K-quants of the shipped model) go to a Q8_0 copy in the cache."""
    monkeypatch.setenv("PHICODE_CACHE", str(tmp_path / "cache"))
    source = build_tiny_gguf(tmp_path / "f32.gguf", encoding="F32")
    with pytest.raises(BackendError, match="cannot load model"):
        OpenVINOBackend(source)  # as it is, OpenVINO refuses it
    assert ggufq8.needs_reencoding(source)
    ready = resolve_gguf(str(source))
    assert ready != source and ready.is_relative_to(tmp_path / "cache")
    assert not ggufq8.needs_reencoding(ready)
    written = ready.stat().st_mtime_ns
    assert resolve_gguf(str(source)) == ready and ready.stat().st_mtime_ns == written
    answers = OpenVINOBackend(ready).generate(PROMPTS[:2], GREEDY)
    assert len(answers) == 2 and all(isinstance(a, str) for a in answers)


def test_a_new_encoding_of_the_weights_is_a_new_resume_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """Answers of the old Q8_0 copy must not be resumed for the new one; the other
    backends' keys do not carry it."""
    from phicode.pipeline.config import PipelineConfig
    from phicode.pipeline.stages import STAGES

    def parts(backend: BackendKind) -> list[dict]:
        config = PipelineConfig(
            paths=("in",), output=Path("out.jsonl"), model=ModelConfig(backend=backend)
        )
        return [stage.parts(config) for stage in STAGES[:2]]  # synth and fidelity call the model

    before, hf_before = parts(BackendKind.OPENVINO), parts(BackendKind.HF)
    monkeypatch.setattr(ggufq8, "VERSION", ggufq8.VERSION + 1)
    after = parts(BackendKind.OPENVINO)
    assert all(old != new for old, new in zip(before, after, strict=True))
    assert parts(BackendKind.HF) == hf_before


def test_a_readable_gguf_is_used_where_it_lies(tiny_file: Path) -> None:
    assert resolve_gguf(str(tiny_file)) == tiny_file


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, r"no such file"),
        (b"GGUF" + b"\x00" * 64, r"cannot read the GGUF file .*broken\.gguf"),
        (b"not a model at all", r"cannot read the GGUF file .*broken\.gguf"),
    ],
)
def test_a_missing_or_corrupt_gguf_is_a_clear_error(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    path = tmp_path / "broken.gguf"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(BackendError, match=message):
        make_backend(ModelConfig(backend=BackendKind.OPENVINO, model=str(path)))


def test_a_transformers_directory_points_to_the_hf_backend(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(BackendError, match=r"reads \.gguf files .* use --backend hf"):
        make_backend(ModelConfig(backend=BackendKind.OPENVINO, model=str(tmp_path)))


def test_missing_openvino_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    hide_module(monkeypatch, "openvino_genai")
    with pytest.raises(BackendError, match=r"pip install 'phicode\[openvino\]'"):
        require_openvino()


def test_the_default_engine_is_openvino_on_a_cpu_and_hf_without_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert default_backend() is BackendKind.OPENVINO  # installed here, no NVIDIA device
    assert ModelConfig().backend is BackendKind.OPENVINO
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "openvino_genai" else real_find_spec(name, *a),
    )
    assert default_backend() is BackendKind.HF


@pytest.mark.docker
def test_cli_synth_with_the_openvino_backend(tiny_file: Path, tmp_path: Path, capsys) -> None:
    from phicode.cli import main

    source = tmp_path / "snippets.jsonl"
    source.write_text(json.dumps(snippet("gcd").to_dict()) + "\n")
    out, rejected = tmp_path / "pairs.jsonl", tmp_path / "rejected.jsonl"
    argv = ["synth", str(source), "-o", str(out), "--rejected", str(rejected)]
    argv += ["--backend", "openvino", "--model", str(tiny_file), "--max-new-tokens", "8"]
    argv += ["--temperature", "0", "--workers", "1"]
    assert main(argv) == 0
    assert out.read_text() == ""  # a random model's tests never pass
    (line,) = [json.loads(text) for text in rejected.read_text().splitlines()]
    assert line["rejected"]["stage"] == "synth" and line["entry_point"] == "gcd"
    assert f"phicode synth (openvino, {tiny_file}): 0 pairs" in capsys.readouterr().err


def test_copies_of_one_prompt_are_sampled_apart(tiny: OpenVINOBackend) -> None:
    """Blind solves send one question k times: k identical answers would measure nothing."""
    params = GenerationParams(max_new_tokens=12, temperature=1.0, seed=7)
    answers = tiny.generate([PROMPTS[1]] * 4, params)
    assert len(set(answers)) > 1
    assert answers == tiny.generate([PROMPTS[1]] * 4, params)  # and reproducibly so
    # the first copy's answer is the one the prompt gets alone
    assert answers[0] == tiny.generate([PROMPTS[1]], params)[0]
