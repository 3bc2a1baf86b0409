"""Export formats read back with their own readers: GeoJSON (shapely), Parquet (pyarrow),
ACLED- and UCDP-like CSV (csv)."""

from __future__ import annotations

import csv
import io
import json

import pyarrow.parquet as pq
import pytest
from shapely.geometry import shape
from typer.testing import CliRunner

from sitrep.cli import app
from sitrep.export import ARRAYS
from sitrep.formats import (ACLED_COLUMNS, UCDP_COLUMNS, acled_rows, geojson, ucdp_rows,
                            write_parquet_dir, write_rows_csv)
from tests.report_data import record, record_without_links


def read_csv(rows, columns) -> list[dict[str, str]]:
    buf = io.StringIO()
    write_rows_csv(rows, columns, buf)
    reader = csv.DictReader(io.StringIO(buf.getvalue()))
    assert reader.fieldnames == columns
    return list(reader)


def test_geojson_places_with_their_figures():
    fc = json.loads(json.dumps(geojson(record())))
    assert fc["type"] == "FeatureCollection"
    by_id = {f["id"]: f for f in fc["features"]}
    harbor = by_id["p_harbor"]
    point = shape(harbor["geometry"])
    assert (point.x, point.y) == (35.79, 35.52)  # GeoJSON is lon, lat
    assert harbor["properties"]["figure_count"] == 4
    assert set(harbor["properties"]["figure_ids"]) == {"d_a:f0", "d_a:f1", "d_b:f0", "d_b:f2"}
    assert harbor["properties"]["incident_ids"] == ["i_harbor"]
    assert harbor["properties"]["figures"][0]["status"] == "killed"
    assert by_id["p_sy"]["geometry"] is None  # a country without coordinates gets no invented point


def test_parquet_one_file_per_array(tmp_path):
    data = record()
    paths = write_parquet_dir(data, str(tmp_path))
    assert sorted(p.rsplit("/", 1)[1] for p in paths) == sorted(f"{a}.parquet" for a in ARRAYS)
    figures = pq.read_table(tmp_path / "figures.parquet").to_pylist()
    assert [f["id"] for f in figures] == [f["id"] for f in data["figures"]]
    assert figures[0]["span"] == data["figures"][0]["span"]
    assert figures[0]["place_ids"] == ["p_harbor"]
    tallies = pq.read_table(tmp_path / "tallies.parquet").to_pylist()
    assert tallies[0]["sources"][1]["timeline"][0]["max"] == 25
    assert pq.read_table(tmp_path / "documents.parquet").column("text").to_pylist()[2].count("<script>") == 1


def test_parquet_empty_arrays_keep_their_columns(tmp_path):
    write_parquet_dir(record_without_links(), str(tmp_path))
    incidents = pq.read_table(tmp_path / "incidents.parquet")
    assert incidents.num_rows == 0 and "figure_ids" in incidents.column_names
    assert "grade" in pq.read_table(tmp_path / "tallies.parquet").column_names


def test_acled_rows_per_incident_and_unlinked_killing():
    rows = read_csv(acled_rows(record()), ACLED_COLUMNS)
    # Two incidents; every killing figure belongs to one, so no unlinked rows.
    assert [r["event_id_cnty"] for r in rows] == ["i_harbor", "i_hill"]
    harbor = rows[0]
    assert harbor["fatalities"] == "19"  # the reconciled best of killed / all
    assert (harbor["event_type"], harbor["sub_event_type"]) == (
        "Explosions/Remote violence", "Shelling/artillery/missile attack")
    assert harbor["actor1"] == "North Army"
    assert (harbor["country"], harbor["location"], harbor["geo_precision"]) == ("Syria", "Harbor Town", "1")
    assert (harbor["latitude"], harbor["longitude"]) == ("35.52", "35.79")
    assert harbor["source"] == "Bay Herald; Coast Post"
    assert rows[1]["fatalities"] == "0"
    assert rows[1]["sub_event_type"] == "Abduction/forced disappearance"


def test_acled_without_incidents_counts_a_repeated_figure_once():
    data = record_without_links()
    data["figures"][-1]["repeat_of"] = "d_b:f0"
    rows = read_csv(acled_rows(data), ACLED_COLUMNS)
    assert [r["event_id_cnty"] for r in rows] == ["d_a:f0", "d_b:f0", "d_b:f1"]
    assert [r["fatalities"] for r in rows] == ["12", "19", "20"]  # a range gives its low end
    assert rows[0]["notes"].startswith("unlinked claim: Shelling killed")
    assert rows[0]["event_date"] == "2025-03-03" and rows[0]["year"] == "2025"


def test_ucdp_rows():
    rows = read_csv(ucdp_rows(record()), UCDP_COLUMNS)
    assert [r["id"] for r in rows] == ["i_harbor"]  # the kidnapping had no deaths
    r = rows[0]
    assert (r["low"], r["best"], r["high"]) == ("12", "19", "25")
    assert (r["date_start"], r["date_end"], r["where_prec"]) == ("2025-03-03", "2025-03-03", "1")
    assert r["side_a"] == "North Army"
    assert "Coast Post, Shelling kills 12 in Harbor Town, 2025-03-03, https://example.org/coast/1" in r["source_article"]
    unlinked = {r["id"]: r for r in read_csv(ucdp_rows(record_without_links()), UCDP_COLUMNS)}
    assert (unlinked["d_b:f1"]["low"], unlinked["d_b:f1"]["best"], unlinked["d_b:f1"]["high"]) == ("20", "20", "25")
    assert unlinked["d_a:f0"]["side_b"] == "Civilians"


@pytest.mark.parametrize("fmt", ["geojson", "acled", "ucdp", "parquet"])
def test_export_command_writes_each_format(pipeline_db, tmp_path, fmt):
    out = tmp_path / f"out.{fmt}"
    result = CliRunner().invoke(app, ["export", "--format", fmt, "--db", str(pipeline_db), "--out", str(out)])
    assert result.exit_code == 0, result.output
    if fmt == "geojson":
        fc = json.loads(out.read_text("utf-8"))
        located = [f for f in fc["features"] if f["geometry"]]
        assert located and all(shape(f["geometry"]).is_valid for f in located)
    elif fmt == "parquet":
        assert pq.read_table(out / "figures.parquet").num_rows == 5
    else:
        with open(out, newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        # Three articles, three linked incidents. ACLED keeps an event with no deaths (the
        # clashes article reports only wounded); UCDP-GED records only events with deaths.
        if fmt == "acled":
            assert sorted(int(r["fatalities"]) for r in rows) == [0, 7, 12]
        else:
            assert sorted(int(r["best"]) for r in rows) == [7, 12]
