"""``sitrep report``: one self-contained HTML file, scraped text rendered inert."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, unquote

import pytest
from typer.testing import CliRunner

from sitrep.cli import app
from sitrep.report import render_report
from tests.report_data import HOSTILE, record, record_without_links


class Page(HTMLParser):
    """Every element with its attributes, and the text inside each element carrying data-k."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[str] = []
        self.keyed_text: dict[str, str] = {}  # figure/quote key -> text of its marked segments
        self.doc_of_key: dict[str, str] = {}
        self._stack: list[tuple[str, dict[str, str]]] = []
        self._doc: str | None = None
        self._in_script = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        self.elements.append((tag, a))
        if tag == "article":
            self._doc = a.get("data-doc")
        if tag == "script":
            self._in_script = True
            self.scripts.append("")
        self._stack.append((tag, a))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False
        while self._stack:
            if self._stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data
            return
        for _, a in self._stack:
            for key in a.get("data-k", "").split():
                self.keyed_text[key] = self.keyed_text.get(key, "") + data
                self.doc_of_key[key] = self._doc


@pytest.fixture(scope="module")
def html():
    return render_report(record())


def test_report_has_every_section_and_incident(html):
    for heading in ("Incidents", "Places", "Claims", "Quotes", "Documents"):
        assert f">{heading}" in html
    assert "Shelling of Harbor Town" in html and "Aid workers kidnapped near Hill Village" in html
    assert "corroborated" in html and "single source" in html
    assert "Rights Network&#39;s 20–25 exceeds Coast Monitor&#39;s 19 on 2025-03-05" in html


def test_one_timeline_chart_per_tally_with_a_legend_per_source(html):
    # A tally with a single claim is one line, not a chart.
    charted = [t for t in record()["tallies"]
               if sum(len(s["timeline"]) for s in t["sources"]) > 1]
    assert html.count('<svg class="chart"') == len(charted)
    assert 'aria-label="claims over time: killed · all"' in html
    legend = re.search(r'claims over time: killed · all.*?<div class="legend">(.*?)</div>', html, re.S)
    assert "Coast Monitor" in legend.group(1) and "Rights Network" in legend.group(1)


def test_map_draws_offline_outlines_and_places(html):
    page = Page(html)
    maps = [a for t, a in page.elements if t == "svg" and a.get("class") == "map"]
    assert len(maps) == 1 + len(record()["incidents"])  # the overview and one per incident
    paths = [a for t, a in page.elements if t == "path" and a.get("class") in ("named", "mentioned", "other")]
    assert len(paths) > 5
    assert any(a.get("data-place") == "Harbor Town" for t, a in page.elements if t == "a")


def test_every_figure_links_to_its_sentence_in_its_document(html):
    data = record()
    page = Page(html)
    links = [a["href"] for t, a in page.elements if t == "a" and "figure" in a.get("class", "").split()]
    assert len(links) == len(data["figures"])
    for href in links:
        assert href.startswith("#view?")
        params = {k: v[0] for k, v in parse_qs(href[len("#view?"):]).items()}
        fig = next(f for f in data["figures"] if f["id"] == params["key"])
        assert params["doc"] == fig["doc_id"]
        assert page.doc_of_key[fig["id"]] == fig["doc_id"]
        assert page.keyed_text[fig["id"]] == fig["sentence"]["text"]


def test_quotes_show_speakers_and_link_to_their_span(html):
    page = Page(html)
    assert "<b>Harbor Town resident</b>" in html
    assert page.keyed_text["d_a:q0"] == "We buried them before dark,"


def test_scraped_text_is_rendered_inert(html):
    page = Page(html)
    # Exactly one script element, ours, and no image, frame or handler attribute anywhere.
    assert [t for t, _ in page.elements if t == "script"] == ["script"]
    assert not [t for t, _ in page.elements if t in ("img", "iframe", "object", "embed")]
    assert not [k for _, a in page.elements for k in a if k.startswith("on")]
    assert "alert(" not in page.scripts[0]
    # The hostile text is there to read, escaped: in the title, the outlet, the text, the quote.
    assert html.count("&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&#34;&gt;&lt;img src=x onerror=alert(1)&gt;") >= 4
    assert page.keyed_text["d_c:q0"] == HOSTILE
    # A javascript: URL is never a link.
    assert not [a for t, a in page.elements if t == "a" and "javascript" in unquote(a.get("href", "")).lower()]


def test_report_fetches_nothing():
    page = Page(render_report(record()))
    assert not [a for _, a in page.elements if "src" in a]
    assert not [t for t, _ in page.elements if t == "link"]
    for tag, a in page.elements:
        href = a.get("href", "")
        assert tag == "a" or not href, (tag, href)
        # Links go inside the file, or are a document's own http(s) address for a person to follow.
        assert href.startswith(("#", "https://example.org/")) or not href, href
    csp = next(a["content"] for t, a in page.elements if a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp
    digest = base64.b64encode(hashlib.sha256(page.scripts[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" in csp  # our script runs; an injected one would not


def test_report_without_incidents_says_so_and_still_lists_claims():
    html = render_report(record_without_links())
    assert "No incidents are linked in this record yet" in html
    assert '<svg class="chart"' not in html
    assert html.count('class="figure"') == len(record_without_links()["figures"])


def test_report_command_writes_the_file(pipeline_db, tmp_path):
    out = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["report", "--db", str(pipeline_db), "--out", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text("utf-8")
    assert "Shelling in Latakia" in html and "Latakia" in html
    assert "&lt;script&gt;" in html and '<script>alert' not in html


def test_report_without_a_database_is_one_line(tmp_path):
    result = CliRunner().invoke(app, ["report", "--db", str(tmp_path / "none.db"),
                                      "--out", str(tmp_path / "r.html")])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [f"{tmp_path / 'none.db'}: no such database (run `sitrep ingest` first)"]
    assert not (tmp_path / "r.html").exists()
