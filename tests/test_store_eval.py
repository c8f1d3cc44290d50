"""Scoring against gold: the matching rules of ../shared/gold/README.md, graph reading, end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.store.eval import (
    CATEGORIES,
    GoldError,
    bootstrap,
    calibration,
    evaluate,
    evaluate_calibrated,
    format_calibration,
    format_errors,
    format_intervals,
    format_table,
    intervals_to_dict,
    load_gold,
    predictions_from_extractions,
    predictions_from_graph,
    report_to_dict,
    score,
)
from kg.records import BENEFITED, GROUP, LAUNCHED, MEMBERSHIP, ORGANIZATION, PERSON, UNION, Article, Extraction, Mention, Relation
from kg.zh.text import labels_match, normalize_label
from conftest import need_shared

DATA = Path(__file__).parent / "data" / "eval"
GRAPH = DATA / "graph.ttl"
GOLD = DATA / "gold"


def counts(report, category):
    s = report.category(category)
    return (s.tp, s.fp, s.fn)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＡＢＣ工会", "ABC工会"),  # NFKC full-width
        ("工會聯合會", "工会联合会"),  # traditional → simplified
        ("“五好”工会创建活动", "五好工会创建活动"),  # curly quotes dropped
        ("《职工互助保障办法》", "职工互助保障办法"),  # 《》 dropped
        ("「蓝领通」 平台", "蓝领通平台"),  # corner quotes and spaces dropped
        ("，职工。", "职工"),  # edge punctuation stripped
        ("职工、农民工", "职工、农民工"),  # inner punctuation kept
    ],
)
def test_normalisation(raw, expected):
    assert normalize_label(raw) == expected


@pytest.mark.parametrize(
    ("a", "b", "match"),
    [
        ("滨海县总工会", "江苏省盐城市滨海县总工会", True),  # 6 of 12: exactly half
        ("江苏省盐城市滨海县总工会", "滨海县总工会", True),  # symmetric
        ("工会", "滨海县总工会", False),  # 2 of 6: under half
        ("县总工会", "滨海县总工会", True),  # 4 of 6
        ("滨海县工会", "滨海县总工会", False),  # not a substring
        ("职工", "职工", True),
        ("", "职工", False),
    ],
)
def test_labels_match_half_length_rule(a, b, match):
    assert labels_match(a, b) is match


@pytest.mark.parametrize(
    ("predicted", "gold", "expected"),
    [
        # normalised forms are equal
        ({"“十件实事”", }, {"十件实事"}, (1, 0, 0)),
        ({"工會"}, {"工会"}, (1, 0, 0)),
        # containment with the half-length rule
        ({"江苏省盐城市滨海县总工会"}, {"滨海县总工会"}, (1, 0, 0)),
        ({"工会"}, {"滨海县总工会"}, (0, 1, 1)),
        # duplicates after normalising count once, on both sides
        ({"职工", "職工", "“职工”"}, {"职工", " 职工 "}, (1, 0, 0)),
        # an exact match is paired first: the containment does not steal the exact partner
        ({"滨海县总工会", "江苏省滨海县总工会"}, {"滨海县总工会"}, (1, 1, 0)),
        ({"滨海县总工会"}, {"江苏省滨海县总工会", "滨海县总工会"}, (1, 0, 1)),
        # one to one: one prediction cannot match two gold items
        ({"困难职工子女"}, {"困难职工", "职工子女"}, (1, 0, 1)),
        # maximum pairing of the containment matches
        ({"困难职工", "困难职工子女"}, {"困难职工子女帮扶", "困难职工子"}, (2, 0, 0)),
        ({}, {"职工"}, (0, 0, 1)),
        ({"职工"}, {}, (0, 1, 0)),
    ],
)
def test_label_scoring(predicted, gold, expected):
    report = score({"a.txt": {"groups": set(predicted)}}, {"a.txt": {"groups": set(gold)}})
    assert counts(report, "groups") == expected


@pytest.mark.parametrize(
    ("predicted", "gold", "expected"),
    [
        ({("滨海县总工会", "劳动竞赛")}, {("滨海县总工会", "劳动竞赛")}, (1, 0, 0)),
        ({("江苏省滨海县总工会", "“劳动竞赛”")}, {("滨海县总工会", "劳动竞赛")}, (1, 0, 0)),
        # both members must match
        ({("滨海县总工会", "技能竞赛")}, {("滨海县总工会", "劳动竞赛")}, (0, 1, 1)),
        ({("宁波市总工会", "劳动竞赛")}, {("滨海县总工会", "劳动竞赛")}, (0, 1, 1)),
        ({("工会", "劳动竞赛")}, {("滨海县总工会", "劳动竞赛")}, (0, 1, 1)),
        # exact pair first
        (
            {("滨海县总工会", "劳动竞赛"), ("滨海县总工会", "劳动竞赛活动")},
            {("滨海县总工会", "劳动竞赛")},
            (1, 1, 0),
        ),
    ],
)
def test_pair_scoring(predicted, gold, expected):
    report = score({"a.txt": {"launched": predicted}}, {"a.txt": {"launched": gold}})
    assert counts(report, "launched") == expected


@pytest.mark.parametrize(
    ("predicted", "gold", "expected"),
    [
        ({("张慧", "超威电源公司工会")}, {("张慧", "超威电源公司工会")}, (1, 0, 0)),
        ({("胡满娣", "超威电源公司")}, {("胡满娣", "超威电源公司")}, (0, 0, 0)),  # not a union: ignored both sides
        ({("胡满娣", "超威电源公司")}, set(), (0, 0, 0)),
        (set(), {("王某", "广西壮族自治区总工会")}, (0, 0, 1)),
        ({("李某", "市工商业联合会")}, set(), (0, 1, 0)),  # 联合会 counts as a union
        ({("李某", "市工商業聯合會")}, set(), (0, 1, 0)),  # after normalising
    ],
)
def test_persons_filter(predicted, gold, expected):
    report = score({"a.txt": {"persons": predicted}}, {"a.txt": {"persons": gold}})
    assert counts(report, "persons") == expected


def test_micro_average_over_files_and_missing_files():
    gold = {
        "a.txt": {"unions": {"滨海县总工会", "宁波市总工会"}},
        "b.txt": {"unions": {"云南省总工会"}},
        "c.txt": {"unions": {"福建省总工会"}},  # no predictions: FN
    }
    predicted = {
        "a.txt": {"unions": {"滨海县总工会"}},
        "b.txt": {"unions": {"云南省总工会", "昆明市总工会"}},
        "d.txt": {"unions": {"海南省总工会"}},  # not in gold: FP
    }
    report = score(predicted, gold)
    s = report.category("unions")
    assert (s.tp, s.fp, s.fn) == (2, 2, 2)
    assert s.precision == pytest.approx(0.5) and s.recall == pytest.approx(0.5)
    assert report.total.tp == 2 and report.files == ("a.txt", "b.txt", "c.txt", "d.txt")
    assert {(e.file, e.kind, e.item) for e in report.errors} == {
        ("a.txt", "FN", "宁波市总工会"),
        ("b.txt", "FP", "昆明市总工会"),
        ("c.txt", "FN", "福建省总工会"),
        ("d.txt", "FP", "海南省总工会"),
    }


def test_micro_is_not_macro():
    # file a: 1/1 correct, file b: 1 of 3 predictions correct → micro P = 2/4, not mean(1, 1/3)
    gold = {"a.txt": {"groups": {"职工"}}, "b.txt": {"groups": {"农民工"}}}
    predicted = {"a.txt": {"groups": {"职工"}}, "b.txt": {"groups": {"农民工", "快递员", "骑手"}}}
    assert score(predicted, gold).category("groups").precision == pytest.approx(0.5)


EXPECTED_GRAPH_FACTS = {
    "a.txt": {
        "unions": {"江苏省盐城市滨海县总工会", "超威电源公司工会"},
        "initiatives": {"工企互助绩效“晒台”"},
        "groups": {"一线职工"},
        "persons": {("张慧", "超威电源公司工会")},
        "launched": {("江苏省盐城市滨海县总工会", "工企互助绩效“晒台”")},
        "benefited": {("工企互助绩效“晒台”", "一线职工")},
    },
    "b.txt": {
        "unions": set(),
        "initiatives": set(),
        "groups": {"职工"},
        "persons": {("赵建友", "江苏省盐城市滨海县总工会")},
        "launched": set(),
        "benefited": set(),
    },
}


def test_predictions_from_turtle():
    facts, evidence = predictions_from_graph(GRAPH)
    assert facts == EXPECTED_GRAPH_FACTS
    assert evidence[("a.txt", "launched", ("江苏省盐城市滨海县总工会", "工企互助绩效“晒台”"))] == "滨海县总工会搭建工企互助绩效“晒台”。"
    assert evidence[("a.txt", "persons", ("张慧", "超威电源公司工会"))] == "超威电源公司工会主席张慧说。"
    assert evidence[("a.txt", "unions", "江苏省盐城市滨海县总工会")] == "滨海县总工会搭建工企互助绩效“晒台”。"
    # an entity takes the evidence of any statement it is rdf:subject/rdf:object of (here the org:memberOf one)
    assert evidence[("a.txt", "unions", "超威电源公司工会")] == "超威电源公司工会主席张慧说。"
    assert ("b.txt", "persons", ("赵建友", "江苏省盐城市滨海县总工会")) not in evidence


def test_predictions_from_named_graphs_store_and_nquads(tmp_path):
    store = ox.Store()
    store.load(path=str(GRAPH), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("https://example.org/g"))
    assert predictions_from_graph(store)[0] == EXPECTED_GRAPH_FACTS
    nq = tmp_path / "graph.nq"
    store.dump(str(nq), format=ox.RdfFormat.N_QUADS)
    assert predictions_from_graph(nq)[0] == EXPECTED_GRAPH_FACTS


def test_predictions_from_store_directory(tmp_path):
    store = ox.Store(str(tmp_path / "store"))
    store.bulk_load(path=str(GRAPH), format=ox.RdfFormat.TURTLE)
    store.flush()
    del store
    assert predictions_from_graph(tmp_path / "store")[0] == EXPECTED_GRAPH_FACTS


def test_end_to_end_graph_against_gold():
    report = evaluate(GOLD, graph=GRAPH)
    assert {c: counts(report, c) for c in CATEGORIES} == {
        "unions": (2, 0, 1),  # 腾龙石化机械公司工会 missing
        "initiatives": (1, 0, 1),  # 劳动竞赛 missing in b
        "groups": (1, 1, 0),  # 一线职工 not in gold
        "persons": (2, 0, 0),  # 胡满娣 (not a union) ignored on both sides
        "launched": (1, 0, 0),
        "benefited": (0, 1, 1),
    }
    assert (report.total.tp, report.total.fp, report.total.fn) == (7, 2, 3)
    errors = format_errors(report).splitlines()
    assert "a.txt  benefited  FP  工企互助绩效“晒台” → 一线职工  | “晒台”让一线职工受益。" in errors
    assert "a.txt  groups  FP  一线职工  | “晒台”让一线职工受益。" in errors
    assert "b.txt  benefited  FN  劳动竞赛 → 职工  | " in errors
    table = format_table(report).splitlines()
    assert table[0].split() == ["category", "P", "R", "F1", "tp", "fp", "fn", "gold", "predicted"]
    assert table[-1].split() == ["micro", "0.778", "0.700", "0.737", "7", "2", "3", "10", "9"]
    as_json = json.loads(json.dumps(report_to_dict(report), ensure_ascii=False))
    assert as_json["micro"]["tp"] == 7 and as_json["categories"]["unions"]["fn"] == 1
    assert {"file": "b.txt", "category": "benefited", "kind": "FN", "item": ["劳动竞赛", "职工"], "evidence": None} in as_json["errors"]


def test_predictions_from_extractions():
    text = "滨海县总工会开展劳动竞赛，惠及职工。超威电源公司工会主席张慧、总经理胡满娣。"
    art = Article(id="a.txt#0", source_file="in/a.txt", position=0, text=text)

    def m(kind, label):
        return Mention(kind=kind, text=label, start=0, end=len(label), label=label, rule="t")

    union, init, group = m(UNION, "滨海县总工会"), m("Initiative", "劳动竞赛"), m(GROUP, "职工")
    person, person2 = m(PERSON, "张慧"), m(PERSON, "胡满娣")
    cw_union, cw_co = m(UNION, "超威电源公司工会"), m(ORGANIZATION, "超威电源公司")

    def r(pred, s, o, **attrs):
        return Relation(predicate=pred, subject=s, object=o, sentence_start=0, sentence_end=len(text), rule="t",
                        attrs=tuple(attrs.items()))

    extraction = Extraction(
        article=art,
        mentions=(union, init, group, person, person2, cw_union, cw_co),
        relations=(r(LAUNCHED, union, init), r(BENEFITED, init, group),
                   r(MEMBERSHIP, person, cw_union, role="工会主席"), r(MEMBERSHIP, person2, cw_co, role="总经理")),
    )
    assert predictions_from_extractions([extraction]) == {
        "a.txt": {
            "unions": {"滨海县总工会", "超威电源公司工会"},
            "initiatives": {"劳动竞赛"},
            "groups": {"职工"},
            "persons": {("张慧", "超威电源公司工会")},
            "launched": {("滨海县总工会", "劳动竞赛")},
            "benefited": {("劳动竞赛", "职工")},
        }
    }


def test_load_gold_fixture_pools_articles_and_filters_persons():
    gold = load_gold(GOLD)
    assert sorted(gold) == ["a.txt", "b.txt"]
    assert gold["a.txt"]["persons"] == {("张慧", "超威电源公司工会")}
    assert gold["b.txt"]["benefited"] == {("劳动竞赛", "职工")}


@pytest.mark.parametrize(
    "content",
    ["{not json", "[]", '{"articles": []}', '{"file": "x.txt", "articles": [{"unions": "滨海县总工会"}]}',
     '{"file": "x.txt", "articles": [{"launched": [["滨海县总工会"]]}]}',
     '{"file": "x.txt", "articles": [{"persons": [{"post": "主席"}]}]}'],
)
def test_load_gold_malformed(tmp_path, content):
    (tmp_path / "bad.json").write_text(content, encoding="utf-8")
    with pytest.raises(GoldError) as info:
        load_gold(tmp_path)
    assert "bad.json" in str(info.value) and "\n" not in str(info.value)


def test_load_gold_seeds():
    gold = load_gold(need_shared() / "gold" / "seeds")
    assert len(gold) == 5
    totals = {c: sum(len(f[c]) for f in gold.values()) for c in CATEGORIES}
    assert totals == {"unions": 72, "initiatives": 184, "groups": 66, "persons": 19, "launched": 195, "benefited": 155}
    assert all(org.find("工会") >= 0 or "联合会" in org for f in gold.values() for _, org in f["persons"])
    report = score(gold, gold)
    assert report.total.fp == report.total.fn == 0


# The tiny graph with confidences: a right launched fact (.9), a wrong benefited one (.6), a right
# initiative (.85) and a wrong group (.65), each an entity's rdf:type statement or a fact's statement.
CONFIDENCES = """
@prefix ukg: <https://w3id.org/union-kg/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix id: <https://w3id.org/union-kg/id/> .
id:st1 ukg:confidence 0.9 .
id:st3 ukg:confidence 0.6 .
id:why1 a rdf:Statement ; rdf:subject id:shaitai ; rdf:predicate rdf:type ; rdf:object ukg:Initiative ;
    prov:wasDerivedFrom id:art-a ; ukg:confidence 0.85 .
