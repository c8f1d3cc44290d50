"""kg.gephi.views and kg.gephi.writers: views from a store, and GraphML/GEXF that Gephi-ecosystem readers get whole.

A small hand-written TriG store pins the semantics (views, weights, dates,
filters); the seeds build is written in every view and format and read back by
graphology-graphml and graphology-gexf (Node.js, the importers of Gephi Lite),
networkx and igraph.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest

from conftest import ROOT
from kg.gephi.writers import GEXF_NS, gexf_bytes, graphml_bytes
from kg.gephi.views import TYPE_COLOURS, VIEWS, first_last, period, view_graph

ID = "https://w3id.org/union-kg/id/"

# Two articles: a1 published 2022-11-22; a2 undated, one of its facts dated 2020-05 by its sentence.
# 甲 and 乙 launch 送清凉 together in a1 (cooperation); 丙 launches it alone in a2.
MINI = """
@prefix ukg: <https://w3id.org/union-kg/ontology#> .
@prefix id: <https://w3id.org/union-kg/id/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <https://schema.org/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

id:graph\\/entities {
  id:union\\/甲市总工会 a ukg:UnionBody ; rdfs:label "甲市总工会"@zh ; skos:altLabel "甲市总"@zh .
  id:union\\/乙区总工会 a ukg:UnionBody ; rdfs:label "乙区总工会"@zh .
  id:union\\/丙县总工会 a ukg:UnionBody ; rdfs:label "丙县总工会"@zh .
  id:initiative\\/送清凉 a ukg:Initiative ; rdfs:label "送清凉"@zh .
  id:group\\/户外劳动者 a ukg:BeneficiaryGroup ; rdfs:label "户外劳动者"@zh ; skos:broader id:group\\/劳动者 .
  id:group\\/劳动者 a ukg:BeneficiaryGroup ; rdfs:label "劳动者"@zh .
  id:person\\/张某 a ukg:Person ; rdfs:label "张某"@zh .
  id:place\\/320100 a ukg:Place ; rdfs:label "南京市"@zh ; ukg:adminLevel "city" ; schema:containedInPlace id:place\\/320000 .
  id:place\\/320000 a ukg:Place ; rdfs:label "江苏省"@zh ; ukg:adminLevel "province" .
}

id:article\\/a1 {
  id:article\\/a1 a ukg:Article ; schema:datePublished "2022-11-22"^^xsd:date .
  id:union\\/甲市总工会 ukg:mentionedIn id:article\\/a1 .
  id:union\\/乙区总工会 ukg:mentionedIn id:article\\/a1 .
  id:initiative\\/送清凉 ukg:mentionedIn id:article\\/a1 .
  id:group\\/户外劳动者 ukg:mentionedIn id:article\\/a1 .
  id:person\\/张某 ukg:mentionedIn id:article\\/a1 .
  id:place\\/320100 ukg:mentionedIn id:article\\/a1 .
  id:quantity\\/q1 a ukg:Quantity ; ukg:value 500000.0 ; ukg:measures id:initiative\\/送清凉 ; ukg:mentionedIn id:article\\/a1 .
  id:union\\/甲市总工会 ukg:launched id:initiative\\/送清凉 ; ukg:locatedIn id:place\\/320100 .
  id:union\\/乙区总工会 ukg:launched id:initiative\\/送清凉 ; org:subOrganizationOf id:union\\/甲市总工会 .
  id:initiative\\/送清凉 ukg:benefited id:group\\/户外劳动者 .
  id:person\\/张某 org:memberOf id:union\\/甲市总工会 .
  id:membership\\/m1 a org:Membership ; org:member id:person\\/张某 ; org:organization id:union\\/甲市总工会 ; ukg:postTitle "副主席"@zh .
  id:statement\\/s1 a rdf:Statement ; rdf:subject id:union\\/甲市总工会 ; rdf:predicate ukg:launched ; rdf:object id:initiative\\/送清凉 ; prov:wasDerivedFrom id:article\\/a1 .
  id:statement\\/s2 a rdf:Statement ; rdf:subject id:union\\/乙区总工会 ; rdf:predicate ukg:launched ; rdf:object id:initiative\\/送清凉 ; prov:wasDerivedFrom id:article\\/a1 .
  id:statement\\/s3 a rdf:Statement ; rdf:subject id:initiative\\/送清凉 ; rdf:predicate ukg:benefited ; rdf:object id:group\\/户外劳动者 ; prov:wasDerivedFrom id:article\\/a1 .
  id:statement\\/s4 a rdf:Statement ; rdf:subject id:union\\/甲市总工会 ; rdf:predicate ukg:locatedIn ; rdf:object id:place\\/320100 ; prov:wasDerivedFrom id:article\\/a1 .
  id:statement\\/s5 a rdf:Statement ; rdf:subject id:union\\/乙区总工会 ; rdf:predicate org:subOrganizationOf ; rdf:object id:union\\/甲市总工会 ; prov:wasDerivedFrom id:article\\/a1 .
  id:statement\\/s6 a rdf:Statement ; rdf:subject id:person\\/张某 ; rdf:predicate org:memberOf ; rdf:object id:union\\/甲市总工会 ; prov:wasDerivedFrom id:article\\/a1 .
}

