"""kg.zh.posseg: the same words and POS flags as jieba.posseg.lcut / jieba.lcut, on any text."""

from __future__ import annotations

import random
import re

import jieba
import jieba.posseg
import pytest

import kg.zh.posseg
from kg.zh.posseg import cut, lcut
from kg.zh.text import to_simplified
from conftest import SEEDS


def _jieba_tags(text: str, hmm: bool) -> list[tuple[str, str]]:
    return [(w.word, w.flag) for w in jieba.posseg.lcut(text, HMM=hmm)]


def _differences(texts: list[str]) -> list[tuple[str, str, bool]]:
    out = []
    for text in texts:
        for hmm in (True, False):
            if lcut(text, hmm=hmm) != _jieba_tags(text, hmm):
                out.append(("lcut", text, hmm))
            if cut(text, hmm=hmm) != jieba.lcut(text, HMM=hmm):
                out.append(("cut", text, hmm))
    return out


@pytest.fixture(scope="module")
def seed_text() -> str:
    return "\n".join(to_simplified(path.read_text(encoding="utf-8")) for path in sorted(SEEDS.glob("*.txt")))


# Blocks jieba cuts in its own ways: ASCII letters and digits merged or not, whitespace, full-width
# forms, characters outside jieba's Chinese range (U+9FD6…, extension A, compatibility ideographs),
# control characters that Python counts as whitespace, an unknown name for the HMM.
EDGE_CASES = [
    "", " ", "x", "工", "3.5%", "abc 12.5万元", "A股和B股", "COVID-19疫情", "\r\n工会\n", "\r\r\n\n",
    "㐀䶵鿿豈工会", "工会\u3000职工", "ＡＢＣ１２３职工", "C++和C#", "a.b_c&d-e%f", "\x1c工会\x1f",
    "12名职工和5位劳模", "ǎ工会é", "柯兆林在会上说", "热苏力汗·买买提听得", "鑫", "龘靐齉", "为职工办实事",
    "参加省总举办的活动", "已为环卫工人送去清凉", "2023年7月，宁波市总工会", "...。。。",
    # dictionary words with ASCII (the route through them), runs of letters and digits around them
    "AA制和4S店", "T恤衫", "AT&T公司", "C++语言", "PM2.5值", "做B超和X光", "江南Style", "36名职工", "5G网络3D打印",
]


@pytest.mark.parametrize("text", EDGE_CASES)
def test_edge_cases_as_jieba(nlp, text: str) -> None:
    assert _differences([text]) == []


def test_every_clause_and_window_of_the_seeds_as_jieba(seed_text: str) -> None:
    rng = random.Random(3)
    clauses = [c for c in re.split(r"[，。；！？、\n]", seed_text) if c]
    windows = [seed_text[i:i + rng.choice((2, 3, 4, 6, 8, 12, 16, 24))] for i in range(0, len(seed_text), 11)]
    assert _differences(clauses + windows) == []


def test_random_snippets_as_jieba(seed_text: str) -> None:
    rng = random.Random(8)
    alphabet = sorted(set(seed_text)) + list("ab Z09.+#&_%-\t\r\n　１")
    snippets = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 14))) for _ in range(400)]
    assert _differences(snippets) == []


def test_chinese_mixed_with_ascii_as_jieba(seed_text: str) -> None:
    rng = random.Random(4)
    han = re.findall("[\u4e00-\u9fd5]", seed_text)
    ascii_ = ["AA制", "4S店", "T恤衫", "AT&T", "C++", "c#", "PM2.5", "B超", "3D", "U盘", "A", "1", "x.y", "3.5", "10%", "A+B", "a_b"]
    snippets = ["".join(rng.choice(ascii_) if rng.random() < 0.35 else rng.choice(han) for _ in range(rng.randrange(1, 9)))
                for _ in range(600)]
    assert _differences(snippets) == []


