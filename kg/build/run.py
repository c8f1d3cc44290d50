"""The build (``build(paths, out=..., jobs=N)``, see :mod:`kg.build`) and the stream of events of each
source file: Reused, or Begin, Batch …, End.

Example:
    >>> from pathlib import Path
    >>> summary = build([Path("seeds")], out=Path("out"), jobs=2)   # doctest: +SKIP
    >>> summary.articles > 0                                          # doctest: +SKIP
    True
"""

from __future__ import annotations

import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kg.build import BuildError
from kg.build.archive import Batch, Begin, End, Event, FileRecord, Loader, Reused, Sink
from kg.build.export import ontology_quads, quad_lines
from kg.build.generations import Generation, check_out, claim, locked
from kg.build.parts import LongArticle, Sentences, make_part
from kg.build.pool import (
    BATCH_CHARS, DaskPool, _batch_of, _batches, _pool, _read, _size, extract_batch, extract_file, extract_part,
    sha256_or_none,
)
from kg.build.version import pipeline_version
from kg.ingest.discover import SUFFIXES, discover
from kg.rdf.quads import ENTITIES, entity_quads
from kg.rdf.resolve import article_iri
from kg.records import Problem, _one_line


STAGES = ("ingest", "nlp", "extract", "resolve", "graph", "export")


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
    :func:`kg.extract.nlp.make_nlp`); a build with another model than the last one rebuilds everything.

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
    :func:`kg.extract.nlp.make_nlp`)."""
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
