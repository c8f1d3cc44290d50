"""Rule component ukg_persons: named people with their posts, and membership relations.

Two constructions, read by a small grammar whose words are data:

- **post → name** (person.post_name/v3): a chain of ``[org][post]`` segments joined by 、，兼
  directly before one or more names joined by 、 ("某省委常委、省总工会主席甲某",
  "某区人大常委会副主任兼区总工会主席乙某", "省总工会兼职副主席甲某、乙某").
- **name → post** (person.name_post/v3): names, a copula and ``[org]post`` ending the clause
  ("甲某当选为主席", "乙某现任某市总工会副主席").

- **name before post** (person.name_before_post/v1): "甲某主席一行", "某区总工会甲某副主席": the org written
  before the name, else (for a chair) the union of the sentence or the article's only union.
- **post clause** (person.post_clause/v1): "兼任某工会副主席的(某局副局长)甲某".
- **apposition** (person.apposition/v1): "甲某，某市总工会副主席，", "甲某(某公司工会主席)".

Each segment gives one membership(person → org, role = the segment as written) (person.membership/v3).
Bare posts listed after a named official take that official's union ("主席甲，副主席乙、丙"); a short note
in brackets may stand between a post and its name ("副主席(挂职)甲某").
The org is the union or organisation mention ending where the post starts (or before a unit of it:
某市总工会宣传部部长); a short union word without a name ("总工会主席", "联合工会主席",
kg/data/union-shorts-v2.tsv) stands for a union of the article with that ending; a bare post takes
the union of the segment on its left ("某市总工会党组书记、主席"); a bare post after 当选(为) belongs to
the union named last in the sentence.  Posts: kg/data/posts-v2.tsv ([body][rank]head or a title).
Names: a surname (kg/data/surnames-v1.txt) + 1–2 given characters followed by a mark or a word that
starts a predicate (kg/data/person-grammar-v1.tsv), else jieba's reading; or a minority-style name
with "·"; or one to three parts of a minority name written without surname or dot (才让卓玛, 阿依古丽;
kg/data/minority-names-v1.txt).  Where none of these reads a name next to a post (a surname the
lexicon lacks, a word after the name it does not list), the person Baidu's LAC model tags there is the
name (person.lac/v1, kg.zh.ner; the construction still gives the posts): LAC reads only a window of the
sentence around the place asked about, and only where a name can start or end (a word boundary, no
mark or predicate word).  Associations and federations right before a post (某省工商业联合会副主席)
become Organization mentions (org.association/v1) for that post.  Bylines (记者/通讯员/摄 …) never match:
they carry no post.

Example:
    >>> from kg.extract.nlp import make_nlp, process
    >>> from kg.records import Article
    >>> doc = process(make_nlp(), Article(id="x#0", source_file="x", position=0,
    ...     text="本报讯(记者李明)滨海县总工会副主席赵建国介绍说，活动效果很好。"))
    >>> [(r.subject.label, r.object.label, r.attr("role")) for r in doc._.ukg_relations if r.predicate == "membership"]
    [('赵建国', '滨海县总工会', '滨海县总工会副主席')]
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from kg.lexicon import longest_first, rows, word_list, words
from kg.records import MEMBERSHIP, ORGANIZATION, PERSON, UNION, Mention, Relation
from kg.rules.candidates import doc_tokens
from kg.rules.organizations import RULE_ASSOCIATION, _tokens, find_associations
from kg.zh.ner import tagger
from kg.zh.text import finditer_at, sentence_spans, start_pattern

RULE_POST_NAME = "person.post_name/v3"
RULE_MEMBERSHIP = "person.membership/v3"
RULE_NAME_POST = "person.name_post/v3"
RULE_NAME_BEFORE_POST = "person.name_before_post/v1"
RULE_CLAUSE = "person.post_clause/v1"
RULE_APPOSITION = "person.apposition/v1"
RULE_LAC = "person.lac/v1"
#: Parts of minority names written without a surname (才让卓玛, 巴特尔).
MINORITY = "minority-names-v1.txt"

_CJK = re.compile(r"[\u4e00-\u9fff]+")
# jieba flags of function words (adverb, preposition, conjunction, pronoun, numeral, measure word,
# time, direction, particle): a surname glued into one of them starts no name (马上, 何时)
_FUNCTION_FLAGS = ("d", "p", "c", "r", "m", "q", "t", "f", "u")


def _alternation(items: tuple[str, ...] | list[str]) -> str:
    return "|".join(map(re.escape, longest_first(items)))


@lru_cache(maxsize=1)
def _grammar() -> dict[str, tuple[str, ...]]:
    return words("person-grammar-v1.tsv")


@lru_cache(maxsize=1)
def posts() -> dict[str, tuple[str, ...]]:
    """The post grammar (kg/data/posts-v2.tsv): body, rank, head and title words.

    >>> "主席" in posts()["head"] and "常务副" in posts()["rank"]
    True
    """
    return words("posts-v2.tsv")


@lru_cache(maxsize=1)
def _post_source() -> str:
    p = posts()
    return (f"(?:(?:{_alternation(p['body'])})?(?:{_alternation(p['rank'])}){{0,2}}(?:{_alternation(p['head'])})"
            f"|{_alternation(p['title'])})")


@lru_cache(maxsize=1)
def _post_end_re() -> re.Pattern[str]:
    """A post ending where the search ends (searched leftmost: the longest post)."""
    return re.compile(f"(?:{_post_source()})$")


@lru_cache(maxsize=1)
def _post_joined_re() -> re.Pattern[str]:
    """A post followed by a joiner of posts (inside a span that should be a name)."""
    return re.compile(f"(?:{_post_source()})(?:{_alternation(_grammar()['joiner'])})")


@lru_cache(maxsize=1)
def _head_re() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The last word of every post (heads and titles), and where one may start."""
    p = posts()
    ends = p["head"] + p["title"]
    return re.compile(_alternation(ends)), start_pattern(ends)


