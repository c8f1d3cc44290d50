"""Faults: builds killed at random points, concurrent builds, disk full and permission errors."""

from __future__ import annotations

import errno
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from conftest import ROOT, SEEDS
from kg.build import BuildLocked, build, current_generation, locked
from kg.cli import app

FILES = ("graph.ttl", "graph.nq", "graph.graphml", "graph.gexf")
EXTRA = "滨江区总工会开展“送清凉”活动\n\n本报讯 近日,杭州市滨江区总工会开展“送清凉”活动,为一线快递员送去防暑物资。\n"
SMALL = "某市总工会启动“送清凉”活动\n\n本报讯 近日,某市总工会启动“送清凉”活动,为一线职工送去防暑物资。\n"


def _state(out: Path) -> tuple:
    """Everything a reader sees in ``out``: the output files' bytes and the store's graphs and size."""
    store = ox.Store.read_only(str(out / "store"))
    graphs = sorted(g.value for g in store.named_graphs())
    return tuple((out / name).read_bytes() for name in FILES) + (graphs, len(store))


def _workers_left(out: Path) -> list[int]:
    """Processes still running with ``out`` on their command line (a killed build's workers)."""
    left = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit() and int(proc.name) != os.getpid():
            try:
                cmdline = (proc / "cmdline").read_bytes().split(b"\0")
                status = (proc / "stat").read_text().split(") ", 1)[1][0]
            except OSError:
                continue
            if str(out).encode() in cmdline and status != "Z":
                left.append(int(proc.name))
    return left


