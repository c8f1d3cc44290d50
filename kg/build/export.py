"""Export: quads → Turtle, N-Quads, GraphML and GEXF (Gephi) and the Oxigraph store, written atomically.

Every output is written to a temporary name beside its target and renamed into
place only when complete, so an interrupted build never leaves a half-written
file or store: the previous outputs stay as they were.

Example:
    >>> import pyoxigraph as ox
    >>> q = ox.Quad(ox.NamedNode("http://x/a"), ox.NamedNode("http://x/p"), ox.Literal("工会"), ox.NamedNode("http://x/g"))
    >>> turtle_bytes([q]).decode().strip().endswith('"工会" .')
    True
"""

from __future__ import annotations

import bisect
import itertools
import os
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path

import networkx as nx
import pyoxigraph as ox

from kg import ontology_file
from kg.rdf.namespace import PREFIXES
from kg.rdf.quads import sort_quads
from kg.rdf.namespace import ONTOLOGY_GRAPH
from kg.gephi.writers import gexf_bytes, graphml_bytes
from kg.gephi.views import view_graph


def ontology_quads() -> list[ox.Quad]:
    """The ontology (ontology/union-kg.ttl) as quads in its own named graph."""
    path = ontology_file("union-kg.ttl")
    graph = ox.NamedNode(str(ONTOLOGY_GRAPH))
    # Parsing gives blank nodes random ids; rename them in order of appearance so output bytes are stable.
    names: dict[ox.BlankNode, ox.BlankNode] = {}

    def stable(term):
        if isinstance(term, ox.BlankNode):
            return names.setdefault(term, ox.BlankNode(f"ontology{len(names)}"))
        return term

    return [
        ox.Quad(stable(t.subject), t.predicate, stable(t.object), graph)
        for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
    ]


def turtle_bytes(quads: Iterable[ox.Quad]) -> bytes:
    """All quads as one graph in Turtle, sorted and deduplicated."""
    triples = sorted(
        {ox.Triple(q.subject, q.predicate, q.object) for q in quads},
        key=lambda t: (str(t.subject), str(t.predicate), str(t.object)),
    )
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)


def nquads_bytes(quads: Iterable[ox.Quad]) -> bytes:
    return ox.serialize(sort_quads(quads), format=ox.RdfFormat.N_QUADS)


