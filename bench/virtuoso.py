"""A throw-away Virtuoso 7 (Debian's virtuoso-opensource-7-bin) for tests and benchmarks: started on
loopback in a folder of its own with a minimal ini, loaded with its bulk loader or through its Graph
Store endpoint, stopped and removed afterwards.

Example (needs /usr/bin/virtuoso-t)::

    with running(Path("/tmp/v")) as server:
        server.bulk_load(Path("out/graph.nq"))
        subprocess.run(["kg", "query", "top-unions", "--endpoint", server.sparql])
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from kg.store.serve import free_port

VIRTUOSO = "virtuoso-t"
ISQL = "isql-vt"

INI = """\
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{isql_port}
DisableUnixSocket = 1
DirsAllowed = {dirs}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
CheckpointInterval = 0
ThreadsPerQuery = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerThreads = 4
MaxClientConnections = 4

[SPARQL]
ResultSetMaxRows = 10000000
MaxQueryExecutionTime = 300
MaxQueryCostEstimationTime = 0
"""


def available() -> bool:
    """Whether Virtuoso's server and isql are installed (apt-get install virtuoso-opensource-7-bin)."""
    return shutil.which(VIRTUOSO) is not None and shutil.which(ISQL) is not None


@dataclass(frozen=True)
class Virtuoso:
    folder: Path
    isql_port: int
    http_port: int

    @property
    def sparql(self) -> str:
        """The SPARQL endpoint (queries name no graph: Virtuoso answers from all its graphs)."""
        return f"http://127.0.0.1:{self.http_port}/sparql"

    @property
    def graph_store(self) -> str:
        """The SPARQL 1.1 Graph Store endpoint (writable once :meth:`allow_updates` ran)."""
        return f"http://127.0.0.1:{self.http_port}/sparql-graph-crud"

    def isql(self, statements: str, *, timeout: float = 600) -> str:
        """Run SQL statements (``;``-separated) as dba; their output, or RuntimeError with Virtuoso's."""
        done = subprocess.run([ISQL, str(self.isql_port), "dba", "dba", f"exec={statements}"],
                              capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0 or "*** Error" in done.stdout or "*** Error" in done.stderr:
            raise RuntimeError(f"isql: {(done.stdout + done.stderr).strip()[-500:]}")
        return done.stdout

    def bulk_load(self, nquads: Path) -> None:
        """Load an N-Quads file with Virtuoso's bulk loader (ld_dir + rdf_loader_run): its graphs as named
        graphs."""
        self.isql(f"ld_dir('{nquads.resolve().parent}', '{nquads.name}', 'urn:union-kg:default'); "
                  "rdf_loader_run(); checkpoint;")

    def allow_updates(self) -> None:
        """Let the unauthenticated Graph Store endpoint write (a throw-away server on loopback only)."""
        self.isql("grant SPARQL_UPDATE to \"SPARQL\"; DB.DBA.RDF_DEFAULT_USER_PERMS_SET('nobody', 7);")

    def quads(self, prefix: str = "https://w3id.org/union-kg/") -> int:
        """How many quads are in the graphs whose IRI starts with ``prefix`` (Virtuoso has graphs of its own)."""
        query = ("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                 f'FILTER(STRSTARTS(STR(?g), "{prefix}")) }}')
        answer = httpx.post(self.sparql, data={"query": query},
                            headers={"Accept": "application/sparql-results+json"}, timeout=120)
        answer.raise_for_status()
        return int(answer.json()["results"]["bindings"][0]["n"]["value"])


@contextmanager
def running(folder: Path, *, buffers: int = 20_000, dirs: tuple[Path, ...] = (Path("/tmp"),),
            start_timeout: float = 60) -> Iterator[Virtuoso]:
    """A Virtuoso server with its database in ``folder`` (made empty), on free loopback ports; stopped
    (and its database left in ``folder``) on exit.  ``dirs``: folders the bulk loader may read."""
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "db"
    shutil.rmtree(db, ignore_errors=True)
    db.mkdir()
    server = Virtuoso(folder=folder, isql_port=free_port(), http_port=free_port())
    ini = folder / "virtuoso.ini"
    allowed = ", ".join(str(d.resolve()) for d in (*dirs, folder))
    ini.write_text(INI.format(db=db, isql_port=server.isql_port, http_port=server.http_port, dirs=allowed,
                              buffers=buffers, dirty=buffers * 3 // 4), encoding="utf-8")
    process = subprocess.Popen([VIRTUOSO, "-c", str(ini), "-f"], cwd=folder, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            try:
                if httpx.get(server.sparql, params={"query": "ASK {}"}, timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log = (db / "virtuoso.log").read_text(errors="replace")[-800:] if (db / "virtuoso.log").exists() else ""
                raise RuntimeError(f"Virtuoso did not start: {log}")
            time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
