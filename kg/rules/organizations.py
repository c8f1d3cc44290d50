"""Rule component ukg_organizations: enterprises, government/party bodies and platforms.

Also the shared name grammar used by the union rules: :func:`scan_name` finds where
an organisation name that ends at a given offset starts (jieba tokens, stopping at
function words, time words and typical verbs; a preposition jieba glued to an unknown
name's first character is cut, 从|青禾县; department names with 和 inside are kept;
an unbalanced "(" ends the name), and :func:`find_associations` (org.association/v1)
the associations and federations that kg.rules.persons takes as a post's organisation.
The grammar's words: kg/data/org-grammar-v1.tsv.

Example:
    >>> text = "近日苏盐阀门机械公司开展活动"
    >>> [(text[s:e], suffix) for s, e, suffix in find_enterprises(text)]
    [('苏盐阀门机械公司', '公司')]
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from kg.zh import posseg
from kg.lexicon import longest_first, words
from kg.zh.gazetteer import lookup
from kg.records import LOCATED_IN, ORGANIZATION, PLACE, UNION, Mention, Relation
from kg.rules import add_mention, add_relation
from kg.zh.text import TextMemo, sentence_spans

DATA = Path(__file__).resolve().parent.parent / "data"
RULE_ENTERPRISE = "org.enterprise/v1"
RULE_GOVERNMENT = "org.government/v1"
RULE_PLATFORM = "org.platform/v1"
RULE_LOCATED = "org.located_in/v1"
RULE_ASSOCIATION = "org.association/v1"
#: The words of the name grammar (lead prepositions, names with a conjunction, association heads).
GRAMMAR = "org-grammar-v1.tsv"

_CJK = "\u4e00-\u9fff"
# Characters that can never be inside a name (punctuation, quotes, spaces, digits as counts).
_BREAK = re.compile(r"[^\u4e00-\u9fffA-Za-z（）()·]")
_STOP_FLAGS = {"p", "c", "u", "uj", "ul", "uz", "ug", "uv", "ud", "t", "f", "r", "y", "e", "o", "x", "w", "m", "q", "mq"}
# Heads that make a scanned name generic (企业/单位 are categories, not names).
_GENERIC_NAMES = {"企业", "单位", "非公企业", "民营企业", "国有企业", "基层", "行业", "区域", "系统", "机关", "部门"}


def _lines(name: str) -> list[str]:
    words: list[str] = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            words.extend(line.split())
    return words


@lru_cache(maxsize=1)
def name_stops() -> frozenset[str]:
    """Words that end a backwards name scan (kg/data/name-stops-v1.txt)."""
    return frozenset(_lines("name-stops-v1.txt"))


@lru_cache(maxsize=1)
def org_suffixes() -> tuple[str, ...]:
    """Enterprise/unit heads, longest first (kg/data/org-suffixes-v1.txt)."""
    return tuple(sorted(set(_lines("org-suffixes-v1.txt")), key=len, reverse=True))


@lru_cache(maxsize=1)
def platforms() -> tuple[str, ...]:
    """Major platform companies (kg/data/platforms-v1.txt), longest first."""
    return tuple(sorted(set(_lines("platforms-v1.txt")), key=len, reverse=True))


@lru_cache(maxsize=1)
def _platform_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((word, re.compile(re.escape(word))) for word in platforms())


def grammar(kind: str) -> tuple[str, ...]:
    """The words of one type of kg/data/org-grammar-v1.tsv, longest first.

    >>> "从" in grammar("lead_preposition")
    True
    """
    return _grammar(kind)


@lru_cache(maxsize=None)
def _grammar(kind: str) -> tuple[str, ...]:
    return longest_first(words(GRAMMAR).get(kind, ()))


@lru_cache(maxsize=1)
def _joined_re() -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, grammar("joined_name"))))


# The words of the chunks cut for the text at hand (its names are scanned from the same ends several times).
_TOKENS = TextMemo()


def _tokens(chunk: str, text: str | None = None) -> tuple[tuple[str, str], ...]:
    """jieba.posseg's (word, flag) pairs of ``chunk``, remembered for ``text`` (the text it is from)."""
    if text is None:
        return tuple(posseg.lcut(chunk))
    memo = _TOKENS.of(text)
    tokens = memo.get(chunk)
    if tokens is None:
        tokens = memo[chunk] = tuple(posseg.lcut(chunk))
    return tokens


