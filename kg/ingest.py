"""Files → :class:`~kg.records.Article` records: discovery, decoding, normalisation, page splitting.

Decisions (the later stages rely on them):

* **Decoding** (:func:`decode`): a BOM wins (UTF-8, UTF-16, UTF-32); then strict UTF-8; then GB18030
  and Big5 are both tried and the decoding that is clean and reads as more common Chinese wins.
  NUL bytes or a known binary signature (PDF, ZIP, PNG, …) make the file binary.
* **Normal form** (:func:`normalize`): Unicode NFKC, so full-width digits, letters and punctuation
  become half-width ("，" → ",", "（" → "(") — the gold scoring compares labels in NFKC too;
  newlines are unified, control and zero-width characters dropped, trailing spaces stripped, and
  pinyin with tone marks printed in brackets after a character ("會(huì)") dropped.
  Traditional characters are *kept*: labels say what the source says, and the nlp stage works on
  the length-preserving simplified view :func:`kg.text.to_simplified`.  The layout heuristics
  below look at that simplified view, so they work for traditional pages as well.
* **Article text**: headline lines first (kicker, headline, sub-headline, one a line), a blank
  line, then the body paragraphs separated by "\\n".  The dateline (本报讯(记者…), 本报南京11月22日电,
  中工网讯, any "<paper or site>讯")
  stays at the start of the first body paragraph and is also stored in ``dateline``.  Photo
  credits ("通讯员某某 摄") and byline lines ("本报记者 某某") are not in the text; the names go to
  ``byline``.  Captions stay in the body: they state facts.
* **Layout repair**: a body paragraph that stops mid-sentence (no 。!?… at the end) is joined,
  without separator, to the next paragraph unless that one starts a new article, is a credit,
  a dateline, or a clause-spaced heading ("甲甲 乙乙").
* **Article starts**: a headline block (one to three short lines without sentence punctuation)
  starts an article when it has two or more lines, or is followed by a dateline, a byline line or
  a "阅读提示" label, or is followed within a few paragraphs by a photo credit (a photo story).
  A single short line inside a running article is a section heading and stays in it.  A photo
  credit closes its article: what follows belongs to a new one (a body without headline gets the
  first words of its first paragraph as headline).  "(上接第1版)" starts a new article, and so
  does a headline that a headline list of the page names.
* **Editor's notes** ("……——编者") with a headline of their own become their own article; without
  one they stay with the article they are printed in.
* **Dates**: ISO ``YYYY-MM-DD`` only from a full date the source states (a JSONL ``date`` field, a
  dateline with a year, a page-header date or meta line before the text, an HTML publish-date
  meta tag).  Month and day without a year give no date.
* **Page chrome** (:func:`page_chrome`, ``ingest.chrome/v1``): site navigation, breadcrumbs, meta
  lines (来源/发布时间 with the page date), tool and share bars, headline lists of other stories
  (under a label such as 相关新闻, in a run of bullets, four or more title lines in a row, titles a
  later headline repeats, the page's headlines run together), editor lines and footers are dropped
  from pages of any kind before the split, by features of each line (length, sentence punctuation,
  separators, brackets, bullets, a date, the chrome words of kg/data/chrome-v1.tsv) and its place:
  title lines above the chrome over the first headline block and short lines in the chrome after
  the last sentence go too.  Credits, bylines, datelines and captions stay.  A title that a headline
  list of the page names starts an article.
* **HTML**: script, style, nav, header, footer, aside, form and elements whose class/id says
  nav/menu/footer/breadcrumb/sidebar are dropped, block elements become line breaks, then the lines
  go through the page chrome filter and the split as a text page does.  ``line`` for HTML articles
  is the line of the HTML source where the article's first text is.
* **Hostile input** (tests/test_fuzz.py): time is linear in the input (an HTML tokenizer of our own,
  regular expressions without ambiguous repetitions); a file cut anywhere (inside a character, a tag,
  a JSONL line) keeps what comes before the cut; every problem is one line.

Example:
    >>> [a.headline for a in split_page("工会送清凉\\n\\n本报讯(记者王伟)近日,市总工会开展活动。", source_file="p.txt")]
    ['工会送清凉']
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from html import unescape
from pathlib import Path
from typing import Iterable

from kg import dates, files, lexicon
from kg.records import Article, Problem
from kg.text import to_simplified

__all__ = [
    "SUFFIXES",
    "DecodeError",
    "decode",
    "article_id",
    "discover",
    "html_lines",
    "normalize",
    "page_chrome",
    "parse_date",
    "read_articles",
    "read_file",
    "split_page",
]

SUFFIXES = (".txt", ".html", ".htm", ".jsonl")


class DecodeError(ValueError):
    """The bytes are not text in a supported encoding (the message is a one-line reason)."""


# --------------------------------------------------------------------------- files


def discover(paths: Iterable[Path]) -> tuple[list[tuple[Path, str]], list[Problem]]:
    """Expand files and folders into ``(path, source_name)`` pairs of readable sources.

    Folders are walked recursively in sorted order, hidden files and folders skipped, unknown
    suffixes inside folders ignored.  A source's name (its ``ukg:sourceFile``, the key of its
    articles' identity) is its path relative to the folder it was found in, or the base name of a
    file named directly, with bytes that are not UTF-8 written as ``\\xNN``; when two sources would
    get the same name (``a/x.txt`` and ``b/x.txt`` given as folders ``a`` and ``b``), each is named
    by its path relative to the folder the two have in common, so no two sources share a name.
    ``path`` is the path as given (joined to its folder), for messages.  A missing path, a FIFO,
    device or symlink loop, or a directly named file with an unknown suffix is a :class:`Problem`
    (so is a FIFO, device or broken link with a source suffix inside a folder).

    >>> discover([Path("/nonexistent/x.txt")])[1][0].reason
    'no such file or directory'
    """
    found: list[tuple[Path, str]] = []
    problems: list[Problem] = []
    seen: set[str] = set()

    def add(path: Path, name: str) -> None:
        try:
            key = os.path.realpath(path)
        except (OSError, ValueError):
            key = os.path.abspath(path)
        if key not in seen:
            seen.add(key)
            found.append((path, name))

    def bad(path: Path, reason: str) -> None:
        problems.append(Problem(source_file=str(path), reason=reason))

    for raw in paths:
        path = Path(raw)
        kind, error = _kind(path)
        if kind == "folder":
            try:
                children = sorted(path.rglob("*"))
            except OSError as walk_error:
                bad(path, f"cannot read folder: {files.reason(walk_error)}")
                continue
            for child in children:
                rel = child.relative_to(path)
                if any(part.startswith(".") for part in rel.parts) or child.suffix.lower() not in SUFFIXES:
                    continue
                child_kind, child_error = _kind(child)
                if child_kind == "file":
                    add(child, rel.as_posix())
                elif child_kind != "folder":
                    bad(child, child_error or f"not a regular file ({child_kind})")
        elif kind == "file":
            if path.suffix.lower() in SUFFIXES:
                add(path, path.name)
            else:
                bad(path, _unsupported(path.suffix))
        elif error is not None:
            bad(path, error)
        else:
            bad(path, f"not a regular file ({kind})")
    names = _unique_names([name for _path, name in found], [path for path, _name in found])
    return [(path, name) for (path, _old), name in zip(found, names)], problems


def _kind(path: Path) -> tuple[str, str | None]:
    """("file" | "folder" | another kind, None) of what ``path`` is, or ("missing", a one-line reason)."""
    try:
        return files.file_kind(os.stat(path).st_mode), None
    except FileNotFoundError:
        return "missing", "no such file or directory" if not os.path.islink(path) else "broken symbolic link"
    except (OSError, ValueError) as error:  # a symlink loop, a name too long, a NUL in the name ...
        return "missing", files.reason(error) if isinstance(error, OSError) else str(error)


def _printable_name(name: str) -> str:
    """A name as text: bytes of a file name that are not UTF-8 (kept by Python as lone surrogates) as ``\\xNN``.

    >>> _printable_name("a" + b"\\xff".decode("utf-8", "surrogateescape") + ".txt")
    'a\\\\xff.txt'
    """
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return os.fsencode(name).decode("utf-8", "backslashreplace")


def _unique_names(names: list[str], paths: list[Path]) -> list[str]:
    """``names`` made printable and unique: names that clash become paths relative to the clashing files' common folder."""
    names = [_printable_name(name) for name in names]
    absolute = [os.path.abspath(path) for path in paths]
    for _round in range(4):
        clashes: dict[str, list[int]] = {}
        for k, name in enumerate(names):
            clashes.setdefault(name, []).append(k)
        groups = [group for group in clashes.values() if len(group) > 1]
        if not groups:
            return names
        for group in groups:
            common = os.path.commonpath([os.path.dirname(absolute[k]) for k in group])
            for k in group:
                names[k] = _printable_name(Path(os.path.relpath(absolute[k], common)).as_posix())
    # Still clashing (only names that differ in bytes that are not UTF-8 can): a hash of the path decides.
    counts = Counter(names)
    return [f"{name} [{hashlib.sha1(os.fsencode(path)).hexdigest()[:8]}]" if counts[name] > 1 else name
            for name, path in zip(names, absolute)]


