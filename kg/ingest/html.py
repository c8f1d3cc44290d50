"""HTML → text lines: a linear-time tokenizer of our own, dropped chrome elements, block elements as line
breaks, the publish date of the meta tags and the page's headings (the decisions: :mod:`kg.ingest`)."""

from __future__ import annotations

import re
from html import unescape

from kg.ingest.decode import parse_date


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
