"""Learned decisions: logistic-regression models over named binary features, stored as readable data.

A decision (is this span an initiative? did this union launch this initiative? …) is scored by a
:class:`LinearModel`: the weights of the features that fire, plus a bias, through the logistic
function; the decision is ``p >= threshold``, and the fact's confidence is the probability calibrated
on out-of-fold predictions (:meth:`LinearModel.confidence`: Platt scaling, fitted by ``kg train``).

A model folder (``kg/data/model/`` ships one; ``kg train`` writes others) holds ``model.json`` (the
model's id, what it was trained on, and per decision its bias, threshold, calibration and training scores) and
one ``<decision>.tsv`` per decision with a ``feature<TAB>weight`` line per feature: a linguist can
read which cues count and how much.  No pickles; training is deterministic.

Example:
    >>> model = LinearModel(decision="launched", weights={"same_sentence": 2.0, "object": -3.0}, bias=-0.5)
    >>> round(model.probability(["same_sentence"]), 3), round(model.probability(["object"]), 3)
    (0.818, 0.029)
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path

import numpy as np

MODEL_FORMAT = "union-kg-model/1"
#: The calibration (scale, shift) that leaves a probability as it is.
NO_CALIBRATION: tuple[float, float] = (1.0, 0.0)


class ModelError(ValueError):
    """A model folder that cannot be read; the message names the file and the reason."""


@dataclass(frozen=True)
class LinearModel:
    """One decision's logistic-regression weights over named features."""

    decision: str
    weights: dict[str, float]
    bias: float
    threshold: float = 0.5
    #: For pair decisions: the most probable pair of its group (the best union for an initiative, the
    #: best initiative for a group) is accepted from this probability on (> 1: never specially).
    top_threshold: float = 2.0
    #: Platt scaling (scale, shift) of the probability into the fact's confidence, fitted on the
    #: out-of-fold probabilities of training (:meth:`confidence`); (1, 0) leaves it as it is.
    calibration: tuple[float, float] = NO_CALIBRATION

    def probability(self, features: Iterable[str]) -> float:
        """P(yes | features): the logistic function of the bias and the weights of the features."""
        z = self.bias + sum(map(self.weights.get, features, repeat(0.0)))  # (the weights summed in the features' order)
        return 1.0 / (1.0 + math.exp(-z)) if z > -30 else 0.0

    def decide(self, features: Iterable[str]) -> tuple[bool, float]:
        """(accepted, probability)."""
        p = self.probability(features)
        return p >= self.threshold, p

    def accepts(self, p: float, *, top: bool = False) -> bool:
        """Whether a probability is accepted (``top``: the pair is the most probable of its group)."""
        return p >= self.threshold or (top and p >= self.top_threshold)

    def confidence(self, p: float) -> float:
        """The calibrated confidence of a probability: the logistic function of scale · logit(p) + shift,
        rounded to three decimals (a monotone map: the decisions, taken on ``p``, do not change).

        >>> m = LinearModel(decision="x", weights={}, bias=0.0, calibration=(0.5, -0.2))
        >>> m.confidence(0.9), m.confidence(0.5), LinearModel(decision="x", weights={}, bias=0.0).confidence(0.9)
        (0.711, 0.45, 0.9)
        """
        scale, shift = self.calibration
        if self.calibration == NO_CALIBRATION:
            return round(p, 3)
        p = min(max(p, 1e-6), 1 - 1e-6)
        return round(1.0 / (1.0 + math.exp(-(scale * math.log(p / (1 - p)) + shift))), 3)


@dataclass(frozen=True)
class ModelSet:
    """The models of one folder: an id (written into each fact's provenance) and one model per decision."""

    id: str
    models: dict[str, LinearModel]
    meta: dict = field(default_factory=dict)

    def get(self, decision: str) -> LinearModel | None:
        return self.models.get(decision)

    def rule(self, decision: str) -> str:
        """The rule id a decision's facts carry: ``model.<decision>/<model id>``."""
        return f"model.{decision}/{self.id}"


def load_models(folder: Path) -> ModelSet:
    """Read a model folder written by :func:`save_models`.

    >>> from kg.lexicon import path
    >>> models = load_models(path("model"))
    >>> sorted(models.models) == sorted(models.meta["decisions"])
    True
    """
    folder = Path(folder)
    meta_path = folder / "model.json"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"{meta_path}: no model.json (a model folder is written by 'kg train')") from None
    except (OSError, ValueError) as error:
        raise ModelError(f"{meta_path}: unreadable model description ({error})") from None
    if meta.get("format") != MODEL_FORMAT:
        raise ModelError(f"{meta_path}: not a union-kg model (format {meta.get('format')!r}, expected {MODEL_FORMAT!r})")
    models = {}
    for decision, info in sorted(meta.get("decisions", {}).items()):
        weights_path = folder / f"{decision}.tsv"
        weights: dict[str, float] = {}
        try:
            lines = weights_path.read_text(encoding="utf-8").splitlines()
        except OSError as error:
            raise ModelError(f"{weights_path}: cannot read the weights ({error.strerror or error})") from None
        for number, line in enumerate(lines, 1):
            if not line.strip() or line.startswith("#"):
                continue
            name, _tab, value = line.rpartition("\t")
            try:
                weights[name] = float(value)
            except ValueError:
                raise ModelError(f"{weights_path}:{number}: expected 'feature<TAB>weight', got {line!r}") from None
        models[decision] = LinearModel(decision=decision, weights=weights, bias=float(info["bias"]),
                                       threshold=float(info["threshold"]),
                                       top_threshold=float(info.get("top_threshold", 2.0)),
                                       calibration=_calibration(info.get("calibration"), meta_path, decision))
    return ModelSet(id=str(meta["id"]), models=models, meta=meta)


