"""Build benchmark: kg build against jieba.cut on the same generated text, single-process and --jobs 2.

Not a test: it prints measurements and the ratios between them, all taken in one run.

For each scale (default 10× and 100× the seeds, see bench/corpus.py) it generates the corpus and
measures, each in its own subprocess (so every figure is that process's own):

* **jieba.cut** — segmentation alone of the corpus text (decoded files, dictionary already
  loaded): the floor for any jieba-based pipeline;
* **kg build --jobs 1** and **kg build --jobs 2** — the whole command from a fresh ``out``
  (process start, model loading, ingest, extraction, resolution, store, exports), as a user runs it;
  MB/s = corpus bytes / wall time;
* **time per stage** — ``kg build --timings`` (ingest, nlp = jieba segmentation inside the
  pipeline, extract = the rule components, resolve, graph = quads and store loading, export); for
  ``--jobs 2`` the worker stages are summed over workers;
* **peak RSS** — ``ru_maxrss`` of the build process from ``os.wait4`` (the largest resident set of
  the process or of any worker it reaped);
* **triples** produced;
* **CPU seconds** (user + system, workers included) and, for --jobs 2, **cores used** = CPU / wall:
  about 1 means the machine gave the build one core's worth of time, so no speed-up can show.

* **kg build --cluster local:2** — the same build with extraction on a Dask LocalCluster of two
  worker processes (skipped without union-kg[dask]).

Then it prints the measures against the targets (what a user feels):

* a year of one paper: the largest corpus (``--scales 10,620``: about 50 MB) built with ``--jobs 2``
  at 50 MB in at most 120 s (its time scaled to 50 MB);
* extraction alone (the nlp and extract stages of ``--jobs 1``) at least 0.5 × jieba.cut's throughput;
* parallel efficiency: CPU seconds per MB with ``--jobs 2`` within 10 % of ``--jobs 1``;
* peak RSS flat: the largest scale under 3 × the RSS of the smallest;

with the machine's load average at the start and the end (a busy machine makes every figure worse).

Usage:
    python bench/build.py                          # scales 10 and 100 (several minutes)
    python bench/build.py --scales 10,620          # the year of a paper: about 50 MB (long)
    python bench/build.py --scales 1,10            # quick
    python bench/build.py --results bench/RESULTS.md   # also append the Markdown report there
    python bench/build.py --profile                # plus the top functions of extraction (cProfile, 1×)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.corpus import generate  # noqa: E402

JIEBA = r"""
import json, logging, sys, time
from pathlib import Path
import jieba
jieba.setLogLevel(logging.WARNING)
jieba.initialize()
texts = [p.read_text(encoding="utf-8") for p in sorted(Path(sys.argv[1]).glob("*.txt"))]
started = time.perf_counter()
tokens = sum(1 for text in texts for _ in jieba.cut(text))
print(json.dumps({"seconds": time.perf_counter() - started, "tokens": tokens}))
"""

TARGETS = {"extraction_vs_jieba": 0.5, "year_seconds": 120.0, "year_mb": 50.0, "cpu_per_mb_growth": 1.10, "rss_growth": 3.0}


@dataclass
class Run:
    seconds: float
    max_rss_mb: float
    cpu_seconds: float = 0.0  # user + system of the process and the workers it reaped
    timings: dict = field(default_factory=dict)
    returncode: int = 0


def measure(command: list[str], *, cwd: Path = ROOT) -> tuple[Run, str, str]:
    """Run ``command``; wall time, peak RSS (os.wait4 of this very process) and its output."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err)
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(seconds=seconds, max_rss_mb=usage.ru_maxrss / 1024, returncode=process.returncode,
                   cpu_seconds=usage.ru_utime + usage.ru_stime), \
            out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")


def kg_build(corpus: Path, out: Path, *, jobs: int, cluster: str | None = None) -> Run:
    shutil.rmtree(out, ignore_errors=True)
    where = ["--cluster", cluster] if cluster else ["--jobs", str(jobs)]
    run, _stdout, stderr = measure([sys.executable, "-m", "kg", "build", str(corpus), "-o", str(out), "-q",
                                    *where, "--timings"])
    lines = [line for line in stderr.splitlines() if line.startswith("timings: ")]
    if not lines:
        sys.exit(f"error: kg build failed ({run.returncode}): {stderr.strip().splitlines()[-1:] or ''}")
    run.timings = json.loads(lines[-1][len("timings: "):])
    return run


