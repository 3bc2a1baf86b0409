"""Incidents that keep their ids (issue 11), on both store backends, over our own paraphrased
stream of reports (tests/gold_patterns/corpus/link/): a raid near Beni reported on 9, 17 and 26
March (the first and last report further apart than any two linkable reports), an undated report
that dates the raid in its text, and a market bomb in Bunia a month later.

An incident keeps its id when documents join it, an earlier one included; a merge keeps the older
id and lists the other in ``merged_ids``; a split records where the documents went; re-linking an
unchanged store writes nothing, and an export never writes; and a corpus stored in one run, in any
order, gets the same incidents and ids.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sitrep.export import collect, keep_incidents
from sitrep.ingest import read_paths
from sitrep.link import assign_ids
from sitrep.pipeline import process_documents
from sitrep.records import Problem, Result
from sitrep.store import Store
from tests.pg import fresh_database

CORPUS = Path(__file__).resolve().parents[1] / "gold_patterns" / "corpus" / "link"
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="module")
def docs() -> dict[str, Result]:
    raws = [r for r in read_paths([str(CORPUS)]) if not isinstance(r, Problem)]
    results = [r for r in process_documents(raws) if isinstance(r, Result)]
    return {Path(r.document.source_path).stem.split("-")[-1]: r for r in results}


@pytest.fixture(params=BACKENDS)
def target(request, tmp_path):
    if request.param == "sqlite":
        yield str(tmp_path / "sitrep.db")
    else:
        yield from fresh_database()


def _add(store: Store, docs: dict[str, Result], *names: str) -> dict:
    """Store the documents as one ingest run does (the incident record kept at its end)."""
    for n in names:
        store.add(docs[n])
    keep_incidents(store)
    return collect(store)


def _incidents(data: dict) -> dict[frozenset[str], dict]:
    return {frozenset(i["doc_ids"]): i for i in data["incidents"]}


def _ids(docs: dict[str, Result], *names: str) -> frozenset[str]:
    return frozenset(docs[n].document.id for n in names)


def test_a_chain_of_updates_over_eighteen_days_is_one_incident(docs, target):
    with Store(target) as store:
        data = _add(store, docs, "01", "02", "03", "04", "05")
    got = _incidents(data)
    assert set(got) == {_ids(docs, "01", "02", "03", "04"), _ids(docs, "05")}
    beni = got[_ids(docs, "01", "02", "03", "04")]
    places = {p["id"]: p["name"] for p in data["places"]}
    names = [places[p] for p in beni["place_ids"]]
    assert "Beni" in names and beni["title"].startswith("Beni")
    # Neither the capitalised dateline nor the armed group's acronym is a place of anything.
    assert all(p["name"] not in ("Adıyaman",) for p in data["places"])
    assert (beni["start"], beni["end"]) == ("2025-03-09", "2025-03-26")


def test_an_incident_keeps_its_id_when_an_earlier_report_joins(docs, target):
    with Store(target) as store:
        first = _incidents(_add(store, docs, "02", "03"))
        (kept,) = first.values()
        later = _incidents(_add(store, docs, "01"))
    joined = later[_ids(docs, "01", "02", "03")]
    assert joined["id"] == kept["id"]
    assert joined["start"] == "2025-03-09" and joined["merged_ids"] == []


def test_a_merge_keeps_the_older_id_and_records_the_other(docs, target):
    with Store(target) as store:
        # 9 and 26 March alone are too far apart to link: two incidents.
        apart = _incidents(_add(store, docs, "01", "03"))
        assert set(apart) == {_ids(docs, "01"), _ids(docs, "03")}
        older, newer = apart[_ids(docs, "01")]["id"], apart[_ids(docs, "03")]["id"]
        # The 17 March update chains them.
        merged = _incidents(_add(store, docs, "02"))
    (one,) = merged.values()
    assert one["id"] == older and one["merged_ids"] == [newer]
    assert newer not in {i["id"] for i in merged.values()}


def test_relinking_an_unchanged_store_writes_nothing_and_ids_hold(docs, target):
    with Store(target) as store:
        first = _add(store, docs, "01", "02", "03", "04", "05")
        record = store.incident_record()
        assert not any(store.add(docs[n]) for n in ("01", "05"))  # re-ingest: nothing new
        assert not keep_incidents(store)
        again = collect(store)
        assert store.incident_record() == record
    assert again["incidents"] == first["incidents"]


def test_an_export_between_ingests_changes_no_id(docs, target):
    with Store(target) as store:
        store.add(docs["02"])
        store.add(docs["03"])
        collect(store)  # read before the ingest run ends: nothing is kept
        assert store.incident_record() == {"docs": {}, "incidents": {}}
        data = _add(store, docs, "01")
    (one,) = data["incidents"]
    assert one["id"] == _fresh_id(docs)


def _fresh_id(docs: dict[str, Result]) -> str:
    from sitrep.link.common import _hash

    return "i_" + _hash(docs["01"].document.id)


def test_the_record_does_not_depend_on_ingest_order(docs, target, tmp_path):
    order = ["01", "02", "03", "04", "05"]
    with Store(target) as store:
        forward = _add(store, docs, *order)["incidents"]
    with Store(str(tmp_path / "reverse.db")) as store:
        backward = _add(store, docs, *reversed(order))["incidents"]
    assert forward == backward
    # Separate incidents stored in separate runs, either way round: the same ids.
    with Store(str(tmp_path / "a-then-b.db")) as store:
        _add(store, docs, "05")
        ab = _add(store, docs, "01", "02", "03", "04")["incidents"]
    with Store(str(tmp_path / "b-then-a.db")) as store:
        _add(store, docs, "01", "02", "03", "04")
        ba = _add(store, docs, "05")["incidents"]
    assert ab == ba == forward


def test_a_split_records_where_the_documents_went():
    stored = {"docs": {"a": "i_old", "b": "i_old", "c": "i_old"},
              "incidents": {"i_old": {"seq": 1, "merged_into": None, "merged_ids": [],
                                      "split_from": [], "split_to": []}}}
    ids, record = assign_ids([["a", "b"], ["c"]], stored)
    assert ids[0] == "i_old" and ids[1] != "i_old"
    assert record["incidents"]["i_old"]["split_to"] == [{"id": ids[1], "doc_ids": ["c"]}]
    assert record["incidents"][ids[1]]["split_from"] == ["i_old"]
    assert record["docs"] == {"a": "i_old", "b": "i_old", "c": ids[1]}
    # Linking the same clusters again changes nothing.
    assert assign_ids([["a", "b"], ["c"]], record) == (ids, record)
    # The larger part keeps the id, whichever cluster comes first.
    ids2, _ = assign_ids([["c"], ["a", "b"]], stored)
    assert ids2[1] == "i_old"


def test_a_merge_of_stored_incidents_keeps_the_oldest():
    entry = {"merged_into": None, "merged_ids": [], "split_from": [], "split_to": []}
    stored = {"docs": {"a": "i_new", "b": "i_new", "c": "i_old"},
              "incidents": {"i_new": {**entry, "seq": 2}, "i_old": {**entry, "seq": 1}}}
    ids, record = assign_ids([["a", "b", "c"]], stored)
    assert ids == ["i_old"]
    assert record["incidents"]["i_old"]["merged_ids"] == ["i_new"]
    assert record["incidents"]["i_new"]["merged_into"] == "i_old"