def scan_name(text: str, end: int, *, limit: int = 20, min_start: int = 0, trim_verbs: bool = True) -> int:
    """Start offset of the name that ends at ``end`` (== ``end`` when there is none).

    ``trim_verbs=False`` keeps a leading word jieba tags as a verb (a caller that cuts clause
    verbs itself: jieba tags unknown brand names such as 外卖 or 攀钢 as verbs too).

    >>> t = "贵港市探索成立合作社"
    >>> t[scan_name(t, len(t)):]
    '合作社'
    >>> t = "进入暑运以来，沈阳铁路局梅河口车务段"
    >>> t[scan_name(t, len(t)):]
    '沈阳铁路局梅河口车务段'
    """
    lo = max(min_start, end - limit)
    chunk_start = lo
    for match in _BREAK.finditer(text, lo, end):
        chunk_start = match.end()
    # an unbalanced "(" before the name stops it too
    if chunk_start >= end:
        return end
    chunk = text[chunk_start:end]
    tokens = _tokens(chunk, text)
    stops = name_stops()
    start = end
    pos = end
    # names with a conjunction inside (人力资源和社会保障局): the scan does not stop inside them
    joined = [(m.start() + chunk_start, m.end() + chunk_start) for m in _joined_re().finditer(chunk)] if "和" in chunk \
        or "与" in chunk else []
    for word, flag in reversed(tokens):
        pos -= len(word)
        if pos < start and any(js <= pos < je for js, je in joined):
            continue
        if flag in ("m", "q", "mq") and not re.search(r"[0-9０-９零一二三四五六七八九十百千万亿两几多首]", word):
            flag = "n"  # 米/市巷: jieba's measure tags on name characters
        if flag == "t" and word in grammar("age_noun"):
            flag = "n"  # 青年企业家协会: an age group, not a time word
        if word in stops or (flag in _STOP_FLAGS and not lookup(word) and word not in "（）()·"):
            break
        if flag == "d" and not lookup(word):
            break
        start = pos
    # a verb cannot start a name (指着|厂, 组建|公司)
    for word, flag in tokens if trim_verbs else ():
        pos_word = chunk_start + sum(len(w) for w, _f in tokens[: tokens.index((word, flag))])
        if pos_word < start:
            continue
        if pos_word == start and flag.startswith("v") and flag != "vn" and not lookup(word):
            start += len(word)
            continue
        break
    # an unbalanced "(" before the name stops it too: 甲某(某公司 → 某公司
    for i in range(end - 1, start - 1, -1):
        if text[i] in ")）":
            break
        if text[i] in "(（":
            start = i + 1
            break
    while start < end and text[start] in "）)·":
        start += 1
    if text[start:start + 1] in ("(", "（") and start > lo:
        # a name does not start with a bracket (华润置地(某地)有限公司: jieba cut the name before it apart):
        # the run of ideographs before it, up to the last stop word in it
        run = start
        while run > max(lo, start - 8) and "\u4e00" <= text[run - 1] <= "\u9fff":
            run -= 1
        cut = max((text.rfind(w, run, start) + len(w) for w in stops if text.rfind(w, run, start) >= 0), default=run)
        if cut < start - 1:
            start = cut
    # a preposition jieba glued to an unknown name's first character (从|青禾 read as a person's name;
    # the name is cut only when it starts with one)
    if text[start:start + 1] in grammar("lead_preposition"):
        first = next(((w, f) for w, f in _tokens(text[start:end], text)[:1]), None) if start < end else None
        if first is not None and first[1] == "nr" and len(first[0]) >= 3:
            start += 1
    return start


