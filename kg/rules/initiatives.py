"""Rule component ukg_initiatives: activities, programmes, mechanisms, platforms, funds, documents.

Rule families (ids end up in Mention.rule):

- ``initiative.quoted/v3``: a quoted name followed by a head noun (“五好”工会创建活动), not when a verb
  stands between them or the quote is a manner adjective (“保姆式”服务);
- ``initiative.quoted_list/v1``: quoted names listed before 等/两项 + head (“甲”“乙”等活动);
- ``initiative.document/v1``: a policy document in 《》 (《……办法》) that is issued, not cited;
- ``initiative.issued/v1``: the object of an issuing verb (印发/签署/发布 …) ending in a document head
  (协议, 规划, 办法 …), a period in front kept (2024~2026年…协议);
- ``initiative.launch_object/v4``: the object of a launch verb (开展/建立/推出 …) ending in a head
  noun or a quoted name, split over coordination (A、B和C) unless the head is shared (A与B办法);
  not in purpose adjuncts (为了…, 为+verb) nor after 通过 + verb; an ellipsis (……) ends the object (v4);
- ``initiative.subject_np/v1``: the short subject of an inchoative verb (…活动正式启动, …中心挂牌);
- ``initiative.head_np/v2``: a noun phrase ending in a distinctive head (职工微课堂) where a union acts;
- ``initiative.service/v1``: service nouns (法律援助, 疗休养 …) in a sentence where a union acts;
- ``initiative.numbered_slogan/v1``: a service named by a quoted numbered slogan after its modifier
  (爱心服务“一条龙”, 服务会员“三个一”): the modifier runs from the clause's start after its verb and counts,
  and holds a service word or a group (kg/data/initiatives-v1.tsv slogan_mod); a bare slogan after a
  verb (增强“四个意识”) names no service.

- ``initiative.repeated/v1``: another occurrence in the article of a name found once (five characters or
  more, as written), where no trigger stands (在X活动现场 …); not a field named after it (在X方面).

Names are cleaned of counts, dates, verbs and 的-modifiers; within an article a short form takes
the full name it abbreviates (疗休养 → 职工疗休养活动).  A name in the frame "以 X 为 <role>" (以A为龙头、
以B为支撑…的网络; 以X试点为契机) is the role X plays in something else, not an initiative launched (v3 of the
quoted and launch_object rules).

Initiatives are only looked for in articles that mention a union body: a
government programme reported without a union is no initiative.

The words are data (read through kg.lexicon): the nouns of names in kg/data/initiatives-v1.tsv, the trigger
verbs in kg/data/triggers-v1.tsv, the grammar's function words in kg/data/initiative-grammar-v1.tsv; rule ids
and confidences come from the rule registry (kg/data/rules-v1.tsv).

Example:
    >>> [t for _s, _e, t, _r, _c in find_initiatives("市总工会开展“夏送清凉”活动和困难职工帮扶工作。")]
    ['“夏送清凉”活动', '困难职工帮扶工作']
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from kg.zh import posseg
from kg.lexicon import alternation, entries, longest_first, words
from kg.records import INITIATIVE, ORGANIZATION, PLACE, UNION, Mention
from kg.rules.registry import confidence, rule_id
from kg.zh.text import TextMemo, finditer_at, sentence_spans

# The data files in kg/data (read through kg.lexicon): the initiative nouns, the trigger verbs and the
# function words of the grammar.
LEXICON_FILE = "initiatives-v1.tsv"
TRIGGERS_FILE = "triggers-v1.tsv"
GRAMMAR_FILE = "initiative-grammar-v1.tsv"
_G = words(GRAMMAR_FILE)

RULE_QUOTED = rule_id("initiative.quoted")
RULE_QUOTED_LIST = rule_id("initiative.quoted_list")
RULE_DOCUMENT = rule_id("initiative.document")
RULE_LAUNCH = rule_id("initiative.launch_object")
RULE_SERVICE = rule_id("initiative.service")
RULE_HEAD_NP = rule_id("initiative.head_np")
RULE_ISSUED = rule_id("initiative.issued")
RULE_SUBJECT_NP = rule_id("initiative.subject_np")
RULE_SLOGAN = rule_id("initiative.numbered_slogan")
RULE_REPEATED = rule_id("initiative.repeated")

_PRIORITY = {RULE_SLOGAN: 4, RULE_DOCUMENT: 5, RULE_ISSUED: 5, RULE_SUBJECT_NP: 3, RULE_QUOTED: 4, RULE_QUOTED_LIST: 4, RULE_LAUNCH: 3, RULE_SERVICE: 2, RULE_HEAD_NP: 1}
# Confidences (kg/data/rules-v1.tsv) follow the precision measured per rule on the development pages
# (kg eval, seeds), shrunk towards 0.6 where a rule fired only a few times.
_CONFIDENCE = {r: confidence(r) for r in (RULE_REPEATED, RULE_SLOGAN, RULE_DOCUMENT, RULE_ISSUED, RULE_SUBJECT_NP,
                                          RULE_QUOTED, RULE_QUOTED_LIST, RULE_LAUNCH, RULE_SERVICE, RULE_HEAD_NP)}
_NP_STOP = set("的在了和与及或是为对把将被向从以让使等、，。；：！？,.;:!? \n“”‘’《》()（）")

OPEN_Q = "“‘「『"
CLOSE_Q = "”’」』"
_CJK = r"[\u4e00-\u9fff]"
_QUOTE = re.compile(r"[“‘「『][^“”‘’「」『』\n]{1,30}[”’」』]")
_DOC = re.compile(r"《([^《》\n]{3,60})》")
_DOC_HEADS = _G["doc_head"]
_CITE = _G["cite"]
# Ends the object of a launch verb (outside quotes).
_CLAUSE_END = re.compile(r"[，。；！？：,;!?:\n…]|\.{2,}|" + alternation(_G["clause_end"]))
_CUT_BEFORE = re.compile("(?:" + "|".join(re.escape(word) + (f"(?!{'|'.join(after.split())})" if after else "")
                                          for word, *rest in entries(GRAMMAR_FILE, "cut_before")
                                          for after in [rest[0] if rest else ""])
                         + ")(?=" + _CJK + ")")
_LEAD_STRIP = re.compile(
    r"^(?:" + alternation(_G["lead_particle"]) + "|"
    r"\d{4}\s*[~～\-—至到]\s*\d{4}\s*年度?|\d{4}年度?|" + alternation(_G["lead_time"]) + "|"
    r"第[一二三四五六七八九十\d]{1,3}[期届季批轮次]|首[期届批个家]|"
    + alternation(_G["lead_scope"]) + "|"
    + alternation(_G["lead_total"]) + "|"
    r"(?:\d+(?:\.\d+)?|[一二三四五六七八九十两百千几多]+)[余多]?[大]?[个项次场家支批类种期届条座所间件]|"
    + alternation(_G["lead_determiner"]) + ")+"
)
_COUNT_INSIDE = re.compile(r"(?:\d+(?:\.\d+)?|[一二三四五六七八九十两百千几]+)[余多]?[大]?[个项次场家支批类种名位户](?=" + _CJK + "|[“‘「《])")
# A count of occurrences, participants or sites after a name (活动150余场次, 服务站30个); a count of
# separate items (制度100多项) makes the phrase a plural kind, not one initiative.
_TRAILING_COUNT = re.compile(r"(?:共|达|近|超|逾|约)?(?:\d+(?:\.\d+)?|[一二三四五六七八九十两百千万几]+)[余多]?"
                             r"(?:万)?(?:场次|人次|次|场|期|届|轮|名|人|个|座|所|处|家)")
_PERIOD_BEFORE = re.compile(r"\d{4}\s*(?:[~～\-—至到]\s*\d{4}\s*)?年度?$")
# Heads of built things: "<thing>建设" is the building of it, the name is the thing.
_CONCRETE_HEADS = _G["concrete_head"]
# What may follow a name in its clause without being part of it (a particle, a localizer …).
_TRAILING_REST = re.compile(r"(?:" + alternation(_G["trailing_rest"]) + "|并" + _CJK + "{0,4})")
_TRAILING_COUNT_END = re.compile(_TRAILING_COUNT.pattern + "$")
_COUNTER_LAST = frozenset("次场期届轮名人个座所处家")  # the last characters of _TRAILING_COUNT's counters
_COUNT_START = re.compile(r"[\d一二三四五六七八九十两百千几]")  # where a match of _COUNT_INSIDE starts
_CLAUSE_VERB = re.compile(alternation(_G["clause_verb"]) + "|到(?=" + _CJK + ")")
# Governing verbs left in front of a name by a chained predicate (依托服务站, 完善协作机制).
_LEAD_VERB = re.compile(r"^(?:" + alternation(_G["lead_verb"]) + ")(?=" + _CJK + ")")
_TIME_PREFIX = re.compile(r"^(?:" + alternation(_G["time_prefix"]) + ")+")


@lru_cache(maxsize=2)
def load_lexicon(name: str = LEXICON_FILE) -> dict[str, tuple[str, ...]]:
    """A typed word list of kg/data (type → words, longest first, ties in file order).

    >>> load_lexicon()["generic"][-1]
    '证'
    """
    return {kind: longest_first(items) for kind, items in words(name).items()}


def triggers() -> dict[str, tuple[str, ...]]:
    """Trigger-verb lexicon of kg/data/triggers-v1.tsv."""
    return load_lexicon(TRIGGERS_FILE)


@lru_cache(maxsize=2)
def _word_patterns(kind: str) -> tuple[tuple[str, re.Pattern], ...]:
    """The words of one type of the lexicon with their patterns, in its order."""
    return tuple((word, re.compile(re.escape(word))) for word in load_lexicon().get(kind, ()))


@lru_cache(maxsize=1)
def _specific_heads_and_issue_only() -> tuple[tuple[str, ...], frozenset[str]]:
    """Heads that are not generic (and document heads); issuing verbs that are no launch verbs."""
    heads = load_lexicon()["head"]
    specific = tuple(h for h in heads if h not in load_lexicon()["generic"]) + _DOC_HEADS
    return specific, frozenset(set(triggers()["issue"]) - set(triggers()["launch"]))


@lru_cache(maxsize=1)
def _launch_re() -> re.Pattern:
    words = sorted(set(triggers()["launch"]) | set(triggers()["issue"]), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words)))


@lru_cache(maxsize=1)
def _strong_launch_re() -> re.Pattern:
    strong = [w for w in triggers()["launch"] if w not in _G["weak_launch"]]
    return re.compile("|".join(map(re.escape, sorted(strong, key=len, reverse=True))))


def _standalone(text: str, pos: int, width: int = 1) -> bool:
    """Whether text[pos:pos+width] is a word of its own for jieba (为 in 为职工, not in 作为; 对 not in 结对)."""
    lo, hi = max(0, pos - 6), min(len(text), pos + width + 6)
    at = lo
    for word in posseg.cut(text[lo:hi], hmm=False):
        if at == pos:
            return len(word) == width
        if at > pos:
            return False
        at += len(word)
    return False


_MEANS = _G["means"]
# Verbs whose subject is the thing that starts (an event opens, a centre is unveiled), after adverbs.
_INCHOATIVE_ADVERBS = alternation(_G["inchoative_adverb"])
# The look-behinds skip starts right after an adverb (an earlier start matches there anyway): without
# them a long run of adverbs not followed by a verb took quadratic time (10,000 × 已: 4 s).
_INCHOATIVE_VERBS = alternation(_G["inchoative_verb"])
# The first look-ahead (a first character of an adverb or verb) only makes the search fast: without
# it the look-behinds were tried at every character.
_INCHOATIVE = re.compile("(?=[" + "".join(sorted({w[0] for w in (_INCHOATIVE_ADVERBS + "|" + _INCHOATIVE_VERBS).split("|")}))
                         + "])" + "".join(f"(?<!{a})" for a in _INCHOATIVE_ADVERBS.split("|"))
                         + rf"(?:{_INCHOATIVE_ADVERBS})*(?:{_INCHOATIVE_VERBS})")
_PURPOSE = re.compile(r"(?:" + alternation(_G["purpose_adverb"]) + ")?(?:为了|为)")
_CLAUSE_MARKS = "，。；！？,;!? \n"
_CLAUSE_MARK = re.compile("[" + re.escape(_CLAUSE_MARKS) + "]")


def _word_flag(text: str, pos: int) -> str:
    """jieba's POS flag of the word starting at ``pos`` ('' when no word starts there) in the window
    of four characters before it and eight from it."""
    at, stop = max(0, pos - 4), min(len(text), pos + 8)
    if (run := posseg.run_around(text, pos, at, stop)) is not None:
        at, stop = run  # (the words of the window there: a shorter cut, often of Chinese only)
    for word, flag in posseg.lcut(text[at:stop], hmm=False):
        if at == pos:
            return flag
        if at > pos:
            return ""
        at += len(word)
    return ""


# Whether a verb starts at a position, per position asked (the purpose-clause walks ask for the same
# clause starts from several candidates).
_VERB_AT = TextMemo()


def _starts_with_verb(text: str, pos: int) -> bool:
    memo = _VERB_AT.of(text)
    verb = memo.get(pos)
    if verb is None:
        verb = memo[pos] = _verb_at(text, pos)
    return verb


def _verb_at(text: str, pos: int) -> bool:
    # Only a word of jieba's table can carry a verb flag (the others are tagged "x", "m" or "eng"), and
    # the word at pos lies in _word_flag's window (eight characters from pos): without such a verb
    # there, no cut is needed.
    tags = posseg.word_tags()
    for n in range(1, 9):
        flag = tags.get(text[pos:pos + n], "")
        if flag.startswith("v") and flag != "vn":
            break
    else:
        return False
    flag = _word_flag(text, pos)
    return flag.startswith("v") and flag != "vn"


# The walk back over subjectless clauses from each candidate is remembered per position: without it a
# sentence of many verb-initial clauses took quadratic time (9,000 characters of "开展送清凉活动,"
# took 34 s).
_PURPOSE_WALKS = TextMemo()


@lru_cache(maxsize=2)
def _clause_marks(text: str) -> tuple[int, ...]:
    """Positions of the clause marks of ``text``."""
    return tuple(m.start() for m in _CLAUSE_MARK.finditer(text))


def _clause_start(text: str, pos: int) -> int:
    """Just after the last clause mark before ``pos`` (0 when none)."""
    marks = _clause_marks(text)
    i = bisect_left(marks, pos)
    return marks[i - 1] + 1 if i else 0


def _in_purpose_clause(text: str, pos: int) -> bool:
    """Whether ``pos`` is in a purpose adjunct: a clause that opens with 为了 or 为 + verb, or a
    subjectless clause (opening with a verb) that continues one (为推动…,构建…体系,…)."""
    memo = _PURPOSE_WALKS.of(text)
    walked: list[int] = []
    result = False
    while pos > 0:
        if pos in memo:
            result = memo[pos]
            break
        walked.append(pos)
        lo = _clause_start(text, pos)
        m = _PURPOSE.match(text, lo, pos)
        if m and (text.startswith("为了", m.end() - 2) or _starts_with_verb(text, m.end())
                  or _launch_re().match(text, m.end())):
            result = True
            break
        if lo == 0 or text[lo - 1] not in ",，" or not _starts_with_verb(text, lo):
            break
        pos = lo - 1
    for p in walked:
        memo[p] = result
    return result


def _quote_mask(text: str) -> list[bool]:
    """True for characters inside a quotation (including the marks)."""
    mask = [False] * len(text)
    for m in _QUOTE.finditer(text):
        mask[m.start():m.end()] = [True] * (m.end() - m.start())
    for m in _DOC.finditer(text):
        mask[m.start():m.end()] = [True] * (m.end() - m.start())
    return mask


@lru_cache(maxsize=1)
def _heads_by_length() -> tuple[tuple[int, frozenset[str]], ...]:
    lengths: dict[int, set[str]] = {}
    for head in load_lexicon()["head"]:
        lengths.setdefault(len(head), set()).add(head)
    return tuple((n, frozenset(heads)) for n, heads in sorted(lengths.items()))


# The shortest head noun ending at each position asked for (names are tried at every cut of
# overlapping spans).
_HEAD_ENDS = TextMemo()


def _head_ends_at(text: str, start: int, cut: int, document: bool) -> bool:
    """Whether text[start:cut] ends with a head noun (document: a document head)."""
    if document:
        return any(text.endswith(head, start, cut) for head in _DOC_HEADS)
    memo = _HEAD_ENDS.of(text)
    shortest = memo.get(cut)
    if shortest is None:
        shortest = memo[cut] = next(
            (n for n, heads in _heads_by_length() if n <= cut and text[cut - n : cut] in heads), 0)
    return 0 < shortest <= cut - start


@lru_cache(maxsize=2)
def _head_last_chars(document: bool) -> frozenset[str]:
    """The characters a head noun (document: a document head) ends with."""
    return frozenset(h[-1] for h in (_DOC_HEADS if document else load_lexicon()["head"]))


def _ends_with_head(name: str) -> str | None:
    """The longest head noun ``name`` ends with (the lexicon lists a longer head before its suffixes)."""
    heads, by_last = _heads_by_last()
    for n in by_last.get(name[-1:], ()):  # (the lengths of the heads ending in its last character)
        if n <= len(name) and name[-n:] in heads:
            return name[-n:]
    return None


@lru_cache(maxsize=1)
def _heads_by_last() -> tuple[frozenset[str], dict[str, tuple[int, ...]]]:
    """The head nouns, and per last character the lengths of the heads ending in it, longest first."""
    lengths: dict[str, set[int]] = {}
    for n, heads in _heads_by_length():
        for head in heads:
            lengths.setdefault(head[-1:], set()).add(n)
    return (frozenset(h for _n, heads in _heads_by_length() for h in heads),
            {char: tuple(sorted(n, reverse=True)) for char, n in lengths.items()})


@lru_cache(maxsize=1)
def _generic_kinds() -> tuple[re.Pattern | None, re.Pattern]:
    """Names of a kind, not of an initiative: an abstract modifier + a generic head (工作方案, 建设活动),
    and a generic head behind at most a count or demonstrative (两项活动, 这项工作, 此类活动)."""
    lex = load_lexicon()
    generic = "|".join(lex["generic"])
    mods = "|".join(lex.get("generic_mod", ()))
    modified = re.compile(r"(?:" + mods + r")(?:" + generic + ")") if mods else None
    counted = re.compile(
        r"(?:[这此该各本其][项类个种次]?|[\d一二两三四五六七八九十几多]+[余多]?[大]?[项类个种次场件]|"
        + alternation(_G["counted_mod"]) + ")?"
        r"(?:" + generic + ")")
    return modified, counted


_CJK_RUN = re.compile(_CJK + "{1,10}")
# Compiled once (re.match with a pattern string looks it up in re's cache on every call).
_CJK_CHAR = re.compile(_CJK)
_BEFORE_HEAD_BLOCK = re.compile(r"[的是在和与了将把被为等项个两\d]")
_TIME_FRAME_AFTER = re.compile(r"(?:中|时|后|前|上|之中|之后|以来|期间|过程中)(?![心国央华])")


@lru_cache(maxsize=1)
def _quoted_list_re() -> re.Pattern:
    """Quoted list items before 等/N项 + head (compiled once: the heads make it long)."""
    heads = load_lexicon()["head"]
    return re.compile(r"(?:[“‘][^“”‘’\n]{1,20}[”’][、和及与]?){1,12}(?=(?:等等|等)?(?:\d+|[一二两三四五六七八九十])?[余多]?[个项类种]?"
                      + _CJK + "{0,8}?(?:" + "|".join(heads) + "))")


_OPENING_QUOTE = re.compile("[“‘]")  # where a match of _quoted_list_re starts
_SPACE = re.compile(r"\s")
_ANY_QUOTE = re.compile("[" + OPEN_Q + CLOSE_Q + "]")  # without one, the quotes are balanced
_DIGITS_OR_MARKS = re.compile(r"[\d\W]+")
_QUOTED_MANNER = re.compile(r"[“‘][^”’]{1,8}[式型][”’]" + _CJK + "{1,3}")


def is_acceptable(name: str) -> bool:
    """Whether a candidate name is a specific initiative (not generic, not an abstraction).

    >>> is_acceptable("活动"), is_acceptable("工会工作"), is_acceptable("职工微课堂")
    (False, False, True)
    """
    return _acceptable(name)


# ukg_initiatives and ukg_decide's features ask about the same names of an article.
_ACCEPTABLE = TextMemo()


def acceptable_in(text: str, name: str) -> bool:
    """:func:`is_acceptable` of a name of ``text``, remembered while ``text`` is the one asked about.

    >>> text = "某区总工会开设职工微课堂等活动"
    >>> acceptable_in(text, "职工微课堂"), acceptable_in(text, "活动")
    (True, False)
    """
    memo = _ACCEPTABLE.of(text)
    answer = memo.get(name)
    if answer is None:
        answer = memo[name] = _acceptable(name)
    return answer


def _acceptable(name: str) -> bool:
    lex = load_lexicon()
    bare = name.strip("“”‘’「」『』《》")
    if len(bare) < 2 or name in lex["generic"] or bare in lex["generic"]:
        return False
    # An abstraction excludes a name it ends (工会组织建设), not one it only modifies (组织建设活动).
    if bare.endswith(lex["exclude"]):
        return False
    # Broken spans: white space inside, or unbalanced quotation marks (贴心服务”).
    if _SPACE.search(name) or (_ANY_QUOTE.search(name)
                               and any(name.count(o) != name.count(c) for o, c in zip(OPEN_Q, CLOSE_Q))):
        return False
    # A generic head behind one abstract modifier names a kind, not a specific initiative
    # (工作方案, 建设活动, 制度机制, 经费保障).
    modified, counted = _generic_kinds()
    if modified and modified.fullmatch(bare):
        return False
    if _DIGITS_OR_MARKS.fullmatch(bare):
        return False
    # A quoted manner adjective before a head names a way of working, not an initiative (“保姆式”服务).
    if _QUOTED_MANNER.fullmatch(name):
        return False
    head = _ends_with_head(name)
    if head and name == bare and len(name) - len(head) < 2 and name not in lex["service"]:
        return False
    if name.startswith(_G["bad_prefix"]):
        return False
    # Generic head with only a count/demonstrative in front (两项活动, 这项工作, 此类活动).
    if counted.fullmatch(bare):
        return False
    return True


# The three patterns as the alternatives of one (tried in their order, as "or" tried them), without
# their "^", matched at a position of the text (up to ``end``) rather than on a copy of
# text[start:end]: none looks behind, so they see the same characters.
_LEAD = re.compile("|".join(f"(?:{p.pattern[1:]})" for p in (_LEAD_STRIP, _TIME_PREFIX, _LEAD_VERB)))


def _strip_lead(text: str, start: int, end: int) -> int:
    """Skip leading verbs' particles, dates, counts and rhetoric of a name."""
    while start < end:
        m = _LEAD.match(text, start, end)
        if not m or m.end() == start:
            break
        start = m.end()
    return start


