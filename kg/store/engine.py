"""The query engine in a process of its own: whatever Oxigraph does with a query (a panic that aborts
the process, a runaway sort, a SERVICE call that never returns), only that process suffers.

``kg serve`` keeps a pool of these processes and ``kg query`` starts one per query.  The parent sends
one JSON request a line on the process's stdin; the process answers each with frames on its stdout,
each one kind byte, a 4-byte big-endian length and the payload:

* ``H``: the answer's header (JSON: ``{"type": media type}``), sent once the query has been evaluated;
* ``D``: a piece of the serialised answer (at most :data:`CHUNK` bytes);
* ``E``: an error (JSON: ``{"status": HTTP status, "message": one line, "syntax": bool}``); when
  ``"fatal"`` is true the process exits after it;
* ``F``: the end of the answer.

The process is killed, never asked, when its query runs out of time or its answer grows too large,
so a time-out always bounds the work.  A process that dies while answering is a crash of the
engine, explained in one line by :func:`crash_reason`.

Run a process by hand: ``python -m kg.store.engine out/store`` (``-`` for an empty store), then type
``{"query": "ASK {}"}``.

Example:
    >>> answer = run_one("-", {"query": "ASK { FILTER(1 < 2) }"}, timeout_s=30, max_bytes=1000)
    >>> answer.media_type, answer.body
    ('application/sparql-results+json', b'{"head":{},"boolean":true}')
"""

from __future__ import annotations

import asyncio
import ctypes
import json
import os
import re
import signal
import struct
import sys
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass

from kg.ingest.files import die_with_parent

CHUNK = 64 * 1024
_FRAME = struct.Struct(">cI")
PANIC = re.compile(r"panicked at [^\n]*:\n(?P<message>[^\n]+)")
#: Known crashes of the engine and what a user can do about them.
LIKELY_CAUSES = (
    ("does not correctly implement a total order",
     "ORDER BY over values of mixed kinds (numbers and text, or dates), a bug of Oxigraph 0.5; "
     "sort by STR(?x), or FILTER the values to one kind"),
)


