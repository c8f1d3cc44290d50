"""kg.rules.model: logistic regression over named features, its readable files, its errors."""

from __future__ import annotations

import pytest

from kg.rules.model import LinearModel, ModelError, ModelSet, fit_logistic, load_models, save_models


def test_probability_and_decision() -> None:
    model = LinearModel(decision="x", weights={"good": 3.0, "bad": -3.0}, bias=0.0, threshold=0.6, top_threshold=0.3)
    assert model.decide(["good"])[0] and not model.decide(["bad"])[0]
    assert model.probability([]) == pytest.approx(0.5)
    assert model.probability(["unknown feature"]) == pytest.approx(0.5)
    assert not model.accepts(0.5) and model.accepts(0.5, top=True) and not model.accepts(0.2, top=True)


def test_fit_learns_the_cue_and_is_deterministic() -> None:
    samples = [["cue", "noise=a"], ["cue", "noise=b"], ["cue"], ["noise=a"], ["noise=b"], []] * 3
    labels = [1, 1, 1, 0, 0, 0] * 3
    first = fit_logistic(samples, labels, decision="x", l2=1.0)
    second = fit_logistic(samples, labels, decision="x", l2=1.0)
    assert first == second
    assert first.weights["cue"] > 2 and abs(first.weights.get("noise=a", 0.0)) < 0.5


def test_features_of_too_few_groups_get_no_weight() -> None:
    samples = [["rare", "common"], ["common"], ["common"], []]
    model = fit_logistic(samples, [1, 1, 1, 0], decision="x", groups=["f1", "f1", "f2", "f3"], min_groups=2)
    assert "rare" not in model.weights and "common" in model.weights


def test_save_and_load_round_trip(tmp_path) -> None:
    models = ModelSet(id="test", models={
        "launched": LinearModel(decision="launched", weights={"rule=x": 1.25, "gbefore=为": -0.5}, bias=-0.3,
                                threshold=0.45, top_threshold=0.2)})
    save_models(models, tmp_path)
    loaded = load_models(tmp_path)
    assert loaded.id == "test" and loaded.rule("launched") == "model.launched/test"
    assert loaded.models["launched"] == models.models["launched"]
    assert (tmp_path / "launched.tsv").read_text(encoding="utf-8").splitlines()[1] == "rule=x\t1.2500"


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "no model.json"),
        ({"model.json": "{not json"}, "unreadable model description"),
        ({"model.json": '{"format": "other"}'}, "not a union-kg model"),
        ({"model.json": '{"format": "union-kg-model/1", "id": "m", "decisions": {"group": {"bias": 0, "threshold": 0.5}}}'},
         "group.tsv: cannot read the weights"),
        ({"model.json": '{"format": "union-kg-model/1", "id": "m", "decisions": {"group": {"bias": 0, "threshold": 0.5}}}',
          "group.tsv": "ghead=职工\tmany\n"}, "group.tsv:1: expected 'feature<TAB>weight'"),
    ],
)
def test_bad_model_folders_give_one_line_errors(tmp_path, files, message) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(ModelError) as info:
        load_models(tmp_path)
    assert message in str(info.value) and "\n" not in str(info.value)
