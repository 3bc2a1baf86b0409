"""The kept record refreshed incrementally (issue H): new documents join stored incidents and only
what they touch is linked and reconciled again; readers read the kept record and never write.

Over the bundled demo corpus (and its gold labels) and our own paraphrased stream of reports
(tests/gold_patterns/corpus/link/), on SQLite and PostgreSQL: a store filled batch by batch, each
batch refreshed incrementally, holds the same incidents, ids, tallies, claims and statements as
the same store linked whole again (``sitrep relink``), and the same incidents as a store filled in
one run.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from sitrep.evaluate import incident_scores, load_gold
from sitrep.export import (collect, keep_incidents, newest_part, stream_arrays, write_json,
                           write_json_stream)
from sitrep.ingest import read_paths
from sitrep.pipeline import process_documents
from sitrep.records import Problem, Result
from sitrep.store import Store
from tests.corpus import DEMO, GOLD
from tests.pg import fresh_database

LINK = Path(__file__).resolve().parents[1] / "gold_patterns" / "corpus" / "link"


@pytest.fixture(scope="module")
def demo_results() -> list[Result]:
    raws = [r for r in read_paths([str(DEMO)]) if not isinstance(r, Problem)]
    return [r for r in process_documents(raws) if isinstance(r, Result)]


@pytest.fixture(scope="module")
def link_results() -> dict[str, Result]:
    raws = [r for r in read_paths([str(LINK)]) if not isinstance(r, Problem)]
    results = [r for r in process_documents(raws) if isinstance(r, Result)]
    return {Path(r.document.source_path).stem.split("-")[-1]: r for r in results}


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request, tmp_path):
    if request.param == "sqlite":
        yield str(tmp_path / "sitrep.db")
    else:
        yield from fresh_database()


def _day(r: Result) -> str:
    return r.document.published or "9999"


def _batches(results: list[Result], n: int) -> list[list[Result]]:
    return [results[k::n] for k in range(n)]


def _comparable(data: dict) -> dict:
    """What a user reads off the record: incidents (ids, documents, title, dates, merges),
    tallies, each figure's incident and claim, each quote's statement."""
    return {
        "incidents": sorted(json.dumps(i, sort_keys=True) for i in data["incidents"]),
        "tallies": sorted(json.dumps(t, sort_keys=True) for t in data["tallies"]),
        "figures": {f["id"]: (f.get("incident_id"), f.get("claim_id"), f.get("repeat_of"),
                              f.get("counted"), f.get("scope")) for f in data["figures"]},
        "quotes": {q["id"]: q.get("statement_id") for q in data["quotes"]},
    }


def _relinked_whole(store: Store) -> dict:
    """The same store linked whole again (``sitrep relink``), read back."""
    keep_incidents(store, full=True)
    return collect(store)


def test_demo_batches_refreshed_incrementally_equal_a_whole_relink(demo_results, tmp_path):
    # Newest batch first: earlier reports keep joining incidents stored before them.
    ordered = sorted(demo_results, key=_day, reverse=True)
    db = str(tmp_path / "incr.db")
    with Store(db) as store:
        for batch in _batches(ordered, 4):
            for r in batch:
                store.add(r)
            assert keep_incidents(store)
            assert not store.unlinked_documents()
        incremental = collect(store)
    shutil.copy(db, tmp_path / "whole.db")
    with Store(str(tmp_path / "whole.db")) as store:
        whole = _relinked_whole(store)
    assert _comparable(incremental) == _comparable(whole)
    # And the same incidents as one run over the whole corpus, which the gold labels score.
    with Store(str(tmp_path / "one-run.db")) as store:
        for r in demo_results:
            store.add(r)
        keep_incidents(store)
        one_run = collect(store)
    assert sorted(sorted(i["doc_ids"]) for i in incremental["incidents"]) == \
        sorted(sorted(i["doc_ids"]) for i in one_run["incidents"])
    scores = incident_scores(load_gold(str(GOLD)), incremental)
    assert scores["pairwise_precision"] >= 0.9 and scores["pairwise_recall"] >= 0.9


def test_link_stream_in_batches_equals_a_whole_relink(link_results, target):
    with Store(target) as store:
        for batch in (["03"], ["05", "02"], ["01", "04"]):
            for n in batch:
                store.add(link_results[n])
            keep_incidents(store)
        incremental = collect(store)
        whole = _relinked_whole(store)
    assert _comparable(incremental) == _comparable(whole)


def test_an_earlier_report_joins_incrementally_and_the_id_stays(link_results, target):
    with Store(target) as store:
        for n in ("02", "03"):
            store.add(link_results[n])
        keep_incidents(store)
        (first,) = [i for i in collect(store)["incidents"]
                    if link_results["02"].document.id in i["doc_ids"]]
        generation = store.generation()
        store.add(link_results["01"])  # the earliest report of the raid
        assert store.unlinked_documents() == [link_results["01"].document.id]
        assert keep_incidents(store)
        assert store.generation() != generation
        (after,) = [i for i in collect(store)["incidents"]
                    if link_results["01"].document.id in i["doc_ids"]]
    assert after["id"] == first["id"]
    assert set(first["doc_ids"]) < set(after["doc_ids"])
    assert after["start"] <= first["start"]


def test_a_removed_document_relinks_its_incident(link_results, tmp_path):
    with Store(str(tmp_path / "s.db")) as store:
        for n in ("01", "02", "03", "05"):
            store.add(link_results[n])
        keep_incidents(store)
        gone = link_results["03"].document.id
        store.remove_document(gone)
        assert store.dirty_incidents()
        assert keep_incidents(store)
        data = collect(store)
        assert not store.dirty_incidents()
    assert all(gone not in i["doc_ids"] for i in data["incidents"])
    assert all(f["doc_id"] != gone for f in data["figures"])
    assert {f["incident_id"] for f in data["figures"] if f.get("incident_id")} <= \
        {i["id"] for i in data["incidents"]}


def _table_counts(store: Store) -> dict[str, int]:
    return {t: store.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
            for t in ("incidents", "incident_docs", "record_incidents", "record_tallies",
                      "record_figures", "record_quotes", "record_docs")}


def test_readers_read_the_kept_record_and_never_write(demo_results, tmp_path, monkeypatch):
    db = str(tmp_path / "s.db")
    with Store(db) as store:
        for r in demo_results:
            store.add(r)
        keep_incidents(store)
        before = (store.generation(), _table_counts(store), store.incident_record())
    import sitrep.link

    def no_linking(*args, **kwargs):
        raise AssertionError("a reader linked the store")

    monkeypatch.setattr(sitrep.link, "link", no_linking)
    with Store(db, create=False) as store:
        data = collect(store)
        buf = io.StringIO()
        write_json_stream(stream_arrays(store), buf)
        part, total = newest_part(store, 2)
        assert (store.generation(), _table_counts(store), store.incident_record()) == before
    assert data["incidents"] and data["tallies"]
    assert all(f.get("incident_id") or f.get("background") for f in data["figures"])
    # The streamed export is byte for byte the export written from memory.
    whole = io.StringIO()
    write_json(data, whole)
    assert buf.getvalue() == whole.getvalue()
    assert json.loads(buf.getvalue()) == data
    # The newest two incidents, with exactly their documents, figures and tallies.
    assert total == len(data["incidents"]) > 2 and len(part["incidents"]) == 2
    newest = sorted(data["incidents"], key=lambda i: i.get("end") or i.get("start") or "")[-2:]
    assert {i["id"] for i in part["incidents"]} == {i["id"] for i in newest}
    docs = {d for i in newest for d in i["doc_ids"]}
    assert {d["id"] for d in part["documents"]} == docs
    assert {f["id"] for f in part["figures"]} == {f["id"] for f in data["figures"]
                                                  if f["doc_id"] in docs}
    assert {t["incident_id"] for t in part["tallies"]} <= {i["id"] for i in newest}


def test_reingesting_changes_nothing(link_results, tmp_path):
    with Store(str(tmp_path / "s.db")) as store:
        for n in ("01", "02", "03", "04", "05"):
            store.add(link_results[n])
        keep_incidents(store)
        before = (store.generation(), collect(store))
        assert not any(store.add(link_results[n]) for n in ("01", "04"))
        assert not keep_incidents(store)
        assert (store.generation(), collect(store)) == before


def test_cli_report_shows_the_newest_incidents_and_relink_keeps_the_ids(link_results, tmp_path):
    from typer.testing import CliRunner

    from sitrep.cli import app

    db = str(tmp_path / "s.db")
    with Store(db) as store:
        for n in ("01", "02", "03", "04", "05"):
            store.add(link_results[n])
        keep_incidents(store)
        before = collect(store)
    assert len(before["incidents"]) >= 2
    runner = CliRunner()
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["report", "--db", db, "--out", str(out), "--incidents", "1"])
    assert result.exit_code == 0, result.output
    newest = max(before["incidents"], key=lambda i: i.get("end") or i.get("start") or "")
    assert f"(1 of {len(before['incidents'])} incidents" in result.output
    html = out.read_text(encoding="utf-8")
    assert f"{len(before['incidents']) - 1} older incident" in html
    assert newest["title"] in html
    result = runner.invoke(app, ["relink", "--db", db])
    assert result.exit_code == 0 and f"relinked: {len(before['incidents'])} incident(s)" in result.output
    with Store(db) as store:
        assert _comparable(collect(store)) == _comparable(before)
    exported = tmp_path / "x.json"
    result = runner.invoke(app, ["export", "--db", db, "--out", str(exported)])
    assert result.exit_code == 0
    assert json.loads(exported.read_text(encoding="utf-8")) == before
