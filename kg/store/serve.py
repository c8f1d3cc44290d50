"""Serve a built store over HTTP: a SPARQL 1.1 Protocol endpoint, Graph Store reads, the YASGUI
query page and the graph explorer (``/explore``, :mod:`kg.store.explore`, which reads through the endpoint),
that one bad query can't take down or turn outward.

The HTTP front is this module (asyncio and h11); the queries run in a pool of engine processes
(:mod:`kg.store.engine`, pyoxigraph over the store), one query per process at a time.  So:

* a query that crashes the engine (an Oxigraph panic aborts its process) kills only its own process:
  that query is answered with a one-line error naming the likely cause, the process is replaced,
  and every other query goes on;
* a query's time-out is total: from the request to the last byte of the answer.  Answers are held
  back up to :attr:`Limits.stream_buffer_bytes`, so a query that times out, crashes or grows over
  the result limit before that gets a proper HTTP error (504, 500, 422); past it the answer is
  streamed, and such a failure cuts the chunked transfer off without its last chunk, which every
  HTTP client reports as an incomplete answer (never an error message pasted into the CSV or JSON);
  the engine process is killed either way, so the work stops;
* federated queries (``SERVICE``) are refused before any engine sees them, and the engine processes
  have no network (a network namespace of their own, where the system allows one) unless the user
  opts in (``allow_service``);
* requests are bounded: the Host header must name this server (DNS rebinding), a cross-site Origin is
  refused, the head and body have size limits and must arrive within ``request_timeout_s``, and at
  most ``max_connections`` are open: a new connection pushes out the oldest one that is not running
  a query (so half-sent requests can't lock clients out);
* SPARQL Update and Graph Store writes are refused (403).

``kg serve`` does not serve ``out/store`` itself: it takes a snapshot of it (a RocksDB checkpoint:
hard links to the store's immutable table files, so it is instant and takes no space) in a
private folder beside the store and serves that.  ``kg build`` may then replace ``out/store`` while
the server runs; the server keeps answering from the snapshot until it is restarted, and the
snapshot is deleted when the server stops.  Where the folder beside the store can't be written (a
read-only file system), the store is served in place.

The ``oxigraph`` server binary that pip installs is still used by :func:`start` (a read-write
Oxigraph server, e.g. to push into) and lends its YASGUI page to the front.

Example:
    >>> with serve_store(store=Path("out/store"), port=free_port()) as server:  # doctest: +SKIP
    ...     print(server.endpoint)
    http://127.0.0.1:…/query
"""

from __future__ import annotations

import asyncio
import errno
import functools
import json
import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import h11
import pyoxigraph as ox

from kg.store.engine import (Engine, EngineCrashed, EngineError, EngineTimeout, ResultTooLarge, collect, error_of,
                             watch_memory)

HOST = "127.0.0.1"
MB = 1024 * 1024


class ServeError(RuntimeError):
    """The server cannot be started (one-line message)."""


class _Addresses:
    """The URLs of a server listening on ``host``:``port``."""

    host: str
    port: int

    @property
    def base(self) -> str:
        """The server's address: every page and endpoint is a path under it."""
        return f"http://{self.host}:{self.port}"

    @property
    def url(self) -> str:
        """The browser query page (YASGUI)."""
        return f"{self.base}/"

    @property
    def explore_url(self) -> str:
        """The graph explorer page (:mod:`kg.store.explore`)."""
        return f"{self.base}/explore"

    @property
    def endpoint(self) -> str:
        """The SPARQL 1.1 Protocol query endpoint."""
        return f"{self.base}/query"

    @property
    def update_endpoint(self) -> str:
        return f"{self.base}/update"

    @property
    def graph_store(self) -> str:
        """The SPARQL 1.1 Graph Store HTTP Protocol endpoint (read-only on kg serve)."""
        return f"{self.base}/store"


@dataclass(frozen=True)
class Server(_Addresses):
    """A running Oxigraph server process and its URLs."""

    process: subprocess.Popen
    host: str
    port: int
    location: Path
    read_only: bool


