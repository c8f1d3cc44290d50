"""The `kg` command line: a thin layer over the library (kg.build, kg.store.query, kg.store.validate, kg.store.eval).

Results go to stdout; messages, errors and progress to stderr.  A user error
exits 1 with a one-line message.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
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
    err.print(f"error: {_printable(message)}", markup=False)
    raise typer.Exit(1)


def _printable(text: str) -> str:
    """Text that any terminal can print: bytes of arguments that were not UTF-8 (kept by Python as
    lone surrogates) become escapes such as \\xff."""
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


@app.command()
def build(
    sources: list[Path] = typer.Argument(..., help="Files or folders of .txt, .html and .jsonl pages."),
    out_dir: Path = typer.Option(Path("out"), "--out", "-o", help="Output folder."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="Extraction processes (default: the number of cores)."),
    wait: bool = typer.Option(False, "--wait", help="If another build is writing into OUT, wait for it instead of failing."),
    full: bool = typer.Option(False, "--full", help="Rebuild everything, even files unchanged since the last build into OUT."),
    timings: bool = typer.Option(False, "--timings", help="Print seconds per stage (ingest, nlp, extract, resolve, graph, export) as JSON to stderr."),
    model: Optional[Path] = typer.Option(None, "--model", help="Decision models written by kg train ('shipped': those of kg/data/model; 'rules': the hand rules alone)."),
    allow_empty: bool = typer.Option(False, "--allow-empty", help="When SOURCES hold no source file at all, publish an empty graph instead of failing."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Extract on the Dask cluster of this scheduler (tcp://HOST:8786) instead of local processes; needs union-kg[dask]."),
    cluster: Optional[str] = typer.Option(None, "--cluster", help="Extract on a Dask LocalCluster made for this build: local:N worker processes; needs union-kg[dask]."),
) -> None:
    """Build the knowledge graph: OUT/graph.ttl, graph.nq, graph.graphml, graph.gexf and the Oxigraph store OUT/store/.

    Incremental: only files new or changed since the last build into OUT are read; facts of removed
    or changed files are retracted.  Each build is written aside and published in one atomic step, so
    an interrupted build leaves the previous outputs intact.  OUT must be new, empty, or a folder kg
    wrote (marked by OUT/.union-kg): kg never replaces files of yours.  Sources without any source
    file fail (exit 1) and leave the published graph as it was, unless --allow-empty.  Bad inputs are
    reported one line each; the rest is built and the command exits 1 at the end.

    Beyond one machine: --scheduler tcp://HOST:8786 runs extraction as tasks on a Dask cluster
    (--cluster local:N makes a local one); the outputs are the same bytes as a local build.

    Example: kg build seeds/ --out out --jobs 2
    """
    from kg.build.run import build as run_build

    if scheduler and cluster:
        fail("give --scheduler or --cluster, not both")
    if cluster is not None and not re.fullmatch(r"local:[1-9]\d{0,2}", cluster):
        fail(f"--cluster {cluster!r}: give local:N (N worker processes, 1 to 999)")
    models = _models(model)
    progress, on_file = _progress(quiet, "extracting")
    with progress, _user_errors(out_dir):
        summary = run_build(sources, out=out_dir, jobs=jobs or _cores(), wait=wait, incremental=not full,
                            allow_empty=allow_empty, on_problem=_report_problem, on_file=on_file,
                            on_warning=_report_warning, model=models, scheduler=scheduler or cluster)
    if not quiet and summary.outputs:
        _print_summary(summary)
        if summary.reused:
            err.print(f"{summary.reused} unchanged file(s) taken from the previous build", markup=False)
    if timings:
        err.print("timings: " + json.dumps({k: round(v, 3) for k, v in summary.timings.items()} | {"triples": summary.triples}), markup=False)
    if summary.problems:
        err.print(_failed_inputs(len(summary.problems), done=bool(summary.outputs), verb="built"), markup=False)
        raise typer.Exit(1)


def _failed_inputs(count: int, *, done: bool, verb: str, where: str = "") -> str:
    """The closing line of a command some of whose inputs failed.

    >>> _failed_inputs(2, done=False, verb="built")
    '2 input(s) failed; nothing was built (the published graph, if any, is unchanged).'
    """
    if done:
        return f"{count} input(s) failed{where}; the others were {verb}."
    return f"{count} input(s) failed{where}; nothing was {verb} (the published graph, if any, is unchanged)."


def _models(model: Path | None) -> str | None:
    """The --model option as kg.extract.nlp.make_nlp takes it: None, "rules", or a checked model folder."""
    from kg.rules.model import ModelError, load_models
    from kg.extract.nlp import RULES, SHIPPED

    if model is None or str(model) in (RULES, SHIPPED):
        return None if model is None else str(model)
    try:
        load_models(model)
    except ModelError as error:
        fail(str(error))
    return str(model.resolve())


@app.command()
def train(
    gold_dir: Path = typer.Argument(..., help="A folder of gold JSON annotations (the format of ../shared/gold)."),
    sources: list[Path] = typer.Argument(..., help="The annotated source files or folders (files without gold are skipped)."),
    out_dir: Optional[Path] = typer.Option(None, "--out", "-o", help="Folder to write the models into (model.json and one TSV per decision)."),
    model_id: Optional[str] = typer.Option(None, "--id", help="The models' id, written into each fact's provenance (default: the folder's name)."),
    cv: int = typer.Option(0, "--cv", min=0, help="Instead of writing models, print the scores of K-fold cross-validation by file (models trained on the other folds extract each fold)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors."),
) -> None:
    """Train the decision models (initiative, group, launched, benefited) on annotated sources.

    Candidates come from the hand rules and the candidate grammars; each decision gets a logistic
    regression over the features seen in at least three files, with the threshold that maximises
    F1 over out-of-fold predictions and a calibration of its probabilities (Platt scaling of the
    out-of-fold ones) that the facts' confidences take.  Deterministic: the same inputs give the same
    files.  Use the result with kg build --model OUT.

    With --cv K nothing is written: the annotated files are split into K folds and each is extracted by
    models trained on the others, so the table printed (kg eval's) says how the models do on articles
    they have not seen.

    Example: kg train my-gold/ my-pages/ -o models/my-paper && kg build my-pages/ --model models/my-paper

    Example: kg train my-gold/ my-pages/ --cv 5
    """
    from kg.store.eval import GoldError
    from kg.rules.model import save_models
    from kg.learn.train import cross_validate, train as run_train


    if cv:
        if cv < 2:
            fail("--cv: cross-validation needs at least 2 folds")
        from kg.store.eval import format_table

        try:
            report, _ = cross_validate(gold_dir, sources, folds=cv, on_problem=_report_problem)
        except GoldError as error:
            fail(str(error))
        if not report.files:
            fail(f"{gold_dir}: no source file matches the gold annotations (nothing to learn from)")
        typer.echo(format_table(report))
        return
    if out_dir is None:
        fail("kg train: give --out DIR to write the models, or --cv K to cross-validate them")
    try:
        models = run_train(gold_dir, sources, model_id=model_id or out_dir.resolve().name, on_problem=_report_problem)
    except GoldError as error:
        fail(str(error))
    if not models.models:
        fail(f"{gold_dir}: no source file matches the gold annotations (nothing to learn from)")
    with _user_errors(out_dir):
        save_models(models, out_dir)
    if not quiet:
        from rich.table import Table

        table = Table(title=f"union-kg models {models.id} (out-of-fold scores of distinct items)")
        for column in ("decision", "samples", "positives", "threshold", "P", "R", "F1"):
            table.add_column(column, justify="left" if column == "decision" else "right")
        for decision, model in models.models.items():
            info = models.meta["decisions"][decision]
            scores = info["out_of_fold"]
            table.add_row(decision, str(info["samples"]), str(info["positives"]), f"{model.threshold:.2f}",
                          f"{scores['precision']:.3f}", f"{scores['recall']:.3f}", f"{scores['f1']:.3f}")
        out.print(table)
        err.print(f"wrote {out_dir}", markup=False)


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _report_problem(problem: Problem) -> None:
    err.print(f"error: {problem}", markup=False)


def _report_warning(message: str) -> None:
    from kg.records import _one_line

    err.print(f"warning: {_one_line(message)}", markup=False)


@contextmanager
def _user_errors(out_dir: Path) -> Iterator[None]:
    """Turn a build's refusal (lock held, incomplete shards …) or a disk error into a one-line exit 1."""
    from kg.build import BuildError

    try:
        yield
    except BuildError as error:
        fail(str(error))
    except OSError as error:
        fail(_os_error(error, out_dir))


def _os_error(error: OSError, path: Path) -> str:
    """One line for a disk error: the file (or OUT) and the reason (disk full, permission denied …)."""
    reason = error.strerror or (str(error).splitlines() or [type(error).__name__])[0]
    return f"{getattr(error, 'filename', None) or path}: {reason}"


def _path_kind(path: Path) -> tuple[str, str | None]:
    """What ``path`` is ("file", "folder", "FIFO" …) or ("missing", why), never raising (a name too long,
    a symlink loop, a NUL byte are reasons)."""
    from kg.ingest.files import file_kind, reason

    try:
        return file_kind(os.stat(path).st_mode), None
    except FileNotFoundError:
        return "missing", None
    except OSError as error:
        return "missing", reason(error)
    except ValueError as error:
        return "missing", str(error)


def _need(path: Path, kind: str, *, what: str, hint: str = "") -> None:
    """Exit 1 with one line unless ``path`` is a ``kind`` ("file" or "folder")."""
    found, why = _path_kind(path)
    if found == kind:
        return
    if found == "missing":
        fail(f"{path}: {why or f'no such {what}'}{hint if why is None else ''}")
    fail(f"{path}: not a {what} ({found})")


def _text(value: str, *, what: str) -> str:
    """``value`` if it is text; arguments with bytes that are not UTF-8 (lone surrogates) exit 1 with one line."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        fail(f"{what} {value!r} holds bytes that are not UTF-8")
    return value


def _store(path: Path):
    """The store at ``path`` opened read-only, or exit 1 with one line (missing, not a store, damaged)."""
    from kg.store.query import QueryError, open_store

    found, why = _path_kind(path)
    if why is not None:
        fail(f"{path}: {why}")
    if found not in ("folder", "missing"):  # missing: open_store says it is no store
        fail(f"{path}: not a store ({found})")
    try:
        return open_store(path)
    except QueryError as error:
        fail(str(error))
    except RuntimeError as error:  # RocksDB: files of the store missing or corrupt
        fail(_damaged(path, error))


def _damaged(path: Path, error: BaseException) -> str:
    reason = " ".join(str(error).split())
    reason = reason if len(reason) <= 160 else reason[:159] + "…"
    return f"{path}: damaged store ({reason}); build it again with kg build --full"


def _progress(quiet: bool, description: str):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err, disable=quiet or not err.is_terminal, transient=True,
    )
    task = progress.add_task(description, total=None)

    def on_file(name: str, done: int, total: int) -> None:
        progress.update(task, completed=done, total=total, description=f"{description} {name}")

    return progress, on_file


@app.command("extract")
def extract_shard(
    sources: list[Path] = typer.Argument(..., help="Files or folders of .txt, .html and .jsonl pages (the same list for every shard)."),
    shard: str = typer.Option("1/1", "--shard", help="I/N: extract the I-th of N slices of the sources (every N-th file)."),
    out_dir: Path = typer.Option(..., "--out", "-o", help="Folder for shard-I-of-N.nq.gz and shard-I-of-N.jsonl."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="Extraction processes (default: the number of cores)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors."),
    model: Optional[Path] = typer.Option(None, "--model", help="Decision models written by kg train ('shipped': those of kg/data/model; 'rules': the hand rules alone)."),
    allow_empty: bool = typer.Option(False, "--allow-empty", help="When SOURCES hold no source file at all, write an empty shard instead of failing."),
) -> None:
    """Extract one shard of the sources to N-Quads (one named graph per article), for kg load; run one per machine.

    Bad inputs are reported one line each; the rest is extracted and the command exits 1 at the end.

    Example: kg extract archive/ --shard 3/16 -o shards/
    """
    from kg.build.shard import extract_shard as run_extract
    from kg.build.shard import parse_shard

    try:
        where = parse_shard(shard)
    except ValueError as error:
        fail(str(error))
    models = _models(model)
    progress, on_file = _progress(quiet, "extracting")
    with progress, _user_errors(out_dir):
        summary = run_extract(sources, shard=where, out=out_dir, jobs=jobs or _cores(),
                              on_problem=_report_problem, on_file=on_file, model=models, allow_empty=allow_empty)
    if not quiet:
        out.print(f"shard {where[0]}/{where[1]}: {summary.files} files, {summary.articles} articles", markup=False)
        for path in summary.outputs.values():
            err.print(f"wrote {path}", markup=False)
    if summary.problems:
        err.print(f"{len(summary.problems)} input(s) failed; the others were extracted.", markup=False)
        raise typer.Exit(1)


@app.command("load")
def load_shards(
    shard_dirs: list[Path] = typer.Argument(..., help="Folders (or manifests) of shards written by kg extract."),
    out_dir: Path = typer.Option(Path("out"), "--out", "-o", help="Output folder."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="Processes for writing the outputs (default: the number of cores)."),
    wait: bool = typer.Option(False, "--wait", help="If a build is writing into OUT, wait for it instead of failing."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors."),
    model: Optional[Path] = typer.Option(None, "--model", help="The decision models the shards were extracted with (kg extract --model)."),
    allow_empty: bool = typer.Option(False, "--allow-empty", help="When the shards hold no source file at all, publish an empty graph instead of failing."),
) -> None:
    """Merge shards into OUT: the store, graph.ttl, graph.nq, graph.graphml, graph.gexf, as kg build writes them.

    Entities are resolved across all shards.  Inputs that failed in a shard are reported again and the
    command exits 1 at the end.

    Example: kg load shards/ -o out
    """
    from kg.build.shard import load as run_load

    models = _models(model)
    progress, on_file = _progress(quiet, "loading")
    with progress, _user_errors(out_dir):
        summary = run_load(shard_dirs, out=out_dir, jobs=jobs or _cores(), wait=wait,
                           on_problem=_report_problem, on_file=on_file, model=models, allow_empty=allow_empty)
    if not quiet and summary.outputs:
        _print_summary(summary)
    if summary.problems:
        err.print(_failed_inputs(len(summary.problems), done=bool(summary.outputs), verb="loaded", where=" in the shards"),
                  markup=False)
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
    endpoint: Optional[str] = typer.Option(None, "--endpoint", "-e", help="Ask this SPARQL endpoint (e.g. http://127.0.0.1:7878/query) instead of the store."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv, tsv or json."),
    param: list[str] = typer.Option([], "--param", "-p", help="NAME=VALUE binds ?NAME to an RDF term (repeatable): <IRI>, prefix:name, \"literal\"@en / ^^xsd:…; bare text is @zh if Chinese, else a plain string."),
    user: Optional[str] = typer.Option(None, "--user", help="HTTP basic-auth user for --endpoint."),
    password: Optional[str] = typer.Option(None, "--password", help="HTTP basic-auth password for --endpoint."),
    timeout: float = typer.Option(60, "--timeout", help="Seconds the query may take in all, answer included; then it is stopped."),
    max_result_mb: float = typer.Option(100, "--max-result-mb", help="Stop when the answer grows over this many MB (as SPARQL JSON)."),
) -> None:
    """Answer a SPARQL query from the built store or a SPARQL endpoint (the article graphs are unioned as default graph).

    Common prefixes (ukg:, org:, prov:, schema:, skos:, rdfs: …) are predeclared.  --param values
    are bound as RDF terms in VALUES clauses, never pasted into the query as text.  The query runs
    in a process of its own, so a crash of the engine is a one-line error; --timeout and
    --max-result-mb bound it.

    QUERY is SPARQL text, a .rq file, or the name of a shipped query (ls ontology/queries: launched,
    benefited, top-unions …).

    Example: kg query ontology/queries/about-union.rq --param name=北京市总工会 --format csv
    """
    from kg.store.query import FORMATS, MB, QueryError, format_result, parse_param, run_local, run_remote

    if fmt not in FORMATS:
        fail(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if not 0 < timeout <= 86_400:
        fail(f"--timeout must be between 1 and 86400 seconds, not {timeout:g}")
    if not max_result_mb > 0:
        fail(f"--max-result-mb must be more than 0, not {max_result_mb:g}")
    query_text = _query_argument(query_text)
    for text, what in [(query_text, "the query"), *((p, f"--param {p!r}") for p in param), (endpoint or "", "--endpoint")]:
        if not _is_unicode(text):
            fail(f"{_printable(what)} has bytes that are not UTF-8")
    try:
        params = dict(parse_param(p) for p in param)
        if endpoint:
            auth = (user, password or "") if user else None
            result = run_remote(endpoint, query_text, params=params, auth=auth, timeout=timeout, max_bytes=int(max_result_mb * MB))
        else:
            result = run_local(store, query_text, params=params, timeout=timeout, max_bytes=int(max_result_mb * MB))
    except QueryError as error:
        fail(str(error))
    typer.echo(format_result(result, fmt=fmt))  # as is: rich would turn TSV tabs into spaces


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _query_argument(text: str) -> str:
    """The query a ``kg query`` argument stands for: the text of a file (a ``.rq`` name, or any file
    that exists), a shipped query by its name (``launched``, ``top-unions.rq``: the files of
    ontology/queries, which travel with the package), else the argument itself.

    >>> _query_argument("top-unions").lstrip().startswith("#")
    True
    """
    from kg import ONTOLOGY_DIR

    path = Path(text)
    try:
        is_file = "\n" not in text and path.is_file()
    except (OSError, ValueError):  # too long for a file name, a NUL byte …: a query, not a file
        is_file = False
    if not is_file and re.fullmatch(r"[a-z0-9-]+(\.rq)?", text):
        shipped = ONTOLOGY_DIR / "queries" / f"{text.removesuffix('.rq')}.rq"
        if shipped.is_file():
            path, is_file = shipped, True
    if not (text.endswith(".rq") or is_file):
        return text
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, ValueError) as error:
        reason = getattr(error, "strerror", None) or (str(error).splitlines() or [type(error).__name__])[0]
        fail(f"{_printable(text)}: cannot read query: {reason}")


@app.command()
def serve(
    store: Path = typer.Option(Path("out/store"), "--store", help="The store written by kg build."),
    port: int = typer.Option(7878, "--port", help="TCP port on 127.0.0.1, up to 65535 (0 picks a free one)."),
    timeout: float = typer.Option(30, "--timeout", help="Seconds a query may take in all, answer included; then it is stopped."),
    workers: int = typer.Option(2, "--workers", help="Engine processes: how many queries run at once (others wait)."),
    max_connections: int = typer.Option(64, "--max-connections", help="Open connections; a new one pushes out the oldest that runs no query."),
    max_query_kb: int = typer.Option(1024, "--max-query-kb", help="Largest request body (the query) in KB."),
    max_result_mb: int = typer.Option(256, "--max-result-mb", help="Largest answer in MB; a larger one is stopped."),
    max_memory_mb: int = typer.Option(4096, "--max-memory-mb", help="Memory one engine process may use (MB); then its query is stopped."),
    allow_service: bool = typer.Option(False, "--allow-service", help="Allow federated queries (SERVICE): the server then sends HTTP requests where queries say."),
    allow_host: list[str] = typer.Option([], "--allow-host", help="Another name the Host header may give (a reverse proxy's; repeatable)."),
) -> None:
    """Serve the store read-only over HTTP: a YASGUI query page and a SPARQL 1.1 endpoint.

    Queries run in engine processes of their own: one that crashes the engine gets a one-line
    error and the others go on.  Each query is stopped after --timeout seconds, answer included.
    SERVICE, SPARQL Update and Graph Store writes are refused; requests must come from this machine's
    pages (Host, Origin).  Serves a snapshot of the store, so kg build may replace the store
    meanwhile (restart to see it).  Ctrl-C stops it.

    Example: kg serve --store out/store --port 7878
    """
    import signal

    from kg.store.serve import MB, Limits, ServeError, serve_store

    if not 0 <= port <= 65535:
        fail(f"--port must be between 0 and 65535, not {port}")
    for name, value in (("--max-query-kb", max_query_kb), ("--max-result-mb", max_result_mb), ("--max-memory-mb", max_memory_mb)):
        if value < 1:
            fail(f"{name} must be at least 1, not {value}")
    limits = Limits(timeout_s=timeout, workers=workers, max_connections=max_connections, max_request_bytes=max_query_kb * 1024,
                    max_result_bytes=max_result_mb * MB, max_memory_bytes=max_memory_mb * MB, allow_service=allow_service,
                    allow_hosts=tuple(allow_host))

    def on_terminate(signum, frame):  # run the clean-up (stop server, delete snapshot) on SIGTERM too
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_terminate)
    try:
        with serve_store(store=store, port=port, limits=limits, log=lambda message: err.print(_printable(message), markup=False)) as server:
            out.print(f"query page (YASGUI): {server.url}", markup=False)
            out.print(f"SPARQL endpoint:     {server.endpoint}", markup=False)
            out.print(f"graph explorer:      {server.explore_url}", markup=False)
            sys.stdout.flush()
            services = "SERVICE allowed" if allow_service else "SERVICE refused"
            err.print(f"read-only; the article graphs are the default graph; {workers} engine(s), "
                      f"{timeout:g} s per query, {services}; Ctrl-C stops the server", markup=False)
            while not server.wait(1.0):
                pass
            fail("the server stopped")
    except KeyboardInterrupt:
        err.print("stopped", markup=False)
    except ServeError as error:
        fail(str(error))


@app.command()
def push(
    endpoint: str = typer.Argument(..., help="A SPARQL 1.1 Graph Store endpoint, e.g. http://127.0.0.1:7878/store (Oxigraph), http://localhost:3030/ds/data (Fuseki)."),
    source: Path = typer.Option(Path("out"), "--from", help="A build folder (its graph.nq is pushed) or an .nq file."),
    graph: Optional[str] = typer.Option(None, "--graph", help="Put all triples into this one named graph instead of one graph per article."),
    user: Optional[str] = typer.Option(None, "--user", help="HTTP basic-auth user."),
    password: Optional[str] = typer.Option(None, "--password", help="HTTP basic-auth password."),
    chunk: int = typer.Option(50_000, "--chunk", min=1, help="Triples per request (larger graphs are sent in several)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors."),
) -> None:
    """Load a build into a triplestore through the SPARQL 1.1 Graph Store HTTP Protocol.

    Every graph is replaced (HTTP PUT), so pushing the same build again leaves the same data.
    Requests that fail on the way are retried.

    Example: kg push http://127.0.0.1:7878/store --from out
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from kg.store.push import PushError
    from kg.store.push import push as run_push

    progress = Progress(
        TextColumn("pushing"), BarColumn(), MofNCompleteColumn(), TextColumn("triples"), TimeElapsedColumn(),
        console=err, disable=quiet or not err.is_terminal, transient=True,
    )
    with progress:
        task = progress.add_task("pushing", total=None)
        try:
            summary = run_push(
                source, endpoint, graph=graph, auth=(user, password or "") if user else None, chunk_size=chunk,
                on_progress=lambda done, total: progress.update(task, completed=done, total=total),
            )
        except PushError as error:
            fail(str(error))
    if not quiet:
        err.print(f"pushed {summary.triples} triples in {summary.graphs} graph(s) to {endpoint} "
                  f"({summary.requests} requests, {summary.retries} retried)", markup=False)


@app.command()
def validate(
    graph: Path = typer.Option(Path("out/graph.ttl"), "--graph", help="A Turtle graph written by kg build."),
) -> None:
    """Check a built graph against the SHACL shapes in ontology/shapes.ttl.

    Example: kg validate --graph out/graph.ttl
    """
    from rdflib import Graph

    from kg.store.validate import validate as run_validate

    _need(graph, "file", what="file", hint=" (run 'kg build' first)")
    data = Graph()
    try:
        data.parse(graph, format="turtle")
    except Exception as error:  # rdflib raises many parser error types
        fail(f"{graph}: cannot parse Turtle: {str(error).splitlines()[0]}")
    try:
        result = run_validate(data)
    except FileNotFoundError as error:  # an installation without its shapes
        fail(_os_error(error, graph))
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
    calibrate: bool = typer.Option(False, "--calibration", help="Also how right the confidences are: per category "
                                   "and confidence bin the items, the share right and the mean confidence (ECE)."),
    intervals: bool = typer.Option(False, "--intervals", help="Also each F1's 95 % interval over resampled files: "
                                   "how much of the score is the choice of files."),
    against: Optional[Path] = typer.Option(None, "--against", help="Another graph of the same texts (e.g. built "
                                           "before a change): the F1 differences, each with its 95 % interval "
                                           "over resampled files (paired bootstrap)."),
) -> None:
    """Score a built graph against gold annotations: precision, recall and F1 per category.

    With --calibration, also how often the facts of each confidence are right (a calibrated
    confidence of .8 is right about 8 times in 10) and the expected calibration error per category.
    With --intervals, how far each F1 could move with another draw of files of the same kind; with
    --against OTHER, whether this graph is better than OTHER by more than such a draw could explain
    (a difference whose interval holds 0 is not shown to be one).

    Example: kg eval ../shared/gold/seeds --graph out/graph.ttl --against out-before/graph.ttl
    """
    from kg.store.eval import GoldError, bootstrap, calibration_to_dict, evaluate_calibrated, format_calibration
    from kg.store.eval import format_errors, format_intervals, format_table, intervals_to_dict, report_to_dict

    if fmt not in ("table", "json"):
        fail(f"--format must be table or json, not {fmt!r}")
    _need(gold_dir, "folder", what="folder")

    def scored(path: Path, *, calibrate: bool):
        found, why = _path_kind(path)
        if found == "missing":
            fail(f"{path}: {why or 'no such file or store'}{'' if why else ' (run kg build first)'}")
        try:
            return evaluate_calibrated(gold_dir, graph=path, calibrate=calibrate)
        except GoldError as error:
            fail(str(error))
        except (OSError, SyntaxError, ValueError, RuntimeError) as error:
            message = (str(error).splitlines() or [type(error).__name__])[0]
            fail(message if message.startswith(f"{path}: ") else f"{path}: cannot read graph: {message}")

    report, calibrations = scored(graph, calibrate=calibrate)
    compared = bootstrap(report, against=scored(against, calibrate=False)[0]) if against is not None else ()
    spread = bootstrap(report) if intervals else ()
    if fmt == "json":
        result = report_to_dict(report)
        if calibrate:
            result["calibration"] = calibration_to_dict(calibrations)
        if spread:
            result["intervals"] = intervals_to_dict(spread)
        if compared:
            result["against"] = {"graph": str(against)} | intervals_to_dict(compared)
        out.print(json.dumps(result, ensure_ascii=False, indent=2), markup=False)
    else:
        out.print(format_table(report), markup=False)
        if calibrate:
            out.print(format_calibration(calibrations), markup=False)
        if spread:
            out.print(format_intervals(spread), markup=False)
        if compared:
            out.print(format_intervals(compared), markup=False)
        if errors:
            out.print(format_errors(report), markup=False)


