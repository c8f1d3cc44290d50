"""kg.store.serve: the endpoint (HTTP front and engine processes) over a snapshot of the built store, read-only."""

from __future__ import annotations

import csv
import io
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from conftest import ROOT
from kg.build.export import write_store
from kg.store.query import open_store, run_query, run_remote
from kg.store.serve import ServeError, free_port, serve_store, start

QUERIES = sorted((ROOT / "ontology" / "queries").glob("*.rq"))
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


@pytest.fixture(scope="module")
def local(seeds_build):
    """Every shipped query's answer from the local store: name -> (variables, rows)."""
    _, out = seeds_build
    store = open_store(out / "store")
    answers = {}
    for path in QUERIES:
        result = run_query(store, path.read_text(encoding="utf-8"))
        answers[path.name] = (result.variables, result.rows)
    return answers


def post(server, query: str, accept: str) -> httpx.Response:
    response = httpx.post(server.endpoint, data={"query": query}, headers={"Accept": accept}, timeout=30)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(accept)
    return response


def values(results) -> tuple[tuple[str, ...], list[tuple[str | None, ...]]]:
    variables = tuple(v.value for v in results.variables)
    return variables, [tuple(None if s[v] is None else s[v].value for v in variables) for s in results]


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.name)
def test_shipped_queries_over_http_json_csv_tsv_match_the_local_answers(seeds_server, local, path) -> None:
    query = path.read_text(encoding="utf-8")
    variables, rows = local[path.name]
    assert rows, f"{path.name} has no answer on the seeds"

    as_json = post(seeds_server, query, "application/sparql-results+json")
    assert values(ox.parse_query_results(as_json.content, format=ox.QueryResultsFormat.JSON)) == (variables, rows)

    as_tsv = post(seeds_server, query, "text/tab-separated-values")
    assert as_tsv.text.splitlines()[0] == "\t".join(f"?{v}" for v in variables)
    assert values(ox.parse_query_results(as_tsv.content, format=ox.QueryResultsFormat.TSV)) == (variables, rows)

    as_csv = list(csv.reader(io.StringIO(post(seeds_server, query, "text/csv").text)))
    assert tuple(as_csv[0]) == variables
    assert as_csv[1:] == [["" if v is None else v for v in row] for row in rows]


def test_kg_query_endpoint_client_gets_the_same_answers(seeds_server, local) -> None:
    for path in QUERIES:
        result = run_remote(seeds_server.endpoint, path.read_text(encoding="utf-8"))
        assert (result.variables, result.rows) == local[path.name], path.name
    assert run_remote(seeds_server.endpoint, 'ASK { ?u rdfs:label "滨海县总工会"@zh }').boolean is True


def test_updates_and_graph_store_writes_are_refused(seeds_server) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    before = run_remote(seeds_server.endpoint, count).rows
    update = httpx.post(seeds_server.update_endpoint, data={"update": "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }"})
    assert update.status_code == 403
    for method in ("PUT", "POST", "DELETE"):
        response = httpx.request(method, seeds_server.graph_store, params={"graph": "urn:x:g"},
                                 content=b"<urn:x:a> <urn:x:b> <urn:x:c> .", headers={"Content-Type": "application/n-triples"})
        assert response.status_code == 403, method
    assert run_remote(seeds_server.endpoint, count).rows == before
    assert int(before[0][0]) > 1000


def test_query_page_and_its_assets_are_served_locally(seeds_server) -> None:
    page = httpx.get(seeds_server.url)
    assert page.status_code == 200 and "Yasgui" in page.text
    for asset in ("yasgui.min.js", "yasgui.min.css"):
        assert f"./{asset}" in page.text  # relative: no CDN
        response = httpx.get(seeds_server.url + asset)
        assert response.status_code == 200 and len(response.content) > 10_000


def test_serving_a_snapshot_lets_build_replace_the_store(tmp_path, seeds_build) -> None:
    _, out = seeds_build
    store = tmp_path / "store"
    shutil.copytree(out / "store", store)
    with serve_store(store=store, port=free_port()) as server:
        assert server.location.parent.parent == tmp_path and server.location != store
        # what kg build does: a new store swapped in under the same name
        write_store([ox.Quad(ox.NamedNode("urn:x:u"), LABEL, ox.Literal("新工会", language="zh"), ox.NamedNode("urn:x:g"))], store)
        assert len(open_store(store)) == 1
        answer = run_remote(server.endpoint, 'ASK { ?u rdfs:label "滨海县总工会"@zh }')
        assert answer.boolean is True  # still the snapshot
        snapshot = server.location
    assert not snapshot.exists() and not snapshot.parent.exists()


