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