@app.command()
def explain(
    label: str = typer.Argument(..., help="An entity's label or alternative label."),
    store: Path = typer.Option(Path("out/store"), "--store", help="The store written by kg build."),
    html: Optional[Path] = typer.Option(None, "--html", help="Also write a displaCy page of the articles that mention the entity, every mention marked by its kind."),
    sources: list[Path] = typer.Option([], "--sources", help="With --html: the folders the build read (default: the current folder)."),
) -> None:
    """Print everything the graph says about an entity: names, posts, places, and every fact with its evidence.

    With --html FILE the articles that mention the entity are read again from --sources and written as
    a displaCy page (spaCy's span view) with every mention the pipeline finds marked by its kind.

    Example: kg explain 滨海县总工会 --html explain.html --sources seeds/
    """
    from kg.store.explain import explain as run_explain
    from kg.store.explain import format_explanations
    from kg.store.query import QueryError

    label = _text(label, what="the label")
    opened = _store(store)
    try:
        explanations = run_explain(opened, label)
    except QueryError as error:
        fail(str(error))
    except RuntimeError as error:
        fail(_damaged(store, error))
    if not explanations:
        fail(f"no entity labelled {label!r} in {store}")
    out.print(format_explanations(explanations), markup=False, highlight=False)
    if html is not None:
        _explain_html(explanations, label=label, html=html, sources=sources or [Path(".")])


