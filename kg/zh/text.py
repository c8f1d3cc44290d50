"""Text helpers shared by the stages: simplified-Chinese view, sentences, label normalisation.

Example:
    >>> to_simplified("工會聯合會")
    '工会联合会'
    >>> text = "甲。乙！\\n丙"
    >>> [text[s:e] for s, e in sentence_spans(text)]
    ['甲。', '乙！', '丙']
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

_SENTENCE_END = re.compile(r"[。！？!?；;]+[”’」』)）]*|\n+")
_QUOTE_MARKS = str.maketrans("", "", "“”‘’\"'「」『』《》〈〉()（）【】[] \t\r\n\u3000")
_EDGE_PUNCT = "，。、；：,.;:!?！？."


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


# OpenCC's t2s tables only have keys made of CJK characters (U+2E80 and up).  The pure-Python converter
# is slow (about 10 µs a character), so text without any of its phrase keys, nearly all text, goes
# through an equivalent character table (str.translate); runs that contain a phrase key go through the
# converter, cut at 1,000 characters (hostile input: megabytes of CJK without punctuation).
_CONVERTIBLE = re.compile(r"[\u2e80-\U0010ffff]{1,1000}")
#: Texts longer than twice this (characters) are converted a piece at a time (bounded work memory).
_CHUNK = 1 << 18


@lru_cache(maxsize=1)
def _t2s_tables() -> tuple[dict[int, str], re.Pattern[str]] | None:
    """(character table, pattern of phrase keys) equivalent to OpenCC t2s, or None if its files moved."""
    import opencc

    folder = Path(opencc.__file__).parent / "dictionary"
    try:
        char_keys = [line.split("\t", 1)[0] for line in (folder / "TSCharacters.txt").read_text("utf-8").splitlines()]
        phrase_keys = [line.split("\t", 1)[0] for line in (folder / "TSPhrases.txt").read_text("utf-8").splitlines()]
    except OSError:
        return None
    converter = _t2s()
    table = {}
    for key in char_keys:
        if len(key) == 1 and len(value := converter.convert(key)) == 1 and value != key:
            table[ord(key)] = value
    keys = sorted({key for key in phrase_keys if key}, key=len, reverse=True)
    return table, re.compile("|".join(map(re.escape, keys)))


# str.translate with a dict raises and catches a KeyError for every character the dict lacks (nearly
# all of them); with a string as the table, character i of the string is the image of code point i
# (itself where the dict has no key), and code points past its end stay as they are.  The keys
# outside the Basic Multilingual Plane (a few hundred rare characters, up to U+2B726) would make it
# some eight times as large: text holding such a character goes through the dict.
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


@lru_cache(maxsize=1)
def _t2s_string() -> str | None:
    """The t2s character table as a string over the code points up to its last key below U+10000."""
    tables = _t2s_tables()
    if tables is None:
        return None
    table = tables[0]
    end = max((key for key in table if key < 0x10000), default=-1) + 1
    chars = list(map(chr, range(end)))
    for key, value in table.items():
        if key < end:
            chars[key] = value
    return "".join(chars)


@lru_cache(maxsize=1)
def _t2s_keys() -> re.Pattern[str]:
    """The keys of the t2s character table below U+10000, as one character class (with a key beyond,
    the regex engine would test the class range by range; without, it is a bitmap)."""
    tables = _t2s_tables()
    keys = sorted(chr(key) for key in (tables[0] if tables is not None else ()) if key < 0x10000)
    return re.compile("[" + "".join(map(re.escape, keys)) + "]" if keys else "(?!)")


def _translate(text: str, table: dict[int, str]) -> str:
    """``text.translate(table)`` for the t2s character table (``text`` itself when none of its
    characters is a key: most text is simplified already).  A text of millions of characters is
    translated a piece at a time (str.translate's buffer peaks at several times the text)."""
    if len(text) > 2 * _CHUNK:
        return "".join(_translate(text[i : i + _CHUNK], table) for i in range(0, len(text), _CHUNK))
    string = _t2s_string()
    if string is None or _ASTRAL.search(text):
        return text.translate(table)
    if not _t2s_keys().search(text):
        return text
    return text.translate(string)


def replace_chars(text: str, pairs: tuple[tuple[str, str], ...]) -> str:
    """``text.translate`` for a few one-character replacements whose results are none of the replaced
    characters, as str.replace calls (C scans; translate looks every character up in a dict).

    >>> replace_chars("１２，３", (("１", "1"), ("２", "2"), ("，", ",")))
    '12,３'
    """
    for old, new in pairs:
        if old in text:
            text = text.replace(old, new)
    return text


def to_simplified(text: str) -> str:
    """Traditional → simplified characters, keeping the length (offsets stay valid).

    A run of CJK characters whose phrase-level conversion would change its length
    is converted character by character instead.
    """
    tables = _t2s_tables()
    if tables is not None and not tables[1].search(text):
        return _translate(text, tables[0])
    if len(text) > 2 * _CHUNK:  # re.sub keeps every run and every piece between runs in a list: a piece at a time
        return "".join(to_simplified(piece) for piece in _between_runs(text))
    return _CONVERTIBLE.sub(lambda match: _convert_run(match.group()), text)


_PLAIN = re.compile(r"[^\u2e80-\U0010ffff]")


def _between_runs(text: str) -> Iterator[str]:
    """``text`` in pieces of about :data:`_CHUNK` characters, cut only before a character that is in no
    run of :data:`_CONVERTIBLE` (so each run, and its cuts every 1,000 characters, is the same)."""
    start = 0
    while start < len(text):
        match = _PLAIN.search(text, start + _CHUNK) if start + _CHUNK < len(text) else None
        end = match.start() if match else len(text)
        yield text[start:end]
        start = end


def _convert_run(run: str) -> str:
    tables = _t2s_tables()
    if tables is not None and not tables[1].search(run):
        return _translate(run, tables[0])
    converter = _t2s()
    converted = converter.convert(run)
    if len(converted) == len(run):
        return converted
    return "".join(c if len(c := converter.convert(ch)) == 1 else ch for ch in run)


def start_pattern(words: Iterable[str]) -> re.Pattern[str]:
    """A regex that finds where one of ``words`` may start: a first character of a longer word before
    a second character of one, or a one-character word (a superset of the real starts, found by the
    regex engine, so that a scan need not look up every character).

    >>> pattern = start_pattern(["职工", "工会", "家"])
    >>> [m.start() for m in pattern.finditer("全市职工之家")]
    [2, 5]
    """
    words = set(words)
    singles = "".join(sorted({w for w in words if len(w) == 1}))
    firsts = "".join(sorted({w[0] for w in words if len(w) > 1}))
    seconds = "".join(sorted({w[1] for w in words if len(w) > 1}))
    alternatives = ([f"[{re.escape(firsts)}](?=[{re.escape(seconds)}])"] if firsts else []) + (
        [f"[{re.escape(singles)}]"] if singles else [])
    return re.compile("|".join(alternatives) or "(?!)")


def finditer_at(pattern: re.Pattern[str], starts: re.Pattern[str], text: str, pos: int = 0,
                endpos: int | None = None) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text, pos, endpos)`` for a pattern that never matches the empty string and
    whose matches can only start where ``starts`` finds a character: the pattern is tried at those
    positions only.

    A pattern that opens with a look-behind, an optional group or an alternation is otherwise tried
    at every character; a character class alone lets the regex engine skip ahead by itself.

    >>> [m.group() for m in finditer_at(re.compile(r"(?<!第)[一二三]个"), re.compile("[一二三]"), "第一个和三个")]
    ['三个']
    """
    if endpos is None:
        endpos = len(text)
    while (candidate := starts.search(text, pos, endpos)) is not None:
        match = pattern.match(text, candidate.start(), endpos)
        if match is None:
            pos = candidate.start() + 1
            continue
        yield match
        pos = match.end()


class TextMemo:
    """Values a rule computes per position (or chunk) of the text at hand, kept until it is asked
    about another text.  Per text only: a memo across articles would be filled by the sentences a
    corpus repeats, which real archives do not.

    >>> memo = TextMemo()
    >>> text = "工会"
    >>> memo.of(text)[0] = "n"
    >>> memo.of(text), memo.of("职工")
    ({0: 'n'}, {})
    """

    def __init__(self) -> None:
        self._text: str | None = None
        self._values: dict = {}

    def of(self, text: str) -> dict:
        """The values kept for ``text`` (emptied when the last text asked about was another)."""
        if self._text is not text:
            self._text, self._values = text, {}
        return self._values


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text`` (end punctuation included, blanks trimmed).

    Most rule components ask for the sentences of the same text: they are kept for the last few texts.
    """
    return list(_sentence_spans(text))


