"""Rule component ukg_mission: launched (UnionBody → Initiative) and benefited (Initiative → BeneficiaryGroup).

launched, by the first rule that finds an actor for an initiative:

- ``launched.host/v1``: "由 X(、Y) 主办/承办" and "X、Y 承办" in the sentence;
- ``launched.subject/v1``: the nearest union before the initiative in its sentence that is not an
  object (向/对/给/为 X), with the unions coordinated with it (X 联合/会同/与/、 Y);
- ``launched.paragraph/v1``: zero anaphora — the last acting union earlier in the paragraph;
- ``launched.article/v1``: the article's main union (most mentioned), lower confidence.

benefited:

- ``benefited.in_name/v1``: a group inside the initiative's own name (关爱货车司机活动 → 货车司机);
- ``benefited.marker/v1``: a group introduced by 为/向/面向/针对/惠及/慰问 … or followed by
  参加/参与/享受 in a sentence with initiatives (each of them);
- ``benefited.previous/v1``: such a group in a sentence without initiatives, for the initiatives of the
  previous sentence of the paragraph.

Group mentions that no initiative serves are dropped (the guideline counts only served groups).

Example:
    >>> from kg.records import Article, Mention, UNION
    >>> from kg.nlp import make_nlp, make_doc
    >>> nlp = make_nlp()
    >>> text = "市总工会为环卫工人开展“夏送清凉”活动。"
    >>> doc = make_doc(nlp, Article(id="x#0", source_file="x", position=0, text=text))
    >>> doc._.mentions.append(Mention(kind=UNION, text="市总工会", start=0, end=4, label="某市总工会", rule="t"))
    >>> for name in ("ukg_groups", "ukg_initiatives", "ukg_mission"):
    ...     doc = nlp.get_pipe(name)(doc)
    >>> sorted((r.predicate, r.subject.label, r.object.label) for r in doc._.relations)
    [('benefited', '“夏送清凉”活动', '环卫工人'), ('launched', '某市总工会', '“夏送清凉”活动')]
"""

from __future__ import annotations

import re
from collections import Counter

from spacy.language import Language
from spacy.tokens import Doc

from kg.records import BENEFITED, GROUP, INITIATIVE, LAUNCHED, UNION, Mention, Relation
from kg.rules.initiatives import triggers
from kg.text import sentence_spans

RULE_HOST = "launched.host/v1"
RULE_SUBJECT = "launched.subject/v1"
RULE_PARAGRAPH = "launched.paragraph/v1"
RULE_ARTICLE = "launched.article/v1"
RULE_IN_NAME = "benefited.in_name/v2"
RULE_MARKER = "benefited.marker/v1"
RULE_PREVIOUS = "benefited.previous/v1"

_ADVERBS = r"(?:将|还|也|已|共同|一起|积极|主动|分别|同时|近日|日前)*"
_GAP_PUNCT = re.compile(r"[，。；！？：,;!?:\n“”《》]")


def _paragraph_ids(text: str, spans: list[tuple[int, int]]) -> list[int]:
    ids, pid = [], 0
    for i, (s, _e) in enumerate(spans):
        if i and "\n" in text[spans[i - 1][1]:s]:
            pid += 1
        ids.append(pid)
    return ids


def _sentence_of(spans: list[tuple[int, int]], pos: int) -> int | None:
    for i, (s, e) in enumerate(spans):
        if s <= pos < e:
            return i
    return None


def _is_object(text: str, union: Mention, lo: int) -> bool:
    before = text[max(lo, union.start - 3):union.start]
    return any(before.endswith(w) for w in triggers()["object_marker"])


def _coordinated(text: str, unions: list[Mention], anchor: Mention) -> list[Mention]:
    """The anchor union and the unions chained to it by 联合/会同/与/和/、 (both directions)."""
    coord = "|".join(map(re.escape, triggers()["coord"]))
    gap = re.compile(r"^\s*" + _ADVERBS + r"(?:" + coord + r")\s*$")
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
    host = "|".join(map(re.escape, triggers()["host"]))
    out = []
    for u in unions:
        after = text[u.end:min(end, u.end + 4)]
        if re.match(r"\s*(?:共同|联合)?(?:" + host + ")", after):
            out.extend(_coordinated(text, unions, u))
    return out


# Non-union actors: an organisation mention, or a generic noun of a company, bureau, hospital, community …
_ACTOR_NOUN = re.compile(r"(?:公司|企业|集团|银行|医院|学校|局|厅|委|政府|部门|社区|村|旅行社|总社|经理|负责人|单位)")


