"""The streamed JSON export writes the same bytes as the export written from memory."""

from __future__ import annotations

import io
import tracemalloc

from sitrep.export import CSV_COLUMNS, write_csv_dir, write_json, write_json_stream


def test_streamed_json_is_the_same_bytes_empty_arrays_and_nesting_included():
    data = {
        "documents": [{"id": "d_1", "title": "Évacuation à Goma — 12 morts", "tags": [],
                       "nested": {"a": [1, {"b": None}], "c": {}}}],
        "figures": [],
        "quotes": [{"id": "q_1", "text": "line\nbreak \"quoted\""}, {"id": "q_2", "text": ""}],
        "incidents": [],
    }
    whole, streamed = io.StringIO(), io.StringIO()
    write_json(data, whole)
    write_json_stream(((k, iter(v)) for k, v in data.items()), streamed)
    assert streamed.getvalue() == whole.getvalue()


def _rows(n: int):
    for k in range(n):
        yield {"id": f"f_{k}", "doc_id": f"d_{k % 97}", "count": k, "status": "killed",
               "place_ids": ["p_1", "p_2"], "span": {"start": k, "end": k + 9, "text": "ten people"},
               "sentence": {"text": "Ten people were killed on the road, officials said."}}


def _csv_peak(tmp_path, n: int) -> int:
    tracemalloc.start()
    try:
        write_csv_dir([("figures", _rows(n))], str(tmp_path / str(n)))
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_csv_export_streams_rows_memory_does_not_grow_with_them(tmp_path):
    small, large = _csv_peak(tmp_path, 2_000), _csv_peak(tmp_path, 20_000)
    assert large < small * 1.5 + 100_000
    lines = (tmp_path / "20000" / "figures.csv").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 20_001 and lines[0].startswith("id,doc_id,count,")
    # Every array gets its file with its header, given or not.
    assert (tmp_path / "20000" / "tallies.csv").read_text().startswith("incident_id,")


def test_csv_from_streamed_arrays_is_the_csv_from_the_record(tmp_path):
    data = {"figures": list(_rows(30)), "documents": [{"id": "d_1", "title": "=SUM(A1)"}]}
    write_csv_dir(data, str(tmp_path / "whole"))
    write_csv_dir(((k, iter(v)) for k, v in data.items()), str(tmp_path / "streamed"))
    for name in CSV_COLUMNS:
        assert (tmp_path / "whole" / f"{name}.csv").read_bytes() == \
            (tmp_path / "streamed" / f"{name}.csv").read_bytes()
