"""kg.store.query: SPARQL over a store, result formats and errors."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from kg.store.query import QueryError, bind_params, format_result, param_term, parse_param, run_query

LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


@pytest.fixture()
def store() -> ox.Store:
    store = ox.Store()
    for i, name in enumerate(["甲市总工会", "乙县总工会"]):
        store.add(ox.Quad(ox.NamedNode(f"http://x/u{i}"), LABEL, ox.Literal(name, language="zh"), ox.NamedNode(f"http://x/g{i}")))
    return store


def test_named_graphs_are_unioned_and_prefixes_predeclared(store) -> None:
    result = run_query(store, "SELECT ?l WHERE { ?s rdfs:label ?l } ORDER BY ?l")
    assert result.variables == ("l",)
    assert result.rows == [("乙县总工会",), ("甲市总工会",)]


@pytest.mark.parametrize(
    ("fmt", "check"),
    [
        ("csv", lambda text: text.splitlines() == ["l", "乙县总工会", "甲市总工会"]),
        ("json", lambda text: json.loads(text) == [{"l": "乙县总工会"}, {"l": "甲市总工会"}]),
        ("table", lambda text: "甲市总工会" in text and text.endswith("2 row(s)")),
    ],
)
def test_formats(store, fmt, check) -> None:
    assert check(format_result(run_query(store, "SELECT ?l WHERE { ?s rdfs:label ?l } ORDER BY ?l"), fmt=fmt))


def test_ask(store) -> None:
    assert run_query(store, 'ASK { ?s rdfs:label "甲市总工会"@zh }').boolean is True


def test_syntax_error_is_one_line(store) -> None:
    with pytest.raises(QueryError) as error:
        run_query(store, "SELECT ?l WHERE { ?s rdfs:label ?l ")
    assert "\n" not in str(error.value) and "syntax" in str(error.value).lower()


def test_tsv_escapes_tabs_and_newlines() -> None:
    from kg.store.query import QueryResult

    result = QueryResult(variables=("a", "b"), rows=[("x\ty", None), ("line\nbreak", "back\\slash")])
    assert format_result(result, fmt="tsv").splitlines() == ["a\tb", "x\\ty\t", "line\\nbreak\tback\\\\slash"]


XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("滨海县总工会", ox.Literal("滨海县总工会", language="zh")),
        ("工会 2021", ox.Literal("工会 2021", language="zh")),
        ("CNY", ox.Literal("CNY")),
        ("2021", ox.Literal("2021")),
        ('"人"', ox.Literal("人")),
        ('"labour union"@en', ox.Literal("labour union", language="en")),
        ('"5000"^^xsd:decimal', ox.Literal("5000", datatype=ox.NamedNode(XSD + "decimal"))),
        ("<https://w3id.org/union-kg/id/union/x>", ox.NamedNode("https://w3id.org/union-kg/id/union/x")),
        ("ukg:Initiative", ox.NamedNode("https://w3id.org/union-kg/ontology#Initiative")),
        ("id:union/滨海县总工会", ox.NamedNode("https://w3id.org/union-kg/id/union/滨海县总工会")),
        ("http://example.org/x", ox.Literal("http://example.org/x")),
        ("10:30", ox.Literal("10:30")),
    ],
)
def test_param_terms(value, term) -> None:
    assert param_term(value) == term


@pytest.mark.parametrize("value", ['"a" . <urn:x> <urn:y> "b"', '"a" , "b"', "<not an iri>", '"unclosed', '"a"^^nope:x'])
def test_param_values_that_are_not_one_term_are_refused(value) -> None:
    with pytest.raises(QueryError, match="not one RDF term"):
        param_term(value)


@pytest.mark.parametrize(
    ("text", "name"),
    [("union=滨海县总工会", "union"), ("?union=x", "union"), ("a=b=c", "a")],
)
def test_parse_param(text, name) -> None:
    assert parse_param(text)[0] == name


@pytest.mark.parametrize("text", ["union", "=x", "1a=x", "a b=x"])
def test_parse_param_errors(text) -> None:
    with pytest.raises(QueryError, match="NAME=VALUE"):
        parse_param(text)


@pytest.mark.parametrize(
    ("query", "bound"),
    [
        # no VALUES for the variable: one goes first in the WHERE group
        ("SELECT ?s WHERE { ?s rdfs:label ?l }", 'SELECT ?s WHERE { VALUES ?l { "x" } ?s rdfs:label ?l }'),
        ("SELECT ?s { ?s rdfs:label ?l }", 'SELECT ?s { VALUES ?l { "x" } ?s rdfs:label ?l }'),
        ("ASK { ?s rdfs:label ?l }", 'ASK { VALUES ?l { "x" } ?s rdfs:label ?l }'),
        ("CONSTRUCT { ?s ?p ?l } { ?s ?p ?l }", 'CONSTRUCT { ?s ?p ?l } { VALUES ?l { "x" } ?s ?p ?l }'),
        # braces, WHERE and variables inside comments, strings and IRIs are not syntax
        ('PREFIX e: <http://e/#where> # WHERE { ?l\nSELECT * FROM <http://g> WHERE { ?s e:p "WHERE { ?l", $l }',
         'PREFIX e: <http://e/#where> # WHERE { ?l\nSELECT * FROM <http://g> WHERE { VALUES ?l { "x" } ?s e:p "WHERE { ?l", $l }'),
        # a VALUES block of the variable (a shipped query's default) gets the new value; subqueries are left alone
        ('SELECT * WHERE {\n  VALUES ?l { "a"@zh "b"@zh }\n  { SELECT ?s WHERE { ?s ?p ?l } }\n}',
         'SELECT * WHERE {\n  VALUES ?l { "x" }\n  { SELECT ?s WHERE { ?s ?p ?l } }\n}'),
    ],
)
def test_bind_params_places_a_values_clause(query, bound) -> None:
    assert bind_params(query, {"l": ox.Literal("x")}) == bound


def test_bind_params_errors() -> None:
    with pytest.raises(QueryError, match=r"no variable \?x"):
        bind_params("SELECT ?l WHERE { ?s rdfs:label ?l }", {"x": ox.Literal("a")})
    with pytest.raises(QueryError, match="several variables"):
        bind_params("SELECT * WHERE { VALUES (?a ?l) { (1 2) } }", {"l": ox.Literal("a")})


@pytest.mark.parametrize(
    "value",
    ['甲市总工会" } ?s ?p ?o . FILTER("1', "甲市总工会\\", '甲市总工会"""', "甲市总工会\n} #", "甲市总工会 }} UNION {"],
)
def test_values_cannot_change_the_query(store, value) -> None:
    result = run_query(store, "SELECT ?s WHERE { ?s rdfs:label ?l }", params={"l": param_term(value)})
    assert result.rows == []  # the value is one literal that no label equals
    store.add(ox.Quad(ox.NamedNode("http://x/evil"), LABEL, param_term(value), ox.NamedNode("http://x/g9")))
    result = run_query(store, "SELECT ?s WHERE { ?s rdfs:label ?l }", params={"l": param_term(value)})
    assert result.rows == [("http://x/evil",)]