def find_enterprises(text: str, *, suffixes: tuple[str, ...] | None = None) -> list[tuple[int, int, str]]:
    """``(start, end, suffix)`` of "<name><suffix>" enterprise/unit names with a real name part.

    >>> find_enterprises("在合作社建立工会")
    []
    """
    return list(_find_enterprises(text, tuple(suffixes or org_suffixes())))


@lru_cache(maxsize=8)
def _suffix_pattern(suffixes: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, suffixes)))


# The union rules ask for the enterprises of the same text several times: kept for the last few texts.
@lru_cache(maxsize=4)
def _find_enterprises(text: str, suffixes: tuple[str, ...]) -> tuple[tuple[int, int, str], ...]:
    pattern = _suffix_pattern(suffixes)
    out: list[tuple[int, int, str]] = []
    for match in pattern.finditer(text):
        end = match.end()
        start = scan_name(text, match.start())
        name = text[start:match.start()]
        if len(name) < 2 or name in _GENERIC_NAMES or name.endswith(("类", "型", "性", "级", "等")):
            continue
        # "X分公司车身保修厂": the later, longer unit swallows the earlier one
        while out and start <= out[-1][0]:
            out.pop()
        if out and start < out[-1][1]:
            continue
        out.append((start, end, match.group()))
    return tuple(out)


_GOV_NAMES = ("人大常委会", "人民政府", "政府", "党委", "市委", "县委", "区委", "省委", "州委", "组织部", "宣传部", "统战部",
              "人社局", "人力资源和社会保障局", "人力资源社会保障厅", "人社厅", "信访局", "交通运输局", "公安局",
              "应急管理局", "市场监管局", "教育局", "卫健委", "发改委", "法院", "检察院")
_GOV_HEADS = ("局", "厅", "委员会", "办公室")
_GOV = re.compile("(?:" + "|".join(_GOV_NAMES) + r"|[\u4e00-\u9fff]{1,6}(?:" + "|".join(_GOV_HEADS) + "))")
# Where a match can be near: one of the names, or a head (a match of the last branch starts one to six
# characters before its head).
_GOV_HINT = re.compile("|".join(_GOV_NAMES + _GOV_HEADS))


def _gov_matches(text: str) -> Iterator[re.Match[str]]:
    """``_GOV.finditer(text)``, the pattern tried only where a match can start (see _GOV_HINT): on
    its own it is tried at every character, and its last branch reads up to six characters there."""
    pos = 0
    while (hint := _GOV_HINT.search(text, pos)) is not None:
        for at in range(max(pos, hint.start() - 6), hint.start() + 1):
            if (match := _GOV.match(text, at)) is not None:
                yield match
                pos = match.end()  # never empty
                break
        else:
            pos = hint.start() + 1


@lru_cache(maxsize=1)
def _association_re() -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, grammar("association"))))


_UNION_END = re.compile(r"工会$|总$")