def to_networkx(quads: Iterable[ox.Quad], *, view: str = "full") -> nx.MultiDiGraph:
    """The Gephi network of some quads: :func:`kg.gephi.views.view_graph` over an in-memory store holding them."""
    store = ox.Store()
    store.extend(quads)
    return view_graph(store, view=view)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and an atomic rename."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_store(quads: Iterable[ox.Quad], path: Path) -> None:
    """Load quads into a fresh on-disk Oxigraph store and swap it in for ``path``."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    old = path.with_name(f".{path.name}.old-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        store = ox.Store(str(tmp))
        store.bulk_extend(quads)
        store.flush()
        store.optimize()
        del store
        if path.exists():
            os.replace(path, old)
        os.replace(tmp, path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)


#: What a build publishes in its output folder (one per format, and the store).
OUTPUTS = ("graph.ttl", "graph.nq", "graph.graphml", "graph.gexf", "store")


def write_outputs(quads: list[ox.Quad], out: Path) -> dict[str, Path]:
    """Write graph.ttl, graph.nq (with the ontology graph), graph.graphml, graph.gexf and store/ under ``out``.

    All files are produced under temporary names first; the renames happen last.
    """
    out.mkdir(parents=True, exist_ok=True)
    ontology = ontology_quads()
    data_quads = sort_quads(quads)
    payloads = {
        "graph.ttl": turtle_bytes(data_quads),
        "graph.nq": nquads_bytes(data_quads + ontology),
    }
    network = to_networkx(data_quads)
    payloads |= {"graph.graphml": graphml_bytes(network), "graph.gexf": gexf_bytes(network)}
    for name, data in payloads.items():
        write_atomic(out / name, data)
    write_store(data_quads + ontology, out / "store")
    return {name: out / name for name in OUTPUTS}


# --------------------------------------------------------------------------- streaming, sorted dumps
#
# A build streams quads to disk as N-Quads text (the store is not a lossless source: Oxigraph
# stores xsd:nonNegativeInteger as xsd:integer and "32.0"^^xsd:decimal as "32").  graph.nq and
# graph.ttl are then produced by an external merge sort of those lines: runs of at most
# ``run_bytes`` of text are sorted in memory and written to ``work``, then merged, so memory is
# bounded whatever the corpus size.  The order is the one of :func:`kg.rdf.quads.sort_quads` (graph,
# subject, predicate, object, compared as N-Triples text: a space sorts before every character a
# term can hold), so the files are byte-identical to :func:`nquads_bytes` / :func:`turtle_bytes`
# of the same quads.

RUN_BYTES = 8_000_000
TURTLE_LINES = 20_000


def write_sorted(
    lines: Iterable[str | bytes], *, nquads: Path, turtle: Path, work: Path, run_bytes: int = RUN_BYTES
) -> int:
    r"""Write N-Quads ``lines`` (every quad in a named graph) sorted and deduplicated to ``nquads``, and
    their triples but the ontology graph's to ``turtle``; return the number of distinct triples.

    Lines may be text or UTF-8 bytes; the work is done on bytes (UTF-8 sorts as the code points do,
    and bytes compare and split faster than text of Chinese characters).

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> lines = ['<http://x/b> <http://x/p> "2" <http://x/g> .\n', '<http://x/a> <http://x/p> "1" <http://x/g> .\n']
    >>> write_sorted(lines, nquads=folder / "g.nq", turtle=folder / "g.ttl", work=folder)
    2
    >>> (folder / "g.nq").read_text().splitlines()[0]
    '<http://x/a> <http://x/p> "1" <http://x/g> .'
    """
    excluded = f"<{ONTOLOGY_GRAPH}>".encode("utf-8")
    work.mkdir(parents=True, exist_ok=True)
    runs: dict[str, list[Path]] = {"nq": [], "ttl": []}
    buffers: dict[str, list[bytes]] = {"nq": [], "ttl": []}
    size = 0

    def spill() -> None:
        for kind, buffer in buffers.items():
            if buffer:
                path = work / f"run-{kind}-{len(runs[kind]):04d}"
                buffer.sort()
                with open(path, "wb") as handle:
                    handle.write(b"".join(buffer))  # duplicates are dropped by the merge
                runs[kind].append(path)
                buffer.clear()

    for line in lines:
        if isinstance(line, str):
            line = line.encode("utf-8")
        body = line.rstrip(b"\n")
        if not body:
            continue
        triple, graph = body[:-2].rsplit(b" ", 1)  # "s p o g ." → graph-first "g s p o" sorts by graph
        buffers["nq"].append(b"%s %s\n" % (graph, triple))
        if graph != excluded:
            # N-Triples lines: "s p o .\n" sort as "s p o" do (no triple is a prefix of another plus a space)
            buffers["ttl"].append(b"%s .\n" % triple)
        size += len(body)
        if size >= run_bytes:
            spill()
            size = 0
    spill()
    try:
        for kind in runs:
            runs[kind] = _fewer_runs(runs[kind], work=work, kind=kind)
        with open(nquads, "wb") as handle:
            for rows in _merged(runs["nq"]):
                handle.write(_graph_last(rows))
            _sync(handle)
        with open(turtle, "wb") as handle:
            count = _write_turtle(itertools.chain.from_iterable(_merged(runs["ttl"])), handle)
            _sync(handle)
    finally:
        for path in runs["nq"] + runs["ttl"]:
            path.unlink(missing_ok=True)
    return count


#: Rows held by :func:`_merged` at a time, shared by the runs (larger batches sort slower).
MERGE_ROWS = 60_000
#: Runs merged at once: a merge holds a file open per run, and many systems allow a process 1024.
FAN_IN = 256


def _fewer_runs(paths: list[Path], *, work: Path, kind: str, fan_in: int | None = None) -> list[Path]:
    r"""At most ``fan_in`` sorted runs holding the rows of ``paths``: groups of runs are merged into one
    (sorted, unique) until that many are left, each group's runs deleted once merged.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> paths = []
    >>> for k, rows in enumerate((b"1\n4\n", b"2\n4\n", b"3\n", b"0\n")):
    ...     paths.append(folder / f"r{k}")
    ...     _ = paths[-1].write_bytes(rows)
    >>> fewer = _fewer_runs(paths, work=folder, kind="x", fan_in=2)
    >>> len(fewer), [row for rows in _merged(fewer) for row in rows]
    (2, [b'0\n', b'1\n', b'2\n', b'3\n', b'4\n'])
    """
    fan_in = max(2, fan_in or FAN_IN)
    level = 0
    while len(paths) > fan_in:
        level += 1
        merged = []
        for k in range(0, len(paths), fan_in):
            group = paths[k:k + fan_in]
            if len(group) == 1:
                merged += group
                continue
            path = work / f"run-{kind}-merged-{level}-{k // fan_in:04d}"
            with open(path, "wb") as handle:
                for rows in _merged(group):
                    handle.write(b"".join(rows))
            for done in group:
                done.unlink()
            merged.append(path)
        paths = merged
    return paths


def _merged(paths: list[Path], *, block: int | None = None) -> Iterator[list[bytes]]:
    r"""The sorted unique rows of sorted runs, a list at a time.

    A k-way merge by blocks: of the rows read so far from every run, all rows up to the smallest of
    the runs' last rows read are final (no unread row of a run is smaller than its last read one),
    so they are sorted together (timsort merges the sorted pieces) and handed out; the run
    that ended that block is read further.  Copies of a row are neighbours in the sorted batches
    (at most one more at the start of the next batch), so they are dropped by batch.  Per row,
    nothing runs in Python.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> for name, rows in (("a", b"1\n3\n5\n"), ("b", b"2\n3\n6\n")):
    ...     _ = (folder / name).write_bytes(rows)
    >>> [row for rows in _merged([folder / "a", folder / "b"], block=2) for row in rows]
    [b'1\n', b'2\n', b'3\n', b'5\n', b'6\n']
    """
    block = block or max(1, MERGE_ROWS // 256, MERGE_ROWS // max(1, len(paths)))
    handles = [open(path, "rb") for path in paths]
    try:
        runs = [(rows, handle) for handle in handles if (rows := list(itertools.islice(handle, block)))]
        previous = None
        while runs:
            bound = min(rows[-1] for rows, _ in runs)
            batch: list[bytes] = []
            left = []
            for rows, handle in runs:
                cut = bisect.bisect_right(rows, bound)
                batch += rows[:cut]
                if rest := rows[cut:] or list(itertools.islice(handle, block)):
                    left.append((rest, handle))
            runs = left
            batch.sort()
            batch = list(dict.fromkeys(batch))
            if batch[0] == previous:  # a run repeats a row across two of its blocks
                del batch[0]
            if batch:
                previous = batch[-1]
                yield batch
    finally:
        for handle in handles:
            handle.close()


def _graph_last(rows: list[bytes]) -> bytes:
    r"""Sorted graph-first rows (b"g s p o\n") as N-Quads lines (b"s p o g .\n"), a graph at a time.

    A graph's rows are joined and the graph moved by one replace: N-Quads lines hold no line break
    and graph names no space, so "\ng " only occurs where a row starts.

    >>> _graph_last([b"<g1> <a> <p> _:x\n", b"<g1> <b> <p> <c>\n", b"<g2> <a> <p> <c>\n"])
    b'<a> <p> _:x <g1> .\n<b> <p> <c> <g1> .\n<a> <p> <c> <g2> .\n'
    """
    out: list[bytes] = []
    i = 0
    while i < len(rows):
        graph = rows[i][: rows[i].index(b" ")]
        j = bisect.bisect_right(rows, graph + b" \xff", i)  # a row's bytes after "g " are below 0xff
        data = b"".join(rows[i:j])
        out.append(data[len(graph) + 1 : -1].replace(b"\n" + graph + b" ", b" " + graph + b" .\n"))
        out.append(b" " + graph + b" .\n")
        i = j
    return b"".join(out)


def _write_turtle(rows: Iterable[bytes], handle) -> int:
    """Sorted unique N-Triples lines (b"s p o .\n") → Turtle, serialized some thousand lines at a time
    (cut between subjects, so that each subject's triples are serialized together); returns the count.

    The lines are parsed leniently and streamed into the serializer: they come from quads that the
    build loaded into its store, which validated them (a failed load fails the build).  Parsing them
    into a list of Python triples first cost three times as much.
    """
    count = 0
    chunk: list[bytes] = []
    first = True

    def flush(part: list[bytes]) -> None:
        nonlocal first
        triples = ox.parse(b"".join(part), format=ox.RdfFormat.N_TRIPLES, lenient=True)
        data = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
        handle.write(data if first else data[_header_length(data):])  # the prefix lines once, at the top
        first = False

    rows = iter(rows)
    while True:
        more = list(itertools.islice(rows, TURTLE_LINES))
        count += len(more)
        chunk += more
        if not more:
            break
        last = chunk[-1]
        subject = last[: last.index(b" ") + 1]
        cut = len(chunk) - 1
        while cut > 0 and chunk[cut - 1].startswith(subject):
            cut -= 1
        if cut > 0:
            flush(chunk[:cut])
            del chunk[:cut]
    if chunk or first:
        flush(chunk)
    return count


def _header_length(data: bytes) -> int:
    position = 0
    while data.startswith(b"@prefix ", position):
        position = data.index(b"\n", position) + 1
    return position


def _sync(handle) -> None:
    handle.flush()
    os.fsync(handle.fileno())


def quad_lines(quads: Iterable[ox.Quad], *, batch: int = 10_000) -> Iterable[str]:
    """N-Quads lines of ``quads``, serialized ``batch`` quads at a time."""
    chunk: list[ox.Quad] = []
    for quad in quads:
        chunk.append(quad)
        if len(chunk) >= batch:
            yield from ox.serialize(chunk, format=ox.RdfFormat.N_QUADS).decode("utf-8").splitlines(keepends=True)
            chunk.clear()
    if chunk:
        yield from ox.serialize(chunk, format=ox.RdfFormat.N_QUADS).decode("utf-8").splitlines(keepends=True)


def write_views(store: ox.Store, out: Path) -> dict[str, Path]:
    """graph.graphml and graph.gexf (the ``full`` view, :func:`kg.gephi.views.view_graph`) of ``store`` under ``out``."""
    network = view_graph(store)
    outputs = {"graph.graphml": out / "graph.graphml", "graph.gexf": out / "graph.gexf"}
    for name, data in (("graph.graphml", graphml_bytes(network)), ("graph.gexf", gexf_bytes(network))):
        with open(outputs[name], "wb") as handle:
            handle.write(data)
            _sync(handle)
    return outputs
