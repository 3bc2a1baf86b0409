"""Who a sentence attributes its claim to, and whether the claim is hedged.

Shared by figures (the source of a toll) and quotes (the speaker): the subject of a reporting
verb, the object of "according to", a dictionary alias, a surname resolved to the full name in the
same document, or an anaphor ("the monitor", "the ministry") resolved to the last source named.
"""

from __future__ import annotations

import calendar
import re

from .. import gazetteer
from ..config import load_data, sources_roles
from ..work import Work
from .dates import WEEKDAYS
from .entities import _nations, lookup

_ROLES_DATA = sources_roles()
# Verbs whose subject is a figure's source (sources_roles.yaml ``report_lemmas``), and those that
# are only with a count noun as their object (``toll_object_lemmas``: "raised the toll to 40").
_TOLL_OBJECT_LEMMAS = frozenset(_ROLES_DATA.get("toll_object_lemmas") or ())
REPORT_LEMMAS = frozenset(_ROLES_DATA.get("report_lemmas") or ()) | _TOLL_OBJECT_LEMMAS
_EVENT_NOUNS = frozenset(_ROLES_DATA.get("event_nouns") or ())
_TOLL_ONLY = frozenset(_ROLES_DATA.get("toll_only_lemmas") or ())
_TOLL_ONLY_NOUNS = frozenset(_ROLES_DATA.get("toll_nouns") or ())
# A passive reporting verb's subject is what was reported or who was accused ("the RSF was
# accused of killing 40", "30 people were reported killed"), never the reporter.


def _alt(key: str) -> str:
    """The words under ``key``, longest first, as a regex alternation (a space matches any run of spaces or a hyphen: "director general", "Director-General")."""
    words = sorted(_ROLES_DATA.get(key) or [], key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"[\s-]+") for w in words)


def _words(key: str, plural: bool = False) -> str:
    return rf"\b(?:{_alt(key)}){'s?' if plural else ''}\b"


# A description that points back to a body named earlier ("the group", "the enclave's health
# ministry", "the UK-based war monitor"): its head noun is data, ``data/sources_roles.yaml``
# (anaphor_heads).
ANAPHORA = re.compile(r"^(?:the\s+)?(?:(?:enclave|territory|strip|country|region|group)[’']s\s+)?"
                     r"(?:(?:uk|britain)-based\s+)?(?:(?:rights|aid|monitoring|humanitarian|"
                     rf"relief|medical|advocacy|human rights|health)\s+)?({_alt('anaphor_heads')})$", re.I)


# Words that hedge a figure ("reportedly", "unconfirmed"): data, ``data/sources_roles.yaml``
# (hedge_words); "claimed" and "could not be verified" stay here for their exceptions and options:
# "claimed" hedges a claim, not a toll that "claimed the lives of 40" / "claimed 12 lives".
HEDGE = re.compile(_words("hedge_words") + rf"(?!\s+(?:[\w-]+\s+)?(?:{_alt('hedge_not_before')})\b)"
                   + r"|\b(?:(?:claims?|claimed|claiming)"
                   r"(?!\s+(?:the\s+lives|[\w,\s]{0,25}?\blives\b|(?:(?:an?|the)\s+(?:[\w-]+\s+)?)?"
                   rf"(?:{_alt('claimed_acts')})\b(?!\s+(?:{_alt('claimed_act_verbs')})\b)))|"
                   r"not (?:be )?independently verified|"
                   r"could not (?:be )?(?:independently )?(?:verified|confirmed))\b", re.I)
# Words that make a phrase an unnamed source as described ("hospital officials", "locals"): data,
# ``data/sources_roles.yaml`` (generic_sources).
GENERIC_SOURCE = re.compile(_words("generic_sources", plural=True), re.I)
# Words that make a source a news outlet ("River News", "the Morning Post"): media_words there.
MEDIA_WORDS = re.compile(_words("media_words"), re.I)
# Verbs of a clause on a figure's noun that make the clause's speaker its source ("the 45 deaths
# the council said had been confirmed"): confirming_verbs there.
CONFIRMING = frozenset(_ROLES_DATA.get("confirming_verbs") or [])


# Not sources after "according to": data, documents, platforms ("according to preliminary
# data", "according to Telegram posts").
_NOT_DESCRIBED = re.compile(r"\b(data|figures|statistics|information|estimates?|count|tally|"
                            r"telegram|facebook|twitter|x|instagram|youtube|whatsapp|social media|"
                            r"posts?|videos?|footage|images?|reports? (?:on|by|from|in))\b", re.I)


REPORT_NOUNS = frozenset(_ROLES_DATA.get("report_nouns") or [])
# Nouns of what carries a statement ("statement", "post", "communique"): speech_verbs.yaml.
_SPEECH_DATA = load_data("speech_verbs.yaml", "SITREP_SPEECH_VERBS")
_DOCUMENTS = frozenset(_SPEECH_DATA.get("document_nouns") or {})
_MAKING = frozenset(_SPEECH_DATA.get("making_participles") or [])
_ARMY_NAME = re.compile(_words("army_name_words"), re.I)
_NATIONAL_BODY = re.compile(_alt("national_bodies"), re.I)  # "police", "the army": a country's body
_COUNTRYS_BODY = re.compile(rf"^(?:the\s+)?(?P<c>[A-Z][\w-]+(?: [A-Z][\w-]+)?)[’']s\s+(?P<b>{_alt('national_bodies')})$", re.I)
INFO_NOUNS = frozenset(_ROLES_DATA.get("information_nouns") or []) | REPORT_NOUNS
# "the latest information from local media", "a report issued on Monday by the ministry": who
# gave it is after the preposition.
_INFO_FROM = re.compile(rf"^(?:[\w’'-]+\s+){{0,3}}?(?:{'|'.join(sorted(INFO_NOUNS, key=len, reverse=True)) or '-'})"
                        rf"\b(?:\s+[\w,]+){{0,6}}?\s+(?:from|by)\s+(?P<x>.+)$", re.I)


def info_source(phrase: str, start: int | None, work: Work) -> tuple[str | None, str | None] | None:
    """For a phrase headed by an information noun ("the latest information from local media"):
    the source its "from"/"by" phrase names, or (None, None) when it names none; None when the
    phrase is no such noun phrase."""
    stripped = phrase.strip(" ,.")
    m = _INFO_FROM.match(stripped)
    if m and start is not None:
        x0 = start + phrase.index(stripped) + m.start("x")
        found = resolve_phrase(m.group("x"), x0, x0 + len(m.group("x")), work)
        if found[0] is None:
            found = (_described(m.group("x")), None)
        return found
    words = re.sub(r"^(?:the|a|an)\s+", "", stripped, flags=re.I).split()
    if words and words[0].lower() in REPORT_NOUNS and len(words) > 1 and not re.fullmatch(
            r"(?:issued|published|released)\b.*", " ".join(words[1:])):
        return None
    if words and words[-1].lower() in REPORT_NOUNS and len(words) > 1:
        return None  # "initial reports", "local media reports": as described
    if words and len(words) <= 4 and any(w.lower() in INFO_NOUNS for w in words) and not any(
            m.ref_id for m in work.mentions or [] if start is not None
            and start <= m.span.start < start + len(phrase)) and not any(w[:1].isupper() for w in words[1:]):
        return None, None  # "recent data", "a report issued on Monday": no one named
    return None


# A time written after an unnamed source is no part of it: "authorities on Thursday",
# "reports on Wednesday (23 October)", "officials late on Saturday".
_MONTHS = [m.lower() for m in calendar.month_name[1:]]
_MONTH = "|".join(_MONTHS)
_TRAILING_TIME = re.compile(
    r"\s+(?:(?:late|early)\s+)?(?:on|this|last)\s+(?:(?:" + "|".join(WEEKDAYS) + r")(?:\s+(?:night|morning|"
    r"afternoon|evening))?|week|month|morning|evening|night)?(?:\s*,?\s*\(?(?:\d{1,2}\s+(?:"
    + _MONTH + r")|(?:" + _MONTH + r")\s+\d{1,2})(?:,?\s+\d{4})?\)?)?\s*$", re.I)


def _cut_time(phrase: str, start: int | None = None, work: Work | None = None) -> str:
    """A phrase without the time written after it ("authorities on Thursday", "reports on
    Wednesday (23 October)"), unless the time is part of a name the text tags ("Mail on
    Sunday")."""
    when = _TRAILING_TIME.search(phrase)
    if not when or when.start() == 0 or re.fullmatch(r"\s*(?:on|this|last)\s*", when.group(0), re.I):
        return phrase  # (a bare "on" at the end names no time)
    if work is not None and start is not None and any(
            m.span.start < start + when.start() < m.span.end for m in work.mentions or []):
        return phrase
    if phrase[:when.start()].split()[-1][:1].isupper():
        return phrase  # a name may run on ("the Mail on Sunday"): only descriptions are cut
    return phrase[:when.start()]


def _described(phrase: str) -> str | None:
    """An unnamed source as the text describes it after "according to": "non-governmental
    groups", "a local prosecutor" -> "local prosecutor"."""
    p = phrase.strip(" ,.\"“”")
    p = _cut_time(p)
    if not p or len(p.split()) > 6 or re.search(r"\d", p) or _NOT_DESCRIBED.search(p):
        return None
    if not re.match(r"(?:the|a|an|some|several|local|[a-z])", p):
        return None  # a capitalised name the tagger missed is not ours to invent
    return re.sub(r"^(the|a|an|some)\s+", "", p, flags=re.I)


def hedged(text: str) -> bool:
    return HEDGE.search(text) is not None


_RANK = {"person": 3, "organization": 2, "government": 2, "armed_group": 2, "media": 1}


