"""Rule component ukg_groups: beneficiary-group noun phrases, and the worker-group taxonomy.

A group phrase is a head (a taxonomy term such as 货车司机 or a productive head
such as 职工/司机/人员) with the defining modifiers on its left; counts, places
and rhetoric (62名, 全市, 辖区, 广大 …) end the phrase.  The label is the group
as written (guideline: 辖区外卖配送员 → 外卖配送员), except for synonyms whose identity is
part of the data contract, which take the taxonomy's preferred label ("外卖小哥" → "外卖骑手");
the surface stays in Mention.text.  A group named in full and by its standard abbreviation in one article
(劳动模范/劳模, kg/data/group-abbreviations-v1.tsv) takes one label there (v3, :func:`unify_abbreviations`).
A 的-relative of a verb and its object (参加活动的Y) tells an event, not a defining state; a head across the middle of a
word yields to the head that ends it (务工|人员) and a two-character verb right before a role head defines it
(值守人员) (group.phrase/v5).  Candidates are emitted with a modest confidence: ukg_mission keeps
only the groups some initiative serves.  The words are data: kg/data/groups-v2.tsv (taxonomy),
kg/data/group-grammar-v1.tsv (heads, stops, fixed names, facilities, modifiers, levels) and
kg/data/group-abbreviations-v1.tsv, read through kg.lexicon.

Example:
    >>> tax = load_taxonomy()
    >>> tax.preferred("外卖小哥"), tax.broader("外卖骑手")
    ('外卖骑手', ('新就业形态劳动者',))
    >>> [(s, label) for s, _e, label in find_groups("向辖区62名女骑手送上鲜花")]
    [(6, '女骑手')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from kg.zh import posseg
from kg.lexicon import rows, words
from kg.rules.taxonomy import TAXONOMY_FILE, Taxonomy, load_taxonomy  # noqa: F401  (the rules' taxonomy, re-exported)
from kg.records import GROUP, ORGANIZATION, UNION, Mention
from kg.rules.registry import confidence as default_confidence, rule_id
from kg.zh.text import start_pattern, to_simplified

# The data files in kg/data (read through kg.lexicon).
GRAMMAR_FILE = "group-grammar-v1.tsv"
ABBREVIATIONS_FILE = "group-abbreviations-v1.tsv"

RULE_TERM = rule_id("group.taxonomy")
RULE_PHRASE = rule_id("group.phrase")

MAX_MODIFIER = 8
MAX_LABEL = 12
_GRAMMAR = words(GRAMMAR_FILE)
# Right contexts where a group word is part of a fixed name, not a group (工人先锋号, 职工代表大会).
_RIGHT_BLOCK = _GRAMMAR["right_block"]
#: Facility nouns: a group word before one names a facility (职工书屋), not a group.
FACILITY_NOUNS = _GRAMMAR["facility"]
_BOUNDARY = re.compile(r"[\sA-Za-z0-9０-９%％.,，。、；;：:!！?？“”‘’\"'「」『』《》〈〉()（）【】\[\]·—\-+＋/]")


@lru_cache(maxsize=1)
def _grammar() -> tuple[tuple[str, ...], tuple[str, ...]]:
    return _GRAMMAR["head"], tuple(sorted(set(_GRAMMAR["stop"]), key=len, reverse=True))


@lru_cache(maxsize=1)
def _heads_by_first_char() -> dict[str, list[tuple[str, bool]]]:
    """Head words indexed by first character, longest first; the flag marks taxonomy terms."""
    tax = load_taxonomy()
    heads, _stops = _grammar()
    table: dict[str, list[tuple[str, bool]]] = {}
    for word, is_term in [(t, True) for t in tax.terms] + [(h, False) for h in heads if h not in tax.labels]:
        table.setdefault(word[0], []).append((word, is_term))
    for words in table.values():
        words.sort(key=lambda w: len(w[0]), reverse=True)
    return table


@lru_cache(maxsize=1)
def _words_by_first_char() -> dict[str, tuple[str, ...]]:
    """The head words of :func:`_heads_by_first_char`, without their flags."""
    return {char: tuple(word for word, _is_term in entries) for char, entries in _heads_by_first_char().items()}


@lru_cache(maxsize=1)
def _head_first_chars() -> re.Pattern[str]:
    """Where a head word can start."""
    return start_pattern(word for entries in _heads_by_first_char().values() for word, _is_term in entries)


def _left_bound(text: str, end: int, lo: int, blocked: list[tuple[int, int]]) -> int:
    """How far left of ``end`` (not beyond ``lo``) a modifier may reach: the nearest punctuation or
    non-CJK boundary, or the end of a span already taken (a union, place or initiative)."""
    bound = lo
    for boundary in _BOUNDARY.finditer(text, lo, end):  # (one character each: the last one counts)
        bound = boundary.end()
    for s, e in blocked:
        if s < end and bound < e <= end:
            bound = e
    return bound


def _left_start(text: str, start: int, end: int, blocked: list[tuple[int, int]]) -> int:
    """Where the defining modifiers of a head at [start, end) begin.

    The left context is cut into jieba words and walked leftwards from the head; the walk stops at
    the first word that cannot define a group (a stop word, a verb, a count, a place, a level such as
    市级).  Words are never split: a stop character inside a word (从 in 从业人员, 会 in 社会化) does
    not end the phrase, and a head that starts inside a word (人员 in 从业人员) takes the whole word.
    """
    bound = _left_bound(text, start, max(0, start - MAX_MODIFIER - 2), blocked)
    for m in _COUNT.finditer(text, max(0, bound - 1), start):
        bound = max(bound, m.end())  # jieba glues counters to the next word (名女/快递员)
    if bound >= start:
        return start
    words: list[tuple[int, int, str, str]] = []
    pos = bound
    for word, flag in posseg.lcut(text[bound:end]):
        words.append((pos, pos + len(word), word, flag))
        pos += len(word)
    first = start
    for s, e, word, _flag in words:
        if s < start < e:
            first = s if e >= end and _is_modifier(word[: start - s], _flag) else start
            break
    role = text[start:end] in _ROLE_HEADS and first == start
    for k in range(len(words) - 1, -1, -1):
        s, e, word, flag = words[k]
        if e > first:
            continue
        if e == first and k > 0 and words[k - 1][2] + word in _KEEP_MODIFIERS:
            first = words[k - 1][0]  # a compound modifier jieba splits (服务|保障)
            continue
        if role and e == start and flag == "v" and len(word) == 2 and word not in _STOP_WORDS():
            first = s  # the verb of a role noun (值守|人员, 抢修|队员)
            continue
        if e < first or not _is_modifier(word, flag):
            # jieba may glue a coordinator to the next word (和援港/nr): the phrase starts after it
            if len(word) > 1 and word[0] in _COORDINATORS and flag in ("nr", "ns", "nz"):
                first = s + 1
            break
        first = s
    # A verbal noun at the left edge governs the phrase (启动|职工疗休养, 服务|一线职工), unless a known modifier.
    for k, (s, e, word, flag) in enumerate(words):
        if s < first or e > start:
            continue
        compound = k + 1 < len(words) and word + words[k + 1][2] in _KEEP_MODIFIERS
        if s == first and flag == "vn" and word not in _KEEP_MODIFIERS and not compound:
            first = e
            continue
        break
    if start - first > MAX_MODIFIER:
        return start
    return first


def modifier_start(text: str, start: int, end: int, blocked: list[tuple[int, int]]) -> int:
    """Where the defining modifiers of a group head at [start, end) begin (see :func:`_left_start`).

    >>> text = "看望坚守岗位的一线交通协管员"
    >>> text[modifier_start(text, 11, 14, []):14]
    '一线交通协管员'
    """
    return _left_start(text, start, end, blocked)


_COORDINATORS = "".join(_GRAMMAR["coordinator"])
# A count (36名, 百余名, 上千位): the group phrase starts after its counter.
_COUNT = re.compile(r"(?:[0-9０-９]|(?<!一)[一二三四五六七八九十两几数百千万亿][余多]?)[名位户支批]")
# Words that name an administrative level (市级劳模 → 劳模: a level is no defining modifier).
_LEVEL = re.compile(r"^(?:" + "|".join(_GRAMMAR["level"]) + r")级$")


def _is_modifier(word: str, flag: str) -> bool:
    """Whether a jieba word can be part of a group's defining modifier."""
    _heads, stops = _grammar()
    if word in _KEEP_MODIFIERS:
        return True
    if word in _STOP_WORDS() or _LEVEL.match(word) or flag in _NON_MODIFIER:
        return False
    return not (len(word) == 1 and word in stops)


