"""Query: SPARQL over the built Oxigraph store (named graphs unioned as the default graph).

Example:
    >>> import pyoxigraph as ox
    >>> store = ox.Store()
    >>> store.add(ox.Quad(ox.NamedNode("http://x/a"), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal("工会"), ox.NamedNode("http://x/g")))
    >>> run_query(store, "SELECT ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l }").rows
    [('工会',)]
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.graph import PREFIXES

FORMATS = ("table", "csv", "json")


class QueryError(ValueError):
    """A query that cannot be parsed or run (one-line message)."""


@dataclass(frozen=True)
class QueryResult:
    variables: tuple[str, ...]
    rows: list[tuple[str | None, ...]]
    boolean: bool | None = None


def open_store(path: Path) -> ox.Store:
    """Open a built store read-only (raises QueryError naming the path when it is not a store)."""
    if not (path / "CURRENT").exists() and not any(path.glob("*.sst")):
        raise QueryError(f"{path}: not an Oxigraph store (run 'kg build' first)")
    try:
        return ox.Store.read_only(str(path))
    except OSError as error:
        raise QueryError(f"{path}: cannot open store: {error}") from error


def with_prefixes(query: str) -> str:
    """Prepend the usual prefixes (ukg:, org:, prov:, schema:, skos: …) that the query does not declare."""
    declared = {line.split()[1].rstrip(":").lower() for line in query.splitlines() if line.strip().lower().startswith("prefix ") and len(line.split()) > 1}
    header = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items() if p.lower() not in declared)
    return header + query


def _text(term) -> str | None:
    if term is None:
        return None
    return term.value


def run_query(store: ox.Store, query: str) -> QueryResult:
    """Run a SELECT or ASK query; CONSTRUCT/DESCRIBE results come back as (s, p, o) rows."""
    try:
        result = store.query(with_prefixes(query), use_default_graph_as_union=True)
    except SyntaxError as error:
        raise QueryError(f"SPARQL syntax error: {str(error).splitlines()[0]}") from error
    except OSError as error:
        raise QueryError(f"query failed: {error}") from error
    if isinstance(result, ox.QueryBoolean):
        return QueryResult(variables=("boolean",), rows=[(str(bool(result)).lower(),)], boolean=bool(result))
    if isinstance(result, ox.QuerySolutions):
        variables = tuple(v.value for v in result.variables)
        rows = [tuple(_text(solution[v]) for v in variables) for solution in result]
        return QueryResult(variables=variables, rows=rows)
    rows = [(t.subject.value, t.predicate.value, _text(t.object)) for t in result]
    return QueryResult(variables=("subject", "predicate", "object"), rows=rows)


def format_result(result: QueryResult, *, fmt: str = "table") -> str:
    """Render as an aligned text table, CSV or JSON (a list of objects)."""
    if fmt == "json":
        if result.boolean is not None:
            return json.dumps({"boolean": result.boolean})
        return json.dumps([dict(zip(result.variables, row)) for row in result.rows], ensure_ascii=False, indent=2)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(result.variables)
        writer.writerows([["" if v is None else v for v in row] for row in result.rows])
        return buffer.getvalue().rstrip("\n")
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