def dask_available() -> bool:
    try:
        import distributed  # noqa: F401
    except ImportError:
        return False
    return True


def machine() -> dict[str, str]:
    def first(path: str, key: str) -> str:
        try:
            for line in Path(path).read_text().splitlines():
                if line.startswith(key):
                    return line.split(":", 1)[1].strip()
        except OSError:
            pass
        return "?"

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    return {
        "cpu": first("/proc/cpuinfo", "model name"),
        "cores": f"{len(os.sched_getaffinity(0))} usable of {os.cpu_count()}",
        "memory": first("/proc/meminfo", "MemTotal"),
        "load average (1, 5, 15 min) at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "system": f"{platform.system()} {platform.release()}, Python {platform.python_version()}",
        "kg commit": commit or "?",
    }


def profile_extraction(corpus: Path, *, top: int = 15) -> str:
    """The top functions (cumulative time) of extracting the corpus in-process."""
    import cProfile
    import io
    import pstats

    from kg.extract.article import extract
    from kg.ingest.read import read_file
    from kg.extract.nlp import make_nlp

    nlp = make_nlp()
    articles = [a for p in sorted(corpus.glob("*.txt")) for a in read_file(p, source_file=p.name)[0]]
    extract(articles[0], nlp=nlp)
    profiler = cProfile.Profile()
    profiler.enable()
    for article in articles:
        extract(article, nlp=nlp)
    profiler.disable()
    buffer = io.StringIO()
    pstats.Stats(profiler, stream=buffer).sort_stats("cumulative").print_stats(top)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog="Example: python bench/build.py --scales 10,100")
    parser.add_argument("--scales", default="10,100", help="Corpus scales, comma-separated (default 10,100).")
    parser.add_argument("--seed", type=int, default=0, help="Corpus seed.")
    parser.add_argument("--work", type=Path, help="Folder for corpora and outputs (default: a temporary one, removed).")
    parser.add_argument("--results", type=Path, help="Append the Markdown report to this file.")
    parser.add_argument("--profile", action="store_true", help="Also profile extraction of the 1x corpus (cProfile).")
    args = parser.parse_args(argv)
    scales = [int(s) for s in args.scales.split(",")]
    work = args.work or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    report: list[str] = []

    def say(line: str = "") -> None:
        print(line, flush=True)
        report.append(line)

    info = machine()
    say(f"## kg build benchmark, {time.strftime('%Y-%m-%d %H:%M')}")
    say()
    for key, value in info.items():
        say(f"- {key}: {value}")
    say()
    say("| scale | MB | jieba.cut MB/s | build -j1 s | build -j1 MB/s | build -j2 s | build -j2 MB/s | peak RSS -j1 MB | peak RSS -j2 MB | triples | CPU s -j1 / -j2 | cores used -j2 |")
    say("|---|---|---|---|---|---|---|---|---|---|---|---|")
    results = {}
    dask_runs: dict[int, Run] = {}
    try:
        for scale in scales:
            corpus = work / f"corpus-{scale}"
            shutil.rmtree(corpus, ignore_errors=True)
            paths = generate(scale=scale, out=corpus, seed=args.seed)
            mb = sum(p.stat().st_size for p in paths) / 1e6
            jieba_run, stdout, stderr = measure([sys.executable, "-c", JIEBA, str(corpus)])
            if jieba_run.returncode:
                sys.exit(f"error: jieba benchmark failed: {stderr.strip()}")
            jieba_seconds = json.loads(stdout)["seconds"]
            single = kg_build(corpus, work / f"out-{scale}-j1", jobs=1)
            double = kg_build(corpus, work / f"out-{scale}-j2", jobs=2)
            results[scale] = (mb, jieba_seconds, single, double)
            if dask_available():
                dask_runs[scale] = kg_build(corpus, work / f"out-{scale}-dask", jobs=2, cluster="local:2")
            say(f"| {scale}× | {mb:.2f} | {mb / jieba_seconds:.3f} | {single.seconds:.1f} | {mb / single.seconds:.4f} | "
                f"{double.seconds:.1f} | {mb / double.seconds:.4f} | {single.max_rss_mb:.0f} | {double.max_rss_mb:.0f} | "
                f"{single.timings.get('triples', '?')} | {single.cpu_seconds:.1f} / {double.cpu_seconds:.1f} | "
                f"{double.cpu_seconds / double.seconds:.2f} |")
        say()
        say("Seconds per stage (from `kg build --timings`; -j2 worker stages summed over both workers):")
        say()
        stages = ("ingest", "nlp", "extract", "resolve", "graph", "export", "total")
        say("| scale | jobs | " + " | ".join(stages) + " |")
        say("|---|---|" + "---|" * len(stages))
        for scale, (_mb, _js, single, double) in results.items():
            for jobs, run in ((1, single), (2, double)):
                say(f"| {scale}× | {jobs} | " + " | ".join(f"{run.timings.get(s, 0):.2f}" for s in stages) + " |")
        if dask_runs:
            say()
            say("Extraction on a Dask LocalCluster of 2 worker processes (`kg build --cluster local:2`) beside `--jobs 2`:")
            say()
            say("| scale | --jobs 2 s | MB/s | --cluster local:2 s | MB/s | CPU s (client process only) |")
            say("|---|---|---|---|---|---|")
            for scale, run in dask_runs.items():
                mb, _js, _single, double = results[scale]
                say(f"| {scale}× | {double.seconds:.1f} | {mb / double.seconds:.3f} | {run.seconds:.1f} | "
                    f"{mb / run.seconds:.3f} | {run.cpu_seconds:.1f} |")
        say()
        say("Targets:")
        say()
        largest = max(results)
        mb, _js, _single, double = results[largest]
        year = double.seconds * TARGETS["year_mb"] / mb
        say(f"- a year of a paper: {largest}× = {mb:.1f} MB with --jobs 2 in {double.seconds:.1f} s, i.e. "
            f"{year:.0f} s for {TARGETS['year_mb']:.0f} MB (≤ {TARGETS['year_seconds']:.0f} s: "
            f"{'met' if year <= TARGETS['year_seconds'] else 'NOT met'})")
        for scale, (mb, jieba_seconds, single, double) in results.items():
            extraction = jieba_seconds / max(1e-9, single.timings.get("nlp", 0) + single.timings.get("extract", 0))
            growth = (double.cpu_seconds / mb) / (single.cpu_seconds / mb)
            say(f"- {scale}×: extraction alone / jieba.cut = {extraction:.3f} (≥ {TARGETS['extraction_vs_jieba']}: "
                f"{'met' if extraction >= TARGETS['extraction_vs_jieba'] else 'NOT met'}); CPU s per MB --jobs 2 / --jobs 1 "
                f"= {growth:.2f} (≤ {TARGETS['cpu_per_mb_growth']:.2f}: {'met' if growth <= TARGETS['cpu_per_mb_growth'] else 'NOT met'})")
        say()
        say("Ratios of the earlier targets (for comparison with older results):")
        say()
        for scale, (mb, jieba_seconds, single, double) in results.items():
            ratio = jieba_seconds / single.seconds
            say(f"- {scale}×: build -j1 / jieba.cut throughput = {ratio:.3f}; "
                f"build -j2 / -j1 = {single.seconds / double.seconds:.2f}")
            # What bounds the two ratios: the build without its extraction stages, and -j1's own parallelism.
            rest = single.seconds - single.timings.get("nlp", 0) - single.timings.get("extract", 0)
            cores = single.cpu_seconds / single.seconds
            say(f"  - {scale}×: the rest of build -j1 (wall minus the nlp and extract stages, {rest:.1f} s) / jieba.cut "
                f"= {jieba_seconds / max(1e-9, rest):.3f} (the -j1 ratio if extraction cost nothing); build -j1 uses "
                f"{cores:.2f} cores (the store loads in a background thread), so -j2 on 2 cores, spending the same CPU "
                f"time, could be at most {2 / cores:.2f}× as fast")
        if len(results) > 1:
            low, high = min(results), max(results)
            growth = results[high][2].max_rss_mb / results[low][2].max_rss_mb
            say(f"- peak RSS -j1 {high}× / {low}× = {growth:.2f} (< {TARGETS['rss_growth']}: "
                f"{'met' if growth < TARGETS['rss_growth'] else 'NOT met'}) for {high // low}× the text")
        say(f"- load average (1, 5, 15 min) at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        if args.profile:
            corpus = work / "corpus-1"
            if not corpus.exists():
                generate(scale=1, out=corpus, seed=args.seed)
            say()
            say("Extraction profile (1×, in-process, cumulative time):")
            say()
            say("```")
            for line in profile_extraction(corpus).strip().splitlines():
                say(line)
            say("```")
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    if args.results:
        with open(args.results, "a", encoding="utf-8") as handle:
            handle.write("\n".join(report) + "\n\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
