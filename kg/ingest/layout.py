"""A page of lines → articles: layout repair, headline blocks, article starts, datelines, credits and
bylines (the decisions: :mod:`kg.ingest`).

Example:
    >>> [a.headline for a in split_page("工会送清凉\\n\\n本报讯(记者王伟)近日,市总工会开展活动。", source_file="p.txt")]
    ['工会送清凉']
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from kg.ingest.chrome import _strip_chrome, _toc_key
from kg.ingest.decode import parse_date
from kg.ingest.lines import (
    BODY, BYLINE, CREDIT, DATELINE, HEAD, JUMP, LABEL, SIGN, _BYLINE, _CAPTION_CREDIT, _CLAUSE_SPACE, _CLOSERS, _CREDIT,
    _DATELINE, _FINAL, _HAS_TEXT, _JUMP_IN, _JUMP_OUT, _LABELS, _MAX_CREDIT, _MAX_HEADLINE, _Para, _REPORTED,
    _SENTENCE_START, _SIGNATURE, _TAIL_BYLINE, _TRAILING_PAREN,
)
from kg.records import Article
from kg.zh.text import to_simplified


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


def article_id(source_file: str, key: str) -> str:
    """An article's identity: its source's name, ``#``, its place in the source (position, JSONL line
    or ``id=`` the record's own id).  ``%`` and ``#`` in the name are escaped, so an id names one
    source only: a record's id can never make its article another file's.

    >>> article_id("a.txt", "0"), article_id("b.jsonl", "id=a.txt#0"), article_id("b.jsonl#id=a.txt", "0")
    ('a.txt#0', 'b.jsonl#id=a.txt#0', 'b.jsonl%23id=a.txt#0')
    """
    return f"{source_file.replace('%', '%25').replace('#', '%23')}#{key}"


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
