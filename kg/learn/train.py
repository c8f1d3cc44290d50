"""Train the decision models of ukg_decide from gold annotations (``kg train``).

The sources are run through the pipeline without the models (the hand rules and the candidate
grammars); every candidate of a decision becomes a training sample labelled by the gold of its file,
with the matching rules of the scoring (kg.store.eval): an initiative candidate is positive when its label
matches a gold initiative, a (union, initiative) pair when it matches a gold launched pair, and so
on.  Pairs are formed with the initiative candidates that match gold (what the initiative model
should accept).  Each decision gets an L2-regularised logistic regression (kg.rules.model) over the
features seen in at least three files, and the threshold that maximises F1 over out-of-fold
predictions, averaged over :data:`ASSIGNMENTS` assignments of the files to folds (deterministic: by
name, then by a hash of the name).

Example:
    >>> from pathlib import Path
    >>> models = train(Path("gold/"), [Path("texts/")], model_id="my-paper")  # doctest: +SKIP
    >>> save_models(models, Path("models/my-paper"))  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from kg.store.eval import Report, _basename, load_gold, predictions_from_extractions, score
from kg.zh.text import labels_match
from kg.ingest.discover import discover
from kg.ingest.read import read_file
from kg.rules.model import NO_CALIBRATION, LinearModel, ModelSet, fit_logistic
from kg.records import Extraction, Mention, Problem
from kg.zh.text import normalize_label

DECISIONS = ("initiative", "group", "group_form", "launched", "benefited")
#: A feature must be seen in at least this many source files to get a weight.
MIN_FILES = 3
FOLDS = 5
L2 = {"initiative": 2.0, "group": 2.0, "group_form": 2.0, "launched": 2.0, "benefited": 2.0}
#: Out-of-fold probabilities, from which the thresholds are chosen, are averaged over this many assignments
#: of the files to folds: with one, the thresholds hang on which files share a fold (launched .20-.40 over
#: five assignments; .25-.35 averaged over five).
ASSIGNMENTS = 5
#: The thresholds are the middle of those within this much F1 of the best, not the best: out-of-fold F1 is
#: flat near its top, and its argmax jumps between assignments.  Five sets of assignments gave the tune-trained
#: models .621-.642 micro F1 on the check split with the argmax (mean .632), .635-.645 (mean .640) with the
#: middle; cross-validated tune micro F1 .672 and .675 (tools/cv_pairs.py, five outer assignments).
PLATEAU = 0.005
#: The decisions whose probability is a fact's confidence (group_form only picks a name): each gets a
#: Platt scaling of its out-of-fold probabilities (:func:`_platt`), so that a confidence of .8 is right
#: about 8 times in 10 on files the model was not fitted to.
CALIBRATED = ("initiative", "group", "launched", "benefited")


@dataclass(frozen=True)
class Example:
    """A labelled sample: its source file, decision, key (label or pair), features and label (1 = matches gold)."""

    file: str
    decision: str
    key: str | tuple[str, str]
    features: tuple[str, ...]
    label: int


@dataclass
class Annotated:
    """One processed article of a source file with gold, and its initiative candidates' examples."""

    file: str
    doc: object
    candidates: list  # (Mention, Example)


def _matches(label: str, gold: Iterable[str]) -> bool:
    norm = normalize_label(label)
    return any(labels_match(norm, normalize_label(g)) for g in gold)


def _exactly(label: str, gold: Iterable[str]) -> bool:
    norm = normalize_label(label)
    return any(norm == normalize_label(g) for g in gold)


def _pair_matches(pair: tuple[str, str], gold: Iterable[tuple[str, str]]) -> bool:
    a, b = normalize_label(pair[0]), normalize_label(pair[1])
    return any(labels_match(a, normalize_label(x)) and labels_match(b, normalize_label(y)) for x, y in gold)


