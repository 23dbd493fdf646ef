"""``phicode run --executor ray`` on a real three-node Ray cluster on this machine.

The cluster is ``ray.cluster_utils.Cluster``: a head and two more nodes, each a
raylet with its own worker processes, all on this machine's Docker engine. The
runs use the template backend, so the dataset is deterministic and must equal
the local executor's byte for byte (measured durations aside).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from phicode.cli import main
from phicode.pipeline import PipelineConfig, run_pipeline
from phicode.sandbox.engine import Engine
from tests.ci import skip_unless_ci
from tests.test_pipeline import MIT, NUMBERS_MODULE, TEXT_MODULE, _units

try:
    import ray
    from ray.cluster_utils import Cluster
except ImportError:
    skip_unless_ci("the ray extra is not installed (pip install 'phicode[ray]')", module=True)

pytestmark = [pytest.mark.docker, pytest.mark.ray]


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    """A head and two worker nodes of one CPU each (this machine has two cores)."""
    made = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "include_dashboard": False})
    try:
        for _ in range(2):
            made.add_node(num_cpus=1)
        made.wait_for_nodes()
        yield made
    finally:
        made.shutdown()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ray") / "corpus"
    (root / "textkit").mkdir(parents=True)
    (root / "LICENSE").write_text(MIT)
    (root / "textkit" / "text.py").write_text(TEXT_MODULE)
    (root / "textkit" / "numbers.py").write_text(NUMBERS_MODULE)
    return root


def args(corpus: Path, out: Path, *extra: str) -> list[str]:
    return [
        "run", str(corpus), "-o", str(out / "dataset.jsonl"), "--rejected", str(out / "rejected.jsonl"),
        "--state", str(out / "state"), "--backend", "template", "--no-report", "-q", *extra,
    ]  # fmt: skip


def differences(got: Path, want: Path) -> list[str]:
    """Each field where two datasets differ (``index.field: got != want``), none if equal."""
    a, b = content(got), content(want)
    if len(a) != len(b):
        return [f"{len(a)} records != {len(b)}"]
    found = []
    for index, (x, y) in enumerate(zip(a, b, strict=True)):
        for key in sorted(x.keys() | y.keys()):
            if x.get(key) != y.get(key):
                found.append(f"{index}.{key}: {x.get(key)!r} != {y.get(key)!r}")
    return found


def content(path: Path) -> list[dict]:
    """The records with the one measured field, the duration, set aside."""
    records = [json.loads(line) for line in path.read_text().splitlines()]
    for record in records:
        record.get("verification", {}).pop("duration_s", None)
    return records


@pytest.fixture(scope="module")
def local_dataset(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("local")
    assert main(args(corpus, out)) == 0
    return out


def sandboxes() -> set[str]:
    return {c["id"] for c in Engine.connect().list_sandboxes()}


def none_left(before: set[str], wait_s: float = 30.0) -> set[str]:
    """Sandbox containers started since ``before`` that are still there after a wait
    (a lost node's containers exit when their owner process is gone)."""
    deadline = time.monotonic() + wait_s
    while (left := sandboxes() - before) and time.monotonic() < deadline:
        time.sleep(0.5)
    return left


def test_the_cluster_gives_the_local_dataset_and_spreads_the_work(
    cluster: Cluster, corpus: Path, local_dataset: Path, tmp_path: Path
) -> None:
    before = sandboxes()
    config = PipelineConfig(
        paths=(str(corpus),),
        output=tmp_path / "dataset.jsonl",
        rejected=tmp_path / "rejected.jsonl",
        state_dir=tmp_path / "state",
        report=tmp_path / "report.html",
        executor="ray",
        ray_address=cluster.address,
        **_template(),
    )
    funnel = run_pipeline(config)
    assert differences(tmp_path / "dataset.jsonl", local_dataset / "dataset.jsonl") == []
    assert differences(tmp_path / "rejected.jsonl", local_dataset / "rejected.jsonl") == []
    assert len(funnel.units_by_node) >= 2, funnel.units_by_node  # pools on several nodes
    assert any(row[0].startswith("units on node") for row in funnel.rows())
    page = (tmp_path / "report.html").read_text()
    assert "units on node" in page and f"ray at {cluster.address}" in page
    assert not ray.is_initialized()  # the run left the cluster it joined
    assert none_left(before) == set()


def _template() -> dict:
    from phicode.generate.config import BackendKind, ModelConfig

    return {"model": ModelConfig(backend=BackendKind.TEMPLATE)}


def test_a_node_lost_mid_run_and_the_dataset_is_the_same(
    cluster: Cluster, corpus: Path, local_dataset: Path, tmp_path: Path
) -> None:
    victim = cluster.add_node(num_cpus=1)
    cluster.wait_for_nodes()
    before = sandboxes()
    state = tmp_path / "state"
    removed = threading.Event()

    def remove_once_work_is_stored() -> None:
        deadline = time.monotonic() + 300
        while _units(state) == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        cluster.remove_node(victim, allow_graceful=False)
        removed.set()
        cluster.wait_for_nodes()  # the cluster's own view: the node is gone for the next test

    remover = threading.Thread(target=remove_once_work_is_stored, daemon=True)
    remover.start()
    code = main([*args(corpus, tmp_path, "--executor", "ray", "--ray-address", cluster.address)])
    remover.join(timeout=60)
    assert removed.is_set()
    assert code == 0
    assert differences(tmp_path / "dataset.jsonl", local_dataset / "dataset.jsonl") == []
    assert none_left(before) == set()


@pytest.mark.parametrize("docker", [True, False], ids=["with-docker", "without-docker"])
def test_a_node_that_joins_mid_run_gets_work_or_is_left_out(
    cluster: Cluster, corpus: Path, local_dataset: Path, tmp_path: Path, docker: bool
) -> None:
    """A fourth node added once the actors work: it computes units; without a Docker
    engine it is named in a warning and left out, and the run goes on."""
    state = tmp_path / "state"
    run = [a for a in args(corpus, tmp_path, "--executor", "ray") if a != "-q"]  # the funnel
    command = [sys.executable, "-m", "phicode.cli", *run, "--ray-address", cluster.address]
    log = tmp_path / "stderr.log"
    with log.open("w") as stderr_file:
        process = subprocess.Popen(
            command, stderr=stderr_file, env={**os.environ, "PHICODE_NEW_NODE_LOOK_S": "0.2"}
        )
    deadline = time.monotonic() + 300
    while _units(state) == 0 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert process.poll() is None, f"the run ended before a node could join:\n{log.read_text()}"
    env = {} if docker else {"DOCKER_HOST": f"unix://{tmp_path}/no-docker.sock"}
    with _environment(env):  # what the new node's processes inherit
        newcomer = cluster.add_node(num_cpus=1)
    try:
        process.wait(timeout=600)
    finally:
        cluster.remove_node(newcomer)
        cluster.wait_for_nodes()
    text = log.read_text()
    assert process.returncode == 0, text
    label = newcomer.node_id[:8]
    worked = re.search(rf"units on node \S*{label}", text)
    warned = [line for line in text.splitlines() if "left out" in line]
    if docker:
        assert worked and not warned, text
    else:
        assert not worked and len(warned) == 1 and label in warned[0], text
    assert differences(tmp_path / "dataset.jsonl", local_dataset / "dataset.jsonl") == []


@contextlib.contextmanager
def _environment(changes: dict[str, str]) -> Iterator[None]:
    """``os.environ`` with ``changes`` (what a node started meanwhile inherits)."""
    saved = {name: os.environ.get(name) for name in changes}
    os.environ.update(changes)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def test_the_driver_killed_and_the_rerun_gives_the_same_dataset(
    cluster: Cluster, corpus: Path, local_dataset: Path, tmp_path: Path
) -> None:
    before = sandboxes()
    command = [
        sys.executable, "-m", "phicode.cli",
        *args(corpus, tmp_path, "--executor", "ray", "--ray-address", cluster.address),
    ]  # fmt: skip
    log = tmp_path / "stderr.log"
    with log.open("w") as stderr_file:
        process = subprocess.Popen(command, stderr=stderr_file)
    deadline = time.monotonic() + 300
    while _units(tmp_path / "state") == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert process.poll() is None, f"the run ended before it could be killed:\n{log.read_text()}"
    process.send_signal(signal.SIGKILL)
    process.wait()
    stored = _units(tmp_path / "state")
    assert stored >= 1
    assert main(args(corpus, tmp_path, "--executor", "ray", "--ray-address", cluster.address)) == 0
    assert differences(tmp_path / "dataset.jsonl", local_dataset / "dataset.jsonl") == []
    assert none_left(before, wait_s=60) == set()


def test_an_unreachable_address_is_one_line_and_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], corpus: Path
) -> None:
    started = time.monotonic()
    code = main(args(corpus, tmp_path, "--executor", "ray", "--ray-address", "127.0.0.1:9"))
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [err[0]] and "127.0.0.1:9" in err[0] and "no Ray cluster answers" in err[0]
    assert time.monotonic() - started < 30
    assert not (tmp_path / "dataset.jsonl").exists()


