"""Export: quads → Turtle, N-Quads, GraphML and GEXF (Gephi) and the Oxigraph store, written atomically.

Every output is written to a temporary name beside its target and renamed into
place only when complete, so an interrupted build never leaves a half-written
file or store: the previous outputs stay as they were.

Example:
    >>> import pyoxigraph as ox
    >>> q = ox.Quad(ox.NamedNode("http://x/a"), ox.NamedNode("http://x/p"), ox.Literal("工会"), ox.NamedNode("http://x/g"))
    >>> turtle_bytes([q]).decode().strip().endswith('"工会" .')
    True
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path

import networkx as nx
import pyoxigraph as ox

from kg import ONTOLOGY_DIR
from kg.graph import PREFIXES, sort_quads
from kg.namespace import ONTOLOGY_GRAPH
from kg.views import gexf_bytes, graphml_bytes, view_graph  # noqa: F401  (graphml_bytes, gexf_bytes re-exported)


def ontology_quads() -> list[ox.Quad]:
    """The ontology (ontology/union-kg.ttl) as quads in its own named graph."""
    path = ONTOLOGY_DIR / "union-kg.ttl"
    if not path.exists():
        return []
    graph = ox.NamedNode(str(ONTOLOGY_GRAPH))
    # Parsing gives blank nodes random ids; rename them in order of appearance so output bytes are stable.
    names: dict[ox.BlankNode, ox.BlankNode] = {}

    def stable(term):
        if isinstance(term, ox.BlankNode):
            return names.setdefault(term, ox.BlankNode(f"ontology{len(names)}"))
        return term

    return [
        ox.Quad(stable(t.subject), t.predicate, stable(t.object), graph)
        for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
    ]


def turtle_bytes(quads: Iterable[ox.Quad]) -> bytes:
    """All quads as one graph in Turtle, sorted and deduplicated."""
    triples = sorted(
        {ox.Triple(q.subject, q.predicate, q.object) for q in quads},
        key=lambda t: (str(t.subject), str(t.predicate), str(t.object)),
    )
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)


def nquads_bytes(quads: Iterable[ox.Quad]) -> bytes:
    return ox.serialize(sort_quads(quads), format=ox.RdfFormat.N_QUADS)


def to_networkx(quads: Iterable[ox.Quad], *, view: str = "full") -> nx.MultiDiGraph:
    """The Gephi network of some quads: :func:`kg.views.view_graph` over an in-memory store holding them."""
    store = ox.Store()
    store.extend(quads)
    return view_graph(store, view=view)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and an atomic rename."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_store(quads: Iterable[ox.Quad], path: Path) -> None:
    """Load quads into a fresh on-disk Oxigraph store and swap it in for ``path``."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    old = path.with_name(f".{path.name}.old-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        store = ox.Store(str(tmp))
        store.bulk_extend(quads)
        store.flush()
        store.optimize()
        del store
        if path.exists():
            os.replace(path, old)
        os.replace(tmp, path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)


OUTPUTS = ("graph.ttl", "graph.nq", "graph.graphml", "graph.gexf", "store")


def write_outputs(quads: list[ox.Quad], out: Path) -> dict[str, Path]:
    """Write graph.ttl, graph.nq (with the ontology graph), graph.graphml, graph.gexf and store/ under ``out``.

    All files are produced under temporary names first; the renames happen last.
    """
    out.mkdir(parents=True, exist_ok=True)
    ontology = ontology_quads()
    data_quads = sort_quads(quads)
    payloads = {
        "graph.ttl": turtle_bytes(data_quads),
        "graph.nq": nquads_bytes(data_quads + ontology),
    }
    network = to_networkx(data_quads)
    payloads |= {"graph.graphml": graphml_bytes(network), "graph.gexf": gexf_bytes(network)}
    for name, data in payloads.items():
        write_atomic(out / name, data)
    write_store(data_quads + ontology, out / "store")
    return {name: out / name for name in OUTPUTS}
