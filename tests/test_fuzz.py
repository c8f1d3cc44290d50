"""Hostile input: ingest and extraction never crash, never hang, and report problems in one line.

Property-based tests (hypothesis) feed :func:`kg.ingest.read.read_articles` and :func:`kg.extract.article.extract`
random Unicode; "token soup" made of layout and rule vocabulary (credits, datelines, quotes, numbers,
tags: what the regular expressions work on, so that backtracking blow-ups are likely to be hit);
wrong and mixed encodings (GB18030, Big5, UTF-16 with and without BOM, UTF-8 cut inside a character,
Latin-1 read as Chinese); NUL bytes; seed pages rendered as .txt in several encodings, .html and
.jsonl and cut at random byte offsets (inside characters, tags and JSONL lines).  Fixed cases add
10 MB single lines, 100,000 nested elements, a `kg build` over a folder of hostile files, and builds
from 1,000 small files and from one 50 MB file.

Every call runs under :func:`bounded`: a SIGALRM timer raises :class:`Hang` (a BaseException, so
that no ``except Exception`` in the code under test can swallow it) and the test fails.  Hypothesis'
own deadline is off: it only measures a call after it returns, and a loaded machine makes it flaky.

``KG_FUZZ_EXAMPLES`` sets the examples per property and makes them random (default: 20, the same
every run, so that CI is repeatable; e.g. ``KG_FUZZ_EXAMPLES=2000 pytest tests/test_fuzz.py`` for a
long random run).  By default the 10 MB lines are read (ingest); their
extraction (minutes: the pipeline's linear cost) is marked slow, a 30,000-character article and
12,000-character runs of rule material are extracted by default.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
from dataclasses import replace
from functools import lru_cache
from html import escape
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import ROOT, SEEDS
from kg.cli import app
from kg.extract.article import MAX_PIECE, extract
from kg.ingest.discover import SUFFIXES
from kg.ingest.read import read_articles
from kg.records import KINDS, PREDICATES, Article, Extraction, Problem

EXAMPLES = int(os.environ.get("KG_FUZZ_EXAMPLES", "20"))


def fuzz(scale: int = 1) -> settings:
    return settings(
        max_examples=EXAMPLES * scale,
        derandomize="KG_FUZZ_EXAMPLES" not in os.environ,  # the default run (CI) is the same every time
        deadline=None,  # bounded() is the time limit
        database=None,  # no .hypothesis/ folder in the work tree; a failure prints its example
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


#: Seconds for one generated example (inputs of a few KB; they take well under a second).
LIMIT = 15.0
MB = 1_000_000


class Hang(BaseException):
    """Raised by the alarm inside the code under test."""


def bounded(seconds: float, call, *args, **kwargs):
    """``call(*args, **kwargs)``, failing the test if it runs longer than ``seconds``."""

    def expire(signum, frame):
        raise Hang

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return call(*args, **kwargs)
    except Hang:
        pytest.fail(f"{getattr(call, '__name__', call)} did not finish within {seconds:g} s", pytrace=False)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_bounded_stops_a_catastrophic_regex() -> None:
    with pytest.raises(pytest.fail.Exception, match="within 0.2 s"):
        bounded(0.2, re.match, r"(a|a)*b", "a" * 60)


# --------------------------------------------------------------------------- checks


def check_problems(problems: list[Problem], name: str) -> None:
    for problem in problems:
        assert isinstance(problem, Problem)
        text = str(problem)
        assert text.startswith(name), text
        assert len(text.splitlines()) == 1 and len(text) <= 300, text


def check_read(data: bytes, *, name: str, seconds: float = LIMIT) -> tuple[list[Article], list[Problem]]:
    """Read ``data`` as file ``name``: articles or one-line problems, never an exception, in time."""
    articles, problems = bounded(seconds, read_articles, data, source_file=name, suffix=Path(name).suffix)
    assert articles or problems, "neither an article nor a problem"
    check_problems(problems, name)
    for article in articles:
        assert isinstance(article, Article) and article.source_file == name
        assert article.text.strip() and "\x00" not in article.text and "\r" not in article.text
    return articles, problems


def check_ingest(data: bytes, *, name: str, seconds: float = LIMIT) -> list[Article]:
    return check_read(data, name=name, seconds=seconds)[0]


def check_extract(article: Article, nlp, *, seconds: float = LIMIT) -> Extraction:
    """Extract ``article`` in time; every offset points at the text it claims."""
    extraction = bounded(seconds, extract, article, nlp=nlp)
    text = article.text
    for m in extraction.mentions:
        assert m.kind in KINDS and 0 <= m.start < m.end <= len(text) and text[m.start : m.end] == m.text, m
    for r in extraction.relations:
        assert r.predicate in PREDICATES and 0 <= r.sentence_start <= r.sentence_end <= len(text), r
        for m in (r.subject, r.object):
            assert text[m.start : m.end] == m.text, r
    return extraction


def sample(articles: list[Article]) -> list[Article]:
    """The first two and the last article (a cut file's damage is at its end)."""
    return articles if len(articles) <= 3 else [*articles[:2], articles[-1]]


# --------------------------------------------------------------------------- strategies

# Pieces of what the layout heuristics and the rules look at; soup of them reaches the corners of
# the regular expressions (repeated names and separators, unbalanced quotes, half datelines, ...).
VOCAB = (
    "\n", "\n\n", " ", "  ", "\u3000", "\t", "\r\n", "\r", "。", ",", "，", "、", ":", "：", ";", "!", "?", "…",
    "——", "“", "”", "‘", "’", "\"", "《", "》", "(", ")", "（", "）", "【", "】", "「", "」", "|", "/", "·", "-",
    "本报讯", "本报", "记者", "通讯员", "实习生", "摄", "摄影", "新华社", "电", "报道", "编者", "上接第1版",
    "下转第2版", "阅读提示", "责任编辑", "版权所有", "来源:", "王伟", "李", "欧阳", "张建华", "北京市", "省", "市",
    "县", "区", "镇", "街道", "社区", "总工会", "工会", "工会联合会", "委员会", "公司", "集团", "有限公司", "协会",
    "局", "主席", "书记", "开展", "举办", "发起", "组织", "启动", "为", "向", "帮助", "慰问", "送", "活动", "服务",
    "行动", "计划", "工程", "竞赛", "职工", "农民工", "环卫工人", "困难职工", "外卖骑手", "劳模", "他们", "其",
    "2022年", "1月", "5日", "12月31日", "3000", "1.5", "万元", "元", "名", "人次", "余", "多", "近", "一", "十",
    "百", "千", "万", "亿", "%", "2022-01-05", "第", "届", "次", "<p>", "</p>", "<div>", "</div>", "<br>", "<h1>",
    "<script>", "</script>", "<!--", "-->", "&amp;", "&#", "&#x4e00;", "<", ">", "<nav class='menu'>",
    "<meta name='pubdate' content='2022-01-05'>", '{"text": "', '{"title": "', '", "date": "', '"}', "\\",
    "\\u", "\x00", "\x0b", "\u200b", "\ufeff", "\u2028", "\U0001F600", "\u0301", "\ufffd", "𠀀", "工會", "總工會",
    "開展", "乾隆",
)
soup = st.lists(st.sampled_from(VOCAB), max_size=200).map("".join)
texts = st.one_of(st.text(max_size=400), soup, st.text(alphabet=st.characters(codec="latin-1"), max_size=400))
CODECS = (
    "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "gb18030", "gbk", "big5", "latin-1",
    "cp1252", "shift_jis",
)


def encode(text: str, codec: str) -> bytes:
    return text.encode(codec, errors="replace")


@st.composite
def contained(draw, text_strategy=texts) -> tuple[str, str]:
    """(file name, text): plain text, an HTML page around it, or JSONL records of it (some broken)."""
    text = draw(text_strategy)
    kind = draw(st.sampled_from(SUFFIXES))
    if kind in (".html", ".htm"):
        depth = draw(st.integers(0, 30))
        tag = draw(st.sampled_from(["div", "span", "p", "td", "table", "section", "script", "b"]))
        text = f"<html><head><title>t</title></head><body>{f'<{tag}>' * depth}{text}{f'</{tag}>' * draw(st.integers(0, depth))}"
    elif kind == ".jsonl":
        lines = [json.dumps({"title": t[:20], "text": t}, ensure_ascii=draw(st.booleans())) for t in text.split("\n\n")]
        if draw(st.booleans()):
            lines.insert(draw(st.integers(0, len(lines))), text[:200])  # a broken line
        text = "\n".join(lines)
    return f"fuzz{kind}", text


@st.composite
def hostile_bytes(draw) -> tuple[str, bytes]:
    """(file name, bytes): text in one or several (wrong) encodings, cut, with NULs, or random bytes."""
    name, text = draw(contained())
    if draw(st.integers(0, 9)) == 0:
        return name, draw(st.binary(max_size=2000))
    pieces = [text] + draw(st.lists(texts, max_size=2))  # more than one piece: mixed encodings
    data = b"".join(encode(piece, draw(st.sampled_from(CODECS))) for piece in pieces)
    damage = draw(st.sampled_from(["none", "cut", "nul", "cut+nul"]))
    if "cut" in damage and data:
        data = data[: draw(st.integers(0, len(data)))]
    if "nul" in damage:
        at = draw(st.integers(0, len(data)))
        data = data[:at] + b"\x00" * draw(st.integers(1, 3)) + data[at:]
    return name, data


@lru_cache(maxsize=1)
def seed_renderings() -> dict[str, bytes]:
    """Every seed page as .txt (UTF-8, GB18030, Big5 of its traditional form, UTF-16 with and without BOM), .html and .jsonl."""
    import opencc

    s2t = opencc.OpenCC("s2t")
    out: dict[str, bytes] = {}
    for path in sorted(SEEDS.glob("*.txt")):
        text, stem = path.read_text(encoding="utf-8"), path.stem[:3]
        out[f"{stem}.utf8.txt"] = text.encode()
        out[f"{stem}.gb18030.txt"] = text.encode("gb18030")
        out[f"{stem}.big5.txt"] = s2t.convert(text).encode("big5", errors="replace")
        out[f"{stem}.utf16.txt"] = text.encode("utf-16")
        out[f"{stem}.utf16le.txt"] = text.encode("utf-16-le")
        paragraphs = "".join(f"<p class='text'>{escape(line)}</p>\n" for line in text.split("\n") if line.strip())
        out[f"{stem}.html"] = (
            "<!DOCTYPE html><html><head><meta charset='utf-8'><meta name='pubdate' content='2022-01-05'>"
            "<style>p { margin: 0 }</style></head><body><nav class='menu'><a href='/'>首页</a> | <a>新闻</a></nav>"
            f"<div class='article'>\n{paragraphs}</div><footer>版权所有</footer><script>var s = '<p>';</script></body></html>"
        ).encode()
        records = [block.strip().split("\n", 1) for block in re.split(r"\n\s*\n", text) if block.strip()]
        out[f"{stem}.jsonl"] = "".join(
            json.dumps({"title": r[0], "text": r[-1], "date": "2022-01-05"}, ensure_ascii=False) + "\n" for r in records
        ).encode()
    return out


def interior_offsets(data: bytes) -> list[int]:
    """Byte offsets inside a UTF-8 character or inside an HTML tag."""
    inside_chars = [i for i in range(len(data)) if 0x80 <= data[i] < 0xC0]
    inside_tags = [i for m in re.finditer(rb"<[^<>]*>", data) for i in range(m.start() + 1, m.end())]
    return inside_chars[::7] + inside_tags


@lru_cache(maxsize=1)
def seed_texts() -> tuple[str, ...]:
    return tuple(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))


