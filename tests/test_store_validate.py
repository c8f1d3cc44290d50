"""kg.store.validate: the shapes accept the graph kg.rdf.quads writes and catch broken ones.

Each broken variant is the conforming fixture (tests/data/validate/good.ttl)
with a few triples removed and a few added, both written in Turtle.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDFS, Graph, URIRef

from kg.rdf.namespace import UKG
from kg.store.validate import ValidationResult, load_ontology, load_shapes, validate

DATA = Path(__file__).parent / "data" / "validate"
GOOD = DATA / "good.ttl"

PREFIXES = """
@prefix ukg:    <https://w3id.org/union-kg/ontology#> .
@prefix org:    <http://www.w3.org/ns/org#> .
@prefix prov:   <http://www.w3.org/ns/prov#> .
@prefix schema: <https://schema.org/> .
@prefix skos:   <http://www.w3.org/2004/02/skos/core#> .
@prefix oa:     <http://www.w3.org/ns/oa#> .
@prefix rdf:    <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs:   <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:    <http://www.w3.org/2001/XMLSchema#> .
""" + "".join(
    f"@prefix {kind}: <https://w3id.org/union-kg/id/{kind}/> .\n"
    for kind in ("article", "union", "initiative", "group", "place", "person",
                 "organization", "membership", "role", "quantity", "statement")
)
SELECTOR1 = "<https://w3id.org/union-kg/id/statement/s1/selector>"


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes()


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_ontology()


def variant(*, remove: str = "", add: str = "") -> Graph:
    """The good fixture minus the ``remove`` triples plus the ``add`` triples."""
    graph = Graph().parse(GOOD, format="turtle")
    removed = Graph().parse(data=PREFIXES + remove, format="turtle")
    for triple in removed:
        assert triple in graph, f"fixture lacks {triple}"
        graph.remove(triple)
    graph.parse(data=PREFIXES + add, format="turtle")
    return graph


def test_good_graph_conforms(shapes: Graph, ontology: Graph) -> None:
    result = validate(variant(), shapes=shapes, ontology=ontology)
    assert result == ValidationResult(conforms=True, violations=0, text="Conforms: no violations")


def test_defaults_load_the_repository_shapes() -> None:
    broken = variant(add="union:u1 rdfs:label '另一个名称'@zh .")
    assert validate(variant()).conforms
    assert not validate(broken).conforms


def test_data_graph_is_not_changed(shapes: Graph, ontology: Graph) -> None:
    graph = variant()
    before = len(graph)
    validate(graph, shapes=shapes, ontology=ontology)
    assert len(graph) == before


# (id, remove, add, focus node, path, message fragment)
BROKEN = [
    (
        "measures a dangling IRI",
        "quantity:q1 ukg:measures initiative:i1 .",
        "quantity:q1 ukg:measures initiative:gone .",
        "id:quantity/q1",
        "ukg:measures",
        "an rdf:type and an rdfs:label (not a dangling IRI)",
    ),
    (
        "benefited an untyped, unlabelled group",
        "",
        "initiative:i1 ukg:benefited group:gone .",
        "id:initiative/i1",
        "ukg:benefited",
        "an rdf:type and an rdfs:label (not a dangling IRI)",
    ),
    (
        "partner without a label",
        "",
        "union:u1 ukg:partner organization:o9 . organization:o9 a ukg:Organization .",
        "id:union/u1",
        "ukg:partner",
        "an rdf:type and an rdfs:label (not a dangling IRI)",
    ),
    (
        "two labels",
        "",
        "union:u1 rdfs:label '宁波总工会'@zh .",
        "id:union/u1",
        "rdfs:label",
        "exactly one rdfs:label, a non-empty @zh literal [MaxCount]",
    ),
    (
        "label without @zh",
        "person:p1 rdfs:label '张三'@zh .",
        "person:p1 rdfs:label '张三' .",
        "id:person/p1",
        "rdfs:label",
        "@zh literal [LanguageIn]",
    ),
    (
        "label @en",
        "initiative:i1 rdfs:label '送温暖活动'@zh .",
        "initiative:i1 rdfs:label 'Sending warmth'@en .",
        "id:initiative/i1",
        "rdfs:label",
        "@zh literal",
    ),
    (
        "altLabel without @zh",
        "",
        "union:u1 skos:altLabel '市总' .",
        "id:union/u1",
        "skos:altLabel",
        "@zh literal",
    ),
    (
        "union not mentioned in an article",
        "union:u1 ukg:mentionedIn article:a1 .",
        "",
        "id:union/u1",
        "ukg:mentionedIn",
        "at least one ukg:Article",
    ),
    (
        "mentionedIn points to a non-article",
        "",
        "person:p1 ukg:mentionedIn union:u1 .",
        "id:union/u1",
        "(node)",
        "object of ukg:mentionedIn must be a ukg:Article",
    ),
    (
        "statement without evidence",
        "statement:s1 ukg:evidence '宁波市总工会开展送温暖活动，惠及困难职工。'@zh .",
        "",
        "id:statement/s1",
        "ukg:evidence",
        "exactly one ukg:evidence, a non-empty string [MinCount]",
    ),
    (
        "confidence 1.5",
        "statement:s1 ukg:confidence 0.9 .",
        "statement:s1 ukg:confidence 1.5 .",
        "id:statement/s1",
        "ukg:confidence",
        "in [0, 1] [MaxInclusive]",
    ),
    (
        "confidence as a string",
        "statement:s1 ukg:confidence 0.9 .",
        "statement:s1 ukg:confidence '0.9' .",
        "id:statement/s1",
        "ukg:confidence",
        "xsd:decimal",
    ),
    (
        "statement from no article",
        "statement:s1 prov:wasDerivedFrom article:a1 .",
        "",
        "id:statement/s1",
        "prov:wasDerivedFrom",
        "exactly one prov:wasDerivedFrom",
    ),
    (
        "statement with an unknown predicate",
        "statement:s1 rdf:predicate ukg:launched .",
        "statement:s1 rdf:predicate ukg:mentionedIn .",
        "id:statement/s1",
        "rdf:predicate",
        "one of the extracted relations",
    ),
    (
        "selector start after end",
        f"{SELECTOR1} oa:start '0'^^xsd:nonNegativeInteger .",
        f"{SELECTOR1} oa:start '25'^^xsd:nonNegativeInteger .",
        "id:statement/s1/selector",
        "oa:start",
        "<= oa:end [LessThanOrEquals]",
    ),
    (
        "launched from a Person",
        "",
        "person:p1 ukg:launched initiative:i1 .",
        "id:person/p1",
        "(node)",
        "subject of ukg:launched must be a ukg:UnionBody [Class]",
    ),
    (
        "launched to a group",
        "",
        "union:u1 ukg:launched group:g1 .",
        "id:union/u1",
        "ukg:launched",
        "must point to a ukg:Initiative",
    ),
    (
        "benefited from a union",
        "",
        "union:u1 ukg:benefited group:g1 .",
        "id:union/u1",
        "(node)",
        "subject of ukg:benefited must be a ukg:Initiative",
    ),
    (
        "membership without member",
        "membership:m1 org:member person:p1 .",
        "",
        "id:membership/m1",
        "org:member",
        "exactly one org:member, a ukg:Person [MinCount]",
    ),
    (
        "membership in a place",
        "membership:m1 org:organization union:u1 .",
        "membership:m1 org:organization place:ningbo .",
        "id:membership/m1",
        "org:organization",
        "ukg:UnionBody or ukg:Organization",
    ),
    (
        "article without sourceFile",
        "article:a1 ukg:sourceFile '000_x.txt' .",
        "",
        "id:article/a1",
        "ukg:sourceFile",
        "exactly one ukg:sourceFile, a non-empty xsd:string [MinCount]",
    ),
    (
        "article with a string position",
        "article:a1 ukg:position 0 .",
        "article:a1 ukg:position '0' .",
        "id:article/a1",
        "ukg:position",
        "xsd:integer",
    ),
    (
        "quantity value not decimal",
        "quantity:q1 ukg:value 60000000.0 .",
        "quantity:q1 ukg:value '6000多万' .",
        "id:quantity/q1",
        "ukg:value",
        "xsd:decimal",
    ),
    (
        "quantity without unit",
        "quantity:q1 ukg:unit 'CNY' .",
        "",
        "id:quantity/q1",
        "ukg:unit",
        "exactly one ukg:unit",
    ),
    (
        "place with an unknown admin level",
        "place:ningbo ukg:adminLevel 'city' .",
        "place:ningbo ukg:adminLevel 'prefecture' .",
        "id:place/ningbo",
        "ukg:adminLevel",
        "ukg:adminLevel",
    ),
    (
        "group outside the scheme",
        "group:g1 skos:inScheme <https://w3id.org/union-kg/id/scheme/beneficiary-groups> .",
        "",
        "id:group/g1",
        "skos:inScheme",
        "beneficiary-groups scheme",
    ),
    (
        "both organisation and union",
        "",
        "union:u1 a ukg:Organization .",
        "id:union/u1",
        "(node)",
        "both ukg:Organization and ukg:UnionBody",
    ),
]


@pytest.mark.parametrize(
    ("remove", "add", "focus", "path", "message"),
    [row[1:] for row in BROKEN],
    ids=[row[0] for row in BROKEN],
)
def test_broken_graph_fails_with_expected_result(
    shapes: Graph, ontology: Graph, remove: str, add: str, focus: str, path: str, message: str
) -> None:
    result = validate(variant(remove=remove, add=add), shapes=shapes, ontology=ontology)
    assert not result.conforms
    assert result.violations >= 1
    lines = result.text.splitlines()
    assert lines[-1].startswith("Does not conform:")
    expected = f"Violation: {focus} {path}: "
    matching = [line for line in lines if line.startswith(expected)]
    assert matching, f"no line starting {expected!r} in:\n{result.text}"
    assert any(message in line for line in matching), result.text
    # the report leads with the violations
    assert lines[0].startswith("Violation: ")


def test_violation_count_matches_report_lines(shapes: Graph, ontology: Graph) -> None:
    graph = variant(
        remove="article:a1 ukg:sourceFile '000_x.txt' .",
        add="union:u1 rdfs:label '宁波总工会'@zh . person:p1 ukg:launched initiative:i1 .",
    )
    result = validate(graph, shapes=shapes, ontology=ontology)
    assert result.violations == 3
    assert result.text.splitlines()[-1] == "Does not conform: 3 violations"


def test_subclass_counts_through_the_ontology(shapes: Graph) -> None:
    """A subclass of ukg:Article declared in the ontology satisfies sh:class ukg:Article."""
    graph = variant(
        remove="article:a1 a ukg:Article .",
        add="article:a1 a <https://example.org/Interview> .",
    )
    ontology = load_ontology()
    ontology.add((URIRef("https://example.org/Interview"), RDFS.subClassOf, UKG.Article))
    assert validate(graph, shapes=shapes, ontology=ontology).conforms
    assert not validate(graph, shapes=shapes, ontology=load_ontology()).conforms
