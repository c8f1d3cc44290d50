"""kg.store.explain on the seeds build: names, posts, places and facts with evidence."""

from __future__ import annotations

import pytest

from kg.store.explain import explain, format_explanations
from kg.store.query import open_store


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
    from kg.store.query import run_query

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


def test_explain_html_renders_the_articles_that_mention_the_entity_with_displacy(seeds_build, tmp_path) -> None:
    from typer.testing import CliRunner

    from conftest import SEEDS
    from kg.cli import app

    _, out = seeds_build
    label = explain(open_store(out / "store"), "困难职工")[0].label
    page = tmp_path / "explain.html"
    result = CliRunner().invoke(app, ["explain", label, "--store", str(out / "store"), "--html", str(page),
                                      "--sources", str(SEEDS)])
    assert result.exit_code == 0, result.output
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "spans" in text and "BeneficiaryGroup" in text and "UnionBody" in text
    made_files = {file for e in explain(open_store(out / "store"), label) for file, *_ in e.made}
    assert all(file in text for file in made_files)


def test_explain_html_without_the_sources_is_one_line(seeds_build, tmp_path) -> None:
    from typer.testing import CliRunner

    from kg.cli import app

    _, out = seeds_build
    result = CliRunner().invoke(app, ["explain", "困难职工", "--store", str(out / "store"), "--html",
                                      str(tmp_path / "x.html"), "--sources", str(tmp_path)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[-1].startswith("error: none of the source files") and not (tmp_path / "x.html").exists()
