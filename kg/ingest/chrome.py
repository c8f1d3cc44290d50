"""The page chrome filter (``ingest.chrome/v1``): navigation, meta lines, headline lists of other stories,
footers and the like are dropped from a page before it is split into articles (the decisions: :mod:`kg.ingest`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kg import lexicon
from kg.ingest.decode import parse_date
from kg.ingest.lines import _CAPTION_CREDIT, _CLOSERS, _DATELINE, _JUMP_IN, _LABELS, _SEPARATED, _SIGNATURE, _is_credit
from kg.zh.text import to_simplified


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
