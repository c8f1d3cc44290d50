"""Each shipped question in ontology/queries/ answers sensibly on the seeds build."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT
from kg.store.query import open_store, run_query

QUERIES = ROOT / "ontology" / "queries"


@pytest.fixture(scope="module")
def store(seeds_build):
    _, out = seeds_build
    return open_store(out / "store")


def answer(store, name: str) -> list[dict[str, str | None]]:
    result = run_query(store, (QUERIES / name).read_text(encoding="utf-8"))
    return [dict(zip(result.variables, row)) for row in result.rows]


def test_there_are_at_least_six_queries_each_tested() -> None:
    shipped = sorted(p.name for p in QUERIES.glob("*.rq"))
    assert len(shipped) >= 6
    assert set(shipped) <= set(CHECKS), f"untested queries: {set(shipped) - set(CHECKS)}"


def check_launched(rows) -> None:
    assert len(rows) >= 20
    unions = [row["union"] for row in rows]
    assert unions == sorted(set(unions)), "one row per union, ordered by union"
    for row in rows:
        assert "工会" in row["union"] or "联合会" in row["union"]
        items = row["initiatives"].split("；")
        assert int(row["count"]) == len(items) == len(set(items)) >= 1
    assert {"滨海县总工会", "北京市总工会", "云南省总工会"} <= set(unions)


def check_benefited(rows) -> None:
    assert len(rows) >= 30
    assert any(row["group"] == "职工" for row in rows)
    assert all(row["evidence"] for row in rows)
    assert sum(1 for row in rows if row["unions"]) >= len(rows) // 2
    keys = [(row["group"], row["initiative"]) for row in rows]
    assert keys == sorted(set(keys)), "one row per initiative and group, ordered by group"


def check_top_unions(rows) -> None:
    counts = [int(row["initiatives"]) for row in rows]
    assert counts == sorted(counts, reverse=True) and counts[0] >= 5
    assert len(rows) == 20


def check_money(rows) -> None:
    provinces = {row["province"] for row in rows}
    assert {"江苏省", "浙江省"} <= provinces
    assert all(float(row["yuan"]) > 0 for row in rows)
    assert all(p.endswith(("省", "市", "自治区")) for p in provinces)


def check_people(rows) -> None:
    people = {(row["person"], row["organization"]) for row in rows}
    assert ("赵建友", "滨海县总工会") in people
    assert any(row["isUnion"] == "false" for row in rows) and any(row["isUnion"] == "true" for row in rows)


def check_about_union(rows) -> None:
    assert len(rows) >= 5
    assert all("滨海县总工会" in (row["subject"], row["object"]) for row in rows)
    assert {row["file"] for row in rows} == {"000_f57e2eb954151f1d.txt", "004_71b934195b22698b.txt"}
    assert all(row["evidence"] for row in rows)


def check_new_forms(rows) -> None:
    groups = {row["group"] for row in rows}
    assert "货车司机" in groups
    assert len(groups) >= 2  # narrower groups reached through skos:broader*


def check_for_group_by_year(rows) -> None:
    assert {row["group"] for row in rows} >= {"货车司机", "外卖骑手"}
    assert all(row["union"] and row["evidence"] for row in rows)
    years = [row["year"] for row in rows if row["year"]]
    assert years, "some launches are dated by their sentence or article"
    assert all(len(year) == 4 and year.isdigit() for year in years)
    assert [row["year"] or "" for row in rows] == sorted(row["year"] or "" for row in rows)


CHECKS = {
    "launched.rq": check_launched,
    "benefited.rq": check_benefited,
    "top-unions.rq": check_top_unions,
    "money-by-province.rq": check_money,
    "people-posts.rq": check_people,
    "about-union.rq": check_about_union,
    "groups-new-forms.rq": check_new_forms,
    "launched-for-group-by-year.rq": check_for_group_by_year,
}


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_query_answers_on_seeds(store, name: str) -> None:
    CHECKS[name](answer(store, name))


def pairs(store, query: str) -> dict[tuple[str, ...], set[str]]:
    """Rows of a plain query (no subqueries, no aggregates) as {all but the last column: last column's values}."""
    found: dict[tuple[str, ...], set[str]] = {}
    for *key, value in run_query(store, query).rows:
        found.setdefault(tuple(key), set()).add(value)
    return found


def test_launched_lists_exactly_each_unions_initiatives(store) -> None:
    """launched.rq against a plain join over the ukg:launched edges."""
    expected = pairs(store, "SELECT DISTINCT ?union ?initiative WHERE { ?u ukg:launched ?i ; rdfs:label ?union . ?i rdfs:label ?initiative }")
    assert not any("；" in label for labels in expected.values() for label in labels)  # else the split below is ambiguous
    rows = answer(store, "launched.rq")
    assert {(row["union"],): set(row["initiatives"].split("；")) for row in rows} == expected
    assert all(int(row["count"]) == len(expected[(row["union"],)]) for row in rows)


def test_benefited_pairs_unions_and_evidence_match_the_statements(store) -> None:
    """benefited.rq against plain joins: every benefited pair once, its evidence one of the sentences
    stating it, and the unions exactly those that launched the initiative."""
    sentences = pairs(store, """SELECT ?initiative ?group ?sentence WHERE {
        ?s rdf:predicate ukg:benefited ; rdf:subject ?i ; rdf:object ?g ; ukg:evidence ?sentence .
        ?i rdfs:label ?initiative . ?g rdfs:label ?group }""")
    launchers = pairs(store, "SELECT DISTINCT ?initiative ?union WHERE { ?u ukg:launched ?i ; rdfs:label ?union . ?i rdfs:label ?initiative }")
    rows = answer(store, "benefited.rq")
    assert {(row["initiative"], row["group"]) for row in rows} == set(sentences)
    assert len(rows) == len(sentences)
    for row in rows:
        assert row["evidence"] in sentences[(row["initiative"], row["group"])]
        unions = set(row["unions"].split("、")) if row["unions"] else set()
        assert unions == launchers.get((row["initiative"],), set()), row["initiative"]
    assert any(len(sentences[key]) > 1 for key in sentences), "some pair is stated by several sentences"