def _explain_html(explanations, *, label: str, html: Path, sources: list[Path]) -> None:
    """Read the articles that mention the entity again and write their displaCy page to ``html``."""
    from kg.store.explain import render_html
    from kg.build.export import write_atomic
    from kg.ingest.read import read_file
    from kg.extract.nlp import make_nlp

    wanted = sorted({(file, int(position)) for e in explanations for file, position, *_rest in e.made})
    articles, missing = [], []
    for file in sorted({file for file, _position in wanted}):
        path = next((folder / file for folder in sources if (folder / file).is_file()), None)
        if path is None:
            missing.append(file)
            continue
        found, _problems = read_file(path, source_file=file)
        articles += [a for a in found if (file, a.position) in wanted]
    if not articles:
        fail(f"none of the source files of {label!r} is under {', '.join(map(str, sources))} "
             f"({', '.join(missing[:3])}{' …' if len(missing) > 3 else ''}); give the folders built with --sources")
    if missing:
        _report_warning(f"{len(missing)} source file(s) not found under the --sources folders: {', '.join(missing[:3])}")
    try:
        write_atomic(html, render_html(articles, nlp=make_nlp(), label=label).encode("utf-8"))
    except OSError as error:
        fail(_os_error(error, html))
    err.print(f"wrote {html} ({len(articles)} article(s))", markup=False)


