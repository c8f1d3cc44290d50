"""The build: source files → articles → extractions → quads → outputs, streamed, parallel, incremental.

How a build runs (``build(paths, out=..., jobs=N)``):

* **Ingest** (main process): each source file is hashed (SHA-256) and read into articles; with
  worker processes, a file of about one batch or less is read and split by the worker instead.
* **Extract** (``jobs`` worker processes, or in-process for ``jobs=1``): batches of articles go to
  workers; each worker makes its spaCy pipeline once and returns, per batch, the article graphs as
  N-Quads text and a compact :class:`~kg.resolve.EntityIndex` of the entities they mention.
  Extraction is a pure function of an article (plus the shipped lexicons), so the result does not
  depend on ``jobs`` or on the order batches finish.
* **Stream** (main process): each batch's N-Quads go straight into the on-disk Oxigraph store and
  to a compressed archive ``articles.nq.gz`` (gzip members, a file's members contiguous); only the
  compact entity index stays in memory, and a few batches per worker are in flight.  The store is
  loaded in a background thread (Oxigraph releases the GIL), so results keep being received meanwhile.
  The entities graph (id:graph/entities) is made from the index at the end; graph.nq and graph.ttl
  are written by an external merge sort of the archive (:func:`kg.export.write_sorted`; the store is
  not lossless: Oxigraph keeps xsd:nonNegativeInteger as xsd:integer) — with ``jobs`` > 1 in a child
  process started as soon as the archive and the entities are on disk — and graph.graphml /
  graph.gexf from the compacted store (:func:`kg.views.view_graph`).
* **Incremental**: the generation's ``manifest.jsonl`` has one line per source file (name, content
  hash, its article graphs, its entities, where its quads are in the archive).  A file whose name
  and hash are unchanged is not read again: its quads come from the previous archive and its
  graphs are already in the store, which is copied (a RocksDB checkpoint: hard links) from the
  previous build.  Graphs of removed or changed files are retracted from the copy.  When kg's code,
  lexicons or ontology change (``pipeline_version``), everything is rebuilt.
* **Generations**: every build writes into ``out/.generations/<id>/`` and publishes it by
  atomically replacing the symlink ``out/current``; ``out/graph.ttl``, ``graph.nq``,
  ``graph.graphml``, ``graph.gexf`` and ``store`` are symlinks into ``current/``.  A build killed
  at any point leaves the previous generation published and intact; the next build removes the
  debris.  The previous generation is kept until the next build (readers that opened it finish).
* **Lock**: ``out/.lock`` (``fcntl.flock``) keeps two builds from writing into the same ``out``:
  the second fails with :class:`BuildLocked`, or waits with ``wait=True``.

Example:
    >>> from pathlib import Path
    >>> summary = build([Path("seeds")], out=Path("out"), jobs=2)   # doctest: +SKIP
    >>> summary.articles > 0                                          # doctest: +SKIP
    True
"""

from __future__ import annotations

import errno
import fcntl
import gzip
import hashlib
import json
import logging
import multiprocessing
import os
import re
import shutil
import signal
import stat
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any
from pathlib import Path

import pyoxigraph as ox

from kg import ONTOLOGY_DIR, files
from kg.export import OUTPUTS, ontology_quads, quad_lines, write_sorted, write_views
from kg.graph import ENTITIES, article_nquads, entity_quads
from kg.ingest import SUFFIXES, discover, read_articles
from kg.parts import PART_CHARS, LongArticle, Part, PartResult, Sentences, make_part, plan_parts
from kg.parts import extract_part as extract_part_of
from kg.records import Article, Problem, _one_line
from kg.resolve import EntityIndex, article_iri

MANIFEST = "manifest.jsonl"
ARCHIVE = "articles.nq.gz"
GENERATIONS = ".generations"
CURRENT = "current"
LOCK = ".lock"
STAGES = ("ingest", "nlp", "extract", "resolve", "graph", "export")
#: Articles are sent to workers in batches of about this many characters.
BATCH_CHARS = 50_000
FORMAT = 1


class BuildError(Exception):
    """A build that cannot run (one-line message)."""


class BuildLocked(BuildError):
    """Another build holds ``out/.lock``."""


@dataclass(frozen=True)
class BuildSummary:
    files: int
    articles: int
    entities: dict[str, int]
    relations: dict[str, int]
    triples: int
    problems: tuple[Problem, ...] = field(default=())
    outputs: dict[str, Path] = field(default_factory=dict)
    reused: int = 0  # files taken unchanged from the previous build
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage (worker stages summed over workers)


@dataclass(frozen=True)
class FileRecord:
    """What one source file contributed; one JSON line of a manifest."""

    file: str
    sha256: str
    articles: int = 0
    graphs: tuple[str, ...] = ()
    relations: dict[str, int] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    entities: tuple = ()  # EntityIndex.rows() of the file
    offset: int = 0  # where the file's gzip members are in the archive
    length: int = 0
    line: tuple[Path, int] | None = None  # (manifest, byte offset) of the full record, when loaded without entities

    def to_json(self) -> str:
        return json.dumps(
            {
                "file": self.file, "sha256": self.sha256, "articles": self.articles, "graphs": list(self.graphs),
                "relations": self.relations, "problems": [[p.line, p.reason] for p in self.problems],
                "offset": self.offset, "length": self.length, "entities": list(self.entities),
            },
            ensure_ascii=False, separators=(",", ":"),
        )

    def full(self) -> FileRecord:
        """This record with its entities (read again from its manifest line when they were left out)."""
        if self.line is None:
            return self
        manifest, offset = self.line
        with open(manifest, "rb") as handle:
            handle.seek(offset)
            return FileRecord.from_json(handle.readline())

    @classmethod
    def from_json(cls, line: str | bytes, *, where: tuple[Path, int] | None = None) -> FileRecord:
        """A manifest line; with ``where`` (manifest, offset of the line) the entities are left out until :meth:`full`."""
        data = json.loads(line)
        if where is not None:
            data["entities"] = ()
        return cls(
            file=data["file"], sha256=data["sha256"], articles=data["articles"], graphs=tuple(data["graphs"]),
            relations=data["relations"],
            problems=tuple(Problem(source_file=data["file"], reason=r, line=n) for n, r in data["problems"]),
            entities=tuple(data["entities"]), offset=data["offset"], length=data["length"], line=where,
        )


