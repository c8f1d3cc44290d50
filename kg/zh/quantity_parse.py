"""Quantities in Chinese news text: numbers with a counter or currency, parsed to Decimal.

A quantity is a number (Arabic, Chinese or mixed: ``6000多万``, ``三百五十万``,
``1.25万``) followed by a counter or unit (``元``, ``名``, ``人次``, ``家``, ``%``…).
Bare numbers without a counter are *not* quantities (phone numbers, model
numbers, codes), nor are years, dates, clock times and ordinals (``第二``).

Units are normalised: money (元/万元/亿元/块钱) → ``"CNY"``; people (人/名/位) →
``"人"``; ``%``/百分之 → ``"%"``; other counters are kept as written (``人次``,
``家``, ``项``, ``册``…).  ``approximate`` is true for 余/多/几/数 inside the number,
约/近/超/逾/上(万) before it and 以上/左右 after it.

Ranges (``3至5万元``, ``5-10人``) are one quantity: ``value`` is the lower bound
(inheriting the magnitude of the upper bound when it has none: 3至5万 → 30000),
``upper`` the upper bound, and ``approximate`` is true.

The words (counters, currencies, approximation markers, set phrases) are data: kg/data/quantities-v1.tsv.

Example:
    >>> parse_quantity("6000多万元")
    ParsedQuantity(value=Decimal('60000000'), unit='CNY', approximate=True, raw='6000多万元', upper=None)
    >>> [(s, e, q.unit) for s, e, q in find_quantities("为约30万名职工发放")]
    [(1, 6, '人')]
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from kg.lexicon import alternation, entries, words
from kg.zh.text import finditer_at, replace_chars, to_simplified

__all__ = ["ParsedQuantity", "parse_quantity", "find_quantities", "parse_number"]


@dataclass(frozen=True)
class ParsedQuantity:
    """A parsed quantity: value in ``unit``, approximate flag and the raw text."""

    value: Decimal
    unit: str
    approximate: bool
    raw: str
    upper: Decimal | None = None  # upper bound of a range (3至5万元 → 50000)


# --- numerals ---------------------------------------------------------------

_CN_DIGITS = {
    "零": 0, "〇": 0, "○": 0, "O": None,
    "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
    "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9,
}
del _CN_DIGITS["O"]
# The tokens of a written number: Arabic runs, 点 + Chinese digits (decimals), single characters.
_NUMBER_TOKEN = re.compile(rf"\d+(?:\.\d+)?|点[{''.join(_CN_DIGITS)}]+|.")
_CN_SMALL = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
_VAGUE = "几数"  # 几十, 十几, 数百: approximate, contribute a lower bound
_APPROX_INFIX = "余多"

# Full-width digits and signs → ASCII (one character for one, offsets stay valid).
_WIDE_PAIRS = tuple(zip("０１２３４５６７８９．％，～－", "0123456789.%,~-"))  # for replace_chars

_AR = r"\d+(?:,\d{3})*(?:\.\d+)?(?![\d,.])|\d+(?:,\d{3})*(?![\d,])"
_CN_CHARS = "".join(_CN_DIGITS) + "".join(_CN_SMALL) + "".join(_CN_BIG)
_NUM_CHARS = _CN_CHARS + "0-9"
# A number: Arabic runs and Chinese numerals, with 点 decimals and 余/多/几 inside.
_NUMBER = (
    rf"(?:{_AR}|[{_CN_CHARS}]|[{_VAGUE}](?=[十百千万亿]))"
    rf"(?:(?<![\d,.])(?:{_AR})|[{_CN_CHARS}]|几|点(?=[{_CN_CHARS}])|[{_APPROX_INFIX}](?=[万亿千百]))*[{_APPROX_INFIX}]?"
)


def parse_number(text: str) -> tuple[Decimal, bool] | None:
    """Value of a written number and whether it is approximate; None if it is not one.

    >>> parse_number("三百五十万")
    (Decimal('3500000'), False)
    >>> parse_number("6000多万")
    (Decimal('60000000'), True)
    """
    text = replace_chars(text, _WIDE_PAIRS).replace(",", "")
    approximate = any(c in text for c in _VAGUE + _APPROX_INFIX)
    text = "".join(c for c in text if c not in _APPROX_INFIX)
    if not text:
        return None
    tokens = _NUMBER_TOKEN.findall(text)
    # Chinese digits without any magnitude (一二三, 二〇二二): read digit by digit.
    if len(tokens) > 1 and all(t in _CN_DIGITS for t in tokens):
        digits = [_CN_DIGITS[t] for t in tokens]
        if len(digits) == 2 and digits[1] == digits[0] + 1 and digits[0] > 0:
            return Decimal(digits[0]), True  # 两三个, 三四天: a vague range, lower bound
        if len(digits) == 2:
            return None
        return Decimal("".join(map(str, digits))), approximate
    total = Decimal(0)  # completed 万/亿 sections
    section = Decimal(0)  # below 万
    current: Decimal | None = None
    chinese_digit = False  # current came from a Chinese digit (for 三百五 = 350)
    last_unit = 0
    after_zero = False
    for index, token in enumerate(tokens):
        following = tokens[index + 1] if index + 1 < len(tokens) else ""
        if token[0].isdigit():
            try:
                current, chinese_digit = Decimal(token), False
            except InvalidOperation:
                return None
        elif token.startswith("点"):
            if current is None:
                return None
            current += Decimal("0." + "".join(str(_CN_DIGITS[c]) for c in token[1:]))
        elif token in _CN_DIGITS:
            if _CN_DIGITS[token] == 0:
                after_zero = True
                continue
            current, chinese_digit = Decimal(_CN_DIGITS[token]), True
        elif token in _VAGUE:
            # 几十/数百 → the magnitude (10, 100); 十几/二十几 → nothing added.
            current = Decimal(1) if following in _CN_SMALL or following in _CN_BIG else None
            chinese_digit = False
        elif token in _CN_SMALL:
            unit = _CN_SMALL[token]
            section += (current if current is not None else Decimal(1)) * unit
            current, last_unit, after_zero = None, unit, False
        elif token in _CN_BIG:
            unit = _CN_BIG[token]
            base = section + (current or 0)
            if base == 0:
                base = Decimal(1)
            if unit == 100_000_000:
                total = (total + base) * unit
            else:
                total += base * unit
            section, current, last_unit, after_zero = Decimal(0), None, unit, False
        else:
            return None
    if current is not None:
        # Colloquial omission: 三百五 = 350, 一万五 = 15000 (not after 零).
        if chinese_digit and last_unit >= 100 and not after_zero:
            current *= last_unit // 10
        section += current
    return _tidy(total + section), approximate


def _tidy(value: Decimal) -> Decimal:
    """Integral values without exponent or trailing '.0'; others normalised."""
    if value == value.to_integral_value():
        return Decimal(int(value))
    return Decimal(format(value.normalize(), "f"))


# --- counters -----------------------------------------------------------------

#: The words of counting (kg/data/quantities-v1.tsv).
WORDS = "quantities-v1.tsv"
# The words of counting are data (kg/data/quantities-v1.tsv, read through kg.lexicon); the number grammar is here.
_WORDS = words(WORDS)
_MONEY = dict(entries(WORDS, "money"))
_PEOPLE = dict(entries(WORDS, "people"))
#: Counters written with a filler, and the unit they count (个多月 → 个月).
_UNITS = dict(entries(WORDS, "unit"))
#: Counters kept as written (longest first in the pattern).
_COUNTERS = _WORDS["counter"]
_ALL_COUNTERS = sorted(set(_COUNTERS) | set(_MONEY) | set(_PEOPLE), key=len, reverse=True)
_COUNTER = alternation(_ALL_COUNTERS)
#: Bare 万/亿 numbers directly before these nouns count people: 30万职工 → 300000 人.
_PEOPLE_NOUNS = alternation(_WORDS["people_noun"])

_PRE = alternation(_WORDS["pre"])
_POST = alternation(_WORDS["post"])
_PERCENT_POST = alternation(_WORDS["percent_post"])
_RANGE = alternation(_WORDS["range"])
_QUANTITY = re.compile(
    rf"(?<![第A-Za-z0-9_.\-/:~{_CN_CHARS}])"  # not inside a longer number, a code or an ordinal
    rf"(?P<pre>{_PRE})?"
    rf"(?P<num>{_NUMBER})"
    rf"(?:(?P<sep>{_RANGE})(?P<num2>{_NUMBER}))?"
    rf"(?:(?P<counter>{_COUNTER})(?P<post>{_POST})?|(?P<percent>%)(?P<ppost>{_PERCENT_POST})?|(?=(?P<noun>{_PEOPLE_NOUNS})))"
)
_PERCENT = re.compile(rf"(?P<pre>{_PRE})?百分之(?P<num>{_NUMBER}|[{_CN_CHARS}]+(?:点[{_CN_CHARS}]+)?)(?P<post>{_PERCENT_POST})?")
# Political slogans and set phrases that look like counts.
_SET_PHRASES = re.compile(alternation(_WORDS["set_phrase"]))
_NOT_AFTER = dict(entries(WORDS, "not_after"))


def find_quantities(text: str, *, simplified: str | None = None) -> list[tuple[int, int, ParsedQuantity]]:
    """All quantities in ``text`` as (start, end, parsed); ``raw`` is ``text[start:end]``.

    ``simplified`` is the simplified-character view of ``text`` when the caller
    has it already (a spaCy ``doc.text``), to skip the conversion.

    >>> text = "投入300万元，惠及2000余名职工"
    >>> [(text[s:e], str(q.value), q.unit) for s, e, q in find_quantities(text)]
    [('300万元', '3000000', 'CNY'), ('2000余名', '2000', '人')]
    """
    if simplified is None or len(simplified) != len(text):
        simplified = to_simplified(text)
    return _find(simplified, original=text)


def parse_quantity(text: str) -> ParsedQuantity | None:
    """The quantity that ``text`` is (all of it, surrounding blanks aside), else None.

    >>> parse_quantity("11.6万余册")
    ParsedQuantity(value=Decimal('116000'), unit='册', approximate=True, raw='11.6万余册', upper=None)
    >>> parse_quantity("2021年") is None
    True
    """
    stripped = text.strip()
    offset = len(text) - len(text.lstrip())
    for start, end, quantity in _find(to_simplified(text), original=text):
        if start == offset and end == offset + len(stripped):
            return quantity
    return None


def _find(simplified: str, *, original: str) -> list[tuple[int, int, ParsedQuantity]]:
    """Quantities of a simplified text (same length as ``original``, which gives ``raw``)."""
    text = replace_chars(simplified, _WIDE_PAIRS)
    found: list[tuple[int, int, ParsedQuantity]] = []
    for match in _PERCENT.finditer(text) if "百分之" in text else ():
        if (parsed := _build(match, text, original, unit="%")) is not None:
            found.append(parsed)
    taken = [(s, e) for s, e, _ in found]
    for match in _quantity_matches(text):
        if any(s < match.end() and match.start() < e for s, e in taken):
            continue
        if (parsed := _build(match, text, original)) is not None:
            found.append(parsed)
    return sorted(found, key=lambda item: item[0])


# Where a quantity can start: a first character of a _PRE marker or of a number (\\d: any decimal
# digit, as in _AR), before a character that can come second: the rest of a marker (大约, 超过 …), a
# number's next character, or what follows a number (a range sign, a counter, %, a noun of _PEOPLE_NOUNS).
_QUANTITY_SECOND = "".join(sorted(
    {w[1] for w in _WORDS["pre"] if len(w) > 1} | set(_CN_CHARS + _VAGUE + _APPROX_INFIX + "几点,.%")
    | {w[0] for w in _WORDS["range"] + tuple(_ALL_COUNTERS) + _WORDS["people_noun"]}))
_QUANTITY_START = re.compile(rf"[\d{_CN_CHARS}{_VAGUE}{''.join(sorted({w[0] for w in _WORDS['pre']}))}]"
                             rf"(?=[\d{re.escape(_QUANTITY_SECOND)}])")


def _quantity_matches(text: str) -> Iterator[re.Match[str]]:
    """``_QUANTITY.finditer(text)``, the pattern tried only where a quantity can start."""
    return finditer_at(_QUANTITY, _QUANTITY_START, text)


def _build(match: re.Match, text: str, original: str, *, unit: str | None = None) -> tuple[int, int, ParsedQuantity] | None:
    groups = match.groupdict()
    num, num2, pre = groups["num"], groups.get("num2"), groups["pre"]
    start, end = match.start(), match.end()
    if unit is None:
        noun, counter = groups.get("noun"), groups.get("counter")
        post = groups.get("post") or groups.get("ppost") or ""
        if groups.get("percent"):
            unit = "%"
        elif noun:
            if not re.search(r"[万亿]", num + (num2 or "")):
                return None
            unit = "人"
        else:
            unit = _unit(counter, text, end - len(post))
            if unit is None:
                return None
    else:
        post = groups.get("post") or ""
    # 上 is only a marker before 百/千/万/亿 (上万名): otherwise it belongs to a word (线上).
    if pre and (pre == "上" and num[0] not in "百千万亿" or pre == "近" and start > 0 and text[start - 1] in "最附临靠将接"):
        start, pre = start + len(pre), None
    if not _plausible(num, pre=pre, post=post, text=text, start=start + len(pre or "")):
        return None
    if num2 is not None and not _plausible(num2, pre="x", post="", text=text, start=start):
        return None
    parsed = parse_number(num)
    if parsed is None:
        return None
    value, approximate = parsed
    upper = None
    if num2 is not None:
        parsed2 = parse_number(num2)
        if parsed2 is None:
            return None
        upper = parsed2[0]
        magnitude = re.search(r"[万亿]+$", num2.rstrip(_APPROX_INFIX))
        if magnitude and not re.search(r"[万亿千百十]", num):
            value = parse_number(num + magnitude.group())[0]
        if value >= upper:
            return None
        approximate = True
    counter = groups.get("counter") or ""
    if counter == "个半月":
        value += Decimal("0.5")
    approximate = approximate or bool(pre) or bool(post) or "多" in counter
    raw = original[start:end]
    return start, end, ParsedQuantity(value=value, unit=unit, approximate=approximate, raw=raw, upper=upper)


def _unit(counter: str, text: str, end: int) -> str | None:
    following = text[end:end + 1]
    if counter in _NOT_AFTER and following and following in _NOT_AFTER[counter]:
        return None
    if counter in _MONEY:
        return _MONEY[counter]
    if counter in _UNITS:
        return _UNITS[counter]
    if counter == "块":
        # 块 is money unless a noun follows (两块牌子 counts plaques).
        return "CNY" if not following or not re.match(r"[\u4e00-\u9fff]", following) or following in "的左以多余" else "块"
    if counter in _PEOPLE:
        return _PEOPLE[counter]
    return counter


_DIGIT = re.compile(r"\d")


def _plausible(num: str, *, pre: str | None, post: str, text: str, start: int) -> bool:
    """Reject numerals that are words: bare 一 (一个/一些), leading 百/千 without a marker, names in quotes."""
    chinese_only = not _DIGIT.search(num)
    if num[0] in "百千万亿" and not pre and not re.search(r"[余多]", num + post):
        return False
    if num[0] in "万亿":
        return bool(pre)
    if chinese_only:
        before = text[start - 1:start] if start > 0 else ""
        if before and before in "“‘「『《\"'":
            return False  # “十件实事”, “五好”: names, not counts
        if _SET_PHRASES.match(text, start):
            return False
        if num in ("一", "壹") and not post:
            return False  # 一个/一位/一家 are determiners, not counts
    return True