def oxigraph_command() -> str:
    """Path of the ``oxigraph`` server binary (beside this Python, else on PATH)."""
    candidates = [Path(sys.executable).parent / "oxigraph", Path(sysconfig.get_path("scripts")) / "oxigraph"]
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which("oxigraph")
    if found:
        return found
    raise ServeError("the 'oxigraph' server command is not installed (pip install oxigraph)")


def free_port(host: str = HOST) -> int:
    """A TCP port that is free on ``host`` right now."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def check_store(store: Path) -> None:
    """Raise ServeError (one line) unless ``store`` is an Oxigraph store folder."""
    try:
        is_store = (store / "CURRENT").is_file()
    except OSError as error:  # a name too long, a loop of links …
        raise ServeError(f"{_shown(store)}: {error.strerror or error}") from None
    if not is_store:
        raise ServeError(f"{_shown(store)}: not an Oxigraph store (run 'kg build' first)")


def snapshot(store: Path) -> Path | None:
    """Checkpoint a built store into a new private folder beside it and return that folder's store;
    None when nothing can be written beside the store (a read-only file system, no permission)."""
    check_store(store)
    _remove_stale_snapshots(store)
    try:
        parent = Path(tempfile.mkdtemp(prefix=f".{store.name}.serve-", dir=store.parent))
    except OSError as error:
        if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return None
        raise ServeError(f"{_shown(store.parent)}: cannot make a snapshot folder: {error.strerror or error}") from None
    target = parent / "store"
    try:
        (parent / "pid").write_text(str(os.getpid()))
        ox.Store.read_only(str(store)).backup(str(target))
    except OSError as error:
        shutil.rmtree(parent, ignore_errors=True)
        if getattr(error, "errno", None) in (errno.EROFS, errno.EACCES, errno.EPERM):
            return None
        raise ServeError(f"{_shown(store)}: cannot snapshot the store: {str(error).splitlines()[0] if str(error) else error}") from None
    return target


def _shown(path: Path) -> str:
    """A path for a one-line message (bytes that are not UTF-8 shown as escapes)."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _die_with_parent() -> None:
    """In the child: get SIGTERM when the parent dies, so a killed kg never leaves a server behind."""
    import signal

    from kg.ingest.files import die_with_parent

    die_with_parent(signal.SIGTERM)


def _remove_stale_snapshots(store: Path) -> None:
    """Delete snapshots left by servers that were killed (their owner process is gone)."""
    try:
        folders = list(store.parent.glob(f".{store.name}.serve-*"))
    except OSError:
        return
    for folder in folders:
        try:
            os.kill(int((folder / "pid").read_text()), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except (OSError, ValueError):
            pass  # no pid file yet, or another user's process: leave it


def start(
    *,
    location: Path,
    port: int,
    host: str = HOST,
    read_only: bool = True,
    timeout_s: int = 30,
    union_default_graph: bool = True,
    wait_s: float = 20.0,
) -> Server:
    """Start ``oxigraph serve-read-only`` (or ``serve``, read-write) on ``location`` and wait until
    it answers.  Read-write mode creates the store when ``location`` does not exist.
    """
    with socket.socket() as probe:
        # SO_REUSEADDR as the server itself binds: a port in TIME_WAIT after a client or a crash is free
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise ServeError(f"cannot listen on {host}:{port}: {error.strerror or error} (choose another --port)") from None
    command = [oxigraph_command(), "serve-read-only" if read_only else "serve", "--location", str(location),
               "--bind", f"{host}:{port}", "--timeout-s", str(timeout_s)]
    if union_default_graph:
        command.append("--union-default-graph")
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                               preexec_fn=_die_with_parent if sys.platform == "linux" else None)
    server = Server(process=process, host=host, port=port, location=location, read_only=read_only)
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            lines = [line for line in log.read().decode("utf-8", "replace").splitlines() if line.strip()]
            raise ServeError(f"oxigraph server on {host}:{port} exited: {lines[-1] if lines else process.returncode}")
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.05)
    stop(server)
    raise ServeError(f"oxigraph server on {host}:{port} did not start within {wait_s:.0f} s")


def stop(server: Server, *, grace_s: float = 5.0) -> None:
    """Stop the server process (terminate, then kill after ``grace_s``)."""
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(grace_s)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()