id:article\\/a2 {
  id:article\\/a2 a ukg:Article .
  id:union\\/丙县总工会 ukg:mentionedIn id:article\\/a2 .
  id:initiative\\/送清凉 ukg:mentionedIn id:article\\/a2 .
  id:group\\/户外劳动者 ukg:mentionedIn id:article\\/a2 .
  id:union\\/丙县总工会 ukg:launched id:initiative\\/送清凉 .
  id:initiative\\/送清凉 ukg:benefited id:group\\/户外劳动者 .
  id:statement\\/s7 a rdf:Statement ; rdf:subject id:union\\/丙县总工会 ; rdf:predicate ukg:launched ; rdf:object id:initiative\\/送清凉 ;
      prov:wasDerivedFrom id:article\\/a2 ; ukg:eventDate "2020-05"^^xsd:gYearMonth .
  id:statement\\/s8 a rdf:Statement ; rdf:subject id:initiative\\/送清凉 ; rdf:predicate ukg:benefited ; rdf:object id:group\\/户外劳动者 ;
      prov:wasDerivedFrom id:article\\/a2 .
}
"""


@pytest.fixture(scope="module")
def mini() -> ox.Store:
    store = ox.Store()
    store.load(MINI.encode("utf-8"), format=ox.RdfFormat.TRIG)
    return store


def edges(graph: nx.MultiDiGraph) -> set[tuple]:
    label = nx.get_node_attributes(graph, "label")
    return {(label[s], d["label"], label[o], d["weight"]) for s, o, d in graph.edges(data=True)}


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        ("full", {
            ("甲市总工会", "launched", "送清凉", 1.0), ("乙区总工会", "launched", "送清凉", 1.0),
            ("丙县总工会", "launched", "送清凉", 1.0), ("送清凉", "benefited", "户外劳动者", 2.0),
            ("户外劳动者", "broader", "劳动者", 1.0), ("甲市总工会", "locatedIn", "南京市", 1.0),
            ("南京市", "containedInPlace", "江苏省", 1.0), ("乙区总工会", "subOrganizationOf", "甲市总工会", 1.0),
            ("张某", "memberOf", "甲市总工会", 1.0),
        }),
        ("unions-initiatives-groups", {
            ("甲市总工会", "launched", "送清凉", 1.0), ("乙区总工会", "launched", "送清凉", 1.0),
            ("丙县总工会", "launched", "送清凉", 1.0), ("送清凉", "benefited", "户外劳动者", 2.0),
        }),
        ("union-cooperation", {("乙区总工会", "cooperation", "甲市总工会", 1.0)}),
        ("union-hierarchy", {
            ("乙区总工会", "subOrganizationOf", "甲市总工会", 1.0), ("甲市总工会", "locatedIn", "南京市", 1.0),
            ("南京市", "containedInPlace", "江苏省", 1.0),
        }),
    ],
)
def test_views_of_a_small_store(mini, view, expected) -> None:
    graph = view_graph(mini, view=view)
    assert edges(graph) == expected
    if view == "full":  # every entity, isolated or not; never the quantity, statements or membership
        assert len(graph) == 9 and not any("/quantity/" in n or "/statement/" in n or "/membership/" in n for n in graph)
    else:  # projections keep only the nodes of their edges
        assert set(graph) == {n for s, o in graph.edges() for n in (s, o)}
    assert graph.graph["directed"] is (view != "union-cooperation")


def test_node_and_edge_attributes_dates_and_provinces(mini) -> None:
    graph = view_graph(mini)
    union = graph.nodes[ID + "union/甲市总工会"]
    assert union == {"label": "甲市总工会", "type": "UnionBody", "iri": ID + "union/甲市总工会", "altLabels": "甲市总",
                     "province": "江苏省", "adminLevel": "", "articles": 1, "dated": True,
                     "firstSeen": "2022-11-22", "lastSeen": "2022-11-22"}
    # Undated article a2: the launch is dated by its sentence (2020-05); the benefited fact of a2 has no date.
    initiative = graph.nodes[ID + "initiative/送清凉"]
    assert (initiative["articles"], initiative["firstSeen"], initiative["lastSeen"]) == (2, "2020-05", "2022-11-22")
    benefited = graph.get_edge_data(ID + "initiative/送清凉", ID + "group/户外劳动者")
    (attrs,) = benefited.values()
    assert (attrs["articles"], attrs["firstSeen"], attrs["lastSeen"]) == (2, "2022-11-22", "2022-11-22")
    assert (graph.nodes[ID + "group/劳动者"]["articles"], graph.nodes[ID + "group/劳动者"]["dated"]) == (0, False)
    (member,) = graph.get_edge_data(ID + "person/张某", ID + "union/甲市总工会").values()
    assert member["posts"] == "副主席"
    assert graph.nodes[ID + "place/320000"]["province"] == "江苏省"


@pytest.mark.parametrize(
    ("since", "until", "province", "nodes", "launches"),
    [
        # 2020-05 (a2's launch) overlaps a window ending 2020-05-15, a1 (2022) does not; 户外劳动者 is in a2
        # only through an undated fact, so it drops out of the window.
        (None, dt.date(2020, 5, 15), None, {"丙县总工会", "送清凉"}, {("丙县总工会", "launched", "送清凉", 1.0)}),
        (dt.date(2021, 1, 1), None, None, {"甲市总工会", "乙区总工会", "送清凉", "户外劳动者", "劳动者", "张某", "南京市", "江苏省"},
         {("甲市总工会", "launched", "送清凉", 1.0), ("乙区总工会", "launched", "送清凉", 1.0)}),
        (None, None, "江苏", {"甲市总工会", "乙区总工会", "送清凉", "户外劳动者", "劳动者", "张某", "南京市", "江苏省"},
         {("甲市总工会", "launched", "送清凉", 1.0), ("乙区总工会", "launched", "送清凉", 1.0)}),
    ],
)
def test_date_window_and_province_keep_only_their_articles_facts(mini, since, until, province, nodes, launches) -> None:
    graph = view_graph(mini, since=since, until=until, province=province)
    assert set(nx.get_node_attributes(graph, "label").values()) == nodes
    assert {e for e in edges(graph) if e[1] == "launched"} == launches


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"view": "everything"}, "unknown view 'everything'"),
        ({"province": "西藏"}, "no province '西藏' in the graph (provinces: 江苏省)"),
        ({"since": dt.date(2023, 1, 1), "until": dt.date(2022, 1, 1)}, "is after"),
    ],
)
def test_bad_view_arguments_raise_one_line_errors(mini, kwargs, message) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        view_graph(mini, **kwargs)


@pytest.mark.parametrize(
    ("value", "first", "last"),
    [("2022-11-22", dt.date(2022, 11, 22), dt.date(2022, 11, 22)), ("2020-02", dt.date(2020, 2, 1), dt.date(2020, 2, 29)),
     ("2017", dt.date(2017, 1, 1), dt.date(2017, 12, 31))],
)
def test_period_of_a_day_month_or_year(value, first, last) -> None:
    assert period(value) == (first, last)


def test_first_last_compare_periods_not_strings() -> None:
    assert first_last(["2020", "2020-05", "2019-12-31"]) == ("2019-12-31", "2020")
    assert first_last([]) == ("", "")


@pytest.mark.parametrize(
    ("value", "message"),
    [(None, "NoneType"), (["a", "b"], "list"), (float("nan"), "non-finite")],
)
def test_writers_refuse_values_gephi_would_misread(value, message) -> None:
    graph = nx.MultiDiGraph()
    graph.add_node("a", label="工会", bad=value)
    for write in (graphml_bytes, gexf_bytes):
        with pytest.raises(ValueError, match=message):
            write(graph)


def test_writers_refuse_a_missing_value() -> None:
    graph = nx.MultiDiGraph()
    graph.add_node("a", label="甲", type="UnionBody")
    graph.add_node("b", label="乙")
    with pytest.raises(ValueError, match="node 'b': no value for type"):
        graphml_bytes(graph)


def test_writers_name_the_first_element_whose_value_type_differs() -> None:
    graph = nx.MultiDiGraph()
    for i in range(5):
        graph.add_node(f"n{i}", label=f"甲{i}", articles=i)
    graph.add_node("odd", label="乙", articles="3")
    graph.add_node("later", label="丙", articles=True)
    for write in (graphml_bytes, gexf_bytes):
        with pytest.raises(ValueError, match="node 'odd': attribute 'articles' is str, elsewhere int"):
            write(graph)


def test_writers_escape_markup_and_drop_characters_xml_forbids() -> None:
    name, label = 'a&"<b>', '工会 & <"职工">\n\t'
    graph = nx.MultiDiGraph()
    graph.add_node(name, label=label, type="UnionBody", note="x\x01y\ud800z\ufffe")
    graph.add_edge(name, name, key="k<1>", label="partner", weight=1.0, note="p&q")
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    graphml = ET.fromstring(graphml_bytes(graph))
    node, edge = graphml.find("g:graph/g:node", ns), graphml.find("g:graph/g:edge", ns)
    assert node.get("id") == name and (edge.get("id"), edge.get("source"), edge.get("target")) == ("k<1>", name, name)
    assert {d.get("key"): d.text for d in node.findall("g:data", ns)} == {"label": label, "type": "UnionBody", "note": "xyz"}
    assert {d.get("key"): d.text for d in edge.findall("g:data", ns)} == {"edgelabel": "partner", "weight": "1.0", "edgenote": "p&q"}
    gexf = ET.fromstring(gexf_bytes(graph))
    node, edge = gexf.find(f"{{{GEXF_NS}}}graph/{{{GEXF_NS}}}nodes/{{{GEXF_NS}}}node"), gexf.find(f".//{{{GEXF_NS}}}edge")
    assert (node.get("id"), node.get("label")) == (name, label)  # attribute newlines/tabs survive as character references
    assert {v.get("for"): v.get("value") for v in node.iter(f"{{{GEXF_NS}}}attvalue")} == {"type": "UnionBody", "note": "xyz"}
    assert (edge.get("label"), edge.get("weight"), edge.get("source")) == ("partner", "1.0", name)
    assert {v.get("for"): v.get("value") for v in edge.iter(f"{{{GEXF_NS}}}attvalue")} == {"note": "p&q"}


def test_gexf_timeline_starts_are_the_first_days_of_real_dates(mini) -> None:
    root = ET.fromstring(gexf_bytes(view_graph(mini)))
    ns = {"g": GEXF_NS}
    graph = root.find("g:graph", ns)
    assert (graph.get("mode"), graph.get("timeformat"), graph.get("timerepresentation")) == ("dynamic", "date", "interval")
    starts = {n.get("label"): n.get("start") for n in root.iter(f"{{{GEXF_NS}}}node")}
    assert starts["送清凉"] == "2020-05-01"  # month precision starts on its first day
    assert starts["甲市总工会"] == "2022-11-22"
    assert starts["劳动者"] is None  # taxonomy only, no article: no date, shown at all times


# --------------------------------------------------------------------------- the seeds, through real readers


@pytest.fixture(scope="module")
def seeds_store(seeds_build) -> ox.Store:
    _, out = seeds_build
    return ox.Store.read_only(str(out / "store"))


@pytest.fixture(scope="module")
def seeds_views(seeds_store) -> dict[str, nx.MultiDiGraph]:
    return {view: view_graph(seeds_store, view=view) for view in VIEWS}


@pytest.fixture(scope="module")
def seeds_files(seeds_views, tmp_path_factory) -> dict[tuple[str, str], Path]:
    folder = tmp_path_factory.mktemp("views")
    files = {}
    for view, graph in seeds_views.items():
        for fmt, write in (("graphml", graphml_bytes), ("gexf", gexf_bytes)):
            files[(view, fmt)] = folder / f"{view}.{fmt}"
            files[(view, fmt)].write_bytes(write(graph))
    return files


JS = ROOT / "tests" / "js"


@pytest.fixture(scope="module")
def graphology(seeds_files) -> dict[tuple[str, str], dict]:
    """What graphology-graphml / graphology-gexf read from every file (one Node.js run)."""
    node = shutil.which("node")
    if node is None or not (JS / "node_modules" / "graphology-gexf").is_dir():
        reason = "Node.js or tests/js/node_modules missing (run `npm ci` in tests/js; .ci/run does)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    keys = list(seeds_files)
    run = subprocess.run([node, str(JS / "read.js"), *(str(seeds_files[k]) for k in keys)],
                         capture_output=True, text=True, timeout=120, check=True)
    read = json.loads(run.stdout)
    return {k: read[str(seeds_files[k])] for k in keys}


def test_seeds_views_have_nodes_and_edges_and_no_provenance_nodes(seeds_views) -> None:
    for view, graph in seeds_views.items():
        assert graph.number_of_edges() > 0, view
        for node, data in graph.nodes(data=True):
            assert data["type"] in TYPE_COLOURS and data["label"], (view, node)
            assert not any(f"/id/{kind}/" in node for kind in ("article", "statement", "membership", "quantity", "role")), node
        ids = [k for _, _, k in graph.edges(keys=True)]
        assert len(ids) == len(set(ids)), view
    assert {d["type"] for _, d in seeds_views["union-cooperation"].nodes(data=True)} == {"UnionBody"}


JS_TYPES = {str: "string", bool: "boolean", int: "number", float: "number"}


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
@pytest.mark.parametrize("view", VIEWS)
def test_graphology_reads_every_view_whole(graphology, seeds_views, view, fmt) -> None:
    graph, read = seeds_views[view], graphology[(view, fmt)]
    assert "error" not in read, read.get("error")
    assert (read["order"], read["size"]) == (graph.number_of_nodes(), graph.number_of_edges())
    assert read["type"] == ("directed" if graph.graph["directed"] else "undirected")
    for node in read["nodes"]:
        ours = graph.nodes[node["key"]]
        for name, value in ours.items():
            assert node["attributes"][name] == value, (node["key"], name)
            assert node["types"][name] == JS_TYPES[type(value)], (node["key"], name)
        if fmt == "gexf":
            r, g, b = (int(TYPE_COLOURS[ours["type"]][i:i + 2], 16) for i in (1, 3, 5))
            assert node["attributes"]["color"] == f"rgb({r},{g},{b})"
    ours_edges = {k: d for _, _, k, d in graph.edges(keys=True, data=True)}
    for edge in read["edges"]:
        for name, value in ours_edges[edge["key"]].items():
            assert edge["attributes"][name] == value, (edge["key"], name)
            assert edge["types"][name] == JS_TYPES[type(value)], (edge["key"], name)


@pytest.mark.parametrize("view", VIEWS)
def test_networkx_reads_the_graphml_back_unchanged(seeds_views, seeds_files, view) -> None:
    graph, back = seeds_views[view], nx.read_graphml(seeds_files[(view, "graphml")], force_multigraph=True)
    assert back.is_directed() is graph.graph["directed"]
    assert dict(back.nodes(data=True)) == dict(graph.nodes(data=True))
    if graph.graph["directed"]:
        assert {(s, o, k): d for s, o, k, d in back.edges(keys=True, data=True)} == \
               {(s, o, k): d for s, o, k, d in graph.edges(keys=True, data=True)}
    else:
        assert {k: d for _, _, k, d in back.edges(keys=True, data=True)} == {k: d for _, _, k, d in graph.edges(keys=True, data=True)}
    for _, data in back.nodes(data=True):
        assert all(type(v) in JS_TYPES for v in data.values())


@pytest.mark.parametrize("view", VIEWS)
def test_igraph_reads_the_graphml_back_unchanged(seeds_views, seeds_files, view) -> None:
    igraph = pytest.importorskip("igraph", reason="python-igraph is a test extra")
    graph = seeds_views[view]
    back = igraph.Graph.Read_GraphML(str(seeds_files[(view, "graphml")]))
    assert (back.vcount(), back.ecount(), back.is_directed()) == (len(graph), graph.number_of_edges(), graph.graph["directed"])
    for vertex in back.vs:
        ours = graph.nodes[vertex["id"]]
        assert {name: vertex[name] for name in ours} == ours  # igraph numbers are floats: 3.0 == 3
    ours_edges = sorted((s, o, d["label"], d["weight"], d["articles"]) for s, o, d in graph.edges(data=True))
    read_edges = sorted((back.vs[e.source]["id"], back.vs[e.target]["id"], e["label"], e["weight"], e["articles"]) for e in back.es)
    if not graph.graph["directed"]:
        ours_edges = sorted((min(s, o), max(s, o), *rest) for s, o, *rest in ours_edges)
        read_edges = sorted((min(s, o), max(s, o), *rest) for s, o, *rest in read_edges)
    assert read_edges == ours_edges


def test_seeds_timeline_carries_real_dates_from_the_store(seeds_store, seeds_views) -> None:
    stated = {row[0].value for row in seeds_store.query(
        "SELECT DISTINCT ?d WHERE { { ?s <https://w3id.org/union-kg/ontology#eventDate> ?d } UNION { ?s <https://schema.org/datePublished> ?d } }",
        use_default_graph_as_union=True)}
    root = ET.fromstring(gexf_bytes(seeds_views["full"]))
    starts = [e.get("start") for tag in ("node", "edge") for e in root.iter(f"{{{GEXF_NS}}}{tag}") if e.get("start")]
    assert starts, "no dated element in the seeds timeline"
    assert {d for _, d in seeds_views["full"].nodes(data="firstSeen") if d} <= stated  # never a made-up date
    assert set(starts) <= {period(d)[0].isoformat() for d in stated}


def test_views_are_byte_stable(seeds_store, seeds_views) -> None:
    for view in ("full", "union-cooperation"):
        again = view_graph(seeds_store, view=view)
        assert graphml_bytes(again) == graphml_bytes(seeds_views[view])
        assert gexf_bytes(again) == gexf_bytes(seeds_views[view])


# --------------------------------------------------------------------------- kg export


def test_kg_export_writes_the_view_in_the_format_of_its_suffix_or_to_stdout(seeds_build, seeds_store, tmp_path) -> None:
    from typer.testing import CliRunner

    from kg.cli import app

    _, out = seeds_build
    runner = CliRunner()
    target = tmp_path / "sub" / "coop.gexf"
    result = runner.invoke(app, ["export", "--store", str(out / "store"), "--view", "union-cooperation", "-o", str(target)])
    assert result.exit_code == 0, result.output
    expected = view_graph(seeds_store, view="union-cooperation")
    assert target.read_bytes() == gexf_bytes(expected)
    assert f"{expected.number_of_nodes()} nodes, {expected.number_of_edges()} edges" in result.stderr
    # From the N-Quads file instead of the store: the same network.
    result = runner.invoke(app, ["export", "--graph", str(out / "graph.nq"), "--format", "graphml"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == graphml_bytes(view_graph(seeds_store))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--province", "火星"], "error: no province '火星' in the graph"),
        (["--since", "2020-13-01"], "error: --since must be a date YYYY-MM-DD, not '2020-13-01'"),
        (["--view", "nope"], "error: unknown view 'nope'"),
        (["--format", "dot"], "error: --format must be one of graphml, gexf, html, not 'dot'"),
        (["--graph", "missing.ttl"], "error: missing.ttl: no such file"),
    ],
)
def test_kg_export_user_errors_are_one_line(seeds_build, tmp_path, args, message) -> None:
    from typer.testing import CliRunner

    from kg.cli import app

    _, out = seeds_build
    result = CliRunner().invoke(app, ["export", "--store", str(out / "store"), *args, "-o", str(tmp_path / "g.graphml")])
    assert result.exit_code == 1
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1, result.stderr
    assert not (tmp_path / "g.graphml").exists()
