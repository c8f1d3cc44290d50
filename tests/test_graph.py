"""kg.graph and kg.resolve on small hand-made extractions, compared by graph isomorphism."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import graph_diff, to_isomorphic

from kg.graph import build_quads, sort_quads
from kg.records import (
    BENEFITED, GROUP, INITIATIVE, LAUNCHED, MEASURES, MEMBERSHIP, PERSON, QUANTITY, UNION,
    Article, Extraction, Mention, Relation,
)
from kg.resolve import entity_iri, iri_segment

TEXT = "某市总工会近日启动“暖心驿站”建设,为户外劳动者提供休息场所。市总工会副主席张某说,共投入50万元。"
ARTICLE = Article(id="page.txt#0", source_file="page.txt", position=0, text=TEXT, headline="暖心驿站", date="2023-06-01")


def m(kind: str, surface: str, label: str | None = None, *, occurrence: int = 0, attrs=()) -> Mention:
    start = -1
    for _ in range(occurrence + 1):
        start = TEXT.index(surface, start + 1)
    return Mention(kind=kind, text=surface, start=start, end=start + len(surface), label=label or surface,
                   rule=f"test.{kind.lower()}/v1", confidence=0.9, attrs=attrs)


UNION_M = m(UNION, "某市总工会")
UNION_ANAPHOR = m(UNION, "市总工会", "某市总工会", occurrence=1)
INIT = m(INITIATIVE, "“暖心驿站”")
GROUP_M = m(GROUP, "户外劳动者")
PERSON_M = m(PERSON, "张某")
MONEY = m(QUANTITY, "50万元", attrs=(("value", "500000"), ("unit", "CNY"), ("approximate", "false"), ("raw", "50万元")))
S1 = (0, TEXT.index("。") + 1)
S2 = (S1[1], len(TEXT))


def rel(predicate, subject, obj, sentence, **attrs) -> Relation:
    return Relation(predicate=predicate, subject=subject, object=obj, sentence_start=sentence[0],
                    sentence_end=sentence[1], rule=f"test.{predicate}/v1", confidence=0.8, attrs=tuple(attrs.items()))


EXTRACTION = Extraction(
    article=ARTICLE,
    mentions=(UNION_M, INIT, GROUP_M, UNION_ANAPHOR, PERSON_M, MONEY),
    relations=(
        rel(LAUNCHED, UNION_M, INIT, S1),
        rel(BENEFITED, INIT, GROUP_M, S1),
        rel(MEMBERSHIP, PERSON_M, UNION_ANAPHOR, S2, role="副主席"),
        rel(MEASURES, MONEY, INIT, S2),
    ),
)


def to_rdflib(quads) -> Graph:
    data = ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in quads], format=ox.RdfFormat.N_TRIPLES)
    return Graph().parse(data=data, format="nt")


def query(graph: Graph, sparql: str) -> set[tuple[str, ...]]:
    prefixes = """PREFIX ukg: <https://w3id.org/union-kg/ontology#> PREFIX org: <http://www.w3.org/ns/org#>
    PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    PREFIX oa: <http://www.w3.org/ns/oa#> """
    return {tuple(str(v) for v in row) for row in graph.query(prefixes + sparql)}


@pytest.fixture(scope="module")
def graph() -> Graph:
    quads, _ = build_quads([EXTRACTION])
    return to_rdflib(quads)


