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


def _labels_of(store, kind: str) -> list[str]:
    from kg.query import run_query

    # (entities some article mentions: a broader group of the taxonomy may stand in the graph unmentioned)
    rows = run_query(store, f"SELECT DISTINCT ?l WHERE {{ ?e a ukg:{kind} ; rdfs:label ?l ; ukg:mentionedIn ?a }} "
                            "ORDER BY ?l LIMIT 5").rows
    return [label for (label,) in rows]


@pytest.mark.parametrize("kind", ["Initiative", "UnionBody", "BeneficiaryGroup", "Person"])
def test_each_article_says_which_rule_made_the_entity(store, kind: str) -> None:
    from kg.rules.registry import describe

    labels = _labels_of(store, kind)
    assert labels
    for label in labels:
        [entity] = [e for e in explain(store, label) if e.kind == kind]
        assert entity.made, f"{label}: no rule made it"
        mentioned = {value for prop, value in entity.details if prop == "mentionedIn"}
        assert {file for file, *_ in entity.made} == mentioned  # every article it is mentioned in says why
        for _file, position, rule, confidence, evidence in entity.made:
            assert describe(rule), f"{rule} is not in the rule registry"
            assert 0 <= float(confidence) <= 1 and int(position) >= 0 and evidence
        assert "made by " in format_explanations([entity])
        assert all(f[1] != "type" for f in entity.facts)  # the mention statements are no facts


def test_initiative_made_by_the_initiative_model(store) -> None:
    [label, *_] = _labels_of(store, "Initiative")
    [entity] = [e for e in explain(store, label) if e.kind == "Initiative"]
    assert {rule.split("/")[0] for _f, _p, rule, _c, _e in entity.made} <= {"model.initiative"}
