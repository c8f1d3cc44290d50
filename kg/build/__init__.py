"""The build: source files → articles → extractions → quads → outputs, streamed, parallel, incremental.

The modules: :mod:`kg.build.run` (``build()``, the stream of events of each file), :mod:`kg.build.pool`
(extraction in worker processes or on a Dask cluster), :mod:`kg.build.parts` (articles over 50,000 characters
in parts), :mod:`kg.build.archive` (the archive and manifest writer, the store loader), :mod:`kg.build.generations`
(generations, the lock, the sorted dumps), :mod:`kg.build.version` (the pipeline version hash),
:mod:`kg.build.export` (sorted dumps and the outputs every build writes), :mod:`kg.build.shard` (``kg extract
--shard`` and ``kg load``).

How a build runs (``build(paths, out=..., jobs=N)``):

* **Ingest** (main process): each source file is hashed (SHA-256) and read into articles; with
  worker processes, a file of about one batch or less is read and split by the worker instead.
* **Extract** (``jobs`` worker processes, or in-process for ``jobs=1``): batches of articles go to
  workers; each worker makes its spaCy pipeline once and returns, per batch, the article graphs as
  N-Quads text and a compact :class:`~kg.rdf.resolve.EntityIndex` of the entities they mention.
  Extraction is a pure function of an article (plus the shipped lexicons), so the result does not
  depend on ``jobs`` or on the order batches finish.
* **Stream** (main process): each batch's N-Quads go straight into the on-disk Oxigraph store and
  to a compressed archive ``articles.nq.gz`` (gzip members, a file's members contiguous); only the
  compact entity index stays in memory, and a few batches per worker are in flight.  The store is
  loaded in a background thread (Oxigraph releases the GIL), so results keep being received meanwhile.
  The entities graph (id:graph/entities) is made from the index at the end; graph.nq and graph.ttl
  are written by an external merge sort of the archive (:func:`kg.build.export.write_sorted`; the store is
  not lossless: Oxigraph keeps xsd:nonNegativeInteger as xsd:integer) — with ``jobs`` > 1 in a child
  process started as soon as the archive and the entities are on disk — and graph.graphml /
  graph.gexf from the compacted store (:func:`kg.gephi.views.view_graph`).
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
"""


class BuildError(Exception):
    """A build that cannot run (one-line message)."""


class BuildLocked(BuildError):
    """Another build holds ``out/.lock``."""
