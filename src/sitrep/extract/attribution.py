"""Who a sentence attributes its claim to, and whether the claim is hedged.

Shared by figures (the source of a toll) and quotes (the speaker): the subject of a reporting
verb, the object of "according to", a dictionary alias, a surname resolved to the full name in the
same document, or an anaphor ("the monitor", "the ministry") resolved to the last source named.
"""

from __future__ import annotations

import re

from ..work import Work
from .entities import lookup

REPORT_LEMMAS = {"say", "report", "tell", "state", "announce", "confirm", "document", "record",
                 "count", "estimate", "put", "cite", "add", "claim", "declare", "note", "write",
                 "tally", "update", "publish", "show", "indicate", "warn", "explain", "assert",
                 "remark", "reveal", "insist", "describe", "accuse", "vow", "urge", "emphasize",
                 "stress", "tweet", "post", "quote", "allege", "deny", "conclude"}
HEDGE = re.compile(r"\b(reportedly|allegedly|alleged|claims?|claimed|claiming|unverified|"
                   r"unconfirmed|purportedly|purported|rumou?red|reports of|reports in|"
                   r"said to have|not (?:be )?independently verified|could not (?:be )?(?:independently )?"
                   r"(?:verified|confirmed)|cannot be verified|according to unconfirmed)\b", re.I)
ANAPHORA = re.compile(r"^(?:the\s+)?(?:(?:uk|britain)-based\s+)?(monitor|war monitor|observatory|"
                      r"ministry|group|organi[sz]ation|network|agency|office|watchdog|body|"
                      r"charity|it|they)$", re.I)
GENERIC_SOURCE = re.compile(r"\b(officials?|sources?|activists?|medics?|doctors?|witnesses?|"
                            r"residents?|ministry|police|army|military|authorities|hospital|"
                            r"spokes(?:man|woman|person)|monitor|observatory|media|agency|"
                            r"commander|committee|council|government|reports?)\b", re.I)


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


def resolve_phrase(phrase: str, start: int, end: int, work: Work) -> tuple[str | None, str | None]:
    """(canonical name, entity id) for an attribution phrase at [start, end) of the clean text."""
    m = _mention_in(work, start, end)
    if m is not None:
        ent = work.entities[m.ref_id]
        return ent.name, ent.id
    stripped = phrase.strip(" ,.")
    if ANAPHORA.match(stripped) and work.last_source is not None:
        return work.last_source
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
              "villagers", "charity", "group", "agency", "committee"}


ORG_TYPES = ("organization", "government", "armed_group")


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


def person_in(work: Work, start: int, end: int) -> bool:
    return any(start <= m.span.start < end and m.ref_id
               and work.entities[m.ref_id].type == "person" for m in work.mentions or [])


def describe(noun, work: Work) -> str:
    """'An Alawite source, managing ...' -> 'Alawite source'; 'an RSF commander' -> 'Rapid
    Support Forces commander' (entity modifiers by their canonical name)."""
    words: list[str] = []
    for t in noun.lefts:
        if t.dep_ not in ("amod", "compound", "nmod", "poss") or t.pos_ == "DET":
            continue
        ment = next((m for m in work.mentions or [] if m.span.start <= t.idx < m.span.end
                     and m.ref_id), None)
        if ment is not None:
            name = work.entities[ment.ref_id].name
            if not words or words[-1] != name:
                words.append(name)
        else:
            words.append(t.text)
    return " ".join(words + [noun.text])


def is_role(subj, work: Work) -> bool:
    """A role noun heads the subject and no person is named in it ("hospital officials in
    Srinagar", not "spokesman Hassan Abdul Ghani")."""
    left, right = subj.left_edge.idx, subj.right_edge.idx + len(subj.right_edge)
    return subj.lower_ in ROLE_NOUNS and subj.pos_ == "NOUN" and not person_in(work, left, right)


def resolve_subject(subj, work: Work) -> tuple[str | None, str | None]:
    text = work.text
    if subj.lower_ in ("it", "its") and len(list(subj.subtree)) == 1:
        return last_org(work, subj.idx) or (None, None)
    if is_role(subj, work):
        return describe(subj, work), None
    left, right = subj.left_edge.idx, subj.right_edge.idx + len(subj.right_edge)
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
        for tok in sent:
            if tok.lemma_.lower() not in REPORT_LEMMAS or tok.pos_ not in ("VERB", "AUX"):
                continue
            subj = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")]
            if tok.dep_ == "conj" and not subj:
                subj = [c for c in tok.head.children if c.dep_ == "nsubj"]
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
