"""``sitrep serve``: the JSON API and the HTML pages, through FastAPI's TestClient."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from sitrep.web import create_app
from tests.report_data import HOSTILE, TEXTS, record


@pytest.fixture(scope="module")
def client():
    return TestClient(create_app(load=record))


def ids(response) -> set[str]:
    assert response.status_code == 200, response.text
    return {f["id"] for f in response.json()}


def test_incidents_and_tallies(client):
    assert [i["id"] for i in client.get("/api/incidents").json()] == ["i_harbor", "i_hill"]
    tallies = client.get("/api/tallies", params={"incident": "i_harbor", "status": "killed"}).json()
    assert [(t["low"], t["best"], t["high"], t["grade"]) for t in tallies] == [(12, 19, 25, "corroborated")]
    assert client.get("/api/tallies", params={"victims": "aid_workers"}).json()[0]["incident_id"] == "i_hill"


@pytest.mark.parametrize("params, expected", [
    ({}, {"d_a:f0", "d_a:f1", "d_b:f0", "d_b:f1", "d_b:f2", "d_c:f0"}),
    ({"incident": "i_hill"}, {"d_c:f0"}),
    ({"status": "injured"}, {"d_a:f1"}),
    ({"victims": "aid_workers"}, {"d_c:f0"}),
    ({"source": "Coast Monitor", "outlet": "Coast Post"}, {"d_a:f0"}),
    ({"from": "2025-03-04", "to": "2025-03-05"}, {"d_b:f0", "d_b:f1", "d_b:f2"}),
    ({"q": "between 20"}, {"d_b:f1"}),
])
def test_figures_filters(client, params, expected):
    assert ids(client.get("/api/figures", params=params)) == expected


def test_figures_paging_reports_the_total(client):
    r = client.get("/api/figures", params={"limit": 2, "offset": 1})
    assert len(r.json()) == 2 and r.headers["x-total-count"] == "6"


@pytest.mark.parametrize("params", [{"status": "dead"}, {"from": "last week"}, {"limit": 0}])
def test_bad_filter_values_are_a_clear_422(client, params):
    r = client.get("/api/figures", params=params)
    assert r.status_code == 422
    assert list(params)[0] in r.text


def test_quotes_by_speaker_and_text(client):
    assert ids(client.get("/api/quotes", params={"speaker": "resident"})) == {"d_a:q0"}
    assert ids(client.get("/api/quotes", params={"q": "BURIED"})) == {"d_a:q0"}
    assert ids(client.get("/api/quotes", params={"speaker": "nobody"})) == set()


def test_document_text_and_spans(client):
    doc = client.get("/api/documents/d_a").json()
    assert doc["text"] == TEXTS["d_a"]
    for f in doc["spans"]["figures"]:
        assert doc["text"][f["span"]["start"]:f["span"]["end"]] == f["span"]["text"]
        assert doc["text"][f["sentence"]["start"]:f["sentence"]["end"]] == f["sentence"]["text"]
    assert [q["speaker"] for q in doc["spans"]["quotes"]] == ["Harbor Town resident"]
    missing = client.get("/api/documents/d_zzz")
    assert missing.status_code == 404 and "d_zzz" in missing.text


@pytest.mark.parametrize("path", ["/", "/figures", "/quotes", "/documents", "/documents/d_c"])
def test_pages_escape_scraped_text_and_allow_only_our_script(client, path):
    r = client.get(path)
    assert r.status_code == 200
    assert "default-src 'none'" in r.headers["content-security-policy"]
    assert "<script>alert" not in r.text and "<img" not in r.text
    assert r.text.count("<script>") == 1


def test_hostile_text_is_shown_escaped(client):
    page = client.get("/documents/d_c").text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert 'href="javascript' not in page


def test_figures_page_filters_and_links_each_claim_to_its_sentence(client):
    page = client.get("/figures", params={"status": "killed", "victims": "civilians"}).text
    links = re.findall(r'class="figure" data-figure="([^"]+)" href="([^"]+)"', page)
    assert {f for f, _ in links} == {"d_a:f0", "d_b:f0", "d_b:f2"}
    assert "3 claims match" in page
    fid, href = links[0]
    doc = client.get(href.replace("&amp;", "&")).text
    lit = re.search(r'<span class="[^"]*\bhl\b[^"]*" data-k="[^"]*" id="hl">', doc)
    assert lit, "the figure's sentence is marked"
    sentence = next(f for f in record()["figures"] if f["id"] == fid)["sentence"]["text"]
    highlighted = "".join(re.sub(r"<[^>]+>", "", m) for m in
                          re.findall(r'<span class="[^"]*\bhl\b[^"]*"[^>]*>(.*?)</span>', doc, re.S))
    assert highlighted == sentence


def test_index_shows_incidents_tallies_and_the_map(client):
    page = client.get("/").text
    # One chart for the tally with three claims; the two single-claim tallies are one line each.
    assert "Shelling of Harbor Town" in page and page.count('<svg class="chart"') == 1
    assert page.count('class="tally single"') == 2 and page.count('class="headline') == 2
    assert '<svg class="map"' in page and 'href="/figures?place=p_harbor"' in page
    assert 'href="/figures?incident=i_harbor"' in page


def test_app_over_a_real_store(pipeline_db):
    client = TestClient(create_app(str(pipeline_db)))
    figures = client.get("/api/figures", params={"status": "killed"}).json()
    assert {f["span"]["text"] for f in figures} >= {"killed at least 12 civilians", "killed 7 people"}
    doc = client.get(f"/api/documents/{figures[0]['doc_id']}").json()
    assert doc["spans"]["figures"]
    incidents = client.get("/api/incidents").json()
    assert len(incidents) == 3 and all(i["doc_ids"] and i["title"] for i in incidents)
    assert "No incidents are linked" not in client.get("/").text


def test_app_needs_exactly_one_source():
    with pytest.raises(ValueError):
        create_app()


def test_figures_form_with_empty_dates_is_no_date_filter(client):
    page = client.get("/figures", params={"status": "killed", "from": "", "to": "", "q": ""})
    assert page.status_code == 200 and "4 claims match" in page.text
    bad = client.get("/figures", params={"from": "yesterday"})
    assert bad.status_code == 422 and "from: 'yesterday' is not a date" in bad.text


def test_document_page_names_the_highlighted_claim(client):
    page = client.get("/documents/d_b", params={"key": "d_b:f1"}).text
    focus = re.search(r'<p class="note focus">(.*?)</p>', page, re.S).group(1)
    assert "<b>20–25</b>" in focus and "source <b>Rights Network</b>" in focus and "hedged" in focus
    assert 'class="note focus"' not in client.get("/documents/d_a", params={"key": "d_b:f1"}).text


def test_the_app_computes_the_record_once_per_change_to_the_store(tmp_path, monkeypatch):
    import sitrep.web
    from sitrep.cli import ingest_paths

    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("Gunmen killed seven villagers near Hama on Monday, residents said.\n", encoding="utf-8")
    b.write_text("Shelling killed five people west of Aleppo on Wednesday, officials said.\n",
                 encoding="utf-8")
    db = str(tmp_path / "s.db")
    ingest_paths([str(a)], db, {}, quiet=True)
    # Look at the store on every request (the app trusts a look for a second by default).
    monkeypatch.setitem(sitrep.web.CONFIG["serve"], "generation_ttl", 0)
    computed = []
    real = sitrep.web.collect
    monkeypatch.setattr(sitrep.web, "collect", lambda store: computed.append(1) or real(store))
    client = TestClient(create_app(db))
    for _ in range(5):
        # The pages come from the record held; the JSON lists are paged in the store.
        assert client.get("/documents").status_code == 200
        assert len(client.get("/api/figures").json()) == 1
    assert len(computed) == 1
    ingest_paths([str(b)], db, {}, quiet=True)
    answer = client.get("/api/figures")  # a new document shows on the next request
    assert len(answer.json()) == 2 and answer.headers["X-Total-Count"] == "2"
    again = client.get("/api/figures")  # served again as answered, headers included
    assert again.json() == answer.json() and again.headers["X-Total-Count"] == "2"
    assert again.headers["content-type"].startswith("application/json")
    assert client.get("/documents").status_code == 200
    assert len(computed) == 2


def test_incidents_and_tallies_come_a_page_at_a_time(client):
    first = client.get("/api/incidents", params={"limit": 1})
    assert first.status_code == 200 and first.headers["X-Total-Count"] == "2"
    second = client.get("/api/incidents", params={"limit": 1, "offset": 1})
    assert [i["id"] for i in first.json() + second.json()] == ["i_harbor", "i_hill"]
    total = int(client.get("/api/tallies").headers["X-Total-Count"])
    page = client.get("/api/tallies", params={"limit": 1}).json()
    assert total >= 2 and len(page) == 1
