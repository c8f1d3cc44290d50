"""End to end: kg.build over the shipped seeds and over bad inputs."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from conftest import SEEDS
from kg.build.run import build


def test_seeds_build_writes_the_four_outputs(seeds_build) -> None:
    summary, out = seeds_build
    assert summary.files == 5
    assert summary.articles >= 25  # the gold lists 37 articles over the five pages
    assert not summary.problems
    assert {p.name for p in out.iterdir()} >= {"graph.ttl", "graph.nq", "graph.graphml", "graph.gexf", "store"}
    assert summary.entities.get("UnionBody", 0) >= 30
    assert summary.relations.get("launched", 0) >= 30


def test_seeds_graph_passes_shacl(seeds_build) -> None:
    from kg.store.validate import validate

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


def test_outputs_are_links_into_the_published_generation(seeds_build) -> None:
    from kg.build.generations import current_generation

    _, out = seeds_build
    generation = current_generation(out)
    assert generation is not None and generation.parent == out / ".generations"
    for name in ("graph.ttl", "graph.nq", "graph.graphml", "graph.gexf", "store"):
        assert (out / name).is_symlink(), name
        assert (out / name).resolve() == generation / name
    assert (generation / "manifest.jsonl").is_file() and (generation / "articles.nq.gz").is_file()


def test_streamed_sorted_outputs_equal_the_in_memory_serialisations(seeds_build) -> None:
    """graph.nq and graph.ttl (external merge sort) are what nquads_bytes/turtle_bytes give for the same quads."""
    import pyoxigraph as ox

    from kg.build.export import nquads_bytes, turtle_bytes
    from kg.rdf.namespace import ONTOLOGY_GRAPH

    summary, out = seeds_build
    quads = list(ox.parse(path=str(out / "graph.nq"), format=ox.RdfFormat.N_QUADS))
    assert nquads_bytes(quads) == (out / "graph.nq").read_bytes()
    data = [q for q in quads if q.graph_name.value != str(ONTOLOGY_GRAPH)]
    assert turtle_bytes(data) == (out / "graph.ttl").read_bytes()
    assert summary.triples == len({(q.subject, q.predicate, q.object) for q in data})


def test_write_sorted_merges_many_runs_and_drops_duplicates(seeds_build, tmp_path) -> None:
    import random

    import kg.build.export

    _, out = seeds_build
    lines = (out / "graph.nq").read_text(encoding="utf-8").splitlines(keepends=True)
    shuffled = lines + lines[::7]
    random.Random(0).shuffle(shuffled)
    kg.build.export.TURTLE_LINES, saved = 13, kg.build.export.TURTLE_LINES  # subjects with more lines than that too
    try:
        triples = kg.build.export.write_sorted(shuffled, nquads=tmp_path / "g.nq", turtle=tmp_path / "g.ttl",
                                         work=tmp_path / "runs", run_bytes=50_000)
    finally:
        kg.build.export.TURTLE_LINES = saved
    assert (tmp_path / "g.nq").read_bytes() == (out / "graph.nq").read_bytes()
    assert (tmp_path / "g.ttl").read_bytes() == (out / "graph.ttl").read_bytes()
    assert triples > 0 and not list((tmp_path / "runs").iterdir())


def test_two_worker_processes_give_the_same_outputs(seeds_build, tmp_path) -> None:
    summary, first = seeds_build
    parallel = build([SEEDS], out=tmp_path, jobs=2)
    assert (parallel.articles, parallel.triples, parallel.entities) == (summary.articles, summary.triples, summary.entities)
    for name in ("graph.ttl", "graph.nq", "graph.graphml", "graph.gexf"):
        assert (first / name).read_bytes() == (tmp_path / name).read_bytes(), name


def test_stage_timings_are_reported(seeds_build) -> None:
    summary, _ = seeds_build
    assert {"ingest", "nlp", "extract", "resolve", "graph", "export", "total"} <= set(summary.timings)
    assert summary.timings["extract"] > 0 and summary.timings["total"] >= summary.timings["export"]


def test_an_article_whose_extraction_fails_is_a_problem_and_the_rest_is_built(tmp_path, monkeypatch) -> None:
    import kg.extract.article

    real = kg.extract.article.extract

    def flaky(article, *, nlp=None):
        if "坏" in article.text:
            raise RuntimeError("rule bug\nsecond line")
        return real(article, nlp=nlp)

    monkeypatch.setattr(kg.extract.article, "extract", flaky)
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.jsonl").write_text('{"text": "某市总工会开展送清凉活动。"}\n{"text": "坏文章。"}\n', encoding="utf-8")
    summary = build([src], out=tmp_path / "out")
    assert summary.articles == 1
    assert [str(p) for p in summary.problems] == [f"{src / 'a.jsonl'}:2: article 1: extraction failed: RuntimeError: rule bug"]


def test_loader_loads_in_chunks_in_the_background_and_raises_its_errors_in_the_build() -> None:
    import pyoxigraph as ox

    from kg.build.archive import Loader

    store = ox.Store()
    loader = Loader(store, chunk=200)
    for i in range(50):
        loader.add(f'<http://x/s{i}> <http://x/p> "{i}" <http://x/g> .\n'.encode())
    loader.close()
    assert len(store) == 50
    broken = Loader(store, chunk=10)
    broken.add(b"not n-quads at all\n")  # a full chunk: loading starts in the background
    with pytest.raises(SyntaxError):
        broken.close()
    abandoned = Loader(store, chunk=10)
    abandoned.add(b"not n-quads either\n")
    abandoned.abandon()  # a failed build: waits, and the load's own error is dropped
    abandoned.close()
