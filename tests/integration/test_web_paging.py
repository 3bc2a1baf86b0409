"""The app's JSON lists paged over a store's kept record: the same answers as paging the record
held in memory, on SQLite and PostgreSQL, without building that record.

The PostgreSQL case needs $SITREP_TEST_PG_URL (`.ci/start-postgres` prints one); under CI=true a
missing server is a failure.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from sitrep.cli import ingest_paths
from sitrep.export import collect
from sitrep.store import Store
from sitrep.web import create_app
from tests.corpus import DEMO
from tests.pg import fresh_database


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def demo(request, tmp_path_factory):
    """The demo corpus ingested into a store of each backend, and its record as ``collect``
    reads it."""
    databases = None
    if request.param == "sqlite":
        db = str(tmp_path_factory.mktemp("paging") / "sitrep.db")
    else:
        databases = fresh_database()
        db = next(databases)
    ingest_paths([str(DEMO)], db, {}, quiet=True)
    with Store(db, create=False) as store:
        data = collect(store)
    yield {"db": db, "data": data}
    if databases is not None:
        databases.close()


@pytest.fixture(scope="module")
def clients(demo):
    """The app over the store, and the app over the same record held in memory."""
    return TestClient(create_app(demo["db"])), TestClient(create_app(load=lambda: demo["data"]))


def figure_filters(data: dict) -> list[dict]:
    figures = data["figures"]
    incident = max(data["incidents"], key=lambda i: len(i["figure_ids"]))
    mine = [f for f in figures if f["id"] in set(incident["figure_ids"])]
    placed = next(f for f in mine if f.get("place_ids"))
    injured = next(f for f in figures if f["status"] == "injured" and f["victims"] != "all")
    sourced = next(f for f in figures if f.get("source"))
    with_id = next(f for f in figures if f.get("source_id"))
    days = sorted(f["reported_on"] for f in figures if f.get("reported_on"))
    outlet = next(d["outlet"] for d in data["documents"] if d.get("outlet"))
    # Every incident: the store's link of each figure names the incidents that list it.
    return [{"incident": i["id"]} for i in data["incidents"]] + [
        {}, {"incident": "no-such-incident"}, {"status": "killed"},
        {"status": "injured", "victims": injured["victims"]},
        {"incident": incident["id"], "status": "killed"},
        {"source": sourced["source"][2:8].upper()}, {"source": with_id["source_id"]},
        {"outlet": outlet[1:5]}, {"from": days[len(days) // 3], "to": days[2 * len(days) // 3]},
        {"to": days[len(days) // 2], "status": "killed"}, {"q": "killed"},
        {"place": placed["place_ids"][0], "incident": incident["id"]},
    ]


PAGES = [{}, {"limit": 3}, {"limit": 3, "offset": 3}, {"limit": 4, "offset": 7},
         {"offset": 5}, {"limit": 2, "offset": 10_000}]


def same_answer(clients, path: str, params: dict) -> int:
    paged, held = (c.get(path, params=params) for c in clients)
    assert paged.status_code == held.status_code == 200, (paged.text, held.text)
    assert paged.headers["X-Total-Count"] == held.headers["X-Total-Count"], params
    assert paged.json() == held.json(), params
    return int(paged.headers["X-Total-Count"])


def test_figure_pages_equal_the_held_record(demo, clients):
    totals = [same_answer(clients, "/api/figures", {**f, **p})
              for f in figure_filters(demo["data"]) for p in PAGES]
    # The filters choose: some nothing, most a part, one everything.
    assert max(totals) == len(demo["data"]["figures"]) > 10 and 0 in totals
    assert len({t for t in totals if 0 < t < max(totals)}) > 6


def test_quote_pages_equal_the_held_record(demo, clients):
    quotes = demo["data"]["quotes"]
    spoken = next(q for q in quotes if q.get("speaker"))
    with_id = next(q for q in quotes if q.get("speaker_id"))
    word = next(w for w in spoken["text"].split() if len(w) > 4)
    filters = [{}, {"speaker": spoken["speaker"][1:6].lower()}, {"speaker": with_id["speaker_id"]},
               {"q": word.upper()}, {"speaker": spoken["speaker"], "q": word}, {"q": "no such words"}]
    totals = [same_answer(clients, "/api/quotes", {**f, **p}) for f in filters for p in PAGES]
    assert max(totals) == len(quotes) > 5 and 0 in totals


def test_incident_and_tally_pages_equal_the_held_record(demo, clients):
    incidents = demo["data"]["incidents"]
    assert len(incidents) > 3
    for p in PAGES:
        same_answer(clients, "/api/incidents", p)
    tally = demo["data"]["tallies"][-1]
    filters = [{}, {"incident": incidents[1]["id"]}, {"incident": "no-such-incident"},
               {"status": "killed"}, {"status": tally["status"], "victims": tally["victims"]},
               {"incident": tally["incident_id"], "status": tally["status"]},
               {"victims": "children"}]
    totals = [same_answer(clients, "/api/tallies", {**f, **p}) for f in filters for p in PAGES]
    assert max(totals) == len(demo["data"]["tallies"]) > 5 and 0 in totals
    assert len({t for t in totals if 0 < t < max(totals)}) > 2


def test_the_lists_do_not_build_the_record(demo, monkeypatch):
    import sitrep.web

    def whole_record(store):
        raise AssertionError("the whole record was built")

    monkeypatch.setattr(sitrep.web, "collect", whole_record)
    client = TestClient(create_app(demo["db"]))
    for path, params in [("/api/figures", {"limit": 5}), ("/api/figures", {"status": "killed"}),
                         ("/api/figures", {"q": "killed", "offset": 2}),
                         ("/api/quotes", {"limit": 5}), ("/api/quotes", {"q": "said"}),
                         ("/api/incidents", {"offset": 1}), ("/api/tallies", {}),
                         ("/api/tallies", {"status": "killed", "limit": 3})]:
        r = client.get(path, params=params)
        assert r.status_code == 200 and int(r.headers["X-Total-Count"]) >= len(r.json()) > 0
    with pytest.raises(AssertionError, match="whole record"):
        client.get("/documents")  # the HTML pages still read the record held
