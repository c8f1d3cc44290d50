"""Rule component ukg_unions: UnionBody mentions with canonical labels.

A union mention is <descriptor> <level>? <head> (on the simplified text, character offsets):
- heads: 总工会, 工会, 联合工会, 工会联合会, 分工会, 工会小组, 工会委员会 (→ 工会), 工会工作委员会;
- the descriptor's left edge is found by grammar (:func:`descriptor_start`): the organisation-name scan
  of kg.rules.organizations, cut after clause verbs, adverbs, particles, posts and 兼, and after an
  earlier union head; numbers and ordinals inside a chain of units stay (某厂二车间, 第某师);
  a count before it (6个社区联合工会) makes the mention plural;
- national: 中华全国总工会 / 全国总工会 / 全总;
- territorial: [higher places] <own place><level> 总工会, canonical = own place + level + 总工会
  (江苏省盐城市滨海县总工会 → 滨海县总工会, the long form kept as attr "alias"); a shared head
  distributes over coordinated places (某市、某县等县市总工会);
- town level (镇/乡/街道/社区/村 + 工会 / 工会联合会 / 联合工会) keeps its head, own name only; a name after
  a higher place is a name whatever jieba reads in it (某区下应街道总工会);
- division unions of the production corps: 第X师总工会 (union.grammar/v3);
- zone (经开区/高新区 … + (总)工会, union.zone/v2) and office (省直机关, 市直属机关, X机关; 某区总工会机关工会,
  union.office/v2) unions, written bare → the article's place prefixed;
- workplace unions: <enterprise or unit chain> + head, as written (X有限公司Y分公司工会, X车务段工会,
  X项目工会小组); a generic head alone (公司工会, 该车间工会) → the article's named one;
- industry and system unions (union.industry/v2): 中国 + descriptor, <place> + descriptor (某省交通运输工会),
  <level> + sector (市教育工会 → the article's city), the sector list; federations of a place and a new
  sector (某市新业态工会联合会, union.federation/v2);
- abbreviations and anaphora: X市总, 市总/县总/区总/省总, (该)市总工会, 自治区总工会 → the article's
  union or place of that level (short place names, a dateline's place, two-character counties, the
  division enclosing the article's places: union.anaphora/v3); 该会/本会 → the union named last before
  (union.this_body/v1); headline "<place>工会" only if the article names that union; short forms of a
  named union (a suffix, or brand + unit) take its full label;
- enterprise unions from posts (union.enterprise/v2): 某公司党委副书记、纪委书记、工会主席, 在某公司，工会主席;
- a raw page's footer lines (版权所有, 主办: … 地址: …) give no union (union.footer/v1).
Generic and plural mentions (工会, 各级工会, 基层工会, 企业工会, 村级工会联合会) give nothing.
The grammar's words are data: kg/data/union-grammar-v2.tsv (levels, generic words, boundaries,
units, zones …) and kg/data/union-industries-v2.txt, read through kg.lexicon.

Example:
    >>> from kg.extract.nlp import make_nlp, process
    >>> from kg.records import Article
    >>> doc = process(make_nlp(), Article(id="x#0", source_file="x", position=0,
    ...     text="近日，江苏省盐城市滨海县总工会开展活动。县总还组织职工培训。"))
    >>> sorted({m.label for m in doc._.ukg_mentions if m.kind == "UnionBody"})
    ['滨海县总工会']
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from kg.zh import posseg
from kg.lexicon import longest_first, word_list, words
from kg.zh.gazetteer import Place, is_within, lookup, parents
from kg.rules.places import longest_ending, longest_starting
from kg.records import LOCATED_IN, PARTNER, PLACE, SUB_ORGANIZATION_OF, UNION, Mention, Relation
from kg.rules.organizations import find_enterprises, org_suffixes, platforms, scan_name
from kg.rules import add_mention, add_relation
from kg.zh.text import finditer_at, sentence_spans

RULE_NATIONAL = "union.national/v1"
RULE_TERRITORIAL = "union.grammar/v3"
RULE_ABBREV = "union.abbrev/v1"
RULE_ANAPHORA = "union.anaphora/v3"
RULE_HEADLINE = "union.headline/v1"
RULE_INDUSTRY = "union.industry/v2"
RULE_ENTERPRISE = "union.enterprise/v2"
RULE_FEDERATION = "union.federation/v2"
RULE_ZONE = "union.zone/v2"
RULE_OFFICE = "union.office/v2"
RULE_ALIAS = "union.alias/v1"
RULE_THIS_BODY = "union.this_body/v1"
RULE_LOCATED = "union.located_in/v1"
RULE_PARTNER = "union.partner/v1"
RULE_SUB = "union.sub_organization/v1"

NATIONAL = "中华全国总工会"
#: The vocabulary of the grammar (levels, generic words, boundaries, units …), see its header.
GRAMMAR = "union-grammar-v2.tsv"
#: National industry-union names (铁路, 金融 …).
INDUSTRIES = "union-industries-v2.txt"
_GAZ_LEVEL_CHARS = "省市县区州盟旗"
_CJK = re.compile(r"[\u4e00-\u9fff]")


def grammar(kind: str) -> tuple[str, ...]:
    """The words of one type of kg/data/union-grammar-v2.tsv, longest first.

    >>> grammar("level")[:3]
    ('特别行政区', '自治区', '开发区')
    """
    return _grammar(kind)


@lru_cache(maxsize=None)
def _grammar(kind: str) -> tuple[str, ...]:
    return longest_first(words(GRAMMAR).get(kind, ()))


def _levels() -> tuple[str, ...]:
    return grammar("level")


def _generic() -> tuple[str, ...]:
    return grammar("generic")


def _demonstrative() -> tuple[str, ...]:
    return grammar("demonstrative")


@lru_cache(maxsize=1)
def _boundary_re() -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, grammar("boundary"))) + "|总工会|工会")


@lru_cache(maxsize=1)
def _head_word_re() -> re.Pattern[str]:
    """Unit and zone words that end a descriptor (jieba may cut them apart: 经|开区)."""
    return re.compile("(?:" + "|".join(map(re.escape, longest_first(grammar("zone") + grammar("unit")))) + ")$")


# A number or ordinal inside a unit chain: 加工厂|二|车间, 物流园|3#|仓库, 兵团|第六|师.
_ORDINAL_END = re.compile(r"第?[0-9０-９一二三四五六七八九十百千万]+[#＃号]?$")
_DATE = re.compile(r"[0-9０-９]+[年月日]")
_COUNT_END = re.compile(r"[0-9０-９一二三四五六七八九十百千几多两数]$")


def descriptor_start(text: str, end: int, *, limit: int = 32, trim_verbs: bool = False) -> int:
    """Where the descriptor of a union head at ``end`` starts (``end`` when there is none).

    The name grammar of :func:`scan_name`, plus: numbers and ordinals inside a chain of units, and a
    cut after the last clause word (verb, adverb, post, 兼) or union head inside it. A count before
    the descriptor (6个社区) makes it plural: ``-1``. Unlike scan_name's default, a leading word
    tagged as a verb stays (jieba tags brand words as verbs: 外卖行业, 攀钢集团) unless ``trim_verbs``.

    >>> t = "副主任兼市"
    >>> t[descriptor_start(t, len(t)):]
    '市'
    >>> t = "青禾机械公司加工厂二车间"
    >>> t[descriptor_start(t, len(t)):]
    '青禾机械公司加工厂二车间'
    >>> descriptor_start("推动6个社区", 6)
    -1
    """
    lo = max(0, end - limit)
    head = _head_word_re().search(text, max(lo, end - 10), end)
    start = scan_name(text, head.start() if head else end, min_start=lo, limit=limit, trim_verbs=trim_verbs)
    if head and start == head.start():
        start = scan_name(text, end, min_start=lo, limit=limit, trim_verbs=trim_verbs)
        start = min(start, head.start())
    if text[start:start + 1] in grammar("classifier") and _COUNT_END.search(text, max(0, start - 1), start):
        return -1
    for _ in range(3):
        ordinal = _ORDINAL_END.search(text, max(lo, start - 5), start)
        if ordinal is None or ordinal.start() == start:
            break
        before = scan_name(text, ordinal.start(), min_start=lo, limit=limit, trim_verbs=trim_verbs)
        if before == ordinal.start():
            if text.startswith("第", ordinal.start()):
                start = before  # 第十三师, 第一项目部: an ordinal name
            break
        start = before
    for match in _boundary_re().finditer(text, start, end):
        start = max(start, match.end())
    for match in _DATE.finditer(text, max(0, start - 6), end):  # 2019年|中国某某工会
        start = max(start, match.end())
    if not trim_verbs and start < end and _CJK.match(text[start - 1:start] or " ") \
            and text[start - 1] not in grammar("bare_before"):
        # a verb right after a word is the clause's (推进|某某公司), one after a break may be a name's (、外卖行业)
        words = posseg.lcut(text[start:end])
        if len(words) > 1 and words[0][1] == "v" and len(words[0][0]) >= 2 and not lookup(words[0][0]):
            start += len(words[0][0])
    return start


@dataclass
class _Cand:
    start: int
    end: int
    label: str
    rule: str
    confidence: float = 0.9
    level: str = ""  # level word for territorial unions (市, 县, 街道 …)
    place: Place | None = None
    own_start: int = -1  # where the union's own place name starts
    alias: str = ""
    attrs: list[tuple[str, str]] = field(default_factory=list)


@lru_cache(maxsize=1)
def industries() -> tuple[str, ...]:
    """Industry-union names (kg/data/union-industries-v2.txt), longest first.

    >>> "铁路" in industries()
    True
    """
    return longest_first(word_list(INDUSTRIES))


def _gaz_match_ending(text: str, end: int, *, full_only: bool) -> tuple[int, tuple[Place, ...]] | None:
    """Longest gazetteer name ending at ``end`` (full/everyday names end in a level character)."""
    if full_only and text[end - 1:end] not in _GAZ_LEVEL_CHARS or end < 2:  # every name ends at text[end - 1]
        return None
    return longest_ending(text, end, longest=12)


def _chain_start(text: str, start: int, places: tuple[Place, ...] | None) -> int:
    """Extend ``start`` back over higher-level place names (江苏省盐城市 before 滨海县)."""
    while start > 0:
        match = _gaz_match_ending(text, start, full_only=False)
        if not match:
            break
        prev_start, higher = match
        if places and not any(is_within(p, h) for p in places for h in higher):
            break
        start = prev_start
    return start


def _territorial(text: str, start_kw: int) -> _Cand | str | None:
    """Parse "<…><level>" ending at ``start_kw`` (the offset of 总工会 / 总).

    Returns a candidate, "bare:<level>" for 市总工会/该县总工会-style references, or None.
    """
    national = next((w for w in grammar("national_prefix") if text.endswith(w, 0, start_kw)), "")
    if national:
        return _Cand(start_kw - len(national), start_kw, NATIONAL, RULE_NATIONAL, 1.0)
    if text.endswith("兵团", 0, start_kw):
        s = start_kw - 2
        if text.endswith("新疆生产建设", 0, s):
            s -= 6
        elif text.endswith("生产建设", 0, s):
            s -= 4
        return _Cand(s, start_kw, "新疆生产建设兵团总工会" if s < start_kw - 2 else "兵团总工会", RULE_TERRITORIAL,
                     0.9, level="兵团", own_start=s) if s < start_kw - 2 else "bare:兵团"
    division = _DIVISION.search(text, max(0, start_kw - 6), start_kw)
    if division is not None:  # a division of the production corps: (兵团)第八师总工会 → 第八师总工会
        return _Cand(division.start(), start_kw, division.group() + "总工会", RULE_TERRITORIAL, 0.85, level="师",
                     own_start=division.start())
    gaz = _gaz_match_ending(text, start_kw, full_only=True)
    if gaz:
        own_start, places = gaz
        own = text[own_start:start_kw]
        level = next(lv for lv in _levels() if own.endswith(lv))
        return _Cand(own_start, start_kw, own + "总工会", RULE_TERRITORIAL, 0.95, level=level,
                     place=places[0] if len(places) == 1 else _pick(places, text, own_start), own_start=own_start)
    zone = next((z for z in grammar("zone") if text.endswith(z, 0, start_kw)), "")
    if zone:  # 某某经开区总工会; bare 经开区总工会 takes the article's city (see _prefix_places)
        name_start = descriptor_start(text, start_kw - len(zone), limit=10, trim_verbs=True)
        if name_start < 0 or _is_generic(text, name_start, start_kw - len(zone)) and name_start < start_kw - len(zone):
            return None
        if name_start == start_kw - len(zone):
            before = text[max(0, name_start - 2):name_start]
            if any(before.endswith(g) for g in _generic()):
                return None
        own = name_start  # higher places cut off: 某省|某市高新区 → the last place written before the zone
        while (found := longest_starting(text, own, longest=min(12, start_kw - len(zone) - own))) \
                and found[0] < start_kw - len(zone) and longest_starting(text, found[0], longest=start_kw - len(zone) - found[0]):
            own = found[0]
        return _Cand(own, start_kw, text[own:start_kw] + "总工会", RULE_ZONE, 0.8,
                     level=zone if name_start == start_kw - len(zone) else "", own_start=own)
    level = next((lv for lv in _levels() if text.endswith(lv, 0, start_kw)), None)
    if level is None:
        return None
    name_end = start_kw - len(level)
    name_start = descriptor_start(text, name_end, limit=12, trim_verbs=True)
    if name_start < 0:
        return None  # a count: 6个街道总工会
    # cut higher-level places off the front: 杭州市萧山区|新湾街道
    placed = False  # a higher place written before the name: it is a name, whatever jieba reads (某区|下应|街道)
    for cut in range(name_end - 2, name_start, -1):
        if _gaz_match_ending(text, cut, full_only=True):
            name_start, placed = cut, True
            break
    while True:
        match = _gaz_prefix(text, name_start, name_end)
        if match is None:
            break
        name_start, placed = match, True
    name = text[name_start:name_end]
    if name and (level in ("省", "自治区") or (_is_verbish(name) and not (placed and level in grammar("town_level")))):
        name = ""
    if not name:
        before = text[max(0, name_end - 2):name_end]
        if any(before.endswith(d) for d in _demonstrative()) or not _CJK.match(before[-1:] or " ") or True:
            return f"bare:{level}" if not any(before.endswith(g) for g in _generic()) else None
    if name in _demonstrative() or name.endswith(_demonstrative()):
        return f"bare:{level}"
    if name.startswith(_generic()) or len(name) < 2:
        if len(name) == 1 and name not in _generic() and level in ("镇", "乡"):
            pass  # 1-character town names are rare but real; still too risky
        return None
    return _Cand(name_start, start_kw, name + level + "总工会", RULE_TERRITORIAL, 0.8, level=level, own_start=name_start)


_DIVISION = re.compile(r"第[一二三四五六七八九十]{1,3}师$")


def _is_verbish(name: str) -> bool:
    """A scanned 'name' that is really a verb or function word (纳入|市总工会, 完成|省总工会)."""
    from kg.rules.organizations import _tokens

    tokens = _tokens(name)
    return len(tokens) == 1 and (tokens[0][1].startswith("v") or tokens[0][1] in ("d", "p", "c", "r", "t"))


def _gaz_prefix(text: str, start: int, end: int) -> int | None:
    """End of a gazetteer place that starts at ``start`` and leaves ≥ 2 characters before ``end``; a
    level character written after a short name goes with it (a county the gazetteer knows that has
    become a city: 某某|市 before a town).

    >>> t = "宁乡市金洲镇"
    >>> t[_gaz_prefix(t, 0, len(t)):]
    '金洲镇'
    """
    found = longest_starting(text, start, longest=min(12, end - start - 2))
    if not found:
        return None
    stop = found[0]
    if text[stop:stop + 1] in _GAZ_LEVEL_CHARS and stop + 1 <= end - 2 and text[stop - 1] not in _GAZ_LEVEL_CHARS:
        stop += 1
    return stop


def _pick(places: tuple[Place, ...], text: str, own_start: int) -> Place | None:
    """Disambiguate a place by a higher-level place written before it."""
    match = _gaz_match_ending(text, own_start, full_only=False)
    if match:
        for p in places:
            if any(is_within(p, h) for h in match[1]):
                return p
    return None


@lru_cache(maxsize=1)
def _abbrev_re() -> re.Pattern[str]:
    """"<level>总" not followed by a character that makes 总 part of another word (市总体, 县总量)."""
    block = "".join(grammar("abbrev_block"))
    levels = "|".join(map(re.escape, grammar("abbrev_level")))
    return re.compile(rf"(?P<lvl>{levels})总(?!工会|[{re.escape(block)}])")

_ANY_UNION_TAIL = re.compile(r"总工会")


def _explicit_and_bare(text: str) -> tuple[list[_Cand], list[tuple[int, int, str]]]:
    cands: list[_Cand] = []
    bare: list[tuple[int, int, str]] = []  # (start, end, level)
    for match in _ANY_UNION_TAIL.finditer(text):
        kw = match.start()
        result = _territorial(text, kw)
        if isinstance(result, _Cand):
            result.end = match.end()
            cands.append(result)
        elif isinstance(result, str):
            level = result.split(":", 1)[1]
            start = kw - len(level)
            if text.endswith("该", 0, start):
                start -= 1
            bare.append((start, match.end(), level))
    for match in _abbrev_re().finditer(text):
        kw = match.end() - 1  # the 总
        level = match.group("lvl")
        gaz = _gaz_match_ending(text, kw, full_only=True)
        if gaz:
            own_start, places = gaz
            own = text[own_start:kw]
            if own.endswith(level):
                cands.append(_Cand(own_start, kw + 1, own + "总工会", RULE_ABBREV, 0.85, level=level,
                                   place=places[0] if len(places) == 1 else _pick(places, text, own_start),
                                   own_start=own_start))
                continue
        start = kw - len(level)
        prev = text[start - 1:start] if start else ""
        if prev == "该":
            bare.append((start - 1, kw + 1, level))
        elif not prev or not _CJK.match(prev) or prev in grammar("bare_before") or _after_verb(text, start):
            bare.append((start, kw + 1, level))
    cands += _distributed(text)
    two_cands, two_bare = _two_levels(text)
    cands += two_cands
    bare += two_bare
    for match in _national_short_re().finditer(text):
        if not text[max(0, match.start() - 1):match.start()] in grammar("national_block_before"):
            cands.append(_Cand(match.start(), match.end(), NATIONAL, RULE_ABBREV, 0.8))
    return cands, bare


@lru_cache(maxsize=1)
def _national_short_re() -> re.Pattern[str]:
    shorts = "|".join(map(re.escape, grammar("national_short")))
    return re.compile(rf"(?:{shorts})(?![{re.escape(''.join(grammar('national_block_after')))}])")


@lru_cache(maxsize=1)
def _shared_lead_re() -> re.Pattern[str]:
    """What may stand between coordinated places and their shared 总工会: 等县市, 和, 市."""
    links = "|".join(map(re.escape, grammar("shared_lead") + grammar("coordinator")))
    return re.compile(rf"(?:{links})?[{_GAZ_LEVEL_CHARS}师]{{0,3}}$")


def _distributed(text: str) -> list[_Cand]:
    """A shared head distributes over coordinated places: 某某市、某某县等县市总工会 → each place's 总工会."""
    out: list[_Cand] = []
    for match in re.finditer("总工会", text):
        end = match.start()
        if _gaz_match_ending(text, end, full_only=True) is None:
            lead = _shared_lead_re().search(text, max(0, end - 4), end)  # 等县市|总工会
            end = lead.start() if lead else end
        items: list[_Cand] = []
        while True:
            gaz = _gaz_match_ending(text, end, full_only=True)
            if gaz is None:
                # a name the gazetteer does not know, ending in a level: 第某师某某市
                own_start = descriptor_start(text, end, limit=12, trim_verbs=True)
                if not 0 <= own_start < end - 2 or text[end - 1] not in _GAZ_LEVEL_CHARS or _is_generic(text, own_start, end):
                    break
                gaz = (own_start, ())
            own_start, places = gaz
            items.append(_Cand(own_start, end, text[own_start:end] + "总工会", RULE_TERRITORIAL, 0.75,
                               level=next(lv for lv in _levels() if text[own_start:end].endswith(lv)),
                               place=places[0] if len(places) == 1 else _pick(places, text, own_start) if places else None,
                               own_start=own_start))
            if text[own_start - 1:own_start] not in grammar("coordinator") or own_start < 1:
                break
            end = own_start - 1
        if len(items) >= 2:
            out += items
    return out


