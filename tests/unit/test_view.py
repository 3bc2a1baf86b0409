"""What the report and the web app compute from a record: marked text, values, filters, charts."""

from __future__ import annotations

import pytest

from sitrep.view import (Mark, Record, claim_rows, contradiction_lines, doc_view, figure_value,
                         filter_figures, filter_quotes, filter_tallies, segments, tally_chart)
from tests.report_data import TEXTS, record


def test_segments_rebuild_the_text_and_mark_overlaps():
    text = "Alpha beta gamma. Delta epsilon."
    marks = [Mark("f1", 0, 18, "sentence"), Mark("f1", 6, 10, "number"), Mark("q1", 11, 24, "quote")]
    segs = segments(text, marks, highlight="f1")
    assert "".join(s.text for s in segs) == text
    lit = "".join(s.text for s in segs if s.highlighted)
    assert lit == "Alpha beta gamma."  # trailing space of the sentence span is not highlighted
    assert [s.text for s in segs if "number" in s.kinds] == ["beta"]
    assert "".join(s.text for s in segs if "q1" in s.keys) == "gamma. Delta"
    assert [s.text for s in segs if "f1" in s.first_of] == ["Alpha "]


def test_segments_ignore_spans_outside_the_text():
    segs = segments("short", [Mark("f", 3, 99, "sentence"), Mark("g", 50, 60, "quote")])
    assert "".join(s.text for s in segs) == "short"
    assert [s.text for s in segs if s.keys] == ["rt"]


def test_document_view_highlights_the_figure_sentence():
    rec = Record(record())
    dv = doc_view(rec, "d_a", highlight="d_a:f1")
    lit = "".join(s.text for s in dv.segments if s.highlighted)
    assert lit == "Medics said 30 people were wounded in the shelling."
    assert (dv.figures, dv.quotes) == (2, 1)
    assert doc_view(rec, "nope") is None


def test_only_http_urls_become_links():
    rec = Record(record())
    assert doc_view(rec, "d_a").safe_url == "https://example.org/coast/1"
    assert doc_view(rec, "d_c").safe_url is None  # javascript: stays text


@pytest.mark.parametrize("fields, shown", [
    ({"count": 12, "qualifier": "at_least"}, "at least 12"),
    ({"count": 2000, "qualifier": "about"}, "about 2,000"),
    ({"count": 19, "qualifier": "exact"}, "19"),
    ({"count": None, "min": 300, "max": 400, "qualifier": "range"}, "300–400"),
    ({"count": None, "min": 24, "max": None, "qualifier": "vague"}, "24+"),
])
def test_figure_value(fields, shown):
    assert figure_value(fields) == shown


def test_claim_rows_carry_incident_outlet_and_places():
    rec = Record(record())
    rows = {r.id: r for r in claim_rows(rec, rec.figures)}
    assert rows["d_a:f0"].incident_title == "Shelling of Harbor Town"
    assert rows["d_a:f0"].outlet == "Coast Post"
    assert rows["d_a:f0"].places == ["Harbor Town"]
    assert rows["d_b:f2"].repeat_of == "d_b:f0"
    assert rows["d_a:f0"].sentence in TEXTS["d_a"]


@pytest.mark.parametrize("filters, ids", [
    ({"status": "injured"}, {"d_a:f1"}),
    ({"victims": "civilians"}, {"d_a:f0", "d_b:f0", "d_b:f2"}),
    ({"source": "rights"}, {"d_b:f1"}),
    ({"source": "e_rights-network"}, {"d_b:f1"}),
    ({"outlet": "bay herald"}, {"d_b:f0", "d_b:f1", "d_b:f2"}),
    ({"date_from": "2025-03-05", "date_to": "2025-03-05"}, {"d_b:f0", "d_b:f1", "d_b:f2"}),
    ({"date_from": "2025-03-06"}, {"d_c:f0"}),
    ({"q": "WOUNDED"}, {"d_a:f1"}),
    ({"incident": "i_hill"}, {"d_c:f0"}),
    ({"incident": "no-such"}, set()),
    ({"place": "p_hill"}, {"d_c:f0"}),
    ({"status": "killed", "source": "coast", "date_to": "2025-03-04"}, {"d_a:f0"}),
])
def test_filter_figures(filters, ids):
    assert {f["id"] for f in filter_figures(Record(record()), **filters)} == ids


def test_filter_quotes_and_tallies():
    rec = Record(record())
    assert [q["id"] for q in filter_quotes(rec, speaker="resident")] == ["d_a:q0"]
    assert [q["id"] for q in filter_quotes(rec, q="buried")] == ["d_a:q0"]
    assert [t["status"] for t in filter_tallies(rec, incident="i_harbor")] == ["killed", "injured"]
    assert filter_tallies(rec, incident="i_harbor", status="missing") == []


def test_tally_chart_has_a_series_per_source_on_a_date_axis():
    rec = Record(record())
    chart = tally_chart(rec, rec.tallies[0])
    coast, rights = chart.series
    assert (coast.name, rights.name) == ("Coast Monitor", "Rights Network")
    assert len(coast.points) == 2 and coast.path.startswith("M")
    early, late = coast.points
    assert early.x < late.x and early.y > late.y  # 12 then 19: later and higher
    (rp,) = rights.points
    assert rp.y_hi < rp.y_lo  # the 20–25 range drawn as a bar
    assert rp.x == late.x  # same report date
    assert chart.band[0] < chart.best_y < chart.band[1]
    assert [label for _, label in chart.x_ticks][0] == "03 Mar"
    assert all(chart.top <= p.y <= chart.top + chart.plot_h for s in chart.series for p in s.points)
    assert early.figure_id == "d_a:f0" and early.doc_id == "d_a"


def test_tally_chart_with_one_date_and_no_dates():
    rec = Record(record())
    single = tally_chart(rec, rec.tallies[2])
    (p,) = single.series[0].points
    assert p.x == pytest.approx(single.left + single.plot_w / 2)
    undated = dict(rec.tallies[2], sources=[{"source": "x", "timeline": [
        {"reported_on": None, "count": 3, "min": 3, "max": 3, "figure_ids": []}]}])
    chart = tally_chart(rec, undated)
    assert chart.series[0].points == [] and chart.series[0].undated == 1


def test_contradictions_are_shown_whatever_their_shape():
    assert contradiction_lines([{"description": "A says 5, B says 9"}, "plain", {"a": 1}]) == [
        "A says 5, B says 9", "plain", "a: 1"]


def test_incidents_with_the_same_last_report_come_in_one_order_whatever_the_input_order():
    from sitrep.export import newest_first

    incs = [{"id": "inc-b", "end": "2025-03-09"}, {"id": "inc-a", "end": "2025-03-09"},
            {"id": "inc-c", "start": "2025-03-10", "end": None}, {"id": "inc-d", "end": "2024-01-01"}]
    expected = ["inc-c", "inc-b", "inc-a", "inc-d"]
    assert [i["id"] for i in newest_first(incs)] == expected
    assert [i["id"] for i in newest_first(list(reversed(incs)))] == expected