@lru_cache(maxsize=1)
def _STOP_WORDS() -> frozenset[str]:  # noqa: N802 - a cached constant
    return frozenset(_grammar()[1])


# jieba POS flags that cannot be part of a defining modifier: verbs, function words, numbers, places, time.
_NON_MODIFIER = frozenset({"v", "p", "c", "u", "uj", "ul", "uz", "ud", "ug", "uv", "d", "m", "q", "r", "t", "f",
                           "x", "y", "e", "o", "ns", "nr", "nt", "vd", "ad", "zg"})


# Modifiers jieba tags as numbers/adverbs/verbs that do define a group.
_KEEP_MODIFIERS = frozenset(_GRAMMAR["keep_modifier"])
# Heads of role nouns: a two-character verb right before one is its defining modifier (值守人员).
_ROLE_HEADS = frozenset(_GRAMMAR["role_head"])


def find_groups(text: str, *, blocked: list[tuple[int, int]] | None = None) -> list[tuple[int, int, str]]:
    """Group phrases of a simplified text: (start, end, preferred label).

    ``blocked`` spans (unions, organisations) are never part of a group.

    >>> find_groups("为全市一线环卫工人送去清凉")
    [(3, 9, '一线环卫工人')]
    """
    blocked = blocked or []
    tax = load_taxonomy()
    table = _heads_by_first_char()
    found: list[tuple[int, int, str]] = []
    first_chars = _head_first_chars()
    i = 0
    while i < len(text):
        if (skip := first_chars.search(text, i)) is None:
            break
        i = skip.start()  # no head starts before (a regex skip instead of a dictionary look-up per character)
        match = None
        entries = table.get(text[i], ())
        if entries and not text.startswith(_words_by_first_char()[text[i]], i):
            entries = ()  # none of them is there (one C call instead of a test per word)
        for word, is_term in entries:
            if text.startswith(word, i):
                end = i + len(word)
                if any(s < end and i < e for s, e in blocked):
                    continue
                match = (word, is_term, end)
                break
        if match is None:
            i += 1
            continue
        word, is_term, end = match
        if _inside_longer_word(text, i, end):
            i += 1  # 务工|人员 is one word: its head is 人员, not the 工人 across its middle
            continue
        if text.startswith(_RIGHT_BLOCK, end):
            i = end
            continue
        # In a facility compound (智慧职工书屋, 某厂职工之家) the left modifiers belong to the whole compound.
        facility = text.startswith(FACILITY_NOUNS, end)
        start = i if facility else _left_start(text, i, end, blocked)
        name = text[start:end]
        if start == i and not facility and (rel := _relative_start(text, i, blocked)) is not None:
            start, name = rel, text[rel:i - 1] + text[i:end]  # 轮班值守的职工 → 轮班值守职工
        if not is_term and start == i:
            i = end  # a productive head needs a defining modifier (人员, 干部 alone are no group)
            continue
        if len(name) <= MAX_LABEL:
            # A compound head takes an earlier group as its modifier (困难职工 + 建档人员): keep the longer.
            while found and found[-1][0] >= start:
                found.pop()
            found.append((start, end, tax.preferred(name)))
        i = end
    return found