def _last_de(text: str, start: int, end: int, mask: list[bool]) -> int:
    """Start after the last 的 (outside quotes) of a name; 内容丰富的送清凉活动 → 送清凉活动."""
    i = text.rfind("的", start, end)
    while i >= 0 and mask[i]:
        i = text.rfind("的", start, i)
    return i + 1 if i >= 0 else start


def _find_outside(text: str, char: str, start: int, end: int, mask: list[bool]) -> int:
    """The first ``char`` of text[start:end] outside quotes, or -1."""
    i = text.find(char, start, end)
    while i >= 0 and mask[i]:
        i = text.find(char, i + 1, end)
    return i


def _has_de(text: str, start: int, end: int, mask: list[bool]) -> bool:
    """Whether text[start:end] holds a 的 outside quotes."""
    return _find_outside(text, "的", start, end, mask) >= 0


_CONJUNCT_CHARS = re.compile("[" + OPEN_Q + "、和及与以]")


def _conjuncts(text: str, start: int, end: int, mask: list[bool]) -> list[tuple[int, int]]:
    """Split a span at 、/和/及/与 outside quotes."""
    parts, cur = [], start
    i = start
    while (found := _CONJUNCT_CHARS.search(text, i, end)) is not None:  # the others change nothing
        i = found.start()
        ch = text[i]
        if ch in OPEN_Q and i > cur and text[i - 1] in CLOSE_Q:
            parts.append((cur, i))
            cur = i
        if not mask[i]:
            if ch == "、" or (ch in "和及与" and text[i + 1:i + 2] not in ("谐", "时", "其", "人", "者")):
                parts.append((cur, i))
                cur = i + 1
            elif text.startswith("以及", i):
                parts.append((cur, i))
                cur = i + 2
                i += 1
        i += 1
    parts.append((cur, end))
    return [(s, e) for s, e in parts if e > s]


