"""Rule component ukg_decide: learned decisions over the candidates and the hand rules' answers.

Three decisions, each a logistic-regression model of kg/model.py over named features that the
grammar computes (kg/data/model/ ships the models; ``kg train`` fits others):

- ``initiative``: is this candidate span an initiative?  Candidates are the hand rules' initiatives
  and the grammar candidates of ukg_candidates; features: the rules that proposed the span, its head
  noun and last characters, the word before and after it, quotes, length, the headline, whether a
  union acts in its sentence, how often the article names it …  Of overlapping accepted spans the
  most probable is kept.
- ``launched``: did this union launch this (accepted) initiative?  One candidate pair per union of
  the article; features: the hand rule that linked them (launched.subject, .paragraph, .article …),
  where the union stands (same sentence before the initiative, nearest, marked as an object, hosting),
  how central it is (most mentioned, in the headline, first named, how many unions), its level.
- ``benefited``: did this initiative benefit this group?  Pairs of an accepted initiative and a group
  candidate of its own or a neighbouring sentence; features: the hand rule that linked them
  (benefited.marker …), the words before and after the group (为/向/慰问/面向 …, 参加 …), clause and
  sentence distance, whether the group is inside the initiative's name, in a list, the nearest
  initiative, an agent of the service …  A group coordinated with a served group
  (为A、B和C …) is served by the same initiatives (benefited.coordinated).  Groups that no accepted pair
  serves are dropped.

Every fact the models make names the model (``model.<decision>/<model id>``) as its rule, and its
probability is the confidence.  Without models (``make_nlp(model=None)`` is the default model; the
hand rules alone are ``make_nlp(model="rules")``) the component is not in the pipeline.

Example:
    >>> from kg.extract.nlp import make_nlp, process
    >>> from kg.records import Article
    >>> doc = process(make_nlp(model=str(DEFAULT_MODEL)), Article(id="x#0", source_file="x", position=0,
    ...     text="青禾县总工会为环卫工人开展“夏送清凉”活动。"))
    >>> sorted((r.predicate, r.subject.label, r.object.label, r.rule.split("/")[0]) for r in doc._.ukg_relations)
    [('benefited', '“夏送清凉”活动', '环卫工人', 'model.benefited'), ('launched', '青禾县总工会', '“夏送清凉”活动', 'model.launched')]
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache
from itertools import accumulate
from operator import itemgetter
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from kg.zh import posseg
from kg.lexicon import longest_first, path, words
from kg.rules.model import NO_CALIBRATION, ModelSet, load_models
from kg.records import BENEFITED, GROUP, INITIATIVE, LAUNCHED, UNION, Mention, Relation
from kg.rules import candidates as grammar
from kg.rules.candidates import RULE_GROUP_SUFFIX
from kg.rules.registry import rule_id
from kg.rules import initiatives as hand_initiatives
from kg.rules import mission
from kg.zh.text import labels_match
from kg.zh.text import normalize_label, sentence_spans, to_simplified

#: The model shipped with union-kg (trained on the tune split: the seeds and the odd dev texts).
DEFAULT_MODEL = path("model")

RULE_COORDINATED = rule_id("benefited.coordinated")

#: Group candidates further than this many sentences from an initiative are not paired with it.
MAX_SENTENCE_GAP = 1


# --------------------------------------------------------------------------- article context


class Context:
    """What the features of one article need: sentences, paragraphs, clauses, words, unions."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.text = text = doc.text
        self.spans = sentence_spans(text)
        self.starts = [s for s, _e in self.spans]
        self.para = mission._paragraph_ids(text, self.spans)
        article = doc._.ukg_article
        headline = to_simplified(article.headline) if article is not None and article.headline else ""
        self.headline_end = len(headline) if headline and text.startswith(headline) else 0
        tokens = grammar.doc_tokens(doc)
        words = list(map(itemgetter(2), tokens))
        self.token_ends = dict(zip(map(itemgetter(1), tokens), words))
        self.token_starts = dict(zip(map(itemgetter(0), tokens), words))
        self.unions = sorted((m for m in doc._.ukg_mentions if m.kind == UNION), key=lambda m: m.start)
        self._union_starts = [u.start for u in self.unions]
        counts = Counter(u.label for u in self.unions)
        self.union_counts = counts
        self.union_rank = {label: rank for rank, (label, _n) in
                           enumerate(sorted(counts.items(), key=lambda item: (-item[1], self._first(item[0]))), 1)}
        main = mission._main_union(self.unions)
        self.main_union = main.label if main else None
        self._votes: tuple[tuple, tuple] | None = None

    def votes(self, inits: list[Mention]) -> dict[str, dict[tuple[str, str], str]]:
        """The hand rules' answers for these initiatives and every group candidate: predicate →
        (subject label, object label) → rule id (ukg_mission run on them, the doc left as it was)."""
        return self.hand(inits)[0]

    def hand(self, inits: list[Mention]) -> tuple[dict[str, dict[tuple[str, str], str]], list[Relation]]:
        """The hand rules' answers for these initiatives, as votes and as relations (see :meth:`votes`)."""
        key = tuple(id(i) for i in inits)
        if self._votes is None or self._votes[0] != key:
            self._votes = (key, _hand_relations(self.doc, inits))
        return self._votes[1]

    def _first(self, label: str) -> int:
        return next(u.start for u in self.unions if u.label == label)

    def modal_in(self, start: int, end: int) -> bool:
        """Whether text[start:end] holds a modal verb of exhortation (``mission._MODAL.search(text, start, end)``),
        searched from the first character that can open one (most sentences have none).

        >>> from kg.extract.nlp import make_doc, make_nlp
        >>> from kg.records import Article
        >>> context = Context(make_doc(make_nlp(), Article(id="x#0", source_file="x", position=0, text="工会要求各级工会要开展活动")))
        >>> context.modal_in(0, 8), context.modal_in(0, 9), context.modal_in(9, 13)
        (False, True, False)
        """
        firsts = self.__dict__.get("_modal_firsts")
        if firsts is None:
            firsts = self._modal_firsts = [m.start() for m in mission._MODAL_FIRST.finditer(self.text)]
        i = bisect_left(firsts, start)
        # (no match starts before its first character, and the pattern's look-behinds see the text before)
        return i < len(firsts) and firsts[i] < end and mission._MODAL.search(self.text, firsts[i], end) is not None

    def unions_between(self, start: int, end: int) -> list[Mention]:
        """The union mentions that start in [start, end), in order."""
        return self.unions[bisect_left(self._union_starts, start):bisect_left(self._union_starts, end)]

    def clause_start(self, pos: int) -> int:
        """Where the clause around ``pos`` starts (``mission._clause(text, pos)[0]``)."""
        ends = self.__dict__.get("_clause_ends")
        if ends is None:
            ends = self._clause_ends = mission._clause_ends(self.text)
        i = bisect_left(ends, pos)
        return ends[i - 1] + 1 if i else 0

    def clause_marks(self, start: int, end: int) -> int:
        """How many clause marks (，；： …: what ends a clause inside a sentence) text[start:end] holds."""
        marks = self.__dict__.get("_clause_marks")
        if marks is None:
            marks = self._clause_marks = [m.start() for m in mission._CLAUSE.finditer(self.text)]
        return bisect_left(marks, end) - bisect_left(marks, start) if end > start else 0

    def unions_of(self, label: str) -> list[Mention]:
        """The union mentions of a label, in order."""
        by_label = self.__dict__.get("_by_label")
        if by_label is None:
            by_label = self._by_label = {}
            for u in self.unions:
                by_label.setdefault(u.label, []).append(u)
        return by_label.get(label, [])

    def sentence(self, pos: int) -> int:
        i = bisect_right(self.starts, pos) - 1
        return max(i, 0)

    def sentence_span(self, pos: int) -> tuple[int, int]:
        return self.spans[self.sentence(pos)] if self.spans else (0, len(self.text))

    def word_before(self, pos: int) -> str:
        """The jieba word ending at ``pos`` (skipping an aspect particle), or the two characters before."""
        word = self.token_ends.get(pos)
        if word in ("了", "起", "出") and pos - 1 in self.token_ends:
            word = self.token_ends.get(pos - 1)
        if word is None or not word.strip():
            word = self.text[max(0, pos - 2):pos]
        return _underscored(word)

    def words(self, start: int, end: int) -> list[str]:
        """The jieba words of text[start:end] (cut at the doc's token boundaries), white space left out."""
        out, pos = [], start
        while pos < end:
            word = self.token_starts.get(pos)
            if word is None or pos + len(word) > end:
                word = self.text[pos:end]
            if word.strip():
                out.append(_underscored(word))
            pos += len(word)
        return out

    def word_after(self, pos: int) -> str:
        word = self.token_starts.get(pos)
        if word is None or not word.strip():
            word = self.text[pos:pos + 2]
        return _underscored(word)