def _mention_in(work: Work, start: int, end: int):
    """The mention that names the speaker or source in a phrase: a person ("Syria's intelligence
    chief, Anas Khattab") before an organisation, an organisation before a media outlet."""
    best, best_rank = None, 0
    for m in work.mentions or []:
        if start <= m.span.start and m.span.end <= end and m.ref_id:
            ent = work.entities.get(m.ref_id)
            rank = _RANK.get(ent.type, 0) if ent else 0
            if rank > best_rank or (rank == best_rank == 3 and m.span.end == end):
                # (Of two names, the one ending the phrase is its head: "CITY Assistant
                # Commissioner Ada Obi", where the tagger took the city for a person.)
                best, best_rank = m, rank
    return best


def government_of(phrase: str, start: int, work: Work) -> tuple[str, str] | None:
    """"Israel says", "Moscow said": a country or its capital speaking is its government."""
    stripped = phrase.strip(" ,.")
    for m in work.place_mentions or []:
        if m.span.start != start or m.text != stripped or not m.ref_id:
            continue
        place = work.places.get(m.ref_id)
        if place is None or not place.country_code:
            return None
        country, capital = gazetteer.countries().get(place.country_code, ("", ""))
        if place.precision == "country" or (capital and place.name == capital):
            ent = work.resolver.resolve(f"Government of {country}", "ORG")
            return (ent.name, ent.id) if ent is not None else None
    return None


_TERRITORY_OF = re.compile(r"^(?:the\s+)?(?:enclave|territory|strip|country|region|province|state)"
                           r"[’']s\s+(.+)$", re.I)


_CONTROLLER_WORDS = frozenset(_ROLES_DATA.get("controller_suffixes") or [])
# "Hamas-run ", "Houthi-controlled ": a name that runs the body it qualifies (a leading one is cut
# with ``_CONTROLLER.sub``; ``_controlled_body`` matches the suffix after a mention).
_CONTROLLER_SUFFIX = re.compile(rf"-(?:{_alt('controller_suffixes')})\b\s+", re.I)
_CONTROLLER = re.compile(r"^[\w’']+" + _CONTROLLER_SUFFIX.pattern, re.I)
# ... when what it runs is a body or an outlet ("ministry", "office", "television"), not a
# coalition it leads.
_BODY_END = re.compile(rf"\b(?:{_alt('office_bodies')}|{_alt('media_words')}|authorities)$", re.I)
# "Hamas's health ministry": an armed group's body (a name of its own: the later _OWNED_BODY is
# a place's body before a role).
_GROUP_BODY = re.compile(rf"[’']s\s+(?=(?:[\w-]+\s+)?(?:{_alt('office_bodies')})\b)", re.I)


def _controlled_body(phrase: str, start: int, work: Work) -> tuple[str, int] | None:
    """"the Hamas-run health ministry" -> ("the health ministry", where it starts), "Gaza's
    Hamas-run health ministry" -> "Gaza's health ministry", "Hamas's health ministry" -> "health
    ministry": the phrase less a leading name that runs the body it qualifies, when the name is a
    mention of its own (the dictionary's "Saudi-led coalition" is one name and stays)."""
    lead = re.match(r"(?:the\s+|[\w-]+[’']s\s+)?", phrase, re.I)
    for m in work.mentions or []:
        if m.span.start == start + lead.end() and m.ref_id:
            after = _CONTROLLER_SUFFIX.match(work.text, m.span.end) or (
                # "Hamas's health ministry": a group's body is the body, not the group.
                work.entities[m.ref_id].type == "armed_group" and _GROUP_BODY.match(work.text, m.span.end))
            if after and after.end() < start + len(phrase) and _BODY_END.search(phrase):
                cut = after.end() - start
                return lead.group() + phrase[cut:], start + cut - lead.end()
    return None


_PLACE_BODY = re.compile(rf"(?:(?:{_alt('place_body_levels')})\s+)?(?:{_alt('place_body_words')})", re.I)


def resolve_phrase(phrase: str, start: int, end: int, work: Work) -> tuple[str | None, str | None]:
    """(canonical name, entity id) for an attribution phrase at [start, end) of the clean text."""
    controlled = _controlled_body(phrase, start, work)
    if controlled:
        return resolve_phrase(controlled[0], controlled[1], end, work)
    gov = government_of(phrase, start, work)
    if gov:
        return gov
    owned = re.match(r"^(?:the\s+)?(?P<c>[A-Z][\w-]+(?: [A-Z][\w-]+)?)[’']s government$", phrase.strip(" ,."))
    if owned:
        return f"Government of {owned.group('c')}", None  # "Malawi's government said"
    national = _COUNTRYS_BODY.match(phrase.strip(" ,."))
    if national:
        from ..link.sources import demonym_of

        demonym = demonym_of().get(national.group("c").casefold())
        if demonym:  # "Iran's judiciary said": the Iranian judiciary
            return f"{demonym.title()} {national.group('b').lower()}", None
    territorial = _TERRITORY_OF.match(phrase.strip(" ,."))
    if territorial:
        # "the enclave's Health Ministry" (the tagger may take it for a name): the territory's
        # body, when the document's places make it a known one ("Gaza Health Ministry").
        found = _qualified(work, territorial.group(1))
        if found:
            return found
    m = _mention_in(work, start, end)
    if m is not None and m.span.end < end:
        # "the Burkinabè army" (the tagger took the demonym for a name): the country's army.
        rest = work.text[m.span.end:end].strip(" ,.")
        if _NATIONAL_BODY.fullmatch(rest) and m.text.casefold() in _nations():
            return f"{m.text} {rest}", None
        if _PLACE_BODY.fullmatch(rest) and work.entities[m.ref_id].type in ("person", "place"):
            # "the Tigray regional government" (the tagger took the region for a person's name)
            return f"{m.text} {rest}", None
    if m is not None:
        ent = work.entities[m.ref_id]
        return ent.name, ent.id
    stripped = phrase.strip(" ,.")
    anaphor = ANAPHORA.match(stripped)
    if anaphor and anaphor.group(1).lower() not in ("it", "they"):
        named = _named_like(work, start, anaphor.group(1).split()[-1])
        if named:
            return named
        if anaphor.group(1).lower() == "ministry":
            # "the enclave's health ministry" with no ministry named yet: the territory the
            # document names, when that makes a known body ("Gaza health ministry").
            body = re.sub(r"^(?:the\s+)?(?:\w+[’']s\s+)?", "", stripped, flags=re.I)
            if re.match(r"^(?:the\s+)?\w+[’']s\s", stripped, re.I):
                found = _qualified(work, body)
                if found:
                    return found
        elif _NATIONAL_BODY.fullmatch(anaphor.group(1)):
            # "the military said" after "The IDF said": that army; after another body spoke (an
            # observatory), the country's army, not the last speaker.
            last = work.entities.get(work.last_source[1]) if work.last_source and work.last_source[1] else None
            if last is not None and _ARMY_NAME.search(last.name):
                return work.last_source
        elif work.last_source is not None and work.last_source[1] is not None:
            # ... unless another organisation was named since ("The Red Crescent said 14 were
            # killed. Islamic State later claimed the attack. The group said …": Islamic State).
            since = last_entity(work, start, ORG_TYPES)
            return since if since and since[1] != work.last_source[1] and _fits(
                anaphor.group(1), since[1], work) and _named_after(
                work, since[1], work.last_source[1], start) else work.last_source
        else:
            org = last_entity(work, start, ("organization", "armed_group"))
            if org:
                return org
    elif anaphor and work.last_source is not None:
        return work.last_source
    gov = re.match(r"^(?:the\s+)?(?P<c>[A-Z][\w-]+(?: [A-Z][\w-]+)?)[’']s government$", stripped)
    if gov:
        return f"Government of {gov.group('c')}", None
    hit = lookup(stripped)
    if hit:
        ent = work.resolver.resolve(stripped, "ORG")
        return ent.name, ent.id
    if GENERIC_SOURCE.search(stripped) and len(stripped.split()) <= 8:
        # "residents and footage posted online": footage, data and posts are not sources.
        parts = [p for p in re.split(r"\s+and\s+", stripped) if not _NOT_DESCRIBED.search(p)]
        stripped = " and ".join(parts) if parts else stripped
        desc = re.sub(r"^(the|a|an|some|several|two|three)\s+", "", stripped, flags=re.I)
        return desc, None
    return None, None


# Role nouns that name an unnamed speaker or source: "a medical source", "hospital officials".
ROLE_NOUNS = {"source", "sources", "official", "officials", "resident", "residents", "witness", "eyewitness",
              "witnesses", "spokesman", "spokeswoman", "spokesperson", "commander", "doctor",
              "doctors", "medic", "medics", "activist", "activists", "survivor", "survivors",
              "relative", "relatives", "man", "woman", "father", "mother", "fighter", "officer",
              "nurse", "journalist", "analyst", "diplomat", "volunteer", "volunteers", "teacher",
              "cleric", "imam", "priest", "leader", "coordinator", "worker", "workers", "farmer",
              "driver", "shopkeeper", "student", "guide", "handler", "owner", "elder", "engineer",
              "lawyer", "researcher", "expert", "paramedic", "surgeon", "director", "villager",
              "villagers", "charity", "group", "agency", "committee", "authorities", "rescuers",
              "chairman", "chairwoman"}


ORG_TYPES = ("organization", "government", "armed_group")


def _named_like(work: Work, before: int, noun: str) -> tuple[str, str] | None:
    """"the observatory" -> the last organisation named before whose name holds that word."""
    found = None
    for m in work.mentions or []:
        if m.span.start >= before or not m.ref_id:
            continue
        ent = work.entities[m.ref_id]
        words = {w for form in [ent.name, *ent.aliases] for w in form.lower().split()}
        if ent.type in ORG_TYPES and noun.lower() in words:
            found = (ent.name, ent.id)
    return found


