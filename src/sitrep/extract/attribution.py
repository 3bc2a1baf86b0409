"""Who a sentence attributes its claim to, and whether the claim is hedged.

Shared by figures (the source of a toll) and quotes (the speaker): the subject of a reporting
verb, the object of "according to", a dictionary alias, a surname resolved to the full name in the
same document, or an anaphor ("the monitor", "the ministry") resolved to the last source named.
"""

from __future__ import annotations

import re

from .. import gazetteer
from ..work import Work
from .entities import lookup

REPORT_LEMMAS = {"say", "report", "tell", "state", "announce", "confirm", "document", "record",
                 "count", "estimate", "put", "cite", "add", "claim", "declare", "note", "write",
                 "tally", "update", "publish", "show", "indicate", "warn", "explain", "assert",
                 "remark", "reveal", "insist", "describe", "accuse", "vow", "urge", "emphasize",
                 "stress", "tweet", "post", "quote", "allege", "deny", "conclude"}
# "claimed" hedges a claim, not a toll that "claimed the lives of 40" / "claimed 12 lives".
HEDGE = re.compile(r"\b(reportedly|allegedly|alleged|unverified|"
                   r"(?:claims?|claimed|claiming)(?!\s+(?:the\s+lives|[\w,\s]{0,25}?\blives\b))|"
                   r"unconfirmed|purportedly|purported|rumou?red|reports of|reports in|"
                   r"said to have|not (?:be )?independently verified|could not (?:be )?(?:independently )?"
                   r"(?:verified|confirmed)|cannot be verified|according to unconfirmed)\b", re.I)
ANAPHORA = re.compile(r"^(?:the\s+)?(?:(?:enclave|territory|strip|country|region|group)[’']s\s+)?"
                     r"(?:(?:uk|britain)-based\s+)?(?:(?:rights|aid|monitoring|humanitarian|"
                     r"relief|medical|advocacy|human rights|health)\s+)?(monitor|war monitor|observatory|"
                      r"ministry|group|organi[sz]ation|network|agency|office|watchdog|body|ngo|"
                      r"charity|military|army|militia|rebels|service|collective|it|they)$", re.I)
GENERIC_SOURCE = re.compile(r"\b(officials?|sources?|activists?|medics?|doctors?|witnesses?|"
                            r"residents?|ministry|police|army|military|authorities|hospital|"
                            r"spokes(?:man|woman|person)|monitor|observatory|media|agency|"
                            r"commander|committee|council|government|reports?)\b", re.I)


# Not sources after "according to": data, documents, platforms ("according to preliminary
# data", "according to Telegram posts").
_NOT_DESCRIBED = re.compile(r"\b(data|figures|statistics|information|estimates?|count|tally|"
                            r"telegram|facebook|twitter|x|instagram|youtube|whatsapp|social media|"
                            r"posts?|videos?|footage|images?|reports? (?:on|by|from|in))\b", re.I)


def _described(phrase: str) -> str | None:
    """An unnamed source as the text describes it after "according to": "non-governmental
    groups", "a local prosecutor" -> "local prosecutor"."""
    p = phrase.strip(" ,.\"“”")
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
            if rank > best_rank:
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


def resolve_phrase(phrase: str, start: int, end: int, work: Work) -> tuple[str | None, str | None]:
    """(canonical name, entity id) for an attribution phrase at [start, end) of the clean text."""
    gov = government_of(phrase, start, work)
    if gov:
        return gov
    m = _mention_in(work, start, end)
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
            pass  # "the health ministry", "the enclave's ministry": no such body named yet
        elif work.last_source is not None and work.last_source[1] is not None:
            return work.last_source
        else:
            org = last_entity(work, start, ("organization",))
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
        desc = re.sub(r"^(the|a|an|some|several|two|three)\s+", "", stripped, flags=re.I)
        return desc, None
    return None, None