# "<place>(、<lower level>)两级(总)工会": the unions of two levels acting together
# (贵港市两级总工会 = the city union and its county unions; 某市、区两级工会 = the city union and the district union).
@lru_cache(maxsize=1)
def _two_levels_re() -> re.Pattern[str]:
    upper = "|".join(map(re.escape, grammar("upper_level")))
    lower = "|".join(map(re.escape, grammar("lower_level")))
    links = re.escape("".join(grammar("coordinator")))
    return re.compile(rf"(?P<lvl>{upper})(?:[{links}]?(?P<lower>{lower}))?两级(?:总)?工会")


def _two_levels(text: str) -> tuple[list[_Cand], list[tuple[int, int, str]]]:
    """The named union of a two-level construction, and a bare reference for its named lower level."""
    cands: list[_Cand] = []
    bare: list[tuple[int, int, str]] = []
    for match in _two_levels_re().finditer(text):
        gaz = _gaz_match_ending(text, match.end("lvl"), full_only=True)
        if gaz is None:
            continue
        own_start, places = gaz
        own = text[own_start:match.end("lvl")]
        cands.append(_Cand(own_start, match.end("lvl"), own + "总工会", RULE_TERRITORIAL, 0.8, level=match.group("lvl"),
                           place=places[0] if len(places) == 1 else _pick(places, text, own_start),
                           own_start=own_start))
        if match.group("lower"):
            bare.append((match.start("lower"), match.end(), match.group("lower")))
    return cands, bare


