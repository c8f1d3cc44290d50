"""Rule component ukg_mission: launched (UnionBody → Initiative) and benefited (Initiative → BeneficiaryGroup).

launched, by the first rule that finds an actor for an initiative:

- ``launched.host/v2``: "由 X(、Y) 主办/承办" and "X、Y 承办" in the sentence;
- ``launched.subject/v3``: the nearest union before the initiative in its sentence that is not an
  object (向/对/给/为 X), with the unions coordinated with it (X 联合/会同/与/、 Y);
- ``launched.paragraph/v3``: zero anaphora — the last acting union earlier in the paragraph;
- ``launched.article/v3``: the article's main union (most mentioned).

None of them fires for an exhortation (要/应/必须 … before the initiative); a non-union subject
(company, bureau, hospital; "A 与 B 签订"; since v3 also a non-union helper of a non-union builder:
"公司帮助社区建立X", not "人社局协助区总工会建立X") blocks the union; the two fallbacks are also blocked by a
generic or plural union subject (各级工会, 全市工会, 两级工会) and inside quoted speech.
Confidences follow the precision measured per rule on the development pages.

benefited:

- ``benefited.in_name/v3``: a group inside the initiative's own name (关爱货车司机活动 → 货车司机), unless an
  outreach verb or a team noun follows it there (工会干部联系企业制度, 劳模志愿服务队: agent or members), or the
  name is a facility's (职工之家, 劳模创新工作室, 疗休养基地: a type name, not a statement of whom it serves);
- ``benefited.marker/v10``: a group introduced by a marker word (解决/化解 Y…问题 since v4; not the 为 closing a "以 A 为 <role>" frame:
  以A为补充、以Y监督为基础的体系) (为/向/面向/针对/惠及/慰问/吸纳/满足 …,
  kg/data/beneficiary-v1.tsv) or followed by a participation verb (参加/享受/有了 …, adverbs between allowed),
  with the groups coordinated with it (A、B和C; A和B，C等群体; A、B等C群体), a group whose service is named
  (Y群体的维权服务) and a participant prefix (参赛Y); each initiative takes the marked groups of
  its own clause or of the nearest clause that has some, plus those of a fronted target clause
  ("面向A、B等群体，开展X"); parts listed in a clause opened by 包括/设有 … after the whole they belong to
  take only their own clause's groups (提供X，包括A、B等: v5); v6: an agent delivering the service is not served
  (组织Y深入车间送服务, Y为Z宣讲; but 为Y上门义诊), the counterpart of a helping service is (与Y结对帮扶/进行…辅导;
  the helpers listed before 与 are not), and so are groups whose gap is closed or burden eased (补齐/弥补/缓解 Y…)
  or whose income grows (Y增收/致富/脱贫); v7: a 的-relative of participation marks its group (参加活动的Y), a counterpart
  may carry a count (与300名Y结成帮扶对子), and listening to or answering a group serves it (倾听/回应 Y…);
- ``benefited.pronoun/v1``: 为他们/为其 … → the last group of the paragraph;
- ``benefited.demonstrative/v1``: marked groups in a sentence that names an earlier initiative again
  (此次培训活动重点面向Y) → that initiative;
- ``benefited.topic_subject/v1``: a sentence opened by a demonstrative subject that names an earlier initiative
  (本届运动会包括A、B等项目，为职工提供…; 这个…的志愿服务队，为…提供…): groups of its clauses that no initiative of
  the sentence takes, or all when the sentence's initiatives are parts it lists (包括/设有 …), go to that initiative;
- v8: the only initiative of a sentence also takes the marked clauses after it (开展X，培训A…，帮助B增收),
  an initiative in a background clause (基于/鉴于/随着 X …, 在 X 中/期间) takes only its own clause's groups,
  and a purpose clause securing a group's wellbeing marks it (确保Y安全度夏); v9: a group mobilised to
  contribute (动员Y建功立业/奋进/投身…) is an agent, not served; v10: a copular 为 before a count or 为期 after
  the group (参赛Y为300人) makes no agent;
- a fronted target clause and the nearest-clause choice end at a clause opening a new predication
  (…，同时/此外/也/还 …);
- ``benefited.started_thereby/v1``: marked groups in a sentence without initiatives whose next sentence
  says an initiative starts with it (…看望慰问Y。X活动由此/同时启动。) → that initiative;
- ``benefited.previous/v1``: marked groups in a sentence without initiatives → the initiatives of the
  previous sentence of the paragraph;
- ``benefited.topic/v1``: otherwise → the initiatives of the headline (the article's topic).

Group mentions that no initiative serves are dropped (the guideline counts only served groups).

The words are data (read through kg.lexicon): kg/data/triggers-v1.tsv, kg/data/beneficiary-v1.tsv and the
grammar's function words in kg/data/mission-grammar-v1.tsv; rule ids and confidences come from the rule
registry (kg/data/rules-v1.tsv).

Example:
    >>> from kg.records import Article, Mention, UNION
    >>> from kg.extract.nlp import make_nlp, make_doc
    >>> nlp = make_nlp(model="rules")
    >>> text = "市总工会为环卫工人开展“夏送清凉”活动。"
    >>> doc = make_doc(nlp, Article(id="x#0", source_file="x", position=0, text=text))
    >>> doc._.ukg_mentions.append(Mention(kind=UNION, text="市总工会", start=0, end=4, label="某市总工会", rule="t"))
    >>> for name in ("ukg_groups", "ukg_initiatives", "ukg_mission"):
    ...     doc = nlp.get_pipe(name)(doc)
    >>> sorted((r.predicate, r.subject.label, r.object.label) for r in doc._.ukg_relations)
    [('benefited', '“夏送清凉”活动', '环卫工人'), ('launched', '某市总工会', '“夏送清凉”活动')]
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import replace
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from kg.zh import posseg
from kg.lexicon import alternation, longest_first, words
from kg.records import BENEFITED, GROUP, INITIATIVE, LAUNCHED, ORGANIZATION, UNION, Mention, Relation
from kg.rules.groups import FACILITY_NOUNS, unify_abbreviations
from kg.rules.initiatives import FRAME_ROLE, triggers
from kg.rules.registry import confidence, rule_id
from kg.zh.text import TextMemo, sentence_spans, to_simplified

RULE_HOST = rule_id("launched.host")
RULE_SUBJECT = rule_id("launched.subject")
RULE_PARAGRAPH = rule_id("launched.paragraph")
RULE_ARTICLE = rule_id("launched.article")
RULE_IN_NAME = rule_id("benefited.in_name")
RULE_MARKER = rule_id("benefited.marker")
RULE_PRONOUN = rule_id("benefited.pronoun")
RULE_DEMONSTRATIVE = rule_id("benefited.demonstrative")
RULE_TOPIC = rule_id("benefited.topic")
RULE_PREVIOUS = rule_id("benefited.previous")
RULE_TOPIC_SUBJECT = rule_id("benefited.topic_subject")
RULE_STARTED_THEREBY = rule_id("benefited.started_thereby")
# Default confidences (kg/data/rules-v1.tsv): the pair precision measured per rule on the development pages
# (in_name/v3: 33 of 47; marker/v5: 62 of 79), shrunk towards 0.6 for rules that fired only a few times.
_CONFIDENCE = {r: confidence(r) for r in (RULE_HOST, RULE_SUBJECT, RULE_PARAGRAPH, RULE_ARTICLE, RULE_IN_NAME,
                                          RULE_MARKER, RULE_PRONOUN, RULE_DEMONSTRATIVE, RULE_TOPIC, RULE_PREVIOUS,
                                          RULE_TOPIC_SUBJECT, RULE_STARTED_THEREBY)}

# The data files in kg/data (read through kg.lexicon): the beneficiary markers and the grammar's words.
MARKERS_FILE = "beneficiary-v1.tsv"
GRAMMAR_FILE = "mission-grammar-v1.tsv"
_G = words(GRAMMAR_FILE)

_ADVERBS = r"(?:" + alternation(_G["actor_adverb"]) + ")*"
_GAP_PUNCT = re.compile(r"[，。；！？：,;!?:\n“”《》]")


def _paragraph_ids(text: str, spans: list[tuple[int, int]]) -> list[int]:
    ids, pid = [], 0
    for i, (s, _e) in enumerate(spans):
        if i and "\n" in text[spans[i - 1][1]:s]:
            pid += 1
        ids.append(pid)
    return ids


_INFINITY = float("inf")


def _sentence_of(spans: list[tuple[int, int]], pos: int) -> int | None:
    """Index of the span holding ``pos`` (spans in order, not overlapping: sentence_spans), or None."""
    i = bisect_right(spans, (pos, _INFINITY)) - 1
    return i if i >= 0 and spans[i][0] <= pos < spans[i][1] else None


def _is_object(text: str, union: Mention, lo: int) -> bool:
    before = text[max(lo, union.start - 3):union.start]
    return before.endswith(_object_markers())


@lru_cache(maxsize=1)
def _object_markers() -> tuple[str, ...]:
    return tuple(triggers()["object_marker"])


@lru_cache(maxsize=1)
def _coord_gap() -> re.Pattern:
    coord = "|".join(map(re.escape, triggers()["coord"]))
    return re.compile(r"^\s*" + _ADVERBS + r"(?:" + coord + r")\s*$")


@lru_cache(maxsize=1)
def _host_after() -> re.Pattern:
    host = "|".join(map(re.escape, triggers()["host"]))
    return re.compile(r"\s*(?:共同|联合)?(?:" + host + ")")


@lru_cache(maxsize=1)
def _launch_after() -> re.Pattern:
    """A launch verb after an actor, through adverbs and a helping verb with its object."""
    verbs = set(triggers()["launch"]) | set(triggers()["host"]) | set(triggers()["issue"])
    launch = "|".join(map(re.escape, sorted(verbs, key=len, reverse=True)))
    # "公司帮助社区建立X": a non-union helper of a non-union builder acts too (not when it helps a union:
    # 人社局协助区总工会建立X is the union's)
    return re.compile(r"(?:" + _ADVERBS + r"|[都均又再先后相继率先全部每年今年经常]|已经|主动)*"
                      r"(?:(?:" + alternation(_G["helper_verb"]) + r")(?:(?!工会|[省市县区镇州]总)[\u4e00-\u9fff]){1,6}?)?"
                      r"(?:" + launch + ")")


def _coordinated(text: str, unions: list[Mention], anchor: Mention) -> list[Mention]:
    """The anchor union and the unions chained to it by 联合/会同/与/和/、 (both directions)."""
    gap = _coord_gap()
    ordered = sorted(unions, key=lambda m: m.start)
    k = ordered.index(anchor)
    group = [anchor]
    i = k
    while i > 0 and gap.match(text[ordered[i - 1].end:ordered[i].start]):
        group.append(ordered[i - 1])
        i -= 1
    i = k
    while i + 1 < len(ordered) and gap.match(text[ordered[i].end:ordered[i + 1].start]):
        group.append(ordered[i + 1])
        i += 1
    return group


def _hosts(text: str, unions: list[Mention], start: int, end: int) -> list[Mention]:
    """Unions of "由 X 主办" / "X、Y 承办" constructions inside [start, end)."""
    out = []
    for u in unions:
        after = text[u.end:min(end, u.end + 4)]
        if _host_after().match(after):
            out.extend(_coordinated(text, unions, u))
    return out


# Non-union actors: an organisation mention, or a generic noun of a company, bureau, hospital, community …
_ACTOR_NOUN = re.compile(r"(?:" + alternation(_G["actor_noun"]) + ")")


@lru_cache(maxsize=2)
def _objecty(union_before: bool) -> tuple[str, ...]:
    """The words that make a non-union noun after them an object (see :func:`_other_actor`)."""
    coord = tuple(w for w in triggers()["coord"] if union_before or w not in _G["partner_coord"])
    return tuple(triggers()["object_marker"]) + coord + _G["actor_object"]


def _other_actor(doc: Doc, text: str, lo: int, hi: int, *, union_before: bool = True,
                 orgs: list[Mention] | None = None) -> bool:
    """Whether a non-union subject acts in [lo, hi): it is followed by a launch verb in its clause
    and is not itself an object (向/为/联合/协助 X; also 与/和 X after a union subject, where X is
    the union's partner, while without a union "A 与 B 签订" makes both actors)."""
    verb_after = _launch_after()
    if orgs is None:  # (the organisation mentions of the doc, when the caller has not picked them)
        orgs = [m for m in doc._.ukg_mentions if m.kind == ORGANIZATION]
    ends = [m.end for m in orgs if lo <= m.start and m.end <= hi]
    ends += [m.end() for m in _ACTOR_NOUN.finditer(text, lo, hi)]
    objecty = _objecty(union_before)
    for end in ends:
        if not verb_after.match(text, end, hi):
            continue
        head = text[max(lo, end - 14):end]
        cut = max(head.rfind(c) for c in "，。；,;:：") + 1
        if any(w in head[cut:] for w in objecty if len(w) > 1 or w in "向为与对给"):
            continue
        return True
    return False


# Modal verbs of exhortation, as words (not 主要/重要/需要/要求/应用/响应 …).
_MODAL = re.compile(r"(?<![主重需必纲摘提只首概紧不想])要(?![求点素闻害务是])|(?<![响适相供反效呼回对])应(?:当|该)?(?![用对急邀届征聘运变时有])"
                    r"|必须|务必|亟需|亟待")
# The characters that open a match of _MODAL (kg.rules.decide.Context.modal_in searches from them): keep with it.
_MODAL_FIRST = re.compile("[要应必务亟]")
# Generic or plural union subjects (guideline: not entities); the specific union is unknown.
_GENERIC_UNION = re.compile(r"(?:" + alternation(_G["generic_union"]) + r"|[一二两三四五]级|(?:省|市|县|区|乡|镇)(?:市|县|区|乡|镇)(?:两|三|四)?级)"
                            r"(?:各级)?工会(?:组织)?")


def _generic_subject(text: str, lo: int, hi: int) -> bool:
    """Whether a generic union acts in [lo, hi) — not inside a 的-modifier of what follows
    (由基层工会执行的两级响应制度: the union is in a relative clause of the name)."""
    for m in _GENERIC_UNION.finditer(text, lo, hi):
        rest = text[m.end():hi]
        if rest.endswith("的") and len(rest) <= 6 and not re.search(r"[，。；,;]", rest):
            continue
        return True
    return False


def _in_speech(text: str, pos: int, lo: int) -> bool:
    """Whether ``pos`` is inside an open quotation that began at or before the sentence start ``lo``
    or that is longer than a name (more than 30 characters so far)."""
    opened = text.rfind("“", 0, pos)
    if opened < 0 or text.rfind("”", opened, pos) >= 0:
        return False
    return opened <= lo + 1 or pos - opened > 30


def _launchers(doc: Doc, init: Mention, spans, para, unions: list[Mention], state: dict) -> tuple[list[Mention], str, float]:
    text = doc.text
    idx = _sentence_of(spans, init.start)
    if idx is None:
        return [], "", 0.0
    s, e = spans[idx]
    in_sentence = [u for u in unions if s <= u.start < e]
    hosts = _hosts(text, in_sentence, s, e)
    if hosts:
        return hosts, RULE_HOST, _CONFIDENCE[RULE_HOST]
    # An exhortation (要/应/必须 …, typical of speeches and directives) states no launch.
    if _MODAL.search(text, s, init.start):
        return [], "", 0.0
    before = [u for u in in_sentence if u.end <= init.start and not _is_object(text, u, s)]
    if before:
        anchor = max(before, key=lambda u: u.end)
        if _other_actor(doc, text, anchor.end, init.start, orgs=state.get("orgs")):
            state.setdefault("blocked", set()).add(id(init))
            return [], "", 0.0
        return _coordinated(text, in_sentence, anchor), RULE_SUBJECT, _CONFIDENCE[RULE_SUBJECT]
    # A company, bureau or community acting in the sentence blocks the union fallbacks.
    if _other_actor(doc, text, s, init.start, union_before=False, orgs=state.get("orgs")):
        state.setdefault("blocked", set()).add(id(init))
        return [], "", 0.0
    # A generic or plural union subject (各级工会, 基层工会, 两级工会) acts here: no single union to credit.
    if _generic_subject(text, s, init.start):
        return [], "", 0.0
    # Inside quoted speech the speaker's examples are no facts about the article's unions.
    if _in_speech(text, init.start, s):
        return [], "", 0.0
    # Zero anaphora: the last acting union earlier in the paragraph.
    earlier = [u for u in unions if u.end <= init.start and para[_sentence_of(spans, u.start) or 0] == para[idx]
               and not _is_object(text, u, spans[_sentence_of(spans, u.start) or 0][0])]
    if earlier:
        anchor = max(earlier, key=lambda u: u.end)
        si = _sentence_of(spans, anchor.start) or 0
        same = [u for u in unions if spans[si][0] <= u.start < spans[si][1]]
        return _coordinated(text, same, anchor), RULE_PARAGRAPH, _CONFIDENCE[RULE_PARAGRAPH]
    if state.get("main"):
        return [state["main"]], RULE_ARTICLE, _CONFIDENCE[RULE_ARTICLE]
    return [], "", 0.0


def _main_union(unions: list[Mention]) -> Mention | None:
    if not unions:
        return None
    counts = Counter(u.label for u in unions)
    best = max(counts.values())
    return next(u for u in sorted(unions, key=lambda m: m.start) if counts[u.label] == best)


@lru_cache(maxsize=1)
def markers() -> dict[str, tuple[str, ...]]:
    """Beneficiary-marker lexicon of kg/data/beneficiary-v1.tsv (pre, post, adverb, pronoun), longest first."""
    return {kind: longest_first(items) for kind, items in words(MARKERS_FILE).items()}


MAX_MARKER_GAP = 6
_GLUED_ADVERBS = "".join(_G["glued_adverb"])
# Coordination between group phrases, also over a closing "等(重点)群体" (面向A、B等群体和C).
_COUNT = r"(?:(?:[0-9０-９.]+|[一二三四五六七八九十百千万两几]+)[余多]?[万千百亿]?[余多]?[名位人户个批对]?)"
_GROUP_COORD = re.compile(r"(?:等(?:" + alternation(_G["collective_mod"]) + ")?(?:" + alternation(_G["collective"]) + ")?)?"
                          r"(?:[、和及与或]|" + alternation(_G["group_coord"]) + ")" + _COUNT + "?")
# After a list item: another item, the list's end, or the clause's end.
_LIST_ITEM_END = re.compile(r"(?:[、和及与或]|以及|等|代表|[，,；;。！？!?]|$)")


@lru_cache(maxsize=1)
def _pre_marker_hint() -> re.Pattern:
    """A pre marker, or a character a glued marker (已为) ends with: a marker word of a cut contains one."""
    return re.compile("|".join(map(re.escape, sorted(set(markers()["pre"]) | set("为向给"), key=len, reverse=True))))


@lru_cache(maxsize=1)
def _pre_markers() -> frozenset[str]:
    return frozenset(markers()["pre"])


def _pre_marked(text: str, g: Mention, s: int, skip: list[tuple[int, int]]) -> bool:
    """Whether a pre marker word stands before the group, at most MAX_MARKER_GAP modifier characters
    away (union and organisation names in between do not count: 向某市总工会干部职工宣讲)."""
    memo = _GROUP_TESTS.of(text)
    key = ("pre", g.start, s)
    last = memo.get(key, -1)
    if last == -1:
        last = memo[key] = _pre_marker_end(text, g, s)
    if last is None:
        return False
    gap = text[last:g.start]
    if _GAP_PUNCT.search(gap):
        return False
    inside = sum(min(e, g.start) - max(b, last) for b, e in skip if b < g.start and e > last)
    return len(gap) - inside <= MAX_MARKER_GAP


# What the marker tests find for a group (its offsets and its sentence's) are kept for the article at
# hand: ukg_decide asks about the same groups twice (its features, then ukg_mission's votes).
_GROUP_TESTS = TextMemo()


def _memo_test(name: str, test, text: str, g: Mention, s: int, e: int) -> bool:
    """``test(text, g, s, e)``, remembered per (group offsets, sentence) for the article at hand."""
    memo = _GROUP_TESTS.of(text)
    key = (name, g.start, g.end, s, e)
    found = memo.get(key)
    if found is None:
        found = memo[key] = bool(test(text, g, s, e))
    return found


def _pre_marker_end(text: str, g: Mention, s: int) -> int | None:
    """Where the last pre marker word before the group ends (see :func:`_pre_marked`), or None."""
    lo = max(s, g.start - 16)
    # The marker must follow the last gap punctuation before the group (else the gap holds it, below),
    # and no marker word holds such a mark: no hint after it, no marker.
    gap_start = lo
    for punct in _GAP_PUNCT.finditer(text, lo, g.start):
        gap_start = punct.end()
    if not _pre_marker_hint().search(text, gap_start, g.start):
        return None  # no word of the cut below could be a marker
    # Only the words after that mark are cut: jieba cuts the runs between such marks (none is in its
    # word-character class) each on its own, so they are the words the whole window would give there.
    pos = gap_start
    last = None
    pre = _pre_markers()
    for word in posseg.cut(text[gap_start:g.start]):
        # jieba glues an adverb to the preposition (已为, 特为): still the marker
        if word in pre or (len(word) == 2 and word[1] in "为向给" and word[0] in _GLUED_ADVERBS):
            last = pos + len(word)
            if word == "为" and FRAME_ROLE.match(text, pos) and "以" in _CLAUSE.split(text[max(lo, pos - 20):pos])[-1]:
                last = None  # 以A为补充、…: the 为 of a frame marks a role, not a beneficiary
        pos += len(word)
    return last


# "Y(群体)的维权服务": Y is whom the service is for; "参赛/参训 Y": Y takes part.
_SERVICE_OF = re.compile(r"(?:群体|人群)?的(?:合法)?(?:" + alternation(_G["service_of"]) + ")"
                         r"(?!" + alternation(_G["quality_noun"]) + ")")  # 职工的服务意识: their own quality
# "参加(过)…的 Y", "享受…的 Y": a 的-relative saying the group took part in or received something.
_PARTICIPANT_RELATIVE = re.compile(r"(?:" + alternation(_G["participation_verb"]) + r")(?:了|过)?[^，。；,;！？!?\n的]{0,12}的"
                                   r"(?:(?:[0-9０-９.]+|[一二三四五六七八九十百千万两几]+)[余多]?[万千百]?[余多]?[名位户个])?$")
_PARTICIPANT_PREFIX = _G["participant_prefix"]


def _post_marked(text: str, g: Mention, e: int) -> bool:
    """Whether a participation/receipt verb follows the group (adverbs and one character between allowed),
    the group is the possessor of a service (Y的维权服务) or named as a participant (参赛Y)."""
    if _SERVICE_OF.match(text, g.end, e) or text[g.start:g.end].startswith(_PARTICIPANT_PREFIX):
        return True
    if _PARTICIPANT_RELATIVE.search(text, max(0, g.start - 16), g.start):
        return True  # 参加活动的Y: a 的-relative of participation
    pos = g.end
    adverbs = markers()["adverb"]
    for _ in range(3):
        adv = next((a for a in adverbs if text.startswith(a, pos)), None) if text.startswith(adverbs, pos) else None
        if adv is None:
            break
        pos += len(adv)
    after = text[pos:min(e, pos + 5)]
    post = markers()["post"]
    if not (after.startswith(post) or after.startswith(post, 1)):
        return False  # (the loop below would find none)
    for w in post:
        for at in (0, 1):
            # a nominalised verb (入会率, 参与度) is no participation
            if after.startswith(w, at) and not after.startswith(_NOMINAL, at + len(w)):
                return True
    return False


_NOMINAL = _G["nominal_suffix"]


# A group followed by an outreach move and a service verb (…干部深入车间送服务, 律师走进企业宣讲), directly by
# 为/向/给 + whom it serves (劳模为职工宣讲), or by a verb of contributing (动员Y建功立业) is an agent, not served.
_AGENT_OUTREACH = re.compile(r"(?:" + alternation(_G["outreach_adverb"]) + ")*(?:(?:" + alternation(_G["outreach_move"]) + ")"
                             r"[^，。；,;！？!?\n]{0,10}?(?:" + alternation(_G["outreach_service"]) + ")"
                             r"|(?:为|向|给)(?![主止何此其期准宜例首0-9０-９一二三四五六七八九十百千万两几约近超])"
                             # mobilised to contribute (动员Y奋进/建功/投身…): the group acts
                             r"|(?:" + alternation(_G["contribute_verb"]) + "))")
# 为/向/给/替/帮 Y …上门义诊: Y is the object of a benefactive preposition, not the one who goes.
_BENEFACTIVE_BEFORE = re.compile(r"(?:" + alternation(_G["benefactive"]) + r")[^，。；,;！？!?\n"
                                 + "".join(_G["benefactive"]) + "]{0,6}$")
# "与Y进行(一对一)…辅导/结对帮扶": Y is the counterpart a helping service is given to (the subject is its helper).
_COUNTERPART_AFTER = re.compile(r"(?:" + alternation(_G["counterpart_verb"]) + r")?[^，。；,;！？!?\n]{0,6}?(?:"
                                + alternation(_G["counterpart_service"]) + ")")
_COUNTERPART_BEFORE = re.compile(r"[与同](?:(?:[0-9０-９.]+|[一二三四五六七八九十百千万两几]+)[余多]?[万千百]?[余多]?[名位户个])?$")

_HELPER_GAP = re.compile(r"[、和及，,0-9一二三四五六七八九十百千万余多名位个\u4e00-\u9fff]{0,16}?[与同]")


def _is_agent(text: str, g: Mention, s: int, e: int) -> bool:
    """Whether the group of the sentence [s, e) delivers a service (see _AGENT_OUTREACH)."""
    return bool(_AGENT_OUTREACH.match(text, g.end, e)) and not _BENEFACTIVE_BEFORE.search(text, max(s, g.start - 8), g.start)


def _post_marked_in(text: str, g: Mention, s: int, e: int) -> bool:
    return _post_marked(text, g, e)


def _counterpart(text: str, g: Mention, s: int, e: int) -> bool:
    """Whether the group is the counterpart of a helping service (劳模与困难职工结对帮扶, 专家同种植户进行技术辅导)."""
    return (bool(_COUNTERPART_BEFORE.search(text, max(s, g.start - 10), g.start))
            and bool(_COUNTERPART_AFTER.match(text, g.end, e)))


def _marked_groups(text: str, groups: list[Mention], inits: list[Mention], s: int, e: int,
                   skip: list[tuple[int, int]] | None = None) -> list[tuple[Mention, int]]:
    """Groups of the sentence [s, e) that an initiative serves: (group mention, position of the marking).

    A group is marked by a pre marker before it (为/向/面向/慰问 Y …) or a participation verb after it
    (Y 参加/享受/有了 …); a pronoun after a pre marker (为他们…) marks the paragraph's last group, at the
    pronoun.  Groups coordinated with a marked one (A、B和C; A和B，C等群体) are marked too.
    """
    # Only the sentence's groups can be marked, coordinated or helpers: the others are left out first
    # (the article's groups were filtered once per sentence).
    groups = [g for g in groups if s <= g.start < e]
    # (only an initiative reaching into the sentence can hold one of its groups, and only the names
    # to skip that reach into it can stand between a marker and a group)
    inits = [i for i in inits if i.start < e and i.end >= s]
    skip = [(b, f) for b, f in skip or () if b < e and f > s]
    # ukg_decide asks about the sentences of an article twice (its features, then ukg_mission's votes):
    # the answer is kept for the same groups, initiatives and names to skip (the memo holds the
    # mentions, so their ids stay theirs)
    memo = _MARKED.of(text)
    key = (s, e, tuple(map(id, groups)), tuple(map(id, inits)), tuple(skip))
    found = memo.get(key)
    if found is None:
        found = memo[key] = (groups, inits, _sentence_marked_groups(text, groups, inits, s, e, skip))
    return list(found[2])


_MARKED = TextMemo()


def _sentence_marked_groups(text: str, groups: list[Mention], inits: list[Mention], s: int, e: int,
                            skip: list[tuple[int, int]]) -> list[tuple[Mention, int]]:
    """:func:`_marked_groups` of the sentence's groups, the initiatives and names to skip reaching into it."""
    out: list[tuple[Mention, int]] = []
    groups = [g for g in groups if not text.startswith(FACILITY_NOUNS, g.end)]  # 职工书屋: a facility, not a group
    # Agents deliver the service (组织工会干部深入车间送服务, 劳模为职工宣讲): never served, nor reached by coordination.
    groups = [g for g in groups if not (s <= g.start < e and _memo_test("agent", _is_agent, text, g, s, e))]
    counterparts = set()
    for g in groups:
        if not (s <= g.start < e) or any(i.start <= g.start and g.end <= i.end for i in inits):
            continue
        if _memo_test("counterpart", _counterpart, text, g, s, e):
            counterparts.add(id(g))
            out.append((g, g.start))
        elif _pre_marked(text, g, s, skip) or _memo_test("post", _post_marked_in, text, g, s, e):
            out.append((g, g.start))
    # The helpers listed before a counterpart's 与 (组织A、B与Y结对帮扶) are its agents.
    helpers = {id(g) for c, _p in out if id(c) in counterparts
               for g in groups if s <= g.start and g.end < c.start and _HELPER_GAP.fullmatch(text, g.end, c.start)}
    out = [(g, p) for g, p in out if id(g) not in helpers]
    # Coordinated groups: adjacent with a coordinator between, or a comma-separated list item
    # (a group that ends the list or the clause) after a marked one.
    changed = True
    while changed:
        changed = False
        marked = dict((id(o), p) for o, p in out)
        for g in groups:
            if id(g) in marked or id(g) in helpers or not (s <= g.start < e) or any(i.start <= g.start and g.end <= i.end for i in inits):
                continue
            for o, o_pos in out:
                if id(o) in counterparts and g.end <= o.start:
                    continue  # 让A、B与Y结对帮扶: the groups before 与 are the helpers
                before, after = text[o.end:g.start], text[g.end:o.start]
                # "A、B等C(群体)": the listed groups and the group summing them up
                if (_GROUP_COORD.fullmatch(before) or _GROUP_COORD.fullmatch(after) or before == "等" or after == "等"
                        or (re.fullmatch(r"[，,](?:[^，。；,;]{0,8}的)?", before) and _LIST_ITEM_END.match(text, g.end)
                            and _LIST_ITEM_END.match(text, o.end))):
                    out.append((g, o_pos))  # a list item belongs to the clause its list started in
                    changed = True
                    break
    return out


@lru_cache(maxsize=1)
def _pronoun_marker() -> re.Pattern:
    pre = "|".join(map(re.escape, markers()["pre"]))
    pron = "|".join(map(re.escape, markers()["pronoun"]))
    return re.compile(rf"(?:{pre})(?:{pron})")


def _pronoun_marked(text: str, groups: list[Mention], s: int, e: int, lo: int) -> list[tuple[Mention, int]]:
    """为他们/向她们/为其 … in [s, e): the last group mention before it from ``lo`` on (its paragraph)."""
    out = []
    for m in _pronoun_marker().finditer(text[s:e]):
        pos = s + m.start()
        earlier = [g for g in groups if lo <= g.start and g.end <= pos]
        if earlier:
            out.append((max(earlier, key=lambda g: g.end), pos))
    return out


# Inside a name, a group followed by an outreach verb is its agent (工会干部联系企业“接待日”制度,
# 千名工会干部进企业), and a group followed by a team noun is its membership (志愿者服务队): neither is served.
_AGENT_AFTER = re.compile(r"(?:" + alternation(_G["agent_after"]) + ")")


# A name whose head is a place or facility (职工之家, 劳模创新工作室, 女职工疗休养基地) is a type name: the group in
# it says what kind of place it is, not whom this one serves (that needs a statement of its own: 让Y有了…).
_FACILITY_HEADS = FACILITY_NOUNS + _G["facility_head"]


def _served_in_name(text: str, group: Mention, init: Mention) -> bool:
    """Whether a group inside an initiative's name is one it serves (关爱货车司机行动), not its agent or
    team, and the name is not a facility's (职工书屋, 劳模创新工作室)."""
    if text[init.start:init.end].rstrip("”’」』》").endswith(_FACILITY_HEADS):
        return False
    return not _AGENT_AFTER.match(text, group.end, init.end)


_CLAUSE = re.compile(r"[，；：,;:]")
_COORD_GAP = re.compile(r"^(?:[、和及与或]|以及|等)?$")


_CLAUSE_OR_SENTENCE_END = re.compile(r"[，；：,;:。！？!?\n]")


@lru_cache(maxsize=2)
def _clause_ends(text: str) -> tuple[int, ...]:
    """Positions of the marks that end a clause or a sentence (_clause asks for many positions of one text)."""
    return tuple(m.start() for m in _CLAUSE_OR_SENTENCE_END.finditer(text))


def _clause(text: str, pos: int) -> tuple[int, int]:
    """The comma-delimited clause around ``pos`` (quotes do not end it)."""
    ends = _clause_ends(text)
    i = bisect_left(ends, pos)
    return (ends[i - 1] + 1 if i else 0), (ends[i] if i < len(ends) else len(text))


# A background clause: a premise (基于/鉴于/随着 X …) or a setting frame (在 X 中/期间/之际).
_BACKGROUND = re.compile(r"\s*(?:" + alternation(_G["premise"]) + r")|\s*在[^，；,;]*(?:" + alternation(_G["frame_end"]) + r")\s*$")
# A clause opening a new coordinated predication ends the scope of a fronted target clause.
_NEW_PREDICATION = re.compile(r"[，；,;]\s*(?:" + alternation(_G["new_predication"]) + ")")


def _assign(text: str, marked: list[tuple[Mention, int]], inits: list[Mention]) -> list[tuple[Mention, list[tuple[Mention, int]]]]:
    """Pair the initiatives of a sentence with its marked groups, clause by clause.

    An initiative takes the marked groups of its own comma-delimited clause; in a clause without any,
    it takes those of the nearest clause that has some (the following one on a tie: "开展A，为B提供…").
    So a group is not spread over initiatives that another group's clause stands between.
    """
    clauses = sorted({_clause(text, pos) for _g, pos in marked})
    init_clauses = {_clause(text, i.start) for i in inits}
    # A fronted target clause ("面向A、B等群体，开展X…") holds for every initiative after it in the sentence.
    scoped = [k for k in clauses if k not in init_clauses and _TARGET_CLAUSE.match(text, k[0])]
    # Parts listed after 包括/设有 … (提供X，包括A、B等) leave the groups of other clauses to the whole they list.
    listed = {id(i) for i in inits if _LISTING_OPENS.match(text, _clause(text, i.start)[0])}
    wholes = [i for i in inits if id(i) not in listed]
    out = []
    for init in inits:
        c = _clause(text, init.start)
        # an earlier marked clause cut off by a new predication (…，同时推进Z) is not near
        near = [k for k in clauses if not (k[1] <= c[0] and _NEW_PREDICATION.search(text, k[1], c[0] + 6))]
        if c in clauses:
            best = c
        elif _BACKGROUND.match(text[c[0]:c[1]]):
            continue  # 基于X已开展9年, 在X中: the setting of what follows, not what serves its groups
        elif id(init) in listed and any(w.start < init.start for w in wholes):
            continue
        elif near:
            best = min(near, key=lambda k: (abs(k[0] - c[0]), -k[0]))
        else:
            continue
        # ... up to a clause opening a new predication (…，同时推动Z: Z is outside the 面向 scope)
        keep = {best} | {k for k in scoped if k[1] <= c[0] and not _NEW_PREDICATION.search(text, k[1], c[0] + 6)}
        if len(inits) == 1:
            # the only initiative of the sentence: the marked clauses after it continue its predication,
            # up to a clause opening a new one (…，同时/此外 …)
            stop = _NEW_PREDICATION.search(text, c[1], clauses[-1][1] + 6) if clauses else None
            keep |= {k for k in clauses if k[0] >= c[1] and (stop is None or stop.end() > k[0] + 6)}
        out.append((init, [(g, pos) for g, pos in marked if _clause(text, pos) in keep]))
    return out


# "此次培训活动重点面向…": a demonstrative noun phrase naming an initiative of the article again.
_DEMONSTRATIVE = re.compile(r"(?:" + alternation(_G["demonstrative"]) + r")(?P<mid>[\u4e00-\u9fff]{0,8}?)"
                            r"(?P<head>" + alternation(_G["demonstrative_head"]) + ")")


def _demonstrative_reference(text: str, s: int, e: int, inits: list[Mention]) -> Mention | None:
    """The earlier initiative a demonstrative phrase of the sentence [s, e) refers to: the latest one
    before the sentence that shares the phrase's words (疗休养) or, without words, its head (活动)."""
    for m in _DEMONSTRATIVE.finditer(text, s, e):
        mid, head = m.group("mid"), m.group("head")
        earlier = [i for i in inits if i.end <= s]
        fits = [i for i in earlier if (mid and mid in i.label) or (not mid and i.label.endswith(head))]
        if fits:
            return max(fits, key=lambda i: i.start)
    return None


# A clause listing the parts of something (包括A、B等活动).
_LISTING = re.compile(r"(?:" + alternation(_G["listing"]) + ")")
_LISTING_OPENS = re.compile(r"\s*(?:其中)?(?:主要)?" + _LISTING.pattern)
_TOPIC_DEMONSTRATIVE = re.compile(r"\s*(?:" + alternation(_G["topic_demonstrative"]) + ")")


def _topic_subject(text: str, s: int, e: int, inits: list[Mention]) -> Mention | None:
    """The earlier initiative that a demonstrative subject opening the sentence [s, e) names again
    (本届运动会…, 这个由…组建的服务队…): the latest one before the sentence whose name ends with a
    word (two characters or more) of the sentence's first clause after the demonstrative."""
    m = _TOPIC_DEMONSTRATIVE.match(text, s)
    if m is None:
        return None
    _lo, hi = _clause(text, m.end())
    first = text[m.end():min(hi, e)]
    best = None
    for i in inits:
        if i.end > s:
            continue
        name = i.label.strip("“”\"'《》")
        n = next((n for n in range(min(4, len(name)), 1, -1) if name[-n:] in first), 0)
        if n and (best is None or (n, i.start) > best[0]):
            best = ((n, i.start), i)
    return best[1] if best else None


# "…看望慰问Y。X活动由此/同时启动。": the next sentence says the event just told starts initiative X.
_THEREBY_STARTED = re.compile(r"(?:" + alternation(_G["thereby_adverb"]) + ")(?:" + alternation(_G["thereby_manner"]) + ")?(?:"
                              + alternation(_G["thereby_verb"]) + ")")


def _started_thereby(text: str, spans, para: list[int], idx: int, by_sentence: dict[int, list[Mention]]) -> list[Mention]:
    """Initiatives of the next sentence of the paragraph that it says start with the event of sentence ``idx``
    (X由此启动, X同时启动): those named before the inchoative verb."""
    nxt = idx + 1
    if nxt not in by_sentence or para[nxt] != para[idx]:
        return []
    s, e = spans[nxt]
    m = _THEREBY_STARTED.search(text, s, e)
    if m is None:
        return []
    return [i for i in by_sentence[nxt] if i.end <= m.start() and not _CLAUSE.search(text, i.end, m.start())]


_TARGET_CLAUSE = re.compile(r"\s*(?:" + alternation(_G["target_adverb"]) + ")*(?:" + alternation(_G["target_verb"]) + ")")


@Language.component("ukg_mission")
def ukg_mission(doc: Doc) -> Doc:
    """Add launched and benefited relations, then drop group mentions no initiative serves."""
    from kg.rules import add_relation

    text = doc.text
    spans = sentence_spans(text)
    para = _paragraph_ids(text, spans)
    unions = sorted((m for m in doc._.ukg_mentions if m.kind == UNION), key=lambda m: m.start)
    inits = sorted((m for m in doc._.ukg_mentions if m.kind == INITIATIVE), key=lambda m: m.start)
    groups = sorted((m for m in doc._.ukg_mentions if m.kind == GROUP), key=lambda m: m.start)
    state = {"main": _main_union(unions), "orgs": [m for m in doc._.ukg_mentions if m.kind == ORGANIZATION]}

    def relate(pred: str, subj: Mention, obj: Mention, pos: int, rule: str, conf: float) -> None:
        idx = _sentence_of(spans, pos)
        s, e = spans[idx] if idx is not None else (obj.start, obj.end)
        add_relation(doc, Relation(predicate=pred, subject=subj, object=obj, sentence_start=s, sentence_end=e,
                                   rule=rule, confidence=conf))

    for init in inits:
        actors, rule, conf = _launchers(doc, init, spans, para, unions, state)
        seen = set()
        for u in actors:
            if u.label in seen:
                continue
            seen.add(u.label)
            relate(LAUNCHED, u, init, init.start, rule, conf)

    # An initiative some other organisation runs is none of the unions' (guideline: no union involved).
    blocked = state.get("blocked", set())
    if blocked:
        inits = [i for i in inits if id(i) not in blocked]
        doc._.ukg_mentions = [m for m in doc._.ukg_mentions if id(m) not in blocked]

    group_starts = [g.start for g in groups]  # groups are sorted by start
    for init in inits:
        # (only the groups starting inside the name can lie inside it)
        for g in groups[bisect_left(group_starts, init.start):bisect_left(group_starts, init.end)]:
            if g.end <= init.end and _served_in_name(text, g, init):
                relate(BENEFITED, init, g, init.start, RULE_IN_NAME, _CONFIDENCE[RULE_IN_NAME])

    by_sentence: dict[int, list[Mention]] = {}
    for init in inits:
        idx = _sentence_of(spans, init.start)
        if idx is not None:
            by_sentence.setdefault(idx, []).append(init)
    skip = [(m.start, m.end) for m in doc._.ukg_mentions if m.kind in (UNION, ORGANIZATION)]
    # The headline's initiatives are the article's topic: a sentence that serves groups without naming an
    # initiative of its own (nor referring to one) reports on the topic initiative.
    headline = doc._.ukg_article.headline if doc._.ukg_article is not None else ""
    topic_end = len(headline) if headline and text.startswith(to_simplified(headline)) else 0
    topic = [i for i in inits if i.end <= topic_end]
    pronouns = _pronoun_marker().search(text) is not None  # (none in the text: none in a sentence)
    para_first: dict[int, int] = {}  # paragraph → its first sentence
    for idx, pid in enumerate(para):
        para_first.setdefault(pid, idx)
    for idx, (s, e) in enumerate(spans):
        para_start = spans[para_first[para[idx]]][0]
        # (the groups of the sentence only: _marked_groups leaves out the others first)
        in_sentence = groups[bisect_left(group_starts, s):bisect_left(group_starts, e)]
        marked = [(g, pos, RULE_MARKER, _CONFIDENCE[RULE_MARKER]) for g, pos in _marked_groups(text, in_sentence, inits, s, e, skip)] \
            if in_sentence else []
        if pronouns:
            marked += [(g, pos, RULE_PRONOUN, _CONFIDENCE[RULE_PRONOUN]) for g, pos in _pronoun_marked(text, groups, s, e, para_start)]
        if not marked:
            continue
        rule_of = {(id(g), pos): (rule, conf) for g, pos, rule, conf in marked}
        pairs = [(g, pos) for g, pos, _r, _c in marked]
        if idx in by_sentence and (ref := _topic_subject(text, s, e, inits)) is not None:
            # The sentence's topic is an earlier initiative (本届运动会包括A、B等项目，为职工提供…): the
            # subjectless clauses continue the topic, not the parts it lists; groups no initiative of the
            # sentence takes (…，为职工提供…，也推动了Z) are the topic's too.
            own = {_clause(text, i.start) for i in by_sentence[idx]}
            parts = [i for i in by_sentence[idx] if _LISTING.search(text, _clause(text, i.start)[0], i.start)]
            to_topic = [(g, pos) for g, pos in pairs if parts and _clause(text, pos) not in own]
            rest = [p for p in pairs if p not in to_topic]
            taken = set()
            for init, gs in _assign(text, rest, by_sentence[idx]) if rest else ():
                for g, pos in gs:
                    taken.add((id(g), pos))
                    relate(BENEFITED, init, g, pos, *rule_of[(id(g), pos)])
            for g, pos in to_topic + [p for p in rest if (id(p[0]), p[1]) not in taken]:
                relate(BENEFITED, ref, g, pos, RULE_TOPIC_SUBJECT, _CONFIDENCE[RULE_TOPIC_SUBJECT])
        elif idx in by_sentence:
            for init, gs in _assign(text, pairs, by_sentence[idx]):
                for g, pos in gs:
                    relate(BENEFITED, init, g, pos, *rule_of[(id(g), pos)])
        elif (ref := _demonstrative_reference(text, s, e, inits) or _topic_subject(text, s, e, inits)) is not None:
            for g, pos in pairs:
                relate(BENEFITED, ref, g, pos, RULE_DEMONSTRATIVE, _CONFIDENCE[RULE_DEMONSTRATIVE])
        elif nxt := _started_thereby(text, spans, para, idx, by_sentence):
            for init in nxt:
                for g, pos in pairs:
                    relate(BENEFITED, init, g, pos, RULE_STARTED_THEREBY, _CONFIDENCE[RULE_STARTED_THEREBY])
        elif idx > 0 and idx - 1 in by_sentence and para[idx - 1] == para[idx]:
            for init in by_sentence[idx - 1]:
                for g, pos in pairs:
                    relate(BENEFITED, init, g, pos, RULE_PREVIOUS, _CONFIDENCE[RULE_PREVIOUS])
        elif topic and s >= topic_end:
            for init in topic:
                for g, pos in pairs:
                    relate(BENEFITED, init, g, pos, RULE_TOPIC, _CONFIDENCE[RULE_TOPIC])

    # Only a benefited relation makes a group a beneficiary (a head-count of 货运从业人员 does not);
    # relations of the dropped group mentions (a quantity measuring them) go with them.
    served = {id(r.object) for r in doc._.ukg_relations if r.predicate == BENEFITED}
    dropped = {id(m) for m in doc._.ukg_mentions if m.kind == GROUP and id(m) not in served}
    doc._.ukg_mentions = [m for m in doc._.ukg_mentions if id(m) not in dropped]
    doc._.ukg_relations = [r for r in doc._.ukg_relations if id(r.subject) not in dropped and id(r.object) not in dropped]
    _unify_group_labels(doc)
    return doc


def _unify_group_labels(doc: Doc) -> None:
    """Both forms of an abbreviated group (劳模/劳动模范) take the form of the first one a marker introduces."""
    groups = [m for m in doc._.ukg_mentions if m.kind == GROUP]
    marked = sorted((r.object for r in doc._.ukg_relations if r.predicate == BENEFITED and r.rule != RULE_IN_NAME),
                    key=lambda m: m.start)
    relabel = unify_abbreviations([m.label for m in groups], first_served=[m.label for m in marked])
    if not relabel:
        return
    new = {id(m): replace(m, label=relabel[m.label]) for m in groups if m.label in relabel}
    doc._.ukg_mentions = [new.get(id(m), m) for m in doc._.ukg_mentions]
    kept: dict[tuple, Relation] = {}
    for r in doc._.ukg_relations:
        if id(r.subject) in new or id(r.object) in new:
            r = replace(r, subject=new.get(id(r.subject), r.subject), object=new.get(id(r.object), r.object))
        key = (r.predicate, r.subject.key, r.object.key, r.sentence_start)
        if key not in kept or r.confidence > kept[key].confidence:  # two forms stated in one sentence: one fact
            kept[key] = r
    doc._.ukg_relations = list(kept.values())
