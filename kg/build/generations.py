"""Generations of ``out/``: every build writes ``out/.generations/<id>/`` and publishes it by switching the
symlink ``out/current``; the lock ``out/.lock`` keeps two builds apart; the sorted dumps are written in a child
process."""

from __future__ import annotations

import errno
import fcntl
import gzip
import multiprocessing
import os
import re
import shutil
import signal
import stat
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.build import BuildError, BuildLocked
from kg.build.archive import ARCHIVE, FileRecord, MANIFEST, Writer, _same_version, read_manifest
from kg.build.export import OUTPUTS, write_sorted, write_views
from kg.build.version import FORMAT, pipeline_version
from kg.ingest import files
from kg.records import _one_line


GENERATIONS = ".generations"
CURRENT = "current"
LOCK = ".lock"
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
    for folder, _dirs, names in os.walk(root):
        for name in names:
            try:
                fd = os.open(os.path.join(folder, name), os.O_RDONLY)
            except FileNotFoundError:
                continue
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(Path(folder))
