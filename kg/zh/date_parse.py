"""Dates in Chinese news text: explicit full dates to ISO, partial ones resolved against the article date.

Full dates (2022-01-05, 2022/1/5, 2022.1.5, 2022年1月5日, 二〇二二年一月五日)
become ``YYYY-MM-DD``.  Partial and relative expressions (11月22日, 今年5月,
去年, 昨天) are resolved only against a reference date (the article's
``date``); vague ones (日前, 近日, 近期) are never given a date.

Example:
    >>> parse_date("2022年1月5日")
    '2022-01-05'
    >>> resolve_date("11月22日", reference="2022-12-01")
    '2022-11-22'
    >>> resolve_date("近日", reference="2022-12-01") is None
    True
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from kg.lexicon import alternation, entries, words
from kg.zh.text import finditer_at, replace_chars, to_simplified

__all__ = ["parse_date", "resolve_date", "find_dates", "find_date_expressions"]

_WIDE_PAIRS = tuple(zip("０１２３４５６７８９．／－", "0123456789./-"))  # for replace_chars
_CN = "〇○零一二两三四五六七八九十"
_CN_VALUE = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}

_Y = rf"(?P<y>\d{{4}}|[{_CN}]{{4}})"
_M = rf"(?P<m>\d{{1,2}}|[{_CN}]{{1,3}})"
_D = rf"(?P<d>\d{{1,2}}|[{_CN}]{{1,3}})"
_FULL = re.compile(
    rf"(?<!\d)(?:{_Y}\s*年\s*{_M}\s*月\s*{_D}\s*[日号]"
    rf"|(?P<y2>\d{{4}})(?P<sep>[-/.])(?P<m2>\d{{1,2}})(?P=sep)(?P<d2>\d{{1,2}})(?![\d.]))"
)
#: The calendar words (kg/data/dates-v1.tsv); the number grammar is here.
WORDS = "dates-v1.tsv"
_WORDS = words(WORDS)
#: Expressions that point at no particular date.
_VAGUE = re.compile(alternation(_WORDS["vague"]))
_SUFFIX = rf"(?:{alternation(_WORDS['month_part'])})?"
_YEAR_PART = alternation(_WORDS["year_part"])
_HALF_YEAR = alternation(_WORDS["half_year"])
_RELATIVE_DAY = {word: int(offset) for word, offset in entries(WORDS, "relative_day")}
_RELATIVE_YEAR = {word: int(offset) for word, offset in entries(WORDS, "relative_year")}
_RELATIVE_MONTH = {word: int(offset) for word, offset in entries(WORDS, "relative_month")}
_REL = rf"(?:{alternation(_RELATIVE_YEAR)})"
_REL_MONTH = rf"(?:{alternation(_RELATIVE_MONTH)})"
_REL_DAY = rf"(?:{alternation(_RELATIVE_DAY)})"


def _number(text: str) -> int | None:
    """1-2 digit day/month/4-digit year in Arabic or Chinese digits (十二, 二十三, 二〇二二)."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, units = text.partition("十")
        if len(units) > 1 or len(tens) > 1:
            return None
        return (_CN_VALUE.get(tens, 0) if tens else 1) * 10 + (_CN_VALUE.get(units, 0) if units else 0)
    if all(c in _CN_VALUE for c in text):
        return int("".join(str(_CN_VALUE[c]) for c in text))
    return None


def _iso(year: int | None, month: int | None, day: int | None) -> str | None:
    try:
        return date(year, month, day).isoformat() if None not in (year, month, day) else None
    except ValueError:
        return None


def _normalise(text: str) -> str:
    return replace_chars(to_simplified(text), _WIDE_PAIRS)


def find_dates(text: str) -> list[tuple[int, int, str]]:
    """Explicit full dates (year, month and day) in ``text`` as (start, end, ISO date).

    >>> find_dates("2022年3月8日，又于2022-03-09")
    [(0, 9, '2022-03-08'), (12, 22, '2022-03-09')]
    """
    found = []
    for match in _FULL.finditer(_normalise(text)):
        y, m, d = (match.group("y") or match.group("y2"), match.group("m") or match.group("m2"),
                   match.group("d") or match.group("d2"))
        iso = _iso(_number(y), _number(m), _number(d))
        if iso:
            found.append((match.start(), match.end(), iso))
    return found


def parse_date(text: str) -> str | None:
    """The first full date in ``text`` as ISO ``YYYY-MM-DD`` (also a bare ``20220105``), else None.

    >>> parse_date("二〇二二年一月五日 星期三")
    '2022-01-05'
    >>> parse_date("1月5日") is None
    True
    """
    stripped = _normalise(text).strip()
    if re.fullmatch(r"\d{8}", stripped):
        return _iso(int(stripped[:4]), int(stripped[4:6]), int(stripped[6:]))
    found = find_dates(text)
    return found[0][2] if found else None