def _inside_longer_word(text: str, start: int, end: int) -> bool:
    """Whether the head word at [start, end) ends inside a jieba word that a later head word ends
    (施工人员: 工人 ends inside the word, 人员 ends it), so that the later head is the phrase's.

    >>> _inside_longer_word("看望施工人员", 3, 5), _inside_longer_word("统计职工人数", 2, 4)
    (True, False)
    """
    table = _words_by_first_char()
    later = [p + len(w) for p in range(start + 1, end) for w in table.get(text[p], ()) if text.startswith(w, p)]
    later = [e for e in later if e > end]
    if not later:
        return False
    lo, hi = max(0, start - 4), min(len(text), max(later) + 4)
    bounds, pos = set(), lo
    for word, _flag in posseg.lcut(text[lo:hi]):
        pos += len(word)
        bounds.add(pos)
    return end not in bounds and any(e in bounds for e in later)


# Last words of a 的-relative that define a group: states and verbal nouns (有困难的, 施工的, 一线的),
# not possessors (企业的, 符合条件的) nor plain verbs (需要帮助的, 新入职的).
_RELATIVE_LAST = frozenset({"vn", "an", "a"})


def _relative_start(text: str, head: int, blocked: list[tuple[int, int]]) -> int | None:
    """Start of a defining 的-relative before a head at ``head`` (生活有困难的职工 → 困难; 坚守在户外一线的劳动者
    → 户外一线), or None.  The relative is walked leftwards like direct modifiers; its last word must
    be a state or a verbal noun (or a known group modifier), and the rest modifier words."""
    if head < 3 or text[head - 1] != "的":
        return None
    de = head - 1
    lo = _left_bound(text, de, max(0, de - MAX_MODIFIER), blocked)
    if de - lo < 2:
        return None
    words, pos = [], lo
    for word, flag in posseg.lcut(text[lo:de]):
        words.append((pos, word, flag))
        pos += len(word)
    _s, last, flag = words[-1]
    # a verb after a noun is a noun-verb compound (居家|隔离, 疫情|防控), not a bare verb (需要帮助)
    compound = flag == "v" and len(words) > 1 and words[-2][2] in ("n", "vn") and len(words[-2][1]) >= 2
    if len(last) < 2 or not (last in _KEEP_MODIFIERS or flag in _RELATIVE_LAST or compound) or last in _STOP_WORDS():
        return None
    if flag == "vn" and len(words) > 1 and words[-2][2] == "v" and last not in _KEEP_MODIFIERS:
        return None  # a verb and its object (参加活动的Y, 完成培训的Y): an event the group took part in, no state
    first = words[-1][0]
    for s, word, flag in reversed(words[:-1]):
        if not (_is_modifier(word, flag) or flag == "vn"):
            break
        first = s
    return first if de - first <= MAX_MODIFIER else None


