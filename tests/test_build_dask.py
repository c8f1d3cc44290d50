"""kg build on a Dask cluster (issue 15): a LocalCluster of two worker processes gives the same bytes as
a local build, also when a worker is killed in the middle of the build (its tasks run again)."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import SEEDS
from kg.build.run import build
from kg.cli import app

distributed = pytest.importorskip("distributed", reason="Dask is not installed (pip install 'union-kg[dask]')")
runner = CliRunner()
OUTPUTS = ("graph.nq", "graph.ttl", "graph.graphml", "graph.gexf")


def assert_same_outputs(one: Path, other: Path) -> None:
    for name in OUTPUTS:
        assert (one / name).read_bytes() == (other / name).read_bytes(), name


def test_a_local_cluster_of_two_workers_builds_the_same_bytes(seeds_build, tmp_path: Path) -> None:
    _, local = seeds_build
    result = runner.invoke(app, ["build", str(SEEDS), "-o", str(tmp_path / "out"), "--cluster", "local:2", "-q"])
    assert result.exit_code == 0, result.output
    assert_same_outputs(local, tmp_path / "out")


def test_a_worker_killed_mid_build_has_its_tasks_rerun_and_the_outputs_are_the_same(seeds_build, tmp_path: Path,
                                                                                      monkeypatch) -> None:
    import kg.build.pool
    import kg.build.run

    _, local = seeds_build
    monkeypatch.setattr(kg.build.pool, "BATCH_CHARS", 2_000)  # many small tasks, so that some are running when one dies
    monkeypatch.setattr(kg.build.run, "BATCH_CHARS", 2_000)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        pids = client.run(os.getpid)
        killed: list[int] = []
        lock = threading.Lock()

        def on_file(name: str, done: int, total: int) -> None:
            with lock:
                if not killed:  # after the first file: the others are queued or running on both workers
                    victim = sorted(pids.values())[0]
                    os.kill(victim, signal.SIGKILL)
                    killed.append(victim)

        summary = build([SEEDS], out=tmp_path / "out", scheduler=cluster.scheduler_address, on_file=on_file)
        assert killed and summary.articles == 44
        with pytest.raises(ProcessLookupError):
            os.kill(killed[0], 0)
        assert killed[0] not in client.run(os.getpid).values()  # the nanny started another worker in its place
    assert_same_outputs(local, tmp_path / "out")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--cluster", "local:0"], "--cluster 'local:0': give local:N"),
        (["--cluster", "somewhere"], "--cluster 'somewhere': give local:N"),
        (["--scheduler", "nowhere"], "--scheduler 'nowhere': give tcp://HOST:PORT"),
        (["--scheduler", "tcp://127.0.0.1:1"], "--scheduler tcp://127.0.0.1:1: cannot reach it"),
        (["--scheduler", "tcp://127.0.0.1:1", "--cluster", "local:2"], "give --scheduler or --cluster, not both"),
    ],
)
def test_a_bad_cluster_is_one_line_and_nothing_is_published(args: list[str], message: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", str(SEEDS), "-o", str(tmp_path / "out"), "-q", *args])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], result.output
    assert not (tmp_path / "out" / "graph.nq").exists()