# --- the HTTP front -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Limits:
    """What one request, one query and all clients together may take."""

    timeout_s: float = 30.0  #: per query, from the request to the last byte of the answer
    workers: int = 2  #: engine processes: queries that run at once (others wait, within their time-out)
    max_connections: int = 64  #: open connections (a new one pushes out the oldest that runs no query)
    max_request_bytes: int = 1 * MB  #: a request's body (the query)
    max_header_bytes: int = 32 * 1024  #: a request's line and headers (a GET query too)
    max_result_bytes: int = 256 * MB  #: an answer
    max_memory_bytes: int | None = 4096 * MB  #: an engine process's resident memory
    request_timeout_s: float = 10.0  #: to receive a request (head and body), and to wait on an idle connection
    stream_buffer_bytes: int = 8 * MB  #: answers up to this size are sent whole (with a proper error status if they fail)
    allow_service: bool = False  #: let queries call other endpoints (SERVICE) and the engines reach the network
    allow_hosts: tuple[str, ...] = ()  #: more names the Host header may give (a reverse proxy's)

    def check(self) -> None:
        """Raise ServeError for a limit out of range."""
        if not 0 < self.timeout_s <= 86_400:
            raise ServeError(f"--timeout must be between 1 and 86400 seconds, not {self.timeout_s:g}")
        if self.workers > 64:
            raise ServeError(f"--workers must be at most 64, not {self.workers}")
        for name, value in (("--workers", self.workers), ("--max-connections", self.max_connections),
                            ("--max-query-kb", self.max_request_bytes), ("--max-result-mb", self.max_result_bytes)):
            if value < 1:
                raise ServeError(f"{name} must be at least 1, not {value}")


REASONS = {200: b"OK", 400: b"Bad Request", 403: b"Forbidden", 404: b"Not Found", 405: b"Method Not Allowed",
           406: b"Not Acceptable", 408: b"Request Timeout", 413: b"Content Too Large", 415: b"Unsupported Media Type",
           421: b"Misdirected Request", 422: b"Unprocessable Content", 431: b"Request Header Fields Too Large",
           500: b"Internal Server Error", 503: b"Service Unavailable", 504: b"Gateway Timeout", 507: b"Insufficient Storage"}
PREFIXES_JSON: dict[str, str] | None = None


def _prefixes() -> dict[str, str]:
    global PREFIXES_JSON
    if PREFIXES_JSON is None:
        from kg.rdf.namespace import PREFIXES

        PREFIXES_JSON = dict(PREFIXES)
    return PREFIXES_JSON


class _Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _raw_response(status: int, message: str) -> bytes:
    """A whole error response for a connection that h11 can't answer any more (closes it)."""
    body = (message + "\n").encode("utf-8")
    return (b"HTTP/1.1 %d %s\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: %d\r\nconnection: close\r\n\r\n"
            % (status, REASONS.get(status, b"Error"), len(body))) + body