def _group_confidence(rule: str) -> float:
    return default_confidence(rule)


@Language.component("ukg_groups")
def ukg_groups(doc: Doc) -> Doc:
    """Add a BeneficiaryGroup mention for every group phrase (candidates; ukg_mission prunes)."""
    from kg.rules import add_mention

    article = doc._.ukg_article
    blocked = [(m.start, m.end) for m in doc._.ukg_mentions if m.kind in (UNION, ORGANIZATION)]
    tax = load_taxonomy()
    for start, end, label in find_groups(doc.text, blocked=blocked):
        rule = RULE_TERM if doc.text[start:end] in tax.labels else RULE_PHRASE
        surface = article.text[start:end] if article is not None else doc.text[start:end]
        add_mention(
            doc,
            Mention(kind=GROUP, text=surface, start=start, end=end, label=label, rule=rule,
                    confidence=_group_confidence(rule)),
        )
    return doc


@lru_cache(maxsize=1)
def abbreviations() -> tuple[tuple[str, str], ...]:
    """(short, full) pairs of kg/data/group-abbreviations-v1.tsv.

    >>> ("劳模", "劳动模范") in abbreviations()
    True
    """
    return tuple((row[0], row[1]) for row in rows(ABBREVIATIONS_FILE) if len(row) > 1)


def _form_of(label: str) -> tuple[int, str] | None:
    """(family index, form) when the label is a form of an abbreviation family or ends with one."""
    for k, (short, full) in enumerate(abbreviations()):
        for form in (full, short):
            if label.endswith(form) and not (form == short and label.endswith(full)):
                return k, form
    return None


def unify_abbreviations(labels: list[str], *, first_served: list[str]) -> dict[str, str]:
    """New labels for one article: both forms of a family take the form of the first label in
    ``first_served`` (the groups markers introduce, in text order) that has one; families no such
    label decides keep their labels.

    >>> unify_abbreviations(["劳模", "全国劳动模范", "职工"], first_served=["职工", "劳动模范"])
    {'劳模': '劳动模范'}
    >>> unify_abbreviations(["劳模", "劳动模范"], first_served=["职工"])
    {}
    """
    chosen: dict[int, str] = {}
    for label in first_served:
        if (found := _form_of(label)) is not None:
            chosen.setdefault(found[0], found[1])
    out = {}
    for label in labels:
        found = _form_of(label)
        if found is None or found[0] not in chosen or found[1] == chosen[found[0]]:
            continue
        out[label] = label[: len(label) - len(found[1])] + chosen[found[0]]
    return out
