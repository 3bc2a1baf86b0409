"""The streamed exports write what the export written from memory writes: JSON and CSV the
same bytes, Parquet the same schema and rows, memory bounded whatever the number of rows."""

from __future__ import annotations

import io
import tracemalloc

import pyarrow as pa
import pyarrow.parquet as pq

from sitrep.export import CSV_COLUMNS, write_csv_dir, write_json, write_json_stream
from sitrep.formats import EMPTY_COLUMNS, _column, write_parquet_dir, write_parquet_table


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


def _peak(write, tmp_path, n: int) -> int:
    """The most memory Python held while ``write`` wrote ``n`` figure rows into tmp_path/n."""
    tracemalloc.start()
    try:
        write([("figures", _rows(n))], str(tmp_path / str(n)))
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_csv_export_streams_rows_memory_does_not_grow_with_them(tmp_path):
    small, large = _peak(write_csv_dir, tmp_path, 2_000), _peak(write_csv_dir, tmp_path, 20_000)
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


# --- Parquet ----------------------------------------------------------------------------------

def whole_parquet_table(rows: list[dict], name: str) -> pa.Table:
    """The Parquet export before it streamed: every row of an array converted at once (the
    reference the streamed export must equal)."""
    columns: list[str] = []
    for row in rows:
        columns += [k for k in row if k not in columns]
    if not rows:
        return pa.table({c: pa.array([], pa.null()) for c in EMPTY_COLUMNS.get(name, [])})
    return pa.table({c: _column([row.get(c) for row in rows]) for c in columns})


def assert_parquet_is_the_whole_table(rows: list[dict], name: str, path) -> None:
    written, whole = pq.read_table(path), whole_parquet_table(rows, name)
    assert written.schema.equals(whole.schema), (written.schema, whole.schema)
    assert written.equals(whole)
    assert written.to_pylist() == whole.to_pylist()


def test_streamed_parquet_types_are_those_of_the_whole_array(tmp_path):
    # Each case differs between the first rows (one row group) and the later ones.
    rows = [{"id": f"r{k}", "n": k, "span": {"start": k}, "mixed": k, "tags": []}
            for k in range(5)]
    rows += [{"id": f"r{k}", "n": k + 0.5, "span": {"start": k, "text": "ten"}, "mixed": "x",
              "tags": [{"a": 1}], "late": True} for k in range(5, 9)]
    rows += [{"id": "r9", "bad": {"a": 1}}, {"id": "r10", "bad": {"a": "one"}}]
    path = tmp_path / "figures.parquet"
    for batch in (1, 2, 5, 100):
        write_parquet_table(iter(rows), "figures", str(path), batch=batch)
        assert_parquet_is_the_whole_table(rows, "figures", path)
        assert pq.ParquetFile(path).num_row_groups == -(-len(rows) // batch)
    table = pq.read_table(path)
    assert table.schema.field("n").type == pa.float64()
    assert table.schema.field("mixed").type == pa.string()  # kept as JSON text
    assert table.column("mixed").to_pylist()[:6] == ["0", "1", "2", "3", "4", '"x"']
    assert table.schema.field("span").type.num_fields == 2


def test_streamed_parquet_of_no_rows_keeps_the_contract_columns(tmp_path):
    for name in ("incidents", "posts"):
        write_parquet_table(iter([]), name, str(tmp_path / name), batch=3)
        assert_parquet_is_the_whole_table([], name, tmp_path / name)
    assert "figure_ids" in pq.read_table(tmp_path / "incidents").column_names


def test_parquet_export_streams_rows_memory_does_not_grow_with_them(tmp_path):
    def write(arrays, out_dir):
        write_parquet_dir(arrays, out_dir, batch=500)

    small, large = _peak(write, tmp_path, 2_000), _peak(write, tmp_path, 20_000)
    assert large < small * 1.5 + 100_000
    figures = pq.ParquetFile(tmp_path / "20000" / "figures.parquet")
    assert figures.metadata.num_rows == 20_000 and figures.num_row_groups == 40
    assert figures.schema_arrow.names[:3] == ["id", "doc_id", "count"]
    assert figures.read_row_group(39).column("id").to_pylist()[-1] == "f_19999"
    # Every array gets its file, given or not.
    assert "grade" in pq.read_table(tmp_path / "20000" / "tallies.parquet").column_names
