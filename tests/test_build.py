"""End to end: kg.build over the shipped seeds and over bad inputs."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from conftest import SEEDS
from kg.build import build


def test_seeds_build_writes_the_four_outputs(seeds_build) -> None:
    summary, out = seeds_build
    assert summary.files == 5
    assert summary.articles >= 25  # the gold lists 37 articles over the five pages
    assert not summary.problems
    assert {p.name for p in out.iterdir()} >= {"graph.ttl", "graph.nq", "graph.graphml", "graph.gexf", "store"}
    assert summary.entities.get("UnionBody", 0) >= 30
    assert summary.relations.get("launched", 0) >= 30


def test_seeds_graph_passes_shacl(seeds_build) -> None:
    from kg.validate import validate

    _, out = seeds_build
    result = validate(Graph().parse(out / "graph.ttl", format="turtle"))
    assert result.conforms, result.text[:2000]


def test_nquads_has_one_named_graph_per_article_plus_entities_and_ontology(seeds_build) -> None:
    import pyoxigraph as ox

    summary, out = seeds_build
    graphs = {q.graph_name.value for q in ox.parse(path=str(out / "graph.nq"), format=ox.RdfFormat.N_QUADS)}
    articles = {g for g in graphs if "/id/article/" in g}
    assert len(articles) == summary.articles
    assert graphs - articles == {"https://w3id.org/union-kg/id/graph/entities", "https://w3id.org/union-kg/ontology"}


def test_two_builds_give_identical_bytes(seeds_build, tmp_path) -> None:
    _, first = seeds_build
    build([SEEDS], out=tmp_path)
    for name in ("graph.ttl", "graph.nq", "graph.graphml", "graph.gexf"):
        assert (first / name).read_bytes() == (tmp_path / name).read_bytes(), name


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty"),
        ("binary.txt", b"\x00\x01\x02\x00garbage\x00", "binary"),
        ("bad.jsonl", '{"text": "某市总工会开展送清凉活动。"}\n{"text": oops}\n'.encode(), "line 2"),
    ],
)
def test_bad_input_is_reported_and_the_rest_is_built(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / name).write_bytes(data)
    (src / "good.txt").write_text("某市总工会启动“送清凉”活动\n\n本报讯 近日,某市总工会启动“送清凉”活动,为一线职工送去防暑物资。\n", encoding="utf-8")
    summary = build([src], out=tmp_path / "out")
    assert [p.source_file for p in summary.problems] == [name]
    assert reason in str(summary.problems[0]).lower()
    assert "\n" not in str(summary.problems[0])
    assert summary.articles >= 1
    assert (tmp_path / "out" / "graph.ttl").exists()