def _unsupported(suffix: str) -> str:
    return f"unsupported file type {suffix or '(no suffix)'!r} (expected {', '.join(SUFFIXES)})"


def read_file(path: Path, *, source_file: str) -> tuple[list[Article], list[Problem]]:
    """Read one source file into articles; an unreadable file is a :class:`Problem`.

    >>> read_file(Path("/nonexistent.txt"), source_file="nonexistent.txt")[1][0].reason.startswith("cannot read")
    True
    """
    try:
        data = files.read_regular(path)
    except OSError as error:
        return [], [Problem(source_file=source_file, reason=f"cannot read: {files.reason(error)}")]
    return read_articles(data, source_file=source_file, suffix=Path(path).suffix)


def read_articles(data: bytes, *, source_file: str, suffix: str) -> tuple[list[Article], list[Problem]]:
    """Bytes of a ``.txt``/``.html``/``.htm``/``.jsonl`` source → articles and problems; never raises.

    >>> arts, probs = read_articles('{"title": "标题", "text": "正文。"}'.encode(), source_file="a.jsonl", suffix=".jsonl")
    >>> arts[0].text, probs
    ('标题\\n\\n正文。', [])
    """
    suffix = suffix.lower() if suffix.startswith(".") else "." + suffix.lower()
    if suffix not in SUFFIXES:
        return [], [Problem(source_file=source_file, reason=_unsupported(suffix))]
    if not data.strip():
        return [], [Problem(source_file=source_file, reason="empty file")]
    skipped: list[Problem] = []
    try:
        text = decode(data)
    except DecodeError as error:
        if suffix != ".jsonl" or b"\x00" not in data:
            return [], [Problem(source_file=source_file, reason=str(error))]
        # JSONL: a line with NUL bytes is a bad line, not a bad file (unless most lines are: binary data).
        data, skipped = _drop_nul_lines(data, source_file=source_file)
        try:
            text = decode(data) if skipped else ""
        except DecodeError:
            text = ""
        if not text.strip():
            return [], [Problem(source_file=source_file, reason=str(error))]
    try:
        if suffix == ".jsonl":
            articles, problems = _read_jsonl(text, source_file=source_file)
            if skipped:
                problems = sorted(skipped + [p for p in problems if p.reason != "empty file"], key=lambda p: p.line or 0)
            return articles, problems
        if suffix in (".html", ".htm"):
            lines, meta_date, headings = _html_page(text)
            lines = [(n, normalize(t)) for n, t in lines]
            h1 = frozenset(normalize(h).strip() for h in headings)
            articles = _split_lines(lines, source_file=source_file, default_date=meta_date, headings=h1)
        else:
            articles = split_page(normalize(text), source_file=source_file)
    except RecursionError:
        return [], [Problem(source_file=source_file, reason="cannot parse: nested too deeply")]
    except Exception as error:  # noqa: BLE001 — a bad file must not stop the build
        return [], [Problem(source_file=source_file, reason=f"cannot parse: {type(error).__name__}: {_shorten(str(error))}")]
    if not articles:
        return [], [Problem(source_file=source_file, reason="no article text found")]
    return articles, []


def _drop_nul_lines(data: bytes, *, source_file: str) -> tuple[bytes, list[Problem]]:
    """JSONL bytes with every line holding a NUL byte emptied (line numbers kept), and a problem for each;
    no problems (and the bytes unchanged) when at least half of the lines hold one: a binary file.

    >>> _drop_nul_lines(b'{"text": "a"}\\n{"te\\x00xt"}\\n{"text": "b"}', source_file="x.jsonl")[1][0].reason
    'line 2: NUL bytes (binary data; line skipped)'
    """
    lines = data.split(b"\n")
    bad = [k for k, line in enumerate(lines) if b"\x00" in line]
    filled = sum(1 for line in lines if line.strip())
    if 2 * len(bad) >= filled:
        return data, []
    for k in bad:
        lines[k] = b""
    problems = [Problem(source_file=source_file, reason=f"line {k + 1}: NUL bytes (binary data; line skipped)", line=k + 1)
                for k in bad]
    return b"\n".join(lines), problems


def _shorten(text: str, limit: int = 160) -> str:
    """``text`` on one line, at most ``limit`` characters (problems are one line each)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


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

    Delegates to :func:`kg.dates.parse_date`; non-strings (a JSON number, null) give None.

    >>> parse_date("2022/1/5"), parse_date("2022年1月5日"), parse_date("1月5日"), parse_date("2022-02-30")
    ('2022-01-05', '2022-01-05', None, None)
    """
    if not isinstance(value, str):
        return None
    return dates.parse_date(value)


# --------------------------------------------------------------------------- HTML

_DROP_TAGS = frozenset(
    "script style noscript nav header footer aside form title template svg iframe select button textarea object".split()
)
_BLOCK_TAGS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 tr table section article blockquote pre dd dt dl figure figcaption hr "
    "td th tbody thead tfoot center main caption address body html".split()
)
_VOID_TAGS = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_CHROME_CLASS = re.compile(r"nav|menu|footer|breadcrumb|crumb|sidebar|side-bar|copyright", re.I)
_DATE_META = frozenset(
    "publishdate pubdate publish_date publish-date publishtime article:published_time og:published_time "
    "date dc.date dc.date.issued sailthru.date".split()
)
_INNER_BREAK = re.compile(r"\s+")


# A tokenizer of our own instead of html.parser: the standard parser takes quadratic time on
# unclosed constructs ('<a ' or '<!--' repeated: minutes for 100 KB) and raises on some ('<![<!['),
# while this one reads every character a bounded number of times.  Tags, attributes, comments,
# script/style raw text and character references are read as html.parser reads them; a construct
# left open at the end of the file (a truncated page) ends the page, as in browsers.
_MARKUP = re.compile(r"<[a-zA-Z/!?]")  # any other "<" is text
_TAG_OPEN = re.compile(r"<(?:(/)\s*)?([a-zA-Z][^\t\n\r\f />\x00]*)")
_QUOTE_OPEN = re.compile(r"""=\s*(["'])""")
_ATTRIBUTE = re.compile(r"""((?<=['"\s/])[^\s/>][^\s/=>]*)(\s*=+\s*('[^']*'|"[^"]*"|(?!['"])[^>\s]*))?""")
_COMMENT_CLOSE = re.compile(r"--\s*>")
_RAW_TEXT = ("script", "style")


