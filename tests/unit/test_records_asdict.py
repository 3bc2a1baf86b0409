"""records.asdict gives what dataclasses.asdict gives, for every kind of value a record holds."""

from __future__ import annotations

import dataclasses
import json

from sitrep import records
from sitrep.records import Figure, Provenance, RawSpan, Span


def _figure(**kw) -> Figure:
    base = dict(id="f1", doc_id="d1", count=12, min=None, max=None, qualifier="at least",
                status="killed", victims="civilians", group=None, perpetrator=None,
                source="the ministry", source_id=None, hedged=False, place_ids=["p1", "p2"],
                period_start=None, period_end=None, reported_on="2025-03-09",
                span=Span(3, 5, "12"), raw_span=RawSpan(3, 5), sentence=Span(0, 40, "At least 12 …"),
                provenance=Provenance("figures", 0.75, "rule"))
    base.update(kw)
    return Figure(**base)


def test_a_figure_converts_as_dataclasses_asdict_converts_it():
    fig = _figure()
    assert records.asdict(fig) == dataclasses.asdict(fig)
    assert json.dumps(records.asdict(fig)) == json.dumps(dataclasses.asdict(fig))
    assert json.dumps(fig.as_dict()) == json.dumps({**dataclasses.asdict(fig)})


def test_nested_containers_are_copies_not_the_records_own():
    fig = _figure()
    d = records.asdict(fig)
    d["place_ids"].append("p3")
    assert fig.place_ids == ["p1", "p2"]
    value = {"a": [1, (2, 3)], "b": {"c": fig.span}}
    assert records.asdict(value) == {"a": [1, (2, 3)], "b": {"c": {"start": 3, "end": 5, "text": "12"}}}
    other = {1, 2}
    assert records.asdict(other) == other and records.asdict(other) is not other


def test_the_records_of_linking_and_reconciliation_convert_as_dataclasses_asdict_converts_them():
    from sitrep.link import FigureLink, Incident
    from sitrep.link.statements import QuoteLink
    from sitrep.reconcile import Tally

    tally = Tally(incident_id="i1", status="killed", victims="all", low=3, best=5, high=9,
                  grade="B", sources=[{"key": "un", "figures": ["f1"], "span": (1, 2)}],
                  contradictions=[], parts={"civilians": 4}, breakdowns=[{"by": "place"}])
    incident = Incident(id="i1", title="t", start=None, end="2025-01-02", place_ids=["p1"],
                        doc_ids=["d1"], figure_ids=[], split_to=[{"id": "i2", "doc_ids": ["d2"]}])
    for record in (tally, incident, FigureLink("i1", claim_id="f1"), QuoteLink("s1", "s1", 2)):
        assert json.dumps(record.as_dict()) == json.dumps(dataclasses.asdict(record))
