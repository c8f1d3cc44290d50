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

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from functools import lru_cache, partial

import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD

from kg.rdf.namespace import ENTITIES_GRAPH, GROUPS_SCHEME, OA, ORG, PROV, SCHEMA, SKOS, UKG
from kg.records import (
    BENEFITED, GROUP, KINDS, LAUNCHED, LOCATED_IN, MEASURES, MEMBERSHIP, PARTNER, PLACE, QUANTITY,
    SUB_ORGANIZATION_OF, Article, Extraction, Mention, Relation,
)
from kg.rdf.resolve import ID_BASE, EntityIndex, article_iri, entity_iri, iri_segment, mention_iri, short_hash
from kg.zh.text import iter_sentence_spans, sentence_spans



def _n(term) -> ox.NamedNode:
    node = _NODES.get(term := str(term))  # by str: an rdflib URIRef is not equal to its str
    if node is None:
        node = _NODES[term] = ox.NamedNode(term)
    return node


_NODES: dict[str, ox.NamedNode] = {}  # made once per term: building quads asks for the same few dozen terms for every fact


A = _n(RDF.type)
LABEL = _n(RDFS.label)
ALT_LABEL = _n(SKOS.altLabel)
BROADER = _n(SKOS.broader)
IN_SCHEME = _n(SKOS.inScheme)
CONTAINED_IN = _n(SCHEMA.containedInPlace)
ENTITIES = _n(ENTITIES_GRAPH)

# An article's graph is described once, as triples of plain terms, by _article_triples; it is rendered
# as pyoxigraph quads (article_quads) or straight as N-Quads text (article_nquads, the build's path:
# making a million ox.Quad objects only to serialize them was most of the graph stage).
# A term is an IRI (a str) or a literal: a (lexical form, N-Triples suffix) pair, the suffix being
# "" (xsd:string), "@zh" or "^^<datatype IRI>".
LiteralTerm = tuple[str, str]
Term = str | LiteralTerm


def _iri(term) -> str:
    """The IRI of an ontology term, as str (its NamedNode made once, for article_quads)."""
    return _n(term).value


ZH = "@zh"
STRING = ""


def _typed(datatype) -> str:
    return f"^^<{datatype}>"


DECIMAL = _typed(XSD.decimal)
INTEGER = _typed(XSD.integer)
NON_NEGATIVE_INTEGER = _typed(XSD.nonNegativeInteger)
BOOLEAN = _typed(XSD.boolean)
DATE = _typed(XSD.date)
#: Length of an ISO date → its datatype: 2022-11-22 → xsd:date, 2022-11 → xsd:gYearMonth, 2022 → xsd:gYear.
DATE_TYPES = {10: DATE, 7: _typed(XSD.gYearMonth), 4: _typed(XSD.gYear)}

_RDF_type = _iri(RDF.type)
_RDFS_label = _iri(RDFS.label)
_OA_TextPositionSelector = _iri(OA.TextPositionSelector)
_OA_end = _iri(OA.end)
_OA_start = _iri(OA.start)
_ORG_Membership = _iri(ORG.Membership)
_ORG_Role = _iri(ORG.Role)
_ORG_member = _iri(ORG.member)
_ORG_organization = _iri(ORG.organization)
_ORG_role = _iri(ORG.role)
_PROV_wasDerivedFrom = _iri(PROV.wasDerivedFrom)
_RDF_Statement = _iri(RDF.Statement)
_RDF_object = _iri(RDF.object)
_RDF_predicate = _iri(RDF.predicate)
_RDF_subject = _iri(RDF.subject)
_SCHEMA_datePublished = _iri(SCHEMA.datePublished)
_SCHEMA_headline = _iri(SCHEMA.headline)
_SCHEMA_url = _iri(SCHEMA.url)
_UKG_Article = _iri(UKG.Article)
_UKG_Quantity = _iri(UKG.Quantity)
_UKG_approximate = _iri(UKG.approximate)
_UKG_confidence = _iri(UKG.confidence)
_UKG_eventDate = _iri(UKG.eventDate)
_UKG_evidence = _iri(UKG.evidence)
_UKG_evidenceSelector = _iri(UKG.evidenceSelector)
_UKG_supportingEvidence = _iri(UKG.supportingEvidence)
_UKG_supportingEvidenceSelector = _iri(UKG.supportingEvidenceSelector)
_UKG_mentionedIn = _iri(UKG.mentionedIn)
_UKG_position = _iri(UKG.position)
_UKG_postTitle = _iri(UKG.postTitle)
_UKG_rawText = _iri(UKG.rawText)
_UKG_rule = _iri(UKG.rule)
_UKG_sourceFile = _iri(UKG.sourceFile)
_UKG_unit = _iri(UKG.unit)
_UKG_value = _iri(UKG.value)