def find_associations(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of associations, federations and societies (org.association/v1): "<name><head>"
    with a name of at least two characters that is not a union's (工会联合会 is a union), not generic
    (有关行业协会) and not counted (6个兴趣协会).  Read by kg.rules.persons for the organisation of a
    post written after one (某协会会长); not emitted on their own (such a name is often an initiative:
    成立某某协会).

    >>> t = "中国纺织工业联合会副会长、青禾市青年企业家协会会长和青禾市快递行业工会联合会"
    >>> [t[s:e] for s, e in find_associations(t)]
    ['中国纺织工业联合会', '青禾市青年企业家协会']
    """
    out: list[tuple[int, int]] = []
    if "会" not in text:
        return out
    for match in _association_re().finditer(text):
        if _UNION_END.search(text, max(0, match.start() - 2), match.start()):
            continue  # 某某行业工会联合会: a union
        start = scan_name(text, match.start(), limit=16)
        if match.group() != "联合会" and start == match.start():
            start = scan_name(text, match.end(), limit=16)  # 妇女联合会 as one jieba word
            if start >= match.start():
                start = match.start()
        if text[start:start + 1] in "年月日" and text[start - 1:start].isdigit():
            start += 1  # 2023年|中国某某协会
        name = text[start:match.start()]
        if len(name) < 2 or name in _GENERIC_NAMES \
                or name.startswith(grammar("generic_start")) or name.endswith(("各", "类", "等")) \
                or text[start:start + 1] in "个家所批" and re.match(r"[0-9０-９一二三四五六七八九十几多]", text[start - 1:start]):
            continue
        out.append((start, match.end()))
    return out


def _place_prefix_ok(name: str) -> bool:
    """A government body needs a place (or 国家/中央/国务院) before its head."""
    for cut in range(len(name) - 1, 1, -1):
        if lookup(name[:cut]):
            return True
    return name.startswith(("国家", "中央", "国务院", "中共"))



@Language.component("ukg_organizations")
def ukg_organizations(doc: Doc) -> Doc:
    """Organization mentions (enterprises, government bodies, platforms) with locatedIn."""
    text = doc.text
    article = doc._.ukg_article
    union_spans = [(m.start, m.end) for m in doc._.ukg_mentions if m.kind == UNION]

    def inside_union(s: int, e: int) -> bool:
        # the enterprise of an enterprise union ("X公司工会") is an Organization too
        return any(us <= s and e <= ue and text[e:e + 2] != "工会" for us, ue in union_spans)

    found: list[Mention] = []
    for start, end, _suffix in find_enterprises(text):
        if inside_union(start, end):
            continue
        found.append(_mention(article.text, start, end, text[start:end], RULE_ENTERPRISE, 0.7))
    for match in _gov_matches(text):
        start = scan_name(text, match.end(), limit=14)
        name = text[start:match.end()]
        if len(name) < 3 or not _place_prefix_ok(name) or inside_union(start, match.end()):
            continue
        found.append(_mention(article.text, start, match.end(), name, RULE_GOVERNMENT, 0.7))
    for word, pattern in _platform_patterns():
        for match in pattern.finditer(text):
            s, e = match.span()
            if any(f.start <= s and e <= f.end for f in found):
                continue
            found.append(_mention(article.text, s, e, word, RULE_PLATFORM, 0.8))
    sentences = sentence_spans(text)
    for mention in found:
        added = add_mention(doc, mention)
        _locate(doc, added, sentences)
    return doc


def _mention(original: str, start: int, end: int, label: str, rule: str, confidence: float) -> Mention:
    return Mention(kind=ORGANIZATION, text=original[start:end], start=start, end=end, label=label,
                   rule=rule, confidence=confidence)


def _locate(doc: Doc, mention: Mention, sentences: list[tuple[int, int]]) -> None:
    """locatedIn(org → the gazetteer place its name starts with)."""
    name = doc.text[mention.start:mention.end]
    for cut in range(min(len(name) - 1, 12), 1, -1):
        places = lookup(name[:cut])
        if places and name[:cut][-1] in "省市县区州盟旗":
            place = places[0]
            pm = add_mention(doc, Mention(kind=PLACE, text=doc._.ukg_article.text[mention.start:mention.start + cut],
                                          start=mention.start, end=mention.start + cut, label=name[:cut],
                                          rule="place.gazetteer/v1", confidence=0.9,
                                          attrs=(("level", place.level), ("code", place.code))))
            s, e = next(((a, b) for a, b in sentences if a <= mention.start < b), (mention.start, mention.end))
            add_relation(doc, Relation(predicate=LOCATED_IN, subject=mention, object=pm,
                                       sentence_start=s, sentence_end=e, rule=RULE_LOCATED, confidence=0.8))
            return