class Pool:
    """Engine processes over one store, each answering one query at a time; one that failed is
    replaced by a new one."""

    def __init__(self, location: str, *, size: int, network: bool, log: Callable[[str], None]) -> None:
        self.location, self.size, self.network, self.log = location, size, network, log
        self.idle: asyncio.Queue[Engine] = asyncio.Queue()
        self.engines: set[Engine] = set()
        self.tasks: set[asyncio.Task] = set()
        self.closed = False
        self.restarts = 0

    async def start(self) -> None:
        for engine in await asyncio.gather(*(self._spawn() for _ in range(self.size))):
            self.idle.put_nowait(engine)

    async def _spawn(self) -> Engine:
        engine = await Engine(self.location, network=self.network).start()
        self.engines.add(engine)
        try:  # it opens the store and answers: a store it can't open is an error now, not at the first query
            await collect(engine, {"query": "ASK {}"}, timeout_s=60, max_bytes=4096)
        except EngineError as error:
            await self._drop(engine)
            raise ServeError(f"{self.location}: the query engine cannot start: {error}") from None
        return engine

    async def _drop(self, engine: Engine) -> None:
        await engine.close()  # still in self.engines while it is waited for, so that close() finds it if cancelled
        self.engines.discard(engine)

    async def acquire(self) -> Engine:
        return await self.idle.get()

    def release(self, engine: Engine, *, healthy: bool) -> None:
        if self.closed:
            engine.kill()
        elif healthy and engine.process is not None and engine.process.returncode is None:
            self.idle.put_nowait(engine)
        else:
            engine.kill()
            self.restarts += 1
            task = asyncio.ensure_future(self._replace(engine))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    async def _replace(self, engine: Engine) -> None:
        await self._drop(engine)
        for attempt in range(8):
            if self.closed:
                return
            try:
                self.idle.put_nowait(await self._spawn())
                return
            except ServeError as error:
                self.log(f"warning: {error}; trying again")
                await asyncio.sleep(min(30.0, 0.5 * 2**attempt))
        self.log(f"warning: an engine process could not be restarted; {len(self.engines)} left")

    async def close(self) -> None:
        self.closed = True
        tasks = list(self.tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for engine in list(self.engines):
            await self._drop(engine)


class _Connection:
    __slots__ = ("writer", "busy")

    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self.writer = writer
        self.busy = False  # running a request (not to be pushed out)


class Endpoint:
    """The HTTP front: routes, limits and the engine pool (runs in an asyncio loop; see :func:`launch`)."""

    def __init__(self, location: Path, *, host: str, port: int, limits: Limits, log: Callable[[str], None]) -> None:
        self.location, self.host, self.port, self.limits, self.log = location, host, port, limits, log
        self.pool = Pool(str(location), size=limits.workers, network=limits.allow_service, log=log)
        self.connections: dict[_Connection, None] = {}  # oldest first
        self.server: asyncio.base_events.Server | None = None
        self.stopped = asyncio.Event()
        self.assets: dict[str, tuple[str, bytes]] = {}
        self.hosts: set[str] = set()
        self.origins: set[str] = set()

    async def start(self) -> None:
        try:
            self.server = await asyncio.start_server(self._connection, self.host, self.port, reuse_address=True,
                                                     backlog=max(128, self.limits.max_connections))
        except OSError as error:
            raise ServeError(f"cannot listen on {self.host}:{self.port}: {error.strerror or error} (choose another --port)") from None
        self.port = self.server.sockets[0].getsockname()[1]
        names = {self.host, "localhost", "127.0.0.1", "[::1]", *(h.lower() for h in self.limits.allow_hosts)}
        self.hosts = names | {f"{name}:{self.port}" for name in names}
        self.origins = {f"http://{name}" for name in self.hosts} | {f"https://{name}" for name in self.hosts}
        try:
            self.assets = dict(await asyncio.get_running_loop().run_in_executor(None, query_page))
            self.assets["/explore"] = (ASSETS["/"], await asyncio.get_running_loop().run_in_executor(None, explore_page))
            await self.pool.start()
        except BaseException:
            self.server.close()
            await self.pool.close()
            raise

    async def close(self) -> None:
        if self.server is not None:
            self.server.close()
        for connection in list(self.connections):
            connection.writer.transport.abort()
        await self.pool.close()

    # connections ------------------------------------------------------------------------------

    def _admit(self, connection: _Connection) -> bool:
        if len(self.connections) >= self.limits.max_connections:
            oldest = next((c for c in self.connections if not c.busy), None)
            if oldest is None:
                return False
            self.connections.pop(oldest, None)
            oldest.writer.transport.abort()
        self.connections[connection] = None
        return True

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connection = _Connection(writer)
        if not self._admit(connection):
            writer.write(_raw_response(503, f"busy: {self.limits.max_connections} connections are running queries; try again later"))
            writer.transport.close()
            return
        h = h11.Connection(h11.SERVER, max_incomplete_event_size=self.limits.max_header_bytes)
        try:
            while True:
                connection.busy = False
                received = [False]
                try:
                    async with asyncio.timeout(self.limits.request_timeout_s):
                        got = await self._read_request(h, reader, received)
                except TimeoutError:
                    if received[0]:
                        writer.write(_raw_response(408, f"the request did not arrive within {self.limits.request_timeout_s:g} s"))
                    break
                except _Refused as refusal:
                    await self._error(h, writer, refusal.status, str(refusal), close=True)
                    break
                except h11.RemoteProtocolError as error:
                    status = error.error_status_hint
                    message = (f"the request line and headers are larger than {self.limits.max_header_bytes // 1024} KB"
                               if status == 431 else f"bad HTTP request: {error}")
                    writer.write(_raw_response(status, message))
                    break
                if got is None:
                    break
                connection.busy = True
                keep = await self._respond(h, writer, *got)
                if not keep or h.our_state is not h11.DONE or h.their_state is not h11.DONE:
                    break
                h.start_next_cycle()
        except (ConnectionError, OSError, h11.LocalProtocolError, asyncio.IncompleteReadError):
            pass
        finally:
            self.connections.pop(connection, None)
            try:
                await asyncio.wait_for(writer.drain(), 1)
            except (ConnectionError, OSError, TimeoutError):
                pass
            writer.transport.close()

    async def _read_request(self, h: h11.Connection, reader: asyncio.StreamReader, received: list[bool]):
        request, body = None, bytearray()
        while True:
            event = h.next_event()
            if event is h11.NEED_DATA:
                data = await reader.read(64 * 1024)
                received[0] = received[0] or bool(data)
                h.receive_data(data)
                continue
            if isinstance(event, h11.ConnectionClosed) or event is h11.PAUSED:
                return None
            if isinstance(event, h11.Request):
                request = event
                # h11 bounds a head that arrives in pieces; one that arrives whole is measured here
                if len(event.target) + sum(len(k) + len(v) + 4 for k, v in event.headers) > self.limits.max_header_bytes:
                    raise _Refused(431, f"the request line and headers are larger than {self.limits.max_header_bytes // 1024} KB")
                length = dict(event.headers).get(b"content-length")
                if length is not None and length.isdigit() and int(length) > self.limits.max_request_bytes:
                    raise _Refused(413, f"the request body is larger than {self.limits.max_request_bytes // 1024} KB")
            elif isinstance(event, h11.Data):
                body += event.data
                if len(body) > self.limits.max_request_bytes:
                    raise _Refused(413, f"the request body is larger than {self.limits.max_request_bytes // 1024} KB")
            elif isinstance(event, h11.EndOfMessage):
                return request, bytes(body)

    # responses --------------------------------------------------------------------------------

    async def _send(self, writer: asyncio.StreamWriter, data: bytes) -> None:
        writer.write(data)
        await writer.drain()

    async def _simple(self, h: h11.Connection, writer: asyncio.StreamWriter, status: int, body: bytes, media: str,
                      *, head: bool = False, close: bool = False, extra: tuple = ()) -> bool:
        headers = [("content-type", media), ("content-length", str(len(body))), ("server", "kg-serve"),
                   ("x-content-type-options", "nosniff"), *extra]
        if close:
            headers.append(("connection", "close"))
        data = h.send(h11.Response(status_code=status, reason=REASONS.get(status, b""), headers=headers))
        if not head and body:
            data += h.send(h11.Data(data=body))
        data += h.send(h11.EndOfMessage())
        async with asyncio.timeout(self.limits.timeout_s):
            await self._send(writer, data)
        return not close

    async def _error(self, h: h11.Connection, writer: asyncio.StreamWriter, status: int, message: str, *, close: bool = False) -> bool:
        message = " ".join(message.split())
        try:
            return await self._simple(h, writer, status, (message + "\n").encode("utf-8"), "text/plain; charset=utf-8", close=close)
        except h11.LocalProtocolError:
            writer.write(_raw_response(status, message))
            return False

    async def _respond(self, h: h11.Connection, writer: asyncio.StreamWriter, request: h11.Request, body: bytes) -> bool:
        method = request.method.decode("ascii", "replace").upper()
        headers: dict[str, str] = {}
        for name, value in request.headers:
            headers[name.decode("latin-1").lower()] = value.decode("latin-1")
        host = headers.get("host")
        if host is not None and host.strip().lower() not in self.hosts:
            return await self._error(h, writer, 421, f"this server does not answer for host {host[:100]!r} "
                                     "(only 127.0.0.1 and localhost; kg serve --allow-host NAME for a proxy's name)", close=True)
        origin = headers.get("origin")
        if origin is not None and origin.strip().lower() not in self.origins:
            return await self._error(h, writer, 403, f"cross-site requests are refused (Origin {origin[:100]!r})")
        target = request.target.decode("latin-1")
        path, _, query_string = target.partition("?")
        path = urllib.parse.unquote(path)
        try:
            params = urllib.parse.parse_qs(query_string, keep_blank_values=True, max_num_fields=200, errors="strict")
        except (ValueError, UnicodeDecodeError):
            return await self._error(h, writer, 400, "the URL's parameters are not UTF-8 or too many")
        if path in ("/query", "/sparql"):
            return await self._sparql(h, writer, method, headers, params, body)
        if path == "/update":
            return await self._error(h, writer, 403, "SPARQL Update is refused: this endpoint is read-only")
        if path == "/store":
            if method in ("PUT", "POST", "DELETE", "PATCH"):
                return await self._error(h, writer, 403, "Graph Store writes are refused: this endpoint is read-only")
            if method not in ("GET", "HEAD"):
                return await self._error(h, writer, 405, f"{method} is not allowed here")
            if "graph" in params:
                request_json = {"kind": "graph", "graph": params["graph"][-1]}
            elif "default" in params:
                request_json = {"kind": "graph", "graph": None}
            else:
                request_json = {"kind": "graph", "dataset": True}
            request_json["accept"] = headers.get("accept")
            return await self._query(h, writer, request_json, peer=writer.get_extra_info("peername"))
        asset = self.assets.get("/" if path == "/index.html" else path)
        if asset is None:
            return await self._error(h, writer, 404, f"no such page: {path[:100]}")
        if method not in ("GET", "HEAD"):
            return await self._error(h, writer, 405, f"{method} is not allowed here")
        media, data = asset
        extra = (("x-frame-options", "DENY"),) if media.startswith("text/html") else ()
        return await self._simple(h, writer, 200, data, media, head=method == "HEAD", extra=extra)

    async def _sparql(self, h: h11.Connection, writer: asyncio.StreamWriter, method: str, headers: dict[str, str],
                      params: dict[str, list[str]], body: bytes) -> bool:
        from kg.store.query import uses_service

        kind = headers.get("content-type", "").split(";")[0].strip().lower()
        if method == "POST":
            if kind == "application/x-www-form-urlencoded":
                try:
                    form = urllib.parse.parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=200, errors="strict")
                except (ValueError, UnicodeDecodeError):
                    return await self._error(h, writer, 400, "the form is not UTF-8 or has too many fields")
                for name, values in form.items():
                    params.setdefault(name, []).extend(values)
            elif kind == "application/sparql-query":
                try:
                    params.setdefault("query", []).append(body.decode("utf-8"))
                except UnicodeDecodeError:
                    return await self._error(h, writer, 400, "the query is not UTF-8")
            elif kind == "application/sparql-update":
                params.setdefault("update", []).append("")
            else:
                return await self._error(h, writer, 415, "send the query as application/x-www-form-urlencoded (query=…) or application/sparql-query")
        elif method != "GET":
            return await self._error(h, writer, 405, f"{method} is not allowed here (GET or POST a query)")
        if "update" in params:
            return await self._error(h, writer, 403, "SPARQL Update is refused: this endpoint is read-only")
        queries = params.get("query", [])
        if len(queries) != 1 or not queries[0].strip():
            return await self._error(h, writer, 400, "give one SPARQL query (the query parameter)")
        query = queries[0]
        if not self.limits.allow_service and uses_service(query):
            return await self._error(h, writer, 403, "federated queries (SERVICE) are refused by this endpoint "
                                                     "(kg serve --allow-service allows them)")
        request_json = {"query": query, "accept": headers.get("accept"), "prefixes": _prefixes(),
                        "union": not params.get("default-graph-uri"), "default_graph": params.get("default-graph-uri", []),
                        "named_graphs": params.get("named-graph-uri", [])}
        return await self._query(h, writer, request_json, peer=writer.get_extra_info("peername"))

    async def _query(self, h: h11.Connection, writer: asyncio.StreamWriter, request_json: dict, *, peer) -> bool:
        """Run one request on an engine and send its answer (see the module's doc for the failure modes)."""
        limits = self.limits
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limits.timeout_s
        try:
            async with asyncio.timeout_at(deadline):
                engine = await self.pool.acquire()
        except TimeoutError:
            return await self._error(h, writer, 503, f"busy: all {limits.workers} query engines were running "
                                                     f"queries for {limits.timeout_s:g} s; try again later")
        healthy, streaming, parts, size, media = False, False, [], 0, "application/octet-stream"
        watch = asyncio.ensure_future(watch_memory(engine, limits.max_memory_bytes)) if limits.max_memory_bytes else None
        failure: EngineError | None = None
        try:
            async with asyncio.timeout_at(deadline):
                async for kind, payload in engine.frames(request_json):
                    if kind == b"H":
                        media = json.loads(payload)["type"]
                    elif kind == b"D":
                        size += len(payload)
                        if size > limits.max_result_bytes:
                            raise ResultTooLarge(f"the answer is larger than this endpoint's limit of {limits.max_result_bytes // MB} MB "
                                                 "(kg serve --max-result-mb); add LIMIT or narrow the query", status=422)
                        if streaming:
                            await self._send(writer, h.send(h11.Data(data=payload)))
                            continue
                        parts.append(payload)
                        if size >= limits.stream_buffer_bytes:
                            head = h.send(h11.Response(status_code=200, reason=b"OK", headers=[
                                ("content-type", media), ("server", "kg-serve"), ("x-content-type-options", "nosniff")]))
                            streaming = True
                            await self._send(writer, head + b"".join(h.send(h11.Data(data=p)) for p in parts))
                            parts = []
                    elif kind == b"E":
                        failure = error_of(payload)
                        healthy = not failure.fatal
                        break
                    elif kind == b"F":
                        healthy = True
                        if streaming:
                            await self._send(writer, h.send(h11.EndOfMessage()))
                            return True
                        break
        except TimeoutError:
            failure = EngineTimeout(f"the query did not finish within {limits.timeout_s:g} s (this endpoint's time-out); "
                                    "it was stopped", status=504)
        except EngineCrashed as error:
            failure = error
            if watch is not None and watch.done() and not watch.cancelled() and watch.result():
                failure = EngineCrashed(f"the query used more than {limits.max_memory_bytes // MB} MB of memory "
                                        "(kg serve --max-memory-mb); it was stopped", status=507)
            else:
                self.log(f"the query engine crashed on a query from {peer[0] if peer else '?'}: {error}; restarting it")
        except EngineError as error:
            failure = error
        except (ConnectionError, OSError, h11.LocalProtocolError):
            healthy = False  # the client went away: the engine may be mid-answer
            return False
        finally:
            if watch is not None:
                watch.cancel()
            if not healthy:
                engine.kill()
            self.pool.release(engine, healthy=healthy)
        if failure is None:
            return await self._simple(h, writer, 200, b"".join(parts), media)
        if streaming:  # too late for a status: cut the chunked answer off, so no client takes it for whole
            writer.transport.abort()
            return False
        message = str(failure)
        if failure.syntax and "query" in request_json:
            from kg.store.query import syntax_error

            message = str(syntax_error(SyntaxError(message), request_json["query"]))
        elif isinstance(failure, EngineCrashed) and failure.status == 500:
            message += " (the engine was restarted; other queries were not affected)"
        return await self._error(h, writer, failure.status, message)