@lru_cache(maxsize=8)
def _sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(iter_sentence_spans(text))


def iter_sentence_spans(text: str) -> Iterator[tuple[int, int]]:
    """:func:`sentence_spans` one at a time (memory bounded by a sentence, for texts of any length).

    >>> list(iter_sentence_spans("甲乙。 丙丁!\\n\\n戊"))
    [(0, 3), (4, 7), (9, 10)]
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end() if not match.group().startswith("\n") else match.start()
        _append_trimmed(text, start, end, spans)
        if spans:
            yield spans.pop()
        start = match.end()
    _append_trimmed(text, start, len(text), spans)
    yield from spans


#: Marks that end a clause, and a sentence, for every rule (text without them is not prose).
_CLAUSE_END = re.compile(r"[，。；！？,;!?\n]")
_SENTENCE_MARK = re.compile(r"[。；！？!?;\n]")


def piece_spans(
    text: str, *, limit: int, start: int = 0, run: int = 500, sentence: int = 2000
) -> list[tuple[int, int]]:
    """Consecutive spans covering ``text[start:]``, each at most ``limit`` characters long.

    Cuts fall after the last line break in the second half of the window, else after a sentence end,
    else after a clause mark or white space, else (text without any) at the limit.  Stretches that are
    no prose get pieces of their own: more than ``run`` characters without a clause mark (，。；！？ or a
    line break) are cut every ``run`` characters, more than ``sentence`` characters without a sentence
    end at the last clause mark within ``sentence`` characters (rules that search a whole clause or
    sentence per match take quadratic time on them).

    >>> piece_spans("甲乙。丙丁。\\n戊己。", limit=5)
    [(0, 3), (3, 7), (7, 10)]
    >>> piece_spans("甲乙。" + "丙" * 7 + "。", limit=20, run=4)
    [(0, 3), (3, 7), (7, 11)]
    >>> piece_spans("甲乙。" + "丙," * 5 + "。", limit=20, sentence=4)
    [(0, 3), (3, 7), (7, 11), (11, 14)]
    """
    spans: list[tuple[int, int]] = []
    while start < len(text):
        end = min(len(text), start + limit)
        long_run = _long_stretch(text, start, end, run, _CLAUSE_END)
        long_sentence = _long_stretch(text, start, end, sentence, _SENTENCE_MARK) if long_run is None else None
        if long_run is not None:
            end = long_run if long_run > start else min(end, start + run)
        elif long_sentence is not None:
            if long_sentence > start:
                end = long_sentence
            else:
                ends = [m.end() for m in _CLAUSE_END.finditer(text, start + 1, min(end, start + sentence))]
                end = ends[-1] if ends else min(end, start + sentence)
        elif end < len(text):
            window = text[start:end]
            floor = len(window) // 2
            cut = window.rfind("\n") + 1
            if cut <= floor:
                cut = max((m.end() for m in _SENTENCE_END.finditer(window, floor)), default=0)
            if cut <= floor:
                cut = max(window.rfind(mark) for mark in ",，、:：;； \u3000\t") + 1
            if cut > floor:
                end = start + cut
        spans.append((start, end))
        start = end
    return spans


def _long_stretch(text: str, start: int, end: int, longest: int, marks: re.Pattern[str]) -> int | None:
    """Where the first stretch of more than ``longest`` characters without ``marks`` in [start, end) begins."""
    last = start
    for match in marks.finditer(text, start, end):
        if match.start() - last > longest:
            return last
        last = match.end()
    return last if end - last > longest else None


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


def labels_match(a: str, b: str) -> bool:
    """Match of two *normalised* labels: equal, or containment with the shorter ≥ half the longer.

    >>> labels_match("滨海县总工会", "江苏省盐城市滨海县总工会"), labels_match("工会", "滨海县总工会")
    (True, False)
    """
    if a == b:
        return True
    if not a or not b:
        return False
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return short in long_ and 2 * len(short) >= len(long_)