def _after_verb(text: str, pos: int) -> bool:
    """Whether a verb word ends at ``pos`` (参加省总举办的…, 联合市总开展…): a bare 省总/市总 may follow it."""
    words = posseg.lcut(text[max(0, pos - 4):pos])
    return bool(words) and len(words[-1][0]) >= 2 and words[-1][1] == "v"


@lru_cache(maxsize=1)
def _industry_re() -> re.Pattern[str]:
    names = "|".join(map(re.escape, industries()))
    prefixes = "|".join(map(re.escape, grammar("industry_prefix")))
    return re.compile(rf"(?:{prefixes})?(?:{names})(?:系统)?工会(?![联会员法])")


@lru_cache(maxsize=1)
def _industry_start() -> re.Pattern[str]:
    """Where an industry union can start: 中 (中国, 中华全国) or the first character of a name."""
    words = grammar("industry_prefix") + industries() + (("系统", "工会") if "" in industries() else ())
    return re.compile("[" + re.escape("".join(sorted({w[0] for w in words if w}))) + "]")


def _industry(text: str) -> list[_Cand]:
    """Industry and system unions: 中国某某工会, <place>某某工会, <level>某某工会 (the article's place)."""
    out = []
    block = _block_after_re()
    for match in finditer_at(_industry_re(), _industry_start(), text):
        start = match.start()
        if block.match(text, match.end()):
            continue  # 教育工会工作, 卫生工会干部
        gaz = _gaz_match_ending(text, start, full_only=False)
        if gaz:
            start = gaz[0]
        before = text[max(0, start - 1):start]
        if start == match.start() and before and before in _GAZ_LEVEL_CHARS \
                and not match.group().startswith(grammar("industry_prefix")):
            # <place not in the gazetteer><level>某某工会 as written; a bare level (省卫生工会, 该市教育工会)
            # is the article's place of that level (see _prefix_places)
            name_start = descriptor_start(text, start, limit=10, trim_verbs=True)
            name = text[name_start:start] if name_start >= 0 else ""
            if name == before:
                out.append(_Cand(start - 1, match.end(), text[start - 1:match.end()], RULE_INDUSTRY, 0.8, level=before))
            elif len(name) >= 3 and not _is_generic(text, name_start, start):
                out.append(_Cand(name_start, match.end(), text[name_start:match.end()], RULE_INDUSTRY, 0.8))
            continue
        if before in _demonstrative() + ("各",) or (start == match.start() and not match.group().startswith(grammar("industry_prefix"))
                                                      and not text.startswith("机械", start) and before
                                                      and _CJK.match(before)
                                                      and before not in grammar("bare_before") + ("的", "、")):
            continue
        if start == match.start() and not match.group().startswith(grammar("industry_prefix")) and len(match.group()) <= 4:
            continue  # bare 铁路工会/教育工会 without a place or 中国 is generic
        out.append(_Cand(start, match.end(), text[start:match.end()], RULE_INDUSTRY, 0.85))
    return out


