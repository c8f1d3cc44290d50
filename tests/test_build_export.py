"""kg.build.export: Turtle, N-Quads, GraphML and store outputs, written atomically."""

from __future__ import annotations

import networkx as nx
import pyoxigraph as ox
import pytest

from kg.gephi.writers import graphml_bytes
from kg.build.export import nquads_bytes, to_networkx, turtle_bytes, write_atomic, write_outputs
from kg.rdf.quads import build_quads

from test_rdf_quads import EXTRACTION


@pytest.fixture(scope="module")
def quads():
    return build_quads([EXTRACTION])[0]


def test_graphml_round_trips_through_networkx(quads, tmp_path) -> None:
    graph = to_networkx(quads)
    path = tmp_path / "g.graphml"
    path.write_bytes(graphml_bytes(graph))
    back = nx.read_graphml(path)
    assert back.is_directed()
    # union, initiative, group (and its broader concept from the taxonomy), person
    assert back.number_of_nodes() == graph.number_of_nodes() == 5
    labels = {data["label"]: data["type"] for _, data in back.nodes(data=True)}
    assert labels == {"某市总工会": "UnionBody", "“暖心驿站”": "Initiative", "户外劳动者": "BeneficiaryGroup",
                      "劳动者": "BeneficiaryGroup", "张某": "Person"}
    edges = sorted((back.nodes[s]["label"], d["label"], back.nodes[o]["label"], d["weight"]) for s, o, d in back.edges(data=True))
    assert edges == [("“暖心驿站”", "benefited", "户外劳动者", 1), ("张某", "memberOf", "某市总工会", 1),
                     ("户外劳动者", "broader", "劳动者", 1), ("某市总工会", "launched", "“暖心驿站”", 1)]
    for _, data in back.nodes(data=True):
        assert all(isinstance(v, (str, int, float, bool)) for v in data.values())


def test_turtle_and_nquads_parse_back_to_the_same_triples(quads) -> None:
    from_ttl = {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(turtle_bytes(quads), format=ox.RdfFormat.TURTLE)}
    from_nq = set(ox.parse(nquads_bytes(quads), format=ox.RdfFormat.N_QUADS))
    assert from_ttl == {ox.Triple(q.subject, q.predicate, q.object) for q in quads}
    assert from_nq == set(quads)


def test_write_outputs_writes_five_outputs_and_no_temporary_files(quads, tmp_path) -> None:
    outputs = write_outputs(quads, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.gexf", "graph.graphml", "graph.nq", "graph.ttl", "store"]
    store = ox.Store.read_only(str(outputs["store"]))
    assert len(list(store.query("SELECT ?i WHERE { ?u <https://w3id.org/union-kg/ontology#launched> ?i }",
                                use_default_graph_as_union=True))) == 1


def test_write_atomic_keeps_the_old_file_when_writing_fails(tmp_path) -> None:
    target = tmp_path / "graph.ttl"
    target.write_bytes(b"old")

    with pytest.raises(TypeError):
        write_atomic(target, object())  # type: ignore[arg-type]
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]


def _random_quads(rng, count: int) -> list[ox.Quad]:
    from kg.rdf.namespace import ONTOLOGY_GRAPH

    iris = [ox.NamedNode(f"http://x/{name}") for name in ("a", "a1", "ab", "b", "工会", "g", "g1", "g12")]
    blanks = [ox.BlankNode(name) for name in ("b1", "b12", "x")]
    literals = [ox.Literal("工会 职工"), ox.Literal('a "q" b\nc'), ox.Literal("2", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
                ox.Literal("ab", language="zh"), ox.Literal("ab"), ox.Literal("a b"), ox.Literal("")]
    graphs = iris[5:] + blanks[:2] + [ox.NamedNode(str(ONTOLOGY_GRAPH))]
    quads = [ox.Quad(rng.choice(iris + blanks), rng.choice(iris[:4]), rng.choice(iris + blanks + literals), rng.choice(graphs))
             for _ in range(count)]
    return quads + rng.sample(quads, count // 5)  # duplicates


@pytest.mark.parametrize("seed", range(12))
def test_write_sorted_gives_the_in_memory_order_with_tiny_runs_and_merge_blocks(seed, tmp_path, monkeypatch) -> None:
    import random

    import kg.build.export
    from kg.rdf.namespace import ONTOLOGY_GRAPH

    rng = random.Random(seed)
    quads = _random_quads(rng, 400)
    lines = ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode("utf-8").splitlines(keepends=True)
    monkeypatch.setattr(kg.build.export, "MERGE_ROWS", rng.choice([1, 2, 7, 50, 600]))
    monkeypatch.setattr(kg.build.export, "TURTLE_LINES", rng.choice([1, 3, 1000]))
    monkeypatch.setattr(kg.build.export, "FAN_IN", rng.choice([2, 3, 256]))
    count = kg.build.export.write_sorted(lines, nquads=tmp_path / "g.nq", turtle=tmp_path / "g.ttl", work=tmp_path / "runs",
                                   run_bytes=rng.choice([1, 500, 3000, 10**9]))
    assert (tmp_path / "g.nq").read_bytes() == nquads_bytes(quads)
    triples = [q for q in quads if str(q.graph_name) != f"<{ONTOLOGY_GRAPH}>"]
    assert (tmp_path / "g.ttl").read_bytes() == turtle_bytes(triples)
    assert count == len({(q.subject, q.predicate, q.object) for q in triples})


def test_write_sorted_keeps_few_files_open_however_many_runs(tmp_path, monkeypatch) -> None:
    """Runs are merged FAN_IN at a time (a merge holds a file per run open; systems often allow 1024)."""
    import builtins
    import random

    import kg.build.export

    quads = _random_quads(random.Random(7), 400)
    lines = ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode("utf-8").splitlines(keepends=True)
    open_now, most = set(), [0]

    class Counted:
        def __init__(self, handle) -> None:
            self.handle = handle
            open_now.add(id(self))
            most[0] = max(most[0], len(open_now))

        def __getattr__(self, name):
            return getattr(self.handle, name)

        def __iter__(self):
            return iter(self.handle)

        def __enter__(self):
            return self

        def __exit__(self, *exc) -> None:
            self.close()

        def close(self) -> None:
            open_now.discard(id(self))
            self.handle.close()

    monkeypatch.setattr(kg.build.export, "open", lambda *a, **k: Counted(builtins.open(*a, **k)), raising=False)
    monkeypatch.setattr(kg.build.export, "FAN_IN", 4)
    kg.build.export.write_sorted(lines, nquads=tmp_path / "g.nq", turtle=tmp_path / "g.ttl", work=tmp_path / "runs",
                                 run_bytes=300)
    assert most[0] <= 4 + 1  # the runs of one merge and the file it writes
    assert (tmp_path / "g.nq").read_bytes() == nquads_bytes(quads)
    assert not list((tmp_path / "runs").iterdir())