@st.composite
def mutated_seed(draw) -> str:
    """A piece of a seed page with soup inserted, pieces deleted, or pieces repeated many times."""
    text = draw(st.sampled_from(seed_texts()))
    start = draw(st.integers(0, len(text)))
    text = text[start : start + draw(st.integers(0, 4000))]
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, len(text)))
        end = draw(st.integers(at, min(len(text), at + 200)))
        how = draw(st.sampled_from(["insert", "delete", "repeat"]))
        if how == "insert":
            text = text[:at] + draw(st.one_of(soup, st.text(max_size=20))) + text[at:]
        elif how == "delete":
            text = text[:at] + text[end:]
        else:
            text = text[:at] + text[at:end] * draw(st.integers(2, 60)) + text[end:]
    return text


@st.composite
def cut_seed(draw) -> tuple[str, bytes]:
    renderings = seed_renderings()
    name = draw(st.sampled_from(sorted(renderings)))
    data = renderings[name]
    offset = draw(st.one_of(st.integers(0, len(data)), st.sampled_from(interior_offsets(data) or [0])))
    return name, data[:offset]


# --------------------------------------------------------------------------- properties


@fuzz(scale=5)
@given(hostile_bytes())
@example(("fuzz.jsonl", b'{"title": "\\u001b", "text": "\\u001b"}'))  # found: an article with empty text
@example(("fuzz.txt", "记者一一".encode()))  # found: a byline alone made an article with empty text
def test_ingest_never_fails_on_hostile_bytes(named: tuple[str, bytes]) -> None:
    name, data = named
    check_ingest(data, name=name)