@dataclass
class _Ref:
    """An anaphoric or short mention, resolved against the article's named unions.

    ``suffix``: the label of the union it names ends with this (公司工会, 车间工会小组, 财贸轻纺烟草工会);
    ``unit``: failing that, "<the nearest enterprise ending with unit>工会" (公司 → X公司工会);
    ``level``: a town-level reference (街道工会联合会) resolved to a union of that level with the same head.
    """

    start: int
    end: int
    suffix: str
    unit: str = ""
    level: str = ""
    prefix: str = ""  # a bare level character before the name (市|第一医院工会): the article's place of it


_HEAD = re.compile(r"工会联合会|联合工会|工会工作委员会|工会委员会|工会小组|分工会|工会")


@lru_cache(maxsize=1)
def _block_after_re() -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, grammar("block_after"))))


@lru_cache(maxsize=1)
def _unit_heads() -> tuple[str, ...]:
    """Enterprise suffixes and unit words, longest first (what a workplace union's descriptor ends with)."""
    return longest_first(org_suffixes() + grammar("unit"))


def _strip_units(desc: str) -> str:
    """The descriptor without its trailing unit words and ordinals (集团公司 → '', 加工厂二车间 → '')."""
    heads = _unit_heads()
    while desc:
        unit = next((h for h in heads if desc.endswith(h)), None)
        if unit is None:
            break
        desc = desc[: -len(unit)]
        desc = _ORDINAL_END.sub("", desc)
    return desc


def _is_generic(text: str, start: int, end: int) -> bool:
    """A descriptor that names no one union: 各级, 基层, 企业, 全国产业, 村级, 行业 …"""
    desc = text[start:end]
    if not desc:
        return True
    word = next((g for g in _generic() if desc.startswith(g)), "")
    place = longest_starting(text, start, longest=min(12, end - start))
    if place and place[0] - start > len(word):
        return False  # 全椒县…, 本溪市…: a place, not 全/本
    return bool(word) or "各" in desc or desc.endswith(grammar("category_end"))


_LEVEL_CHARS = "省市县区州盟旗乡镇村"


def _after_places(text: str, start: int, end: int) -> int:
    """The end of the gazetteer places at the front of ``text[start:end]`` (``start`` when none)."""
    pos = start
    while pos < end and (place := longest_starting(text, pos, longest=min(12, end - pos))):
        pos = place[0]
    return pos


def _coordinated_generic(text: str, start: int) -> bool:
    """A descriptor coordinated with a generic one shares its plurality: 各乡镇和|园区工会."""
    if not text.endswith(("和", "与", "及", "、"), 0, start):
        return False
    other = descriptor_start(text, start - 1, limit=8)
    return 0 <= other < start - 1 and _is_generic(text, other, start - 1)


def _own_town(text: str, start: int, end: int) -> int:
    """Cut higher places off a town-level name ending at ``end`` (before its level word):
    某某县|鸣凤镇, 某某镇|青石村 → where the own name starts."""
    for cut in range(start + 2, end - 1):
        if _gaz_match_ending(text, cut, full_only=True) or text.endswith(grammar("town_level"), start, cut):
            start = cut
    return start


