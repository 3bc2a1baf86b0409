"""The store on both backends: SQLite by path, PostgreSQL by URL, the same record from each.

The PostgreSQL cases need $SITREP_TEST_PG_URL (`.ci/start-postgres` prints one); under CI=true
they fail without it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json

import pytest
from typer.testing import CliRunner

from sitrep.cli import app
from sitrep.export import collect
from sitrep.ingest import read_paths
from sitrep.pipeline import process_documents
from sitrep.records import Document, Entity, Place, Post, Problem, RawSpan, Result
from sitrep.store import Store, display, rows_of
from tests.corpus import DEMO
from tests.pg import fresh_database

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="module")
def demo_results() -> list[Result]:
    raws = [r for r in read_paths([str(DEMO)]) if not isinstance(r, Problem)]
    results = [r for r in process_documents(raws) if isinstance(r, Result)]
    assert len(results) == len(raws) >= 12
    return results


@pytest.fixture(params=BACKENDS)
def target(request, tmp_path):
    if request.param == "sqlite":
        yield str(tmp_path / "sitrep.db")
    else:
        yield from fresh_database()


@pytest.fixture
def pg_url():
    yield from fresh_database()


def doc_result(text: str, entities=(), places=(), posts=(), path="a.txt") -> Result:
    sha = hashlib.sha256(text.encode()).hexdigest()
    doc = Document(id="d_" + sha[:16], url=None, outlet="Test Wire", title=None,
                   published="2025-03-01", published_inferred=False, language="en", text=text,
                   raw_sha256=sha, source_path=path, fmt="text", raw_kind="text")
    return Result(document=doc, entities=list(entities), places=list(places), posts=list(posts))


def sharaa(*aliases: str) -> Entity:
    return Entity(id="e_ahmed_al_sharaa", name="Ahmed al-Sharaa", type="person",
                  aliases=list(aliases), from_dictionary=True)


def jableh(*aliases: str) -> Place:
    return Place(id="p_173334", name="Jableh", geonameid=173334, lat=35.36, lon=35.93,
                 admin1="Latakia", country_code="SY", precision="town", aliases=list(aliases))


def export(target: str) -> dict:
    with Store(target) as store:
        return json.loads(json.dumps(collect(store)))


# --- both backends --------------------------------------------------------------------------

def test_demo_record_round_trips(target, demo_results):
    with Store(target) as store:
        assert all(store.add(r) for r in demo_results)
        counts = store.counts()
    data = export(target)
    assert counts["documents"] == len(data["documents"]) == len(demo_results)
    assert [d["id"] for d in data["documents"]] == [r.document.id for r in demo_results]
    assert [f["id"] for f in data["figures"]] == [f.id for r in demo_results for f in r.figures]
    # The stored figure is the extracted one; linking only adds its cross-document fields.
    first = data["figures"][0]
    assert {k: first[k] for k in demo_results[0].figures[0].as_dict()} == \
        demo_results[0].figures[0].as_dict()


def test_adding_again_stores_nothing(target, demo_results):
    with Store(target) as store:
        for r in demo_results[:5]:
            store.add(r)
        before = store.counts()
        assert [store.add(r) for r in demo_results[:5]] == [False] * 5
        assert store.counts() == before
        assert len(store.known_shas()) == 5


def test_aliases_are_merged_across_documents(target):
    with Store(target) as store:
        store.add(doc_result("First.", [sharaa("al-Shara", "Ahmed al-Sharaa")], [jableh("Jableh")]))
        store.add(doc_result("Second.", [sharaa("al-Julani", "al-Shara")], [jableh("Jablah")]))
        [entity] = store.entities()
        [place] = store.places()
    assert entity["aliases"] == ["Ahmed al-Sharaa", "al-Julani", "al-Shara"]
    assert place["aliases"] == ["Jablah", "Jableh"]
    assert place["geonameid"] == 173334


def test_a_failing_document_leaves_nothing_behind(target):
    post = Post(id="post_1", doc_id="", author="A", handle="@a", posted_on=None, text="x",
                url=None, raw_span=RawSpan(0, 1))
    with Store(target) as store:
        assert store.add(doc_result("Good one.", [sharaa("al-Shara")]))
        before = store.counts()
        bad = doc_result("Bad one.", [sharaa("al-Julani")], posts=[post, post])  # duplicate id
        with pytest.raises(Exception):
            store.add(bad)
        assert store.counts() == before
        assert store.entities()[0]["aliases"] == ["al-Shara"]
        # The store is still usable after the rollback.
        assert store.add(doc_result("Third one."))
        assert store.counts()["documents"] == 2


def test_problems_are_kept_once_and_cleared_when_the_file_reads(target):
    with Store(target) as store:
        store.add_problem(Problem("a.txt", "empty file"))
        store.add_problem(Problem("a.txt", "empty file"))
        store.add_problem(Problem("b.bin", "binary file, not text"))
        assert [p["path"] for p in store.problems()] == ["a.txt", "b.bin"]
        store.add(doc_result("Now it has text.", path="a.txt"))
        assert store.problems() == [{"path": "b.bin", "message": "binary file, not text"}]


def test_reopening_keeps_everything(target, demo_results):
    with Store(target) as store:
        store.add(demo_results[0])
    with Store(target) as store:
        assert store.counts()["documents"] == 1
        assert not store.add(demo_results[0])


# --- the same record from each backend ------------------------------------------------------

def test_both_backends_export_the_same_record(tmp_path, pg_url, demo_results):
    sqlite = str(tmp_path / "sitrep.db")
    for target in (sqlite, pg_url):
        with Store(target) as store:
            for r in demo_results:
                store.add(r)
            store.add(demo_results[0])
    assert export(sqlite) == export(pg_url)


ARTICLE = ("Gunmen killed seven villagers in an attack on a market near Hama on Monday, residents "
           "said, and at least 20 people were wounded.\n")


def test_cli_picks_postgresql_by_url(tmp_path, pg_url):
    (tmp_path / "hama.txt").write_text(ARTICLE, encoding="utf-8")
    runner = CliRunner()
    sqlite = str(tmp_path / "s.db")
    by_option = runner.invoke(app, ["ingest", str(tmp_path / "hama.txt"), "--db", pg_url, "-q"])
    assert by_option.exit_code == 0, by_option.output
    assert "1 stored" in by_option.stderr
    by_env = runner.invoke(app, ["ingest", str(tmp_path / "hama.txt"), "-q"], env={"SITREP_DB": pg_url})
    assert "0 stored, 1 unchanged" in by_env.stderr
    runner.invoke(app, ["ingest", str(tmp_path / "hama.txt"), "--db", sqlite, "-q"])
    from_pg = runner.invoke(app, ["export", "--format", "json"], env={"SITREP_DB": pg_url})
    from_sqlite = runner.invoke(app, ["export", "--format", "json", "--db", sqlite])
    assert from_pg.exit_code == 0, from_pg.output
    assert json.loads(from_pg.stdout) == json.loads(from_sqlite.stdout)
    assert any(f["count"] == 7 for f in json.loads(from_pg.stdout)["figures"])
    stats = runner.invoke(app, ["stats", "--db", pg_url])
    assert "documents  1" in stats.stdout


def test_unreachable_server_is_one_clear_line(tmp_path):
    url = "postgresql://sitrep:secret@127.0.0.1:1/nowhere"
    (tmp_path / "hama.txt").write_text(ARTICLE, encoding="utf-8")
    for args in (["ingest", str(tmp_path / "hama.txt"), "-q"], ["export"], ["stats"]):
        result = CliRunner().invoke(app, [*args, "--db", url])
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output
        [line] = result.stderr.strip().splitlines()
        assert "cannot connect to PostgreSQL" in line and "127.0.0.1:1/nowhere" in line
        assert "secret" not in line


def test_display_masks_the_password():
    assert display("postgresql://u:pw@h:5432/db") == "postgresql://u:***@h:5432/db"
    assert display("postgresql://u@h/db") == "postgresql://u@h/db"
    assert display("data/sitrep.db") == "data/sitrep.db"


# --- batches --------------------------------------------------------------------------------

def _new_version(result: Result, outlet: str) -> Result:
    """The same document said again with new metadata: it replaces the stored one, same id."""
    doc = dataclasses.replace(result.document, outlet=outlet, raw_sha256=outlet + result.document.raw_sha256,
                              metadata_changes=[{"field": "outlet", "old": None, "new": outlet}])
    return dataclasses.replace(result, document=doc)


def test_a_batch_stores_what_one_document_at_a_time_stores(target, tmp_path, demo_results):
    # Two new versions of the first document in the same batch: each replaces the one before.
    results = demo_results + [_new_version(demo_results[0], "A"), _new_version(demo_results[0], "B")]
    one_by_one = str(tmp_path / "one.db")
    with Store(one_by_one) as store:
        assert [store.add(r) for r in results] == [True] * len(results)
    with Store(target) as store:
        assert store.add_rows([rows_of(r) for r in results]) == [True] * len(results)
        assert store.add_rows([rows_of(r) for r in demo_results[1:3]]) == [False, False]
    assert export(target) == export(one_by_one)


def test_a_batch_that_must_be_retried_is_stored_one_document_at_a_time(tmp_path, demo_results,
                                                                        monkeypatch):
    with Store(str(tmp_path / "s.db")) as store:
        insert = Store._insert_part

        def deadlocked(self, batch, now):
            if len(batch) > 1:
                raise ZeroDivisionError  # stands in for PostgreSQL's DeadlockDetected
            return insert(self, batch, now)

        monkeypatch.setattr(Store, "_insert_part", deadlocked)
        store._db.retry = (ZeroDivisionError,)
        assert store.add_rows([rows_of(r) for r in demo_results[:3]]) == [True] * 3
        assert store.counts()["documents"] == 3
