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
from dataclasses import dataclass

from ..records import Provenance, Quote, Span
from ..registry import stage
from ..work import Work
from .attribution import (ROLE_NOUNS, appositive_person, core_range, describe, is_role, last_entity,
                          known_phrase, last_org, named_person, proper_name, resolve_phrase)

VERSION = "quotes@1"
SPEECH = {"say", "tell", "add", "write", "state", "declare", "explain", "assert", "remark",
          "reveal", "insist", "claim", "warn", "vow", "urge", "emphasize", "emphasise", "stress",
          "note", "continue", "tweet", "post", "announce", "ask", "reply", "respond", "recall",
          "conclude", "argue", "deny", "confirm", "admit", "complain", "lament", "acknowledge",
          "allege", "plead", "shout", "maintain", "threaten", "caution", "promise", "pledge",
          "predict", "describe", "call", "accuse", "appeal", "echo", "thunder", "retort",
          "comment", "tell", "inform", "report", "blame", "condemn", "demand", "affirm"}
INDIRECT = {"say", "tell", "claim", "insist", "add", "declare", "warn", "announce", "state",
            "allege", "deny", "confirm", "argue", "admit", "report", "assert", "reveal", "stress",
            "emphasize", "emphasise", "note", "explain", "acknowledge", "maintain", "write",
            "promise", "pledge", "vow"}
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
            close = ptext.find(QUOTE_PAIRS[ch], i + 1)
            if close == -1:
                spans.append(_QSpan(p0 + i, p0 + len(ptext), True))
                break
            spans.append(_QSpan(p0 + i, p0 + close + 1, False))
            i = close + 1
    return spans


def _inner(text: str, q: _QSpan) -> tuple[int, int]:
    a, b = q.start + 1, q.end
    if not q.open_para and b > a:
        b -= 1
    while a < b and text[a] in " ":
        a += 1
    while b > a and text[b - 1] in " ,":
        b -= 1
    return a, b


def statement_id(speaker_id: str | None, text: str) -> str:
    key = (speaker_id or "") + "|" + " ".join(re.findall(r"\w+", text.casefold())[:40])
    return "s_" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


class _Speakers:
    """What coreference needs: the last speaker, the last person named, the last anonymous source."""

    def __init__(self, work: Work):
        self.work = work
        self.last: tuple[str | None, str | None] | None = None
        self.last_anon: str | None = None

    def resolve(self, subj, before: int) -> tuple[str | None, str | None, str]:
        text = self.work.text
        left, right = core_range(subj)
        phrase = text[left:right]
        low = subj.lower_
        if low in ("who", "which", "that") and subj.head.dep_ == "relcl":
            head = subj.head.head
            left, right = core_range(head)
            right = min(right, subj.idx)
            phrase = text[left:right]
        elif low in PRONOUNS and subj.i == subj.left_edge.i == subj.right_edge.i:
            return self._pronoun(subj, before)
        elif low == "it" and subj.i == subj.left_edge.i == subj.right_edge.i:
            org = last_org(self.work, before)
            if org:
                return org[0], org[1], "pronoun->last_organisation"
            return None, None, "pronoun-unresolved"
        person = appositive_person(subj, self.work)
        if person:
            return person[0], person[1], "subject-apposition"
        whole = known_phrase(subj, self.work)
        if whole:
            return whole[0], whole[1], "subject"
        head = subj.lower_ if subj.lower_ in ANON_HEADS else subj.lemma_.lower()
        if is_role(subj, self.work) and not re.match(r"^(the|this|that)\b", phrase, re.I):
            desc = describe(subj, self.work)
            self.last_anon = desc
            return desc, None, "anonymous"
        if head in ANON_HEADS and re.match(r"^(the|this|that)\b", phrase, re.I) and self.last_anon:
            if self.last_anon.split()[-1].lower() == head or head in ("source", "official"):
                return self.last_anon, None, "anaphor->anonymous"
        name, eid = resolve_phrase(phrase, left, right, self.work)
        if name and eid:
            return name, eid, "subject"
        if head in ANON_HEADS:
            desc = describe(subj, self.work)
            self.last_anon = desc
            return desc, None, "anonymous"
        if name:
            return name, None, "subject-descriptor"
        name = proper_name(subj, subj, self.work) if subj.pos_ == "PROPN" else None
        if name and len(name.split()) <= 4:
            return name, None, "subject-name"
        return None, None, "unresolved"

    def _pronoun(self, subj, before: int) -> tuple[str | None, str | None, str]:
        """he/she: the last speaker if a person or an unnamed one, unless a person named as the
        subject of a later sentence took over; they: a plural subject of the sentence before."""
        low = subj.lower_
        last_person = last_entity(self.work, before, ("person",))
        if low in ("he", "she"):
            last_is_person = self.last and self.last[0] and (
                self.last[1] is None or self.work.entities[self.last[1]].type == "person")
            recent = self._previous_subject(subj)
            if recent is not None:
                ref = self._person_named_by(recent)
                if ref is not None:
                    return ref[0], ref[1], "pronoun->previous_subject"
            if last_is_person:
                return self.last[0], self.last[1], "pronoun->last_speaker"
            if last_person:
                return last_person[0], last_person[1], "pronoun->last_person"
            return None, None, "pronoun-unresolved"
        if low == "they":
            recent = self._previous_subject(subj)
            if recent is not None and recent.tag_ in ("NNS", "NNPS") and recent.lower_ in ROLE_NOUNS | {
                    "journalists", "reporters", "officers", "soldiers", "police"}:
                desc = describe(recent, self.work)
                self.last_anon = desc
                return desc, None, "pronoun->previous_subject"
        if self.last and self.last[0]:
            return self.last[0], self.last[1], "pronoun->last_speaker"
        return None, None, "pronoun-unresolved"

    @staticmethod
    def _previous_subject(subj):
        """The subject of the sentence before the one ``subj`` is in."""
        sent = subj.sent
        if sent.start == 0:
            return None
        prev = subj.doc[sent.start - 1].sent
        return next((t for t in prev if t.dep_ in ("nsubj", "nsubjpass") and t.head.dep_ == "ROOT"),
                    None)

    def _person_named_by(self, tok) -> tuple[str, str] | None:
        return appositive_person(tok, self.work) or named_person(self.work, *core_range(tok))


