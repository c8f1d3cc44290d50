"""Query benchmark: the shipped SPARQL queries (ontology/queries/*.rq) on a graph of over a million
triples, on the Oxigraph store that ``kg build`` writes, on rdflib's in-memory store, and over HTTP
from ``kg serve`` — all in one run, on the same build.

The graph is ``kg build`` of the corpus ``bench/corpus.py`` generates from the seed pages (120
variants of each page by default, with places, person names and numbers varied, so that unions,
places, persons and quantities really differ; see bench/README.md).  Corpus and build are cached
in ``bench/.cache/`` (ignored by git) and reused by later runs; ``--rebuild`` makes them again.

Each query runs once to warm up, then ``--repeat`` times; the table shows median latencies (the
whole answer read) and the ratio rdflib / Oxigraph.  Targets: every query < 0.5 s on Oxigraph and
≥ 10× faster than rdflib.  The answers of the two stores are compared too (row counts, and values
where both print terms the same way).  Results go to stdout and to bench/RESULTS-query.md.

Example:
    python bench/query.py                       # scale 120: over a million triples
    python bench/query.py --scale 10 --repeat 3 --no-write
    python bench/query.py --no-rdflib           # Oxigraph, kg serve and Virtuoso side by side
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from decimal import Decimal, InvalidOperation
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import pyoxigraph as ox  # noqa: E402
import rdflib  # noqa: E402

from bench.corpus import generate  # noqa: E402
from kg.rdf.namespace import PREFIXES  # noqa: E402
from kg.store.query import open_store, run_query  # noqa: E402
from kg.store.serve import free_port, serve_store  # noqa: E402

CACHE = ROOT / "bench" / ".cache"
QUERIES = sorted((ROOT / "ontology" / "queries").glob("*.rq"))
RESULTS = ROOT / "bench" / "RESULTS-query.md"
TARGET_S = 0.5
TARGET_RATIO = 10.0


def cached_build(*, scale: int, seed: int, rebuild: bool, jobs: int) -> Path:
    """The kg build of the scale-``scale`` corpus, made (and cached) when missing."""
    CACHE.mkdir(parents=True, exist_ok=True)
    (CACHE / ".gitignore").write_text("*\n")
    corpus = CACHE / f"corpus-{scale}-s{seed}"
    out = CACHE / f"build-{scale}-s{seed}"
    if rebuild:
        shutil.rmtree(corpus, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
    if not (corpus / ".done").exists():
        print(f"generating the corpus: scale {scale}, seed {seed} …", file=sys.stderr)
        generate(scale=scale, out=corpus, seed=seed)
        (corpus / ".done").write_text("")
    if not (out / "store" / "CURRENT").exists() or not (out / "graph.nq").exists():
        print(f"building {corpus.name} with kg build --jobs {jobs} (cached for later runs) …", file=sys.stderr)
        started = time.perf_counter()
        kg = Path(sys.executable).parent / "kg"
        subprocess.run([str(kg), "build", str(corpus), "-o", str(out), "-q", "--jobs", str(jobs)], check=False)
        if not (out / "store" / "CURRENT").exists():
            sys.exit(f"error: kg build of {corpus} wrote no store")
        print(f"built in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return out


def timed(run, repeat: int) -> tuple[float, object, float]:
    """(median seconds, the warm-up run's answer, median CPU seconds of this process) of ``repeat``
    runs after one warm-up run.  The CPU time is the in-process share (all of it for the store)."""
    answer = run()
    times, cpu = [], []
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        run()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    return statistics.median(times), answer, statistics.median(cpu)


def rdflib_timed(dataset, text: str, *, repeat: int, cap_s: float) -> tuple[float, list | None, bool]:
    """(median seconds, rows, capped) of rdflib runs in a forked child (which shares the loaded
    dataset): a warm-up run, then up to ``repeat`` timed runs while under ``cap_s`` in all.  A query
    still running at ``cap_s`` is stopped: the time is then the cap (a lower bound) and capped True."""
    import multiprocessing
    import queue

    context = multiprocessing.get_context("fork")
    channel = context.Queue()

    def child() -> None:
        started = time.perf_counter()
        rows = rows_of_rdflib(dataset.query(text, initNs=PREFIXES))
        channel.put(("warm-up", time.perf_counter() - started, rows))
        for _ in range(repeat):
            started = time.perf_counter()
            rows_of_rdflib(dataset.query(text, initNs=PREFIXES))
            channel.put(("run", time.perf_counter() - started, None))
        channel.put(("done", 0.0, None))

    process = context.Process(target=child, daemon=True)
    process.start()
    deadline = time.monotonic() + cap_s
    warm_up, runs, rows = None, [], None
    try:
        while True:
            try:
                kind, seconds, payload = channel.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                break
            if kind == "warm-up":
                warm_up, rows = seconds, payload
            elif kind == "run":
                runs.append(seconds)
            else:
                break
    finally:
        if process.is_alive():
            process.kill()
        process.join()
    if warm_up is None:
        return cap_s, None, True
    return (statistics.median(runs) if runs else warm_up), rows, False


def _norm(value: str | None) -> str:
    """Value as printed, numbers in canonical form (Oxigraph keeps "20.0"^^xsd:decimal as 20)."""
    if value is None:
        return ""
    try:
        number = Decimal(value)
    except (InvalidOperation, ValueError):
        return value
    return format(number.normalize(), "f") if number.is_finite() else value


def rows_of_rdflib(result) -> list[tuple[str, ...]]:
    if result.type == "ASK":
        return [(str(result.askAnswer).lower(),)]
    return [tuple(_norm(None if v is None else str(v)) for v in row) for row in result]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=120, help="corpus scale (variants of each seed page; 120 gives over a million triples)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per query and store (after a warm-up)")
    parser.add_argument("--rdflib-repeat", type=int, default=3, help="timed rdflib runs (fewer if the cap is reached)")
    parser.add_argument("--rdflib-cap", type=float, default=300.0, help="seconds of rdflib per query, at most")
    parser.add_argument("--jobs", type=int, default=2, help="kg build --jobs when the build is made")
    parser.add_argument("--rebuild", action="store_true", help="generate and build again")
    parser.add_argument("--no-http", action="store_true", help="skip the kg serve (HTTP) column")
    parser.add_argument("--no-rdflib", action="store_true", help="skip the rdflib column (minutes a query at a million triples)")
    parser.add_argument("--no-virtuoso", action="store_true", help="skip the Virtuoso column (bench/virtuoso.py; needs virtuoso-t)")
    parser.add_argument("--no-write", action="store_true", help=f"do not write {RESULTS.name}")
    args = parser.parse_args()

    out = cached_build(scale=args.scale, seed=args.seed, rebuild=args.rebuild, jobs=args.jobs)
    store = open_store(out / "store")
    triples = len(store)
    if triples < 1_000_000:
        print(f"warning: {triples:,} quads: fewer than a million (raise --scale)", file=sys.stderr)
    started = time.perf_counter()
    dataset = rdflib.Dataset(default_union=True)
    if not args.no_rdflib:
        dataset.parse(str(out / "graph.nq"), format="nquads")
    rdflib_load = time.perf_counter() - started
    print(f"{triples:,} quads in the Oxigraph store; rdflib loaded {len(dataset):,} triples (union) in {rdflib_load:.0f} s",
          file=sys.stderr)
    oxigraph_load = _oxigraph_load_s(out / "graph.nq")
    virtuoso_context, virtuoso_at, virtuoso_load = None, None, None
    virtuoso_errors: dict[str, str] = {}
    if not args.no_virtuoso:
        from bench import virtuoso

        if virtuoso.available():
            virtuoso_context = virtuoso.running(CACHE / "virtuoso", buffers=170_000, dirs=(out.resolve(),))
            virtuoso_at = virtuoso_context.__enter__()
            started = time.perf_counter()
            virtuoso_at.bulk_load((out / "graph.nq").resolve())
            virtuoso_load = time.perf_counter() - started
            print(f"Virtuoso bulk-loaded graph.nq in {virtuoso_load:.1f} s; Oxigraph in {oxigraph_load:.1f} s", file=sys.stderr)
        else:
            print("warning: Virtuoso is not installed: no Virtuoso column", file=sys.stderr)

    server = serve_store(store=out / "store", port=free_port(), timeout_s=300) if not args.no_http else None
    served = server.__enter__() if server else None
    lines = []
    try:
        client = httpx.Client(timeout=600)
        for path in QUERIES:
            text = path.read_text(encoding="utf-8")
            load = os.getloadavg()[0]
            ox_s, ox_answer, ox_cpu = timed(lambda: run_query(store, text), args.repeat)
            ox_rows = [tuple(_norm(v) for v in row) for row in ox_answer.rows]
            http_s = None
            if served:
                def over_http():
                    response = client.post(served.endpoint, data={"query": text}, headers={"Accept": "application/sparql-results+json"})
                    response.raise_for_status()
                    return len(list(ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)))
                http_s, http_rows, _ = timed(over_http, args.repeat)
                assert http_rows == len(ox_rows), f"{path.name}: HTTP gave {http_rows} rows, the store {len(ox_rows)}"
            vt_s = None
            if virtuoso_at:
                def on_virtuoso():
                    response = client.post(virtuoso_at.sparql, data={"query": text},
                                           headers={"Accept": "application/sparql-results+json"})
                    response.raise_for_status()
                    return len(response.json()["results"]["bindings"])
                try:
                    vt_s, vt_rows, _ = timed(on_virtuoso, args.repeat)
                except httpx.HTTPStatusError as error:  # reported in the table, not a crash of the benchmark
                    vt_s, vt_rows = None, None
                    virtuoso_errors[path.name] = " ".join(error.response.text.split())[:160]
                    print(f"warning: {path.name}: Virtuoso: {virtuoso_errors[path.name]}", file=sys.stderr)
                if vt_rows is not None and vt_rows != len(ox_rows):
                    print(f"warning: {path.name}: Virtuoso gave {vt_rows} rows, the store {len(ox_rows)}", file=sys.stderr)
            if args.no_rdflib:
                rd_s, rd_rows, capped = float("nan"), None, False
            else:
                rd_s, rd_rows, capped = rdflib_timed(dataset, text, repeat=args.rdflib_repeat, cap_s=args.rdflib_cap)
            if args.no_rdflib:
                same = "–"
            elif rd_rows is None:
                same = "rdflib did not finish"
            elif rd_rows == ox_rows:
                same = "same"
            elif sorted(rd_rows) == sorted(ox_rows):
                same = "same rows, ties ordered differently"
            else:
                same = "same count" if len(rd_rows) == len(ox_rows) else f"rdflib {len(rd_rows)} rows"
            line = (path.name, len(ox_rows), ox_s, ox_cpu, load, http_s, vt_s, rd_s, rd_s / ox_s, same, capped)
            lines.append(line)
            print(f"{path.name:32} {len(ox_rows):6} rows  oxigraph {ox_s * 1000:8.1f} ms (cpu {ox_cpu * 1000:.0f}, load {load:.1f})  "
                  + (f"http {http_s * 1000:8.1f} ms  " if http_s is not None else "")
                  + (f"virtuoso {vt_s * 1000:8.1f} ms  " if vt_s is not None else "")
                  + f"rdflib {'>' if capped else ''}{rd_s * 1000:10.1f} ms  ×{rd_s / ox_s:,.0f}  {same}", file=sys.stderr)
    finally:
        if server:
            server.__exit__(None, None, None)
        if virtuoso_context:
            virtuoso_context.__exit__(None, None, None)

    report = render(lines, args=args, triples=triples, rdflib_triples=len(dataset), rdflib_load=rdflib_load, out=out,
                    oxigraph_load=oxigraph_load, virtuoso_load=virtuoso_load)
    if virtuoso_errors:
        report += "\n\nVirtuoso errors:\n\n" + "\n".join(f"- `{name}`: {text}" for name, text in virtuoso_errors.items())
    print(report)
    if not args.no_write:
        RESULTS.write_text(report + "\n", encoding="utf-8")
        print(f"wrote {RESULTS.relative_to(ROOT)}", file=sys.stderr)


def _oxigraph_load_s(nquads: Path) -> float:
    """Seconds for pyoxigraph to bulk-load graph.nq into a new on-disk store (what Virtuoso's ld_dir is compared with)."""
    import tempfile

    with tempfile.TemporaryDirectory(dir=CACHE) as folder:
        started = time.perf_counter()
        ox.Store(folder).bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
        return time.perf_counter() - started


def render(lines, *, args, triples: int, rdflib_triples: int, rdflib_load: float, out: Path,
           oxigraph_load: float, virtuoso_load: float | None) -> str:
    corpus = CACHE / f"corpus-{args.scale}-s{args.seed}"
    files = [p for p in corpus.glob("*.txt")]
    megabytes = sum(p.stat().st_size for p in files) / 1e6
    slow = [name for name, _, ox_s, *_ in lines if ox_s >= TARGET_S]
    weak = [] if args.no_rdflib else [line[0] for line in lines if line[8] < TARGET_RATIO]
    rows = [
        f"| `{name}` | {count} | {ox_s * 1000:.1f} | {ox_cpu * 1000:.0f} | {load:.1f} | " + (f"{http_s * 1000:.1f}" if http_s is not None else "–")
        + " | " + (f"{vt_s * 1000:.1f}" if vt_s is not None else "error" if virtuoso_load is not None else "–")
        + (" | – | – | – |" if args.no_rdflib else f" | {'> ' if capped else ''}{rd_s * 1000:,.0f} | {'> ' if capped else ''}{ratio:,.1f}× | {same} |")
        for name, count, ox_s, ox_cpu, load, http_s, vt_s, rd_s, ratio, same, capped in lines
    ]
    return "\n".join([
        "# Query benchmark (bench/query.py)",
        "",
        f"Command: `python bench/query.py --scale {args.scale} --seed {args.seed} --repeat {args.repeat} --rdflib-repeat {args.rdflib_repeat} --rdflib-cap {args.rdflib_cap:.0f}`  ",
        f"Graph: `kg build` of the bench/corpus.py corpus at scale {args.scale} ({len(files)} files, {megabytes:.1f} MB of text): "
        f"**{triples:,} quads** in the Oxigraph store; rdflib `Dataset(default_union=True)` holds {rdflib_triples:,} distinct triples "
        f"(loaded from graph.nq in {rdflib_load:.0f} s).  ",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores (shared), Python {platform.python_version()}, "
        f"pyoxigraph {version('pyoxigraph')}, oxigraph server {version('oxigraph')}, rdflib {rdflib.__version__}.",
        "",
        f"Median latency of the whole answer, after one warm-up run ({args.repeat} runs on Oxigraph and over HTTP, "
        f"up to {args.rdflib_repeat} on rdflib within {args.rdflib_cap:.0f} s per query; a query rdflib had not answered by then "
        f"shows the cap as a lower bound). Oxigraph store = `kg.store.query.run_query` on the on-disk store `kg build` wrote "
        f"(rows converted to Python), with the median CPU time those runs used and the machine's 1-minute load average "
        f"when they started (the machine has {os.cpu_count()} cores: above that, the queries waited for a core); "
        f"HTTP = `kg serve` (Oxigraph server) answering in SPARQL JSON, parsed by the client; Virtuoso = a Virtuoso "
        f"{'7' if virtuoso_load is not None else '(not run)'} on the same machine (bench/virtuoso.py, 170,000 buffers ≈ 1.4 GB) "
        f"answering over HTTP in SPARQL JSON.",
        "",
        f"Load of graph.nq: Oxigraph bulk load into a new store {oxigraph_load:.1f} s"
        + (f"; Virtuoso bulk loader (ld_dir + rdf_loader_run + checkpoint) {virtuoso_load:.1f} s." if virtuoso_load is not None else "."),
        "",
        "| query | rows | Oxigraph store (ms) | its CPU (ms) | load | kg serve HTTP (ms) | Virtuoso HTTP (ms) | rdflib in memory (ms) | rdflib / Oxigraph | answers |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
        *rows,
        "",
        f"Targets: every query under {TARGET_S} s on Oxigraph — " + ("**met**" if not slow else f"**missed** by {', '.join(slow)}")
        + f"; at least {TARGET_RATIO:.0f}× faster than rdflib — "
        + ("not measured (--no-rdflib)" if args.no_rdflib else "**met**" if not weak else f"**missed** by {', '.join(weak)}") + ".",
        "",
        "Notes. Oxigraph's union default graph is a bag (a triple comes back once per graph that holds it, and every article",
        "graph repeats the edges it states), so the shipped queries take each edge once (GROUP BY or DISTINCT subqueries).",
        "On the RocksDB store every pattern costs an index look-up per row, and every ORDER BY comparison decodes its strings",
        "again (strings over 15 bytes, i.e. most Chinese labels, are stored apart; `oxigraph query --explain --stats` shows",
        "both), so the shipped queries return one row per union or pair rather than per sentence, read labels once per",
        "entity, and find a sentence in one article graph that states the edge instead of walking every statement. rdflib",
        "evaluates a join whose sides hold a join or DISTINCT as a nested loop, and `GRAPH ?a { … }` with ?a unbound by",
        "scanning the predicate's triples once per graph (5,000+ article graphs here): where a shipped query has such parts,",
        "rdflib's time says more about rdflib than about Oxigraph. The machine was shared with other jobs during the run.",
    ])


if __name__ == "__main__":
    main()
