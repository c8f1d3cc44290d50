"""Rule component ukg_persons: named people with their posts, and membership relations.

Pattern: a chain of "[org][post]" segments joined by 、 directly before one or more names
("青海省委常委、省总工会主席马吉孝", "省总工会兼职副主席甲某、乙某"); each segment gives one
membership(person → org, role = the segment as written).  A segment without its own org
takes the org of the nearest segment that has one ("宁波市总工会党组书记、常务副主席王某").
Names: surname (kg/data/surnames-v1.txt) + 1–2 characters ending at a word boundary, a jieba
'nr' token, or a minority-style name with "·".  Bylines (记者/通讯员/摄 …) never match: they
carry no post.

Example:
    >>> from kg.nlp import make_nlp, process
    >>> from kg.records import Article
    >>> doc = process(make_nlp(), Article(id="x#0", source_file="x", position=0,
    ...     text="本报讯(记者李明)滨海县总工会副主席赵建国介绍说，活动效果很好。"))
    >>> [(r.subject.label, r.object.label, r.attr("role")) for r in doc._.relations if r.predicate == "membership"]
    [('赵建国', '滨海县总工会', '滨海县总工会副主席')]
"""

from __future__ import annotations

import re
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from kg.records import MEMBERSHIP, ORGANIZATION, PERSON, UNION, Mention, Relation
from kg.rules.organizations import _lines, _tokens
from kg.text import sentence_spans

RULE_POST_NAME = "person.post_name/v1"
RULE_MEMBERSHIP = "person.membership/v1"
RULE_NAME_POST = "person.name_post/v1"

# What may follow a name: punctuation or a word that starts the predicate.
_AFTER_NAME = re.compile(
    r"(?:[，。、；：:“”\"（(）)！？!?\s·]|$|说|表示|介绍|告诉|指出|强调|提出|要求|认为|在|带领|一行|等|同志|的|对|向|为|和|与|"
    r"也|就|还|率|到|出席|讲话|致辞|主持|参加|看望|慰问|透露|坦言|感慨|笑|回忆|谈到|希望|称|解释|来到|深入|调研|宣布|"
    r"代表|作|做|已|曾|是|将|把|从|同|接受|发言|分享|先后|多次|亲自|一直|现场|随后|专门|立即|通过)"
)
_NOT_GIVEN = set("的了在和与是说对为等也就还及或而向从把被让给到之其这那有不个们者年月日")
_UNIT = re.compile(r"[\u4e00-\u9fff]{2,8}?(?:部|处|室|科|中心|办公室|委员会)$")


@lru_cache(maxsize=1)
def posts() -> tuple[str, ...]:
    """Post titles (kg/data/posts-v1.txt), longest first."""
    return tuple(sorted(set(_lines("posts-v1.txt")), key=len, reverse=True))


@lru_cache(maxsize=1)
def surnames() -> tuple[frozenset[str], frozenset[str]]:
    """(single-character, compound) surnames."""
    words = _lines("surnames-v1.txt")
    return frozenset(w for w in words if len(w) == 1), frozenset(w for w in words if len(w) == 2)


@lru_cache(maxsize=1)
def _post_pattern() -> re.Pattern[str]:
    """The posts, as alternatives in :func:`posts` order (a match is the first of them that is there)."""
    return re.compile("|".join(map(re.escape, posts())))


_MINORITY_SURNAME = re.compile(r"[\u4e00-\u9fff]{2,6}·")  # matched at a position (not on a copy of the rest)


