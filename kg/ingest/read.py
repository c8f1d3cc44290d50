"""One source file → articles and problems, by its kind: the bytes are decoded (:mod:`kg.ingest.decode`),
then read as JSON lines (:mod:`kg.ingest.jsonl`), an HTML page (:mod:`kg.ingest.html`) or a text page
(:mod:`kg.ingest.layout`).  Never raises: a bad file is a :class:`~kg.records.Problem`."""

from __future__ import annotations

from pathlib import Path

from kg.ingest import files
from kg.ingest.decode import DecodeError, decode, normalize
from kg.ingest.discover import SUFFIXES, _unsupported
from kg.ingest.html import _html_page
from kg.ingest.jsonl import _read_jsonl, _shorten
from kg.ingest.layout import _split_lines, split_page
from kg.records import Article, Problem


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
