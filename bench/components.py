"""Extraction time per pipeline component, in-process, on folders of source files.

Not a test: it prints measurements.  Each article is tokenised (``tokenize``: the Doc, jieba's
words) and passed through the components one by one, each timed in CPU seconds
(``time.process_time``: less disturbed by other processes on a shared machine than wall time);
the corpus is run ``--repeat`` times and the fastest run is printed (the first one pays for the
lexicons and for a vocabulary that starts empty).

Usage:
    python bench/components.py ../shared/seeds                  # the default pipeline
    python bench/components.py ../shared/seeds /tmp/tune --model rules --repeat 5
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def component_seconds(folders: list[Path], *, model: str | None = None, repeat: int = 3) -> tuple[Counter, int, int]:
    """(CPU seconds per component of the fastest run, articles, characters) over the .txt files of the folders."""
    from kg.ingest.read import read_file
    from kg.extract.nlp import make_doc, make_nlp

    nlp = make_nlp(model)
    articles = []
    for folder in folders:
        for path in sorted(Path(folder).glob("*.txt")):
            found, _problems = read_file(path, source_file=path.name)
            articles += found
    best: Counter | None = None
    for _ in range(max(1, repeat)):
        seconds: Counter = Counter()
        for article in articles:
            started = time.process_time()
            doc = make_doc(nlp, article)
            seconds["tokenize"] += time.process_time() - started
            for name, component in nlp.pipeline:
                started = time.process_time()
                doc = component(doc)
                seconds[name] += time.process_time() - started
        if best is None or sum(seconds.values()) < sum(best.values()):
            best = seconds
    return best or Counter(), len(articles), sum(len(a.text) for a in articles)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path, help="folders of source .txt files")
    parser.add_argument("--model", default=None, help="'rules' for the hand rules alone, or a model folder")
    parser.add_argument("--repeat", type=int, default=3, help="runs over the corpus; the fastest is printed")
    args = parser.parse_args()
    seconds, articles, chars = component_seconds(args.folders, model=args.model, repeat=args.repeat)
    total = sum(seconds.values())
    print(f"{articles} articles, {chars} characters, model {args.model or 'shipped'}: {total:.3f} s CPU "
          f"({chars / max(total, 1e-9) / 1000:.0f} k characters/s)")
    for name, value in seconds.most_common():
        print(f"  {name:<18} {value:7.3f} s  {100 * value / max(total, 1e-9):5.1f} %")


if __name__ == "__main__":
    main()
