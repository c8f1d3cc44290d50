"""Profile of extraction alone (``kg.extract.article.extract`` over every article of a folder, in one process).

Not a test: it prints measurements.  First the CPU seconds of the tokenizer and of each pipeline
component (``bench/components.py``, unprofiled, the fastest of ``--repeat`` runs); with ``--sample``
a sampling profile of ``kg.extract.article.extract`` over the articles (a CPU-time timer signal: per kg
function, the share of samples with it on the stack and as the innermost kg frame; no per-call
overhead); then the same articles under cProfile (CPU time): the top functions by own time and by
cumulative time.  cProfile charges every call, so it inflates functions that make many small calls
(dict lookups, str methods): judge shares by the sampling profile and the component table.  The
machine's load average is printed at the start and the end (CPU seconds are less disturbed by other
processes on a shared machine than wall time, but not undisturbed: compare runs of one load).

Usage:
    python bench/corpus.py --scale 10 -o /tmp/corpus-10
    python bench/profile_extract.py /tmp/corpus-10                 # default pipeline, top 25
    python bench/profile_extract.py /tmp/corpus-10 --sample --no-cprofile --repeat 3 --top 40
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def sample_profile(articles, nlp, extract, *, top: int, interval: float = 0.001) -> str:
    """Extract the articles while a CPU-time timer samples the stack: per kg function, the share of
    samples with it on the stack (inclusive) and as the innermost kg frame (self, with the library
    code it calls)."""
    import signal

    inclusive: Counter = Counter()
    innermost: Counter = Counter()
    samples = [0]
    root = str(ROOT) + "/"

    def name(frame) -> str:
        code = frame.f_code
        return f"{code.co_filename.replace(root, '')}:{code.co_firstlineno}({code.co_name})"

    def handler(_signum, frame) -> None:
        samples[0] += 1
        seen, first = set(), None
        while frame is not None:
            if frame.f_code.co_filename.startswith(root + "kg/"):
                key = name(frame)
                if first is None:
                    first = key
                seen.add(key)
            frame = frame.f_back
        inclusive.update(seen)
        if first is not None:
            innermost[first] += 1

    previous = signal.signal(signal.SIGPROF, handler)
    signal.setitimer(signal.ITIMER_PROF, interval, interval)
    try:
        for article in articles:
            extract(article, nlp=nlp)
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0, 0)
        signal.signal(signal.SIGPROF, previous)
    n = max(1, samples[0])
    lines = [f"Sampling profile: {samples[0]} samples (the timer asks every {interval * 1000:g} ms of CPU time; "
             f"the kernel may deliver fewer, e.g. every 4 ms at 250 Hz)",
             f"top {top} by share of samples on the stack (inclusive) | as the innermost kg function (self):"]
    for key, count in inclusive.most_common(top):
        lines.append(f"  {100 * count / n:5.1f} %  {100 * innermost[key] / n:5.1f} %  {key}")
    lines.append(f"top {top} by self:")
    for key, count in innermost.most_common(top):
        lines.append(f"  {100 * count / n:5.1f} %  {key}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path, help="folders of source .txt files")
    parser.add_argument("--model", default=None, help="'rules' for the hand rules alone, or a model folder")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs of the component table; the fastest is printed (the first one grows the vocabulary)")
    parser.add_argument("--top", type=int, default=25, help="functions listed per table")
    parser.add_argument("--no-cprofile", action="store_true", help="no cProfile tables")
    parser.add_argument("--sample", action="store_true",
                        help="also a sampling profile (CPU-time timer signal every millisecond): the share of samples "
                             "in which each function of kg is on the stack, and the innermost kg function (no per-call "
                             "overhead, unlike cProfile, which inflates functions that make many small calls)")
    parser.add_argument("--dump", type=Path, help="also write the cProfile statistics to this file (pstats)")
    args = parser.parse_args()

    from bench.components import component_seconds
    from kg.extract.article import extract
    from kg.ingest.read import read_file
    from kg.extract.nlp import make_nlp

    print(f"load average at start: {_load()}")
    articles = [a for folder in args.folders for p in sorted(folder.glob("*.txt"))
                for a in read_file(p, source_file=p.name)[0]]
    chars = sum(len(a.text) for a in articles)
    seconds, _n, _chars = component_seconds(args.folders, model=args.model, repeat=args.repeat)
    total = sum(seconds.values())
    print(f"{len(articles)} articles, {chars} characters: {total:.2f} s CPU in the tokenizer and the components "
          f"({chars / max(total, 1e-9) / 1000:.0f} k characters per CPU second; the fastest of {args.repeat} runs, "
          f"bench/components.py)")
    for name, value in seconds.most_common():
        print(f"  {name:<18} {value:7.2f} s  {100 * value / max(total, 1e-9):5.1f} %")

    nlp = make_nlp(args.model)
    extract(articles[0], nlp=nlp)  # lexicons and models loaded
    if args.sample:
        print()
        print(sample_profile(articles, nlp, extract, top=args.top))
    if not args.no_cprofile:
        profiler = cProfile.Profile(time.process_time)  # CPU time: a shared machine disturbs it less
        profiler.enable()
        for article in articles:
            extract(article, nlp=nlp)
        profiler.disable()
        if args.dump:
            profiler.dump_stats(str(args.dump))
        for order in ("tottime", "cumulative"):
            buffer = io.StringIO()
            stats = pstats.Stats(profiler, stream=buffer)
            stats.sort_stats(order).print_stats(args.top)
            text = buffer.getvalue()
            print(f"\ncProfile, top {args.top} by {order}:")
            print(text[text.find("   ncalls"):].rstrip().replace(str(ROOT) + "/", ""))
    print(f"\nload average at the end: {_load()}")


if __name__ == "__main__":
    main()