def post_ending(text: str, end: int) -> int | None:
    """Start of the longest post that ends at ``end``, or None.

    >>> t = "某市总工会党组书记、常务副主席"
    >>> t[post_ending(t, 9):9], t[post_ending(t, len(t)):]
    ('党组书记', '常务副主席')
    """
    found = _post_end_re().search(text, max(0, end - 14), end)
    return found.start() if found else None


@lru_cache(maxsize=1)
def _post_start_re() -> re.Pattern[str]:
    return re.compile(_post_source())


def post_starting(text: str, start: int) -> int | None:
    """End of the longest post that starts at ``start``, or None.

    >>> t = "某协会常务副会长王某"
    >>> t[3:post_starting(t, 3)]
    '常务副会长'
    """
    found = _post_start_re().match(text, start)
    return found.end() if found else None


@lru_cache(maxsize=1)
def surnames() -> tuple[frozenset[str], frozenset[str]]:
    """(single-character, compound) surnames (kg/data/surnames-v1.txt)."""
    names = word_list("surnames-v1.txt")
    return frozenset(w for w in names if len(w) == 1), frozenset(w for w in names if len(w) == 2)


@lru_cache(maxsize=1)
def _not_given() -> frozenset[str]:
    return frozenset("".join(w.replace(" ", "") for w in _grammar()["not_given"]))


@lru_cache(maxsize=1)
def _after_name_re() -> re.Pattern[str]:
    """What may follow a name: a mark (anything but a CJK character), the end, or a predicate word."""
    g = _grammar()
    return re.compile(f"[^\u4e00-\u9fff]|$|{_alternation(g['follower'] + g['copula'] + g['copula_adverb'])}")


def _name_like(words: tuple[tuple[str, str], ...], sur: int) -> bool:
    """Whether jieba's words of a surname + given name can be a name: not one common noun (单位),
    the surname not the start of a function word (马上|赶).

    >>> from kg.zh import posseg
    >>> [_name_like(tuple(posseg.lcut(w)), 1) for w in ("周立新", "何海波", "万国平", "单位", "马上赶")]
    [True, True, True, False, False]
    """
    first, flag = words[0]
    if len(words) == 1 and flag == "n":
        return False
    return len(first) <= sur or not flag.startswith(_FUNCTION_FLAGS)


_MINORITY_SURNAME = re.compile(r"[\u4e00-\u9fff]{2,6}·")  # matched at a position (not on a copy of the rest)


@lru_cache(maxsize=1)
def _minority_re() -> re.Pattern[str]:
    """One to three parts of a minority name (kg/data/minority-names-v1.txt) where a name may end."""
    g = _grammar()
    after = _alternation(g["follower"] + g["copula"] + g["copula_adverb"])
    return re.compile(f"(?:{_alternation(word_list(MINORITY))}){{1,3}}(?=[^\u4e00-\u9fff]|$|{after})")