_WHITESPACE = re.compile(r"\s")


@lru_cache(maxsize=65536)
def _underscored(word: str) -> str:
    """A word with its white space as "_" (feature names hold none)."""
    return _WHITESPACE.sub("_", word)


def _first_container(spans: list[tuple[int, int]]) -> Callable[[int, int], int | None]:
    """For spans sorted by start: a function (start, end) → the index of the first span that contains
    text[start:end] (starts at or before it and ends at or after it), or None; in logarithmic time.

    >>> first = _first_container([(0, 4), (2, 9), (3, 5)])
    >>> first(3, 5), first(0, 3), first(3, 8), first(6, 10)
    (1, 0, 1, None)
    """
    starts = [s for s, _e in spans]
    reach = list(accumulate((e for _s, e in spans), max))  # the furthest end of the spans up to k

    def first(start: int, end: int) -> int | None:
        hi = bisect_right(starts, start)  # spans[:hi] start at or before start
        k = bisect_left(reach, end, 0, hi)  # the first of them to end at or after end
        return k if k < hi else None

    return first


def _bucket(value: int, edges: tuple[int, ...]) -> str:
    """The bucket of a count: '0', '1', …, or 'N+' past the last edge."""
    for edge in edges:
        if value <= edge:
            return str(edge)
    return f"{edges[-1]}+"


@lru_cache(maxsize=1024)
def _rule_name(rule: str) -> str:
    """A rule id without its version (features survive a version bump of the rule)."""
    return rule.split("/", 1)[0]


_PUNCT = re.compile(r"[，。；：！？、,.;:!?\s]")


@lru_cache(maxsize=4096)
def _mark(char: str) -> str:
    """A coarse class of a character for features: punctuation is itself, Chinese is 'C', else 'O'."""
    if not char:
        return "END"
    if _PUNCT.match(char) or char in "“”《》‘’()（）":
        return char if not char.isspace() else "NL"
    return "C" if "\u4e00" <= char <= "\u9fff" else "O"


# --------------------------------------------------------------------------- initiatives


@lru_cache(maxsize=1)
def _initiative_heads() -> tuple[str, ...]:
    return longest_first(words(grammar.LEXICON)["head"])


@lru_cache(maxsize=1)
def _head_lengths() -> tuple[frozenset[str], dict[str, tuple[int, ...]]]:
    """The head nouns, and per last character the lengths of the heads ending in it, longest first."""
    heads = _initiative_heads()
    lengths: dict[str, set[int]] = {}
    for head in heads:
        lengths.setdefault(head[-1:], set()).add(len(head))
    return frozenset(heads), {char: tuple(sorted(n, reverse=True)) for char, n in lengths.items()}


def _head_of(name: str) -> str | None:
    """The longest head noun of kg/data/candidates-v1.tsv that ends ``name``."""
    heads, by_last = _head_lengths()
    for n in by_last.get(name[-1:], ()):
        if n <= len(name) and name[-n:] in heads:
            return name[-n:]
    return None


@lru_cache(maxsize=1)
def _triggers() -> frozenset[str]:
    return frozenset(words(grammar.LEXICON)["trigger"]) | frozenset(hand_initiatives.triggers()["launch"])


def initiative_features(context: Context, mention: Mention, rules: set[str], *, old: str,
                        occurrences: int, groups: list[Mention], part_of_longer: bool) -> tuple[str, ...]:
    """Features of one initiative candidate span (``rules``: the rules that proposed it; ``old``: how
    the hand rules' spans relate to it: 'same', 'inside', 'contains', 'overlaps' or 'none')."""
    contains_group = any(mention.start <= g.start and g.end <= mention.end for g in groups)
    return _initiative_features(context, mention, rules, old=old, occurrences=occurrences,
                                contains_group=contains_group, part_of_longer=part_of_longer)


_QUOTES = "“”‘’「」『』《》"
# The bucket features of a name's length and of how often the article names it, by value (the last for all above).
_NAME_LENGTHS = tuple("len=" + _bucket(n, (2, 3, 4, 6, 9, 14)) for n in range(16))
_OCCURRENCES = tuple("occurrences=" + _bucket(n, (1, 2, 4)) for n in range(6))


@lru_cache(maxsize=1024)
def _rule_feature(rule: str) -> str:
    """The feature of a rule that proposed a span (its id without the version).

    >>> _rule_feature("initiative.np/v3")
    'rule=initiative.np'
    """
    return f"rule={_rule_name(rule)}"


_FRAME_ROLES = ("为主题", "为主线", "为载体", "为抓手", "为契机", "为平台")