@dataclass(frozen=True)
class BatchResult:
    """Extraction of a batch of articles (from a worker)."""

    nquads: bytes
    graphs: tuple[str, ...]
    entities: list
    relations: dict[str, int]
    problems: tuple[Problem, ...]
    timings: dict[str, float]


# --------------------------------------------------------------------------- the build


def build(
    paths: Iterable[Path],
    *,
    out: Path,
    jobs: int = 1,
    wait: bool = False,
    incremental: bool = True,
    allow_empty: bool = False,
    on_problem: Callable[[Problem], None] | None = None,
    on_file: Callable[[str, int, int], None] | None = None,
    on_warning: Callable[[str], None] | None = None,
    model: str | None = None,
    scheduler: str | None = None,
) -> BuildSummary:
    """Build the graph of every readable source under ``paths`` into ``out``.

    ``scheduler`` runs extraction as tasks on a Dask cluster instead of ``jobs`` local processes: the
    address of its scheduler (``tcp://host:8786``) or ``local:N`` for a LocalCluster of N worker
    processes (:class:`DaskPool`); the outputs are byte-identical to a local build.

    ``model`` is a folder of decision models written by ``kg train`` (default: the shipped one; see
    :func:`kg.nlp.make_nlp`); a build with another model than the last one rebuilds everything.

    ``jobs`` worker processes extract; files unchanged since the last build into ``out`` are
    reused unless ``incremental`` is false (or the previous build is damaged: ``on_warning`` says
    so and everything is built again).  Bad inputs are reported through ``on_problem`` (one per
    file or JSONL line, naming the file as given) and skipped; ``on_file(name, done, total)``
    reports progress.  When no article could be read and some input failed, nothing is published.
    Raises :class:`BuildError` when ``out`` is not a folder kg owns (see :func:`check_out`) or when
    ``paths`` hold no source file at all (unless ``allow_empty``: then an empty graph is published),
    :class:`BuildLocked` when another build is writing into ``out`` (unless ``wait``),
    :class:`OSError` for disk errors (the previous outputs stay as they were).
    """
    started = time.perf_counter()
    paths = list(paths)
    sources, problems = discover(paths)
    report = Reporter(sources, on_problem)
    for problem in problems:
        report(problem)
    if not sources and problems:  # nothing could be read: nothing is published, out is not touched
        return BuildSummary(files=0, articles=0, entities={}, relations={}, triples=0,
                            problems=tuple(map(report.named, problems)))
    if not sources and not allow_empty:
        raise BuildError(nothing_to_build(paths))
    check_out(out)
    with locked(out, wait=wait):
        claim(out)
        generation = Generation.start(out, version=pipeline_version(model))
        try:
            previous = generation.previous_records(on_warning=on_warning) if incremental else {}
            summary = _run(sources, generation=generation, previous=previous, jobs=jobs,
                           problems=problems, on_problem=report, on_file=on_file, model=model, scheduler=scheduler)
        except BaseException:
            generation.discard()
            raise
    timings = dict(summary.timings) | {"total": time.perf_counter() - started}
    return BuildSummary(**{**summary.__dict__, "timings": timings, "problems": tuple(map(report.named, summary.problems))})


class Reporter:
    """``on_problem`` for problems that name a source by its name: they name the file as the user gave it.

    >>> Reporter([(Path("in/sub/a.txt"), "sub/a.txt")], None).named(Problem(source_file="sub/a.txt", reason="empty file")).path
    'in/sub/a.txt'
    """

    def __init__(self, sources: list[tuple[Path, str]], on_problem: Callable[[Problem], None] | None) -> None:
        self.paths = {name: str(path) for path, name in sources}
        self.on_problem = on_problem

    def named(self, problem: Problem) -> Problem:
        path = self.paths.get(problem.source_file)
        return problem if path is None or problem.path else replace(problem, path=path)

    def __call__(self, problem: Problem) -> None:
        if self.on_problem:
            self.on_problem(self.named(problem))


