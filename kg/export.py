"""Export: quads → Turtle, N-Quads, GraphML (Gephi) and the Oxigraph store, written atomically.

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
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import networkx as nx
import pyoxigraph as ox

from kg import ONTOLOGY_DIR
from kg.graph import A, BROADER, CONTAINED_IN, LABEL, PREFIXES, PROPERTIES, sort_quads
from kg.namespace import ENTITIES_GRAPH, ONTOLOGY_GRAPH, UKG

ENTITY_CLASSES = {
    str(UKG[name]): name
    for name in ("UnionBody", "Initiative", "BeneficiaryGroup", "Person", "Place", "Organization")
}
EDGE_PROPERTIES = {p.value: p.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1] for p in PROPERTIES.values()} | {
    BROADER.value: "broader",
    CONTAINED_IN.value: "containedInPlace",
}
DATE_PUBLISHED = "https://schema.org/datePublished"


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


def to_networkx(quads: Iterable[ox.Quad]) -> nx.MultiDiGraph:
    """Entities as nodes (label, type) and their relations as edges (label, weight = supporting articles).

    Articles, statements, selectors, memberships and quantities are not nodes;
    a post becomes a ``memberOf`` edge from the person to the organisation.
    """
    quads = list(quads)
    kinds: dict[str, str] = {}
    labels: dict[str, str] = {}
    alt: dict[str, list[str]] = defaultdict(list)
    dates: dict[str, str] = {}
    for q in quads:
        s = q.subject.value
        if q.predicate == A and q.object.value in ENTITY_CLASSES:
            kinds[s] = ENTITY_CLASSES[q.object.value]
        elif q.predicate == LABEL:
            labels[s] = q.object.value
        elif q.predicate.value.endswith("core#altLabel"):
            alt[s].append(q.object.value)
        elif q.predicate.value == DATE_PUBLISHED:
            dates[s] = q.object.value
    edges: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    mentions: dict[str, set[str]] = defaultdict(set)
    for q in quads:
        s, o = q.subject.value, q.object.value if isinstance(q.object, ox.NamedNode) else None
        if q.predicate.value == str(UKG.mentionedIn) and s in kinds:
            mentions[s].add(o)
        elif o and s in kinds and o in kinds and q.predicate.value in EDGE_PROPERTIES:
            graph = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""
            edges[(s, o, EDGE_PROPERTIES[q.predicate.value])].add(graph)

    graph = nx.MultiDiGraph()
    for iri in sorted(kinds):
        seen = sorted(dates[a] for a in mentions[iri] if a in dates)
        attrs = {
            "label": labels.get(iri, iri),
            "type": kinds[iri],
            "iri": iri,
            "altLabels": "|".join(sorted(set(alt[iri]))),
            "articles": len(mentions[iri]),
        }
        if seen:
            attrs |= {"firstSeen": seen[0], "lastSeen": seen[-1]}
        graph.add_node(iri, **attrs)
    for (s, o, relation), graphs in sorted(edges.items()):
        articles = {g for g in graphs if g and g != str(ENTITIES_GRAPH)}
        seen = sorted(dates[a] for a in articles if a in dates)
        attrs = {"label": relation, "weight": max(1, len(articles))}
        if seen:
            attrs |= {"firstSeen": seen[0], "lastSeen": seen[-1]}
        graph.add_edge(s, o, key=f"{relation}:{len(graph.edges)}", **attrs)
    return graph


def graphml_bytes(graph: nx.MultiDiGraph) -> bytes:
    import io

    buffer = io.BytesIO()
    nx.write_graphml(graph, buffer, encoding="utf-8", prettyprint=True, named_key_ids=True, edge_id_from_attribute=None)
    return buffer.getvalue()


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


OUTPUTS = ("graph.ttl", "graph.nq", "graph.graphml", "store")


def write_outputs(quads: list[ox.Quad], out: Path) -> dict[str, Path]:
    """Write graph.ttl, graph.nq (with the ontology graph), graph.graphml and store/ under ``out``.

    All files are produced under temporary names first; the renames happen last.
    """
    out.mkdir(parents=True, exist_ok=True)
    ontology = ontology_quads()
    data_quads = sort_quads(quads)
    payloads = {
        "graph.ttl": turtle_bytes(data_quads),
        "graph.nq": nquads_bytes(data_quads + ontology),
        "graph.graphml": graphml_bytes(to_networkx(data_quads)),
    }
    for name, data in payloads.items():
        write_atomic(out / name, data)
    write_store(data_quads + ontology, out / "store")
    return {name: out / name for name in OUTPUTS}
