"""kg.store.explore: the explorer page (self-contained, no network) and the inline data of kg export --format html.

A small hand-written TriG store (made-up names) pins the data; tests/test_store_explore_browser.py runs the page itself."""

from __future__ import annotations

import datetime as dt
import json
import re

import httpx
import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.store.explore import COOPERATION, GROUPS, RDF_TYPE, UKG, _script_json, page, view_data
from kg.gephi.views import RELATIONS, TYPE_COLOURS, view_graph

ID = "https://w3id.org/union-kg/id/"
MINI = """
@prefix ukg: <https://w3id.org/union-kg/ontology#> .
@prefix id: <https://w3id.org/union-kg/id/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <https://schema.org/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

id:graph\\/entities {
  id:union\\/青禾县总工会 a ukg:UnionBody ; rdfs:label "青禾县总工会"@zh ; skos:altLabel "青禾縣總工會"@zh .
  id:initiative\\/送清凉 a ukg:Initiative ; rdfs:label "送清凉"@zh .
  id:initiative\\/暖心驿站 a ukg:Initiative ; rdfs:label "暖心驿站"@zh .
  id:group\\/环卫工人 a ukg:BeneficiaryGroup ; rdfs:label "环卫工人"@zh .
  id:place\\/990100 a ukg:Place ; rdfs:label "某某市"@zh ; ukg:adminLevel "city" ; schema:containedInPlace id:place\\/990000 .
  id:place\\/990000 a ukg:Place ; rdfs:label "某某省"@zh ; ukg:adminLevel "province" .
}

id:article\\/a1 {
  id:article\\/a1 a ukg:Article ; ukg:sourceFile "a.txt" ; schema:datePublished "2022-11-22"^^xsd:date .
  id:union\\/青禾县总工会 ukg:mentionedIn id:article\\/a1 ; ukg:launched id:initiative\\/送清凉 ; ukg:locatedIn id:place\\/990100 .
  id:initiative\\/送清凉 ukg:mentionedIn id:article\\/a1 ; ukg:benefited id:group\\/环卫工人 .
  id:group\\/环卫工人 ukg:mentionedIn id:article\\/a1 .
  id:statement\\/s1 a rdf:Statement ; rdf:subject id:union\\/青禾县总工会 ; rdf:predicate ukg:launched ; rdf:object id:initiative\\/送清凉 ;
    prov:wasDerivedFrom id:article\\/a1 ; ukg:rule "launch.verb/v1" ; ukg:confidence 0.9 ;
    ukg:evidence "青禾县总工会开展送清凉活动。"@zh ; ukg:evidenceSelector id:statement\\/s1\\/selector .
  id:statement\\/s1\\/selector a oa:TextPositionSelector ; oa:start 10 ; oa:end 24 .
  id:statement\\/s2 a rdf:Statement ; rdf:subject id:initiative\\/送清凉 ; rdf:predicate ukg:benefited ; rdf:object id:group\\/环卫工人 ;
    prov:wasDerivedFrom id:article\\/a1 ; ukg:rule "benefit.for/v1" ; ukg:confidence 0.8 ; ukg:evidence "为环卫工人送清凉。"@zh .
  id:statement\\/s3 a rdf:Statement ; rdf:subject id:initiative\\/送清凉 ; rdf:predicate rdf:type ; rdf:object ukg:Initiative ;
    prov:wasDerivedFrom id:article\\/a1 ; ukg:rule "initiative.name/v2" ; ukg:confidence 0.7 ; ukg:evidence "青禾县总工会开展送清凉活动。"@zh .
}

id:article\\/a2 {
  id:article\\/a2 a ukg:Article ; ukg:sourceFile "b.txt" .
  id:union\\/青禾县总工会 ukg:mentionedIn id:article\\/a2 ; ukg:launched id:initiative\\/暖心驿站 .
  id:initiative\\/暖心驿站 ukg:mentionedIn id:article\\/a2 .
  id:statement\\/s4 a rdf:Statement ; rdf:subject id:union\\/青禾县总工会 ; rdf:predicate ukg:launched ; rdf:object id:initiative\\/暖心驿站 ;
    prov:wasDerivedFrom id:article\\/a2 ; ukg:rule "launch.verb/v1" ; ukg:confidence 0.6 ;
    ukg:evidence "2020年5月,青禾县总工会建成暖心驿站。"@zh ; ukg:eventDate "2020-05"^^xsd:gYearMonth .
}
"""
UNION, COOL, WARM, GROUP = (f"{ID}union/青禾县总工会", f"{ID}initiative/送清凉", f"{ID}initiative/暖心驿站", f"{ID}group/环卫工人")
LAUNCHED, BENEFITED = (next(iri for iri, label in RELATIONS.items() if label == name) for name in ("launched", "benefited"))


@pytest.fixture(scope="module")
def mini() -> ox.Store:
    store = ox.Store()
    store.load(MINI.encode("utf-8"), format=ox.RdfFormat.TRIG)
    return store


def _inline(html: bytes) -> dict:
    match = re.search(rb"window\.KG_DATA = (.*?);</script>", html, re.S)
    assert match
    return json.loads(match.group(1).decode("utf-8").replace("<\\/", "</"))


