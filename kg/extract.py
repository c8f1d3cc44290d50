"""Extraction of one article: a pure function Article → Extraction.

Example:
    >>> from kg.records import Article
    >>> result = extract(Article(id="x#0", source_file="x", position=0, text="宁波市总工会开展“送清凉”活动"))
    >>> ("UnionBody", "宁波市总工会") in {m.key for m in result.mentions}
    True
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spacy.language import Language

from kg.nlp import make_nlp, process
from kg.records import Article, Extraction


def extract(article: Article, *, nlp: Language | None = None) -> Extraction:
    """Mentions and relations of one article, sorted by position (deterministic)."""
    doc = process(nlp or make_nlp(), article)
    mentions = tuple(sorted(doc._.mentions, key=lambda m: (m.start, m.end, m.kind, m.label)))
    relations = tuple(
        sorted(
            doc._.relations,
            key=lambda r: (r.sentence_start, r.predicate, r.subject.start, r.object.start, r.subject.label, r.object.label),
        )
    )
    return Extraction(article=article, mentions=mentions, relations=relations)


def extract_all(articles: Iterable[Article], *, nlp: Language | None = None) -> Iterator[Extraction]:
    """Extract each article in turn."""
    nlp = nlp or make_nlp()
    for article in articles:
        yield extract(article, nlp=nlp)
