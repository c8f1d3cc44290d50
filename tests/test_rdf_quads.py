"""kg.rdf.quads and kg.rdf.resolve on small hand-made extractions, compared by graph isomorphism."""

from __future__ import annotations

from dataclasses import replace

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph
from rdflib.compare import graph_diff, to_isomorphic

from conftest import SEEDS
from kg.rdf.quads import _nquads_text, article_nquads, article_quads, build_quads, sort_quads
from kg.records import (
    BENEFITED, GROUP, INITIATIVE, LAUNCHED, MEASURES, MEMBERSHIP, PERSON, PLACE, PREDICATES, QUANTITY, UNION,
    Article, Extraction, Mention, Relation,
)
from kg.rdf.resolve import entity_iri, iri_segment

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
        ?a a ukg:Article . ?sel a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end
        FILTER (?p != rdf:type) }""")
    predicates = {row[0].rsplit("#", 1)[1] for row in rows}
    assert predicates == {"launched", "benefited", "memberOf", "measures"}
    for _, evidence, start, end, rule, conf in rows:
        assert TEXT[int(start):int(end)] == evidence
        assert rule.startswith("test.") and 0 <= float(conf) <= 1


def test_every_entity_says_by_which_rule_it_is_of_its_kind_in_the_article(graph: Graph) -> None:
    rows = query(graph, """SELECT ?e ?class ?rule ?conf ?evidence ?start ?end WHERE {
        ?s a rdf:Statement ; rdf:subject ?e ; rdf:predicate rdf:type ; rdf:object ?class ; prov:wasDerivedFrom ?a ;
           ukg:rule ?rule ; ukg:confidence ?conf ; ukg:evidence ?evidence ; ukg:evidenceSelector ?sel .
        ?a a ukg:Article . ?sel oa:start ?start ; oa:end ?end }""")
    # one statement per entity and rule: the two mentions of the union give one, with the first one's sentence
    assert len(rows) == len({m.key for m in EXTRACTION.mentions} - {(QUANTITY, MONEY.label)}) + 1
    by_class = {row[1].rsplit("#", 1)[1]: row for row in rows}
    assert set(by_class) == {"UnionBody", "Initiative", "BeneficiaryGroup", "Person", "Quantity"}
    for kind, (_e, _c, rule, conf, evidence, start, end) in by_class.items():
        assert rule == f"test.{kind.lower()}/v1" and float(conf) == 0.9
        assert TEXT[int(start):int(end)] == evidence
    assert by_class["UnionBody"][4] == TEXT[S1[0]:S1[1]] and by_class["Person"][4] == TEXT[S2[0]:S2[1]]


def test_an_entity_made_by_two_rules_in_an_article_has_two_statements_with_the_best_confidences() -> None:
    again = replace(UNION_ANAPHOR, rule="test.other/v1", confidence=0.4)
    better = replace(UNION_M, start=UNION_ANAPHOR.start, end=UNION_ANAPHOR.end, confidence=0.95)
    quads, _ = build_quads([replace(EXTRACTION, mentions=(UNION_M, again, better), relations=())])
    rows = query(to_rdflib(quads), """SELECT ?rule ?conf ?start WHERE { ?s rdf:predicate rdf:type ; ukg:rule ?rule ;
        ukg:confidence ?conf ; ukg:evidenceSelector/oa:start ?start }""")
    assert rows == {("test.unionbody/v1", "0.95", "0"), ("test.other/v1", "0.4", str(S2[0]))}


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


# --- article_nquads: the build's N-Quads, written as text, must be what Oxigraph writes for article_quads.

def oxigraph_nquads(extraction: Extraction) -> bytes:
    return ox.serialize(list(article_quads(extraction)), format=ox.RdfFormat.N_QUADS)


def outcome(make, extraction: Extraction):
    """The bytes ``make`` returns, or the type and message of what it raises."""
    try:
        return make(extraction)
    except Exception as error:  # noqa: BLE001 - compared, not swallowed
        return (type(error).__name__, str(error))


def test_article_nquads_is_what_oxigraph_writes_for_every_seed_article(nlp) -> None:
    from kg.build.pool import _read
    from kg.extract.article import extract

    seen = 0
    for path in sorted(p for p in SEEDS.iterdir() if p.is_file()):
        articles, _, _ = _read(path, path.name)
        for article in articles:
            extraction = extract(article, nlp=nlp)
            expected = oxigraph_nquads(extraction)
            assert _nquads_text(extraction) == expected, article.id
            assert article_nquads(extraction) == expected
            seen += 1
    assert seen >= 40


# Characters Oxigraph escapes in literals, or refuses in IRIs, or that are merely unusual.
TRICKY = ('"\\\n\r\t\b\f\x00\x01\x0b\x1f\x7f\x80\x9f \u00a0\u2028\ufeff\ufdd0\ufffd\ufffe\uffff\ue000'
          '\U0010fffd\U0001f600\U00020000<>{}|^`%#?/:@&\'')
chars = st.one_of(st.sampled_from(TRICKY), st.characters(codec="utf-8"))  # utf-8: no lone surrogates
texts = st.text(chars, max_size=8)


@st.composite
def extractions(draw) -> Extraction:
    text = draw(st.text(chars, min_size=1, max_size=40))
    article = Article(id=draw(texts), source_file=draw(texts), position=draw(st.integers(0, 10**6)), text=text,
                      headline=draw(texts), date=draw(st.one_of(st.none(), texts)),
                      url=draw(st.one_of(st.none(), texts, texts.map("http://example.org/".__add__))))

    def mention(kind: str) -> Mention:
        start = draw(st.integers(0, len(text)))
        attrs = {QUANTITY: (("value", draw(st.sampled_from(["5", "0.5", "1e3", "12"]))), ("unit", draw(texts)),
                            ("approximate", draw(st.sampled_from(["true", "false"]))), ("raw", draw(texts))),
                 PLACE: (("code", draw(st.one_of(st.from_regex(r"\d{6}", fullmatch=True), texts))),)}.get(kind, ())
        return Mention(kind=kind, text=draw(texts), start=start, end=start + draw(st.integers(0, 5)),
                       label=draw(texts), rule=draw(texts), confidence=draw(st.floats(-1, 2)), attrs=attrs)

    kinds = st.sampled_from([UNION, INITIATIVE, GROUP, PERSON, PLACE, QUANTITY])
    mentions = [mention(draw(kinds)) for _ in range(draw(st.integers(0, 4)))]
    relations = []
    for _ in range(draw(st.integers(0, 4))):
        # The rules' relations hold the article's own mentions; equal copies and strangers must do as well.
        subject, obj = (draw(st.sampled_from(mentions)) if mentions and draw(st.booleans()) else mention(draw(kinds))
                        for _ in range(2))
        start = draw(st.integers(0, len(text)))
        attrs = {"role": draw(texts), "date": draw(st.sampled_from(["2023", "2023-06", "2023-06-01"]))}
        relations.append(Relation(predicate=draw(st.sampled_from(PREDICATES)), subject=subject, object=obj,
                                  sentence_start=start, sentence_end=start + draw(st.integers(0, 30)), rule=draw(texts),
                                  confidence=draw(st.floats(0, 1)),
                                  attrs=tuple((k, v) for k, v in attrs.items() if draw(st.booleans()))))
    return Extraction(article=article, mentions=tuple(mentions), relations=tuple(relations))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(extractions())
def test_article_nquads_is_what_oxigraph_writes_or_fails_the_same(extraction: Extraction) -> None:
    expected = outcome(oxigraph_nquads, extraction)
    assert outcome(article_nquads, extraction) == expected
    if isinstance(expected, bytes):  # the text path itself, not the fallback to Oxigraph
        assert _nquads_text(extraction) == expected


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"mentions": (m(UNION, "某市总工会", "某市\ufffd总工会"),)}, ("ValueError", "Invalid IRI code point '\ufffd'")),
        ({"relations": (rel(MEMBERSHIP, PERSON_M, UNION_M, S2, role="\ue000主席"),)}, ("ValueError", "Invalid IRI code point '\ue000'")),
        ({"relations": (rel(LAUNCHED, m(UNION, "某市总工会", "\U000f0000"), INIT, S1),)},  # not among the mentions
         ("ValueError", "Invalid IRI code point '\U000f0000'")),
        ({"mentions": (m(UNION, "某市总工会", "某市总工会\ud800"),)}, None),
        ({"article": Article(id="a#0", source_file="a", position=0, text=TEXT, headline="\udc80")}, None),
        ({"article": Article(id="a#0", source_file="a", position=0, text=TEXT, url="not an iri")}, b""),
        ({"article": Article(id="a#0", source_file="a", position=0, text=TEXT, url="http://a/\ud800")}, b""),
    ],
)
def test_article_nquads_on_what_oxigraph_refuses(change: dict, error) -> None:
    """An invalid IRI fails the article (the build reports it), a URL that is not an IRI is left out."""
    extraction = replace(EXTRACTION, **change)
    expected = outcome(oxigraph_nquads, extraction)
    assert outcome(article_nquads, extraction) == expected
    if error is None:  # lone surrogates: whatever Oxigraph says, it must fail
        assert not isinstance(expected, bytes)
    elif isinstance(error, bytes):
        assert isinstance(expected, bytes) and b"schema.org/url" not in expected
    else:
        assert expected == error


def test_literals_are_escaped_as_oxigraph_escapes_every_code_point() -> None:
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    extraction = replace(EXTRACTION, article=replace(ARTICLE, headline=every, source_file=every[::-1]))
    assert _nquads_text(extraction) == oxigraph_nquads(extraction)
