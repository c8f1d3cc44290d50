"""Explain: everything the graph says about one entity, with evidence.

Per article, the rule (with its description from the rule registry, kg/data/rules-v1.tsv) and the confidence
that made the entity what it is (its mentions' ``rdf:type`` statements), then its facts.

Example:
    >>> import pyoxigraph as ox
    >>> explain(ox.Store(), "某市总工会")
    []
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from kg.store.query import run_query
from kg.rules.registry import describe

# ?name and ?e are bound by kg.store.query.run_query's params (VALUES), the one way to bind a query parameter.
ENTITY_QUERY = """
SELECT DISTINCT ?e ?type ?label WHERE {
  ?e rdfs:label|skos:altLabel ?found ; a ?t ; rdfs:label ?label .
  FILTER (STR(?found) = STR(?name) && STRSTARTS(STR(?t), STR(ukg:)))
  BIND(STRAFTER(STR(?t), "#") AS ?type)
} ORDER BY ?e
"""
FACTS_QUERY = """
SELECT DISTINCT ?direction ?predicate ?other ?file ?evidence ?rule ?confidence WHERE {
  { ?st rdf:subject ?e ; rdf:object ?x . BIND("→" AS ?direction) }
  UNION
  { ?st rdf:object ?e ; rdf:subject ?x . BIND("←" AS ?direction) }
  ?st a rdf:Statement ; rdf:predicate ?p ; prov:wasDerivedFrom ?a ;
      ukg:evidence ?evidence ; ukg:rule ?rule ; ukg:confidence ?confidence .
  FILTER (?p != rdf:type)
  ?a ukg:sourceFile ?file .
  OPTIONAL { ?x rdfs:label ?l }
  BIND(COALESCE(?l, STR(?x)) AS ?other)
  BIND(REPLACE(STR(?p), "^.*[#/]", "") AS ?predicate)
} ORDER BY ?file ?predicate ?other ?evidence
"""
# Why the entity is of its class in each article: the rule and confidence of its mentions there.
MADE_QUERY = """
SELECT DISTINCT ?file ?position ?rule ?confidence ?evidence WHERE {
  ?st a rdf:Statement ; rdf:subject ?e ; rdf:predicate rdf:type ; prov:wasDerivedFrom ?a ;
      ukg:evidence ?evidence ; ukg:rule ?rule ; ukg:confidence ?confidence .
  ?a ukg:sourceFile ?file ; ukg:position ?position .
} ORDER BY ?file ?position DESC(?confidence) ?rule
"""
DETAILS_QUERY = """
SELECT DISTINCT ?property ?value WHERE {
  { ?e skos:altLabel ?v BIND("altLabel" AS ?property) }
  UNION { ?e ukg:mentionedIn/ukg:sourceFile ?v BIND("mentionedIn" AS ?property) }
  UNION { ?e ukg:locatedIn/schema:containedInPlace*/rdfs:label ?v BIND("locatedIn" AS ?property) }
  UNION { ?e skos:broader+/rdfs:label ?v BIND("broader" AS ?property) }
  UNION { ?m org:member ?e ; ukg:postTitle ?post ; org:organization/rdfs:label ?org
          BIND("post" AS ?property) BIND(CONCAT(?post, " @ ", ?org) AS ?v) }
  BIND(STR(?v) AS ?value)
} ORDER BY ?property ?value
"""


@dataclass(frozen=True)
class Explanation:
    iri: str
    kind: str
    label: str
    details: tuple[tuple[str, str], ...]
    facts: tuple[tuple[str, ...], ...]  # (direction, predicate, other, file, evidence, rule, confidence)
    made: tuple[tuple[str, ...], ...] = ()  # (file, position, rule, confidence, evidence): why it is of its kind


def explain(store: ox.Store, label: str) -> list[Explanation]:
    """Every entity whose label or alternative label is ``label``, with its details and facts."""
    found = run_query(store, ENTITY_QUERY, params={"name": ox.Literal(label)})
    explanations = []
    for iri, kind, canonical in found.rows:
        node = ox.NamedNode(iri)
        details = run_query(store, DETAILS_QUERY, params={"e": node}).rows
        facts = run_query(store, FACTS_QUERY, params={"e": node}).rows
        made = run_query(store, MADE_QUERY, params={"e": node}).rows
        explanations.append(Explanation(iri=iri, kind=kind, label=canonical, details=tuple(details), facts=tuple(facts),
                                        made=tuple(made)))
    return explanations


def format_explanations(explanations: list[Explanation]) -> str:
    lines: list[str] = []
    for e in explanations:
        lines.append(f"{e.label}  ({e.kind})  <{e.iri}>")
        for prop, value in e.details:
            lines.append(f"  {prop}: {value}")
        for file, position, rule, confidence, evidence in e.made:
            lines.append(f"  made by {rule} ({float(confidence):.2f})   [{file} #{position}]")
            if description := describe(rule):
                lines.append(f"      {description}")
            lines.append(f"      “{evidence}”")
        for direction, predicate, other, file, evidence, rule, confidence in e.facts:
            lines.append(f"  {direction} {predicate} {other}   [{file}; {rule}; {float(confidence):.2f}]")
            lines.append(f"      “{evidence}”")
        lines.append("")
    return "\n".join(lines).rstrip()


def render_html(articles: list, *, nlp, label: str) -> str:
    """A displaCy page (spaCy's span view) of ``articles``, each with every mention the pipeline found
    marked by its kind, headed by its source file and position: what a linguist reads to see why
    ``label`` is what it is.  Mentions of ``label`` itself are listed under each article's heading.

    >>> from kg.extract.nlp import make_nlp
    >>> from kg.records import Article
    >>> page = render_html([Article(id="a.txt#0", source_file="a.txt", position=0,
    ...     text="青禾县总工会为环卫工人开展“夏送清凉”活动。")], nlp=make_nlp(), label="环卫工人")
    >>> "BeneficiaryGroup" in page and "a.txt #0" in page
    True
    """
    import html

    from spacy import displacy

    from kg.extract.nlp import process

    sections = []
    for article in articles:
        doc = process(nlp, article)
        own = sorted({m.text for m in doc._.ukg_mentions if label in (m.label, m.text)})
        body = displacy.render(doc, style="span", options={"spans_key": "mentions"}, page=False, jupyter=False)
        sections.append(f"<h2>{html.escape(article.source_file)} #{article.position}</h2>"
                        f"<p>{html.escape(label)}: {html.escape('、'.join(own)) or '—'}</p>{body}")
    return ("<!DOCTYPE html><html lang='zh'><head><meta charset='utf-8'>"
            f"<title>{html.escape(label)}: mentions</title></head><body style='font-family: sans-serif'>"
            f"<h1>{html.escape(label)}</h1>" + "".join(sections) + "</body></html>")