_VERBS = r"(?:said|says|told|added|adds|explained|wrote|recalled|asked|continued|insisted|warned)"
_AFTER_QUOTE = re.compile(rf"[\s,]*(?:{_VERBS}\s+(?P<np1>[^,.;:“”\"]{{2,120}})"
                          rf"|(?P<np2>[^,.;:“”\"]{{2,90}}?)\s+{_VERBS}\b)")
_NAMED = re.compile(r"(?:identified(?: only)? as|gave (?:only )?(?:her|his|their) (?:first )?"
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
    if 0 < len(words) <= 4 and words[-1].lower() in ROLE_NOUNS | {"girl", "boy", "son", "daughter"}:
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


def _speech_verb(sent, qspans_abs: list[tuple[int, int]]):
    """Speech verbs in a sentence whose token lies outside every quotation."""
    for tok in sent:
        if tok.lemma_.lower() in SPEECH and tok.pos_ in ("VERB", "AUX") and not any(
                a <= tok.idx < b for a, b in qspans_abs):
            yield tok


def _reported_clause(verb) -> tuple[int, int] | None:
    """Character range of what the speech verb reports: its clausal complement after the verb
    ("said [that] X"), else before it ("X, officials said"). A number the parser hung on the verb
    ("said between 300 and 400 people had been killed") is taken into the clause."""
    clauses = [c for c in verb.children if c.dep_ == "ccomp"]
    after = [c for c in clauses if c.i > verb.i]
    if after:
        clause = after[0]
        first = clause.left_edge
        last = max(after, key=lambda c: c.right_edge.i).right_edge
        gap = verb.doc[verb.i + 1:first.i]
        if len(gap) and any(t.like_num for t in gap) and not any(
                t.is_punct or t.lower_ == "that" for t in gap):
            first = gap[0]
        return first.idx, last.idx + len(last)
    if clauses:
        clause = clauses[-1]
        return clause.left_edge.idx, clause.right_edge.idx + len(clause.right_edge)
    return None


def _subject(verb, qabs: list[tuple[int, int]] = ()):
    """The verb's subject outside every quotation, nearest the verb."""
    subs = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")
            and not any(a <= c.idx < b for a, b in qabs)]
    if subs:
        return min(subs, key=lambda c: abs(c.i - verb.i))
    # "..., saying/declaring, '...'": the subject of the clause the participle hangs on.
    # "... paused before saying ...": through the preposition as well.
    node = verb
    for _ in range(4):
        if node.dep_ in ("advcl", "conj", "xcomp", "ccomp", "parataxis", "pcomp", "prep") \
                and node.head is not node:
            node = node.head
            subs = [c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")]
            if subs:
                return min(subs, key=lambda c: abs(c.i - node.i))
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


def _said_on(work: Work, a: int, b: int) -> str | None:
    for d in work.dates:
        if a <= d.span.start < b and d.date and d.method in ("weekday", "explicit", "relative"):
            return d.date
    return None


@stage("quotes", needs=("nlp", "entities", "dates", "places"), sets=("quotes",))
def quotes_stage(work: Work) -> None:
    """Direct and indirect quotes with speaker, venue and date."""
    doc = work.spacy_doc
    text = work.text
    sents = list(doc.sents)
    qspans = find_quote_spans(text)
    qabs = [(q.start, q.end) for q in qspans]
    speakers = _Speakers(work)
    quotes: list[Quote] = []
    events: list[tuple[int, str, object]] = [(q.start, "direct", q) for q in qspans]
    # Indirect speech: a speech verb with a reported clause that holds no direct quotation.
    for sent in sents:
        for verb in _speech_verb(sent, qabs):
            if verb.lemma_.lower() not in INDIRECT:
                continue
            span = _reported_clause(verb)
            if span is None:
                continue
            c0, c1 = span
            if any(a < c1 and c0 < b for a, b in qabs) or len(text[c0:c1].split()) < 4:
                continue
            events.append((verb.idx, "indirect", (verb, c0, c1, sent)))
    quotes.extend(_interview_answers(work))
    events.sort(key=lambda e: e[0])
    prev_q: Quote | None = None
    last_venue: dict[str | None, str] = {}
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
                    continue
                speaker, speaker_id, rule = speakers.resolve(subj, q.start)
                if speaker:
                    break
            if speaker is None:
                found = surface_speaker(work, q.end, sent_hi)
                if found is not None:
                    speaker, speaker_id, rule = found
                    if speaker_id is None:
                        speakers.last_anon = speaker
            n_words = len(text[a:b].split())
            para_start = _para_start(text, q.start)
            prev_para = _para_start(text, max(para_start - 3, 0)) if para_start else 0
            if speaker is None and prev_q is not None and prev_q.speaker and (
                    prev_q.span.start >= prev_para):
                # Stand-alone quotation right after another: the same speaker goes on.
                speaker, speaker_id, rule = prev_q.speaker, prev_q.speaker_id, "continuation"
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
            quote = Quote(
                id="", doc_id=work.doc_id, speaker=speaker,
                speaker_id=speaker_id, text=text[a:b], kind="direct", venue=venue, said_on=said_on,
                span=Span(a, b, text[a:b]), raw_span=work.clean.raw_span(a, b),
                statement_id=statement_id(speaker_id or speaker, text[a:b]),
                provenance=Provenance(VERSION, 0.9 if rule == "subject" else 0.7, rule),
                speaker_rule=rule)
            quotes.append(quote)
            if venue:
                last_venue[speaker] = venue
            if speaker:
                speakers.last = (speaker, speaker_id)
            prev_q = quote
        else:
            verb, c0, c1, sent = item
            subj = _subject(verb, qabs)
            if subj is None:
                continue
            speaker, speaker_id, rule = speakers.resolve(subj, verb.idx)
            if not speaker:
                continue
            if c0 < len(text) and text[c0:c0 + 5].lower() == "that ":
                c0 += 5
            body = text[c0:c1].rstrip(" .,")
            c1 = c0 + len(body)
            venue = _venue(work, (sent.start_char, sent.end_char))
            if venue is None and rule != "subject":
                venue = last_venue.get(speaker)
            if venue:
                last_venue[speaker] = venue
            quote = Quote(
                id="", doc_id=work.doc_id, speaker=speaker,
                speaker_id=speaker_id, text=body, kind="indirect", venue=venue,
                said_on=_said_on(work, sent.start_char, sent.end_char),
                span=Span(c0, c1, body), raw_span=work.clean.raw_span(c0, c1),
                statement_id=statement_id(speaker_id or speaker, body),
                provenance=Provenance(VERSION, 0.8 if rule == "subject" else 0.6, rule),
                speaker_rule=rule)
            quotes.append(quote)
            speakers.last = (speaker, speaker_id)
            prev_q = quote
    # Ids follow reading order once interview answers and speech events are merged.
    quotes.sort(key=lambda q: q.span.start)
    for i, q in enumerate(quotes):
        q.id = f"{work.doc_id}:q{i}"
    work.quotes = quotes
