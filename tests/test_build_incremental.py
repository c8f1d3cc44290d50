"""Incremental builds: only new or changed files are read, facts of removed or changed files are
retracted, and the result equals a from-scratch build of the same inputs, byte for byte."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import SEEDS
from kg.build.run import build

OUTPUTS = ("graph.ttl", "graph.nq", "graph.graphml", "graph.gexf")
SMALL = "某县总工会启动“金秋助学”活动\n\n本报讯 近日,某县总工会启动“金秋助学”活动,为200名困难职工子女发放助学金。\n"
ADDED = "滨江区总工会开展“送清凉”活动\n\n本报讯 近日,杭州市滨江区总工会开展“送清凉”活动,为一线快递员送去防暑物资。\n"


def _store_quads(out: Path) -> set:
    return set(ox.Store.read_only(str(out / "store")))


def _same_outputs(first: Path, second: Path) -> None:
    for name in OUTPUTS:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    assert _store_quads(first) == _store_quads(second)


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """One small page."""
    src = tmp_path / "small-src"
    src.mkdir()
    (src / "small.txt").write_text(SMALL, encoding="utf-8")
    return src


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    """Two seed pages and a small one."""
    src = tmp_path / "src"
    src.mkdir()
    for seed in sorted(SEEDS.glob("*.txt"))[:2]:
        shutil.copy(seed, src / seed.name)
    (src / "small.txt").write_text(SMALL, encoding="utf-8")
    return src


def test_changed_removed_and_added_files_end_as_a_from_scratch_build(sources: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = build([sources], out=out)
    assert first.reused == 0 and first.articles > 3
    seed_a, seed_b = sorted(p for p in sources.iterdir() if p.name != "small.txt")
    old_graph = (out / "graph.nq").read_text(encoding="utf-8")
    assert "某县总工会" in old_graph

    seed_b.write_text(seed_b.read_text(encoding="utf-8")[:3000], encoding="utf-8")  # changed
    (sources / "small.txt").unlink()  # removed
    (sources / "added.txt").write_text(ADDED, encoding="utf-8")  # new
    again = build([sources], out=out, jobs=2)
    assert again.reused == 1  # only seed_a was not read again
    assert "某县总工会" not in (out / "graph.nq").read_text(encoding="utf-8")  # the removed file's facts are gone

    scratch = build([sources], out=tmp_path / "scratch")
    assert (again.articles, again.triples, again.entities, again.relations) == (
        scratch.articles, scratch.triples, scratch.entities, scratch.relations)
    _same_outputs(out, tmp_path / "scratch")


def test_an_unchanged_rebuild_reads_nothing_and_changes_nothing(small: Path, tmp_path: Path, monkeypatch) -> None:
    import kg.build.run

    sources = small
    out = tmp_path / "out"
    first = build([sources], out=out)
    before = {name: (out / name).read_bytes() for name in OUTPUTS}

    def no_reading(*args, **kwargs):
        raise AssertionError("an unchanged file was read again")

    monkeypatch.setattr(kg.build.run, "_read", no_reading)
    again = build([sources], out=out)
    assert again.reused == first.files == 1
    assert (again.articles, again.triples, again.relations) == (first.articles, first.triples, first.relations)
    assert {name: (out / name).read_bytes() for name in OUTPUTS} == before


def test_a_new_pipeline_version_or_full_rebuilds_everything(small: Path, tmp_path: Path, monkeypatch) -> None:
    import kg.build.run

    out = tmp_path / "out"
    build([small], out=out)
    assert build([small], out=out).reused == 1
    assert build([small], out=out, incremental=False).reused == 0
    monkeypatch.setattr(kg.build.run, "pipeline_version", lambda model=None: "another-version")
    assert build([small], out=out).reused == 0


def test_bad_inputs_of_unchanged_files_are_reported_again(small: Path, tmp_path: Path) -> None:
    sources = small
    (sources / "bad.jsonl").write_text('{"text": "某市总工会开展送清凉活动。"}\n{"text": oops}\n', encoding="utf-8")
    out = tmp_path / "out"
    first = build([sources], out=out)
    again = build([sources], out=out)
    assert again.reused == 2
    assert [str(p) for p in again.problems] == [str(p) for p in first.problems] and len(first.problems) == 1


def test_an_out_folder_of_an_earlier_kg_with_generations_is_adopted(small: Path, tmp_path: Path) -> None:
    """A folder an earlier kg wrote (generations and links, no marker) is kg's: built into, and marked."""
    from kg.build.generations import MARKER

    out = tmp_path / "out"
    build([small], out=out)
    (out / MARKER).unlink()
    before = (out / "graph.ttl").read_bytes()
    again = build([small], out=out)
    assert again.reused == 1 and (out / "graph.ttl").read_bytes() == before and (out / MARKER).is_file()