#: Mention kind → IRI of its class.
_KIND_CLASS = {kind: _iri(UKG[kind]) for kind in KINDS}

#: Relation predicate → IRI of the RDF property of the direct triple.
PROPERTIES = {
    LAUNCHED: _iri(UKG.launched),
    BENEFITED: _iri(UKG.benefited),
    PARTNER: _iri(UKG.partner),
    SUB_ORGANIZATION_OF: _iri(ORG.subOrganizationOf),
    LOCATED_IN: _iri(UKG.locatedIn),
    MEASURES: _iri(UKG.measures),
    MEMBERSHIP: _iri(ORG.memberOf),
}


def zh(text: str) -> ox.Literal:
    return ox.Literal(text, language="zh")


def _decimal(value: float | str) -> LiteralTerm:
    text = value if isinstance(value, str) else f"{value:.3f}".rstrip("0").rstrip(".")
    if "." not in text and "e" not in text.lower():
        text = f"{text}.0"
    return text, DECIMAL


@lru_cache(maxsize=65536)  # entity IRIs recur in every article that names the entity
def _checked(iri: str) -> str:
    """``iri`` if Oxigraph accepts it as an IRI, else Oxigraph's ValueError (labels may hold U+FFFD, private use...)."""
    ox.NamedNode(iri)
    return iri


def _article_triples(extraction: Extraction, *, index: EntityIndex | None) -> Iterator[tuple[str, str, Term]]:
    # Every IRI made from input text passes _checked where article_quads used to make its NamedNode,
    # so both renderings fail on the same input with the same error; the others are hex digests.
    article = extraction.article
    art = article_iri(article)
    yield from description_triples(article, art=art)
    nodes: dict[int, str] = {}  # id of a mention (alive in the extraction) → its IRI, for the relations
    made: Made = {}
    yield from mention_triples(extraction.mentions, article=article, art=art, index=index, nodes=nodes, made=made)
    if made:
        yield from _mention_statements(made, article=article, art=art)
    for relation in extraction.relations:
        yield from _relation_triples(relation, article=article, art=art, nodes=nodes)


#: (entity IRI, rule) → (the first of its mentions in the article by that rule, their best confidence).
Made = dict[tuple[str, str], tuple[Mention, float]]
#: The longest sentence quoted as the evidence of a mention's ``rdf:type`` statement (characters);
#: a longer one is no prose (a page without sentence ends) and the mention is its own evidence.
MAX_EVIDENCE = 2000


def description_triples(article: Article, *, art: str) -> Iterator[tuple[str, str, Term]]:
    """The article itself: its class, source file, position, headline, date and link."""
    yield art, _RDF_type, _UKG_Article
    yield art, _UKG_sourceFile, (article.source_file, STRING)
    yield art, _UKG_position, (str(article.position), INTEGER)
    if article.headline:
        yield art, _SCHEMA_headline, (article.headline, ZH)
    if article.date:
        yield art, _SCHEMA_datePublished, (article.date, DATE)
    if article.url:
        try:
            ox.NamedNode(article.url)
        except ValueError:  # not an IRI: no link
            pass
        else:
            yield art, _SCHEMA_url, article.url


