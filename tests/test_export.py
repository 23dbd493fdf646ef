"""``phicode export``: the Hub layout that ``load_dataset`` reads back into records that
re-verify, preference pairs whose every answer the case judge has checked, veRL tasks
that phicode's own reward function scores, and bad input that writes nothing.

The docker tests use ``tests/fixtures/make_run``: the dataset a real ``make run`` kept
and the failed blind answers its state held (``blind_answers.json``), put back into a
real state store here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from phicode.cli import main
from phicode.export import ExportFormat, pairs_from_rows
from phicode.export.hub import ROWS_PER_SHARD, shard_names
from phicode.export.preference import tidy
from phicode.pipeline.stages import FidelityUnit
from phicode.pipeline.state import StateStore
from phicode.records import Generator, Pair, PairCase, Source, Status, Verification

MAKE_RUN = Path(__file__).parent / "fixtures" / "make_run"


def small_pair(index: int) -> Pair:
    return Pair(
        id=f"p{index}",
        question=f"Return {index} more than x.",
        solution=f"def f(x):\n    return x + {index}\n",
        entry_point="f",
        tests=f"from solution import f\ndef test_f():\n    assert f(1) == {1 + index}\n",
        source=Source(repo="example/repo", path="m.py", license="MIT" if index else "Apache-2.0"),
        generator=Generator(backend="template", model="none", prompt="template@1"),
        verification=Verification(
            status=Status.PASSED, tests_passed=1, tests_total=1, mutation_score=0.8
        ),
        cases=(
            PairCase(args=("1",), expect=str(1 + index)),
            PairCase(kwargs=(("x", "2.5"),), expect=str(2.5 + index), compare="approx"),
            PairCase(args=("'a'",), raises="TypeError"),
        ),
    )


def dataset(path: Path, count: int = 3) -> Path:
    path.write_text("".join(json.dumps(small_pair(i).to_dict()) + "\n" for i in range(count)))
    return path


def front_matter(card: str) -> dict:
    import yaml

    assert card.startswith("---\n")
    return yaml.safe_load(card.split("---\n")[1])


def test_hf_export_is_the_hub_layout_and_reads_back_as_the_same_records(tmp_path: Path) -> None:
    import datasets

    source = dataset(tmp_path / "d.jsonl")
    out = tmp_path / "hf"
    assert main(["export", str(source), "--format", "hf", "-o", str(out), "-q"]) == 0
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        "README.md",
        "data/train-00000-of-00001.parquet",
    ]
    matter = front_matter((out / "README.md").read_text())
    assert matter["license"] == "other"  # MIT and Apache-2.0
    assert matter["configs"] == [
        {"config_name": "default", "data_files": [{"split": "train", "path": "data/train-*"}]}
    ]
    columns = {f["name"]: f for f in matter["dataset_info"]["features"]}
    assert "struct" in columns["source"] and "list" in columns["cases"]

    loaded = datasets.load_dataset(str(out))
    assert list(loaded) == ["train"]
    assert loaded["train"][1]["source"]["license"] == "MIT"
    back = pairs_from_rows(loaded["train"])
    assert back == [small_pair(i) for i in range(3)]  # cases, kwargs and compare rules too


def test_parquet_export_keeps_nested_parts_as_structs(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    source = dataset(tmp_path / "d.jsonl", count=2)
    assert main(["export", str(source), "-o", str(tmp_path / "out"), "-q"]) == 0
    table = pq.read_table(tmp_path / "out" / "data.parquet").to_pylist()
    assert table[0]["verification"]["mutation_score"] == 0.8
    assert table[1]["cases"][1]["kwargs"] == [{"name": "x", "value": "2.5"}]
    assert pairs_from_rows(table) == [small_pair(0), small_pair(1)]
    card = (tmp_path / "out" / "README.md").read_text()
    assert "- pairs: 2" in card and "- cases: 6" in card
    assert "- template:none (template@1): 2" in card


def test_shards_are_named_as_the_hub_names_them() -> None:
    assert shard_names(1) == ["train-00000-of-00001.parquet"]
    assert shard_names(ROWS_PER_SHARD + 1) == [
        "train-00000-of-00002.parquet",
        "train-00001-of-00002.parquet",
    ]


BAD_INPUTS = {
    "no cases": (
        '{"id": "x", "question": "q", "solution": "def f():\\n    pass\\n", "entry_point": "f", '
        '"tests": "t", "source": {"repo": "r", "path": "p"}, "generator": {"backend": "b", '
        '"model": "m", "prompt": "p"}, "verification": {"status": "passed"}}\n',
        "{path}:2: pair x has no cases, so it cannot be judged "
        "(give it cases with 'phicode verify --add-cases')",
    ),
    "broken line": ('{"id": "x", \n', "{path}:2: invalid JSON"),
    "empty file": (None, "{path}: holds no records"),
}


@pytest.mark.parametrize("fmt", [f.value for f in ExportFormat])
@pytest.mark.parametrize("bad", sorted(BAD_INPUTS))
def test_bad_input_is_one_line_exit_2_and_nothing_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str, bad: str
) -> None:
    line, message = BAD_INPUTS[bad]
    source = tmp_path / "d.jsonl"
    if line is None:
        source.write_text("")
    else:
        dataset(source, count=1)
        with source.open("a") as handle:
            handle.write(line)
    out = tmp_path / "out"
    assert main(["export", str(source), "--format", fmt, "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("phicode: InputError: ")
    assert message.format(path=source) in err
    assert not out.exists() and [p.name for p in tmp_path.iterdir()] == ["d.jsonl"]


def test_a_failed_export_leaves_an_earlier_export_as_it_was(tmp_path: Path) -> None:
    source = dataset(tmp_path / "d.jsonl")
    out = tmp_path / "out"
    assert main(["export", str(source), "--format", "hf", "-o", str(out), "-q"]) == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    source.write_text(source.read_text() + "{broken\n")
    assert main(["export", str(source), "--format", "hf", "-o", str(out), "-q"]) == 2
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.jsonl", "out"]  # no staging left


def test_push_to_hub_without_a_token_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))  # no stored login either
    source = dataset(tmp_path / "d.jsonl")
    args = ["export", str(source), "--format", "hf", "-o", str(tmp_path / "o"), "-q"]
    assert main([*args, "--push-to-hub", "me/data"]) == 2
    assert "--push-to-hub: no Hugging Face token" in capsys.readouterr().err


def test_tidy_prints_a_mutant_as_a_hand_would() -> None:
    mutant = "def f(x):\n    '''Doc.'''\n    pass\n    return x\n"
    assert tidy(mutant) == 'def f(x):\n    """Doc."""\n    return x\n'
    assert tidy("def f(x):\n    if x:\n        pass\n") == "def f(x):\n    if x:\n        pass\n"


# --- the make run output, judged in real containers -----------------------------------


def make_run_state(folder: Path) -> Path:
    """A state store holding the recorded run's failed blind answers, as the fidelity
    stage writes them."""
    wrong = json.loads((MAKE_RUN / "blind_answers.json").read_text())
    pairs = {
        p.id: p for p in map(Pair.from_dict, map(json.loads, (MAKE_RUN / "dataset.jsonl").open()))
    }
    with StateStore(folder) as state:
        for pair_id, codes in wrong.items():
            unit = FidelityUnit(
                pair=pairs[pair_id], solved=0, samples=len(codes), stated=0, dropped=0,
                wrong=tuple(codes),
            )  # fmt: skip
            state.put("fidelity", f"key-{pair_id}", unit.to_dict())
    return folder


@pytest.mark.docker
def test_make_run_output_round_trips_through_the_hub_layout_and_reverifies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import datasets

    out = tmp_path / "hf"
    assert main(["export", str(MAKE_RUN / "dataset.jsonl"), "--format", "hf", "-o", str(out)]) == 0
    rows = datasets.load_dataset(str(out))["train"]
    back = tmp_path / "back.jsonl"
    back.write_text("".join(json.dumps(p.to_dict()) + "\n" for p in pairs_from_rows(rows)))
    original = (MAKE_RUN / "dataset.jsonl").read_text().splitlines()
    assert [json.loads(line) for line in back.read_text().splitlines()] == [
        json.loads(line) for line in original
    ]
    capsys.readouterr()
    assert main(["validate", str(back), "--reverify", "--no-cache"]) == 0
    summary = capsys.readouterr().err
    assert f"{len(original)} records: clean; re-verified {len(original)}" in summary


@pytest.mark.docker
def test_dpo_rows_are_judged_chosen_passes_and_every_rejected_fails(
    tmp_path: Path, sandbox_pool
) -> None:
    import pyarrow.parquet as pq

    from phicode.cases.judge import judge_cases

    state = make_run_state(tmp_path / "state")
    out = tmp_path / "dpo"
    args = ["export", str(MAKE_RUN / "dataset.jsonl"), "--format", "dpo", "-o", str(out)]
    assert main([*args, "--state", str(state), "-q"]) == 0
    rows = pq.read_table(out / "data" / "train-00000-of-00001.parquet").to_pylist()
    pairs = {
        p.id: p for p in map(Pair.from_dict, map(json.loads, (MAKE_RUN / "dataset.jsonl").open()))
    }
    origins = {row["rejected_origin"] for row in rows}
    assert origins == {"blind", "mutant"}
    blind_codes = {
        c
        for codes in json.loads((MAKE_RUN / "blind_answers.json").read_text()).values()
        for c in codes
    }
    for row in rows:
        pair = pairs[row["pair_id"]]
        chosen, rejected = (strip_fence(row[k]) for k in ("chosen", "rejected"))
        assert judge_cases(sandbox_pool, chosen, pair.entry_point, pair.cases).passed
        verdict = judge_cases(sandbox_pool, rejected, pair.entry_point, pair.cases)
        assert not verdict.passed
        if row["rejected_origin"] == "blind":
            assert rejected in blind_codes and chosen == pair.solution
        else:  # a plausible mutant, in the same hand as its chosen answer
            assert 0 < verdict.right < verdict.total
            assert chosen == tidy(pair.solution)
        index = row["failing_case"]["index"]
        if index >= 0:
            case = PairCase.from_dict(json.loads(row["failing_case"]["case"]))
            assert not judge_cases(sandbox_pool, rejected, pair.entry_point, (case,)).passed
        assert row["prompt"].count(pair.question) == 1
    assert len({row["pair_id"] for row in rows}) >= len(pairs) - 3


def strip_fence(text: str) -> str:
    assert text.startswith("```python\n") and text.endswith("\n```")
    return text[len("```python\n") : -len("```")]


@pytest.mark.docker
def test_rl_tasks_are_rewarded_by_phicode_scoring(
    tmp_path: Path, sandbox_pool, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyarrow.parquet as pq

    import phicode.scoring as scoring
    from phicode.cases.judge import judge_cases
    from phicode.mutate import mutants
    from phicode.scoring import Scorer, compute_score

    monkeypatch.setattr(scoring, "_shared", Scorer(pool=sandbox_pool))  # the session's pool

    out = tmp_path / "rl"
    assert (
        main(["export", str(MAKE_RUN / "dataset.jsonl"), "--format", "rl", "-o", str(out), "-q"])
        == 0
    )
    rows = pq.read_table(out / "data" / "train-00000-of-00001.parquet").to_pylist()
    assert len(rows) == len((MAKE_RUN / "dataset.jsonl").read_text().splitlines())
    for row in rows[:4]:
        assert row["prompt"][0]["role"] == "user" and row["reward_model"]["style"] == "rule"
        truth = row["reward_model"]["ground_truth"]
        pair = Pair.from_dict(json.loads(truth))
        assert row["pair"] == truth and pair.cases
        right = f"```python\n{pair.solution}```"
        assert compute_score(row["data_source"], right, truth, row["extra_info"]) == 1.0
        wrong = next(
            m.source
            for m in mutants(pair.solution, pair.entry_point)
            if not judge_cases(sandbox_pool, m.source, pair.entry_point, pair.cases).passed
        )
        assert compute_score(row["data_source"], wrong, truth, row["extra_info"]) == 0.0
