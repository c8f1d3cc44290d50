"""Faults: builds killed at random points, concurrent builds, disk full and permission errors; inputs, outputs
and arguments that collided, destroyed, hung or blew up (issue 17)."""

from __future__ import annotations

import errno
import gzip
import json
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
from test_fuzz import bounded
from kg.build import BuildLocked
from kg.build.run import build
from kg.build.generations import current_generation, locked
from kg.build.version import pipeline_version
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
    import kg.build.generations

    out = tmp_path / "out"
    build([small], out=out)
    before = _state(out)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(kg.build.generations, "write_sorted", full)
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


# --------------------------------------------------------------------------- issue 17: the data half
#
# Inputs that made articles merge, builds that destroyed what was in OUT, inputs that hung or blew up a
# build, and arguments that gave tracebacks.  Each answer is one line naming the file and the reason,
# the rest of the work going on; what is not kg's is never touched.

ARTICLE = "{union}启动“{name}”活动\n\n本报讯 近日,{union}启动“{name}”活动,为一线职工送去{gift}。\n"


def _page(union: str, name: str = "送清凉", gift: str = "防暑物资") -> str:
    return ARTICLE.format(union=union, name=name, gift=gift)


def _articles(out: Path) -> dict[str, list[str]]:
    """Article IRI → its source files (a merged article has several)."""
    store = ox.Store.read_only(str(out / "store"))
    rows = store.query("SELECT ?a ?f WHERE { GRAPH ?g { ?a a <https://w3id.org/union-kg/ontology#Article> ; "
                       "<https://w3id.org/union-kg/ontology#sourceFile> ?f } }")
    found: dict[str, list[str]] = {}
    for row in rows:
        found.setdefault(row["a"].value, []).append(row["f"].value)
    return found


def _one_error(result, *expected: str) -> str:
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 1 and len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert all(text in lines[0] for text in expected), lines[0]
    return lines[0]


def test_files_of_one_name_in_two_folders_are_two_articles(tmp_path: Path) -> None:
    """Finding 5: x.txt in two folders were one ukg:Article with two headlines."""
    src = tmp_path / "src"
    for folder, union in (("a", "青禾县总工会"), ("b", "白沙县总工会")):
        (src / folder).mkdir(parents=True)
        (src / folder / "x.txt").write_text(_page(union), encoding="utf-8")
    build([src], out=tmp_path / "out")
    assert sorted(f for files in _articles(tmp_path / "out").values() for f in files) == ["a/x.txt", "b/x.txt"]
    assert all(len(files) == 1 for files in _articles(tmp_path / "out").values())
    # The two folders given apart: each file is named by its path from the folder they share.
    build([src / "a", src / "b"], out=tmp_path / "apart")
    assert sorted(f for files in _articles(tmp_path / "apart").values() for f in files) == ["a/x.txt", "b/x.txt"]


def test_an_incremental_build_with_clashing_names_equals_a_full_one(tmp_path: Path) -> None:
    """Finding 5: a second x.txt renames the first (a/x.txt): incremental and full builds stay identical."""
    src = tmp_path / "src"
    (src / "a").mkdir(parents=True)
    (src / "a" / "x.txt").write_text(_page("青禾县总工会"), encoding="utf-8")
    build([src / "a"], out=tmp_path / "out")
    (src / "b").mkdir()
    (src / "b" / "x.txt").write_text(_page("白沙县总工会"), encoding="utf-8")
    build([src / "a", src / "b"], out=tmp_path / "out")
    build([src / "a", src / "b"], out=tmp_path / "full", incremental=False)
    for name in FILES:
        assert (tmp_path / "out" / name).read_bytes() == (tmp_path / "full" / name).read_bytes(), name


