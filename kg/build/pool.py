"""Extraction in workers: files read and articles extracted in batches, in worker processes (a
:class:`~concurrent.futures.ProcessPoolExecutor`), on a Dask cluster (:class:`DaskPool`) or in-process."""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import re
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from kg.build import BuildError
from kg.build.archive import BatchResult
from kg.build.generations import _die_with
from kg.build.parts import PART_CHARS, LongArticle, Part, PartResult, Sentences, make_part, plan_parts
from kg.build.parts import extract_part as extract_part_of
from kg.ingest import files
from kg.ingest.read import read_articles
from kg.rdf.quads import article_nquads
from kg.rdf.resolve import EntityIndex, article_iri
from kg.records import Article, Problem, _one_line


#: Articles are sent to workers in batches of about this many characters.
BATCH_CHARS = 50_000


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
    plan (:func:`kg.build.parts.plan_parts`), as ``(article, plan)``."""
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
    """Extract a part of a long article (:func:`kg.build.parts.extract_part`): its result and seconds per stage.

    Runs in worker processes.
    """
    from kg.extract.nlp import make_nlp

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
    from kg.extract.article import extract
    from kg.extract.nlp import make_nlp

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
    from kg.extract.article import extract
    from kg.extract.nlp import make_nlp

    extract(Article(id="warm-up#0", source_file="warm-up", position=0, text="某市总工会为一线职工开展“送清凉”活动。"),
            nlp=make_nlp(model))


def _init_worker(parent: int, model: str | None = None) -> None:
    _die_with(parent)
    from kg.extract.nlp import make_nlp

    make_nlp(model)
