"""Query: SPARQL over the built Oxigraph store or a remote SPARQL 1.1 endpoint.

The store's named graphs (one per article) are unioned as the default graph; the
usual prefixes (``ukg: id: org: prov: schema: skos: oa: rdf: rdfs: xsd:`` …) are
predeclared.  Parameters are bound as RDF terms, never pasted into the query text
as strings (see :func:`param_term` and :func:`bind_params`).

Example:
    >>> import pyoxigraph as ox
    >>> store = ox.Store()
    >>> store.add(ox.Quad(ox.NamedNode("http://x/a"), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal("工会", language="zh"), ox.NamedNode("http://x/g")))
    >>> run_query(store, "SELECT ?s WHERE { ?s rdfs:label ?l }", params={"l": param_term("工会")}).rows
    [('http://x/a',)]
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.rdf.namespace import PREFIXES

FORMATS = ("table", "csv", "tsv", "json")
MB = 1024 * 1024
#: What kg query asks an engine or endpoint for: SPARQL JSON results, or N-Triples for CONSTRUCT/DESCRIBE.
ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8"
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")


class QueryError(ValueError):
    """A query that cannot be parsed or run (one-line message)."""


@dataclass(frozen=True)
class QueryResult:
    variables: tuple[str, ...]
    rows: list[tuple[str | None, ...]]
    boolean: bool | None = None


def shown(path: Path | str) -> str:
    r"""A path or argument for a one-line message: bytes that are not UTF-8 become escapes.

    >>> shown(b"a\xffb".decode("utf-8", "surrogateescape"))
    'a\\xffb'
    """
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def check_store(path: Path) -> None:
    """Raise QueryError (one line, naming the path) unless ``path`` looks like an Oxigraph store."""
    try:
        is_store = (path / "CURRENT").exists() or any(path.glob("*.sst"))
    except OSError as error:  # a name too long, a loop of links, no permission …
        raise QueryError(f"{shown(path)}: {error.strerror or error}") from None
    if not is_store:
        raise QueryError(f"{shown(path)}: not an Oxigraph store (run 'kg build' first)")


def open_store(path: Path) -> ox.Store:
    """Open a built store read-only (raises QueryError naming the path when it is not a store)."""
    check_store(path)
    try:
        return ox.Store.read_only(str(path))
    except OSError as error:
        raise QueryError(f"{shown(path)}: cannot open store: {str(error).splitlines()[0] if str(error) else error}") from None


def open_graph(source: ox.Store | Path | str) -> ox.Store:
    """The one way to open a graph for reading: a store (as it is), a store folder written by kg build
    (read-only), or a graph file (.ttl, .nt, .nq, .trig) loaded into memory.  Raises QueryError with
    one line naming the path (missing, not a store, damaged, unknown format).

    >>> open_graph(ox.Store()).__class__.__name__
    'Store'
    >>> open_graph("/no/such/graph.ttl")
    Traceback (most recent call last):
    kg.store.query.QueryError: /no/such/graph.ttl: no such graph file or store directory
    """
    from kg.ingest.files import file_kind, reason

    if isinstance(source, ox.Store):
        return source
    path = Path(source)
    try:
        kind = file_kind(os.stat(path).st_mode)
    except FileNotFoundError:
        raise QueryError(f"{shown(path)}: no such graph file or store directory") from None
    except OSError as error:
        raise QueryError(f"{shown(path)}: {reason(error)}") from None
    if kind == "folder":
        try:
            return open_store(path)
        except RuntimeError as error:  # RocksDB: files missing or corrupt
            first = (str(error).splitlines() or [type(error).__name__])[0][:200]
            raise QueryError(f"{shown(path)}: damaged or not an Oxigraph store ({first}); build it again "
                             "with kg build --full") from None
    if kind != "file":
        raise QueryError(f"{shown(path)}: not a graph file ({kind})")
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".").lower())
    if fmt is None:
        raise QueryError(f"{shown(path)}: unknown RDF format (use .ttl, .nt, .nq or .trig)")
    store = ox.Store()
    try:
        store.bulk_load(path=str(path), format=fmt)
    except (OSError, SyntaxError) as error:
        raise QueryError(f"{shown(path)}: cannot read graph: {(str(error).splitlines() or [type(error).__name__])[0][:200]}") from None
    return store


def with_prefixes(query: str) -> str:
    """Prepend the usual prefixes (ukg:, org:, prov:, schema:, skos: …) that the query does not declare."""
    declared = {line.split()[1].rstrip(":").lower() for line in query.splitlines() if line.strip().lower().startswith("prefix ") and len(line.split()) > 1}
    header = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items() if p.lower() not in declared)
    return header + query


# --- parameters -------------------------------------------------------------------------------

def param_term(value: str) -> ox.NamedNode | ox.Literal:
    """The RDF term a ``--param NAME=VALUE`` value stands for.

    * Turtle term syntax is taken as written: ``<https://…>`` (IRI), ``ukg:Initiative`` or
      ``id:union/滨海县总工会`` (a predeclared prefix), ``"5000"^^xsd:decimal``, ``"labour"@en``,
      ``"人"`` (a plain string).
    * Anything else is text: a literal tagged ``@zh`` when it contains a Chinese character (every
      label, alternative label, headline and evidence sentence in the graph is ``@zh``), else a
      plain ``xsd:string`` (file names, units such as ``CNY``, admin levels such as ``province``).

    >>> param_term("滨海县总工会")
    <Literal value=滨海县总工会 language=zh>
    >>> param_term("<https://w3id.org/union-kg/id/union/x>").value
    'https://w3id.org/union-kg/id/union/x'
    """
    text = value.strip()
    prefix, _, local = text.partition(":")
    if prefix in PREFIXES and local and not local.startswith("//") and not re.search(r"\s", local):
        try:
            return ox.NamedNode(PREFIXES[prefix] + local)
        except ValueError as error:
            raise QueryError(f"parameter value {text!r} is not an IRI: {error}") from None
    if text[:1] in ('"', "'", "<"):
        return _parse_turtle_term(text)
    if HAN.search(value):
        return ox.Literal(value, language="zh")
    return ox.Literal(value)


def _parse_turtle_term(text: str) -> ox.NamedNode | ox.Literal:
    header = "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in PREFIXES.items())
    document = f"{header}<urn:kg:s> <urn:kg:p> {text} .\n"
    try:
        quads = list(ox.parse(document.encode("utf-8"), format=ox.RdfFormat.TURTLE))
    except SyntaxError:
        quads = []
    if len(quads) != 1 or not isinstance(quads[0].object, (ox.NamedNode, ox.Literal)):
        raise QueryError(f"parameter value {text!r} is not one RDF term (write an IRI as <…>, a literal as \"…\", \"…\"@en or \"…\"^^xsd:decimal)")
    return quads[0].object


def parse_param(text: str) -> tuple[str, ox.NamedNode | ox.Literal]:
    """Split ``NAME=VALUE`` into a variable name and its RDF term (see :func:`param_term`).

    >>> parse_param("union=滨海县总工会")
    ('union', <Literal value=滨海县总工会 language=zh>)
    """
    name, sep, value = text.partition("=")
    name = name.strip().lstrip("?$")
    if not sep or not re.fullmatch(r"[A-Za-z_\u00c0-\ufffd][\w\u00b7\u00c0-\ufffd]*", name):
        raise QueryError(f"--param {text!r}: expected NAME=VALUE, e.g. union=滨海县总工会")
    return name, param_term(value)


_TOKEN = re.compile(
    r"""(?P<ws>\s+)|(?P<comment>\#[^\n]*)
    |(?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
    |(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    |(?P<var>[?$][\w\u00b7\u00c0-\ufffd]+)
    |(?P<word>[A-Za-z_][\w-]*)
    |(?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)


def _tokens(query: str) -> list[tuple[str, str, int]]:
    """(kind, text, offset) of the query's tokens, without white space and comments."""
    return [(m.lastgroup, m.group(), m.start()) for m in _TOKEN.finditer(query) if m.lastgroup not in ("ws", "comment")]


def uses_service(query: str) -> bool:
    """Whether the query has a ``SERVICE`` clause (a federated query, which makes the engine send
    HTTP requests).  Read from the query's tokens, so the word in a string, an IRI, a comment or a
    prefixed name (``ex:service``) does not count; codepoint escapes (``\\u0053ERVICE``) are read
    both ways.

    >>> uses_service("SELECT * { service silent <http://x/sparql> { ?s ?p ?o } }")
    True
    >>> uses_service('SELECT * { ?s ex:service "SERVICE" ; service:p <urn:SERVICE> } # SERVICE')
    False
    """
    texts = {query, _CODEPOINT.sub(lambda m: _codepoint(m.group()), query)}
    for text in texts:
        tokens = _tokens(text)
        for i, (kind, word, offset) in enumerate(tokens):
            if kind != "word" or word.upper() != "SERVICE":
                continue
            before = tokens[i - 1] if i else None
            after = tokens[i + 1] if i + 1 < len(tokens) else None
            if before and before[1] == ":" and before[2] + 1 == offset:
                continue  # the local part of a prefixed name
            if after and after[1] == ":" and after[2] == offset + len(word):
                continue  # the prefix of a prefixed name
            return True
    return False


_CODEPOINT = re.compile(r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}")


def _codepoint(escape: str) -> str:
    try:
        return chr(int(escape[2:], 16))
    except (ValueError, OverflowError):
        return escape


def bind_params(query: str, params: Mapping[str, ox.NamedNode | ox.Literal]) -> str:
    """Bind variables to RDF terms with VALUES clauses (the terms are serialised by pyoxigraph, so a
    value can never change the query's structure).

    A single-variable ``VALUES ?name { … }`` block in the query (the shipped queries keep their
    default values so) has its values replaced; otherwise ``VALUES ?name { term }`` is put first in
    the query's WHERE group.

    >>> bind_params('SELECT ?u WHERE { VALUES ?n { "a" } ?u rdfs:label ?n }', {"n": ox.Literal("b")})
    'SELECT ?u WHERE { VALUES ?n { "b" } ?u rdfs:label ?n }'
    """
    tokens = _tokens(query)
    names = {text[1:] for kind, text, _ in tokens if kind == "var"}
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement) in the query text
    for name, term in params.items():
        if name not in names:
            raise QueryError(f"--param {name}: the query has no variable ?{name}")
        blocks = _values_blocks(tokens, name)
        if blocks:
            edits.extend((start, end, f" {term} ") for start, end in blocks)
        else:
            edits.append((_where_start(tokens), _where_start(tokens), f" VALUES ?{name} {{ {term} }}"))
    for start, end, text in sorted(edits, reverse=True):
        query = query[:start] + text + query[end:]
    return query


def _values_blocks(tokens: list[tuple[str, str, int]], name: str) -> list[tuple[int, int]]:
    """Spans between the braces of every ``VALUES ?name { … }`` block."""
    spans = []
    for i, (kind, text, _) in enumerate(tokens):
        if kind != "word" or text.upper() != "VALUES" or i + 2 >= len(tokens):
            continue
        if tokens[i + 1][1] == "(" and any(t[1][1:] == name for t in tokens[i + 2:_close(tokens, i + 1, "(", ")")]):
            raise QueryError(f"--param {name}: ?{name} is in a VALUES block of several variables; bind it there")
        if tokens[i + 1][0] == "var" and tokens[i + 1][1][1:] == name and tokens[i + 2][1] == "{":
            end = _close(tokens, i + 2, "{", "}")
            spans.append((tokens[i + 2][2] + 1, tokens[end][2]))
    return spans


def _close(tokens: list[tuple[str, str, int]], start: int, open_: str, close: str) -> int:
    depth = 0
    for j in range(start, len(tokens)):
        depth += (tokens[j][1] == open_) - (tokens[j][1] == close)
        if depth == 0:
            return j
    raise QueryError(f"unbalanced {open_!r} in the query")


def _where_start(tokens: list[tuple[str, str, int]]) -> int:
    """Offset just after the ``{`` that opens the query's WHERE group."""
    depth, form, groups = 0, None, 0
    for i, (kind, text, offset) in enumerate(tokens):
        if depth == 0 and kind == "word" and form is None and text.upper() in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE"):
            form = text.upper()
        if depth == 0 and kind == "word" and text.upper() == "WHERE":
            j = next((j for j in range(i + 1, len(tokens)) if tokens[j][1] == "{"), None)
            if j is not None:
                return tokens[j][2] + 1
        if text == "{":
            if depth == 0:
                groups += 1
                # CONSTRUCT { template } { pattern }: the pattern is the second top-level group
                if form != "CONSTRUCT" or groups == 2:
                    return offset + 1
            depth += 1
        elif text == "}":
            depth -= 1
    raise QueryError("cannot bind parameters: the query has no WHERE group")


# --- running ----------------------------------------------------------------------------------

def syntax_error(error: SyntaxError, query: str) -> QueryError:
    """A one-line message pointing at the line and column of a SPARQL syntax error."""
    message = str(error)
    found = re.match(r"error at (\d+):(\d+): (.*)", message, re.DOTALL)
    if not found:
        return QueryError(f"SPARQL syntax error: {message.splitlines()[0]}")
    line, column, expected = int(found[1]), int(found[2]), " ".join(found[3].split())
    lines = query.splitlines()
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    rest = text[column - 1:].strip()
    at_end = not rest and not "".join(lines[line:]).strip()
    near = "at the end of the query" if at_end else f"near {rest[:40]!r}"
    if "Prefix not found" in expected:
        prefix = re.search(r"([A-Za-z][\w.-]*)?:[^\s:]*$", text[:column - 1])
        reason = f"undeclared prefix {prefix[1] or ''}:" if prefix else "undeclared prefix"
    elif at_end:
        reason = "unexpected end (unbalanced braces or parentheses?)"
    elif len(expected) <= 60:
        reason = expected
    else:
        reason = "unexpected text"
    return QueryError(f"SPARQL syntax error at line {line}, column {column} {near}: {reason}")


def check_syntax(query: str, *, timeout_s: float = 30.0) -> None:
    """Raise QueryError (with line and column) when the query does not parse.

    The query is parsed in an engine process of its own against an empty store (Oxigraph evaluates
    some clauses, such as ORDER BY over VALUES, as it parses them, and can crash on them).
    """
    from kg.store.engine import EngineError, run_one

    request = {"query": "ASK {}", "check": query, "prefixes": PREFIXES}
    try:
        run_one("-", request, timeout_s=timeout_s, max_bytes=MB, network=False)
    except EngineError as error:
        if error.syntax:
            raise syntax_error(SyntaxError(str(error)), query) from None
        raise QueryError(str(error)) from None


def _check_syntax_here(query: str) -> None:
    try:
        ox.Store().query(query, prefixes=PREFIXES)
    except SyntaxError as error:
        raise syntax_error(error, query) from None


def run_query(store: ox.Store, query: str, *, params: Mapping[str, ox.NamedNode | ox.Literal] | None = None) -> QueryResult:
    """Run a SELECT or ASK query in this process; CONSTRUCT/DESCRIBE results come back as (s, p, o) rows.

    ``params`` binds variables to RDF terms (see :func:`bind_params`).  An engine crash takes this
    process with it: ``kg query`` uses :func:`run_local`, which runs the query in a process of its own.
    """
    text = query
    if params:
        _check_syntax_here(query)  # errors point into the query as written, before binding
        text = bind_params(query, params)
    try:
        result = store.query(text, prefixes=PREFIXES, use_default_graph_as_union=True)
        return _convert(result)
    except SyntaxError as error:
        raise syntax_error(error, text) from None
    except OSError as error:
        raise QueryError(f"query failed: {error}") from error


def run_local(
    store: Path,
    query: str,
    *,
    params: Mapping[str, ox.NamedNode | ox.Literal] | None = None,
    timeout: float = 60.0,
    max_bytes: int = 100 * MB,
    max_memory: int | None = None,
) -> QueryResult:
    """Answer a query from the store folder ``store`` in an engine process of its own (:mod:`kg.store.engine`).

    A crash of the engine is a one-line QueryError naming the likely cause; the query is stopped after
    ``timeout`` seconds in all, when its answer grows over ``max_bytes`` (as SPARQL JSON) or its
    process over ``max_memory`` bytes.

    >>> run_local(Path("no/such/store"), "ASK {}")
    Traceback (most recent call last):
    ...
    kg.store.query.QueryError: no/such/store: not an Oxigraph store (run 'kg build' first)
    """
    from kg.store.engine import EngineCrashed, EngineError, EngineTimeout, ResultTooLarge, run_one

    check_store(store)
    text = bind_params(query, params) if params else query
    request = {"query": text, "check": query if params else None, "accept": ACCEPT, "prefixes": PREFIXES, "union": True}
    try:
        answer = run_one(str(store), request, timeout_s=timeout, max_bytes=max_bytes, max_memory=max_memory, network=True)
    except EngineTimeout:
        raise QueryError(f"the query did not finish within {timeout:g} s (--timeout); it was stopped") from None
    except ResultTooLarge:
        raise QueryError(f"the answer is larger than {max_bytes / MB:.3g} MB (--max-result-mb); add LIMIT or narrow the query") from None
    except EngineCrashed as error:
        raise QueryError(str(error)) from None
    except EngineError as error:
        if error.syntax:
            raise syntax_error(SyntaxError(str(error)), query if params else text) from None
        raise QueryError(str(error)) from None
    return _parse_answer(answer.body, answer.media_type, source=shown(store))


def endpoint_url(text: str) -> str:
    """The endpoint URL, checked: an http(s) URL with a host (QueryError otherwise).

    >>> endpoint_url("http://127.0.0.1:7878/query")
    'http://127.0.0.1:7878/query'
    >>> endpoint_url("127.0.0.1:7878/query")
    Traceback (most recent call last):
    ...
    kg.store.query.QueryError: --endpoint '127.0.0.1:7878/query' is not an http(s) URL (e.g. http://127.0.0.1:7878/query)
    """
    import httpx

    problem = f"--endpoint {shown(text)!r} is not an http(s) URL (e.g. http://127.0.0.1:7878/query)"
    try:
        url = httpx.URL(text)
    except (httpx.InvalidURL, TypeError, ValueError, UnicodeError):
        raise QueryError(problem) from None
    if url.scheme not in ("http", "https") or not url.host:
        raise QueryError(problem)
    return str(url)


def run_remote(
    endpoint: str,
    query: str,
    *,
    params: Mapping[str, ox.NamedNode | ox.Literal] | None = None,
    auth: tuple[str, str] | None = None,
    timeout: float = 60.0,
    max_bytes: int = 100 * MB,
) -> QueryResult:
    """Send a query to a SPARQL 1.1 Protocol endpoint (HTTP POST) and read its JSON/N-Triples answer.

    The query is checked and its parameters bound locally; the predeclared prefixes are sent with
    it.  Queries that do not name graphs see the endpoint's default graph (``kg serve`` makes that
    the union of all graphs).  ``timeout`` bounds the whole exchange (not each read), and an answer
    over ``max_bytes`` is not read further.

    Example: ``run_remote("http://127.0.0.1:7878/query", "ASK { ?s ?p ?o }").boolean``
    """
    from kg.store.engine import run_sync

    url = endpoint_url(endpoint)
    started = time.monotonic()
    check_syntax(query, timeout_s=timeout)
    text = with_prefixes(bind_params(query, params) if params else query)
    remaining = max(1.0, timeout - (time.monotonic() - started))
    content, kind = run_sync(lambda: _fetch(url, text, auth=auth, timeout=remaining, max_bytes=max_bytes))
    try:
        return _parse_answer(content, kind, source=url)
    except QueryError:
        if b"cancelled" in content[-200:]:  # an Oxigraph server's time-out, appended to its answer
            raise QueryError(f"{url}: the query was cancelled (the endpoint's time-out)") from None
        raise


async def _fetch(url: str, text: str, *, auth: tuple[str, str] | None, timeout: float, max_bytes: int) -> tuple[bytes, str]:
    """POST the query and read the whole answer within ``timeout`` seconds and ``max_bytes``."""
    import httpx

    headers = {"Accept": ACCEPT}
    try:
        async with asyncio_timeout(timeout):
            async with httpx.AsyncClient(auth=auth, timeout=timeout) as client:
                async with client.stream("POST", url, data={"query": text}, headers=headers) as response:
                    if response.status_code != 200:
                        body = b""
                        async for chunk in response.aiter_bytes():
                            body += chunk
                            if len(body) > 2000:
                                break
                        message = " ".join(body.decode("utf-8", "replace").split())[:200]
                        raise QueryError(f"{url}: HTTP {response.status_code}: {message or response.reason_phrase}")
                    parts, size = [], 0
                    async for chunk in response.aiter_bytes():
                        size += len(chunk)
                        if size > max_bytes:
                            raise QueryError(f"{url}: the answer is larger than {max_bytes / MB:.3g} MB (--max-result-mb); "
                                             "add LIMIT or narrow the query")
                        parts.append(chunk)
                    return b"".join(parts), response.headers.get("content-type", "").split(";")[0].strip()
    except TimeoutError:
        raise QueryError(f"{url}: no complete answer within {timeout:g} s (--timeout)") from None
    except httpx.RemoteProtocolError as error:
        if "incomplete" in str(error) or "without sending complete message" in str(error):
            raise QueryError(f"{url}: the answer was cut off (the endpoint's time-out or size limit?)") from None
        raise QueryError(f"{url}: {type(error).__name__}: {error}") from None
    except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as error:
        raise QueryError(f"{url}: {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}") from None


def asyncio_timeout(seconds: float):
    import asyncio

    return asyncio.timeout(seconds)


def _parse_answer(content: bytes, kind: str, *, source: str) -> QueryResult:
    """A query's answer in SPARQL JSON results, N-Triples or Turtle as a QueryResult."""
    kind = kind.split(";")[0].strip()
    try:
        if kind in ("application/sparql-results+json", "application/json"):
            return _convert(ox.parse_query_results(content, format=ox.QueryResultsFormat.JSON))
        if kind in ("application/n-triples", "text/turtle", "text/plain"):
            fmt = ox.RdfFormat.TURTLE if kind == "text/turtle" else ox.RdfFormat.N_TRIPLES
            return _convert(ox.parse(content, format=fmt))
    except SyntaxError as error:
        raise QueryError(f"{source}: unreadable {kind} answer: {str(error).splitlines()[0]}") from None
    raise QueryError(f"{source}: unexpected answer type {kind or 'unknown'!r}")


def _text(term) -> str | None:
    if term is None:
        return None
    return term.value


def _convert(result) -> QueryResult:
    if isinstance(result, ox.QueryBoolean):
        return QueryResult(variables=("boolean",), rows=[(str(bool(result)).lower(),)], boolean=bool(result))
    if isinstance(result, ox.QuerySolutions):
        variables = tuple(v.value for v in result.variables)
        positions = range(len(variables))  # by position: quicker than by name for every cell
        rows = [tuple(_text(solution[i]) for i in positions) for solution in result]
        return QueryResult(variables=variables, rows=rows)
    rows = [(t.subject.value, t.predicate.value, _text(t.object)) for t in result]
    return QueryResult(variables=("subject", "predicate", "object"), rows=rows)


# --- output -----------------------------------------------------------------------------------

#: A cell that a spreadsheet would run as a formula (=HYPERLINK(…), +cmd, -2+3, @SUM(…), or after a tab or CR).
_FORMULA = re.compile(r"[=+\-@\t\r]")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def _csv_cell(value: str | None) -> str:
    """A CSV cell that a spreadsheet shows as text: a value it would run as a formula gets a leading
    ``'`` (numbers such as -5 stay as they are).

    >>> print(_csv_cell('=HYPERLINK("http://x","点我")'), _csv_cell("-5"), _csv_cell("工会"))
    '=HYPERLINK("http://x","点我") -5 工会
    """
    if value is None:
        return ""
    if _FORMULA.match(value) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def format_result(result: QueryResult, *, fmt: str = "table") -> str:
    """Render as an aligned text table, CSV, TSV (tabs, newlines and backslashes escaped as
    ``\\t \\n \\\\``) or JSON (a list of objects); every cell is the term's value, except that a CSV
    cell a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@`` first) gets a leading ``'``."""
    if fmt == "json":
        if result.boolean is not None:
            return json.dumps({"boolean": result.boolean})
        return json.dumps([dict(zip(result.variables, row)) for row in result.rows], ensure_ascii=False, indent=2)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(result.variables)
        writer.writerows([[_csv_cell(v) for v in row] for row in result.rows])
        return buffer.getvalue().rstrip("\n")
    if fmt == "tsv":
        lines = ["\t".join(result.variables)]
        lines += ["\t".join("" if v is None else v.translate(_TSV_ESCAPES) for v in row) for row in result.rows]
        return "\n".join(lines)
    if fmt != "table":
        raise QueryError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    from rich.console import Console
    from rich.table import Table

    table = Table(*result.variables, show_lines=False)
    for row in result.rows:
        table.add_row(*("" if v is None else v for v in row))
    console = Console(file=io.StringIO(), width=200, force_terminal=False, color_system=None)
    console.print(table)
    console.print(f"{len(result.rows)} row(s)")
    return console.file.getvalue().rstrip("\n")