def name_at(text: str, start: int, *, tagged: _Tagged | None = None) -> int | None:
    """End of a person's name starting at ``start``, or None.

    A surname and two given characters, or one, where a mark or a predicate word follows (the
    reading with the longer such word, else the longer name); else jieba's reading of a name there;
    else the name LAC reads there (``tagged``, person.lac/v1).

    >>> t = "主席马吉孝在会上说"
    >>> t[2:name_at(t, 2)]
    '马吉孝'
    >>> name_at("主席要求各级工会", 2) is None
    True
    >>> t = "副主席王一鸣宣读了表彰决定"
    >>> t[3:name_at(t, 3)]
    '王一鸣'
    >>> t = "主席王东来到车间"
    >>> t[2:name_at(t, 2)]
    '王东'
    """
    minority = _MINORITY_SURNAME.match(text, start)
    if minority:
        return _minority_end(text, minority.end())
    minority = _minority_re().match(text, start) if text[start - 1:start] != "·" else None
    if minority and len(minority.group()) >= 3:
        return minority.end()  # 才让卓玛, 阿依古丽 (no dot)
    single, compound = surnames()
    if text[start:start + 2] in compound:
        sur = 2
    elif text[start:start + 1] in single:
        sur = 1
    else:
        return tagged.end_at(start) if tagged is not None else None  # a surname the lexicon lacks
    not_given = _not_given()
    after = _after_name_re()
    bounded: list[tuple[int, int]] = []  # (length of the word after it, end) of the readings
    for given in (2, 1):
        end = start + sur + given
        name = text[start + sur:end]
        if end > len(text) or not _CJK.fullmatch(name) or any(c in not_given for c in name):
            continue
        if (post := post_ending(text, end)) is not None and post > start:
            continue  # a post, not a given name: 任组长
        if not _name_like(_tokens(text[start:end], text), sur):
            continue
        follower = after.match(text, end)
        if follower is not None:
            bounded.append((len(follower.group()), end))
    if bounded:  # the reading with the longer word after it: 王东来到 is 王东|来到, not 王东来|到
        return max(bounded)[1]
    for word, flag in _tokens(text[start:start + 8], text)[:1]:
        if flag == "nr" and sur < len(word) <= sur + 2:
            return start + len(word)
    return tagged.end_at(start) if tagged is not None else None


# LAC reads this much of the sentence on each side of where a name is looked for (it reads about
# 25,000 characters a second: tagging whole sentences made the extraction 30 % slower, these windows
# 7 %), and a window tagged already serves a later question when it holds this much on each side of it
_TAG_SIDE = 12
_TAG_MARGIN = 5
# a name LAC reads: two to four Chinese characters, or a minority name with a dot (阿依·买买提)
_TAGGED_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff]{2,8}·[\u4e00-\u9fff]{2,8}")


class _Tagged:
    """The names LAC reads (kg.zh.ner) next to the posts where the grammar reads none (person.lac/v1):
    a window of the sentence around the place asked about is tagged when first asked, once.  A place
    where no name can be (a mark, a predicate word, the end of an organisation's name) is not tagged.
    ``used``: the (start, end) of the names it gave."""

    def __init__(self, text: str, sentences: list[tuple[int, int]], starts: list[int], org_ends: set[int],
                 cuts: list[int]) -> None:
        self.text, self.sentences, self.starts, self.org_ends = text, sentences, starts, org_ends
        self.cuts = cuts  # where jieba's words of the text start (and its end)
        self.cut_set = set(cuts)
        self.ends: dict[int, int] = {}  # start → end of a name read
        self.begins: dict[int, int] = {}  # end → start
        self.done: list[tuple[int, int]] = []  # the windows tagged
        self.used: set[tuple[int, int]] = set()

    def _tag(self, pos: int) -> None:
        sent_lo, sent_hi = _sentence(self.sentences, self.starts, pos)
        need_lo, need_hi = max(sent_lo, pos - _TAG_MARGIN), min(sent_hi, pos + _TAG_MARGIN)
        if any(a <= need_lo and need_hi <= b for a, b in self.done):
            return
        # from a word's start to a word's end: LAC misreads words cut in half (代表|大会 as a name)
        lo = self.cuts[bisect_left(self.cuts, max(sent_lo, pos - _TAG_SIDE))]
        hi = self.cuts[bisect_right(self.cuts, min(sent_hi, pos + _TAG_SIDE)) - 1]
        lo, hi = min(lo, need_lo), max(hi, need_hi)
        self.done.append((lo, hi))
        ner = tagger()
        for s, e in ner.persons(self.text[lo:hi]) if ner is not None else ():
            s, e = s + lo, e + lo
            if _TAGGED_NAME.fullmatch(self.text, s, e) and post_ending(self.text, e) is None:
                self.ends.setdefault(s, e)
                self.begins.setdefault(e, s)

    def end_at(self, start: int) -> int | None:
        """End of the name LAC reads from ``start``, or None."""
        after = _after_name_re().match(self.text, start)
        if after is not None and (len(after.group()) != 1 or after.group() not in surnames()[0]) \
                or start not in self.cut_set:
            return None  # a mark or a predicate word (主席表示), or a post inside a word: not a name after a post
        self._tag(start)
        end = self.ends.get(start)
        if end is not None:
            self.used.add((start, end))
        return end

    def start_at(self, end: int) -> int | None:
        """Start of the name LAC reads up to ``end``, or None."""
        if end < 2 or not _CJK.match(self.text, end - 1) or end in self.org_ends or end not in self.cut_set:
            return None  # a mark, an organisation's name (某区总工会主席) or a post inside a word before
        self._tag(end - 1)
        start = self.begins.get(end)
        if start is not None:
            self.used.add((start, end))
        return start