def _other_actor(doc: Doc, text: str, lo: int, hi: int, *, union_before: bool = True) -> bool:
    """Whether a non-union subject acts in [lo, hi): it is followed by a launch verb in its clause
    and is not itself an object (向/为/联合/协助 X; also 与/和 X after a union subject, where X is
    the union's partner, while without a union "A 与 B 签订" makes both actors)."""
    verbs = set(triggers()["launch"]) | set(triggers()["host"]) | set(triggers()["issue"])
    launch = "|".join(map(re.escape, sorted(verbs, key=len, reverse=True)))
    verb_after = re.compile(r"(?:" + _ADVERBS + r"|[都均又再先后相继率先全部每年今年经常]|已经|主动)*(?:" + launch + ")")
    ends = [m.end for m in doc._.mentions if m.kind == "Organization" and lo <= m.start and m.end <= hi]
    ends += [m.end() for m in _ACTOR_NOUN.finditer(text, lo, hi)]
    coord = tuple(w for w in triggers()["coord"] if union_before or w not in ("与", "和", "同", "及", "、"))
    objecty = tuple(triggers()["object_marker"]) + coord + ("帮助", "协调", "依托", "通过")
    for end in ends:
        if not verb_after.match(text, end, hi):
            continue
        head = text[max(lo, end - 14):end]
        cut = max(head.rfind(c) for c in "，。；,;:：") + 1
        if any(w in head[cut:] for w in objecty if len(w) > 1 or w in "向为与对给"):
            continue
        return True
    return False


def _launchers(doc: Doc, init: Mention, spans, para, unions: list[Mention], state: dict) -> tuple[list[Mention], str, float]:
    text = doc.text
    idx = _sentence_of(spans, init.start)
    if idx is None:
        return [], "", 0.0
    s, e = spans[idx]
    in_sentence = [u for u in unions if s <= u.start < e]
    hosts = _hosts(text, in_sentence, s, e)
    if hosts:
        return hosts, RULE_HOST, 0.85
    before = [u for u in in_sentence if u.end <= init.start and not _is_object(text, u, s)]
    if before:
        anchor = max(before, key=lambda u: u.end)
        if _other_actor(doc, text, anchor.end, init.start):
            state.setdefault("blocked", set()).add(id(init))
            return [], "", 0.0
        return _coordinated(text, in_sentence, anchor), RULE_SUBJECT, 0.8
    # A company, bureau or community acting in the sentence blocks the union fallbacks.
    if _other_actor(doc, text, s, init.start, union_before=False):
        state.setdefault("blocked", set()).add(id(init))
        return [], "", 0.0
    # Zero anaphora: the last acting union earlier in the paragraph.
    earlier = [u for u in unions if u.end <= init.start and para[_sentence_of(spans, u.start) or 0] == para[idx]
               and not _is_object(text, u, spans[_sentence_of(spans, u.start) or 0][0])]
    if earlier:
        anchor = max(earlier, key=lambda u: u.end)
        si = _sentence_of(spans, anchor.start) or 0
        same = [u for u in unions if spans[si][0] <= u.start < spans[si][1]]
        return _coordinated(text, same, anchor), RULE_PARAGRAPH, 0.65
    if state.get("main"):
        return [state["main"]], RULE_ARTICLE, 0.45
    return [], "", 0.0


def _main_union(unions: list[Mention]) -> Mention | None:
    if not unions:
        return None
    counts = Counter(u.label for u in unions)
    best = max(counts.values())
    return next(u for u in sorted(unions, key=lambda m: m.start) if counts[u.label] == best)


def _marked_groups(text: str, groups: list[Mention], inits: list[Mention], s: int, e: int) -> list[Mention]:
    """Groups of the sentence [s, e) introduced by a benefit marker or followed by a participation verb."""
    pre = triggers()["benefit_pre"]
    post = triggers()["benefit_post"]
    out = []
    for g in groups:
        if not (s <= g.start < e) or any(i.start <= g.start and g.end <= i.end for i in inits):
            continue
        window = text[max(s, g.start - 10):g.start]
        marked = False
        for w in pre:
            at = window.rfind(w)
            if at >= 0 and not _GAP_PUNCT.search(window[at + len(w):]) and len(window) - at - len(w) <= 6:
                marked = True
                break
        after = text[g.end:min(e, g.end + 4)]
        if marked or any(after.startswith(w) or after[1:].startswith(w) for w in post):
            out.append(g)
    # Groups coordinated with a marked one (为A、B和C) are marked too.
    changed = True
    while changed:
        changed = False
        for g in groups:
            if g in out or not (s <= g.start < e):
                continue
            if any(re.fullmatch(r"[、和及与或]|以及|及其", text[o.end:g.start]) or re.fullmatch(r"[、和及与或]|以及", text[g.end:o.start])
                   for o in out):
                out.append(g)
                changed = True
    return out


