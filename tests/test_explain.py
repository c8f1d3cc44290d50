"""kg.explain on the seeds build: names, posts, places and facts with evidence."""

from __future__ import annotations

import pytest

from kg.explain import explain, format_explanations
from kg.query import open_store


@pytest.fixture(scope="module")
def store(seeds_build):
    return open_store(seeds_build[1] / "store")


def test_union_explained_with_places_and_evidenced_facts(store) -> None:
    [union] = explain(store, "滨海县总工会")
    assert union.kind == "UnionBody"
    assert ("locatedIn", "江苏省") in union.details
    launched = [f for f in union.facts if f[0] == "→" and f[1] == "launched"]
    assert launched and all(f[4] and 0 <= float(f[6]) <= 1 and f[5] for f in launched)
    assert "“" in format_explanations([union])


def test_person_explained_with_post(store) -> None:
    [person] = explain(store, "赵建友")
    assert ("post", "滨海县总工会副主席 @ 滨海县总工会") in person.details


@pytest.mark.parametrize("label", ["不存在的工会", 'a"b } UNION { ?s ?p ?o', "\\"])
def test_unknown_or_hostile_labels_find_nothing(store, label: str) -> None:
    assert explain(store, label) == []