def mention_triples(mentions: Iterable[Mention], *, article: Article, art: str, index: EntityIndex | None,
                    nodes: dict[int, str], made: Made) -> Iterator[tuple[str, str, Term]]:
    """Per mention (in order): ``ukg:mentionedIn`` the article, a quantity's own triples; registers the
    entity in ``index``, its IRI in ``nodes`` and its first mention and best confidence per rule in ``made``."""
    for mention in mentions:
        node = index.add(mention, article=article) if index is not None else mention_iri(mention, article=article)
        if mention.kind == QUANTITY:
            nodes[id(mention)] = node
            yield node, _UKG_mentionedIn, art
            yield node, _RDF_type, _UKG_Quantity
            yield node, _UKG_value, _decimal(mention.attr("value", "0"))
            yield node, _UKG_unit, (mention.attr("unit", ""), STRING)
            yield node, _UKG_approximate, (mention.attr("approximate", "false"), BOOLEAN)
            yield node, _UKG_rawText, (mention.attr("raw") or mention.text, ZH)
        else:
            nodes[id(mention)] = _checked(node)
            yield node, _UKG_mentionedIn, art
        key = (node, mention.rule)
        first = made.get(key)
        if first is None or mention.confidence > first[1]:
            made[key] = (first[0] if first else mention, mention.confidence)


def _mention_statements(made: Made, *, article: Article, art: str, sentences: dict[int, tuple[int, int]] | None = None,
                        text=None, length: int | None = None) -> Iterator[tuple[str, str, Term]]:
    """Why each entity is what it is in this article: per entity and rule, a reified ``rdf:type``
    statement (the entity, its class) with the rule, the best confidence of its mentions by that rule
    and, as evidence, the sentence of the first of them (its offsets in the selector); a mention in no
    sentence, or in one longer than :data:`MAX_EVIDENCE` characters (no prose), is its own evidence.

    ``sentences``: the span of the sentence each first mention starts in (by its start), when known
    (a long article's, :func:`sentences_at`); else they are found here.  ``text`` and ``length``: where
    the evidence is cut from and the article's length, when ``article.text`` is a part of it."""
    text = article.text if text is None else text
    length = len(article.text) if length is None else length
    if sentences is None:
        spans = sentence_spans(article.text)
        starts = [s for s, _e in spans]
    for (node, rule), (mention, confidence) in made.items():
        if sentences is not None:
            start, end = sentences.get(mention.start, (-1, -1))
        else:
            i = bisect_right(starts, mention.start) - 1
            start, end = spans[i] if i >= 0 and mention.start < spans[i][1] else (-1, -1)
        if start < 0 or end - start > MAX_EVIDENCE:  # in no sentence, or in no prose: the mention itself
            start, end = mention.start, mention.end
        if end <= start and length <= MAX_EVIDENCE:  # (an empty mention: its own position, the article's text as evidence)
            start, end = 0, length
        statement = f"{ID_BASE}statement/{short_hash(article.id, 'type', node, rule)}"
        selector = f"{statement}/selector"
        yield statement, _RDF_type, _RDF_Statement
        yield statement, _RDF_subject, node
        yield statement, _RDF_predicate, _RDF_type
        yield statement, _RDF_object, _KIND_CLASS[mention.kind]
        yield statement, _PROV_wasDerivedFrom, art
        yield statement, _UKG_evidence, (text[start:end], ZH)
        yield statement, _UKG_rule, (rule, STRING)
        yield statement, _UKG_confidence, _decimal(min(1.0, max(0.0, confidence)))
        yield statement, _UKG_evidenceSelector, selector
        yield selector, _RDF_type, _OA_TextPositionSelector
        yield selector, _OA_start, (str(start), NON_NEGATIVE_INTEGER)
        yield selector, _OA_end, (str(end), NON_NEGATIVE_INTEGER)


