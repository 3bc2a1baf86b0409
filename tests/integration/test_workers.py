"""Parsing in two processes gives exactly the record one process gives."""

from __future__ import annotations

from sitrep.ingest import read_paths
from sitrep.pipeline import process_documents
from sitrep.records import Problem
from tests.corpus import DEMO


def test_two_workers_same_output_as_one():
    raws = [r for r in read_paths([str(DEMO)]) if not isinstance(r, Problem)]
    one = [r.as_dict() for r in process_documents(raws, workers=1)]
    two = [r.as_dict() for r in process_documents(raws, workers=2)]
    assert len(one) == len(raws) >= 12
    assert one == two


def test_ingest_stores_documents_while_later_ones_are_still_unread(tmp_path):
    """The local runner streams: a batch is stored before the next is read, so memory stays
    flat however large the corpus is."""
    from sitrep.cli import ingest_items
    from sitrep.store import Store

    from sitrep.config import CONFIG

    batch = CONFIG["pipeline"]["batch_size"]
    raws = [r for r in read_paths([str(DEMO)]) if not isinstance(r, Problem)]
    stored_when_read: list[int] = []
    with Store(str(tmp_path / "stream.db")) as store:
        def reader():
            for raw in raws:
                stored_when_read.append(len(store.known_shas()))
                yield raw

        counts = ingest_items(store, reader(), quiet=True)
        assert counts == {"stored": len(raws), "unchanged": 0, "problems": 0}
        assert len(store.known_shas()) == len(raws) > 2 * batch
    # Nothing is stored before the first batch is parsed; the next document is read after.
    assert stored_when_read[:batch] == [0] * batch
    assert stored_when_read[batch] == batch


def test_two_workers_run_every_stage_in_the_workers_not_in_this_process(monkeypatch):
    """The main process only hands out documents: no stage after spaCy runs in it."""
    import os

    from sitrep import registry

    seen: list[int] = []
    real = registry.STAGES["figures"]

    def spy(work):
        seen.append(os.getpid())
        real.fn(work)

    import dataclasses
    monkeypatch.setitem(registry.STAGES, "figures", dataclasses.replace(real, fn=spy))
    raws = [r for r in read_paths([str(DEMO)]) if not isinstance(r, Problem)]
    out = list(process_documents(raws, workers=2))
    assert len(out) == len(raws) and not any(isinstance(r, Problem) for r in out)
    assert seen == []  # the stage ran, but in the forked workers


def test_a_document_that_kills_its_worker_is_one_problem_and_the_batch_goes_on(monkeypatch):
    import dataclasses
    import os

    from sitrep import registry

    raws = [r for r in read_paths([str(DEMO)]) if not isinstance(r, Problem)]
    victim = raws[5].source_path
    real = registry.STAGES["dates"]

    def crash(work):
        if work.raw.source_path == victim:
            os._exit(3)  # as a worker killed by the kernel would
        real.fn(work)

    monkeypatch.setitem(registry.STAGES, "dates", dataclasses.replace(real, fn=crash))
    out = list(process_documents(raws, workers=2, batch_size=4))
    assert len(out) == len(raws)
    problems = [r for r in out if isinstance(r, Problem)]
    assert [p.path for p in problems] == [victim]
    assert "worker process died" in problems[0].message
    # every other document is there, in input order
    assert [r.document.source_path for r in out if not isinstance(r, Problem)] == \
        [r.source_path for r in raws if r.source_path != victim]


def test_a_worker_dying_while_the_next_chunk_is_handed_out_loses_nothing(monkeypatch):
    """The pool can break between reading one chunk's results and handing out the next (a
    worker killed then): that chunk is run again like the ones that were out."""
    from concurrent.futures.process import BrokenProcessPool

    from sitrep import pipeline

    raws = [r for r in read_paths([str(DEMO)]) if not isinstance(r, Problem)][:12]
    real_new_pool = pipeline._Parallel._new_pool
    calls = {"n": 0}

    def new_pool(self):
        pool = real_new_pool(self)
        real_submit = pool.submit

        def submit(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] == 3:  # the third chunk finds the pool broken
                raise BrokenProcessPool("a worker died")
            return real_submit(*args, **kwargs)

        pool.submit = submit
        return pool

    monkeypatch.setattr(pipeline._Parallel, "_new_pool", new_pool)
    out = list(process_documents(raws, workers=2, batch_size=2))
    assert [r.document.source_path for r in out] == [r.source_path for r in raws]


