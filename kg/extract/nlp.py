"""The spaCy pipeline: blank "zh" with the jieba segmenter plus union-kg's rule components.

Each component reads the Doc (whose text is the simplified-character view of
``Article.text``, same length, so offsets are shared) and appends
:class:`kg.records.Mention` records to ``doc._.ukg_mentions`` and
:class:`kg.records.Relation` records to ``doc._.ukg_relations``.  Mentions are also
mirrored as spans in ``doc.spans["mentions"]`` (label = kind) for inspection.

Example:
    >>> nlp = make_nlp()
    >>> doc = process(nlp, Article(id="x#0", source_file="x", position=0, text="宁波市总工会开展“送清凉”活动"))
    >>> {m.kind for m in doc._.ukg_mentions} >= {"Initiative", "UnionBody"}
    True

spaCy's own call works too (the text is then taken as it is, as one article named ``text``; use
:func:`process` for traditional script, which the Doc sees simplified):

    >>> doc = nlp("青禾县总工会为环卫工人开展“夏送清凉”活动。")
    >>> [(span.text, span.label_) for span in doc.spans["mentions"]]
    [('青禾县总工会', 'UnionBody'), ('“夏送清凉”活动', 'Initiative'), ('环卫工人', 'BeneficiaryGroup')]
"""

from __future__ import annotations

import re
from functools import lru_cache

import spacy
from spacy import util
from spacy.attrs import LIKE_NUM
from spacy.lang.zh import ChineseTokenizer
from spacy.language import Language
from spacy.tokens import Doc
from spacy.tokens.underscore import Underscore

from kg.records import Article
from kg.zh.text import to_simplified


# Component modules register themselves with @Language.component on import.
from kg.rules import places, unions, organizations, persons, quantities, groups, initiatives, candidates, mission, decide, dates  # noqa: F401,E501

#: Pipeline order: entities first (places → unions → organisations → persons →
#: groups → initiatives), then quantities (attached to what they measure), then
#: the mission relations (launched, benefited), then the dates of relations.
PIPELINE = (
    "ukg_article",
    "ukg_places",
    "ukg_unions",
    "ukg_organizations",
    "ukg_persons",
    "ukg_groups",
    "ukg_initiatives",
    "ukg_candidates",
    "ukg_quantities",
    "ukg_mission",
    "ukg_decide",
    "ukg_dates",
    "ukg_finish",
)
#: ``make_nlp(model=RULES)``: the hand rules alone, without the learned decisions of ukg_decide.
RULES = "rules"
#: ``make_nlp(model=SHIPPED)``: the decision models shipped in kg/data/model.
SHIPPED = "shipped"
#: What ``make_nlp()`` runs.
DEFAULT_MODEL = SHIPPED

for _name, _default in (("ukg_article", None), ("ukg_mentions", None), ("ukg_relations", None)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)


@lru_cache(maxsize=4)
def make_nlp(model: str | None = None) -> Language:
    """The shared pipeline (built once per process and model).

    ``model`` is a folder of decision models written by ``kg train``, :data:`SHIPPED` for those in
    kg/data/model, or :data:`RULES` for the hand rules alone (no ukg_decide); default
    :data:`DEFAULT_MODEL`.
    """
    model = model or DEFAULT_MODEL
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)  # its dictionary-loading chatter would break `kg build -q`
    # Made with spaCy's "char" segmenter, whose tokenizer is replaced: with "jieba", spaCy loads jieba's
    # dictionary (0.6 s a process), which _Tokenizer only needs when jieba-rs is missing.
    nlp = spacy.blank("zh")
    nlp.tokenizer = _Tokenizer(nlp.vocab)
    nlp.vocab.lex_attr_getters[LIKE_NUM] = _like_num
    for name in PIPELINE:
        if name == "ukg_decide":
            if model != RULES:
                nlp.add_pipe(name, config={"model": "" if model == SHIPPED else str(model)})
        elif name == "ukg_mission" and model != RULES:
            continue  # ukg_decide asks the mission rules about the initiatives it chose itself
        else:
            nlp.add_pipe(name)
    return nlp


class _Doc(Doc):
    """A Doc whose ``text`` is joined once: spaCy joins all tokens on every access, and rules read
    ``doc.text`` per mention or sentence, which made extraction quadratic in the article length.
    Its ``doc._`` is a :class:`_DocUnderscore`."""

    @property
    def text(self) -> str:
        text = self.__dict__.get("_text")
        if text is None:
            text = self.__dict__["_text"] = Doc.text.__get__(self)
        return text

    @property
    def _(self) -> Underscore:
        return _DocUnderscore(self)


_get = object.__getattribute__


