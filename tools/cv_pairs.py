"""Cross-validated scores of the learned decisions on the tune split (seeds + odd dev texts), fast for
experiments on the pair decisions (launched, benefited).

The cascade of kg.learn.train.fit_models is run per outer fold; its first stage (the initiative and group
models, and the initiatives and groups they choose out of fold on the training files) does not depend
on the pair features, so with ``--cache DIR`` it is stored per (seed, fold) and reused: a run that only
changes launched/benefited features or their regularisation takes about a third of the time.  The cache
key holds the sources of kg/rules/*.py (of decide.py without the functions only the pairs run,
:data:`PAIR_ONLY`), kg/learn/train.py, kg/data/*.tsv and the L2 of the first stage, so a change there starts afresh.

    .venv/bin/python tools/cv_pairs.py --seeds 0,1,2 --cache /tmp/me/cv-cache
    .venv/bin/python tools/cv_pairs.py --l2 launched=10,benefited=10 --cache /tmp/me/cv-cache
    .venv/bin/python tools/cv_pairs.py --off between=,nearest_init --cache /tmp/me/cv-cache   # an ablation

Only the tune split is read (never the even-numbered dev texts).  Prints P/R/F1 per category averaged
over the seeds (each seed is another assignment of files to folds), and each seed's F1.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import pickle
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from error_kinds import tune_split  # noqa: E402

from kg.learn import train as T  # noqa: E402
from kg.store.eval import predictions_from_extractions, score  # noqa: E402
from kg.rules.model import LinearModel, ModelSet  # noqa: E402
from kg.records import Extraction  # noqa: E402
from kg.rules import decide as D  # noqa: E402

FOLDS = 5
CATEGORIES = ("initiatives", "groups", "launched", "benefited", "micro")


def _model(rows: list, decision: str, fold_of: dict, groups: list | None = None) -> tuple[LinearModel, dict]:
    """A decision's model with its out-of-fold thresholds, and the out-of-fold probabilities."""
    probabilities = T._out_of_fold(rows, decision, fold_of, FOLDS)
    top = T._tops(rows, groups, probabilities) if groups is not None else None
    threshold, top_threshold, _scores = T._best_thresholds(rows, probabilities, top)
    fitted = T._fit(rows, decision)
    return LinearModel(decision=decision, weights=fitted.weights, bias=fitted.bias, threshold=threshold,
                       top_threshold=top_threshold), probabilities


def first_stage(articles: list, gold: dict) -> tuple[dict, dict, dict]:
    """The initiative, group and group-form models, and per article (by index) the initiatives and
    groups they choose out of fold: what kg.learn.train.fit_models computes before the pairs."""
    fold_of = T.folds_of({a.file for a in articles}, FOLDS)
    models: dict[str, LinearModel] = {}
    rows = [example for a in articles for _m, example in a.candidates]
    models["initiative"], probabilities = _model(rows, "initiative", fold_of)
    chosen = {k: D.choose([(probabilities[id(e)], m) for m, e in a.candidates],
                          threshold=models["initiative"].threshold, rule="train") for k, a in enumerate(articles)}
    group_rows, form_rows, group_of = [], [], {}
    for k, a in enumerate(articles):
        facts = gold[a.file]
        candidates = D.group_candidates(a.doc, D.Context(a.doc), chosen[k])
        exact = {family for g, _f, family in candidates if T._exactly(g.label, facts["groups"])}
        for g, features, family in candidates:
            row = T.Example(a.file, "group", g.label, features, int(T._matches(g.label, facts["groups"])))
            group_rows.append(row)
            group_of[id(row)] = (k, g, (k, family))
            if family in exact:
                form_rows.append(T.Example(a.file, "group_form", g.label, features,
                                           int(T._exactly(g.label, facts["groups"]))))
                group_of[id(form_rows[-1])] = group_of[id(row)]
    models["group"], probabilities = _model(group_rows, "group", fold_of)
    models["group_form"], forms = _model(form_rows, "group_form", fold_of)
    form_of = {id(group_of[id(r)][1]): forms[id(r)] for r in form_rows}
    scored: dict[int, list] = {}
    for row in group_rows:
        k, g, family = group_of[id(row)]
        scored.setdefault(k, []).append((probabilities[id(row)], form_of.get(id(g), 0.0), g, family))
    accepted = {k: D.choose_groups(items, threshold=models["group"].threshold, rule="train") for k, items in scored.items()}
    return models, chosen, accepted