def _shares_head(text: str, span: tuple[int, int]) -> bool:
    """Whether the head of ``span`` can be shared by conjuncts before it: it has a specific modifier
    (not 维权和服务)."""
    name = text[span[0]:span[1]]
    head = _ends_with_head(name) or ""
    return len(name) - len(head) >= 2


def _coordinated_groups(text: str, first: int, ps: int, span: tuple[int, int]) -> int:
    """Length of the group phrase opening ``span`` when it is coordinated with a group ending the
    conjuncts from ``first`` (技术工人和先进职工…: groups of people, not a shared head); else 0."""
    from kg.rules.groups import find_groups

    before = text[first:ps].rstrip("和与及、以")
    groups = find_groups(before)
    if not (groups and groups[-1][1] == len(before)):
        return 0
    inner = find_groups(text[span[0]:span[1]])
    if inner and inner[0][0] == 0 and inner[0][1] < span[1] - span[0] - 1:
        return inner[0][1]
    return 0


def _modifier_like(text: str, start: int, end: int, mask: list[bool]) -> bool:
    """Whether a headless conjunct can share the head of the next one: short, no 的, not a service
    noun that is an initiative on its own (法律援助和心理疏导服务 are two)."""
    piece = text[start:end]
    return 2 <= len(piece) <= 16 and not _has_de(text, start, end, mask) \
        and piece not in load_lexicon()["service"] and not piece.endswith(tuple(load_lexicon()["service"]))