def _named(text: str) -> tuple[list[_Cand], list[_Ref]]:
    """Unions named by "<descriptor><head>" with the head 工会 / 联合工会 / 工会联合会 / 分工会 / 工会小组 /
    工会委员会 (总工会 is :func:`_territorial`'s): enterprise and unit unions, town-level unions, zone and
    office (机关) unions, industry unions, federations; short and anaphoric forms as references."""
    out: list[_Cand] = []
    refs: list[_Ref] = []
    block = _block_after_re()
    for match in _HEAD.finditer(text):
        head, hs, he = match.group(), match.start(), match.end()
        if head.startswith("工会") and text[hs - 1:hs] == "总" or head == "工会" and block.match(text, he):
            continue
        if head == "工会小组" and text.startswith("长", he):
            continue  # 工会小组长: a post
        label_head = "工会" if head == "工会委员会" else head
        office = _office_re().search(text, max(0, hs - 6), hs)
        if office is not None:
            out.append(_office(text, office, he, label_head))
            continue
        ds = descriptor_start(text, hs)
        if ds < 0:
            continue  # 6个社区联合工会: a count
        desc = text[ds:hs]
        if desc == "机关" and text.endswith("总工会", 0, ds):
            # the union of a union's own staff (某区总工会机关工会): named with that union as written
            owner = _territorial(text, ds - 3)
            if isinstance(owner, _Cand):
                out.append(_Cand(ds, he, text[owner.start:hs] + label_head, RULE_OFFICE, 0.75))
            continue
        anaphoric = any(text.endswith(d, 0, ds) for d in _demonstrative())
        if not desc:
            if anaphoric or head != "工会":
                refs.append(_Ref(ds, he, head))
            continue
        national = next((w for w in grammar("industry_prefix") if desc.startswith(w)), "")
        if national and len(desc) > len(national) and not _is_generic(text, ds + len(national), hs):
            out.append(_Cand(ds, he, desc + label_head, RULE_INDUSTRY, 0.85))
            continue
        if _is_generic(text, ds, hs) or _coordinated_generic(text, ds):
            continue
        if desc in platforms():  # a platform company's own union (某某平台名工会)
            out.append(_Cand(ds, he, desc + label_head, RULE_ENTERPRISE, 0.8))
            continue
        town = next((lv for lv in grammar("town_level") if desc.endswith(lv)), "")
        zone = next((z for z in grammar("zone") if desc.endswith(z)), "")
        core = _strip_units(desc)
        if town and not zone:
            own = _own_town(text, ds, hs - len(town))
            if own == hs - len(town):
                refs.append(_Ref(ds, he, label_head, level=town))
            else:
                out.append(_Cand(own, he, text[own:hs] + label_head, RULE_TERRITORIAL, 0.8, level=town, own_start=own))
        elif zone:
            rule = RULE_ZONE
            out.append(_Cand(ds, he, desc + label_head, rule, 0.8, level=zone if desc == zone else "",
                             own_start=ds))
        elif desc.endswith("直机关"):
            out.append(_Cand(ds, he, desc + label_head, RULE_OFFICE, 0.8, level=desc[0] if len(desc) == 4 else "",
                             own_start=ds))
        elif desc.endswith("机关") and len(desc) > 2 and not _is_generic(text, ds, hs - 2):
            out.append(_Cand(ds, he, desc + label_head, RULE_OFFICE, 0.8))
        elif core != desc or desc.endswith(_unit_heads()):
            # a workplace: X公司工会, X车务段工会, X项目工会小组; 公司工会 / 该车间工会 → the article's one
            unit = next((h for h in _unit_heads() if desc.endswith(h)), "")
            if core and core[0] in _GAZ_LEVEL_CHARS and not longest_starting(text, ds) and not anaphoric:
                refs.append(_Ref(ds, he, desc + label_head, prefix=core[0]))
            elif not core or anaphoric:
                refs.append(_Ref(ds, he, desc + label_head, unit=unit))
            else:
                out.append(_Cand(ds, he, desc + label_head, RULE_ENTERPRISE, 0.85))
        elif ds < (rest := _after_places(text, ds, hs)) < hs:
            if text[rest] not in _LEVEL_CHARS and (not _is_generic(text, rest, hs)
                                                   or head != "工会" and text.startswith(grammar("federation_sector"), rest)):
                # a place's industry union or federation: 某省交通运输工会, 某县快递行业联合工会
                out.append(_Cand(ds, he, desc + label_head, RULE_INDUSTRY if head == "工会" else RULE_FEDERATION, 0.8))
        elif head != "工会" and len(desc) >= 2 or desc.endswith("系统") and len(desc) >= 3:
            out.append(_Cand(ds, he, desc + label_head, RULE_FEDERATION if head != "工会" else RULE_INDUSTRY, 0.75))
        elif len(desc) >= 2:
            refs.append(_Ref(ds, he, desc + label_head))  # 财贸轻纺烟草工会 → the article's 中国财贸轻纺烟草工会
    # parenthesised names: 农家乐(民宿)联合工会
    for match in re.finditer(r"([\u4e00-\u9fff]{2,8}[（(][\u4e00-\u9fff]{1,6}[)）])联合工会", text) if "联合工会" in text else ():
        start = scan_name(text, match.start(1) + len(match.group(1).split("(")[0].split("（")[0]), limit=10)
        if start < match.end(1):
            out = [c for c in out if not (c.start >= start and c.end <= match.end())]
            out.append(_Cand(start, match.end(), text[start:match.end()], RULE_FEDERATION, 0.8))
    return out, refs


# "<level>直(属)机关" before a union head: the organs of a province, city or county (省直机关工会, 市直属机关工会)
_OFFICE = re.compile(r"(?P<lvl>[省市县区州盟旗])直属?机关$")


def _office_re() -> re.Pattern[str]:
    return _OFFICE


def _office(text: str, office: re.Match[str], end: int, label_head: str) -> _Cand:
    """The union of a place's organs: with the place written (某省直机关工会, 某市市直机关工会) as written, else
    the article's place of that level is prefixed (市直属机关工会 → 某市市直属机关工会, see _prefix_places)."""
    at, level = office.start("lvl"), office.group("lvl")
    hs = office.end()
    gaz = _gaz_match_ending(text, at + 1, full_only=True) or _gaz_match_ending(text, at, full_only=True)
    if gaz is not None and gaz[0] < at:
        start = gaz[0]
    else:
        start = descriptor_start(text, at + 1, limit=10, trim_verbs=True)
        start = start if 0 <= start < at - 1 and not _is_generic(text, start, at + 1) else at
    bare = start == at
    return _Cand(start, end, text[start:hs] + label_head, RULE_OFFICE, 0.8, level=level if bare else "",
                 own_start=start)


# "<enterprise><post>、(<post>、)工会主席": the enterprise's union (its posts chained by 、，)
_POST_CHAIN_UNION = re.compile(r"(?:[\u4e00-\u9fff]{1,8}[、，,]){1,3}(?P<union>工会)(?:常务副|副)?主席")
_LATER_UNION_CHAIR = re.compile(r"[^。；;！!？?,，]{0,20}[，,](?P<union>工会)(?:常务副|副)?主席")


def _post_union(text: str) -> list[_Cand]:
    """"<enterprise><post>、(<post>、)工会主席" and "(在)<enterprise>…，工会主席" → "<enterprise>工会"
    (某建工公司党委副书记、工会主席王某; 在某纺织公司，工会主席李某介绍); "<enterprise>(为依托)成立工会";
    "<enterprise>和工会"."""
    out = []
    enterprises = find_enterprises(text)
    for i, (s, e, _suffix) in enumerate(enterprises):
        following = enterprises[i + 1][0] if i + 1 < len(enterprises) else len(text)
        match = _POST_CHAIN_UNION.match(text, e, min(following, e + 40))
        if match is None:
            # "(在)<enterprise>(…)，工会主席甲某": the chair of that enterprise's union, later in the sentence
            match = _LATER_UNION_CHAIR.match(text, e, min(following, e + 30))
        if match:
            kw = match.start("union")
            out.append(_Cand(kw, kw + 2, text[s:e] + "工会", RULE_ENTERPRISE, 0.75,
                             attrs=[("enterprise", text[s:e])]))
    for s, e, _suffix in find_enterprises(text):
        # "<enterprise>(为依托)成立(了)工会": the union founded in that enterprise
        match = _founded_re().match(text, e)
        if match and not _block_after_re().match(text, match.end(1)):  # 建立工会服务站: a facility
            out.append(_Cand(match.start(1), match.end(1), text[s:e] + "工会", RULE_ENTERPRISE, 0.75,
                             attrs=[("enterprise", text[s:e])]))
    for s, e, _suffix in find_enterprises(text):
        match = _and_union_re().match(text[e:e + 4])
        if match and not _block_after_re().match(text, e + match.end(1)):
            out.append(_Cand(e + match.start(1), e + match.end(1), text[s:e] + "工会", RULE_ENTERPRISE, 0.7,
                             attrs=[("enterprise", text[s:e])]))
    return out


@lru_cache(maxsize=1)
def _and_union_re() -> re.Pattern[str]:
    """"<enterprise>和工会": the enterprise's own union, coordinated with it."""
    links = "|".join(map(re.escape, [w for w in grammar("coordinator") if w != "、"]))
    return re.compile(rf"(?:{links})(工会)(?![联会员法])")


@lru_cache(maxsize=1)
def _founded_re() -> re.Pattern[str]:
    """"(为依托)(，)(正式)成立(了)工会" after an enterprise."""
    base, adverb, verb = ("|".join(map(re.escape, grammar(kind))) for kind in ("found_base", "found_adverb", "found_verb"))
    return re.compile(rf"(?:{base})?[，,]?(?:{adverb})?(?:{verb})了?(工会)(?:委员会)?(?![联会员法组委])")