def name_at(text: str, start: int) -> int | None:
    """End of a person's name starting at ``start``, or None.

    >>> t = "主席马吉孝在会上说"
    >>> t[2:name_at(t, 2)]
    '马吉孝'
    >>> name_at("主席要求各级工会", 2) is None
    True
    """
    minority = _MINORITY_SURNAME.match(text, start)
    if minority:
        for given in range(6, 1, -1):
            end = minority.end() + given
            if end <= len(text) and re.fullmatch(r"[\u4e00-\u9fff]+", text[minority.end():end]) \
                    and _AFTER_NAME.match(text, end):  # (a name cut by the end of the text ends there)
                return end
        # no boundary word: the given part runs up to the first verb/adverb token (热苏力汗|听得)
        end = minority.end()
        for word, flag in _tokens(text[end:end + 8], text):
            if flag[:1] in ("v", "d", "p", "c", "u", "x") or not re.fullmatch(r"[\u4e00-\u9fff]+", word):
                break
            end += len(word)
        return end if 2 <= end - minority.end() <= 6 else None
    single, compound = surnames()
    if text[start:start + 2] in compound:
        sur = 2
    elif text[start:start + 1] in single:
        sur = 1
    else:
        return None
    chunk = text[start:start + 8]
    for word, flag in _tokens(chunk, text)[:1]:
        if flag == "nr" and sur < len(word) <= sur + 2:
            return start + len(word)
    for given in (2, 1):
        end = start + sur + given
        if end > len(text):
            continue
        name = text[start + sur:end]
        if not re.fullmatch(r"[\u4e00-\u9fff]+", name) or any(c in _NOT_GIVEN for c in name):
            continue
        if _AFTER_NAME.match(text, end):
            return end
    return None


def _post_ending(text: str, end: int) -> str | None:
    for post in _posts_by_last_char().get(text[end - 1:end], ()):
        if text.endswith(post, 0, end):
            return post
    return None


@lru_cache(maxsize=1)
def _posts_by_last_char() -> dict[str, tuple[str, ...]]:
    """The posts by their last character, each list in :func:`posts` order."""
    table: dict[str, list[str]] = {}
    for post in posts():
        table.setdefault(post[-1], []).append(post)
    return {char: tuple(found) for char, found in table.items()}


@Language.component("ukg_persons")
def ukg_persons(doc: Doc) -> Doc:
    """Person mentions found after a post, with membership relations to the post's organisation."""
    from kg.rules import add_mention, add_relation

    text = doc.text
    original = doc._.article.text
    orgs = [m for m in doc._.mentions if m.kind in (UNION, ORGANIZATION)]
    by_end: dict[int, Mention] = {}
    for m in sorted(orgs, key=lambda m: (m.end, m.end - m.start)):
        if m.end not in by_end or m.kind == UNION:
            by_end[m.end] = m
    sentences = sentence_spans(text)
    post_re = _post_pattern()
    seen: set[tuple[int, int]] = set()
    for match in post_re.finditer(text):
        post_end = match.end()
        post = _post_ending(text, post_end)
        if post is None or (match.start(), post_end) in seen:
            continue
        names = _names_after(text, post_end)
        if not names:
            continue
        segments = _segments(text, post_end, by_end)
        sent = next(((a, b) for a, b in sentences if a <= post_end < b), (match.start(), post_end))
        for s, e in names:
            person = add_mention(doc, Mention(kind=PERSON, text=original[s:e], start=s, end=e, label=text[s:e],
                                              rule=RULE_POST_NAME, confidence=0.8,
                                              attrs=tuple(("post", role) for role, _org in segments)))
            for role, org in segments:
                if org is None:
                    continue
                add_relation(doc, Relation(predicate=MEMBERSHIP, subject=person, object=org, sentence_start=sent[0],
                                           sentence_end=sent[1], rule=RULE_MEMBERSHIP, confidence=0.8,
                                           attrs=(("role", role),)))
        seen.add((match.start(), post_end))
    _posts_after_names(doc, text, original, orgs, sentences)
    return doc


# "<names>(还/也/现)是/担任/兼任 <org><post>": the post written after the name.
_COPULA = re.compile(r"(?:还|也|现|同时|均|都|曾|现任|目前)?(?:兼任|担任|当选为|当选|是|任|系)")


