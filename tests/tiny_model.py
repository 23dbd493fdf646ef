"""A tiny random-weight Llama with a locally trained tokenizer (no downloads).

It writes nonsense, but through exactly the loading and generation code a real
model uses: ``AutoTokenizer`` / ``AutoModelForCausalLM`` from a directory, a chat
template, left padding, ``generate``. Builds in about a second.
"""

from __future__ import annotations

from pathlib import Path

CHAT_TEMPLATE = (
    "{% for m in messages %}<s>{{ m['role'] }}: {{ m['content'] }}\n{% endfor %}"
    "{% if add_generation_prompt %}assistant: {% endif %}"
)
TEXTS = [
    "def add(a, b):\n    return a + b\n",
    "Write a Python function that returns the sum of a list of numbers.",
    "from solution import add\n\ndef test_add():\n    assert add(1, 2) == 3\n",
    "```python\nimport pytest\n```\nThe function should handle empty input and negative numbers.",
] * 20
#: Prompts for a tiny model's tests: unlike lengths, code and prose, one repeated phrase.
PROMPTS = [
    "hi",
    "Write a Python function that returns the sum of a list of numbers.",
    "def add(a, b):",
    "from solution import add " * 6,
    "test",
]


def train_tokenizer():  # -> tokenizers.Tokenizer
    """A byte-level BPE of about 400 tokens, trained on :data:`TEXTS` in milliseconds."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.BPE(unk_token="<unk>"))
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=400,
        special_tokens=["<unk>", "<s>", "</s>", "<pad>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tokenizer.train_from_iterator(TEXTS, trainer)
    return tokenizer


def build_tiny_model(directory: Path, *, layers: int = 2, hidden: int = 64, seed: int = 0) -> Path:
    """Write a tokenizer and a random LlamaForCausalLM into ``directory``."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    fast = PreTrainedTokenizerFast(
        tokenizer_object=train_tokenizer(),
        bos_token="<s>",
        eos_token="</s>",
        unk_token="<unk>",
        pad_token="<pad>",
    )
    fast.chat_template = CHAT_TEMPLATE
    torch.manual_seed(seed)
    config = LlamaConfig(
        vocab_size=len(fast),
        hidden_size=hidden,
        intermediate_size=hidden * 2,
        num_hidden_layers=layers,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=2048,
        bos_token_id=fast.bos_token_id,
        eos_token_id=fast.eos_token_id,
        pad_token_id=fast.pad_token_id,
    )
    model = LlamaForCausalLM(config)
    directory.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(directory))
    fast.save_pretrained(str(directory))
    return directory