def _place_union(text: str) -> list[_Cand]:
    """"<place with level>工会" (海西州工会, 宁波市工会) = that place's 总工会."""
    out = []
    block = _block_after_re()
    for match in re.finditer("工会", text):
        if text[match.start() - 1:match.start()] in ("总", "合") or block.match(text, match.end()) \
                or text.startswith("联", match.end()):
            continue
        gaz = _gaz_match_ending(text, match.start(), full_only=True)
        if gaz is None:
            continue
        own_start, places = gaz
        own = text[own_start:match.start()]
        level = next((lv for lv in _levels() if own.endswith(lv)), "")
        if level and len(own) >= 3:
            out.append(_Cand(own_start, match.end(), own + "总工会", RULE_TERRITORIAL, 0.75, level=level,
                             place=places[0] if len(places) == 1 else _pick(places, text, own_start),
                             own_start=own_start))
    return out



@Language.component("ukg_unions")
def ukg_unions(doc: Doc) -> Doc:
    """Add UnionBody mentions (and their Place, locatedIn, partner, subOrganizationOf)."""
    text = doc.text
    article = doc._.ukg_article
    cands, bare = _explicit_and_bare(text)
    cands += _industry(text)
    named, refs = _named(text)
    cands += named
    cands += _post_union(text)
    cands += _place_union(text)

    # canonical label per gazetteer place: the form the article uses most (海西州 vs 海西蒙古族藏族自治州)
    forms: dict[str, Counter] = {}
    for c in cands:
        if c.place is not None and c.level:
            forms.setdefault(c.place.code, Counter())[c.label] += 1
    for c in cands:
        if c.place is not None and c.place.code in forms:
            best = max(forms[c.place.code].items(), key=lambda kv: (kv[1], -len(kv[0])))[0]
            if best != c.label:
                c.alias = c.label
                c.label = best
        if c.own_start > c.start:
            pass
        chain = _chain_start(text, c.own_start, (c.place,) if c.place else None) if c.own_start >= 0 else c.start
        if c.own_start >= 0 and chain < c.own_start:
            c.alias = text[chain:c.end] if not text[chain:c.end].endswith("总") else text[chain:c.end] + "工会"
            c.attrs.append(("alias", c.alias))
            c.start = chain

    explicit = _dedupe(cands)
    _prefix_places(text, explicit)
    _aliases(explicit)
    resolved = list(explicit)
    sentences_all = sentence_spans(text)
    # bare level references → the nearest union of that level (before, else after)
    for start, end, level in bare:
        target = _resolve_level(text, explicit, start, level, sentences_all)
        if target is not None:
            resolved.append(_Cand(start, end, target.label, RULE_ANAPHORA, 0.75, level=level, place=target.place))
    for ref in refs:
        label = _resolve_ref(text, explicit, ref)
        if label:
            resolved.append(_Cand(ref.start, ref.end, label, RULE_ANAPHORA, 0.7))
    resolved += _this_body(text, explicit)
    # headline-style "<place>工会" (宁波工会, 海西州工会) only when the article names that union
    for match in re.finditer(r"工会", text):
        if text[match.start() - 1:match.start()] in ("总", "合") or _covered(resolved, match.start(), match.end()):
            continue
        gaz = _gaz_match_ending(text, match.start(), full_only=False)
        if not gaz:
            continue
        own_start, places = gaz
        codes = {p.code for p in places}
        target = next((c for c in explicit if c.place is not None and c.place.code in codes), None)
        if target is not None:
            resolved.append(_Cand(own_start, match.end(), target.label, RULE_HEADLINE, 0.7, place=target.place))

    sentences = sentence_spans(text)
    mentions: list[tuple[_Cand, Mention]] = []
    footers = _footer_lines(text)
    for c in sorted(_dedupe(resolved), key=lambda c: (c.start, c.end)):
        if any(a <= c.start < b for a, b in footers):
            continue  # a web page's footer (主办:某省总工会 | 地址 …) states no fact (union.footer/v1)
        attrs = list(c.attrs)
        if c.alias and ("alias", c.alias) not in attrs:
            attrs.append(("alias", c.alias))
        if c.level:
            attrs.append(("level", c.level))
        mention = add_mention(doc, Mention(kind=UNION, text=article.text[c.start:c.end], start=c.start, end=c.end,
                                           label=c.label, rule=c.rule, confidence=c.confidence, attrs=tuple(attrs)))
        mentions.append((c, mention))
        if c.place is not None and c.rule in (RULE_TERRITORIAL, RULE_ABBREV):
            _located(doc, c, mention, sentences)
    _partners(doc, [m for _, m in mentions], sentences)
    return doc


@lru_cache(maxsize=1)
def _footer_re() -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, grammar("footer_marker"))), re.IGNORECASE)


def _footer_lines(text: str) -> list[tuple[int, int]]:
    r"""The spans of a raw page's footer lines (版权所有, ©, ICP备, 地址 and 电话 …): their unions are the site's
    owner, not actors of the article (union.footer/v1).

    >>> t = "某市总工会开展活动。\n主办:某某省总工会 | 地址:某路1号 | 电话:1234"
    >>> [t[a:b][:2] for a, b in _footer_lines(t)]
    ['主办']
    """
    out: list[tuple[int, int]] = []
    if "\n" not in text:
        return out
    # (no marker holds a line break: a text with fewer than two markers and no strong one has no such line)
    strong = grammar("footer_strong")
    if not any(m in text for m in strong) and len(_footer_re().findall(text)) < 2:
        return out
    pos = 0
    for line in text.split("\n"):
        if len(_footer_re().findall(line)) >= 2 or any(m in line for m in strong):
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


@lru_cache(maxsize=1)
def _this_body_re() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """"该会/本会" (not 该会议, 本会员) and the heads of other bodies that 该会 could stand for (协会, 委员会 …)."""
    block = re.escape("".join(grammar("this_body_block")))
    other = "|".join(map(re.escape, grammar("other_body")))
    return re.compile(rf"(?:该|本)会(?![{block}])"), re.compile(rf"(?<!工)(?:{other})")


def _this_body(text: str, explicit: list[_Cand]) -> list[_Cand]:
    """该会 / 本会 (union.this_body/v1): the union named last before it, when no other body (某协会, 某委员会)
    was named after that union, within the few sentences before."""
    found: list[_Cand] = []
    if "会" not in text:
        return found
    this, other = _this_body_re()
    for match in this.finditer(text):
        before = [c for c in explicit if c.end <= match.start() and match.start() - c.end <= 200]
        if not before:
            continue
        target = max(before, key=lambda c: c.end)
        if other.search(text, target.end, match.start()):
            continue
        found.append(_Cand(match.start(), match.end(), target.label, RULE_THIS_BODY, 0.65, place=target.place))
    return found


@lru_cache(maxsize=2)
def _places_in(text: str) -> tuple:
    """The places of ``text``, found once per text (not once per bare 市总工会: quadratic on long texts)."""
    from kg.rules.places import find_places

    return tuple(find_places(text))


