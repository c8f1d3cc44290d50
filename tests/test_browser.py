"""kg serve in a real browser: headless Chromium opens the YASGUI query page, runs a shipped query
and finds a Chinese label in the results table; the screenshot goes to out/ (README shows a copy
in docs/)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import ROOT
from kg.query import open_store, run_query

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
#: Where the screenshot goes: a temporary folder, or KG_SCREENSHOTS (KG_SCREENSHOTS=docs refreshes the README's).
SCREENSHOT_NAME = "kg-serve-yasgui.png"

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[test]')")
if not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()):
    pytest.skip("Chromium cannot be found: install the Debian packages chromium and chromium-driver (.ci/run does)",
                allow_module_level=True)

from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
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
