"""Views: Gephi-ready networks of the built graph, read from an Oxigraph store.

A view is a ``networkx.MultiDiGraph`` whose nodes are entities (unions,
initiatives, groups, persons, places, organisations; id = entity IRI) and whose
edges are relations between them.  Articles, statements, selectors,
memberships, roles and quantities never become nodes.  Every node carries the
same scalar attributes (``label`` = its Chinese name, ``type``, ``iri``,
``altLabels``, ``province``, ``adminLevel``, ``articles``, ``dated``,
``firstSeen``, ``lastSeen``); every edge ``label`` (the relation), ``weight``
(= supporting articles, at least 1), ``articles``, ``dated``, ``firstSeen``,
``lastSeen``.  Edge keys are stable ids (relation + hash of its ends).

Views (``VIEWS``):

* ``full`` — every entity and every relation (launched, benefited, partner,
  subOrganizationOf, locatedIn, memberOf, broader, containedInPlace).
* ``unions-initiatives-groups`` — the mission chain: union → launched →
  initiative → benefited → group, weights = articles.
* ``union-cooperation`` — unions linked (undirected) when the same article has
  them launch the same initiative or names them partners; weight = articles.
* ``union-hierarchy`` — unions with org:subOrganizationOf, their locatedIn
  places and those places' administrative divisions up to the province.

Dates.  A fact is dated by its article's ``schema:datePublished``; when the
article states none, by the ``ukg:eventDate`` its evidence sentence gives (a
day, month or year, kept at that precision in ``firstSeen``/``lastSeen``).  An
entity is dated by the facts and articles that mention it.  Nothing else ever
gives a date: an element seen only in undated articles has ``dated = false``
and empty ``firstSeen``/``lastSeen``.  ``since``/``until`` keep the facts whose
date (or period) overlaps the window, so undated facts drop out of a windowed
view; ``province`` keeps the facts of articles that mention a place (or an
entity located) in that province.  Background knowledge not taken from
articles (gazetteer containment, group taxonomy) is kept for the nodes a
filtered view keeps.

The store is read with a handful of bulk SPARQL queries (no per-node query).

Example:
    >>> import pyoxigraph as ox
    >>> store = ox.Store()
    >>> u = ox.NamedNode("https://w3id.org/union-kg/id/union/某市总工会")
    >>> store.add(ox.Quad(u, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
    ...                   ox.NamedNode("https://w3id.org/union-kg/ontology#UnionBody"), ox.DefaultGraph()))
    >>> store.add(ox.Quad(u, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal("某市总工会", language="zh"), ox.DefaultGraph()))
    >>> graph = view_graph(store)
    >>> graph.nodes[u.value]["label"], graph.nodes[u.value]["type"]
    ('某市总工会', 'UnionBody')
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
from rdflib import RDF, RDFS

from kg.rdf.namespace import ORG, SCHEMA, SKOS, UKG, sparql_prefixes
from kg.rdf.resolve import short_hash

VIEWS = ("full", "unions-initiatives-groups", "union-cooperation", "union-hierarchy")
FORMATS = ("graphml", "gexf", "html")  #: html: the explorer page with the view inlined (kg.store.explore)

UNION, INITIATIVE, GROUP, PERSON, PLACE, ORGANIZATION = (
    "UnionBody", "Initiative", "BeneficiaryGroup", "Person", "Place", "Organization",
)
ENTITY_TYPES = (UNION, INITIATIVE, GROUP, PERSON, PLACE, ORGANIZATION)

#: Colour of each entity type (GEXF viz:color, kg plot).
TYPE_COLOURS = {
    UNION: "#d62728",
    INITIATIVE: "#1f77b4",
    GROUP: "#2ca02c",
    PERSON: "#9467bd",
    PLACE: "#8c564b",
    ORGANIZATION: "#ff7f0e",
}

#: Property IRI → edge label.
RELATIONS = {
    str(UKG.launched): "launched",
    str(UKG.benefited): "benefited",
    str(UKG.partner): "partner",
    str(ORG.subOrganizationOf): "subOrganizationOf",
    str(UKG.locatedIn): "locatedIn",
    str(ORG.memberOf): "memberOf",
    str(SKOS.broader): "broader",
    str(SCHEMA.containedInPlace): "containedInPlace",
}

_PREFIXES = sparql_prefixes("rdf", "rdfs", "ukg", "org", "prov", "schema", "skos")
_TYPES = " ".join(f"ukg:{t}" for t in ENTITY_TYPES)
_PROPS = " ".join(f"<{p}>" for p in RELATIONS)

_Q_ENTITIES = (
    f"SELECT ?e ?t ?l WHERE {{ VALUES ?t {{ {_TYPES} }} ?e a ?t . "
    "OPTIONAL { SELECT ?e ?l WHERE { ?e rdfs:label ?l } } }"
)
_Q_ALT_LABELS = "SELECT ?e ?l WHERE { ?e skos:altLabel ?l }"
_Q_LEVELS = "SELECT ?e ?l WHERE { ?e ukg:adminLevel ?l }"
_Q_ARTICLES = "SELECT ?a ?d WHERE { ?a a ukg:Article . OPTIONAL { ?a schema:datePublished ?d } }"
# Rows are read as sets: DISTINCT drops the copies that the union of the article graphs holds
# before Oxigraph spells out their terms (each term spelt out costs a look-up); sub-selects make
# Oxigraph join whole scans by hash instead of one index look-up per row and pattern.
_Q_MENTIONS = (
    f"SELECT ?e ?a WHERE {{ {{ SELECT DISTINCT ?e WHERE {{ VALUES ?t {{ {_TYPES} }} ?e a ?t }} }} "
    "{ SELECT ?e ?a WHERE { ?e ukg:mentionedIn ?a } } }"
)
_Q_EDGES = f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?p {{ {_PROPS} }} ?s ?p ?o }}"
# ?st rdf:predicate ?p ; rdf:subject ?s ; rdf:object ?o ; prov:wasDerivedFrom ?a OPTIONAL { ?st ukg:eventDate ?d }
_Q_SUPPORT = (
    f"SELECT DISTINCT ?s ?p ?o ?a ?d WHERE {{ {{ SELECT ?st ?p WHERE {{ VALUES ?p {{ {_PROPS} }} ?st rdf:predicate ?p }} }} "
    "{ SELECT ?st ?s WHERE { ?st rdf:subject ?s } } "
    "{ SELECT ?st ?o WHERE { ?st rdf:object ?o } } "
    "{ SELECT ?st ?a WHERE { ?st prov:wasDerivedFrom ?a } } "
    "OPTIONAL { SELECT ?st ?d WHERE { ?st ukg:eventDate ?d } } }"
)
_Q_POSTS = (  # ?m org:member ?p ; org:organization ?o ; ukg:postTitle ?t
    "SELECT DISTINCT ?p ?o ?t WHERE { { SELECT ?m ?p WHERE { ?m org:member ?p } } "
    "{ SELECT ?m ?o WHERE { ?m org:organization ?o } } { SELECT ?m ?t WHERE { ?m ukg:postTitle ?t } } }"
)

Key = tuple[str, str, str]  # (subject IRI, relation label, object IRI)


# --------------------------------------------------------------------------- dates


@functools.lru_cache(maxsize=1 << 16)  # the few distinct dates a graph has, asked for again and again
def period(value: str) -> tuple[dt.date, dt.date]:
    """First and last day of an ISO date, month or year.

    >>> period("2020-02")
    (datetime.date(2020, 2, 1), datetime.date(2020, 2, 29))
    """
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 3:
        day = dt.date(*parts)
        return day, day
    if len(parts) == 2:
        year, month = parts
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)


def _valid(value: str) -> bool:
    try:
        period(value)
    except (ValueError, TypeError):
        return False
    return True


def first_last(dates: Iterable[str]) -> tuple[str, str]:
    """The earliest-starting and latest-ending of some ISO dates/months/years ('' when none)."""
    dates = list(dates)
    if not dates:
        return "", ""
    if len(dates) == 1:
        period(dates[0])  # still refuses a value that is no date
        return dates[0], dates[0]
    first = min(dates, key=lambda d: (period(d)[0], d))
    last = max(dates, key=lambda d: (period(d)[1], d))
    return first, last


# --------------------------------------------------------------------------- reading the store


@dataclass
class _Data:
    kinds: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    alts: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    levels: dict[str, str] = field(default_factory=dict)
    published: dict[str, str | None] = field(default_factory=dict)  # article → publication date
    mentions: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # entity → articles
    edges: set[Key] = field(default_factory=set)
    support: dict[Key, dict[str, set[str]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(set)))
    posts: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))


def _solutions(store: ox.Store, query: str) -> ox.QuerySolutions:
    return store.query(_PREFIXES + query, use_default_graph_as_union=True)


def _rows(store: ox.Store, query: str):
    for solution in _solutions(store, query):
        yield tuple([None if term is None else term.value for term in solution])


def _read(store: ox.Store) -> _Data:
    data = _Data()
    labels: dict[str, set[str]] = defaultdict(set)
    for e, t, label in _rows(store, _Q_ENTITIES):
        kind = t.rsplit("#", 1)[-1]
        # An IRI typed twice keeps the first type in ENTITY_TYPES order (deterministic).
        if e not in data.kinds or ENTITY_TYPES.index(kind) < ENTITY_TYPES.index(data.kinds[e]):
            data.kinds[e] = kind
        if label:
            labels[e].add(label)
    for e in data.kinds:
        data.labels[e] = min(labels[e]) if labels[e] else e.rsplit("/", 1)[-1]
    for e, label in _rows(store, _Q_ALT_LABELS):
        if e in data.kinds and label != data.labels[e]:
            data.alts[e].add(label)
    for e, level in _rows(store, _Q_LEVELS):
        data.levels[e] = level
    for a, date in _rows(store, _Q_ARTICLES):
        data.published[a] = date if date and _valid(date) else data.published.get(a)
    # The three big reads: terms unpacked in place (no OPTIONAL but ?d), loop-invariant look-ups hoisted.
    kinds, published, mentions, edges, support = data.kinds, data.published, data.mentions, data.edges, data.support
    for e, a in _solutions(store, _Q_MENTIONS):
        e, a = e.value, a.value
        if e in kinds and a in published:
            mentions[e].add(a)
    for s, p, o in _solutions(store, _Q_EDGES):
        s, o = s.value, o.value
        if s in kinds and o in kinds:
            edges.add((s, RELATIONS[p.value], o))
    for s, p, o, a, date in _solutions(store, _Q_SUPPORT):
        key = (s.value, RELATIONS[p.value], o.value)
        a = a.value
        if key in edges and a in published:
            dates = support[key][a]
            if date is not None and (date := date.value) and _valid(date):
                dates.add(date)
    for person, org, title in _rows(store, _Q_POSTS):
        data.posts[(person, org)].add(title)
    return data


def load_graph_file(path: Path) -> ox.Store:
    """An in-memory store holding a graph file written by kg build (.ttl, .nq, .nt, .trig).

    >>> load_graph_file(Path("missing.ttl"))
    Traceback (most recent call last):
    ...
    FileNotFoundError: missing.ttl: no such file
    """
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    formats = {".ttl": ox.RdfFormat.TURTLE, ".nq": ox.RdfFormat.N_QUADS, ".nt": ox.RdfFormat.N_TRIPLES, ".trig": ox.RdfFormat.TRIG}
    if path.suffix not in formats:
        raise ValueError(f"{path}: unknown graph format (expected {', '.join(formats)})")
    store = ox.Store()
    store.bulk_load(path=str(path), format=formats[path.suffix])
    return store


def provinces(store: ox.Store) -> list[str]:
    """Labels of the province-level places in the store, sorted."""
    return sorted({label for e, label in _rows(store, "SELECT ?e ?l WHERE { ?e ukg:adminLevel \"province\" ; rdfs:label ?l }")})


# --------------------------------------------------------------------------- the full network


@dataclass
class _Filter:
    since: dt.date | None
    until: dt.date | None
    articles: set[str] | None  # None: every article

    @property
    def active(self) -> bool:
        return self.since is not None or self.until is not None or self.articles is not None

    def keep(self, article: str, dates: set[str]) -> bool:
        if self.articles is not None and article not in self.articles:
            return False
        if self.since is None and self.until is None:
            return True
        for date in dates:
            first, last = period(date)
            if (self.since is None or last >= self.since) and (self.until is None or first <= self.until):
                return True
        return False


def _province_index(data: _Data) -> dict[str, set[str]]:
    """Entity → labels of the provinces it is in (places by containment, others by locatedIn)."""
    parents: dict[str, set[str]] = defaultdict(set)
    located: dict[str, set[str]] = defaultdict(set)
    for s, relation, o in data.edges:
        if relation == "containedInPlace":
            parents[s].add(o)
        elif relation == "locatedIn":
            located[s].add(o)

    def of_place(place: str) -> set[str]:
        found, seen, todo = set(), set(), [place]
        while todo:
            p = todo.pop()
            if p in seen:
                continue
            seen.add(p)
            if data.levels.get(p) == "province":
                found.add(data.labels.get(p, p))
            else:
                todo.extend(parents[p])
        return found

    index: dict[str, set[str]] = {}
    for e, kind in data.kinds.items():
        if kind == PLACE:
            index[e] = of_place(e)
        else:
            index[e] = set().union(*(of_place(p) for p in located[e])) if located[e] else set()
    return index


def _province_articles(data: _Data, index: dict[str, set[str]], name: str) -> set[str]:
    known = set().union(*index.values()) if index else set()
    matches = {p for p in known if p == name or (len(name) >= 2 and p.startswith(name))}
    if not matches:
        raise ValueError(f"no province {name!r} in the graph (provinces: {', '.join(sorted(known)) or 'none'})")
    return {a for e, articles in data.mentions.items() if index[e] & matches for a in articles}


def _edge_id(s: str, relation: str, o: str) -> str:
    return f"{relation}-{short_hash(s, relation, o, length=12)}"


def _node_attrs(data: _Data, e: str, articles: int, dates: Iterable[str], index: dict[str, set[str]]) -> dict:
    first, last = first_last(dates)
    alts, provinces = data.alts.get(e), index.get(e)
    return {
        "label": data.labels[e],
        "type": data.kinds[e],
        "iri": e,
        "altLabels": "|".join(sorted(alts)) if alts else "",
        "province": "|".join(sorted(provinces)) if provinces else "",
        "adminLevel": data.levels.get(e, ""),
        "articles": articles,
        "dated": bool(dates),
        "firstSeen": first,
        "lastSeen": last,
    }


def _edge_attrs(relation: str, articles: set[str] | dict[str, object], dates: Iterable[str]) -> dict:
    first, last = first_last(dates)
    return {
        "label": relation,
        "weight": float(max(1, len(articles))),
        "articles": len(articles),
        "dated": bool(dates),
        "firstSeen": first,
        "lastSeen": last,
    }


def _union(occ: dict[str, frozenset[str]]) -> frozenset[str] | set[str]:
    """The dates of all the articles of an occurrence (the set itself when there is one)."""
    if len(occ) == 1:
        return next(iter(occ.values()))
    return set().union(*occ.values())


def _occurrences(data: _Data, keep: _Filter):
    """Kept (edge → article → dates) and (entity → article → dates) occurrences.

    The date sets are shared frozensets: an article's publication date, else the event dates of a fact
    (an edge) or of all the facts of an entity in that article.
    """
    published = data.published
    own = {a: frozenset((date,)) for a, date in published.items() if date}
    no_dates: frozenset[str] = frozenset()
    node_event: dict[tuple[str, str], set[str]] = defaultdict(set)  # only where an undated article dates facts
    for key, by_article in data.support.items():
        for a, event_dates in by_article.items():
            if event_dates and a not in own:
                node_event[(key[0], a)] |= event_dates
                node_event[(key[2], a)] |= event_dates
    kept = keep.keep if keep.active else None
    edge_occ: dict[Key, dict[str, frozenset[str]]] = {}
    for key, by_article in data.support.items():
        occ = {a: own.get(a) or (frozenset(event_dates) if event_dates else no_dates) for a, event_dates in by_article.items()}
        if kept is not None:
            occ = {a: dates for a, dates in occ.items() if kept(a, dates)}
        if occ:
            edge_occ[key] = occ
    node_occ: dict[str, dict[str, frozenset[str]]] = {}
    for e, articles in data.mentions.items():
        occ = {a: own.get(a) or (frozenset(node_event[(e, a)]) if (e, a) in node_event else no_dates) for a in articles}
        if kept is not None:
            occ = {a: dates for a, dates in occ.items() if kept(a, dates)}
        if occ:
            node_occ[e] = occ
    return edge_occ, node_occ


def _full(data: _Data, keep: _Filter, index: dict[str, set[str]], edge_occ, node_occ) -> nx.MultiDiGraph:
    background = {key for key in data.edges if key not in data.support}
    nodes = set(data.kinds) if not keep.active else set(node_occ)
    if keep.active:
        for s, _, o in edge_occ:
            nodes.update((s, o))
        up: dict[str, set[str]] = defaultdict(set)
        for s, _, o in background:
            up[s].add(o)
        todo = list(nodes)
        while todo:  # background knowledge (containment, taxonomy) of the kept nodes
            for parent in up[todo.pop()] - nodes:
                nodes.add(parent)
                todo.append(parent)
    graph = nx.MultiDiGraph()
    no_occ: dict[str, frozenset[str]] = {}
    graph.add_nodes_from(
        (e, _node_attrs(data, e, len(occ), _union(occ) if occ else (), index))
        for e in sorted(nodes) for occ in (node_occ.get(e, no_occ),)
    )
    for key in sorted(data.edges):
        s, relation, o = key
        occ = edge_occ.get(key)
        if occ is None and not (key in background and s in nodes and o in nodes):
            continue
        occ = occ or no_occ
        attrs = _edge_attrs(relation, occ, _union(occ) if occ else ())
        attrs["posts"] = "|".join(sorted(data.posts.get((s, o), ()))) if relation == "memberOf" else ""
        graph.add_edge(s, o, key=_edge_id(s, relation, o), **attrs)
    return graph


def _edge_subgraph(full: nx.MultiDiGraph, keep_edge) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    chosen = [(s, o, k, d) for s, o, k, d in full.edges(keys=True, data=True) if keep_edge(s, o, d)]
    for e in sorted({n for s, o, _, _ in chosen for n in (s, o)}):
        graph.add_node(e, **full.nodes[e])
    for s, o, k, d in chosen:
        graph.add_edge(s, o, key=k, **{name: value for name, value in d.items() if name != "posts"})
    return graph


def _chain(full: nx.MultiDiGraph) -> nx.MultiDiGraph:
    kinds = nx.get_node_attributes(full, "type")

    def keep(s, o, d):
        return (d["label"], kinds[s], kinds[o]) in {("launched", UNION, INITIATIVE), ("benefited", INITIATIVE, GROUP)}

    return _edge_subgraph(full, keep)


def _hierarchy(full: nx.MultiDiGraph) -> nx.MultiDiGraph:
    kinds = nx.get_node_attributes(full, "type")
    places = {o for s, o, d in full.edges(data=True) if d["label"] == "locatedIn" and kinds[s] == UNION and kinds[o] == PLACE}
    todo = list(places)
    while todo:
        place = todo.pop()
        for _, parent, d in full.out_edges(place, data=True):
            if d["label"] == "containedInPlace" and parent not in places:
                places.add(parent)
                todo.append(parent)

    def keep(s, o, d):
        if d["label"] == "subOrganizationOf":
            return UNION in (kinds[s], kinds[o])
        if d["label"] == "locatedIn":
            return kinds[s] == UNION and o in places
        return d["label"] == "containedInPlace" and s in places

    return _edge_subgraph(full, keep)


def _cooperation(data: _Data, full: nx.MultiDiGraph, edge_occ) -> nx.MultiDiGraph:
    kinds = data.kinds
    launchers: dict[tuple[str, str], set[str]] = defaultdict(set)  # (initiative, article) → unions
    dates_of: dict[tuple[str, str], set[str]] = defaultdict(set)
    for (s, relation, o), occ in edge_occ.items():
        if relation == "launched" and kinds[s] == UNION:
            for a, dates in occ.items():
                launchers[(o, a)].add(s)
                dates_of[(o, a)] |= dates
    pairs: dict[tuple[str, str], dict] = defaultdict(lambda: {"articles": set(), "dates": set(), "initiatives": set(), "partner": set()})
    for (initiative, a), unions in launchers.items():
        for u, v in combinations(sorted(unions), 2):
            pair = pairs[(u, v)]
            pair["articles"].add(a)
            pair["dates"] |= dates_of[(initiative, a)]
            pair["initiatives"].add(initiative)
    for (s, relation, o), occ in edge_occ.items():
        if relation == "partner" and kinds[s] == UNION and kinds[o] == UNION and s != o:
            pair = pairs[tuple(sorted((s, o)))]
            for a, dates in occ.items():
                pair["articles"].add(a)
                pair["partner"].add(a)
                pair["dates"] |= dates
    graph = nx.MultiDiGraph(directed=False)
    for e in sorted({n for pair in pairs for n in pair}):
        graph.add_node(e, **full.nodes[e])
    for (u, v), pair in sorted(pairs.items()):
        attrs = _edge_attrs("cooperation", pair["articles"], pair["dates"])
        attrs |= {
            "coLaunched": len(pair["initiatives"]),
            "partnerArticles": len(pair["partner"]),
            "initiatives": "|".join(sorted(data.labels[i] for i in pair["initiatives"])),
        }
        graph.add_edge(u, v, key=_edge_id(u, "cooperation", v), **attrs)
    return graph


def view_graph(
    store: ox.Store,
    *,
    view: str = "full",
    since: dt.date | None = None,
    until: dt.date | None = None,
    province: str | None = None,
) -> nx.MultiDiGraph:
    """One view of the graph in ``store`` as a MultiDiGraph of scalar-attributed nodes and edges.

    ``graph.graph`` holds ``view``, ``directed`` (False for union-cooperation)
    and the filters.  Raises ValueError for an unknown view, an empty window or
    a province the graph does not have.

    >>> view_graph(ox.Store(), view="union-cooperation").graph["directed"]
    False
    """
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r} (views: {', '.join(VIEWS)})")
    if since and until and since > until:
        raise ValueError(f"--since {since} is after --until {until}")
    data = _read(store)
    index = _province_index(data)
    articles = _province_articles(data, index, province) if province else None
    keep = _Filter(since=since, until=until, articles=articles)
    edge_occ, node_occ = _occurrences(data, keep)
    full = _full(data, keep, index, edge_occ, node_occ)
    if view == "full":
        graph = full
    elif view == "unions-initiatives-groups":
        graph = _chain(full)
    elif view == "union-hierarchy":
        graph = _hierarchy(full)
    else:
        graph = _cooperation(data, full, edge_occ)
    graph.graph.update({
        "view": view,
        "directed": view != "union-cooperation",
        "since": since.isoformat() if since else "",
        "until": until.isoformat() if until else "",
        "province": province or "",
    })
    return graph


def node_size(articles: int) -> float:
    """Drawing size of a node from its number of articles (GEXF viz:size, kg plot)."""
    return round(4.0 + 4.0 * math.log2(1 + articles), 3)