class _DocUnderscore(Underscore):
    """spaCy's ``doc._`` (the Doc's extension attributes), with the plain values (an extension with a
    default and no getter, setter or method, such as ``ukg_mentions``) read and written in ``doc.user_data``
    directly, where spaCy keeps them; everything else goes through spaCy's Underscore.

    spaCy's object took 2.3 µs a read (four attributes set per ``doc._``, then a failed attribute look-up
    before ``__getattr__``), and the rules read ``doc._`` about 60 times an article.

    >>> doc = make_doc(make_nlp(), Article(id="x#0", source_file="x", position=0, text="职工"))
    >>> doc._.ukg_relations = ["r"]
    >>> doc._.ukg_relations, doc._.get("ukg_relations"), doc._.has("ukg_mentions"), isinstance(doc._, Underscore)
    (['r'], ['r'], True, True)
    """

    __slots__ = ("_owner",)

    def __init__(self, doc: Doc) -> None:
        object.__setattr__(self, "_owner", doc)

    def __getattribute__(self, name: str):
        extension = Underscore.doc_extensions.get(name)
        if extension is not None and extension[1] is None and extension[2] is None \
                and not isinstance(extension[0], Underscore.mutable_types):
            return _get(self, "_owner").user_data.get(("._.", name, None, None), extension[0])
        return getattr(Underscore(Underscore.doc_extensions, _get(self, "_owner")), name)

    def __setattr__(self, name: str, value) -> None:
        extension = Underscore.doc_extensions.get(name)
        if extension is not None and extension[3] is None:
            _get(self, "_owner").user_data[("._.", name, None, None)] = value
        else:
            setattr(Underscore(Underscore.doc_extensions, _get(self, "_owner")), name, value)

    def __dir__(self) -> list[str]:
        return dir(Underscore(Underscore.doc_extensions, _get(self, "_owner")))


def _like_num(text: str) -> bool:
    """spaCy's Chinese ``like_num`` lexical attribute (spacy.lang.zh.lex_attrs), with its pattern
    compiled and its word list a set: spaCy computes it for every new word of the vocabulary (a fifth of
    the tokenizer's time on unseen text), building the pattern's string each time.

    >>> [_like_num(w) for w in ("三千", "1,000", "3/4", "工会", "十五")]
    [True, True, True, False, True]
    """
    if text.startswith(("+", "-", "±", "~")):
        text = text[1:]
    text = text.replace(",", "").replace(".", "").replace("，", "").replace("。", "")
    if text.isdigit():
        return True
    if text.count("/") == 1:
        num, denom = text.split("/")
        if num.isdigit() and denom.isdigit():
            return True
    single, pattern = _num_words()
    return text in single or pattern.match(text) is not None


@lru_cache(maxsize=1)
def _num_words() -> tuple[frozenset[str], re.Pattern[str]]:
    from spacy.lang.zh import lex_attrs

    count, base = lex_attrs._count_num_words, lex_attrs._base_num_words
    pattern = re.compile("^((" + "|".join(count) + "){1}" + "(" + "|".join(base) + "){1})+" + "(" + "|".join(count) + ")?$")
    return frozenset(lex_attrs._single_num_words), pattern


def _cut(text: str) -> list[str] | None:
    """jieba's segmentation (``jieba.cut(text)``, with its HMM) by jieba-rs, the Rust port of jieba
    with the same dictionary: about 20 times as fast; ``None`` when it is not installed.

    The words are the same as jieba.cut's (checked on the seeds and on the generated benchmark
    corpora, and by tests/test_extract_nlp.py); :class:`_Tokenizer` still falls back to jieba if they do not
    make up the text.

    >>> _cut("宁波市总工会开展送清凉活动")
    ['宁波市', '总工会', '开展', '送', '清凉', '活动']
    """
    if _RJIEBA is None:
        return None
    try:
        return list(filter(None, _RJIEBA.cut(text)))  # (no empty words)
    except UnicodeEncodeError:  # a lone surrogate (a JSON "\ud800" escape) is no UTF-8 for Rust
        return None


def _words_and_spaces(words: list[str], text: str) -> tuple[list[str], list[bool]]:
    r"""spaCy's ``util.get_words_and_spaces(words, text)`` for words that make up ``text`` exactly.

    spaCy's searches each word in the rest of the text (a copy of it per word: quadratic in the
    article length); here the words' positions are known.  Same result: whitespace words are
    dropped, one space after a word becomes its trailing space, other whitespace becomes a token.

    >>> _words_and_spaces(["工会", " ", "职工", "  ", "好", "\n"], "工会 职工  好\n")
    (['工会', '职工', ' ', '好', '\n'], [True, True, False, False, False])
    """
    out, spaces, _tokens = _layout(words, text)
    return out, spaces


