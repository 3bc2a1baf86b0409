"""Quotes: direct (between quotation marks, across sentences and paragraphs) and indirect
(a speech verb with a reported clause), each with its speaker, venue and date.

Speaker cascade for a direct quote: the subject of a speech verb outside the quote in the same
sentence; a relative pronoun resolved to the noun it modifies; a pronoun or "the source" resolved
to the last speaker (or last person named); a quote that stands alone continues the quote before it
in the same or the previous paragraph. Every step is recorded in ``speaker_rule``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA
from spacy.lang.en.stop_words import STOP_WORDS

from ..clean import zipf
from ..config import CONFIG, load_data
from ..records import Provenance, Quote, Span
from ..registry import stage
from ..work import Work
from .bodies import KIND_BODY, KIND_BODY_SPOKES, country_body, cut_carrier
from .entities import _any_place, lookup
from ..nlp import doc_text
from .described import named_before, same_kind
from .attribution import (_ANY_ROLE, _EVENT_NOUNS, _clause_owner, _CONTROLLER, _ROLES_DATA, _SPOKES, _controlled_body, held_office, owner_token, body_anaphor, claims_an_act, made_by, _cut_time, _reports_tail, INFO_NOUNS, MEDIA_WORDS, ROLE_NOUNS, _NOT_DESCRIBED as _NOT_SPEAKERS, _qualified, appositive_person,
                          acronym_spelled, core_range, counted_subject_tail, quoted_as_saying, describe, is_role, last_entity,
                          known_phrase, last_org, named_person, person_in, proper_name, resolve_phrase)

VERSION = "quotes@2"


def _data(name: str, env: str) -> dict:
    """A speech data file from src/sitrep/data/, merged with the user's file named by ``env``."""
    return load_data(name, env, merge="append")


@lru_cache(maxsize=1)
def speech_verbs() -> tuple[frozenset[str], frozenset[str], tuple[str, ...]]:
    """(verbs that attribute a quotation, verbs that report a clause, forms read after a quote)."""
    d = _data("speech_verbs.yaml", "SITREP_SPEECH_VERBS")
    indirect = frozenset(d.get("indirect") or {})
    return frozenset(d.get("direct") or {}) | indirect, indirect, tuple(d.get("after_quote") or ())


@lru_cache(maxsize=1)
def object_verbs() -> dict[str, str]:
    """Verbs whose object is what was reported (speech_verbs.yaml ``object``, ``object_number``,
    ``object_gerund``): lemma -> the object it needs ("any", "number", "gerund")."""
    d = _data("speech_verbs.yaml", "SITREP_SPEECH_VERBS")
    return {verb: need for need in ("any", "number", "gerund")
            for verb in d.get("object" if need == "any" else f"object_{need}") or {}}


@lru_cache(maxsize=1)
def line_labels() -> tuple[re.Pattern, re.Pattern]:
    """(a "Quote:" / "Quote from NAME:" label right before a quotation, a "Source:" line)."""
    d = _data("speech_verbs.yaml", "SITREP_SPEECH_VERBS")
    quote = "|".join(re.escape(w) for w in sorted(d.get("quote_labels") or ["Quote"], key=len, reverse=True))
    source = "|".join(re.escape(w) for w in d.get("source_labels") or ["Source"])
    return (re.compile(rf"^[ \t]*(?:{quote})(?:[ \t]+(?P<who>[^\n:]{{1,60}}?))?[ \t]*:[ \t]*$", re.M),
            re.compile(rf"^[ \t]*(?:{source})[ \t]*:[ \t]*(?P<body>[^\n]+)$", re.M))


@lru_cache(maxsize=1)
def name_titles() -> frozenset[str]:
    return frozenset(_data("speech_titles.yaml", "SITREP_SPEECH_TITLES").get("titles") or {})


@lru_cache(maxsize=1)
def misspelt_titles() -> tuple[str, ...]:
    return tuple(_data("speech_titles.yaml", "SITREP_SPEECH_TITLES").get("misspelt_titles") or [])


@lru_cache(maxsize=1)
def document_nouns() -> frozenset[str]:
    return frozenset(_data("speech_verbs.yaml", "SITREP_SPEECH_VERBS").get("document_nouns") or {})


@lru_cache(maxsize=1)
def common_roles() -> frozenset[str]:
    return frozenset(_data("speech_roles.yaml", "SITREP_SPEECH_ROLES").get("common_roles") or {})


@lru_cache(maxsize=1)
def description_words() -> dict:
    """How an unnamed speaker's description is cut (speech_roles.yaml): qualifier prepositions,
    place containers, service nouns, relative clause length and asides, dropped determiners."""
    d = _data("speech_roles.yaml", "SITREP_SPEECH_ROLES")
    return {k: frozenset(d.get(k) or {}) for k in (
        "qualifier_preps", "place_containers", "service_nouns", "relative_clause_asides",
        "dropped_determiners", "person_nouns")} | {"relative_clause_words": int(d.get("relative_clause_words") or 0)}


@lru_cache(maxsize=1)
def _role_title_nouns() -> frozenset[str]:
    return frozenset(_data("speech_roles.yaml", "SITREP_SPEECH_ROLES").get("role_titles") or {})


@lru_cache(maxsize=None)
def _role_words(key: str) -> frozenset[str]:
    """A word list of speech_roles.yaml (``titled_offices``, ``title_not_holding``,
    ``name_leading_roles``), lower case."""
    return frozenset(w.lower() for w in _data("speech_roles.yaml", "SITREP_SPEECH_ROLES").get(key) or [])


SPEECH, INDIRECT, _AFTER_FORMS = speech_verbs()
ANON_HEADS = ROLE_NOUNS
PRONOUNS = {"he", "she", "they", "we", "i"}
QUOTE_PAIRS = {"“": "”", '"': '"', "«": "»"}
VENUE_POST = re.compile(r"\b(?:on|in a post on|posted on|wrote on|on (?:his|her|their|its))\s+"
                        r"(?:(?:his|her|their|its|the)\s+)?(X|Twitter|Facebook|Telegram|Instagram)\b"
                        r"|\b(X|Twitter|Facebook|Telegram|Instagram) (?:account|post|page)\b|\btweet(?:ed)?\b",
                        re.I)
VENUE_KIND = re.compile(r"\bin an? (video|televised address|televised speech|speech|statement|press "
                        r"conference|news conference|interview|broadcast|audio recording|"
                        r"voice message|letter)\b", re.I)
VENUE_MEDIA = re.compile(r"\b(?:told|spoke (?:with|to)|in an interview with|an interview with|"
                         r"speaking to|speaking with|talking to)\s+(?P<x>(?:the\s+)?[A-Z][\w’'-]*"
                         r"(?:[\s-][A-Z][\w’'-]*){0,3})")


@dataclass
class _QSpan:
    start: int
    end: int  # exclusive, including the closing mark when present
    open_para: bool  # quote opened at paragraph start without closing: continues


# Closing marks per opening mark; scraped text mixes straight and curly marks ("…” or “…"), and
# some wires close with two apostrophes ("…soon,’’ Alabo stated").
_CLOSERS = {"“": ("”", '"', "’’", "''"), '"': ('"', "”"), "«": ("»",)}
_OPENING = re.compile("[" + "".join(QUOTE_PAIRS) + "]")


def find_quote_spans(text: str) -> list[_QSpan]:
    """Quotation spans, pairing marks within a paragraph; an unclosed quote runs to paragraph end."""
    spans = []
    for para in re.finditer(r"[^\n]+", text):
        p0, ptext = para.start(), para.group(0)
        i = 0
        while True:
            m = _OPENING.search(ptext, i)
            if m is None:
                break
            i, ch = m.start(), m.group(0)
            if ch == '"' and i > 0 and ptext[i - 1].isalnum():
                i += 1
                continue
            close, width = min(((c, len(x)) for x in _CLOSERS[ch] for c in [ptext.find(x, i + 1)]
                                if c != -1), default=(-1, 0))
            if close == -1:
                spans.append(_QSpan(p0 + i, p0 + len(ptext), True))
                break
            spans.append(_QSpan(p0 + i, p0 + close + width, False))
            i = close + width
    return spans


def quote_runs(text: str, spans: list[_QSpan]) -> dict[int, int]:
    """A quotation over several paragraphs, each opened and only the last closed (the wire
    style: "“On Monday … / “Findings … / “Investigation …,” Alabo stated"): the start of every
    paragraph of the run but the last -> the start of the last, whose attribution names the
    speaker. A line of page debris between two paragraphs (no closing stop) does not end it."""
    out: dict[int, int] = {}
    run: list[int] = []
    for q in spans:
        at_para = not text[_para_start(text, q.start):q.start].strip()
        between = text[_para_end(text, run[-1]):q.start] if run else ""
        if run and (not at_para or any(re.search(r"[.!?”\"]\s*$", line) for line in between.split("\n")
                                       if line.strip())):
            run = []
        if at_para and q.open_para:
            run.append(q.start)
        elif run and at_para:
            out.update({start: q.start for start in run})
            run = []
    return out


def _para_end(text: str, pos: int) -> int:
    i = text.find("\n\n", pos)
    return len(text) if i < 0 else i


def _inner(text: str, q: _QSpan) -> tuple[int, int]:
    a, b = q.start + 1, q.end
    if not q.open_para and b > a:
        b -= 2 if text[b - 2:b] in ("’’", "''") else 1
    while a < b and text[a] in " ":
        a += 1
    while b > a and text[b - 1] in " ,":
        b -= 1
    return a, b


def statement_id(speaker_id: str | None, text: str) -> str:
    key = (speaker_id or "") + "|" + " ".join(re.findall(r"\w+", text.casefold())[:40])
    return "s_" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


# Bodies a text may name by their level alone ("the interior ministry", "the resistance
# committee"), qualified by a place the text names when the dictionary knows the result.
# "the official said" right after a named person spoke is that person.
_OWN_COUNTRY = {"country", "nation", "state", "country’s", "nation’s"}
# (speech_roles.yaml: anaphor_office_nouns, anaphor_media_nouns, level_bodies, collective_nouns)
_ROLE_LISTS = _data("speech_roles.yaml", "SITREP_SPEECH_ROLES")
_OFFICE_NOUNS = frozenset(_ROLE_LISTS.get("anaphor_office_nouns") or ())
# "the outlet reported": the news outlet named before.
_MEDIA_NOUNS = frozenset(_ROLE_LISTS.get("anaphor_media_nouns") or ())
_BODIES = frozenset(_ROLE_LISTS.get("level_bodies") or ())
_COLLECTIVE = frozenset(_ROLE_LISTS.get("collective_nouns") or ())


_AGE_TOKENS = re.compile(r"^(?:\d+|-|year|years|old|aged)$", re.I)


def _mentioned(work: Work, a: int, b: int) -> bool:
    return any(a <= m.span.start < b and m.ref_id for m in work.mentions or [])


def _qualifier(noun, work: Work) -> tuple[str, str]:
    """The words right after a role noun that say which one: "in Gaza", "of a nearby church",
    "who survived"; ("", "") when none. Stops at a comma, an aside or a date. Returns (qualifier,
    a force to put before the noun: "officer in the army" -> ("", "army"))."""
    w = description_words()
    doc, text = noun.doc, work.text
    nxt = noun.i + 1
    for c in noun.rights:
        if c.left_edge.i != nxt:
            continue
        if c.dep_ == "prep" and c.lower_ in w["qualifier_preps"]:
            obj = next((o for o in c.children if o.dep_ == "pobj"), None)
            if obj is None or obj.ent_type_ in ("DATE", "TIME", "PERSON") or obj.lower_ in (
                    "them", "us", "those", "whom"):
                return "", ""
            end = c.right_edge.i
            for t in c.subtree:
                if t.i > c.i and (t.dep_ in ("relcl", "acl", "appos") or t.text in ",;:()“”\"—–"):
                    end = min(end, t.left_edge.i - 1 if t.dep_ != "punct" else t.i - 1)
            while end > c.i and doc[end].is_punct:
                end -= 1
            if end <= c.i or end - c.i > 10:
                return "", ""
            names = [t for t in doc[c.i + 1:end + 1] if t.pos_ == "PROPN"
                     and t.lemma_.lower() not in w["place_containers"]]
            if obj.lemma_.lower() in w["service_nouns"] and not names and end == obj.i:
                return "", obj.text
            if obj.lemma_.lower() in w["place_containers"]:
                if not names:
                    return "", ""
                run = [names[0]]
                while run[-1].i + 1 <= end and doc[run[-1].i + 1].pos_ == "PROPN":
                    run.append(doc[run[-1].i + 1])
                return f"{c.text} {text[run[0].idx:run[-1].idx + len(run[-1])]}", ""
            return text[c.idx:doc[end].idx + len(doc[end])], ""
        if (c.dep_ == "relcl" and w["relative_clause_words"] and doc[nxt].lower_ in ("who", "that")
                and noun.tag_ not in ("NNS", "NNPS")):
            span = doc[nxt:c.right_edge.i + 1]
            if len(span.text.split()) - 1 > w["relative_clause_words"] or any(
                    (t.is_punct and t.text not in "'’") or t.pos_ == "PROPN"
                    or t.lower_ in w["relative_clause_asides"] for t in span):
                return "", ""
            return span.text, ""
        if c.dep_ == "amod" and c.lower_ == "close" and c.right_edge.i - c.i <= 4:
            return text[c.idx:c.right_edge.idx + len(c.right_edge)], ""  # "a source close to the army"
        return "", ""
    return "", ""


# A dateline opening a sentence: "TOWN (Agency) – ", "TOWN – " (not "US-led").
_DATELINE_LEAD = re.compile(r"^[A-Z][A-Z.'’-]*(?: [A-Z][A-Z.'’-]*)*(?:\s*\([^)]*\)\s*|\s+)[–—-]\s*")
_PARTITIVE_LEAD = re.compile(r"^(?:\w+)\s+of\s+(?=(?:the|those|these)\b)", re.I)


def _before_name_word(word: str, work: Work, first_name: str) -> bool:
    """A word written before a person's name that is no part of it: an office or rank
    (sources_roles.yaml ``roles`` and ``offices``), an abbreviation ("SHO"), or a place the
    document names apart from the name ("Mastung"). Not a possessive owner, not a title that the
    name keeps ("Pope", speech_roles.yaml ``role_titles``)."""
    if not word[:1].isupper() or word.endswith(("'s", "’s")) or word in _kept_titles():
        return False
    if _ANY_ROLE.fullmatch(word) or (word.isupper() and len(word) >= 2) or any(
            m.text == word for m in work.place_mentions or []):
        return True
    # A place the gazetteer knows that the text also writes apart from this name ("Kherson"
    # in the headline; not "Feroze" of "Feroze Jamal Shah", written only in the name).
    return _any_place(word) and re.search(
        rf"\b{re.escape(word)}\b(?!\s+{re.escape(first_name)})", work.text) is not None


@lru_cache(maxsize=1)
def _kept_titles() -> frozenset[str]:
    """Titles a name keeps ("Pope Leo XIV"): the values of speech_roles.yaml ``role_titles``."""
    return frozenset((_data("speech_roles.yaml", "SITREP_SPEECH_ROLES").get("role_titles") or {}).values())


