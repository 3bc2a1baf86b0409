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

    raws = [r for r in read_paths([str(DEMO)]) if not isinstance(r, Problem)]
    stored_when_read: list[int] = []
    with Store(str(tmp_path / "stream.db")) as store:
        def reader():
            for raw in raws:
                stored_when_read.append(len(store.known_shas()))
                yield raw

        counts = ingest_items(store, reader(), quiet=True)
        assert counts == {"stored": len(raws), "unchanged": 0, "problems": 0}
        assert len(store.known_shas()) == len(raws) > 32
    # Nothing is stored before the first batch of 32 is parsed; the 33rd document is read after.
    assert stored_when_read[:32] == [0] * 32
    assert stored_when_read[32] == 32