@pytest.mark.parametrize(
    ("sparql", "expected"),
    [
        ("SELECT ?u ?i WHERE { ?s ukg:launched ?o . ?s rdfs:label ?u . ?o rdfs:label ?i }",
         {("某市总工会", "“暖心驿站”")}),
        ("SELECT ?i ?g WHERE { ?s ukg:benefited ?o . ?s rdfs:label ?i . ?o rdfs:label ?g }",
         {("“暖心驿站”", "户外劳动者")}),
        ("SELECT ?p ?o ?post WHERE { ?m a org:Membership ; org:member/rdfs:label ?p ; org:organization/rdfs:label ?o ;"
         " ukg:postTitle ?post }", {("张某", "某市总工会", "副主席")}),
        ("SELECT ?v ?u ?a ?i WHERE { ?q a ukg:Quantity ; ukg:value ?v ; ukg:unit ?u ; ukg:approximate ?a ;"
         " ukg:measures/rdfs:label ?i }", {("500000.0", "CNY", "false", "“暖心驿站”")}),
        ("SELECT ?f ?d WHERE { ?a a ukg:Article ; ukg:sourceFile ?f ; <https://schema.org/datePublished> ?d }",
         {("page.txt", "2023-06-01")}),
        ("SELECT ?alt WHERE { ?u a ukg:UnionBody ; skos:altLabel ?alt }", {("市总工会",)}),
        ("SELECT (COUNT(?l) AS ?n) WHERE { ?u a ukg:UnionBody ; rdfs:label ?l }", {("1",)}),
    ],
)
def test_graph_answers(graph: Graph, sparql: str, expected: set) -> None:
    assert query(graph, sparql) == expected


def test_every_relation_is_a_statement_with_provenance(graph: Graph) -> None:
    rows = query(graph, """SELECT ?p ?evidence ?start ?end ?rule ?conf WHERE {
        ?s a rdf:Statement ; rdf:predicate ?p ; prov:wasDerivedFrom ?a ; ukg:evidence ?evidence ;
           ukg:rule ?rule ; ukg:confidence ?conf ; ukg:evidenceSelector ?sel .
        ?a a ukg:Article . ?sel a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end }""")
    predicates = {row[0].rsplit("#", 1)[1] for row in rows}
    assert predicates == {"launched", "benefited", "memberOf", "measures"}
    for _, evidence, start, end, rule, conf in rows:
        assert TEXT[int(start):int(end)] == evidence
        assert rule.startswith("test.") and 0 <= float(conf) <= 1


def test_same_input_gives_isomorphic_and_identical_graphs() -> None:
    first, _ = build_quads([EXTRACTION])
    second, _ = build_quads([EXTRACTION])
    assert [str(q) for q in sort_quads(first)] == [str(q) for q in sort_quads(second)]
    one, two = to_isomorphic(to_rdflib(first)), to_isomorphic(to_rdflib(second))
    _, only_first, only_second = graph_diff(one, two)
    assert one == two, f"only in first: {list(only_first)[:5]} only in second: {list(only_second)[:5]}"


def test_article_facts_go_to_the_article_graph_and_entities_to_the_entities_graph() -> None:
    quads, _ = build_quads([EXTRACTION])
    graphs = {q.graph_name.value for q in quads}
    assert graphs == {"https://w3id.org/union-kg/id/graph/entities", sorted(graphs - {"https://w3id.org/union-kg/id/graph/entities"})[0]}
    labels = [q for q in quads if q.predicate.value.endswith("rdf-schema#label") and "union/" in q.subject.value]
    assert [q.graph_name.value for q in labels] == ["https://w3id.org/union-kg/id/graph/entities"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("滨海县总工会", "滨海县总工会"), ("“晒台(在线)”栏目", "“晒台(在线)”栏目"), ("a b/c#d", "a%20b%2Fc%23d")],
)
def test_iri_segment_keeps_chinese_and_escapes_unsafe(text: str, expected: str) -> None:
    assert iri_segment(text) == expected
    ox.NamedNode(entity_iri(UNION, text))  # a valid IRI


def test_a_dated_relation_gets_an_event_date_on_its_statement() -> None:
    dated = Extraction(article=ARTICLE, mentions=(UNION_M, INIT), relations=(
        rel(LAUNCHED, UNION_M, INIT, S1, date="2023-05", dateText="5月", dateRule="date.sentence/v1"),))
    quads, _ = build_quads([dated])
    dates = [q.object for q in quads if q.predicate.value.endswith("#eventDate")]
    assert [(d.value, d.datatype.value) for d in dates] == [("2023-05", "http://www.w3.org/2001/XMLSchema#gYearMonth")]
    undated, _ = build_quads([EXTRACTION])
    assert not [q for q in undated if q.predicate.value.endswith("#eventDate")]