def _tag_end(html: str, start: int) -> int:
    """Index of the ">" closing the tag whose attributes start at ``start`` (quoted values may hold ">"), or -1."""
    gt = html.find(">", start)
    at = start
    while gt >= 0:
        quote = _QUOTE_OPEN.search(html, at, gt)
        if quote is None:
            return gt
        closing = html.find(quote.group(1), quote.end())
        if closing < 0:
            return -1
        at = closing + 1
        if closing > gt:
            gt = html.find(">", at)
    return -1


def _attributes(inner: str) -> list[tuple[str, str | None]]:
    attrs = []
    for match in _ATTRIBUTE.finditer(" " + inner):
        name, value = match.group(1).lower(), match.group(3)
        if not match.group(2):
            value = None
        elif value[:1] == value[-1:] and value[:1] in ("'", '"') and len(value) >= 2:
            value = value[1:-1]
        attrs.append((name, unescape(value) if value else value))
    return attrs


class _TextExtractor:
    def __init__(self) -> None:
        self.lines: list[tuple[int, str]] = []
        self._parts: list[str] = []
        self._start: int | None = None
        self._skip_tag: str | None = None
        self._skip_depth = 0
        self.date: str | None = None
        self.headings: list[str] = []  # the text of <h1> elements: the page's own headline
        self._h1 = 0

    def feed(self, html: str) -> None:
        """Read the whole page (one call; a construct still open at the end ends the page)."""
        i, n = 0, len(html)
        line, counted = 1, 0  # the line number at offset ``counted``

        def line_at(offset: int) -> int:
            nonlocal line, counted
            line += html.count("\n", counted, offset)
            counted = offset
            return line

        text_start = 0
        while i < n:
            markup = _MARKUP.search(html, i)
            if markup is None:
                break
            lt = markup.start()
            tag = _TAG_OPEN.match(html, lt)
            if lt > text_start and not self._skip_tag:
                self.handle_data(unescape(html[text_start:lt]), line_at(text_start))
            if tag is not None:
                end = _tag_end(html, tag.end())
                if end < 0:
                    return
                name = tag.group(2).lower()
                if tag.group(1):
                    self.handle_endtag(name)
                else:
                    inner = html[tag.end() : end]
                    attrs = _attributes(inner) if name == "meta" or not self._skip_tag else []
                    if inner.endswith("/"):
                        self.handle_startendtag(name, attrs)
                    else:
                        self.handle_starttag(name, attrs)
                        if name in _RAW_TEXT:
                            close = re.compile(rf"</\s*{name}\s*>", re.I).search(html, end + 1)
                            if close is None:
                                return
                            self.handle_endtag(name)  # the raw text between is never visible
                            end = close.end() - 1
                i = text_start = end + 1
                continue
            if html.startswith("<!--", lt):
                close = _COMMENT_CLOSE.search(html, lt + 4)
                end = close.end() - 1 if close else -1
            elif html.startswith("<![CDATA[", lt):
                end = html.find("]]>", lt + 9)
                end = end + 2 if end >= 0 else -1
            else:  # <!DOCTYPE …>, <?…>, </ …>: declarations and bogus comments
                end = html.find(">", lt + 2)
            if end < 0:
                return
            i = text_start = end + 1
        if text_start < n and not self._skip_tag:
            self.handle_data(unescape(html[text_start:]), line_at(text_start))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            self._meta(dict(attrs))
        if self._skip_tag:
            if tag == self._skip_tag and tag not in _VOID_TAGS:
                self._skip_depth += 1
            return
        names = " ".join(v or "" for k, v in attrs if k in ("class", "id", "role"))
        if tag not in _VOID_TAGS and (tag in _DROP_TAGS or (names and _CHROME_CLASS.search(names))):
            self._break()
            self._skip_tag, self._skip_depth = tag, 1
            return
        if tag in _BLOCK_TAGS:
            self._break()
        if tag == "h1":
            self._h1 += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            self._meta(dict(attrs))
        if not self._skip_tag and tag in _BLOCK_TAGS:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if self._skip_tag:
            if tag == self._skip_tag:
                self._skip_depth -= 1
                if self._skip_depth == 0:
                    self._skip_tag = None
            return
        if tag in _BLOCK_TAGS:
            self._break()
        if tag == "h1" and self._h1:
            self._h1 -= 1

    def handle_data(self, data: str, line: int) -> None:
        if self._skip_tag or not data:
            return
        # Source line breaks inside a text node are not breaks; between CJK characters they vanish.
        data = _INNER_BREAK.sub(lambda m: "" if "\n" in m.group() and _cjk_around(data, m) else " ", data)
        if data.strip() and self._start is None:
            self._start = line
        self._parts.append(data)

    def _meta(self, attrs: dict[str, str | None]) -> None:
        key = (attrs.get("name") or attrs.get("property") or attrs.get("itemprop") or "").lower()
        if self.date is None and key in _DATE_META:
            self.date = parse_date(attrs.get("content") or "")

    def _break(self) -> None:
        text = "".join(self._parts).strip()
        if text:
            self.lines.append((self._start or 1, text))
            if self._h1:
                self.headings.append(text)
        self._parts, self._start = [], None

    def close(self) -> None:
        self._break()


def _cjk_around(text: str, match: re.Match[str]) -> bool:
    before = text[match.start() - 1] if match.start() else ""
    after = text[match.end()] if match.end() < len(text) else ""
    return bool(before and after and ord(before) > 0x2E7F and ord(after) > 0x2E7F)


def html_lines(html: str) -> tuple[list[tuple[int, str]], str | None]:
    """The visible text lines of an HTML page with their source line, and its publish date if stated.

    >>> html_lines('<nav>首页 | 新闻</nav><h1>标题</h1><script>x()</script><p>正文。</p>')
    ([(1, '标题'), (1, '正文。')], None)
    """
    lines, date, _ = _html_page(html)
    return lines, date