def last_entity(work: Work, before: int, types: tuple[str, ...], skip=None) -> tuple[str, str] | None:
    """(name, id) of the last entity of one of ``types`` named before ``before`` (leaving out
    the mentions ``skip`` says to)."""
    best = None
    for m in work.mentions or []:
        if m.span.start < before and m.ref_id and work.entities[m.ref_id].type in types and (
                skip is None or not skip(m)):
            best = m
    if best is None:
        return None
    ent = work.entities[best.ref_id]
    return ent.name, ent.id


def last_org(work: Work, before: int) -> tuple[str, str] | None:
    """The last organisation named before ``before``: what "it" and "its" refer to. One named
    inside a quotation is spoken of, not speaking ('… "executed by members of the Interior
    Ministry," the monitor said. … it added': the monitor)."""
    return last_entity(work, before, ORG_TYPES, skip=lambda m: _quoted(work.text, m.span.start))


def _quoted(text: str, at: int) -> bool:
    """``at`` lies inside a quotation opened earlier in its paragraph."""
    before = text[text.rfind("\n", 0, at) + 1:at]
    return before.count('"') % 2 == 1 or before.count("\u201c") > before.count("\u201d")


def named_person(work: Work, start: int, end: int) -> tuple[str, str] | None:
    """(name, id) of the first person whose mention starts in [start, end) of the clean text."""
    for m in work.mentions or []:
        if start <= m.span.start < end and m.ref_id and work.entities[m.ref_id].type == "person":
            ent = work.entities[m.ref_id]
            return ent.name, ent.id
    return None


def person_in(work: Work, start: int, end: int) -> bool:
    return named_person(work, start, end) is not None


# Parts of a subject phrase that describe someone else: "a spokesman for the RSF, which is led by
# Dagalo" (relative clause), "officials in Srinagar" (place), "authorities led by al-Sharaa".
_ASIDE_DEPS = {"relcl", "acl", "appos"}
_PLACE_PREPS = {"in", "at", "near", "from", "across", "outside", "inside", "around"}


def core_range(subj) -> tuple[int, int]:
    """Character range of the subject phrase up to its first aside (relative clause, participle,
    apposition or place phrase): the words that name the speaker."""
    cut = None
    for t in subj.subtree:
        if t is not subj and t.i > subj.i and (
                t.dep_ in _ASIDE_DEPS or (t.dep_ == "prep" and t.lower_ in _PLACE_PREPS)):
            cut = t.left_edge if cut is None or t.left_edge.i < cut.i else cut
    left = subj.left_edge.idx
    comma = next((c for c in subj.lefts if c.text == "," and c.dep_ == "punct"), None)
    if comma is not None and subj.left_edge.i > 0 and subj.doc[subj.left_edge.i - 1].dep_ == "prep" \
            and subj.doc[subj.left_edge.i - 1].head.i == subj.head.i:
        # "In al-Jawf, Houthi-run al-Masirah TV reported": the parser hung the place of a
        # fronted "In …," on the subject; it is no part of the name.
        left = subj.doc[comma.i + 1].idx
    if cut is None:
        return left, subj.right_edge.idx + len(subj.right_edge)
    last = subj.doc[cut.i - 1] if cut.i > subj.left_edge.i else subj
    while last.i > subj.i and last.is_punct:
        last = subj.doc[last.i - 1]
    return left, last.idx + len(last)


_NAMING = re.compile(r"\b(identified|known|named|called|goes by|name)\b")


def appositive_person(subj, work: Work) -> tuple[str, str | None] | None:
    """"The Network's chairman, Fadel Abdul Ghany, told ...", "one woman, who asked to be identified
    only as Umm Ali": the person the apposition or naming clause names."""
    asides = {t.i for c in subj.children if c.dep_ in ("relcl", "acl")
              for t in c.subtree if t.dep_ == "appos"}
    nested = [t for t in subj.subtree if t.dep_ == "appos" and t.head is not subj
              and t.i not in asides and t.head.i < t.i]
    for c in [*subj.children, *nested]:
        if c.dep_ == "appos" or (c.dep_ in ("relcl", "acl") and _NAMING.search(
                " ".join(t.lower_ for t in c.subtree))):
            person = named_person(work, c.left_edge.idx, c.right_edge.idx + len(c.right_edge))
            if person:
                return person
            name = proper_name(c if c.dep_ == "appos" else None, c, work)
            if name:
                return name, None
    return None


def proper_name(head, scope, work: Work) -> str | None:
    """A name the parser marks as proper noun but the entity tagger missed ("Marie-Ange",
    "Aung"): the last run of capitalised proper nouns in ``scope``, not a known place or
    organisation."""
    toks = [t for t in scope.subtree if head is None or t.i <= head.i]
    run: list = []
    for t in toks:
        if t.pos_ == "PROPN" and t.text[:1].isupper() and not _not_a_name(t):
            run = run + [t] if run and run[-1].i == t.i - 1 else [t]
        elif t.text == "-" and run and run[-1].i == t.i - 1 and not run[-1].whitespace_:
            run.append(t)  # "Al-Kheetan"
    while run and run[-1].text == "-":
        run.pop()
    if not run or (head is not None and run[-1] is not head):
        return None
    name = work.text[run[0].idx:run[-1].idx + len(run[-1])]
    if lookup(name) or _TITLE_WORDS.match(name) or _ANY_ROLE.fullmatch(name):
        return None  # (a title: "Director-General")
    from .places import candidates

    return None if candidates(name) else name


# A spokesperson the text does not name, of a body it names by its capitalised name ("an Amnesty
# International spokesperson", "a Civil Hospital Kessa spokesman"): the body is the source.
NAMED_BODY_SPOKES = re.compile(r"^(?P<body>(?:[A-Z][\w’'.&-]*\s+){1,6}?[A-Z][\w’'.&-]*)\s+spokes(?:person|man|woman)$")
_TITLE_WORDS = re.compile(r"^(Major|General|Colonel|President|Minister|Mr|Mrs|Ms|Dr)$")


_CALENDAR = frozenset([*_MONTHS, *(m.lower() for m in calendar.month_abbr[1:]), *WEEKDAYS])


def _not_a_name(t) -> bool:
    """A proper noun the entity tagger put in a class of things, not people. Its "DATE" and
    "EVENT" on a name it does not know ("Governor Ana Reyes said" tagged an event) are taken
    back unless the word is a month or a weekday."""
    if t.ent_type_ in ("GPE", "LOC", "TIME", "CARDINAL", "PRODUCT", "LAW"):
        return True
    if t.ent_type_ == "DATE":
        return t.lower_ in _CALENDAR
    return False


def _entity_name_at(work: Work, idx: int) -> str | None:
    ment = next((m for m in work.mentions or [] if m.span.start <= idx < m.span.end and m.ref_id),
                None)
    return work.entities[ment.ref_id].name if ment is not None else None


_MEDIA_HEADS = {"agency", "outlet", "channel", "newspaper", "broadcaster", "network", "daily", "website"}


def describe(noun, work: Work) -> str:
    """'An Alawite source, managing ...' -> 'Alawite source'; 'an RSF commander' or 'a spokesman
    for the RSF' -> 'Rapid Support Forces commander' (entity modifiers by their canonical name);
    ages ('a 46-year-old teacher') are left out."""
    words: list[str] = []
    for t in noun.lefts:
        if t.dep_ not in ("amod", "compound", "nmod", "poss") or t.pos_ == "DET":
            continue
        if t.like_num or "year" in t.lower_ or (t.lower_ == "old" and t.i > 0
                                                   and t.doc[t.i - 1].text == "-"):
            continue
        if t.lower_ in _CONTROLLER_WORDS and t.i > t.left_edge.i and t.doc[t.i - 1].text == "-":
            words.append(t.doc[t.left_edge.i:t.i + 1].text)  # "the Saudi-led coalition"
            continue
        name = _entity_name_at(work, t.idx)
        if name is not None:
            if not words or words[-1] != name:
                words.append(name)
        elif t.dep_ == "compound" and t.pos_ == "PROPN":
            # "a Civil Hospital Quetta spokesperson": the whole name the role is of.
            words += [c.text for c in t.subtree if c.i < t.i and c.dep_ in ("compound", "amod")
                      and c.text[:1].isupper()] + [t.text]
        elif t.dep_ == "compound":
            # "local rights groups", "a civil emergency official": the modifiers of the
            # modifier are part of the description.
            words += [c.text for c in t.subtree if c.i < t.i and c.dep_ in ("compound", "amod")
                      and c.pos_ in ("ADJ", "NOUN", "PROPN") and not c.like_num] + [t.text]
        else:
            words.append(t.text)
    for prep in noun.rights:
        if prep.dep_ == "prep" and prep.lower_ in ("for", "of", "with"):
            obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
            name = _entity_name_at(work, obj.idx) if obj is not None else None
            if name is not None and name not in words:
                words.insert(0, name)
                break
    if words and (words[-1].split()[-1].casefold() == noun.lower_ or (
            noun.lower_ in _MEDIA_HEADS and (lookup(words[-1]) or (None, None))[1] == "media")):
        return " ".join(words)  # ("Xinhua news agency", not "… agency agency"; "SANA", not "SANA agency")
    return " ".join(words + [noun.text])


def is_role(subj, work: Work) -> bool:
    """A role noun heads the subject and no person is named in it ("hospital officials in
    Srinagar", not "spokesman Hassan Abdul Ghani")."""
    left, right = core_range(subj)
    return ((subj.lower_ in ROLE_NOUNS or subj.lemma_.lower() in ROLE_NOUNS) and subj.pos_ == "NOUN"
            and not person_in(work, left, right))


