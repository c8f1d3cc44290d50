"""Long articles in parts: extraction and quads in memory bounded by the part, not by the article.

An article is extracted in pieces of about :data:`kg.extract.article.MAX_PIECE` characters anyway
(:func:`kg.extract.article.extract`); an article longer than :data:`PART_CHARS` (a 50 MB page of one
paragraph is one article of 17 million characters) is also *emitted* in parts of whole pieces:

* :func:`split_article` cuts it into :class:`Part` s, each holding only the headline block and its own
  stretch of the text, so a part can go to a worker process alone;
* :func:`extract_part` extracts a part's pieces and writes the quads of what only that part can
  find (mentions and relations outside the headline block, the ``rdf:type`` statements of its
  quantities, whose evidence sentences the part is given by :class:`Sentences`) at once, as N-Quads
  text; it returns the few things that need the whole article: the mentions and relations found in
  the headline block (every piece sees it) and, per entity and rule, the first mention and the best
  confidence;
* :class:`LongArticle` collects those, part by part in order, and :meth:`LongArticle.finish` writes the
  rest: the article's description, the headline block's mentions and relations (once), and the
  entities' ``rdf:type`` statements of :func:`kg.rdf.quads._mention_statements`, whose evidence sentences
  are found in one pass over the text.

The quads are those :func:`kg.rdf.quads.article_nquads` writes for :func:`kg.extract.article.extract` of the
whole article, in another order (tests/test_build_parts.py): the named graph is the same set.  Memory is a
part's text (with at most :data:`kg.rdf.quads.MAX_EVIDENCE` characters on either side: a sentence it
quotes), its extraction and quads, plus one entry per entity and rule of the article.

Example:
    >>> from kg.records import Article
    >>> body = "\\n".join(f"本报讯 近日,某市总工会开展第{i}次送清凉活动。" for i in range(1000))
    >>> parts = split_article(Article(id="a#0", source_file="a", position=0, text="标题\\n\\n" + body), part_chars=3000)
    >>> len(parts) > 1, parts[1].article.text.startswith("标题\\n\\n")
    (True, True)
"""

from __future__ import annotations

import time
from bisect import bisect_right
from collections import Counter, deque
from dataclasses import dataclass, field, replace
from itertools import chain

from spacy.language import Language

from kg.extract.article import extract_pieces, plan_pieces, relation_key
from kg.rdf.quads import (
    MAX_EVIDENCE, Made, _mention_statements, _relation_triples, description_triples, mention_triples, render_nquads,
    sentences_at,
)
from kg.records import QUANTITY, Article, Mention, Problem, Relation
from kg.rdf.resolve import EntityIndex, article_iri
from kg.zh.text import iter_sentence_spans

#: Articles longer than this (characters) are extracted and written in parts of about this size.
PART_CHARS = 50_000


def mention_order(mention: Mention) -> tuple:
    """The order :func:`kg.extract.article.extract` sorts mentions in."""
    return (mention.start, mention.end, mention.kind, mention.label)


def relation_order(relation: Relation) -> tuple:
    """The order :func:`kg.extract.article.extract` sorts relations in."""
    return (relation.sentence_start, relation.predicate, relation.subject.start, relation.object.start,
            relation.subject.label, relation.object.label)


@dataclass(frozen=True)
class Part:
    """A stretch of whole pieces of a long article: ``article`` is the article with ``text`` = the
    headline block (``head`` characters) + the article's text from ``start`` on (the pieces, and the
    rest of the sentences they begin or end in); ``sentences`` are the article's sentences that
    overlap the pieces, those up to :data:`MAX_EVIDENCE` characters long (the others are not quoted)."""

    article: Article
    head: int
    start: int
    pieces: tuple[tuple[int, int], ...]
    sentences: tuple[tuple[int, int], ...] = ()
    length: int = 0  # of the whole article


class Sentences:
    """The sentences of a text (:func:`kg.zh.text.sentence_spans`) handed out part by part, in one pass.

    >>> feed = Sentences("甲乙。丙丁。戊己。")
    >>> feed.overlapping(4, 5), feed.overlapping(5, 9)
    ([(3, 6)], [(3, 6), (6, 9)])
    """

    def __init__(self, text: str) -> None:
        self.spans = iter_sentence_spans(text)
        self.pending: deque[tuple[int, int]] = deque()
        self.done = False

    def overlapping(self, start: int, end: int) -> list[tuple[int, int]]:
        """The sentences that overlap [start, end); ``start`` never goes back."""
        while self.pending and self.pending[0][1] <= start:
            self.pending.popleft()
        while not self.done and (not self.pending or self.pending[-1][0] < end):
            span = next(self.spans, None)
            if span is None:
                self.done = True
            elif span[1] > start:
                self.pending.append(span)
        return [span for span in self.pending if span[0] < end]


