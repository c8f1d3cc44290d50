"""Graph: extraction records → RDF quads (one named graph per article) → Oxigraph store.

The shape of the graph is documented in ontology/union-kg.ttl and checked by
ontology/shapes.ttl.  Every node IRI is a pure function of the input (no blank
nodes), so the same input always gives the same graph.

Example:
    >>> from kg.records import Article, Extraction
    >>> quads = list(article_quads(Extraction(article=Article(id="a.txt#0", source_file="a.txt", position=0, text="x"))))
    >>> any(q.predicate.value.endswith("#sourceFile") for q in quads)
    True
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD

from kg.namespace import ENTITIES_GRAPH, GROUPS_SCHEME, OA, ORG, PROV, SCHEMA, SKOS, UKG
from kg.records import (
    BENEFITED, GROUP, LAUNCHED, LOCATED_IN, MEASURES, MEMBERSHIP, PARTNER, PLACE, QUANTITY,
    SUB_ORGANIZATION_OF, Extraction, Mention, Relation,
)
from kg.resolve import ID_BASE, EntityIndex, article_iri, entity_iri, iri_segment, mention_iri, short_hash

PREFIXES = {
    "ukg": str(UKG._NS),
    "id": ID_BASE,
    "org": str(ORG),
    "prov": str(PROV),
    "schema": str(SCHEMA),
    "skos": str(SKOS),
    "oa": str(OA),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "owl": "http://www.w3.org/2002/07/owl#",
    "sh": "http://www.w3.org/ns/shacl#",
    "dcterms": "http://purl.org/dc/terms/",
}


def _n(term) -> ox.NamedNode:
    node = _NODES.get(term)
    if node is None:
        node = _NODES[term] = ox.NamedNode(str(term))
    return node


_NODES: dict = {}  # made once per term: building quads asks for the same few dozen terms for every fact


A = _n(RDF.type)
LABEL = _n(RDFS.label)
ALT_LABEL = _n(SKOS.altLabel)
BROADER = _n(SKOS.broader)
IN_SCHEME = _n(SKOS.inScheme)
CONTAINED_IN = _n(SCHEMA.containedInPlace)
XSD_DECIMAL = _n(XSD.decimal)
XSD_INTEGER = _n(XSD.integer)
XSD_NNI = _n(XSD.nonNegativeInteger)
XSD_BOOLEAN = _n(XSD.boolean)
XSD_DATE = _n(XSD.date)
# Terms of every article and fact, made once (an rdflib namespace lookup costs a microsecond).
_OA_TextPositionSelector = _n(OA.TextPositionSelector)
_OA_end = _n(OA.end)
_OA_start = _n(OA.start)
_ORG_Membership = _n(ORG.Membership)
_ORG_Role = _n(ORG.Role)
_ORG_member = _n(ORG.member)
_ORG_organization = _n(ORG.organization)
_ORG_role = _n(ORG.role)
_PROV_wasDerivedFrom = _n(PROV.wasDerivedFrom)
_RDF_Statement = _n(RDF.Statement)
_RDF_object = _n(RDF.object)
_RDF_predicate = _n(RDF.predicate)
_RDF_subject = _n(RDF.subject)
_SCHEMA_datePublished = _n(SCHEMA.datePublished)
_SCHEMA_headline = _n(SCHEMA.headline)
_SCHEMA_url = _n(SCHEMA.url)
_UKG_Article = _n(UKG.Article)
_UKG_Quantity = _n(UKG.Quantity)
_UKG_approximate = _n(UKG.approximate)
_UKG_confidence = _n(UKG.confidence)
_UKG_eventDate = _n(UKG.eventDate)
_UKG_evidence = _n(UKG.evidence)
_UKG_evidenceSelector = _n(UKG.evidenceSelector)
_UKG_mentionedIn = _n(UKG.mentionedIn)
_UKG_position = _n(UKG.position)
_UKG_postTitle = _n(UKG.postTitle)
_UKG_rawText = _n(UKG.rawText)
_UKG_rule = _n(UKG.rule)
_UKG_sourceFile = _n(UKG.sourceFile)
_UKG_unit = _n(UKG.unit)
_UKG_value = _n(UKG.value)
ENTITIES = _n(ENTITIES_GRAPH)

#: Relation predicate → RDF property of the direct triple.
PROPERTIES = {
    LAUNCHED: _n(UKG.launched),
    BENEFITED: _n(UKG.benefited),
    PARTNER: _n(UKG.partner),
    SUB_ORGANIZATION_OF: _n(ORG.subOrganizationOf),
    LOCATED_IN: _n(UKG.locatedIn),
    MEASURES: _n(UKG.measures),
    MEMBERSHIP: _n(ORG.memberOf),
}


def zh(text: str) -> ox.Literal:
    return ox.Literal(text, language="zh")


def _decimal(value: float | str) -> ox.Literal:
    text = value if isinstance(value, str) else f"{value:.3f}".rstrip("0").rstrip(".")
    if "." not in text and "e" not in text.lower():
        text = f"{text}.0"
    return ox.Literal(text, datatype=XSD_DECIMAL)


def _int(value: int, datatype: ox.NamedNode = XSD_INTEGER) -> ox.Literal:
    return ox.Literal(str(value), datatype=datatype)


def article_quads(extraction: Extraction, *, index: EntityIndex | None = None) -> Iterator[ox.Quad]:
    """The named graph of one article: its description, mentions, facts and their provenance.

    Entities are registered in ``index`` (their type and labels go to the entities graph).
    """
    article = extraction.article
    art = ox.NamedNode(article_iri(article))
    g = art

    def quad(s, p, o) -> ox.Quad:
        return ox.Quad(s, p, o, g)

    yield quad(art, A, _UKG_Article)
    yield quad(art, _UKG_sourceFile, ox.Literal(article.source_file))
    yield quad(art, _UKG_position, _int(article.position))
    if article.headline:
        yield quad(art, _SCHEMA_headline, zh(article.headline))
    if article.date:
        yield quad(art, _SCHEMA_datePublished, ox.Literal(article.date, datatype=XSD_DATE))
    if article.url:
        try:
            yield quad(art, _SCHEMA_url, ox.NamedNode(article.url))
        except ValueError:
            pass

    for mention in extraction.mentions:
        node = ox.NamedNode(index.add(mention, article=article) if index is not None else mention_iri(mention, article=article))
        yield quad(node, _UKG_mentionedIn, art)
        if mention.kind == QUANTITY:
            yield from (quad(node, p, o) for p, o in _quantity_properties(mention))

    for relation in extraction.relations:
        yield from (quad(*t) for t in _relation_triples(relation, extraction=extraction, art=art))


def _quantity_properties(mention: Mention) -> Iterator[tuple]:
    yield A, _UKG_Quantity
    yield _UKG_value, _decimal(mention.attr("value", "0"))
    yield _UKG_unit, ox.Literal(mention.attr("unit", ""))
    yield _UKG_approximate, ox.Literal(mention.attr("approximate", "false"), datatype=XSD_BOOLEAN)
    yield _UKG_rawText, zh(mention.attr("raw") or mention.text)


def _relation_triples(relation: Relation, *, extraction: Extraction, art: ox.NamedNode) -> Iterator[tuple]:
    article = extraction.article
    subject = ox.NamedNode(mention_iri(relation.subject, article=article))
    obj = ox.NamedNode(mention_iri(relation.object, article=article))
    prop = PROPERTIES[relation.predicate]
    yield subject, prop, obj
    if relation.predicate == MEMBERSHIP:
        role = relation.attr("role") or ""
        membership = ox.NamedNode(f"{ID_BASE}membership/{short_hash(subject.value, obj.value, role)}")
        yield membership, A, _ORG_Membership
        yield membership, _ORG_member, subject
        yield membership, _ORG_organization, obj
        yield membership, _UKG_postTitle, zh(role)
        role_iri = ox.NamedNode(f"{ID_BASE}role/{iri_segment(_role_name(role))}")
        yield membership, _ORG_role, role_iri
        yield role_iri, A, _ORG_Role
        yield role_iri, LABEL, zh(_role_name(role))
    key = (article.id, relation.predicate, subject.value, obj.value, str(relation.sentence_start))
    statement = ox.NamedNode(f"{ID_BASE}statement/{short_hash(*key)}")
    selector = ox.NamedNode(f"{statement.value}/selector")
    yield statement, A, _RDF_Statement
    yield statement, _RDF_subject, subject
    yield statement, _RDF_predicate, prop
    yield statement, _RDF_object, obj
    yield statement, _PROV_wasDerivedFrom, art
    yield statement, _UKG_evidence, zh(article.text[relation.sentence_start:relation.sentence_end])
    yield statement, _UKG_rule, ox.Literal(relation.rule)
    yield statement, _UKG_confidence, _decimal(min(1.0, max(0.0, relation.confidence)))
    yield statement, _UKG_evidenceSelector, selector
    if date := relation.attr("date"):
        yield statement, _UKG_eventDate, _date_literal(date)
    yield selector, A, _OA_TextPositionSelector
    yield selector, _OA_start, _int(relation.sentence_start, XSD_NNI)
    yield selector, _OA_end, _int(relation.sentence_end, XSD_NNI)


def _date_literal(iso: str) -> ox.Literal:
    """2022-11-22 → xsd:date, 2022-11 → xsd:gYearMonth, 2022 → xsd:gYear."""
    datatype = {10: XSD_DATE, 7: _n(XSD.gYearMonth), 4: _n(XSD.gYear)}[len(iso)]
    return ox.Literal(iso, datatype=datatype)


def _role_name(post: str) -> str:
    """The role of a post written with its organisation: 滨海县总工会副主席 → 副主席."""
    for marker in ("工会联合会", "总工会", "工会", "公司", "集团", "委员会", "党委", "局", "厅", "厂"):
        if marker in post and not post.endswith(marker):
            post = post.rsplit(marker, 1)[1]
            break
    return post or "成员"


def entity_quads(index: EntityIndex) -> Iterator[ox.Quad]:
    """The entities graph: types, labels, place containment and group taxonomy."""
    places_seen: set[str] = set()
    groups_seen: set[str] = set()
    pending_places: list[str] = []
    for entity in index:
        node = ox.NamedNode(entity.iri)
        yield ox.Quad(node, A, _n(UKG[entity.kind]), ENTITIES)
        yield ox.Quad(node, LABEL, zh(entity.label), ENTITIES)
        for alt in entity.alt_labels:
            yield ox.Quad(node, ALT_LABEL, zh(alt), ENTITIES)
        if entity.kind == PLACE:
            places_seen.add(entity.iri)
            pending_places.append(entity.iri)
        elif entity.kind == GROUP:
            groups_seen.add(entity.label)
    yield from _place_hierarchy(pending_places, places_seen)
    yield from _group_taxonomy(groups_seen)


def _place_hierarchy(iris: list[str], seen: set[str]) -> Iterator[ox.Quad]:
    gazetteer = _gazetteer()
    if gazetteer is None:
        return
    lookup_code, parents = gazetteer
    for iri in iris:
        code = iri.rsplit("/", 1)[1]
        place = lookup_code(code)
        if place is None:
            continue
        node = ox.NamedNode(iri)
        yield ox.Quad(node, _n(UKG.adminLevel), ox.Literal(place.level), ENTITIES)
        child = node
        for parent in parents(place):
            parent_node = ox.NamedNode(entity_iri(PLACE, f"code:{parent.code}"))
            yield ox.Quad(child, CONTAINED_IN, parent_node, ENTITIES)
            if parent_node.value in seen:
                break
            seen.add(parent_node.value)
            yield ox.Quad(parent_node, A, _n(UKG.Place), ENTITIES)
            yield ox.Quad(parent_node, LABEL, zh(parent.name), ENTITIES)
            yield ox.Quad(parent_node, _n(UKG.adminLevel), ox.Literal(parent.level), ENTITIES)
            child = parent_node


@lru_cache(maxsize=1)
def _gazetteer():
    try:
        from kg.places import by_code, parents
    except ImportError:  # the gazetteer is optional for graph building
        return None
    return by_code, parents


def _group_taxonomy(labels: set[str]) -> Iterator[ox.Quad]:
    taxonomy = _taxonomy()
    scheme = _n(GROUPS_SCHEME)
    done: set[str] = set()
    todo = sorted(labels)
    while todo:
        label = todo.pop()
        if label in done:
            continue
        done.add(label)
        node = ox.NamedNode(entity_iri(GROUP, label))
        yield ox.Quad(node, IN_SCHEME, scheme, ENTITIES)
        for broader in (taxonomy.broader(label) if taxonomy else ()):
            broader_node = ox.NamedNode(entity_iri(GROUP, broader))
            yield ox.Quad(node, BROADER, broader_node, ENTITIES)
            if broader not in labels and broader not in done:
                yield ox.Quad(broader_node, A, _n(UKG.BeneficiaryGroup), ENTITIES)
                yield ox.Quad(broader_node, LABEL, zh(broader), ENTITIES)
                labels.add(broader)
                todo.append(broader)


@lru_cache(maxsize=1)
def _taxonomy():
    try:
        from kg.rules.groups import load_taxonomy
    except ImportError:
        return None
    return load_taxonomy()


def build_quads(extractions: Iterable[Extraction]) -> tuple[list[ox.Quad], EntityIndex]:
    """All article graphs plus the entities graph, in a deterministic order."""
    index = EntityIndex()
    quads: list[ox.Quad] = []
    for extraction in extractions:
        quads.extend(article_quads(extraction, index=index))
    quads.extend(entity_quads(index))
    return quads, index


def sort_quads(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """Deduplicated and sorted by graph, subject, predicate, object (byte-stable output)."""
    return sorted(set(quads), key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))