def _html_page(html: str) -> tuple[list[tuple[int, str]], str | None, list[str]]:
    """:func:`html_lines`, and the text of the page's ``<h1>`` elements."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    return parser.lines, parser.date, parser.headings


# --------------------------------------------------------------------------- page layout

_ROLE = r"(?:本报|新华社|中新社|人民网|新华网|特约)?(?:首席|特约|见习|摄影)?(?:记者|通讯员|实习生|摄影)"
_NAME = r"[\u4e00-\u9fff]{2,4}(?:·[\u4e00-\u9fff]{1,8})?"
# Each name after the first has one way to match (a failing match on a line of many names took
# exponential time): one separator (", " and "  " are one), a role word taken whole, and a name that does
# not start with a role word.
_NAMES = rf"{_NAME}(?:(?:\s*[、,]\s*|\s+)(?:(?>{_ROLE})\s*)?(?!{_ROLE}){_NAME})*"
# Credits and bylines are short lines; longer text is never matched against them (bounded time).
_MAX_CREDIT = 120
_CREDIT = re.compile(
    rf"^[\((]?\s*(?:(?:{_ROLE}|图|文|文/图|图/文)\s*/?\s*)?{_NAMES}\s*/?\s*摄(?:影|影报道)?\s*[\))]?$"
)
_BYLINE = re.compile(rf"^(?:{_ROLE}|文|图|文/图)\s*/?\s*{_NAMES}$")
# A credit at the end of a caption paragraph without 摄: "…助力乡村振兴。新华社记者 王晓旭".
_TAIL_BYLINE = re.compile(rf"^(?:本报|新华社|中新社)(?:特约|首席)?(?:记者|通讯员)\s+{_NAME}(?:[、\s]+{_NAME})*$")
# A credit closing a caption on the caption's line: "…送上慰问品 记者 某某 摄".
_CAPTION_CREDIT = re.compile(rf"\s(?:{_ROLE}\s*)?{_NAME}\s*摄(?:影)?$")
_REPORTED = r"(?:本报)?(?:特约|见习)?(?:记者|通讯员|实习生)[\u4e00-\u9fff、·\s]{2,50}?报道"
_DATELINE = re.compile(
    rf"""^(?:
        (?:新华社|中新社|[\u4e00-\u9fff]{{0,6}}?[报网刊台])  # 本报, 中工网, 南国早报, 本刊: any paper or site
            (?:讯|[\u4e00-\u9fff]{{0,10}}?(?:\d{{4}}年)?\d{{1,2}}月\d{{1,2}}日(?:电|讯))
            (?:\s*\([^()]{{1,80}}\))?(?:\s*{_REPORTED})?
      | {_REPORTED}
      | 据[\u4e00-\u9fff]{{2,8}}(?:\d{{4}}年)?\d{{1,2}}月\d{{1,2}}日电(?:\s*\([^()]{{1,80}}\))?
    )""",
    re.X,
)
_JUMP_IN = re.compile(r"^[\((](?:上接|接上|紧接)第?[\d一二三四五六七八九十]+版[\))]\s*")
_JUMP_OUT = re.compile(r"[\((](?:下转|转)第?[\d一二三四五六七八九十]{1,9}版[\))]$")  # searched in a line's tail
_LABELS = frozenset({"阅读提示", "核心提示", "编者按", "导读", "提要", "内容提要", "编者的话"})
_SIGNATURE = re.compile(r"^——\s*(?:编者|编辑部?|本报编辑部|本报评论员)$")
_SEPARATED = re.compile(r"(?<!\s)\s*[|｜>»]\s*")  # (?<!\s): tried once per run of blanks, not at each blank
_FINAL = ("。", "!", "?", ".", "…", ";", ":")
_CLOSERS = "”’」』\"')]》>"
_TRAILING_PAREN = re.compile(r"\([^()]{1,30}\)$")
_CLAUSE_SPACE = re.compile(r"[\u4e00-\u9fff\"”’」]{2,}\s+[\"“‘「\u4e00-\u9fff]{2,}")
_HAS_TEXT = re.compile(r"[\w\u4e00-\u9fff]")
_MAX_HEADLINE = 50
# Openings of body sentences that headlines do not use: "近日,", "2021年8月27日,", "据悉,".
_SENTENCE_START = re.compile(
    r"^(?:(?:\d{4}年)?(?:\d{1,2}月)?(?:\d{1,2}日)?(?:上午|下午|晚)?|近日|日前|近期|据悉|据了解|据介绍|据统计|目前|今年|去年"
    r"|近年来|此外|同时|其中|另外|但是|然而|因此|随后|当天|当日|为此|对此|与此同时)[,:]"
)

HEAD, BODY, DATELINE, CREDIT, BYLINE, LABEL, JUMP, SIGN = "head body dateline credit byline label jump sign".split()


@dataclass(frozen=True)
class _Para:
    text: str
    line: int
    kind: str
    simple: str  # simplified view of ``text``, same length


def _is_credit(simple: str) -> bool:
    return len(simple) <= _MAX_CREDIT and bool(_CREDIT.match(simple) or _BYLINE.match(simple))


# --------------------------------------------------------------------------- page chrome (ingest.chrome/v1)
# "Site navigation, headline lists of other stories, related links and footers are not articles and state
# no facts" (GUIDELINE).  Each line of a page first gets a role from its own features: its length, sentence
# punctuation, separators, brackets, a leading bullet, a date, and the chrome words of kg/data/chrome-v1.tsv.
# The context then decides about the lines that only look like titles: the items of a list under a list label
# or in a run of bullets, a run of four or more title lines, a title that a later headline repeats (a table of
# contents), the title lines before the chrome that precedes the first headline block, and the short lines
# after the last sentence of the page.  Credits, bylines, datelines and labels (阅读提示) are never chrome.

_CHROME_FILE = "chrome-v1.tsv"
(_BLANK, _META, _CHROME, _LIST, _ITEM, _KEEP, _SENT, _TITLE, _TEXT) = (
    "blank meta chrome list item keep sentence title text".split()
)
_BULLET = re.compile(r"^[·•●▪◆◇○◎►▶▸※■□★☆]\s*")
_BRACKET_TOKEN = re.compile(r"【[^【】]{1,12}】|\[[^\[\]]{1,12}\]")
_FULL_DATE = re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?")
_CLOCK = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?")
# Dates, times, weekdays and page or issue numbers of a meta line ("天山网 2008-11-14 10:12", "星期五 第2版").
_META_TOKEN = re.compile(
    rf"{_FULL_DATE.pattern}|{_CLOCK.pattern}|\d{{1,2}}月\d{{1,2}}日|(?:星期|周)[一二三四五六日天]|第\s*\d+\s*[版期]"
)
_TOC_PREFIX = re.compile(r"^(?:第?\d{1,3}版[::\s]*)")
_TRAILING_DATE = re.compile(r"\s*[\[(]?\s*(?:\d{2,4}[-/.])?\d{1,2}[-/.]\d{1,2}\s*[\])]?$")
_CJK = re.compile(r"[\u3400-\u9fff]")
_CODE = re.compile(r"[{};<>=]")
_MAX_CHROME = 80  # chrome words only count in lines up to this long
_MAX_TITLE = 50
_MAX_TAIL = 40  # a line after the last sentence up to this long is chrome
_LISTED = frozenset({"list item", "headline list", "repeated headline"})


@dataclass(frozen=True)
class _ChromeWords:
    mark: re.Pattern[str]
    label: frozenset[str]
    meta: re.Pattern[str]
    alone: frozenset[str]


@lru_cache(maxsize=1)
def _chrome_words() -> _ChromeWords:
    table = lexicon.words(_CHROME_FILE)

    def alternation(kind: str) -> str:
        return "|".join(re.escape(word) for word in lexicon.longest_first(table[kind]))

    return _ChromeWords(
        mark=re.compile(alternation("mark"), re.I),
        label=frozenset(table["label"]),
        meta=re.compile(rf"^(?:{alternation('meta')})\s*:|\s(?:{alternation('meta')})\s*:", re.I),
        alone=frozenset(word.lower() for word in table["alone"]),
    )


_BARE = re.compile(r"[\s·•●▪◆◇○◎►▶▸※■□★☆:()\[\]【】<>»]|更多")
_CHUNK = 1 << 16


def _bare(simple: str) -> str:
    """A line without bullets, brackets, colons, "更多" and blanks: what a button or label says.

    >>> _bare("· 更多 【新闻】")
    '新闻'
    """
    text = _BULLET.sub("", simple)
    if len(text) <= 2 * _CHUNK:
        return _BARE.sub("", text).lower()
    # A line of millions of characters, a piece at a time (re.sub keeps every piece between matches in
    # a list); a piece never ends between 更 and 多.  What is left that long is no button or label
    # (what it is compared with): it is not lowered (str.lower takes 12 bytes a character).
    pieces, start = [], 0
    while start < len(text):
        end = min(len(text), start + _CHUNK)
        if end < len(text) and text[end - 1] == "更":
            end += 1
        pieces.append(_BARE.sub("", text[start:end]))
        start = end
    bare = "".join(pieces)
    return bare if len(bare) > _CHUNK else bare.lower()


def _is_sentence(simple: str) -> bool:
    """Body text: a "。", or "!?;" at the end of a longer line or inside a line too long for a headline."""
    if "。" in simple:
        return True
    if len(simple) > 20 and simple.rstrip(_CLOSERS).endswith(("!", "?", ";", "…")):
        return True
    return len(simple) > _MAX_TITLE and bool(re.search(r"[!?;]", simple))


def _is_meta(simple: str, words: _ChromeWords) -> bool:
    """An article's meta line: "来源:…", "发布时间:…", or a date with a few short words around it."""
    if len(simple) > _MAX_CHROME or "。" in simple:
        return False
    if words.meta.search(simple):
        return True
    if not _META_TOKEN.search(simple):
        return False
    rest = _BRACKET_TOKEN.sub(" ", _META_TOKEN.sub(" ", simple))
    tokens = [t for t in re.split(r"[\s|]+", rest) if t]
    if not (_FULL_DATE.search(simple) or _CLOCK.search(simple)):
        return not tokens  # a month and day alone ("8月27日"); with words it may be a headline
    return len(tokens) <= 3 and all(len(t) <= 10 for t in tokens) and not re.search(r"[,;!?]", rest)