def _tidy_speaker(q, work: Work) -> None:
    """A speaker as one source is named: a description without its count or quantifier ("Three
    of those who fled" -> "those who fled", "other government officials" -> "government
    officials", speech_roles.yaml ``dropped_determiners``), and a person without the title or
    place the text wrote before the full name ("Regional Governor Ada Obi" -> "Ada Obi", when
    the article names Ada Obi)."""
    if not q.speaker:
        return
    words = q.speaker.split()
    ent = work.entities.get(q.speaker_id) if q.speaker_id else None
    if (ent is None or ent.name != q.speaker) and len(words) >= 3:
        for k in (3, 2):
            tail = " ".join(words[-k:])
            person = next((e for e in work.entities.values() if e.type == "person" and e.name == tail), None)
            if person is not None and len(words) > k and all(
                    _before_name_word(w, work, words[-k]) for w in words[:-k]):
                q.speaker, q.speaker_id = person.name, person.id
                return
    if 3 <= len(words) <= 4 and words[0].lower() in _role_words("name_leading_roles") and (ent is None or ent.type == "person") \
            and all(w[:1].isupper() and w.rstrip(".") not in name_titles() for w in words[1:]) \
            and zipf(words[1].lower()) < 4.0:
        q.speaker = " ".join(words[1:])  # "Eyewitness Ada Obi" -> "Ada Obi" (not "Witness Protection Unit")
        return
    titled = words[:-2] and all(w.rstrip(".") in name_titles() for w in words[:-2]) and all(
        w[:1].isupper() for w in words[-2:])
    if ent is not None and ent.type == "person" and titled:
        q.speaker = " ".join(words[-2:])  # "Mallam Buba Adamu" -> "Buba Adamu"
        return
    if " " not in q.speaker.strip() and (ent is None or ent.type in ("person", "organization")) \
            and lookup(q.speaker.strip()) is None:
        q.speaker = _surname_in_full(q.speaker.strip(), work)  # "Holub" after "Ivan Holub"
    if q.speaker_id is None:
        q.speaker = acronym_spelled(cut_carrier(_cut_time(q.speaker)))  # "authorities on Thursday" -> "authorities"
        if q.speaker.lower().startswith("of "):
            q.speaker = q.speaker[3:]  # "two of the witnesses" read without its count
        words = q.speaker.split()
        dropped = description_words()["dropped_determiners"]
        lead = _PARTITIVE_LEAD.match(q.speaker)
        count = lead.group(0).split()[0] if lead else ""
        if lead and (count.lower() in dropped or count.isdigit()):
            words = q.speaker[lead.end():].split()
        while len(words) > 1 and (words[0].lower() in dropped or words[0].isdigit()) \
                and words[1].lower() != "of":  # "one of them" stays as written
            words = words[1:]
        q.speaker = " ".join(words)


_CALENDAR = {d.lower() for d in ("Monday Tuesday Wednesday Thursday Friday Saturday Sunday January "
                                 "February March April May June July August September October "
                                 "November December").split()}


def _surname_in_full(surname: str, work: Work) -> str:
    """A surname alone as the one full name the text writes for it ("Holub" after "Source:
    Ivan Holub, Head of …", a line the cleaner may have dropped), titles, common words, peoples
    and places not counted as a first name; else the surname."""
    from ..link.sources import demonyms

    if not surname[:1].isupper():
        return surname
    dropped = "\n".join(r.before for r in work.repairs or [] if r.kind.startswith("drop:"))
    firsts = {m.group(1) for m in re.finditer(rf"\b([A-Z][\w’'-]+)\s+{re.escape(surname)}\b",
                                              work.text + "\n" + dropped)
              if m.group(1) not in name_titles() and m.group(1).lower() not in STOP_WORDS | _CALENDAR
              and not re.search(r"[’']", m.group(1))  # "Syria's Sweida": no first name
              and m.group(1).casefold() not in demonyms()
              and not any(p.text == m.group(1) for p in work.place_mentions or [])}
    return f"{firsts.pop()} {surname}" if len(firsts) == 1 else surname


def described_as_written(noun, work: Work) -> str:
    """An unnamed speaker as the text describes them: every modifier before the noun but the
    article, number and age ("a high-ranking army officer" -> "high-ranking army officer"), and the
    qualifier after it ("health officials in Gaza", "pastor of a nearby church"). A modifier that
    names an organisation keeps describe()'s canonical form ("RSF commander")."""
    dropped = description_words()["dropped_determiners"]
    doc, text = noun.doc, work.text
    qual, force = _qualifier(noun, work)
    base = noun.text if qual.startswith("of ") else describe(noun, work)
    i = noun.left_edge.i
    while i < noun.i and (doc[i].lower_ in dropped or doc[i].like_num or _AGE_TOKENS.match(doc[i].text)
                          or doc[i].is_punct or doc[i].tag_ == "PRP$"):
        i += 1
    left = text[doc[i].idx:noun.idx + len(noun)]
    if (i < noun.i and not _mentioned(work, doc[i].idx, noun.idx) and len(left.split()) <= 6
            and not re.search(r"[,“”\"()’']|\bs\b", left)
            and set(re.findall(r"\w+", base)) <= set(re.findall(r"\w+", left))):
        base = left
    if base == noun.text and noun.lower_.startswith("spokes"):
        # "a spokesman for regional emergency services" -> "regional emergency services spokesman"
        prep = next((c for c in noun.rights if c.dep_ == "prep" and c.lower_ == "for" and c.i == noun.i + 1), None)
        obj = next((o for o in prep.children if o.dep_ == "pobj"), None) if prep is not None else None
        if obj is not None and obj.right_edge.i - prep.i <= 5 and not any(
                t.is_punct or t.tag_ == "POS" or t.dep_ in ("relcl", "acl", "prep") for t in obj.subtree):
            first = prep.i + 1 + (doc[prep.i + 1].lower_ in dropped)
            return f"{text[doc[first].idx:obj.right_edge.idx + len(obj.right_edge)]} {noun.text}"
    if force and base.endswith(noun.text):
        base = f"{base[:-len(noun.text)]}{force} {noun.text}"
    return f"{base} {qual}" if qual else base


def _desc_head(desc: str) -> str:
    """The role noun of a description: "health officials in Gaza" -> "officials"."""
    preps = description_words()["qualifier_preps"]
    words = desc.split()
    for k, w in enumerate(words[1:], 1):
        if w.lower() in preps or w.lower() in ("who", "that", "close"):
            return words[k - 1].lower()
    return words[-1].lower() if words else ""


def _norm_words(name: str) -> set[str]:
    return set(re.findall(r"\w+", name.casefold().replace("’", "'"))) - {"the", "s"}


def _possessed_name(subj, work: Work) -> str | None:
    """"Sudan's Foreign Ministry", "the Prime Minister's Office": an organisation's name with the
    named country or office that owns it, as written."""
    poss = owner_token(subj)
    if poss is None or subj.pos_ not in ("PROPN", "NOUN"):
        return None
    if poss.pos_ != "PROPN" and not held_office(subj):
        return None  # (an office's holder owns it: "the state prosecutor's office")
    if not subj.text[:1].isupper() and subj.lower_ != "office":
        return None  # "Ada Obi's office" speaks for her; "the enclave's health ministry" is no name
    a = subj.left_edge.idx
    if subj.left_edge.lower_ == "the":
        a = subj.doc[subj.left_edge.i + 1].idx
    b = core_range(subj)[1]
    written = work.text[a:b]
    if subj.text == "office" and poss.pos_ == "PROPN":
        written = _strip_titles(written)  # "Prime Minister Ada Obi's office" -> "Ada Obi's office"
    if len(written.split()) > 7 or not re.search(r"[’']s\b", written) or "," in written:
        return None
    return written


def _apposed_person(subj, work: Work) -> tuple[str, str | None] | None:
    """Of several appositions ("the Police Public Relations Officer (PPRO), Mrs Ada Obi"), the one
    that names a person; "a resident, who gave his name as Tunde": the name given."""
    a, b = subj.left_edge.idx, subj.right_edge.idx + len(subj.right_edge)
    named = _NAMED.search(work.text, a, b)
    if named:
        person = named_person(work, named.start("n"), named.end("n"))
        return person or (named.group("n"), None)
    for c in subj.children:
        if c.dep_ == "appos":
            # The person the apposition is, not one named inside it ("the committee, a group
            # in Kessa Town," where the tagger took the town for a person).
            person = named_person(work, c.left_edge.idx, c.idx + len(c))
            if person:
                return person
    return None


_COORD_POS = {"DET", "PROPN", "NOUN", "ADJ", "CCONJ", "PART"}


_OFFICE_BODIES = frozenset(w.casefold() for w in _ROLES_DATA.get("office_bodies") or [])


def _named_earlier_as(work: Work, subj, before: int) -> tuple[str, str | None] | None:
    """"the Emir of Kessa said" after "The Emir of Kessa, Alhaji Musa Dan, confirmed": the
    person the same title was set beside earlier."""
    toks = [t for t in subj.subtree if t.dep_ != "det"]
    toks = toks[:next((k for k, t in enumerate(toks) if t.is_punct), len(toks))]
    # A role alone ("the spokesperson said") is the one the text gave with its body: "The
    # spokesperson of the Yobe police command, NAME," (the tagger took NAME for an organisation).
    alone = len(toks) == 1 and toks[0].pos_ == "NOUN" and bool(_ANY_ROLE.fullmatch(toks[0].text))
    if len(toks) < 2 and not alone:
        return None
    title = work.text[toks[0].idx:toks[-1].idx + len(toks[-1])]
    if (len(title.split()) < 2 and not alone) or KIND_BODY.match(title) or subj.lower_ in _OFFICE_BODIES:
        return None  # a body's words are its own ("The Defence Ministry said"), not a person's
    # The nearest earlier "[The] TITLE, NAME," where the title opens its phrase (not "the former
    # Emir of Kessa, NAME").
    if alone:
        # "The spokesperson of the police command, NAME," / "Kano State Governor, NAME,".
        role = f"(?:{re.escape(title[0].upper())}|{re.escape(title[0].lower())}){re.escape(title[1:])}"
        phrase = rf"(?:[A-Z][\w’'-]*\s+){{0,3}}{role}(?:\s+of\s+[^,.;:\n]{{3,60}}?)?"
    else:
        phrase = re.escape(title)
    for m in reversed(list(re.finditer(r"(?:^|(?<=[\n.!?]\s)|(?<=\n)|(?<=\b[Tt]he\s))" + phrase
                                       + r",\s+", work.text[:before]))):
        if alone and {w.lower() for w in m.group(0).split()} & _role_words("title_not_holding"):
            continue  # "Deputy Governor, NAME,", "Former Governor, NAME,": not the governor
        person = named_person(work, m.end(), m.end() + 3)
        if person:
            return person
        # A name the tagger missed: the capitalised words up to the closing comma.
        run = re.match(r"((?:[A-Z][\w’'-]+ ){1,4}[A-Z][\w’'-]+),", work.text[m.end():before])
        name = _strip_titles(run.group(1), person=True) if run else ""
        if 2 <= len(name.split()) <= 4:
            return name, None
    return None


def _person_after_role(subj, work: Work) -> tuple[str, str] | None:
    """"UNICEF Representative for Sudan Ada Obi said": the person named at the end of the role's
    "for" / "of" phrase (the tagger glued the place to the name, or the parser hung the name on
    the preposition)."""
    if not _ANY_ROLE.fullmatch(subj.text):
        return None
    prep = next((c for c in subj.rights if c.dep_ == "prep" and c.lower_ in ("for", "of")), None)
    obj = next((c for c in prep.children if c.dep_ == "pobj"), None) if prep is not None else None
    if obj is None:
        return None
    end = obj.idx + len(obj)
    for m in work.mentions or []:
        ent = work.entities.get(m.ref_id) if m.ref_id else None
        if ent is not None and ent.type == "person" and m.span.start <= obj.idx < m.span.end <= end + 1:
            return ent.name, ent.id
    return None


def _qualified_by_main_place(work: Work, body: str) -> tuple[str, str | None] | None:
    """"interior ministry" -> "Niger interior ministry": the places the story names, most named
    first, that make a body the dictionary knows (a story about Lebanon that mentions Gaza once
    does not get Gaza's ministry)."""
    counts: dict[str, int] = {}
    country_of: dict[str, str | None] = {}
    countries: dict[str, int] = {}
    for m in work.place_mentions or []:
        place = work.places.get(m.ref_id) if m.ref_id else None
        code = place.country_code if place else None
        if code:
            countries[code] = countries.get(code, 0) + 1
        for form in dict.fromkeys(f for f in (m.text, place.name if place else None) if f):
            counts[form] = counts.get(form, 0) + 1
            country_of[form] = code
    for m in work.mentions or []:  # places the entity tagger took ("Kessa Town")
        if m.text[:1].isupper() and len(m.text.split()) <= 3 and m.text not in counts:
            counts[m.text] = 0
    main = max(countries, key=countries.get) if countries else None
    for form in sorted(counts, key=lambda f: -counts[f]):  # (ties: the first named)
        if main and country_of.get(form) not in (main, None):
            continue  # a place in another country the story mentions

        for cand in (f"{form} {body}", f"{form.split()[0]} {body}"):
            hit = lookup(cand)
            if hit and hit[1] in ("organization", "government", "armed_group"):
                ent = work.resolver.resolve(cand, "ORG")
                return (ent.name, ent.id) if ent is not None else (hit[0], None)
    return None


def _org_named(work: Work, start: int, end: int) -> tuple[str, str] | None:
    """(name, id) of the first organisation whose mention starts in [start, end)."""
    for m in work.mentions or []:
        if start <= m.span.start < end and m.ref_id and work.entities[m.ref_id].type in (
                "organization", "government", "armed_group"):
            ent = work.entities[m.ref_id]
            return ent.name, ent.id
    return None


def _coordinated(subj, work: Work) -> str | None:
    """"Both Kessa Radio and the Dorowa Courier reported", "survivors and Lenvik residents said",
    "according to hospital and police officials": the speakers together, as written, without
    a leading determiner or a date ("officials and local media on Monday")."""
    if subj.pos_ not in ("NOUN", "PROPN") or subj.lower_ in PRONOUNS:
        return None
    doc = subj.doc
    conj = [c for c in subj.children if c.dep_ == "conj" and c.i > subj.i and c.pos_ in ("NOUN", "PROPN")]
    right = conj[-1] if conj else subj
    end = right.i
    for t in right.rights:
        if t.dep_ in ("compound", "amod") or (t.dep_ == "prep" and t.lower_ == "of" and not any(
                g.ent_type_ in ("DATE", "TIME") for g in t.subtree)):
            end = max(end, t.right_edge.i)
    start = subj.left_edge.i
    toks = doc[start:end + 1]
    if not any(t.lower_ == "and" and t.dep_ == "cc" for t in toks) or not any(t.dep_ == "conj" for t in toks):
        return None
    if len(toks) > 10 or any(t.pos_ not in _COORD_POS and t.lower_ != "of" and not (
            t.text == "," and t.dep_ == "punct") and t.dep_ != "nummod" for t in toks) or toks[-1].text == ",":
        return None
    for t in toks:
        if t.dep_ == "conj":
            h = t
            while h.i != subj.i and h.head.i != h.i:
                h = h.head
                if h.dep_ in ("pobj", "prep") and h.i != subj.i:
                    return None  # "the chief minister of Kessa and Lenvik, Ada Obi"
    if _NOT_SPEAKERS.search(work.text[toks[0].idx:toks[-1].idx + len(toks[-1])]):
        return None  # "residents and footage posted online": footage says nothing
    while toks and (toks[0].pos_ == "DET" or toks[0].dep_ == "nummod" or toks[0].lower_ in (
            "both", "some", "several")):
        toks = toks[1:]
    if len(toks) < 3 or toks[0].lower_ == "and" or toks[-1].lower_ == "and":
        return None
    if any(t.lower_ in PRONOUNS or t.lower_ in ("him", "her", "them", "other", "others") for t in toks):
        return None  # "Mr Obi and other witnesses said": Mr Obi's words
    # "a hospital official and two residents" -> "hospital official and residents" (convention 4)
    # ("the" stays: "Nordlys Radio and the Kessa Ledger" names an outlet)
    counts = "|".join(w for w in description_words()["dropped_determiners"] if w != "the")
    return re.sub(rf"\b(and|,)\s+(?:\d+|{counts})\s+", r"\1 ",
                  work.text[toks[0].idx:toks[-1].idx + len(toks[-1])])