def before_clause(subj) -> int:
    """Where the phrase of ``subj`` ends before a clause on it: a participle or relative clause
    ("security sources quoted by the wire", "residents contacted by a broadcaster", "the
    official who spoke to a channel") describes the source; the outlet in it is a channel. For
    people, bodies and information ("figures released by authorities", whose "by" is read
    after); "a toll released by the monitor" stays whole, the monitor's."""
    end = subj.right_edge.idx + len(subj.right_edge)
    if not {subj.lower_, subj.lemma_.lower()} & (ROLE_NOUNS | INFO_NOUNS):
        return end
    for t in subj.subtree:
        if t.dep_ in _ASIDE_CLAUSE and t.i > subj.i and t.head.i >= subj.left_edge.i:
            left = subj.doc[t.left_edge.i - 1] if t.left_edge.i > subj.i else subj
            while left.i > subj.i and left.is_punct:
                left = subj.doc[left.i - 1]
            end = min(end, left.idx + len(left))
    return end


def known_phrase(subj, work: Work) -> tuple[str, str] | None:
    """The whole subject phrase is a dictionary alias ("the health ministry in Gaza")."""
    a, b = subj.left_edge.idx, before_clause(subj)
    if b - a > 80 or not lookup(work.text[a:b]):
        return None
    ent = work.resolver.resolve(work.text[a:b], "ORG")
    return (ent.name, ent.id) if ent is not None else None


def _tight_range(subj) -> tuple[int, int]:
    """The head noun with its modifiers and an "of" phrase right after it, nothing further:
    what names the source when the parser hangs a whole list on it ("organization of the
    country spoke of 80 dead – among them ...")."""
    right = subj.idx + len(subj)
    for c in subj.rights:
        if c.dep_ == "prep" and c.lower_ == "of" and c.i == subj.i + 1:
            right = c.right_edge.idx + len(c.right_edge)
        break
    return subj.left_edge.idx, right


def _conjuncts(subj) -> list:
    """"a hospital official and a resident", "Both Reuters and Voice of America": the subject's
    coordinated nouns, itself first (only with "and")."""
    conj = [c for c in subj.children if c.dep_ == "conj" and c.pos_ in ("NOUN", "PROPN")]
    if len(conj) != 1 or not any(c.dep_ == "cc" and c.lower_ == "and" for c in subj.children):
        return [subj]
    return [subj, conj[0]]


_SPOKES = frozenset(_ROLES_DATA.get("spokes_nouns") or ())


def _spoken_for(subj, work: Work) -> tuple[str, str | None] | None:
    """"A spokesman for regional emergency services said": the body spoken for, as described,
    when no person is named and the body is no known organisation (those ``describe`` names)."""
    if subj.lower_ not in _SPOKES or person_in(work, *core_range(subj)):
        return None
    prep = next((c for c in subj.rights if c.dep_ == "prep" and c.lower_ in ("for", "of")), None)
    obj = next((c for c in prep.children if c.dep_ == "pobj"), None) if prep is not None else None
    if obj is None or obj.pos_ != "NOUN" or _entity_name_at(work, obj.idx) is not None:
        return None
    toks = [t for t in obj.subtree if t.dep_ not in ("relcl", "acl", "appos", "punct")
            and t.i <= obj.i]
    if not toks or any(t.dep_ == "poss" for t in toks):
        return None
    phrase = work.text[toks[0].idx:obj.idx + len(obj)]
    found = resolve_phrase(phrase, toks[0].idx, obj.idx + len(obj), work)
    if found[1] is not None:
        return found
    return re.sub(r"^(the|a|an)\s+", "", phrase, flags=re.I), None


_QUALIFY_PREPS = frozenset(_ROLES_DATA.get("source_qualifier_preps") or ())


def _head_at(desc: str) -> int:
    """Index of the head word of a description ("medical source in the town" -> 1)."""
    words = desc.split(" ")
    for i, w in enumerate(words):
        if w in _QUALIFY_PREPS and i > 0:
            return i - 1
    return len(words) - 1


def _qualifier(subj, work: Work, cut=None) -> str:
    """The place or body that qualifies an unnamed source, as written: "journalists at the
    scene", "health officials in Gaza", "an official from the activists' group"."""
    prep = next((c for c in subj.rights if c.dep_ == "prep"), None)
    if prep is None or prep.lower_ not in _QUALIFY_PREPS or prep.i != subj.i + 1:
        return ""
    obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
    if obj is None or (cut is not None and obj.i >= cut.i):
        return ""
    toks = [t for t in obj.subtree if t.dep_ not in ("relcl", "acl", "appos") and t.i <= obj.i + 3]
    end = toks[-1].idx + len(toks[-1])
    if len(toks) > 6 or any(t.pos_ in ("VERB", "NUM", "CCONJ") or t.text in ",;" for t in toks) \
            or any(c.dep_ == "conj" for c in obj.children):
        return ""  # "hospital officials in two towns and a village": no one place
    return " " + work.text[prep.idx:end]


def _fits(head: str, eid: str, work: Work) -> bool:
    """The anaphor's noun fits the entity: its name holds the word ("the monitor": the Syrian
    Observatory… only if named "monitor"), or "the group" for an armed group."""
    ent = work.entities[eid]
    word = head.split()[-1].casefold()
    return word in ent.name.casefold().split() or (word == "group" and ent.type == "armed_group")


def _named_after(work: Work, eid: str, other: str, before: int) -> bool:
    """Entity ``eid`` is named after every mention of ``other`` before ``before``."""
    last = {e: max((m.span.start for m in work.mentions or [] if m.ref_id == e and m.span.end <= before),
                   default=-1) for e in (eid, other)}
    return last[eid] > last[other]


_BODY_ANAPHORS = frozenset(_ROLES_DATA.get("anaphor_heads") or []) & {
    "agency", "group", "charity", "committee", "organisation", "organization", "office", "body",
    "ngo", "network", "mission", "service", "watchdog", "monitor", "observatory"}


def body_anaphor(subj, last: tuple[str | None, str | None] | None, work: Work):
    """"The agency said" (the article and the noun alone) right after an organisation spoke:
    that organisation (name, id), else None."""
    if subj.text not in _BODY_ANAPHORS or [t.lower_ for t in subj.lefts] != ["the"] \
            or any(not t.is_punct for t in subj.rights):
        return None  # (not "The Office of the UN High Commissioner said")
    if not last or not last[1] or work.entities.get(last[1]) is None:
        return None
    if work.entities[last[1]].type not in ORG_TYPES:
        return None
    # Another organisation named since ("… Islamic State later claimed the attack. The group
    # said …"): the noun may be that one's; no guess.
    nearest = max((m for m in work.mentions or [] if m.ref_id and m.span.end <= subj.idx
                   and work.entities[m.ref_id].type in ORG_TYPES), key=lambda m: m.span.start, default=None)
    return last if nearest is None or nearest.ref_id == last[1] else None


def resolve_subject(subj, work: Work) -> tuple[str | None, str | None]:
    parts = _conjuncts(subj)
    if len(parts) == 2:
        # Two sources giving one figure together: "a hospital official and a resident told …"
        # -> "hospital official and resident"; "Both Reuters and VOA reported" -> both names.
        first = _resolve_one(subj, work, cut=parts[1])
        second = _resolve_one(parts[1], work)
        if first[0] and second[0] and first[0] != second[0]:
            return f"{first[0]} and {second[0]}", None
    return _resolve_one(subj, work)


def _resolve_one(subj, work: Work, cut=None) -> tuple[str | None, str | None]:
    """The source one subject noun names; ``cut``: a conjunct where its phrase stops."""
    text = work.text
    if subj.lower_ in ("he", "she"):
        # "…, he added": the last person this document has had report something.
        last = next((p for at, p in reversed(getattr(work, "_person_sources", []))
                     if at < subj.idx), None)
        at = next((a for a, p in reversed(getattr(work, "_person_sources", [])) if a < subj.idx), 0)
        if last is not None and (subj.idx - at > 400 or work.entities[last[1]].name not in
                                 work.text[max(0, at - 250):subj.idx]):
            last = None  # only a person named, and reporting, just before
        if last is not None:
            return last
    if subj.lower_ in ("it", "its") and len(list(subj.subtree)) == 1:
        return last_org(work, subj.idx) or (None, None)
    whole = known_phrase(subj, work) if cut is None else None
    if whole:
        return whole
    own = next((m for m in work.mentions or [] if m.ref_id and m.span.start <= subj.idx < m.span.end
                and work.entities[m.ref_id].type in ORG_TYPES), None)
    if own is not None and subj.pos_ == "PROPN" and not _TERRITORY_OF.match(own.text):
        # "The Kessa Rights Observatory (KRO) said": the organisation the head word names, not
        # its acronym in brackets taken for a person's name.
        return work.entities[own.ref_id].name, own.ref_id
    person = appositive_person(subj, work)
    if person:
        return person
    whole = known_phrase(subj, work) if cut is None else None
    if whole:
        return whole
    body = _spoken_for(subj, work)
    if body:
        return body
    if is_role(subj, work):
        lefts = [t for t in subj.lefts if t.dep_ not in ("punct",)]
        if len(lefts) == 1 and lefts[0].lower_ == "the" and not _qualifier(subj, work, cut):
            # "The source said …" after "a medical source in the town told …": that source.
            earlier = next((d for d in reversed(getattr(work, "_described", []))
                            if d[0] < subj.idx and d[1].split(" ")[_head_at(d[1])] in
                            (subj.lower_, subj.lemma_.lower())), None)
            if earlier is not None:
                return earlier[1], None
            body = body_anaphor(subj, work.last_source, work)
            if body is not None:
                return body  # "The agency indicated …" after "according to the Health Ministry"
        desc = describe(subj, work) + _qualifier(subj, work, cut)
        if not hasattr(work, "_described"):
            work._described = []  # type: ignore[attr-defined]
        work._described.append((subj.idx, desc))
        return desc, None
    owned = office_of_holder(subj, work) if cut is None else None
    if owned:
        return owned, None
    left, right = core_range(subj)
    if cut is not None:
        right = min(right, cut.left_edge.idx)
        while right > left and text[right - 1] in " ,":
            right -= 1
        right = right - 3 if text[left:right].endswith(" and") else right
    found = resolve_phrase(text[left:right], left, right, work)
    if found[0] is None and subj.pos_ == "NOUN":
        t0, t1 = _tight_range(subj)
        if (t0, t1) != (left, right):
            found = resolve_phrase(text[t0:t1], t0, t1, work)
    return found