def annotate(gold_dir: Path, sources: Iterable[Path], *,
             on_problem: Callable[[Problem], None] | None = None) -> tuple[list[Annotated], dict]:
    """Process every article of the sources that have gold in ``gold_dir`` with the hand rules and the
    candidate grammars; label its initiative candidates.  Returns the articles and the gold."""
    from kg.extract.nlp import RULES, make_nlp, process
    from kg.rules.decide import Context, initiative_candidates

    gold = load_gold(gold_dir)
    nlp = make_nlp(model=RULES)
    found, problems = discover(list(sources))
    for problem in problems:
        if on_problem:
            on_problem(problem)
    out: list[Annotated] = []
    for path, name in found:
        file = _basename(name)
        facts = gold.get(file)
        if facts is None:
            continue
        articles, problems = read_file(path, source_file=name)
        for problem in problems:
            if on_problem:
                on_problem(problem)
        for article in articles:
            doc = process(nlp, article)
            cands = [(mention, Example(file, "initiative", mention.label, features,
                                       int(_matches(mention.label, facts["initiatives"]))))
                     for mention, features in initiative_candidates(doc, Context(doc))]
            out.append(Annotated(file, doc, cands))
    return out, gold


def _fit(rows: list[Example], decision: str) -> LinearModel:
    return fit_logistic([r.features for r in rows], [r.label for r in rows], decision=decision, l2=L2[decision],
                        groups=[r.file for r in rows], min_groups=MIN_FILES)


def _out_of_fold(rows: list[Example], decision: str, fold_of: dict[str, int], folds: int, *,
                 assignments: int = ASSIGNMENTS) -> dict[int, float]:
    """Each example's probability under a model fitted without its file's fold, averaged over
    ``assignments`` assignments of the files to folds: ``fold_of``, then :func:`folds_of` with the
    files ordered by a hash of their names (salted by the assignment's number)."""
    total: dict[int, float] = {}
    for n in range(assignments):
        assignment = fold_of if n == 0 else folds_of(fold_of, folds, salt=n)
        for key, p in _out_of_fold_once(rows, decision, assignment, folds).items():
            total[key] = total.get(key, 0.0) + p
    return {key: p / assignments for key, p in total.items()}


def _out_of_fold_once(rows: list[Example], decision: str, fold_of: dict[str, int], folds: int) -> dict[int, float]:
    """Each example's probability under a model fitted without its file's fold."""
    out = {}
    for k in range(folds):
        train = [r for r in rows if fold_of[r.file] != k]
        held = [r for r in rows if fold_of[r.file] == k]
        if not held:
            continue
        model = _fit(train, decision) if any(r.label for r in train) else None
        for r in held:
            out[id(r)] = model.probability(r.features) if model else 0.0
    return out


_GRID = tuple(round(0.05 * k, 2) for k in range(2, 19))


def _f1(tp: int, predicted: int, positives: int) -> dict:
    p, r = tp / max(1, predicted), tp / max(1, positives)
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 4)}


def _items(rows: list[Example], probabilities: dict[int, float], top: set[int] | None = None) -> dict[tuple, list]:
    """The distinct (file, key) items of the samples, as the scoring counts them: [the highest probability
    of its samples, the highest of its samples in ``top`` (-1: none), its label]."""
    items: dict[tuple, list] = {}
    for r in rows:
        item = items.setdefault((r.file, r.key), [0.0, -1.0, 0])
        p = probabilities[id(r)]
        item[0] = max(item[0], p)
        if top is not None and id(r) in top:
            item[1] = max(item[1], p)
        item[2] = max(item[2], r.label)
    return items