class EngineError(RuntimeError):
    """A query that the engine answered with an error, or that it could not answer (one-line message)."""

    def __init__(self, message: str, *, status: int = 500, syntax: bool = False, fatal: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.syntax = syntax
        self.fatal = fatal  # the engine process exits after it


class EngineCrashed(EngineError):
    """The engine process died while answering (a panic, a signal)."""


class EngineTimeout(EngineError):
    """The answer was not complete within the time-out; the engine process was killed."""


class ResultTooLarge(EngineError):
    """The answer grew over the size limit; the engine process was killed."""


def crash_reason(stderr: str, returncode: int | None) -> str:
    """One line for an engine process that died: the engine's panic message and its likely cause.

    >>> crash_reason("thread '<unnamed>' panicked at sort.rs:854:5:\\nuser-provided comparison function does not correctly implement a total order\\n", -6)
    'the query engine (Oxigraph) crashed: user-provided comparison function does not correctly implement a total order; likely cause: ORDER BY over values of mixed kinds (numbers and text, or dates), a bug of Oxigraph 0.5; sort by STR(?x), or FILTER the values to one kind'
    >>> crash_reason("", -9)
    'the query engine (Oxigraph) was killed by signal SIGKILL (out of memory?)'
    """
    found = PANIC.search(stderr)
    if found:
        message = found["message"].strip()
        cause = next((why for needle, why in LIKELY_CAUSES if needle in message), "a bug of the engine: please report the query")
        return f"the query engine (Oxigraph) crashed: {message}; likely cause: {cause}"
    if returncode is not None and returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = str(-returncode)
        hint = " (out of memory?)" if name == "SIGKILL" else ""
        return f"the query engine (Oxigraph) was killed by signal {name}{hint}"
    lines = [line for line in stderr.splitlines() if line.strip()]
    return f"the query engine (Oxigraph) stopped (exit code {returncode}){': ' + lines[-1][:200] if lines else ''}"


# --- in the engine process ----------------------------------------------------------------------

#: Answer formats in order of preference (the first one any ``*/*`` picks).
SOLUTION_FORMATS = ("JSON", "XML", "CSV", "TSV")
GRAPH_FORMATS = ("TURTLE", "N_TRIPLES", "RDF_XML", "N_QUADS", "TRIG")


def negotiate(accept: str | None, candidates: list[tuple[str, object]]) -> tuple[str, object] | None:
    """The (media type, format) of ``candidates`` that an HTTP Accept header prefers (None: none acceptable).

    >>> options = [("application/sparql-results+json", "J"), ("text/csv", "C")]
    >>> negotiate("text/csv, */*;q=0.1", options)
    ('text/csv', 'C')
    >>> negotiate(None, options)[1], negotiate("text/*", options)[1], negotiate("image/png", options)
    ('J', 'C', None)
    """
    ranges = []
    for part in (accept or "*/*").split(","):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        q = 1.0
        for field in fields[1:]:
            name, _, value = field.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        ranges.append((fields[0].lower(), q))
    best, best_key = None, (0.0, 0)
    for position, (media, fmt) in enumerate(candidates):
        kind = media.split(";")[0].strip().lower()
        for pattern, q in ranges:
            specificity = 2 if pattern == kind else 1 if pattern.endswith("/*") and kind.startswith(pattern[:-1]) else 0 if pattern == "*/*" else -1
            if specificity < 0 or q <= 0:
                continue
            key = (q, specificity)
            if key > best_key or (key == best_key and best is not None and position < best[0]):
                best, best_key = (position, media, fmt), key
    return None if best is None else (best[1], best[2])


class _Frames:
    """A binary file for pyoxigraph's serialisers that sends what it is given as D frames."""

    def __init__(self, out) -> None:
        self.out = out
        self.buffer = bytearray()

    def write(self, data) -> int:
        self.buffer += data
        if len(self.buffer) >= CHUNK:
            self.flush()
        return len(data)

    def flush(self) -> None:
        while self.buffer:
            piece, self.buffer = bytes(self.buffer[:CHUNK]), self.buffer[CHUNK:]
            _write_frame(self.out, b"D", piece)


def _write_frame(out, kind: bytes, payload: bytes) -> None:
    out.write(_FRAME.pack(kind, len(payload)) + payload)


def _error(out, status: int, message: str, *, syntax: bool = False, fatal: bool = False) -> None:
    _write_frame(out, b"E", json.dumps({"status": status, "message": message, "syntax": syntax, "fatal": fatal}).encode())
    out.flush()


def _graph(ox, value: str | None):
    if value is None:
        return ox.DefaultGraph()
    return ox.NamedNode(value)


def _answer(ox, store, request: dict, out) -> None:
    """Evaluate one request and write its frames."""
    prefixes = request.get("prefixes") or None
    if request.get("check"):  # parse the query as written (before parameters were bound) on an empty store
        try:
            ox.Store().query(request["check"], prefixes=prefixes)
        except SyntaxError as error:
            return _error(out, 400, str(error), syntax=True)
    if request.get("kind") == "graph":
        return _answer_graph(ox, store, request, out)
    options: dict = {"prefixes": prefixes}
    try:
        if request.get("default_graph"):
            options["default_graph"] = [_graph(ox, g) for g in request["default_graph"]]
        elif request.get("union", True):
            options["use_default_graph_as_union"] = True
        if request.get("named_graphs"):
            options["named_graphs"] = [ox.NamedNode(g) for g in request["named_graphs"]]
    except ValueError as error:
        return _error(out, 400, f"not a graph IRI: {error}")
    try:
        result = store.query(request["query"], **options)
    except SyntaxError as error:
        return _error(out, 400, str(error), syntax=True)
    except (OSError, ValueError, RuntimeError) as error:
        return _error(out, 500, f"query failed: {str(error).splitlines()[0] if str(error) else type(error).__name__}")
    if isinstance(result, ox.QueryTriples):
        candidates = [(getattr(ox.RdfFormat, name).media_type, getattr(ox.RdfFormat, name)) for name in GRAPH_FORMATS[:3]]
    else:
        candidates = [(getattr(ox.QueryResultsFormat, name).media_type, getattr(ox.QueryResultsFormat, name)) for name in SOLUTION_FORMATS]
    chosen = negotiate(request.get("accept"), candidates)
    if chosen is None:
        offered = ", ".join(media.split(";")[0] for media, _ in candidates)
        return _error(out, 406, f"no answer format matches the Accept header (this answer can be {offered})")
    media, fmt = chosen
    _write_frame(out, b"H", json.dumps({"type": media}).encode())
    frames = _Frames(out)
    try:
        result.serialize(frames, fmt)
    except (OSError, ValueError, RuntimeError) as error:
        frames.flush()
        return _error(out, 500, f"query failed: {str(error).splitlines()[0] if str(error) else type(error).__name__}")
    frames.flush()
    _write_frame(out, b"F", b"")
    out.flush()


def _answer_graph(ox, store, request: dict, out) -> None:
    """Graph Store Protocol reads: one graph (``graph``: an IRI, or None for the default graph) or,
    with ``dataset``, every quad."""
    if request.get("dataset"):
        names = ["N_QUADS", "TRIG"]
        quads = store.quads_for_pattern(None, None, None, None)
    else:
        try:
            graph = _graph(ox, request.get("graph"))
        except ValueError as error:
            return _error(out, 400, f"not a graph IRI: {error}")
        if isinstance(graph, ox.NamedNode) and not store.contains_named_graph(graph):
            return _error(out, 404, f"no graph <{graph.value}> in this store")
        names = list(GRAPH_FORMATS[:3])
        quads = (q.triple for q in store.quads_for_pattern(None, None, None, graph))
    candidates = [(getattr(ox.RdfFormat, name).media_type, getattr(ox.RdfFormat, name)) for name in names]
    chosen = negotiate(request.get("accept"), candidates)
    if chosen is None:
        return _error(out, 406, "no RDF format matches the Accept header")
    media, fmt = chosen
    _write_frame(out, b"H", json.dumps({"type": media}).encode())
    frames = _Frames(out)
    ox.serialize(quads, frames, fmt)
    frames.flush()
    _write_frame(out, b"F", b"")
    out.flush()


def main(argv: list[str]) -> int:
    """The engine process: ``python -m kg.store.engine STORE`` (``-``: an empty in-memory store)."""
    import pyoxigraph as ox

    out = sys.stdout.buffer
    location = argv[0] if argv else "-"
    try:
        store = ox.Store() if location == "-" else ox.Store.read_only(location)
    except OSError as error:
        _error(out, 500, f"{location}: cannot open store: {str(error).splitlines()[0]}", fatal=True)
        return 1
    for line in sys.stdin.buffer:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            _answer(ox, store, request, out)
        except BrokenPipeError:
            return 0
        except Exception as error:  # noqa: BLE001 - one line to the parent, then exit: the parent starts a new engine
            _error(out, 500, f"the query engine failed: {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}", fatal=True)
            return 1
        except BaseException as error:  # pyo3's PanicException: the engine's state is not to be trusted any more
            if isinstance(error, (KeyboardInterrupt, SystemExit)):
                raise
            _error(out, 500, crash_reason(f"panicked at engine:\n{error}\n", None), fatal=True)
            return 1
    return 0


# --- in the parent ------------------------------------------------------------------------------

def _isolate(network: bool):
    """preexec_fn of an engine process: SIGTERM when the parent dies, and no network (a network
    namespace of its own, where one may be made) unless ``network``."""

    def setup() -> None:
        if sys.platform != "linux":
            return
        die_with_parent(signal.SIGTERM)
        libc = ctypes.CDLL(None, use_errno=True)
        if not network:
            # CLONE_NEWNET as root; else inside a new user namespace; else (no namespaces) go on
            if libc.unshare(0x40000000) != 0:
                libc.unshare(0x10000000 | 0x40000000)

    return setup


@dataclass(frozen=True)
class Answer:
    media_type: str
    body: bytes


class Engine:
    """One engine process over a store (``"-"``: empty), answering one request at a time."""

    def __init__(self, location: str, *, network: bool = False) -> None:
        self.location = location
        self.network = network
        self.process: asyncio.subprocess.Process | None = None
        self._stderr = None

    async def start(self) -> Engine:
        self._stderr = tempfile.TemporaryFile()
        env = dict(os.environ, RUST_BACKTRACE="0", PYTHONUNBUFFERED="0")
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-P", "-m", "kg.store.engine", self.location,  # -P: not a kg/ folder of the working directory
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=self._stderr, env=env,
            preexec_fn=_isolate(self.network),
        )
        return self

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def crash_message(self) -> str:
        text = ""
        if self._stderr is not None:
            try:
                self._stderr.seek(0, os.SEEK_END)
                self._stderr.seek(max(0, self._stderr.tell() - 8192))
                text = self._stderr.read().decode("utf-8", "replace")
            except (OSError, ValueError):
                pass
        return crash_reason(text, self.process.returncode if self.process else None)

    async def frames(self, request: dict) -> AsyncIterator[tuple[bytes, bytes]]:
        """Send one request and yield its frames (kind, payload) up to F or E.  Raises EngineCrashed
        when the process dies on the way."""
        assert self.process is not None and self.process.stdin is not None and self.process.stdout is not None
        try:
            self.process.stdin.write(json.dumps(request, ensure_ascii=False).encode("utf-8") + b"\n")
            await self.process.stdin.drain()
            while True:
                kind, size = _FRAME.unpack(await self.process.stdout.readexactly(_FRAME.size))
                payload = await self.process.stdout.readexactly(size) if size else b""
                yield kind, payload
                if kind in (b"E", b"F"):
                    return
        except (asyncio.IncompleteReadError, ConnectionError, BrokenPipeError):
            await self._reap()
            raise EngineCrashed(self.crash_message()) from None

    async def _reap(self) -> None:
        if self.process is not None:
            try:
                await asyncio.wait_for(self.process.wait(), 5)
            except TimeoutError:
                self.kill()
                await self.process.wait()

    def kill(self) -> None:
        if self.process is not None and self.process.returncode is None:
            try:
                self.process.kill()
            except ProcessLookupError:
                pass

    async def close(self) -> None:
        """Kill the process and wait for it (an engine is never reused after a failure).

        The pipes are closed before the wait: asyncio's wait() returns only once the process's pipes
        are seen closed, and a stdout reader paused by a full buffer (an answer nobody reads any more,
        e.g. after a time-out) would never see it, so the wait would hang and the engine would never
        be replaced."""
        self.kill()
        if self.process is not None:
            transport = getattr(self.process, "_transport", None)
            if transport is not None:
                transport.close()
            await self.process.wait()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def rss_bytes(self) -> int:
        """The process's resident memory (0 where /proc is not there)."""
        try:
            with open(f"/proc/{self.pid}/statm", "rb") as statm:
                return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            return 0