def _not_a_place_object(subj, person, work: Work):
    """An apposition's person, unless the name only sits inside a phrase of the apposition
    ("the committee, a volunteer group in Kessa Town, said": a town the tagger took for a
    person)."""
    if person is None or person[1] is None:
        return person
    doc = subj.doc
    for m in work.mentions or []:
        if m.ref_id != person[1] or not (subj.left_edge.idx <= m.span.start <= subj.right_edge.idx):
            continue
        span = doc.char_span(m.span.start, m.span.end, alignment_mode="expand")
        if span is not None and span.root.dep_ == "pobj" and span.root.head.lower_ in ("in", "at", "near", "from", "of", "to", "for"):
            return None
        break
    return person


def _role_noun(tok) -> bool:
    """A common noun, or a capitalised role word the tagger took for a name ("Governor"); not an
    office no longer or not quite held ("Former Governor", "Deputy Governor")."""
    if any(t.lower_ in _role_words("title_not_holding") for t in tok.lefts):
        return False
    return tok.pos_ == "NOUN" or (tok.pos_ == "PROPN" and bool(_ANY_ROLE.fullmatch(tok.text)))


def _role_holders(work: Work) -> dict[str, set[tuple[str, str]]]:
    """Role noun -> the people the text gives it: "Governor Ali Kaya", "prosecutor Ali Kaya",
    "Ali Kaya, the district prosecutor", "the prosecutor, Ali Kaya"."""
    doc = work.spacy_doc
    holders: dict[str, set[tuple[str, str]]] = {}
    for m in work.mentions or []:
        ent = work.entities.get(m.ref_id) if m.ref_id else None
        if ent is None or ent.type != "person":
            continue
        span = doc.char_span(m.span.start, m.span.end, alignment_mode="expand")
        if span is None:
            continue
        root = span.root
        roles = set()
        for t in doc[max(span.start - 4, 0):span.start]:
            if t.head.i in range(span.start, span.end) or t.head.i == root.i:
                roles.add(t.lemma_.lower())
        for c in root.children:
            if c.dep_ == "appos" and _role_noun(c):
                roles.add(c.lemma_.lower())
        if root.dep_ == "appos" and _role_noun(root.head):
            roles.add(root.head.lemma_.lower())  # "Borno State Governor, Ada Obi, visited"
        for r in roles:
            holders.setdefault(r, set()).add((ent.name, ent.id))
    # A name the tagger missed, apposed to an office: "NAME, the Zaporizhzhia regional governor,".
    known = {n for people in holders.values() for n, _ in people}
    for m in _NAME_THEN_OFFICE.finditer(work.text):
        before = re.search(r"([\w’'-]+)\W*$", work.text[:m.start()])
        if before and before.group(1).lower() in _NOT_BEFORE_APPOSED:
            continue  # "Speaking to NAME, the regional governor said": not the governor
        name = _strip_titles(m.group("name"))
        if 2 <= len(name.split()) <= 4 and not lookup(name) \
                and not any(name.split()[-1] == k.split()[-1] for k in known):
            holders.setdefault(m.group("role").lower(), set()).add((name, None))
    return holders


_NAME_THEN_OFFICE = re.compile(
    r"(?<![\w’'-])(?P<name>(?:[A-Z][\w’'-]+\s){1,3}[A-Z][\w’'-]+),\s+the\s+(?:(?!of\b)[\w’'-]+\s){0,4}?"
    rf"(?P<role>{'|'.join(sorted(_OFFICE_NOUNS, key=len, reverse=True))})\b"
    r"(?:\s+(?:of|for|in)\s+[^,.;:()\n]{2,60}?)?\s*(?=[,;)]|\.(?:\s|$))")
_NOT_BEFORE_APPOSED = frozenset(_ROLE_LISTS.get("not_before_apposed") or ())


def _sentence_before(tok):
    """The sentence before the one ``tok`` is in, past the line breaks between them."""
    i = tok.sent.start - 1
    doc = tok.doc
    while i >= 0 and doc[i].is_space:
        i -= 1
    return doc[i].sent if i >= 0 else None


