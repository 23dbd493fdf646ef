"""``phicode sandbox build`` is quiet when current; ``doctor`` proves each limit."""

from __future__ import annotations

import pytest

from phicode.cli import main
from phicode.sandbox.engine import Engine
from phicode.sandbox.image import HARNESS_LABEL, harness_hash

pytestmark = pytest.mark.docker


def test_build_is_quiet_when_the_image_is_current(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sandbox", "build", "-q"]) == 0
    capsys.readouterr()
    assert main(["sandbox", "build", "-q"]) == 0
    assert capsys.readouterr() == ("", "")
    assert Engine.connect().image_labels("phicode-sandbox:latest")[HARNESS_LABEL] == harness_hash()


def test_doctor_reports_every_check(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sandbox", "doctor"]) == 0
    lines = capsys.readouterr().out.splitlines()
    names = [line[5:].split(":")[0] for line in lines]
    assert names == [
        "engine reachable",
        "image present",
        "image current",
        "sandbox starts",
        "runs as a non-root user",
        "no network",
        "no DNS",
        "read-only root",
        "host environment hidden",
        "memory limit",
        "process limit",
        "timeout enforced",
    ]
    assert all(line.startswith("ok   ") for line in lines), lines


def test_doctor_without_an_engine(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/none.sock")
    assert main(["sandbox", "doctor"]) == 1
    assert capsys.readouterr().out.startswith("FAIL engine reachable: no Docker engine answers")