def _initiative_features(context: Context, mention: Mention, rules: set[str], *, old: str, occurrences: int,
                         contains_group: bool, part_of_longer: bool) -> tuple[str, ...]:
    """:func:`initiative_features`, told whether the span contains a group."""
    text = context.text
    start, end = mention.start, mention.end
    name = text[start:end]
    bare = name.strip(_QUOTES)
    f = [_rule_feature(r) for r in sorted(rules)]
    f.append(f"old={old}")
    head = _head_of(bare)
    f.append(f"head={head}" if head else "head=none")
    if head and len(bare) == len(head):
        f.append("bare_head")
    f.append(f"last1={bare[-1:]}")
    f.append(f"last2={bare[-2:]}")
    f.append(f"first1={bare[:1]}")
    if name.startswith(("“", "‘", "「")):
        f.append("quote_start")
        f.append("quote_whole" if name.endswith(("”", "’", "」")) else "quote_then_head")
    elif "“" in name:
        f.append("quote_inside")
    if name.startswith("《"):
        f.append("document")
    f.append(_NAME_LENGTHS[min(len(bare), 15)])
    before = context.word_before(start)
    f.append(f"before={before}")
    if before in _triggers():
        f.append("before_trigger")
    f.append(f"after={context.word_after(end)}")
    f.append(f"after_mark={_mark(text[end:end + 1])}")
    f.append(f"before_mark={_mark(text[start - 1:start] if start else '')}")
    if end <= context.headline_end:
        f.append("headline")
    s, e = context.sentence_span(start)
    unions = context.unions_between(s, e)
    f.append("union_in_sentence" if unions else "no_union_in_sentence")
    if any(u.end <= start for u in unions):
        f.append("union_before")
    f.append(_OCCURRENCES[min(occurrences, 5)])
    if not hand_initiatives.acceptable_in(text, name):
        f.append("unacceptable")
    if contains_group:
        f.append("contains_group")
    if any(map(str.isdigit, bare)):
        f.append("digit")
    if context.modal_in(s, start):
        f.append("modal_before")
    if "的" in bare:
        f.append("has_de")
    if part_of_longer:
        f.append("part_of_longer")
    lo = context.clause_start(start)
    trigger = _last_trigger(text, max(lo, start - 20), start)
    f.append(f"clause_trigger={trigger}" if trigger else "clause_trigger=none")
    if any(lo <= u.start and u.end <= start for u in unions):
        f.append("union_in_clause_before")
    if text.startswith(_FRAME_ROLES, end):
        f.append("frame_role")
    first = context.word_after(start)
    tags = posseg.word_tags()
    if len(first) <= len(name):
        tag = tags.get(first, "unk")
        f += [f"first_word={first}", f"first_tag={tag}"]
    last = context.token_ends.get(end)
    if last:
        f.append(f"last_tag={tags.get(last, 'unk')}")
    return tuple(f)


@lru_cache(maxsize=1)
def _trigger_pattern() -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, longest_first(_triggers()))))


def _last_trigger(text: str, start: int, end: int) -> str | None:
    """The last trigger verb in text[start:end]."""
    found = None
    for m in _trigger_pattern().finditer(text, start, end):
        found = m.group()
    return found


def _relation(spans: tuple[int, int], other: tuple[int, int]) -> str:
    if spans == other:
        return "same"
    if other[0] <= spans[0] and spans[1] <= other[1]:
        return "inside"
    if spans[0] <= other[0] and other[1] <= spans[1]:
        return "contains"
    if spans[0] < other[1] and other[0] < spans[1]:
        return "overlaps"
    return "none"


def initiative_candidates(doc: Doc, context: Context) -> list[tuple[Mention, tuple[str, ...]]]:
    """Every initiative candidate span of the article (the hand rules' and the grammar's) with its features."""
    snapshot = doc.user_data.get("ukg-snapshot", doc._.ukg_mentions)
    old = [m for m in snapshot if m.kind == INITIATIVE]
    groups = [m for m in snapshot if m.kind == GROUP]
    by_span: dict[tuple[int, int], tuple[Mention, set[str]]] = {}
    for m in old + list(doc.user_data.get("ukg-candidates", ())):
        entry = by_span.setdefault((m.start, m.end), (m, set()))
        entry[1].add(m.rule)
    old_spans = sorted((m.start, m.end) for m in old)
    old_starts = [s for s, _e in old_spans]
    labels = Counter(m.label for m, _r in by_span.values())
    longer_names = sorted({m.label.strip(_QUOTES) for m, _r in by_span.values()}, key=len, reverse=True)
    shorter = [-len(n) for n in longer_names]  # ascending
    joined: dict[int, str] = {}  # k → the k longest names, one a line (a name in one is in one of them)
    group_spans = sorted((g.start, g.end) for g in groups)
    group_starts = [s for s, _e in group_spans]
    out = []
    for (start, end), (mention, rules) in sorted(by_span.items()):
        relation = "none"
        lo = bisect_left(old_starts, start - 40)
        for span in old_spans[lo:bisect_right(old_starts, end)]:
            r = _relation((start, end), span)
            if r != "none" and (relation == "none" or r == "same"):
                relation = r
        bare = mention.label.strip(_QUOTES)
        # (the names longer than this one are the first ones)
        k = bisect_left(shorter, -len(bare))
        if k and "\n" not in bare:
            pool = joined.get(k)
            if pool is None:
                pool = joined[k] = "\n".join(longer_names[:k])
            longer = bare in pool
        else:
            longer = any(bare in n for n in longer_names[:k])
        # (a group inside the span starts in it)
        contains = any(e <= end for _s, e in group_spans[bisect_left(group_starts, start):bisect_right(group_starts, end)])
        features = _initiative_features(context, mention, rules, old=relation, occurrences=labels[mention.label],
                                        contains_group=contains, part_of_longer=longer)
        out.append((mention, features))
    return out


# --------------------------------------------------------------------------- launched


_LEVELS = (("全国总工会", "national"), ("全总", "national"), ("省总工会", "province"), ("自治区总工会", "province"),
           ("市总工会", "city"), ("州总工会", "city"), ("盟总工会", "city"), ("县总工会", "county"),
           ("区总工会", "county"), ("旗总工会", "county"), ("镇总工会", "town"), ("乡总工会", "town"),
           ("街道总工会", "town"), ("工会联合会", "federation"), ("联合工会", "federation"), ("总工会", "other_federation"))


@lru_cache(maxsize=4096)
def _level(label: str) -> str:
    return next((level for suffix, level in _LEVELS if label.endswith(suffix)), "enterprise")