def _trailing_count(text: str, start: int, end: int) -> re.Match[str] | None:
    """``_TRAILING_COUNT_END.search(text, start, end)``, searched only when text[start:end] ends with a
    counter's last character (or that and a line break, which ``$`` allows)."""
    if text[max(0, end - 2):end].rstrip("\n")[-1:] not in _COUNTER_LAST:
        return None
    return _TRAILING_COUNT_END.search(text, start, end)


def _name_in(text: str, start: int, end: int, mask: list[bool], *, need_head: bool = True,
             document: bool = False) -> tuple[int, int] | None:
    """The initiative name inside a conjunct: cleaned start, end at a head noun or a closing quote.

    ``document``: the name of a document an issuing verb governs, ending in a document head
    (协议, 规划, 办法 …); a period in front of it belongs to its title (2021~2025年发展规划).
    """
    start = _strip_lead(text, start, end)
    tail = _trailing_count(text, start, end)
    if tail and tail.start() > start and _ends_with_head(text[start:tail.start()]):
        end = tail.start()
    # Counts inside the span (共计3大项系列法律服务) start the name after them.
    for m in finditer_at(_COUNT_INSIDE, _COUNT_START, text, start, end):
        if not mask[m.start()]:
            start = m.end()
    start = _last_de(text, start, end, mask)
    for m in _CLAUSE_VERB.finditer(text, start, end):
        if not mask[m.start()]:
            start = m.end()
    start = _strip_lead(text, start, end)
    if end - start < 2:
        return None
    name = text[start:end]
    if (name[-1] in CLOSE_Q or name[-1] == "》") and (not document or name[:-1].endswith(_DOC_HEADS)):
        # A quoted list of slogans without a head after it describes content, it names nothing
        # (“好作风、好服务”); a quoted evaluative phrase after 有…的 is a figure (有温度的“家”).
        if name[-1] in CLOSE_Q and re.search(r"[、，,；;]", name):
            return None
        if re.search(r"有" + _CJK + r"{1,5}的$", text[max(0, start - 8):start]):
            return None
        return start, end
    # The longest prefix ending with a head noun, when the rest is short trailing material or a count
    # (技能培训活动120余场次).  Only a cut after a last character of a head can end one.
    last_chars = _head_last_chars(document)
    for cut in range(end, start + 1, -1):
        if text[cut - 1] not in last_chars or not _head_ends_at(text, start, cut, document):
            continue  # the test below, without slicing and trying every head at every cut (long spans)
        piece = text[start:cut]
        if (piece.endswith(_DOC_HEADS) if document else _ends_with_head(piece)) and (cut == end or not mask[cut - 1]):
            if not (cut == end or _TRAILING_REST.fullmatch(text, cut, end) or _TRAILING_COUNT.fullmatch(text, cut, end)):
                return None
            if document and len(piece) - len(next(h for h in _DOC_HEADS if piece.endswith(h))) < 2:
                return None  # a bare kind (通知, 协议) names no document
            if piece.endswith(_DOC_HEADS):
                period = _PERIOD_BEFORE.search(text, max(0, start - 14), start)
                if period:
                    start = period.start()
            return start, cut
    return None if need_head else (start, end)


