"""Entities: spaCy PERSON / ORG / NORP mentions resolved to canonical ids through the alias
dictionary, and surnames resolved to the full name used elsewhere in the same document."""

from __future__ import annotations

import re
from functools import lru_cache

from ..nlp import alias_entries, doc_text
from ..records import Entity, Mention, Span
from ..registry import stage
from ..work import Work

LABEL_TYPE = {"PERSON": "person", "ORG": "organization", "NORP": "group"}
_ARMED = re.compile(r"\b(army|forces|militia|militias|brigade|brigades|front|battalion|rebels|"
                    r"fighters|guard|division|regiment)\b", re.I)
_GOV = re.compile(r"\b(ministry|government|police|directorate|authority|authorities|council|"
                  r"presidency|office)\b", re.I)
_TITLES = re.compile(r"^(president|prime minister|defen[cs]e minister|minister|general|brigadier|"
                     r"colonel|commander|sheikh|dr\.?|mr\.?|mrs\.?|ms\.?)\s+", re.I)


# Compiled once: Python's own cache of patterns (512) is emptied by the per-name patterns of
# the extraction stages, and these run for every mention.
_POSSESSIVE = re.compile(r"'s$")
_CURLY_POSSESSIVE = re.compile(r"[’']s$")
_ARTICLE = re.compile(r"^(the|a|an)\s+", re.I)
_THE = re.compile(r"^(the)\s+", re.I)
# A dateline in capitals glued to the name by a dash ("MEXICO CITY-Police in Mexico say").
_DATELINE_LEAD = re.compile(r"^[A-Z][A-Z.'’]+(?:\s+[A-Z][A-Z.'’]+)*[-–—](?=[A-Z][a-z])")
_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


@lru_cache(maxsize=65536)
def norm(text: str) -> str:
    t = text.replace("’", "'").replace("‘", "'").strip()
    t = _POSSESSIVE.sub("", t)
    t = _ARTICLE.sub("", t)
    t = _SPACES.sub(" ", t)
    return t.casefold()


def slug(name: str) -> str:
    s = norm(name)
    s = _NON_WORD.sub("-", s).strip("-")
    return s


def entity_id(name: str) -> str:
    return "e_" + slug(name)


@lru_cache(maxsize=1)
def alias_index() -> dict[str, tuple[str, str]]:
    index: dict[str, tuple[str, str]] = {}
    for e in alias_entries():
        for form in [e["name"], *e.get("aliases", [])]:
            index[_index_key(form)] = (e["name"], e.get("type", "organization"))
    return index


def _index_key(form: str) -> str:
    # Acronyms match case-sensitively: "WHO" is the health agency, "who" is a pronoun.
    bare = _THE.sub("", form.strip())
    if bare.isupper() and len(bare.replace(".", "")) <= 6:
        return "ACR:" + bare
    return norm(form)


@lru_cache(maxsize=65536)
def lookup(text: str) -> tuple[str, str] | None:
    """(canonical name, type) from the alias dictionary, trying the text and its tail words."""
    index = alias_index()
    acr = _index_key(text.strip())
    if acr.startswith("ACR:"):
        return index.get(acr)
    for key in (norm(text), norm(_TITLES.sub("", text.strip()))):
        if key in index:
            return index[key]
    words = key.split()
    # "the UK-based Syrian Observatory ..." or "Defense Minister Israel Katz": drop leading words.
    for i in range(1, len(words)):
        tail = " ".join(words[i:])
        if tail in index and len(tail) > 3:
            return index[tail]
    return None


@lru_cache(maxsize=1)
def _national_forms() -> frozenset[str]:
    """Forms that, after a country's demonym or name, name its own society (``national_form``
    in the alias dictionary: "Red Cross")."""
    return frozenset(norm(e["national_form"]) for e in alias_entries() if e.get("national_form"))


@lru_cache(maxsize=1)
def _nations() -> frozenset[str]:
    """Demonyms and country names, lower case."""
    from ..gazetteer import countries
    from ..link.sources import demonyms

    return frozenset(demonyms()) | frozenset(n.casefold() for n, _ in countries().values())


def national_body(text: str) -> str | None:
    """"Nigerian Red Cross", "Lebanon's Red Cross": a country's own society, named as written
    (without the possessive), not the international body the bare form names."""
    words = re.sub(r"^(?:the|The)\s+", "", text.strip()).split()
    for n in (1, 2):
        who = re.sub(r"[’']s$", "", " ".join(words[:n]))
        if len(words) > n and who.casefold() in _nations() and norm(" ".join(words[n:])) in _national_forms():
            return f"{who} {' '.join(words[n:])}"
    return None