def launched_features(context: Context, union_label: str, init: Mention, *, votes: dict) -> tuple[str, ...]:
    """Features of the pair (a union of the article, an initiative mention)."""
    text = context.text
    f = []
    rule = votes.get((union_label, init.label))
    f.append(f"rule={_rule_name(rule)}" if rule else "rule=none")
    idx = context.sentence(init.start)
    s, e = context.spans[idx] if context.spans else (0, len(text))
    mentions = context.unions_of(union_label)
    in_sentence = [u for u in mentions if s <= u.start < e]
    before = [u for u in in_sentence if u.end <= init.start]
    if in_sentence:
        f.append("same_sentence")
    if before:
        f.append("before_in_sentence")
        # (a union ending before the initiative starts before it too)
        nearest = max((u for u in context.unions_between(s, init.start + 1) if u.end <= init.start), key=lambda u: u.end)
        if nearest.label == union_label:
            f.append("nearest_before")
        anchor = max(before, key=lambda u: u.end)
        if mission._is_object(text, anchor, s):
            f.append("object_marked")
        if mission._host_after().match(text[anchor.end:anchor.end + 6]):
            f.append("host_after")
        gap = init.start - anchor.end
        f.append("gap=" + _bucket(gap, (2, 6, 15, 30)))
    elif in_sentence:
        f.append("after_in_sentence")
    else:
        earlier = [u for u in mentions if u.end <= init.start]
        if earlier:
            k = context.sentence(max(earlier, key=lambda u: u.end).start)
            f.append("sentences_back=" + _bucket(idx - k, (1, 2, 4)))
            if context.para[k] == context.para[idx]:
                f.append("same_paragraph")
        else:
            f.append("only_after")
    if union_label == context.main_union:
        f.append("main")
    f.append("rank=" + _bucket(context.union_rank.get(union_label, 9), (1, 2, 3)))
    f.append("unions=" + _bucket(len(context.union_counts), (1, 2, 3)))
    if any(u.end <= context.headline_end for u in mentions):
        f.append("union_in_headline")
    if context.unions and context.unions[0].label == union_label:
        f.append("first_union")
    f.append(f"level={_level(union_label)}")
    if init.end <= context.headline_end:
        f.append("init_in_headline")
    # (no bucket of the initiative's probability: whether a union launched a span is not how sure the span
    # is an initiative; with it, launched scored .677 cross-validated on the tune split, without it .687)
    return tuple(f)


def _probability_bucket(p: float) -> str:
    for edge, bucket in _PROBABILITY_BUCKETS:
        if p < edge:
            return bucket
    raise StopIteration  # (as next() over no bucket did)


_PROBABILITY_BUCKETS = tuple((edge, f"<{edge}") for edge in (0.3, 0.5, 0.7, 0.9, 1.01))


# --------------------------------------------------------------------------- groups and benefited


@lru_cache(maxsize=1)
def _group_markers() -> tuple[frozenset[str], frozenset[str]]:
    m = mission.markers()
    return frozenset(m["pre"]), frozenset(m["post"])


def group_features(context: Context, group: Mention, *, inits: list[Mention], marked: set[int],
                   agents: set[int], served_by_rules: set[str], occurrences: int) -> tuple[str, ...]:
    """Features of one group candidate: is it a group that an initiative of the article serves?"""
    return _group_features(context, group, inits=inits, marked=marked, agents=agents, served_by_rules=served_by_rules,
                           occurrences=occurrences, memo={})


def _group_features(context: Context, group: Mention, *, inits: list[Mention], marked: set[int], agents: set[int],
                    served_by_rules: set[str], occurrences: int, memo: dict) -> tuple[str, ...]:
    """:func:`group_features`; ``memo`` keeps what depends on the sentence alone between the
    candidates of one article (the same ``inits``)."""
    text = context.text
    pre, post = _group_markers()
    f = [f"rule={_rule_name(group.rule)}", f"ghead={group.label[-2:]}", f"glast={group.label[-1:]}"]
    before, after = context.word_before(group.start), context.word_after(group.end)
    f += [f"gbefore={before}", f"gafter={after}"]
    if before in pre:
        f.append("pre_marker")
    if after in post:
        f.append("post_marker")
    f.append(f"before_mark={_mark(text[group.start - 1:group.start] if group.start else '')}")
    f.append(f"after_mark={_mark(text[group.end:group.end + 1])}")
    if id(group) in marked:
        f.append("marked")
    if id(group) in agents:
        f.append("agent")
    if group.label in served_by_rules:
        f.append("served_by_rules")
    inside = memo.get("inside")
    if inside is None:
        inside = memo["inside"] = _first_container(sorted((i.start, i.end) for i in inits))
    if inside(group.start, group.end) is not None:
        f.append("in_initiative")
    s, e = context.sentence_span(group.start)
    sentence = memo.get((s, e))
    if sentence is None:
        in_sentence = [i for i in inits if s <= i.start < e]
        sentence = memo[(s, e)] = (in_sentence, "inits_in_sentence=" + _bucket(len(in_sentence), (0, 1, 2)),
                                   bool(context.unions_between(s, e)))
    in_sentence, inits_in_sentence, union_in_sentence = sentence
    f.append(inits_in_sentence)
    c = mission._clause(text, group.start)
    if any(c[0] <= i.start < c[1] for i in in_sentence):
        f.append("init_in_clause")
    if group.end <= context.headline_end:
        f.append("headline")
    f.append("len=" + _bucket(len(group.label), (2, 3, 4, 6)))
    f.append("occurrences=" + _bucket(occurrences, (1, 2, 4)))
    if union_in_sentence:
        f.append("union_in_sentence")
    return tuple(f)


def group_candidates(doc: Doc, context: Context,
                     inits: list[Mention]) -> list[tuple[Mention, tuple[str, ...], int]]:
    """Every group candidate of the article with its features and its family, given the chosen initiatives.

    Each group phrase of the grammars comes with its shorter forms at word boundaries (生活困难一线职工,
    困难一线职工, 一线职工, 职工: the family of one phrase); the model weighs the modifiers dropped and
    kept, and of a family the most probable accepted form is taken (:func:`choose_groups`).
    """
    from kg.rules.groups import load_taxonomy

    snapshot = doc.user_data.get("ukg-snapshot", doc._.ukg_mentions)
    groups = sorted((m for m in snapshot if m.kind == GROUP), key=lambda m: m.start)
    if not groups:
        return []
    taxonomy = load_taxonomy()
    text, token_starts = context.text, context.token_starts
    variants: list[tuple[Mention, int, str | None]] = []
    for family, g in enumerate(groups):
        variants.append((g, family, None))
        cuts = [pos for pos in range(g.start + 1, g.end - 1) if pos in token_starts]
        for pos in cuts:
            dropped = text[g.start:pos]
            label = taxonomy.preferred(text[pos:g.end])
            variants.append((Mention(kind=GROUP, text=g.text[pos - g.start:], start=pos, end=g.end, label=label,
                                     rule=g.rule, confidence=g.confidence), family, dropped))
    # the hand rules' marks of a phrase hold for its shorter forms (they look before the phrase and after its head)
    marked_phrases, agent_phrases = _marked_and_agents(context, groups, inits)
    marked = {id(m) for m, family, _d in variants if id(groups[family]) in marked_phrases}
    agents = {id(m) for m, family, _d in variants if id(groups[family]) in agent_phrases}
    served = {obj for _subject, obj in context.votes(inits)[BENEFITED]}
    counts = Counter(g.label for g in groups)
    in_list = _list_features(context, groups, marked_phrases, taxonomy.terms)
    memo: dict = {}
    out = []
    for mention, family, dropped in variants:
        features = _group_features(context, mention, inits=inits, marked=marked, agents=agents,
                                   served_by_rules=served, occurrences=counts[mention.label], memo=memo)
        words = context.words(mention.start, mention.end)
        extra = ["variant=full" if dropped is None else "variant=cut", "words=" + _bucket(len(words), (1, 2, 3))]
        extra += in_list[family]
        extra.append(f"gtag={posseg.word_tags().get(words[-1], 'unk') if words else 'none'}")
        tags = posseg.word_tags()
        if dropped is not None:
            gone = context.words(mention.start - len(dropped), mention.start)
            extra += [f"dropped={gone[-1]}", f"dropped_tag={tags.get(gone[-1], 'unk')}",
                      "dropped_words=" + _bucket(len(gone), (1, 2))]
            if gone[-1] in _keep_modifiers():
                extra.append("dropped_keep")
        if len(words) > 1:
            extra += [f"modifier={words[0]}", f"modifier_tag={tags.get(words[0], 'unk')}"]
            if words[0] in _keep_modifiers():
                extra.append("modifier_keep")
        out.append((mention, features + tuple(extra), family))
    return out