def find_initiatives(text: str, *, blocked: list[tuple[int, int]] | None = None,
                     unions: list[tuple[int, int]] | None = None,
                     places: list[tuple[int, int]] | None = None) -> list[tuple[int, int, str, str, float]]:
    """Initiative candidates of a simplified text: (start, end, name, rule, confidence), non-overlapping.

    ``blocked`` spans (unions, organisations) are cut off the front of names;
    ``unions`` (union mention spans) are not used for acceptance here — ukg_initiatives
    checks union involvement per sentence; ``places`` (place mention spans) do not count
    towards the length of a subject name (杭州市下城区职工技能比武开赛).
    """
    blocked = blocked or []
    places = places or []
    mask = _quote_mask(text)
    cands: list[tuple[int, int, str]] = []
    heads = load_lexicon()["head"]

    # Quoted names + head.
    for m in _QUOTE.finditer(text):
        after = m.end()
        run = _CJK_RUN.match(text, after)
        if run:
            tail = run.group()
            for k in range(1, len(tail) + 1):
                if tail[:k].endswith(heads) and not _BEFORE_HEAD_BLOCK.search(tail[:k - 1] if k > 1 else ""):
                    # A verb between the quote and the head: the quote is an argument (“新人”加入到队伍).
                    if _ends_with_head(tail[:k]) and not _CLAUSE_VERB.search(tail[:k]) and \
                            not re.search(r"[式型]$", m.group()[:-1]):  # “输血式”帮扶: a manner, not a name
                        # Chained heads belong to the name: “送温暖”慰问活动, “安薪”服务中心; but building a
                        # concrete thing is that thing (“云端”系统建设 → “云端”系统).
                        while tail.startswith(heads, k) and (nxt := next(h for h in heads if tail.startswith(h, k))):
                            if nxt == "建设" and tail[:k].endswith(_CONCRETE_HEADS):
                                break
                            k += len(nxt)
                        cands.append((m.start(), after + k, RULE_QUOTED))
                    break

    # Quoted lists before 等/N项 + head: “甲”“乙”等活动, “甲”和“乙”两项活动.
    for m in finditer_at(_quoted_list_re(), _OPENING_QUOTE, text):
        rest = text[m.end():m.end() + 14]
        if not re.match(r"(?:等等|等|(?:\d+|[一二两三四五六七八九十])[余多]?[个项类种])", rest):
            continue
        for q in _QUOTE.finditer(m.group()):
            cands.append((m.start() + q.start(), m.start() + q.end(), RULE_QUOTED_LIST))

    # Documents in 《》.
    for m in _DOC.finditer(text):
        title = m.group(1)
        if not title.endswith(_DOC_HEADS) or title.endswith("报"):
            continue
        before = text[max(0, m.start() - 6):m.start()]
        if any(c in before for c in _CITE):
            continue
        cands.append((m.start(), m.end(), RULE_DOCUMENT))

    # Objects of launch verbs.
    strong = _strong_launch_re()
    specific_heads, issue_only = _specific_heads_and_issue_only()
    for m in _launch_re().finditer(text):
        if mask[m.start()]:
            continue
        obj_start = m.end()
        if m.group() in issue_only:
            obj_end = next((c.start() for c in _CLAUSE_END.finditer(text, obj_start, min(len(text), obj_start + 45))
                            if not mask[c.start()]), min(len(text), obj_start + 45))
            for ps, pe in _conjuncts(text, obj_start, obj_end, mask):
                span = _name_in(text, ps, pe, mask, document=True)
                if span:
                    cands.append((span[0], span[1], RULE_ISSUED))
            continue
        limit = min(len(text), obj_start + 45)
        obj_end = limit
        for c in _CLAUSE_END.finditer(text, obj_start, limit):
            if not mask[c.start()]:
                obj_end = c.start()
                break
        for c in strong.finditer(text, obj_start, obj_end):
            # A verb right before a head noun modifies it (评审实施细则, 建设规划): no new predicate.
            if text.startswith(specific_heads, c.end()):
                continue
            if not mask[c.start()] and c.start() > obj_start:
                obj_end = c.start()
                break
        if strong.match(text, obj_start):
            continue  # 启动开展 …: the later verb takes the object
        if _in_purpose_clause(text, m.start()):
            continue  # 为推动/为了建立 …: a goal, not something launched
        if m.group() in _MEANS and _starts_with_verb(text, obj_start):
            continue  # 通过联合企业 …: the means is an action, the following verb has its own object
        if _TIME_FRAME_AFTER.match(text[obj_start:obj_start + 3]):
            continue  # 在系统建设中坚持…: the verb is inside a time/place phrase, it has no object here
        for c in _CUT_BEFORE.finditer(text, obj_start, obj_end):
            if not mask[c.start()] and c.start() > obj_start and _standalone(text, c.start(), c.end() - c.start()):
                obj_end = c.start()
                break
        if obj_end - obj_start < 2:
            continue
        parts = _conjuncts(text, obj_start, obj_end, mask)
        # 等: only quoted list items and the collective noun after 等 count.
        deng = _find_outside(text, "等", obj_start, obj_end, mask)
        if deng >= 0:
            span = _name_in(text, deng + 1, obj_end, mask)
            listed_quotes = any(mask[obj_start:deng])
            if span and (not listed_quotes or text[span[0]] in OPEN_Q):
                cands.append((span[0], span[1], RULE_LAUNCH))
            for ps, pe in _conjuncts(text, obj_start, deng, mask):
                span = _name_in(text, ps, pe, mask)
                if span:
                    cands.append((span[0], span[1], RULE_LAUNCH))
            continue
        issuing = m.group() in triggers()["issue"]
        found: list[tuple[int, int]] = []
        pending = None  # start of a run of conjuncts without a head of their own
        for ps, pe in parts:
            span = _name_in(text, ps, pe, mask)
            if span is None and issuing:
                span = _name_in(text, ps, pe, mask, document=True)
            if span is None:
                bare = _name_in(text, ps, pe, mask, need_head=False)
                if pending is None and bare and _modifier_like(text, *bare, mask):
                    pending = bare[0]
                elif not (bare and _modifier_like(text, *bare, mask)):
                    pending = None
                continue
            own_start = _strip_lead(text, ps, pe)
            if _has_de(text, own_start, span[0], mask):
                # A和B的C: headless earlier conjuncts are inside the 的-modifier of C, no names of their own.
                found = [f for f in found if _ends_with_head(text[f[0]:f[1]])]
            elif pending is not None and span[0] == own_start:
                lead_group = _coordinated_groups(text, pending, ps, span)
                if lead_group:
                    # 技术工人和先进职工疗休养活动: the coordinated groups are served; the name is the rest.
                    span = (span[0] + lead_group, span[1])
                elif _shares_head(text, span):
                    # A、B和C机制: a head shared by the conjuncts before it makes one name.
                    span = (pending, span[1])
            pending = None
            found.append(span)
        cands.extend((a, b, RULE_LAUNCH) for a, b in found)

    # Subjects of inchoative verbs: "<name> 正式启动/开幕/挂牌" (“金秋助学”活动由此启动).
    for m in _INCHOATIVE.finditer(text):
        if mask[m.start()] or m.start() == 0:
            continue
        lo = max(text.rfind(c, 0, m.start()) for c in _CLAUSE_MARKS + "()（）") + 1
        lo = _trim_blocked(text, lo, m.start(), blocked)
        span = _name_in(text, lo, m.start(), mask)
        # A short subject only: a long one is a description (…干部下沉企业调研工作), not a name.
        core = _trim_blocked(text, span[0], span[1], places) if span else 0
        if span and span[1] == m.start() and span[1] - core <= 12 and not re.search(r"\d", text[span[0]:span[1]]):
            cands.append((span[0], span[1], RULE_SUBJECT_NP))

    # Noun phrases ending in a distinctive head (职工微课堂, 员工文化艺术节), anywhere.
    launch_words = triggers()["launch"]
    blocked_ends = {e for _s, e in blocked}
    for word, head in _word_patterns("distinctive"):
        for m in head.finditer(text) if word in text else ():  # (a C search is cheaper than finditer)
            if mask[m.start()]:
                continue
            start = m.start()
            while start > max(0, m.start() - 10) and text[start - 1] not in _NP_STOP and \
                    _CJK_CHAR.match(text[start - 1]) and not text.endswith(launch_words, 0, start) and \
                    start not in blocked_ends:
                start -= 1
            if start == max(0, m.start() - 10) and start > 0 and _CJK_CHAR.match(text[start - 1]) and \
                    text[start - 1] not in _NP_STOP and start not in blocked_ends:
                continue  # no left edge within reach: a description, not a name (or a cut word)
            if start in blocked_ends and not (_LEAD_VERB.match(text[start:m.end()]) or _starts_with_verb(text, start)):
                continue  # <union>职工服务中心: the union's own unit, not an initiative
            start = _strip_lead(text, start, m.end())
            if m.start() - start >= 2 and not text[start - 1:start].isdigit():  # 24小时拨打热线: a count's unit
                cands.append((start, m.end(), RULE_HEAD_NP))

    # Numbered slogans after a service modifier: 爱心服务“一条龙”, 服务会员“三个一”.
    for m in _NUMBERED.finditer(text):
        if text[m.end():m.end() + 1] and _CJK_CHAR.match(text[m.end()]) and text[m.end()] not in "的等和与及":
            continue  # a head follows: the quoted-name rule's case (“一站式”服务)
        start = _slogan_modifier(text, m.start(), blocked)
        if start is not None:
            cands.append((start, m.end(), RULE_SLOGAN))

    # Service nouns.
    for word, service in _word_patterns("service"):
        for m in service.finditer(text) if word in text else ():
            cands.append((m.start(), m.end(), RULE_SERVICE))

    return _resolve(text, cands, blocked)


