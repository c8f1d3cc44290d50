"""Each shipped question in ontology/queries/ answers sensibly on the seeds build."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT
from kg.query import open_store, run_query

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
    assert len(rows) >= 50
    for row in rows:
        assert "工会" in row["union"] or "联合会" in row["union"]
        assert row["evidence"]
    unions = {row["union"] for row in rows}
    assert {"滨海县总工会", "北京市总工会", "云南省总工会"} <= unions


def check_benefited(rows) -> None:
    assert len(rows) >= 30
    assert any(row["group"] == "职工" for row in rows)
    assert all(row["evidence"] for row in rows)
    assert sum(1 for row in rows if row["unions"]) >= len(rows) // 2


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
