"""The quality gate: build the seeds and the check split of the dev set with the shipped models and score
them with ``kg eval``; cross-validate the tune split (seeds + odd dev files).

Floors (F1 per category, micro precision and recall) sit a little under the scores reached when they were
last raised, so that no change loses extraction quality silently.  The shipped models were trained on the
tune split, so its in-sample scores would reward over-fitting (a model that memorises less would fail them
while generalising as well): the tune split is gated cross-validated instead (``kg train --cv 5``: each fold
extracted by models trained on the other folds).  The check split (even-numbered dev files) is only ever
scored, never read.  Without ../shared the gate is skipped, except under CI (``CI=true``), where it fails.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kg.build.run import build
from kg.store.eval import evaluate_calibrated, format_calibration, format_table
from kg.learn.train import cross_validate

from conftest import need_shared

# split -> category -> F1 floor, and the micro (precision, recall) floors: a change may trade precision for
# recall within a category, but not lose F1 in any, nor overall precision or recall.
F1_FLOORS: dict[str, dict[str, float]] = {
    "seeds": {"unions": 0.96, "initiatives": 0.78, "groups": 0.76, "persons": 0.97, "launched": 0.80, "benefited": 0.64},
    "check": {"unions": 0.86, "initiatives": 0.67, "groups": 0.71, "persons": 0.84, "launched": 0.58, "benefited": 0.48},
}
MICRO_FLOORS: dict[str, tuple[float, float]] = {"seeds": (0.74, 0.81), "check": (0.61, 0.64)}
# split -> category -> ceiling of the expected calibration error of the learned decisions' confidences
# (kg eval --calibration): the confidences stay about as right as they say (reached: seeds .089 .051 .103
# .067, check .099 .059 .124 .087).
ECE_CEILINGS: dict[str, dict[str, float]] = {
    "seeds": {"initiatives": 0.12, "groups": 0.08, "launched": 0.13, "benefited": 0.10},
    "check": {"initiatives": 0.13, "groups": 0.09, "launched": 0.15, "benefited": 0.12},
}
# The tune split (seeds + odd dev files) cross-validated in five folds by file.
CV_F1_FLOORS = {"unions": 0.97, "initiatives": 0.70, "groups": 0.68, "persons": 0.96, "launched": 0.66, "benefited": 0.48}
CV_MICRO_FLOORS = (0.63, 0.69)


def _split(shared: Path, name: str, tmp: Path) -> tuple[Path, Path]:
    """(source folder, gold folder) of a split; the dev splits are copied into ``tmp``."""
    if name == "seeds":
        return shared / "seeds", shared / "gold" / "seeds"
    parity = 1 if name == "tune" else 0
    sources, gold = tmp / "sources", tmp / "gold"
    sources.mkdir()
    gold.mkdir()
    for text in sorted((shared / "dev").glob("d*.txt")):
        if int(text.stem[1:]) % 2 == parity:
            shutil.copy(text, sources / text.name)
            shutil.copy(shared / "gold" / "dev" / f"{text.stem}.json", gold / f"{text.stem}.json")
    return sources, gold


@pytest.mark.parametrize("split", sorted(F1_FLOORS))
def test_quality_gate(split: str, tmp_path: Path) -> None:
    shared = need_shared()
    sources, gold = _split(shared, split, tmp_path)
    build([sources], out=tmp_path / "out", jobs=1)
    report, calibrations = evaluate_calibrated(gold, graph=tmp_path / "out" / "graph.nq")
    _assert_above(report, F1_FLOORS[split], MICRO_FLOORS[split], split)
    errors = {c.category: c.error for c in calibrations}
    above = [f"{category} ECE {errors[category]:.3f} > {ceiling:.2f}"
             for category, ceiling in ECE_CEILINGS[split].items() if errors[category] > ceiling]
    assert not above, f"{split}: " + "; ".join(above) + "\n" + format_calibration(calibrations)


def test_quality_gate_cross_validated(tmp_path: Path) -> None:
    shared = need_shared()
    sources, gold = tmp_path / "sources", tmp_path / "gold"
    shutil.copytree(shared / "seeds", sources)
    shutil.copytree(shared / "gold" / "seeds", gold)
    (tmp_path / "dev").mkdir()
    dev_sources, dev_gold = _split(shared, "tune", tmp_path / "dev")
    for text in dev_sources.iterdir():
        shutil.copy(text, sources / text.name)
        shutil.copy(dev_gold / f"{text.stem}.json", gold / f"{text.stem}.json")
    report, _ = cross_validate(gold, [sources], folds=5)
    assert len(report.files) == len(list(gold.glob("*.json")))
    _assert_above(report, CV_F1_FLOORS, CV_MICRO_FLOORS, "tune cross-validated")


def _assert_above(report, f1_floors: dict[str, float], micro_floors: tuple[float, float], name: str) -> None:
    micro = report.category("micro")
    below = [f"{category} F1 {report.category(category).f1:.3f} < {floor:.2f}"
             for category, floor in f1_floors.items() if report.category(category).f1 < floor]
    below += [f"micro {measure} {value:.3f} < {floor:.2f}"
              for measure, value, floor in zip("PR", (micro.precision, micro.recall), micro_floors) if value < floor]
    assert not below, f"{name}: " + "; ".join(below) + "\n" + format_table(report)