def national_before(text: str, start: int, end: int) -> int | None:
    """Where the demonym or country before a national form at [start, end) begins ("Nigerian"
    of "the Nigerian Red Cross"), or None."""
    if norm(text[start:end]) not in _national_forms():
        return None
    lo = max(0, start - 40)
    m = re.search(r"(?:(?P<two>[A-Z][\w-]+)\s+)?(?P<one>[A-Z][\w-]+)(?:[’']s)?\s+$", text[lo:start])
    if m is None:
        return None
    for group in ("two", "one"):
        if m.group(group) and national_body(text[lo + m.start(group):end]):
            return lo + m.start(group)
    return None


def guess_type(label: str, text: str) -> str:
    kind = LABEL_TYPE.get(label, "organization")
    if kind == "organization":
        if _ARMED.search(text):
            return "armed_group"
        if _GOV.search(text):
            return "government"
    return kind


def _cut_dateline(text: str) -> str:
    """"MEXICO CITY-Police" -> "Police": a place in capitals glued by a dash, when the gazetteer
    knows it (not "ISIS-Khorasan", "UN-Women", "US-Africa Command")."""
    m = _DATELINE_LEAD.match(text)
    if m is None:
        return text
    from .places import candidates

    place = m.group(0)[:-1].strip()
    if len(place.replace(" ", "")) < 4 or not candidates(place.title()):
        return text
    return text[m.end():]


def clean_surface(text: str) -> str:
    t = _CURLY_POSSESSIVE.sub("", _cut_dateline(text.strip()))
    t = _THE.sub("", t)
    return _TITLES.sub("", t)


class Resolver:
    """Resolves surface forms within one document to entities, collecting aliases."""

    def __init__(self) -> None:
        self.entities: dict[str, Entity] = {}
        self.full_names: dict[str, str] = {}  # surname -> full name seen in this document
        # first name -> the one full name seen with it (None when two people share it)
        self.given_names: dict[str, str | None] = {}
        self.national: set[str] = set()  # countries' own societies named ("Nigerian Red Cross")

    def add_full_name(self, name: str) -> None:
        parts = name.split()
        if len(parts) >= 2:
            self.full_names.setdefault(parts[-1].casefold(), name)
            first = parts[0].casefold()
            if self.given_names.get(first, name) != name:
                self.given_names[first] = None
            else:
                self.given_names[first] = name

    def resolve(self, surface: str, label: str) -> Entity | None:
        surface = surface.strip()
        if not surface or len(surface) < 2:
            return None
        national = national_body(surface)
        if national is None and norm(surface) in _national_forms() and len(self.national) == 1:
            national = next(iter(self.national))  # "the Red Cross" after "the Nigerian Red Cross"
        hit = None if national else lookup(surface)
        if national:
            self.national.add(national)
            surface = national
        from_dict = hit is not None
        if hit:
            name, kind = hit
        else:
            name = clean_surface(surface)
            kind = guess_type(label, name)
            if len(name.split()) == 1 and (kind == "person" or not _any_place(name)):
                # The surname of a person named in full; else the first name of the one person
                # named in full with it ("Minister Somsak Thepsutin … Somsak said"), whatever
                # the tagger took the lone word for (never a place's name: "Israel" of "Israel
                # Katz").
                full = self.full_names.get(name.casefold()) or self.given_names.get(name.casefold())
                if full:
                    name, kind = full, "person"
                    hit2 = lookup(full)
                    if hit2:
                        name, kind = hit2
                        from_dict = True
        eid = entity_id(name)
        ent = self.entities.get(eid)
        if ent is None:
            ent = Entity(eid, name, kind, [], from_dictionary=from_dict)
            self.entities[eid] = ent
        form = clean_surface(surface) if not from_dict else re.sub(r"[’']s$", "", surface)
        if form not in ent.aliases:
            ent.aliases.append(form)
        return ent


@lru_cache(maxsize=1)
def _org_name_heads() -> frozenset[str]:
    from ..config import sources_roles

    return frozenset(sources_roles().get("organisation_name_heads") or [])