def resolve_date(expr: str, *, reference: str | None) -> str | None:
    """ISO date, month (``YYYY-MM``) or year (``YYYY``) that ``expr`` denotes, given the article date.

    A month and day without a year take the reference's year, or the previous
    year when that date would lie more than 31 days after the reference; a day
    alone takes the reference's month, or the previous month when it would lie
    more than 7 days after the reference.  Vague expressions (日前, 近日) and
    partial ones without a reference give None.

    >>> resolve_date("今年5月", reference="2022-12-01")
    '2022-05'
    >>> resolve_date("1月3日", reference="2022-12-20")
    '2022-01-03'
    >>> resolve_date("12月28日", reference="2023-01-04")
    '2022-12-28'
    """
    text = re.sub(r"^[\s，,。、：:]+|[\s，,。、：:]+$", "", _normalise(expr))
    if not text or _VAGUE.fullmatch(text):
        return None
    if (full := parse_date(text)) and len(find_dates(text)) == 1 and find_dates(text)[0][:2] == (0, len(text)):
        return full
    if match := re.fullmatch(rf"(?P<y>\d{{4}}|[{_CN}]{{4}})\s*年\s*(?:{_M}\s*月{_SUFFIX}|{_YEAR_PART})?", text):
        year = _number(match.group("y"))
        return _month_or_year(year, match.group("m"))
    if reference is None:
        return None
    try:
        ref = date.fromisoformat(reference[:10])
    except ValueError:
        return None
    if text in _RELATIVE_DAY:
        return (ref + timedelta(days=_RELATIVE_DAY[text])).isoformat()
    if match := re.fullmatch(rf"(?P<r>{_REL})(?:{_M}\s*月{_SUFFIX}(?:{_D}\s*[日号])?|{_YEAR_PART}|{_HALF_YEAR})?", text):
        year = ref.year + _RELATIVE_YEAR[match.group("r")]
        if match.group("d"):
            return _iso(year, _number(match.group("m")), _number(match.group("d")))
        return _month_or_year(year, match.group("m"))
    if match := re.fullmatch(rf"(?P<r>{_REL_MONTH})(?:{_D}\s*[日号])?{_SUFFIX}", text):
        month_index = ref.year * 12 + ref.month - 1 + _RELATIVE_MONTH[match.group("r")]
        year, month = divmod(month_index, 12)
        if match.group("d"):
            return _iso(year, month + 1, _number(match.group("d")))
        return f"{year:04d}-{month + 1:02d}"
    if match := re.fullmatch(rf"{_M}\s*月\s*(?:{_D}\s*[日号])?{_SUFFIX}", text):
        month, day = _number(match.group("m")), _number(match.group("d")) if match.group("d") else None
        if month is None or not 1 <= month <= 12:
            return None
        year = ref.year
        probe = _iso(year, month, day or 1)
        if probe is None and day is not None:
            probe = _iso(year - 1, month, day)  # 2月29日 in a non-leap reference year
            year -= 1
        if probe is None:
            return None
        if date.fromisoformat(probe) - ref > timedelta(days=31):
            year -= 1
        return _iso(year, month, day) if day is not None else f"{year:04d}-{month:02d}"
    if match := re.fullmatch(rf"{_D}\s*[日号]", text):
        day = _number(match.group("d"))
        if day is None or not 1 <= day <= 31:
            return None
        year, month = ref.year, ref.month
        if day > ref.day + 7:
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        return _iso(year, month, day) if day <= calendar.monthrange(year, month)[1] else None
    return None


def _month_or_year(year: int | None, month_text: str | None) -> str | None:
    if year is None:
        return None
    if month_text is None:
        return f"{year:04d}"
    month = _number(month_text)
    return f"{year:04d}-{month:02d}" if month and 1 <= month <= 12 else None


#: Candidate date expressions, longest forms first; each is resolved by resolve_date.
_MN = rf"(?:\d{{1,2}}|[{_CN}]{{1,3}})"
_DN = _MN
_EXPRESSION = re.compile(
    rf"(?<![\d{_CN}])(?:"
    rf"(?:\d{{4}}|[{_CN}]{{4}})\s*年\s*(?:{_MN}\s*月\s*(?:{_DN}\s*[日号]|{_SUFFIX}))?"
    rf"|\d{{4}}([-/.])\d{{1,2}}\1\d{{1,2}}(?![\d.])"
    rf"|{_REL}(?:{_MN}\s*月{_SUFFIX}(?:{_DN}\s*[日号])?|{_YEAR_PART}|{_HALF_YEAR})?"
    rf"|{_REL_MONTH}(?:{_DN}\s*[日号])?{_SUFFIX}"
    rf"|{_MN}\s*月\s*{_DN}\s*[日号]"
    rf"|{_REL_DAY}"
    rf")"
)


# Where an expression can start: a digit or Chinese numeral, or the first character of a word, before
# a character that can come second (a digit or numeral, a space, 年 月 个 天 日: 2024, 三月, 今年, 上个月,
# 昨天 …).  Every expression has two characters at least.
_RELATIVE_WORDS = (*_RELATIVE_YEAR, *_RELATIVE_MONTH, *_RELATIVE_DAY)
_EXPRESSION_START = re.compile(rf"[\d{_CN}{''.join(sorted({w[0] for w in _RELATIVE_WORDS}))}]"
                               rf"(?=[\d{_CN}\s{''.join(sorted({w[1] for w in _RELATIVE_WORDS}))}])")


def find_date_expressions(text: str, *, reference: str | None) -> list[tuple[int, int, str]]:
    """Date expressions in ``text`` resolved against ``reference`` as (start, end, ISO date/month/year).

    Full dates resolve without a reference; partial and relative ones
    (11月22日, 今年5月, 昨天) only with one; vague ones (日前, 近日) and a month
    without a day or year (5月) are never resolved.  Offsets are into ``text``.

    >>> find_date_expressions("去年11月，该市总工会启动帮扶；3月5日又开展慰问", reference="2022-04-01")
    [(0, 5, '2021-11'), (16, 20, '2022-03-05')]
    >>> find_date_expressions("3月5日开展慰问", reference=None)
    []
    """
    found = []
    for match in finditer_at(_EXPRESSION, _EXPRESSION_START, _normalise(text)):
        iso = resolve_date(match.group(0), reference=reference)
        if iso:
            found.append((match.start(), match.end(), iso))
    return found
