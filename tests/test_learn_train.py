"""kg train / kg.learn.train: models learned from annotations, deterministic, used by kg build --model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.rules.model import load_models
from kg.learn.train import annotate, fit_models, held_out_extractions

runner = CliRunner()

# Made-up news: (text, unions, initiatives, groups, launched, benefited)
STORIES = [
    ("青禾县总工会近日开展“冬日暖心”活动，为环卫工人送去棉衣。县总工会还开通了维权服务热线。",
     ["青禾县总工会"], ["“冬日暖心”活动", "维权服务热线"], ["环卫工人"],
     [["青禾县总工会", "“冬日暖心”活动"], ["青禾县总工会", "维权服务热线"]], [["“冬日暖心”活动", "环卫工人"]]),
    ("白沙市总工会启动“技能提升”行动，面向快递员开设培训班。会议还部署了明年的工作。",
     ["白沙市总工会"], ["“技能提升”行动", "培训班"], ["快递员"],
     [["白沙市总工会", "“技能提升”行动"], ["白沙市总工会", "培训班"]], [["“技能提升”行动", "快递员"], ["培训班", "快递员"]]),
    ("云岭区总工会举办“书香工地”读书活动，向建筑工人赠送图书。区总工会负责人出席。",
     ["云岭区总工会"], ["“书香工地”读书活动"], ["建筑工人"],
     [["云岭区总工会", "“书香工地”读书活动"]], [["“书香工地”读书活动", "建筑工人"]]),
    ("松江镇总工会设立爱心驿站，为外卖骑手提供饮水和充电服务。镇领导参加了揭牌仪式。",
     ["松江镇总工会"], ["爱心驿站"], ["外卖骑手"],
     [["松江镇总工会", "爱心驿站"]], [["爱心驿站", "外卖骑手"]]),
    ("临川市总工会开展“金秋助学”活动，资助困难职工子女上大学。市总工会还召开了座谈会。",
     ["临川市总工会"], ["“金秋助学”活动"], ["困难职工子女"],
     [["临川市总工会", "“金秋助学”活动"]], [["“金秋助学”活动", "困难职工子女"]]),
    ("北湖县总工会推出“安心托管”服务，面向双职工家庭子女开放。县总工会还发放了慰问金。",
     ["北湖县总工会"], ["“安心托管”服务", "慰问金"], ["双职工家庭子女"],
     [["北湖县总工会", "“安心托管”服务"], ["北湖县总工会", "慰问金"]], [["“安心托管”服务", "双职工家庭子女"]]),
]


@pytest.fixture(scope="module")
def annotated(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("annotated")
    gold, sources = root / "gold", root / "sources"
    gold.mkdir()
    sources.mkdir()
    for k, (text, unions, initiatives, groups, launched, benefited) in enumerate(STORIES):
        name = f"story{k}.txt"
        (sources / name).write_text(text, encoding="utf-8")
        article = {"headline": text[:10], "unions": unions, "initiatives": initiatives, "groups": groups,
                   "persons": [], "launched": launched, "benefited": benefited}
        (gold / f"story{k}.json").write_text(json.dumps({"file": name, "articles": [article]}, ensure_ascii=False),
                                             encoding="utf-8")
    return gold, sources


def test_examples_are_labelled_by_the_gold(annotated) -> None:
    gold, sources = annotated
    articles, facts = annotate(gold, [sources])
    assert len(articles) == len(STORIES) and set(facts) == {f"story{k}.txt" for k in range(len(STORIES))}
    positives = {(a.file, example.key) for a in articles for _m, example in a.candidates if example.label}
    assert ("story0.txt", "“冬日暖心”活动") in positives
    negatives = {(a.file, example.key) for a in articles for _m, example in a.candidates if not example.label}
    assert ("story1.txt", "工作") in negatives  # 部署了明年的工作: a candidate, not an initiative


def test_training_is_deterministic_and_builds_use_the_model(annotated, tmp_path) -> None:
    gold, sources = annotated
    first, second = tmp_path / "m1", tmp_path / "m2"
    for folder in (first, second):
        result = runner.invoke(app, ["train", str(gold), str(sources), "-o", str(folder), "--id", "toy"])
        assert result.exit_code == 0, result.output
    assert sorted(p.name for p in first.iterdir()) == ["benefited.tsv", "group.tsv", "group_form.tsv", "initiative.tsv",
                                                           "launched.tsv", "model.json"]
    for path in first.iterdir():
        assert path.read_bytes() == (second / path.name).read_bytes(), path.name
    models = load_models(first)
    assert models.id == "toy" and set(models.meta["trained_on"]) == {f"story{k}.txt" for k in range(len(STORIES))}
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(sources), "-o", str(out), "--model", str(first), "-q"])
    assert result.exit_code == 0, result.output
    assert "model.launched/toy" in (out / "graph.nq").read_text(encoding="utf-8")


def test_fit_models_needs_no_more_than_the_articles(annotated) -> None:
    gold, sources = annotated
    articles, facts = annotate(gold, [sources])
    models = fit_models(articles, facts, model_id="toy", folds=3)
    assert set(models.models) == {"initiative", "group", "group_form", "launched", "benefited"}
    assert all(0 < m.threshold < 1 for m in models.models.values())


def test_each_article_is_extracted_by_the_models_of_the_other_folds(annotated) -> None:
    gold, sources = annotated
    articles, facts = annotate(gold, [sources])
    extractions = held_out_extractions(articles, facts, folds=3)
    files = sorted(a.file for a in articles)
    assert sorted(e.article.source_file.rsplit("/", 1)[-1] for e in extractions) == files
    for extraction in extractions:
        fold = files.index(extraction.article.source_file.rsplit("/", 1)[-1]) % 3
        models = {r.rule.split("/")[1] for r in extraction.relations if r.rule.startswith("model.")}
        assert models <= {f"fold-{fold}"}, (extraction.article.source_file, models)
    assert any(r.rule.startswith("model.") for e in extractions for r in e.relations)


def test_kg_train_cv_prints_the_held_out_scores_and_writes_nothing(annotated, tmp_path, monkeypatch) -> None:
    gold, sources = annotated
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["train", str(gold), str(sources), "--cv", "3"])
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines()[1:]}
    assert list(rows) == ["unions", "initiatives", "groups", "persons", "launched", "benefited", "micro"]
    assert int(rows["unions"][7]) == len(STORIES)  # the gold column counts every annotated union
    assert int(rows["initiatives"][7]) == sum(len(story[2]) for story in STORIES)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["build", "SOURCES", "--model", "/nonexistent/model"], "no model.json"),
        (["train", "/nonexistent/gold", "SOURCES", "-o", "OUT"], "no such gold directory"),
        (["train", "GOLD", "SOURCES"], "give --out DIR"),
        (["train", "GOLD", "SOURCES", "--cv", "1"], "at least 2 folds"),
    ],
)
def test_bad_model_or_gold_is_a_one_line_error(annotated, tmp_path, args, message) -> None:
    gold, sources = annotated
    named = {"SOURCES": str(sources), "GOLD": str(gold), "OUT": str(tmp_path / "out")}
    args = [named.get(a, a) for a in args]
    result = runner.invoke(app, args + ["-o", str(tmp_path / "o")] if args[0] == "build" else args)
    assert result.exit_code == 1
    assert message in result.output and len(result.output.strip().splitlines()) == 1


def test_out_of_fold_probabilities_are_averaged_over_assignments() -> None:
    from kg.learn.train import Example, _out_of_fold, _out_of_fold_once, folds_of

    files = [f"f{k}.txt" for k in range(6)]
    rows = [Example(file, "initiative", f"名称{k}", ("cue",) if k % 2 else ("other",), k % 2)
            for file in files for k in range(4)]
    fold_of = folds_of(files, 3)
    other = folds_of(files, 3, salt=1)
    assert other != fold_of and sorted(other.values()) == sorted(fold_of.values())
    one = _out_of_fold_once(rows, "initiative", fold_of, 3)
    averaged = _out_of_fold(rows, "initiative", fold_of, 3, assignments=2)
    second = _out_of_fold_once(rows, "initiative", other, 3)
    assert averaged == pytest.approx({key: (one[key] + second[key]) / 2 for key in one})
    assert _out_of_fold(rows, "initiative", fold_of, 3, assignments=1) == one


def test_thresholds_are_the_middle_of_the_best_not_an_edge() -> None:
    from kg.learn.train import Example, _GRID, _best_thresholds

    rows = [Example(f"f{k}.txt", "initiative", f"名称{k}", (), k % 2) for k in range(20)]
    probabilities = {id(r): (0.9 if r.label else 0.1) for r in rows}
    threshold, top_threshold, scores = _best_thresholds(rows, probabilities)
    perfect = [t for t in _GRID if 0.1 < t <= 0.9]  # every one of them separates the two
    assert scores["f1"] == 1.0 and top_threshold == 2.0
    assert threshold == perfect[len(perfect) // 2] and min(perfect) < threshold < max(perfect)


@pytest.mark.parametrize(
    ("right_at_high", "right_at_low", "expected_high", "expected_low"),
    [
        (30, 10, 0.738, 0.262),  # items at .9 right 3 in 4, at .6 right 1 in 4: overconfident, pulled down
        (36, 24, 0.89, 0.608),  # right as often as their probability says: about as they are
    ],
)
def test_platt_scaling_maps_probabilities_to_how_often_they_are_right(
        right_at_high: int, right_at_low: int, expected_high: float, expected_low: float) -> None:
    from kg.learn.train import Example, _platt
    from kg.rules.model import LinearModel

    rows = [Example(f"f{k}.txt", "launched", ("甲工会", f"活动{k}"), (), int(k < right_at_high)) for k in range(40)]
    rows += [Example(f"g{k}.txt", "launched", ("甲工会", f"活动{k}"), (), int(k < right_at_low)) for k in range(40)]
    probabilities = {id(r): 0.9 if r.file.startswith("f") else 0.6 for r in rows}
    calibration = _platt(rows, probabilities)
    assert calibration == _platt(rows, probabilities) and calibration[0] > 0
    model = LinearModel(decision="launched", weights={}, bias=0.0, calibration=calibration)
    assert model.confidence(0.9) == pytest.approx(expected_high, abs=0.01)
    assert model.confidence(0.6) == pytest.approx(expected_low, abs=0.01)


def test_platt_scaling_needs_both_labels_and_an_increasing_fit() -> None:
    from kg.learn.train import Example, _platt

    rows = [Example(f"f{k}.txt", "group", f"群体{k}", (), 1) for k in range(5)]
    assert _platt(rows, {id(r): 0.7 for r in rows}) == (1.0, 0.0)  # all right: nothing to fit
    rows = [Example(f"f{k}.txt", "group", f"群体{k}", (), int(k < 5)) for k in range(10)]
    # the less probable are the right ones: no increasing map, none
    assert _platt(rows, {id(r): 0.3 if r.label else 0.8 for r in rows}) == (1.0, 0.0)


def test_trained_models_carry_a_calibration_for_the_confidences(annotated) -> None:
    gold, sources = annotated
    articles, facts = annotate(gold, [sources])
    models = fit_models(articles, facts, model_id="toy", folds=3)
    assert models.models["group_form"].calibration == (1.0, 0.0)  # it picks a name: no confidence of its own
    assert all(models.models[d].calibration[0] > 0 for d in ("initiative", "group", "launched", "benefited"))
