"""One source of truth for every setting: a command run with no options builds exactly
the config dataclasses' defaults (the options read their defaults from them)."""

from __future__ import annotations

import os

import pytest

from phicode.cli import build_parser
from phicode.commands import mine as mine_command
from phicode.commands import run as run_command
from phicode.commands import validate as validate_command
from phicode.commands.options import model_config, sandbox_config
from phicode.generate.config import ModelConfig
from phicode.mine.config import MineConfig
from phicode.pipeline.config import PipelineConfig
from phicode.sandbox.config import PROBE_SANDBOX, SandboxConfig


@pytest.fixture(autouse=True)
def no_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)


@pytest.mark.parametrize("command", ["run", "synth"])
def test_model_options_default_to_the_model_config(command: str, tmp_path) -> None:
    argv = [command, "in", "-o", str(tmp_path / "out.jsonl")]
    args = build_parser().parse_args(argv)
    assert model_config(args) == ModelConfig()


@pytest.mark.parametrize("command", ["run", "synth", "verify"])
def test_sandbox_options_default_to_the_sandbox_config(command: str, tmp_path) -> None:
    args = build_parser().parse_args([command, "in", "-o", str(tmp_path / "out.jsonl")])
    assert sandbox_config(args) == SandboxConfig()


def test_validate_sandbox_options_default_to_the_sandbox_config() -> None:
    args = build_parser().parse_args(["validate", "data.jsonl"])
    assert validate_command.options_from(args).sandbox == SandboxConfig()


def test_doctor_probes_with_its_own_small_sandbox() -> None:
    args = build_parser().parse_args(["sandbox", "doctor"])
    assert sandbox_config(args) == PROBE_SANDBOX
    assert PROBE_SANDBOX.workers == 1 and SandboxConfig() != PROBE_SANDBOX


def test_verify_uses_no_model_unless_asked(tmp_path) -> None:
    args = build_parser().parse_args(["verify", "in", "-o", str(tmp_path / "out.jsonl")])
    assert model_config(args) is None
    with pytest.raises(SystemExit):  # the template backend cannot repair tests
        build_parser().parse_args(["verify", "in", "-o", os.devnull, "--backend", "template"])


def test_mine_options_default_to_the_mine_config(tmp_path) -> None:
    args = build_parser().parse_args(["mine", "in", "-o", str(tmp_path / "out.jsonl")])
    assert mine_command.config_from(args) == MineConfig()  # --workers included: one per CPU


def test_run_options_default_to_the_pipeline_config(tmp_path) -> None:
    args = build_parser().parse_args(["run", "in", "-o", str(tmp_path / "out.jsonl")])
    # A command shows progress unless -q; a library call stays silent unless asked.
    expected = PipelineConfig(paths=("in",), output=tmp_path / "out.jsonl", show_progress=True)
    assert run_command.config_from(args) == expected
    assert expected.mine == MineConfig() and expected.model == ModelConfig()


def test_a_changed_default_reaches_the_command_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """The options really read the dataclass (not a copy of its value)."""
    monkeypatch.setattr(ModelConfig, "__dataclass_fields__", dict(ModelConfig.__dataclass_fields__))
    field = replace_default(ModelConfig.__dataclass_fields__["batch_size"], 3)
    monkeypatch.setitem(ModelConfig.__dataclass_fields__, "batch_size", field)
    args = build_parser().parse_args(["synth", "in", "-o", os.devnull])
    assert args.batch_size == 3


def replace_default(field, value):
    import copy

    changed = copy.copy(field)
    changed.default = value
    return changed


@pytest.mark.parametrize(
    ("backend", "expected"), [("hf", 5), ("openvino", 5), ("openai", 7), ("template", 16)]
)
def test_synth_and_run_batch_snippets_alike(backend: str, expected: int) -> None:
    """One rule for both commands (it used to be two)."""
    for command in ("synth", "run"):
        args = build_parser().parse_args(
            [command, "in", "-o", os.devnull, "--backend", backend,
             "--batch-size", "5", "--concurrency", "7"]
        )  # fmt: skip
        assert model_config(args).snippets_per_batch == expected


@pytest.mark.parametrize(
    ("backend", "settle", "bounds", "round_size"),
    [
        ("openvino", True, (0.0, 1.0), 2),
        ("hf", True, (0.0, 1.0), 2),
        ("openai", True, (0.0, 1.0), 4),  # a server batches every answer at once
        ("openvino", False, (0.0, 1.0), 4),  # --no-settle
        ("openvino", True, (0.25, 1.0), 4),  # bounds need every answer's verdict
        ("hf", True, (0.0, 0.75), 4),
    ],
)
def test_blind_answers_stop_once_settled_only_where_it_is_free(
    tmp_path, backend: str, settle: bool, bounds: tuple[float, float], round_size: int
) -> None:
    argv = ["run", "in", "-o", str(tmp_path / "out.jsonl"), "--backend", backend]
    argv += ["--min-solve-rate", str(bounds[0]), "--max-solve-rate", str(bounds[1])]
    argv += [] if settle else ["--no-settle"]
    config = run_command.config_from(build_parser().parse_args(argv))
    assert (config.samples, config.solve_round_size) == (4, round_size)


@pytest.mark.parametrize(("backend", "expected"), [("hf", 8), ("openvino", 16)])
def test_each_in_process_engine_has_its_own_default_batch(backend: str, expected: int) -> None:
    args = build_parser().parse_args(["run", "in", "-o", os.devnull, "--backend", backend])
    assert model_config(args).snippets_per_batch == expected