def _resolve_level(text: str, explicit: list[_Cand], pos: int, level: str,
                   sentences: list[tuple[int, int]]) -> _Cand | None:
    """The union a bare 市总工会/县总/镇总工会 stands for.

    Order: a union of that level in the same sentence; a place of that level earlier in the
    sentence (青海省委常委、省总工会主席 → 青海省总工会); the nearest union of that level in
    the article; the enclosing division of the article's unions; the nearest place of that level.
    """
    s, e = _sentence(sentences, pos)
    same = lambda c: c.level == level  # noqa: E731
    in_sentence = [c for c in explicit if s <= c.start < e and same(c)]
    if in_sentence:
        return min(in_sentence, key=lambda c: abs(c.start - pos))
    places = _level_places(text, level)
    before = [p for p in places if s <= p[0] and p[1] <= pos]
    if before:
        return _place_cand(before[-1], level)
    target = _nearest(explicit, pos, same)
    if target is not None:
        return target
    for c in explicit:
        if c.place is not None:
            for up in parents(c.place):
                if up.name.endswith(level):
                    return _Cand(pos, pos, up.name + "总工会", RULE_ANAPHORA, 0.6, level=level, place=up)
    if level in grammar("town_level"):
        for match in reversed(list(re.finditer(level, text[:pos]))):
            ns = scan_name(text, match.start(), limit=6)
            name = text[ns:match.start()]
            if 2 <= len(name) <= 4 and not _is_verbish(name) and not name.startswith(_generic()):
                return _Cand(pos, pos, name + level + "总工会", RULE_ANAPHORA, 0.6, level=level)
    before = [p for p in places if p[1] <= pos]
    if before or places:
        return _place_cand(before[-1] if before else places[0], level)
    shorts = _short_place_words(text, level)  # 常德：… 市总工会 (a headline's short city name)
    if shorts:
        before = [p for p in shorts if p[1] <= pos]
        return _place_cand(before[-1] if before else shorts[0], level)
    if level in ("省", "自治区"):
        # a province named by its short form anywhere in the article (广西 … 自治区总工会)
        found = sorted((text.find(p.short), p) for p in _provinces(level) if p.short and p.short in text)
        if found:
            return _Cand(pos, pos, found[0][1].name + "总工会", RULE_ANAPHORA, 0.6, level=level, place=found[0][1])
    if level == "兵团":
        return _Cand(pos, pos, "兵团总工会", RULE_ANAPHORA, 0.6, level=level)
    # the division enclosing the article's places (某市 … 省总工会 → that city's province), nearest first
    found = sorted(_places_in(text), key=lambda p: (p[1] > pos, abs(pos - p[1])))
    for _s, _e, _name, candidates in found:
        if len(candidates) != 1:
            continue
        for up in parents(candidates[0]):
            if _of_level(_canonical_place(up), level):
                return _Cand(pos, pos, _canonical_place(up) + "总工会", RULE_ANAPHORA, 0.55, level=level, place=up)
    return None


def _canonical_place(place: Place) -> str:
    """A division's name as union names use it: the everyday form of autonomous prefectures (某某州)."""
    for full, everyday in (("自治州", "州"), ("自治县", "县"), ("自治旗", "旗")):
        if place.name.endswith(full) and place.short:
            return place.short + everyday
    return place.name


def _of_level(name: str, level: str) -> bool:
    return name.endswith(level) and not (level == "区" and name.endswith("自治区"))


@lru_cache(maxsize=8)
def _level_places(text: str, level: str) -> tuple[tuple[int, int, str, tuple[Place, ...]], ...]:
    """The article's places of ``level`` (as written, or short forms of a unique division of that level)."""
    out = list(_short_counties(text, level))
    for start, end, name, places in _places_in(text) + _dateline_place(text):
        if _of_level(name, level) and len(name) > len(level) + 1:
            out.append((start, end, name, places))
            continue
        fitting = [p for p in places if _of_level(_canonical_place(p), level)]
        if len(fitting) == 1 and name[-1] not in _GAZ_LEVEL_CHARS:
            out.append((start, end, _canonical_place(fitting[0]), (fitting[0],)))
    return tuple(sorted(out, key=lambda found: (found[0], found[1])))


@lru_cache(maxsize=8)
@lru_cache(maxsize=8)  # (asked for each bare union of a level: the article is tagged once)
def _short_place_words(text: str, level: str) -> tuple[tuple[int, int, str, tuple[Place, ...]], ...]:
    """Short names of divisions of ``level`` that jieba reads as place words (ns) anywhere in the article
    (常德 for 常德市), when exactly one division of that level has that name; the place finder takes
    short names only before a union or a lower place, to keep ordinary words out."""
    out = []
    pos = 0
    for word, flag in posseg.lcut(text):
        if flag == "ns" and len(word) >= 2 and word[-1] not in _GAZ_LEVEL_CHARS:
            fitting = [p for p in lookup(word) if _of_level(_canonical_place(p), level) and p.short == word]
            if len(fitting) == 1:
                out.append((pos, pos + len(word), _canonical_place(fitting[0]), (fitting[0],)))
        pos += len(word)
    return tuple(out)


@lru_cache(maxsize=8)
def _short_counties(text: str, level: str) -> tuple:
    """Two-character full names of a level (澧县, 沛县: one character and the level), which the place finder
    leaves out as too short to be told from ordinary words; here only where the gazetteer knows them and
    the character before is no ideograph of another word (in the shape of :func:`_places_in`)."""
    if len(level) != 1:
        return ()
    found = []
    for match in re.finditer(rf"(?<![\u4e00-\u9fff])[\u4e00-\u9fff]{re.escape(level)}(?![\u4e00-\u9fff]?总)", text):
        places = lookup(match.group())
        if places and places[0].name == match.group():
            found.append((match.start(), match.end(), match.group(), places))
    return tuple(found)


# a news dateline: "本报常德3月5日电", "常德讯", "本报讯(常德)": the place the article is from
_DATELINE = re.compile(r"(?:本报|本刊|本网)?(?P<place>[\u4e00-\u9fff]{2,6}?)(?:[0-9０-９]{1,2}月[0-9０-９]{1,2}日)?(?:电|讯)")


@lru_cache(maxsize=2)
def _dateline_place(text: str) -> tuple:
    """The place of a dateline at the start of the article or of one of its lines (a short name the
    gazetteer knows), in the shape of :func:`_places_in`.

    >>> [(name, p[0].level) for _s, _e, name, p in _dateline_place("本报常德3月5日电 近日，市总工会开展活动。")]
    [('常德', 'city')]
    """
    found = []
    for match in re.finditer(r"(?:^|\n)\s*", text):
        dateline = _DATELINE.match(text, match.end(), match.end() + 16)
        if dateline is None:
            continue
        name = dateline.group("place")
        places = lookup(name)
        if places:
            found.append((dateline.start("place"), dateline.end("place"), name, places))
    return tuple(found)


@lru_cache(maxsize=2)
def _provinces(level: str) -> tuple[Place, ...]:
    from kg.zh.gazetteer import names

    return tuple(sorted({p for n in names() for p in lookup(n) if p.level == "province" and _of_level(p.name, level)},
                        key=lambda p: p.code))


def _place_cand(found, level: str) -> _Cand:
    _s, _e, name, places = found
    return _Cand(_s, _e, name + "总工会", RULE_ANAPHORA, 0.6, level=level, place=places[0] if len(places) == 1 else None)


def _dedupe(cands: list[_Cand]) -> list[_Cand]:
    """Drop candidates inside a longer one (keep the longest span at each place)."""
    out: list[_Cand] = []
    for c in sorted(cands, key=lambda c: (c.start, -(c.end - c.start))):
        if any(o.start <= c.start and c.end <= o.end for o in out):
            continue
        out = [o for o in out if not (c.start <= o.start and o.end <= c.end)]
        out.append(c)
    return out


def _covered(cands: list[_Cand], start: int, end: int) -> bool:
    return any(c.start <= start and end <= c.end for c in cands)


def _nearest(cands: list[_Cand], pos: int, accept) -> _Cand | None:
    before = [c for c in cands if c.end <= pos and accept(c)]
    if before:
        return max(before, key=lambda c: c.end)
    after = [c for c in cands if c.start >= pos and accept(c)]
    return min(after, key=lambda c: c.start) if after else None