class _Speakers:
    """What coreference needs: the last speaker, the last person named, the last anonymous source."""

    def __init__(self, work: Work):
        self.work = work
        self.last: tuple[str | None, str | None] | None = None
        self.last_anon: str | None = None
        self.history: list[tuple[str, str | None]] = []  # every statement's speaker, in order
        # (where, role noun, person): "The doctor, Ada Obi, said" names "a doctor" quoted before.
        self.named_later: list[tuple[int, str, tuple[str, str | None]]] = []
        self._holders: dict[str, set[tuple[str, str]]] | None = None

    def holder(self, subj) -> tuple[str, str] | None:
        """The one person the article gives this role noun ("the governor", "a prosecutor")."""
        if self._holders is None:
            self._holders = _role_holders(self.work)
        lemma = subj.lemma_.lower()
        if subj.tag_ in ("NNS", "NNPS") or lemma not in self._holders:
            return None
        det = next((c.lower_ for c in subj.children if c.dep_ == "det"), None)
        if det is None and any(c.dep_ == "poss" and c.lower_ in _OWN_COUNTRY for c in subj.children):
            det = "the"  # "the country's president", "the nation's health minister"
        if det not in ("the", "a", "an", "this", "that") or (det != "the" and lemma in common_roles()):
            return None
        if det in ("a", "an") and any(c.dep_ in ("compound", "amod", "nmod", "poss") for c in subj.children):
            return None  # "an EU foreign affairs spokesperson" is not the Kremlin's spokesperson
        people = self._holders[lemma]
        if len(people) == 1:
            return next(iter(people))
        if det != "the":
            return None
        # "the minister said" with two ministers named: the one named last before it.
        ids = {eid for _, eid in people}
        last = max((m for m in self.work.mentions or [] if m.ref_id in ids and m.span.end <= subj.idx),
                   key=lambda m: m.span.start, default=None)
        return next((p for p in people if last is not None and p[1] == last.ref_id), None)

    def earlier(self, noun: str) -> tuple[str, str | None] | None:
        """The last speaker so far whose description or name ends in (or is headed by) ``noun``
        and says more than the noun alone."""
        for name, eid in reversed(self.history):
            words = name.lower().split()
            if len(words) > 1 and (words[-1] == noun or _desc_head(name) == noun):
                return name, eid
        return None

    def titled(self, lemma: str, before: int) -> tuple[str, str | None] | None:
        """"the pontiff" -> the person named with the title "Pope" before ``before``."""
        title = (_data("speech_roles.yaml", "SITREP_SPEECH_ROLES").get("role_titles") or {}).get(lemma) \
            if lemma in _role_title_nouns() else None
        if not title and lemma in _role_words("titled_offices"):
            # "Governor Ada Obi of Kessa State ordered … the governor said", the name the tagger
            # missed: the one person written with that title before (not a former, vice or
            # deputy holder; a person the tagger found under the title is the holder's rules').
            text = self.work.text[:before]
            names = set()
            for m in re.finditer(rf"\b{lemma.capitalize()} ((?:[A-Z][\w’'-]+ ){{0,2}}[A-Z][\w-]+)", text):
                lead = re.search(r"([\w-]+)\s*$", text[:m.start()])
                if lead and lead.group(1).lower() in _role_words("title_not_holding"):
                    continue
                names.add(m.group(1))
            if len(names) != 1 or any(set(n.split()) & name_titles() for n in names):
                return None
            name = names.pop()
            if len(name.split()) < 2 or any(e.type == "person" and e.name.split()[-1] == name.split()[-1]
                                            for e in self.work.entities.values()):
                return None
            return name, None
        if not title:
            return None
        text = self.work.text
        for m in reversed(self.work.mentions or []):
            ent = self.work.entities.get(m.ref_id) if m.ref_id else None
            if m.span.start >= before or ent is None or ent.type != "person":
                continue
            if ent.name.startswith(title + " ") or text[max(0, m.span.start - len(title) - 1):m.span.start].strip() == title:
                return ent.name, ent.id
        named = list(re.finditer(rf"\b{re.escape(title)}((?: [A-Z][\w’'-]+)+)", text[:before]))
        return (title + named[-1].group(1), None) if named else None

    def said(self, speaker: str | None, speaker_id: str | None) -> None:
        if speaker:
            self.last = (speaker, speaker_id)
            self.history.append((speaker, speaker_id))

    def _person_like(self, name: str | None, eid: str | None) -> bool:
        """Someone "he" or "she" can be: a person, or one unnamed person ("a nurse")."""
        if not name:
            return False
        if eid is not None:
            ent = self.work.entities.get(eid)
            return ent is not None and ent.type == "person"
        last = _desc_head(name)
        if last in description_words()["person_nouns"]:
            return True
        if last in ROLE_NOUNS:
            return not last.endswith("s") and last not in _COLLECTIVE
        if last in _COLLECTIVE or last in _BODIES or (name.split()[-1].islower() and last.endswith("s")) \
                or MEDIA_WORDS.search(name):
            return False  # "Provincial police", "State officials": no one person
        return name[:1].isupper() and len(name.split()) <= 4

    def _spokesman_of_person(self, subj) -> str | None:
        """"Ada Obi is alarmed, his spokesman told reporters": the spokesman for the one person
        named before in the same sentence (none when two are, or the spokesman is named)."""
        if subj.pos_ != "NOUN" or subj.lower_ not in _SPOKES or not any(
                c.dep_ == "poss" and c.lower_ in ("his", "her") for c in subj.children):
            return None
        people = {self.work.entities[m.ref_id].name for m in self.work.mentions or []
                  if subj.sent.start_char <= m.span.start < subj.idx and m.ref_id
                  and self.work.entities[m.ref_id].type == "person"}
        return f"{subj.lower_} for {people.pop()}" if len(people) == 1 else None

    def resolve(self, subj, before: int) -> tuple[str | None, str | None, str]:
        found = self._resolve(subj, before)
        name = found[0]
        ent = self.work.entities.get(found[1]) if found[1] else None
        person = ent is not None and ent.type == "person" and not set(ent.name.split()) & _ORG_HEADS and any(
            m.ref_id == ent.id and m.span.start <= subj.idx < m.span.end for m in self.work.mentions or [])
        if name and not person and not found[2].startswith(("pronoun", "anaphor", "role->")):
            # (A person's employer is no part of their name: "the channel's Ada Obi".)
            written = _possessed_name(subj, self.work)
            if written and written != name and _norm_words(name) <= _norm_words(written):
                found = (written, found[1], found[2] + "+possessor")
                name = written
        if name and found[1] is None and found[2].startswith("subject-described") and name[:1].islower() \
                and not any(subj.sent.start_char <= m.span.start < subj.idx for m in self.work.place_mentions or []):
            # (not "In neighbouring Sinaloa, the state prosecutor's office said": another state's)
            # "The state prosecutor's office said" after "The Kano state prosecutor's office
            # said": the body named in full before.
            fuller = next((h for h in reversed(self.history) if h[0] and h[0].casefold().endswith(
                " " + name.casefold())), None)
            if fuller is not None:
                return fuller[0], fuller[1], found[2] + "+named-before"
        return found

    def _resolve(self, subj, before: int) -> tuple[str | None, str | None, str]:
        maker = made_by(subj) if subj.lemma_.lower() in document_nouns() else None
        if maker is not None:
            return self._resolve(maker, before)  # "A statement issued by the command said"
        text = self.work.text
        left, right = core_range(subj)
        phrase = text[left:right]
        low = subj.lower_
        controlled = _controlled_body(phrase, left, self.work)
        if controlled:
            # "The Hamas-run health ministry said": the ministry, as the figure's source is named.
            known = lookup(re.sub(r"^the\s+", "", controlled[0], flags=re.I))
            if known and known[1] in ("organization", "government"):
                ent = self.work.resolver.resolve(known[0], "ORG")
                return known[0], ent.id if ent is not None else None, "subject"
            name, eid = resolve_phrase(controlled[0], controlled[1], right, self.work)
            if eid:
                return name, eid, "subject"
            bare = re.sub(r"^the\s+", "", controlled[0], flags=re.I)
            found = _qualified_by_main_place(self.work, bare.casefold())
            # (else as written, with who runs it: "the Hamas-run media office")
            return (found[0], found[1], "subject-qualified") if found else (
                re.sub(r"^the\s+", "", phrase, flags=re.I), None, "subject-described")
        if low in ("who", "which", "that") and subj.head.dep_ == "relcl":
            head = subj.head.head
            if low == "who" and head.dep_ in ("pobj", "appos") and subj.i and subj.doc[subj.i - 1].text == ",":
                # "Ada Obi, a former aide to Governor Ali Kaya, who confirmed ...": the parser hung
                # the clause on the name inside the apposition; it is the apposed person's.
                t = head
                for _ in range(4):
                    if t.dep_ == "appos" and t.head.pos_ == "PROPN":
                        head = t.head
                        if not any(m.span.start <= head.idx < m.span.end for m in self.work.mentions or []):
                            return self._resolve(head, before)  # a name the tagger missed
                        break
                    if t.head is t:
                        break
                    t = t.head
            left, right = core_range(head)
            right = min(right, subj.idx)
            phrase = text[left:right]
        elif low in PRONOUNS and subj.i == subj.left_edge.i == subj.right_edge.i:
            return self._pronoun(subj, before)
        elif low == "it" and subj.i == subj.left_edge.i == subj.right_edge.i:
            if self.last and self.last[0] and not self._person_like(*self.last):
                # "The ministry said … It said another 13 were wounded": the body that spoke
                # last, not the last organisation merely named (the armed group it blamed).
                return self.last[0], self.last[1], "pronoun->last_speaker"
            org = last_org(self.work, before)
            if org:
                return org[0], org[1], "pronoun->last_organisation"
            return None, None, "pronoun-unresolved"
        both = _coordinated(subj, self.work)
        if both:
            return both, None, "subject-coordinated"
        if subj.pos_ == "PROPN":
            # "Ihor Klymenko, the interior minister, said": the subject itself is the person.
            # The name the head word is part of, else the first name before it.
            own = next((m for m in self.work.mentions or [] if m.ref_id and m.span.start <= subj.idx < m.span.end
                        and self.work.entities[m.ref_id].type == "person"), None)
            role = [t for t in subj.lefts if t.dep_ == "compound" and t.pos_ == "NOUN" and t.text.islower()]
            # A name before the role noun qualifies the role, whatever the tagger took it for
            # ("Cali mayor Ada Obi said": the mayor of Cali): the person is named after it.
            start = role[-1].idx + len(role[-1]) if role else subj.left_edge.idx
            head_person = (self.work.entities[own.ref_id].name, own.ref_id) if own is not None else named_person(
                self.work, start, subj.idx + len(subj))
            if head_person:
                return head_person[0], head_person[1], "subject"
            after = _person_after_role(subj, self.work)
            if after:
                return after[0], after[1], "subject-role-of"
            if any(c.dep_ == "det" and c.lower_ == "the" for c in subj.children):
                named = _named_earlier_as(self.work, subj, before)
                if named:
                    return named[0], named[1], "role->person"
            if role:
                # "MDA medic Ada Obi said": the name after a role noun is a person's, whatever
                # the tagger took it for.
                run = subj.doc[role[-1].i + 1:subj.i + 1]
                name = run.text
                if all(t.pos_ == "PROPN" and t.text[:1].isupper() for t in run) and 2 <= len(run) <= 4 \
                        and not lookup(name):
                    return name, None, "subject-name"
            if not any(m.span.start <= subj.idx < m.span.end for m in self.work.mentions or []):
                # "Senior medic Ada Obi said": a name the tagger missed after an organisation's
                # acronym is still the person's.
                name = proper_name(subj, subj, self.work)
                if name and 2 <= len(name.split()) <= 5:
                    name = _strip_titles(name, person=True)  # "Chief Ada Obi" -> "Ada Obi"
                    if 2 <= len(name.split()) <= 4 and not set(name.split()) & name_titles():
                        return name, None, "subject-name"
        if (subj.pos_ == "NOUN" and subj.lemma_.lower() in document_nouns() and subj.lower_ == subj.lemma_.lower()
                and any(c.dep_ == "det" and c.lower_ == "the" for c in subj.children)
                and all(c.dep_ == "det" or (c.dep_ == "compound" and c.pos_ == "NOUN" and c.text.islower())
                        for c in subj.children) and any(c.dep_ == "compound" for c in subj.children)):
            # "the ministry statement said": the statement of the ministry that spoke before.
            kind = next(c.lower_ for c in subj.children if c.dep_ == "compound")
            for name, eid in reversed(self.history):
                if kind in name.casefold().split() or _desc_head(name) == kind:
                    return name, eid, "anaphor->earlier_speaker"
        if subj.pos_ == "NOUN" and all(c.dep_ == "det" and c.lower_ in ("the", "this", "that")
                                       for c in subj.children) and any(c.dep_ == "det" for c in subj.children):
            # "the spokesperson said" after "The spokesperson of the police command, NAME,".
            named = _named_earlier_as(self.work, subj, subj.idx) if subj.lower_ in _OFFICE_NOUNS else None
            if named:
                return named[0], named[1], "role->person"
            # "the report said" after "an unclassified intelligence report said": the same one.
            earlier = self.earlier(subj.lower_)
            if earlier:
                return earlier[0], earlier[1], "anaphor->earlier_speaker"
            titled = self.titled(subj.lemma_.lower(), subj.idx)
            if titled:
                return titled[0], titled[1], "role->titled_person"
            held = self.holder(subj) if subj.lower_ in _OFFICE_NOUNS else None
            if held and self.last and held[1] != self.last[1]:
                # "Interior Minister Ada Obi visited … The minister said": the minister named
                # last, though someone else spoke last.
                return held[0], held[1], "role->person"
            if (subj.lower_ in _OFFICE_NOUNS and self.last and self.last[0]
                    and not (self.last_anon and _desc_head(self.last_anon) == subj.lower_)
                    and self._person_like(*self.last) and self.last[0][:1].isupper()):
                # "NAME, the spokesperson of the prosecutor's office, said … The official said":
                # the person who just spoke, not an anonymous official.
                return self.last[0], self.last[1], "anaphor->last_person_speaker"
            if subj.lower_ in _MEDIA_NOUNS:
                media = next(((n, e) for n, e in reversed(self.history) if e is not None
                              and self.work.entities[e].type == "media"), None) or last_entity(
                    self.work, subj.idx, ("media",))
                media = media or next(((n, e) for n, e in reversed(self.history) if MEDIA_WORDS.search(n)), None)
                if media:
                    return media[0], media[1], "anaphor->last_outlet"
            if subj.lemma_.lower() in document_nouns() and subj.lower_ == subj.lemma_.lower():
                # "The statement said": the statement of whoever spoke last, else of the last
                # organisation named ("… Ukrzaliznytsia's telegram. “…,” the statement reads").
                if self.last and self.last[0]:
                    return self.last[0], self.last[1], "anaphor->last_speaker"
                org = last_org(self.work, subj.idx)
                if org:
                    return org[0], org[1], "anaphor->last_organisation"
        if low == "one" and not any(m.span.start <= subj.idx < m.span.end for m in self.work.mentions or []):
            # "One of the first responders, a pastor of a nearby church, said": the apposed role.
            role = next((c for c in subj.children if c.dep_ == "appos" and c.pos_ == "NOUN"), None)
            if role is not None and not person_in(self.work, role.left_edge.idx, role.right_edge.idx + 1):
                desc = described_as_written(role, self.work)
                self.last_anon = desc
                return desc, None, "anonymous"
        if subj.lower_ in _BODIES and subj.text.islower() and not any(
                c.dep_ == "poss" and c.pos_ == "PROPN" for c in subj.children):
            # "the interior ministry said" in a story about one country: that country's ministry
            # when the text names the country and the dictionary knows the body.
            bare = re.sub(r"^(?:the\s+)?(?:country|nation)[’']s\s+|^the\s+", "", phrase, flags=re.I)
            bare = _CONTROLLER.sub("", bare)  # "the Hamas-run health ministry": the ministry
            found = _qualified_by_main_place(self.work, bare) if bare.islower() else None
            if found:
                return found[0], found[1], "subject-qualified"
        spoken = self._role_of_org(subj)
        if spoken:
            return spoken, None, "role-of-organisation"
        person = _apposed_person(subj, self.work) or _not_a_place_object(
            subj, appositive_person(subj, self.work), self.work)
        if person:
            if subj.pos_ == "NOUN" and any(c.dep_ == "det" and c.lower_ == "the" for c in subj.children):
                # "The doctor, Ada Obi, said": the doctor quoted before, unnamed, was Ada Obi.
                self.named_later.append((subj.idx, subj.lemma_.lower(), person))
            return person[0], person[1], "subject-apposition"
        speaks_for = self._spokesman_of_person(subj)
        if speaks_for:
            return speaks_for, None, "role-of-person"
        whole = known_phrase(subj, self.work)
        if whole:
            return whole[0], whole[1], "subject"
        head = subj.lower_ if subj.lower_ in ANON_HEADS else subj.lemma_.lower()
        if subj.pos_ == "NOUN":
            held = self.holder(subj)
            if held:
                return held[0], held[1], "role->person"
        body = body_anaphor(subj, self.last, self.work)
        if body is not None:
            return body[0], body[1], "anaphor->last_speaker"
        if is_role(subj, self.work) and not re.match(r"^(the|this|that)\b", phrase, re.I):
            desc = described_as_written(subj, self.work)
            self.last_anon = desc
            return desc, None, "anonymous"
        if re.match(r"^the\b", phrase, re.I) and not any(c.dep_ == "appos" for c in subj.children):
            # "Human Rights Watch documented … The international rights group said": the one
            # organisation of that kind the text named before (not "the rights group, Amnesty
            # International, said": it names its own).
            described = named_before(phrase, subj.idx, self.work)
            if described is not None:
                return described[0], described[1], "described->named"
        if head in ANON_HEADS and re.match(r"^(the|this|that)\b", phrase, re.I) and self.last_anon:
            # (a description of the same kind: "the militant group" is no "international rights
            # group")
            if (_desc_head(self.last_anon) == head and same_kind(phrase, self.last_anon)) \
                    or head in ("source", "official"):
                return self.last_anon, None, "anaphor->anonymous"
        name, eid = resolve_phrase(phrase, left, right, self.work)
        if name and eid:
            return name, eid, "subject"
        if head in ANON_HEADS:
            desc = described_as_written(subj, self.work)
            self.last_anon = desc
            return desc, None, "anonymous"
        if name:
            return name, None, "subject-descriptor"
        if subj.pos_ == "NOUN" and subj.dep_ == "nsubj" and (subj.tag_ == "NNS" or subj.lemma_.lower() in (
                "staff", "personnel")) and len(phrase.split()) <= 4 and not subj.text.isupper() and all(
                t.pos_ in ("NOUN", "ADJ", "PROPN", "DET") for t in subj.lefts) and not any(
                t.dep_ == "agent" or t.lower_ == "by" for t in subj.subtree):  # "testimonies gathered by X"
            # "Depot staff said …", "Aid organisations reported …": people described, no article.
            return described_as_written(subj, self.work), None, "subject-described"
        if subj.pos_ == "NOUN" and subj.dep_ in ("nsubj", "nsubjpass") and re.match(
                r"^(the|a|an)\b", phrase, re.I) and len(phrase.split()) <= 6 and (
                subj.dep_ == "nsubjpass" or any(v.lemma_.lower() in SPEECH for v in (
                    subj.head, *(c for c in subj.head.children if c.dep_ in ("conj", "advcl"))))):
            # "the regional emergency office said": the subject of a speech verb, as described
            # (not "The attack damaged 18 buildings, the governor said": a subject of the claim).
            return described_as_written(subj, self.work), None, "subject-described"
        name = proper_name(subj, subj, self.work) if subj.pos_ == "PROPN" else None
        if name and len(name.split()) <= 4:
            return name, None, "subject-name"
        if subj.text[:1].isupper() and subj.left_edge.i == subj.right_edge.i == subj.i:
            # A surname the tagger missed ("Kaya later told ..."): a person the text named before.
            key = _name_key(subj.text)
            for ent in self.work.entities.values():
                if ent.type == "person" and len(ent.name.split()) > 1 and _name_key(ent.name.split()[-1]) == key:
                    return ent.name, ent.id, "subject-surname"
        return None, None, "unresolved"

    def _role_of_org(self, subj) -> str | None:
        """"a spokesman for the Kessa Army" -> "Kessa Army spokesman"; "an official from the
        Kessa Watch group", "a source close to the movement's leaders": the role as written. Not
        the organisation itself: the role speaks, as one of it."""
        if subj.pos_ != "NOUN" or not is_role(subj, self.work) or person_in(
                self.work, subj.left_edge.idx, subj.right_edge.idx + len(subj.right_edge)):
            return None
        prep = next((c for c in subj.rights if c.i == subj.i + 1 and (
            (c.dep_ == "prep" and c.lower_ in ("for", "of", "from"))
            or (c.dep_ == "amod" and c.lower_ == "close"))), None)
        if prep is None:
            return None
        close = prep if prep.lower_ == "close" else None
        if close is not None:
            prep = next((c for c in close.children if c.dep_ == "prep" and c.lower_ == "to"), None)
            if prep is None:
                return None
        obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
        if obj is None or (obj.pos_ != "PROPN" and not any(c.dep_ in ("poss", "compound") and c.pos_ == "PROPN"
                                                           for c in obj.children)):
            return None
        org = known_phrase(obj, self.work) or _org_named(self.work, obj.left_edge.idx, obj.right_edge.idx + len(obj.right_edge))
        if org is None:
            return None
        if subj.lower_.startswith("spokes") and prep.lower_ in ("for", "of"):
            return f"{org[0]} {subj.text}"
        if close is not None:
            last = obj.right_edge
            return f"{subj.text} {self.work.text[close.idx:last.idx + len(last)]}"
        if prep.lower_ == "from":
            return described_as_written(subj, self.work)
        return None

    def pronoun(self, low: str, tok, before: int) -> tuple[str | None, str | None, str]:
        """"according to him / her": as "he" / "she"."""
        return self._pronoun(tok, before, {"him": "he", "her": "she"}.get(low, low))

    def _pronoun(self, subj, before: int, low: str | None = None) -> tuple[str | None, str | None, str]:
        """he/she: the subject of the sentence before when it names a person, else the speaker of
        the last statement who is one person (not the last person merely named); they: a plural
        subject of the sentence before."""
        low = low or subj.lower_
        last_person = last_entity(self.work, before, ("person",))
        if low in ("he", "she"):
            last_is_person = self.last and self.last[0] and (
                self.last[1] is None or self.work.entities[self.last[1]].type == "person")
            # A quotation's "he said" looks before the quotation, not inside it.
            span = subj.doc.char_span(before, before + 1, alignment_mode="expand")
            anchor = span[0] if span is not None and span[0].i < subj.sent.start else subj
            recent = self._previous_subject(anchor)
            for cand in self._previous_subjects(anchor):
                # The subject of the sentence before, or of a speech verb in it, that names a
                # person ("…, NAME said on Monday, the agency reported. …, he said": NAME).
                ref = self._person_named_by(cand)
                if ref is not None:
                    return ref[0], ref[1], "pronoun->previous_subject"
            sole = self._sole_person_before(anchor)
            if sole is not None:
                return sole[0], sole[1], "pronoun->previous_sentence_person"
            if (recent is not None and recent.pos_ == "PROPN" and recent.text[:1].isupper()
                    and recent.ent_type_ not in ("GPE", "LOC", "ORG", "NORP", "FAC")
                    and not any(m.span.start <= recent.idx < m.span.end and m.ref_id for m in self.work.mentions or [])
                    and any(c.dep_ == "appos" and (c.lemma_.lower() in ROLE_NOUNS | common_roles()
                                                   or c.lemma_.lower() in description_words()["person_nouns"])
                            for c in recent.children)):
                # "Nasser, a resident of Kessa, recounted the night. “…,” he said": a one-word
                # name the tagger did not take, given a person's role.
                return recent.text, None, "pronoun->previous_subject"
            if recent is not None:
                if (recent.pos_ == "PROPN" and self.last and self.last[0] and _name_key(recent.text)
                        in {_name_key(w) for w in self.last[0].split()}):
                    # "Obi later disclosed ... “…,” he said": the speaker just named, whatever
                    # the tagger took the name for.
                    return self.last[0], self.last[1], "pronoun->previous_subject"
            if last_is_person and self._person_like(*self.last):
                return self.last[0], self.last[1], "pronoun->last_speaker"
            for name, eid in reversed(self.history):
                if self._person_like(name, eid):
                    return name, eid, "pronoun->last_person_speaker"
            if last_person:
                return last_person[0], last_person[1], "pronoun->last_person"
            return None, None, "pronoun-unresolved"
        if low == "they":
            recent = self._previous_subject(subj)
            if recent is not None and recent.tag_ in ("NNS", "NNPS") and recent.lower_ in ROLE_NOUNS | {
                    "journalists", "reporters", "officers", "soldiers", "police"}:
                desc = described_as_written(recent, self.work)
                self.last_anon = desc
                return desc, None, "pronoun->previous_subject"
        if self.last and self.last[0]:
            return self.last[0], self.last[1], "pronoun->last_speaker"
        return None, None, "pronoun-unresolved"

    @staticmethod
    def _previous_subject(subj):
        """The subject of the sentence before the one ``subj`` is in."""
        prev = _sentence_before(subj)
        if prev is None:
            return None
        return next((t for t in prev if t.dep_ in ("nsubj", "nsubjpass") and t.head.dep_ == "ROOT"),
                    None)

    def _sole_person_before(self, subj) -> tuple[str, str] | None:
        """The one person the sentence before names, outside any object phrase ("Earlier, Ada
        Obi, a hospital spokesman, put the toll at 83. …, he added": the parser may not make her
        the subject)."""
        prev = _sentence_before(subj)
        if prev is None or any(t.dep_ in ("nsubj", "nsubjpass") and t.lower_ in PRONOUNS and (
                t.head.dep_ == "ROOT" or t.head.lemma_.lower() in SPEECH) for t in prev):
            return None  # "He said …. …, he added": the chain goes on with the last speaker
        doc = subj.doc
        found: dict[str, str] = {}
        for m in self.work.mentions or []:
            if not (prev.start_char <= m.span.start < prev.end_char) or not m.ref_id:
                continue
            ent = self.work.entities[m.ref_id]
            if ent.type != "person" or len(ent.name.split()) < 2:
                continue
            span = doc.char_span(m.span.start, m.span.end, alignment_mode="expand")
            t = span.root if span is not None else None
            while t is not None and t.head.i != t.i:
                if t.dep_ in ("pobj", "dobj", "poss") and not (
                        t.dep_ == "pobj" and t.head.lower_ == "to" and t.head.head.lower_ == "according"):
                    break
                t = t.head
            if t is not None and t.head.i != t.i:
                continue  # "the son of Ada Obi", "killed Ada Obi"
            found[ent.id] = ent.name
        if len(found) != 1:
            return None
        eid, name = next(iter(found.items()))
        return name, eid

    @staticmethod
    def _previous_subjects(subj) -> list:
        """The subject of the sentence before, then the subjects of its speech verbs."""
        prev = _sentence_before(subj)
        if prev is None:
            return []
        root = [t for t in prev if t.dep_ in ("nsubj", "nsubjpass") and t.head.dep_ == "ROOT"][:1]
        return root + [t for t in prev if t.dep_ == "nsubj" and t.head.lemma_.lower() in SPEECH
                       and t not in root]

    def _person_named_by(self, tok) -> tuple[str, str] | None:
        return (_apposed_person(tok, self.work) or named_person(self.work, *core_range(tok))
                or appositive_person(tok, self.work))


