"""Who a source named by its kind or by what carried it stands for.

A national body named by its kind alone ("police said", "the Interior Ministry") is the body of
the country the story is in (``country_body``); a statement's carrier is not its maker ("a press
release from the health ministry" is the ministry's, ``cut_carrier``). Read by the figures stage
for sources and by the quotes stage for speakers, so that a body's figures and its statements are
one source. Word lists: ``national_bodies`` in sources_roles.yaml, ``carriers`` in
speech_roles.yaml, the channels of source_channels.yaml, demonyms.yaml.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from spacy.lang.en.stop_words import STOP_WORDS

from ..config import load_data
from ..work import Work
from .attribution import _ROLES_DATA, ORG_TYPES, _alt
from .entities import lookup


def _speech_data(name: str, env: str) -> dict:
    return load_data(name, env, merge="append")


@lru_cache(maxsize=1)
def _carrier_forms() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """speech_roles.yaml ``carriers`` before "from/by/of X" and after "X", and the channels
    of source_channels.yaml after "via/on"."""
    d = _speech_data("speech_roles.yaml", "SITREP_SPEECH_ROLES")
    alt = "|".join(re.escape(w).replace(r"\ ", r"\s+")
                   for w in sorted(d.get("carriers") or {}, key=len, reverse=True))
    ch = _speech_data("source_channels.yaml", "SITREP_SOURCE_CHANNELS").get("channels") or []
    channels = "|".join(re.escape(w) for w in sorted(ch, key=len, reverse=True))
    lead = re.compile(rf"^(?:(?:a|an|the)\s+)?(?:{alt})\s+(?:from|by|of)\s+(?:(?:a|an|the)\s+)?"
                      r"(?P<x>.+)$", re.I)
    # case as written after a name: "the Washington Post" is an outlet, not a post
    tail = re.compile(rf"^(?P<x>.+?)\s+(?:(?:{alt})|(?:via|on)\s+(?:{channels}))$")
    return lead, tail


@lru_cache(maxsize=1)
def _carriers() -> frozenset[str]:
    """speech_roles.yaml ``carriers``: read once, not on every speaker."""
    return frozenset(_speech_data("speech_roles.yaml", "SITREP_SPEECH_ROLES").get("carriers") or {})


# A body or a role that can make a statement ("police statement", "post from a rescue agency").
_MAKER_WORD = re.compile(rf"(?:{_alt('office_bodies')}|{_alt('national_bodies')}|{_alt('offices')}|group|"
                         r"agency|organi[sz]ation|ministry|council|committee|authorities|officials?)s?\s*$",
                         re.I)


def cut_carrier(speaker: str) -> str:
    """The maker of a statement, not what carried it: "press release from the Sudanese Ministry
    of Health" -> "Sudanese Ministry of Health", "police statement" -> "police", "Ada Obi via
    Telegram" -> "Ada Obi"."""
    carriers = _carriers()
    for form in _carrier_forms():
        m = form.match(speaker)
        x = re.sub(r"[’']s?$", "", m.group("x").strip()) if m else ""  # "officials' statements"
        bare = re.sub(r"^(?:the|a|an|its|his|her|their|this|that)\b\s*", "", x.lower())
        maker = x[:1].isupper() or _MAKER_WORD.search(bare)  # "joint statement": no maker left
        if bare and bare.rstrip("s") not in carriers and maker:
            return x  # ("Posts on social media" carried nothing: posts are no maker)
    return speaker


KIND_BODY = re.compile(rf"^(?:[Tt]he\s+)?(?:(?P<kind>(?i:{_alt('national_bodies')}))|(?P<dom>[A-Z][a-z]+"
                        r"(?:\s+[A-Z][a-z]+)?)\s+[Mm]inistry|[Mm]inistry\s+of\s+(?:the\s+)?[A-Z][a-z]+"
                        r"(?:\s+(?:and\s+)?[A-Z][a-z]+){0,2})$")


# An unnamed spokesperson of a body named by its kind ("the judiciary spokesman", "a police
# spokesperson"): the body's figure, as a named body's spokesperson's is; the speaker is that
# body's spokesperson ("Iranian judiciary spokesman").
KIND_BODY_SPOKES = re.compile(rf"^(?:the\s+)?(?P<body>(?:(?-i:[A-Z][a-z]+)\s+)?(?i:{_alt('national_bodies')}))\s+"
                              rf"(?P<role>{_alt('spokes_nouns')})$", re.I)


# The story's country by description: "the government of the West African nation", "the
# country's army", "the war-torn nation's health ministry" (a few words before the noun).
_OWN_COUNTRY = r"(?:[\w-]+\s+){0,3}?(?:country|nation)"
_OF_OWN_COUNTRY = re.compile(rf"^(?P<body>.+?)\s+of\s+the\s+{_OWN_COUNTRY}$", re.I)
_OWN_COUNTRYS = re.compile(rf"^(?:the\s+)?{_OWN_COUNTRY}[’']s\s+(?P<body>.+)$", re.I)


def _own_country_dropped(name: str) -> str:
    """"the government of the African country" -> "the government": a body of the story's
    country, described rather than named, is that country's body."""
    m = _OF_OWN_COUNTRY.match(name) or _OWN_COUNTRYS.match(name)
    return m.group("body") if m else name