def owner_token(subj):
    """The possessor of a noun: "prosecutor" of "the state prosecutor's office" (the parser
    gives it as poss, or as nmod with the case marker)."""
    return next((c for c in subj.children if c.dep_ == "poss" or c.dep_ == "nmod" and any(
        g.dep_ == "case" and g.lower_ in ("’s", "'s") for g in c.children)), None)


def held_office(subj) -> bool:
    """The noun is a body its holder's title owns: "office" of "the state prosecutor's office"."""
    owner = owner_token(subj)
    return owner is not None and owner.pos_ == "NOUN" and subj.lower_ in _OFFICE_BODY \
        and owner.lower_ in _OFFICE_HOLDERS


def office_of_holder(subj, work: Work) -> str | None:
    """A body named by its holder's title: "the Sonora state prosecutor's office", "the
    governor's office", as written (the office, not "prosecutor office" nor the state)."""
    if not held_office(subj):
        return None
    doc = subj.doc
    start = subj.left_edge.i + (subj.left_edge.lower_ == "the")
    written = work.text[doc[start].idx:subj.idx + len(subj)]
    if len(written.split()) > 7 or "," in written or not re.search(r"[’']s\b", written):
        return None
    return written


def _according(sent, work: Work):
    """The source after "according to" in the sentence, or None."""
    text = work.text
    acc = re.search(r"\baccording to\s+(?P<x>[^,;.]+)", text[sent.start_char:sent.end_char], re.I)
    if not acc:
        return None
    a0 = sent.start_char + acc.start("x")
    a1 = sent.start_char + acc.end("x")
    head = work.spacy_doc.char_span(a0, a1, alignment_mode="expand")
    if head is not None and head.root.dep_ == "pobj":
        # "according to police sources quoted by the wire": the sources, not the wire.
        a1 = max(a0 + 1, min(a1, before_clause(head.root)))
        acc_x = work.text[a0:a1]
    else:
        acc_x = acc.group("x")
    acc_x = _cut_time(acc_x, a0, work)  # "according to authorities on Thursday"
    a1 = a0 + len(acc_x)
    info = info_source(acc_x, a0, work)
    if info is not None and info[0] is None:
        # "according to a report issued on Monday, June 24, by the ministry": the "by" later on.
        by = re.search(r"\bby\s+(?P<y>(?:the\s+)?[A-Z][^,;.]+)", text[a1:sent.end_char])
        info = resolve_phrase(by.group("y"), a1 + by.start("y"), a1 + by.end("y"), work) if by else info
    if info is not None:
        return info if info[0] else None
    found = resolve_phrase(acc_x, a0, a1, work)
    if found[0] is None:
        found = (_described(acc_x), None)
    return found if found[0] else None


_VICTIMS_ONLY = frozenset(_ROLES_DATA.get("victim_only_nouns") or [])


_QUOTING_VERBS = frozenset({"quote", "cite"})


def quoted_as_saying(verb):
    """"Reuters quoted a local official as saying 12 died", "the agency cited police as saying":
    the one quoted speaks; who quotes (often an outlet) only carries it. Given the quoting verb
    or the "saying" under its "as" (which the parser may hang on a clause of the object: "quoted
    an official, who asked not to be named, as saying"), the quoted object, else None."""
    if verb.lower_ in ("saying", "stating") and verb.dep_ == "pcomp" and verb.head.lower_ == "as":
        up = verb.head.head
        for _ in range(3):
            if up.lemma_.lower() in _QUOTING_VERBS or up.head is up:
                break
            up = up.head
        verb = up
    if verb.lemma_.lower() not in _QUOTING_VERBS or verb.tag_ not in ("VBD", "VBZ", "VBP") \
            or any(c.dep_ == "nsubjpass" for c in verb.children):
        return None  # "a report quoting X as saying": the participle's own reading stands
    quoted = next((c for c in verb.children if c.dep_ == "dobj"), None)
    if quoted is None or not any(t.dep_ == "prep" and t.lower_ == "as" and any(
            g.dep_ == "pcomp" and g.lower_ in ("saying", "stating") for g in t.children)
            for t in verb.subtree if t.i > quoted.i):
        return None
    # "Reuters quoted her as saying": who "her" is is the anaphora rules' job, not this one's.
    return None if quoted.pos_ == "PRON" else quoted


def counted_subject_tail(verb):
    """"… killed 100 people, mostly soldiers, an aid worker and local residents said": the
    parser makes the reported count the verb's subject (or leaves the verb none, the count in
    the clause before) and the speakers conjuncts of it. The speakers are the conjunct after
    the last comma that runs up to the verb; None when the verb has a subject of its own."""
    subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subj is not None and not any(c.dep_ == "nummod" for c in subj.children):
        return None
    if subj is None and not any(c.dep_ == "ccomp" and c.i < verb.i for c in verb.children):
        return None
    doc = verb.doc
    commas = [t.i for t in doc[verb.sent.start:verb.i] if t.text == ","]
    if not commas or subj is not None and commas[-1] < subj.i:
        return None
    tail = next((t for t in doc[commas[-1] + 1:verb.i] if t.dep_ in ("conj", "appos")
                 and t.head.i < commas[-1] and t.right_edge.i == verb.i - 1), None)
    nouns = [t.lemma_.lower() for t in tail.subtree if t.pos_ == "NOUN"] if tail is not None else []
    if nouns and all(n in _VICTIMS_ONLY for n in nouns):
        return None  # "killed 12 people, 4 children and 3 women reported": who died, not who spoke
    return tail


def acronym_spelled(name: str) -> str:
    """"Poltava RMA" -> "Poltava Regional Military Administration" (sources_roles.yaml
    ``body_acronyms``)."""
    words = name.split()
    full = (_ROLES_DATA.get("body_acronyms") or {}).get(words[-1]) if len(words) > 1 else None
    return " ".join(words[:-1] + [full]) if full else name


def counted_speakers(sent) -> list[tuple[int, int]]:
    """Character ranges of the speakers ``counted_subject_tail`` finds in a sentence ("…, a
    hospital official and a resident told AFP"): no count is read inside them."""
    out = []
    for tok in sent:
        if tok.pos_ in ("VERB", "AUX") and tok.lemma_.lower() in REPORT_LEMMAS:
            tail = counted_subject_tail(tok)
            if tail is not None:
                out.append((tail.left_edge.idx, tail.right_edge.idx + len(tail.right_edge)))
    return out


def made_by(tok):
    """"A statement issued by the regional command", "a report released by the monitor": the
    agent of a participle of making on ``tok`` (its maker), else None ("a report seen by a news
    agency" names a reader)."""
    for c in tok.children:
        if c.dep_ == "acl" and c.tag_ == "VBN" and c.lower_ in _MAKING:
            for a in c.children:
                if a.dep_ == "agent":
                    return next((g for g in a.children if g.dep_ == "pobj"), None)
    if tok.dep_ == "dobj" and tok.head.lower_ in _MAKING and tok.head.tag_ == "VBD":
        # "The police commissioner released a statement detailing that …": who released it.
        return next((c for c in tok.head.children if c.dep_ == "nsubj"), None)
    return None


_CLAIMED_ACTS = frozenset(_ROLES_DATA.get("claimed_acts") or [])


def claims_an_act(tok) -> bool:
    """"claimed the attack", "claimed responsibility for a bombing that killed 9": a claim of
    the act, not a report of its toll (unlike "claimed a toll of 20", "claimed that 20 died")."""
    if tok.lemma_.lower() != "claim":
        return False
    if tok.i + 1 < len(tok.doc) and tok.nbor(1).lower_ in ("responsibility", "credit"):
        return True  # (the parser may hang "responsibility" elsewhere)
    if any(t.lower_ in ("lives", "life") for t in tok.doc[tok.i + 1:tok.i + 6]):
        return True  # "has claimed thousands of lives": a toll, not a claim
    return any(c.dep_ == "dobj" and c.lower_ in _CLAIMED_ACTS for c in tok.children)


def _clause_owner(verb) -> list:
    """The noun a misparsed reporting verb's clause hangs from ("A resident who arrived shortly
    after the strike told AFP": the parser made "strike" the subject of "told", under the relative
    clause on "resident"), or nothing."""
    up = verb
    for _ in range(3):
        if up.dep_ == "relcl" and up.head.pos_ in ("NOUN", "PROPN"):
            return [up.head]
        if up.head is up:
            break
        up = up.head
    return []