def _minority_end(text: str, given_start: int) -> int | None:
    after = _after_name_re()
    for given in range(2, 7):  # the shortest: the given part may end in a verb (托乎提说)
        end = given_start + given
        if end <= len(text) and _CJK.fullmatch(text[given_start:end]) and after.match(text, end):
            return end  # (a name cut by the end of the text ends there)
    # no boundary word: the given part runs up to the first verb/adverb token (热苏力汗|听得)
    end = given_start
    for word, flag in _tokens(text[end:end + 8], text):
        if flag[:1] in ("v", "d", "p", "c", "u", "x") or not _CJK.fullmatch(word):
            break
        end += len(word)
    return end if 2 <= end - given_start <= 6 else None


@lru_cache(maxsize=1)
def _short_endings() -> dict[str, tuple[str, ...]]:
    """Short union words written before a post (kg/data/union-shorts-v2.tsv) → the label endings of
    the unions they stand for."""
    return {row[0]: tuple(row[1].split()) for row in rows("union-shorts-v2.tsv")}


@lru_cache(maxsize=1)
def _short_exceptions() -> dict[str, tuple[str, ...]]:
    """Short union words → the label endings of unions they never stand for (工会 is no 总工会)."""
    return {row[0]: tuple(row[2].split()) if len(row) > 2 else () for row in rows("union-shorts-v2.tsv")}


# the short word that only stands for a union right before a post, never as a later reference (工会会员)
_BARE_SHORT = "工会"


@lru_cache(maxsize=1)
def _short_source() -> str:
    """A short union word, maybe after a level (市总工会): groups ``written`` and ``short``."""
    levels = "".join(_grammar()["level"])
    return f"(?P<written>[{levels}]?(?P<short>{_alternation(list(_short_endings()))}))"


@lru_cache(maxsize=1)
def _short_before_post_re() -> re.Pattern[str]:
    """A short union word standing alone right before a post: not the end of another body's name
    (某残疾人联合会主席), but after a mark, a joiner or a word such as 的/与 (、总工会主席)."""
    return re.compile(f"(?:^|[^\u4e00-\u9fff]|{_alternation(_grammar()['short_before'])}){_short_source()}$")


@lru_cache(maxsize=1)
def _short_re() -> re.Pattern[str]:
    return re.compile(_short_source())


@lru_cache(maxsize=1)
def _org_tail_re() -> re.Pattern[str]:
    return re.compile(f"[\u4e00-\u9fff]{{1,8}}?(?:{_alternation(_grammar()['org_tail'])})$")


@lru_cache(maxsize=1)
def _unit_re() -> re.Pattern[str]:
    return re.compile(f"[\u4e00-\u9fff]{{0,7}}?(?:{_alternation(_grammar()['unit'])})$")


@lru_cache(maxsize=1)
def _copula_re() -> re.Pattern[str]:
    g = _grammar()
    return re.compile(f"(?:{_alternation(g['copula_adverb'])})?({_alternation(g['copula'])})$")