_VERBS = "(?:" + "|".join(map(re.escape, _AFTER_FORMS)) + ")"
_AFTER_QUOTE = re.compile(rf"[\s,]*(?:{_VERBS}\s+(?P<np1>[^,.;:“”\"]{{2,120}})"
                          rf"|(?P<np2>[^,.;:“”\"]{{2,90}}?)\s+{_VERBS}\b)")
_NAMED = re.compile(r"(?:identified(?: (?:himself|herself|themselves))?(?: only)? as|gave (?:only )?(?:her|his|their) (?:first )?"
                    r"name(?:,| as)?|named|called)\s+(?P<n>[A-Z][\w’'-]+(?:\s[A-Z][\w’'-]+){0,2})")
_NP_CUT = re.compile(r"\s(?:who|whose|from|in|at|outside|with|near|on|by|to|inside|after)\b")
_AGE = re.compile(r"\b\d+-year-old\s+|\b(?:a|an|the|one|another|one of the)\s+", re.I)


def surface_speaker(work: Work, q_end: int, limit: int) -> tuple[str, str | None, str] | None:
    """Speaker from the words right after a quotation when the parse gave none:
    '”, said a mother from the Birere district', '” a woman who gave her name as Olena told ...'."""
    text = work.text
    m = _AFTER_QUOTE.match(text, q_end, limit)
    if m is None:
        return None
    g = "np1" if m.group("np1") else "np2"
    np, a, b = m.group(g), m.start(g), m.end(g)
    named = _NAMED.search(np)
    if named:
        return named.group("n"), None, "surface-named"
    head = _NP_CUT.split(np, maxsplit=1)[0]
    person = named_person(work, a, a + len(head))
    if person:
        return person[0], person[1], "surface"
    head = _AGE.sub("", head).strip()
    words = head.split()
    if 0 < len(words) <= 4 and words[-1].lower() in ROLE_NOUNS | common_roles() | {
            "girl", "boy", "son", "daughter", "locals"}:
        tok = next((t for t in reversed(work.spacy_doc.char_span(a, b, alignment_mode="expand") or [])
                    if t.text == words[-1]), None)
        if tok is not None:
            desc = described_as_written(tok, work)
            if _desc_head(desc) == words[-1].lower():
                return desc, None, "surface-anonymous"
        return head, None, "surface-anonymous"
    return None


_QA_LINE = re.compile(r"^(?P<label>[A-Z][A-Za-z .’'-]{0,40}?):[ \t]+(?P<body>\S[^\n]*)$", re.M)
_INTERVIEWER = {"q", "question", "interviewer"}


def _interview_answers(work: Work) -> list[Quote]:
    """A Q&A transcript ("Confluence Review: When did ...?" / "Surgeon: Around 5 ..."): every
    answer is a direct quote of the interviewee, in an interview with the outlet."""
    text = work.text
    lines = list(_QA_LINE.finditer(text))
    outlet = (work.raw.outlet or "").casefold()
    asks = [m for m in lines if m.group("label").casefold() in _INTERVIEWER | {outlet}
            or m.group("body").rstrip().endswith("?")]
    answers = [m for m in lines if m not in asks]
    if len(asks) < 2 or len(answers) < 2:
        return []
    venue = f"interview with {work.raw.outlet}" if work.raw.outlet else "interview"
    out = []
    for m in answers:
        speaker, speaker_id = _label_speaker(m.group("label"), work)
        a, b = m.start("body"), m.end("body")
        out.append(Quote(
            id="", doc_id=work.doc_id, speaker=speaker, speaker_id=speaker_id, text=text[a:b],
            kind="direct", venue=venue, said_on=None, span=Span(a, b, text[a:b]),
            raw_span=work.clean.raw_span(a, b), statement_id=statement_id(speaker_id or speaker, text[a:b]),
            provenance=Provenance(VERSION, 0.8, "interview-answer"), speaker_rule="interview-answer"))
    return out


def _label_speaker(label: str, work: Work) -> tuple[str, str | None]:
    """"SAMIR AWAD" or "AWAD" -> the person the article names; "Surgeon" -> "surgeon"."""
    words = label.split()
    if label.isupper():
        label = " ".join(w.capitalize() for w in words)
    for m in work.mentions or []:
        ent = work.entities.get(m.ref_id) if m.ref_id else None
        if ent is not None and ent.type == "person" and words[-1].casefold() in ent.name.casefold().split():
            return ent.name, ent.id
    if len(words) == 1 and label.lower() in ROLE_NOUNS:
        return label.lower(), None
    return label, None


def _para_start(text: str, pos: int) -> int:
    i = text.rfind("\n\n", 0, pos)
    return 0 if i < 0 else i + 2


def _is_quotation(text: str, c0: int, c1: int, qabs: list[tuple[int, int]]) -> bool:
    """A reported clause that opens with the quote mark is the direct quote's; one with words
    quoted inside stays indirect ("he said the gunmen had “taken various goods”")."""
    if c0 < len(text) and text[c0:c0 + 5].lower() == "that ":
        c0 += 5
    # A clause that only opens with a few quoted words goes on in the writer's words: it stays
    # indirect ("confirming that “clean-up operations” were under way in the area").
    return any(a <= c0 + 1 < b and (b - c0) * 2 >= c1 - c0 for a, b in qabs)


def _impersonal(verb) -> bool:
    """"It is estimated that ...", "it was reported that ...": nobody is named as saying it."""
    return any(c.dep_ in ("nsubjpass", "expl") and c.lower_ in ("it", "there") for c in verb.children)


def _according_to(sent):
    """"According to X, CLAUSE" and "CLAUSE, according to X": (the token 'according', X's head,
    clause start, clause end). X's head is the agent in "a report issued by X"."""
    doc = sent.doc
    for tok in sent:
        if tok.lower_ != "according" or tok.i + 1 >= sent.end or doc[tok.i + 1].lower_ != "to":
            continue
        to = doc[tok.i + 1]
        who = next((c for c in to.children if c.dep_ == "pobj"), None)
        if who is None:
            continue
        agent = None
        if who.lemma_.lower() in document_nouns() or who.lower_ in INFO_NOUNS:
            # "a report issued by X", "a joint statement from X and Y": X's words.
            agent = next((g for t in who.subtree if t.lower_ in ("by", "from") and t.head.i != tok.i
                          for g in t.children if g.dep_ == "pobj"), None)
        pp = list(tok.subtree) + list(to.subtree)
        left = min(t.i for t in pp)
        right = max(t.i for t in pp)
        body = [t for t in sent if not t.is_punct and not t.is_space]
        if not body:
            continue
        root = sent.root
        # "Meanwhile, according to X, 50 bodies were found", "As of 2 p.m., according to X, …":
        # fronted after an adverbial, the clause after it is X's; "The toll, according to X,
        # rose to 40": set inside the clause, the whole sentence is.
        inside = root.i > right and right + 1 < sent.end and doc[right + 1].text == ","
        # (any subject before it: "When the police, according to witnesses, opened fire, …")
        subject_before = inside and any(t.dep_ in ("nsubj", "nsubjpass") for t in doc[sent.start:left])
        if left <= body[0].i + 1 or (inside and not subject_before):
            first = next((t for t in doc[right + 1:sent.end] if not t.is_punct and not t.is_space), None)
            last = body[-1]
            if first is None or first.i > last.i:
                continue
        elif subject_before:
            first, last = body[0], body[-1]
        else:
            first = body[0]
            last = next((t for t in reversed(doc[sent.start:left]) if not t.is_punct and not t.is_space),
                        None)
            if last is None:
                continue
        yield tok, agent or who, first.idx, last.idx + len(last)


def _passive_report(sent, qabs: list[tuple[int, int]]):
    """"Three died at the district hospital, confirmed by hospital official Ada Obi.", "…, as
    reported by the health ministry.": (verb, the agent, clause start, clause end) — the clause
    is the sentence up to the comma before the participle."""
    doc = sent.doc
    for verb in _speech_verb(sent, qabs):
        if verb.tag_ != "VBN" or verb.lemma_.lower() not in INDIRECT or any(
                c.dep_ in ("nsubj", "nsubjpass", "ccomp") for c in verb.children):
            continue
        agent = next((c for c in verb.children if c.dep_ == "agent"), None)
        who = next((g for g in agent.children if g.dep_ == "pobj"), None) if agent is not None else None
        if who is None:
            continue
        cut = verb.i - 1
        if doc[cut].lower_ == "as":
            cut -= 1
        body = [t for t in sent if not t.is_space]
        if doc[cut].text != "," or cut <= body[0].i + 3:
            continue
        last = doc[cut - 1]
        return verb, who, body[0].idx, last.idx + len(last)
    return None


def _speech_verb(sent, qspans_abs: list[tuple[int, int]]):
    """Speech verbs in a sentence whose token lies outside every quotation."""
    for tok in sent:
        if tok.pos_ in ("VERB", "AUX") and tok.lemma_.lower() in SPEECH and not any(
                a <= tok.idx < b for a, b in qspans_abs) and not claims_an_act(tok):
            yield tok


_QUANTIFIERS = {"between", "and", "to", "up", "about", "around", "some", "nearly", "over", "more",
                "than", "at", "least", "almost", "roughly", "approximately", "as", "many", "few",
                "fewer", "no", "only", "just", "-", "–"}


# Verbs whose promise is an infinitive ("vowed to hunt down the attackers").
_PLEDGES = {"vow", "pledge", "promise", "threaten", "undertake"}


def _reporting_tail(clause, verb) -> bool:
    """", the Courier reported" after the verb: a reporting verb with only its subject."""
    doc = clause.doc
    return (clause.i > verb.i and clause.lemma_.lower() in SPEECH and clause.left_edge.i > 0
            and "," in (doc[clause.left_edge.i].text, doc[clause.left_edge.i - 1].text)
            and all(g.dep_ in ("nsubj", "aux", "punct", "advmod", "npadvmod") or (
                g.dep_ == "prep" and all(t.ent_type_ in ("DATE", "TIME") or t.i == g.i for t in g.subtree))
                    for g in clause.children))


_SAID_IN = frozenset(w.split()[-1] for w in _data("speech_verbs.yaml", "SITREP_SPEECH_VERBS").get("said_in_nouns") or [])


def _too_short(sent, c0: int, c1: int) -> bool:
    """Under four words says too little to be a statement ("said so", "said it was"), unless it
    gives a count ("police said 6 people died")."""
    return len(doc_text(sent.doc)[c0:c1].split()) < 4 and not any(
        t.like_num for t in sent if c0 <= t.idx < c1)


def _reported_clause(verb) -> tuple[int, int] | None:
    """Character range of what the speech verb reports: its clausal complement after the verb
    ("said [that] X"), else before it ("X, officials said"). A number the parser hung on the verb
    ("said between 300 and 400 people had been killed") is taken into the clause."""
    # "…, NAME said on Monday, the Courier reported": a bare reporting tail the parser hung on
    # the verb is not what it reports.
    clauses = [c for c in verb.children if c.dep_ == "ccomp" and not _reporting_tail(c, verb)]
    if not clauses:
        # "said in a statement that two fighters were wounded": the parser hung the clause on
        # the noun of the "in" phrase; it is still what the verb reports.
        clauses = [g for c in verb.children if c.dep_ == "prep" and c.lower_ == "in" and c.i > verb.i
                   for n in c.children if n.dep_ == "pobj" and n.lemma_.lower() in _SAID_IN
                   for g in n.children if g.dep_ in ("acl", "relcl", "ccomp") and g.i > n.i
                   and any(m.dep_ == "mark" and m.lower_ == "that" for m in g.children)][:1]
    after = [c for c in clauses if c.i > verb.i]
    if after:
        clause = after[0]
        first = clause.left_edge
        last = max(after, key=lambda c: c.right_edge.i).right_edge
        gap = verb.doc[verb.i + 1:first.i]
        if len(gap) and any(t.like_num for t in gap) and all(
                t.like_num or t.lower_ in _QUANTIFIERS or (t.pos_ == "NOUN" and t.doc[t.i - 1].like_num)
                for t in gap):
            first = gap[0]
        elif len(gap) and gap[0].lower_ == "among" and gap[0].head.i == verb.i and \
                gap[0].right_edge.i == first.i - 1 and first.lemma_ == "be":
            first = gap[0]  # "said among the dead were 21 civilians": the clause inverted
        return first.idx, last.idx + len(last)
    if clauses:
        clause = clauses[-1]
        tail = counted_subject_tail(verb)
        end = tail.left_edge.i - 1 if tail is not None and clause.right_edge.i >= tail.i else clause.right_edge.i
        while end > clause.left_edge.i and verb.doc[end].is_punct:
            end -= 1  # "…killed 12 people, | two soldiers and a policeman said": up to the comma
        return clause.left_edge.idx, verb.doc[end].idx + len(verb.doc[end])
    doc = verb.doc
    if verb.lemma_.lower() in _PLEDGES:
        # "The governor vowed to find those responsible": what was promised, from "to".
        plan = next((c for c in verb.children if c.dep_ == "xcomp" and c.i > verb.i
                     and any(a.lower_ == "to" for a in c.children)), None)
        if plan is not None:
            return plan.left_edge.idx, plan.right_edge.idx + len(plan.right_edge)
    # "A bomb killed five people in the town, the army said.": a tail attribution the parser
    # gave no clause; what it reports is the sentence up to the comma before the speaker.
    subs = [c for c in verb.children if c.dep_ == "nsubj" and c.i < verb.i]
    # (The parser may hang the tail on the sentence's verb as a conjunct with no "and": "…
    # were killed in Karma, a local prosecutor said late Sunday.")
    if not subs or verb.dep_ != "ROOT" and not (verb.dep_ == "parataxis" and verb.head.dep_ == "ROOT") and not (
            verb.dep_ == "conj" and verb.head.dep_ == "ROOT" and not any(
                c.dep_ == "cc" for c in verb.children) and not any(
                t.dep_ == "cc" for t in verb.doc[verb.head.i + 1:verb.i] if t.head.i == verb.head.i)):
        return None
    who = max(subs, key=lambda c: c.i)
    comma = who.left_edge.i - 1
    sent = verb.sent
    body = [t for t in sent if not t.is_space]
    rest = doc[verb.i + 1:sent.end]
    # (", the army said, in its latest update" / "…, as rescuers searched": an aside after a
    # comma that the verb governs is no part of what it reports)
    aside = next((t.i for t in rest if t.text == "," and t.i + 1 < sent.end
                  and doc[t.i + 1].lower_ in _TAIL_ASIDE_WORDS), sent.end)
    if comma <= body[0].i + 3 or doc[comma].text != "," or any(
            not (t.is_punct or t.is_space or t.ent_type_ in ("DATE", "TIME") or t.dep_ in ("prep", "pobj", "det"))
            for t in doc[verb.i + 1:aside]):
        return None
    last = doc[comma - 1]
    return body[0].idx, last.idx + len(last)