@lru_cache(maxsize=1)
def _keep_modifiers() -> frozenset[str]:
    from kg.rules.groups import _KEEP_MODIFIERS

    return _KEEP_MODIFIERS


def group_lists(text: str, groups: list[Mention]) -> list[int]:
    """The coordination list of each group phrase (sorted by start): phrases joined by 、/和/及/与/以及 …
    (kg.rules.mission's coordination of group phrases) share a list number.

    >>> text = "为环卫工人、快递员和货车司机送清凉"
    >>> gs = [Mention(kind=GROUP, text=w, start=text.find(w), end=text.find(w) + len(w), label=w, rule="x",
    ...               confidence=1.0) for w in ("环卫工人", "快递员", "货车司机")]
    >>> group_lists(text, gs)
    [0, 0, 0]
    """
    lists, current = [], 0
    for k, g in enumerate(groups):
        if k and not (groups[k - 1].end <= g.start and mission._GROUP_COORD.fullmatch(text, groups[k - 1].end, g.start)):
            current += 1
        lists.append(current)
    return lists


def _list_features(context: Context, groups: list[Mention], marked: set[int], terms: frozenset[str]) -> list[list[str]]:
    """Per group phrase: its coordination list's size, whether another item is a taxonomy term or marked
    as served by the hand rules' markers, its place in the list, and a beneficiary marker earlier in
    its clause (为/慰问/面向 … A、B和C)."""
    text = context.text
    lists = group_lists(text, groups)
    members: dict[int, list[int]] = {}
    for k, n in enumerate(lists):
        members.setdefault(n, []).append(k)
    pre = _pre_marker_pattern()
    out = []
    for k, g in enumerate(groups):
        items = members[lists[k]]
        f = ["list=" + _bucket(len(items), (1, 2, 3))]
        if len(items) > 1:
            others = [groups[j] for j in items if j != k]
            if any(o.text in terms or o.label in terms for o in others):
                f.append("list_term")
            if any(id(o) in marked for o in others):
                f.append("list_marked")
            f.append("list_pos=" + ("first" if items[0] == k else "last" if items[-1] == k else "mid"))
        first = groups[items[0]]
        lo = mission._clause(text, first.start)[0]
        if pre.search(text, lo, first.start):
            f.append("clause_pre_marker")
        out.append(f)
    return out


@lru_cache(maxsize=1)
def _pre_marker_pattern() -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, longest_first(_group_markers()[0]))))


def choose_groups(scored: list[tuple[float, float, Mention, int]], *, threshold: float, rule: str) -> list[Mention]:
    """The groups of an article from (p served, p form, candidate, family) of every form of every phrase:
    a family whose most probable form is at or above the threshold is a group, named by its form the
    form model prefers (then the longer); of overlapping families the most probable is kept."""
    families: dict[int, list[tuple[float, float, Mention]]] = {}
    for p, form, mention, family in scored:
        families.setdefault(family, []).append((p, form, mention))
    picked = []
    for family, forms in families.items():
        p = max(f[0] for f in forms)
        if p < threshold:
            continue
        _p, _form, mention = max(forms, key=lambda f: (f[1], f[2].end - f[2].start))
        picked.append((p, mention))
    chosen: list[Mention] = []
    for p, mention in sorted(picked, key=lambda item: (-item[0], item[1].start)):
        if any(mention.start < c.end and c.start < mention.end for c in chosen):
            continue
        chosen.append(Mention(kind=GROUP, text=mention.text, start=mention.start, end=mention.end, label=mention.label,
                              rule=rule, confidence=round(p, 3)))
    return sorted(chosen, key=lambda m: (m.start, m.end))


def benefited_features(context: Context, init: Mention, group: Mention, *, votes: dict,
                       inits_by_sentence: dict) -> tuple[str, ...]:
    """Features of the pair (an initiative mention, a served group mention)."""
    return tuple(_benefited_features(context, init, group, votes=votes, inits_by_sentence=inits_by_sentence,
                                     gi=context.sentence(group.start), ii=context.sentence(init.start), memo={}))


def _benefited_features(context: Context, init: Mention, group: Mention, *, votes: dict, inits_by_sentence: dict,
                        gi: int, ii: int, memo: dict) -> list[str]:
    """:func:`benefited_features`, told the sentences of the two (``gi``, ``ii``); ``memo`` keeps what
    depends on the group alone between the pairs of one group."""
    text = context.text
    f = []
    rule = votes.get((init.label, group.label))
    f.append(f"rule={_rule_name(rule)}" if rule else "rule=none")
    if init.start <= group.start and group.end <= init.end:
        f.append("in_name")
        if mission._served_in_name(text, group, init):
            f.append("in_name_served")
    f.append("sentences=" + str(max(-2, min(2, gi - ii))))
    if gi == ii:
        gc, ic = mission._clause(text, group.start), mission._clause(text, init.start)
        lo, hi = min(gc[0], ic[0]), max(gc[0], ic[0])
        clauses = context.clause_marks(lo, hi)
        f.append("clauses=" + _bucket(clauses, (0, 1, 2)))
        f.append("group_before" if group.end <= init.start else "group_after")
        same = memo.get("same")
        if same is None:
            others = inits_by_sentence.get(gi, [])
            nearest = min(others, key=lambda i: min(abs(i.start - group.end), abs(group.start - i.end)), default=None)
            benefactive = mission._BENEFACTIVE_BEFORE.search(text, max(context.spans[gi][0], group.start - 8),
                                                             group.start)
            same = memo["same"] = ("inits_in_sentence=" + _bucket(len({i.label for i in others}), (1, 2, 3)),
                                   nearest.label if nearest is not None else None, bool(benefactive))
        inits_in_sentence, nearest_label, benefactive = same
        f.append(inits_in_sentence)
        if nearest_label is not None and nearest_label == init.label:
            f.append("nearest_init")
        if benefactive:
            f.append("benefactive_before")
        lo, hi = (init.end, group.start) if init.end <= group.start else (group.end, init.start)
        if 0 <= hi - lo <= 12:
            f += [f"between={w}" for w in context.words(lo, hi)]
        elif hi > lo:
            f.append("between_long")
    else:
        if not inits_by_sentence.get(gi):
            f.append("group_sentence_without_init")
        if context.para[gi] == context.para[ii]:
            f.append("same_paragraph")
    if init.end <= context.headline_end:
        f.append("init_in_headline")
    f.append("init_p=" + _probability_bucket(init.confidence))
    f.append("group_p=" + _probability_bucket(group.confidence))
    return f