def _is_menu(simple: str) -> bool:
    """Link lists and breadcrumbs: "首页 | 新闻 | 图片", "首页 > 工会动态 > 正文", "甲甲 乙乙 丙丙 丁丁 戊戊".

    (Parts and words are looked at one at a time: a line of millions of characters makes no lists.)
    """
    parts = longest = longest_stripped = 0
    for part in _pieces_between(_SEPARATED, simple):
        if part.strip():
            parts += 1
            longest, longest_stripped = max(longest, len(part)), max(longest_stripped, len(part.strip()))
    separators = _count(_SEPARATED, simple, at_most=2)
    if parts >= 3 and separators >= 2 and longest <= 8:
        return True
    if re.search(r"[>»]", simple) and parts >= 2 and not re.search(r"[,。!?;]", simple):
        if longest_stripped <= 16:
            return True
    words = 0
    for word in _WORD.finditer(simple):
        if len(word.group()) > 4:
            return False
        words += 1
    if words < 5 or re.search(r"[,。;:!?]", simple):
        return False
    return not _is_credit(simple)  # "本报记者 甲乙 通讯员 丙丁 摄" is no menu


_WORD = re.compile(r"\S+")


def _count(pattern: re.Pattern[str], text: str, *, at_most: int | None = None) -> int:
    """How many times ``pattern`` matches in ``text`` (counting stops at ``at_most``), without a list of matches.

    >>> _count(_CJK, "工会ab工会"), _count(_CODE, "{};<>", at_most=3)
    (4, 3)
    """
    if at_most is None and pattern.pattern.startswith("[") and pattern.pattern.endswith("]"):
        # one character a match: what is left without them, a piece at a time (no match objects, no lists)
        return len(text) - sum(len(pattern.sub("", text[i : i + _CHUNK])) for i in range(0, len(text), _CHUNK))
    count = 0
    for _match in pattern.finditer(text):
        count += 1
        if at_most is not None and count >= at_most:
            break
    return count


def _pieces_between(pattern: re.Pattern[str], text: str):
    """``pattern.split(text)`` one piece at a time (``pattern`` has no groups)."""
    last = 0
    for match in pattern.finditer(text):
        yield text[last : match.start()]
        last = match.end()
    yield text[last:]


def _line_role(simple: str) -> tuple[str, str]:
    """The role of one stripped, simplified line on its own, and why (for the chrome roles)."""
    if not simple:
        return _BLANK, ""
    words = _chrome_words()
    if _DATELINE.match(simple) or _JUMP_IN.match(simple):
        return (_SENT if _is_sentence(simple) else _KEEP), ""
    if _is_credit(simple.strip("()")) or _SIGNATURE.match(simple) or _bare(simple) in _LABELS:
        return _KEEP, ""
    if _CAPTION_CREDIT.search(simple[-40:]):  # a caption with its credit
        return _KEEP, ""
    if _is_meta(simple, words):
        return _META, "meta line"
    marks = {m.group().lower() for m in words.mark.finditer(simple)} if len(simple) <= 400 else set()
    if marks and (len(simple) <= _MAX_CHROME and "。" not in simple or len(marks) >= 2):
        return _CHROME, "chrome word"
    bare = _bare(simple)
    if bare in words.alone:
        return _CHROME, "button"
    if bare in words.label:
        return _LIST, "list label"
    if _is_menu(simple):
        return _CHROME, "menu"
    if not _CJK.search(simple):
        if len(simple) <= 20:
            return _CHROME, "no Chinese"
    elif len(simple) >= 20 and _count(_CJK, simple) < 0.2 * len(simple) and _count(_CODE, simple, at_most=3) >= 3:
        return _CHROME, "code"
    buttons = _BRACKET_TOKEN.findall(simple)
    if buttons and len(re.sub(r"\s", "", _BRACKET_TOKEN.sub("", simple))) <= 4:
        return _CHROME, "buttons"
    if _is_sentence(simple):
        return _SENT, ""
    if _BULLET.match(simple) and len(simple) <= 2 * _MAX_TITLE and len(_TRAILING_DATE.sub("", simple)) <= _MAX_TITLE:
        return _ITEM, ""
    return (_TITLE if len(simple) <= _MAX_TITLE else _TEXT), ""


def _toc_key(simple: str) -> str:
    """A title as a headline list gives it: without bullet, page number and trailing date."""
    return _TRAILING_DATE.sub("", _TOC_PREFIX.sub("", _BULLET.sub("", simple))).strip()


def page_chrome(lines: list[str]) -> list[str | None]:
    """Why each line of a page is site chrome (``ingest.chrome/v1``), or None for a line of the articles.

    ``lines`` are the page's lines (blank lines included: they separate lists); the result has one
    entry per line: a short reason ("menu", "list item", …) or None.

    >>> page_chrome(["首页 > 新闻 > 正文", "工会送清凉", "", "本报讯 市总工会送清凉。", "相关新闻", "· 甲县工会开展活动"])
    ['menu', None, None, None, 'list label', 'list item']
    """
    return _chrome(lines)[0]