def error_of(payload: bytes) -> EngineError:
    """The EngineError an E frame stands for."""
    info = json.loads(payload)
    return EngineError(info["message"], status=int(info.get("status", 500)), syntax=bool(info.get("syntax")),
                       fatal=bool(info.get("fatal")))


async def collect(engine: Engine, request: dict, *, timeout_s: float, max_bytes: int, max_memory: int | None = None) -> Answer:
    """Run one request on an engine and return the whole answer; kill the engine (and raise) when it
    takes longer than ``timeout_s`` in all, grows over ``max_bytes``, uses more than ``max_memory``
    bytes of memory, or crashes."""
    media, parts, size = "", [], 0
    watch = asyncio.create_task(watch_memory(engine, max_memory)) if max_memory else None
    try:
        async with asyncio.timeout(timeout_s):
            async for kind, payload in engine.frames(request):
                if kind == b"H":
                    media = json.loads(payload)["type"]
                elif kind == b"D":
                    size += len(payload)
                    if size > max_bytes:
                        engine.kill()
                        raise ResultTooLarge(f"the answer is larger than {_size(max_bytes)}", status=422)
                    parts.append(payload)
                elif kind == b"E":
                    raise error_of(payload)
                elif kind == b"F":
                    return Answer(media, b"".join(parts))
    except TimeoutError:
        engine.kill()
        raise EngineTimeout(f"the query did not finish within {timeout_s:g} s", status=504) from None
    except EngineCrashed:
        if watch is not None and watch.done() and watch.result():
            raise EngineCrashed(f"the query used more than {_size(max_memory)} of memory", status=507) from None
        raise
    finally:
        if watch is not None:
            watch.cancel()
    raise EngineCrashed(engine.crash_message())


async def watch_memory(engine: Engine, limit: int) -> bool:
    """Kill the engine when its memory grows over ``limit``; True when it did."""
    while True:
        await asyncio.sleep(0.1)
        if engine.rss_bytes() > limit:
            engine.kill()
            return True


def _size(n: int | None) -> str:
    """A size for a message.

    >>> _size(100 * 1024 * 1024), _size(1500)
    ('100 MB', '1500 bytes')
    """
    if n is None:
        return "?"
    return f"{n // (1024 * 1024)} MB" if n >= 1024 * 1024 else f"{n} bytes"


def run_one(location: str, request: dict, *, timeout_s: float, max_bytes: int, max_memory: int | None = None,
            network: bool = True) -> Answer:
    """Start an engine over ``location``, answer one request in it (see :func:`collect`) and stop it."""

    async def go() -> Answer:
        engine = await Engine(location, network=network).start()
        try:
            return await collect(engine, request, timeout_s=timeout_s, max_bytes=max_bytes, max_memory=max_memory)
        finally:
            await engine.close()

    return run_sync(go)


def run_sync(make):
    """``asyncio.run(make())``, in a thread of its own when this thread already runs an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make())
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(make())).result()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