@dataclass
class _Article:
    """What the rule knows of the article at hand: its text and the organisations named in it."""

    text: str
    orgs: list[Mention]
    tagged: _Tagged | None = None  # LAC's names where the grammar reads none (person.lac/v1)
    by_end: dict[int, Mention] = field(default_factory=dict)
    unions: list[Mention] = field(default_factory=list)  # by start
    union_starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        # a name that swallowed a post and its joiner (某市人大常委会副主任兼市总工会) is no organisation's
        self.orgs = [m for m in self.orgs if not _post_joined_re().search(self.text, m.start, m.end)]
        for m in sorted(self.orgs, key=lambda m: (m.end, m.end - m.start)):
            if m.end not in self.by_end or m.kind == UNION:
                self.by_end[m.end] = m
        self.unions = sorted((m for m in self.orgs if m.kind == UNION), key=lambda m: (m.start, m.end))
        # a union's own unit named as an organisation (某市总工会办公室): its posts are the union's
        starts = {m.start: m for m in self.unions}
        for end, m in list(self.by_end.items()):
            union = starts.get(m.start)
            if m.kind != UNION and union is not None and union.end < end:
                self.by_end[end] = union
        self.union_starts = [m.start for m in self.unions]

    def union_for_short(self, short: re.Match[str], hint: str) -> Mention | None:
        """The union a short word stands for (a match of :func:`_short_source`, 县总工会): the article's
        union with a matching ending (one with the level written preferred) that shares a place with
        ``hint`` (the rest of the chain), else the only one; None when it is not clear."""
        at = short.start("written")
        endings = _short_endings()[short.group("short")]
        exceptions = _short_exceptions()[short.group("short")]
        if short.group("short") == _BARE_SHORT and short.group("written") != _BARE_SHORT:
            return None  # 市工会主席: no short form of a workplace union
        found = [m for m in self.unions if m.label.endswith(endings) and not m.start <= at < m.end
                 and not (exceptions and m.label.endswith(exceptions))]
        found = [m for m in found if m.label.endswith(short.group("written"))] or found
        for m in found:
            if len(hint) >= 2 and _common_prefix(m.label, hint) >= 2:
                return m
        return found[0] if len({m.label for m in found}) == 1 else None

    def union_before(self, pos: int, floor: int) -> Mention | None:
        """The union named last before ``pos`` (from ``floor`` on): a mention, or a short union word
        with the union it stands for (None if it stands for none)."""
        i = bisect_left(self.union_starts, pos)
        named = next((m for m in reversed(self.unions[:i]) if m.end <= pos), None)
        if named is not None and named.start < floor:
            named = None
        last_short = None
        for short in _short_re().finditer(self.text, named.end if named else floor, pos):
            if short.group("short") != _BARE_SHORT:
                last_short = short
        if last_short is not None:
            return self.union_for_short(last_short, "")
        return named


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


@dataclass
class _Segment:
    """One ``[org]post`` of a chain: the role as written is text[role_start:end]."""

    role_start: int
    post_start: int
    end: int
    org: Mention | None = None
    short: re.Match[str] | None = None  # a short union word before the post, resolved with the chain


def _segment(art: _Article, post_start: int, end: int) -> _Segment:
    """The ``[org]post`` segment whose post spans post_start..end."""
    text = art.text
    org = art.by_end.get(post_start)
    if org is not None:
        return _Segment(org.start, post_start, end, org)
    for inside in (post_start + 1, post_start + 2):  # 市总|副主席, 全总|副主席: the post grammar read 总副主席
        org = art.by_end.get(inside)
        if org is not None and org.kind == UNION and org.start < post_start and post_ending(text, end) is not None:
            return _Segment(org.start, inside, end, org)
    for cut in range(post_start - 2, max(-1, post_start - 9), -1):  # a unit between: 某市总工会宣传部部长
        if cut in art.by_end and _unit_re().search(text, cut, post_start):
            org = art.by_end[cut]
            return _Segment(org.start, post_start, end, org)
    short = _short_before_post_re().search(text, max(0, post_start - 8), post_start)
    if short is not None:
        return _Segment(short.start("written"), post_start, end, short=short)
    tail = _org_tail_re().search(text, max(0, post_start - 12), post_start)
    if tail is not None:
        return _Segment(tail.start(), post_start, end)
    return _Segment(post_start, post_start, end)


def _chain(art: _Article, post_start: int, post_end: int) -> list[_Segment]:
    """The ``[org]post`` segments joined by 、，兼 that end with the post at post_start..post_end, left to right."""
    text = art.text
    joiners = _grammar()["joiner"]
    out = [_segment(art, post_start, post_end)]
    while True:
        at = out[-1].role_start
        if at == 0 or text[at - 1] not in joiners:
            break
        start = post_ending(text, at - 1)
        if start is None:
            break
        out.append(_segment(art, start, at - 1))
    out.reverse()
    for i, seg in enumerate(out):
        if seg.short is not None:
            hint = "".join(text[s.role_start:s.post_start] for s in out if s is not seg)
            seg.org = art.union_for_short(seg.short, hint)
        elif seg.org is None and seg.role_start == seg.post_start:
            # a bare post belongs to the union of the segment on its left (党组书记、主席)
            left = next((s.org for s in reversed(out[:i]) if s.org is not None), None)
            if left is not None and left.kind == UNION:
                seg.org = left
    return out