def sentences_at(text: str, positions: Iterable[int]) -> dict[int, tuple[int, int]]:
    """The span of the sentence (:func:`kg.zh.text.sentence_spans`) each position is in, ``(-1, -1)`` for a
    position in none; one pass over ``text`` keeping one sentence at a time (long articles).

    >>> sentences_at("甲乙。 丙丁!", [1, 3, 5])
    {1: (0, 3), 3: (-1, -1), 5: (4, 7)}
    """
    out: dict[int, tuple[int, int]] = {}
    spans = iter_sentence_spans(text)
    last: tuple[int, int] | None = None
    upcoming = next(spans, None)
    for position in sorted(set(positions)):
        while upcoming is not None and upcoming[0] <= position:
            last, upcoming = upcoming, next(spans, None)
        out[position] = last if last is not None and position < last[1] else (-1, -1)
    return out


def _relation_triples(relation: Relation, *, article: Article, art: str, nodes: dict[int, str],
                      text=None) -> Iterator[tuple[str, str, Term]]:
    """A relation's direct triple, its membership (a post), and its reified statement with its evidence;
    ``text``: where the evidence is cut from, when not ``article.text`` (a part of a long article)."""
    text = article.text if text is None else text
    subject = nodes.get(id(relation.subject)) or _mention_node(relation.subject, article=article)
    obj = nodes.get(id(relation.object)) or _mention_node(relation.object, article=article)
    prop = PROPERTIES[relation.predicate]
    yield subject, prop, obj
    if relation.predicate == MEMBERSHIP:
        role = relation.attr("role") or ""
        membership = f"{ID_BASE}membership/{short_hash(subject, obj, role)}"
        yield membership, _RDF_type, _ORG_Membership
        yield membership, _ORG_member, subject
        yield membership, _ORG_organization, obj
        yield membership, _UKG_postTitle, (role, ZH)
        role_iri = _checked(f"{ID_BASE}role/{iri_segment(_role_name(role))}")
        yield membership, _ORG_role, role_iri
        yield role_iri, _RDF_type, _ORG_Role
        yield role_iri, _RDFS_label, (_role_name(role), ZH)
    start, end = relation.sentence_start, relation.sentence_end
    statement = f"{ID_BASE}statement/{short_hash(article.id, relation.predicate, subject, obj, str(start))}"
    selector = f"{statement}/selector"
    yield statement, _RDF_type, _RDF_Statement
    yield statement, _RDF_subject, subject
    yield statement, _RDF_predicate, prop
    yield statement, _RDF_object, obj
    yield statement, _PROV_wasDerivedFrom, art
    yield statement, _UKG_evidence, (text[start:end], ZH)
    yield statement, _UKG_rule, (relation.rule, STRING)
    yield statement, _UKG_confidence, _decimal(min(1.0, max(0.0, relation.confidence)))
    yield statement, _UKG_evidenceSelector, selector
    if date := relation.attr("date"):
        yield statement, _UKG_eventDate, (date, DATE_TYPES[len(date)])
    yield selector, _RDF_type, _OA_TextPositionSelector
    yield selector, _OA_start, (str(start), NON_NEGATIVE_INTEGER)
    yield selector, _OA_end, (str(end), NON_NEGATIVE_INTEGER)
    if support := relation.attr("support"):
        # the sentence naming the other end of a fact stated across sentences
        s, e = (int(x) for x in support.split(":"))
        support_selector = f"{statement}/support"
        yield statement, _UKG_supportingEvidence, (text[s:e], ZH)
        yield statement, _UKG_supportingEvidenceSelector, support_selector
        yield support_selector, _RDF_type, _OA_TextPositionSelector
        yield support_selector, _OA_start, (str(s), NON_NEGATIVE_INTEGER)
        yield support_selector, _OA_end, (str(e), NON_NEGATIVE_INTEGER)