# --- the query page -----------------------------------------------------------------------------

ASSETS = {"/": "text/html; charset=utf-8", "/yasgui.min.js": "application/javascript",
          "/yasgui.min.css": "text/css", "/logo.svg": "image/svg+xml"}
FALLBACK_PAGE = (b"<!DOCTYPE html><html><head><meta charset='utf-8'><title>kg serve</title></head><body>"
                 b"<p>The query page could not be made (the oxigraph command is missing). "
                 b"POST SPARQL queries to <code>/query</code>.</p></body></html>")


@functools.lru_cache(maxsize=1)
def query_page() -> dict[str, tuple[str, bytes]]:
    """The YASGUI query page and its assets, as the ``oxigraph`` server (which embeds them) serves
    them: taken once from an Oxigraph server on an empty store, which is stopped at once."""
    import httpx

    folder = Path(tempfile.mkdtemp(prefix="kg-serve-page-"))
    try:
        server = start(location=folder / "db", port=free_port(), read_only=False, union_default_graph=False)
        try:
            assets = {}
            for path, media in ASSETS.items():
                response = httpx.get(f"http://{server.host}:{server.port}{path}", timeout=30)
                if response.status_code == 200:
                    assets[path] = (media, response.content)
            if "/" in assets:
                return assets
        finally:
            stop(server)
    except (ServeError, OSError, httpx.HTTPError):
        pass
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {"/": (ASSETS["/"], FALLBACK_PAGE)}