def pair_models(articles: list, gold: dict, models: dict, chosen: dict, accepted: dict) -> ModelSet:
    """The first stage's models with launched and benefited models fitted on its choices."""
    fold_of = T.folds_of({a.file for a in articles}, FOLDS)
    launched, launched_groups, benefited, benefited_groups = [], [], [], []
    for k, a in enumerate(articles):
        facts, context = gold[a.file], D.Context(a.doc)
        for union, init, features in D.launched_pairs(a.doc, context, chosen[k]):
            key = (union, init.label)
            launched.append(T.Example(a.file, "launched", key, features, int(T._pair_matches(key, facts["launched"]))))
            launched_groups.append((k, id(init)))
        for init, group, features in D.benefited_pairs(a.doc, context, chosen[k], accepted.get(k, [])):
            key = (init.label, group.label)
            benefited.append(T.Example(a.file, "benefited", key, features, int(T._pair_matches(key, facts["benefited"]))))
            benefited_groups.append((k, id(group)))
    out = dict(models)
    out["launched"], _p = _model(launched, "launched", fold_of, launched_groups)
    out["benefited"], _p = _model(benefited, "benefited", fold_of, benefited_groups)
    return ModelSet(id="cv", models=out, meta={})


#: The functions of kg/rules/decide.py that only the pair decisions (and the decode after them) run: the
#: cache of the first stage does not depend on their source.
PAIR_ONLY = ("launched_pairs", "launched_features", "benefited_pairs", "benefited_features", "_benefited_features",
             "decide", "coordinated_served")


def _first_stage_source(source: str) -> str:
    """decide.py's source without the functions of :data:`PAIR_ONLY` (top-level ``def`` blocks)."""
    blocks = re.split(r"(?m)^(?=def |class |@)", source)
    return "".join(b for b in blocks if not re.match(r"def (" + "|".join(PAIR_ONLY) + r")\(", b))


def _cache_key() -> str:
    digest = hashlib.sha256()
    for file in sorted([*(ROOT / "kg" / "rules").glob("*.py"), ROOT / "kg" / "learn" / "train.py",
                        *(ROOT / "kg" / "data").glob("*.tsv"), *(ROOT / "kg" / "data").glob("*.txt")]):
        data = file.read_bytes()
        if file.name == "decide.py":
            data = _first_stage_source(data.decode("utf-8")).encode("utf-8")
        digest.update(file.name.encode() + data)
    digest.update(repr([T.L2[d] for d in ("initiative", "group", "group_form")]).encode())
    return digest.hexdigest()[:16]