def _calibration(value: object, meta_path: Path, decision: str) -> tuple[float, float]:
    """A decision's calibration in model.json (``{"scale": a, "shift": b}``; absent: none)."""
    if value is None:
        return NO_CALIBRATION
    try:
        scale, shift = float(value["scale"]), float(value["shift"])  # type: ignore[index]
    except (TypeError, KeyError, ValueError):
        raise ModelError(f"{meta_path}: decision {decision!r} has a calibration that is not "
                         f"{{\"scale\": number, \"shift\": number}}: {value!r}") from None
    if not scale > 0:
        raise ModelError(f"{meta_path}: decision {decision!r} has a calibration scale {scale} (it must be > 0)")
    return (scale, shift)


def save_models(models: ModelSet, folder: Path) -> None:
    """Write ``model.json`` and one ``<decision>.tsv`` per decision (features by descending |weight|)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    meta = dict(models.meta)
    meta["format"] = MODEL_FORMAT
    meta["id"] = models.id
    decisions = dict(meta.get("decisions", {}))
    for decision, model in sorted(models.models.items()):
        info = dict(decisions.get(decision, {}))
        info.update(bias=round(model.bias, 4), threshold=round(model.threshold, 4), features=len(model.weights))
        if model.top_threshold <= 1:
            info["top_threshold"] = round(model.top_threshold, 4)
        info.pop("calibration", None)
        if model.calibration != NO_CALIBRATION:
            info["calibration"] = {"scale": round(model.calibration[0], 4), "shift": round(model.calibration[1], 4)}
        decisions[decision] = info
        rows = sorted(model.weights.items(), key=lambda item: (-abs(item[1]), item[0]))
        lines = [f"# {decision}: logistic-regression weights of model {models.id} (feature<TAB>weight); "
                 f"bias {model.bias:.4f}, threshold {model.threshold:.4f}"]
        lines += [f"{name}\t{weight:.4f}" for name, weight in rows]
        (folder / f"{decision}.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    meta["decisions"] = decisions
    (folder / "model.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                                       encoding="utf-8")


def fit_logistic(samples: Sequence[Sequence[str]], labels: Sequence[int], *, decision: str,
                 l2: float = 1.0, min_count: int = 1, groups: Sequence[str] | None = None,
                 min_groups: int = 1, iterations: int = 50) -> LinearModel:
    """L2-regularised logistic regression over binary features, fitted by Newton's method on the
    features kept (deterministic: a fixed feature order and no randomness).

    A feature is kept when it fires in at least ``min_count`` samples and, when ``groups`` (e.g.
    the source file of each sample) is given, in samples of at least ``min_groups`` groups: a cue
    seen in one file only is not a pattern of the language.

    >>> m = fit_logistic([["a"], ["a"], ["b"], ["b"]], [1, 1, 0, 0], decision="x", l2=0.1)
    >>> m.probability(["a"]) > 0.85 > 0.15 > m.probability(["b"])
    True
    """
    counts: dict[str, int] = {}
    seen_in: dict[str, set] = {}
    for k, features in enumerate(samples):
        for f in set(features):
            counts[f] = counts.get(f, 0) + 1
            if groups is not None:
                seen_in.setdefault(f, set()).add(groups[k])
    names = sorted(f for f, c in counts.items()
                   if c >= min_count and (groups is None or len(seen_in[f]) >= min_groups))
    index = {f: i for i, f in enumerate(names)}
    n, d = len(samples), len(names) + 1  # the last column is the bias
    x = np.zeros((n, d), dtype=np.float64)
    x[:, -1] = 1.0
    for k, features in enumerate(samples):
        for f in features:
            i = index.get(f)
            if i is not None:
                x[k, i] = 1.0
    y = np.asarray(labels, dtype=np.float64)
    penalty = np.full(d, l2, dtype=np.float64)
    penalty[-1] = 1e-6  # the bias is not shrunk
    w = np.zeros(d, dtype=np.float64)
    for _ in range(iterations):
        z = np.clip(x @ w, -30, 30)
        p = 1.0 / (1.0 + np.exp(-z))
        gradient = x.T @ (p - y) + penalty * w
        hessian = (x.T * (p * (1 - p))) @ x + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if float(np.max(np.abs(step))) < 1e-5:
            break
    weights = {f: float(w[i]) for f, i in index.items() if abs(w[i]) >= 5e-5}
    return LinearModel(decision=decision, weights=weights, bias=float(w[-1]))
