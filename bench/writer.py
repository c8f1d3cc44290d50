"""Writer benchmark: CPU seconds of each part of a build that is not extraction, on a build's own output.

Not a test: it prints measurements.  ``kg build --timings`` gives wall seconds per stage, which on
a busy machine (or with the store loading in a background thread beside the workers) say little
about what each part costs; this script replays the writer's parts one at a time, in one process,
on the N-Quads of a finished build (its ``articles.nq.gz`` plus the entities graph of its
``graph.nq``), and prints each part's CPU seconds (user + system, background threads included)
and wall seconds:

* **gzip** — the archive's gzip members (level 1, as :class:`kg.build.archive.Writer` writes them);
* **store load** — :meth:`pyoxigraph.Store.bulk_load` of the N-Quads into a new on-disk store,
  in chunks of ``--chunk`` bytes (:class:`kg.build.archive.Loader`: 16 MB);
* **optimize** — :meth:`pyoxigraph.Store.optimize` (the build compacts the store before the views);
* **sorted dumps** — graph.nq and graph.ttl by the external sort (:func:`kg.build.export.write_sorted`);
* **views** — graph.graphml and graph.gexf from the store (:func:`kg.build.export.write_views`).

What the sorted dumps and the views write is checked against the build's own files (byte for byte).

Usage:
    python bench/corpus.py --scale 100 -o /tmp/corpus-100
    kg build /tmp/corpus-100 -o /tmp/out-100 -q
    python bench/writer.py /tmp/out-100                 # all parts
    python bench/writer.py /tmp/out-100 --parts store,optimize --chunk 64000000
"""

from __future__ import annotations

import argparse
import gzip
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pyoxigraph as ox  # noqa: E402

from kg.build.export import ontology_quads, write_views  # noqa: E402
from kg.build.generations import _sorted_outputs  # noqa: E402
from kg.rdf.namespace import ENTITIES_GRAPH  # noqa: E402

PARTS = ("gzip", "store", "optimize", "sort", "views")


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="The output folder of a finished kg build.")
    parser.add_argument("--parts", default=",".join(PARTS), help=f"Comma-separated, of {', '.join(PARTS)}.")
    parser.add_argument("--chunk", type=int, default=16_000_000, help="Bytes of N-Quads per bulk load (default 16 MB).")
    parser.add_argument("--work", type=Path, help="Scratch folder (default: a temporary one, removed).")
    args = parser.parse_args(argv)
    parts = args.parts.split(",")
    current = (args.out / "current").resolve()
    work = args.work or Path(tempfile.mkdtemp(prefix="kg-writer-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        data = gzip.decompress((current / "articles.nq.gz").read_bytes())
        tail = f" <{ENTITIES_GRAPH}> .\n".encode()
        with open(current / "graph.nq", "rb") as handle:
            entities = b"".join(line for line in handle if line.endswith(tail))
        print(f"{len(data) / 1e6:.1f} MB of article N-Quads, {len(entities) / 1e6:.1f} MB of entities; "
              f"load average {' '.join(f'{x:.2f}' for x in __import__('os').getloadavg())}")
        chunks = []
        start = 0
        while start < len(data):
            end = data.find(b"\n", start + args.chunk) + 1 or len(data)
            chunks.append(data[start:end])
            start = end
        chunks.append(entities)
        store = ox.Store(str(work / "store")) if {"store", "optimize", "views"} & set(parts) else None

        def step(name: str, function) -> None:
            if name not in parts:
                return
            cpu, wall = cpu_seconds(), time.perf_counter()
            function()
            print(f"| {name} | {cpu_seconds() - cpu:.2f} CPU s | {time.perf_counter() - wall:.2f} s |", flush=True)

        def load() -> None:
            for chunk in chunks:
                store.bulk_load(chunk, format=ox.RdfFormat.N_QUADS, lenient=True)
            store.flush()

        def sort() -> None:
            (work / "archive.nq.gz").write_bytes(gzip.compress(data, compresslevel=1))
            (work / "entities.nq").write_bytes(entities)
            ontology = ox.serialize(ontology_quads(), format=ox.RdfFormat.N_QUADS).decode("utf-8")
            cpu, wall = cpu_seconds(), time.perf_counter()
            _sorted_outputs([work / "archive.nq.gz", work / "entities.nq"], ontology, work)
            print(f"| sort | {cpu_seconds() - cpu:.2f} CPU s | {time.perf_counter() - wall:.2f} s |", flush=True)
            for name in ("graph.nq", "graph.ttl"):
                same = (work / name).read_bytes() == (current / name).read_bytes()
                print(f"  {name}: {'identical to the build' if same else 'DIFFERS from the build'}")

        step("gzip", lambda: [gzip.compress(chunk, compresslevel=1, mtime=0) for chunk in chunks])
        step("store", load)
        if store is not None and "store" not in parts:
            load()  # optimize and views need the store, untimed
        step("optimize", lambda: store.optimize())
        if "sort" in parts:
            sort()
        step("views", lambda: write_views(store, work))
        for name in ("graph.graphml", "graph.gexf") if "views" in parts else ():
            same = (work / name).read_bytes() == (current / name).read_bytes()
            print(f"  {name}: {'identical to the build' if same else 'DIFFERS from the build'}")
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
