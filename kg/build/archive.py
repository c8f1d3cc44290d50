"""A generation's archive (gzip members of N-Quads, a file's members contiguous) and manifest (one
:class:`FileRecord` a source file): the :class:`Writer`, the :class:`Sink` that consumes a build's events, and
the :class:`Loader` of N-Quads into the store."""

from __future__ import annotations

import gzip
import json
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.build import BuildError
from kg.rdf.resolve import EntityIndex
from kg.records import Problem


MANIFEST = "manifest.jsonl"
ARCHIVE = "articles.nq.gz"


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

# Files go into a generation (or a shard) as a stream of events, in source order: Reused, or Begin, Batch …,
# End; a Sink consumes them.


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
    Public for kg.build.shard, which feeds it the events of shard archives."""

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