def _chrome(lines: list[str]) -> tuple[list[str | None], frozenset[str]]:
    """:func:`page_chrome`, and the titles that the page's headline lists name (:func:`_toc_key` form)."""
    simples = [to_simplified(line.strip()) for line in lines]
    roles = [_line_role(simple) for simple in simples]
    kind = [role for role, _ in roles]
    why: list[str | None] = [reason or None for _, reason in roles]
    n = len(kind)
    for i in range(n):  # the list under a list label: bulleted items, or adjacent titles
        if kind[i] != _LIST:
            continue
        bullets = blank = False
        for j in range(i + 1, n):
            k = kind[j]
            if k == _ITEM or (k == _TITLE and not bullets and not blank):
                why[j] = "list item"
                bullets = bullets or k == _ITEM
            elif k == _BLANK:
                blank = True
            elif k not in (_META, _CHROME):
                break
    run: list[int] = []  # runs of two or more bulleted titles, blank lines between them allowed
    for i in [*range(n), n]:
        if i < n and (kind[i] == _BLANK and run or kind[i] == _ITEM):
            run.append(i)
            continue
        if sum(kind[j] == _ITEM for j in run) >= 2:
            for j in run:
                if kind[j] != _BLANK:
                    why[j] = why[j] or "list item"
        run = []
    start = 0
    for i in range(n + 1):  # four or more adjacent title lines: a headline list
        if i < n and kind[i] == _TITLE:
            continue
        if i - start >= 4:
            for j in range(start, i):
                why[j] = why[j] or "headline list"
        start = i + 1
    keys = [_toc_key(s) if k in (_TITLE, _ITEM) else "" for s, k in zip(simples, kind)]
    last = {key: i for i, key in enumerate(keys) if len(key) >= 6}
    for i, key in enumerate(keys):  # a table of contents: titles that a later headline repeats
        if len(key) >= 6 and last[key] > i:
            why[i] = why[i] or "repeated headline"
    listed = {key for i, key in enumerate(keys) if len(key) >= 6 and why[i] in _LISTED}
    sentences = [i for i in range(n) if kind[i] == _SENT and why[i] is None]
    if not sentences:
        return why, frozenset(listed)
    first, final = sentences[0], sentences[-1]
    titles = [(i, key) for i, key in enumerate(keys) if len(key) >= 6 and kind[i] == _TITLE][:200]
    for i in range(min(first, 100)):  # a line of the page's headlines run together ("<title>" of an e-paper page)
        if kind[i] in (_TITLE, _TEXT) and why[i] is None and len(simples[i]) >= 12:
            inside = {key for j, key in titles if j != i and key != simples[i] and key in simples[i]}
            if len(inside) >= 2:
                why[i] = "headline list"
                listed |= inside
    block = _headline_block(kind, why, first)
    chrome_before = max((i for i in range(block) if why[i] is not None), default=-1)
    for i in range(chrome_before):  # titles above the chrome over the first headline: site banners, menus
        if kind[i] in (_TITLE, _ITEM) and why[i] is None and _title_like(simples[i]):
            why[i] = "before the headline"
    footer = next((i for i in range(final + 1, n) if why[i] is not None and kind[i] != _META), n)
    for i in range(footer + 1, n):  # short lines in the chrome after the last sentence: footers, link lists
        if kind[i] in (_TITLE, _ITEM) and why[i] is None and len(simples[i]) <= _MAX_TAIL and _title_like(simples[i]):
            why[i] = "after the text"
    return why, frozenset(listed)


def _headline_block(kind: list[str], why: list[str | None], first: int) -> int:
    """Where the headline block (at most three title lines) over the first sentence of the page starts.

    Chrome, meta lines, credits and bylines right over the text are passed over; once the block has
    begun, meta lines and bylines between its lines are too, while any other chrome ends it (a headline
    block holds no chrome; a box of links does).
    """
    start, count = first, 0
    j = first - 1
    while j >= 0 and (why[j] is not None or kind[j] in (_BLANK, _META, _KEEP)):
        j -= 1
    while j >= 0 and count < 3:
        if (why[j] is not None and kind[j] != _META) or (why[j] is None and kind[j] not in (_TITLE, _BLANK, _KEEP)):
            break
        if why[j] is None and kind[j] == _TITLE:
            start, count = j, count + 1
        j -= 1
    return start


def _title_like(simple: str) -> bool:
    """A short line that may be a title (a longer one with a comma is a piece of a sentence)."""
    return len(simple) <= 20 or not re.search(r"[,、]", simple)


def _strip_chrome(lines: list[tuple[int, str]]) -> tuple[list[tuple[int, str]], str | None, frozenset[str]]:
    """The lines of the articles (stripped, blank lines dropped), the page date its chrome states, and
    the titles its headline lists name.

    The page date is the first full date in a meta or chrome line before the first line of text.
    """
    why, listed = _chrome([text for _, text in lines])
    kept: list[tuple[int, str]] = []
    page_date = None
    in_text = False
    for (number, text), reason in zip(lines, why):
        stripped = text.strip()
        if not stripped:
            continue
        if reason is None:
            kept.append((number, stripped))
            in_text = in_text or _is_sentence(stripped)
        elif not in_text and page_date is None and _FULL_DATE.search(stripped):
            page_date = parse_date(stripped)
    return kept, page_date, listed


