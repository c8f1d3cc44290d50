"""kg.extract.nlp: the pipeline's Doc (jieba's words, by jieba-rs) and its words and spaces."""

from __future__ import annotations

import random

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.nlp import make_doc, make_nlp, process
from kg.records import INITIATIVE, Article
from conftest import SEEDS


@pytest.mark.parametrize("text", ["宁波市总工会开展 “送清凉”活动  \n\n 好 ", "  a b\t\nc ", "", "工会\u3000\u3000职工"])
def test_doc_words_and_text_are_spacys(nlp, text: str) -> None:
    doc = make_doc(nlp, Article(id="x#0", source_file="x", position=0, text=text))
    assert doc.text == Doc.text.__get__(doc) == text
    assert doc._.ukg_mentions == [] and doc._.ukg_relations == []


@pytest.mark.parametrize("text", ["宁波市总工会开展 “送清凉”活动  \n\n 好 ", "  a b\t\nc ", "", "工会\u3000\u3000职工",
                                  "某区 工会 \r\n 开展 活动", "\x00工会\ufeff😀职工 "])
def test_doc_tokens_are_the_docs_words(nlp, text: str) -> None:
    doc = make_doc(nlp, Article(id="x#0", source_file="x", position=0, text=text))
    assert doc.user_data["ukg-tokens"] == [(t.idx, t.idx + len(t.text), t.text) for t in doc]


def _jieba_words(text: str) -> list[str]:
    import jieba

    return [word for word in jieba.cut(text) if word]


@pytest.mark.parametrize(
    "text",
    ["宁波市总工会开展 “送清凉”活动  \n\n 好 ", "  a b\t\nc ", "", "工会\u3000\u3000职工", "2023年12%的C++ 3.5万元",
     "热苏力汗·买买提\r\n说", "\x00工会\ufeff😀职工", "ＡＢ工会ａｂ１２３"],
)
def test_doc_words_are_jieba_cuts(nlp, text: str) -> None:
    doc = nlp.make_doc(text)
    assert [token.text_with_ws for token in doc] == [t.text_with_ws for t in _spacy_jieba(nlp)(text)]


def test_doc_words_are_jieba_cuts_on_the_seeds_and_random_snippets() -> None:
    from kg.extract.nlp import _cut

    rng = random.Random(7)
    texts = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    joined = "".join(texts)
    texts += ["".join(rng.choice(joined) for _ in range(rng.randrange(1, 30))) for _ in range(300)]
    assert [text for text in texts if _cut(text) != _jieba_words(text)] == []


def _spacy_jieba(nlp):
    from spacy.lang.zh import ChineseTokenizer

    return ChineseTokenizer(nlp.vocab, segmenter="jieba")


def test_words_and_spaces_are_spacys() -> None:
    from spacy import util

    from kg.extract.nlp import _cut, _layout, _words_and_spaces

    rng = random.Random(8)
    joined = "".join(path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt")))
    alphabet = list(joined[:3000]) + [" ", " ", "  ", "\n", "\t", "\u3000", "\r\n", "a", "b c"]
    texts = [joined] + ["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 40))) for _ in range(2000)]
    differ = [text for text in texts
              if _words_and_spaces(_cut(text), text) != util.get_words_and_spaces(_cut(text), text)]
    assert differ == []
    # the tokens laid out with the words are the words at their offsets
    for text in texts:
        out, spaces, tokens = _layout(_cut(text), text)
        assert [text[s:e] for s, e, _w in tokens] == [w for _s, _e, w in tokens] == out
        assert all(e + space == s2 for (_s, e, _w), space, (s2, _e, _w2) in zip(tokens, spaces, tokens[1:]))
    pieces = ["工会", " ", "  ", " 职工", "职工 ", "\n", "a b"]  # words spaCy's search must place
    made = [[rng.choice(pieces) for _ in range(rng.randrange(0, 8))] for _ in range(2000)]
    assert [w for w in made if _or_error(_words_and_spaces, w) != _or_error(util.get_words_and_spaces, w)] == []


def _or_error(function, words: list[str]):
    try:
        return function(words, "".join(words))
    except ValueError:  # spaCy's search misplaces a word: then ours must raise too
        return "error"


def test_cut_leaves_a_lone_surrogate_to_jieba() -> None:
    from kg.extract.nlp import _cut

    assert _cut("工会\ud800职工") is None  # Rust takes UTF-8 only; ingest drops such characters anyway
    assert _cut("工会职工") == _jieba_words("工会职工")


def test_like_num_is_spacys() -> None:
    from spacy.lang.zh.lex_attrs import _count_num_words, _single_num_words, like_num

    from kg.extract.nlp import _like_num

    rng = random.Random(5)
    pieces = list(_count_num_words[:12]) + list(_single_num_words[:12]) + ["十", "百", "万", "亿", "工会", "职工", "1", "2.5",
                                                                          ",", "/", "+", "-", "~", "。", "a", "\n", " "]
    words = {"".join(rng.choice(pieces) for _ in range(rng.randint(1, 4))) for _ in range(3000)} | set(pieces)
    assert [_like_num(w) for w in sorted(words)] == [like_num(w) for w in sorted(words)]
    assert any(like_num(w) for w in words) and not all(like_num(w) for w in words)


@Language.component("test_forget_initiatives")
def _forget_initiatives(doc: Doc) -> Doc:
    """A late component that removes the initiatives (and, wrongly, nothing else)."""
    doc._.ukg_mentions = [m for m in doc._.ukg_mentions if m.kind != INITIATIVE]
    return doc


@pytest.mark.parametrize(
    "text",
    [
        "青禾县总工会主席张小明带队，为环卫工人开展“夏送清凉”活动，投入资金20万元。",
        "云溪镇总工会副主席李晓红介绍，镇总工会今年为快递员开展“暖心驿站”服务。",
    ],
)
def test_removing_a_mention_removes_the_relations_that_use_it(text: str) -> None:
    whole = process(make_nlp(), Article(id="x#0", source_file="x", position=0, text=text))
    assert any(INITIATIVE in (r.subject.kind, r.object.kind) for r in whole._.ukg_relations)
    nlp = make_nlp.__wrapped__()  # a pipeline of its own: the shared one is not changed
    nlp.add_pipe("test_forget_initiatives", before="ukg_finish")
    doc = process(nlp, Article(id="x#0", source_file="x", position=0, text=text))
    kept = set(doc._.ukg_mentions)
    assert doc._.ukg_relations, "the relations that do not use an initiative stay"
    assert all(r.subject in kept and r.object in kept for r in doc._.ukg_relations)
    assert not any(INITIATIVE in (r.subject.kind, r.object.kind) for r in doc._.ukg_relations)


@pytest.mark.parametrize(
    "text",
    [
        "青禾县总工会主席张小明带队，为环卫工人开展“夏送清凉”活动，投入资金20万元。",
        "2025年5月，云溪镇总工会为快递员开展“暖心驿站”服务。",
    ],
)
def test_spacys_own_call_equals_process(text: str) -> None:
    nlp = make_nlp()
    by_call = nlp(text)
    by_process = process(nlp, Article(id="text#0", source_file="text", position=0, text=text))
    assert by_call._.ukg_mentions and by_call._.ukg_relations
    assert (by_call._.ukg_mentions, by_call._.ukg_relations) == (by_process._.ukg_mentions, by_process._.ukg_relations)
    assert [(s.start_char, s.end_char, s.label_) for s in by_call.spans["mentions"]] == [
        (m.start, m.end, m.kind) for m in by_call._.ukg_mentions
    ]