_NUMBERED = re.compile(r"[“‘](?:[一二两三四五六七八九十百千万几]|\d)+(?:" + alternation(_G["slogan_counter"]) + ")?"
                       + _CJK + r"{0,3}[”’]")
_SLOGAN_DROP = frozenset({"v", "a", "ad", "vd", "d", "ul", "uguo", "m", "mq", "q", "p", "c"})


def _slogan_modifier(text: str, quote: int, blocked: list[tuple[int, int]]) -> int | None:
    """Start of the modifier of a numbered slogan opening at ``quote``, or None: the clause from its start
    (after unions, time words and adverbs), less its verb, particles and counts, if what remains is a
    modifier of 2-12 characters holding a service word or a group."""
    from kg.rules.groups import find_groups

    lo = max(text.rfind(c, 0, quote) for c in _CLAUSE_MARKS + "()（）“”") + 1
    lo = max([lo] + [e for s, e in blocked if lo <= e <= quote])
    lo = max(lo, text.rfind("的", lo, quote) + 1)  # a 的-modifier describes the slogan (服务职工的“十件实事”)
    lo = _strip_lead(text, lo, quote)
    if quote - lo < 2 or not re.fullmatch(_CJK + "+", text[lo:quote]):
        return None
    words = posseg.lcut(text[lo:quote])
    service = load_lexicon().get("slogan_mod", ())
    # the slogan is no object of a verb ending the clause (增强“四个意识”), unless a service verb (互助)
    if words[-1][1] == "v" and words[-1][0] not in service:
        return None
    # adverbs, then the clause's verb (or adjective: 畅通) with its complement (建|好), then particles and counts
    k, verb = 0, 0
    while k < len(words) - 1:
        flag = words[k][1]
        if flag in ("v", "a", "vd") and (verb == 0 or verb == 1 and words[k - 1][1] in ("v", "vd")
                                          and (flag == "a" or len(words[k][0]) == 1)):
            verb += 1
        elif flag not in _SLOGAN_DROP or flag in ("v", "a", "vd"):
            break
        lo += len(words[k][0])
        k += 1
    modifier = text[lo:quote]
    if not 2 <= len(modifier) <= 12:
        return None
    if not (any(w in modifier for w in service) or find_groups(modifier)):
        return None
    return lo


