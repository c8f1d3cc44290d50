"""kg.rdf.namespace.UKG and ontology/union-kg.ttl declare the same terms."""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from kg import ONTOLOGY_DIR
from kg.rdf.namespace import GROUPS_SCHEME, ONTOLOGY_IRI, UKG

ONTOLOGY = Graph().parse(ONTOLOGY_DIR / "union-kg.ttl", format="turtle")
NS = str(UKG._NS)
CODE_TERMS = sorted(UKG.__annotations__)
DECLARED_KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)


def declared_terms() -> set[str]:
    """Local names of ukg: IRIs the ttl gives an OWL class/property type."""
    return {
        str(s)[len(NS) :]
        for kind in DECLARED_KINDS
        for s in ONTOLOGY.subjects(RDF.type, kind)
        if isinstance(s, URIRef) and str(s).startswith(NS)
    }


def mentioned_terms() -> set[str]:
    """Local names of every ukg: IRI used anywhere in the ttl."""
    return {
        str(node)[len(NS) :]
        for triple in ONTOLOGY
        for node in triple
        if isinstance(node, URIRef) and str(node).startswith(NS)
    }


def languages(term: URIRef, predicate: URIRef) -> list[str]:
    return sorted(
        (o.language or "") for o in ONTOLOGY.objects(term, predicate) if isinstance(o, Literal)
    )


def test_ontology_header() -> None:
    ontology = URIRef(ONTOLOGY_IRI)
    assert (ontology, RDF.type, OWL.Ontology) in ONTOLOGY
    assert ONTOLOGY.value(ontology, OWL.versionInfo) is not None
    dcterms = "http://purl.org/dc/terms/"
    for field in ("title", "description"):
        assert languages(ontology, URIRef(dcterms + field)) == ["en", "zh"]


@pytest.mark.parametrize("name", CODE_TERMS)
def test_code_term_is_declared_with_zh_and_en_label_and_definition(name: str) -> None:
    term = UKG[name]
    assert name in declared_terms(), f"ukg:{name} is not declared as an OWL class or property"
    assert languages(term, RDFS.label) == ["en", "zh"]
    assert languages(term, SKOS.definition) == ["en", "zh"]


def test_every_ukg_term_in_the_ttl_is_in_the_namespace() -> None:
    assert mentioned_terms() - set(CODE_TERMS) == set()
    assert declared_terms() == set(CODE_TERMS)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("UnionBody", OWL.Class),
        ("Quantity", OWL.Class),
        ("launched", OWL.ObjectProperty),
        ("benefited", OWL.ObjectProperty),
        ("mentionedIn", OWL.ObjectProperty),
        ("evidenceSelector", OWL.ObjectProperty),
        ("sourceFile", OWL.DatatypeProperty),
        ("confidence", OWL.DatatypeProperty),
    ],
)
def test_term_kind(name: str, kind: URIRef) -> None:
    assert (UKG[name], RDF.type, kind) in ONTOLOGY


def test_object_properties_have_ranges_and_datatype_properties_have_datatype_ranges() -> None:
    xsd_or_rdf = ("http://www.w3.org/2001/XMLSchema#", str(RDF), str(RDFS))
    for prop in ONTOLOGY.subjects(RDF.type, OWL.DatatypeProperty):
        ranges = list(ONTOLOGY.objects(prop, RDFS.range))
        assert len(ranges) == 1 and str(ranges[0]).startswith(xsd_or_rdf), prop
    for prop in ONTOLOGY.subjects(RDF.type, OWL.ObjectProperty):
        if prop == UKG.measures:  # any entity
            continue
        assert ONTOLOGY.value(prop, RDFS.range) is not None, prop


def test_alignment() -> None:
    formal_organization = URIRef("http://www.w3.org/ns/org#FormalOrganization")
    assert (UKG.UnionBody, RDFS.subClassOf, formal_organization) in ONTOLOGY
    assert (UKG.BeneficiaryGroup, RDFS.subClassOf, SKOS.Concept) in ONTOLOGY
    assert (UKG.partner, RDF.type, OWL.SymmetricProperty) in ONTOLOGY
    assert (UKG.mentionedIn, RDFS.range, UKG.Article) in ONTOLOGY
    assert (GROUPS_SCHEME, RDF.type, SKOS.ConceptScheme) in ONTOLOGY
    assert languages(GROUPS_SCHEME, RDFS.label) == ["en", "zh"]


@pytest.mark.parametrize("misspelt", ["lanched", "Union", "benefitted", "mentionedin"])
def test_misspelt_term_raises(misspelt: str) -> None:
    with pytest.raises(AttributeError):
        getattr(UKG, misspelt)
    with pytest.raises(AttributeError):
        UKG[misspelt]


def test_known_term_resolves() -> None:
    assert UKG.launched == URIRef("https://w3id.org/union-kg/ontology#launched")


def test_shapes_use_only_declared_terms() -> None:
    shapes = Graph().parse(ONTOLOGY_DIR / "shapes.ttl", format="turtle")
    used = {
        str(node)[len(NS) :]
        for triple in shapes
        for node in triple
        if isinstance(node, URIRef) and str(node).startswith(NS)
    }
    assert used, "shapes.ttl should constrain ukg: terms"
    assert used - set(CODE_TERMS) == set()