# coordinators of two names sharing a post (副主席甲某和乙某)
_NAME_AND = ("和", "及", "与")
# a short note in brackets between a post and the name: 副主席(挂职), 主席(兼)
_NOTE = re.compile(r"[(（][\u4e00-\u9fff]{1,6}[)）] ?")


def _names_after(text: str, pos: int, *, tagged: _Tagged | None = None) -> list[tuple[int, int]]:
    """Names right after a post (one space allowed), also coordinated ones (甲某、乙某)."""
    if text[pos:pos + 1] in (" ", "\u3000"):
        pos += 1
    note = _NOTE.match(text, pos)  # 副主席(挂职)甲某
    if note:
        pos = note.end()
    out: list[tuple[int, int]] = []
    while True:
        end = name_at(text, pos, tagged=tagged)
        if end is None:
            return out
        out.append((pos, end))
        if text[end:end + 1] == "、":
            pos = end + 1
        elif text[end:end + 1] in _NAME_AND and name_at(text, end + 1, tagged=tagged) is not None:
            pos = end + 1  # 副主席甲某和乙某 (a name where a mark or a predicate word follows)
        else:
            return out


def _name_ending(text: str, end: int, *, tagged: _Tagged | None = None) -> int | None:
    """Start of a person's name that ends exactly at ``end``."""
    for length in (3, 2, 4):
        start = end - length
        if start >= 0 and name_at(text, start) == end:
            return start
    return tagged.start_at(end) if tagged is not None else None


def _names_before(text: str, end: int, *, tagged: _Tagged | None = None) -> list[tuple[int, int]]:
    """The name ending at ``end`` and the names coordinated before it by 、, each possibly
    introduced by its own modifier ending in 的 (来自某厂的甲某、来自某所的乙某)."""
    out: list[tuple[int, int]] = []
    while True:
        start = _name_ending(text, end, tagged=tagged)
        if start is None:
            return out
        out.append((start, end))
        pos = start
        if text[pos - 1:pos] == "的":
            clause = text[max(0, pos - 40):pos]
            cut = max(clause.rfind(c) for c in "，。；,;：:")
            at = clause.rfind("、")
            if at <= cut:
                return out
            pos = pos - len(clause) + at + 1
        if text[pos - 1:pos] != "、":
            return out
        end = pos - 1


_CLAUSE_END = re.compile(r"[，。；,;！!？?、]|$")


@Language.component("ukg_persons")
def ukg_persons(doc: Doc) -> Doc:
    """Person mentions with their posts, and membership relations to the posts' organisations."""
    text = doc.text
    _associations(doc)
    sentences = sentence_spans(text)
    starts = [a for a, _b in sentences]
    orgs = [m for m in doc._.ukg_mentions if m.kind in (UNION, ORGANIZATION)]
    word_starts = [start for start, _end, _word in doc_tokens(doc)] + [len(text)]
    tagged = _Tagged(text, sentences, starts, {m.end for m in orgs}, word_starts) if tagger() is not None else None
    art = _Article(text, orgs, tagged)
    heads, head_starts = _head_re()
    last_end, last_org = -1, None  # where the names of the last post → name record end, and their union
    for match in finditer_at(heads, head_starts, text):
        post_end = match.end()
        names = _names_after(text, post_end, tagged=art.tagged)
        if names:
            post_start = post_ending(text, post_end)
            if post_start is None:
                continue
            chain = _chain(art, post_start, post_end)
            if last_org is not None and text[last_end:chain[0].role_start] in _LIST_MARKS:
                # 主席甲，副主席乙、丙: bare posts listed after a named official's take that official's union
                for seg in chain:
                    if seg.org is None and seg.role_start == seg.post_start:
                        seg.org = last_org
            _record(doc, art, names, chain, sentences, starts, rule=RULE_POST_NAME, confidence=0.8)
            last_end = names[-1][1]
            last_org = next((seg.org for seg in reversed(chain) if seg.org is not None and seg.org.kind == UNION), None)
        elif _name_before_post(doc, art, post_end, sentences, starts):
            continue
        elif text.startswith("的", post_end):
            _post_clause(doc, art, post_end, sentences, starts)
        elif _CLAUSE_END.match(text, post_end) or text.startswith((")", "）"), post_end):
            _name_post(doc, art, post_end, sentences, starts)
    return doc