_VIEW_HELP = "full, unions-initiatives-groups, union-cooperation or union-hierarchy."


def _date_option(name: str, value: Optional[str]):
    import datetime as dt

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"{name} must be a date YYYY-MM-DD, not {value!r}")


def _view(graph: Optional[Path], store: Path, view: str, since: Optional[str], until: Optional[str], province: Optional[str]):
    """The requested view from --graph FILE or --store DIR, or exit 1 with a one-line error."""
    from kg.gephi.views import view_graph

    return _from_source(view_graph, graph, store, view, since, until, province)


def _explorer_html(graph: Optional[Path], store: Path, view: str, since: Optional[str], until: Optional[str],
                   province: Optional[str]) -> tuple[bytes, int, int]:
    """The explorer page with the requested view inlined (kg export --format html), its nodes and edges."""
    from kg.store.explore import page, view_data

    data = _from_source(view_data, graph, store, view, since, until, province)
    return page(data=data), len(data["nodes"]), len(data["edges"])


def _from_source(make, graph: Optional[Path], store: Path, view: str, since: Optional[str], until: Optional[str],
                 province: Optional[str]):
    """``make(source, view=…, since=…, until=…, province=…)`` on --graph FILE or --store DIR, or exit 1 with a one-line error."""
    from kg.gephi.views import load_graph_file

    start, end = _date_option("--since", since), _date_option("--until", until)
    province = _text(province, what="--province") if province is not None else None
    if graph:
        _need(graph, "file", what="file")
    try:
        source = load_graph_file(graph) if graph else _store(store)
    except (OSError, ValueError, SyntaxError) as error:
        fail(f"{str(error).splitlines()[0]}" if str(graph) in str(error) else f"{graph}: cannot read graph: {str(error).splitlines()[0]}")
    try:
        return make(source, view=view, since=start, until=end, province=province)
    except ValueError as error:
        fail(str(error))
    except RuntimeError as error:
        fail(_damaged(store, error))