def test_params_bind_labels_as_in_the_data(store) -> None:
    result = run_query(store, "SELECT ?s WHERE { ?s rdfs:label ?union }", params={"union": param_term("乙县总工会")})
    assert result.rows == [("http://x/u1",)]


@pytest.mark.parametrize(
    ("query", "where"),
    [
        ("SELECT ?l WHERE {\n  ?s rdfs:label ?l\n  FILTER(?l = }", "line 3, column 16 at the end of the query"),
        ("SELECT ?l WHERE {\n  ?s foo:label ?l }", "line 2, column 15 near '?l }': undeclared prefix foo:"),
        ("SELECT ?l WHERE {\n  ?s rdfs:label ?l . ?l ?l }\n  LIMIT x", "line 3, column 1 near 'LIMIT x'"),
    ],
)
def test_syntax_errors_point_at_line_and_column(store, query, where) -> None:
    for params in (None, {"l": param_term("x")}):
        with pytest.raises(QueryError) as error:
            run_query(store, query, params=params)
        message = str(error.value)
        assert "\n" not in message and message.startswith("SPARQL syntax error at ") and where in message, message


def test_shipped_query_default_is_replaced_by_a_param(seeds_build) -> None:
    from conftest import ROOT
    from kg.store.query import open_store

    store = open_store(seeds_build[1] / "store")
    query = (ROOT / "ontology" / "queries" / "about-union.rq").read_text(encoding="utf-8")
    rows = run_query(store, query, params={"name": param_term("北京市总工会")}).rows
    assert rows and all("北京市总工会" in (row[0], row[2]) for row in rows)
    assert not any("滨海县总工会" in (row[0], row[2]) for row in rows)


def test_kg_query_cli_params_formats_and_errors(seeds_build) -> None:
    from typer.testing import CliRunner

    from conftest import ROOT
    from kg.cli import app

    runner = CliRunner()
    store = str(seeds_build[1] / "store")
    query = "SELECT ?u ?i WHERE { ?u a ukg:UnionBody ; rdfs:label ?union ; ukg:launched ?i } ORDER BY ?i"
    result = runner.invoke(app, ["query", query, "--store", store, "--param", "union=滨海县总工会", "--format", "tsv"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "u\ti" and len(lines) > 3
    assert {line.split("\t")[0] for line in lines[1:]} == {"https://w3id.org/union-kg/id/union/滨海县总工会"}
    result = runner.invoke(app, ["query", str(ROOT / "ontology/queries/about-union.rq"), "--store", store, "-p", "nope=1"])
    assert result.exit_code == 1 and result.stderr == "error: --param nope: the query has no variable ?nope\n"
    result = runner.invoke(app, ["query", "SELECT * WHERE {\n?s ?p ?o", "--store", store])
    assert result.exit_code == 1 and result.stderr.startswith("error: SPARQL syntax error at line 2, column 9")
    assert len(result.stderr.splitlines()) == 1
