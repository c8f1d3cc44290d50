"""The graph explorer: one HTML page (sigma.js, graphology, ForceAtlas2) that searches an entity, grows its
neighbourhood along the mission chain and lists each fact's evidence sentence.

The same page has two sources of data:

* ``kg serve`` serves it at ``/explore``, where it reads only through the server's own SPARQL
  endpoint (``query``, relative to the page);
* ``kg export --format html`` writes it with a view's data inlined (:func:`view_data`), so it opens
  from disk with no server.

Everything the page needs is in the page: the libraries (``kg/static/explore/vendor.js``, bundled from
npm by ``tools/explorer/build.sh``), the page's script and style, the colours of
:data:`kg.gephi.views.TYPE_COLOURS` and the traditional → simplified character table of :mod:`kg.zh.text` (so a
name typed in traditional characters finds its simplified label).  Nothing loads from the network.

Example:
    >>> html = page()
    >>> b"union-kg explorer" in html and b"KGVendor" in html and b"https://" not in html.split(b"<script>")[0]
    True
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox

from kg import PACKAGE_DIR
from kg.rdf.namespace import UKG as UKG_NS, sparql_prefixes
from kg.gephi.views import RELATIONS, TYPE_COLOURS, view_graph

STATIC = PACKAGE_DIR / "static" / "explore"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
UKG = str(UKG_NS)
#: The relations the page shows, by check box: the mission chain always, the others on demand.
GROUPS = {
    "chain": ["launched", "benefited"],
    "persons": ["memberOf"],
    "places": ["locatedIn", "containedInPlace"],
    "organisations": ["partner", "subOrganizationOf"],
}
#: The edge label of a view that is no property (kg.gephi.views' union-cooperation) → a made-up IRI for the page.
COOPERATION = UKG + "cooperation"

_PREFIXES = sparql_prefixes("rdf", "rdfs", "ukg", "prov", "schema", "oa")
_PROPS = " ".join(f"<{p}>" for p in [*RELATIONS, RDF_TYPE])
# Each property in a sub-select of its own: Oxigraph then joins whole scans by hash (as kg.gephi.views does);
# as one basic graph pattern with OPTIONALs the same read takes about five times as long on a 100x build.
_Q_FACTS = (
    "SELECT ?s ?p ?o ?a ?rule ?confidence ?evidence ?start ?end ?support ?ed WHERE { "
    f"{{ SELECT ?st ?p WHERE {{ VALUES ?p {{ {_PROPS} }} ?st rdf:predicate ?p }} }} "
    "{ SELECT ?st ?s WHERE { ?st rdf:subject ?s } } { SELECT ?st ?o WHERE { ?st rdf:object ?o } } "
    "{ SELECT ?st ?a WHERE { ?st prov:wasDerivedFrom ?a } } { SELECT ?st ?rule WHERE { ?st ukg:rule ?rule } } "
    "{ SELECT ?st ?confidence WHERE { ?st ukg:confidence ?confidence } } "
    "{ SELECT ?st ?evidence WHERE { ?st ukg:evidence ?evidence } } "
    "OPTIONAL { SELECT ?st ?start WHERE { ?st ukg:evidenceSelector/oa:start ?start } } "
    "OPTIONAL { SELECT ?st ?end WHERE { ?st ukg:evidenceSelector/oa:end ?end } } "
    "OPTIONAL { SELECT ?st ?support WHERE { ?st ukg:supportingEvidence ?support } } "
    "OPTIONAL { SELECT ?st ?ed WHERE { ?st ukg:eventDate ?ed } } }"
)
_Q_ARTICLES = "SELECT ?a ?file ?d WHERE { ?a a ukg:Article ; ukg:sourceFile ?file OPTIONAL { ?a schema:datePublished ?d } }"
_Q_ARTICLE_PROVINCES = (
    "SELECT DISTINCT ?a ?province WHERE { ?e ukg:mentionedIn ?a . "
    "?e ukg:locatedIn?/schema:containedInPlace* ?place . ?place ukg:adminLevel \"province\" ; rdfs:label ?province }"
)
_Q_PROVINCES = "SELECT DISTINCT ?province WHERE { ?place ukg:adminLevel \"province\" ; rdfs:label ?province }"


def _static(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def _t2s_pairs() -> str:
    """The traditional → simplified character table of kg.zh.text as one string of (traditional, simplified) pairs."""
    from kg.zh.text import _t2s_tables

    tables = _t2s_tables()
    if tables is None:
        return ""
    return "".join(chr(key) + value for key, value in sorted(tables[0].items()))


def _script_json(value: object) -> str:
    """JSON that is safe inside a <script> element (no "</" to close it, no U+2028/2029 line breaks).

    >>> _script_json({"a": "</script>"})
    '{"a":"<\\\\/script>"}'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def page(*, data: dict | None = None, start: str | None = None) -> bytes:
    """The explorer page: over the SPARQL endpoint beside it (``data`` None), else over ``data``
    (:func:`view_data`), opening on the entity named ``start`` when given.

    >>> b'"mode":"inline"' in page(data={"nodes": [], "edges": [], "articles": [], "facts": {}, "provinces": [], "predicates": []})
    True
    """
    config = {
        "mode": "sparql" if data is None else "inline",
        "colours": TYPE_COLOURS,
        "relations": {label: iri for iri, label in RELATIONS.items()} | {"cooperation": COOPERATION},
        "groups": GROUPS,
        "prefixes": sparql_prefixes("rdf", "rdfs", "skos", "schema", "prov", "oa", "ukg"),
        "ukg": UKG,
        "t2s": _t2s_pairs(),
        "start": start,
    }
    vendor, app = _static("vendor.js"), _static("explore.js")
    if "</script" in vendor.lower() or "</script" in app.lower():  # would end the inline script early
        raise RuntimeError("kg/static/explore: a script holds '</script'")
    parts = {
        "/*CSS*/": _static("explore.css"),
        "/*CONFIG*/": _script_json(config),
        "/*DATA*/": "" if data is None else f"window.KG_DATA = {_script_json(data)};",
        "/*VENDOR*/": vendor,
        "/*APP*/": app,
    }
    # one pass: a mark inside inserted text (an evidence sentence quoting "/*APP*/") stays as it is
    html = re.sub(r"/\*(?:CSS|CONFIG|DATA|VENDOR|APP)\*/", lambda match: parts[match.group()], _static("explore.html"))
    return html.encode("utf-8")


