"""Text helpers shared by the stages: simplified-Chinese view, sentences, label normalisation.

Example:
    >>> to_simplified("工會聯合會")
    '工会联合会'
    >>> [TEXT[s:e] for s, e in sentence_spans(TEXT := "甲。乙！\\n丙")]
    ['甲。', '乙！', '丙']
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SENTENCE_END = re.compile(r"[。！？!?；;]+[”’」』)）]*|\n+")
_QUOTE_MARKS = str.maketrans("", "", "“”‘’\"'「」『』《》〈〉()（）【】[] \t\r\n\u3000")
_EDGE_PUNCT = "，。、；：,.;:!?！？."


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → simplified characters, keeping the length (offsets stay valid).

    Phrase-level conversions that would change the length fall back to
    character-by-character conversion for the whole text.
    """
    converter = _t2s()
    converted = converter.convert(text)
    if len(converted) == len(text):
        return converted
    return "".join(c if len(c := converter.convert(ch)) == 1 else ch for ch in text)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text`` (end punctuation included, blanks trimmed)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end() if not match.group().startswith("\n") else match.start()
        _append_trimmed(text, start, end, spans)
        start = match.end()
    _append_trimmed(text, start, len(text), spans)
    return spans


def _append_trimmed(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def normalize_label(label: str) -> str:
    """The matching form of a label used by the gold scoring (NFKC, t2s, no quotes/spaces, edge punctuation stripped).

    >>> normalize_label("“五好”工会创建活动。")
    '五好工会创建活动'
    """
    text = to_simplified(unicodedata.normalize("NFKC", label))
    return text.translate(_QUOTE_MARKS).strip(_EDGE_PUNCT)