id:why2 a rdf:Statement ; rdf:subject id:yixian ; rdf:predicate rdf:type ; rdf:object ukg:BeneficiaryGroup ;
    prov:wasDerivedFrom id:art-a ; ukg:confidence 0.65 .
"""


def test_calibration_bins_the_graph_confidences_by_whether_they_were_right(tmp_path):
    graph = tmp_path / "graph.ttl"
    graph.write_text(GRAPH.read_text(encoding="utf-8") + CONFIDENCES, encoding="utf-8")
    report, calibrations = evaluate_calibrated(GOLD, graph=graph)
    assert report == evaluate(GOLD, graph=graph)
    by_category = {c.category: c for c in calibrations}
    assert set(by_category) == {"unions", "initiatives", "groups", "launched", "benefited"}
    filled = {c.category: [(b.low, b.items, b.right, b.confidence) for b in c.bins if b.items] for c in calibrations}
    assert filled == {"unions": [],  # no confidence in this graph: left out
                      "initiatives": [(0.8, 1, 1, 0.85)], "groups": [(0.6, 1, 0, 0.65)],
                      "launched": [(0.9, 1, 1, 0.9)], "benefited": [(0.6, 1, 0, 0.6)]}
    assert by_category["launched"].error == pytest.approx(0.1) and by_category["benefited"].error == pytest.approx(0.6)
    lines = format_calibration(calibrations).splitlines()
    assert lines[0].split() == ["category", "confidence", "items", "right", "mean", "confidence"]
    assert "launched     0.9-1.0         1  1.000            0.900" in lines
    assert "benefited    ECE             1                   0.600" in lines


def test_calibration_counts_each_item_once_at_its_best_confidence():
    gold = {"a.txt": {"groups": {"职工"}}}
    predicted = {"a.txt": {"groups": {"职工", "職工"}}, "z.txt": {"groups": {"骑手"}}}
    confidences = {("a.txt", "groups", "职工"): 0.55, ("a.txt", "groups", "職工"): 0.95, ("z.txt", "groups", "骑手"): 0.9}
    groups = {c.category: c for c in calibration(score(predicted, {**gold, "z.txt": {}}), predicted, confidences)}["groups"]
    assert [(b.low, b.items, b.right) for b in groups.bins if b.items] == [(0.9, 2, 1)]  # 職工 = 职工 once; 骑手 wrong
    assert groups.bins[-1].high == 1.0 and calibration(score({}, gold), {}, {})[0].items == 0


def test_kg_eval_calibration_prints_the_table_and_json(tmp_path):
    from typer.testing import CliRunner

    from kg.cli import app

    graph = tmp_path / "graph.ttl"
    graph.write_text(GRAPH.read_text(encoding="utf-8") + CONFIDENCES, encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["eval", str(GOLD), "--graph", str(graph), "--calibration"])
    assert result.exit_code == 0, result.output
    assert "benefited    ECE             1                   0.600" in result.output.splitlines()
    result = runner.invoke(app, ["eval", str(GOLD), "--graph", str(graph), "--calibration", "-f", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["calibration"]["launched"]["ece"] == pytest.approx(0.1)
    result = runner.invoke(app, ["eval", str(GOLD), "--graph", str(graph)])
    assert "ECE" not in result.output


# ---------------------------------------------------------------------------- sampling error

# Six invented files, one union and one group each; the predictions of two graphs of them.
SIX = {f"f{k}.txt": {"unions": {f"{place}县总工会"}, "groups": {group}}
       for k, (place, group) in enumerate(zip("甲乙丙丁戊己", ("环卫工人", "快递员", "货车司机", "护士", "外卖骑手", "农民工")))}


def _predicted(found_unions: set[int], found_groups: set[int], wrong: set[int] = frozenset()) -> dict:
    out = {}
    for k, (file, facts) in enumerate(SIX.items()):
        out[file] = {"unions": set(facts["unions"]) if k in found_unions else set(),
                     "groups": (set(facts["groups"]) if k in found_groups else set()) | ({"游客"} if k in wrong else set())}
    return out


def test_score_keeps_each_files_counts():
    report = score(_predicted({0, 1, 2}, {0}, wrong={5}), SIX)
    assert set(report.file_counts) == set(SIX)
    unions, groups = CATEGORIES.index("unions"), CATEGORIES.index("groups")
    assert report.file_counts["f0.txt"][unions] == (1, 0, 0) and report.file_counts["f5.txt"][groups] == (0, 1, 1)
    for k, category in enumerate(CATEGORIES):
        assert tuple(sum(c[k][i] for c in report.file_counts.values()) for i in range(3)) == counts(report, category)


@pytest.mark.parametrize(
    "better, worse, sign",
    [
        # the same predictions: no difference, in every resampling
        (({0, 1, 2}, {0, 1}), ({0, 1, 2}, {0, 1}), "zero"),
        # one more union found in one file and nothing lost: no resampling makes it worse
        (({0, 1, 2, 3}, {0, 1}), ({0, 1, 2}, {0, 1}), "positive"),
        # a union gained in one file, a group lost in another: either way round in some resamplings
        (({0, 1, 2, 3}, {0}), ({0, 1, 2}, {0, 1}), "either"),
    ],
)
def test_bootstrap_of_a_difference_is_paired_over_the_files(better, worse, sign):
    a, b = score(_predicted(*worse), SIX), score(_predicted(*better), SIX)
    micro = {i.category: i for i in bootstrap(b, against=a, samples=500)}["micro"]
    assert micro.f1 == pytest.approx(b.total.f1) and micro.against == pytest.approx(a.total.f1)
    assert micro.low <= micro.difference <= micro.high
    if sign == "zero":
        assert micro.low == micro.high == micro.difference == 0
    elif sign == "positive":
        assert micro.difference > 0 and micro.low >= 0
    else:
        assert micro.low < 0 < micro.high


def test_bootstrap_of_one_score_is_deterministic_and_holds_the_score():
    report = score(_predicted({0, 1, 2, 3}, {0, 2, 4}, wrong={1, 5}), SIX)
    first, again = bootstrap(report, samples=300), bootstrap(report, samples=300)
    assert first == again and [i.category for i in first] == [*CATEGORIES, "micro"]
    for interval in first:
        assert interval.against is None and interval.difference is None
        assert interval.low <= interval.f1 <= interval.high
    groups = {i.category: i for i in first}["groups"]
    assert groups.low < groups.high  # files that differ: the score moves with the draw
    empty = bootstrap(score({}, {}), samples=10)[-1]  # no file: the score itself, no error
    assert (empty.category, empty.f1, empty.low, empty.high) == ("micro", 0.0, 0.0, 0.0)


def test_intervals_as_text_and_json():
    a, b = score(_predicted({0, 1, 2}, {0, 1}), SIX), score(_predicted({0, 1, 2, 3}, {0, 1}), SIX)
    text = format_intervals(bootstrap(b, against=a, samples=200)).splitlines()
    assert text[2].split() == ["category", "F1", "other", "diff", "interval"]
    unions = next(line for line in text if line.startswith("unions"))
    assert unions.split()[:4] == ["unions", "0.800", "0.667", "+0.133"]
    data = intervals_to_dict(bootstrap(b, against=a, samples=200))
    assert data["unions"]["difference"] == pytest.approx(0.1333, abs=1e-4) and data["unions"]["low"] >= 0
    assert set(intervals_to_dict(bootstrap(b, samples=20))["micro"]) == {"f1", "low", "high"}


def test_kg_eval_intervals_and_against(tmp_path):
    from typer.testing import CliRunner

    from kg.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["eval", str(GOLD), "--graph", str(GRAPH), "--intervals", "--against", str(GRAPH)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "F1 and its 95 % interval over resampled files" in lines
    micro = [line.split() for line in lines if line.startswith("micro")]
    assert len(micro) == 3 and micro[2][3:] == ["+0.000", "[+0.000,", "+0.000]"]  # a graph against itself
    data = json.loads(runner.invoke(app, ["eval", str(GOLD), "--graph", str(GRAPH), "--against", str(GRAPH),
                                          "-f", "json"]).output)
    assert data["against"]["graph"] == str(GRAPH) and data["against"]["micro"]["difference"] == 0
    assert "intervals" not in data
    missing = runner.invoke(app, ["eval", str(GOLD), "--graph", str(GRAPH), "--against", str(tmp_path / "none.ttl")])
    assert missing.exit_code == 1 and "none.ttl" in missing.output and len(missing.output.strip().splitlines()) == 1