@lru_cache(maxsize=4096)
def taxonomy_depth(label: str) -> int | None:
    """How many broader groups stand above a group label in the taxonomy (0: a top-level group such as
    职工, the generic group union news names everywhere); None for a label the taxonomy does not know.

    >>> taxonomy_depth("职工"), taxonomy_depth("女职工"), taxonomy_depth("单身青年职工"), taxonomy_depth("某某工")
    (0, 1, 2, None)
    """
    from kg.rules.groups import load_taxonomy

    taxonomy = load_taxonomy()
    label = taxonomy.preferred(label)
    if label not in taxonomy.broader_of:
        return None
    depth = 0
    while taxonomy.broader_of.get(label) and depth < 3:
        label, depth = taxonomy.broader_of[label][0], depth + 1
    return depth


# the pair features that a generic (top-level) group gets a second copy of, so that the model can weigh
# them apart for groups named everywhere in union news (generic 职工 is linked to far fewer of its
# initiatives than a specific group is)
_GENERIC_CONJOINED = ("rule=", "sentences=", "clauses=", "between=")
_GENERIC_CONJOINED_FLAGS = frozenset({"nearest_init", "benefactive_before", "topic_init", "top_group"})


def _marked_and_agents(context: Context, groups: list[Mention], inits: list[Mention]) -> tuple[set[int], set[int]]:
    """The group mentions the hand rules' markers mark (为/向/面向 Y, Y 参加 …) and those that act as agents."""
    text = context.text
    marked, agents = set(), set()
    skip = [(m.start, m.end) for m in context.unions]
    groups = sorted(groups, key=lambda g: g.start)
    starts = [g.start for g in groups]
    for s, e in context.spans:
        in_sentence = groups[bisect_left(starts, s):bisect_left(starts, e)]
        if not in_sentence:
            continue
        for g, _pos in mission._marked_groups(text, in_sentence, inits, s, e, skip):
            marked.add(id(g))
        for g in in_sentence:
            if mission._memo_test("agent", mission._is_agent, text, g, s, e):
                agents.add(id(g))
    return marked, agents


# --------------------------------------------------------------------------- the cascade


def _hand_votes(doc: Doc, inits: list[Mention]) -> dict[str, dict[tuple[str, str], str]]:
    return _hand_relations(doc, inits)[0]


def _hand_relations(doc: Doc, inits: list[Mention]) -> tuple[dict[str, dict[tuple[str, str], str]], list[Relation]]:
    """ukg_mission run on these initiatives and every group candidate, the doc left as it was: its
    answers as votes (predicate → (subject label, object label) → rule id) and as relations."""
    saved_mentions, saved_relations, saved_index = doc._.ukg_mentions, doc._.ukg_relations, dict(doc.user_data)
    snapshot = doc.user_data.get("ukg-snapshot", saved_mentions)
    groups = [m for m in snapshot if m.kind == GROUP]
    doc._.ukg_mentions = [m for m in saved_mentions if m.kind not in (INITIATIVE, GROUP)] + list(inits) + groups
    doc._.ukg_relations = [r for r in saved_relations if r.predicate not in (LAUNCHED, BENEFITED)]
    try:
        mission.ukg_mission(doc)
        relations = [r for r in doc._.ukg_relations if r.predicate in (LAUNCHED, BENEFITED)]
    finally:
        doc._.ukg_mentions, doc._.ukg_relations = saved_mentions, saved_relations
        doc.user_data.clear()
        doc.user_data.update(saved_index)
    votes: dict[str, dict[tuple[str, str], str]] = {LAUNCHED: {}, BENEFITED: {}}
    for r in relations:
        votes[r.predicate].setdefault((r.subject.label, r.object.label), r.rule)
    return votes, relations


def launched_pairs(doc: Doc, context: Context, inits: list[Mention]) -> list[tuple[str, Mention, tuple[str, ...]]]:
    """(union label, initiative, features) for every union of the article and every chosen initiative."""
    votes = context.votes(inits)[LAUNCHED]
    return [(union_label, init, launched_features(context, union_label, init, votes=votes))
            for init in inits for union_label in sorted(context.union_counts)]


def benefited_pairs(doc: Doc, context: Context, inits: list[Mention],
                    groups: list[Mention]) -> list[tuple[Mention, Mention, tuple[str, ...]]]:
    """(initiative, group, features) for every accepted group and every chosen initiative of its sentence,
    of a sentence of its paragraph at most :data:`MAX_SENTENCE_GAP` away, or of the headline.

    The features are those of the mention pair (the hand rules' answer, sentence and clause distance,
    the words between, the nearest initiative …), what the article says of the two labels (how often
    each is named, whether the group is the article's most named group, the initiative its topic) and
    how generic the group is (its depth in the taxonomy; a top-level group's pair features again,
    prefixed ``generic&``).
    """
    votes = context.votes(inits)[BENEFITED]
    init_sentences = [context.sentence(init.start) for init in inits]
    by_sentence: dict[int, list[Mention]] = {}
    for init, ii in zip(inits, init_sentences):
        by_sentence.setdefault(ii, []).append(init)
    group_counts = Counter(g.label for g in groups)
    init_counts = Counter(i.label for i in inits)
    first_body = next((k for k, (s, _e) in enumerate(context.spans) if s >= context.headline_end), 0)
    topic = {i.label for i in inits if i.end <= context.headline_end or context.sentence(i.start) == first_body}
    top_group = max(sorted(group_counts), key=lambda g: group_counts[g]) if group_counts else None
    counts = {"groups=" + _bucket(len(group_counts), (1, 2, 4, 8)), "inits=" + _bucket(len(init_counts), (1, 2, 4, 8))}
    init_named = {label: "init_named=" + _bucket(n, (1, 2, 4)) for label, n in init_counts.items()}
    para, headline_end = context.para, context.headline_end
    out = []
    for group in groups:
        gi = context.sentence(group.start)
        memo: dict = {}
        group_named = "group_named=" + _bucket(group_counts[group.label], (1, 2, 4))
        depth = taxonomy_depth(group.label)
        group_depth = "gdepth=" + ("unknown" if depth is None else str(min(depth, 2)))
        for init, ii in zip(inits, init_sentences):
            near = abs(gi - ii) <= MAX_SENTENCE_GAP and para[gi] == para[ii]
            if not (near or init.end <= headline_end):
                continue
            features = set(_benefited_features(context, init, group, votes=votes, inits_by_sentence=by_sentence,
                                               gi=gi, ii=ii, memo=memo))
            features.add(group_named)
            features.add(init_named[init.label])
            features |= counts
            features.add(group_depth)
            if depth == 0:
                features |= {"generic&" + x for x in features
                             if x.startswith(_GENERIC_CONJOINED) or x in _GENERIC_CONJOINED_FLAGS}
            if group.label == top_group:
                features.add("top_group")
            if init.label in topic:
                features.add("topic_init")
            out.append((init, group, tuple(sorted(features))))
    return out


