"""Serve a built store over HTTP with the Oxigraph server (SPARQL 1.1 Protocol, Graph Store
Protocol and a YASGUI query page), from the ``oxigraph`` command that the ``oxigraph`` package
installs next to the Python interpreter.

``kg serve`` does not serve ``out/store`` itself: it takes a snapshot of it (a RocksDB checkpoint:
hard links to the store's immutable table files, so it is instant and takes no space) in a
private folder beside the store and serves that read-only.  ``kg build`` may then replace
``out/store`` while the server runs; the server keeps answering from the snapshot until it is
restarted, and the snapshot is deleted when the server stops.

Example:
    >>> with serve_store(store=Path("out/store"), port=free_port()) as server:  # doctest: +SKIP
    ...     print(server.endpoint)
    http://127.0.0.1:…/query
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

HOST = "127.0.0.1"


class ServeError(RuntimeError):
    """The server cannot be started (one-line message)."""


@dataclass(frozen=True)
class Server:
    """A running Oxigraph server process and its URLs."""

    process: subprocess.Popen
    host: str
    port: int
    location: Path
    read_only: bool

    @property
    def url(self) -> str:
        """The browser query page (YASGUI)."""
        return f"http://{self.host}:{self.port}/"

    @property
    def endpoint(self) -> str:
        """The SPARQL 1.1 Protocol query endpoint."""
        return f"http://{self.host}:{self.port}/query"

    @property
    def update_endpoint(self) -> str:
        return f"http://{self.host}:{self.port}/update"

    @property
    def graph_store(self) -> str:
        """The SPARQL 1.1 Graph Store HTTP Protocol endpoint (``?graph=IRI`` / ``?default``)."""
        return f"http://{self.host}:{self.port}/store"


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


def snapshot(store: Path) -> Path:
    """Checkpoint a built store into a new private folder beside it and return that folder."""
    if not (store / "CURRENT").is_file():
        raise ServeError(f"{store}: not an Oxigraph store (run 'kg build' first)")
    _remove_stale_snapshots(store)
    parent = Path(tempfile.mkdtemp(prefix=f".{store.name}.serve-", dir=store.parent))
    (parent / "pid").write_text(str(os.getpid()))
    target = parent / "store"
    try:
        ox.Store.read_only(str(store)).backup(str(target))
    except OSError as error:
        shutil.rmtree(parent, ignore_errors=True)
        raise ServeError(f"{store}: cannot snapshot the store: {error}") from None
    return target


def _die_with_parent() -> None:
    """In the child: get SIGTERM when the parent dies, so a killed kg never leaves a server behind."""
    import ctypes
    import signal

    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


def _remove_stale_snapshots(store: Path) -> None:
    """Delete snapshots left by servers that were killed (their owner process is gone)."""
    for folder in store.parent.glob(f".{store.name}.serve-*"):
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


@contextmanager
def serve_store(*, store: Path, port: int, host: str = HOST, timeout_s: int = 30) -> Iterator[Server]:
    """Serve a read-only snapshot of a built store; stop the server and delete the snapshot on exit.

    Queries see the union of the named graphs as their default graph and are cut off after
    ``timeout_s`` seconds.  SPARQL Update and Graph Store writes are refused by the server.
    """
    location = snapshot(store)
    try:
        server = start(location=location, port=port, host=host, read_only=True, timeout_s=timeout_s)
        try:
            yield server
        finally:
            stop(server)
    finally:
        shutil.rmtree(location.parent, ignore_errors=True)