def verb_sources(sent, work: Work) -> list:
    """Every reporting verb of the sentence with the source its subject (or "by" agent) names:
    [(verb token, (name, id)), ...] in sentence order. Cached per sentence."""
    cache = getattr(work, "_verb_sources", None)
    if cache is None:
        cache = work._verb_sources = {}  # type: ignore[attr-defined]
    if sent.start_char in cache:
        return cache[sent.start_char]
    out = []
    for tok in sent:
        if tok.pos_ not in ("VERB", "AUX") or tok.lemma_.lower() not in REPORT_LEMMAS:
            continue
        subj = [c for c in tok.children if c.dep_ == "nsubj" or (
            c.dep_ == "nsubjpass" and tok.lemma_.lower() in ("quote", "cite"))]  # "X was quoted as saying"
        borrowed = inverted = False
        if subj and subj[0].lower_ in _RELATIVE and tok.dep_ == "relcl":
            # "Amnesty, which said 100 were killed": the noun the clause is on; "an attack that
            # state media said killed 13" (the parser gave "said" both): the one not relative.
            subj = [c for c in subj if c.lower_ not in _RELATIVE] or [tok.head]
        elif subj and subj[0].lower_ in _PRONOUNS and tok.dep_ in ("advcl", "relcl", "conj"):
            # "the toll local officials gave, when they spoke of 20 dead": the subject of the
            # clause this one hangs from.
            up = tok.head
            for _ in range(3):
                outer = [c for c in up.children if c.dep_ == "nsubj" and c.lower_ not in _PRONOUNS
                         and c.lower_ not in _RELATIVE]
                if outer:
                    subj = outer + subj  # the pronoun's own guess if the outer subject names none
                    break
                if up.head.i == up.i:
                    break
                up = up.head
        if not subj and tok.i > sent.start and tok.doc[tok.i - 1].text in (",", "”", '"'):
            # "…, reported The Daily Courier.": the name after a closing reporting verb.
            subj = [c for c in tok.rights if c.dep_ in ("dobj", "nsubj", "attr")
                    and c.right_edge.i >= sent.end - 3 and c.pos_ == "PROPN"][:1]
            inverted = bool(subj)
        if not subj and tok.dep_ == "xcomp" and tok.lemma_.lower() == "give":
            # "The authorities continued to give the same toll of 25": the subject above.
            subj = [c for c in tok.head.children if c.dep_ == "nsubj"]
        if not subj and tok.dep_ == "acl" and tok.tag_ == "VBG" and tok.head.pos_ == "NOUN":
            subj = [tok.head]  # "with reports indicating that over 100 died"
        if tok.dep_ == "conj" and not subj and not any(c.dep_ == "nsubjpass" for c in tok.children):
            # "X said its forces had struck ..., and claimed that ...": the claim is X's,
            # the subject of the nearest reporting verb above, not of "struck".
            head = tok.head
            for _ in range(3):
                if head.lemma_.lower() in REPORT_LEMMAS or head.head is head:
                    break
                head = head.head
            subj = [c for c in head.children if c.dep_ == "nsubj"]
            borrowed = True
        tail = counted_subject_tail(tok)
        subj = [tail] if tail is not None else subj
        if subj and subj[0].lemma_.lower() in _EVENT_NOUNS:
            subj = _clause_owner(tok)
        quoted = quoted_as_saying(tok)
        if quoted is not None:
            subj, borrowed = [quoted], False
        nouns = _TOLL_ONLY_NOUNS if tok.lemma_.lower() in _TOLL_ONLY else _TOLL_NOUNS
        if tok.lemma_.lower() in _TOLL_OBJECT_LEMMAS and not any(
                c.dep_ == "dobj" and c.lemma_.lower() in nouns for c in tok.children):
            continue  # "continued to give the same toll of 25", not "were given shelter"
        if claims_an_act(tok):
            continue  # "IS claimed the attack, which killed 15": the attack, not its toll
        if tok.lemma_.lower() == "see" and not (subj and (is_role(subj[0], work) or GENERIC_SOURCE.fullmatch(subj[0].text))):
            continue  # "Reporters saw 20 bodies" is a report; "the city saw" is not
        if tok.lemma_.lower() == "accuse" and not any(c.dep_ == "dobj" for c in tok.children):
            subj = []  # "RSF accused of killing 40" (a headline's passive): the accused
        agent = [g for a in tok.children if a.dep_ == "agent" for g in a.children if g.dep_ == "pobj"]
        if agent and any(c.dep_ == "auxpass" for c in tok.children):
            subj, borrowed = [], False  # "(he) had been told by a medical worker that …"
        for s in subj + agent:
            if s.lemma_.lower() in _DOCUMENTS and made_by(s) is not None:
                s = made_by(s)  # "a statement issued by the command said"
            if s.lemma_.lower() in INFO_NOUNS or s.lower_ in INFO_NOUNS:
                a, b = s.left_edge.idx, s.right_edge.idx + len(s.right_edge)
                info = info_source(work.text[a:b], a, work)
                if info is not None:
                    if info[0]:
                        out.append((tok, info, borrowed, False))
                        break
                    continue  # "Recent data indicates …": no one named
            if tok.lemma_.lower() in _TOLL_OBJECT_LEMMAS and s.ent_type_ == "GPE" and s.n_lefts == 0:
                continue  # "Kenya revises fire toll to 31": who revised it, the text goes on to say
            cand = resolve_subject(s, work)
            if cand[0] is None and inverted and s.pos_ == "PROPN":
                # "…, reported The Lakeside Courier.": a name in that place is the reporter.
                cand = (work.text[s.left_edge.idx:s.idx + len(s)], None)
            if cand[0]:
                out.append((tok, cand, borrowed, s.lower_ in _PRONOUNS))
                ent = work.entities.get(cand[1]) if cand[1] else None
                if ent is not None and ent.type == "person":
                    if not hasattr(work, "_person_sources"):
                        work._person_sources = []  # type: ignore[attr-defined]
                    work._person_sources.append((tok.idx, cand))
                break
    cache[sent.start_char] = out
    return out


_RELATIVE = {"which", "who", "that", "whom"}
_TOLL_NOUNS = frozenset(_ROLES_DATA.get("count_nouns") or ())
_PRONOUNS = {"it", "they", "he", "she", "we"}


# "…, the Observatory reports." / "…, the outlet reports, citing rights groups.": a present-tense
# tail the tagger reads as a plural noun ("Human Rights reports").
_TAIL_NOT_SOURCE = frozenset(_ROLES_DATA.get("tail_not_source") or [])
_REPORTS_TAIL = re.compile(r",\s+(?P<x>[^,;]{2,90}?)\s+(?:reports|says)(?:,\s+citing\s+(?P<y>[^,;.]{3,80}))?"
                           r"\s*\.?\s*$")


def _reports_tail(sent, work: Work) -> tuple[tuple[str, str | None], bool, int] | None:
    """The source a sentence-final "…, X reports[, citing Y]." names: Y when cited, else X;
    whether it was cited; and where the tail starts in the text (the comma)."""
    m = _REPORTS_TAIL.search(sent.text)
    if m is None:
        return None
    x = m.group("x").split()
    if not re.match(r"(?:the|a|an)\b|[A-Z]", m.group("x")) or x[0].lower() in _PRONOUNS or \
            x[-1].lower() in INFO_NOUNS or any(w.lower() in _TAIL_NOT_SOURCE for w in x):
        return None  # "far more than the government says", "she says", "the report says"
    key = "y" if m.group("y") else "x"
    a0, a1 = sent.start_char + m.start(key), sent.start_char + m.end(key)
    phrase = _cut_time(m.group(key), a0, work)
    found = resolve_phrase(phrase, a0, a0 + len(phrase), work)
    if found[0] is None:
        found = (_described(phrase), None)
    return (found, key == "y", sent.start_char + m.start()) if found[0] else None


def find_source(sent, work: Work) -> tuple[str | None, str | None]:
    """Source a sentence attributes its content to, or (None, None)."""
    found: tuple[str | None, str | None] = _according(sent, work) or (None, None)
    if found[0] is None:
        verbs = verb_sources(sent, work)
        if verbs:
            found = verbs[0][1]
    tail = _reports_tail(sent, work)
    if tail is not None and (found[0] is None or tail[1]):
        found = tail[0]  # (the reporter's tail the parser left without a subject, or whom it cites)
    if found[1] is not None:
        work.last_source = found
    return found


_ASIDE_CLAUSE = {"relcl", "acl"}


def governing_source(sent, work: Work, at: int) -> tuple[str | None, str | None] | None:
    """The source of the reporting verb whose clause holds the number at ``at`` (its nearest
    reporting ancestor in the parse), or None."""
    tok = next((t for t in sent if t.idx <= at < t.idx + len(t)), None)
    if tok is None:
        return None
    by_verb = {v.i: (cand, pron) for v, cand, _, pron in verb_sources(sent, work)}
    chain = [a for a in tok.ancestors if a.i in by_verb]
    if not chain:
        return None
    first, (found, pron) = chain[0], by_verb[chain[0].i]
    for outer in chain[1:]:
        # "X said that officials had confirmed 45 deaths": the inner report is X's reported
        # speech, and X, named, is the source; a pronoun ("X said it had documented …")
        # is X too. ("NUG reported 168, but locals claim 174": "claim" is no content of
        # "reported"; "a teacher said a medic told him 12 had died": the medic, described.)
        lo, hi = sorted((first.i, outer.i))
        if not _content_of(first, outer) or any(
                t.lower_ in ("however", "but", "whereas", "while") for t in sent.doc[lo:hi]):
            break  # ("Reports claim 100 died; however, the UN said …": a contrast, not content)
        cand, cpron = by_verb[outer.i]
        if _entity_type(work, cand) == "media":
            break  # "…, police said, reports River News": the outlet cites the police
        if pron or (found[1] is None and cand[1] is not None and not cpron):
            found, pron = cand, cpron
        first = outer
    return found


def _content_of(verb, outer) -> bool:
    """``verb`` sits in the reported content of ``outer`` (a chain of complement clauses)."""
    t = verb
    while t.i != outer.i and t.head.i != t.i:
        if t.dep_ not in ("ccomp", "xcomp", "conj", "advcl") or (
                t.dep_ == "advcl" and t.head.i == outer.i) or (
                t.dep_ == "conj" and t.lemma_.lower() in REPORT_LEMMAS):
            return False  # ("X said …, and Y said …": two reports side by side)
        t = t.head
    return t.i == outer.i