@functools.lru_cache(maxsize=1)
def explore_page() -> bytes:
    """The explorer page (:mod:`kg.store.explore`) over this server's SPARQL endpoint."""
    from kg.store.explore import page

    return page()


# --- running it ---------------------------------------------------------------------------------

@dataclass
class RunningEndpoint(_Addresses):
    """A running :class:`Endpoint` (in a thread of its own) and its URLs."""

    host: str
    port: int
    location: Path
    in_place: bool
    _endpoint: Endpoint
    _loop: asyncio.AbstractEventLoop
    _thread: threading.Thread
    read_only: bool = True
    limits: Limits = field(default_factory=Limits)

    def engine_pids(self) -> list[int]:
        """The process ids of the engine processes (for tests and monitoring)."""
        return sorted(e.pid for e in list(self._endpoint.pool.engines) if e.pid)

    @property
    def restarts(self) -> int:
        """How many engine processes were replaced after a crash, a time-out or an oversized answer."""
        return self._endpoint.pool.restarts

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the server stops (True) or ``timeout`` passes (False)."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def stop(self) -> None:
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._endpoint.stopped.set)
            self._thread.join(30)


def launch(location: Path, *, port: int, host: str = HOST, limits: Limits | None = None, in_place: bool = False,
           log: Callable[[str], None] | None = None) -> RunningEndpoint:
    """Start the endpoint over the store at ``location`` in a thread of its own; return once it answers
    (raises ServeError when it can't listen or the store can't be opened)."""
    limits = limits or Limits()
    limits.check()
    ready = threading.Event()
    box: dict = {}

    def run() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        endpoint = Endpoint(location, host=host, port=port, limits=limits, log=log or (lambda message: None))
        try:
            loop.run_until_complete(endpoint.start())
        except BaseException as error:  # noqa: BLE001 - handed to the caller
            box["error"] = error
            loop.close()
            ready.set()
            return
        box["endpoint"], box["loop"] = endpoint, loop
        ready.set()
        try:
            loop.run_until_complete(endpoint.stopped.wait())
        finally:
            loop.run_until_complete(endpoint.close())
            loop.close()

    thread = threading.Thread(target=run, name="kg-serve", daemon=True)
    thread.start()
    ready.wait()
    if "error" in box:
        error = box["error"]
        raise error if isinstance(error, ServeError) else ServeError(f"cannot start the endpoint: {error}")
    endpoint = box["endpoint"]
    return RunningEndpoint(host=host, port=endpoint.port, location=location, in_place=in_place, _endpoint=endpoint,
                           _loop=box["loop"], _thread=thread, limits=limits)


@contextmanager
def serve_store(*, store: Path, port: int, host: str = HOST, timeout_s: float = 30, limits: Limits | None = None,
                log: Callable[[str], None] | None = None) -> Iterator[RunningEndpoint]:
    """Serve a read-only snapshot of a built store; stop the server and delete the snapshot on exit.

    Queries see the union of the named graphs as their default graph and are stopped after
    ``timeout_s`` seconds (or ``limits.timeout_s``).  SPARQL Update and Graph Store writes are refused.
    """
    limits = limits or Limits(timeout_s=timeout_s)
    limits.check()
    location = snapshot(store)
    in_place = location is None
    if in_place:
        location = store
        if log:
            log(f"note: nothing can be written beside {_shown(store)} (read-only?): serving the store in place, without a snapshot")
    try:
        server = launch(location, port=port, host=host, limits=limits, in_place=in_place, log=log)
        try:
            yield server
        finally:
            server.stop()
    finally:
        if not in_place:
            shutil.rmtree(location.parent, ignore_errors=True)