def test_what_linking_needs_from_one_document_comes_from_the_workers(tmp_path, monkeypatch):
    """Rare words, text dates, sites, title key and figure wording are read where a document is
    processed; the relink after the ingest only reads them, and links exactly as it does
    computing them itself."""
    import os

    from sitrep.cli import ingest_items
    from sitrep.export import _arrays
    from sitrep.link import doc_parts, incidents, link
    from sitrep.store import Rows, Store

    main = os.getpid()
    calls, spy, real = _rare_word_spy()
    monkeypatch.setattr(incidents, "_rare_words", spy)
    raws = [r for r in read_paths([str(DEMO)]) if not isinstance(r, Problem)]
    with Store(str(tmp_path / "parts.db")) as store:
        counts = ingest_items(store, iter(raws), quiet=True, workers=2)
        assert counts["stored"] == len(raws)
        assert main not in calls  # the main process read no document's rare words
        monkeypatch.setattr(incidents, "_rare_words", real)
        data = _arrays(store)
        # What the workers carry is what the stored rows give.
        from sitrep.pipeline import process_batches

        rows = [r for batch in process_batches(raws, workers=2) for r in batch]
        assert all(isinstance(r, Rows) and r.parts is not None for r in rows)
        figs = {d["id"]: [f for f in data["figures"] if f["doc_id"] == d["id"]]
                for d in data["documents"]}
        parts = {r.doc_id: r.parts for r in rows}
        for d in data["documents"]:
            assert parts[d["id"]] == doc_parts(d, figs[d["id"]])
        with_parts, without = link(data, None, parts=parts), link(data, None)
        assert [i.as_dict() for i in with_parts.incidents] == \
            [i.as_dict() for i in without.incidents]
        assert with_parts.figures == without.figures and with_parts.quotes == without.quotes
        assert with_parts.record == without.record


def _rare_word_spy():
    """linking's rare-word reader wrapped to record the process each call runs in: (the calls,
    the wrapper, the real reader)."""
    import os

    from sitrep.link import incidents

    calls: list[int] = []
    real = incidents._rare_words

    def spy(text, max_zipf):
        calls.append(os.getpid())
        return real(text, max_zipf)

    return calls, spy, real


def _tables(db: str) -> dict[str, list[str]]:
    """Every table of a SQLite store, rows sorted, the times of storing masked."""
    import sqlite3

    con = sqlite3.connect(db)
    out = {}
    for (t,) in con.execute("select name from sqlite_master where type='table' order by name"):
        cols = [r[1] for r in con.execute(f"pragma table_info({t})")]
        out[t] = sorted(repr(tuple("*" if c in ("ingested_at", "seen_at") else v
                                   for c, v in zip(cols, r)))
                        for r in con.execute(f"select * from {t}"))
    con.close()
    return out


def test_parts_beyond_the_held_cap_are_read_by_linking_to_the_same_record(tmp_path, monkeypatch):
    """The ingest holds the workers' parts for at most ``held_parts_max_documents`` documents, so
    its memory does not grow with the corpus; linking reads the rest itself, and the record is
    the one every document's parts give (and ingesting again changes nothing)."""
    import os

    from sitrep.cli import ingest_items
    from sitrep.config import CONFIG
    from sitrep.link import incidents
    from sitrep.store import Store

    main = os.getpid()
    calls, spy, real = _rare_word_spy()
    raws = [r for r in read_paths([str(DEMO)]) if not isinstance(r, Problem)]
    cap = 5
    tables = {}
    for name, held in (("capped", cap), ("all", len(raws))):
        monkeypatch.setitem(CONFIG["ingest"], "held_parts_max_documents", held)
        monkeypatch.setattr(incidents, "_rare_words", spy)
        calls.clear()
        db = str(tmp_path / f"{name}.db")
        with Store(db) as store:
            assert ingest_items(store, iter(raws), quiet=True, workers=2)["stored"] == len(raws)
        # linking in the main process read the rare words of the documents beyond the cap only
        assert calls.count(main) == len(raws) - held
        monkeypatch.setattr(incidents, "_rare_words", real)
        tables[name] = _tables(db)
    assert len(raws) > cap and tables["capped"]["incidents"]
    assert tables["capped"] == tables["all"]
    with Store(str(tmp_path / "capped.db")) as store:
        again = ingest_items(store, iter(raws), quiet=True, workers=2)
    assert again == {"stored": 0, "unchanged": len(raws), "problems": 0}
    assert _tables(str(tmp_path / "capped.db")) == tables["capped"]