@app.command("export")
def export_view(
    graph: Optional[Path] = typer.Option(None, "--graph", help="A graph file written by kg build (.ttl, .nq) instead of the store."),
    store: Path = typer.Option(Path("out/store"), "--store", help="The store written by kg build."),
    fmt: Optional[str] = typer.Option(None, "--format", "-f", help="graphml, gexf or html (the explorer page with the view inlined; default: from -o's suffix, else graphml)."),
    view: str = typer.Option("full", "--view", help=_VIEW_HELP),
    since: Optional[str] = typer.Option(None, "--since", help="Keep facts dated on or after this day (YYYY-MM-DD)."),
    until: Optional[str] = typer.Option(None, "--until", help="Keep facts dated on or before this day (YYYY-MM-DD)."),
    province: Optional[str] = typer.Option(None, "--province", help="Keep facts of articles about this province (江苏 or 江苏省)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="File to write (default: stdout)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors."),
) -> None:
    """Export a view of the graph for Gephi: GraphML, or GEXF 1.3 with a timeline of the facts' dates;
    or as html, the explorer page of kg serve with the view and its evidence inlined (opens from disk).

    A window (--since/--until) keeps only dated facts; see README for how dates are chosen.

    Example: kg export --view unions-initiatives-groups --format gexf -o out/mission.gexf
    """
    from kg.build.export import write_atomic
    from kg.gephi.writers import gexf_bytes, graphml_bytes
    from kg.gephi.views import FORMATS

    fmt = fmt or (output.suffix.lstrip(".") if output and output.suffix.lstrip(".") in FORMATS else "graphml")
    if fmt not in FORMATS:
        fail(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if fmt == "html":
        data, nodes, edges = _explorer_html(graph, store, view, since, until, province)
    else:
        network = _view(graph, store, view, since, until, province)
        data = graphml_bytes(network) if fmt == "graphml" else gexf_bytes(network)
        nodes, edges = network.number_of_nodes(), network.number_of_edges()
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(output, data)
    except OSError as error:
        fail(f"{output}: cannot write: {error.strerror or error}")
    if not quiet:
        err.print(f"wrote {output} ({view}: {nodes} nodes, {edges} edges)", markup=False)


@app.command()
def plot(
    graph: Optional[Path] = typer.Option(None, "--graph", help="A graph file written by kg build (.ttl, .nq) instead of the store."),
    store: Path = typer.Option(Path("out/store"), "--store", help="The store written by kg build."),
    view: str = typer.Option("full", "--view", help=_VIEW_HELP),
    since: Optional[str] = typer.Option(None, "--since", help="Keep facts dated on or after this day (YYYY-MM-DD)."),
    until: Optional[str] = typer.Option(None, "--until", help="Keep facts dated on or before this day (YYYY-MM-DD)."),
    province: Optional[str] = typer.Option(None, "--province", help="Keep facts of articles about this province."),
    max_nodes: int = typer.Option(150, "--max-nodes", min=2, help="Draw at most this many nodes (the largest components)."),
    output: Path = typer.Option(Path("out/graph.png"), "--output", "-o", help="PNG file to write."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors."),
) -> None:
    """Draw a view as a PNG: largest components, nodes coloured by type, Chinese labels (needs a CJK font).

    Example: kg plot --view unions-initiatives-groups -o out/graph.png
    """
    from kg.build.export import write_atomic
    from kg.gephi.plot import plot_png

    network = _view(graph, store, view, since, until, province)
    result = plot_png(network, max_nodes=max_nodes, title=f"union-kg · {view}")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(output, result.png)
    except OSError as error:
        fail(f"{output}: cannot write: {error.strerror or error}")
    if result.font is None:
        err.print("warning: no CJK font found (install fonts-noto-cjk); nodes drawn without labels", markup=False)
    if not quiet:
        err.print(f"wrote {output} ({result.nodes} of {network.number_of_nodes()} nodes, {result.edges} edges, "
                  f"{result.components} component(s), {result.labelled} labels)", markup=False)


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
