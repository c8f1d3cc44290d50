"""Ontology terms, from one place.

``UKG`` is an rdflib DefinedNamespace with ``_fail=True``: a misspelt term
(``UKG.lanched``) raises at import time of the module using it.  Every term is
declared in ontology/union-kg.ttl (tests/test_rdf_namespace.py checks both ways).

Example:
    >>> str(UKG.launched)
    'https://w3id.org/union-kg/ontology#launched'
"""

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

ONTOLOGY_IRI = "https://w3id.org/union-kg/ontology"
ID = Namespace("https://w3id.org/union-kg/id/")  # entity, article, statement IRIs
OA = Namespace("http://www.w3.org/ns/oa#")
SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
GROUPS_SCHEME = URIRef("https://w3id.org/union-kg/id/scheme/beneficiary-groups")

#: The one prefix table: Turtle output, kg query's predeclared prefixes, and every query the package writes.
PREFIXES = {
    "ukg": "https://w3id.org/union-kg/ontology#",
    "id": str(ID),
    "org": str(ORG),
    "prov": str(PROV),
    "schema": str(SCHEMA),
    "skos": str(SKOS),
    "oa": str(OA),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "sh": "http://www.w3.org/ns/shacl#",
    "dcterms": "http://purl.org/dc/terms/",
}


def sparql_prefixes(*names: str) -> str:
    """PREFIX lines for a SPARQL query (all of :data:`PREFIXES` without ``names``).

    >>> print(sparql_prefixes("ukg", "rdfs"), end="")
    PREFIX ukg: <https://w3id.org/union-kg/ontology#>
    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    """
    return "".join(f"PREFIX {name}: <{PREFIXES[name]}>\n" for name in (names or PREFIXES))


#: Named graph holding shared entity descriptions (type, labels, place containment).
ENTITIES_GRAPH = URIRef("https://w3id.org/union-kg/id/graph/entities")
#: Named graph holding the ontology itself in graph.nq.
ONTOLOGY_GRAPH = URIRef(ONTOLOGY_IRI)


class UKG(DefinedNamespace):
    """The union-kg ontology, ``https://w3id.org/union-kg/ontology#``."""

    _NS = Namespace("https://w3id.org/union-kg/ontology#")
    _fail = True

    # Classes (contract)
    UnionBody: URIRef
    Initiative: URIRef
    BeneficiaryGroup: URIRef
    Person: URIRef
    Place: URIRef
    Organization: URIRef
    Article: URIRef
    Quantity: URIRef

    # Core relations and provenance (contract)
    launched: URIRef  # UnionBody → Initiative
    benefited: URIRef  # Initiative → BeneficiaryGroup
    mentionedIn: URIRef  # entity → Article
    sourceFile: URIRef  # Article → source file name (string)
    evidence: URIRef  # statement → sentence (string)

    # Further relations
    partner: URIRef  # co-organiser / partner (symmetric)
    locatedIn: URIRef  # entity → Place
    measures: URIRef  # Quantity → what it counts or costs

    # Quantity attributes
    value: URIRef
    unit: URIRef
    approximate: URIRef
    rawText: URIRef

    # Provenance details
    rule: URIRef  # id of the rule or component that produced a fact
    confidence: URIRef  # in [0, 1]
    evidenceSelector: URIRef  # statement → oa:TextPositionSelector
    supportingEvidence: URIRef  # statement → the sentence naming its other end (a fact across sentences)
    supportingEvidenceSelector: URIRef  # statement → oa:TextPositionSelector of that sentence
    eventDate: URIRef  # statement → date its sentence gives (xsd:date, gYearMonth or gYear)
    position: URIRef  # Article → position in its source file (0-based)

    # Places and posts
    adminLevel: URIRef  # Place → province|city|county|town
    postTitle: URIRef  # org:Membership → the post as written (副主席, 党组书记…)