# "以 X 为 <role>": 为 with a short role noun closing the frame (为龙头、为基础的, 为契机，).
FRAME_ROLE = re.compile(r"为" + _CJK + r"{1,3}(?=[、，,；;的。])")


def _trim_blocked(text: str, start: int, end: int, blocked: list[tuple[int, int]]) -> int:
    for s, e in blocked:
        if s <= start < e < end:
            start = e
    return start


def _resolve(text: str, cands: list[tuple[int, int, str]], blocked: list[tuple[int, int]]) -> list[tuple[int, int, str, str, float]]:
    cleaned = []
    for start, end, rule in cands:
        start = _trim_blocked(text, start, end, blocked)
        if rule in (RULE_LAUNCH, RULE_HEAD_NP) and not text[start:end].endswith(_DOC_HEADS):
            start = _strip_lead(text, start, end)
        if text[start:end].endswith("建设") and text[start:end - 2].endswith(_CONCRETE_HEADS):
            end -= 2  # building a concrete thing is that thing
        name = text[start:end]
        if end - start < 2 or not acceptable_in(text, name):
            continue
        if text.endswith("以", 0, start) and FRAME_ROLE.match(text, end):
            continue  # 以X为龙头/为契机: a role in something else
        if any(s <= start and end <= e for s, e in blocked):
            continue
        cleaned.append((start, end, rule))
    # A launch object that contains a quoted name and is at most twice as long wins over it.
    def rank(c: tuple[int, int, str]) -> tuple:
        start, end, rule = c
        pr = _PRIORITY[rule]
        if rule == RULE_LAUNCH and any(
            r in (RULE_QUOTED, RULE_QUOTED_LIST, RULE_SERVICE) and start <= s and e <= end and (s, e) != (start, end)
            and (end - start) <= 2 * (e - s) + 1
            for s, e, r in cleaned
        ):
            pr = 6
        # equal ranks go to the more precise rule, then by name: never to the set's (hash seed's) order
        return (-pr, -(end - start), start, -_CONFIDENCE[rule], rule)

    chosen: list[tuple[int, int, str]] = []
    for c in sorted(set(cleaned), key=rank):
        if any(c[0] < e and s < c[1] for s, e, _r in chosen):
            continue
        chosen.append(c)
    chosen.sort()
    return [(s, e, text[s:e], r, _CONFIDENCE[r]) for s, e, r in chosen]


