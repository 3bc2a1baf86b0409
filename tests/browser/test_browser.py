"""In headless Chromium (Debian's chromium and chromedriver, nothing downloaded): open the report
and the web app as a person would, click a figure, see its sentence highlighted.

Under CI=true a missing browser is a failure, never a skip; `.ci/run` installs it.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait
from typer.testing import CliRunner

from sitrep.cli import app
from tests.conftest import ingest_articles

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("SITREP_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = (os.environ.get("SITREP_CHROMEDRIVER") or shutil.which("chromedriver")
                or "/usr/bin/chromedriver")
WAIT = 20  # seconds an element may take to appear on a loaded machine (an upper bound, not a timing)


@pytest.fixture(scope="module")
def browser():
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.path.exists(p)]
    if missing:
        message = (f"headless Chromium missing: {', '.join(missing)} "
                   "(apt-get install chromium chromium-driver)")
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,1000"):
        options.add_argument(arg)
    # The driver path is given, so Selenium never looks for (or downloads) a driver of its own.
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def exported(pipeline_db) -> dict:
    result = CliRunner().invoke(app, ["export", "--format", "json", "--db", str(pipeline_db)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def highlighted(driver) -> list:
    return WebDriverWait(driver, WAIT).until(
        EC.visibility_of_all_elements_located((By.CSS_SELECTOR, ".doc .hl")))


def assert_in_view(driver, element) -> None:
    top, bottom, height = driver.execute_script(
        "const r = arguments[0].getBoundingClientRect(); return [r.top, r.bottom, window.innerHeight];",
        element)
    assert 0 <= top and bottom <= height, (top, bottom, height)


def assert_no_alert(driver) -> None:
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert  # noqa: B018 - the property raises when no script ran alert()


def sentence_of(exported: dict, figure_id: str) -> str:
    fig = next(f for f in exported["figures"] if f["id"] == figure_id)
    return fig["sentence"]["text"].strip()


def test_report_click_a_figure_see_its_sentence(browser, pipeline_db, exported, tmp_path):
    out = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["report", "--db", str(pipeline_db), "--out", str(out)])
    assert result.exit_code == 0, result.output
    browser.get(out.resolve().as_uri())
    assert_no_alert(browser)
    assert browser.find_element(By.CSS_SELECTOR, "svg.map").is_displayed()
    for link in browser.find_elements(By.CSS_SELECTOR, "a.figure"):
        fid = link.get_attribute("data-figure")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", link)
        link.click()
        marks = highlighted(browser)
        assert "".join(m.text for m in marks).strip() == " ".join(sentence_of(exported, fid).split())
        assert_in_view(browser, marks[0])
        colour = marks[0].value_of_css_property("background-color")
        assert colour == "rgba(255, 229, 138, 1)", colour
        # Only the document holding the figure is shown.
        shown = [a for a in browser.find_elements(By.CSS_SELECTOR, "article.doc") if a.is_displayed()]
        assert [a.get_attribute("data-doc") for a in shown] == [fid.split(":")[0]]
        browser.back()
    assert_no_alert(browser)


def test_report_shows_hostile_text_as_text(browser, pipeline_db, exported, tmp_path):
    out = tmp_path / "report.html"
    CliRunner().invoke(app, ["report", "--db", str(pipeline_db), "--out", str(out)])
    browser.get(out.resolve().as_uri())
    hostile = next(f for f in exported["figures"] if f["span"]["text"] == "killed 7 people")
    browser.find_element(By.CSS_SELECTOR, f'a.figure[data-figure="{hostile["id"]}"]').click()
    highlighted(browser)
    article = browser.find_element(By.CSS_SELECTOR, f'article[data-doc="{hostile["doc_id"]}"]')
    assert '<script>alert("x")</script>"><img src=x onerror=alert(1)>' in article.text
    assert article.find_elements(By.TAG_NAME, "img") == []
    assert_no_alert(browser)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(pipeline_db, tmp_path_factory):
    port = free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with open(log, "w") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "sitrep.cli", "serve", "--db", str(pipeline_db),
                                 "--host", "127.0.0.1", "--port", str(port)],
                                stdout=fh, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):  # bounded: at most about a minute for the app to come up
            if proc.poll() is not None:
                pytest.fail(f"sitrep serve exited: {Path(log).read_text()}")
            try:
                with urllib.request.urlopen(base + "/api/incidents", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail(f"sitrep serve did not answer on {base}: {Path(log).read_text()}")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_app_filter_then_click_a_figure(browser, server, exported):
    browser.get(server + "/figures")
    rows = browser.find_elements(By.CSS_SELECTOR, "#claims tbody tr")
    assert len(rows) == len(exported["figures"])
    Select(browser.find_element(By.NAME, "status")).select_by_visible_text("killed")
    browser.find_element(By.ID, "apply").click()
    WebDriverWait(browser, WAIT).until(EC.url_contains("status=killed"))
    rows = browser.find_elements(By.CSS_SELECTOR, "#claims tbody tr")
    killed = [f for f in exported["figures"] if f["status"] == "killed"]
    assert len(rows) == len(killed) and {r.get_attribute("data-status") for r in rows} == {"killed"}
    link = browser.find_element(By.CSS_SELECTOR, "#claims a.figure")
    fid = link.get_attribute("data-figure")
    link.click()
    WebDriverWait(browser, WAIT).until(EC.url_contains("/documents/"))
    marks = highlighted(browser)
    assert "".join(m.text for m in marks).strip() == " ".join(sentence_of(exported, fid).split())
    assert browser.find_element(By.ID, "hl") == marks[0]
    assert_in_view(browser, marks[0])
    assert_no_alert(browser)


def test_app_quotes_and_index(browser, server):
    browser.get(server + "/quotes")
    box = browser.find_element(By.NAME, "speaker")
    box.send_keys("United Nations")
    box.submit()
    WebDriverWait(browser, WAIT).until(EC.url_contains("speaker=United"))
    speakers = {e.text for e in browser.find_elements(By.CSS_SELECTOR, "#quotes tbody td b")}
    assert speakers == {"United Nations"}
    browser.get(server + "/")
    assert browser.find_element(By.CSS_SELECTOR, "svg.map").is_displayed()
    main = browser.find_element(By.TAG_NAME, "main").text
    # The three articles are about three events, so the index lists three linked incidents.
    assert "No incidents are linked" not in main
    assert "3\nINCIDENTS" in main


# --- the headline tally and the breakdowns table (our own two-report incident) ---------------

SCOPE_ARTICLES = {
    "dorel-1.txt": ("Militia fighters killed at least 61 people in the market town of Dorel on "
                    "Tuesday, including 9 women and 4 children, the district governor said.\n\n"
                    "On Tuesday alone, 20 people were killed in the main square, a nurse said.\n"),
    "dorel-2.txt": ("The toll from the militia attack on the market town of Dorel rose to 70 on "
                    "Thursday after eight more bodies were found in a ditch, the district governor "
                    "said.\n"),
}
SCOPE_MANIFEST = [
    {"path": "dorel-1.txt", "outlet": "Plains Wire", "published": "2025-05-06", "title": "Attack on Dorel market"},
    {"path": "dorel-2.txt", "outlet": "Plains Wire", "published": "2025-05-08", "title": "Dorel toll rises"},
]


@pytest.fixture(scope="module")
def scope_db(tmp_path_factory) -> Path:
    return ingest_articles(tmp_path_factory.mktemp("scope"), SCOPE_ARTICLES, SCOPE_MANIFEST)


def test_report_leads_with_the_headline_and_shows_breakdowns(browser, scope_db, tmp_path):
    out = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["report", "--db", str(scope_db), "--out", str(out)])
    assert result.exit_code == 0, result.output
    browser.get(out.resolve().as_uri())
    head = browser.find_element(By.CSS_SELECTOR, "section.incident .headline")
    assert head.is_displayed()
    # The whole toll, never the part ("20 on Tuesday alone") or the increment ("eight more").
    assert head.find_element(By.CSS_SELECTOR, ".best").text == "70"
    assert "independent source" in head.text
    table = browser.find_element(By.CSS_SELECTOR, "section.incident table.breakdowns")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", table)
    assert table.is_displayed()
    cells = table.text
    assert "20" in cells and "9" in cells and "4" in cells
    assert_no_alert(browser)


def test_app_index_leads_each_incident_with_its_headline(browser, server):
    browser.get(server + "/")
    heads = browser.find_elements(By.CSS_SELECTOR, "section.incident .headline")
    assert heads and all(h.is_displayed() for h in heads)
