"""Rule component ukg_candidates: initiative candidates from general grammars, cast wide for recall.

The hand rules of ukg_initiatives find initiatives precisely in the constructions they were written
for; news from other papers names activities, services and facilities in many more ways.  This
component proposes every span that a general grammar of such names allows, and the learned
initiative model (ukg_decide) decides which are initiatives.  Grammars, over jieba's words and their
tags (quoted and 《》 titles are single units):

- ``initiative.np/v3``: a noun phrase ending in a head noun of kg/data/candidates-v1.tsv (活动, 服务,
  热线, 驿站, 托管班 …), reaching left over content words up to a function word, a count, a verb of
  its clause (a trigger, or any verb with a directional or resultative complement: 建起, 做好) or
  punctuation (区总工会开通送温暖救助热线 → 送温暖救助热线);
- ``initiative.trigger_object/v3``: each item of the object of a trigger verb (开展/设立/发放/提供 … A、B和C);
- ``initiative.list_item/v3``: the items of a list closed by 等 + a collective head (A、B、C等服务);
- ``initiative.quoted_bare/v1``: a quoted name without a head after it (办起“暖心早餐铺”);
- ``initiative.document_any/v1``: any title in 《》.

The candidates go to ``doc.user_data["ukg-candidates"]`` (not to the mentions: the hand rules of
ukg_mission do not see them), as Mentions whose label is the span as written, simplified.

Example:
    >>> sorted({text for _s, _e, text, _rule in find_candidates("某区总工会开通了职工法律服务热线，提供理发、义诊等服务。")})
    ['义诊', '服务', '理发', '职工法律服务热线']
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from functools import lru_cache
from itertools import accumulate, compress, count
from operator import itemgetter

from spacy.language import Language
from spacy.tokens import Doc

from kg.zh import posseg
from kg.lexicon import longest_first, words
from kg.records import GROUP, INITIATIVE, ORGANIZATION, PERSON, UNION, Mention
from kg.rules.registry import confidence, rule_id
from kg.zh.text import to_simplified

LEXICON = "candidates-v1.tsv"

RULE_NP = rule_id("initiative.np")
RULE_TRIGGER_OBJECT = rule_id("initiative.trigger_object")
RULE_LIST_ITEM = rule_id("initiative.list_item")
RULE_QUOTED_BARE = rule_id("initiative.quoted_bare")
RULE_DOCUMENT_ANY = rule_id("initiative.document_any")
RULE_GROUP_SUFFIX = rule_id("group.suffix")
#: Candidates are proposals, not facts: the learned models decide (kg/data/rules-v1.tsv gives 0.3).
CANDIDATE_CONFIDENCE = confidence("initiative.np")

#: How far (in characters) a noun phrase may reach left of its head, and an item's longest length.
MAX_NAME = 24

_UNIT = re.compile(r"“[^“”\n]{1,40}”|‘[^‘’\n]{1,40}’|「[^「」\n]{1,40}」|《[^《》\n]{1,80}》")
_WORD_CHAR = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
# jieba tags that never stand inside a name: function words, numbers and counters, pronouns, time and
# place words, interjections (a number opens a name only in a title: 12351职工服务热线 → 职工服务热线).
_BARRIER_TAGS = frozenset({"p", "c", "u", "uj", "ul", "uz", "ug", "uv", "ud", "d", "r", "m", "q", "mq", "t", "f",
                           "y", "e", "o", "w", "zg", "tg", "rr", "rz"})
# Words that end an item on the right: particles and the 等 closing a list.
_ITEM_SEPARATORS = frozenset({"、", "和", "及", "与", "以及", "或"})
_CLAUSE_END = frozenset("，。；！？：,;!?:\n()（）")
_NOUNISH_TAGS = frozenset({"H", "n", "nz", "vn", "v", "an", "nr", "ns", "nt", "j", "l", "i", "ng", "nrt", "nrfg", "unk", "Q", "D"})
_ASPECT = frozenset({"了", "起", "出", "好", "上", "过", "起了", "出了", "好了", "上了"})


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, tuple[str, ...]]:
    lex = words(LEXICON)
    return {kind: longest_first(items) for kind, items in lex.items()}


def _units(text: str, tokens: list[tuple[int, int, str]],
           blocked: Callable[[int, int], bool]) -> tuple[list[tuple[int, int, str, str]], list[str | None], list[bool]]:
    """(start, end, word, tag) units of a text: jieba's words with their tags, a quoted name or a 《》
    title as one unit (tag Q or D); with the head noun each ends (the longest head noun of the lexicon
    ending at its end, reaching at most 8 characters left of its start) and whether it is a barrier
    (:func:`_is_barrier`).

    Units that end a head noun longer than their own word (登记|点, 咨询|台) take the tag H: jieba
    tags their last piece as a count or verb, but it closes a name."""
    quoted = [(m.start(), m.end()) for m in _UNIT.finditer(text)]
    quoted.append((len(text) + 1, len(text) + 1))  # (a sentinel after every token)
    heads_set, lengths, by_last = _heads()
    longest = lengths[0]
    info_of = _WORD_INFO
    if len(info_of) > MAX_VOCABULARY:
        info_of.clear()
    units: list[tuple[int, int, str, str]] = []
    heads: list[str | None] = []
    barriers: list[bool] = []
    next_quote, quote_end = quoted[0]
    k = 0
    for start, end, word in tokens:
        if quote_end <= start:
            while quoted[k][1] <= start:
                k += 1
            next_quote, quote_end = quoted[k]
        if next_quote <= start:  # (and start < its end)
            if units and units[-1][0] == next_quote:
                continue  # (a token inside the quoted unit already added)
            start, end, word = next_quote, quote_end, text[next_quote:quote_end]
            tag = "D" if text[next_quote] == "《" else "Q"
            ends_in, barrier = by_last.get(text[end - 1:end], ()), word in _barrier_words()
        else:
            info = info_of.get(word)
            if info is None:
                info = info_of[word] = _word_info(word)
            tag, barrier, ends_in = info
        # only the lengths of heads ending in the unit's last character (all of them at the text's
        # start, where a longer length slices from the end of the text)
        head = None
        if ends_in or end < longest:
            for length in ends_in if end >= longest else lengths:
                if end - length >= start - 8 and text[end - length:end] in heads_set:
                    head = text[end - length:end]
                    break
        if head and tag not in ("Q", "D", "w") and len(head) > len(word):
            tag = "H"
            barrier = blocked(start, end)
        elif not barrier:  # (_is_barrier)
            barrier = blocked(start, end)
        units.append((start, end, word, tag))
        heads.append(head)
        barriers.append(barrier)
    return units, heads, barriers


# What _units needs of a word, whatever its place: (tag, whether it is a barrier word, the lengths of
# the head nouns ending in its last character); a vocabulary, like spaCy's, filled as words come (and
# emptied past MAX_VOCABULARY words, so that a long build's memory stays flat).
_WORD_INFO: dict[str, tuple[str, bool, tuple[int, ...]]] = {}
MAX_VOCABULARY = 200_000


def _word_info(word: str) -> tuple[str, bool, tuple[int, ...]]:
    """(tag, barrier whatever the place, head lengths ending in its last character) of a word of jieba's.

    >>> _word_info("开展")[:2], _word_info("热线")[0]
    (('v', True), 'n')
    """
    if word.isspace():
        tag = "w"
    else:
        tag = posseg.word_tags().get(word)
        if tag is None:
            tag = "unk" if _WORD_CHAR.match(word) and not word.isdigit() else ("m" if word.isdigit() else "w")
    return tag, _is_barrier_word(word, tag), _heads()[2].get(word[-1:], ())


def _is_barrier_word(word: str, tag: str) -> bool:
    """Whether a word ends a name by itself, wherever it stands: a function word, count, clause mark,
    trigger, barrier verb or predicate (:func:`_is_predicate`).

    >>> _is_barrier_word("开展", "v"), _is_barrier_word("建起", "v"), _is_barrier_word("帮扶", "v")
    (True, True, False)
    """
    return tag in _BARRIER_TAGS or tag == "w" or word in _barrier_words() or word.isspace() or _is_predicate(word, tag)


@lru_cache(maxsize=1)
def _complements() -> frozenset[str]:
    """Last characters of a verb with a directional or resultative complement (建起, 送到)."""
    return frozenset(_lexicon()["complement"])


def _is_predicate(word: str, tag: str) -> bool:
    """Whether a word is a verb with a directional or resultative complement: the predicate of its clause.

    >>> _is_predicate("建起", "v"), _is_predicate("做好", "v"), _is_predicate("帮扶", "v")
    (True, True, False)
    """
    return tag == "v" and len(word) >= 2 and word[-1] in _complements()


@lru_cache(maxsize=1)
def _barrier_words() -> frozenset[str]:
    """The words that are barriers whatever their tag (:func:`_is_barrier`)."""
    lex = _lexicon()
    return frozenset(_CLAUSE_END) | _ITEM_SEPARATORS | frozenset(lex["barrier"]) | frozenset(lex["trigger"]) | _ASPECT


def overlap_test(spans: list[tuple[int, int]]) -> Callable[[int, int], bool]:
    """A test ``(start, end) -> bool`` of whether any of the spans overlaps text[start:end], that is
    ``any(s < end and start < e for s, e in spans)``, in logarithmic time.

    >>> overlaps = overlap_test([(5, 8), (2, 3)])
    >>> overlaps(3, 5), overlaps(3, 6), overlaps(0, 3)
    (False, True, True)
    """
    if not spans:
        return lambda start, end: False
    spans = sorted(spans)
    starts = [s for s, _e in spans]
    reach = list(accumulate((e for _s, e in spans), max))  # the furthest end of the spans up to k

    def overlaps(start: int, end: int) -> bool:
        k = bisect_left(starts, end)  # spans[:k] start before end
        return k > 0 and reach[k - 1] > start

    return overlaps


def _is_barrier(unit: tuple[int, int, str, str], blocked: Callable[[int, int], bool]) -> bool:
    """Whether a unit ends a name: a function word, count, clause mark, trigger … (whatever its tag,
    a unit that overlaps a blocked span)."""
    start, end, word, tag = unit
    if tag == "H":
        return blocked(start, end)
    return _is_barrier_word(word, tag) or blocked(start, end)


def _never(start: int, end: int) -> bool:
    return False


@lru_cache(maxsize=1)
def _heads() -> tuple[frozenset[str], tuple[int, ...], dict[str, tuple[int, ...]]]:
    """The head nouns as a set, their lengths (longest first), and per last character the lengths of
    the heads ending in it."""
    heads = _lexicon()["head"]
    lengths: dict[str, set[int]] = {}
    for head in heads:
        lengths.setdefault(head[-1:], set()).add(len(head))
    return (frozenset(heads), tuple(sorted({len(h) for h in heads}, reverse=True)),
            {char: tuple(sorted(n, reverse=True)) for char, n in lengths.items()})


def _noun_phrases(units: list, barriers: list[bool], heads: list[str | None]) -> list[tuple[int, int, str]]:
    """``barriers[k]``: whether units[k] is a barrier (:func:`_is_barrier`); ``heads[k]``: its head noun."""
    out = []
    for k in compress(range(len(units)), heads):
        unit = units[k]
        if unit[3] in ("Q", "D") or barriers[k]:
            continue
        # chained heads (疗休养|活动, 服务|热线): only the last makes the phrase
        if k + 1 < len(units) and not barriers[k + 1] and heads[k + 1]:
            continue
        first = k
        while first > 0 and not barriers[first - 1] and unit[1] - units[first - 1][0] <= MAX_NAME:
            first -= 1
        out.append((units[first][0], unit[1], RULE_NP))
    return out


def _items(units: list, lo: int, hi: int, blocked: Callable[[int, int], bool]) -> list[tuple[int, int]]:
    """The items of units[lo:hi] split at list separators, each less its leading counts, particles and
    adverbs; items that do not end in a noun-like unit are left out."""
    out, current = [], []
    for unit in units[lo:hi] + [(0, 0, "、", "w")]:
        if unit[2] in _ITEM_SEPARATORS:
            # the item starts after its last function word, count or clause verb (驿站里|免费测血压)
            cut = max((k + 1 for k, u in enumerate(current) if u[3] != "H" and _is_barrier(u, _never)), default=0)
            current = current[cut:]
            if current and current[-1][3] in _NOUNISH_TAGS and current[-1][1] - current[0][0] <= MAX_NAME \
                    and not blocked(current[0][0], current[-1][1]):
                out.append((current[0][0], current[-1][1]))
            current = []
        else:
            current.append(unit)
    return out


def _clause_end(units: list, k: int) -> int:
    """Index of the first unit from k that ends a clause (or the end)."""
    while k < len(units) and not (units[k][2] in _CLAUSE_END or units[k][2] == "\n"):
        k += 1
    return k


@lru_cache(maxsize=1)
def _trigger_set() -> frozenset[str]:
    return frozenset(_lexicon()["trigger"])


def _indexes_of(units: list, words: frozenset[str]) -> list[int]:
    """The indexes of the units that are one of the words (a C loop: units run to the whole article).

    >>> _indexes_of([(0, 2, "开展", "v"), (2, 4, "活动", "vn"), (4, 5, "等", "u")], frozenset({"等", "开展"}))
    [0, 2]
    """
    return list(compress(count(), map(words.__contains__, map(itemgetter(2), units))))


_DENG = frozenset({"等", "等等"})
_QUOTED_TAGS = frozenset({"Q", "D"})


def _trigger_objects(units: list, blocked: Callable[[int, int], bool]) -> list[tuple[int, int, str]]:
    out = []
    triggers = _trigger_set()
    for k in _indexes_of(units, triggers):
        j = k + 1
        while j < len(units) and units[j][2] in _ASPECT:
            j += 1
        end = _clause_end(units, j)
        stop = next((i for i in range(j, end) if units[i][2] in ("等", "等等") or units[i][2] in triggers), end)
        out += [(s, e, RULE_TRIGGER_OBJECT) for s, e in _items(units, j, stop, blocked)]
    return out


def _list_items(text: str, units: list, blocked: Callable[[int, int], bool]) -> list[tuple[int, int, str]]:
    out = []
    list_heads = _lexicon()["list_head"]
    triggers = _trigger_set()
    for k in _indexes_of(units, _DENG):
        if not text.startswith(list_heads, _after_count(text, units[k][1])):
            continue
        first = k
        while first > 0:
            previous = units[first - 1]
            if previous[2] in _CLAUSE_END or previous[2] in triggers or previous[3] == "p":
                break
            first -= 1
        items = _items(units, first, k, blocked)
        if len(items) >= 2:
            out += [(s, e, RULE_LIST_ITEM) for s, e in items]
    return out


_COUNT_AFTER = re.compile(r"(?:[0-9一二两三四五六七八九十百]+[余多]?[个项类种大])?(?:常规|便民|暖心|特色|各类|多项|系列)?")


def _after_count(text: str, pos: int) -> int:
    return _COUNT_AFTER.match(text, pos).end()


def find_candidates(text: str, *, tokens: list[tuple[int, int, str]] | None = None,
                    blocked: list[tuple[int, int]] | None = None) -> list[tuple[int, int, str, str]]:
    """Initiative candidates of a simplified text: (start, end, name, rule), several rules per span possible.

    ``tokens`` are jieba's words as (start, end, word) (cut here when not given); ``blocked`` spans
    (unions, organisations, persons) are never inside a candidate.
    """
    overlaps = overlap_test(blocked or [])
    if tokens is None:
        tokens, pos = [], 0
        for word in posseg.cut(text):
            tokens.append((pos, pos + len(word), word))
            pos += len(word)
    units, heads, barriers = _units(text, tokens, overlaps)
    found = _noun_phrases(units, barriers, heads) + _trigger_objects(units, overlaps) + _list_items(text, units, overlaps)
    for start, end, word, tag in compress(units, map(_QUOTED_TAGS.__contains__, map(itemgetter(3), units))):
        if tag == "D" and end - start >= 5:
            found.append((start, end, RULE_DOCUMENT_ANY))
        elif tag == "Q" and 4 <= end - start <= 22 and not re.search(r"[，。；！？]", word) \
                and not overlaps(start, end):
            found.append((start, end, RULE_QUOTED_BARE))
    out = set()
    bounds = set(map(itemgetter(0), tokens)) if found else set()
    for start, end, rule in found:
        start = _strip(text, start, end, bounds)
        if end - start >= 2:
            out.add((start, end, text[start:end], rule))
    return sorted(out)


_GROUP_TAGS = frozenset({"n", "nr", "nz", "ng", "nrt", "nrfg", "l", "j", "vn", "v", None})


def find_group_candidates(text: str, tokens: list[tuple[int, int, str]],
                          blocked: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """Group candidates of a simplified text: (start, end, label) of every word naming people, by a
    head word or a suffix of kg/data/candidates-v1.tsv (交通协管员, 一线焊工, 养殖户), with its defining
    modifiers (kg.rules.groups.modifier_start); labels as the group taxonomy prefers them.

    >>> [label for _s, _e, label in find_group_candidates("为一线焊工和养殖户送去慰问品", [(0, 1, "为"),
    ...     (1, 3, "一线"), (3, 5, "焊工"), (5, 6, "和"), (6, 9, "养殖户"), (9, 11, "送去")], [])]
    ['一线焊工', '养殖户']
    """
    from kg.rules.groups import load_taxonomy, modifier_start

    taxonomy = load_taxonomy()
    overlaps = overlap_test(blocked)
    out = []
    names_people = _NAMES_PEOPLE
    if len(names_people) > MAX_VOCABULARY:
        names_people.clear()
    suffixes, tags, stops = _group_suffixes(), posseg.word_tags(), _lexicon()["group_stop"]
    words = list(map(itemgetter(2), tokens))
    for word in set(words).difference(names_people):
        names_people[word] = _group_word(word)
    # (only the words that name people or may be a suffix cut off: a C loop picks them)
    for k in compress(count(), map(names_people.__getitem__, words)):
        token = tokens[k]
        start, end, word = token
        flags = names_people[word]
        joined = _bound_suffix(tokens[k - 1] if k else None, token, suffixes, tags) if flags & _SUFFIX_FIRST else None
        if joined is not None:  # jieba cut a person word its dictionary lacks before its suffix: 网格|员
            start, end, word = joined
            if word in stops:
                continue
        elif not flags & _PEOPLE:
            continue
        if overlaps(start, end):
            continue
        first = modifier_start(text, start, end, blocked)
        out.append((first, end, taxonomy.preferred(text[first:end])))
    return out


def _bound_suffix(previous: tuple[int, int, str] | None, token: tuple[int, int, str], suffixes: frozenset[str],
                  tags: dict[str, str]) -> tuple[int, int, str] | None:
    """(start, end, word) of a person word that jieba cut before its one-character suffix (网格|员,
    巡线|工): the suffix as a word of its own, or glued to the coordinator after it (巡道|工和), right
    after a content word of two or more characters.

    >>> tags = {"网格": "n", "巡道": "v", "为": "p"}
    >>> _bound_suffix((1, 3, "网格"), (3, 4, "员"), frozenset("员工"), tags)
    (1, 4, '网格员')
    >>> _bound_suffix((1, 3, "巡道"), (3, 5, "工和"), frozenset("员工"), tags)
    (1, 4, '巡道工')
    >>> _bound_suffix((0, 1, "为"), (1, 2, "员"), frozenset("员工"), tags) is None
    True
    """
    start, _end, word = token
    if previous is None or word[:1] not in suffixes or previous[1] != start:
        return None
    from kg.rules.groups import _COORDINATORS

    if len(word) != 1 and not (len(word) == 2 and word[1] in _COORDINATORS):
        return None
    before = previous[2]
    if len(before) < 2 or tags.get(before) not in _GROUP_TAGS - {None} or before[-1] in suffixes:
        return None
    return previous[0], start + 1, before + word[0]


@lru_cache(maxsize=1)
def _group_suffixes() -> frozenset[str]:
    return frozenset(_lexicon()["group_suffix"])


# What a word of jieba's is to find_group_candidates, per word (it asks about every word of an article):
# flags, 0 for most words; a vocabulary filled as words come, like _WORD_INFO.
_NAMES_PEOPLE: dict[str, int] = {}
_PEOPLE = 1  # the word names people (:func:`_names_people`)
_SUFFIX_FIRST = 2  # it opens with a group suffix (网格|员: a suffix jieba cut off, see :func:`_bound_suffix`)


def _group_word(word: str) -> int:
    """The flags of a word in ``_NAMES_PEOPLE``.

    >>> _group_word("焊工") == _PEOPLE, _group_word("工会") == _SUFFIX_FIRST, _group_word("开展")
    (True, True, 0)
    """
    return (_PEOPLE if _names_people(word) else 0) | (_SUFFIX_FIRST if word[:1] in _group_suffixes() else 0)


def _names_people(word: str) -> bool:
    """Whether a word heads a group candidate (see :func:`find_group_candidates`).

    >>> _names_people("焊工"), _names_people("工会")
    (True, False)
    """
    lex = _lexicon()
    if len(word) < 2 or word in lex["group_stop"]:
        return False
    return word in lex["group_head"] or (word[-1] in lex["group_suffix"] and posseg.word_tags().get(word) in _GROUP_TAGS)


_LEAD = re.compile(r"(?:[0-9０-９.]+|[一二两三四五六七八九十百千万几]+)[余多]?[万千百亿]?[余多]?(?:元|名|位|个|项|场|次|家|所|户|批|份|册|本|套|期|届|年度|年)?"
                   r"|今年|去年|明年|当天|当日|近日|日前|首批|首届|首次|本届|本次|此次|该|全市|全区|全县|全省|全国|全年")


def _strip(text: str, start: int, end: int, bounds: set[int]) -> int:
    """Skip leading counts, sums, dates and demonstratives of a candidate: whole words of it (``bounds``:
    where words start), so that a word that begins like a count stays (一线, 一连串, 万步).

    >>> text = "3场一线职工慰问活动"
    >>> _strip(text, 0, len(text), {0, 1, 2, 4, 6, 8}), _strip(text, 2, len(text), {2, 4})
    (2, 2)
    """
    while start < end:
        m = _LEAD.match(text, start, end)
        if not m or m.end() == start or m.end() not in bounds:
            break
        start = m.end()
    return start


def doc_tokens(doc: Doc) -> list[tuple[int, int, str]]:
    """The doc's words as (start, end, word), made once per doc and kept in its user data (the rule
    components, ukg_persons and ukg_decide read them).

    >>> from spacy.tokens import Doc
    >>> from spacy.vocab import Vocab
    >>> doc_tokens(Doc(Vocab(), words=["县总工会", "开展", "培训"], spaces=[False, False, False]))
    [(0, 4, '县总工会'), (4, 6, '开展'), (6, 8, '培训')]
    """
    tokens = doc.user_data.get("ukg-tokens")
    if tokens is None:
        tokens = doc.user_data["ukg-tokens"] = [(t.idx, t.idx + len(t.text), t.text) for t in doc]
    return tokens


@Language.component("ukg_candidates")
def ukg_candidates(doc: Doc) -> Doc:
    """Store the grammar candidates of an article that mentions a union in ``doc.user_data["ukg-candidates"]``."""
    found: list[Mention] = []
    if any(m.kind == UNION for m in doc._.ukg_mentions):
        article = doc._.ukg_article
        blocked = [(m.start, m.end) for m in doc._.ukg_mentions if m.kind in (UNION, ORGANIZATION, PERSON)]
        tokens = doc_tokens(doc)
        labels: dict[str, str] = {}  # (a span proposed by several rules is one name)
        for start, end, name, rule in find_candidates(doc.text, tokens=tokens, blocked=blocked):
            surface = article.text[start:end] if article is not None else name
            label = labels.get(name)
            if label is None:
                label = labels[name] = to_simplified(name)
            found.append(Mention(kind=INITIATIVE, text=surface, start=start, end=end, label=label,
                                 rule=rule, confidence=CANDIDATE_CONFIDENCE))
    doc.user_data["ukg-candidates"] = found
    # the hand rules' initiatives and groups before ukg_mission prunes them, and the groups of the suffix
    # grammar: ukg_decide reconsiders them all
    snapshot = [m for m in doc._.ukg_mentions if m.kind in (INITIATIVE, GROUP)]
    if found:
        article = doc._.ukg_article
        # only heads that no group of the hand rules covers (广大职工, 新就业形态劳动者 are theirs)
        taken = [(m.start, m.end) for m in snapshot if m.kind == GROUP]
        blocked = [(m.start, m.end) for m in doc._.ukg_mentions if m.kind in (UNION, ORGANIZATION, PERSON)]
        tokens = doc_tokens(doc)
        for start, end, label in find_group_candidates(doc.text, tokens, blocked + taken):
            if not any(s < end and start < e for s, e in taken):
                taken.append((start, end))
                surface = article.text[start:end] if article is not None else doc.text[start:end]
                snapshot.append(Mention(kind=GROUP, text=surface, start=start, end=end, label=label,
                                        rule=RULE_GROUP_SUFFIX, confidence=CANDIDATE_CONFIDENCE))
    doc.user_data["ukg-snapshot"] = snapshot
    return doc
