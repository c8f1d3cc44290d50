"""The spaCy pipeline: blank "zh" with the jieba segmenter plus union-kg's rule components.

Each component reads the Doc (whose text is the simplified-character view of
``Article.text``, same length, so offsets are shared) and appends
:class:`kg.records.Mention` records to ``doc._.mentions`` and
:class:`kg.records.Relation` records to ``doc._.relations``.  Mentions are also
mirrored as spans in ``doc.spans["mentions"]`` (label = kind) for inspection.

Example:
    >>> nlp = make_nlp()
    >>> doc = process(nlp, Article(id="x#0", source_file="x", position=0, text="宁波市总工会开展“送清凉”活动"))
    >>> sorted({m.kind for m in doc._.mentions}) >= ["Initiative", "UnionBody"]
    True
"""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy import util
from spacy.lang.zh import ChineseTokenizer
from spacy.language import Language
from spacy.tokens import Doc

from kg.records import Article
from kg.text import to_simplified

from kg.rules import add_mention, add_relation  # noqa: F401  (re-exported for components)

# Component modules register themselves with @Language.component on import.
from kg.rules import places, unions, organizations, persons, quantities, groups, initiatives, mission, dates  # noqa: F401,E501

#: Pipeline order: entities first (places → unions → organisations → persons →
#: groups → initiatives), then quantities (attached to what they measure), then
#: the mission relations (launched, benefited), then the dates of relations.
PIPELINE = (
    "ukg_places",
    "ukg_unions",
    "ukg_organizations",
    "ukg_persons",
    "ukg_groups",
    "ukg_initiatives",
    "ukg_quantities",
    "ukg_mission",
    "ukg_dates",
)

for _name, _default in (("article", None), ("mentions", None), ("relations", None)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)


@lru_cache(maxsize=1)
def make_nlp() -> Language:
    """The shared pipeline (built once per process)."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)  # its dictionary-loading chatter would break `kg build -q`
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    nlp.tokenizer = _Tokenizer(nlp.vocab, segmenter="jieba")
    for name in PIPELINE:
        nlp.add_pipe(name)
    return nlp


class _Doc(Doc):
    """A Doc whose ``text`` is joined once: spaCy joins all tokens on every access, and rules read
    ``doc.text`` per mention or sentence, which made extraction quadratic in the article length."""

    @property
    def text(self) -> str:
        text = self.__dict__.get("_text")
        if text is None:
            text = self.__dict__["_text"] = Doc.text.__get__(self)
        return text


class _Tokenizer(ChineseTokenizer):
    """spaCy's jieba tokenizer (same words and spaces), making a :class:`_Doc` that knows its text.

    spaCy's own made a Doc that :func:`make_doc` then copied into a ``_Doc`` (two Docs per
    article), and joined the tokens again for ``doc.text``.
    """

    def __call__(self, text: str) -> Doc:
        words = [x for x in self.jieba_seg.cut(text, cut_all=False) if x]
        words, spaces = util.get_words_and_spaces(words, text)  # raises unless the words make up the text
        doc = _Doc(self.vocab, words=words, spaces=spaces)
        doc.__dict__["_text"] = text
        return doc


def make_doc(nlp: Language, article: Article) -> Doc:
    """A Doc over the simplified view of the article, with empty mention/relation lists.

    Like spaCy, refuses text longer than ``nlp.max_length`` (ValueError); :func:`kg.extract.extract`
    cuts long articles into pieces first.
    """
    doc = nlp.make_doc(to_simplified(article.text))
    if not isinstance(doc, _Doc):  # a pipeline made elsewhere (spaCy's own tokenizer)
        doc = _Doc(doc.vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_) for t in doc])
    doc._.article = article
    doc._.mentions = []
    doc._.relations = []
    return doc


def process(nlp: Language, article: Article) -> Doc:
    """Run the whole pipeline over one article."""
    doc = make_doc(nlp, article)
    for _name, component in nlp.pipeline:
        doc = component(doc)
    doc.spans["mentions"] = [
        span
        for m in doc._.mentions
        if (span := doc.char_span(m.start, m.end, label=m.kind, alignment_mode="expand")) is not None
    ]
    return doc
