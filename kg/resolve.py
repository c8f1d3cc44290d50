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
    if mention.kind == PLACE and (code := mention.attr("code")):
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


@dataclass
class EntityIndex:
    """Entities seen so far, merged across articles (labels, alternative labels)."""

    entities: dict[str, tuple[str, str, set[str]]] = field(default_factory=dict)

    def add(self, mention: Mention, *, article: Article) -> str:
        iri = mention_iri(mention, article=article)
        if mention.kind == QUANTITY:
            return iri
        kind, label, alts = self.entities.setdefault(iri, (mention.kind, mention.label, set()))
        for alt in (mention.text, mention.attr("alias")):
            if alt and alt != label:
                alts.add(alt)
        return iri

    def add_all(self, extractions: Iterable[Extraction]) -> None:
        for extraction in extractions:
            for mention in extraction.mentions:
                self.add(mention, article=extraction.article)

    def __iter__(self):
        for iri in sorted(self.entities):
            kind, label, alts = self.entities[iri]
            yield Entity(iri=iri, kind=kind, label=label, alt_labels=tuple(sorted(alts)))

    def __len__(self) -> int:
        return len(self.entities)
