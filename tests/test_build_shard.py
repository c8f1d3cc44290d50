"""Shards: kg extract --shard I/N on several machines, kg load on one, equal to a single build."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import SEEDS
from kg.build import BuildError
from kg.cli import app
from kg.build.shard import extract_shard, find_shards, load, parse_shard

OUTPUTS = ("graph.ttl", "graph.nq", "graph.graphml", "graph.gexf")


@pytest.fixture(scope="module")
def shards(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("shards")
    for index in (1, 2):
        extract_shard([SEEDS], shard=(index, 2), out=folder)
    return folder


def test_shards_one_and_two_of_two_loaded_together_equal_a_single_build(shards: Path, seeds_build, tmp_path: Path) -> None:
    single, single_out = seeds_build
    merged = load([shards], out=tmp_path / "out")
    assert (merged.files, merged.articles, merged.triples, merged.entities, merged.relations) == (
        single.files, single.articles, single.triples, single.entities, single.relations)
    for name in OUTPUTS:
        assert (tmp_path / "out" / name).read_bytes() == (single_out / name).read_bytes(), name


def test_each_shard_holds_every_other_file_with_one_named_graph_per_article(shards: Path) -> None:
    import gzip

    import pyoxigraph as ox

    files = []
    for index in (1, 2):
        lines = (shards / f"shard-{index:04d}-of-0002.jsonl").read_text(encoding="utf-8").splitlines()
        assert json.loads(lines[0])["shard"] == [index, 2]
        records = [json.loads(line) for line in lines[1:]]
        files.append([r["file"] for r in records])
        quads = list(ox.parse(gzip.decompress((shards / f"shard-{index:04d}-of-0002.nq.gz").read_bytes()), format=ox.RdfFormat.N_QUADS))
        assert {q.graph_name.value for q in quads} == {g for r in records for g in r["graphs"]}
    seeds = sorted(p.name for p in SEEDS.glob("*.txt"))
    assert files == [seeds[0::2], seeds[1::2]]


@pytest.mark.parametrize(
    ("present", "message"),
    [
        ((1,), r"shard\(s\) 2/2 missing"),
        ((), "no shards"),
    ],
)
def test_incomplete_shard_sets_are_refused(shards: Path, tmp_path: Path, present: tuple, message: str) -> None:
    for index in present:
        for suffix in (".jsonl", ".nq.gz"):
            name = f"shard-{index:04d}-of-0002{suffix}"
            (tmp_path / name).write_bytes((shards / name).read_bytes())
    with pytest.raises(BuildError, match=message):
        find_shards([tmp_path])


def test_shards_of_another_kg_version_are_refused(shards: Path, tmp_path: Path) -> None:
    for index in (1, 2):
        lines = (shards / f"shard-{index:04d}-of-0002.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
        header = json.loads(lines[0]) | {"version": "0ld"}
        (tmp_path / f"shard-{index:04d}-of-0002.jsonl").write_text(json.dumps(header) + "\n" + "".join(lines[1:]), encoding="utf-8")
        (tmp_path / f"shard-{index:04d}-of-0002.nq.gz").write_bytes((shards / f"shard-{index:04d}-of-0002.nq.gz").read_bytes())
    with pytest.raises(BuildError, match="another kg version"):
        find_shards([tmp_path])


@pytest.mark.parametrize(("text", "expected"), [("1/1", (1, 1)), ("3/16", (3, 16)), (" 2 / 2 ", (2, 2))])
def test_parse_shard(text: str, expected: tuple[int, int]) -> None:
    assert parse_shard(text) == expected


@pytest.mark.parametrize("text", ["0/2", "3/2", "1", "a/b", "1/0", "-1/2"])
def test_parse_shard_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="--shard must be I/N"):
        parse_shard(text)


def test_cli_extract_and_load(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text("某市总工会启动“送清凉”活动\n\n本报讯 近日,某市总工会启动“送清凉”活动,为一线职工送去防暑物资。\n", encoding="utf-8")
    (src / "b.txt").write_bytes(b"")
    runner = CliRunner()
    result = runner.invoke(app, ["extract", str(src), "--shard", "1/1", "-o", str(tmp_path / "shards")])
    assert result.exit_code == 1  # b.txt is empty: reported, a.txt extracted
    assert "b.txt: empty file" in result.output
    result = runner.invoke(app, ["load", str(tmp_path / "shards"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1 and "b.txt: empty file" in result.output  # reported again by the load
    assert "某市总工会" in (tmp_path / "out" / "graph.ttl").read_text(encoding="utf-8")
    result = runner.invoke(app, ["extract", str(src), "--shard", "2/1", "-o", str(tmp_path / "shards")])
    assert result.exit_code == 1 and result.output.strip().splitlines() == ["error: --shard must be I/N with 1 <= I <= N (e.g. 1/4), not '2/1'"]
    result = runner.invoke(app, ["load", str(tmp_path / "nowhere")])
    assert result.exit_code == 1 and result.output.strip() == f"error: {tmp_path / 'nowhere'}: no such folder"