def is_place_not_entity(ent, name: str | None = None) -> bool:
    """spaCy often tags towns as ORG or NORP ("Jableh", "Tartus"); the gazetteer knows better.
    ``name``: the name the mention gives, where it is more than the entity's text ("En Nahud"
    of an ORG "Nahud")."""
    from .places import candidates

    from ..clean import zipf

    if ent.label_ not in ("ORG", "NORP") or lookup(ent.text) is not None:
        return False
    # Only rare words: "Arab" is also a town in Alabama, but here it is a people. A people is
    # often its province's namesake ("Kachin", "Amhara", "Rakhine"): a NORP stays a people
    # unless a town has its name.
    division = ent.end < len(ent.doc) and ent.doc[ent.end].lower_ in _division_words()
    return zipf(ent.text.lower()) < 3.5 and any(
        ent.label_ == "ORG" or division or c.precision != "province"
        # (a name with another spelling of its article is a town, "in al-Nahud", not when it
        # qualifies a noun: "the al-Rashid hotel", "the al-Kurdi family home")
        for c in candidates(name or ent.text, forms=not _modifies_a_noun(ent)))


def _modifies_a_noun(ent) -> bool:
    nxt = ent.doc[ent.end] if ent.end < len(ent.doc) else None
    return nxt is not None and nxt.pos_ == "NOUN" and nxt.text.islower()


@lru_cache(maxsize=1)
def _division_words() -> frozenset[str]:
    """"province", "state", "region" ... (data/admin1_names.yaml): "Ituri province" is a place
    even where the tagger took "Ituri" for a people."""
    from ..gazetteer import admin1_rules

    return frozenset(w.casefold() for w in admin1_rules().get("suffixes", []))


_WEAPON_NOUNS = {"missile", "rocket", "drone", "jet", "tank", "launcher", "howitzer", "warplane",
                 "helicopter", "bomb", "shell", "system"}


def is_weapon(ent) -> bool:
    """"two Iskander-M missiles", "a Shahed drone": a weapon's name, not an actor."""
    doc = ent.doc
    return ent.end < len(doc) and doc[ent.end].lemma_.lower() in _WEAPON_NOUNS


def is_dateline(ent) -> bool:
    """"CAIRO/JERUSALEM (Continental Wire) –": the place line of a wire story, not an actor."""
    text = ent.text
    if not (text.isupper() and len(text) > 3):
        return False
    doc = ent.doc
    bracket = ent.end < len(doc) and doc[ent.end].text == "(" and bool(doc[ent.end - 1].whitespace_)
    return bracket or "/" in text


def is_common_word(ent) -> bool:
    """A lone capitalised common word ("Defense" of "Defense Minister") is not an entity."""
    from ..clean import zipf

    return (len(ent) == 1 and lookup(ent.text) is None
            and zipf(ent.text.lower()) >= 4.5)


def _placed_head(head: str, places: set[str]) -> bool:
    """Words the tagger glued before a person's name that are a place ("Chernihiv" of "Mayor of
    Chernihiv Ada Obi") or end a title of office ("… of Internal Affairs")."""
    words = head.replace("’", "'").removesuffix("'s").split()
    if not words:
        return False
    if words[0].lower() in ("of", "for") or " ".join(words) in places:
        return True
    if re.match(r"^[A-Z][\w-]*(?:\s+[A-Z][\w-]*)?\s+(?:of|for)\s+(?:the\s+)?[A-Z]", head):
        return True  # "Minister of Internal Affairs", "Mayor of Chernihiv"
    # A city the gazetteer knows as large, or a country ("Sumy Ada Obi").
    from .places import large_city

    return len(words) == 1 and large_city(words[0])


def _any_place(head: str) -> bool:
    """One word the gazetteer knows as a place ("Kessa" of "Commissioner of Kessa Ada Obi")."""
    from .places import candidates

    return len(head.split()) == 1 and bool(candidates(head))


