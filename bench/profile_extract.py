"""Profile of extraction alone (``kg.extract.extract`` over every article of a folder, in one process).

Not a test: it prints measurements.  First an unprofiled run: CPU seconds (``time.process_time``)
of the whole extraction and per pipeline component (the tokenizer included), the components wrapped
by a timer.  Then the same articles under cProfile: the top functions by own time and by cumulative
time, so the next bottleneck is visible.  The machine's load average is printed at the start and the
end (the machine may be shared; CPU seconds are less disturbed by other processes than wall time).

Usage:
    python bench/corpus.py --scale 10 -o /tmp/corpus-10
    python bench/profile_extract.py /tmp/corpus-10                 # default pipeline, top 25
    python bench/profile_extract.py /tmp/corpus-10 --top 40 --no-cprofile
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


def timed_components(nlp, seconds: Counter) -> None:
    """Wrap the tokenizer and every component of ``nlp`` so that their CPU seconds add up in ``seconds``."""
    tokenizer = nlp.tokenizer

    class Timed:
        def __init__(self, name, inner):
            self.name, self.inner = name, inner

        def __call__(self, doc):
            started = time.process_time()
            try:
                return self.inner(doc)
            finally:
                seconds[self.name] += time.process_time() - started

        def __getattr__(self, attr):
            return getattr(self.inner, attr)

    nlp.tokenizer = Timed("tokenizer", tokenizer)
    nlp._components = [(name, Timed(name, component)) for name, component in nlp._components]


def sample_profile(articles, nlp, extract, *, top: int, interval: float = 0.001) -> str:
    """Extract the articles while a CPU-time timer samples the stack: per kg function, the share of
    samples with it on the stack (inclusive) and as the innermost kg frame (self, with the library
    code it calls)."""
    import signal
    from collections import Counter

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
    lines = [f"Sampling profile: {samples[0]} samples of {interval * 1000:g} ms CPU",
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
                        help="unprofiled runs over the articles; the fastest is printed (the first one grows the vocabulary)")
    parser.add_argument("--top", type=int, default=25, help="functions listed per table")
    parser.add_argument("--no-cprofile", action="store_true", help="only the unprofiled per-component times")
    parser.add_argument("--sample", action="store_true",
                        help="also a sampling profile (CPU-time timer signal every millisecond): the share of samples "
                             "in which each function of kg is on the stack, and the innermost kg function (no per-call "
                             "overhead, unlike cProfile, which inflates functions that make many small calls)")
    parser.add_argument("--dump", type=Path, help="also write the cProfile statistics to this file (pstats)")
    args = parser.parse_args()

    from kg.extract import extract
    from kg.ingest import read_file
    from kg.nlp import make_nlp

    print(f"load average at start: {_load()}")
    articles = [a for folder in args.folders for p in sorted(folder.glob("*.txt"))
                for a in read_file(p, source_file=p.name)[0]]
    chars = sum(len(a.text) for a in articles)
    nlp = make_nlp(args.model)
    extract(articles[0], nlp=nlp)  # lexicons, models and the vocabulary's first words

    original = nlp.tokenizer, list(nlp._components)
    best: tuple[float, float, Counter] | None = None
    for _ in range(max(1, args.repeat)):
        seconds: Counter = Counter()
        timed_components(nlp, seconds)
        started, wall = time.process_time(), time.perf_counter()
        for article in articles:
            extract(article, nlp=nlp)
        total, wall = time.process_time() - started, time.perf_counter() - wall
        nlp.tokenizer, nlp._components = original[0], list(original[1])
        if best is None or total < best[0]:
            best = (total, wall, seconds)
    total, wall, seconds = best
    print(f"{len(articles)} articles, {chars} characters: {total:.2f} s CPU, {wall:.2f} s wall "
          f"({chars / max(total, 1e-9) / 1000:.0f} k characters per CPU second; the fastest of {args.repeat} runs)")
    for name, value in seconds.most_common():
        print(f"  {name:<18} {value:7.2f} s  {100 * value / max(total, 1e-9):5.1f} %")
    rest = total - sum(seconds.values())
    print(f"  {'(outside)':<18} {rest:7.2f} s  {100 * rest / max(total, 1e-9):5.1f} %")

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