def source_of_number(sent, work: Work, at: int) -> tuple[str | None, str | None] | None:
    """The source of the number at character ``at`` when the sentence's reporting verbs decide
    it: the nearest reporting verb the number's clause hangs from ("NUG reported that 168 ...,
    but locals claim that 174 ..." gives each count its own source); (None, None) when the
    sentence's only reporting verbs sit in a clause aside from the number ("a list of all 124
    dead, whom residents said included ..."); None when the verbs do not decide (no reporting
    verb, or "according to" names a source that is not a news outlet)."""
    verbs = verb_sources(sent, work)
    if not verbs:
        return None
    acc = _according(sent, work)
    if acc is not None and _entity_type(work, acc) != "media":
        return None  # "according to the ministry" names the source of the whole sentence
    tok = next((t for t in sent if t.idx <= at < t.idx + len(t)), None)
    if tok is None:
        return None
    governing = governing_source(sent, work, at)
    if governing is not None:
        return governing
    for v, cand, _, _ in verbs:
        # "the 45 deaths that the state government said had been confirmed": a clause on the
        # figure's own noun that confirms it (``confirming_verbs``).
        if v.dep_ == "relcl" and v.head in (tok, tok.head) and any(
                c.dep_ == "ccomp" and c.lemma_.lower() in CONFIRMING for c in v.children):
            return cand
    main = [cand for v, cand, borrowed, _ in verbs if not borrowed
            and not any(t.dep_ in _ASIDE_CLAUSE for t in [v, *v.ancestors])]
    if main:
        return main[0]
    return (None, None) if acc is None else None


def _entity_type(work: Work, found: tuple[str | None, str | None]) -> str | None:
    hit = lookup(found[0] or "")
    if hit:
        return hit[1]
    if MEDIA_WORDS.search(found[0] or ""):
        return "media"
    if found[1] is not None and found[1] in (work.entities or {}):
        return work.entities[found[1]].type
    return None


# A person's role for an organisation, right after the name ("Dmytro Petrenko, the spokesman
# of the regional prosecutor's office") or right before it ("Lady Reading Hospital spokesman
# Asim Khan", "Head of the Donetsk Regional Military Administration, Pavlo K."). The role words
# are data: ``data/sources_roles.yaml``.
_ROLE = _alt("roles")
_ROLE_AFTER = re.compile(rf"\s*,?\s*(?:the\s+|a\s+|an\s+)?(?:[\w’'-]+\s+){{0,3}}?(?:{_ROLE})\s+"
                         rf"(?:of|for|at|with|in)\s+(?:the\s+)?(?:board\s+of\s+(?:the\s+)?)?", re.I)
_ROLE_BEFORE = re.compile(rf"(?:[’']s)?\s+(?:[\w’'-]+\s+){{0,2}}?(?:{_ROLE})\s*,?\s*", re.I)
_ROLE_OF_BEFORE = re.compile(rf"\b(?:{_ROLE})\s+(?:of|for|at)\s+(?:the\s+)?$", re.I)


def speaks_for(work: Work, person_id: str | None, name: str | None = None
               ) -> tuple[str, str | None] | None:
    """The organisation a person speaks for, as the document describes them: an organisation
    named in the person's apposition or title, found at any mention of the person or any place
    the text writes their name (by id, or by name for a speaker the tagger missed). Cached per
    document."""
    cache = getattr(work, "_speaks_for", None)
    if cache is None:
        cache = _speaks_for_map(work)
        work._speaks_for = cache  # type: ignore[attr-defined]
    if person_id is not None and person_id in cache:
        return cache[person_id]
    if not name:
        return None
    key = "name:" + name.casefold()
    if key not in cache:
        found = None
        if " " not in name.strip():
            # A surname alone ("Akeredolu said") is the person named in full before.
            found = next((v for k, v in cache.items() if k.endswith(" " + name.casefold())), None)
        if found is None:
            orgs = [m for m in work.mentions or [] if m.ref_id
                    and work.entities[m.ref_id].type in ORG_TYPES]
            # The name as written, or with the given names before it ("CTD Additional IG
            # Omar Farid" for "Farid").
            pattern = r"\b((?:[A-Z][\w’'-]+\s+){0,2})" + re.escape(name) + r"\b"
            for x in re.finditer(pattern, work.text):
                given = x.group(1).split()
                for k in range(len(given) + 1):
                    start = x.start() if k == 0 else x.start() + len(" ".join(given[:k])) + 1
                    found = _org_of(work, work.text, orgs, start, x.end())
                    if found is not None:
                        break
                if found is not None:
                    break
        cache[key] = found
    return cache[key]


_OFFICES = re.compile(rf"\b(?:{_alt('offices')})\b", re.I)
_ANY_ROLE = re.compile(rf"\b(?:{_alt('roles')}|{_alt('offices')})\b", re.I)


def office_of(work: Work, name: str) -> tuple[str, str | None] | None:
    """The office a named person holds, from the parse around any place the text writes the full
    name: the title before it ("Varna regional governor Ivo Petrov", "Acting Mayor of Varna Ivo
    Petrov"), an apposition after it ("Ivo Petrov, mayor of Varna,") or the noun it stands in
    apposition to ("The District Health Officer, Ivo Petrov,"). An organisation the title names
    ("Relief Council (RC) spokeswoman") is returned with its id; else the office as written
    (articles, brackets and the words before a break left out) when it has an office noun
    (data/sources_roles.yaml ``offices``) and at least two words. None when the text gives the
    person no office. Cached per document."""
    cache = getattr(work, "_offices", None)
    if cache is None:
        cache = work._offices = {}  # type: ignore[attr-defined]
    if name not in cache:
        cache[name] = _office_of(work, name)
    return cache[name]


def _office_of(work: Work, name: str) -> tuple[str, str | None] | None:
    doc = work.spacy_doc
    if doc is None or " " not in name.strip():
        return None
    orgs = [m for m in work.mentions or [] if m.ref_id and work.entities[m.ref_id].type in ORG_TYPES]
    office = None
    for x in re.finditer(r"\b" + re.escape(name) + r"\b", work.text):
        span = doc.char_span(x.start(), x.end(), alignment_mode="expand")
        if span is None:
            continue
        for a, b in _title_ranges(doc, span):
            phrase = _title_words(doc[a:b])
            if phrase is None:
                continue
            t0, t1, text = phrase
            org = max((o for o in orgs if t0 <= o.span.start and o.span.end <= t1
                       and not any(p.span.start <= o.span.start and o.span.end <= p.span.end
                                   for p in work.place_mentions or [])
                       and not _body_inside(work.text, o.span.end)),
                      key=lambda o: o.span.start, default=None)  # the nearest body, not a place
            if org is not None and _ANY_ROLE.search(text):
                return work.entities[org.ref_id].name, org.ref_id
            if office is None and org is None and _OFFICES.search(text) and " " in text:
                office = _office_body(re.sub(r"\s+", " ", text))
    return (office, None) if office else None


_OFFICE_BODY = set(_ROLES_DATA.get("office_bodies") or [])
_NOT_OFFICE = {w.lower() for w in _ROLES_DATA.get("not_offices") or []}
_TITLE_MODIFIER = {w.lower() for w in _ROLES_DATA.get("title_modifiers") or []}
_OFFICE_HOLDERS = {w.lower() for key in ("offices", "roles", "office_holder_words")
                   for w in _ROLES_DATA.get(key) or []}
_ANAPHOR_OWNER = re.compile(rf"\b(?:{_alt('anaphor_owners')})[’']s\b", re.I)


def _office_body(office: str) -> str | None:
    """The body an office phrase names ("spokesman for the provincial government" ->
    "provincial government", "Varna police spokesman" -> "Varna police"), else the office itself;
    None for a bare body or an owner not named ("the ministry spokesman", "the city's mayor",
    "the mayor's spokesman")."""
    if _ANAPHOR_OWNER.search(office) or re.search(r"\b[a-z][\w-]*[’']s\b", office):
        return None  # "the city's mayor", "the mayor's spokesman": the owner is not named
    if any(w.lower().strip("-") in _NOT_OFFICE for w in re.split(r"[\s-]+", office)):
        return None  # "former president", "off-duty police officer": no office held for this
    roles = [r for r in _OFFICES.finditer(office)
             if r.group(0).lower() != "head" or re.match(r"\s+of\b", office[r.end():])]
    if not roles:
        return None  # "head teacher": "head" is an office only as "head of"
    after = re.match(r"\s+(?:of|for|at)\s+(?:the\s+)?(.+)$", office[roles[0].end():])
    if after:
        # "chief of staff of the army": the body is what the last "of" names.
        tail = re.split(r"\s+(?:of|for|at)\s+(?:the\s+)?", after.group(1))[-1]
        after = tail if tail else None
    before = office[:roles[0].start()].strip()
    if after is not None and re.fullmatch(r"[a-z][\w-]*", after):
        return None  # "spokesman for the mayor": which mayor, the text does not say here
    for part in ([after] if after else []) + [before]:
        words = part.split()
        if not words or (part is before and after and len(words) == 1):
            continue  # "military governor of the Varna region": a word that qualifies the office
        last = words[-1]
        if last.lower() in _OFFICE_BODY or (last.isupper() and len(last) >= 2):
            return part if len(words) >= 2 or _NATIONAL_BODY.fullmatch(part) else None
    if not after and all(w.lower() in _TITLE_MODIFIER for w in before.split()):
        return None  # "Prime Minister", "Deputy Mayor": a title, no place or level named
    return office