def test_a_jsonl_id_cannot_claim_another_files_article_and_a_duplicate_id_is_a_problem_line(tmp_path: Path) -> None:
    """Finding 5: "id": "good.txt#0" made a record's facts pose as good.txt's; a re-crawled id merged records."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "good.txt").write_text(_page("青禾县总工会"), encoding="utf-8")
    records = [{"id": "good.txt#0", "title": "白沙县总工会启动“金秋助学”活动", "text": "本报讯 近日,白沙县总工会启动“金秋助学”活动。"},
               {"id": "r-1", "text": "本报讯 近日,白沙县总工会为环卫工人送去慰问品。"},
               {"id": "r-1", "text": "本报讯 近日,白沙县总工会为环卫工人送去慰问品和慰问金。"}]
    (src / "crawl.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    summary = build([src], out=tmp_path / "out")
    assert [(p.line, p.reason) for p in summary.problems] == [(3, "line 3: duplicate id 'r-1' (first on line 2; line skipped)")]
    articles = _articles(tmp_path / "out")
    assert sorted(f for files in articles.values() for f in files) == ["crawl.jsonl", "crawl.jsonl", "good.txt"]
    assert all(len(files) == 1 for files in articles.values())
    store = ox.Store.read_only(str(tmp_path / "out" / "store"))
    good = next(iri for iri, files in articles.items() if files == ["good.txt"])
    assert not list(store.quads_for_pattern(None, None, ox.Literal("白沙县总工会", language="zh"), ox.NamedNode(good)))


def test_a_file_name_that_is_not_utf8_is_built_with_the_others(tmp_path: Path) -> None:
    """Finding 7: one such name aborted the build with a UnicodeEncodeError traceback, nothing published."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "good.txt").write_text(_page("青禾县总工会"), encoding="utf-8")
    (src / os.fsdecode(b"\xb9\xa4\xbb\xe1.txt")).write_text(_page("白沙县总工会"), encoding="utf-8")  # 工会 in GBK
    result = CliRunner().invoke(app, ["build", str(src), "-o", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 0, result.stderr
    assert sorted(f for files in _articles(tmp_path / "out").values() for f in files) == ["\\xb9\\xa4\\xbb\\xe1.txt", "good.txt"]


def test_build_writes_only_into_a_folder_it_owns(small: Path, tmp_path: Path) -> None:
    """Finding 6: a user's OUT/store/ was moved away and deleted, OUT/graph.* replaced by links, exit 0."""
    theirs = tmp_path / "theirs"
    (theirs / "store").mkdir(parents=True)
    (theirs / "store" / "notes.txt").write_text("mine", encoding="utf-8")
    (theirs / "graph.ttl").write_text("mine", encoding="utf-8")
    before = sorted((p.relative_to(theirs), p.read_bytes() if p.is_file() else None) for p in theirs.rglob("*"))
    line = _one_error(CliRunner().invoke(app, ["build", str(small), "-o", str(theirs), "-q"]), str(theirs), "not a kg output folder")
    assert "build into a new or empty folder" in line
    assert sorted((p.relative_to(theirs), p.read_bytes() if p.is_file() else None) for p in theirs.rglob("*")) == before
    (tmp_path / "file").write_text("mine", encoding="utf-8")
    _one_error(CliRunner().invoke(app, ["build", str(small), "-o", str(tmp_path / "file"), "-q"]), "not a folder")
    # A folder kg wrote: a file of the user's put in place of one of its links is not replaced either.
    out = tmp_path / "out"
    build([small], out=out)
    (out / "graph.ttl").unlink()
    (out / "graph.ttl").write_text("mine", encoding="utf-8")
    _one_error(CliRunner().invoke(app, ["build", str(small), "-o", str(out), "-q"]), f"{out / 'graph.ttl'}: not written by kg")
    assert (out / "graph.ttl").read_text(encoding="utf-8") == "mine"


def test_an_empty_or_missing_source_set_never_replaces_the_published_graph(small: Path, tmp_path: Path) -> None:
    """Finding 6: an empty (unmounted) source folder published an empty graph with exit 0."""
    out, empty = tmp_path / "out", tmp_path / "mnt"
    build([small], out=out)
    before = _state(out)
    empty.mkdir()
    _one_error(CliRunner().invoke(app, ["build", str(empty), "-o", str(out), "-q"]), str(empty), "no .txt", "--allow-empty")
    assert _state(out) == before
    result = CliRunner().invoke(app, ["build", str(tmp_path / "gone"), "-o", str(out), "-q"])
    assert result.exit_code == 1 and result.stderr.splitlines() == [
        f"error: {tmp_path / 'gone'}: no such file or directory",
        "1 input(s) failed; nothing was built (the published graph, if any, is unchanged)."]
    assert _state(out) == before
    result = CliRunner().invoke(app, ["build", str(empty), "-o", str(out), "-q", "--allow-empty"])
    assert result.exit_code == 0, result.stderr
    assert not _articles(out) and _state(out) != before


def test_a_damaged_previous_build_is_built_again_in_full_with_a_warning(small: Path, tmp_path: Path) -> None:
    """Finding 9: missing .sst files made every incremental build die with a RocksDB traceback."""
    out = tmp_path / "out"
    build([small], out=out)
    for sst in (out / "store").glob("*.sst"):
        sst.unlink()
    (small / "b.txt").write_text(EXTRA, encoding="utf-8")
    (tmp_path / "gold").mkdir()
    (tmp_path / "gold" / "a.json").write_text('{"file": "a.txt", "articles": []}', encoding="utf-8")
    for command in (["explain", "某市总工会", "--store", str(out / "store")], ["export", "--store", str(out / "store")],
                    ["eval", str(tmp_path / "gold"), "--graph", str(out / "store")]):
        _one_error(CliRunner().invoke(app, command), str(out / "store"), "damaged", "kg build --full")
    result = CliRunner().invoke(app, ["build", str(small), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(f"warning: {out}: the previous build is damaged (store: ")
    assert result.stderr.strip().endswith("building everything again") and len(result.stderr.strip().splitlines()) == 1
    build([small], out=tmp_path / "full", incremental=False)
    for name in FILES:
        assert (out / name).read_bytes() == (tmp_path / "full" / name).read_bytes(), name


SWAP_SCRIPT = """
import json, sys
from pathlib import Path
import kg.build.run
from kg.build.run import build
from kg.ingest.discover import discover

def swapped(paths):  # the files were found; then two were swapped for a FIFO and a link to /dev/zero
    sources, problems = discover(paths)
    return sources + [(Path(sys.argv[3]), "swapped.txt"), (Path(sys.argv[4]), "zero.txt")], problems

kg.build.run.discover = swapped
summary = build([Path(sys.argv[1])], out=Path(sys.argv[2]), jobs=int(sys.argv[5]))
print(json.dumps({"articles": summary.articles, "problems": [str(p) for p in summary.problems]}))
"""


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_source_swapped_for_a_fifo_or_dev_zero_during_a_build_is_one_problem(small: Path, tmp_path: Path, jobs: int) -> None:
    """Finding 10: the build hung forever on the FIFO, and ate memory until MemoryError on /dev/zero."""
    fifo, zero = tmp_path / "swapped.txt", tmp_path / "zero.txt"
    os.mkfifo(fifo)
    zero.symlink_to("/dev/zero")
    run = subprocess.run([sys.executable, "-c", SWAP_SCRIPT, str(small), str(tmp_path / "out"), str(fifo), str(zero), str(jobs)],
                         cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads(run.stdout.splitlines()[-1])
    assert report == {"articles": 1, "problems": [f"{fifo}: cannot read: not a regular file (FIFO)",
                                                  f"{zero}: cannot read: not a regular file (character device)"]}


def test_a_fifo_named_json_in_a_gold_folder_is_one_line(small: Path, tmp_path: Path) -> None:
    """Finding 10: kg eval hung on it."""
    out, gold = tmp_path / "out", tmp_path / "gold"
    build([small], out=out)
    gold.mkdir()
    os.mkfifo(gold / "a.json")
    run = subprocess.run([sys.executable, "-m", "kg", "eval", str(gold), "--graph", str(out / "graph.ttl")],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 1 and run.stderr.splitlines() == [f"error: {gold / 'a.json'}: cannot read gold JSON: not a regular file (FIFO)"]


def test_kg_load_of_shards_of_absurd_counts_is_one_line(tmp_path: Path) -> None:
    """Finding 12: shards named 1/99999999999999999999 built set(range(N)) for the message: MemoryError."""
    import resource

    cases = {"huge": [1, 10**20], "zero": [0, 5], "beyond": [3, 2], "text": ["1", 2], "float": [1.0, 2]}
    for name, shard in cases.items():
        folder = tmp_path / name
        folder.mkdir()
        (folder / "shard-0001-of-0002.jsonl").write_text(json.dumps({"format": 1, "version": pipeline_version(), "shard": shard}) + "\n", encoding="utf-8")
        (folder / "shard-0001-of-0002.nq.gz").write_bytes(gzip.compress(b""))

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    for name in cases:
        run = subprocess.run([sys.executable, "-m", "kg", "load", str(tmp_path / name), "-o", str(tmp_path / "out")],
                             cwd=ROOT, capture_output=True, text=True, timeout=120, preexec_fn=limit)
        lines = run.stderr.strip().splitlines()
        assert run.returncode == 1 and len(lines) == 1 and lines[0].startswith("error: "), (name, run.stderr[-2000:])
        if name == "huge":
            assert lines[0] == ("error: shard(s) 2/100000000000000000000, 3/100000000000000000000, 4/100000000000000000000, "
                                "5/100000000000000000000, 6/100000000000000000000 and 99999999999999999994 more missing")
        else:
            assert "not a shard manifest" in lines[0], lines[0]


LONG = "长" * 300


@pytest.mark.parametrize(
    "command",
    [
        ["validate", "--graph", LONG], ["validate", "--graph", "{bytes}"], ["validate", "--graph", "{fifo}"],
        ["eval", LONG, "--graph", "{graph}"], ["eval", "{bytes}", "--graph", "{graph}"], ["eval", "{fifo}", "--graph", "{graph}"],
        ["eval", "{gold}", "--graph", LONG], ["eval", "{gold}", "--graph", "{fifo}"],
        ["explain", "某市总工会", "--store", LONG], ["explain", "{bytes}", "--store", "{store}"],
        ["explain", "某市总工会", "--store", "{fifo}"],
        ["export", "--graph", LONG], ["export", "--store", LONG], ["export", "--store", "{store}", "--province", "{bytes}"],
        ["build", "{src}", "-o", LONG], ["extract", "{src}", "-o", "{tmp}/shards", "--shard", "1/1", "-q", "--model", LONG],
        ["load", LONG, "-o", "{tmp}/loaded"], ["load", "{fifo}", "-o", "{tmp}/loaded"], ["load", "{graph}", "-o", "{tmp}/loaded"],
    ],
    ids=lambda c: "-".join(c[:3]).replace(LONG, "long")[:40],
)
def test_long_odd_or_special_path_arguments_give_one_line(seeds_build, small: Path, tmp_path: Path, command: list[str]) -> None:
    """Finding 13: 300-character paths (ENAMETOOLONG), bytes that are not UTF-8, FIFOs: tracebacks before."""
    _, out = seeds_build
    fifo = tmp_path / "fifo"
    if not fifo.exists():
        os.mkfifo(fifo)
    gold = tmp_path / "gold"
    gold.mkdir(exist_ok=True)
    values = {"{bytes}": os.fsdecode(b"x\xff\xfe"), "{fifo}": str(fifo), "{graph}": str(out / "graph.ttl"),
              "{store}": str(out / "store"), "{gold}": str(gold), "{src}": str(small), "{tmp}": str(tmp_path)}
    args = []
    for arg in command:
        for key, value in values.items():
            arg = arg.replace(key, value)
        args.append(arg)
    result = bounded(60, CliRunner().invoke, app, args)
    assert isinstance(result.exception, SystemExit), result.exception
    _one_error(result)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"file": "a.txt", "articles": [{"unions": [], "n": ' + "1" * 5000 + "}]}", "Exceeds the limit (4300 digits)"),
    ],
    ids=["deep", "long-integer"],
)
def test_gold_json_too_deep_or_with_a_5000_digit_number_is_one_line_on_the_gold_file(seeds_build, tmp_path: Path, data: str, reason: str) -> None:
    """Finding 13: a RecursionError traceback; a ValueError blamed on the graph ("cannot read graph")."""
    _, out = seeds_build
    (tmp_path / "a.json").write_text(data, encoding="utf-8")
    line = _one_error(CliRunner().invoke(app, ["eval", str(tmp_path), "--graph", str(out / "graph.ttl")]))
    assert line.startswith(f"error: {tmp_path / 'a.json'}: cannot read gold JSON: {reason}"), line


def test_a_nul_byte_in_a_jsonl_line_rejects_that_line_only(tmp_path: Path) -> None:
    """Finding 14: it rejected the whole file as binary."""
    src = tmp_path / "src"
    src.mkdir()
    lines = [json.dumps({"text": f"本报讯 近日,{union}为环卫工人送去防暑物资。"}, ensure_ascii=False).encode()
             for union in ("青禾县总工会", "白沙县总工会", "南岭县总工会")]
    lines[1] = lines[1][:20] + b"\x00" + lines[1][20:]
    (src / "feed.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    summary = build([src], out=tmp_path / "out")
    assert summary.articles == 2 and [str(p) for p in summary.problems] == [
        f"{src / 'feed.jsonl'}:2: line 2: NUL bytes (binary data; line skipped)"]


def test_a_fifo_or_symlink_loop_named_directly_is_named_as_such_and_nothing_built_is_said(tmp_path: Path) -> None:
    """Finding 14: they were "no such file or directory", and "the others were built" when nothing was;
    problem lines gave only base names."""
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "loop.txt").symlink_to("loop.txt")
    result = bounded(60, CliRunner().invoke, app, ["build", str(tmp_path / "pipe.txt"), str(tmp_path / "loop.txt"),
                                                   "-o", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 1 and result.stderr.splitlines() == [
        f"error: {tmp_path / 'pipe.txt'}: not a regular file (FIFO)",
        f"error: {tmp_path / 'loop.txt'}: Too many levels of symbolic links",
        "2 input(s) failed; nothing was built (the published graph, if any, is unchanged)."]
    assert not (tmp_path / "out").exists()
    src = tmp_path / "src"
    (src / "2023" / "05").mkdir(parents=True)
    (src / "2023" / "05" / "bad.txt").write_bytes(b"\x00" * 10)
    (src / "good.txt").write_text(_page("青禾县总工会"), encoding="utf-8")
    result = CliRunner().invoke(app, ["build", str(src), "-o", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 1 and result.stderr.splitlines() == [
        f"error: {src / '2023' / '05' / 'bad.txt'}: binary file (NUL bytes)", "1 input(s) failed; the others were built."]