# what may stand between one official's name and the next bare post of the same list (主席甲，副主席乙)
_LIST_MARKS = (",", "、", ";", "，", "；")


def _name_ending_at_post(text: str, post_start: int, *, allow_post: bool = False,
                         tagged: _Tagged | None = None) -> int | None:
    """Start of a name written right before a post (甲某主席, 某区总工会甲某副主席), or None: a surname and
    one or two given characters, not glued by jieba to the word before it, not itself after a post;
    else the name LAC reads there (``tagged``).  ``allow_post``: ``post_start`` is any end of a name
    (a mark after it)."""
    single, compound = surnames()
    not_given = _not_given()
    if not allow_post and post_ending(text, post_start) is not None:
        return None  # a post before the post (党组书记、主席 is a chain)
    for length in (3, 2, 4):
        start = post_start - length
        if start < 0:
            continue
        sur = 2 if text[start:start + 2] in compound else 1 if text[start:start + 1] in single else 0
        given = text[start + sur:post_start]
        if not sur or not 1 <= len(given) <= 2 or not _CJK.fullmatch(given) or any(c in not_given for c in given):
            continue
        words = _tokens(text[start:post_start], text)
        if not (words[0][1].startswith("nr") or len(words[0][0]) <= sur
                and not any(flag.startswith(_FUNCTION_FLAGS + ("v",)) for _w, flag in words[1:])):
            continue  # jieba reads no name there: 成立|由 (a verb and a preposition)
        if start and _CJK.match(text[start - 1]):
            lo = max(0, start - 4)
            cuts, at = set(), lo
            for word, _flag in _tokens(text[lo:post_start], text):
                cuts.add(at)
                at += len(word)
            if start not in cuts:
                continue  # the surname is the end of another word
        return start
    return tagged.start_at(post_start) if tagged is not None else None


def _name_before_post(doc: Doc, art: _Article, post_end: int, sentences: list[tuple[int, int]],
                      starts: list[int]) -> bool:
    """"甲某主席一行", "某区总工会甲某副主席" (person.name_before_post/v1): a name right before a post that is
    followed by a mark or a predicate word.  The organisation: one written right before the name; for a
    union chair's post (主席), else the union named last in the sentence or the article's only union."""
    text = art.text
    post_start = post_ending(text, post_end)
    if post_start is None or not _after_name_re().match(text, post_end) or text.startswith(_UNIT_AFTER, post_end):
        return False
    start = _name_ending_at_post(text, post_start, tagged=art.tagged)
    if start is None or (before := post_ending(text, start)) is not None and before < start:
        return False
    org = art.by_end.get(start)
    if org is None and text[post_start:post_end].endswith("主席"):
        sent_start = _sentence(sentences, starts, start)[0]
        org = art.union_before(start, sent_start)
        if org is None and len({m.label for m in art.unions}) == 1:
            org = art.unions[0]
    seg = _Segment(post_start, post_start, post_end, org)
    _record(doc, art, [(start, post_start)], [seg], sentences, starts, rule=RULE_NAME_BEFORE_POST, confidence=0.7)
    return True


# words after a post that make it part of another noun, not a title after a name (主席团, 主任委员)
_UNIT_AFTER = ("团", "委员", "台", "会议")


def _post_clause(doc: Doc, art: _Article, post_end: int, sentences: list[tuple[int, int]], starts: list[int]) -> None:
    """"兼任某市总工会副主席的甲某" (person.post_clause/v1): a copula, ``[org]post``, 的 and the name, maybe after
    another post of the person (兼任某工会副主席的某局副局长甲某)."""
    text = art.text
    post_start = post_ending(text, post_end)
    if post_start is None:
        return
    chain = _chain(art, post_start, post_end)
    if _copula_re().search(text, max(0, chain[0].role_start - 8), chain[0].role_start) is None:
        return
    pos = post_end + 1
    names = _names_after(text, pos, tagged=art.tagged)
    if not names:
        heads, _starts = _head_re()
        other = heads.search(text, pos, pos + 24)
        if other is None or re.search(r"[^\u4e00-\u9fff]", text[pos:other.start()]):
            return
        names = _names_after(text, other.end(), tagged=art.tagged)
    chain = [seg for seg in chain if seg.org is not None]
    if names and chain:
        _record(doc, art, names, chain, sentences, starts, rule=RULE_CLAUSE, confidence=0.7)