# Words that open an aside after a tail attribution: "…, the ministry said, in its latest
# update", "…, the service said, as rescuers searched the rubble" (speech_verbs.yaml).
_TAIL_ASIDE_WORDS = frozenset(_data("speech_verbs.yaml", "SITREP_SPEECH_VERBS").get("tail_aside_words") or ())


def _reported_object(verb) -> tuple[int, int] | None:
    """Character range of what a verb of the ``object`` list reports when it has no clause: its
    object and what follows it in the verb's phrase ("reported [two dead and four wounded in the
    strike]", "reported [hearing gunfire]", "writes [about 21 deaths]"). Not a pronoun, and three
    words or a number at least: "confirmed the attack" reports an event, not a statement."""
    need = object_verbs().get(verb.lemma_.lower())
    if need is None or verb.tag_ == "VBN" and not any(c.dep_ == "aux" for c in verb.children) or any(
            c.dep_ == "neg" for c in verb.children):
        return None  # "were reported dead" (passive), "does not report its losses" (nothing said)
    obj = next((c for c in verb.rights if c.dep_ in ("dobj", "xcomp", "pcomp") or (
        c.dep_ == "prep" and c.lower_ in ("about", "of") and c.i == verb.i + 1)), None)
    if obj is None or obj.pos_ in ("PRON", "PROPN") or obj.dep_ in ("xcomp", "pcomp") and obj.tag_ != "VBG":
        return None
    gerund = obj.tag_ == "VBG"
    if need == "gerund" and not gerund or (need == "number" or obj.dep_ == "prep") and not any(
            t.like_num for t in obj.subtree):
        return None
    doc = verb.doc
    first = obj.left_edge if obj.dep_ != "prep" else doc[obj.i + 1] if obj.i + 1 < len(doc) else obj
    last = verb.right_edge
    while last.i > first.i and (last.is_punct or last.is_space):
        last = doc[last.i - 1]
    words = [t for t in doc[first.i:last.i + 1] if not t.is_punct]
    if len(words) < 3 and not any(t.like_num for t in words):
        return None
    return first.idx, last.idx + len(last)


def _as_clause(verb) -> tuple[int, int] | None:
    """"As the mayor announced, flags will fly at half-mast", "…, as the ministry said.": a
    speech verb in an "as" clause with nothing reported of its own reports the clause it hangs
    from (that clause less the "as" clause)."""
    if verb.dep_ != "advcl" or verb.tag_ not in ("VBD", "VBZ", "VBP") \
            or not any(c.dep_ == "mark" and c.lower_ == "as" for c in verb.children) \
            or not any(c.dep_ == "nsubj" for c in verb.children) \
            or any(c.dep_ in ("ccomp", "dobj", "xcomp", "auxpass") for c in verb.children):
        return None  # (not "as reported by the ministry": a passive, read by _passive_report)
    head, doc, sent = verb.head, verb.doc, verb.sent
    a, b = verb.left_edge.i, verb.right_edge.i
    # Opening the sentence or closing it only: "not 12, as the ministry said, but 40" disputes
    # what the ministry said; "As the UN warned, officials said …" is the officials' statement.
    ends = all(t.is_punct or t.is_space for t in doc[b + 1:sent.end])
    if not (a == sent.start or ends) or head.lemma_.lower() in SPEECH:
        return None
    rest = [t for t in head.subtree if not (a <= t.i <= b) and not t.is_punct and not t.is_space]
    if len(rest) < 3:
        return None
    return rest[0].idx, rest[-1].idx + len(rest[-1])


