"""The `kg` command line: a thin layer over the library (kg.build, kg.query, kg.validate, kg.eval).

Results go to stdout; messages, errors and progress to stderr.  A user error
exits 1 with a one-line message.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from kg.records import Problem

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Build and query knowledge graphs of Chinese trade-union news.\n\nExample: kg build seeds/ && kg query ontology/queries/launched.rq",
)
err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)


def fail(message: str) -> None:
    """Print a one-line error to stderr and exit 1."""
    err.print(f"error: {message}", markup=False)
    raise typer.Exit(1)


@app.command()
def build(
    sources: list[Path] = typer.Argument(..., help="Files or folders of .txt, .html and .jsonl pages."),
    out_dir: Path = typer.Option(Path("out"), "--out", "-o", help="Output folder."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors."),
) -> None:
    """Build the knowledge graph: OUT/graph.ttl, graph.nq, graph.graphml and the Oxigraph store OUT/store/.

    Bad inputs are reported one line each; the rest is built and the command exits 1 at the end.

    Example: kg build seeds/ --out out
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from kg.build import build as run_build

    def on_problem(problem: Problem) -> None:
        err.print(f"error: {problem}", markup=False)

    show_progress = not quiet and err.is_terminal
    progress = Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err, disable=not show_progress, transient=True,
    )
    with progress:
        task = progress.add_task("extracting", total=None)

        def on_file(name: str, done: int, total: int) -> None:
            progress.update(task, completed=done, total=total, description=f"extracting {name}")

        try:
            summary = run_build(sources, out=out_dir, on_problem=on_problem, on_file=on_file)
        except OSError as error:
            fail(f"{getattr(error, 'filename', None) or out_dir}: {error.strerror or error}")
    if not quiet:
        _print_summary(summary)
    if summary.problems:
        err.print(f"{len(summary.problems)} input(s) failed; the others were built.", markup=False)
        raise typer.Exit(1)


def _print_summary(summary) -> None:
    from rich.table import Table

    table = Table(title="union-kg build", show_header=True)
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("files", str(summary.files))
    table.add_row("articles", str(summary.articles))
    for kind, count in summary.entities.items():
        table.add_row(f"entities: {kind}", str(count))
    for predicate, count in summary.relations.items():
        table.add_row(f"relations: {predicate}", str(count))
    table.add_row("triples", str(summary.triples))
    out.print(table)
    for name, path in summary.outputs.items():
        err.print(f"wrote {path}", markup=False)


@app.command()
def query(
    query_text: str = typer.Argument(..., metavar="QUERY|FILE.rq", help="A SPARQL query, or a file holding one."),
    store: Path = typer.Option(Path("out/store"), "--store", help="The store written by kg build."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv or json."),
) -> None:
    """Answer a SPARQL query from the built store (the article graphs are unioned as default graph).

    Common prefixes (ukg:, org:, prov:, schema:, skos:, rdfs: …) are predeclared.

    Example: kg query 'SELECT ?u WHERE { ?u a ukg:UnionBody }' --format csv
    """
    from kg.query import FORMATS, QueryError, format_result, open_store, run_query

    if fmt not in FORMATS:
        fail(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    path = Path(query_text)
    if query_text.endswith(".rq") or (len(query_text) < 255 and "\n" not in query_text and path.is_file()):
        try:
            query_text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            fail(f"{path}: cannot read query: {getattr(error, 'strerror', None) or error}")
    try:
        result = run_query(open_store(store), query_text)
    except QueryError as error:
        fail(str(error))
    out.print(format_result(result, fmt=fmt), markup=False, highlight=False)


@app.command()
def validate(
    graph: Path = typer.Option(Path("out/graph.ttl"), "--graph", help="A Turtle graph written by kg build."),
) -> None:
    """Check a built graph against the SHACL shapes in ontology/shapes.ttl.

    Example: kg validate --graph out/graph.ttl
    """
    from rdflib import Graph

    from kg.validate import validate as run_validate

    if not graph.is_file():
        fail(f"{graph}: no such file (run 'kg build' first)")
    data = Graph()
    try:
        data.parse(graph, format="turtle")
    except Exception as error:  # rdflib raises many parser error types
        fail(f"{graph}: cannot parse Turtle: {str(error).splitlines()[0]}")
    result = run_validate(data)
    if result.conforms:
        out.print(f"{graph}: conforms to the shapes ({len(data)} triples)", markup=False)
        return
    out.print(result.text, markup=False)
    fail(f"{graph}: {result.violations} SHACL violation(s)")


@app.command("eval")
def evaluate(
    gold_dir: Path = typer.Argument(..., help="A folder of gold JSON annotations (see ../shared/gold/README.md)."),
    graph: Path = typer.Option(Path("out/graph.ttl"), "--graph", help="A graph file (.ttl/.nq) or store folder."),
    fmt: str = typer.Option("table", "--format", "-f", help="table or json."),
    errors: bool = typer.Option(False, "--errors", help="List every false positive and false negative."),
) -> None:
    """Score a built graph against gold annotations: precision, recall and F1 per category.

    Example: kg eval ../shared/gold/seeds --graph out/graph.ttl --errors
    """
    from kg.eval import GoldError, format_errors, format_table, report_to_dict
    from kg.eval import evaluate as run_evaluate

    if fmt not in ("table", "json"):
        fail(f"--format must be table or json, not {fmt!r}")
    if not gold_dir.is_dir():
        fail(f"{gold_dir}: no such folder")
    if not graph.exists():
        fail(f"{graph}: no such file or store (run 'kg build' first)")
    try:
        report = run_evaluate(gold_dir, graph=graph)
    except GoldError as error:
        fail(str(error))
    except (OSError, SyntaxError, ValueError) as error:
        fail(f"{graph}: cannot read graph: {str(error).splitlines()[0] if str(error) else error}")
    if fmt == "json":
        out.print(json.dumps(report_to_dict(report), ensure_ascii=False, indent=2), markup=False)
    else:
        out.print(format_table(report), markup=False)
        if errors:
            out.print(format_errors(report), markup=False)


@app.command()
def explain(
    label: str = typer.Argument(..., help="An entity's label or alternative label."),
    store: Path = typer.Option(Path("out/store"), "--store", help="The store written by kg build."),
) -> None:
    """Print everything the graph says about an entity: names, posts, places, and every fact with its evidence.

    Example: kg explain 滨海县总工会
    """
    from kg.explain import explain as run_explain
    from kg.explain import format_explanations
    from kg.query import QueryError, open_store

    try:
        explanations = run_explain(open_store(store), label)
    except QueryError as error:
        fail(str(error))
    if not explanations:
        fail(f"no entity labelled {label!r} in {store}")
    out.print(format_explanations(explanations), markup=False, highlight=False)


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
