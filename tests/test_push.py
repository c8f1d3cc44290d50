"""kg.push: a build into a real Oxigraph server (read-write) through the Graph Store Protocol."""

from __future__ import annotations

import base64
import re

import httpx
import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.push import PushError, chunks, push, read_graphs
from kg.serve import free_port, start, stop

EX = "urn:x:"


@pytest.fixture()
def server(tmp_path):
    """A fresh read-write Oxigraph server (no union default graph: graphs are seen as pushed)."""
    server = start(location=tmp_path / "db", port=free_port(), read_only=False, union_default_graph=False)
    yield server
    stop(server)


def dataset(server) -> ox.Dataset:
    """Everything the server holds, canonicalised (blank nodes relabelled) for comparison."""
    response = httpx.get(server.graph_store, headers={"Accept": "application/n-quads"}, timeout=60)
    assert response.status_code == 200, response.text
    data = ox.Dataset(ox.parse(response.content, format=ox.RdfFormat.N_QUADS))
    data.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return data


def build_dataset(out) -> ox.Dataset:
    """graph.nq as an Oxigraph store holds it (numbers in canonical form: "20.0" -> "20", and
    xsd:nonNegativeInteger stored as xsd:integer), canonicalised."""
    store = ox.Store()
    store.load(path=str(out / "graph.nq"), format=ox.RdfFormat.N_QUADS)
    data = ox.Dataset(store)
    data.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return data


def test_push_round_trips_the_build_as_named_graphs_and_repushing_changes_nothing(server, seeds_build) -> None:
    _, out = seeds_build
    expected = build_dataset(out)
    graphs = read_graphs(out)
    assert len(graphs) > 40 and all(isinstance(name, ox.NamedNode) for name in graphs)

    first = push(out, server.graph_store)
    assert first.graphs == len(graphs) and first.triples == len(expected)
    assert dataset(server) == expected
    assert any(isinstance(q.subject, ox.BlankNode) for q in expected)  # the ontology's axioms: compared canonicalised
    second = push(out, server.graph_store, chunk_size=500)  # chunked: PUT then POSTs per large graph
    assert second.requests > first.requests
    assert dataset(server) == expected


def test_push_replaces_stale_triples_of_a_graph_and_keeps_other_graphs(server, seeds_build) -> None:
    _, out = seeds_build
    article = next(name for name in read_graphs(out) if "/article/" in name.value)
    stale = f"<{EX}stale> <{EX}p> \"old\" ."
    for graph in (article.value, f"{EX}other"):
        response = httpx.put(server.graph_store, params={"graph": graph}, content=stale.encode(), headers={"Content-Type": "application/n-triples"})
        assert response.status_code in (201, 204)
    push(out, server.graph_store)
    quads = set(dataset(server))
    stale_quads = {q for q in quads if q.subject == ox.NamedNode(f"{EX}stale")}
    assert {q.graph_name for q in stale_quads} == {ox.NamedNode(f"{EX}other")}


def test_push_into_one_named_graph(server, seeds_build) -> None:
    _, out = seeds_build
    target = f"{EX}archive/seeds"
    summary = push(out, server.graph_store, graph=target, chunk_size=1000)
    assert summary.graphs == 1 and summary.requests >= 10
    data = dataset(server)
    assert {q.graph_name for q in data} == {ox.NamedNode(target)}
    distinct_triples = {q.triple for q in ox.parse(path=str(out / "graph.nq"), format=ox.RdfFormat.N_QUADS)}
    assert len(data) == len(distinct_triples) == summary.triples
    push(out, server.graph_store, graph=target, chunk_size=1000)
    assert len(dataset(server)) == summary.triples


def test_chunks_keep_blank_node_triples_together() -> None:
    named = [ox.Triple(ox.NamedNode(f"{EX}{i}"), ox.NamedNode(f"{EX}p"), ox.Literal(str(i))) for i in range(7)]
    blank = [ox.Triple(ox.BlankNode("b"), ox.NamedNode(f"{EX}p"), ox.Literal(str(i))) for i in range(3)]
    parts = list(chunks(named[:4] + blank + named[4:], size=2))
    assert parts[0][:3] == blank
    assert sorted(map(str, (t for part in parts for t in part))) == sorted(map(str, named + blank))
    assert all(len(part) <= 2 for part in parts[1:])


def _mock(responses: list, seen: list):
    """A transport answering from a script: an int status, or an exception to raise."""

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = responses.pop(0) if responses else 204
        if isinstance(answer, Exception):
            raise answer
        return httpx.Response(answer, text="" if answer < 400 else "nope")

    return httpx.MockTransport(handler)


def _tiny_build(tmp_path):
    (tmp_path / "graph.nq").write_text(f'<{EX}s> <{EX}p> "工会"@zh <{EX}g1> .\n<{EX}s> <{EX}p> "x" <{EX}g2> .\n', encoding="utf-8")
    return tmp_path


def test_transient_failures_are_retried_with_auth_and_graph_parameters(tmp_path) -> None:
    seen: list[httpx.Request] = []
    transport = _mock([503, httpx.ConnectError("refused"), 204, 201], seen)
    summary = push(_tiny_build(tmp_path), "http://triplestore.invalid/ds/data?x=1", auth=("ann", "s3cret"),
                   transport=transport, backoff_s=0)
    assert summary.retries == 2 and summary.requests == 2 and summary.triples == 2
    assert [r.method for r in seen] == ["PUT"] * 4
    assert [r.url.params["graph"] for r in seen] == [f"{EX}g1"] * 3 + [f"{EX}g2"]
    assert all(r.url.params["x"] == "1" for r in seen)
    assert seen[0].headers["authorization"] == "Basic " + base64.b64encode(b"ann:s3cret").decode()
    assert "工会" in seen[2].content.decode("utf-8")


@pytest.mark.parametrize(
    ("responses", "message"),
    [
        ([403], "PUT graph <urn:x:g1> failed: HTTP 403: nope"),
        ([500, 500, 500], "failed after 3 attempts: HTTP 500"),
    ],
)
def test_failures_are_one_line_errors(tmp_path, responses, message) -> None:
    seen: list[httpx.Request] = []
    attempts = len(responses)
    with pytest.raises(PushError, match=re.escape(message)) as error:
        push(_tiny_build(tmp_path), "http://triplestore.invalid/store", transport=_mock(responses, seen), retries=2, backoff_s=0)
    assert "\n" not in str(error.value)
    assert len(seen) == attempts


def test_kg_push_cli(server, seeds_build, tmp_path) -> None:
    _, out = seeds_build
    runner = CliRunner()
    result = runner.invoke(app, ["push", server.graph_store, "--from", str(out)])
    assert result.exit_code == 0, result.output
    assert "pushed" in result.stderr and result.stdout == ""
    assert dataset(server) == build_dataset(out)
    result = runner.invoke(app, ["push", server.graph_store, "--from", str(tmp_path / "none")])
    assert result.exit_code == 1 and result.stderr.startswith("error: ") and "no such file" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_kg_push_to_the_read_only_server_is_refused(seeds_server, seeds_build) -> None:
    _, out = seeds_build
    result = CliRunner().invoke(app, ["push", seeds_server.graph_store, "--from", str(out)])
    assert result.exit_code == 1
    assert "HTTP 403" in result.stderr and len(result.stderr.strip().splitlines()) == 1
