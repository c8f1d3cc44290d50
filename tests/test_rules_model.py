"""kg.rules.model: logistic regression over named features, its readable files, its errors."""

from __future__ import annotations

from dataclasses import replace

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
                                threshold=0.45, top_threshold=0.2, calibration=(0.8, -0.1))})
    save_models(models, tmp_path)
    loaded = load_models(tmp_path)
    assert loaded.id == "test" and loaded.rule("launched") == "model.launched/test"
    assert loaded.models["launched"] == models.models["launched"]
    assert (tmp_path / "launched.tsv").read_text(encoding="utf-8").splitlines()[1] == "rule=x\t1.2500"


@pytest.mark.parametrize(
    ("p", "calibration", "expected"),
    [
        (0.9, (1.0, 0.0), 0.9),  # none: the probability, rounded
        (0.12345, (1.0, 0.0), 0.123),
        (0.9, (0.5, 0.0), 0.75),  # half the logit: less sure
        (0.5, (1.0, -1.0), 0.269),  # a shift moves the middle
        (0.0, (0.8, -0.1), 0.0),  # the ends stay in [0, 1]
        (1.0, (0.8, -0.1), 1.0),
    ],
)
def test_confidence_is_the_calibrated_probability(p: float, calibration: tuple, expected: float) -> None:
    assert LinearModel(decision="x", weights={}, bias=0.0, calibration=calibration).confidence(p) == expected


def test_calibration_keeps_the_order_of_probabilities() -> None:
    model = LinearModel(decision="x", weights={}, bias=0.0, calibration=(0.62, -0.26))
    confidences = [model.confidence(k / 100) for k in range(101)]
    assert confidences == sorted(confidences) and confidences[90] < 0.9


def test_a_model_saved_without_calibration_drops_the_old_one(tmp_path) -> None:
    calibrated = LinearModel(decision="group", weights={"a": 1.0}, bias=0.0, calibration=(0.7, 0.1))
    save_models(ModelSet(id="m", models={"group": calibrated}), tmp_path)
    meta = load_models(tmp_path).meta
    save_models(ModelSet(id="m", models={"group": replace(calibrated, calibration=(1.0, 0.0))}, meta=meta), tmp_path)
    assert load_models(tmp_path).models["group"].calibration == (1.0, 0.0)
    assert "calibration" not in (tmp_path / "model.json").read_text(encoding="utf-8")


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
        ({"model.json": '{"format": "union-kg-model/1", "id": "m", "decisions": {"group": {"bias": 0, "threshold": 0.5, '
                        '"calibration": {"scale": "steep"}}}}', "group.tsv": "a\t1\n"}, "calibration that is not"),
        ({"model.json": '{"format": "union-kg-model/1", "id": "m", "decisions": {"group": {"bias": 0, "threshold": 0.5, '
                        '"calibration": {"scale": -1, "shift": 0}}}}', "group.tsv": "a\t1\n"}, "must be > 0"),
    ],
)
def test_bad_model_folders_give_one_line_errors(tmp_path, files, message) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(ModelError) as info:
        load_models(tmp_path)
    assert message in str(info.value) and "\n" not in str(info.value)