def _unwrap(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Join hard-wrapped lines (a page where most lines have the same width) back into paragraphs."""
    lengths = [len(t.strip()) for _, t in lines if t.strip()]
    if len(lengths) < 6:
        return lines
    width, _ = max(Counter(n for n in lengths if n >= 15).items(), key=lambda kv: (kv[1], kv[0]), default=(0, 0))
    if not width or sum(width - 1 <= n <= width + 1 for n in lengths) < 0.5 * len(lengths):
        return lines
    out: list[tuple[int, str]] = []
    start = 0
    parts: list[str] = []  # the paragraph being joined (joining it string by string took quadratic time)
    for number, text in lines:
        stripped = text.strip()
        if parts:
            if stripped and not text[:1].isspace():
                parts.append(stripped)
                continue
            out.append((start, "".join(parts)))
            parts = []
        if len(stripped) >= width - 1:
            start, parts = number, [stripped]
        else:
            out.append((number, text))
    if parts:
        out.append((start, "".join(parts)))
    return out


def _balanced(s: str) -> bool:
    pairs = ("“”", "‘’", "()", "《》", "「」", "『』", "[]", "【】")
    return all(s.count(a) == s.count(b) for a, b in pairs)


def _ends_sentence(s: str) -> bool:
    s = _TRAILING_PAREN.sub("", s.rstrip()).rstrip().rstrip(_CLOSERS)
    return not s or s.endswith(_FINAL) or s.endswith("——")


def _is_headline(s: str) -> bool:
    if len(s) > _MAX_HEADLINE or "。" in s or not _balanced(s):
        return False
    if s.endswith((",", "、", ";", ":")) or s[:1] in ",、;:)" or _SENTENCE_START.match(s):
        return False
    if len(s) > 32 and "," in s and not s.endswith("——"):
        return False  # a long line with clauses is a broken-off piece of body text
    bare = s.rstrip(_CLOSERS)
    if bare != s and bare.endswith(("。", "!", "?", "…", ".")):
        return False  # a short quoted sentence
    if s.endswith(("!", "?")) and len(s) > 30:
        return False
    return True


def _classify(number: int, text: str) -> list[_Para]:
    """One source line → its paragraph(s) with a layout kind (a caption's trailing credit is split off)."""
    text = text.strip()
    simple = to_simplified(text)
    jump = _JUMP_IN.match(simple)
    if jump:
        rest = text[jump.end():]
        return [_Para(rest, number, JUMP, simple[jump.end():])]
    out = _JUMP_OUT.search(simple, max(0, len(simple) - 16))
    if out:
        cut = len(simple[: out.start()].rstrip())
        text, simple = text[:cut], simple[:cut]
    if not _HAS_TEXT.search(text):
        return []
    if len(simple) <= _MAX_CREDIT and _CREDIT.match(simple):
        return [_Para(text, number, CREDIT, simple)]
    if len(simple) <= _MAX_CREDIT and _BYLINE.match(simple):
        return [_Para(text, number, BYLINE, simple)]
    if simple.rstrip(":") in _LABELS:
        return [_Para(text, number, LABEL, simple)]
    if _SIGNATURE.match(simple):
        return [_Para(text, number, SIGN, simple)]
    if _DATELINE.match(simple):
        kind = DATELINE
    elif _is_headline(simple):
        return [_Para(text, number, HEAD, simple)]
    else:
        kind = BODY
    cut = max(simple.rfind(p) for p in ("。", "!", "?", "”", ")"))
    if 0 <= cut < len(simple) - 1:
        tail = simple[cut + 1 :].strip()
        if len(tail) <= _MAX_CREDIT and (_CREDIT.match(tail) or _TAIL_BYLINE.match(tail)):
            start = len(simple) - len(simple[cut + 1 :].lstrip())
            return [
                _Para(text[: cut + 1], number, kind, simple[: cut + 1]),
                _Para(text[start:], number, CREDIT, simple[start:]),
            ]
    return [_Para(text, number, kind, simple)]


def _run_end(paras: list[_Para], start: int) -> int:
    end = start
    while end < len(paras) and paras[end].kind == HEAD:
        end += 1
    return end


def _starts_article(
    paras: list[_Para], index: int, *, after_break: bool, listed: frozenset[str] = frozenset()
) -> bool:
    """Does the headline-like paragraph at ``index`` begin a new article (rather than a section heading)?

    ``listed``: the titles a headline list of the page names (:func:`_toc_key` form): those are headlines.
    """
    end = _run_end(paras, index)
    if end - index >= 2 or any(_toc_key(p.simple) in listed for p in paras[index:end]):
        return True
    if end == len(paras):
        return False
    nxt = paras[end].kind
    if nxt in (DATELINE, LABEL):
        return True
    if nxt == BYLINE:
        return not after_break
    # A photo story: headline, a short caption, a credit.
    for para in paras[end : end + 5]:
        if para.kind == CREDIT:
            return True
        if para.kind != BODY:
            return False
    return False


def _continues(paras: list[_Para], index: int, *, listed: frozenset[str] = frozenset()) -> bool:
    """May the paragraph at ``index`` be the rest of a sentence broken by the layout?"""
    para = paras[index]
    if para.kind == BODY:
        return True
    if para.kind != HEAD:
        return False
    return not _CLAUSE_SPACE.search(para.simple) and not _starts_article(paras, index, after_break=True, listed=listed)


def _repair(paras: list[_Para], *, listed: frozenset[str] = frozenset()) -> list[_Para]:
    """Join body paragraphs broken mid-sentence (even mid-name) to their continuation."""
    out: list[_Para] = []
    i = 0
    while i < len(paras):
        para = paras[i]
        while (
            para.kind in (BODY, DATELINE)
            and not _ends_sentence(para.simple)
            and i + 1 < len(paras)
            and _continues(paras, i + 1, listed=listed)
        ):
            nxt = paras[i + 1]
            para = _Para(para.text + nxt.text.lstrip(), para.line, para.kind, para.simple + nxt.simple.lstrip())
            i += 1
        out.append(para)
        i += 1
    return out


@dataclass
class _Draft:
    line: int
    head: list[_Para] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    simple_body: list[str] = field(default_factory=list)
    dateline: str | None = None
    date: str | None = None
    credits: list[str] = field(default_factory=list)
    closed: bool = False

    def add(self, para: _Para) -> None:
        self.body.append(para.text)
        self.simple_body.append(para.simple)


def _credit_names(text: str) -> str:
    """The credit as written, without brackets and the 摄 marker: "本报通讯员 张海伦"."""
    text = text.strip().strip("()()")
    text = re.sub(r"\s*/?\s*(?:攝|摄)(?:影報道|影报道|影)?$", "", text)
    return re.sub(r"\s+", " ", text).strip()


def _dateline_parts(para: _Para) -> tuple[str, str | None, str | None]:
    """(dateline as written, its credit, its full date) of a dateline paragraph."""
    match = _DATELINE.match(para.simple)
    assert match is not None
    dateline = para.text[: match.end()].strip()
    credit = None
    inner = re.search(r"\(([^()]*)\)", match.group())
    simple_inner = inner.group(1) if inner else ""
    if inner and re.search(r"记者|通讯员|实习生|摄影", simple_inner):
        credit = para.text[match.start() + inner.start(1) : match.start() + inner.end(1)].strip()
    else:
        reported = re.search(_REPORTED, match.group())
        if reported:
            credit = para.text[reported.start() : reported.end() - 2].strip()
            credit = re.sub(r"^(?:本报讯|本報訊)\s*", "", credit)
    return dateline, credit, parse_date(match.group())


def _main_headline(lines: list[str]) -> str:
    """The main headline of a block of kicker / headline / sub-headline lines.

    A photo caption that ends with its credit ("…送上慰问品 记者 某某 摄") is no headline.

    >>> _main_headline(["新闻特写", "技能大师直播带课"]), _main_headline(["市总工会晒出服务成绩单", "152万人次受益"])
    ('技能大师直播带课', '市总工会晒出服务成绩单')
    """
    captions = [line for line in lines if _CAPTION_CREDIT.search(to_simplified(line[-40:]))]
    lines = [line for line in lines if line not in captions] or lines
    lines = lines[-3:]
    if len(lines) == 1:
        return lines[0]
    simple = [to_simplified(line) for line in lines]
    if len(lines) == 3:
        if _is_sub(simple[1]) and not _is_kicker(simple[0], simple[1]):
            return lines[0]
        return lines[1]
    a, b = simple
    if _is_kicker(a, b):
        return lines[1]
    if _is_sub(b) or len(b) <= 4:
        return lines[0]
    if _CLAUSE_SPACE.search(b) and not _CLAUSE_SPACE.search(a):
        return lines[1]
    return lines[0]


def _is_kicker(a: str, b: str) -> bool:
    if a.endswith(("——", ":", "—")) or re.search(r"(?:提出|指出|表示|强调|说|要求)$", a):
        return True
    if len(a) <= 4:
        return True  # a column label: 新闻特写
    words = a.split()
    if len(words) >= 3 or (len(words) >= 2 and all(len(w) <= 3 for w in words)):
        return True  # 新经济 新业态 新领域
    return "," in a and len(a) > len(b)


def _is_sub(s: str) -> bool:
    return bool(re.match(r"^(?:——|[\d将有可已])", s)) or bool(re.search(r"\d+(?:\.\d+)?[万亿千百]?(?:人|名|家|个|元|户|次)", s))


def _first_words(text: str) -> str:
    """The first words of a paragraph as a stand-in headline: up to the first clause end, about 20 chars."""
    match = re.search(r"[。!?:;]", text)
    head = text[: match.start()] if match else text
    if len(head) > 20:
        cut = head.rfind(",", 6, 25)  # the last comma at 6…24
        head = head[:cut] if cut >= 0 else head[:20]
    return head.strip()


def split_page(text: str, *, source_file: str) -> list[Article]:
    """A normalised page of one or more articles → articles, layout breaks repaired.

    >>> page = "工会送清凉\\n\\n本报讯 近日,市总工会为环卫工人送去防暑用品,总经理刘\\n\\n丽华到场。"
    >>> [a.text for a in split_page(page, source_file="p.txt")]
    ['工会送清凉\\n\\n本报讯 近日,市总工会为环卫工人送去防暑用品,总经理刘丽华到场。']
    """
    lines = list(enumerate(text.split("\n"), start=1))
    return _split_lines(lines, source_file=source_file)


def _split_lines(
    lines: list[tuple[int, str]],
    *,
    source_file: str,
    default_date: str | None = None,
    headings: frozenset[str] = frozenset(),
) -> list[Article]:
    """Lines of a page → articles; ``headings`` are lines the source marks as headlines (HTML ``<h1>``)."""
    kept, chrome_date, listed = _strip_chrome(_unwrap(lines))
    page_date = default_date or chrome_date
    paras = [para for number, line in kept for para in _classify(number, line)]
    paras = _repair(paras, listed=listed)
    drafts = _segment(paras, listed=listed)
    articles: list[Article] = []
    with_body = [d for d in drafts if d.body]
    for draft in with_body or [d for d in drafts if d.head][:1]:  # credits alone are no article
        articles.append(
            _article(draft, source_file=source_file, position=len(articles), page_date=page_date, headings=headings)
        )
    return articles


def _segment(paras: list[_Para], *, listed: frozenset[str] = frozenset()) -> list[_Draft]:
    drafts: list[_Draft] = []
    current: _Draft | None = None

    def new(line: int) -> _Draft:
        draft = _Draft(line=line)
        drafts.append(draft)
        return draft

    i = 0
    while i < len(paras):
        para = paras[i]
        if para.kind == HEAD:
            end = _run_end(paras, i)
            prev = paras[i - 1] if i else None
            after_break = prev is not None and prev.kind in (BODY, DATELINE) and not _ends_sentence(prev.simple)
            if current is None or current.closed or _starts_article(paras, i, after_break=after_break, listed=listed):
                current = new(para.line)
                current.head = paras[i:end]
            else:
                for heading in paras[i:end]:
                    current.add(heading)  # a section heading inside the running article
            i = end
            continue
        if para.kind == JUMP:
            current = new(para.line)
            if para.text:
                current.add(para)
        elif para.kind == DATELINE:
            if current is None or current.closed or current.body:
                current = new(para.line)
            current.dateline, credit, current.date = _dateline_parts(para)
            if credit:
                current.credits.append(credit)
            current.add(para)
        elif para.kind in (CREDIT, BYLINE):
            if current is None or (current.closed and para.kind == BYLINE):
                current = new(para.line)
            current.credits.append(_credit_names(para.text))
            if para.kind == CREDIT:
                current.closed = True
        else:  # BODY, LABEL, SIGN
            if current is None or current.closed:
                current = new(para.line)
            current.add(para)
        i += 1
    return drafts


def _article(
    draft: _Draft, *, source_file: str, position: int, page_date: str | None, headings: frozenset[str] = frozenset()
) -> Article:
    head_lines = [p.text for p in draft.head]
    body = "\n".join(draft.body)
    text = "\n".join(head_lines) + ("\n\n" + body if head_lines and body else body)
    if head_lines:
        marked = [line for line in head_lines if line in headings]
        headline = marked[-1] if marked else _main_headline(head_lines)
    else:
        first = draft.body[0] if draft.body else ""
        if draft.dateline and first.startswith(draft.dateline):
            first = first[len(draft.dateline) :].lstrip()
        headline = _first_words(first)
    return Article(
        id=article_id(source_file, str(position)),
        source_file=source_file,
        position=position,
        text=text,
        headline=headline,
        date=draft.date or page_date,
        dateline=draft.dateline,
        byline="; ".join(dict.fromkeys(c for c in draft.credits if c)) or None,
        line=draft.line,
    )


# --------------------------------------------------------------------------- JSONL


def article_id(source_file: str, key: str) -> str:
    """An article's identity: its source's name, ``#``, its place in the source (position, JSONL line
    or ``id=`` the record's own id).  ``%`` and ``#`` in the name are escaped, so an id names one
    source only: a record's id can never make its article another file's.

    >>> article_id("a.txt", "0"), article_id("b.jsonl", "id=a.txt#0"), article_id("b.jsonl#id=a.txt", "0")
    ('a.txt#0', 'b.jsonl#id=a.txt#0', 'b.jsonl%23id=a.txt#0')
    """
    return f"{source_file.replace('%', '%25').replace('#', '%23')}#{key}"



def _read_jsonl(text: str, *, source_file: str) -> tuple[list[Article], list[Problem]]:
    articles: list[Article] = []
    problems: list[Problem] = []

    ids: dict[str, int] = {}  # the records' own ids → the line that gave each first

    def problem(number: int, reason: str) -> None:
        problems.append(Problem(source_file=source_file, reason=f"line {number}: {reason}", line=number))

    for number, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except json.JSONDecodeError as error:
            problem(number, f"malformed JSON ({error.msg})")
            continue
        except RecursionError:
            problem(number, "malformed JSON (nested too deeply)")
            continue
        except ValueError as error:  # e.g. an integer of more than 4,300 digits
            problem(number, f"malformed JSON ({_shorten(str(error), 100)})")
            continue
        if not isinstance(record, dict):
            problem(number, f"not a JSON object ({type(record).__name__})")
            continue
        body = record.get("text")
        if body is None:
            problem(number, "no 'text' field")
            continue
        if not isinstance(body, str):
            problem(number, "'text' is not a string")
            continue
        body = normalize(body)
        if not body.strip():
            problem(number, "empty 'text' field")
            continue
        title = record.get("title")
        title = normalize(title).strip() if isinstance(title, str) else ""
        date = None
        if record.get("date") not in (None, ""):
            date = parse_date(record.get("date"))
            if date is None:
                problem(number, f"unrecognised date {_shorten(repr(record.get('date')))} (ignored)")
        article = _jsonl_article(
            body,
            title=re.sub(r"\s*\n\s*", " ", title),
            source_file=source_file,
            position=len(articles),
            line=number,
        )
        if not article.text.strip():
            problem(number, "no article text in 'text' (only page chrome)")
            continue
        url = record.get("url")
        given_id = record.get("id")
        if given_id not in (None, ""):
            key = given_id if isinstance(given_id, str) else json.dumps(given_id, ensure_ascii=False, sort_keys=True)
            if key in ids:
                problem(number, f"duplicate id {_shorten(repr(key), 80)} (first on line {ids[key]}; line skipped)")
                continue
            ids[key] = number
            identity = article_id(source_file, f"id={key}")
        else:
            identity = article_id(source_file, str(number))
        articles.append(
            Article(
                id=identity,
                source_file=source_file,
                position=article.position,
                text=article.text,
                headline=article.headline,
                date=date or article.date,
                url=url if isinstance(url, str) and url else None,
                dateline=article.dateline,
                byline=article.byline,
                line=number,
            )
        )
    if not articles and not problems:
        problems.append(Problem(source_file=source_file, reason="empty file"))
    return articles, problems


def _clause_like(para: _Para) -> bool:
    return para.kind == HEAD and len(para.simple) > 15 and bool(re.search(r"[,、]", para.simple))


def _jsonl_article(body: str, *, title: str, source_file: str, position: int, line: int) -> Article:
    """One JSONL record: layout-repaired like a page but never split into several articles."""
    kept, _, _ = _strip_chrome(list(enumerate(body.split("\n"), start=1)))
    paras = [para for number, line in kept for para in _classify(number, line)]
    # A record is one article: a short line with a comma is a piece of a sentence, not a heading.
    paras = [_Para(p.text, p.line, BODY, p.simple) if _clause_like(p) else p for p in paras]
    paras = [p if p.kind != HEAD else _Para(p.text, p.line, BODY, p.simple) for p in _repair(paras)]
    draft = _Draft(line=line)
    for para in paras:
        if para.kind in (CREDIT, BYLINE):
            draft.credits.append(_credit_names(para.text))
            continue
        if para.kind == DATELINE and draft.dateline is None and not draft.body:
            draft.dateline, credit, draft.date = _dateline_parts(para)
            if credit:
                draft.credits.insert(0, credit)
        draft.add(para)
    if title:
        draft.head = [_Para(title, line, HEAD, to_simplified(title))]
    return _article(draft, source_file=source_file, position=position, page_date=None)
