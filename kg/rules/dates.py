"""Dates of facts: the date a relation's evidence sentence gives, resolved against the article date.

A relation (launched, benefited, partner …) gets ``attrs["date"]`` when its
sentence states a date: the nearest date expression before the relation's
object (11月22日，X总工会启动… ), else the only one after it.  Partial dates
(11月22日, 今年5月) need the article's date to resolve; vague ones (日前, 近日)
never give a date, and none is ever invented (kg.zh.date_parse).  The value is an ISO
date, month or year; kg.rdf.quads writes it as ``ukg:eventDate`` on the statement.

Example:
    >>> from kg.extract.nlp import make_nlp, process
    >>> from kg.records import Article
    >>> doc = process(make_nlp(), Article(id="x#0", source_file="x", position=0, date="2022-12-01",
    ...     text="11月22日，宁波市总工会启动“送清凉”活动。"))
    >>> sorted({r.attr("date") for r in doc._.ukg_relations})
    ['2022-11-22']
"""

from __future__ import annotations

import re
from dataclasses import replace

from spacy.language import Language
from spacy.tokens import Doc

from kg.zh.date_parse import find_date_expressions
from kg.records import MEMBERSHIP, Relation
from kg.rules.registry import rule_id

RULE_SENTENCE_DATE = rule_id("date.sentence")
_RANGE = re.compile(r"\s*(?:~|～|-|—|–|－|至|到)\s*")


def date_of(
    text: str, relation: Relation, *, reference: str | None, found: list[tuple[int, int, str]] | None = None
) -> tuple[str, str] | None:
    """(ISO date, expression as written) for ``relation`` from its sentence in ``text``, or None.

    ``found``: the date expressions of the relation's sentence, when the caller has them already.
    """
    start, end = relation.sentence_start, relation.sentence_end
    if found is None:
        found = find_date_expressions(text[start:end], reference=reference)
    if not found:
        return None
    anchor = relation.object.start - start
    before = [d for d in found if d[1] <= anchor]
    if before:
        chosen = before[-1]
    elif len(found) == 1:
        chosen = found[0]
    else:
        return None
    # A range (2017年~2019年, 3月1日至5日) dates the fact by its start.
    sentence = text[start:end]
    for earlier in reversed(found[:found.index(chosen)]):
        if _RANGE.fullmatch(sentence[earlier[1]:chosen[0]]):
            chosen = earlier
        break
    return chosen[2], text[start + chosen[0]:start + chosen[1]]


@Language.component("ukg_dates")
def ukg_dates(doc: Doc) -> Doc:
    """Attach the sentence's date to each relation (not to posts, which are not events)."""
    article = doc._.ukg_article
    reference = article.date if article is not None else None
    dated = []
    text = doc.text
    by_sentence: dict[tuple[int, int], list] = {}  # many relations share a sentence
    for relation in doc._.ukg_relations:
        found = None
        if relation.predicate != MEMBERSHIP:
            key = (start, end) = (relation.sentence_start, relation.sentence_end)
            if key not in by_sentence:
                by_sentence[key] = find_date_expressions(text[start:end], reference=reference)
            found = date_of(text, relation, reference=reference, found=by_sentence[key])
        if found:
            iso, written = found
            relation = replace(relation, attrs=tuple(relation.attrs) + (
                ("date", iso), ("dateText", written), ("dateRule", RULE_SENTENCE_DATE)))
        dated.append(relation)
    doc._.ukg_relations = dated
    return doc
