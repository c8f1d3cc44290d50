"""The graph beyond one machine's store: a real Virtuoso 7 (Debian's virtuoso-opensource-7-bin, which
.ci/run installs) loaded with its bulk loader and, separately, with `kg push`, answers every shipped
query through `kg query --endpoint` as the local store does.

What differs between the engines only in how a value is written is compared as the same: an
xsd:boolean is "true" here and "1" in Virtuoso's CSV; a GROUP_CONCAT list has no order, and Virtuoso
7.2 returns a non-ASCII separator of GROUP_CONCAT (、 or ；) as "?" (README: "kg query").
"""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import ROOT
from kg.cli import app
from bench import virtuoso

QUERIES = sorted((ROOT / "ontology" / "queries").glob("*.rq"))
runner = CliRunner()

if not virtuoso.available():
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("Virtuoso is not installed (apt-get install virtuoso-opensource-7-bin)", pytrace=False)
    pytest.skip("Virtuoso is not installed (apt-get install virtuoso-opensource-7-bin)", allow_module_level=True)

_LIST = re.compile(r"[、；?]")


def answer(query: Path, *where: str) -> list[list[str]]:
    """The CSV rows of `kg query QUERY WHERE… --format csv` (header first)."""
    result = runner.invoke(app, ["query", str(query), *where, "--format", "csv"])
    assert result.exit_code == 0, result.output
    return list(csv.reader(io.StringIO(result.stdout)))


def comparable(rows: list[list[str]]) -> tuple[list[str], list[tuple[str, ...]]]:
    """Header and rows (sorted) with lists as sorted items and booleans as true/false."""
    def cell(value: str) -> str:
        value = {"1": "true", "0": "false"}.get(value, value) if value in ("1", "0", "true", "false") else value
        return "|".join(sorted(_LIST.split(value))) if _LIST.search(value) else value

    return rows[0], sorted(tuple(cell(v) for v in row) for row in rows[1:])


@pytest.fixture(scope="module")
def local_answers(seeds_build) -> dict[str, list[list[str]]]:
    _, out = seeds_build
    return {query.name: answer(query, "--store", str(out / "store")) for query in QUERIES}


@pytest.fixture(scope="module")
def bulk_loaded(seeds_build, tmp_path_factory):
    _, out = seeds_build
    with virtuoso.running(tmp_path_factory.mktemp("virtuoso-bulk"), dirs=(out.resolve(),)) as server:
        server.bulk_load((out / "graph.nq").resolve())
        yield server


@pytest.fixture(scope="module")
def pushed(seeds_build, tmp_path_factory):
    _, out = seeds_build
    with virtuoso.running(tmp_path_factory.mktemp("virtuoso-push")) as server:
        server.allow_updates()
        result = runner.invoke(app, ["push", server.graph_store, "--from", str(out), "-q"])
        assert result.exit_code == 0, result.output
        yield server


def _quads_of_build(out: Path) -> int:
    """The quads of graph.nq (all in union-kg's graphs: articles, entities, ontology)."""
    return sum(1 for line in (out / "graph.nq").read_text(encoding="utf-8").splitlines() if line.strip())


@pytest.mark.parametrize("how", ["bulk_loaded", "pushed"])
def test_virtuoso_holds_every_quad_of_the_build(how: str, seeds_build, request) -> None:
    server = request.getfixturevalue(how)
    _, out = seeds_build
    assert server.quads() == _quads_of_build(out) > 20_000


@pytest.mark.parametrize("how", ["bulk_loaded", "pushed"])
@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.stem)
def test_every_shipped_query_answers_on_virtuoso_as_on_the_local_store(query: Path, how: str, local_answers, request) -> None:
    server = request.getfixturevalue(how)
    local = local_answers[query.name]
    remote = answer(query, "--endpoint", server.sparql)
    assert len(local) > 1, f"{query.name} answers nothing on the seeds: the comparison would prove nothing"
    assert comparable(remote) == comparable(local)