def _posts_after_names(doc: Doc, text: str, original: str, orgs: list[Mention],
                       sentences: list[tuple[int, int]]) -> None:
    """Memberships stated after the names: "甲某、来自X厂的乙某还是某省总工会兼职副主席"."""
    from kg.rules import add_mention, add_relation

    by_start: dict[int, Mention] = {}
    for m in sorted(orgs, key=lambda m: (m.start, -(m.end - m.start))):
        by_start.setdefault(m.start, m)
    for org in orgs:
        found = _post_pattern().match(text, org.end)  # the first post in posts() order that is there
        post = found.group() if found else None
        if post is None or not re.match(r"[，。；,;！!]|$", text[org.end + len(post):org.end + len(post) + 1]):
            continue
        copula = None
        for m in _COPULA.finditer(text, max(0, org.start - 6), org.start):
            if m.end() == org.start:
                copula = m
                break
        if copula is None:
            continue
        names = _names_before(text, copula.start())
        if not names:
            continue
        sent = next(((a, b) for a, b in sentences if a <= org.start < b), (names[0][0], org.end))
        role = text[org.start:org.end + len(post)]
        for s, e in names:
            person = add_mention(doc, Mention(kind=PERSON, text=original[s:e], start=s, end=e, label=text[s:e],
                                              rule=RULE_NAME_POST, confidence=0.7, attrs=(("post", role),)))
            add_relation(doc, Relation(predicate=MEMBERSHIP, subject=person, object=org, sentence_start=sent[0],
                                       sentence_end=sent[1], rule=RULE_MEMBERSHIP, confidence=0.7,
                                       attrs=(("role", role),)))


def _name_ending(text: str, end: int) -> int | None:
    """Start of a person's name that ends exactly at ``end``."""
    for length in (3, 2, 4):
        start = end - length
        if start >= 0 and name_at(text, start) == end:
            return start
    return None


def _names_before(text: str, end: int) -> list[tuple[int, int]]:
    """The name ending at ``end`` and the names coordinated before it by 、, each possibly
    introduced by its own modifier ending in 的 (来自某厂的甲某、来自某所的乙某)."""
    out: list[tuple[int, int]] = []
    while True:
        start = _name_ending(text, end)
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


def _names_after(text: str, pos: int) -> list[tuple[int, int]]:
    """Names right after a post, also coordinated ones (甲某、乙某)."""
    out: list[tuple[int, int]] = []
    while True:
        end = name_at(text, pos)
        if end is None:
            return out
        out.append((pos, end))
        if text[end:end + 1] != "、":
            return out
        pos = end + 1


def _segments(text: str, post_end: int, by_end: dict[int, Mention]) -> list[tuple[str, Mention | None]]:
    """(role as written, org mention) for the 、-joined [org][post] chain ending at ``post_end``."""
    raw: list[tuple[int, int, Mention | None]] = []  # (role start, role end, org)
    end = post_end
    while True:
        post = _post_ending(text, end)
        if post is None:
            break
        post_start = end - len(post)
        org = by_end.get(post_start)
        role_start = post_start
        if org is None:
            # a unit between the org and the post: X总工会劳动经济部副部长
            for cut in range(post_start - 2, max(-1, post_start - 9), -1):
                if cut in by_end and _UNIT.search(text[cut:post_start]):
                    org = by_end[cut]
                    break
        if org is not None:
            role_start = org.start
        elif (prefix := _org_word_before(text, post_start)) is not None:
            role_start = prefix
        raw.append((role_start, end, org))
        if role_start > 0 and text[role_start - 1] == "、":
            end = role_start - 1
            continue
        break
    out = []
    for i, (s, e, org) in enumerate(raw):
        if org is None:
            # inherit from the nearest segment with an org (same body: 党组书记、常务副主席)
            # only an org written to the left carries over (raw runs right to left)
            nearest = next((o for _s, _e, o in raw[i + 1:] if o is not None), None)
            if nearest is not None and nearest.kind == UNION and s == e - len(_post_ending(text, e) or ""):
                org = nearest
        out.append((text[s:e], org))
    return list(reversed(out))


def _org_word_before(text: str, pos: int) -> int | None:
    """Start of a short body word glued before a post (市委常委, 村主任 keep their prefix)."""
    match = re.search(r"(?:[\u4e00-\u9fff]{1,8}?(?:省委|市委|县委|区委|州委|党委|人大常委会|政府|村|社区))$", text[max(0, pos - 10):pos])
    return pos - len(match.group()) if match else None