def split_article(article: Article, *, part_chars: int = PART_CHARS) -> list[Part]:
    """The parts of an article longer than ``part_chars``; ``[]`` for a shorter one (or one piece)."""
    feed = Sentences(article.text)
    return [make_part(article, head, group, sentences=feed) for head, group in plan_parts(article.text, part_chars=part_chars)]


def plan_parts(text: str, *, part_chars: int = PART_CHARS) -> list[tuple[int, tuple[tuple[int, int], ...]]]:
    """(headline block length, the pieces of the part) per part of a text longer than ``part_chars``
    (parts are made one at a time from these, by :func:`make_part`: all at once they would copy the text)."""
    if len(text) <= part_chars:
        return []
    head, pieces = plan_pieces(text)
    if len(pieces) <= 1:
        return []
    groups: list[tuple[int, tuple[tuple[int, int], ...]]] = []
    group: list[tuple[int, int]] = []
    for piece in pieces:
        if group and piece[1] - group[0][0] > part_chars:
            groups.append((len(head), tuple(group)))
            group = []
        group.append(piece)
    groups.append((len(head), tuple(group)))
    return groups


def make_part(article: Article, head: int, pieces: tuple[tuple[int, int], ...], *, sentences: Sentences) -> Part:
    """The :class:`Part` of ``article`` made of ``pieces`` (after a headline block of ``head`` characters);
    ``sentences`` feeds the article's sentences (parts are made in order)."""
    first, last = pieces[0][0], pieces[-1][1]
    quoted = tuple(span for span in sentences.overlapping(first, last) if span[1] - span[0] <= MAX_EVIDENCE)
    start = min(first, quoted[0][0]) if quoted else first
    end = max(last, quoted[-1][1]) if quoted else last
    return Part(article=replace(article, text=article.text[:head] + article.text[start:end]), head=head, start=start,
                pieces=tuple(pieces), sentences=quoted, length=len(article.text))


class _Window:
    """A part's text sliced with the article's offsets (what lies outside the part is not there)."""

    def __init__(self, part: Part) -> None:
        self.text, self.head = part.article.text, part.head
        self.base = part.head - part.start  # article offset → index in the part's text

    def __getitem__(self, span: slice) -> str:
        start, stop = span.start, span.stop
        if self.base == 0 or stop <= self.head:
            return self.text[start:stop]
        if start >= self.head - self.base:
            return self.text[start + self.base : stop + self.base]
        raise ValueError(f"characters {start}-{stop} are not in this part")


@dataclass
class PartResult:
    """What a part contributes: its quads, entities and relation counts, and what :class:`LongArticle` needs."""

    nquads: bytes = b""
    entities: list = field(default_factory=list)  # EntityIndex.rows()
    relations: dict[str, int] = field(default_factory=dict)
    made: Made = field(default_factory=dict)  # of entities (a quantity is one mention: its statement is written)
    head_mentions: list[Mention] = field(default_factory=list)
    head_relations: list[Relation] = field(default_factory=list)
    problems: tuple[Problem, ...] = ()
    seconds: float = 0.0


def extract_part(part: Part, *, nlp: Language) -> PartResult:
    """Extract a part; a failure is a problem naming the article and the characters, the rest goes on."""
    started = time.perf_counter()
    article = part.article
    try:
        body_mentions: dict[tuple, Mention] = {}
        body_relations: dict[tuple, Relation] = {}
        head_mentions: list[Mention] = []
        head_relations: list[Relation] = []
        for mentions, relations in extract_pieces(article, head=article.text[: part.head], pieces=part.pieces,
                                                  nlp=nlp, offset=part.start):
            for m in mentions:
                if m.end <= part.head:  # in the headline block: every part may find it
                    head_mentions.append(m)
                else:
                    body_mentions.setdefault(mention_order(m), m)
            for r in relations:
                if r.sentence_end <= part.head:
                    head_relations.append(r)
                else:
                    body_relations.setdefault(relation_key(r), r)
        art = article_iri(article)
        index = EntityIndex()
        nodes: dict[int, str] = {}
        made: Made = {}
        relations = sorted(body_relations.values(), key=relation_order)
        window = _Window(part)
        triples = chain(
            mention_triples(sorted(body_mentions.values(), key=mention_order), article=article, art=art, index=index,
                            nodes=nodes, made=made),
            chain.from_iterable(_relation_triples(r, article=article, art=art, nodes=nodes, text=window) for r in relations),
        )
        nquads = render_nquads(triples, graph=art)
        # A quantity is its own entity, named once: its statement is written here, where its sentence is.
        quantities = {key: value for key, value in made.items() if value[0].kind == QUANTITY}
        if quantities:
            sentences = _sentences_in(part.sentences, (m.start for m, _c in quantities.values()))
            nquads += render_nquads(_mention_statements(quantities, article=article, art=art, sentences=sentences,
                                                        text=window, length=part.length), graph=art)
        entities = {key: (_light(m), c) for key, (m, c) in made.items() if m.kind != QUANTITY}
    except Exception as error:  # noqa: BLE001 - a bug on one part must not stop the article or the build
        message = str(error).splitlines()[0] if str(error) else ""
        where = f"characters {part.pieces[0][0]}-{part.pieces[-1][1]}"
        return PartResult(problems=(Problem(source_file=article.source_file, line=article.line, reason=(
            f"article {article.position}: extraction failed in {where}: {type(error).__name__}: {message}")),),
            seconds=time.perf_counter() - started)
    return PartResult(nquads=nquads, entities=index.rows(), relations=dict(Counter(r.predicate for r in relations)),
                      made=entities, head_mentions=head_mentions, head_relations=head_relations,
                      seconds=time.perf_counter() - started)


