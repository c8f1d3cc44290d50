"""Extraction of one article: a pure function Article → Extraction.

Example:
    >>> from kg.records import Article
    >>> result = extract(Article(id="x#0", source_file="x", position=0, text="宁波市总工会开展“送清凉”活动"))
    >>> ("UnionBody", "宁波市总工会") in {m.key for m in result.mentions}
    True
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace

from spacy.language import Language

from kg.extract.nlp import make_nlp, process
from kg.records import Article, Extraction, Mention, Relation
from kg.zh.text import piece_spans

#: Articles longer than this (in characters; news articles run to a few thousand) are extracted in
#: pieces: the rules' cost grows faster than the text, and spaCy refuses texts over 1,000,000 characters.
MAX_PIECE = 10_000
#: Stretches longer than this without a clause mark (no prose: hostile or broken input) get pieces of
#: their own this long (see :func:`kg.zh.text.piece_spans`).
MAX_RUN = 500
#: Likewise for sentences (news sentences run to a few hundred characters).
MAX_SENTENCE = 2000
#: A headline block (the text before the first blank line) up to this long is put before every piece,
#: so that facts in later pieces keep the article's topic; longer ones are not repeated.
MAX_HEAD = 300


def extract(article: Article, *, nlp: Language | None = None) -> Extraction:
    """Mentions and relations of one article, sorted by position (deterministic).

    An article longer than :data:`MAX_PIECE` characters, or with more than :data:`MAX_RUN` characters
    without a clause mark or :data:`MAX_SENTENCE` without a sentence end, is extracted piece by piece (cut at paragraph, else sentence, else clause
    ends), each piece preceded by the headline block, with offsets mapped back to the article; facts
    whose evidence would span two pieces are not found.
    """
    nlp = nlp or make_nlp()
    head, pieces = plan_pieces(article.text)
    if len(pieces) <= 1:
        doc = process(nlp, article)
        found_mentions, found_relations = doc._.ukg_mentions, doc._.ukg_relations
    else:
        found_mentions, found_relations = _extract_pieces(article, head=head, pieces=pieces, nlp=nlp)
    mentions = tuple(sorted(found_mentions, key=lambda m: (m.start, m.end, m.kind, m.label)))
    relations = tuple(
        sorted(
            found_relations,
            key=lambda r: (r.sentence_start, r.predicate, r.subject.start, r.object.start, r.subject.label, r.object.label),
        )
    )
    return Extraction(article=article, mentions=mentions, relations=relations)


def plan_pieces(text: str) -> tuple[str, list[tuple[int, int]]]:
    """(headline block put before every piece, the pieces' spans) of an article's text (see :func:`extract`).

    >>> plan_pieces("标题\\n\\n正文。")
    ('标题\\n\\n', [(4, 7)])
    """
    blank = text.find("\n\n")
    head = text[: blank + 2] if 0 <= blank and blank + 2 <= MAX_HEAD else ""
    return head, piece_spans(text, start=len(head), limit=MAX_PIECE - len(head), run=MAX_RUN, sentence=MAX_SENTENCE)


def _extract_pieces(
    article: Article, *, head: str, pieces: list[tuple[int, int]], nlp: Language
) -> tuple[list[Mention], list[Relation]]:
    mentions: dict[tuple, Mention] = {}
    relations: dict[tuple, Relation] = {}
    for found_mentions, found_relations in extract_pieces(article, head=head, pieces=pieces, nlp=nlp):
        for m in found_mentions:
            mentions.setdefault((m.kind, m.start, m.end, m.label), m)
        for r in found_relations:
            relations.setdefault(relation_key(r), r)
    return list(mentions.values()), list(relations.values())


def relation_key(relation: Relation) -> tuple:
    """What makes two relations found in overlapping pieces (the headline block) one."""
    return (relation.predicate, relation.subject.key, relation.object.key, relation.sentence_start)


def extract_pieces(
    article: Article, *, head: str, pieces: Iterable[tuple[int, int]], nlp: Language, offset: int = 0
) -> Iterator[tuple[list[Mention], list[Relation]]]:
    """Per piece, its mentions and relations with offsets in the article (pieces share only ``head``).

    ``article.text`` is the headline block followed by the article's text from ``offset`` on (the
    whole article when ``offset`` is 0, or a part of a long one: :mod:`kg.build.parts`); the pieces' spans
    and the offsets found are those of the whole article.  What spans the headline block and a piece,
    or a relation whose sentence would, is left out.
    """
    text = article.text
    base = len(head) - offset if offset else 0  # article offset → index in ``text``
    for start, end in pieces:
        shift = start - len(head)
        doc = process(nlp, replace(article, text=head + text[start + base : end + base]))
        mentions: list[Mention] = []
        relations: list[Relation] = []

        def place(lo: int, hi: int) -> tuple[int, int] | None:
            if hi <= len(head) or shift == 0:
                return lo, hi
            if lo >= len(head):
                return lo + shift, hi + shift
            return None  # across the headline block and the piece: no such span in the article

        def moved(mention: Mention) -> Mention | None:
            span = place(mention.start, mention.end)
            return span and replace(mention, start=span[0], end=span[1])

        for mention in doc._.ukg_mentions:
            if (m := moved(mention)) is not None:
                mentions.append(m)
        for relation in doc._.ukg_relations:
            subject, obj = moved(relation.subject), moved(relation.object)
            sentence = place(relation.sentence_start, relation.sentence_end)
            if subject is None or obj is None or sentence is None:
                continue
            attrs = relation.attrs
            if support := relation.attr("support"):  # the other end's sentence (kg.rules.decide) moves too
                moved_support = place(*(int(x) for x in support.split(":")))
                attrs = tuple((k, v if k != "support" else f"{moved_support[0]}:{moved_support[1]}")
                              for k, v in attrs if k != "support" or moved_support)
            relations.append(replace(relation, subject=subject, object=obj, sentence_start=sentence[0],
                                     sentence_end=sentence[1], attrs=attrs))
        yield mentions, relations


def extract_all(articles: Iterable[Article], *, nlp: Language | None = None) -> Iterator[Extraction]:
    """Extract each article in turn."""
    nlp = nlp or make_nlp()
    for article in articles:
        yield extract(article, nlp=nlp)
