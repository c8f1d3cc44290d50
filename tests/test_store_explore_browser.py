"""kg serve in a real browser: headless Chromium opens the YASGUI query page, runs a shipped query
and finds a Chinese label in the results table; it opens the graph explorer (/explore, and the page
kg export --format html writes, from file://), searches a union, sees its initiatives, clicks one,
reads its evidence and filters by a year.  Screenshots go to a temporary folder, or to KG_SCREENSHOTS
(KG_SCREENSHOTS=docs refreshes the README's)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from conftest import ROOT
from kg.store.query import open_store, run_query
from kg.gephi.views import TYPE_COLOURS

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
#: Where the screenshot goes: a temporary folder, or KG_SCREENSHOTS (KG_SCREENSHOTS=docs refreshes the README's).
SCREENSHOT_NAME = "kg-serve-yasgui.png"

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[test]')")
if not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()):
    pytest.skip("Chromium cannot be found: install the Debian packages chromium and chromium-driver (.ci/run does)",
                allow_module_level=True)

from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    # --enable-unsafe-swiftshader: WebGL (sigma.js) in software, which Chromium no longer falls back to by itself
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium')}", "--window-size=1400,1000", "--lang=zh-CN"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    yield driver
    driver.quit()


def test_query_page_runs_a_shipped_query_and_shows_chinese_labels(seeds_server, seeds_build, browser, tmp_path) -> None:
    query = (ROOT / "ontology" / "queries" / "top-unions.rq").read_text(encoding="utf-8")
    unions = [row[0] for row in run_query(open_store(seeds_build[1] / "store"), query).rows]
    assert len(unions) == 20 and all("工会" in union for union in unions)
    browser.get(seeds_server.url)
    wait = WebDriverWait(browser, 30)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".yasqe .CodeMirror"))
    # the editor is CodeMirror: set the text through its API, then press YASGUI's run button
    browser.execute_script("document.querySelector('.yasqe .CodeMirror').CodeMirror.setValue(arguments[0]);", query)
    browser.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".yasr table tbody tr td"))
    rows = browser.find_elements(By.CSS_SELECTOR, ".yasr table tbody tr")
    # first column: the row number; second: the union, shown as "淄博市总工会"@zh
    shown = [row.find_elements(By.TAG_NAME, "td")[1].text for row in rows]
    assert shown == [f'"{union}"@zh' for union in unions]
    assert "20 results" in browser.find_element(By.CSS_SELECTOR, ".yasr").text
    simple = browser.find_elements(By.CSS_SELECTOR, ".yasr input[type=checkbox]")
    if simple and not simple[0].is_selected():  # "Simple view": values without datatypes, for the picture
        simple[0].click()
    screenshot = Path(os.environ.get("KG_SCREENSHOTS") or tmp_path) / SCREENSHOT_NAME
    assert browser.save_screenshot(str(screenshot))
    assert screenshot.stat().st_size > 20_000


# --- the graph explorer ------------------------------------------------------------------------------

EXPLORE_SCREENSHOT = "kg-explore.png"
_CHAIN = """
SELECT ?u ?label ?i ?launchYear ?benefitYear WHERE {
  { SELECT ?u (COUNT(DISTINCT ?x) AS ?n) WHERE { ?u a ukg:UnionBody ; ukg:launched ?x } GROUP BY ?u }
  ?u rdfs:label ?label ; ukg:launched ?i .
  OPTIONAL { ?s rdf:subject ?u ; rdf:predicate ukg:launched ; rdf:object ?i ; prov:wasDerivedFrom ?a .
             OPTIONAL { ?a schema:datePublished ?pd } OPTIONAL { ?s ukg:eventDate ?ed } BIND(YEAR(COALESCE(?pd, ?ed)) AS ?launchYear) }
  OPTIONAL { ?t rdf:subject ?i ; rdf:predicate ukg:benefited ; prov:wasDerivedFrom ?b .
             OPTIONAL { ?b schema:datePublished ?pd2 } OPTIONAL { ?t ukg:eventDate ?ed2 } BIND(YEAR(COALESCE(?pd2, ?ed2)) AS ?benefitYear) }
} ORDER BY DESC(?n) ?u
"""


def _union_with_dated_initiatives(store_path: Path):
    """The union of the build that launched the most initiatives, some of them dated: (IRI, label,
    its initiatives, the year of a dated launch, the initiatives that fact or one of their benefited facts dates in it)."""
    rows = run_query(open_store(store_path), _CHAIN).rows
    by_union: dict[str, list] = {}
    for u, label, i, launch, benefit in rows:
        by_union.setdefault((u, label), []).append((i, launch, benefit))
    for (u, label), found in by_union.items():
        years = sorted({launch for _, launch, _ in found if launch})
        if years and len({i for i, _, _ in found}) >= 5:
            year = years[0]
            dated = {i for i, launch, benefit in found if year in (launch, benefit)}
            return u, label, {i for i, _, _ in found}, int(year), dated
    pytest.fail("no union of the seeds launched five initiatives with a dated fact")


def _wait_idle(browser, *, nodes: int = 1, timeout: float = 60) -> None:
    WebDriverWait(browser, timeout).until(lambda d: d.execute_script(
        "return !!window.kgExplorer && window.kgExplorer.idle() && window.kgExplorer.graph.order >= arguments[0]", nodes))


def _search_and_open(browser, iri: str, label: str) -> None:
    box = browser.find_element(By.ID, "search")
    box.clear()
    box.send_keys(label[:-1])  # a prefix: suggestions as one types
    wait = WebDriverWait(browser, 30)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, f"#suggestions li[data-iri='{iri}']"))
    browser.find_element(By.CSS_SELECTOR, f"#suggestions li[data-iri='{iri}']").click()
    wait.until(lambda d: d.execute_script("return window.kgExplorer.state.focus === arguments[0]", iri))
    _wait_idle(browser, nodes=2)


def _initiatives_launched_by(browser, iri: str) -> set[str]:
    return set(browser.execute_script(
        "const g = window.kgExplorer.graph; return g.outNeighbors(arguments[0])"
        ".filter((n) => g.getNodeAttribute(n, 'kind') === 'Initiative');", iri))


def _click_node(browser, node: str) -> None:
    """Click a node where it is drawn (WebGL canvas) and wait for its facts."""
    x, y = browser.execute_script("const p = window.kgExplorer.viewportOf(arguments[0]); return [p.x, p.y];", node)
    container = browser.find_element(By.ID, "graph")
    size = container.size
    ActionChains(browser).move_to_element_with_offset(container, int(x - size["width"] / 2), int(y - size["height"] / 2)).click().perform()
    WebDriverWait(browser, 30).until(lambda d: d.execute_script(
        "return window.kgExplorer.state.selected === arguments[0] && window.kgExplorer.idle()", node))


def _loneliest(browser, candidates: set[str]) -> str:
    """Of some nodes, the one drawn farthest from any other (a click there hits it)."""
    return browser.execute_script("""
        const e = window.kgExplorer, g = e.graph, at = new Map(g.nodes().map((n) => [n, e.viewportOf(n)]));
        let best = null, room = -1;
        for (const n of arguments[0]) {
          const p = at.get(n); let near = Infinity;
          for (const [m, q] of at) if (m !== n) near = Math.min(near, Math.hypot(p.x - q.x, p.y - q.y));
          if (near > room) { room = near; best = n; }
        }
        return best;""", sorted(candidates))


def _evidence_of(store_path: Path, union: str, initiative: str) -> set[str]:
    query = f"SELECT ?e WHERE {{ ?s rdf:subject <{union}> ; rdf:predicate ukg:launched ; rdf:object <{initiative}> ; ukg:evidence ?e }}"
    return {row[0] for row in run_query(open_store(store_path), query).rows}


def _check_explorer(browser, store_path: Path, *, screenshot: Path | None = None) -> None:
    """Search the union, see its initiatives, click a dated one, read its evidence, filter by its year."""
    union, label, initiatives, year, dated = _union_with_dated_initiatives(store_path)
    _search_and_open(browser, union, label)
    assert _initiatives_launched_by(browser, union) == initiatives
    colour = browser.execute_script("return window.kgExplorer.graph.getNodeAttribute(arguments[0], 'color')", union)
    assert colour == TYPE_COLOURS["UnionBody"]
    chosen = _loneliest(browser, dated)
    _click_node(browser, chosen)
    facts = browser.find_element(By.ID, "facts")
    title = browser.execute_script("return window.kgExplorer.graph.getNodeAttribute(arguments[0], 'label')", chosen)
    assert facts.find_element(By.TAG_NAME, "h2").text.startswith(title)
    shown = [e.text for e in facts.find_elements(By.CSS_SELECTOR, ".edge-facts .evidence")]
    evidence = _evidence_of(store_path, union, chosen)
    assert evidence and evidence <= set(shown)
    assert any(m.text in (title, label) for m in facts.find_elements(By.CSS_SELECTOR, ".edge-facts .evidence mark"))
    assert facts.find_elements(By.CSS_SELECTOR, ".edge-facts .rule") and facts.find_elements(By.CSS_SELECTOR, ".edge-facts .file")
    if screenshot is not None:  # the neighbourhood and the facts of the initiative clicked
        time.sleep(0.3)  # the last frame
        assert browser.save_screenshot(str(screenshot))
        assert screenshot.stat().st_size > 20_000
    for box in ("since", "until"):
        browser.find_element(By.ID, box).send_keys(str(year))
    WebDriverWait(browser, 10).until(lambda d: str(year) in d.find_element(By.ID, "until").get_attribute("value"))
    visible = set(browser.execute_script("return window.kgExplorer.visibleNodes()"))
    assert union in visible and chosen in visible
    assert visible & initiatives == dated


def test_explorer_searches_a_union_and_shows_evidence(seeds_server, seeds_build, browser, tmp_path) -> None:
    browser.get_log("browser")  # (read and cleared: the pages before this one)
    browser.get(seeds_server.explore_url)
    WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#province option:nth-child(2)"))
    screenshot = Path(os.environ.get("KG_SCREENSHOTS") or tmp_path) / EXPLORE_SCREENSHOT
    _check_explorer(browser, seeds_build[1] / "store", screenshot=screenshot)
    # nothing failed to load, nothing was asked of the network (the favicon is the browser's own request)
    assert not [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE" and "favicon" not in entry["message"]]


def test_explorer_opens_the_question_in_the_query_page(seeds_server, seeds_build, browser) -> None:
    union, label, *_ = _union_with_dated_initiatives(seeds_build[1] / "store")
    browser.get(seeds_server.explore_url)
    _search_and_open(browser, union, label)
    section = browser.find_element(By.CSS_SELECTOR, ".edge-facts")
    rules = {e.text for e in section.find_elements(By.CSS_SELECTOR, ".rule")}
    link = section.find_element(By.CSS_SELECTOR, "a.query").get_attribute("href")
    assert link.startswith(seeds_server.url + "#query=")
    browser.get(link)
    wait = WebDriverWait(browser, 30)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".yasqe .CodeMirror"))
    assert "ukg:evidence ?evidence" in browser.execute_script("return document.querySelector('.yasqe .CodeMirror').CodeMirror.getValue()")
    browser.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".yasr table tbody tr td"))
    table = browser.find_element(By.CSS_SELECTOR, ".yasr").text
    assert rules and all(rule in table for rule in rules)  # the same facts


def test_exported_explorer_opens_from_a_file(seeds_build, browser, tmp_path) -> None:
    from typer.testing import CliRunner

    from kg.cli import app
    from kg.gephi.views import view_graph

    store = seeds_build[1] / "store"
    page = tmp_path / "mission.html"
    result = CliRunner().invoke(app, ["export", "--store", str(store), "--view", "unions-initiatives-groups", "--format", "html", "-o", str(page)])
    assert result.exit_code == 0, result.output
    expected = view_graph(open_store(store), view="unions-initiatives-groups").number_of_nodes()
    browser.get(page.as_uri())
    _wait_idle(browser, nodes=expected)
    assert browser.execute_script("return window.kgExplorer.graph.order") == expected  # the whole view first
    _check_explorer(browser, store)


def test_explorer_adds_places_on_demand_and_filters_by_province(seeds_server, seeds_build, browser) -> None:
    store = seeds_build[1] / "store"
    rows = run_query(open_store(store), """
        SELECT ?u ?label ?place ?province WHERE {
          ?u a ukg:UnionBody ; rdfs:label ?label ; ukg:locatedIn ?place ; ukg:launched ?i .
          ?place schema:containedInPlace* ?p . ?p ukg:adminLevel "province" ; rdfs:label ?province .
        } ORDER BY ?u""").rows
    assert rows, "no union of the seeds is located in a place"
    union, label, _, province = rows[0]
    places = {place for u, _, place, _ in rows if u == union}
    browser.get(seeds_server.explore_url)
    _search_and_open(browser, union, label)
    shown = lambda kind: set(browser.execute_script(  # noqa: E731
        "const g = window.kgExplorer.graph; return g.neighbors(arguments[0]).filter((n) => g.getNodeAttribute(n, 'kind') === arguments[1]);",
        union, kind))
    assert not shown("Place")  # the mission chain only, at first
    browser.find_element(By.ID, "group-places").click()
    WebDriverWait(browser, 30).until(lambda d: shown("Place") and d.execute_script("return window.kgExplorer.idle()"))
    assert shown("Place") >= places
    WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, f"#province option[value='{province}']"))
    browser.find_element(By.CSS_SELECTOR, f"#province option[value='{province}']").click()
    visible = set(browser.execute_script("return window.kgExplorer.visibleNodes()"))
    assert union in visible and len(visible) > 1
    # a province none of the union's articles is about: only the union itself stays
    about = {row[0] for row in run_query(open_store(store), f"""
        SELECT DISTINCT ?province WHERE {{
          ?s rdf:subject|rdf:object <{union}> ; prov:wasDerivedFrom ?a . ?e ukg:mentionedIn ?a .
          ?e ukg:locatedIn?/schema:containedInPlace* ?p . ?p ukg:adminLevel "province" ; rdfs:label ?province }}""").rows}
    options = browser.execute_script("return Array.from(document.querySelectorAll('#province option')).map((o) => o.value)")
    elsewhere = next(p for p in options if p and p not in about)
    browser.find_element(By.CSS_SELECTOR, f"#province option[value='{elsewhere}']").click()
    assert browser.execute_script("return window.kgExplorer.visibleNodes()") == [union]


def test_explorer_finds_a_simplified_label_typed_in_traditional_characters(seeds_server, seeds_build, browser) -> None:
    from opencc import OpenCC

    union, label, *_ = _union_with_dated_initiatives(seeds_build[1] / "store")
    traditional = OpenCC("s2t").convert(label)
    assert traditional != label
    browser.get(seeds_server.explore_url)
    box = browser.find_element(By.ID, "search")
    box.send_keys(traditional)
    WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, f"#suggestions li[data-iri='{union}']"))