def test_a_node_without_docker_is_named_and_the_run_ends(
    cluster: Cluster, corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A node whose processes find no Docker engine (DOCKER_HOST points nowhere)."""
    saved = os.environ.get("DOCKER_HOST")
    os.environ["DOCKER_HOST"] = f"unix://{tmp_path}/no-docker.sock"
    try:
        broken = cluster.add_node(num_cpus=1)
    finally:
        if saved is None:
            del os.environ["DOCKER_HOST"]
        else:
            os.environ["DOCKER_HOST"] = saved
    try:
        cluster.wait_for_nodes()
        code = main(args(corpus, tmp_path, "--executor", "ray", "--ray-address", cluster.address))
        err = capsys.readouterr().err.strip().splitlines()
        assert code == 2
        assert len(err) == 1 and "cannot run a sandbox pool" in err[0], err
        assert broken.unique_id[:8] in err[0] or "node" in err[0]
    finally:
        cluster.remove_node(broken)
        cluster.wait_for_nodes()
    assert not ray.is_initialized()


def test_a_state_folder_that_cannot_be_written_is_status_2(
    cluster: Cluster, corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the state folder should be")
    argv = args(corpus, tmp_path, "--executor", "ray", "--ray-address", cluster.address)
    argv[argv.index("--state") + 1] = str(blocker / "state")
    code = main(argv)
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and str(blocker) in err[0], err
    assert not ray.is_initialized()


def test_several_openai_servers_are_spread_over_the_nodes(
    cluster: Cluster, corpus: Path, tmp_path: Path
) -> None:
    """Two real OpenAI-compatible HTTP servers; one snippet per request batch, so the
    synth units go to all three actors, which take the servers in turn."""
    from tests.fake_openai import FakeServer
    from tests.test_fidelity_pipeline import answer

    with FakeServer(answer) as first, FakeServer(answer) as second:
        argv = args(corpus, tmp_path, "--executor", "ray", "--ray-address", cluster.address)
        argv[argv.index("template")] = "openai"
        argv += ["--base-url", f"{first.url},{second.url}", "--model", "fake-model"]
        assert main([*argv, "--concurrency", "1", "--solve-samples", "1"]) == 0
    assert first.requests and second.requests


def test_several_servers_without_ray_is_a_clear_error(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = args(corpus, tmp_path)
    argv[argv.index("template")] = "openai"
    argv += ["--base-url", "http://127.0.0.1:1/v1,http://127.0.0.1:2/v1"]
    assert main(argv) == 2
    assert "several servers need --executor ray" in capsys.readouterr().err


def test_a_file_a_node_cannot_see_stops_the_run_naming_it(cluster: Cluster, tmp_path: Path) -> None:
    """The corpus must be at the same path on every node; a file a node cannot see
    is an error naming it, never a file mined as unreadable (a different dataset)."""
    from phicode.errors import InputError
    from phicode.mine import MineConfig
    from phicode.mine.repo import Repo
    from phicode.mine.walk import FileTask
    from phicode.pipeline.cluster import file_outcomes_on_cluster

    missing = FileTask(path=str(tmp_path / "gone.py"), rel="gone.py", repo=Repo("r", str(tmp_path)))
    ray.init(address=cluster.address, log_to_driver=False)
    try:
        with pytest.raises(InputError, match=r"gone\.py: not found on node .*same path"):
            list(file_outcomes_on_cluster([missing], MineConfig()))
    finally:
        ray.shutdown()