def top_of(pairs: list, key) -> set[int]:
    """Indexes of the pairs that are the most probable of their key's (ties: the first)."""
    best: dict = {}
    for k, (p, item) in enumerate(pairs):
        group = key(item)
        if group not in best or p > pairs[best[group]][0]:
            best[group] = k
    return set(best.values())


def decide(doc: Doc, models: ModelSet) -> Doc:
    """Replace the hand rules' initiatives, groups, launched and benefited facts by the models' decisions.

    A decision the model folder has no model for is the hand rules' (``kg train`` writes all five; a
    folder without one measures the model against the hand rule it replaces): the initiatives of
    ukg_initiatives, the group phrases of ukg_groups as written, the launched and benefited relations
    of ukg_mission.
    """
    context = Context(doc)
    snapshot = doc.user_data.get("ukg-snapshot", doc._.ukg_mentions)
    initiative_model = models.get("initiative")
    if initiative_model is None:
        chosen = sorted((m for m in snapshot if m.kind == INITIATIVE), key=lambda m: (m.start, m.end))
    else:
        scored = [(initiative_model.probability(features), mention)
                  for mention, features in initiative_candidates(doc, context)]
        chosen = choose(scored, threshold=initiative_model.threshold, rule=models.rule("initiative"))

    relations: list[Relation] = []
    served: dict[int, Mention] = {}
    # without initiatives no group is served and no union launched anything: nothing to score
    if chosen:
        group_model, form_model = models.get("group"), models.get("group_form")
        if group_model is None:
            groups = sorted((m for m in snapshot if m.kind == GROUP and m.rule != RULE_GROUP_SUFFIX),
                            key=lambda m: (m.start, m.end))
        else:
            groups = choose_groups([(group_model.probability(features),
                                     form_model.probability(features) if form_model else float(family_full), group, family)
                                    for group, features, family, family_full in _with_full(group_candidates(doc, context, chosen))],
                                   threshold=group_model.threshold, rule=models.rule("group"))

        unions_by_label: dict[str, list[Mention]] = {}
        for u in context.unions:
            unions_by_label.setdefault(u.label, []).append(u)
        launched_model, benefited_model = models.get("launched"), models.get("benefited")
        if launched_model is None:
            relations += [r for r in context.hand(chosen)[1] if r.predicate == LAUNCHED]
        else:
            scored_pairs = [(launched_model.probability(f), (u, i)) for u, i, f in launched_pairs(doc, context, chosen)]
            top = top_of(scored_pairs, key=lambda pair: id(pair[1]))
            for k, (p, (union_label, init)) in enumerate(scored_pairs):
                if launched_model.accepts(p, top=k in top):
                    union = _nearest(unions_by_label[union_label], init)
                    relations.append(_fact(context, LAUNCHED, union, init, rule=models.rule("launched"), p=p))
        if benefited_model is None:
            labels = {g.label for g in groups}
            for r in context.hand(chosen)[1]:
                if r.predicate == BENEFITED and r.object.label in labels:
                    served[id(r.object)] = r.object
                    relations.append(r)
        else:
            scored_pairs = [(benefited_model.probability(f), (i, g)) for i, g, f in benefited_pairs(doc, context, chosen, groups)]
            top = top_of(scored_pairs, key=lambda pair: id(pair[1]))
            for k, (p, (init, group)) in enumerate(scored_pairs):
                if benefited_model.accepts(p, top=k in top):
                    served[id(group)] = group
                    relations.append(_fact(context, BENEFITED, init, group, rule=models.rule("benefited"), p=p))
            for init, group, p in coordinated_served(context, snapshot, groups, relations):
                served[id(group)] = group
                relations.append(_fact(context, BENEFITED, init, group, rule=RULE_COORDINATED, p=p))

    # one fact per (predicate, ends, evidence sentence): the most probable (mention pairs of one label pair
    # in one sentence, or names unified, would otherwise make one statement with several confidences)
    best: dict[tuple, Relation] = {}
    for r in relations:
        key = (r.predicate, r.subject.key, r.object.key, r.sentence_start)
        if key not in best or r.confidence > best[key].confidence:
            best[key] = r
    chosen, served, relations = calibrated(models, chosen, served, list(best.values()))
    kept = [m for m in doc._.ukg_mentions if m.kind not in (INITIATIVE, GROUP)]
    mentions = kept + chosen + sorted(served.values(), key=lambda m: (m.start, m.end))
    present = {id(m) for m in mentions}
    others = [r for r in doc._.ukg_relations if r.predicate not in (LAUNCHED, BENEFITED)
              and id(r.subject) in present and id(r.object) in present]
    doc._.ukg_mentions = mentions
    doc._.ukg_relations = others + relations
    mission._unify_group_labels(doc)
    return doc


def calibrated(models: ModelSet, chosen: list[Mention], served: dict[int, Mention],
               relations: list[Relation]) -> tuple[list[Mention], dict[int, Mention], list[Relation]]:
    """The decisions taken, with each model's probability turned into its calibrated confidence
    (:meth:`kg.rules.model.LinearModel.confidence`): the initiatives, the served groups (by id) and the
    launched and benefited facts (benefited.coordinated ones take a served pair's probability: the
    benefited model's calibration); the facts point to the new mentions.  Nothing is decided here.
    """
    by_rule = {models.rule(decision): model for decision, model in models.models.items()}
    fact_rule = dict(by_rule)
    if (benefited := models.get("benefited")) is not None:
        fact_rule[RULE_COORDINATED] = benefited
    if all(model.calibration == NO_CALIBRATION for model in fact_rule.values()):
        return chosen, served, relations
    new: dict[int, Mention] = {}

    def mention(m: Mention) -> Mention:
        model = by_rule.get(m.rule)
        if model is None:
            return m
        if id(m) not in new:
            new[id(m)] = replace(m, confidence=model.confidence(m.confidence))
        return new[id(m)]

    chosen = [mention(m) for m in chosen]
    served = {id(m): m for m in map(mention, served.values())}
    out = []
    for r in relations:
        model = fact_rule.get(r.rule)
        confidence = r.confidence if model is None else model.confidence(r.confidence)
        out.append(replace(r, subject=mention(r.subject), object=mention(r.object), confidence=confidence))
    return chosen, served, out


