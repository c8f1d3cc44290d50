"""JSON lines → articles: one article a line (``title``, ``text``, ``date``, ``id``, ``url``), a problem for
each bad line."""

from __future__ import annotations

import json
import re

from kg.ingest.chrome import _strip_chrome
from kg.ingest.decode import normalize, parse_date
from kg.ingest.layout import _Draft, article_id, _article, _classify, _credit_names, _dateline_parts, _repair
from kg.ingest.lines import BODY, BYLINE, CREDIT, DATELINE, HEAD, _Para
from kg.records import Article, Problem
from kg.zh.text import to_simplified


# --------------------------------------------------------------------------- JSONL


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


def _shorten(text: str, limit: int = 160) -> str:
    """``text`` on one line, at most ``limit`` characters (problems are one line each)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