def _rows(store: ox.Store, query: str):
    for solution in store.query(_PREFIXES + query, use_default_graph_as_union=True):
        yield tuple(None if term is None else term.value for term in solution)


def view_data(store: ox.Store, *, view: str = "full", since: dt.date | None = None, until: dt.date | None = None,
              province: str | None = None) -> dict:
    """A view of the graph in ``store`` (:func:`kg.gephi.views.view_graph`) with its facts, as the page's inline data:
    ``nodes`` [iri, type, label, articles, altLabels], ``edges`` [subject index, predicate index, object index,
    [[article index, date]...]], ``predicates`` (IRIs), ``articles`` [iri, source file, date, [provinces]],
    ``facts`` ("s p o" → [[article index, date, rule, confidence, evidence, start, end, supporting evidence]]),
    ``provinces``.  The window and province filter the view as kg export does; the page filters again.

    >>> import pyoxigraph as ox
    >>> view_data(ox.Store())["nodes"]
    []
    """
    network = view_graph(store, view=view, since=since, until=until, province=province)
    node_ids = sorted(network.nodes)
    index = {e: i for i, e in enumerate(node_ids)}
    nodes = [[e, a["type"], a["label"], a["articles"], a["altLabels"]] for e in node_ids for a in (network.nodes[e],)]
    by_label = {label: iri for iri, label in RELATIONS.items()} | {"cooperation": COOPERATION}
    pairs = sorted({(s, by_label[d["label"]], o) for s, o, d in network.edges(data=True)})
    wanted = {f"{s} {p} {o}" for s, p, o in pairs} | {f"{e} {RDF_TYPE} {UKG}{network.nodes[e]['type']}" for e in node_ids}

    articles: dict[str, list] = {}
    for a, file, date in sorted(_rows(store, _Q_ARTICLES)):
        articles.setdefault(a, [a, file, date or "", []])
    for a, name in sorted(_rows(store, _Q_ARTICLE_PROVINCES)):
        if a in articles:
            articles[a][3].append(name)
    article_ids = sorted(articles)
    article_index = {a: i for i, a in enumerate(article_ids)}

    facts: dict[str, list] = defaultdict(list)
    occurrences: dict[str, set] = defaultdict(set)
    for s, p, o, a, rule, confidence, evidence, start, end, support, event in _rows(store, _Q_FACTS):
        key = f"{s} {p} {o}"
        if key not in wanted or a not in article_index:
            continue
        i = article_index[a]
        date = articles[a][2] or event or ""
        facts[key].append([i, date, rule, float(confidence), evidence, int(start) if start else None,
                           int(end) if end else None, support or ""])
        occurrences[key].add((i, date))
    for found in facts.values():
        found.sort(key=lambda f: (article_ids[f[0]], -f[3], f[2], f[4]))
    predicates = sorted({p for _, p, _ in pairs})
    p_index = {p: i for i, p in enumerate(predicates)}
    edges = [[index[s], p_index[p], index[o], [list(x) for x in sorted(occurrences.get(f"{s} {p} {o}", ()))]] for s, p, o in pairs]
    return {
        "view": view,
        "nodes": nodes,
        "edges": edges,
        "predicates": predicates,
        "articles": [articles[a] for a in article_ids],
        "facts": dict(sorted(facts.items())),
        "provinces": sorted({name for (name,) in _rows(store, _Q_PROVINCES)}),
    }