def _mention_node(mention: Mention, *, article: Article) -> str:
    iri = mention_iri(mention, article=article)
    return iri if mention.kind == QUANTITY else _checked(iri)


def article_quads(extraction: Extraction, *, index: EntityIndex | None = None) -> Iterator[ox.Quad]:
    """The named graph of one article: its description, mentions, facts and their provenance.

    Entities are registered in ``index`` (their type and labels go to the entities graph).
    """
    graph = ox.NamedNode(article_iri(extraction.article))
    nodes = dict(_NODES)  # and the article's own, made once each: get(iri) or node(iri)
    get = nodes.get

    def node(iri: str) -> ox.NamedNode:
        made = nodes[iri] = ox.NamedNode(iri)
        return made

    for s, p, o in _article_triples(extraction, index=index):
        if o.__class__ is str:
            yield ox.Quad(get(s) or node(s), get(p) or node(p), get(o) or node(o), graph)
        else:
            value, suffix = o
            yield ox.Quad(get(s) or node(s), get(p) or node(p), _LITERALS[suffix](value), graph)


_LITERALS = {
    STRING: ox.Literal,
    ZH: zh,
    **{suffix: partial(ox.Literal, datatype=_n(suffix[3:-1]))
       for suffix in (DECIMAL, INTEGER, NON_NEGATIVE_INTEGER, BOOLEAN, *DATE_TYPES.values())},
}


def article_nquads(extraction: Extraction) -> bytes:
    """``article_quads`` as N-Quads, byte for byte what ``pyoxigraph.serialize`` writes, made as text.

    Input Oxigraph rejects (an IRI it finds invalid, a lone surrogate) gets Oxigraph's own error.

    >>> from kg.records import Article, Extraction
    >>> text = article_nquads(Extraction(article=Article(id="a#0", source_file='a "b".txt', position=0, text="x")))
    >>> print(text.decode().splitlines()[1].split("> ", 2)[2].rsplit(" <", 1)[0])
    "a \\"b\\".txt"
    """
    try:
        return _nquads_text(extraction)
    except Exception:
        # The text path fails on all the input article_quads fails on, but not always with the same
        # error first (it checks literals only when encoding them): take the quads path's error.
        return ox.serialize(list(article_quads(extraction)), format=ox.RdfFormat.N_QUADS)


def _nquads_text(extraction: Extraction) -> bytes:
    return render_nquads(_article_triples(extraction, index=None), graph=article_iri(extraction.article))


def render_nquads(triples: Iterable[tuple[str, str, Term]], *, graph: str) -> bytes:
    """Triples of plain terms as N-Quads in ``graph``, byte for byte as ``pyoxigraph.serialize`` writes them."""
    tail = f" <{graph}> .\n"
    lines = []
    append = lines.append
    needs_escape = _NEEDS_ESCAPE
    for s, p, o in triples:
        if o.__class__ is str:
            append(f"<{s}> <{p}> <{o}>{tail}")
        else:
            value, suffix = o
            if needs_escape(value):
                value = value.translate(_ESCAPES)
            append(f'<{s}> <{p}> "{value}"{suffix}{tail}')
    return "".join(lines).encode()


# What Oxigraph's N-Triples/N-Quads writer escapes in a literal (every code point was tried):
# named escapes for \b \t \n \f \r " \, \uXXXX for the other C0 controls, DEL and the noncharacters
# U+FFFE and U+FFFF.  IRIs are written as they are: Oxigraph accepts none that would need escaping.
_ESCAPES = {c: f"\\u{c:04X}" for c in (*range(0x20), 0x7F, 0xFFFE, 0xFFFF)} | {
    0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r", 0x22: '\\"', 0x5C: "\\\\"}
_NEEDS_ESCAPE = re.compile("[" + "".join(f"\\u{c:04x}" for c in _ESCAPES) + "]").search


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
        from kg.zh.gazetteer import by_code, parents
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
    from kg.rules.taxonomy import load_taxonomy

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
