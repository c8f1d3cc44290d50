"""Extraction quality tables for a closing note: seeds, the dev tune and check splits, the check split
per form, and ablations of the decision models against the hand rules they replace (check split).

Run from the project root (the shared data beside it, or KG_SHARED):

    .venv/bin/python tools/quality_report.py                  # the tables with the shipped models
    .venv/bin/python tools/quality_report.py --ablations      # and one row per decision left to the hand rules
    .venv/bin/python tools/quality_report.py --model rules    # the hand rules alone
    .venv/bin/python tools/quality_report.py --rules          # and what each rule's facts add (check split)

The check split is only ever scored (no errors are printed for it).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.build.run import build  # noqa: E402
from kg.store.eval import CALIBRATED_CATEGORIES, CATEGORIES, Calibration, Report, bootstrap, evaluate_calibrated  # noqa: E402
from kg.lexicon import path as data_path  # noqa: E402


def shared() -> Path:
    folder = Path(os.environ.get("KG_SHARED", ROOT.parent / "shared"))
    if not (folder / "gold" / "dev").is_dir():
        sys.exit(f"error: {folder}: no shared data (set KG_SHARED)")
    return folder


def split(folder: Path, tmp: Path, name: str, keep) -> tuple[Path, Path]:
    """Copy the dev texts and gold for which ``keep(stem)`` holds into tmp/name: (sources, gold)."""
    sources, gold = tmp / name / "sources", tmp / name / "gold"
    sources.mkdir(parents=True)
    gold.mkdir(parents=True)
    for text in sorted((folder / "dev").glob("d*.txt")):
        if keep(text.stem):
            shutil.copy(text, sources)
            shutil.copy(folder / "gold" / "dev" / f"{text.stem}.json", gold)
    return sources, gold


def scores(sources: Path, gold: Path, out: Path, model: str | None) -> tuple[Report, tuple[Calibration, ...]]:
    """Build a split and score it, the graph read once: the report and the calibration of its confidences."""
    build([sources], out=out, jobs=1, model=model)
    return evaluate_calibrated(gold, graph=out / "graph.nq")


def rule_ablation(sources: Path, gold: Path, model: str | None) -> str:
    """What each rule's output adds on a split: the articles are extracted once, then scored without the
    mentions a rule labelled (and the facts on them) or without the facts it stated.  Rules that only
    propose candidates to a model show up as the model's (model.*): their effect is the model's."""
    from kg.extract.article import extract_all
    from kg.extract.nlp import make_nlp
    from kg.ingest.discover import discover
    from kg.ingest.read import read_file
    from kg.records import Extraction
    from kg.rules.decide import _rule_name
    from kg.store.eval import load_gold, predictions_from_extractions, score

    nlp = make_nlp(model)
    found, _problems = discover([sources])
    extractions = list(extract_all((article for path, name in found for article in read_file(path, source_file=name)[0]),
                                   nlp=nlp))
    facts = load_gold(gold)

    def without(rule: str | None) -> dict:
        kept = []
        for x in extractions:
            mentions = tuple(m for m in x.mentions if _rule_name(m.rule) != rule)
            ids = {id(m) for m in mentions}
            relations = tuple(r for r in x.relations if _rule_name(r.rule) != rule and id(r.subject) in ids
                              and id(r.object) in ids)
            kept.append(Extraction(article=x.article, mentions=mentions, relations=relations))
        report = score(predictions_from_extractions(kept), facts)
        return {c: report.category(c) for c in (*CATEGORIES, "micro")}

    counts: dict[str, int] = {}
    for x in extractions:
        for item in (*x.mentions, *x.relations):
            counts[_rule_name(item.rule)] = counts.get(_rule_name(item.rule), 0) + 1
    base = without(None)
    lines = ["| rule | outputs | " + " | ".join(f"Δ {c} F1" for c in (*CATEGORIES, "micro")) + " |",
             "|---" * (len(CATEGORIES) + 3) + "|",
             "| (all) | | " + " | ".join(f"{base[c].f1:.3f}" for c in (*CATEGORIES, "micro")) + " |"]
    for rule in sorted(counts):
        row = without(rule)
        deltas = [row[c].f1 - base[c].f1 for c in (*CATEGORIES, "micro")]
        if not any(abs(d) >= 0.0005 for d in deltas):
            continue
        lines.append(f"| {rule} | {counts[rule]} | " + " | ".join(f"{-d:+.3f}" if abs(d) >= 0.0005 else "" for d in deltas) + " |")
    return "\n".join(lines)


def table(rows: list[tuple[str, Report]]) -> str:
    head = "| | " + " | ".join(c for c in (*CATEGORIES, "micro")) + " |"
    lines = [head, "|---" * (len(CATEGORIES) + 2) + "|"]
    for name, report in rows:
        row = {c: report.category(c) for c in (*CATEGORIES, "micro")}
        cells = [f"{row[c].precision:.2f} / {row[c].recall:.2f} / {row[c].f1:.2f}" for c in (*CATEGORIES, "micro")]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="a model folder, 'shipped' or 'rules' (default: kg's default)")
    parser.add_argument("--ablations", action="store_true", help="also leave each decision to the hand rules (check split)")
    parser.add_argument("--rules", action="store_true", help="also what each rule's facts add, on the tune and check splits")
    args = parser.parse_args()
    folder = shared()
    forms = {row["id"]: row["form"] for row in csv.DictReader(open(folder / "gold" / "dev" / "FORMS.tsv", encoding="utf-8"), delimiter="\t")}
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        tune = split(folder, tmp, "tune", lambda stem: int(stem[1:]) % 2 == 1)
        check = split(folder, tmp, "check", lambda stem: int(stem[1:]) % 2 == 0)
        rows = [("seeds", *scores(folder / "seeds", folder / "gold" / "seeds", tmp / "out-seeds", args.model)),
                ("tune (odd dev)", *scores(*tune, tmp / "out-tune", args.model)),
                ("check (even dev)", *scores(*check, tmp / "out-check", args.model))]
        print("P / R / F1\n")
        print(table([(label, report) for label, report, _calibrations in rows]))
        print("\nExpected calibration error of the confidences (kg eval --calibration)\n")
        print("| | " + " | ".join(CALIBRATED_CATEGORIES) + " |\n|---|" + "---|" * len(CALIBRATED_CATEGORIES))
        for label, _report, calibrations in rows:
            error = {c.category: c.error for c in calibrations}
            print(f"| {label} | " + " | ".join(f"{error[c]:.3f}" for c in CALIBRATED_CATEGORIES) + " |")
        per_form = []
        for form in sorted(set(forms.values())):
            sources, gold = split(folder, tmp, f"check-{form}", lambda stem: int(stem[1:]) % 2 == 0 and forms[stem] == form)
            count = len(list(sources.iterdir()))
            per_form.append((f"check: {form} ({count})", scores(sources, gold, tmp / f"out-{form}", args.model)[0]))
        print("\nCheck split per form\n")
        print(table(per_form))
        if args.ablations:
            base = Path(args.model) if args.model not in (None, "shipped", "rules") else data_path("model")
            meta = json.loads((base / "model.json").read_text(encoding="utf-8"))
            ablated = [("all models", rows[2][1])]
            for decision in sorted(meta["decisions"]):
                variant = tmp / f"without-{decision}"
                shutil.copytree(base, variant)
                reduced = dict(meta, decisions={d: v for d, v in meta["decisions"].items() if d != decision})
                (variant / "model.json").write_text(json.dumps(reduced, ensure_ascii=False), encoding="utf-8")
                ablated.append((f"{decision}: hand rule", scores(*check, tmp / f"out-without-{decision}", str(variant))[0]))
            ablated.append(("hand rules alone", scores(*check, tmp / "out-rules", "rules")[0]))
            print("\nCheck split: each model against the hand rule it replaces\n")
            print(table(ablated))
            print("\nCheck split: F1 of all models minus each row's, with its 95 % interval over resampled files "
                  "(paired bootstrap, kg eval --against)\n")
            models = ablated[0][1]
            differences = [(label, {i.category: i for i in bootstrap(models, against=report)})
                           for label, report in ablated[1:]]
            print("| | " + " | ".join(c for c in (*CATEGORIES, "micro")) + " |\n" + "|---" * (len(CATEGORIES) + 2) + "|")
            for label, by in differences:
                print(f"| {label} | " + " | ".join(f"{by[c].difference:+.3f} [{by[c].low:+.3f}, {by[c].high:+.3f}]"
                                                  for c in (*CATEGORIES, "micro")) + " |")
        if args.rules:
            model = None if args.model in (None, "shipped") else args.model
            for name, (sources, gold) in (("tune (odd dev)", tune), ("check (even dev)", check)):
                print(f"\n{name}: what each rule's output adds (F1 lost when it is left out; rules that change no score are not listed)\n")
                print(rule_ablation(sources, gold, model))


if __name__ == "__main__":
    main()
