"""kg.store.push: a build into a real Oxigraph server (read-write) through the Graph Store Protocol."""

from __future__ import annotations

import base64
import re

import httpx
import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.store.push import PushError, PushSummary, push, read_graphs
from kg.store.serve import free_port, start, stop

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
    quads = list(ox.parse(path=str(out / "graph.nq"), format=ox.RdfFormat.N_QUADS))
    distinct_triples = {q.triple for q in quads}
    assert len(data) == len(distinct_triples) < len(quads) == summary.triples  # sent once per graph, stored once
    push(out, server.graph_store, graph=target, chunk_size=1000)
    assert len(dataset(server)) == len(distinct_triples)


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


def test_the_file_is_streamed_in_chunks_with_blank_node_triples_in_the_put_and_unsorted_graphs_appended(tmp_path) -> None:
    lines = [f'<{EX}s{i}> <{EX}p> "{i}" <{EX}g1> .' for i in range(5)]
    lines[2:2] = [f'_:b <{EX}p> "{i}" <{EX}g1> .' for i in range(3)]
    lines += [f'<{EX}s> <{EX}p> "x" <{EX}g2> .', f'<{EX}s9> <{EX}p> "9" <{EX}g1> .']  # g1 again after g2
    (tmp_path / "graph.nq").write_text("\n".join(lines) + "\n", encoding="utf-8")
    seen: list[httpx.Request] = []
    progress: list[tuple[int, int]] = []
    summary = push(tmp_path, "http://triplestore.invalid/store", transport=_mock([], seen), chunk_size=2,
                   on_progress=lambda done, total: progress.append((done, total)))
    sent = [(r.method, r.url.params["graph"], r.content.decode().count("\n")) for r in seen]
    # the graph's blank-node triples (gathered by the checking pass) go with its first chunk into its PUT
    assert sent == [("PUT", f"{EX}g1", 5), ("POST", f"{EX}g1", 2), ("POST", f"{EX}g1", 1), ("PUT", f"{EX}g2", 1),
                    ("POST", f"{EX}g1", 1)]
    assert seen[0].content.decode().count("_:") == 3 and all("_:" not in r.content.decode() for r in seen[1:])
    assert summary == PushSummary(graphs=2, triples=10, requests=5, retries=0)
    assert progress[-1] == (10, 10) and [done for done, _ in progress] == sorted(done for done, _ in progress)


def test_a_file_that_is_not_n_quads_sends_nothing(tmp_path) -> None:
    (tmp_path / "graph.nq").write_text(f'<{EX}s> <{EX}p> "x" <{EX}g1> .\n<{EX}s> <{EX}p> broken <{EX}g1> .\n', encoding="utf-8")
    seen: list[httpx.Request] = []
    with pytest.raises(PushError, match=r"graph\.nq: cannot read N-Quads"):
        push(tmp_path, "http://triplestore.invalid/store", transport=_mock([], seen))
    assert seen == []


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


class _GraphStore:
    """A Graph Store endpoint in memory (PUT replaces a graph, POST adds; every request's blank nodes
    are new nodes, as in a real store) that can write a request and then answer 500 (a proxy's time-out,
    a crash after the commit)."""

    def __init__(self, fail_after_writing) -> None:
        self.graphs: dict[str, set] = {}
        self.fail_after_writing = fail_after_writing  # request -> bool
        self.failed = 0

    def handler(self, request: httpx.Request) -> httpx.Response:
        graph = request.url.params["graph"]
        fresh: dict[str, ox.BlankNode] = {}

        def term(t):
            return fresh.setdefault(t.value, ox.BlankNode()) if isinstance(t, ox.BlankNode) else t

        triples = {(term(q.subject), q.predicate, term(q.object)) for q in ox.parse(request.content, format=ox.RdfFormat.N_TRIPLES)}
        if request.method == "PUT":
            self.graphs[graph] = triples
        else:
            self.graphs.setdefault(graph, set()).update(triples)
        if self.fail_after_writing(request):
            self.failed += 1
            return httpx.Response(500, text="written, then failed")
        return httpx.Response(204)


def test_a_retry_after_the_endpoint_wrote_and_answered_500_never_duplicates_blank_nodes(seeds_build) -> None:
    """Finding 8 of issue 17: the ontology's OWL axioms (blank nodes) were doubled by a retried POST."""
    _, out = seeds_build
    expected = build_dataset(out)
    ontology = "https://w3id.org/union-kg/ontology"
    axioms = sum(1 for q in expected if q.graph_name == ox.NamedNode(ontology))
    answered: set[tuple] = set()

    def once_per_request(request: httpx.Request) -> bool:  # every request with blank nodes fails once, after writing
        key = (request.method, request.url.params["graph"], request.content)
        if b"_:" in request.content and key not in answered:
            answered.add(key)
            return True
        return False

    store = _GraphStore(once_per_request)
    summary = push(out, "http://triplestore.invalid/store", transport=httpx.MockTransport(store.handler), backoff_s=0, chunk_size=50)
    assert store.failed >= 1 and summary.retries == store.failed
    assert len(store.graphs[ontology]) == axioms  # 227, not 250
    assert sum(len(triples) for triples in store.graphs.values()) == len(expected)
