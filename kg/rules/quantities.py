"""Rule component ukg_quantities: Quantity mentions and what they measure.

Every quantity found by :func:`kg.zh.quantity_parse.find_quantities` becomes a
Quantity mention (attrs value/unit/approximate/raw).  A quantity gets at most
one ``measures`` relation, to a mention already in ``doc._.ukg_mentions`` in the
same sentence:

* ``quantity.measures.adjacent/v1`` — the mention overlapping the quantity or
  right after it (``2000名一线职工``, ``20家基层工会``, ``3项活动``), for
  head-counts and money also right before it (``职工2000余人``,
  ``帮扶资金48万元``); at most 6 characters between for head-counts, 2 for the
  rest, and no punctuation.  Kinds by unit: 人/人次/户 → BeneficiaryGroup,
  家/个/所/支 → UnionBody or Organization, 项/场/次/期/个/批 and money →
  Initiative.
* ``quantity.measures.people-nearest/v1`` — a head-count with no adjacent
  group: the nearest BeneficiaryGroup in the same clause (no comma, colon,
  enumeration comma or quote between).
* ``quantity.measures.money-nearest/v1`` — money with no adjacent initiative:
  the nearest Initiative in the same clause (``投入300万元用于建设X``).

Otherwise the quantity stays with its article only.

Example:
    >>> from kg.extract.nlp import make_nlp, make_doc
    >>> from kg.records import Article
    >>> doc = make_doc(make_nlp(), Article(id="x#0", source_file="x", position=0, text="共投入85万元。"))
    >>> [(m.text, m.attr("value"), m.attr("unit")) for m in ukg_quantities(doc)._.ukg_mentions]
    [('85万元', '850000', 'CNY')]
"""

from __future__ import annotations

import re
from bisect import bisect_right

from spacy.language import Language
from spacy.tokens import Doc

from kg.lexicon import entries, words
from kg.zh.quantity_parse import WORDS, ParsedQuantity, find_quantities
from kg.records import GROUP, INITIATIVE, MEASURES, ORGANIZATION, QUANTITY, UNION, Mention, Relation
from kg.rules.registry import confidence as default_confidence, rule_id
from kg.zh.text import normalize_label, sentence_spans

RULE_MONEY = rule_id("quantity.money")
RULE_PEOPLE = rule_id("quantity.people")
RULE_PERCENT = rule_id("quantity.percent")
RULE_COUNT = rule_id("quantity.count")
RULE_ADJACENT = rule_id("quantity.measures.adjacent")
RULE_PEOPLE_NEAREST = rule_id("quantity.measures.people-nearest")
RULE_MONEY_NEAREST = rule_id("quantity.measures.money-nearest")

# Which unit measures which kind of mention (kg/data/quantities-v1.tsv).
_MONEY_UNITS = frozenset(unit for _word, unit in entries(WORDS, "money"))
_PEOPLE_UNITS = frozenset(words(WORDS)["people_unit"])
_ORG_COUNTERS = frozenset(words(WORDS)["org_counter"])
_EVENT_COUNTERS = frozenset(words(WORDS)["event_counter"])
#: Characters allowed between a head-count and its group (名一线职工, 名涉铅岗位职工)…
_PEOPLE_GAP = 6
#: …and between other counters or money and what they count (12家基层工会, 资金48万元).
_COUNTER_GAP = 2
_CLAUSE_BREAK = re.compile(r"[，,、：:；;（）()“”\"]")


def _adjacent_kinds(unit: str) -> tuple[str, ...]:
    kinds: list[str] = []
    if unit in _PEOPLE_UNITS:
        kinds.append(GROUP)
    if unit in _ORG_COUNTERS:
        kinds += [UNION, ORGANIZATION]
    if unit in _EVENT_COUNTERS or unit in _MONEY_UNITS:
        kinds.append(INITIATIVE)
    return tuple(kinds)


def _rule_for(quantity: ParsedQuantity) -> tuple[str, float]:
    if quantity.unit in _MONEY_UNITS:
        rule = RULE_MONEY
    elif quantity.unit in ("人", "人次"):
        rule = RULE_PEOPLE
    elif quantity.unit == "%":
        rule = RULE_PERCENT
    else:
        rule = RULE_COUNT
    arabic = bool(re.search(r"[0-9０-９]", quantity.raw))
    return rule, (0.95 if arabic else 0.85) - (0.1 if quantity.upper is not None else 0.0)