def test_query_time_out_cancels_a_runaway_query(seeds_build) -> None:
    _, out = seeds_build
    started = time.monotonic()
    with serve_store(store=out / "store", port=free_port(), timeout_s=1) as server:
        with pytest.raises(Exception, match="HTTP 504: the query did not finish within 1 s"):
            run_remote(server.endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }", timeout=60)
    assert time.monotonic() - started < 30


def test_a_busy_port_is_a_clear_error(seeds_server, tmp_path) -> None:
    with pytest.raises(ServeError, match=f"cannot listen on 127.0.0.1:{seeds_server.port}"):
        start(location=tmp_path / "db", port=seeds_server.port)


def test_kg_serve_prints_the_urls_and_stops_cleanly_on_sigterm(seeds_build, tmp_path) -> None:
    _, out = seeds_build
    store = tmp_path / "store"
    shutil.copytree(out / "store", store)
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--store", str(store), "--port", "0", "--timeout", "10"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )
    try:
        page_line = process.stdout.readline()
        endpoint_line = process.stdout.readline()
        explore_line = process.stdout.readline()
        assert page_line.startswith("query page (YASGUI): http://127.0.0.1:"), page_line
        assert explore_line.startswith("graph explorer:      http://127.0.0.1:"), explore_line
        endpoint = endpoint_line.split()[-1]
        assert endpoint.endswith("/query")
        assert "Yasgui" in httpx.get(page_line.split()[-1]).text
        assert "union-kg explorer" in httpx.get(explore_line.split()[-1]).text
        assert run_remote(endpoint, "SELECT ?l WHERE { ?u a ukg:UnionBody ; rdfs:label ?l } LIMIT 1").rows
        snapshots = list(tmp_path.glob(".store.serve-*"))
        assert len(snapshots) == 1
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=20)
    assert process.returncode == 0, stderr
    assert "stopped" in stderr
    assert not list(tmp_path.glob(".store.serve-*"))


def test_snapshots_of_killed_servers_are_removed(seeds_build, tmp_path) -> None:
    _, out = seeds_build
    store = tmp_path / "store"
    shutil.copytree(out / "store", store)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / ".store.serve-stale"
    stale.mkdir()
    (stale / "pid").write_text(str(dead.pid))
    alive = tmp_path / ".store.serve-alive"
    alive.mkdir()
    (alive / "pid").write_text(str(os.getpid()))
    with serve_store(store=store, port=free_port()):
        assert not stale.exists() and alive.exists()


def test_not_a_store_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(ServeError, match="not an Oxigraph store"):
        with serve_store(store=tmp_path, port=free_port()):
            pass


def test_kg_query_cli_against_the_endpoint_with_a_param(seeds_server, seeds_build) -> None:
    from typer.testing import CliRunner

    from kg.cli import app

    query = str(ROOT / "ontology" / "queries" / "about-union.rq")
    args = ["query", query, "--param", "name=北京市总工会", "--format", "csv"]
    remote = CliRunner().invoke(app, [*args, "--endpoint", seeds_server.endpoint])
    local = CliRunner().invoke(app, [*args, "--store", str(seeds_build[1] / "store")])
    assert remote.exit_code == 0 and local.exit_code == 0, remote.output + local.output
    assert remote.stdout == local.stdout and "北京市总工会" in remote.stdout
    broken = CliRunner().invoke(app, ["query", "SELECT * WHERE { ?s ?p ?o", "--endpoint", seeds_server.endpoint])
    assert broken.exit_code == 1 and broken.stderr.startswith("error: SPARQL syntax error at line 1, column 26")
    down = CliRunner().invoke(app, ["query", "ASK { ?s ?p ?o }", "--endpoint", f"http://127.0.0.1:{free_port()}/query"])
    assert down.exit_code == 1 and "ConnectError" in down.stderr and len(down.stderr.splitlines()) == 1


@pytest.mark.skipif(sys.platform != "linux", reason="parent-death signal is Linux-only")
def test_a_killed_parent_never_leaves_a_server_behind(tmp_path) -> None:
    code = ("import time; from pathlib import Path; from kg.store.serve import free_port, start\n"
            f"server = start(location=Path({str(tmp_path / 'db')!r}), port=free_port(), read_only=False)\n"
            "print(server.process.pid, server.port, flush=True); time.sleep(60)")
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    pid, port = map(int, parent.stdout.readline().split())
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/status").read_text().split("State:")[1].split()[0]
        except (FileNotFoundError, IndexError):
            state = "gone"
        if state in ("Z", "X", "gone"):
            break
        time.sleep(0.1)
    assert state in ("Z", "X", "gone"), f"oxigraph server {pid} still running ({state})"
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
