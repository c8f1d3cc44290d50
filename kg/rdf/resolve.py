"""Resolution: one stable IRI per real-world entity across articles and pages.

Mentions carry their canonical label already (resolved within the article by
the rule components: 市总 → 宁波市总工会, 外卖小哥 → 外卖骑手).  Across
articles, an entity is its (kind, canonical label); places with a gazetteer code
are keyed by the code, since names such as 鼓楼区 recur in several cities.  IRIs
are a pure function of that key, so building the same input twice gives the
same IRIs.

Example:
    >>> entity_iri("UnionBody", "滨海县总工会")
    'https://w3id.org/union-kg/id/union/滨海县总工会'
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from kg.records import (
    GROUP, INITIATIVE, ORGANIZATION, PERSON, PLACE, QUANTITY, UNION, Article, Entity, Extraction, Mention,
)

ID_BASE = "https://w3id.org/union-kg/id/"
KIND_SLUGS = {
    UNION: "union",
    INITIATIVE: "initiative",
    GROUP: "group",
    PERSON: "person",
    PLACE: "place",
    ORGANIZATION: "organization",
    QUANTITY: "quantity",
}
# Characters not allowed in IRIs (RFC 3987) or awkward in Turtle/GraphML, percent-encoded.
_UNSAFE = set(' <>"{}|\\^`#?%/[]')


@lru_cache(maxsize=65536)  # labels recur in every article that names the entity
def iri_segment(text: str) -> str:
    """A readable, IRI-safe path segment: NFC, unsafe and control characters percent-encoded."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in _UNSAFE or ord(ch) < 0x21 or unicodedata.category(ch) in ("Cc", "Cf", "Zs", "Zl", "Zp"):
            out.extend(f"%{b:02X}" for b in ch.encode("utf-8"))
        else:
            out.append(ch)
    return "".join(out)


def short_hash(*parts: str, length: int = 16) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:length]


def article_iri(article: Article) -> str:
    """Stable IRI of an article from its id (source file name and position)."""
    return f"{ID_BASE}article/{short_hash(article.id)}"


def entity_key(mention: Mention) -> tuple[str, str]:
    """The cross-article identity of a mention's entity."""
    if mention.kind == PLACE and (code := mention.attr("code")) and "|" not in code:  # "a|b": ambiguous, by name
        return (PLACE, f"code:{code}")
    return mention.key


def entity_iri(kind: str, label: str) -> str:
    """IRI of the entity of ``kind`` with canonical ``label`` (or ``code:<adcode>`` for places)."""
    if kind == PLACE and label.startswith("code:"):
        return f"{ID_BASE}place/{label[5:]}"
    return f"{ID_BASE}{KIND_SLUGS[kind]}/{iri_segment(label)}"


def mention_iri(mention: Mention, *, article: Article) -> str:
    """IRI of the entity a mention names; quantities are per article and position."""
    if mention.kind == QUANTITY:
        return f"{ID_BASE}quantity/{short_hash(article.id, str(mention.start), str(mention.end))}"
    return entity_iri(*entity_key(mention))


#: Where a mention is: (source file, article position, start, end, label).  The entity's label is
#: the label of its earliest mention in this order, so the index is the same whatever order
#: articles are added or merged in (parallel workers, incremental builds, shards).
Order = tuple[str, int, int, int, str]


@dataclass
class EntityIndex:
    """Entities seen so far, merged across articles (labels, alternative labels).

    Order-independent: adding the same mentions in any order, or merging partial indexes
    (:meth:`merge`, :meth:`rows` / :meth:`from_rows`), gives the same entities.

    >>> from kg.records import Mention
    >>> a = Article(id="a#0", source_file="a", position=0, text="")
    >>> index = EntityIndex()
    >>> index.add(Mention(kind=UNION, text="市总", start=5, end=7, label="某市总工会", rule="union.grammar/v3"), article=a)
    'https://w3id.org/union-kg/id/union/某市总工会'
    >>> [(e.label, e.alt_labels) for e in index]
    [('某市总工会', ('市总',))]
    """

    entities: dict[str, tuple[str, str, Order, set[str]]] = field(default_factory=dict)

    def add(self, mention: Mention, *, article: Article) -> str:
        iri = mention_iri(mention, article=article)
        if mention.kind == QUANTITY:
            return iri
        order = (article.source_file, article.position, mention.start, mention.end, mention.label)
        alts = {alt for alt in (mention.text, mention.attr("alias"), mention.label) if alt}
        self._put(iri, mention.kind, mention.label, order, alts)
        return iri

    def _put(self, iri: str, kind: str, label: str, order: Order, names: set[str]) -> None:
        known = self.entities.get(iri)
        if known is None:
            self.entities[iri] = (kind, label, order, set(names))
            return
        known[3].update(names)
        if order < known[2]:
            self.entities[iri] = (kind, label, order, known[3])

    def add_all(self, extractions: Iterable[Extraction]) -> None:
        for extraction in extractions:
            for mention in extraction.mentions:
                self.add(mention, article=extraction.article)

    def merge(self, other: EntityIndex) -> None:
        """Add every entity of ``other`` (as if its mentions had been added here)."""
        for iri, (kind, label, order, names) in other.entities.items():
            self._put(iri, kind, label, order, names)

    def rows(self) -> list[list]:
        """A JSON-ready form: ``[iri, kind, label, order, names]`` per entity, sorted by IRI."""
        return [[iri, kind, label, list(order), sorted(names)] for iri, (kind, label, order, names) in sorted(self.entities.items())]

    def merge_rows(self, rows: Iterable[list]) -> None:
        """Merge entities in the form :meth:`rows` gives."""
        for iri, kind, label, order, names in rows:
            self._put(iri, kind, label, tuple(order), set(names))

    def __iter__(self):
        for iri in sorted(self.entities):
            kind, label, _order, names = self.entities[iri]
            # Alternative labels: every other name the entity was written as, or resolved to.
            yield Entity(iri=iri, kind=kind, label=label, alt_labels=tuple(sorted(names - {label})))

    def __len__(self) -> int:
        return len(self.entities)