def _subject(verb, qabs: list[tuple[int, int]] = ()):
    """The verb's subject outside every quotation, nearest the verb."""
    subs = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")
            and not any(a <= c.idx < b for a, b in qabs)]
    tail = counted_subject_tail(verb)
    if tail is not None:
        return tail  # "…, an aid worker and local residents said"
    quoted = quoted_as_saying(verb)
    if quoted is not None:
        return quoted  # "Reuters quoted a local official as saying …"
    if subs:
        near = min(subs, key=lambda c: abs(c.i - verb.i))
        if near.lemma_.lower() in _EVENT_NOUNS:
            # "A resident who arrived after the strike told AFP": a misparse, the resident told it.
            return next(iter(_clause_owner(verb)), None)
        return near
    sent = verb.sent
    # "Confirming the incident to journalists, the Emir of Kessa, said:": the parser hung the
    # subject, set off by commas, on the object before it as an apposition.
    if verb.i > sent.start + 1 and verb.doc[verb.i - 1].text == ",":
        appos = next((t for t in sent if t.dep_ == "appos" and t.i < verb.i
                      and t.right_edge.i == verb.i - 2 and t.pos_ in ("PROPN", "NOUN")
                      and t.head.dep_ == "pobj" and t.head.head.head.dep_ == "advcl"), None)
        if appos is not None:
            return appos
    # "…, reported Geo News.": the inverted subject the parser took for an object.
    if verb.i > sent.start and verb.doc[verb.i - 1].text == ",":
        obj = next((c for c in verb.rights if c.dep_ in ("dobj", "attr", "dep") and c.pos_ in ("PROPN", "NOUN")
                    and c.left_edge.i == verb.i + 1), None)
        if obj is not None and (obj.right_edge.i + 1 >= sent.end or verb.doc[obj.right_edge.i + 1].is_punct):
            return obj
    # "Kaya later told reporters ...": a name the parser took for an adverb at the sentence start.
    lead = [t for t in sent if t.i < verb.i and not t.is_space]
    if lead and lead[0].text[:1].isupper() and lead[0].pos_ in ("ADV", "PROPN", "NOUN") and all(
            t.pos_ in ("ADV", "PROPN") and t.dep_ in ("advmod", "compound", "npadvmod", "nmod", "dep")
            for t in lead) and any(t.pos_ == "PROPN" or t.ent_type_ == "PERSON" or t.tag_ == "NNP" or (
                t is lead[0] and not t.is_stop and not t.lower_.endswith("ly")) for t in lead) or (lead and lead[0].ent_type_ == "PERSON" and all(
                                       t.pos_ in ("ADV", "PROPN") for t in lead)):
        names = [t for t in lead if t.ent_type_ == "PERSON" or t.pos_ == "PROPN"] or lead[:1]
        return names[-1]
    # "The army issued a statement saying …", "a statement issued by the army saying …": who
    # made the statement.
    if verb.tag_ == "VBG" and verb.dep_ == "acl" and verb.head.lemma_.lower() in document_nouns():
        maker = made_by(verb.head)
        if maker is not None:
            return maker
    # "…, with residents saying there were no soldiers there": the noun the participle modifies.
    if (verb.tag_ == "VBG" and verb.dep_ == "acl" and verb.head.pos_ in ("NOUN", "PROPN")
            and verb.head.dep_ == "pobj" and verb.head.head.lower_ == "with"):
        return verb.head
    # Parses that hang the subject elsewhere: "The government had earlier told ..." (on the
    # auxiliary); "The authority urged restraint, warned that ..." (in the clause before,
    # taken for the verb's complement).
    for c in verb.children:
        if c.dep_ in ("aux", "ccomp") and c.i < verb.i and (c.dep_ == "aux" or verb.doc[verb.i - 1].text == ","):
            subs = [g for g in c.children if g.dep_ in ("nsubj", "nsubjpass")
                    and not any(a <= g.idx < b for a, b in qabs)]
            if subs:
                return subs[0]
    # "..., saying/declaring, '...'": the subject of the clause the participle hangs on.
    # "... paused before saying ...": through the preposition as well.
    node = verb
    for _ in range(4):
        if (node.dep_ in ("acl", "relcl") and node.head.dep_ == "ROOT" and node.head.pos_ in ("PROPN", "NOUN")
                and node.head.i < node.i and node.head.i == node.head.sent.start
                and not any(c.dep_ in ("relcl", "appos") for c in node.head.children)):
            # "UNICEF condemned the attack and put the toll higher, saying ...": the parser took
            # the sentence for a noun phrase; its head noun is the subject.
            return node.head
        if node.dep_ in ("advcl", "conj", "xcomp", "ccomp", "parataxis", "pcomp", "prep", "acl") \
                and node.head is not node and (node.dep_ != "acl" or node.head.pos_ in ("VERB", "AUX")):
            node = node.head
            if (verb.tag_ == "VBG" and node.dep_ == "ccomp" and node.head.lemma_.lower() in SPEECH
                    and node.lemma_.lower() not in SPEECH):
                # "He said the team found shrapnel, adding that ...": the parser hung the
                # participle on the reported clause; the one adding is the one saying.
                continue
            subs = [c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")]
            if subs:
                return min(subs, key=lambda c: abs(c.i - node.i))
    return None


def _as_written(subj, work: Work, clause: tuple[int, int] = (0, 0)) -> tuple[str | None, None, str]:
    """The subject of a reporting verb that no rule could name, as the text gives it: a name the
    dictionary lacks ("MSU also said"), a described group ("Three of those who fled said"), the
    noun a relative pronoun stands for ("Israel, which says"). A statement keeps its speaker as
    written rather than being dropped. Pronouns and words that are no speakers stay unresolved."""
    if subj.lower_ in ("who", "which", "that") and subj.head.dep_ == "relcl":
        subj = subj.head.head
    elif subj.dep_ not in ("nsubj", "nsubjpass") or subj.head.lemma_.lower() not in SPEECH:
        return None, None, "unresolved"  # a subject borrowed from another clause: unsure
    doc = subj.doc
    if subj.text.isupper() and subj.i + 1 < len(doc) and doc[subj.i + 1].text in (",", "—", "-", ":"):
        # A dateline the parser made the subject ("KESSA, Country — Governor Ada Obi said"):
        # the name apposed to it.
        named = [c for c in subj.children if c.dep_ == "appos" and c.pos_ == "PROPN"
                 and any(g.dep_ == "compound" for g in c.children)]
        if not named:
            return None, None, "unresolved"
        subj = named[-1]
        name = _strip_titles(doc[subj.left_edge.i:subj.i + 1].text)
        return (name, None, "subject-as-written") if len(name.split()) >= 2 else (None, None, "unresolved")
    if clause[1] <= subj.idx and "," not in work.text[clause[1]:subj.left_edge.idx]:
        return None, None, "unresolved"  # a word the clause runs into, not the one saying it
    if subj.pos_ not in ("PROPN", "NOUN", "NUM") or subj.lower_ in PRONOUNS | {"it"} or (
            _NOT_SPEAKERS.search(subj.text)) or clause[0] <= subj.idx < clause[1] or any(
            c.dep_ == "poss" and c.pos_ == "PROPN" for c in subj.children):
        # Not a speaker: a word of the reported clause itself, or "the country's minister" (an
        # office whose holder the naming rules find).
        return None, None, "unresolved"
    if subj.pos_ == "PROPN":
        if subj.ent_type_ in ("DATE", "TIME") or subj.text.isupper() and subj.i + 1 < len(doc) and (
                doc[subj.i + 1].is_punct and doc[subj.i + 1].text != "'"):
            return None, None, "unresolved"  # a dateline ("KESSA — Governor ... said")
        if subj.left_edge.i == subj.right_edge.i == subj.i and subj.text[:1].isupper():
            # "Obi later added": the full name the text gave the surname before.
            found = _full_name(work, subj.text, subj.idx)
            if found:
                return found[0], found[1], "subject-surname"
        first = subj
        while first.i > 0 and doc[first.i - 1].dep_ == "compound" and doc[first.i - 1].head.i in (
                first.i, subj.i) and doc[first.i - 1].pos_ == "PROPN":
            first = doc[first.i - 1]
        name = work.text[first.idx:subj.idx + len(subj)]
        # "the Kessa Polytechnic Institute (KPI) … KPI said": the name the text spelled out.
        return _acronyms(work.text).get(name, name), None, "subject-as-written"
    if subj.pos_ == "NUM":
        # "Three of those who fled said": the group as written, from the number on.
        # (up to an aside set off by a comma: "One of them, who asked ..., said")
        last = max((t for t in subj.subtree), key=lambda t: t.i)
        comma = next((t for t in subj.subtree if t.text == "," and t.i > subj.i), None)
        end = comma.idx if comma is not None else last.idx + len(last)
        return work.text[subj.idx:end].strip(), None, "subject-as-written"
    return described_as_written(subj, work), None, "subject-as-written"


def _name_before_verb(work: Work, verb) -> tuple[str, str, str] | None:
    """"…, a community leader and former chairman, Ada Obi, said:" when the parse gave the verb no
    subject: the person named right before it, set off by a comma."""
    lo = verb.sent.start_char
    after = verb.doc[verb.i + 1] if verb.i + 1 < len(verb.doc) else None
    if after is not None and after.pos_ in ("PROPN", "NOUN", "DET", "ADJ", "NUM"):
        return None  # "…, reported Geo News": the subject comes after the verb
    for m in work.mentions or []:
        if lo <= m.span.start and m.span.end <= verb.idx and m.ref_id and re.fullmatch(
                r"\s*,?\s*(?:\w+ly\s+)?", work.text[m.span.end:verb.idx]):
            ent = work.entities[m.ref_id]
            if ent.type == "person":
                return ent.name, ent.id, "name-before-verb"
    return None


def _venue(work: Work, *ranges: tuple[int, int]) -> str | None:
    text = work.text
    for a, b in ranges:
        seg = text[a:b]
        m = VENUE_POST.search(seg)
        if m:
            platform = (m.group(1) or m.group(2) or "X")
            platform = "X" if platform.lower() in ("x", "twitter") or "tweet" in m.group(0).lower() else platform
            return f"{platform} post"
        m = VENUE_MEDIA.search(seg)
        if m:
            x = m.group("x")
            name, _ = resolve_phrase(x, a + m.start("x"), a + m.end("x"), work)
            return f"interview with {name or x}"
        m = VENUE_KIND.search(seg)
        if m:
            return m.group(1).lower()
    return None


def _new_quote(work: Work, speaker: str | None, speaker_id: str | None, start: int, body: str,
               kind: str, venue: str | None, said_on: str | None, confidence: float,
               rule: str) -> Quote:
    """A quote of ``body`` found at ``start`` in the cleaned text (its id is set later)."""
    end = start + len(body)
    return Quote(id="", doc_id=work.doc_id, speaker=speaker, speaker_id=speaker_id, text=body,
                 kind=kind, venue=venue, said_on=said_on, span=Span(start, end, body),
                 raw_span=work.clean.raw_span(start, end),
                 statement_id=statement_id(speaker_id or speaker, body),
                 provenance=Provenance(VERSION, confidence, rule), speaker_rule=rule)


def _said_on(work: Work, a: int, b: int) -> str | None:
    for d in work.dates:
        if a <= d.span.start < b and d.date and d.method in ("weekday", "explicit", "relative"):
            return d.date
    return None


_ACRONYM = re.compile(r"\(\s*(?P<a>[A-Z][A-Za-z&]{1,9})\s*\)")
_NAME_WORD = re.compile(r"[A-Z][\w’'.-]*|of|for|and|the|on|in|against|de|du|des|al")
_CAP_RUN = r"(?:[A-Z][\w’'-]+\.? ){1,4}"


def _acronyms(text: str) -> dict[str, str]:
    """"the Ethiopian Human Rights Commission (EHRC)" -> {"EHRC": "Ethiopian Human Rights
    Commission"}: the shortest run of name words before the brackets whose capitals spell it."""
    found: dict[str, str] = {}
    for m in _ACRONYM.finditer(text):
        acr = m.group("a")
        caps = [c for c in acr if c.isupper()]
        words = text[max(0, m.start() - 160):m.start()].split()
        run: list[str] = []
        for w in reversed(words):
            w = w.strip(",")
            if not _NAME_WORD.fullmatch(w):
                break
            run.insert(0, w)
            initials = [x[0] for x in run if x[0].isupper()]
            if run[0][0].isupper() and initials == caps:
                found.setdefault(acr, " ".join(run))
                break
    return found


_ORG_HEADS = frozenset(_ROLE_LISTS.get("organisation_name_words") or ())


@lru_cache(maxsize=65536)
def _name_key(word: str) -> str:
    """Transliteration-blind surname key: Kyrylenko and Kirilenko are one name."""
    w = "".join(c for c in unicodedata.normalize("NFKD", word.casefold()) if c.isalnum())
    w = w.replace("y", "i")
    return re.sub(r"(.)\1+", r"\1", w)


@lru_cache(maxsize=1)
def name_prefixes() -> frozenset[str]:
    return frozenset(_data("speech_titles.yaml", "SITREP_SPEECH_TITLES").get("name_prefixes") or {})


@lru_cache(maxsize=4096)
def _place_word(word: str, long_name: bool) -> bool:
    """A country, or (before three more words) a large city: "CCPO Kessa Ada Obi Bello"."""
    from .places import candidates, large_city

    return (large_city(word) if long_name
            else any(p.precision == "country" for p in candidates(word)))


def _title_word(word: str) -> bool:
    w = word.rstrip(".")
    titles = name_titles()
    return (w in titles or w in name_prefixes() or re.fullmatch(r"[A-Z]{2,5}", w) is not None
            or ("-" in w and all(p in titles or p in name_prefixes() for p in w.split("-")))
            or _misspelt_title(w))


@lru_cache(maxsize=1)
def _portfolio_words() -> frozenset[str]:
    return frozenset(_data("speech_titles.yaml", "SITREP_SPEECH_TITLES").get("portfolio_words") or ())


def _portfolio_word(word: str) -> bool:
    """A word of an office's portfolio left before a name ("Communication" of "Commissioner for
    Information and Communication Ada Obi"; speech_titles.yaml ``portfolio_words``)."""
    return word in _portfolio_words()


@lru_cache(maxsize=4096)
def _misspelt_title(word: str) -> bool:
    """An office title with a letter dropped, added or changed, or two swapped ("Ministe",
    "Minsiter"; speech_titles.yaml ``misspelt_titles``): one edit, never a plural."""
    if len(word) < 6 or not word[:1].isupper():
        return False
    return any(OSA.distance(word, t, score_cutoff=1) <= 1 and word != t and word != t + "s"
               for t in misspelt_titles() if t[:1] == word[:1])


def _strip_titles(name: str, places: bool = True, person: bool = False) -> str:
    """"DSP Udeme Edet" -> "Udeme Edet": titles, rank abbreviations and words glued on before a
    name ("Maj-Gen", "On Monday", "Internal Affairs Kessa" in "Minister of Internal Affairs Kessa
    Ada Obi"); for a name known to be a person's (``person``), all words up to the last title or
    body word ("Regional Governor Ada Obi")."""
    words = name.split()
    while len(words) > 2 and words[-1] in ("He", "She", "They"):
        words = words[:-1]  # "Ada Obi He" (a name run into the next sentence's pronoun)
    long_name = len(words) >= 4
    while len(words) > 2 and (_title_word(words[0]) or _portfolio_word(words[0]) or (
            places and words[0].isalpha() and words[0][:1].isupper() and _place_word(words[0], long_name))):
        words = words[1:]
    if person and len(words) > 2:
        # "Regional Governor Ada Obi", "Kessa Mayor Ada Obi", "Security Committee Ada Obi": a
        # person's name after the last title or body word (at least two words of name left).
        last = max((k for k in range(len(words) - 2) if _title_word(words[k]) or words[k] in _ORG_HEADS),
                   default=None)
        if last is not None and all(w[:1].isupper() for w in words[last + 1:]):
            words = words[last + 1:]
    return " ".join(words)


@lru_cache(maxsize=1)
def _name_run() -> re.Pattern[str]:
    """A run of capitalised words, with the particles of a name between them ("Marieke van der
    Linden")."""
    particles = "|".join(map(re.escape, sorted(name_particles()))) or "-"
    return re.compile(rf"\b(?:[A-Z][\w’'-]+\.? (?:(?:{particles}) ){{0,2}}){{1,4}}[A-Z][\w’'-]+\b")


@lru_cache(maxsize=1)
def name_particles() -> frozenset[str]:
    """Lower-case words inside a person's name ("van der" of "Marieke van der Linden")."""
    return frozenset(_data("speech_titles.yaml", "SITREP_SPEECH_TITLES").get("name_particles") or {})


def _first_name_not_prefix(words: list[str], after_on: bool) -> bool:
    """A day glued before a surname is a first name ("Monday Ada" said) unless "on" comes
    before it or a longer name follows ("On Monday Ada Obi said")."""
    return (words[0] in name_prefixes() and words[0] not in name_titles() and not after_on
            and len(words) == 2)


class _Names:
    """Full forms a document gives for the short ones its attributions use: acronyms defined in
    brackets, and a person's full name for the surname or first names ("Abbas" after "Additional
    IG Shaukat Abbas", "Kirilenko" after "Pavlo Kyrylenko")."""

    def __init__(self, work: Work):
        self.work = work
        self.acronyms = _acronyms(work.text)
        self.people: list[tuple[list[str], str | None]] = []
        for ent in work.entities.values():
            if ent.type == "person" and len(ent.name.split()) >= 2:
                self.people.append((_strip_titles(ent.name, person=True).split(), ent.id))
        titles = name_titles()
        # Places the document names: "Mayor of Chernihiv Ada Obi" is no "Chernihiv Ada Obi".
        places = {m.text for m in work.place_mentions or []}
        particles = name_particles()
        for m in _name_run().finditer(work.text):
            words = [w.rstrip(".") for w in m.group(0).split()]
            owner = [i for i, w in enumerate(words) if re.search(r"[’']s$", w)]
            if owner and not set(words[owner[-1] + 1:]) & _ORG_HEADS:
                words = words[owner[-1] + 1:]  # "Al Jazeera’s Ada Obi" (but "Kessa's Interior Ministry")
            after_on = re.search(r"\bon\s+$", work.text[max(0, m.start() - 4):m.start()], re.I) is not None
            while words and (_title_word(words[0]) or len(words) > 2 and zipf(words[1].lower()) < 4 and (
                    words[0] in places or words[0].isalpha() and _place_word(words[0], True))):
                if _first_name_not_prefix(words, after_on):
                    break  # "Monday Ada" names a person Monday; "On Monday Ada" a day
                after_on = words[0] == "On"
                words = words[1:]
            while words and words[0] in particles:
                words = words[1:]
            words = _strip_titles(" ".join(words), person=True).split()
            if words and words[0] in ("The", "A", "An"):
                words = words[1:]
            if len(words) >= 2 and not any(w in titles for w in words):
                self.people.append((words, None))

    def _ending_with(self, keys: list[str], is_person: bool, ent) -> tuple[list[str], str | None] | None:
        """The longest full name that ends with (or, for a person, starts with) these words."""
        best: tuple[list[str], str | None] | None = None
        for cand, cid in self.people:
            if not is_person and cid is None and (len(keys) > 1 or ent is None):
                continue  # a name the tagger took for an organisation: only a known person's
            ck = [_name_key(w) for w in cand]
            if len(ck) <= len(keys):
                continue
            if ck[-len(keys):] == keys or (is_person and ck[:len(keys)] == keys):
                if best is None or (cid and not best[1]) or len(cand) > len(best[0]) and bool(cid) == bool(best[1]):
                    best = (cand, cid)
        return best

    def _spelled_like(self, key: str, is_person: bool) -> tuple[list[str], str | None] | None:
        """The one full name whose surname is this one spelled another way ("Ebrimah" after "Okon
        Ebirimah"): alike by spelling, both long enough to tell (``[quotes] surname_spelling_*``)."""
        cfg = CONFIG["quotes"]
        if len(key) < cfg["surname_spelling_min_chars"]:
            return None
        found = {" ".join(c): (c, cid) for c, cid in self.people if len(c) >= 2 and (is_person or cid)
                 and len(_name_key(c[-1])) >= cfg["surname_spelling_min_chars"]
                 and fuzz.ratio(_name_key(c[-1]), key) >= cfg["surname_spelling_ratio"]}
        # One person named in two ways ("Ada Obi" and "Ada Obi Bello") is still one candidate.
        longest = max(found.values(), key=lambda v: len(v[0]), default=None)
        if longest and all(" ".join(longest[0]).endswith(k) or k.endswith(" ".join(longest[0])) for k in found):
            return longest
        return None

    def complete(self, q: Quote) -> None:
        speaker = q.speaker
        if not speaker or q.speaker_rule.endswith("+possessor"):
            return
        if " - " in speaker and speaker.replace(" - ", "-") in self.work.text:
            speaker = q.speaker = speaker.replace(" - ", "-")  # "non-governmental groups"
        full = self.acronyms.get(re.sub(r"^the ", "", speaker))
        if full:
            ent = self.work.resolver.resolve(full, "ORG") if lookup(full) else None
            q.speaker, q.speaker_id = (ent.name, ent.id) if ent is not None else (full, None)
            return
        ent = self.work.entities.get(q.speaker_id) if q.speaker_id else None
        short = re.fullmatch(r"(?:the )?([A-Z][a-z]+) Ministry", speaker)
        if short and (ent is None or not ent.from_dictionary):
            # "the Health Ministry said" where the text names the "Ministry of Health and
            # Population": the name it gives in full.
            full_name = re.search(rf"\bMinistry of {short.group(1)}(?: (?:and|&) [A-Z][\w’'-]+(?: [A-Z][\w’'-]+){{0,2}})?\b",
                                  self.work.text)
            if full_name:
                q.speaker = full_name.group(0)
                return
        if (speaker.split()[0] in _ORG_HEADS and (ent is None or ent.type != "person")
                and not (ent is not None and ent.from_dictionary)):
            # "the Ministry of Communication" where the text also names the "Ministry of
            # Communication and Media": the whole name.
            longer = re.search(re.escape(speaker) + r"(?: (?:and|&) [A-Z][\w’'-]+(?: [A-Z][\w’'-]+){0,2})\b",
                               self.work.text)
            if longer:
                q.speaker = longer.group(0)
                return
        body = speaker.split()[-1] in _ORG_HEADS and (ent is None or ent.type != "person")
        is_person = (ent is not None and ent.type == "person") or (
            ent is None and q.speaker_rule in ("subject-name", "surface", "surface-named", "subject"))
        if not all(w[:1].isupper() or w in name_particles() for w in speaker.split()) \
                or not speaker[:1].isupper() or (ent is not None and ent.from_dictionary):
            return  # ("Van der Linden", with the particles of a name)
        if not body:  # ("Prosecutor General's Office": a body's name, no title before a person's)
            speaker = _strip_titles(speaker, places=is_person, person=is_person)
        words = speaker.split()
        if len(words) > 3:
            q.speaker = speaker
            return
        keys = [_name_key(w) for w in words]
        best = self._ending_with(keys, is_person, ent)
        if best is None and len(keys) == 2 and _title_word(words[0]):
            # "Gen Obi said" after "Major General Ada Obi": the surname after the title.
            best = self._ending_with(keys[1:], is_person, ent)
        if best is None and len(keys) == 1:
            best = self._spelled_like(keys[0], is_person)
        if best is not None:
            q.speaker = " ".join(best[0])
            if best[1]:
                q.speaker_id = best[1]
        else:
            q.speaker = speaker


def _resolve_according(speakers: "_Speakers", who, before: int) -> tuple[str | None, str | None, str]:
    """The speaker named after "according to": him / her as he / she."""
    low = who.lower_
    if low in ("him", "her") and who.i == who.left_edge.i == who.right_edge.i:
        return speakers.pronoun(low, who, before)
    if low == "them" and speakers.last:
        return speakers.last[0], speakers.last[1], "pronoun->last_speaker"
    found = speakers.resolve(who, before)
    if found[0] is None and who.pos_ in ("NOUN", "PROPN"):
        return described_as_written(who, speakers.work), None, "described"
    return found


def _full_name(work: Work, surname: str, before: int, text: str | None = None) -> tuple[str, str | None] | None:
    """A surname's full name: a person the document names, else the capitalised run ending in the
    surname earlier in the text ("Chief Ada Obi … Obi said" -> "Ada Obi"). (A lone first name is
    the entity resolver's: ``Resolver.given_names``.)"""
    key = _name_key(surname)
    for ent in work.entities.values():
        if ent.type == "person" and len(ent.name.split()) > 1 and _name_key(ent.name.split()[-1]) == key:
            return ent.name, ent.id
    full = re.findall(r"((?:[A-Z][\w’'-]+ ){1,3})" + re.escape(surname) + r"\b", (text or work.text)[:before])
    name = _strip_titles(full[-1] + surname, person=True) if full else ""
    return (name, None) if len(name.split()) >= 2 else None


_CITING = re.compile(r"\bciting (?P<n>(?:[A-Z][\w’'-]+ ){1,2}[A-Z][\w’'-]+)\b")
_PERSON_ENTRY = re.compile(r"^\s*(?P<n>(?:[A-Z][\w’'-]+ ){1,2}[A-Z][\w’'-]+),\s")


def _person_named(work: Work, a: int, b: int) -> tuple[str, str | None] | None:
    """The person text[a:b] names: a person the tagger found, an entry "First Last, role", else a
    surname of a person the document names in full."""
    person = named_person(work, a, b)
    if person:
        return person
    for part in re.split(r"[;]", work.text[a:b]):
        m = _PERSON_ENTRY.match(part)
        if m and not lookup(m.group("n")):
            return _strip_titles(m.group("n")), None
    for word in reversed(re.findall(r"[A-Z][\w’'-]+", work.text[a:b])):
        found = _full_name(work, word, b)
        if found:
            return found
    return None


def _labelled_quote_speaker(work: Work, q_start: int) -> tuple[str, str | None, str] | None:
    """"Quote from Obi: “…”" -> Obi; "Source: Kessa police; Ada Obi, its spokesperson, on Telegram"
    a few lines up, then "Quote: “…”" -> the person the source line names, else its first body."""
    text = work.text
    line0 = text.rfind("\n", 0, q_start) + 1
    quote_label, source_line = line_labels()
    m = quote_label.match(text[line0:q_start])
    if m is None:
        return None
    raw_text = work.raw.raw_kind == "text"
    if m.group("who"):
        a = line0 + m.start("who")
        found = _person_named(work, a, line0 + m.end("who"))
        if found is None and raw_text and len(m.group("who").split()) == 1:
            # (the full name may be on a line the cleaner dropped)
            found = _full_name(work, m.group("who"), work.clean.raw_span(a, a + 1).start, work.raw.raw)
        return (found[0], found[1], "quote-label") if found else (m.group("who").strip(), None, "quote-label")
    src = None
    for src in source_line.finditer(text, max(0, line0 - 600), line0):
        pass
    if src is not None:
        a, b = src.start("body"), src.end("body")
        found = _person_named(work, a, b)
        body = src.group("body")
    elif raw_text:
        # The cleaner takes a short "Source: …" line for a photo credit: read it in the text as
        # read.
        raw, r0 = work.raw.raw, work.clean.raw_span(q_start, q_start + 1).start
        for src in source_line.finditer(raw, max(0, r0 - 600), r0):
            pass
        if src is None:
            return None
        body = src.group("body")
        found = next((_full_name(work, w, len(text)) or (_strip_titles(n), None)
                      for n in [m.group("n") for m in map(_PERSON_ENTRY.match, body.split(";")) if m]
                      for w in n.split()[-1:]), None)
        a = b = None
    else:
        return None
    cited = _CITING.search(body)
    if cited and not lookup(cited.group("n")):
        return _strip_titles(cited.group("n")), None, "source-label"  # "X on Telegram, citing NAME"
    if found:
        return found[0], found[1], "source-label"
    first = re.split(r"[;,]| on (?:Telegram|Facebook|X|social media)\b| citing ", body)[0].strip()
    if a is not None:
        name, eid = resolve_phrase(first, a, a + len(first), work)
    else:
        name, eid = (_full_name(work, first, len(text)) or (None, None)) if len(first.split()) == 1 else (None, None)
    return (name or first, eid, "source-label") if first else None


def _colon_speaker(work: Work, speakers: "_Speakers", q_start: int, floor: int):
    """"Quote from Kaya: “…”", "The nurse described the night: “…”": whoever the words before a
    colon introduce."""
    text = work.text
    before = text[floor:q_start].rstrip()
    if not before.endswith(":"):
        return None
    end = floor + len(before) - 1
    word = re.search(r"([A-Z][\w’'-]+)\s*$", text[floor:end])
    if word:
        person = named_person(work, floor + word.start(1), floor + word.end(1))
        if person:
            return person[0], person[1], "colon"
        key = _name_key(word.group(1))
        for ent in work.entities.values():
            if ent.type == "person" and _name_key(ent.name.split()[-1]) == key:
                return ent.name, ent.id, "colon"
    span = work.spacy_doc.char_span(max(end - 1, 0), end, alignment_mode="expand")
    if span is None:
        return None
    sent = span[0].sent
    root = sent.root
    subj = _subject(root) if root.lemma_.lower() in SPEECH else None
    if subj is None:
        return None
    found = speakers.resolve(subj, sent.start_char)
    return found if found[0] else None


@stage("quotes", needs=("nlp", "entities", "dates", "places"), sets=("quotes",))
def quotes_stage(work: Work) -> None:
    """Direct and indirect quotes with speaker, venue and date."""
    doc = work.spacy_doc
    text = work.text
    sents = list(doc.sents)
    qspans = find_quote_spans(text)
    qabs = [(q.start, q.end) for q in qspans]
    runs = quote_runs(text, qspans)
    pending: dict[int, list[tuple[int, int, int, int]]] = {}  # run end -> its earlier paragraphs
    speakers = _Speakers(work)
    quotes: list[Quote] = []
    events: list[tuple[int, str, object]] = [(q.start, "direct", q) for q in qspans]
    # Indirect speech: a speech verb with a reported clause that holds no direct quotation.
    for sent in sents:
        for verb in _speech_verb(sent, qabs):
            if verb.lemma_.lower() not in INDIRECT and verb.lemma_.lower() not in object_verbs():
                continue
            span = _reported_clause(verb) if verb.lemma_.lower() in INDIRECT else None
            if span is None and verb.lemma_.lower() in INDIRECT:
                span = _as_clause(verb)
            if span is None:
                span = _reported_object(verb)
                if span is not None and not _is_quotation(text, *span, qabs):
                    events.append((verb.idx, "indirect", (verb, *span, sent)))
                continue
            c0, c1 = span
            if _is_quotation(text, c0, c1, qabs) or _too_short(sent, c0, c1):
                continue
            events.append((verb.idx, "indirect", (verb, c0, c1, sent)))
    for sent in sents:
        found = _passive_report(sent, qabs)
        if found is not None:
            events.append((found[0].idx, "agent", (*found, sent)))
    reported = [(e[2][1], e[2][2]) for e in events if e[1] == "indirect"]
    for sent in sents:
        for acc in _according_to(sent):
            tok, who, c0, c1 = acc
            if any(a <= tok.idx < b for a, b in reported) or any(a <= tok.idx < b for a, b in qabs):
                continue  # "said that according to early findings ...": inside another's words
            if any(c0 <= e[2][0].idx < c1 and not _impersonal(e[2][0]) for e in events if e[1] == "indirect"):
                continue  # "According to residents, survivors said ...": the survivors' statement
            if _too_short(sent, c0, c1):
                continue
            events.append((tok.idx, "according", acc))
    for sent in sents:
        # "CLAUSE, the Observatory reports[, citing X]." where the parse gave the verb no subject
        # (or read it as a noun): the tail's source said it.
        if any(sent.start_char <= e[0] < sent.end_char for e in events):
            continue
        tail = _reports_tail(sent, work)
        if tail is not None:
            lead = _DATELINE_LEAD.match(sent.text)
            c0, c1 = sent.start_char + (lead.end() if lead else 0), tail[2]
            if len(text[c0:c1].split()) >= 4:
                events.append((sent.start_char, "tail", (sent, tail[0], c0, c1)))
    quotes.extend(_interview_answers(work))
    events.sort(key=lambda e: e[0])
    prev_q: Quote | None = None
    last_venue: dict[str | None, str] = {}
    acc_direct: dict[int, tuple[str, str | None, str]] = {}

    def indirect(speaker, speaker_id, c0: int, c1: int, sent, venue, confidence: float,
                 rule: str) -> Quote:
        """Keep the reported clause ``text[c0:c1]`` (closing punctuation trimmed) as the
        speaker's indirect statement."""
        quote = _new_quote(work, speaker, speaker_id, c0, text[c0:c1].rstrip(" .,"), "indirect",
                           venue, _said_on(work, sent.start_char, sent.end_char), confidence, rule)
        quotes.append(quote)
        speakers.said(speaker, speaker_id)
        return quote

    for pos, kind, item in events:
        if kind == "direct":
            q = item
            a, b = _inner(text, q)
            if b - a < 2:
                continue
            sent = next((s for s in sents if s.start_char <= q.start < s.end_char), None)
            if sent is None:
                continue
            # The attribution may sit in any sentence the quotation touches.
            touched = [s for s in sents if s.start_char < q.end and q.start < s.end_char
                       or (0 <= s.start_char - q.end <= 2 and s.text[:1].islower())]
            sent_lo = min(s.start_char for s in touched)
            sent_hi = max(s.end_char for s in touched)
            verbs = [v for s in touched for v in _speech_verb(s, qabs)]
            speaker = speaker_id = None
            rule = "unresolved"
            for verb in verbs:
                subj = _subject(verb, qabs)
                if subj is None:
                    found = _name_before_verb(work, verb)
                    if found is not None:
                        speaker, speaker_id, rule = found
                        break
                    continue
                speaker, speaker_id, rule = speakers.resolve(subj, q.start)
                if speaker:
                    break
            if speaker is None:
                acc = next((v for k, v in acc_direct.items() if k - 2 <= q.start <= k + 1), None)
                if acc is not None:
                    speaker, speaker_id, rule = acc
            if speaker is None:
                found = surface_speaker(work, q.end, sent_hi)
                if found is not None:
                    speaker, speaker_id, rule = found
                    if speaker_id is None:
                        speakers.last_anon = speaker
            n_words = len(text[a:b].split())
            para_start = _para_start(text, q.start)
            prev_para = _para_start(text, max(para_start - 3, 0)) if para_start else 0
            if speaker is None:
                found = _labelled_quote_speaker(work, q.start)
                if found is not None:
                    speaker, speaker_id, rule = found
            if speaker is None:
                found = _colon_speaker(work, speakers, q.start, prev_para)
                if found is not None:
                    speaker, speaker_id, rule = found
            if speaker is None and text[para_start:q.start + 1].strip() in QUOTE_PAIRS and prev_q is not None:
                # A paragraph that opens with a quotation nobody is said to say goes on with
                # the speaker quoted a few paragraphs up ("In those stalls ..." after a
                # paragraph of paraphrase).
                back = para_start
                for _ in range(3):
                    back = _para_start(text, max(back - 3, 0)) if back else 0
                if prev_q.span.start >= back and prev_q.speaker:
                    speaker, speaker_id, rule = prev_q.speaker, prev_q.speaker_id, "continuation"
            if speaker is None and prev_q is not None and prev_q.speaker and (
                    prev_q.span.start >= prev_para):
                # Stand-alone quotation right after another: the same speaker goes on.
                speaker, speaker_id, rule = prev_q.speaker, prev_q.speaker_id, "continuation"
            if speaker is None and q.start in runs:
                pending.setdefault(runs[q.start], []).append((a, b, sent_lo, sent_hi))
                continue  # its speaker is named where the run closes
            if speaker is None and n_words < 5:
                continue  # a scare quote, not a statement
            if speaker is None and not verbs:
                continue
            venue = _venue(work, (sent_lo, sent_hi))
            if venue is None and rule != "subject":
                # "he said", "the source explained": the same speaker, the same interview or post.
                venue = last_venue.get(speaker)
            if venue is None:
                prev_sent = next((s for s in reversed(sents) if s.end_char <= sent_lo), None)
                if prev_sent is not None and re.search(r"\b(wrote|posted|tweeted)\b", text[sent_lo:sent_hi]):
                    venue = _venue(work, (prev_sent.start_char, prev_sent.end_char))
            said_on = _said_on(work, sent_lo, sent_hi)
            if said_on is None and rule == "continuation" and prev_q is not None:
                said_on = prev_q.said_on
            quote = _new_quote(work, speaker, speaker_id, a, text[a:b], "direct", venue, said_on,
                               0.9 if rule == "subject" else 0.7, rule)
            quotes.append(quote)
            for a0, b0, lo, hi in pending.pop(q.start, []):
                quotes.append(_new_quote(work, speaker, speaker_id, a0, text[a0:b0], "direct", venue,
                                         _said_on(work, lo, hi) or said_on, 0.7, "run"))
            if venue:
                last_venue[speaker] = venue
            speakers.said(speaker, speaker_id)
            prev_q = quote
        elif kind == "agent":
            verb, who, c0, c1, sent = item
            speaker, speaker_id, rule = speakers.resolve(who, verb.idx)
            if not speaker:
                continue
            prev_q = indirect(speaker, speaker_id, c0, c1, sent,
                              _venue(work, (sent.start_char, sent.end_char)), 0.7,
                              "reported-by:" + rule)
        elif kind == "tail":
            sent, (speaker, speaker_id), c0, c1 = item
            prev_q = indirect(speaker, speaker_id, c0, c1, sent,
                              _venue(work, (sent.start_char, sent.end_char)), 0.6, "reports-tail")
        elif kind == "according":
            tok, who, c0, c1 = item
            speaker, speaker_id, rule = _resolve_according(speakers, who, tok.idx)
            if not speaker:
                continue
            sent = tok.sent
            if any(a <= c0 + 1 and c0 <= b and b >= c1 - 2 for a, b in qabs):
                # "According to her, “…”": the quotation is hers.
                acc_direct[c0] = (speaker, speaker_id, "according-to")
                continue
            if any(a <= c0 + 1 <= b for a, b in qabs):
                acc_direct[c0] = (speaker, speaker_id, "according-to")
            prev_q = indirect(speaker, speaker_id, c0, c1, sent,
                              _venue(work, (sent.start_char, sent.end_char)), 0.7,
                              "according-to:" + rule)
        else:
            verb, c0, c1, sent = item
            subj = _subject(verb, qabs)
            if _impersonal(verb):
                continue
            if subj is None:
                found = _name_before_verb(work, verb)
                if found is None:
                    continue
                speaker, speaker_id, rule = found
            else:
                speaker, speaker_id, rule = speakers.resolve(subj, verb.idx)
                if not speaker:
                    speaker, speaker_id, rule = _as_written(subj, work, (c0, c1))
            if not speaker:
                continue
            if c0 < len(text) and text[c0:c0 + 5].lower() == "that ":
                c0 += 5
            venue = _venue(work, (sent.start_char, sent.end_char))
            if venue is None and rule != "subject":
                venue = last_venue.get(speaker)
            if venue:
                last_venue[speaker] = venue
            prev_q = indirect(speaker, speaker_id, c0, c1, sent, venue,
                              0.8 if rule == "subject" else 0.6, rule)
    for where, role, person in speakers.named_later:
        for q in quotes:
            if (q.span.start < where and q.speaker and q.speaker_id is None
                    and q.speaker_rule in ("anonymous", "surface-anonymous", "subject-described")
                    and _desc_head(q.speaker) in (role, role + "s") and not q.speaker.endswith("s")):
                q.speaker, q.speaker_id, q.speaker_rule = person[0], person[1], "named-later"
    names = _Names(work)
    for q in quotes:
        names.complete(q)
        _tidy_speaker(q, work)
        if q.speaker:
            # "police said", as a figure's source is named: the body of the story's country.
            sent = next((x for x in sents if x.start_char <= q.span.start < x.end_char), None)
            stext = sent.text if sent is not None else ""
            body = country_body(q.speaker, work, stext)
            spokes = KIND_BODY_SPOKES.match(q.speaker) if body is None else None
            of_body = country_body(spokes.group("body"), work, stext) if spokes is not None else None
            if body is not None:
                q.speaker, q.speaker_id = body, None
            elif of_body is not None:  # "the judiciary spokesman said": "Iranian judiciary spokesman"
                q.speaker, q.speaker_id = f"{of_body} {spokes.group('role').lower()}", None
            elif KIND_BODY.match(q.speaker.title()) and lookup(q.speaker) is None:
                # "the Health Ministry" in a story about Gaza: the dictionary's body of the
                # place the story names most, as a figure's source is named.
                found = _qualified_by_main_place(work, q.speaker.casefold())
                if found:
                    q.speaker, q.speaker_id = found
        q.statement_id = statement_id(q.speaker_id or q.speaker, q.text)
    # Ids follow reading order once interview answers and speech events are merged.
    quotes.sort(key=lambda q: q.span.start)
    for i, q in enumerate(quotes):
        q.id = f"{work.doc_id}:q{i}"
    work.quotes = quotes
