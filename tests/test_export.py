"""``phicode export``: Parquet and Hugging Face datasets that read back the same,
and a dataset card with counts, models and licences."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from phicode.cli import main
from phicode.records import Generator, Pair, Source, Status, Verification


def dataset(path: Path, count: int = 3) -> Path:
    with path.open("w") as handle:
        for index in range(count):
            pair = Pair(
                id=f"p{index}",
                question=f"Return {index} more than x.",
                solution=f"def f(x):\n    return x + {index}\n",
                entry_point="f",
                tests=f"from solution import f\ndef test_f():\n    assert f(1) == {1 + index}\n",
                source=Source(
                    repo="example/repo", path="m.py", license="MIT" if index else "Apache-2.0"
                ),
                generator=Generator(backend="template", model="none", prompt="template@1"),
                verification=Verification(
                    status=Status.PASSED, tests_passed=1, tests_total=1, mutation_score=0.8
                ),
            )
            handle.write(json.dumps(pair.to_dict()) + "\n")
    return path


def test_parquet_round_trip_and_card(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    source = dataset(tmp_path / "d.jsonl")
    assert main(["export", str(source), "--format", "parquet", "-o", str(tmp_path / "out")]) == 0
    table = pq.read_table(tmp_path / "out" / "data.parquet").to_pylist()
    assert [row["id"] for row in table] == ["p0", "p1", "p2"]
    assert table[2]["solution"] == "def f(x):\n    return x + 2\n"
    assert table[0]["source_license"] == "Apache-2.0"
    assert table[1]["verification_mutation_score"] == 0.8
    card = (tmp_path / "out" / "README.md").read_text()
    assert "- pairs: 3" in card
    assert "- MIT: 2" in card and "- Apache-2.0: 1" in card
    assert "- template:none (template@1): 3" in card
    assert "license: other" in card


def test_hf_dataset_round_trip(tmp_path: Path) -> None:
    import datasets

    source = dataset(tmp_path / "d.jsonl", count=2)
    assert main(["export", str(source), "--format", "hf", "-o", str(tmp_path / "hf")]) == 0
    loaded = datasets.load_from_disk(str(tmp_path / "hf" / "data"))
    assert loaded.num_rows == 2
    assert loaded[1]["tests"].startswith("from solution import f")


def test_a_broken_line_stops_the_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = dataset(tmp_path / "d.jsonl")
    with source.open("a") as handle:
        handle.write('{"id": "x", "solution": "s", "tests": "t"}\n')
    assert main(["export", str(source), "-o", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == (
        f"phicode: InputError: {source}:4: field 'question': missing (run 'phicode validate' first)\n"
    )