def test_without_rjieba_jieba_itself(monkeypatch, nlp) -> None:
    monkeypatch.setattr(kg.zh.posseg, "_RJIEBA", None)
    assert lcut("宁波市总工会开展送清凉活动") == _jieba_tags("宁波市总工会开展送清凉活动", True)
    assert cut("已为职工办实事 2023", hmm=False) == jieba.lcut("已为职工办实事 2023", HMM=False)


def _jieba_route(text: str) -> list:
    from jieba.posseg.viterbi import viterbi as jieba_viterbi

    tables = (jieba.posseg.char_state_tab_P, jieba.posseg.start_P, jieba.posseg.trans_P, jieba.posseg.emit_P)
    return jieba_viterbi(text, *tables)[1]


# Unknown characters (no states in jieba's table), ones whose states cannot follow, an unknown name.
@pytest.mark.parametrize("text", ["鑫", "龘靐齉", "柯兆林在会上说", "热苏力汗买买提", "热苏力汗·买买提听得", "工a会", "，职工", "㐀豈鿿",
                                  "ＡＢ工会", "滨海县总工会为货车司机开展送清凉活动"])
def test_viterbi_as_jiebas(text: str) -> None:
    assert kg.zh.posseg.viterbi(text) == _jieba_route(text)


def test_viterbi_as_jiebas_on_random_snippets(seed_text: str) -> None:
    rng = random.Random(5)
    han = re.findall("[\u4e00-\u9fd5]", seed_text)
    odd = list("龘靐齉鑫㐀鿿豈a1 ，")
    snippets = ["".join(han[i:i + rng.randrange(1, 12)]) for i in (rng.randrange(len(han)) for _ in range(250))]
    snippets += ["".join(rng.choice(han) if rng.random() < 0.9 else rng.choice(odd) for _ in range(rng.randrange(1, 12)))
                 for _ in range(250)]
    assert [s for s in snippets if kg.zh.posseg.viterbi(s) != _jieba_route(s)] == []


def test_route_left_to_jieba_when_an_ascii_word_could_be_a_dictionary_word() -> None:
    # jieba's dictionary has no such word; were one added ("AB"), rjieba's merged run "AB" would be ambiguous
    kg.zh.posseg._tables()
    assert kg.zh.posseg._route("AB工会", {"AB": 1}, merged=True) is None
    assert kg.zh.posseg._route("AB工会", {"AB": 1}, merged=False) is None
    assert kg.zh.posseg._route("AB工会", {}, merged=False) == ["A", "B", "工会"]
    assert kg.zh.posseg._route("AB工会", {}, merged=True) == ["AB", "工会"]


def test_the_words_with_a_tag_are_the_words_with_a_frequency() -> None:
    import jieba
    import jieba.posseg

    jieba.dt.check_initialized()
    assert {word for word, freq in jieba.dt.FREQ.items() if freq} == set(jieba.posseg.dt.word_tag_tab)
    assert all(jieba.posseg.dt.word_tag_tab.values())  # every tag is true, as get(word) must be


@pytest.mark.parametrize(("text", "pos", "lo", "hi", "run"), [
    ("为推动职工，开展", 6, 0, 8, (6, 8)),
    ("为推动职工，开展", 2, 1, 8, (1, 5)),
    ("为推动职工，开展", 5, 0, 8, None),  # the comma is no word character
    ("A座3楼 设立", 1, 0, 7, (0, 4)),
    ("工会", 2, 0, 2, None),
])
def test_run_around(text, pos, lo, hi, run):
    from kg.zh.posseg import run_around

    assert run_around(text, pos, lo, hi) == run


def test_the_tables_read_without_jieba_posseg_are_its_own() -> None:
    # kg.zh.posseg reads the word → tag table and the HMM's data itself (importing jieba.posseg reads the
    # dictionary line by line); they must be jieba.posseg's
    import jieba
    import jieba.posseg as jp

    assert kg.zh.posseg._word_tags_of(jieba.dt) == jp.dt.word_tag_tab
    assert kg.zh.posseg._hmm_data_modules() == (jp.char_state_tab_P, jp.start_P, jp.trans_P, jp.emit_P)
