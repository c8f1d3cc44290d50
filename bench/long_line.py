"""One long line: kg build of a single-line page of real Chinese text, at growing sizes (issue 17, finding 11).

Not a test: it prints measurements and the ratios between them, all taken in one run.

A page of one line is one paragraph, so one article: 50 MB of text is an article of 17 million
characters.  Extraction cuts it into pieces anyway; since kg.build.parts, it is also written in parts
(each part's quads at once, what needs the whole article last), so the memory of a build no longer
grows with the article: what remains is the text itself, held a few times while the file is read.
Before, a 50 MB line took 332 s at 9.5 GB peak RSS (and 1 MB 618 MB, 4 MB 1.7 GB on the machine of
RESULTS.md).

For each size the line is made of the seed pages' text (seeds/*.txt, line breaks removed, repeated)
and ``kg build FILE -o OUT --jobs J --timings`` runs in its own process; it prints wall time, seconds
per MB, peak RSS (``ru_maxrss`` from ``os.wait4``: the process or the largest worker it reaped),
triples, and the ratios: peak RSS of the largest size over that of the smallest (target: under 1.5,
while the size grows 16×) and seconds per MB of the largest over the smallest (linear time: about 1).

Usage:
    python bench/long_line.py                       # 1, 4 and 16 MB (a few minutes)
    python bench/long_line.py --sizes 1,50          # the 50 MB line of the issue (about 10 minutes with -j 1)
    python bench/long_line.py --jobs 4              # parts go to four workers
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.build import Run, kg_build  # noqa: E402

MB = 1_000_000
RSS_TARGET = 1.5


def write_line(path: Path, size: int) -> Path:
    """A single line of ``size`` UTF-8 bytes (or a character less) of the seed pages' text."""
    text = "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))).replace("\n", "")
    data = (text * (size // len(text.encode()) + 1)).encode()[:size]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.decode("utf-8", errors="ignore").encode())
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog="Example: python bench/long_line.py --sizes 1,50")
    parser.add_argument("--sizes", default="1,4,16", help="Sizes of the line in MB, comma-separated (default 1,4,16).")
    parser.add_argument("--jobs", type=int, default=1, help="kg build --jobs (default 1).")
    args = parser.parse_args(argv)
    sizes = sorted(float(s) for s in args.sizes.split(","))
    work = Path(tempfile.mkdtemp(prefix="kg-long-line-"))
    runs: list[tuple[float, Run]] = []
    try:
        print(f"kg build of one line, --jobs {args.jobs}")
        print(f"{'MB':>6} {'seconds':>9} {'s/MB':>7} {'peak RSS MB':>12} {'triples':>10}")
        for size in sizes:
            source = write_line(work / f"line-{size:g}" / "line.txt", int(size * MB))
            run = kg_build(source.parent, work / f"out-{size:g}", jobs=args.jobs)
            shutil.rmtree(work / f"out-{size:g}", ignore_errors=True)
            runs.append((size, run))
            print(f"{size:>6g} {run.seconds:>9.1f} {run.seconds / size:>7.1f} {run.max_rss_mb:>12.0f} "
                  f"{run.timings.get('triples', 0):>10}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if len(runs) >= 2:
        (small, first), (large, last) = runs[0], runs[-1]
        rss = last.max_rss_mb / first.max_rss_mb
        speed = (last.seconds / large) / (first.seconds / small)
        print(f"size ratio {large / small:g}×: peak RSS ratio {rss:.2f} (target < {RSS_TARGET}: "
              f"{'met' if rss < RSS_TARGET else 'NOT met'}), seconds per MB ratio {speed:.2f} (linear time: about 1)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