def _resolve_ref(text: str, explicit: list[_Cand], ref: _Ref) -> str:
    """The label a :class:`_Ref` stands for ('' when the article names no such union)."""
    if ref.level:
        accept = lambda c: ref.level in c.label and c.label.endswith((ref.suffix, "总工会"))  # noqa: E731
    elif ref.suffix == "工会":
        accept = lambda c: True  # noqa: E731  该工会: the union just named
    else:
        accept = lambda c: c.label.endswith(ref.suffix) and c.label != ref.suffix  # noqa: E731
    target = _nearest(explicit, ref.start, accept)
    if target is None and not ref.level and not ref.prefix and ref.suffix != "工会":
        target = _nearest(explicit, ref.start, _shortened_workplace(ref.suffix))
    if target is not None:
        return target.label
    if ref.prefix:
        place = _article_place(text, ref.start, _PLACE_LEVEL.get(ref.prefix, "city"), explicit)
        return (place.short or place.name[:-1]) + ref.suffix if place is not None else ""
    if ref.unit:
        name = _nearest_unit(text, ref)
        if name:
            return name + ref.suffix[len(ref.suffix) - len(ref.suffix.split(ref.unit)[-1]):]
    return ""


def _shortened_workplace(suffix: str):
    """Whether a named workplace union is the one a generic head that it does not end with stands for:
    the head's workplace word inside the named one's descriptor (集团工会 → 某某集团公司工会, 公司工会 →
    某某公司某某分公司工会 is left to the suffix match first) (union.anaphora/v3).

    >>> accept = _shortened_workplace("集团工会")
    >>> accept(_Cand(0, 8, "华远集团公司工会", RULE_ENTERPRISE, 0.85)), accept(_Cand(0, 6, "华远公司工会", RULE_ENTERPRISE, 0.85))
    (True, False)
    """
    head = next((h for h in _WORKPLACE_HEADS if suffix.endswith(h)), "")
    word = suffix[: len(suffix) - len(head)]

    def accept(c: _Cand) -> bool:
        if not head or len(word) < 2 or c.rule not in (RULE_ENTERPRISE, RULE_ALIAS) or not c.label.endswith(head):
            return False
        return word in c.label[: len(c.label) - len(head)] and c.label != suffix

    return accept


def _nearest_unit(text: str, ref: _Ref) -> str:
    """The nearest named workplace ending with ``ref.unit`` (公司 → 某某工程公司), also inside a longer chain."""
    before, after = "", ""
    for match in re.finditer(re.escape(ref.unit), text):
        if ref.start <= match.start() < ref.end:
            continue
        start = descriptor_start(text, match.end())
        if start < 0 or not _strip_units(text[start:match.end()]) or text[start] in _GAZ_LEVEL_CHARS:
            continue
        if match.end() <= ref.start:
            before = text[start:match.end()]
        elif not after:
            after = text[start:match.end()]
    return before or after


_PLACE_LEVEL = {"省": "province", "市": "city", "州": "city", "盟": "city", "县": "county", "区": "county", "旗": "county"}


def _prefix_places(text: str, cands: list[_Cand]) -> None:
    """Bare zone and office unions (经开区工会, 市直机关工会) take the article's place of their level:
    某某经开区工会, 某某市直机关工会."""
    for c in cands:
        if c.rule not in (RULE_ZONE, RULE_OFFICE, RULE_INDUSTRY) or not c.level:
            continue
        wanted = _PLACE_LEVEL.get(c.level, "city")
        place = _article_place(text, c.start, wanted, cands)
        if place is not None:
            short = place.short or place.name[:-1]
            c.alias = c.label
            c.label = short + c.label
            c.attrs.append(("alias", c.alias))


def _article_place(text: str, pos: int, level: str, cands: list[_Cand]) -> Place | None:
    """The place of ``level`` the article is about near ``pos``: its union of that level, else its nearest place."""
    unions = [c for c in cands if c.place is not None and c.place.level == level]
    if unions:
        return min(unions, key=lambda c: abs(c.start - pos)).place
    found = [(s, [p for p in places if p.level == level]) for s, _e, _n, places in _places_in(text)]
    found = [(s, ps[0]) for s, ps in found if len(ps) == 1]
    return min(found, key=lambda x: abs(x[0] - pos))[1] if found else None


_WORKPLACE_HEADS = ("工会小组", "分工会", "工会")


def _aliases(cands: list[_Cand]) -> None:
    """Short names of a union the article names in full take the full label: a suffix of it
    (财贸轻纺烟草工会 → 中国财贸轻纺烟草工会, 县供电公司工会 → 国网某县供电公司工会), or a shortened
    workplace name with the same unit and head (青禾公司工会 → 青禾食品股份公司工会)."""
    labels = sorted({c.label for c in cands}, key=lambda x: (len(x), x))
    for c in cands:
        if c.rule in (RULE_TERRITORIAL, RULE_NATIONAL, RULE_ABBREV) or len(c.label) < 4:
            continue
        longer = next((b for b in labels if len(b) > len(c.label) and b.endswith(c.label)), None)
        if longer is None and c.rule == RULE_ENTERPRISE:
            tail = next((h + head for head in _WORKPLACE_HEADS for h in _unit_heads() if c.label.endswith(h + head)), "")
            core = c.label[: len(c.label) - len(tail)]
            if tail and len(core) >= 2:
                longer = next((b for b in labels if len(b) > len(c.label) and core in b and b.endswith(tail)), None)
        if longer is not None:
            c.alias, c.label = c.label, longer
            c.attrs.append(("alias", c.alias))
            c.rule = RULE_ALIAS


def _located(doc: Doc, c: _Cand, mention: Mention, sentences: list[tuple[int, int]]) -> None:
    place = c.place
    own_end = c.end - (3 if doc.text.endswith("总工会", 0, c.end) else 1)
    own_start = c.own_start if c.own_start >= 0 else c.start
    label = doc.text[own_start:own_end]
    if not lookup(label):
        return
    pm = add_mention(doc, Mention(kind=PLACE, text=doc._.ukg_article.text[own_start:own_end], start=own_start, end=own_end,
                                  label=place.name if label == place.short else label, rule="place.gazetteer/v1",
                                  confidence=0.9, attrs=(("level", place.level), ("code", place.code))))
    s, e = _sentence(sentences, c.start)
    add_relation(doc, Relation(predicate=LOCATED_IN, subject=mention, object=pm, sentence_start=s, sentence_end=e,
                               rule=RULE_LOCATED, confidence=0.9))


def _sentence(sentences: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    return next(((a, b) for a, b in sentences if a <= pos < b), (pos, pos))


@lru_cache(maxsize=1)
def _partner_link_re() -> re.Pattern[str]:
    return re.compile("(?:" + "|".join(map(re.escape, grammar("partner_link"))) + ")")


def _partners(doc: Doc, mentions: list[Mention], sentences: list[tuple[int, int]]) -> None:
    """partner(A, B) for unions joined by 和/与/联合/、 in one sentence, and 由A主办、B承办."""
    text = doc.text
    for s, e in sentences:
        inside = [m for m in mentions if s <= m.start < e]
        for a, b in zip(inside, inside[1:]):
            if a.label == b.label:
                continue
            gap = text[a.end:b.start]
            if _partner_link_re().fullmatch(gap) or (gap.startswith("主办") and "承办" in text[b.end:b.end + 6]):
                add_relation(doc, Relation(predicate=PARTNER, subject=a, object=b, sentence_start=s, sentence_end=e,
                                           rule=RULE_PARTNER, confidence=0.7))
        for a, b in zip(inside, inside[1:]):
            gap = text[a.end:b.start]
            if gap.removesuffix("的") in grammar("sub_link"):
                add_relation(doc, Relation(predicate=SUB_ORGANIZATION_OF, subject=b, object=a, sentence_start=s,
                                           sentence_end=e, rule=RULE_SUB, confidence=0.7))