def _associations(doc: Doc) -> None:
    """Associations and federations written right before a post (某省工商业联合会副主席, 某协会会长) become
    Organization mentions (org.association/v1), the organisation of that post."""
    from kg.rules import add_mention

    text = doc.text
    if "会" not in text:
        return
    taken = [(m.start, m.end) for m in doc._.ukg_mentions if m.kind in (UNION, ORGANIZATION)]
    for start, end in find_associations(text):
        if post_starting(text, end) is None or any(s < end and start < e for s, e in taken):
            continue
        add_mention(doc, Mention(kind=ORGANIZATION, text=doc._.ukg_article.text[start:end], start=start, end=end,
                                 label=text[start:end], rule=RULE_ASSOCIATION, confidence=0.7))


def _name_post(doc: Doc, art: _Article, post_end: int, sentences: list[tuple[int, int]], starts: list[int]) -> None:
    """Names, a copula and an ``[org]post`` ending the clause: "甲某、乙某还是某市总工会兼职副主席"."""
    text = art.text
    post_start = post_ending(text, post_end)
    if post_start is None:
        return
    chain = _chain(art, post_start, post_end)
    at = chain[0].role_start
    if text[at - 1:at] in ("该", "本") and at - 1 > 0:
        at -= 1  # 甲某是该公司工会主席
    copula = _copula_re().search(text, max(0, at - 8), at)
    if copula is None:
        # an apposition: "甲某，某市总工会副主席，…", "甲某(某公司工会主席)"
        closing = ")）" if text[at - 1:at] in ("(", "（") else ",，。;；"
        if text[at - 1:at] in _APPOSITION and text[post_end:post_end + 1] and text[post_end] in closing:
            names = _names_before(text, at - 1, tagged=art.tagged)
            # one name, itself after no post (局长甲某，某工会主席乙某 is a list), read as a name by jieba too
            names = names if len(names) == 1 and post_ending(text, names[0][0]) is None \
                and _name_ending_at_post(text, at - 1, allow_post=True, tagged=art.tagged) == names[0][0] else []
            chain = [seg for seg in chain if seg.org is not None]
            if names and chain:
                _record(doc, art, names, chain, sentences, starts, rule=RULE_APPOSITION, confidence=0.6)
        return
    names = _names_before(text, copula.start(), tagged=art.tagged)
    if not names:
        return
    if copula.group(1) in _grammar()["elected"]:
        sent_start = _sentence(sentences, starts, copula.start())[0]
        for seg in chain:
            if seg.org is None and seg.role_start == seg.post_start:
                seg.org = art.union_before(seg.role_start, sent_start)
    chain = [seg for seg in chain if seg.org is not None]
    if chain:
        _record(doc, art, names, chain, sentences, starts, rule=RULE_NAME_POST, confidence=0.7)


# the confidence of a person whose name LAC read (at most)
_LAC_CONFIDENCE = 0.7

# the marks of an apposition between a name and its post (甲某，某工会主席，; 甲某(某工会主席))
_APPOSITION = (",", "，", "(", "（")


def _sentence(sentences: list[tuple[int, int]], starts: list[int], pos: int) -> tuple[int, int]:
    i = bisect_left(starts, pos + 1) - 1
    if i >= 0 and sentences[i][0] <= pos < sentences[i][1]:
        return sentences[i]
    return (pos, pos + 1)


def _record(doc: Doc, art: _Article, names: list[tuple[int, int]], chain: list[_Segment],
            sentences: list[tuple[int, int]], starts: list[int], *, rule: str, confidence: float) -> None:
    from kg.rules import add_mention, add_relation

    text = art.text
    original = doc._.ukg_article.text
    sent = _sentence(sentences, starts, chain[-1].post_start)
    roles = [(text[seg.role_start:seg.end], seg.org) for seg in chain]
    tagged = art.tagged.used if art.tagged is not None else ()
    for s, e in names:
        # a name LAC read (the construction is the grammar's): person.lac/v1, at most its confidence
        sure = min(confidence, _LAC_CONFIDENCE) if (s, e) in tagged else confidence
        person = add_mention(doc, Mention(kind=PERSON, text=original[s:e], start=s, end=e, label=text[s:e],
                                          rule=RULE_LAC if (s, e) in tagged else rule, confidence=sure,
                                          attrs=tuple(("post", role) for role, _org in roles)))
        for role, org in roles:
            if org is None:
                continue
            add_relation(doc, Relation(predicate=MEMBERSHIP, subject=person, object=org, sentence_start=sent[0],
                                       sentence_end=sent[1], rule=RULE_MEMBERSHIP, confidence=sure,
                                       attrs=(("role", role),)))
