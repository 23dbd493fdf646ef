"""The Hugging Face Hub's dataset layout: Parquet shards under ``data/`` and a card whose
YAML front matter names the configs, the features and the licence.

This is the layout ``datasets.load_dataset(DIR)`` and the Hub's viewer read without a
loading script: ``data/train-00000-of-00002.parquet``, ... and, in ``README.md``,
``configs: [{config_name: default, data_files: [{split: train, path: data/train-*}]}]``.
The folder is written whole or not at all (:func:`write_folder`).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from phicode.errors import ConfigError

CARD_NAME = "README.md"
DATA_DIR = "data"
ROWS_PER_SHARD = 5_000  # a shard stays well under the Hub's recommended 500 MB
SPLIT = "train"


def datasets_module() -> Any:
    try:
        import datasets
    except ImportError as exc:
        raise ConfigError(
            "export needs datasets and pyarrow: pip install 'phicode[export]'"
        ) from exc
    return datasets


def shard_names(rows: int, split: str = SPLIT) -> list[str]:
    """The Hub's shard file names for ``rows`` rows."""
    count = max(1, -(-rows // ROWS_PER_SHARD))
    return [f"{split}-{index:05d}-of-{count:05d}.parquet" for index in range(count)]


@dataclass(frozen=True, slots=True)
class Written:
    """What :func:`write_shards` wrote: its rows, their size in memory and on disk."""

    rows: int
    num_bytes: int
    download_size: int


def write_shards(
    rows: list[dict[str, Any]], features: Any, data_dir: Path, names: list[str] | None = None
) -> Written:
    """``rows`` as Parquet shards of one split (``names``: the Hub's shard names), with
    their features in each file."""
    datasets = datasets_module()
    datasets.disable_progress_bars()  # the export prints its own summary
    data_dir.mkdir(parents=True, exist_ok=True)
    num_bytes = download_size = 0
    for index, name in enumerate(names or shard_names(len(rows))):
        part = rows[index * ROWS_PER_SHARD : (index + 1) * ROWS_PER_SHARD]
        table = datasets.Dataset.from_list(part, features=features)
        path = data_dir / name
        table.to_parquet(str(path))
        num_bytes += table.data.nbytes
        download_size += path.stat().st_size
    return Written(len(rows), num_bytes, download_size)


def front_matter(
    features: Any, license_id: str, tags: list[str], written: Written
) -> dict[str, Any]:
    """The card's YAML: licence, configs (the default config's train files), features and
    sizes. The sizes are not decoration: ``load_dataset`` on a local folder whose card has
    ``configs`` caches it by the folder's name and this info (datasets 5.2), so two
    exports in folders of one name would otherwise read back as the same data."""
    datasets = datasets_module()
    splits = datasets.SplitDict()
    splits.add(datasets.SplitInfo(SPLIT, written.num_bytes, written.rows))
    info = datasets.DatasetInfo(
        features=features,
        splits=splits,
        download_size=written.download_size,
        dataset_size=written.num_bytes,
    )._to_yaml_dict()
    return {
        "license": license_id,
        "task_categories": ["text-generation"],
        "tags": tags,
        "configs": [
            {
                "config_name": "default",
                "data_files": [{"split": SPLIT, "path": f"{DATA_DIR}/{SPLIT}-*"}],
            }
        ],
        "dataset_info": info,
    }


def card_text(matter: dict[str, Any], body: str) -> str:
    import yaml  # a dependency of datasets

    return f"---\n{yaml.safe_dump(matter, sort_keys=False, allow_unicode=True)}---\n\n{body}"


def write_folder(out_dir: Path, fill: Callable[[Path], None]) -> list[Path]:
    """Let ``fill`` write into a fresh folder beside ``out_dir``, then move what it wrote
    into place (the files, as they lie in ``out_dir``): an export that fails half-way
    leaves ``out_dir`` as it was."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        fill(staging)
        written = sorted(
            out_dir / p.relative_to(staging) for p in staging.rglob("*") if p.is_file()
        )
        out_dir.mkdir(exist_ok=True)
        for entry in sorted(staging.iterdir()):
            target = out_dir / entry.name
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            os.replace(entry, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return written


def push_to_hub(folder: Path, repo_id: str, token: str | None = None) -> str:
    """Upload an exported folder as the dataset repository ``repo_id``; its URL.

    Needs a token (``HF_TOKEN`` or ``huggingface-cli login``): without one this says so
    before anything is sent."""
    try:
        from huggingface_hub import HfApi, get_token
    except ImportError as exc:
        raise ConfigError(
            "--push-to-hub needs huggingface_hub: pip install 'phicode[export]'"
        ) from exc
    token = token or get_token()
    if not token:
        raise ConfigError(
            "--push-to-hub: no Hugging Face token (set HF_TOKEN or run 'huggingface-cli login')"
        )
    api = HfApi(token=token)
    api.create_repo(repo_id, repo_type="dataset", exist_ok=True)
    commit = api.upload_folder(folder_path=str(folder), repo_id=repo_id, repo_type="dataset")
    return str(getattr(commit, "commit_url", repo_id))