@fuzz()
@given(contained(st.one_of(texts, soup, soup.map(lambda s: s * 20), mutated_seed())))
def test_ingest_and_extract_never_fail_on_hostile_text(nlp, named: tuple[str, str]) -> None:
    name, text = named
    for article in sample(check_ingest(text.encode("utf-8"), name=name)):
        check_extract(article, nlp)


@fuzz()
@given(st.one_of(st.text(max_size=2000), soup, mutated_seed()))
@example("我们来到宁波")  # found: a place name at the very end made the places rule index past the text
@example("新疆维吾尔自治区总工会副主席乌拉孜别克·热")  # found: a name cut by the end ran past the text
def test_extract_never_fails_on_raw_text(nlp, text: str) -> None:
    # extract() is public: also text that did not go through ingest's normalisation (\r, NUL, controls).
    check_extract(Article(id="raw#0", source_file="raw", position=0, text=text, headline=text[:10]), nlp)


@fuzz()
@given(cut_seed())
def test_truncated_seed_files(nlp, named: tuple[str, bytes]) -> None:
    name, data = named
    if not data.strip():
        return  # cut before any text: "empty file" (tests/test_ingest.py)
    articles = check_ingest(data, name=name)
    if name.endswith(".jsonl"):
        # Every complete line is an article; the cut line, unless still whole JSON, is one problem.
        _, problems = read_articles(data, source_file=name, suffix=".jsonl")
        complete = data.count(b"\n")
        assert len(articles) >= complete and len(articles) + len(problems) == complete + (not data.endswith(b"\n"))
        assert all(p.line == complete + 1 for p in problems)
    elif len(data) >= 3000:
        assert articles, "a page cut after 3,000 bytes still has its first articles"
    for article in sample(articles):
        check_extract(article, nlp)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("本报讯 近日,某市总工会开展送清凉活动。".encode("utf-8")[:-1], "articles"),  # UTF-8 cut inside 。
        ("本报讯 近日,某市总工会开展送清凉活动。".encode("utf-16-le"), "articles"),  # no BOM
        ("本報訊 近日,某市總工會開展送清涼活動。".encode("big5"), "articles"),
        ("本报讯 近日,某市总工会开展送清凉活动。".encode("gb18030") + "其他内容。".encode("utf-8"), "articles"),
        ("Café crème brûlée. Ça coûte 5 francs.".encode("latin-1"), "any"),  # Latin-1 read as Chinese
        (b"\x00" * 1000, "binary file"),
        ("本报讯 近日,某市总工会开展送清凉活动。".encode("utf-16")[:-1], "articles"),  # cut inside a character
        ("本报讯 近日,某市总工会开展送清凉活动。".encode("gb18030")[:-1], "articles"),
        ("\ufeff本报讯".encode("utf-16-le") + bytes(range(256)) * 8, "cannot decode"),  # BOM, then binary
    ],
    ids=["utf8-cut", "utf16le-nobom", "big5", "gb18030+utf8", "latin1", "nul", "utf16-cut", "gb18030-cut", "bom-binary"],
)
def test_wrong_encodings_give_articles_or_a_one_line_problem(data: bytes, expected: str) -> None:
    articles, problems = read_articles(data, source_file="enc.txt", suffix=".txt")
    check_problems(problems, "enc.txt")
    if expected == "articles":
        assert articles and all(a.text.strip() for a in articles)
    elif expected == "any":
        assert bool(articles) != bool(problems)
    else:
        assert not articles and len(problems) == 1 and expected in problems[0].reason


