"""The embedded default: transformers + torch in this process, batched.

torch and transformers are imported inside the functions that need them, so the
rest of phicode works without the ``hf`` extra. Prompts go through the model's
chat template, are sorted by length so a batch pads little, padded on the left
(a decoder continues from the right end) and generated in batches of
``batch_size``. GPU when one is present; bf16 on GPU and on CPUs that support it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from phicode.errors import BackendError
from phicode.generate.backends.base import ModelBackend
from phicode.generate.config import GenerationParams

INSTALL_HINT = "pip install 'phicode[hf]'"


def require_hf() -> tuple[Any, Any]:
    """``(torch, transformers)``, or a BackendError saying how to install them."""
    try:
        import torch
        import transformers
    except ImportError as exc:
        raise BackendError(
            f"the hf backend needs torch and transformers ({exc.name} is missing): {INSTALL_HINT}"
        ) from exc
    transformers.logging.set_verbosity_error()
    if not sys.stderr.isatty():
        # "Loading weights" and GGUF conversion bars would flood a log with thousands of
        # carriage returns; phicode prints its own plain progress lines there.
        transformers.utils.logging.disable_progress_bar()
        import huggingface_hub.utils  # a dependency of transformers: its download bars

        huggingface_hub.utils.disable_progress_bars()
    return torch, transformers


def pick_device(torch: Any, requested: str | None) -> str:
    if requested:
        return requested
    if torch.cuda.is_available():
        return "cuda"
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        return "mps"
    return "cpu"


def pick_dtype(torch: Any, device: str, requested: str) -> Any:
    """bf16 where the hardware does it natively, else fp32 (fp16 only on request)."""
    if requested != "auto":
        return getattr(torch, requested)
    if device == "cuda":
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    if device == "cpu" and _cpu_has_bf16(torch):
        return torch.bfloat16
    return torch.float32


def _cpu_has_bf16(torch: Any) -> bool:
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    native = any(flag in flags for flag in ("avx512_bf16", "amx_bf16"))
    return native or ("avx512f" in flags and torch.backends.mkldnn.is_available())


class HFBackend(ModelBackend):
    """A causal LM loaded with transformers from a local directory."""

    name = "hf"

    def __init__(
        self,
        path: Path | str,
        *,
        model_name: str | None = None,
        batch_size: int = 8,
        device: str | None = None,
        dtype: str = "auto",
    ) -> None:
        torch, transformers = require_hf()
        self._torch = torch
        self.batch_size = batch_size
        self.device = pick_device(torch, device)
        self.dtype = pick_dtype(torch, self.device, dtype)
        self._model_name = model_name or str(path)
        try:
            self.tokenizer = transformers.AutoTokenizer.from_pretrained(str(path))
            self.hf_model = transformers.AutoModelForCausalLM.from_pretrained(
                str(path), dtype=self.dtype
            )
        except (OSError, ValueError) as exc:
            raise BackendError(f"cannot load model from {path}: {exc}") from exc
        self.hf_model.to(self.device).eval()
        self.tokenizer.padding_side = "left"
        if self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self.generated_tokens = 0  # a running count, for benchmarks

    @property
    def model(self) -> str:
        return self._model_name

    def chat_text(self, prompt: str) -> str:
        """The prompt as the model expects a user turn, ready for generation."""
        messages = [{"role": "user", "content": prompt}]
        if getattr(self.tokenizer, "chat_template", None):
            return self.tokenizer.apply_chat_template(
                messages, tokenize=False, add_generation_prompt=True
            )
        return prompt + "\n"

    def generate(self, prompts: list[str], params: GenerationParams) -> list[str]:
        texts = [self.chat_text(p) for p in prompts]
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        answers: list[str] = [""] * len(texts)
        for start in range(0, len(order), self.batch_size):
            chunk = order[start : start + self.batch_size]
            for index, answer in zip(
                chunk, self._generate_batch([texts[i] for i in chunk], params), strict=True
            ):
                answers[index] = answer
        return answers

    def _generate_batch(self, texts: list[str], params: GenerationParams) -> list[str]:
        torch = self._torch
        encoded = self.tokenizer(
            texts, return_tensors="pt", padding=True, add_special_tokens=False
        ).to(self.device)
        torch.manual_seed(params.seed)
        with torch.inference_mode():
            output = self.hf_model.generate(**encoded, **self.generate_kwargs(params))
        new_tokens = output[:, encoded["input_ids"].shape[1] :]
        self.generated_tokens += int((new_tokens != self.tokenizer.pad_token_id).sum())
        return self.tokenizer.batch_decode(new_tokens, skip_special_tokens=True)

    def generate_kwargs(self, params: GenerationParams) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "max_new_tokens": params.max_new_tokens,
            "pad_token_id": self.tokenizer.pad_token_id,
        }
        if params.temperature > 0:
            kwargs.update(do_sample=True, temperature=params.temperature, top_p=params.top_p)
        else:
            kwargs.update(do_sample=False, temperature=None, top_p=None, top_k=None)
        if params.stop:
            kwargs.update(stop_strings=list(params.stop), tokenizer=self.tokenizer)
        return kwargs

    def close(self) -> None:
        self.__dict__.pop("hf_model", None)