def _best_thresholds(rows: list[Example], probabilities: dict[int, float], top: set[int] | None = None
                     ) -> tuple[float, float, dict]:
    """The thresholds of the most F1 over distinct (file, key) items, as the scoring counts them: of the
    pairs (threshold, top threshold) whose F1 is within :data:`PLATEAU` of the best, the middle threshold
    (the higher of two), with the highest top threshold (least use of the top rule) it has there.

    An item is predicted when one of its samples is accepted: its probability reaches the threshold
    or, for a sample that is the most probable of its group (``top``: ids of such samples), the top
    threshold (2.0: no top rule).
    """
    items = _items(rows, probabilities, top)
    p_any = np.array([v[0] for v in items.values()])
    p_top = np.array([v[1] for v in items.values()])
    labels = np.array([v[2] for v in items.values()]) == 1
    positives = int(labels.sum())
    table = []
    for threshold in _GRID:
        for top_threshold in (_GRID if top is not None else ()) + (2.0,):
            if top_threshold > threshold and top_threshold <= 1:
                continue
            predicted = (p_any >= threshold) | (p_top >= top_threshold)
            table.append((threshold, top_threshold, _f1(int((predicted & labels).sum()), int(predicted.sum()), positives)))
    best = max(scores["f1"] for _t, _top, scores in table)
    plateau = [row for row in table if row[2]["f1"] >= best - PLATEAU]
    thresholds = sorted({threshold for threshold, _top, _scores in plateau})
    middle = thresholds[len(thresholds) // 2]
    return max((row for row in plateau if row[0] == middle), key=lambda row: (row[1], row[2]["f1"]))


def _platt(rows: list[Example], probabilities: dict[int, float]) -> tuple[float, float]:
    """(scale, shift) of the logistic regression of an item's label on the logit of its out-of-fold
    probability (the highest of its samples, as a fact's confidence is), by Newton's method: Platt
    scaling with Platt's targets, the calibration of :meth:`kg.rules.model.LinearModel.confidence`.
    No calibration when it cannot be fitted or would not be increasing.

    Forty items at .9 right three times in four and forty at .6 once in four (Platt's targets pull a
    little towards .5):

    >>> rows = [Example(f"f{k}", "x", "k", (), int(k % 40 < (30 if k < 40 else 10))) for k in range(80)]
    >>> probabilities = {id(r): 0.9 if k < 40 else 0.6 for k, r in enumerate(rows)}
    >>> model = LinearModel(decision="x", weights={}, bias=0.0, calibration=_platt(rows, probabilities))
    >>> model.confidence(0.9), model.confidence(0.6)
    (0.738, 0.262)
    """
    items = _items(rows, probabilities).values()
    if len({label for _p, _top, label in items}) < 2:
        return NO_CALIBRATION
    p = np.clip(np.array([v[0] for v in items]), 1e-6, 1 - 1e-6)
    labels = np.array([v[2] for v in items])
    positives, negatives = int(labels.sum()), int(len(labels) - labels.sum())
    # Platt's targets, (n+ + 1)/(n+ + 2) and 1/(n- + 2) instead of 1 and 0: a finite fit when a few items
    # are separated by their probability alone
    x = np.log(p / (1 - p))
    y = np.where(labels == 1, (positives + 1) / (positives + 2), 1 / (negatives + 2))
    scale, shift = 1.0, 0.0
    for _ in range(100):
        q = 1.0 / (1.0 + np.exp(-np.clip(scale * x + shift, -30, 30)))
        w = q * (1 - q)
        gradient = np.array([((q - y) * x).sum(), (q - y).sum()])
        # (a small ridge keeps the step defined when the logits barely vary)
        hessian = np.array([[(w * x * x).sum(), (w * x).sum()], [(w * x).sum(), w.sum()]]) + 1e-6 * np.eye(2)
        step = np.linalg.solve(hessian, gradient)
        scale, shift = scale - float(step[0]), shift - float(step[1])
        if float(np.abs(step).max()) < 1e-9:
            break
    if not (np.isfinite(scale) and np.isfinite(shift)) or scale <= 0:
        return NO_CALIBRATION
    return (round(scale, 4), round(shift, 4))


def _tops(rows: list[Example], groups: list, probabilities: dict[int, float]) -> set[int]:
    """Ids of the rows that are the most probable of their group (``groups[k]`` is row k's group)."""
    best: dict = {}
    for row, group in zip(rows, groups):
        if group not in best or probabilities[id(row)] > probabilities[id(best[group])]:
            best[group] = row
    return {id(row) for row in best.values()}


def folds_of(files: Iterable[str], folds: int, *, salt: int = 0) -> dict[str, int]:
    """The fold of each file: files in name order dealt round the folds (deterministic); with a ``salt``,
    in the order of a hash of the salt and the name (another assignment, as deterministic).

    >>> folds_of(["c.txt", "a.txt", "b.txt"], 2)
    {'a.txt': 0, 'b.txt': 1, 'c.txt': 0}
    >>> sorted(folds_of(["c.txt", "a.txt", "b.txt", "d.txt"], 2, salt=1).values())
    [0, 0, 1, 1]
    """
    order = sorted(files)
    if salt:
        order.sort(key=lambda file: hashlib.md5(f"{salt}:{file}".encode()).hexdigest())
    return {file: k % folds for k, file in enumerate(order)}


def fit_models(articles: list[Annotated], gold: dict, *, model_id: str, folds: int = FOLDS) -> ModelSet:
    """Fit the four models as a cascade, each on what the earlier ones choose out of fold:
    initiatives; groups given the chosen initiatives; benefited pairs of the accepted groups; launched
    pairs of the chosen initiatives.  Thresholds maximise the out-of-fold F1 of distinct items."""
    from kg.rules.decide import Context, benefited_pairs, choose, choose_groups, group_candidates, launched_pairs

    files = sorted({a.file for a in articles})
    fold_of = folds_of(files, folds)
    models: dict[str, LinearModel] = {}
    info: dict[str, dict] = {}

    def fit(decision: str, rows: list[Example], groups: list | None = None) -> dict[int, float]:
        probabilities = _out_of_fold(rows, decision, fold_of, folds)
        top = _tops(rows, groups, probabilities) if groups is not None else None
        threshold, top_threshold, scores = _best_thresholds(rows, probabilities, top)
        model = _fit(rows, decision)
        calibration = _platt(rows, probabilities) if decision in CALIBRATED else NO_CALIBRATION
        models[decision] = LinearModel(decision=decision, weights=model.weights, bias=model.bias,
                                       threshold=threshold, top_threshold=top_threshold, calibration=calibration)
        info[decision] = {"samples": len(rows), "positives": sum(r.label for r in rows),
                          "files": len({r.file for r in rows}), "out_of_fold": scores}
        return probabilities

    rows = [example for a in articles for _m, example in a.candidates]
    probabilities = fit("initiative", rows)
    chosen = {}
    for a in articles:
        scored = [(probabilities[id(example)], mention) for mention, example in a.candidates]
        chosen[id(a)] = choose(scored, threshold=models["initiative"].threshold, rule="train")

    contexts = {id(a): Context(a.doc) for a in articles}
    group_rows: list[Example] = []
    form_rows: list[Example] = []
    group_of: dict[int, tuple[int, Mention, int]] = {}  # id of a row → (id of its article, its group, its family)
    for a in articles:
        facts = gold[a.file]
        candidates = group_candidates(a.doc, contexts[id(a)], chosen[id(a)])
        exact = {family for group, _f, family in candidates if _exactly(group.label, facts["groups"])}
        for group, features, family in candidates:
            row = Example(a.file, "group", group.label, features, int(_matches(group.label, facts["groups"])))
            group_rows.append(row)
            group_of[id(row)] = (id(a), group, (id(a), family))
            if family in exact:  # which form of a phrase the gold names
                form_rows.append(Example(a.file, "group_form", group.label, features,
                                         int(_exactly(group.label, facts["groups"]))))
                group_of[id(form_rows[-1])] = group_of[id(row)]
    probabilities = fit("group", group_rows)
    forms = fit("group_form", form_rows)
    form_of = {id(group_of[id(r)][1]): forms[id(r)] for r in form_rows}
    scored: dict[int, list] = {}
    for row in group_rows:
        article, group, family = group_of[id(row)]
        scored.setdefault(article, []).append((probabilities[id(row)], form_of.get(id(group), 0.0), group, family))
    accepted = {article: choose_groups(items, threshold=models["group"].threshold, rule="train")
                for article, items in scored.items()}
    launched_rows, launched_groups, benefited_rows, benefited_groups = [], [], [], []
    for a in articles:
        facts, context = gold[a.file], contexts[id(a)]
        for union_label, init, features in launched_pairs(a.doc, context, chosen[id(a)]):
            key = (union_label, init.label)
            launched_rows.append(Example(a.file, "launched", key, features, int(_pair_matches(key, facts["launched"]))))
            launched_groups.append((id(a), id(init)))
        for init, group, features in benefited_pairs(a.doc, context, chosen[id(a)], accepted.get(id(a), [])):
            key = (init.label, group.label)
            benefited_rows.append(Example(a.file, "benefited", key, features, int(_pair_matches(key, facts["benefited"]))))
            benefited_groups.append((id(a), id(group)))
    fit("launched", launched_rows, launched_groups)
    fit("benefited", benefited_rows, benefited_groups)
    meta = {"decisions": info, "trained_on": files, "min_files": MIN_FILES, "l2": L2}
    return ModelSet(id=model_id, models=models, meta=meta)


def train(gold_dir: Path, sources: Iterable[Path], *, model_id: str,
          on_problem: Callable[[Problem], None] | None = None) -> ModelSet:
    """Train the models of ukg_decide on the sources annotated in ``gold_dir``."""
    articles, gold = annotate(gold_dir, sources, on_problem=on_problem)
    return fit_models(articles, gold, model_id=model_id)


def cross_validate(gold_dir: Path, sources: Iterable[Path], *, folds: int = FOLDS,
                   on_problem: Callable[[Problem], None] | None = None) -> tuple[Report, list[Extraction]]:
    """How the models would do on articles they were not trained on: the annotated files are split into
    ``folds`` folds by name; each fold is extracted with models trained on the other folds, and all the
    held-out extractions are scored together against the gold (kg.store.eval's rules).

    The hand rules and grammars are the same in every fold, so this measures the learned decisions'
    generalisation, not the rules'.  Returns the report and the held-out extractions.

    >>> report, extractions = cross_validate(Path("gold/"), [Path("texts/")], folds=5)  # doctest: +SKIP
    >>> round(report.total.f1, 3)  # doctest: +SKIP
    0.68
    """
    articles, gold = annotate(gold_dir, sources, on_problem=on_problem)
    extractions = held_out_extractions(articles, gold, folds=folds)
    files = {a.file for a in articles}
    annotated = {file: facts for file, facts in gold.items() if file in files}
    return score(predictions_from_extractions(extractions), annotated), extractions


def held_out_extractions(articles: list[Annotated], gold: dict, *, folds: int = FOLDS) -> list[Extraction]:
    """Each article extracted by models fitted (:func:`fit_models`) on the folds without its file."""
    from kg.rules.decide import decide

    fold_of = folds_of({a.file for a in articles}, folds)
    extractions: list[Extraction] = []
    for k in range(folds):
        held_out = [a for a in articles if fold_of[a.file] == k]
        if not held_out:
            continue
        models = fit_models([a for a in articles if fold_of[a.file] != k], gold, model_id=f"fold-{k}")
        for a in held_out:
            doc = a.doc
            saved = doc._.ukg_mentions, doc._.ukg_relations
            decide(doc, models)
            extractions.append(Extraction(article=doc._.ukg_article, mentions=tuple(doc._.ukg_mentions),
                                          relations=tuple(doc._.ukg_relations)))
            doc._.ukg_mentions, doc._.ukg_relations = saved
    return extractions
