"""Explorer benchmark: time to first render of the graph explorer (kg.store.explore) on a 100× build.

For each view, ``kg export --format html`` writes the page with the view inlined (timed: reading the
store, the view and its facts), headless Chromium opens it from file:// and the time to the first
frame with the whole view drawn (ForceAtlas2 included) is read from the page
(``performance.now()`` at sigma's first render, counted from the start of navigation).  Then
``kg serve`` serves the same build and the time from picking the largest union in /explore's
suggestions to its neighbourhood drawn (the SPARQL queries, the layout, the facts panel) is measured.

The build is bench/query.py's (``bench/.cache/build-<scale>-s<seed>``, made when missing).  Not a
test: it prints a table and asserts nothing.

Example:
    python bench/explore.py                 # scale 100
    python bench/explore.py --scale 10 --views unions-initiatives-groups
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.query import cached_build  # noqa: E402
from kg.store.explore import page, view_data  # noqa: E402
from kg.store.query import open_store, run_query  # noqa: E402
from kg.store.serve import free_port, serve_store  # noqa: E402
from kg.gephi.views import VIEWS  # noqa: E402


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader", "--no-first-run",
                 "--disable-background-networking", f"--user-data-dir={tempfile.mkdtemp(prefix='kg-bench-chromium-')}",
                 "--window-size=1400,1000"):
        options.add_argument(flag)
    return webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))


def wait(driver, script: str, *args, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while not driver.execute_script(script, *args):
        if time.monotonic() > deadline:
            raise TimeoutError(script)
        time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=1, help="kg build --jobs, when the build is made")
    parser.add_argument("--views", nargs="*", default=list(VIEWS))
    args = parser.parse_args()
    out = cached_build(scale=args.scale, seed=args.seed, rebuild=False, jobs=args.jobs)
    store = open_store(out / "store")
    folder = Path(tempfile.mkdtemp(prefix="kg-bench-explore-"))
    driver = browser()
    rows = []
    try:
        for view in args.views:
            started = time.perf_counter()
            data = view_data(store, view=view)
            html = page(data=data)
            export_s = time.perf_counter() - started
            path = folder / f"{view}.html"
            path.write_bytes(html)
            driver.get(path.as_uri())
            wait(driver, "return !!window.kgExplorer && window.kgExplorer.state.firstRender !== null "
                         "&& window.kgExplorer.idle()")
            render_ms, order, size = driver.execute_script(
                "const e = window.kgExplorer; return [e.state.firstRender, e.graph.order, e.graph.size];")
            rows.append((f"file:// {view}", len(data["nodes"]), order, size, f"{len(html) / 1e6:.1f} MB",
                         f"{export_s:.2f}", f"{render_ms / 1000:.2f}"))
            print(rows[-1], file=sys.stderr)
        top = run_query(store, "SELECT ?u ?l (COUNT(DISTINCT ?i) AS ?n) WHERE { ?u a ukg:UnionBody ; rdfs:label ?l ; "
                               "ukg:launched ?i } GROUP BY ?u ?l ORDER BY DESC(?n) LIMIT 1").rows
        with serve_store(store=out / "store", port=free_port()) as server:
            union, label, _ = top[0]
            driver.get(server.explore_url)
            wait(driver, "return !!window.kgExplorer")
            driver.find_element("id", "search").send_keys(label)
            wait(driver, "return !!document.querySelector(`#suggestions li[data-iri='${arguments[0]}']`)", union)
            started = time.perf_counter()
            driver.find_element("css selector", f"#suggestions li[data-iri='{union}']").click()
            wait(driver, "const e = window.kgExplorer; return e.state.focus === arguments[0] && e.idle() && "
                         "e.state.selected === arguments[0]", union)
            focus_s = time.perf_counter() - started
            order, size = driver.execute_script("const e = window.kgExplorer; return [e.graph.order, e.graph.size];")
            rows.append((f"/explore {label}", "", order, size, "", "", f"{focus_s:.2f}"))
    finally:
        driver.quit()
    print(f"\nExplorer on the {args.scale}x build ({out}):\n")
    print("| page | view nodes | nodes drawn | edges drawn | page size | export s | first render s |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print("| " + " | ".join(str(x) for x in row) + " |")


if __name__ == "__main__":
    main()