def _layout(words: list[str], text: str) -> tuple[list[str], list[bool], list[tuple[int, int, str]]]:
    """:func:`_words_and_spaces`, and the Doc's tokens as (start, end, word) (non-empty words)."""
    out: list[str] = []
    spaces: list[bool] = []
    tokens: list[tuple[int, int, str]] = []
    at = 0  # end of the text taken so far (words, trailing spaces, whitespace tokens)
    position = 0  # end of the current word
    for word in words:
        start = position
        position += len(word)
        if word[0].isspace():
            if word.isspace():
                continue
            # whitespace glued to a word: spaCy's search would decide
            out, spaces = util.get_words_and_spaces(words, text)
            return out, spaces, _tokens_of(out, spaces)
        if start > at:
            out.append(text[at:start])
            spaces.append(False)
            tokens.append((at, start, out[-1]))
        out.append(word)
        tokens.append((start, position, word))
        if text.startswith(" ", position):
            spaces.append(True)
            at = position + 1
        else:
            spaces.append(False)
            at = position
    if at < len(text):
        out.append(text[at:])
        spaces.append(False)
        tokens.append((at, len(text), out[-1]))
    return out, spaces, tokens


def _tokens_of(words: list[str], spaces: list[bool]) -> list[tuple[int, int, str]]:
    """The (start, end, word) of a Doc's words and trailing spaces."""
    tokens, at = [], 0
    for word, space in zip(words, spaces):
        tokens.append((at, at + len(word), word))
        at += len(word) + space
    return tokens


try:
    import rjieba as _RJIEBA
except ImportError:  # pragma: no cover - a declared dependency; jieba itself still works
    _RJIEBA = None


class _Tokenizer(ChineseTokenizer):
    """spaCy's jieba tokenizer (same words and spaces), making a :class:`_Doc` that knows its text.

    spaCy's own made a Doc that :func:`make_doc` then copied into a ``_Doc`` (two Docs per
    article), and joined the tokens again for ``doc.text``.  The words come from :func:`_cut`;
    jieba itself (and its dictionary) is loaded only when they cannot be used.
    """

    def __init__(self, vocab) -> None:
        super().__init__(vocab, segmenter="char")
        self.segmenter = "jieba"

    def __call__(self, text: str) -> Doc:
        words = _cut(text)
        exact = words is not None and "".join(words) == text
        if not exact:
            if self.jieba_seg is None:
                import jieba

                self.jieba_seg = jieba
            words = [x for x in self.jieba_seg.cut(text, cut_all=False) if x]
            exact = "".join(words) == text
        if exact:
            words, spaces, tokens = _layout(words, text)
        else:
            words, spaces = util.get_words_and_spaces(words, text)  # raises unless the words make up the text
            tokens = _tokens_of(words, spaces)
        doc = _Doc(self.vocab, words=words, spaces=spaces)
        doc.__dict__["_text"] = text
        # the words as (start, end, word), which the rules read (kg.rules.candidates.doc_tokens): the
        # same as from the Doc's tokens, without making a Token per word
        doc.user_data["ukg-tokens"] = tokens
        return doc


def make_doc(nlp: Language, article: Article) -> Doc:
    """A Doc over the simplified view of the article, with empty mention/relation lists.

    Like spaCy, refuses text longer than ``nlp.max_length`` (ValueError); :func:`kg.extract.article.extract`
    cuts long articles into pieces first.
    """
    doc = nlp.make_doc(to_simplified(article.text))
    if not isinstance(doc, _Doc):  # a pipeline made elsewhere (spaCy's own tokenizer)
        doc = _Doc(doc.vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_) for t in doc])
    doc._.ukg_article = article
    doc._.ukg_mentions = []
    doc._.ukg_relations = []
    return doc


def process(nlp: Language, article: Article) -> Doc:
    """Run the whole pipeline over one article.

    A relation whose subject or object is no longer a mention (a later component removed it) is
    dropped with it, so the graph never gets an untyped, unlabelled node.

    >>> doc = process(make_nlp(), Article(id="x#0", source_file="x", position=0,
    ...     text="青禾县总工会为环卫工人开展“夏送清凉”活动。"))
    >>> kept = set(doc._.ukg_mentions)
    >>> all(r.subject in kept and r.object in kept for r in doc._.ukg_relations)
    True
    """
    doc = make_doc(nlp, article)
    for _name, component in nlp.pipeline:
        doc = component(doc)
    return doc


@Language.component("ukg_article")
def ukg_article(doc: Doc) -> Doc:
    """First component: a Doc made by ``nlp(text)`` (not by :func:`make_doc`) is one article named
    ``text`` with empty mention and relation lists."""
    if doc._.ukg_article is None:
        doc._.ukg_article = Article(id="text#0", source_file="text", position=0, text=doc.text)
        doc._.ukg_mentions = []
        doc._.ukg_relations = []
    return doc


@Language.component("ukg_finish")
def ukg_finish(doc: Doc) -> Doc:
    """Last component: relations whose subject or object an earlier component removed are dropped with
    it; the mentions are mirrored as ``doc.spans["mentions"]`` (label = kind)."""
    kept = set(doc._.ukg_mentions)
    doc._.ukg_relations = [r for r in doc._.ukg_relations if r.subject in kept and r.object in kept]
    doc.spans["mentions"] = [
        span
        for m in doc._.ukg_mentions
        if (span := doc.char_span(m.start, m.end, label=m.kind, alignment_mode="expand")) is not None
    ]
    return doc