def quantity_mentions(doc: Doc) -> list[Mention]:
    """Quantity mentions of a Doc (offsets into ``doc._.ukg_article.text``)."""
    original = doc._.ukg_article.text if doc._.ukg_article is not None else doc.text
    mentions = []
    for start, end, quantity in find_quantities(original, simplified=doc.text):
        rule, confidence = _rule_for(quantity)
        attrs = (
            ("value", str(quantity.value)),
            ("unit", quantity.unit),
            ("approximate", "true" if quantity.approximate else "false"),
            ("raw", quantity.raw),
        )
        if quantity.upper is not None:
            attrs += (("upper", str(quantity.upper)),)
        mentions.append(Mention(
            kind=QUANTITY, text=original[start:end], start=start, end=end,
            label=normalize_label(quantity.raw) or quantity.raw, rule=rule, confidence=confidence, attrs=attrs,
        ))
    return mentions


def _gap_ok(text: str, start: int, end: int, gap: int) -> bool:
    return 0 <= end - start <= gap and not _CLAUSE_BREAK.search(text, start, end) and "。" not in text[start:end]


def _adjacent(text: str, quantity: Mention, candidates: list[Mention], *, gap: int, before: bool) -> Mention | None:
    """The candidate overlapping the quantity, right after it, or (``before``) right before it."""
    after = [m for m in candidates if m.start < quantity.end and quantity.start < m.end]
    after += sorted((m for m in candidates if m.start >= quantity.end and _gap_ok(text, quantity.end, m.start, gap)),
                    key=lambda m: (m.start, -m.end))
    if after or not before:
        return after[0] if after else None
    preceding = sorted((m for m in candidates if m.end <= quantity.start and _gap_ok(text, m.end, quantity.start, gap)),
                       key=lambda m: (-m.end, m.start))
    return preceding[0] if preceding else None


def _nearest(text: str, quantity: Mention, candidates: list[Mention]) -> tuple[Mention, bool] | None:
    """The nearest candidate, preferring ones in the same clause; (mention, same clause)."""
    def distance(m: Mention) -> int:
        return m.start - quantity.end if m.start >= quantity.end else quantity.start - m.end

    def same_clause(m: Mention) -> bool:
        lo, hi = (quantity.end, m.start) if m.start >= quantity.end else (m.end, quantity.start)
        return not _CLAUSE_BREAK.search(text, lo, max(lo, hi))

    if not candidates:
        return None
    best = min(candidates, key=lambda m: (not same_clause(m), distance(m), m.start))
    return best, same_clause(best)


def measures_relation(text: str, quantity: Mention, others: list[Mention], sentence: tuple[int, int]) -> Relation | None:
    """The measures relation of one quantity within its sentence, or None."""
    unit = quantity.attr("unit", "")
    lo, hi = sentence
    in_sentence = [m for m in others if m.kind != QUANTITY and lo <= m.start and m.end <= hi]
    kinds = _adjacent_kinds(unit)
    people = unit in _PEOPLE_UNITS
    target = _adjacent(text, quantity, [m for m in in_sentence if m.kind in kinds],
                       gap=_PEOPLE_GAP if people else _COUNTER_GAP, before=people or unit in _MONEY_UNITS)
    rule, confidence = RULE_ADJACENT, default_confidence(RULE_ADJACENT)
    if target is None and (unit in _PEOPLE_UNITS or unit in _MONEY_UNITS):
        wanted = GROUP if unit in _PEOPLE_UNITS else INITIATIVE
        nearest = _nearest(text, quantity, [m for m in in_sentence if m.kind == wanted])
        if nearest is not None and nearest[1]:  # only within the same clause
            target = nearest[0]
            rule = RULE_PEOPLE_NEAREST if wanted == GROUP else RULE_MONEY_NEAREST
            confidence = default_confidence(rule)
    if target is None:
        return None
    return Relation(predicate=MEASURES, subject=quantity, object=target, sentence_start=lo, sentence_end=hi,
                    rule=rule, confidence=confidence)


@Language.component("ukg_quantities")
def ukg_quantities(doc: Doc) -> Doc:
    """Add Quantity mentions and their measures relations to the Doc."""
    from kg.rules import add_mention, add_relation

    quantities = quantity_mentions(doc)
    others = [m for m in doc._.ukg_mentions if m.kind != QUANTITY]
    sentences = sentence_spans(doc.text)
    starts = [s for s, _e in sentences]
    # the other mentions of each sentence asked for, in their order (not a scan of all per quantity)
    by_sentence: dict[int, list[Mention]] = {}
    for quantity in quantities:
        quantity = add_mention(doc, quantity)
        idx = bisect_right(starts, quantity.start) - 1  # sentences are in order and do not overlap
        if idx < 0 or not quantity.start < sentences[idx][1]:
            continue
        lo, hi = sentence = sentences[idx]
        if idx not in by_sentence:
            by_sentence[idx] = [m for m in others if lo <= m.start and m.end <= hi]
        if (relation := measures_relation(doc.text, quantity, by_sentence[idx], sentence)) is not None:
            add_relation(doc, relation)
    return doc
