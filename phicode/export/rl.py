"""RL environments (``phicode export --format rl``): the layout veRL reads, with the
reward function phicode already has.

Each row is one task: ``prompt`` (chat messages: the blind-solve prompt, which is
what a policy sees), ``data_source``, ``ability``, ``reward_model`` (``style: rule``
and the ``ground_truth``: the pair as its JSON line, cases included) and
``extra_info``. veRL's custom reward, ``phicode.scoring.compute_score``, takes the
ground truth as it is; the ``pair`` column carries the same JSON for TRL's GRPO
reward, ``phicode.scoring.reward_func``.
"""

from __future__ import annotations

import json
from typing import Any

from phicode.records import Pair

DATA_SOURCE = "phicode"
ABILITY = "code"


def rl_row(pair: Pair, prompt: str, index: int) -> dict[str, Any]:
    """One task: the prompt, the pair as ground truth, and where it came from."""
    truth = json.dumps(pair.to_dict(), ensure_ascii=False)
    return {
        "data_source": DATA_SOURCE,
        "prompt": [{"role": "user", "content": prompt}],
        "ability": ABILITY,
        "reward_model": {"style": "rule", "ground_truth": truth},
        "extra_info": {
            "split": "train", "index": index, "id": pair.id, "entry_point": pair.entry_point,
            "license": pair.source.license if pair.source else None,
        },
        "pair": truth,
    }  # fmt: skip


def rl_features() -> Any:
    from datasets import Features, List, Value

    text = Value("string")
    return Features(
        {
            "data_source": text,
            "prompt": List({"role": text, "content": text}),
            "ability": text,
            "reward_model": {"style": text, "ground_truth": text},
            "extra_info": {
                "split": text, "index": Value("int64"), "id": text, "entry_point": text,
                "license": text,
            },
            "pair": text,
        }
    )  # fmt: skip