# Role nouns that name an unnamed speaker or source: "a medical source", "hospital officials".
ROLE_NOUNS = {"source", "sources", "official", "officials", "resident", "residents", "witness",
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


def last_entity(work: Work, before: int, types: tuple[str, ...]) -> tuple[str, str] | None:
    """(name, id) of the last entity of one of ``types`` named before ``before``."""
    best = None
    for m in work.mentions or []:
        if m.span.start < before and m.ref_id and work.entities[m.ref_id].type in types:
            best = m
    if best is None:
        return None
    ent = work.entities[best.ref_id]
    return ent.name, ent.id


def last_org(work: Work, before: int) -> tuple[str, str] | None:
    """The last organisation named before ``before``: what "it" and "its" refer to."""
    return last_entity(work, before, ORG_TYPES)


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
        if t.pos_ == "PROPN" and t.text[:1].isupper() and t.ent_type_ not in (
                "GPE", "LOC", "DATE", "TIME", "CARDINAL", "PRODUCT", "LAW", "EVENT"):
            run = run + [t] if run and run[-1].i == t.i - 1 else [t]
        elif t.text == "-" and run and run[-1].i == t.i - 1 and not run[-1].whitespace_:
            run.append(t)  # "Al-Kheetan"
    while run and run[-1].text == "-":
        run.pop()
    if not run or (head is not None and run[-1] is not head):
        return None
    name = work.text[run[0].idx:run[-1].idx + len(run[-1])]
    if lookup(name) or _TITLE_WORDS.match(name):
        return None
    from .places import candidates

    return None if candidates(name) else name


_TITLE_WORDS = re.compile(r"^(Major|General|Colonel|President|Minister|Mr|Mrs|Ms|Dr)$")


def _entity_name_at(work: Work, idx: int) -> str | None:
    ment = next((m for m in work.mentions or [] if m.span.start <= idx < m.span.end and m.ref_id),
                None)
    return work.entities[ment.ref_id].name if ment is not None else None


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
        name = _entity_name_at(work, t.idx)
        if name is not None:
            if not words or words[-1] != name:
                words.append(name)
        else:
            words.append(t.text)
    for prep in noun.rights:
        if prep.dep_ == "prep" and prep.lower_ in ("for", "of", "with"):
            obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
            name = _entity_name_at(work, obj.idx) if obj is not None else None
            if name is not None and name not in words:
                words.insert(0, name)
                break
    return " ".join(words + [noun.text])


def is_role(subj, work: Work) -> bool:
    """A role noun heads the subject and no person is named in it ("hospital officials in
    Srinagar", not "spokesman Hassan Abdul Ghani")."""
    left, right = core_range(subj)
    return ((subj.lower_ in ROLE_NOUNS or subj.lemma_.lower() in ROLE_NOUNS) and subj.pos_ == "NOUN"
            and not person_in(work, left, right))


def known_phrase(subj, work: Work) -> tuple[str, str] | None:
    """The whole subject phrase is a dictionary alias ("the health ministry in Gaza")."""
    a, b = subj.left_edge.idx, subj.right_edge.idx + len(subj.right_edge)
    if b - a > 80 or not lookup(work.text[a:b]):
        return None
    ent = work.resolver.resolve(work.text[a:b], "ORG")
    return (ent.name, ent.id) if ent is not None else None


def resolve_subject(subj, work: Work) -> tuple[str | None, str | None]:
    text = work.text
    if subj.lower_ in ("it", "its") and len(list(subj.subtree)) == 1:
        return last_org(work, subj.idx) or (None, None)
    person = appositive_person(subj, work)
    if person:
        return person
    whole = known_phrase(subj, work)
    if whole:
        return whole
    if is_role(subj, work):
        return describe(subj, work), None
    left, right = core_range(subj)
    return resolve_phrase(text[left:right], left, right, work)


def find_source(sent, work: Work) -> tuple[str | None, str | None]:
    """Source a sentence attributes its content to, or (None, None)."""
    text = work.text
    found: tuple[str | None, str | None] = (None, None)
    acc = re.search(r"\baccording to\s+(?P<x>[^,;.]+)", text[sent.start_char:sent.end_char], re.I)
    if acc:
        a0 = sent.start_char + acc.start("x")
        a1 = sent.start_char + acc.end("x")
        found = resolve_phrase(acc.group("x"), a0, a1, work)
        if found[0] is None:
            found = (_described(acc.group("x")), None)
    if found[0] is None:
        for tok in sent:
            if tok.lemma_.lower() not in REPORT_LEMMAS or tok.pos_ not in ("VERB", "AUX"):
                continue
            subj = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")]
            if tok.dep_ == "conj" and not subj:
                # "X said its forces had struck ..., and claimed that ...": the claim is X's,
                # the subject of the nearest reporting verb above, not of "struck".
                head = tok.head
                for _ in range(3):
                    if head.lemma_.lower() in REPORT_LEMMAS or head.head is head:
                        break
                    head = head.head
                subj = [c for c in head.children if c.dep_ == "nsubj"]
            agent = [c for c in tok.children if c.dep_ == "agent"]
            for s in subj + [g for a in agent for g in a.children if g.dep_ == "pobj"]:
                cand = resolve_subject(s, work)
                if cand[0]:
                    found = cand
                    break
            if found[0]:
                break
    if found[1] is not None:
        work.last_source = found
    return found


# A person's role for an organisation, right after the name ("Dmytro Petrenko, the spokesman
# of the regional prosecutor's office") or right before it ("Lady Reading Hospital spokesman
# Asim Khan", "Head of the Donetsk Regional Military Administration, Pavlo K."). The role words
# are data: ``data/sources_roles.yaml``.
def _roles() -> str:
    from importlib import resources

    import yaml

    words = yaml.safe_load(resources.files("sitrep").joinpath("data/sources_roles.yaml")
                           .read_text("utf-8"))["roles"]
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


_ROLE = _roles()
_ROLE_AFTER = re.compile(rf"\s*,?\s*(?:the\s+|a\s+|an\s+)?(?:[\w’'-]+\s+){{0,3}}?(?:{_ROLE})\s+"
                         rf"(?:of|for|at|with|in)\s+(?:the\s+)?(?:board\s+of\s+(?:the\s+)?)?", re.I)
_ROLE_BEFORE = re.compile(rf"(?:[’']s)?\s+(?:[\w’'-]+\s+){{0,2}}?(?:{_ROLE})\s*,?\s*", re.I)
_ROLE_OF_BEFORE = re.compile(rf"\b(?:{_ROLE})\s+(?:of|for|at)\s+(?:the\s+)?$", re.I)


def speaks_for(work: Work, person_id: str) -> tuple[str, str] | None:
    """The organisation a person speaks for, as the document describes them: an organisation
    named in the person's apposition or title. Cached per document."""
    cache = getattr(work, "_speaks_for", None)
    if cache is None:
        cache = _speaks_for_map(work)
        work._speaks_for = cache  # type: ignore[attr-defined]
    return cache.get(person_id)


def _speaks_for_map(work: Work) -> dict[str, tuple[str, str]]:
    text = work.text
    mentions = [m for m in work.mentions or [] if m.ref_id]
    orgs = [m for m in mentions if work.entities[m.ref_id].type in ORG_TYPES]
    out: dict[str, tuple[str, str]] = {}
    for m in mentions:
        ent = work.entities[m.ref_id]
        if ent.type != "person" or ent.id in out:
            continue
        after = _ROLE_AFTER.match(text, m.span.end, min(len(text), m.span.end + 120))
        if after:
            # The org mention may hold the article ("the International Committee of …").
            org = next((o for o in orgs if m.span.end < o.span.start <= after.end() < o.span.end), None)
            if org is not None and not re.match(r"\s+[a-z]", text[org.span.end:org.span.end + 3]):
                # ("the deputy head of the UN mission": a body inside the organisation, not it)
                out[ent.id] = (work.entities[org.ref_id].name, org.ref_id)
                continue
        for o in orgs:
            if not (m.span.start - 120 <= o.span.end <= m.span.start):
                continue
            between = text[o.span.end:m.span.start]
            if "\n" in between:
                continue
            if _ROLE_BEFORE.fullmatch(between):
                out[ent.id] = (work.entities[o.ref_id].name, o.ref_id)
        if ent.id not in out:
            # "Head of the Donetsk Regional Military Administration, Pavlo K.": role before the org.
            for o in orgs:
                if o.span.end <= m.span.start and re.fullmatch(r"\s*,?\s*", text[o.span.end:m.span.start]) \
                        and _ROLE_OF_BEFORE.search(text[max(0, o.span.start - 60):o.span.start]):
                    out[ent.id] = (work.entities[o.ref_id].name, o.ref_id)
    return out