def _light(mention: Mention) -> Mention:
    """What a ``rdf:type`` statement needs of a mention (kind, place, label, rule), without its text and attributes."""
    return replace(mention, text="", attrs=())


def _sentences_in(spans: tuple[tuple[int, int], ...], positions) -> dict[int, tuple[int, int]]:
    """The span among ``spans`` (sorted, disjoint) that each position is in, ``(-1, -1)`` for none."""
    starts = [start for start, _end in spans]
    out: dict[int, tuple[int, int]] = {}
    for position in positions:
        i = bisect_right(starts, position) - 1
        out[position] = spans[i] if i >= 0 and position < spans[i][1] else (-1, -1)
    return out


def merge_made(into: Made, other: Made) -> None:
    """Per entity and rule: the first mention (in :func:`mention_order`) and the best confidence of both."""
    for key, (mention, confidence) in other.items():
        known = into.get(key)
        if known is None:
            into[key] = (mention, confidence)
        else:
            first = known[0] if mention_order(known[0]) <= mention_order(mention) else mention
            into[key] = (first, max(known[1], confidence))


class LongArticle:
    """Collects the :class:`PartResult` s of one article (in part order) and writes what needs them all."""

    def __init__(self, article: Article) -> None:
        self.article = article
        self.made: Made = {}
        self.head_mentions: dict[tuple, Mention] = {}
        self.head_relations: dict[tuple, Relation] = {}

    def add(self, result: PartResult) -> None:
        merge_made(self.made, result.made)
        for m in result.head_mentions:  # the first part's wins, as in kg.extract.article's pieces
            self.head_mentions.setdefault(mention_order(m), m)
        for r in result.head_relations:
            self.head_relations.setdefault(relation_key(r), r)

    def finish(self) -> PartResult:
        """The article's description, the headline block's mentions and relations, the ``rdf:type`` statements."""
        started = time.perf_counter()
        article = self.article
        art = article_iri(article)
        index = EntityIndex()
        problems: tuple[Problem, ...] = ()
        try:
            nodes: dict[int, str] = {}
            made: Made = {}
            mentions = sorted(self.head_mentions.values(), key=mention_order)
            relations = sorted(self.head_relations.values(), key=relation_order)
            head = render_nquads(chain(
                description_triples(article, art=art),
                mention_triples(mentions, article=article, art=art, index=index, nodes=nodes, made=made),
                chain.from_iterable(_relation_triples(r, article=article, art=art, nodes=nodes) for r in relations),
            ), graph=art)
            merge_made(made, self.made)
            sentences = sentences_at(article.text, (m.start for m, _c in made.values()))  # one pass
            statements = render_nquads(_mention_statements(made, article=article, art=art, sentences=sentences), graph=art)
            nquads = head + statements
            counts = dict(Counter(r.predicate for r in relations))
        except Exception as error:  # noqa: BLE001 - the parts are written: the article stays, described
            message = str(error).splitlines()[0] if str(error) else ""
            problems = (Problem(source_file=article.source_file, line=article.line, reason=(
                f"article {article.position}: extraction failed: {type(error).__name__}: {message}")),)
            index = EntityIndex()
            nquads, counts = render_nquads(description_triples(article, art=art), graph=art), {}
        return PartResult(nquads=nquads, entities=index.rows(), relations=counts, problems=problems,
                          seconds=time.perf_counter() - started)