def _title_ranges(doc, span) -> list[tuple[int, int]]:
    """Token ranges that may title the person at ``span``: the name's own left modifiers (with a
    "ROLE of" before them: "Acting Mayor of Varna Ivo Petrov"), its appositions, and the noun it
    is in apposition to."""
    head, out = span.root, []
    left = [t.i for t in head.subtree if t.i < span.start]
    if left and max(left) == span.start - 1:
        a = min(left)
        if a >= 2 and doc[a - 1].lower_ == "of" and doc[a - 2].pos_ in ("NOUN", "PROPN"):
            role = doc[a - 2]
            a = min([role.i] + [c.i for c in role.lefts if c.dep_ in ("compound", "amod")])
        out.append((a, span.start))
    out += [(c.left_edge.i, c.right_edge.i + 1) for c in head.children
            if c.dep_ == "appos" and c.i >= span.end]
    if head.dep_ == "appos" and head.head.i < span.start:
        out.append((head.head.left_edge.i, head.left_edge.i))
    return out


def _title_words(tokens) -> tuple[int, int, str] | None:
    """The character range of a title, from the last break (punctuation other than a hyphen, a
    line end) on, without articles, bracketed abbreviations or trailing punctuation."""
    toks = list(tokens)
    while toks and (toks[-1].is_punct or toks[-1].is_space) and toks[-1].text != ")":
        toks = toks[:-1]
    for k in range(len(toks) - 1, -1, -1):
        if (toks[k].is_punct and toks[k].text not in "-–()") or "\n" in toks[k].text_with_ws:
            if toks[k].text not in "()":
                toks = toks[k + 1:]
                break
    keep, depth = [], 0
    for t in toks:
        if t.text == "(":
            depth += 1
        elif t.text == ")":
            depth = max(0, depth - 1)
        elif depth == 0 and not t.is_space:
            keep.append(t)
    while keep and (keep[0].lower_ in ("the", "a", "an") or keep[0].is_punct):
        keep = keep[1:]
    while keep and keep[-1].is_punct:
        keep = keep[:-1]
    if not keep:
        return None
    words = "".join(t.text_with_ws if t is not keep[-1] else t.text for t in keep)
    return keep[0].idx, keep[-1].idx + len(keep[-1].text), words


# "The Governor of Ondo State, Mr Ade Bello", "Governor Ade Bello of Ondo State", "Ondo State
# Governor Ade Bello": a state's governor speaks as the state government (only with "State"
# written: "the regional governor" stays a person).
_STATE = r"(?P<state>[A-Z][\w-]+(?:\s+[A-Z][\w-]+)?)\s+State\b"
_GOVERNOR_BEFORE = re.compile(rf"\bGovernor\s+of\s+{_STATE}\s*,?\s*(?:(?:Mr|Mrs|Ms|Dr|Prof)\.?\s+)?$")
_GOVERNOR_TITLE = re.compile(rf"\b{_STATE}\s+Governor\s+$")
_GOVERNOR_AFTER = re.compile(rf"^\s+of\s+{_STATE}")
_GOVERNOR_JUST_BEFORE = re.compile(r"\bGovernor\s+$")
# "the spokesperson of the regional prosecutor's office": an office the text names by its level
# only; qualified by a place the document names it is a known body ("Kharkiv regional
# prosecutor's office").
_LEVEL_OFFICE = re.compile(r"^(?:regional|oblast|provincial|district|state|city)\s+[\w’' -]{3,60}?"
                           r"(?=[,.;]|\s+(?:said|says|told|in|on|at)\b|$)", re.I)


_PLACED_OFFICE = re.compile(r"^(?P<place>[A-Z][\w’'-]+)\s+(?P<office>" + _LEVEL_OFFICE.pattern[1:] + ")")


def _qualified(work: Work, phrase: str) -> tuple[str, str | None] | None:
    """A level-only office ("regional prosecutor's office") qualified by a place the document
    names, when that makes a known body."""
    seen: list[str] = []
    for m in work.place_mentions or []:
        place = work.places.get(m.ref_id) if m.ref_id else None
        for form in (m.text, place.name if place else None):
            if form and form not in seen:
                seen.append(form)
    for m in work.mentions or []:  # places the entity tagger took ("Kharkiv Oblast")
        if m.text[:1].isupper() and m.text not in seen and len(m.text.split()) <= 3:
            seen.append(m.text)
    for form in seen:
        for cand in (f"{form} {phrase}", f"{form.split()[0]} {phrase}"):
            hit = lookup(cand)
            if hit and hit[1] in ORG_TYPES:
                ent = work.resolver.resolve(cand, "ORG")
                return (ent.name, ent.id) if ent is not None else (hit[0], None)
    return None


def _speaks_for_map(work: Work) -> dict[str, tuple[str, str | None]]:
    text = work.text
    mentions = [m for m in work.mentions or [] if m.ref_id]
    orgs = [m for m in mentions if work.entities[m.ref_id].type in ORG_TYPES]
    spans: list[tuple[int, int, str]] = [(m.span.start, m.span.end, m.ref_id) for m in mentions
                                         if work.entities[m.ref_id].type == "person"]
    persons = {eid: work.entities[eid] for _, _, eid in spans}
    for eid, ent in persons.items():
        if len(ent.name.split()) > 1:
            spans += [(x.start(), x.end(), eid) for x in re.finditer(re.escape(ent.name), text)]
    out: dict[str, tuple[str, str | None]] = {}
    for start, end, eid in sorted(set(spans)):
        if eid in out:
            continue
        org = _org_of(work, text, orgs, start, end)
        if org is not None:
            out[eid] = org
            out["name:" + text[start:end].casefold()] = org
            out.setdefault("name:" + persons[eid].name.casefold(), org)
    return out


_BODY_NOUNS = "|".join(sorted(_ROLES_DATA.get("body_nouns") or ["-"], key=len, reverse=True))
# "Iran's emergency services": a body described, owned by a place.
_OWNED_BODY = re.compile(rf"(?P<q>[A-Z][\w-]+)[’']s\s+(?P<body>(?:[a-z]+\s+){{0,3}}(?:{_BODY_NOUNS}))\b")
_OWNED_BODY_AFTER = re.compile(rf"^\s*[,–—-]?\s*(?:the\s+)?(?:[\w’'-]+\s+){{0,2}}?(?:{_ROLE})\s+(?:of|for|at)\s+"
                               rf"(?:the\s+)?{_OWNED_BODY.pattern}", re.I)
_OWNED_BODY_BEFORE = re.compile(rf"\b(?:{_ROLE})\s+(?:of|for|at)\s+(?:the\s+)?{_OWNED_BODY.pattern}\s*,\s*$", re.I)


def _owned_body(work: Work, text: str, start: int, end: int) -> tuple[str, str | None] | None:
    """"NAME – the head of Kerman's emergency services –", "the head of Iran's emergency
    services, NAME": the body as written, when its owner is a place the document names."""
    m = _OWNED_BODY_AFTER.match(text[end:end + 120]) or _OWNED_BODY_BEFORE.search(text[max(0, start - 120):start])
    if m is None or not m.group("body").islower() or not any(
            re.sub(r"[’']s$", "", p.text) == m.group("q") for p in work.place_mentions or []):
        return None
    return f"{m.group('q')}'s {m.group('body')}", None


def _body_inside(text: str, end: int) -> bool:
    """The organisation name ending at ``end`` goes on in lower case: it names a body inside the
    organisation ("the UN mission"), not the organisation ("Lady Reading Hospital in Peshawar"
    is the hospital)."""
    return re.match(r"\s+(?!(?:in|at|on|of|and|for|from|near)\b)[a-z]", text[end:end + 8]) is not None


def _org_of(work: Work, text: str, orgs, start: int, end: int) -> tuple[str, str | None] | None:
    """The organisation the person written at [start, end) speaks for, from the words around."""
    owned = _owned_body(work, text, start, end)
    if owned is not None:
        return owned
    before = text[max(0, start - 120):start]
    gov = _GOVERNOR_BEFORE.search(before) or _GOVERNOR_TITLE.search(before) or (
        _GOVERNOR_JUST_BEFORE.search(before) and _GOVERNOR_AFTER.match(text[end:end + 60]))
    if gov:
        return f"{gov.group('state')} State Government", None
    after = _ROLE_AFTER.match(text, end, min(len(text), end + 120))
    if after:
        # The org mention may hold the article ("the International Committee of …").
        org = next((o for o in orgs if end < o.span.start <= after.end() < o.span.end), None)
        if org is not None and not _body_inside(text, org.span.end):
            # ("the deputy head of the UN mission": a body inside the organisation, not it;
            # "a spokesman for Lady Reading Hospital in Peshawar" is the hospital's)
            return work.entities[org.ref_id].name, org.ref_id
        level = _LEVEL_OFFICE.match(text[after.end():after.end() + 80])
        if org is None and level:
            found = _qualified(work, level.group(0).strip())
            if found:
                return found
        placed = _PLACED_OFFICE.match(text[after.end():after.end() + 100])
        if org is None and placed and any(m.text == placed.group("place") for m in work.place_mentions or []):
            # "head of the Odesa regional military administration": the place's office, named.
            name = f"{placed.group('place')} {placed.group('office').strip().title()}"
            hit = lookup(name)
            return (hit[0], None) if hit and hit[1] in ORG_TYPES else (name, None)
    for o in orgs:
        if not (start - 120 <= o.span.end <= start):
            continue
        between = text[o.span.end:start]
        if "\n" in between:
            continue
        if _ROLE_BEFORE.fullmatch(between):
            return work.entities[o.ref_id].name, o.ref_id
    # "Head of the Donetsk Regional Military Administration, Pavlo K.": role before the org.
    for o in orgs:
        if o.span.end <= start and re.fullmatch(r"\s*,?\s*", text[o.span.end:start]) \
                and _ROLE_OF_BEFORE.search(text[max(0, o.span.start - 60):o.span.start]):
            return work.entities[o.ref_id].name, o.ref_id
    return None
