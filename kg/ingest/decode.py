"""Bytes → text in normal form, and dates of the source in ISO form (the decisions: :mod:`kg.ingest`)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from kg.zh import date_parse


class DecodeError(ValueError):
    """The bytes are not text in a supported encoding (the message is a one-line reason)."""


# --------------------------------------------------------------------------- decoding

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_MAGIC = (
    (b"%PDF", "PDF"),
    (b"PK\x03\x04", "ZIP"),
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"\x1f\x8b", "gzip"),
    (b"\xd0\xcf\x11\xe0", "OLE/Office"),
)
# Frequent characters of Chinese news text (simplified; the traditional forms are added at run time).
_FREQUENT = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种"
    "面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去"
    "把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但"
    "质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式"
    "活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回"
    "则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己"
    "美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空"
    "元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周"
    "委素技备半办青省列习响约支般史感劳便团往历市克何除消构府称太准精值号率族维划选标写存候亲快效院查江型按"
    "格养易置派层片始却专状育厂京识适属圆包住调满县局照参红细引听该铁价严首底官德随病苏讲配女黄推显谈神艺席"
    "含企望密批营项防举球英职帮扶慰问困援助服务活动会员模范福利保障维权"
)


@lru_cache(maxsize=1)
def _frequent() -> frozenset[str]:
    import opencc

    return frozenset(_FREQUENT) | frozenset(opencc.OpenCC("s2t").convert(_FREQUENT))


def _score(text: str) -> float:
    """How much ``text`` reads like Chinese: frequent CJK characters minus signs of a wrong decoding."""
    frequent = _frequent()
    hits = bad = cjk = 0
    for ch in text:
        code = ord(ch)
        if 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF:
            cjk += 1
            hits += ch in frequent
        elif (
            0xE000 <= code <= 0xF8FF  # private use: unmapped GBK/Big5 areas
            or 0x3040 <= code <= 0x30FF  # kana
            or 0x0370 <= code <= 0x052F  # Greek, Cyrillic
            or 0x2500 <= code <= 0x259F  # box drawing
            or 0xAC00 <= code <= 0xD7AF  # Hangul
            or code >= 0x20000  # supplementary ideographs, rare in news
            or ch == "\ufffd"
        ):
            bad += 1
    return (hits - 3 * bad) / max(1, cjk + bad)


def decode(data: bytes) -> str:
    """Bytes → str: BOM, strict UTF-8, else the better of GB18030 and Big5.

    >>> decode("工會".encode("big5")), decode("工会".encode("gb18030")), decode("\\ufeff工会".encode())
    ('工會', '工会', '工会')
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as error:
                text = data.decode(codec, errors="replace")  # a file cut inside a character is still read
                if text.count("\ufffd") <= max(1, len(text) // 1000):
                    return text
                raise DecodeError(f"cannot decode: invalid {codec} after BOM at byte {error.start}") from None
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise DecodeError(f"binary file ({kind})")
    if b"\x00" in data:
        text = _utf16_without_bom(data)
        if text is None:
            raise DecodeError("binary file (NUL bytes)")
        return text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    candidates = []
    for codec in ("gb18030", "big5"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        candidates.append((_score(_sample(text)), codec == "gb18030", text))
    if candidates:
        return max(candidates)[2]
    # A file with a few damaged bytes (cut in the middle of a character, a line in another encoding):
    # the decoding that needs few replacements and reads best.
    for codec in ("utf-8", "gb18030", "big5"):
        text = data.decode(codec, errors="replace")
        if text.count("\ufffd") <= max(1, len(text) // 1000):
            candidates.append((_score(_sample(text)), codec == "utf-8", text))
    if candidates:
        return max(candidates)[2]
    raise DecodeError("cannot decode: not UTF-8, GB18030 or Big5")


def _sample(text: str, size: int = 100_000) -> str:
    """At most ``size`` characters from the start, middle and end of ``text`` (scoring is per character)."""
    if len(text) <= size:
        return text
    half, quarter = size // 2, size // 4
    middle = len(text) // 2
    return text[:half] + text[middle : middle + quarter] + text[-quarter:]


def _utf16_without_bom(data: bytes) -> str | None:
    if len(data) % 2:
        data = data[:-1]  # a file cut inside a character
    odd_nuls = data[1::2].count(0)
    even_nuls = data[0::2].count(0)
    # ASCII in UTF-16 puts its NUL bytes on one side; CJK characters such as 一 (U+4E00) on the other,
    # so text that is mostly Chinese is recognised by how it reads instead.
    best: tuple[tuple[bool, float], str] | None = None
    for codec, ascii_side in (("utf-16-le", odd_nuls >= 4 * even_nuls), ("utf-16-be", even_nuls >= 4 * odd_nuls)):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        sample = _sample(text)
        if sum(ch.isprintable() or ch in "\r\n\t" for ch in sample) < 0.95 * len(sample):
            continue
        latin = sum(ch < "\u0250" for ch in sample) >= 0.5 * len(sample)
        rank = (ascii_side and latin, _score(sample))
        if (rank[0] or rank[1] >= 0.3) and (best is None or rank > best[0]):
            best = (rank, text)
    return best[1] if best else None


# --------------------------------------------------------------------------- normalisation

_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x85\x0b\x0c]")
_TRAILING_SPACE = re.compile(r"(?<![ \t])[ \t]+$", re.M)  # a match starts where a run of blanks does (linear)
# Everything outside these ranges may be a control, format, surrogate or private-use character
# (categories Cc, Cf, Cs, Co; tests/test_ingest.py checks the ranges hold none); a regex finds the
# candidates so that megabyte lines are not walked character by character in Python.
_MAYBE_CONTROL = re.compile(
    "[^\n -~\u00a0-\u00ac\u00ae-\u05ff\u0900-\u17ff\u1900-\u200a\u2010-\u2029\u2030-\u205f"
    "\u2070-\ud7ff\uf900-\ufefe\uff00-\ufff8]+"
)


def normalize(text: str) -> str:
    """NFKC, "\\n" newlines, no control/zero-width characters, no trailing spaces; traditional kept.

    Pinyin that a scraped page prints after a character ("總工會(huì)") is dropped (``ingest.pinyin/v1``).

    >>> normalize("工會，１２３\\u200b（記者）  \\r\\n")
    '工會,123(記者)\\n'
    >>> normalize("活動(dòng)開展")
    '活動開展'
    """
    text = _NEWLINES.sub("\n", unicodedata.normalize("NFKC", text)).replace("\t", " ")
    text = _PINYIN.sub("", text)
    return _TRAILING_SPACE.sub("", _MAYBE_CONTROL.sub(_drop_controls, text))


# A pinyin syllable with its tone mark in brackets right after a Chinese character: a reading aid that
# page converters insert, never text (a Latin abbreviation in brackets has no tone marks).
_PINYIN = re.compile(r"(?<=[\u3400-\u9fff])\((?=[a-zü]{0,5}[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ])[a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]{1,7}\)")


def _drop_controls(match: re.Match[str]) -> str:
    return "".join(ch for ch in match.group() if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co"))


# --------------------------------------------------------------------------- dates


def parse_date(value: object) -> str | None:
    """A full date in a common format → ISO ``YYYY-MM-DD``; anything else (no year, invalid) → None.

    Delegates to :func:`kg.zh.date_parse.parse_date`; non-strings (a JSON number, null) give None.

    >>> parse_date("2022/1/5"), parse_date("2022年1月5日"), parse_date("1月5日"), parse_date("2022-02-30")
    ('2022-01-05', '2022-01-05', None, None)
    """
    if not isinstance(value, str):
        return None
    return date_parse.parse_date(value)