def nothing_to_build(paths: list[Path], *,
                      outcome: str = "nothing was built and the published graph (if any) is unchanged",
                      option: str = "--allow-empty publishes an empty graph") -> str:
    """The one-line error for sources that hold no source file at all (an empty or unmounted folder).

    >>> nothing_to_build([Path("empty")])
    'empty: no .txt, .html, .htm, .jsonl files; nothing was built and the published graph (if any) is unchanged (--allow-empty publishes an empty graph)'
    """
    given = ", ".join(str(p) for p in paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
    found = f"no {', '.join(SUFFIXES)} files"
    return f"{Problem(source_file=given or '(no sources)', reason=found)}; {outcome} ({option})"


def _run(sources, *, generation: Generation, previous: dict, jobs: int, problems: list[Problem], on_problem, on_file,
         model: str | None = None, scheduler: str | None = None):
    timings: Counter = Counter()
    plan: list[tuple[Path, str, str | None, FileRecord | None]] = []
    t = time.perf_counter()
    for path, name in sources:
        sha = sha256_or_none(path)
        matches = previous.get((name, sha))
        plan.append((path, name, sha, matches.pop() if matches else None))
    stale = {g for records in previous.values() for record in records for g in record.graphs}
    # A kept file sharing a graph with a stale one (same file name in two folders) is redone.
    plan = [(p, n, s, r if r is None or not stale.intersection(r.graphs) else None) for p, n, s, r in plan]
    timings["ingest"] += time.perf_counter() - t
    events = events_of(plan, jobs=jobs, timings=timings, segment=generation.previous_archive, model=model,
                       scheduler=scheduler)
    return assemble(events, generation=generation, retract=stale, files=len(sources), problems=problems, own=True,
                    timings=timings, on_problem=on_problem, on_file=on_file, total=len(plan), jobs=jobs)


# --------------------------------------------------------------------------- the stream of files
#
# Files go into a generation (or a shard) as a stream of events, in source order: Reused, or Begin,
# Batch …, End.  Memory is bounded by a few batches per worker, whatever the size of a file or of the corpus.


@dataclass(frozen=True)
class Reused:
    """A file done before: its gzip member is copied from the archive ``segment``; its graphs are in the
    store already (``in_store``) or are loaded from the member (kg load)."""

    record: FileRecord
    segment: Path | None
    in_store: bool


@dataclass(frozen=True)
class Begin:
    """A file read now; its Batch events follow, then End."""

    name: str
    sha256: str
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class Batch:
    """The quads and records of a batch of the current file's articles, streamed to the archive and the
    store at once."""

    result: BatchResult


@dataclass(frozen=True)
class End:
    """The current file is done: its record is written."""


Event = Reused | Begin | Batch | End


@dataclass(frozen=True)
class _FileTask:  # a small file read and extracted by a worker
    future: Any
    name: str
    sha256: str | None


@dataclass(frozen=True)
class _BatchTask:  # a batch of articles in a worker
    future: Any


@dataclass(frozen=True)
class _PartTask:  # a part of a long article in a worker, added to its assembly
    future: Any
    assembly: LongArticle


@dataclass(frozen=True)
class _Finish:  # what needs a long article's parts all, written here
    assembly: LongArticle


def events_of(plan, *, jobs: int, timings: Counter, segment: Path | None = None,
              model: str | None = None, scheduler: str | None = None) -> Iterator[Event]:
    """The events of ``plan`` ((path, name, sha, reused record or None) per file), extracting in ``jobs``
    processes (or on the Dask cluster of ``scheduler``) with the decision models of ``model`` (see
    :func:`kg.nlp.make_nlp`)."""
    if scheduler is not None:
        pool = DaskPool(scheduler)
        workers = pool.workers
    else:
        # Small jobs are not worth worker processes: estimate the number of batches (~3 bytes a character).
        batches = sum(max(1, _size(path) // (3 * BATCH_CHARS)) for path, _name, _sha, reuse in plan if reuse is None)
        workers = min(jobs, batches)
        pool = _pool(workers, model) if workers > 1 else None

    def produce() -> Iterator[Event | _FileTask | _BatchTask | _PartTask | _Finish]:
        for path, name, sha, reuse in plan:
            if reuse is not None:
                yield Reused(reuse, segment, True)
                continue
            if isinstance(pool, ProcessPoolExecutor) and _size(path) <= 3 * BATCH_CHARS:
                # A small file is read by the worker too: reading and splitting pages is no serial work here.
                yield _FileTask(pool.submit(extract_file, path, name, model), name, sha)
                continue
            t = time.perf_counter()
            articles, problems, sha_read = _read(path, name)
            timings["ingest"] += time.perf_counter() - t
            yield Begin(name, sha_read or sha or "", tuple(problems))
            for batch in _batches(articles):
                if isinstance(batch, list):
                    yield _BatchTask(pool.submit(extract_batch, batch, model) if pool else _Lazy(extract_batch, batch, model))
                    continue
                # A long article: its parts go to the workers one by one, what needs them all is written here.
                article, groups = batch
                assembly, sentences = LongArticle(article), Sentences(article.text)
                for head, pieces in groups:
                    part = make_part(article, head, pieces, sentences=sentences)
                    yield _PartTask(pool.submit(extract_part, part, model) if pool else _Lazy(extract_part, part, model),
                                    assembly)
                yield _Finish(assembly)
            del articles
            yield End()

    # batches queued beyond the one being consumed: enough that a slow step here leaves no worker idle
    ahead = 6 * workers if pool else 0
    queue: deque = deque()
    queued = 0
    source = produce()
    try:
        while True:
            for event in source:
                queue.append(event)
                queued += isinstance(event, (_BatchTask, _FileTask, _PartTask))
                if queued > ahead or len(queue) > 64:
                    break
            if not queue:
                return
            event = queue.popleft()
            if isinstance(event, _Finish):
                t = time.perf_counter()
                yield Batch(_batch_of(event.assembly.finish(), graphs=(article_iri(event.assembly.article),)))
                timings["graph"] += time.perf_counter() - t
                continue
            if isinstance(event, (_BatchTask, _FileTask, _PartTask)):
                queued -= 1
                try:
                    result = event.future.result()
                except BrokenProcessPool as error:
                    raise BuildError(f"a worker process died (out of memory?): {error}") from None
                except DaskPool.failures() as error:
                    raise BuildError(f"Dask: {_one_line(str(error) or type(error).__name__)}") from None
                if isinstance(event, _PartTask):
                    part_result, part_timings = result
                    event.assembly.add(part_result)
                    yield Batch(_batch_of(part_result, timings=part_timings))
                    continue
                if isinstance(event, _FileTask):
                    problems, sha_read, results = result
                    yield Begin(event.name, sha_read or event.sha256 or "", tuple(problems))
                    for batch in results:
                        yield Batch(batch)
                    yield End()
                    continue
                event = Batch(result)
            yield event
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


class _Lazy:
    """A batch extracted in this process when its result is wanted (``jobs=1``)."""

    def __init__(self, function, *arguments) -> None:
        self.function, self.arguments = function, arguments

    def result(self):
        return self.function(*self.arguments)


class Loader:
    """Loads N-Quads into a store in bulk, ``chunk`` bytes at a time, in a background thread.

    One bulk load of a whole corpus, or many small transactional loads, make RocksDB hold most of
    the data in memory (write buffers); chunks of a few MB keep the memory bounded and are fast.
    Oxigraph releases the GIL while it loads, so the build goes on handing out work and receiving
    results meanwhile; at most one chunk waits while another loads (memory stays bounded).
    ``lenient``: N-Quads serialized by kg itself are not validated again (about 10% faster).
    """

    def __init__(self, store: ox.Store, *, chunk: int = 16_000_000, lenient: bool = False) -> None:
        self.store, self.chunk, self.lenient = store, chunk, lenient
        self.parts: list[bytes] = []
        self.size = 0
        self.thread: threading.Thread | None = None
        self.error: BaseException | None = None

    def add(self, nquads: bytes) -> None:
        self.parts.append(nquads)
        self.size += len(nquads)
        if self.size >= self.chunk:
            self._start()

    def close(self) -> None:
        """Load what is pending and wait until it is in the store."""
        self._start()
        self._wait()

    def settle(self) -> None:
        """Wait for the load under way, if any (what is pending stays pending)."""
        self._wait()

    def abandon(self) -> None:
        """The build failed: wait for the load under way (its error, if any, is not the story), drop the rest."""
        if self.thread is not None:
            self.thread.join()
        self.thread, self.error, self.parts, self.size = None, None, [], 0

    def _start(self) -> None:
        self._wait()
        if self.parts:
            data = b"".join(self.parts)
            self.parts, self.size = [], 0
            self.thread = threading.Thread(target=self._load, args=(data,), name="kg-loader", daemon=True)
            self.thread.start()

    def _load(self, data: bytes) -> None:
        try:
            self.store.bulk_load(data, format=ox.RdfFormat.N_QUADS, lenient=self.lenient)
        except BaseException as error:  # noqa: BLE001 - raised again in the build's thread
            self.error = error

    def _wait(self) -> None:
        if self.thread is not None:
            self.thread.join()
            self.thread = None
        if self.error is not None:
            error, self.error = self.error, None
            raise error


class Sink:
    """Consumes events: archive and manifest (``writer``), the store (optional), the entity index.
    Public for kg.shard, which feeds it the events of shard archives."""

    def __init__(self, writer: Writer, *, store: ox.Store | None, timings: Counter, on_problem, on_file, total: int,
                 lenient: bool = False) -> None:
        self.writer, self.store, self.timings = writer, store, timings
        self.on_problem, self.on_file, self.total = on_problem, on_file, total
        self.loader = Loader(store, lenient=lenient) if store is not None else None
        self.index = EntityIndex()
        self.relations: Counter = Counter()
        self.articles = self.reused = self.done = 0
        self.problems: list[Problem] = []
        self.current: dict | None = None

    def take(self, event: Event) -> None:
        t = time.perf_counter()
        if isinstance(event, Reused):
            record = event.record.full()
            offset, member = self.writer.copy(event.segment, record.offset, record.length, name=record.file)
            if self.store is not None and not event.in_store:
                self.loader.add(gzip.decompress(member))
            self.reused += 1
            self.timings["graph"] += time.perf_counter() - t
            self._finish(FileRecord(**{**record.__dict__, "offset": offset, "length": len(member)}))
        elif isinstance(event, Begin):
            self.current = {"file": event.name, "sha256": event.sha256, "offset": self.writer.tell(), "graphs": [],
                            "relations": Counter(), "problems": list(event.problems), "entities": EntityIndex()}
        elif isinstance(event, Batch):
            result = event.result
            self.writer.member(result.nquads)
            if self.store is not None:
                self.loader.add(result.nquads)
            self.timings["graph"] += time.perf_counter() - t
            self.timings.update(result.timings)
            t = time.perf_counter()
            self.current["entities"].merge_rows(result.entities)
            self.timings["resolve"] += time.perf_counter() - t
            self.current["graphs"].extend(result.graphs)
            self.current["relations"].update(result.relations)
            self.current["problems"].extend(result.problems)
        else:  # End
            c, self.current = self.current, None
            self._finish(FileRecord(
                file=c["file"], sha256=c["sha256"], articles=len(c["graphs"]), graphs=tuple(c["graphs"]),
                relations=dict(sorted(c["relations"].items())), problems=tuple(c["problems"]),
                entities=tuple(c["entities"].rows()), offset=c["offset"], length=self.writer.tell() - c["offset"],
            ))

    def _finish(self, record: FileRecord) -> None:
        self.writer.record(record)
        t = time.perf_counter()
        self.index.merge_rows(record.entities)
        self.timings["resolve"] += time.perf_counter() - t
        self.relations.update(record.relations)
        self.articles += record.articles
        for problem in record.problems:
            self.problems.append(problem)
            if self.on_problem:
                self.on_problem(problem)
        self.done += 1
        if self.on_file:
            self.on_file(record.file, self.done, self.total)


def assemble(
    events: Iterable[tuple],
    *,
    generation: Generation,
    retract: set[str],
    files: int,
    problems: list[Problem],
    timings: Counter,
    total: int,
    jobs: int = 1,
    on_problem=None,
    on_file=None,
    own: bool = False,
) -> BuildSummary:
    """Stream ``events`` into the generation's store, archive and manifest; add the entities and
    ontology graphs; write the outputs and publish (unless no article was read and inputs failed).
    ``own``: the events' N-Quads were serialized by this build (or a previous one), not read from shards.

    The new store is the previous generation's minus the ``retract`` graphs when the generation
    reuses files, else empty.
    """
    store = generation.open_store(retract=retract)
    with generation.writer() as writer:
        sink = Sink(writer, store=store, timings=timings, on_problem=on_problem, on_file=on_file, total=total,
                     lenient=own)
        try:
            for event in events:
                sink.take(event)
        except BaseException:
            if sink.loader is not None:
                sink.loader.abandon()  # before the generation's store is removed
            raise
        all_problems = list(problems) + sink.problems
        if not sink.articles and all_problems:
            sink.loader.close()
            del store, sink
            generation.discard()
            return BuildSummary(files=files, articles=0, entities={}, relations={}, triples=0,
                                problems=tuple(all_problems), timings=dict(timings))
        t = time.perf_counter()
        ontology = ontology_quads()
        entities_path = writer.spool(quad_lines(entity_quads(sink.index)))
        writer.flush()
        sink.loader.settle()  # no load running while a child is forked
        # The sorted dumps need only the archive and the entities: with jobs > 1 they are written by a
        # child from now on, while this process loads the rest into the store and writes the views.
        sort = generation.start_sort(extra=[entities_path], ontology=ontology, jobs=jobs)
        try:
            sink.loader.close()
            store.remove_graph(ENTITIES)
            if ontology:
                store.remove_graph(ontology[0].graph_name)
            loader = Loader(store, lenient=True)  # serialized just now
            with open(entities_path, "rb") as handle:
                for line in handle:
                    loader.add(line)
            loader.close()
            store.extend(ontology)  # as objects: parsing would give its blank nodes new ids in every build
            store.flush()
        except BaseException:
            sort.stop()
            raise
        timings["graph"] += time.perf_counter() - t
    t = time.perf_counter()
    try:
        triples = generation.export(store, sort=sort)
    except BaseException:
        sort.stop()
        raise
    del store  # the last reference: closes the database before its files are synced and published
    outputs = generation.publish()
    timings["export"] += time.perf_counter() - t
    kinds = Counter(entity.kind for entity in sink.index)
    return BuildSummary(
        files=files,
        articles=sink.articles,
        entities=dict(sorted(kinds.items())),
        relations=dict(sorted(sink.relations.items())),
        triples=triples,
        problems=tuple(all_problems),
        outputs=outputs,
        reused=sink.reused,
        timings=dict(timings),
    )


def read_manifest(path: Path) -> Iterator[FileRecord]:
    """The records of a manifest, entities left out until :meth:`FileRecord.full` (bounded memory)."""
    with open(path, "rb") as handle:
        handle.readline()  # the header
        while line := handle.readline():
            yield FileRecord.from_json(line, where=(path, handle.tell() - len(line)))


def _same_version(manifest: Path, version: str) -> bool:
    try:
        with open(manifest, "rb") as handle:
            return json.loads(handle.readline() or b"{}").get("version") == version
    except (OSError, ValueError, AttributeError):
        return False


def sha256_or_none(path: Path) -> str | None:
    """The SHA-256 of a regular file, or None when it cannot be read (reading it again reports why).

    >>> sha256_or_none(Path("/no/such/file")) is None
    True
    """
    try:
        return files.sha256_regular(path)
    except OSError:
        return None  # _read reports it


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _read(path: Path, name: str) -> tuple[list[Article], list[Problem], str | None]:
    try:
        data = files.read_regular(path)  # a source swapped for a FIFO or /dev/zero meanwhile: a problem, not a hang
    except OSError as error:
        return [], [Problem(source_file=name, reason=f"cannot read: {files.reason(error)}")], None
    articles, problems = read_articles(data, source_file=name, suffix=Path(path).suffix)
    return articles, list(problems), hashlib.sha256(data).hexdigest()


def _batches(articles: list[Article]) -> Iterator[list[Article] | tuple[Article, list]]:
    """Batches of about :data:`BATCH_CHARS` characters of articles; a long article alone, with its parts'
    plan (:func:`kg.parts.plan_parts`), as ``(article, plan)``."""
    batch: list[Article] = []
    size = 0
    for article in articles:
        if len(article.text) > PART_CHARS and (groups := plan_parts(article.text, part_chars=PART_CHARS)):
            yield (article, groups)
            continue
        batch.append(article)
        size += len(article.text)
        if size >= BATCH_CHARS:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def extract_file(path: Path, name: str, model: str | None = None
                 ) -> tuple[tuple[Problem, ...], str | None, list[BatchResult]]:
    """Read one source file and extract its articles: (reading problems, content hash, batch results).

    Runs in worker processes, for files small enough to be one batch or about.
    """
    t = time.perf_counter()
    articles, problems, sha = _read(path, name)
    spent = time.perf_counter() - t
    results = [extract_batch(batch, model) for batch in _batches(articles)]
    if results:
        first = results[0]
        timings = dict(first.timings)
        timings["ingest"] = timings.get("ingest", 0.0) + spent
        results[0] = BatchResult(**{**first.__dict__, "timings": timings})
    return tuple(problems), sha, results


def _batch_of(result: PartResult, *, graphs: tuple[str, ...] = (), timings: dict[str, float] | None = None) -> BatchResult:
    """A part of a long article (or what finishes it: ``graphs`` is then its graph) as a batch."""
    return BatchResult(nquads=result.nquads, graphs=graphs, entities=result.entities, relations=result.relations,
                       problems=result.problems, timings=timings or {})


def extract_part(part: Part, model: str | None = None) -> tuple[PartResult, dict[str, float]]:
    """Extract a part of a long article (:func:`kg.parts.extract_part`): its result and seconds per stage.

    Runs in worker processes.
    """
    from kg.nlp import make_nlp

    nlp = make_nlp(model)
    tokenizer = _timed_tokenizer(nlp)
    before = tokenizer.seconds
    result = extract_part_of(part, nlp=nlp)
    segmenting = tokenizer.seconds - before
    return result, {"nlp": segmenting, "extract": max(0.0, result.seconds - segmenting)}


def extract_batch(articles: list[Article], model: str | None = None) -> BatchResult:
    """Extract a batch of articles: their graphs as N-Quads, their entities, relation counts, problems.

    A pure function of the articles (and the shipped lexicons, and the models of ``model``); runs in
    worker processes.
    """
    from kg.extract import extract
    from kg.nlp import make_nlp

    nlp = make_nlp(model)
    tokenizer = _timed_tokenizer(nlp)
    timings: Counter = Counter()
    index = EntityIndex()
    chunks: list[bytes] = []
    graphs: list[str] = []
    relations: Counter = Counter()
    problems: list[Problem] = []
    for article in articles:
        if len(article.text) > PART_CHARS and (groups := plan_parts(article.text, part_chars=PART_CHARS)):
            # A long article in a file small enough to be read here (a line of ASCII): in parts, here.
            assembly, sentences = LongArticle(article), Sentences(article.text)
            for group in [*groups, None]:
                if group is None:
                    result, part_timings = assembly.finish(), {}
                else:
                    result, part_timings = extract_part(make_part(article, *group, sentences=sentences), model)
                    assembly.add(result)
                chunks.append(result.nquads)
                index.merge_rows(result.entities)
                relations.update(result.relations)
                problems.extend(result.problems)
                timings.update(part_timings)
            graphs.append(article_iri(article))
            continue
        t = time.perf_counter()
        before = tokenizer.seconds
        try:
            extraction = extract(article, nlp=nlp)
            spent = time.perf_counter() - t
            t = time.perf_counter()
            entities = EntityIndex()
            entities.add_all([extraction])
            resolved = time.perf_counter() - t
            t = time.perf_counter()
            nquads = article_nquads(extraction)
        except Exception as error:  # a bug on one article must not stop the build
            message = str(error).splitlines()[0] if str(error) else ""
            problems.append(Problem(source_file=article.source_file, line=article.line,
                                    reason=f"article {article.position}: extraction failed: {type(error).__name__}: {message}"))
            continue
        chunks.append(nquads)
        graphs.append(article_iri(article))
        relations.update(relation.predicate for relation in extraction.relations)
        timings["graph"] += time.perf_counter() - t
        timings["nlp"] += tokenizer.seconds - before
        timings["extract"] += spent - (tokenizer.seconds - before)
        t = time.perf_counter()
        index.merge(entities)
        timings["resolve"] += resolved + time.perf_counter() - t
    return BatchResult(nquads=b"".join(chunks), graphs=tuple(graphs), entities=index.rows(),
                       relations=dict(relations), problems=tuple(problems), timings=dict(timings))


class _TimedTokenizer:
    """Wraps the pipeline's tokenizer (jieba) to time the segmentation stage separately."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.seconds = 0.0

    def __call__(self, text):
        t = time.perf_counter()
        try:
            return self.inner(text)
        finally:
            self.seconds += time.perf_counter() - t

    def __getattr__(self, name):
        return getattr(self.inner, name)


def _timed_tokenizer(nlp) -> _TimedTokenizer:
    if not isinstance(nlp.tokenizer, _TimedTokenizer):
        nlp.tokenizer = _TimedTokenizer(nlp.tokenizer)
    return nlp.tokenizer


class DaskPool:
    """Extraction tasks on a Dask cluster (``pip install 'union-kg[dask]'``), with the ``submit`` and
    ``shutdown`` of a process pool.  ``scheduler`` is a scheduler's address (``tcp://host:8786``) or
    ``local:N``, a LocalCluster of N single-threaded worker processes made here and closed with the pool.

    The workers get articles, never paths (they need not see the sources), and load the pipeline once
    each; a worker that dies has its tasks rerun elsewhere (Dask's scheduler does it); results are
    taken in submission order, so outputs do not depend on the cluster.  A ``--model`` folder must be
    readable at the same path on the workers.

    >>> DaskPool("nowhere")
    Traceback (most recent call last):
    kg.build.BuildError: --scheduler 'nowhere': give tcp://HOST:PORT (a Dask scheduler) or local:N
    """

    def __init__(self, scheduler: str) -> None:
        local = re.fullmatch(r"local:(\d{1,3})", scheduler)
        if not local and not re.fullmatch(r"(tcp|tls|inproc|ws|wss)://\S+", scheduler):
            raise BuildError(f"--scheduler {scheduler!r}: give tcp://HOST:PORT (a Dask scheduler) or local:N")
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise BuildError("Dask is not installed: pip install 'union-kg[dask]'") from None
        self.cluster = None
        try:
            if local:
                self.cluster = LocalCluster(n_workers=max(1, int(local[1])), threads_per_worker=1, processes=True,
                                            dashboard_address=None, silence_logs=logging.ERROR)
                self.client = Client(self.cluster)
            else:
                self.client = Client(scheduler, timeout=10)
        except (OSError, TimeoutError) as error:
            if self.cluster is not None:
                self.cluster.close()
            raise BuildError(f"--scheduler {scheduler}: cannot reach it ({_one_line(str(error))})") from None
        self.workers = max(1, sum(w.get("nthreads", 1) for w in self.client.scheduler_info()["workers"].values()))

    def submit(self, function, *args):
        return self.client.submit(function, *args, pure=False)

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    @staticmethod
    def failures() -> tuple[type[BaseException], ...]:
        """What a Dask future raises when the cluster gave up on a task (too many workers died on it)."""
        try:
            from distributed.scheduler import KilledWorker
        except ImportError:
            return ()
        return (KilledWorker,)


def _pool(workers: int, model: str | None = None) -> ProcessPoolExecutor:
    methods = multiprocessing.get_all_start_methods()
    # fork shares the parent's loaded modules (fast start); workers never touch the parent's store.
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    if "fork" in methods:
        _warm_up(model)  # the pipeline, jieba's dictionary and the lexicons, made once and shared by the workers
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_init_worker,
                               initargs=(os.getpid(), model))


def _warm_up(model: str | None = None) -> None:
    from kg.extract import extract
    from kg.nlp import make_nlp

    extract(Article(id="warm-up#0", source_file="warm-up", position=0, text="某市总工会为一线职工开展“送清凉”活动。"),
            nlp=make_nlp(model))


def _die_with(parent: int) -> None:
    """In a child process: die with the parent (a killed build leaves no orphans) and drop its lock."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops its children
    files.die_with_parent(signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)
    for fd in list(_LOCK_FDS):
        try:
            os.close(fd)
        except OSError:
            pass


def _init_worker(parent: int, model: str | None = None) -> None:
    _die_with(parent)
    from kg.nlp import make_nlp

    make_nlp(model)


# --------------------------------------------------------------------------- generations and the lock


_LOCK_FDS: set[int] = set()  # closed in forked workers, so that only the build itself holds the lock


@contextmanager
def locked(out: Path, *, wait: bool = False) -> Iterator[None]:
    """Hold ``out/.lock`` for the duration (one writer per output folder).

    Raises :class:`BuildLocked` naming the holder when another process has it (unless ``wait``).
    """
    out.mkdir(parents=True, exist_ok=True)
    fd = os.open(out / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    _LOCK_FDS.add(fd)
    try:
        try:
            # flock: held by this open file, released when it is closed or the process dies (even by SIGKILL)
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except OSError as error:
            if error.errno not in (errno.EACCES, errno.EAGAIN):
                raise
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            raise BuildLocked(f"{out}: another build (pid {holder}) is writing here; wait for it to finish, or use --wait") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        _LOCK_FDS.discard(fd)
        os.close(fd)


#: The file that makes a folder kg's own: ``kg build``/``kg load`` write into no other non-empty folder.
MARKER = ".union-kg"
_MARKER_TEXT = ("This folder is written by union-kg (kg build, kg load): its outputs are links into current/,\n"
                "its builds live in .generations/.  kg writes into no non-empty folder without this file.\n")
_TEMPORARY_LINK = re.compile(r"\.(?:current|graph\.\w+|store)\.tmp-\d+")


def check_out(out: Path) -> None:
    """Raise :class:`BuildError` (one line) unless kg may write into ``out``: a folder that does not exist
    yet, an empty one, or one kg owns (:data:`MARKER`, or the generations of an earlier kg) whose
    outputs are kg's links.  Nothing of the user's is ever moved, replaced or deleted.

    >>> check_out(Path("/"))
    Traceback (most recent call last):
    ...
    kg.build.BuildError: /: not empty and not a kg output folder (no .union-kg in it); build into a new or empty folder, or one kg build wrote
    """
    try:
        info = os.stat(out)
    except FileNotFoundError:
        return
    except OSError as error:
        raise BuildError(f"{out}: {files.reason(error)}") from None
    if not stat.S_ISDIR(info.st_mode):
        raise BuildError(f"{out}: not a folder ({files.file_kind(info.st_mode)}); kg build writes into a folder of its own")
    try:
        entries = set(os.listdir(out))
    except OSError as error:
        raise BuildError(f"{out}: {files.reason(error)}") from None
    if entries <= {LOCK, ".gitkeep"}:  # empty (a lock left by a build that published nothing, git's placeholder)
        return
    if MARKER not in entries and not _earlier_kg_folder(out, entries):
        raise BuildError(f"{out}: not empty and not a kg output folder (no {MARKER} in it); build into a new or empty "
                         "folder, or one kg build wrote")
    for name in (CURRENT, *OUTPUTS):
        path = out / name
        if name in entries and not path.is_symlink():
            raise BuildError(f"{path}: not written by kg (its outputs are links into {CURRENT}/); move it away, kg does not "
                             "replace it")


def _earlier_kg_folder(out: Path, entries: set[str]) -> bool:
    """Whether ``out`` is the output folder of a kg from before :data:`MARKER`: generations, links, a lock."""
    if GENERATIONS not in entries or not (out / GENERATIONS).is_dir() or (out / GENERATIONS).is_symlink():
        return False
    for name in entries - {GENERATIONS}:
        if name == LOCK:
            continue
        if not ((name in OUTPUTS or name == CURRENT or _TEMPORARY_LINK.fullmatch(name)) and (out / name).is_symlink()):
            return False
    return True


def claim(out: Path) -> None:
    """Mark ``out`` as kg's (the caller checked it with :func:`check_out` and holds its lock)."""
    marker = out / MARKER
    if not marker.exists():
        tmp = out / f"{MARKER}.tmp-{os.getpid()}"
        tmp.write_text(_MARKER_TEXT, encoding="utf-8")
        os.replace(tmp, marker)


def current_generation(out: Path) -> Path | None:
    """The published generation folder of ``out``, if any."""
    link = out / CURRENT
    if not link.is_symlink():
        return None
    target = (out / os.readlink(link)).resolve()
    return target if target.is_dir() else None


@lru_cache(maxsize=8)
def pipeline_version(model: str | None = None) -> str:
    """Hash of everything extraction depends on: kg's code, lexicons and shipped models, the ontology,
    jieba and spaCy versions, and the files of another ``model`` folder when one is given."""
    from importlib.metadata import version

    digest = hashlib.sha256(f"{FORMAT}|{version('jieba')}|{version('spacy')}".encode())
    package = Path(__file__).parent
    files = sorted(p for p in package.rglob("*") if p.is_file() and p.suffix in (".py", ".tsv", ".txt", ".json"))
    files.append(ONTOLOGY_DIR / "union-kg.ttl")
    for path in files:
        if path.exists():
            digest.update(str(path.relative_to(path.parents[1])).encode())
            digest.update(path.read_bytes())
    if model:
        folder = Path(model)
        digest.update(b"model:" + str(model).encode() if not folder.is_dir() else b"model")
        for path in sorted(folder.glob("*")) if folder.is_dir() else ():
            if path.is_file():
                digest.update(path.name.encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class Generation:
    """One build's output folder under ``out/.generations``; invisible until :meth:`publish`."""

    def __init__(self, out: Path, path: Path, previous: Path | None, version: str | None = None) -> None:
        self.out, self.path, self.previous = out, path, previous
        self.version = version or pipeline_version()
        self.previous_archive: Path | None = None

    @classmethod
    def start(cls, out: Path, *, version: str | None = None) -> Generation:
        """A new, empty generation; debris of killed builds is removed first (the caller holds the lock)."""
        previous = current_generation(out)
        root = out / GENERATIONS
        root.mkdir(exist_ok=True)
        for child in root.iterdir():
            if previous is None or child.resolve() != previous:
                shutil.rmtree(child, ignore_errors=True) if child.is_dir() else child.unlink(missing_ok=True)
        path = root / f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{os.urandom(3).hex()}"
        path.mkdir()
        return cls(out, path, previous, version)

    def previous_records(self, *, on_warning: Callable[[str], None] | None = None) -> dict[tuple[str, str], list[FileRecord]]:
        """Records of the published generation by (file, sha256), when built by this same pipeline.

        The previous store is copied (a checkpoint) now; when it, its manifest or its archive is damaged
        (files missing, truncated), ``on_warning`` gets one line and nothing is reused.
        """
        if self.previous is None or not (self.previous / MANIFEST).is_file() or not (self.previous / "store").is_dir():
            return {}
        manifest = self.previous / MANIFEST
        if not _same_version(manifest, self.version):
            return {}

        def damaged(what: str) -> dict:
            shutil.rmtree(self.path / "store", ignore_errors=True)
            if on_warning:
                on_warning(f"{self.out}: the previous build is damaged ({_flat(what)}); building everything again")
            return {}

        records: dict[tuple[str, str], list[FileRecord]] = {}
        end = 0
        try:
            for record in read_manifest(manifest):
                records.setdefault((record.file, record.sha256), []).append(record)
                end = max(end, record.offset + record.length)
        except (OSError, ValueError, KeyError, TypeError) as error:
            return damaged(f"{manifest.name}: {error}")
        archive = self.previous / ARCHIVE
        try:
            if os.stat(archive).st_size < end:
                return damaged(f"{ARCHIVE} is truncated")
        except OSError as error:
            return damaged(f"{ARCHIVE}: {files.reason(error)}")
        try:
            old = ox.Store.read_only(str(self.previous / "store"))
            old.backup(str(self.path / "store"))
            del old
        except (RuntimeError, OSError) as error:
            if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
                raise
            return damaged(f"store: {error}")
        self.previous_archive = archive
        return records

    def open_store(self, *, retract: set[str]) -> ox.Store:
        """The new generation's store: the checkpoint of the previous one minus ``retract`` graphs, or empty."""
        path = self.path / "store"
        if self.previous_archive is not None:
            try:
                store = ox.Store(str(path))
                for k, graph in enumerate(sorted(retract), start=1):
                    store.remove_graph(ox.NamedNode(graph))
                    if k % 500 == 0:
                        store.flush()  # bounds the memory of RocksDB's write buffers
                store.flush()
            except RuntimeError as error:  # RocksDB: corruption found on reading
                raise BuildError(f"{self.previous / 'store'}: damaged ({_flat(str(error))}); "
                                 "build everything again with --full") from None
            return store
        return ox.Store(str(path))

    @contextmanager
    def writer(self) -> Iterator[Writer]:
        header = {"format": FORMAT, "version": self.version}
        writer = Writer(self.path / MANIFEST, self.path / ARCHIVE, header=header)
        try:
            yield writer
        finally:
            writer.close()

    def start_sort(self, *, extra: list[Path], ontology: list[ox.Quad], jobs: int = 1) -> _Sort:
        """The sorted dumps (graph.nq, graph.ttl) of the archive and ``extra`` N-Quads files; with ``jobs`` > 1
        started now in a child process, else written by :meth:`export`."""
        ontology_nq = ox.serialize(ontology, format=ox.RdfFormat.N_QUADS).decode("utf-8")
        sort = _Sort(sources=[self.path / ARCHIVE, *extra], ontology=ontology_nq, folder=self.path, extra=extra)
        if jobs > 1 and "fork" in multiprocessing.get_all_start_methods():
            sort.child = _Child(_sorted_outputs, sort.sources, sort.ontology, sort.folder)
        return sort

    def export(self, store: ox.Store, *, sort: _Sort) -> int:
        """graph.nq, graph.ttl (``sort``), graph.graphml, graph.gexf; returns the number of triples."""
        triples = None if sort.child else _sorted_outputs(sort.sources, sort.ontology, sort.folder)
        store.flush()
        store.optimize()  # before the views: their queries over a compacted store take about half the time
        write_views(store, self.path)
        if sort.child:
            triples = sort.child.result()
        for path in sort.extra:
            path.unlink(missing_ok=True)
        return triples

    def publish(self) -> dict[str, Path]:
        """Make this generation current in one atomic step; returns the top-level output paths."""
        _fsync_tree(self.path)
        relative = os.path.relpath(self.path, self.out)
        _replace_symlink(self.out / CURRENT, relative)
        for name in OUTPUTS:
            link = self.out / name
            target = f"{CURRENT}/{name}"
            if link.is_symlink() and os.readlink(link) == target:
                continue
            if os.path.lexists(link) and not link.is_symlink():  # check_out refuses such a folder: never replace it
                raise BuildError(f"{link}: not written by kg (its outputs are links into {CURRENT}/); move it away")
            _replace_symlink(link, target)
        _fsync_dir(self.out)
        for child in (self.out / GENERATIONS).iterdir():
            if child.resolve() not in (self.path.resolve(), self.previous):
                shutil.rmtree(child, ignore_errors=True) if child.is_dir() else child.unlink(missing_ok=True)
        return {name: self.out / name for name in OUTPUTS}

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


@dataclass
class _Sort:
    """The sorted dumps to write: from ``sources`` and the ontology's N-Quads into ``folder``."""

    sources: list[Path]
    ontology: str
    folder: Path
    extra: list[Path]  # removed once written
    child: _Child | None = None

    def stop(self) -> None:
        """Stop the child writing them (the build failed)."""
        if self.child is not None:
            self.child.process.kill()
            self.child.process.join()


def _sorted_outputs(sources: list[Path], ontology: str, folder: Path) -> int:
    """graph.nq and graph.ttl in ``folder`` from N-Quads files (.gz or plain) and the ontology's N-Quads."""

    def lines() -> Iterator[bytes]:
        for path in sources:
            opener = gzip.open if path.suffix == ".gz" else open
            with opener(path, "rb") as handle:
                rest = b""
                # read in large pieces: a gzip file read line by line costs a Python call per line
                while piece := handle.read(1 << 22):
                    rows = (rest + piece).splitlines(keepends=True)
                    rest = rows.pop() if not rows[-1].endswith(b"\n") else b""
                    yield from rows
                if rest:
                    yield rest
        yield from ontology.encode("utf-8").splitlines(keepends=True)

    try:
        return write_sorted(lines(), nquads=folder / "graph.nq", turtle=folder / "graph.ttl", work=folder / ".sort")
    finally:
        shutil.rmtree(folder / ".sort", ignore_errors=True)


class _Child:
    """``function(*args)`` in a forked process (dies with this one); :meth:`result` waits for it."""

    def __init__(self, function, *args) -> None:
        context = multiprocessing.get_context("fork")
        self.receive, send = context.Pipe(duplex=False)
        self.process = context.Process(target=self._run, args=(send, os.getpid(), function, args), daemon=True)
        self.process.start()
        send.close()

    @staticmethod
    def _run(send, parent: int, function, args) -> None:
        _die_with(parent)
        try:
            send.send(("ok", function(*args)))
        except OSError as error:
            send.send(("oserror", (error.errno, error.strerror, error.filename)))
        except BaseException as error:  # noqa: BLE001 - reported to the parent, one line
            send.send(("error", f"{type(error).__name__}: {error}"))

    def result(self):
        try:
            kind, value = self.receive.recv()
        except EOFError:
            raise BuildError("the export process died (out of memory?)") from None
        finally:
            self.process.join()
        if kind == "oserror":
            raise OSError(*value)
        if kind == "error":
            raise BuildError(f"export failed: {value}")
        return value


class Writer:
    """Writes a manifest (a header, then one record per file) and an archive of gzip members."""

    def __init__(self, manifest: Path, archive: Path, *, header: dict) -> None:
        self.folder = manifest.parent
        self.manifest = open(manifest, "w", encoding="utf-8")
        self.manifest.write(json.dumps(header) + "\n")
        self.archive = open(archive, "wb")
        self.segments: dict[Path, object] = {}
        self.spools: list[Path] = []

    def tell(self) -> int:
        return self.archive.tell()

    def member(self, nquads: bytes) -> None:
        """Append N-Quads as one gzip member."""
        self.archive.write(gzip.compress(nquads, compresslevel=1, mtime=0))

    def copy(self, segment: Path, offset: int, length: int, *, name: str) -> tuple[int, bytes]:
        """Append ``length`` bytes of the archive ``segment`` from ``offset``; returns (new offset, bytes)."""
        if segment not in self.segments:
            self.segments[segment] = open(segment, "rb")
        source = self.segments[segment]
        source.seek(offset)
        data = source.read(length)
        if len(data) != length:
            raise BuildError(f"{segment}: truncated (the quads of {name} are missing); build again with --full")
        start = self.archive.tell()
        self.archive.write(data)
        return start, data

    def record(self, record: FileRecord) -> None:
        self.manifest.write(record.to_json() + "\n")

    def flush(self) -> None:
        """Write the archive through to its file (a child process reads it)."""
        self.archive.flush()

    def spool(self, lines: Iterable[str]) -> Path:
        path = self.folder / f".spool-{len(self.spools)}.nq"
        with open(path, "w", encoding="utf-8") as handle:
            handle.writelines(lines)
        self.spools.append(path)
        return path

    def close(self) -> None:
        for handle in (self.manifest, self.archive, *self.segments.values()):
            handle.close()


def _flat(text: str, limit: int = 200) -> str:
    """``text`` on one line (a RocksDB error spans several), at most ``limit`` characters."""
    text = _one_line(" ".join(text.split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _replace_symlink(link: Path, target: str) -> None:
    tmp = link.with_name(f".{link.name}.tmp-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    os.symlink(target, tmp)
    os.replace(tmp, link)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(root: Path) -> None:
    for folder, _dirs, files in os.walk(root):
        for name in files:
            try:
                fd = os.open(os.path.join(folder, name), os.O_RDONLY)
            except FileNotFoundError:
                continue
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(Path(folder))