def _union_sentences(doc: Doc) -> set[int]:
    """Indexes of sentences where a union acts: the sentence mentions one, or follows one in its paragraph."""
    text = doc.text
    spans = sentence_spans(text)
    starts = sorted(m.start for m in doc._.ukg_mentions if m.kind == UNION)
    out, active = set(), False
    for i, (s, e) in enumerate(spans):
        para_break = i == 0 or text.find("\n", spans[i - 1][1], s) >= 0
        if para_break:
            active = False
        at = bisect_left(starts, s)  # the first union starting at s or later: in the sentence?
        if at < len(starts) and starts[at] < e:
            active = True
        if active:
            out.add(i)
    return out




@Language.component("ukg_initiatives")
def ukg_initiatives(doc: Doc) -> Doc:
    """Add Initiative mentions in articles that mention a union body."""
    from kg.rules import add_mention

    if not any(m.kind == UNION for m in doc._.ukg_mentions):
        return doc
    article = doc._.ukg_article
    blocked = [(m.start, m.end) for m in doc._.ukg_mentions if m.kind in (UNION, ORGANIZATION)]
    spans = sentence_spans(doc.text)
    acting = _union_sentences(doc)
    found = []
    places = [(m.start, m.end) for m in doc._.ukg_mentions if m.kind == PLACE]
    sentence_starts = [s for s, _e in spans]
    for start, end, name, rule, conf in find_initiatives(doc.text, blocked=blocked, places=places):
        idx = bisect_right(sentence_starts, start) - 1  # the sentences are in order and do not overlap
        if idx < 0 or start >= spans[idx][1]:
            continue
        if idx not in acting:
            if rule in (RULE_SERVICE, RULE_HEAD_NP):
                continue
            conf = round(conf * 0.7, 2)
        found.append((start, end, name, rule, conf))
    found += _repeated(doc.text, found)
    full = short_forms([name for _s, _e, name, _r, _c in found])
    for start, end, name, rule, conf in found:
        surface = article.text[start:end] if article is not None else name
        add_mention(doc, Mention(kind=INITIATIVE, text=surface, start=start, end=end, label=full.get(name, name),
                                 rule=rule, confidence=conf))
    return doc


_FIELD_AFTER = _G["field_after"]


def _repeated(text: str, found: list[tuple[int, int, str, str, float]]) -> list[tuple[int, int, str, str, float]]:
    """Other occurrences in the article of a name found once (在X活动现场, X期间): the same initiative,
    named again where no rule sees a trigger.  Only names of five characters or more, as written.
    The text is read left to right; where several names start, the longest is taken."""
    taken = bytearray(len(text) + 1)
    for s, e, *_ in found:
        taken[s:e] = b"\x01" * (e - s)
    longest: dict[int, str] = {}  # start → the longest name found there (str.find per name, not a scan per character)
    for name in {text[s:e] for s, e, *_ in found if e - s >= 5}:
        i = text.find(name)
        while i >= 0:
            if len(name) > len(longest.get(i, "")):
                longest[i] = name
            i = text.find(name, i + 1)
    out = []
    after = 0
    for i in sorted(longest):
        if i < after:
            continue
        name = longest[i]
        end = i + len(name)
        # "在X方面/领域": a field of work named after it, not the initiative itself
        if not any(taken[i:end]) and not text.startswith(_FIELD_AFTER, end):
            out.append((i, end, name, RULE_REPEATED, _CONFIDENCE[RULE_REPEATED]))
            taken[i:end] = b"\x01" * (end - i)
            after = end
    return out


_SERIES = re.compile(r"(?:" + alternation(_G["series_marker"]) + ")(?=(?:" + alternation(_G["series_head"]) + ")$)")


def short_forms(names: list[str]) -> dict[str, str]:
    """Within one article, a short form of a longer initiative name refers to it: the longer name
    ends with it (服务站 → 江北区户外劳动者服务站) or only adds a generic head (疗休养 → 疗休养活动),
    or ends with it once a series marker before its head is left out (关爱X活动 → “…”关爱X系列活动).
    When there are several longer names, they must nest (疗休养活动 ⊂ 职工疗休养活动): the nearest
    one, the shortest, is taken; otherwise the short form is ambiguous and left alone.

    >>> short_forms(["职工疗休养活动", "疗休养", "职工书屋"])
    {'疗休养': '职工疗休养活动'}
    >>> short_forms(["职工疗休养活动", "疗休养活动", "疗休养"])["疗休养"]
    '疗休养活动'
    """
    generic = load_lexicon()["generic"]
    # a series marker before the head does not change the campaign (关爱X系列活动 ~ 关爱X活动)
    plain = {n: _SERIES.sub("", n) for n in names}
    out = {}
    distinct = set(names)
    for short in distinct:
        bare = short.strip("“”‘’「」『』《》")
        with_generic = tuple(bare + g for g in generic)
        longer = {n for n in distinct if len(n) > len(short) and (
            n.endswith(short) or n.endswith(with_generic)
            or (len(bare) >= 4 and plain[n] != n and plain[n].endswith(short)))}
        nearest = min(longer, key=len, default=None)
        if nearest and all(nearest in n for n in longer):
            out[short] = nearest
    return out
