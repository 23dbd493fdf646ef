"""The CPU default: OpenVINO GenAI on the GGUF weights, continuous batching in-process.

Why this engine: on 2 CPU cores without bf16, transformers runs the 0.5B model in
fp32, and a prompt of 600 tokens costs it seconds to read. OpenVINO GenAI reads the
GGUF file itself (re-encoded as Q8_0 once, :mod:`.ggufq8`), schedules every prompt of
a call through one continuous-batching pipeline (a finished answer frees its slot at
once; nothing waits on the slowest of a static batch) and caches shared prompt
prefixes, so the blind answers to one question read the question once.
``bench/bench_generate.py --real`` measures it against the hf backend on the same
prompts; the figures are in ``docs/generation.md``.

``openvino_genai`` is imported in the constructor only, so the rest of phicode works
without the ``openvino`` extra.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from phicode.errors import BackendError
from phicode.generate.backends.base import ModelBackend, sample_seeds
from phicode.generate.config import GenerationParams

INSTALL_HINT = "pip install 'phicode[openvino]'"
#: The hf backend's top-k (transformers' default), so both engines sample alike.
TOP_K = 50


def require_openvino() -> Any:
    """The ``openvino_genai`` module, or a BackendError saying how to install it."""
    try:
        import openvino_genai
    except ImportError as exc:
        raise BackendError(
            f"the openvino backend needs openvino-genai ({exc.name} is missing): {INSTALL_HINT}"
        ) from exc
    return openvino_genai


def context_length(gguf_file: Path) -> int:
    """The context the GGUF's metadata declares (``<architecture>.context_length``)."""
    import gguf

    reader = gguf.GGUFReader(str(gguf_file))
    architecture = reader.fields[gguf.Keys.General.ARCHITECTURE].contents()
    field = reader.fields.get(f"{architecture}.context_length")
    return int(field.contents()) if field is not None else 32768


class OpenVINOBackend(ModelBackend):
    """A GGUF model run by OpenVINO GenAI's continuous-batching pipeline on the CPU.

    Every prompt of a ``generate`` call is one request with its own GenerationConfig
    (its own seed); the pipeline schedules them all at once.
    """

    name = "openvino"

    def __init__(
        self,
        gguf_file: Path | str,
        *,
        model_name: str | None = None,
        max_batched_tokens: int = 2048,
    ) -> None:
        genai = require_openvino()
        self._genai = genai
        self._model_name = model_name or str(gguf_file)
        try:
            self.context = context_length(Path(gguf_file))
            scheduler = genai.SchedulerConfig()
            scheduler.enable_prefix_caching = True
            scheduler.max_num_batched_tokens = max_batched_tokens
            self.pipeline = genai.ContinuousBatchingPipeline(str(gguf_file), scheduler, "CPU")
        except (RuntimeError, ValueError, KeyError, OSError) as exc:
            raise BackendError(f"cannot load model from {gguf_file}: {_first_line(exc)}") from exc
        self.tokenizer = self.pipeline.get_tokenizer()
        self.generated_tokens = 0  # a running count, for benchmarks

    @property
    def model(self) -> str:
        return self._model_name

    def chat_text(self, prompt: str) -> str:
        """The prompt as the model expects a user turn, ready for generation."""
        return self.tokenizer.apply_chat_template(
            [{"role": "user", "content": prompt}], add_generation_prompt=True
        )

    def generate(self, prompts: list[str], params: GenerationParams) -> list[str]:
        if not prompts:
            return []
        texts = [self.chat_text(p) for p in prompts]
        self._check_lengths(texts, params.max_new_tokens)
        configs = [self.generation_config(params, seed) for seed in sample_seeds(prompts, params)]
        try:
            results = self.pipeline.generate(texts, configs)
        except RuntimeError as exc:
            raise BackendError(f"openvino generation failed: {_first_line(exc)}") from exc
        answers = []
        for index, result in enumerate(results):
            if result.m_status != self._genai.GenerationStatus.FINISHED:
                raise BackendError(
                    f"openvino left prompt {index + 1} of {len(texts)} unfinished "
                    f"({result.m_status.name})"
                )
            answer = result.m_generation_ids[0]
            self.generated_tokens += len(self.tokenizer.encode(answer).input_ids.data[0])
            answers.append(cut_at_stop(answer, params.stop))
        return answers

    def _check_lengths(self, texts: list[str], max_new_tokens: int) -> None:
        for index, text in enumerate(texts):
            length = int(self.tokenizer.encode(text).input_ids.get_shape()[-1])
            if length + max_new_tokens > self.context:
                raise BackendError(
                    f"prompt {index + 1} of {len(texts)} is {length} tokens; with "
                    f"--max-new-tokens {max_new_tokens} it exceeds the model's context of "
                    f"{self.context} tokens"
                )

    def generation_config(self, params: GenerationParams, seed: int) -> Any:
        """OpenVINO's GenerationConfig for ``params``, sampling as the hf backend does."""
        config = self._genai.GenerationConfig()
        config.max_new_tokens = params.max_new_tokens
        config.apply_chat_template = False  # chat_text has done it
        if params.temperature > 0:
            config.do_sample = True
            config.temperature = params.temperature
            config.top_p = params.top_p
            config.top_k = TOP_K
            config.rng_seed = seed
        else:
            config.do_sample = False
        if params.stop:
            config.stop_strings = set(params.stop)
            config.include_stop_str_in_output = True  # as transformers' stop_strings do
        return config

    def close(self) -> None:
        self.__dict__.pop("pipeline", None)
        self.__dict__.pop("tokenizer", None)


def cut_at_stop(text: str, stops: tuple[str, ...]) -> str:
    """``text`` up to the end of the first stop string in it, the stop string kept.

    OpenVINO looks for a stop string in a window of the last few tokens only, so a
    match that spans more tokens than the stop string's own encoding runs on; the
    answer is cut here as if the engine had seen it.
    """
    ends = [text.find(stop) + len(stop) for stop in stops if stop and stop in text]
    return text[: min(ends)] if ends else text


def _first_line(exc: BaseException) -> str:
    """OpenVINO's messages open with C++ file paths; the last line says what failed."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[-1] if lines else type(exc).__name__