def country_body(name: str, work: Work, sentence: str = "") -> str | None:
    """A body named only by its kind ("police", "the Interior Ministry") is the body of the
    country the text is about, under its alias-dictionary name when it has one ("Sudanese army":
    Sudanese Armed Forces). Which country: the one the figure's sentence ties to the body ("police
    in neighbouring Somalia"), else a place of the story's country the text writes before it
    ("Dagestan's Interior Ministry"), else the story's country ("Somali police"), else, when the
    story's country is not known, the one qualifier the text gives the body ("the Gaza health
    ministry"). None when the name is not such a body, names its country already, or no country
    is known."""
    m = KIND_BODY.match(_own_country_dropped(name.strip()))
    if m is None or _names_a_country((m.group("dom") or "").split()[:1], work):
        return None
    body = m.group("kind").lower() if m.group("kind") else re.sub(r"^[Tt]he\s+", "", name.strip())
    main, code = _story_demonym(work)
    here = _tied_country(body, sentence)
    quals = _qualifiers(body, work)
    places = {q for q, c in quals if c is not None and c in (code, "")}
    others = {q for q, _ in quals}
    qual = here or (places.pop() if len(places) == 1 else main) or (
        others.pop() if len(others) == 1 and not main else "")
    if not qual:
        return None
    for kind in (body, *(_ROLES_DATA.get("body_synonyms") or {}).get(body.lower(), ())):
        known = lookup(f"{qual} {kind}")
        if known and known[1] in ORG_TYPES:
            return known[0]  # "Sudanese military": the dictionary's Sudanese Armed Forces
    return f"{qual} {body}"



def _tied_country(body: str, sentence: str) -> str:
    """The demonym of a country the sentence writes right after the body ("Police in
    neighbouring Somalia", "the Ministry of Interior of Somalia"), else ""."""
    from ..link.sources import demonym_of

    of_country = demonym_of()
    for m in re.finditer(rf"(?i:\b{re.escape(body)})\s+(?:in|of)\s+(?:the\s+)?(?:neighbou?ring\s+)?"
                         r"([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)", sentence):
        for name in (m.group(1), m.group(1).split()[0]):
            if name.casefold() in of_country:
                return of_country[name.casefold()].title()
    return ""


def _qualifiers(body: str, work: Work) -> set[tuple[str, str | None]]:
    """The countries or places the text writes before ``body``, as written ("the Gaza health
    ministry", "Uganda police"; a country's possessive as its demonym: "Sudan's army" ->
    Sudanese; a place's kept: "Dagestan's"), each with the country code of a place (None for a
    country). The tail of a longer name ("South Sudan's") is none."""
    from ..link.sources import demonym_of, demonyms

    of_country = demonym_of()
    places = {p.text: getattr(work.places.get(p.ref_id), "country_code", "") or ""
              for p in work.place_mentions or []}  # "" for a region the gazetteer gives no country
    quals = set()
    for q in re.finditer(rf"\b([A-Z][\w-]+)([’']s)?\s+{re.escape(body)}\b", work.text, re.I):
        word, low = q.group(1), q.group(1).casefold()
        lead = re.search(r"([A-Z][\w-]*)[ \t]+$", work.text[max(0, q.start() - 20):q.start()])
        if lead and lead.group(1).lower() not in STOP_WORDS:
            continue  # "South Sudan's army": not Sudan's ("The Israeli police" is Israeli)
        if low in demonyms() or low in of_country and not q.group(2):
            quals.add((word, None))
        elif low in of_country:
            quals.add((of_country[low].title(), None))
        elif word in places:
            quals.add((word + (q.group(2) or ""), places[word]))
    return quals


def _story_demonym(work: Work) -> tuple[str, str | None]:
    """The demonym of the country the places are in and its code, when the text names that
    country or its people or two thirds of at least two places are in it; else ("", None). A
    long official name ends in the short one ("democratic republic of the congo": Congolese)."""
    from ..link.sources import demonyms

    country, places, code = main_country_of(work)
    for d, words in demonyms().items():
        c = " ".join(words)
        long_form = country.endswith(" " + c) and country[:-len(c)].strip() in _LONG_FORMS
        if (country == c or long_form) and (places or re.search(rf"\b(?:{c}|{d})\b", work.text, re.I)):
            return d.title(), code
    return "", None


_LONG_FORMS = {"democratic republic of the", "republic of the", "republic of", "federal republic of"}


def _names_a_country(words: list[str], work: Work) -> bool:
    """Whether a first word names a country, a people or a place ("Iranian", "Gaza")."""
    from ..link.sources import demonym_of, demonyms

    low = words[0].casefold() if words else ""
    return bool(low) and (low in demonyms() or low in demonym_of() or any(
        p.text.casefold() == low for p in work.place_mentions or []))


def main_country_of(work: Work) -> tuple[str, bool, str | None]:
    """The country (lower case) of the places the document names most, whether at least two
    place mentions and two thirds of them are in it, and its code ("", False, None: none)."""
    from .. import gazetteer

    codes: Counter[str] = Counter()
    # On a tie, the country named outright most ("Turkey" twice against two Pakistani
    # provinces in a page that carries another story first).
    named: Counter[str] = Counter()
    for m in work.place_mentions or []:
        p = work.places.get(m.ref_id) if m.ref_id else None
        if p is not None and p.country_code:
            codes[p.country_code] += 1
            named[p.country_code] += p.precision == "country"
    code, n = max(codes.items(), key=lambda kv: (kv[1], named[kv[0]]), default=(None, 0))
    country = gazetteer.countries().get(code, ("", ""))[0].casefold() if code else ""
    return country, n >= 2 and 3 * n >= 2 * sum(codes.values()), code


def main_country(work: Work) -> str:
    """The country (lower case) of the places the document names most, "" when none."""
    return main_country_of(work)[0]
