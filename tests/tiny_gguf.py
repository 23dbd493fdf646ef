"""A tiny random-weight Llama written as a GGUF file, tokenizer included (no downloads).

The ``openvino`` backend reads GGUF files; this one exercises the same loading,
chat-template and generation code as the real model, in a second. Its tokenizer
is the byte-level BPE of :mod:`tiny_model`, trained locally.
"""

from __future__ import annotations

import json
from pathlib import Path

CHAT_TEMPLATE = (
    "{% for m in messages %}<s>{{ m['role'] }}: {{ m['content'] }}\n{% endfor %}"
    "{% if add_generation_prompt %}assistant: {% endif %}"
)


def build_tiny_gguf(
    path: Path, *, layers: int = 2, hidden: int = 64, seed: int = 0, encoding: str = "Q8_0"
) -> Path:
    """Write a random Llama with ``layers`` blocks and its tokenizer to ``path`` (.gguf).

    ``encoding`` of the matrices: ``Q8_0``, which OpenVINO reads, or ``F32``, which it
    does not (phicode must re-encode it, as it does the shipped K-quants).
    """
    import gguf
    import numpy as np
    from tiny_model import train_tokenizer

    tokenizer = json.loads(train_tokenizer().to_str())
    vocab: dict[str, int] = tokenizer["model"]["vocab"]
    tokens = [token for token, _ in sorted(vocab.items(), key=lambda item: item[1])]
    merges = [m if isinstance(m, str) else " ".join(m) for m in tokenizer["model"]["merges"]]
    special = {t["content"]: t["id"] for t in tokenizer["added_tokens"]}
    heads, kv_heads, ffn = 4, 2, hidden * 2
    head_dim = hidden // heads
    rng = np.random.default_rng(seed)

    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name("tiny-llama")
    writer.add_context_length(2048)
    writer.add_embedding_length(hidden)
    writer.add_block_count(layers)
    writer.add_feed_forward_length(ffn)
    writer.add_head_count(heads)
    writer.add_head_count_kv(kv_heads)
    writer.add_layer_norm_rms_eps(1e-6)
    writer.add_rope_dimension_count(head_dim)
    writer.add_rope_freq_base(10000.0)
    file_type = gguf.LlamaFileType.MOSTLY_Q8_0 if encoding == "Q8_0" else gguf.LlamaFileType.ALL_F32
    writer.add_file_type(file_type)
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("default")
    writer.add_token_list(tokens)
    writer.add_token_types(
        [gguf.TokenType.CONTROL if t in special else gguf.TokenType.NORMAL for t in tokens]
    )
    writer.add_token_merges(merges)
    writer.add_bos_token_id(special["<s>"])
    writer.add_eos_token_id(special["</s>"])
    writer.add_pad_token_id(special["<pad>"])
    writer.add_add_bos_token(False)
    writer.add_chat_template(CHAT_TEMPLATE)

    def weight(name: str, rows: int, cols: int) -> None:
        data = rng.normal(0.0, 0.2, size=(rows, cols)).astype(np.float32)
        if encoding == "F32":
            writer.add_tensor(name, data)
            return
        q8 = gguf.GGMLQuantizationType.Q8_0
        writer.add_tensor(name, gguf.quants.quantize(data, q8), raw_dtype=q8)

    weight("token_embd.weight", len(tokens), hidden)
    for i in range(layers):
        writer.add_tensor(f"blk.{i}.attn_norm.weight", np.ones(hidden, dtype=np.float32))
        weight(f"blk.{i}.attn_q.weight", hidden, hidden)
        weight(f"blk.{i}.attn_k.weight", kv_heads * head_dim, hidden)
        weight(f"blk.{i}.attn_v.weight", kv_heads * head_dim, hidden)
        weight(f"blk.{i}.attn_output.weight", hidden, hidden)
        writer.add_tensor(f"blk.{i}.ffn_norm.weight", np.ones(hidden, dtype=np.float32))
        weight(f"blk.{i}.ffn_gate.weight", ffn, hidden)
        weight(f"blk.{i}.ffn_up.weight", ffn, hidden)
        weight(f"blk.{i}.ffn_down.weight", hidden, ffn)
    writer.add_tensor("output_norm.weight", np.ones(hidden, dtype=np.float32))
    weight("output.weight", len(tokens), hidden)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path
