"""kg.zh.text: the simplified-character view and the cutting of long texts into pieces."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from kg.zh.text import _t2s, piece_spans, sentence_spans, to_simplified


def _opencc_per_run(text: str) -> str:
    """The reference: OpenCC t2s itself, character by character where a phrase changes the length."""
    converter = _t2s()
    converted = converter.convert(text)
    if len(converted) == len(text):
        return converted
    return "".join(c if len(c := converter.convert(ch)) == 1 else ch for ch in text)


def test_to_simplified_equals_opencc() -> None:
    import opencc

    folder = Path(opencc.__file__).parent / "dictionary"
    chars = [line.split("\t")[0] for line in (folder / "TSCharacters.txt").read_text("utf-8").splitlines()]
    phrases = [line.split("\t")[0] for line in (folder / "TSPhrases.txt").read_text("utf-8").splitlines()]
    rng = random.Random(0)
    alphabet = chars + phrases + list("，。、 a工会\n") * 50
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        assert to_simplified(text) == _opencc_per_run(text), text


@pytest.mark.parametrize("text", ["工會聯合會", "乾隆年間", "一目瞭然", "abc 123", "", "工" * 5000])
def test_to_simplified_keeps_the_length(text: str) -> None:
    assert len(to_simplified(text)) == len(text)
    assert to_simplified(text) == _opencc_per_run(text)


@pytest.mark.parametrize(
    ("text", "limit", "pieces"),
    [
        ("甲乙。丙丁。\n戊己。", 5, ["甲乙。", "丙丁。\n", "戊己。"]),
        ("一二三四五六七八九十", 4, ["一二三四", "五六七八", "九十"]),  # no marks: cut at the limit
        ("一二三,四五六七八", 6, ["一二三,", "四五六七八"]),  # a clause mark
        ("第一段很长。\n第二段", 100, ["第一段很长。\n第二段"]),
        ("", 5, []),
    ],
)
def test_piece_spans(text: str, limit: int, pieces: list[str]) -> None:
    assert [text[s:e] for s, e in piece_spans(text, limit=limit)] == pieces


def test_piece_spans_cover_the_text_in_order_within_the_limit() -> None:
    rng = random.Random(1)
    for _ in range(300):
        text = "".join(rng.choice("甲乙丙。,\n ") for _ in range(rng.randint(0, 300)))
        start, limit, run, sentence = rng.randint(0, 10), rng.randint(1, 40), rng.randint(1, 30), rng.randint(1, 60)
        spans = piece_spans(text, limit=limit, start=start, run=run, sentence=sentence)
        assert "".join(text[s:e] for s, e in spans) == text[start:]
        assert all(0 < e - s <= limit for s, e in spans)
        # no piece holds a stretch of more than ``run`` characters without a clause mark, nor of more
        # than ``sentence`` (or ``run``, when that is longer) without a sentence end
        assert all(len(part) <= run for s, e in spans for part in re.split(r"[。,\n]", text[s:e]))
        assert all(len(part) <= max(run, sentence) for s, e in spans for part in re.split(r"[。\n]", text[s:e]))


def test_stretches_without_clause_marks_or_sentence_ends_get_pieces_of_their_own() -> None:
    text = "第一句。" * 3 + "无标点" * 400 + "。后文。"
    assert [e - s for s, e in piece_spans(text, limit=10_000, run=500)] == [12, 500, 500, 204]
    text = "第一句。" * 3 + "一个分句," * 1000 + "。"
    assert [e - s for s, e in piece_spans(text, limit=10_000, sentence=2000)] == [12, 2000, 2000, 1001]


def test_sentence_spans() -> None:
    text = "甲。乙！\n丙"
    assert [text[s:e] for s, e in sentence_spans(text)] == ["甲。", "乙！", "丙"]


def test_the_string_table_translates_as_the_dict() -> None:
    """to_simplified's string table (characters below U+10000) gives the dict's translation; text with
    a character beyond goes through the dict."""
    from kg.zh.text import _t2s_tables, _translate

    table, _phrases = _t2s_tables()
    keys = sorted(chr(key) for key in table)
    rng = random.Random(1)
    alphabet = keys + [chr(max(table) + 1), "\U0002a6a5", "\ud800", "\uffff", "工", "a", "，"] * 20
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 20)))
        assert _translate(text, table) == text.translate(table), text


@pytest.mark.parametrize("text", ["", "１２，３．５％", "，，", "abc", "０１２３４５６７８９．％，～－"])
def test_replace_chars_is_translate(text: str) -> None:
    from kg.zh.text import replace_chars

    table = str.maketrans("０１２３４５６７８９．％，～－", "0123456789.%,~-")
    pairs = tuple((chr(a), chr(b)) for a, b in table.items())
    assert replace_chars(text, pairs) == text.translate(table)