def person_tail(ent, text: str, places: set[str]) -> tuple[int, int] | None:
    """"Chernihiv Ada Obi", "of Internal Affairs Ada Obi": a person's name the tagger ran
    together with the place or office written before it, as one entity. The name is the last
    two or three capitalised words when the text names the person by the surname alone
    elsewhere ("Obi said"). (start, end) of the name, or None."""
    toks = [t for t in ent if not (t.i == ent.start and t.lower_ == "the")]
    if ent.label_ not in ("ORG", "PERSON") or len(toks) < 3:
        return None
    for size in (2, 3):
        if len(toks) - size < 1:
            break
        tail = toks[-size:]
        if not all(t.is_alpha and t.is_title for t in tail):
            continue
        surname = tail[-1].text
        alone = [m for m in re.finditer(rf"\b{re.escape(surname)}\b", text)
                 if not ent.start_char <= m.start() < ent.end_char
                 and not re.search(rf"{re.escape(tail[-2].text)}\s+$", text[max(0, m.start() - 40):m.start()])]
        head = text[toks[0].idx:tail[0].idx].strip()
        # "the mayor of Kyiv Ada Obi", "Representative for Sudan Ada Obi": the place ends the
        # title before the name.
        after_of = re.search(r"\b(?:of|for)\s+$", text[max(0, toks[0].idx - 5):toks[0].idx]) is not None
        if (alone or after_of and size == 2) and (_placed_head(head, places) or after_of and _any_place(head)):
            return tail[0].idx, ent.end_char
    return None


def _surname_cut_off(e) -> bool:
    """One capitalised word the tagger labelled apart right after a person's name, which the
    parser makes the head of that name ("Rosa Icela" + "Rodríguez"): the name's last word."""
    doc = e.doc
    if len(e) != 1 or e.label_ == "PERSON" or e.start == 0 or e.root.pos_ != "PROPN" \
            or lookup(e.text) is not None:
        return False
    prev = doc[e.start - 1]
    return prev.ent_type_ == "PERSON" and prev.whitespace_ == " " and prev.dep_ == "compound" \
        and prev.head.i == e.start


@stage("entities", needs=("nlp",), sets=("mentions", "entities"))
def entities_stage(work: Work) -> None:
    """Resolve PERSON, ORG and NORP mentions to canonical entities with aliases."""
    doc = work.spacy_doc
    # Doc.text joins every token each time it is read: once per document, not once per entity
    # (and the later stages read the same string).
    text = doc_text(doc)
    resolver = Resolver()
    ents = [e for e in doc.ents if e.label_ in LABEL_TYPE and (_surname_cut_off(e) or (
            not is_place_not_entity(e) and not is_common_word(e) and not is_dateline(e)
            and not is_weapon(e)))]
    places = {e.text for e in doc.ents if e.label_ in ("GPE", "LOC")}
    spans = []
    for e in ents:
        tail = person_tail(e, text, places)
        label, (a, b) = ("PERSON", tail) if tail else (e.label_, (e.start_char, e.end_char))
        nation = national_before(text, a, b) if not tail else None
        if nation is not None:
            # "the Nigerian Red Cross": the country's own society, one name with its demonym.
            while spans and spans[-1][2] >= nation:
                spans.pop()
            label, a = "ORG", nation
        owner = re.match(r"[’']s\s+", text[a:b])
        if owner and b - a > owner.end() + 1:
            a += owner.end()  # "the group’s Al-Masirah TV": the possessive is the owner's
        owner = re.search(r"[’']s\s+(?=[A-Z][\w’'-]+\s+[A-Z])", text[a:b]) if label == "PERSON" else None
        if owner and text[a:b].split()[-1] in _org_name_heads():
            # "The Tigray People's Liberation Front": an organisation's name, not a person owned
            owner, label = None, "ORG"
        if owner:
            a += owner.end()  # "Al Jazeera’s Ada Obi": her employer is no part of her name
        if spans and label == "PERSON" == spans[-1][1] and text[spans[-1][3]:a] == " ":
            # "Muhammad Asim" + "Khan": one name the tagger cut in two.
            a = spans.pop()[2]
        elif spans and spans[-1][1] == "PERSON" and a == e.start_char and _surname_cut_off(e) \
                and spans[-1][3] == e.start_char - 1:
            # "Rosa Icela" + "Rodríguez" (the surname taken for an organisation): one name.
            label, a = "PERSON", spans.pop()[2]
        spans.append((text[a:b], label, a, b))
    for surface, label, _, _ in spans:
        if label == "PERSON" and len(surface.split()) >= 2:
            resolver.add_full_name(clean_surface(surface))
    mentions = []
    for surface, label, a, b in spans:
        ent = resolver.resolve(surface, label)
        if ent is None:
            continue
        mentions.append(Mention(surface, label, Span(a, b, surface), work.clean.raw_span(a, b), ent.id))
    work.mentions = mentions
    work.entities = resolver.entities
    work.resolver = resolver