def test_the_page_is_self_contained() -> None:
    html = page().decode("utf-8")
    assert "window.KGVendor" in html and "forceAtlas2" in html  # the bundle is inlined
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)  # no script, style or font from elsewhere
    assert 'fetch("query"' in html  # the endpoint beside the page, by a relative URL
    assert "window.KG_DATA =" not in html


def test_the_page_carries_the_colours_relations_and_character_table() -> None:
    html = page(start="青禾").decode("utf-8")
    config = json.loads(re.search(r"window\.KG_CONFIG = (.*?);</script>", html, re.S).group(1).replace("<\\/", "</"))
    assert config["mode"] == "sparql" and config["start"] == "青禾"
    assert config["colours"] == TYPE_COLOURS
    assert {config["relations"][label] for labels in GROUPS.values() for label in labels} <= set(RELATIONS)
    assert config["relations"]["cooperation"] == COOPERATION
    pairs = dict(zip(config["t2s"][::2], config["t2s"][1::2]))
    assert pairs["縣"] == "县" and pairs["會"] == "会" and "县" not in pairs
    assert "PREFIX ukg: <https://w3id.org/union-kg/ontology#>" in config["prefixes"]


@pytest.mark.parametrize("text", ["</script><script>alert(1)</script>", "/*APP*/ 与 /*DATA*/", "行\u2028分隔"])
def test_inline_text_cannot_break_the_page(text) -> None:
    data = {"nodes": [["x", "Initiative", text, 1, ""]], "edges": [], "predicates": [], "articles": [], "facts": {}, "provinces": []}
    html = page(data=data)
    assert html.count(b"</script>") == page().count(b"</script>")  # the text closes no script
    assert _inline(html)["nodes"][0][2] == text
    assert _script_json(text).count("</") == 0


def test_view_data_holds_the_view_and_its_facts(mini) -> None:
    data = view_data(mini, view="unions-initiatives-groups")
    nodes = [n[0] for n in data["nodes"]]
    assert nodes == sorted({UNION, COOL, WARM, GROUP})
    assert data["nodes"][nodes.index(UNION)] == [UNION, "UnionBody", "青禾县总工会", 2, "青禾縣總工會"]
    articles = [a[0] for a in data["articles"]]
    assert data["articles"][articles.index(f"{ID}article/a1")][1:] == ["a.txt", "2022-11-22", ["某某省"]]
    edges = {(nodes[s], data["predicates"][p], nodes[o]): occ for s, p, o, occ in data["edges"]}
    a1, a2 = articles.index(f"{ID}article/a1"), articles.index(f"{ID}article/a2")
    assert edges == {(UNION, LAUNCHED, COOL): [[a1, "2022-11-22"]], (UNION, LAUNCHED, WARM): [[a2, "2020-05"]],
                     (COOL, BENEFITED, GROUP): [[a1, "2022-11-22"]]}
    assert data["facts"][f"{UNION} {LAUNCHED} {COOL}"] == [[a1, "2022-11-22", "launch.verb/v1", 0.9, "青禾县总工会开展送清凉活动。", 10, 24, ""]]
    assert data["facts"][f"{COOL} {RDF_TYPE} {UKG}Initiative"][0][2] == "initiative.name/v2"
    assert data["provinces"] == ["某某省"]
    # the edges are the view's (kg export's), the window too
    assert len(data["edges"]) == view_graph(mini, view="unions-initiatives-groups").number_of_edges()
    dated = view_data(mini, view="unions-initiatives-groups", since=dt.date(2020, 1, 1),
                      until=dt.date(2020, 12, 31))
    assert [(dated["nodes"][s][0], dated["nodes"][o][0]) for s, _, o, _ in dated["edges"]] == [(UNION, WARM)]


def test_view_data_of_the_cooperation_view_has_no_facts(mini) -> None:
    data = view_data(mini, view="union-cooperation")
    assert data["edges"] == [] and data["predicates"] == []


def test_kg_export_html(seeds_build, tmp_path) -> None:
    store = seeds_build[1] / "store"
    output = tmp_path / "explore.html"
    result = CliRunner().invoke(app, ["export", "--store", str(store), "--view", "unions-initiatives-groups", "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert "unions-initiatives-groups:" in result.output
    data = _inline(output.read_bytes())
    network = view_graph(ox.Store.read_only(str(store)), view="unions-initiatives-groups")
    assert len(data["nodes"]) == network.number_of_nodes() and len(data["edges"]) == network.number_of_edges()
    assert all(data["facts"].get(f"{data['nodes'][s][0]} {data['predicates'][p]} {data['nodes'][o][0]}")
               for s, p, o, _ in data["edges"])  # every relation of the view has its sentence


def test_kg_serve_serves_the_explorer_with_the_same_guards(seeds_server) -> None:
    response = httpx.get(seeds_server.explore_url)
    assert response.status_code == 200 and "union-kg explorer" in response.text
    assert response.headers["content-type"].startswith("text/html") and response.headers["x-frame-options"] == "DENY"
    assert httpx.get(seeds_server.explore_url, headers={"host": "evil.example"}).status_code == 421
    assert httpx.post(seeds_server.explore_url, content=b"x").status_code == 405