def coordinated_served(context: Context, snapshot: list[Mention], groups: list[Mention],
                       relations: list[Relation]) -> list[tuple[Mention, Mention, float]]:
    """(initiative, group, p) for the accepted groups that no accepted pair serves but that stand in one
    coordination list with a served group (为A、B和C提供…: what serves one item serves the list): they
    take the served item's initiatives and probabilities (benefited.coordinated).

    >>> from kg.extract.nlp import make_nlp, process
    >>> from kg.records import Article
    >>> doc = process(make_nlp(model="rules"), Article(id="x#0", source_file="x", position=0,
    ...     text="青禾县总工会为环卫工人、快递员和货车司机开展免费体检活动。"))
    >>> g = sorted((m for m in doc._.ukg_mentions if m.kind == GROUP), key=lambda m: m.start)
    >>> i = next(m for m in doc._.ukg_mentions if m.kind == INITIATIVE)
    >>> served = [_fact(Context(doc), BENEFITED, i, g[0], rule="x", p=0.9)]
    >>> [(group.label, p) for _i, group, p in coordinated_served(Context(doc), g, g, served)]
    [('快递员', 0.9), ('货车司机', 0.9)]
    """
    phrases = sorted((m for m in snapshot if m.kind == GROUP), key=lambda m: (m.start, m.end))
    lists = group_lists(context.text, phrases)

    first_phrase = _first_container([(m.start, m.end) for m in phrases])

    def list_of(group: Mention) -> int | None:
        k = first_phrase(group.start, group.end)
        return None if k is None else lists[k]

    serving: dict[int, list[tuple[Mention, float]]] = {}
    served_ids = set()
    for r in relations:
        if r.predicate == BENEFITED:
            served_ids.add(id(r.object))
            if (n := list_of(r.object)) is not None:
                serving.setdefault(n, []).append((r.subject, r.confidence))
    out = []
    # the list's items the group model rejected are served too (a long list's rare occupations)
    accepted = grammar.overlap_test([(g.start, g.end) for g in groups])
    rejected = [Mention(kind=GROUP, text=m.text, start=m.start, end=m.end, label=m.label, rule=RULE_COORDINATED,
                        confidence=m.confidence) for m in phrases if not accepted(m.start, m.end)]
    for group in groups + rejected:
        if id(group) in served_ids or (n := list_of(group)) is None or n not in serving:
            continue
        best: dict[int, tuple[Mention, float]] = {}
        for init, p in serving[n]:
            if id(init) not in best or p > best[id(init)][1]:
                best[id(init)] = (init, p)
        out += [(init, group, p) for init, p in best.values()]
    return out


def _with_full(candidates: list[tuple[Mention, tuple[str, ...], int]]) -> list[tuple[Mention, tuple[str, ...], int, bool]]:
    """The group candidates with a flag for the full form of each phrase (the form without a form model)."""
    return [(m, f, family, "variant=full" in f) for m, f, family in candidates]


def choose(scored: list[tuple[float, Mention]], *, threshold: float, rule: str) -> list[Mention]:
    """The initiatives of an article from its scored candidates: those at or above the threshold, the most
    probable of overlapping spans (then the longer, then the first), with short forms taking the full
    name they abbreviate (kg.rules.initiatives.short_forms)."""
    chosen: list[Mention] = []
    for p, mention in sorted(scored, key=lambda item: (-item[0], -(item[1].end - item[1].start), item[1].start)):
        if p < threshold or any(mention.start < c.end and c.start < mention.end for c in chosen):
            continue
        chosen.append(Mention(kind=INITIATIVE, text=mention.text, start=mention.start, end=mention.end,
                              label=mention.label, rule=rule, confidence=round(p, 3)))
    chosen.sort(key=lambda m: (m.start, m.end))
    labels = hand_initiatives.short_forms([m.label for m in chosen])
    labels.update(_same_names(chosen, labels))
    if labels:
        chosen = [Mention(kind=m.kind, text=m.text, start=m.start, end=m.end, label=labels.get(m.label, m.label),
                          rule=m.rule, confidence=m.confidence) for m in chosen]
    return chosen


def _same_names(chosen: list[Mention], labels: dict[str, str]) -> dict[str, str]:
    """Names of one article that name the same initiative by the scoring's rule (one contains the other
    and is at least half as long, after normalising: “送温暖”活动 ~ “两节”送温暖活动) take the name of the
    most probable of them (then the longer)."""
    best: dict[str, tuple[float, int, str]] = {}
    for m in chosen:
        label = labels.get(m.label, m.label)
        best[label] = max(best.get(label, (0.0, 0, label)), (m.confidence, len(label), label))
    ranked = sorted(best.values(), reverse=True)
    norms = {label: normalize_label(label) for _p, _n, label in ranked}
    out: dict[str, str] = {}
    for k, (_p, _n, label) in enumerate(ranked):
        for _q, _m, better in ranked[:k]:
            if better not in out and labels_match(norms[label], norms[better]):
                out[label] = better
                break
    return {short: out.get(full, full) for short, full in labels.items()} | out


def _nearest(unions: list[Mention], init: Mention) -> Mention:
    """The union mention that states the fact best: the last before the initiative, else the first after."""
    before = [u for u in unions if u.end <= init.start]
    return max(before, key=lambda u: u.end) if before else min(unions, key=lambda u: u.start)


def _fact(context: Context, predicate: str, subject: Mention, obj: Mention, *, rule: str, p: float) -> Relation:
    """A relation whose evidence is the sentence of its object; when its subject stands in another
    sentence, that sentence is its supporting evidence (attrs ``support`` = "start:end"): a fact inferred
    across sentences cites both, and no sentence that names neither end."""
    s, e = context.sentence_span(obj.start)
    attrs: tuple[tuple[str, str], ...] = ()
    if not (s <= subject.start < e):
        ss, se = context.sentence_span(subject.start)
        if ss <= subject.start < se:
            attrs = (("support", f"{ss}:{se}"),)
    return Relation(predicate=predicate, subject=subject, object=obj, sentence_start=s, sentence_end=e,
                    rule=rule, confidence=round(p, 3), attrs=attrs)


@lru_cache(maxsize=4)
def _models(folder: str) -> ModelSet:
    return load_models(Path(folder))


@Language.factory("ukg_decide", default_config={"model": ""})
def make_decide(nlp: Language, name: str, model: str):
    """The ukg_decide component with the models of folder ``model`` (default: the shipped one)."""
    models = _models(model or str(DEFAULT_MODEL))

    def ukg_decide(doc: Doc) -> Doc:
        return decide(doc, models)

    return ukg_decide