# Inside a name, a group followed by an outreach verb is its agent (工会干部联系基层“活动日”制度,
# 千名工会干部进企业), and a group followed by a team noun is its membership (志愿者服务队): neither is served.
_AGENT_AFTER = re.compile(r"(?:联系|联络|走进|进|深入|下沉|下基层|结对|包联|包保|挂钩|蹲点|志愿|宣讲|"
                          r"队伍|团队|服务队|志愿队|突击队|小分队|宣讲团|讲师团|工作组|小组)")


def _served_in_name(text: str, group: Mention, init: Mention) -> bool:
    """Whether a group inside an initiative's name is one it serves (关爱货车司机行动), not its agent or team."""
    return not _AGENT_AFTER.match(text, group.end, init.end)


_CLAUSE = re.compile(r"[，；：,;:]")
_COORD_GAP = re.compile(r"^(?:[、和及与或]|以及|等)?$")


def _clause(text: str, pos: int) -> tuple[int, int]:
    """The comma-delimited clause around ``pos`` (quotes do not end it)."""
    lo = pos
    while lo > 0 and not (_CLAUSE.match(text[lo - 1]) or text[lo - 1] in "。！？!?\n"):
        lo -= 1
    hi = pos
    while hi < len(text) and not (_CLAUSE.match(text[hi]) or text[hi] in "。！？!?\n"):
        hi += 1
    return lo, hi


def _assign(text: str, marked: list[Mention], inits: list[Mention]) -> list[tuple[Mention, list[Mention]]]:
    """Pair the initiatives of a sentence with its marked groups, clause by clause.

    An initiative takes the marked groups of its own comma-delimited clause; in a clause without any,
    it takes those of the nearest clause that has some (the following one on a tie: "开展A，为B提供…").
    So a group is not spread over initiatives that another group's clause stands between.
    """
    clauses = sorted({_clause(text, g.start) for g in marked})
    out = []
    for init in inits:
        c = _clause(text, init.start)
        if c in clauses:
            best = c
        else:
            best = min(clauses, key=lambda k: (abs(k[0] - c[0]), -k[0]))
        out.append((init, [g for g in marked if _clause(text, g.start) == best]))
    return out


@Language.component("ukg_mission")
def ukg_mission(doc: Doc) -> Doc:
    """Add launched and benefited relations, then drop group mentions no initiative serves."""
    from kg.nlp import add_relation  # kg.nlp imports this module

    text = doc.text
    spans = sentence_spans(text)
    para = _paragraph_ids(text, spans)
    unions = sorted((m for m in doc._.mentions if m.kind == UNION), key=lambda m: m.start)
    inits = sorted((m for m in doc._.mentions if m.kind == INITIATIVE), key=lambda m: m.start)
    groups = sorted((m for m in doc._.mentions if m.kind == GROUP), key=lambda m: m.start)
    state = {"main": _main_union(unions)}

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
        doc._.mentions = [m for m in doc._.mentions if id(m) not in blocked]

    for init in inits:
        for g in groups:
            if init.start <= g.start and g.end <= init.end and _served_in_name(text, g, init):
                relate(BENEFITED, init, g, init.start, RULE_IN_NAME, 0.7)

    by_sentence: dict[int, list[Mention]] = {}
    for init in inits:
        idx = _sentence_of(spans, init.start)
        if idx is not None:
            by_sentence.setdefault(idx, []).append(init)
    for idx, (s, e) in enumerate(spans):
        marked = _marked_groups(text, groups, inits, s, e)
        if not marked:
            continue
        if idx in by_sentence:
            for init, gs in _assign(text, marked, by_sentence[idx]):
                for g in gs:
                    relate(BENEFITED, init, g, g.start, RULE_MARKER, 0.6)
        elif idx > 0 and idx - 1 in by_sentence and para[idx - 1] == para[idx]:
            for init in by_sentence[idx - 1]:
                for g in marked:
                    relate(BENEFITED, init, g, g.start, RULE_PREVIOUS, 0.45)

    served = {id(r.object) for r in doc._.relations} | {id(r.subject) for r in doc._.relations}
    doc._.mentions = [m for m in doc._.mentions if m.kind != GROUP or id(m) in served]
    return doc
