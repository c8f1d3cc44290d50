"""kg.query: SPARQL over a store, result formats and errors."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from kg.query import QueryError, format_result, run_query

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
