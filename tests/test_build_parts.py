"""Long articles in parts (kg.build.parts): the quads of the whole article, in memory bounded by the part (issue 17, finding 11).

A 50 MB page of one line is one article of 17 million characters: its extraction held every mention,
relation and quad (9.5 GB).  Here the same construction at a small scale: the memory of the build's
stream of events over one long article does not grow with the article (bench/long_line.py measures
the real thing in a separate process, with RSS and time ratios).
"""

from __future__ import annotations

import random
import tracemalloc
from bisect import bisect_right
from collections import Counter
from pathlib import Path

import pytest

from kg.extract.article import extract
from kg.rdf.quads import MAX_EVIDENCE, article_nquads
from kg.extract.nlp import RULES
from kg.build.parts import LongArticle, Sentences, _sentences_in, _Window, extract_part, make_part, split_article
from kg.records import Article
from kg.zh.text import sentence_spans

UNIONS = ("青禾县总工会", "白沙县总工会", "南岭市总工会", "東川區總工會")
GROUPS = ("环卫工人", "快递员", "困难职工", "农民工", "外卖骑手")
INITIATIVES = ("送清凉", "金秋助学", "职工书屋", "暖心驿站")
SENTENCES = (
    "近日,{u}为{n}名{g}送去慰问金{m}万元。",
    "{u}开展“{i}”活动,惠及{g}{n}人次。",
    "{u}副主席张小明表示,将继续为{g}做好服务;",
    "据了解,“{i}”活动已连续举办{m}年,累计投入资金{n}万元!",
    "{u}联合市人社局启动“{i}”行动,帮助{g}解决实际困难",
    "李红梅说:“感谢{u}。”",
)


def long_text(chars: int, *, seed: int = 0, lines: bool = False) -> str:
    """A headline block and made-up news sentences (unions, groups, initiatives, posts, money, counts), about ``chars`` long."""
    rng = random.Random(seed)
    parts = [f"{UNIONS[0]}开展“{INITIATIVES[0]}”活动\n\n"]
    size = len(parts[0])
    while size < chars:
        sentence = rng.choice(SENTENCES).format(u=rng.choice(UNIONS), g=rng.choice(GROUPS), i=rng.choice(INITIATIVES),
                                                n=rng.randint(10, 9999), m=rng.randint(2, 99))
        if lines and rng.random() < 0.05:
            sentence += "\n"
        parts.append(sentence)
        size += len(sentence)
    return "".join(parts)


def _lines(nquads: bytes) -> set[str]:
    return set(nquads.decode("utf-8").splitlines())


@pytest.mark.parametrize("lines", [False, True], ids=["one-line", "paragraphs"])
def test_a_long_article_in_parts_has_the_quads_of_the_whole_article(nlp, lines: bool) -> None:
    article = Article(id="long.txt#0", source_file="long.txt", position=0, text=long_text(24_000, lines=lines),
                      headline="青禾县总工会开展“送清凉”活动", date="2023-05-04")
    parts = split_article(article, part_chars=8_000)
    assert len(parts) >= 3 and all(len(p.article.text) < 8_000 + 2 * MAX_EVIDENCE for p in parts)
    assembly, found = LongArticle(article), set()
    for part in parts:
        result = extract_part(part, nlp=nlp)
        assert not result.problems
        assembly.add(result)
        found |= _lines(result.nquads)
    finish = assembly.finish()
    assert not finish.problems
    found |= _lines(finish.nquads)
    whole = _lines(article_nquads(extract(article, nlp=nlp)))
    assert found == whole
    assert sum("/quantity/" in line for line in whole) > 500  # the quantities' statements are among them


@pytest.mark.parametrize("seed", range(30))
def test_each_part_is_handed_the_article_sentences_it_quotes(seed: int) -> None:
    """Whatever the cuts, a position of a part is in the sentence the article has it in (or in none when
    that one is over MAX_EVIDENCE long), and the part's text holds that sentence."""
    rng = random.Random(seed)
    alphabet = ["甲", "乙", "丙", "。", "!", "”", "\n", " ", ",", "。”"] + ["丁" * 50] * 2 + ["戊" * 900] * (seed % 3)
    text = "标题\n\n" + "".join(rng.choice(alphabet) for _ in range(rng.randint(50, 4000)))
    article = Article(id="x#0", source_file="x", position=0, text=text)
    cuts = sorted({4, len(text), *(rng.randint(4, len(text)) for _ in range(rng.randint(1, 12)))})
    spans = sentence_spans(text)
    starts = [s for s, _e in spans]
    feed = Sentences(text)
    for first, last in zip(cuts, cuts[1:]):
        part = make_part(article, 4, ((first, last),), sentences=feed)
        window = _Window(part)
        got = _sentences_in(part.sentences, range(first, last))
        for position in range(first, last):
            i = bisect_right(starts, position) - 1
            expected = spans[i] if i >= 0 and position < spans[i][1] else (-1, -1)
            if expected[1] - expected[0] > MAX_EVIDENCE:
                expected = (-1, -1)
            assert got[position] == expected, (position, got[position], expected)
            if expected[0] >= 0:
                assert window[expected[0] : expected[1]] == text[expected[0] : expected[1]]


def _peak_of_events(path: Path, *, traced: bool = True) -> tuple[int, int]:
    """Peak bytes allocated while the build's stream of events goes over the file (events dropped), and the articles."""
    from kg.build.archive import Batch
    from kg.build.run import events_of

    if traced:
        tracemalloc.start()
    try:
        articles = 0
        for event in events_of([(path, path.name, None, None)], jobs=1, timings=Counter(), model=RULES):
            articles += isinstance(event, Batch) and len(event.result.graphs)
        return (tracemalloc.get_traced_memory()[1] if traced else 0), articles
    finally:
        tracemalloc.stop()


def test_the_memory_of_a_long_article_does_not_grow_with_it(nlp, tmp_path: Path, monkeypatch) -> None:
    import kg.build.pool

    monkeypatch.setattr(kg.build.pool, "PART_CHARS", 6_000)
    short, long = tmp_path / "short.txt", tmp_path / "long.txt"
    short.write_text(long_text(10_000, seed=1), encoding="utf-8")
    long.write_text(long_text(50_000, seed=1), encoding="utf-8")
    _peak_of_events(short, traced=False)  # caches and lexicons are filled once, not counted
    (peak_short, one), (peak_long, also_one) = _peak_of_events(short), _peak_of_events(long)
    assert one == also_one == 1
    # Five times the article: the same parts one at a time (before: five times the mentions, relations and quads).
    print(f"peak {peak_short / 1e6:.1f} MB for 10,000 characters, {peak_long / 1e6:.1f} MB for 50,000")
    assert peak_long < 1.5 * peak_short, (peak_short, peak_long)