def _kg_build(src: Path, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kg", "build", str(src), "-o", str(out), "-q", *extra],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _new_generation(out: Path, current: Path | None) -> Path | None:
    folder = out / ".generations"
    others = [p for p in folder.iterdir() if p.resolve() != current] if folder.is_dir() else []
    return others[0] if others else None


#: When to kill: after a random delay (start-up), or as soon as the build reaches a point.
KILL_POINTS = {
    "start-up": lambda out, current: False,
    "extracting": lambda out, current: (g := _new_generation(out, current)) is not None and (g / "store").exists(),
    "exporting": lambda out, current: (g := _new_generation(out, current)) is not None and (g / "graph.nq").exists(),
    "published": lambda out, current: current_generation(out) not in (None, current),
}


def _consistent(out: Path) -> bool:
    """Whether everything ``out`` shows comes from one generation: the links point into ``current``, and
    the named graphs of graph.nq, of the store and of the manifest (plus entities, ontology) agree."""
    import json

    generation = current_generation(out)
    if generation is None or any((out / name).resolve() != generation / name for name in FILES + ("store",)):
        return False
    in_nq = {line.rsplit(" ", 2)[-2][1:-1] for line in (out / "graph.nq").read_text(encoding="utf-8").splitlines()}
    in_store = {g.value for g in ox.Store.read_only(str(out / "store")).named_graphs()}
    lines = (generation / "manifest.jsonl").read_text(encoding="utf-8").splitlines()[1:]
    in_manifest = {g for line in lines for g in json.loads(line)["graphs"]}
    return in_nq == in_store and in_nq - in_manifest == {"https://w3id.org/union-kg/id/graph/entities",
                                                          "https://w3id.org/union-kg/ontology"}


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc")
def test_a_build_killed_at_any_point_leaves_the_previous_outputs_intact(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    shutil.copy(sorted(SEEDS.glob("*.txt"))[0], src)
    build([src], out=out)
    rng = random.Random(6)
    for k, (point, reached) in enumerate(KILL_POINTS.items()):
        # Every killed build adds or removes a page, so its outputs differ from the published ones.
        adding = not (src / "extra.txt").exists()
        if adding:
            (src / "extra.txt").write_text(EXTRA, encoding="utf-8")
        else:
            (src / "extra.txt").unlink()
        before, current = _state(out), current_generation(out)
        run = _kg_build(src, out, "--jobs", str(1 + k % 2), *(("--full",) if k % 2 else ()))
        deadline = time.monotonic() + (rng.uniform(0.2, 1.0) if point == "start-up" else 120)
        while run.poll() is None and time.monotonic() < deadline and not reached(out, current):
            time.sleep(0.002)
        run.send_signal(signal.SIGKILL)
        code = run.wait(timeout=60)
        state = _state(out)
        assert _consistent(out), f"killed at {point} (exit {code}): outputs of different builds mixed"
        if state != before:  # the build had been published: it is whole, and it is the new input's
            assert current_generation(out) != current
            assert ("滨江区总工会" in (out / "graph.ttl").read_text(encoding="utf-8")) == adding
        deadline = time.monotonic() + 5
        while _workers_left(out) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _workers_left(out), f"killed at {point}: worker processes left behind"

    run = _kg_build(src, out)
    assert run.wait(timeout=300) == 0, run.stderr.read().decode()
    assert _consistent(out)
    assert ("滨江区总工会" in (out / "graph.ttl").read_text(encoding="utf-8")) == (src / "extra.txt").exists()
    assert len(list((out / ".generations").iterdir())) <= 2  # the killed builds' debris is gone


@pytest.fixture
def small(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text(SMALL, encoding="utf-8")
    return src


def test_a_second_build_into_the_same_out_fails_with_one_line_or_waits(small: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with locked(out):
        with pytest.raises(BuildLocked, match=rf"another build \(pid {os.getpid()}\) is writing here"):
            build([small], out=out)
        result = CliRunner().invoke(app, ["build", str(small), "-o", str(out), "-q"])
        assert result.exit_code == 1
        assert result.output.strip().splitlines() == [
            f"error: {out}: another build (pid {os.getpid()}) is writing here; wait for it to finish, or use --wait"]
        assert current_generation(out) is None

    release = threading.Event()

    def hold() -> None:
        with locked(out):
            release.set()
            time.sleep(0.5)

    holder = threading.Thread(target=hold)
    holder.start()
    release.wait()
    started = time.monotonic()
    summary = build([small], out=out, wait=True)
    holder.join()
    assert time.monotonic() - started >= 0.4 and summary.articles == 1
    assert current_generation(out) is not None


def test_disk_full_gives_one_line_and_keeps_the_previous_outputs(small: Path, tmp_path: Path, monkeypatch) -> None:
    import kg.build

    out = tmp_path / "out"
    build([small], out=out)
    before = _state(out)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(kg.build, "write_sorted", full)
    (small / "b.txt").write_text(EXTRA, encoding="utf-8")
    result = CliRunner().invoke(app, ["build", str(small), "-o", str(out), "-q"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [f"error: {out}: No space left on device"]
    assert _state(out) == before
    assert [p.resolve() for p in (out / ".generations").iterdir()] == [current_generation(out)]  # no debris


def test_a_real_write_failure_gives_one_line_and_keeps_the_previous_outputs(small: Path, tmp_path: Path) -> None:
    """A file-size limit makes the store's writes fail (EFBIG), as a full disk does (ENOSPC)."""
    import resource

    out = tmp_path / "out"
    build([small], out=out)
    before = _state(out)
    (small / "b.txt").write_text(EXTRA, encoding="utf-8")

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (60_000, 60_000))

    run = subprocess.run([sys.executable, "-m", "kg", "build", str(small), "-o", str(out), "-q", "--jobs", "1"],
                         cwd=ROOT, preexec_fn=limit, capture_output=True, text=True, timeout=300)
    assert run.returncode == 1
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {out}") and "File too large" in lines[0], run.stderr
    assert _state(out) == before
    assert [p.resolve() for p in (out / ".generations").iterdir()] == [current_generation(out)]


@pytest.mark.parametrize("where", ["file", "readonly"])
def test_an_unwritable_out_gives_one_line(small: Path, tmp_path: Path, monkeypatch, where: str) -> None:
    if where == "file":  # a path under a regular file cannot be created, even by root
        (tmp_path / "file").write_text("x", encoding="utf-8")
        out = tmp_path / "file" / "out"
        expected = f"error: {out}: Not a directory"
    else:  # a read-only out folder, simulated: tests run as root, who may write anywhere
        out = tmp_path / "out"
        real = os.open

        def read_only(path, flags, *args, **kwargs):
            if str(path).startswith(str(out)) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
            return real(path, flags, *args, **kwargs)

        out.mkdir()
        monkeypatch.setattr(os, "open", read_only)
        expected = f"error: {out / '.lock'}: Permission denied"
    result = CliRunner().invoke(app, ["build", str(small), "-o", str(out), "-q"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [expected]
