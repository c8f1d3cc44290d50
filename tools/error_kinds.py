"""The most frequent kinds of extraction errors on the tune split (seeds + odd dev texts), from
cross-validated predictions: the models are trained on four fifths of the files and predict the fifth,
so the errors are those of news the models were not fitted to.

    .venv/bin/python tools/error_kinds.py            # the ten most frequent kinds, with examples
    .venv/bin/python tools/error_kinds.py --all      # every kind

Only the tune split is read (never the even-numbered dev texts).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.store.eval import predictions_from_extractions, score  # noqa: E402
from kg.rules import decide as D  # noqa: E402
from kg.zh.text import labels_match, normalize_label  # noqa: E402
from kg.learn.train import FOLDS, annotate, held_out_extractions  # noqa: E402



def tune_split(shared: Path, tmp: Path) -> tuple[Path, Path]:
    gold, sources = tmp / "gold", tmp / "sources"
    gold.mkdir()
    sources.mkdir()
    for page in sorted((shared / "seeds").glob("*.txt")):
        shutil.copy(page, sources)
        shutil.copy(shared / "gold" / "seeds" / f"{page.stem}.json", gold)
    for text in sorted((shared / "dev").glob("d*.txt")):
        if int(text.stem[1:]) % 2 == 1:
            shutil.copy(text, sources)
            shutil.copy(shared / "gold" / "dev" / f"{text.stem}.json", gold)
    return gold, sources


def matches(label: str, labels) -> bool:
    norm = normalize_label(label)
    return any(labels_match(norm, normalize_label(x)) for x in labels)


def kind_of(error, predicted: dict, gold: dict, candidates: dict) -> str:
    """A coarse kind for one error of the scoring (category, FP/FN, item)."""
    file, category, item = error.file, error.category, error.item
    facts, pred, cands = gold[file], predicted.get(file, {}), candidates[file]
    if category in ("launched", "benefited"):
        left, right = ("unions", "initiatives") if category == "launched" else ("initiatives", "groups")
        if error.kind == "FN":
            missing = [side for side, label in ((left, item[0]), (right, item[1])) if not matches(label, pred.get(side, ()))]
            return f"{category} FN: {' and '.join(missing)} not found" if missing else f"{category} FN: both ends found, not linked"
        wrong = [side for side, label in ((left, item[0]), (right, item[1])) if not matches(label, facts[side])]
        return f"{category} FP: {' and '.join(wrong)} not in the gold" if wrong else f"{category} FP: both ends right, wrongly linked"
    if category == "persons":
        return f"persons {error.kind}"
    if error.kind == "FN":
        if category == "groups" and any(matches(item, [c]) for c in cands["groups"]):
            return "groups FN: candidate not taken as served"
        if category == "initiatives" and any(matches(item, [c]) for c in cands["initiatives"]):
            return "initiatives FN: candidate rejected by the model"
        return f"{category} FN: no candidate"
    norm = normalize_label(item)
    if any(norm in normalize_label(g) or normalize_label(g) in norm for g in facts[category]):
        return f"{category} FP: boundary (a gold name is part of it or it of a gold name)"
    if category == "initiatives":
        if D._head_of(norm) == norm or len(norm) <= 3:
            return "initiatives FP: a bare head or short word"
        if norm.endswith(("中心", "驿站", "之家", "书屋", "站", "室", "基地")):
            return "initiatives FP: a facility named, not launched"
        if norm.endswith(("资金", "金", "经费", "礼包", "补贴", "补助")):
            return "initiatives FP: money or goods handed out"
        if item.startswith(("“", "‘")) and D._head_of(norm) is None:
            return "initiatives FP: a quoted slogan or phrase"
    return f"{category} FP: not in the gold"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="print every kind, not only the ten most frequent")
    args = parser.parse_args()
    shared = Path(os.environ.get("KG_SHARED", ROOT.parent / "shared"))
    with tempfile.TemporaryDirectory() as name:
        gold_dir, sources = tune_split(shared, Path(name))
        articles, gold = annotate(gold_dir, [sources])
        extractions = held_out_extractions(articles, gold, folds=FOLDS)
        candidates = defaultdict(lambda: {"initiatives": set(), "groups": set()})
        for a in articles:
            candidates[a.file]["initiatives"] |= {m.label for m, _e in a.candidates}
            candidates[a.file]["groups"] |= {m.label for m in a.doc.user_data.get("ukg-snapshot", ())
                                             if m.kind == "BeneficiaryGroup"}
    predicted = predictions_from_extractions(extractions)
    report = score(predicted, gold)
    kinds: Counter = Counter()
    examples: dict[str, list] = defaultdict(list)
    for error in report.errors:
        kind = kind_of(error, predicted, gold, candidates)
        kinds[kind] += 1
        examples[kind].append(error.item)
    total = len(report.errors)
    print(f"{total} errors on the tune split (cross-validated, {FOLDS} folds by file)\n")
    print("| # | kind | errors | share | examples |")
    print("|---|---|---|---|---|")
    for rank, (kind, count) in enumerate(kinds.most_common(None if args.all else 10), 1):
        shown = "; ".join(" → ".join(x) if isinstance(x, tuple) else x for x in examples[kind][:3])
        print(f"| {rank} | {kind} | {count} | {count / total:.0%} | {shown} |")


if __name__ == "__main__":
    main()