# --------------------------------------------------------------------------- giant inputs


def _seed_line(size: int) -> str:
    """Real text (the seed pages) as one line of ``size`` UTF-8 bytes or a little less."""
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))).replace("\n", "")
    line = text * (size // len(text.encode()) + 1)
    return line.encode()[:size].decode("utf-8", errors="ignore")


def _nested(tag: str, depth: int, *, close: bool) -> str:
    inner = "本报讯 近日,宁波市总工会开展送清凉活动,为环卫工人送去防暑物资。"
    return f"<html><body>{f'<{tag}>' * depth}{inner}{f'</{tag}>' * depth if close else ''}</body></html>"


GIANT = {
    # name: (file name, bytes factory, expected: articles and problem, extraction finds a union)
    "ascii-line": ("a.txt", lambda: b"lorem ipsum dolor sit amet " * (10 * MB // 27), (1, None), False),
    "cjk-noise-line": ("b.txt", lambda: "".join(random.Random(0).choices("的一是在不了有和人这中大为上个国我以要他时来用们", k=9999)).encode() * (10 * MB // 29997), (1, None), False),
    "names-line": ("c.txt", lambda: "王伟  李明  ".encode() * (10 * MB // 16), (0, "no article text found"), False),  # a word list
    "nul-bytes": ("e.txt", lambda: b"\x00" * 10 * MB, (0, "binary file (NUL bytes)"), False),
    "random-bytes": ("f.txt", lambda: random.Random(1).randbytes(10 * MB), (0, "binary file"), False),
    "less-than-signs": ("g.html", lambda: b"<" * 10 * MB, (0, "no article text found"), False),  # text without letters
    "open-tags": ("h.html", lambda: b"<a " * (10 * MB // 3), (0, "no article text found"), False),
    "json-text-line": ("i.jsonl", lambda: json.dumps({"text": "工会" * (10 * MB // 6)}).encode(), (1, None), False),
    "json-nesting": ("j.jsonl", lambda: ("[" * 100_000 + "]" * 100_000 + '\n{"text": "宁波市总工会开展送清凉活动。"}\n').encode(),
                     (1, "line 1: malformed JSON (nested too deeply)"), True),
    "nested-div": ("k.html", lambda: _nested("div", 100_000, close=True).encode(), (1, None), True),
    "nested-div-unclosed": ("l.html", lambda: _nested("div", 100_000, close=False).encode(), (1, None), True),
    "nested-span": ("m.html", lambda: _nested("span", 100_000, close=True).encode(), (1, None), True),
    "nested-table": ("n.html", lambda: _nested("table><tr><td", 30_000, close=False).encode(), (1, None), True),
    "nested-script": ("o.html", lambda: _nested("script", 100_000, close=False).encode(), (0, "no article text found"), False),
}


@pytest.mark.parametrize("case", sorted(GIANT))
def test_giant_input(nlp, case: str) -> None:
    name, make, (count, reason), has_union = GIANT[case]
    articles, problems = check_read(make(), name=name, seconds=60)
    assert len(articles) == count
    assert [p.reason[: len(reason)] for p in problems] == [reason] if reason else not problems
    if has_union:  # the 10 MB lines are extracted by test_giant_line_is_extracted (slow)
        found = {m.kind for article in articles for m in check_extract(article, nlp, seconds=60).mentions}
        assert "UnionBody" in found


def test_long_article_is_extracted_in_pieces_without_losing_facts(nlp) -> None:
    # One article of 700 paragraphs (~30,000 characters, three pieces): every paragraph's fact is found.
    counties = _counties(700)
    body = "\n".join(f"本报讯 近日,{c}总工会开展“送清凉”活动,为{i + 10}名环卫工人送去防暑物资。" for i, c in enumerate(counties))
    (article,) = check_ingest(f"各地工会开展“送清凉”活动\n\n{body}\n".encode(), name="long.txt")
    assert len(article.text) > 2 * MAX_PIECE
    extraction = check_extract(article, nlp, seconds=60)
    launchers = {r.subject.label for r in extraction.relations if r.predicate == "launched"}
    assert len(launchers & {f"{c}总工会" for c in counties}) >= 0.99 * len(counties)
    assert max(m.end for m in extraction.mentions) > len(article.text) - 100


@pytest.mark.parametrize(
    "unit",
    ["正式启动", "农民工、", "1%", "职工", "已", "“送", "宁波市总工会", "王伟  ", "开展送清凉活动,", "市总,"],
)
def test_dense_rule_material_is_extracted_in_time(nlp, unit: str) -> None:
    # 12,000 characters of one unit the rules look at, no sentence end: each of these took seconds to
    # minutes (rules searching a whole clause or sentence per match, a scan per added mention).
    check_extract(Article(id="d#0", source_file="d", position=0, text="宁波市总工会," + unit * (12_000 // len(unit))), nlp, seconds=30)


@pytest.mark.slow
@pytest.mark.parametrize("case", ["ascii-line", "cjk-noise-line", "json-text-line", "real-text-line-10mb"])
def test_giant_line_is_extracted(nlp, case: str) -> None:
    # Over spaCy's 1,000,000-character limit; the time allowed grows with the length (linear cost).
    if case == "real-text-line-10mb":
        name, data = "r.txt", _seed_line(10 * MB).encode()
    else:
        name, make, _, _ = GIANT[case]
        data = make()
    (article,) = check_ingest(data, name=name, seconds=60)
    assert len(article.text) > 1_000_000
    check_extract(article, nlp, seconds=60 + len(article.text) / 5_000)


# --------------------------------------------------------------------------- kg build


def test_kg_build_reports_each_bad_file_in_one_line_and_builds_the_rest(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    seed = next(iter(seed_renderings().values()))
    files = {
        "good.txt": "宁波市总工会开展“送清凉”活动\n\n本报讯 近日,宁波市总工会开展“送清凉”活动,为环卫工人送去防暑物资。\n".encode(),
        "cut.txt": seed[:3001],  # inside a character
        "cut.html": seed_renderings()["000.html"][:2500],
        "nul.txt": b"\x00" * 100,
        "pdf.txt": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)),
        "empty.html": b"",
        "random.txt": random.Random(2).randbytes(10_000),
        "markup.html": b"<" * 5000 + b"<a " * 5000,
        "nested.jsonl": ("[" * 100_000 + "\n" + '{"text": "宁波市总工会开展送清凉活动。"}\n{"text": 1' + "1" * 5000 + "}\n").encode(),
        "names.txt": ("王伟  " * 40 + "王伟x").encode(),
    }
    for name, data in files.items():
        (src / name).write_bytes(data)
    expected = []
    for name in sorted(files):
        problems = read_articles(files[name], source_file=name, suffix=Path(name).suffix)[1]
        expected += [f"error: {replace(p, path=str(src / name))}" for p in problems]  # the file as given
    assert len(expected) >= 7
    result = bounded(300, CliRunner().invoke, app, ["build", str(src), "--out", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.stderr
    lines = result.stderr.splitlines()
    assert sorted(lines[:-1]) == sorted(expected), result.stderr
    assert lines[-1] == f"{len(expected)} input(s) failed; the others were built."
    assert "宁波市总工会" in (tmp_path / "out" / "graph.ttl").read_text(encoding="utf-8")


def _counties(count: int) -> list[str]:
    rows = (line.split("\t") for line in (ROOT / "kg/data/places-v1.tsv").read_text(encoding="utf-8").splitlines())
    names = sorted({r[1] for r in rows if len(r) > 3 and r[3] == "county" and r[1].endswith("县")})
    assert len(names) >= count
    return names[:count]


def test_build_from_a_folder_of_1000_small_files(tmp_path: Path) -> None:
    from kg.build.run import build

    src = tmp_path / "src"
    for i, county in enumerate(_counties(1000)):
        headline = f"{county}总工会开展“送清凉”活动"
        body = f"本报讯 近日,{county}总工会开展“送清凉”活动,为{i + 10}名环卫工人送去防暑降温物资。"
        folder = src / f"part{i % 10}"
        folder.mkdir(parents=True, exist_ok=True)
        if i % 3 == 0:
            (folder / f"{i}.txt").write_text(f"{headline}\n\n{body}\n", encoding="utf-8")
        elif i % 3 == 1:
            (folder / f"{i}.html").write_text(f"<html><body><h1>{headline}</h1><p>{body}</p></body></html>", encoding="utf-8")
        else:
            (folder / f"{i}.jsonl").write_text(json.dumps({"title": headline, "text": body}, ensure_ascii=False) + "\n", encoding="utf-8")
    summary = bounded(300, build, [src], out=tmp_path / "out", jobs=2)
    assert summary.files == 1000 and summary.articles == 1000 and not summary.problems
    assert summary.entities["UnionBody"] >= 990  # one union per county (a few county names are ambiguous)
    assert summary.relations["launched"] >= 1000
    import pyoxigraph as ox

    graphs = {q.graph_name.value for q in ox.parse(path=str(tmp_path / "out" / "graph.nq"), format=ox.RdfFormat.N_QUADS)}
    assert sum("/id/article/" in g for g in graphs) == 1000


BUILD_SCRIPT = """
import json, resource, sys
from pathlib import Path
from kg.build.run import build
summary = build([Path(sys.argv[1])], out=Path(sys.argv[2]), jobs=1)
print(json.dumps({"articles": summary.articles, "problems": [str(p) for p in summary.problems],
                  "entities": summary.entities, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def test_build_from_one_50mb_file(tmp_path: Path) -> None:
    # A 50 MB web page: the seed articles plus 50 MB of scripts, styles, comments, inline images and menus, all
    # read, decoded and parsed by the real pipeline in a separate process (peak memory measured).
    paragraphs = "".join(f"<p>{escape(line)}</p>\n" for text in seed_texts() for line in text.split("\n") if line.strip())
    noise = "var s = '<p>工会开展活动</p>'; if (a < b && c > d) { x = \"</div>\"; }\n" * 2000
    image = "<img alt='图片' src='data:image/png;base64," + "iVBORw0KGgo" * 10_000 + "'>"
    blocks = [f"<script>{noise}</script>", f"<style>p {{ margin: 0 }} /* {noise} */</style>", f"<!-- {noise} -->",
              image, "<nav class='menu'>" + "<a href='/x'>首页</a> | " * 1000 + "</nav>"]
    page = tmp_path / "src" / "big.html"
    page.parent.mkdir()
    with page.open("w", encoding="utf-8") as handle:
        handle.write("<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>\n")
        for i in range(10_000):
            handle.write(blocks[i % len(blocks)])
            if i == 100:
                handle.write(f"<div class='article'>{paragraphs}</div>")
            if handle.tell() > 50 * MB:
                break
        handle.write("</body></html>\n")
    size = page.stat().st_size
    assert size > 50 * MB
    result = subprocess.run([sys.executable, "-c", BUILD_SCRIPT, str(page.parent), str(tmp_path / "out")],
                            capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.splitlines()[-1])
    assert report["articles"] >= 25 and not report["problems"], report
    assert report["entities"]["UnionBody"] >= 30
    # Bounded memory: measured 276 MB, as much as a build of the seeds alone (a few copies of the file
    # or of its text would add 150 MB each).
    assert report["peak_mb"] < 800, report