def _ablate(prefixes: tuple[str, ...]) -> None:
    """Make the launched and benefited pairs come without the features starting with ``prefixes``."""
    launched, benefited = D.launched_pairs, D.benefited_pairs

    def keep(features: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(f for f in features if not f.removeprefix("generic&").startswith(prefixes))

    D.launched_pairs = lambda *a, **k: [(x, y, keep(f)) for x, y, f in launched(*a, **k)]
    D.benefited_pairs = lambda *a, **k: [(x, y, keep(f)) for x, y, f in benefited(*a, **k)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0,1,2", help="fold assignments to average over (comma-separated ints)")
    parser.add_argument("--l2", default="", help="L2 overrides, e.g. launched=10,benefited=10")
    parser.add_argument("--cache", type=Path, help="folder for the first stage of each (seed, fold)")
    parser.add_argument("--off", default="", help="ablation: leave out the pair features starting with these "
                        "comma-separated prefixes (and their generic& copies), e.g. between=,nearest_init")
    parser.add_argument("--dev-only", action="store_true", help="score the held-out odd dev files only, not the "
                        "seeds (they train still): the seeds are one paper's pages, a third of the tune split's gold")
    parser.add_argument("--by-form", action="store_true", help="also micro P/R/F1 per form of the odd dev files "
                        "(single, page, traditional, raw, negative; ../shared/gold/dev/FORMS.tsv), over all seeds")
    args = parser.parse_args()
    if args.off:
        _ablate(tuple(filter(None, args.off.split(","))))
    for item in filter(None, args.l2.split(",")):
        decision, value = item.split("=")
        T.L2[decision] = float(value)
    shared = Path(os.environ.get("KG_SHARED", ROOT.parent / "shared"))
    key = _cache_key()
    totals: dict[str, list] = {}
    form_of = {}
    for line in (shared / "gold" / "dev" / "FORMS.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        file, form = line.split("\t")[:2]
        if int(file[1:]) % 2:  # the tune split's dev files only
            form_of[file + ".txt"] = form
    by_form: dict[str, list[int]] = {}
    with tempfile.TemporaryDirectory() as name:
        gold_dir, sources = tune_split(shared, Path(name))
        articles, gold = T.annotate(gold_dir, [sources])
        dev_files = {p.name for p in (shared / "dev").glob("d*.txt")}
    for seed in (int(s) for s in args.seeds.split(",")):
        files = sorted({a.file for a in articles}, key=lambda f: hashlib.md5(f"{seed}{f}".encode()).hexdigest())
        fold_of = {file: k % FOLDS for k, file in enumerate(files)}
        extractions = []
        for k in range(FOLDS):
            train = [a for a in articles if fold_of[a.file] != k]
            cached = args.cache / f"{key}-s{seed}-f{k}.pkl" if args.cache else None
            if cached is not None and cached.exists():
                stage = pickle.loads(cached.read_bytes())
            else:
                stage = first_stage(train, gold)
                if cached is not None:
                    cached.parent.mkdir(parents=True, exist_ok=True)
                    cached.write_bytes(pickle.dumps(stage))
            models = pair_models(train, gold, *stage)
            for a in articles:
                if fold_of[a.file] != k:
                    continue
                doc = a.doc
                saved = doc._.ukg_mentions, doc._.ukg_relations
                D.decide(doc, models)
                extractions.append(Extraction(article=doc._.ukg_article, mentions=tuple(doc._.ukg_mentions),
                                              relations=tuple(doc._.ukg_relations)))
                doc._.ukg_mentions, doc._.ukg_relations = saved
        predicted = predictions_from_extractions(extractions)
        scored = {f: facts for f, facts in gold.items() if not args.dev_only or f in dev_files}
        report = score({f: p for f, p in predicted.items() if f in scored}, scored)
        if args.by_form:
            for form in sorted(set(form_of.values())):
                files = {f: g for f, g in gold.items() if form_of.get(f) == form}
                micro = score({f: p for f, p in predicted.items() if f in files}, files).category("micro")
                counts = by_form.setdefault(form, [0, 0, 0])
                counts[0] += micro.tp
                counts[1] += micro.fp
                counts[2] += micro.fn
        for category in CATEGORIES:
            s = report.category(category)
            totals.setdefault(category, []).append((s.precision, s.recall, s.f1))
    for category, values in totals.items():
        n = len(values)
        p, r, f = (sum(v[i] for v in values) / n for i in range(3))
        print(f"{category:12s} P {p:.3f} R {r:.3f} F1 {f:.3f}   " + " ".join(f"{v[2]:.3f}" for v in values))
    for form, (tp, fp, fn) in by_form.items():
        p, r = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
        print(f"form {form:12s} micro P {p:.3f} R {r:.3f} F1 {2 * p * r / max(p + r, 1e-9):.3f}")


if __name__ == "__main__":
    main()
