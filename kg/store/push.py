"""Push a build into a SPARQL 1.1 Graph Store HTTP Protocol endpoint (Oxigraph server, Apache Jena
Fuseki, GraphDB, Virtuoso …), one named graph per article as in ``out/graph.nq``.

Each graph is replaced with HTTP PUT (``ENDPOINT?graph=IRI``): its first request is a PUT, and a
graph larger than ``chunk_size`` triples continues with POSTs (append) of the next chunks.  Pushing
the same build again therefore leaves exactly the same data.  The file is streamed: memory holds one
chunk, the names of the graphs already started and the triples with blank nodes (the ontology's OWL
axioms).  The file is parsed once before anything is sent, so a file that is not valid N-Quads
changes nothing in the endpoint; that first pass also gathers each graph's blank-node triples, which
go into the graph's first request, its PUT, so that no blank node is split across documents.

Failed requests (connection errors, time-outs, HTTP 408/429/5xx) are retried with exponential
back-off, which is safe even when the endpoint wrote before it failed: a PUT replaces the graph
again, and the POSTs that follow carry only triples without blank nodes, which a store holds once
however often they are sent (a retried POST of blank nodes would add a second copy of each).

Example:
    >>> push(Path("out"), "http://127.0.0.1:7878/store")  # doctest: +SKIP
    PushSummary(graphs=46, triples=11883, requests=46, retries=0)
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox

from kg.store.query import QueryError, endpoint_url, shown

RETRY_STATUS = frozenset({408, 429, 500, 502, 503, 504})
CONTENT_TYPE = "text/turtle; charset=utf-8"  # the body is N-Triples, which is a subset of Turtle


class PushError(RuntimeError):
    """A push that cannot go on (one-line message)."""


@dataclass(frozen=True)
class PushSummary:
    graphs: int
    triples: int
    requests: int
    retries: int


GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph


def read_graphs(source: Path) -> dict[GraphName, list[ox.Triple]]:
    """The triples of each graph of a build (a build folder, whose ``graph.nq`` is read, or an .nq file)."""
    graphs: dict[GraphName, list[ox.Triple]] = {}
    for quad in _quads(_nquads_path(source)):
        graphs.setdefault(quad.graph_name, []).append(quad.triple)
    return graphs


def _nquads_path(source: Path) -> Path:
    try:
        path = source / "graph.nq" if source.is_dir() else source
        found = path.is_file()
    except (OSError, ValueError) as error:  # a name too long, a NUL byte …
        raise PushError(f"{shown(source)}: {getattr(error, 'strerror', None) or error}") from None
    if not found:
        raise PushError(f"{shown(path)}: no such file (run 'kg build' first)")
    return path


def _endpoint(endpoint: str) -> httpx.URL:
    """The Graph Store endpoint's URL, checked as ``kg query --endpoint`` checks its URL (PushError when it
    is not an http(s) URL with a host)."""
    try:
        return httpx.URL(endpoint_url(endpoint))
    except QueryError:
        raise PushError(f"{shown(endpoint)!r} is not an http(s) URL (e.g. http://127.0.0.1:7878/store)") from None


def _quads(path: Path) -> Iterator[ox.Quad]:
    try:
        yield from ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS)
    except (SyntaxError, OSError) as error:
        raise PushError(f"{path}: cannot read N-Quads: {str(error).splitlines()[0]}") from None


def _has_blank(triple: ox.Triple) -> bool:
    return isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode)


def push(
    source: Path,
    endpoint: str,
    *,
    graph: str | None = None,
    auth: tuple[str, str] | None = None,
    chunk_size: int = 50_000,
    retries: int = 4,
    backoff_s: float = 0.5,
    timeout_s: float = 120.0,
    on_progress: Callable[[int, int], None] | None = None,
    transport: httpx.BaseTransport | None = None,
) -> PushSummary:
    """Load a build into the Graph Store endpoint ``endpoint``: every graph of the build is replaced
    in the endpoint by the build's triples.

    With ``graph``, all triples go into that one named graph instead (replaced as a whole; a triple
    that several article graphs hold is sent once per graph and stored once).
    ``on_progress(triples_done, triples_total)`` is called after each request.
    """
    base = _endpoint(endpoint)
    path = _nquads_path(source)
    target: GraphName | None = None
    if graph is not None:
        try:
            target = ox.NamedNode(graph)
        except ValueError as error:
            raise PushError(f"--graph {graph!r} is not an IRI: {error}") from None
    # A first pass: a broken file must not leave the endpoint half-updated; and each graph's blank-node
    # triples, which go into its PUT.
    total = 0
    blank: dict[GraphName, list[ox.Triple]] = {}
    for quad in _quads(path):
        total += 1
        if _has_blank(quad.triple):
            blank.setdefault(target or quad.graph_name, []).append(quad.triple)
    seen: set[GraphName] = set()  # graphs already replaced: a graph met again later (unsorted input) is appended to
    done = requests = retried = 0
    with httpx.Client(auth=auth, timeout=timeout_s, transport=transport) as client:

        def send(name: GraphName, triples: list[ox.Triple]) -> None:
            nonlocal done, requests, retried
            method = "POST" if name in seen else "PUT"
            if method == "PUT":
                triples = blank.pop(name, []) + triples
            seen.add(name)
            retried += _send(client, method, _graph_url(base, name), name, triples, retries=retries, backoff_s=backoff_s)
            requests += 1
            done += len(triples)
            if on_progress:
                on_progress(done, total)

        current: GraphName | None = None
        chunk: list[ox.Triple] = []
        for quad in _quads(path):
            name = target or quad.graph_name
            if _has_blank(quad.triple):
                continue  # gathered by the first pass
            if chunk and (name != current or len(chunk) >= chunk_size):
                send(current, chunk)
                chunk = []
            current = name
            chunk.append(quad.triple)
        if chunk:
            send(current, chunk)
        for name in list(blank):  # graphs of blank-node triples only
            send(name, [])
    return PushSummary(graphs=len(seen), triples=total, requests=requests, retries=retried)


def _graph_url(url: httpx.URL, name: GraphName) -> httpx.URL:
    if isinstance(name, ox.DefaultGraph):
        return url.copy_merge_params({"default": ""})
    if isinstance(name, ox.BlankNode):
        raise PushError(f"graph {name} is a blank node: the Graph Store Protocol can only address IRIs")
    return url.copy_merge_params({"graph": name.value})


def _send(client: httpx.Client, method: str, url: httpx.URL, name: GraphName, triples: list[ox.Triple], *, retries: int, backoff_s: float) -> int:
    """Send one request, retrying transient failures; returns how many retries it took."""
    body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    where = "the default graph" if isinstance(name, ox.DefaultGraph) else f"graph <{name.value}>"
    for attempt in range(retries + 1):
        reason = ""
        try:
            response = client.request(method, url, content=body, headers={"Content-Type": CONTENT_TYPE})
        except httpx.TransportError as error:
            reason = f"{type(error).__name__}: {error}"
        else:
            if response.status_code in (200, 201, 204):
                return attempt
            text = " ".join(response.text.split())[:200]
            reason = f"HTTP {response.status_code}: {text or response.reason_phrase}"
            if response.status_code not in RETRY_STATUS:
                raise PushError(f"{url.copy_with(query=None)}: {method} {where} failed: {reason}")
        if attempt < retries:
            time.sleep(backoff_s * 2**attempt)
    raise PushError(f"{url.copy_with(query=None)}: {method} {where} failed after {retries + 1} attempts: {reason}")
