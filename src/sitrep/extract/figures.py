"""Casualty figures: a number of people with what happened to them, who they were, and who says so.

For every number phrase in a sentence (``sitrep.numbers``) the extractor looks for, in order:
the victim noun phrase after it ("745 civilians", "13 members of the new regime's forces"), a
status word after that ("were killed", "who were reportedly executed") or before the number
("killing 13", "the death toll rose to 229", "among the dead were 134"), or a status shared with
an earlier figure in a coordinated list ("..., along with 125 security personnel"). A number with
no status is not a casualty figure. Traps are filtered first: percentages, ages, money, dates,
durations, counters, projections.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from collections import Counter
from functools import lru_cache
from typing import Any

from ..config import sources_roles, CONFIG, load_data
from ..numbers import _QUAL as _QUAL_WORDS
from ..numbers import NumberPhrase, find_numbers
from ..records import Figure, Provenance, Span
from ..registry import stage
from ..work import Work
from .described import named_before
from .attribution import (NAMED_BODY_SPOKES, ORG_TYPES, REPORT_NOUNS, _alt, _described, acronym_spelled, counted_speakers, find_source, governing_source, hedged,
                          info_source, office_of, resolve_phrase, source_of_number, speaks_for, _GOVERNOR_AFTER)
from .bodies import KIND_BODY_SPOKES, country_body, cut_carrier, main_country
from .entities import lookup
from .spans import ByStart

CFG = CONFIG["figures"]
VERSION = "figures@1"


@lru_cache(maxsize=1)
def lexicon() -> dict[str, Any]:
    """The vocabulary in ``data/figures_lexicon.yaml`` plus the user's ``SITREP_FIGURES_LEXICON``
    file (lists appended without repeating a packaged word, maps merged)."""
    return load_data("figures_lexicon.yaml", "SITREP_FIGURES_LEXICON", merge="append_new")


def _alternation(words) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


LEX = lexicon()
STATUS_WORDS: dict[str, list[str]] = LEX["status_words"]
STATUS_OF = {w: s for s, ws in STATUS_WORDS.items() for w in ws}
# Longest status phrase in words: the after-number search tries phrases this long first.
MAX_STATUS_WORDS = max(len(w.split()) for w in STATUS_OF)
WEAK_AFTER = frozenset(LEX["weak_after"])
# Status words that name people ("among the dead", "of the injured"), unlike "the killings".
PEOPLE_STATUS = frozenset(["dead", "killed", "injured", "wounded", "deceased", "missing", "victims",
                           "displaced", "detained", "hostages", "bodies"])
LINKING = frozenset(LEX["linking_verbs"])
PRE_FORMS: dict[str, str] = LEX["pre_status"]
# Words before a number that carry its status: "killing 13", "the death toll rose to 229",
# "the lives of 35 residents", "killing “147 people”"; up to four ``pre_status_between`` words
# may stand between.
PRE_STATUS = re.compile(
    rf"(?P<w>\b(?:{_alternation(PRE_FORMS)}|casualties))"
    rf"(?:\s+(?:{_alternation(LEX['pre_status_between'])})){{0,4}}"
    r"\s*[“\"]?$", re.I)

# "kills and injures dozens", "killed, wounded or kidnapped 300 people": the dead and others in
# one number, whatever the last verb before it.
MIXED_BEFORE = re.compile(r"\b(?:kills|killed|killing|kill)\s*(?:,|and|&|or)\s*"
                          r"(?:[a-z]+\s*(?:,|and|&|or)\s*)?$", re.I)
MIXED = re.compile(rf"\s*(?:{_alternation(LEX['mixed_after'])})\b", re.I)

# A running count named earlier in the sentence: "The death toll from Tuesday's attack ... rose
# to 26", "Its count rose from 229 on Friday to more than 1,000".
TOLL_SUBJECT = re.compile(r"\b(death tolls?|(?:(?:injury|injured|wounded)\s+)?tolls?|count|tally|total (?:number of )?(?:fatalities|deaths|dead)|number of (?:the )?(?:dead|deceased|deaths|martyrs|bodies|people "
                          r"killed|victims|fatalities)|number of [\w\s’'-]{0,50}?(?:displaced|killed|died|dead|"
                          r"injured|wounded|missing|detained|forced from their homes|uprooted))\b", re.I)
TOLL_VERB = re.compile(rf"\b(?:{_alternation(LEX['toll_verbs'])}|(?:running|run|runs|ran) "
                       r"into(?: the)?|in the)\s*$", re.I)
_COUNTED = [("displaced", r"displaced|forced from|uprooted"), ("injured", r"injur|wounded"),
            ("missing", r"missing"), ("detained", r"detained")]
RETRACTED = re.compile(r"\b(an earlier version of this (?:article|story|report)|this (?:article|story) "
                       r"has been (?:corrected|updated) to|incorrectly (?:said|stated|reported))\b", re.I)
# "bringing the total to 16", "taking the overall tally to 40": a total of what came before.
TOTAL_OF_PREV = re.compile(rf"\b(?:{_alternation(LEX['total_verbs'])})\s+the\s+(?:overall\s+|new\s+)?"
                           r"(?:total|tally|count)\s+(?:[\w’'-]+\s+){0,6}?to\s*$", re.I)
PARTITIVE = re.compile(r"^\s*of (them|whom|those|the dead|the victims|the killed)\b", re.I)
LIVES = re.compile(rf"\b({_alternation(LEX['lives_verbs'])})\b", re.I)
LOSS_OF_LIVES = re.compile(rf"\b(?:{_alternation(LEX.get('lives_lost_before') or ['(?!)'])})\s+$", re.I)
NOT_LOST = re.compile(rf"\b(?:{_alternation(LEX.get('not_lost_before') or ['(?!)'])})\b", re.I)


def _lives_lost_before(stext: str, at: int) -> bool:
    """"the loss of N lives" right before the number, not prevented or foreseen ("prevented the
    loss of 120 lives", "could lead to the loss of 1,000 lives")."""
    m = LOSS_OF_LIVES.search(stext, 0, at)
    return m is not None and not NOT_LOST.search(stext, max(0, m.start() - 40), m.start())
LIVES_LOST = re.compile(r"\s+(?:(?:were|have been|had been|are|was)\s+)?lost\b", re.I)
DISPLACED_AFTER = re.compile(r"^\W*(?:\w+\s+){0,2}(?:from their homes|from (?:the|their) "
                             r"(?:camp|camps|town|city|village|area)s?)\b", re.I)

VICTIMS: dict[str, list[str]] = LEX["victims"]
# Checked first: the more specific category wins ("aid workers" over "workers", "women" over "people").
VICTIM_ORDER: list[str] = LEX["victim_order"]
VICTIM_WORDS = {w: v for v in VICTIM_ORDER for w in VICTIMS[v]}

# Units, measures, counters and things after a number (``units_after`` in the lexicon, matched as
# word starts: "kilomet" covers "kilometres") and the signs, ordinals and times kept here.
TRAP_AFTER = re.compile(
    rf"^\s*(%|-year-old|-year|\$|th\b|st\b|nd\b|rd\b|am\b|pm\b|a\.m|p\.m|{_alternation(LEX['units_after'])}|"
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b|"  # a month, not "martyrs" or "deceased"
    r"in (?:two|three|four|five|ten|\d+|every)\b|"
    r"out of\b)", re.I)
# Nouns of things, not people, after a number (``not_people_after`` in the lexicon): "31 rifles".
TRAP_NOUN_AFTER = re.compile(rf"^\s*(?:[\w-]+\s+)?(?:{_alternation(LEX.get('not_people_after') or ['-'])})\b", re.I)
# A class described by a threshold, not a toll (``threshold_before``): "attacks resulting in more
# than 100 deaths" in a table's legend.
THRESHOLD_BEFORE = re.compile(rf"\b(?:{_alternation(LEX.get('threshold_before') or ['-'])})\s*$", re.I)
TRAP_BEFORE = re.compile(r"(\b(?:january|february|march|april|may|june|july|august|september|october|"
                         r"november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.?"
                         r"(?:\s+\d{1,2}(?:st|nd|rd|th)?\s*(?:and|to|-|–|until|through))?|"
                         rf"\$|£|€|{_alternation(LEX['age_before'] + LEX['reference_before'])}|"
                         r"\bof the|\bin|\bsince|\buntil|\bby)\s*$", re.I)
_FLED_AFTER = re.compile(r"\s+(?:[\w-]+\s+){0,2}(?:who\s+(?:have\s+|had\s+)?fled|displaced|uprooted)\b", re.I)
# The earlier items of a list of ages ("aged one-and-a-half, 16, and …").
_AGE_LIST = re.compile(r"(?:(?:\d+|[a-z]+(?:-[a-z]+)*)\s*(?:,\s*(?:and\s+)?|\s+and\s+))+$", re.I)
AGE_BEFORE = re.compile(rf"\b({_alternation(LEX['age_before'])})\s*$", re.I)
# A count of people rescued or freed (``rescue_before``): no casualty figure.
RESCUE_BEFORE = re.compile(rf"\b(?:{_alternation(LEX.get('rescue_before') or ['-'])})\s+"
                           r"(?:(?:the|of|a|some|another|all)\s+){0,2}$", re.I)
# ... or a count the clause says was brought out of harm after it (``rescued_after``): "four
# hostages held by the group were rescued".
RESCUED_AFTER = re.compile(rf"^(?P<gap>[^.;:\d]{{0,50}}?)\b(?:{_alternation(LEX.get('rescued_after') or ['-'])})\b", re.I)
_HARM = re.compile(r"\b(?:kill|die|dead|death|injur|wound|hurt|and)", re.I)
# A place's population (``population_before``): "a city of more than a million people".
POPULATION_BEFORE = re.compile(rf"\b(?:{_alternation(LEX.get('population_before') or ['-'])})\s+$", re.I)
# "lost 23 members of his family" (``loss_verbs``): the people counted after it were killed.
LOSS_BEFORE = re.compile(rf"\b(?:{_alternation(LEX.get('loss_verbs') or ['-'])})\s+$", re.I)
KIN_AFTER = re.compile(r"\s+of\s+(?:them\b|(?:my|his|her|their|our|its)\s+(?:[\w-]+\s+){0,3}?[\w-]+"
                       r"(?=\s*[,;.)]|\s+(?:in|on|at|who|and)\b|$))", re.I)
PROJECTION = re.compile(rf"\b({_alternation(LEX['projection_modals'])})\s+(\w+\s+){{0,2}}"
                        rf"({_alternation(LEX['projection_verbs'])})\b[^.]{{0,30}}$", re.I)
PERIOD = re.compile(r"\b(?:over|in|during|across|within|from|of)\s+(?:the\s+)?(?:past\s+|last\s+|"
                    r"first\s+)?(?P<n>\w+|\d+)\s+(?P<unit>days?|hours?|weeks?)\b", re.I)
SMALL = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "a": 1, "one": 1,
         "several": None, "ten": 10}
# The gap between two counts that share a status: nothing, a comma or one ``coordinators`` word
# ("12 killed, along with 4 soldiers").
COORD = re.compile(rf"^[\s,;]*(?:{_alternation(LEX['coordinators'])}|,)?[\s,]*$", re.I)
# The gap between two items of a list: "six in Dinguiri, two in Mene and three …".
LIST_ITEM = re.compile(r"^\s*(?:(?:in|on|at|from|near)\s+[^,;.:—–()\d]{1,60}?)?\s*(?:,|;|,?\s*and\b|\bor\b)\s*$",
                       re.I)
# A list opened right after a count: "…were taken to hospitals: 16 children", "killed 11 — six in",
# "four officers—two from the city police".
LIST_OPEN = re.compile(r"^[^.;\d]{0,80}?(?::|(?:^|[\s\w])[—–]|\()\s*[“\"]?$")
# A sentence that opens on the whole its numbers belong to: "Among the victims — 121 male …".
# "The dead also included 342 …": the same.
AMONG_HEAD = re.compile(r"^\W*(?:among (?:the|those) (dead|victims|killed|deceased|wounded|injured)\b|"
                        r"the (dead|victims|killed|deceased|wounded|injured)\s+(?:also\s+)?includ(?:ed|es|e)\b)",
                        re.I)
SKIP_NP = {"DET", "ADJ", "NUM", "ADP", "PROPN", "NOUN", "PART", "CCONJ", "PUNCT", "ADV"}
_CLAUSE_END = {";", ":", "—", "–", "(", ")"}


def _np_after(doc, start_char: int, limit_char: int):
    """Tokens of the noun phrase right after a number: 'Alawite civilians', 'members of X forces'."""
    toks = []
    for tok in doc.char_span(start_char, limit_char, alignment_mode="expand") or []:
        if tok.idx < start_char:
            continue
        if tok.pos_ in ("VERB", "AUX") or tok.text in _CLAUSE_END or tok.lower_ in ("who", "which", "that"):
            break
        if tok.text == "," :
            break
        if tok.pos_ not in SKIP_NP and tok.text not in ("-", "’s", "'s"):
            break
        if toks and (tok.pos_ in ("CCONJ", "NUM") or tok.like_num):
            break  # "125 personnel and 148 loyalists": the next conjunct is its own figure
        if tok.pos_ == "ADP" and tok.lower_ != "of":
            break  # "803 killings in Syria's provinces": the place is not part of the noun
        toks.append(tok)
        if len(toks) >= CFG["window_after"]:
            break
    # Drop a trailing preposition/determiner left by the window ("13 members of the").
    while toks and toks[-1].pos_ in ("ADP", "DET", "CCONJ", "PUNCT"):
        toks.pop()
    return toks


def _victims(np_text: str, np_tokens) -> str:
    low = " " + " ".join(re.sub(r"[^\w\s'’-]", " ", np_text.lower()).split()) + " "
    hits = []  # (start, end, category) of every victim word in the phrase
    for cat in VICTIM_ORDER:
        for w in VICTIMS[cat]:
            at = low.find(f" {w} ")
            while at >= 0:
                hits.append((at, at + len(w) + 2, cat))
                at = low.find(f" {w} ", at + 1)
    # A word inside a longer victim phrase gives way to it ("defence volunteers").
    kept = [h for h in hits if not any(o[0] <= h[0] and h[1] <= o[1] and o[1] - o[0] > h[1] - h[0]
                                       for o in hits)]
    for cat in VICTIM_ORDER:
        if any(h[2] == cat for h in kept):
            return cat
    return "unknown"


# The rest of a victim phrase joined by "and" that the noun phrase stops before ("girls" + " and
# young women"): the lexicon's phrases with "and" in them.
_JOINED = [w.split(" and ", 1)[1] for ws in VICTIMS.values() for w in ws if " and " in w]
JOINED_AFTER = re.compile(rf"\s+and\s+(?:{_alternation(_JOINED) if _JOINED else '-'})\b", re.I)
UNKNOWN_VICTIMS = re.compile(rf"\b(?:{_alternation(LEX.get('unknown_victims') or ['-'])})\b", re.I)


_PARTITIVE_OF = re.compile(
    r"^\s*(?:of (?:its|their|his|her|our|my|the partner's|the group's)\s+(?P<own>[\w\s-]{3,40}?)(?=\s+(?:were|was|had|have|are|killed|died|and)\b|[,;.)]|$)"
    r"|(?:\s*\(|\s*,)?\s*of (?:them|whom|the dead|the victims|those killed|the injured|the wounded)"
    r"(?:\s+(?:were|was|are|being))?\s+(?:an?\s+)?(?!(?:have|has|had|no|not)\b)(?P<what>[\w\s-]{3,40}?)(?=[,;.)]|\s+(?:who|and|in|from|at|on)\b|\s+[“\"]|$)"
    r"|\s*of the (?P<whole>[\w-]{3,30})\b)",  # "one of the attackers blew himself up"
    re.I)


def _partitive_victims(after: str) -> str | None:
    """Category named in a partitive: "of the dead were Alawite civilians", "of them children",
    "of its soldiers"."""
    m = _PARTITIVE_OF.match(after)
    if not m:
        return None
    words = m.group("own") or m.group("what") or m.group("whole")
    cat = _victims(words, None)
    return None if cat in ("all", "unknown") else cat


def _group(np_tokens, doc) -> str | None:
    from .entities import is_place_not_entity

    for tok in np_tokens:
        if tok.ent_type_ == "NORP":
            ent = next((e for e in tok.sent.ents if e.start <= tok.i < e.end), None)
            text = ent.text if ent is not None else tok.text
            hit = lookup(text)
            if hit and hit[1] == "group":
                return hit[0]
            if ent is not None and is_place_not_entity(ent):
                continue  # "five people in the Aleppo countryside": a place, not a group
            if text.endswith("s") and not text.endswith("ss"):
                text = text[:-1]
            return text
    return None


# Status words that name the people themselves ("detainees"): a death after them in the clause is
# their status ("12 detainees had died").
STATUS_HEADS = frozenset(LEX.get("status_heads") or ())


# An aside right after a number's noun phrase: in brackets, or between two dashes of one kind.
ASIDE_AFTER = re.compile(r"^\s*(?:\([^()\n]{1,100}\)|(?P<d>[—–])[^—–\n]{1,100}(?P=d))")


def _status_after(sent_text: str, rel: int, verbs: frozenset[int] = frozenset()
                  ) -> tuple[str | None, int]:
    """First status word after ``rel`` in the same clause as the number.

    ``verbs`` holds the sentence-relative offsets of the parse's main verbs: a verb that is not a
    status word ("500 people marched to protest the killings") or a new clause ("40 shops and
    killed three guards") ends the search, so a status word elsewhere in the sentence never
    attaches to the number.
    """
    tail = sent_text[rel:]
    aside = ASIDE_AFTER.match(tail)
    if aside:
        # "11 people — five women and four children — lost their lives", "37 students (20 girls
        # and 17 boys) were hacked to death": the status comes after the aside.
        tail = " " * aside.end() + tail[aside.end():]
    moved = DISPLACED_AFTER.match(tail)
    if moved:
        return "displaced", rel + moved.end()
    stop = re.search(r"[;:]|\s—\s|\b\d|\b(?:and|but)\s+(?:\w+\s+){0,3}(?:said|says)\b|\band that\b", tail)
    tail = tail[: stop.start()] if stop else tail
    subset = SUBSET_STATUS.search(tail)
    if subset is not None and subset.group("w").lower() in STATUS_OF:
        tail = tail[: subset.start()]  # ", many of them displaced": a subset's status, not the number's
    words = list(re.finditer(r"[A-Za-z’'-]+", tail))[: CFG["window_after"] + 3]
    low = [m.group(0).lower() for m in words]
    for i, w in enumerate(low):
        if w in ("could", "may", "might", "would", "will"):
            rest = " ".join(low[i + 1:i + 4])
            if STATUS_OF.get(rest) != "missing" and STATUS_OF.get(" ".join(low[i + 1:i + 3])) != "missing":
                return None, 0  # (but "might still be trapped" is a count of the missing)
            continue
        # Longest phrase first: "lost their lives", "taken to hospital", "receiving treatment".
        for n in range(min(MAX_STATUS_WORDS, len(low) - i), 1, -1):
            phrase = " ".join(low[i:i + n])
            if phrase in STATUS_OF:
                return STATUS_OF[phrase], rel + words[i + n - 1].end()
        if w in STATUS_OF and w not in WEAK_AFTER:
            if i > 0 and low[i - 1] in ("the", "these", "those", "its", "their", "his", "her") and (
                    i < 2 or low[i - 2] not in ("among", "of", "amongst") or w not in PEOPLE_STATUS):
                continue  # "27 witnesses to the killings": another noun phrase
            return STATUS_OF[w], rel + words[i].end()
        if rel + words[i].start() in verbs and w not in LINKING:
            return None, 0
        if w in ("and", "but", "while") and i + 1 < len(words) and rel + words[i + 1].start() in verbs:
            return None, 0
    return None, 0


def _after_relative(sent, np_end: int, status_end: int | None) -> int | None:
    """Where to read on past a relative clause ("who was injured in the strike") that opens right
    after a number's noun phrase and holds the status word ending at ``status_end``: the verb the
    noun is the subject of, else the clause's end (document offsets); None without one."""
    rel = next((t for t in sent if t.idx >= np_end and not t.is_space), None)
    if rel is None or rel.lower_ not in ("who", "that") or rel.head.dep_ != "relcl":
        return None
    clause = rel.head
    noun = clause.head
    last = clause.right_edge
    if status_end is not None and not clause.left_edge.idx <= status_end - 1 <= last.idx + len(last):
        return None
    if noun.dep_ in ("nsubj", "nsubjpass") and noun.head.pos_ == "VERB" and noun.head.i > last.i:
        return noun.head.idx  # the verb the noun is the subject of ("… died in hospital")
    return last.idx + len(last)


def _status_before(sent_text: str, rel: int) -> tuple[str | None, int]:
    head = sent_text[max(0, rel - 60):rel]
    m = PRE_STATUS.search(head)
    if m:
        w = " ".join(m.group("w").lower().split())
        status = PRE_FORMS.get(w) or STATUS_OF.get(w.removesuffix(" of"))
        if w == "casualties":
            return None, 0  # killed-and-injured together; not one status
        return status, rel - len(head) + m.start()
    verb = TOLL_VERB.search(sent_text[:rel])
    # The count named nearest before the number ("… the updated toll …, indicating that the
    # number of injured ranged between 2,750 and 2,800": the injured).
    subject = None
    for subject in TOLL_SUBJECT.finditer(sent_text[:rel]):
        pass
    if verb and subject and not re.search(r"[;:]", sent_text[subject.end():rel]):
        # "The number of people forced from their homes ... has passed 700,000": the subject says
        # what is counted; a toll or a count of the dead is killed.
        what = subject.group(0).lower()
        for status, pattern in _COUNTED:
            if re.search(pattern, what):
                return status, subject.start()
        return "killed", subject.start()
    among = re.search(r"among the (dead|deceased|killed|victims|wounded|injured)\s+(were|was|are)\s*$", head, re.I)
    if among:
        return ("injured" if among.group(1).lower() in ("wounded", "injured") else "killed",
                rel - len(head) + among.start())
    return None, 0


def _agent(sent, number_at: int, status_end: int) -> bool:
    """The status word after a number is an active verb whose subject holds the number and
    which has an object of its own ("dozens of its fighters had killed and wounded hundreds"):
    the people counted did the harm."""
    tok = next((t for t in sent if t.idx < status_end <= t.idx + len(t)), None)
    if tok is None or tok.pos_ != "VERB" or tok.lemma_.lower() not in _HARM_LEMMAS - {"displace"} or any(
            c.dep_ in ("auxpass", "nsubjpass") for c in tok.children):
        return False
    if not any(c.dep_ == "nsubj" and c.left_edge.idx <= number_at <= c.right_edge.idx for c in tok.children):
        return False
    objects = [c for t in (tok, *(c for c in tok.children if c.dep_ == "conj")) for c in t.children
               if c.dep_ == "dobj"]
    return any(any(x.lower_ in VICTIM_WORDS for x in c.subtree) or find_numbers(
        sent.doc[c.left_edge.i:c.right_edge.i + 1].text) for c in objects)


# A partitive after the number with its own status word: ", many of them displaced", ", thousands
# of whom have been displaced" (but ", most of them from the north, were killed" is the whole's).
SUBSET_STATUS = re.compile(r",\s*(?:[\w-]+\s+){1,2}of\s+(?:them|whom)(?:\s+(?:have|has|had|been|were|was|"
                           r"are|is|being|now|also))*\s+(?P<w>[\w-]+)", re.I)


_SPEAKING = {"say", "tell", "describe", "recount", "recall", "explain", "testify"}


def _speaks(sent, at: int) -> bool:
    """The people counted are the ones who speak ("Three of those who fled said …", "27
    witnesses told the group …"): interviewees, not a toll."""
    tok = next((t for t in sent if t.idx <= at < t.idx + len(t)), None)
    if tok is None:
        return False
    noun = tok.head if tok.dep_ in ("nummod", "quantmod") else tok
    return noun.dep_ == "nsubj" and noun.head.lemma_.lower() in _SPEAKING


def _period(sent_text: str, sent_dates, end_date: str | None) -> tuple[str | None, str | None]:
    m = PERIOD.search(sent_text)
    if not m or not end_date:
        return None, None
    n = m.group("n").lower()
    unit = m.group("unit").lower()
    value = int(n) if n.isdigit() else SMALL.get(n)
    if value is None:
        return None, None
    if unit.startswith("hour"):
        days = max(1, value // 24)
    elif unit.startswith("week"):
        days = value * 7
    else:
        days = value
    anchor = next((d.date for d in sent_dates if d.date and d.method in ("weekday", "explicit")), None)
    end = date.fromisoformat(anchor or end_date)
    return (end - timedelta(days=days - 1)).isoformat(), end.isoformat()


def _is_trap(sent_text: str, num: NumberPhrase, ents, abs_start: int, abs_end: int) -> bool:
    after = sent_text[num.end:]
    before = sent_text[:num.start]
    unit = TRAP_AFTER.match(after)
    if unit is not None and _people_word_after(after):
        unit = None  # "100 corpses" is no "corps", "12 marines" no "mar"
    if unit is not None or TRAP_NOUN_AFTER.match(after):
        return True
    if before.endswith("[") and after.startswith("]"):
        return True  # a reference mark: "discharged.[2]"
    if num.qualifier in ("more_than", "at_least") and THRESHOLD_BEFORE.search(before):
        return True
    if AGE_BEFORE.search(before) or (AGE_BEFORE.search(_AGE_LIST.sub("", before))
                                     and not _people_word_after(after)):
        return True  # "aged 10-20", "over the age of 70", "aged eight, 11, and 14"
    if re.search(r"\d/$", before) or re.match(r"/\d", after):
        return True  # "Wednesday (1/3)": a date or a fraction
    if RESCUE_BEFORE.search(before):
        return True  # "troops rescued four hostages": brought out of harm
    rescued = RESCUED_AFTER.match(after)
    if rescued and not _HARM.search(rescued.group("gap")):
        return True  # "four hostages held by the group were rescued" (not "12 killed and 30 were rescued")
    if POPULATION_BEFORE.search(before) and not _FLED_AFTER.match(after):
        return True  # "a camp home to 85,000 refugees": who live there (not "… people who fled")
    if num.qualifier == "exact" and TRAP_BEFORE.search(before) and not re.search(
            r"(killing|wounding|injuring|toll of|rose to|\bto|(?:toll|dead|deaths|casualties|number of "
            r"[\w ]+?)\b[^.;]{0,60}?(?:rose|risen|climbed|increased|jumped|grew|went up) by)\s*$", before,
            re.I) and not (
            re.search(r"\bin\s*$", before) and _status_noun_after(after)):
        return True  # (but "the strike resulted in 22 fatalities": a status noun counts)
    proj = PROJECTION.search(before)
    if proj and not (proj.group(3).lower() == "be" and num.qualifier == "up_to"
                     and not before[proj.end(3):].strip()):
        return True  # (but "the toll could be as high as 80": an upper estimate, kept hedged)
    if num.count is not None and 1900 <= num.count <= 2100 and num.qualifier == "exact" and \
            re.fullmatch(r"\d{4}", num.text):
        return True  # a year ("in 2022"); "2,000 bodies" is a count
    for start, end, label, etext in ents:
        if start < abs_end and abs_start < end and label in (
                "DATE", "TIME", "PERCENT", "MONEY", "ORDINAL"):
            if label in ("DATE", "TIME") and (BARE_COUNT.fullmatch(etext) or re.match(
                    r"(?:the\s+)?ages?\b", etext, re.I) or etext == num.text):
                # "put the toll at 63", "Kills 70 People", "Forty others were wounded": the
                # tagger's bare number is no date (a unit after it is a trap above)
                continue
            return True
    return False


def _word_after(after: str) -> str:
    m = re.match(r"\s*([A-Za-z’'-]+)", after)
    return m.group(1).lower() if m else ""


def _people_word_after(after: str) -> bool:
    """The word right after a number is a status or victim noun, whatever unit it begins with."""
    return _word_after(after) in STATUS_OF or _word_after(after) in VICTIM_WORDS


def _status_noun_after(after: str) -> bool:
    """The word right after a number is a status noun of its own ("22 fatalities", "70 deaths",
    "633 injured")."""
    return _word_after(after) in STATUS_OF and _word_after(after) not in WEAK_AFTER


# A number alone (no month, weekday or unit) that the entity tagger may still call a date.
BARE_COUNT = re.compile(rf"(?:(?:{_QUAL_WORDS})\s+)?\d{{1,3}}(?:,\d{{3}})*", re.I)


def _span_start(x: Any) -> int:
    return x.span.start


@stage("figures", needs=("nlp", "dates", "entities", "places", "quotes"), sets=("figures",))
def figures_stage(work: Work) -> None:
    """Extract casualty figures with status, victims, group, source, hedging, period and place."""
    doc = work.spacy_doc
    if work.raw.language and not work.raw.language.lower().startswith("en"):
        # The vocabularies are English ("die" is German for "the"): say so, invent nothing.
        work.unresolved.append(f"figures not extracted: language {work.raw.language!r} unsupported")
        work.figures = []
        return
    text = work.text
    figures: list[Figure] = []
    para_of = _paragraph_index(text)
    # Doc.ents walks the whole document: once per document, not once per sentence.
    doc_ents = [(e.start_char, e.end_char, e.label_, e.text) for e in doc.ents]
    # Each sentence's dates, places and entities by bisection, not a scan of the document.
    dates_at, places_at = ByStart(work.dates, _span_start), ByStart(work.place_mentions, _span_start)
    ents_at = ByStart(doc_ents, lambda e: e[0])
    last_source: dict[int, tuple[str | None, str | None]] = {}
    last_fig: Figure | None = None
    intro_para = -1  # the last paragraph that is no bullet item
    sentence_sources: list[tuple[int, int, str | None, str | None]] = []
    for sent in doc.sents:
        s0, s1 = sent.start_char, sent.end_char
        stext = text[s0:s1]
        # "An earlier version of this article said 30 people ...": that clause is withdrawn.
        retracted = RETRACTED.search(stext)
        withdrawn_until = 0
        if retracted:
            stop = re.search(r"[;:]|\s[—–]\s|\.\s", stext[retracted.end():])
            withdrawn_until = retracted.end() + stop.start() if stop else len(stext)
        sent_dates = dates_at.within(s0, s1)
        source, source_id = find_source(sent, work)
        if source is not None and (source_id is None and any(
                e[2] in ("GPE", "LOC", "FAC") and e[3].casefold() == source.casefold() for e in doc_ents)
                or _is_dateline(source, text)):
            source = None  # "BEIRUT - the minister said …": a place (a dateline) is never a source
        if source is None:
            source, source_id = _title_source(stext, s0, work)
        if source is None:
            source, source_id = _minister_subject(sent, work)
        para_source = last_source.get(para_of(s0))  # what the paragraph said before this sentence
        p_start = text.rfind("\n\n", 0, s0 + 1)
        if text[p_start + 1 if p_start >= 0 else 0:s1].lstrip().startswith(("•", "●", "▪")):
            # A bullet list under a paragraph that names who gives the figures ("… he announced
            # that …:  • Eight people have been killed"): that source.
            para_source = para_source or last_source.get(intro_para)
        else:
            intro_para = para_of(s0)
        if source is not None and not _is_outlet(source, work):
            # The paragraph's later sentences inherit it ("X said two missiles hit the station.
            # 30 people were killed.").
            last_source[para_of(s0)] = (source, source_id)
        sentence_sources.append((s0, s1, source, source_id))
        numbers = find_numbers(stext)
        if not numbers:
            continue  # (what follows reads the sentence for its numbers' sake only)
        is_hedged = hedged(stext)
        places = sorted({m.ref_id for m in places_at.within(s0, s1) if m.ref_id})
        prev: Figure | None = None
        prev_end = prev_np_end = 0
        among_m = AMONG_HEAD.match(stext)
        among = None
        if among_m:
            whole = (among_m.group(1) or among_m.group(2)).lower()
            among = "injured" if whole in ("wounded", "injured") else "killed"
        pending: list = []
        trapped = False  # a number of this sentence was no count ("save four people, three of them")
        # (A participle on the noun does not end the clause: "Seven protesters brought to the
        # trauma centre died".)
        verbs = frozenset(t.idx - s0 for t in sent if t.pos_ == "VERB"
                          and not (t.dep_ == "acl" and t.tag_ == "VBN"))
        # Verbs that give a clause its own predicate ("including" only opens a list).
        own_verbs = frozenset(t.idx - s0 for t in sent if t.pos_ == "VERB"
                              and t.lemma_.lower() not in ("include", "exclude", "accord"))
        sent_ents = ents_at.within(s0, s1)

        def emit(num, np_tokens, np_end, status, rule, status_end, fig_start):
            a1 = s0 + num.end
            np_text = text[a1:np_end]
            victims = _victims(np_text, np_tokens)
            joined = JOINED_AFTER.match(text, np_end, min(s1, np_end + 30)) if np_tokens else None
            if joined and _victims(np_text + joined.group(0), None) != victims:
                victims = _victims(np_text + joined.group(0), None)  # "46 girls and women"
            head = np_tokens[-1].lower_ if np_tokens else ""
            # ("dozens of the dead were children": the number phrase holds the "of".)
            part = _partitive_victims((" of" if num.text.lower().endswith(" of") else "") + text[a1:s1])
            group = _group(np_tokens, doc)
            if part is not None and victims in ("all", "unknown"):
                victims = part  # "745 of the dead were civilians", "nine of its soldiers"
            elif victims == "unknown" and group is not None:
                victims = "all"  # "413 Palestinians": people of a group, category untold
            if rule == "coordinated" and not np_tokens and prev is not None and victims in ("all", "unknown") \
                    and prev.victims != "all":
                # "four police officers—two from the Civil Police and two from …": the items of
                # a list opened after a count are of its people.
                victims = prev.victims
            elif head == "others" and prev is not None and prev.victims in (
                    "security_forces", "combatants", "aid_workers"):
                # "killing 13 members of the forces and wounding several others": the others are
                # of the same armed side; after civilians or children "others" is anyone.
                victims = prev.victims
            elif victims == "unknown" and prev is not None and prev.victims in (
                    "civilians", "security_forces", "combatants") and (
                    not np_tokens or head in STATUS_OF) and re.fullmatch(
                    r"[\w\s]{0,30}?(?:\sand|\s?,)\s+(?:\w+\s+){0,2}", stext[prev_np_end:num.start] + " "):
                # "50 villagers were killed and 30 injured", "554 civilians were killed, an
                # additional 40 were injured": the same people, counted again.
                victims = prev.victims
            kin = KIN_AFTER.match(text, np_end, s1) if victims in ("all", "unknown") else None
            if kin and _victims(np_text + kin.group(0), None) not in ("all", "unknown"):
                victims = _victims(np_text + kin.group(0), None)  # "four members of his group"
            if victims == "unknown" and not UNKNOWN_VICTIMS.search(np_text):
                victims = "all"  # "the toll rose to 26", "displacing thousands more": people
            fig_end = max(np_end, s0 + status_end, a1)
            src, src_id, inherited = source, source_id, False
            own = source_of_number(sent, work, s0 + num.num_start)
            if own is not None:
                src, src_id = own  # the reporting verb the number's own clause hangs from
            # The innermost quotation holding the figure: "The UN says ..." inside an answer.
            quote = min((q for q in work.quotes if q.speaker
                         and q.span.start <= s0 + num.start < q.span.end),
                        key=lambda q: q.span.end - q.span.start, default=None)
            if own == (None, None) and quote is not None and quote.kind != "direct" \
                    and not (quote.speaker_rule or "").startswith("reported-by"):
                # reported speech of a clause aside ("RSF accused of killing 40"); a sentence that
                # ends "…, reported by the Red Cross" is the Red Cross's, figures and all
                quote = None
            if quote is not None and info_source(quote.speaker, None, work) == (None, None):
                quote = None  # "Recent data indicates that …": no one speaks
            if quote is not None and src is not None and src_id is None and quote.speaker != src \
                    and src.lower() in _ANAPHOR_HEADS and (quote.speaker_rule or "").startswith(("role->", "anaphor->")):
                # "The group also claimed that …" after "rights group Emergency Lawyers": the
                # one the statement's speaker names for that noun.
                src, src_id = quote.speaker, quote.speaker_id
            if quote is not None and src is not None and quote.speaker != src and \
                    governing_source(sent, work, s0 + num.num_start) == (src, src_id) and \
                    not _verb_inside(sent, work, quote, s0 + num.num_start):
                quote = None  # the verb whose clause holds the quotation names who said it
            if quote is not None and quote.kind != "direct" and src is not None and src_id is None \
                    and _within(quote.speaker, src):
                quote = None  # "according to officials and local media": ours names them all
            if quote is not None and (src is None or quote.kind == "direct" or src_id is None):
                # A figure inside a quotation, or inside reported speech, is the speaker's claim.
                src, src_id = quote.speaker, quote.speaker_id
            if src is not None and src_id is None and src.split()[-1].lower() in REPORT_NOUNS:
                # "The mayor said preliminary reports indicated …": the reports the mayor cites
                # are the mayor's claim.
                outer = min((q for q in work.quotes if q.speaker and q.speaker != src
                             and q.speaker.split()[-1].lower() not in REPORT_NOUNS
                             and q.span.start <= s0 + num.start < q.span.end),
                            key=lambda q: q.span.end - q.span.start, default=None)
                if outer is not None:
                    src, src_id = outer.speaker, outer.speaker_id
            if src is not None and src != source and _is_dateline(src, text):
                src, src_id = source, source_id  # the dateline's city is no speaker
            if src is not None and _is_outlet(src, work):
                src, src_id = None, None  # "…, Dunya News reported" in Dunya News: its own voice
            if src is None and para_source is not None:
                src, src_id = para_source
                inherited = src is not None
            if src is not None and src_id is None:
                # "the militant group said" after the text named JNIM: JNIM's claim.
                the = re.search(rf"\bthe\s+{re.escape(src)}\b", stext, re.I)
                described = named_before(src, s0 + the.start(), work) if the else None
                if described is not None:
                    src, src_id = described
            src, src_id, person = _speaker_org(src, src_id, work)
            if victims == "all" and any(t.lower_ in ("member", "members") for t in np_tokens) and \
                    _armed_in(work, a1, np_end):
                victims = "combatants"  # "one AA member was killed": a member of an armed group
            p_start, p_end = _period(stext, sent_dates, work.published)
            fig = Figure(
                id="", doc_id=work.doc_id, count=num.count,
                min=num.min, max=num.max, qualifier=num.qualifier, status=status, victims=victims,
                group=group, perpetrator=_perpetrator(sent, work, a1, a1 - 1), source=src,
                source_id=src_id, hedged=is_hedged, place_ids=places, period_start=p_start,
                period_end=p_end, reported_on=work.published,
                span=Span(fig_start, fig_end, text[fig_start:fig_end]),
                raw_span=work.clean.raw_span(fig_start, fig_end),
                sentence=Span(s0, s1, stext),
                provenance=Provenance(VERSION, 0.9 if rule in ("after", "noun", "before") else 0.7, rule),
                source_inherited=inherited, source_person=person)
            figures.append(fig)
            return fig

        speakers_at = counted_speakers(sent)
        for num in numbers:
            if num.start < withdrawn_until:
                continue
            a0, a1 = s0 + num.num_start, s0 + num.end
            if any(a <= a0 < b for a, b in speakers_at):
                continue  # "…, a hospital official and a resident told AFP": who said it
            if _is_trap(stext, num, sent_ents, a0, a1) or not text[a1:].strip():
                trapped = True  # (a part of it that follows is no figure either)
                continue  # (a number that ends the document is a cut-off scrape: "…, 1")
            np_tokens = _np_after(doc, a1, s1)
            np_end = np_tokens[-1].idx + len(np_tokens[-1]) if np_tokens else a1
            np_text = text[a1:np_end]
            fig_start = s0 + num.start
            # A status word right before the number governs it ("killing 13 members and wounding
            # several others"); otherwise look at the noun and what follows.
            # "the death toll surpassed 30,000": the verb is the number's qualifier.
            verb_qual = re.fullmatch(r"(?:passed|surpassed|exceeded|topped|crossed)\s+",
                                     stext[num.start:num.num_start], re.I)
            status, pre_start = _status_before(stext, num.num_start if verb_qual else num.start)
            if status is None and _speaks(sent, a0):
                continue
            rule, status_end = "before", num.end
            if status:
                fig_start = s0 + pre_start
            head = np_tokens[-1].lower_ if np_tokens else ""
            # A headline writes its status noun capitalised ("132 Dead in Raid"); the tagger
            # takes it for a name.
            noun = next((t for t in np_tokens if t.lower_ in STATUS_OF and (
                t.pos_ in ("NOUN", "ADJ") or t.pos_ == "PROPN" and t.is_title)
                and t.lower_ not in ("toll", "lives", "security", "held")), None)
            if status is None and noun is not None:
                status, rule = STATUS_OF[noun.lower_], "noun"
                status_end = noun.idx + len(noun) - s0
                if noun.dep_ == "amod" and noun.i < np_tokens[-1].i or noun.lower_ in STATUS_HEADS:
                    # "nine displaced people were killed", "12 detainees had died in custody": the
                    # adjective or the noun tells who they were, the verb after what befell them
                    # (a death, for a noun: "20 detainees were held" stays detained).
                    later, later_end = _status_after(stext, np_end - s0, verbs)
                    if later is not None and later != status and (
                            noun.lower_ not in STATUS_HEADS or later == "killed"):
                        status, status_end, rule = later, later_end, "after"
            if status is None:
                status, status_end = _status_after(stext, np_end - s0, verbs)
                rule = "after"
                if status is not None and _agent(sent, a0, s0 + status_end):
                    continue  # "a few dozen of its fighters had killed and wounded hundreds"
                described = re.match(r"\s+(?:[\w-]+\s+)??([\w-]+)\b(?=\s+(?:were|was|are|have|had|who|[a-z]+)\b)",
                                     stext[status_end:])  # ("another wounded person died")
                if status is not None and not np_tokens and described and \
                        described.group(1).lower() in VICTIM_WORDS:
                    # "nine displaced people were killed": the participle describes the people;
                    # what happened to them comes after.
                    later, later_end = _status_after(stext, status_end + described.end(), verbs)
                    if later is not None and later != status:
                        np_end = s0 + status_end + described.end()
                        np_text = text[a1:np_end]
                        np_tokens = [t for t in sent if a1 <= t.idx < np_end]
                        status, status_end = later, later_end
                later = _after_relative(sent, np_end, s0 + status_end if status is not None else None)
                if np_tokens and later is not None:
                    # "four others who were critically injured died": the relative clause tells
                    # who they were; the verb after it what happened to them ("the two gunmen
                    # who stormed the hall blew themselves up": what they did is no status).
                    later_status, later_end = _status_after(stext, later - s0, verbs)
                    if later_status is not None and later_status != status:
                        status, status_end = later_status, later_end
            if status is None and head == "lives" and (
                    LIVES.search(stext[max(0, num.start - 30):num.start])
                    or LIVES_LOST.match(stext, np_end - s0)  # "Over 100 lives lost"
                    or _lives_lost_before(stext, num.start)):  # "led to the loss of 13 lives"
                status, status_end, rule = "killed", np_end - s0, "noun"
            kin = KIN_AFTER.match(text, np_end, s1)
            if status is None and (np_tokens or kin) and LOSS_BEFORE.search(stext, 0, num.start):
                # "he lost 23 members of his family", "I lost three of my relatives": killed.
                np_end = kin.end() if kin else np_end
                status, status_end, rule = "killed", np_end - s0, "before"
                fig_start = s0 + LOSS_BEFORE.search(stext, 0, num.start).start()
            if status is None and prev is not None and (
                    COORD.match(stext[prev_end:num.start].replace(np_text, "")) is not None
                    or LIST_ITEM.match(stext[prev_np_end:num.start])
                    or LIST_OPEN.search(stext[prev_np_end:num.start])):
                # "…: 16 children, 46 women and 36 men", "— six in X, two in Y and three on the
                # road": every item of a list takes the status of the count it breaks down.
                status, rule, status_end = prev.status, "coordinated", num.end
            elif status is None and prev is not None and (re.search(
                    r"\b(along with|as well as|plus|in addition to|and|including|among them|of whom)\b",
                    stext[prev_end:num.start]) or PARTITIVE.match(stext[num.end:])):
                status, rule, status_end = prev.status, "coordinated", num.end
            if status is None and prev is not None and TOTAL_OF_PREV.search(stext, 0, num.start):
                # "Three more deaths were reported, bringing the total to 16": the total counts
                # what the sentence's figure before it counts.
                status, rule, status_end = prev.status, "coordinated", num.end
            if status is None and among is not None:
                status, rule, status_end = among, "among", num.end
            if status is None and prev is None and not trapped and last_fig is not None and PARTITIVE.match(
                    stext[num.end:]) and _partitive_victims(stext[num.end:]) is not None and (
                    para_of(s0) - para_of(last_fig.sentence.start) <= 1):
                # "… killing 35 people. Four of them are children": the count of the sentence
                # before is the whole the partitive breaks down.
                status, rule, status_end = last_fig.status, "coordinated", num.end
            if status is None:
                if np_tokens and _victims(np_text, np_tokens) != "unknown" and head not in (
                        "casualties", "casualty"):  # killed-and-injured: never given one status
                    pending.append((num, np_tokens, np_end))
                continue
            if rule == "before" and status != "killed" and MIXED_BEFORE.search(stext, 0, pre_start):
                continue  # "kills and injures dozens": one number for the dead and the hurt
            mixed = MIXED.match(stext, status_end) if status in ("killed", "injured") else None
            if mixed and not find_numbers(stext[mixed.end():mixed.end() + 25]):
                # "dozens of dead and injured": killed and injured in one number (but "killed
                # 12 and injured 30 others" are two figures).
                continue
            if num.is_word and num.qualifier == "vague" and not np_tokens and (
                    rule != "before" and status_end - (num.end) > 25):
                continue
            fig = emit(num, np_tokens, np_end, status, rule, status_end, fig_start)
            if rule in ("after", "noun") and pending:
                # "More than 100 people, among them 20 children ..., have been killed": the
                # leading count shares the status found after its subset.
                for pnum, ptoks, pend in pending:
                    if any(pend - s0 <= v < num.start for v in own_verbs):
                        continue  # "39 people were saved, 75 were injured": its own verb, no status
                    if re.search(r"\b(among them|including|of whom|among whom|and|as well as|"
                                 r"along with|among)\b|,|&", stext[pnum.end:num.start]):
                        emit(pnum, ptoks, pend, status, "shared", pnum.end, s0 + pnum.start)
                pending.clear()
            prev, prev_end, prev_np_end = fig, num.end, max(np_end - s0, num.end)
            last_fig = fig
    _source_after(figures, sentence_sources, text, para_of, work)
    _victims_after(figures, sentence_sources, text)
    _headline_sources(figures, text)
    holders = _source_line_people(work)
    for f in figures:
        held = holders.get(f.source or "") if f.source_person is None else None
        if held is not None:
            f.source, f.source_id, f.source_person = held[0], None, held[1]  # "Taburets reported"
        f.source = acronym_spelled(cut_carrier(f.source)) if f.source is not None else None
        body = country_body(f.source, work, f.sentence.text) if f.source is not None else None
        if body is not None:
            f.source, f.source_id = body, None
    figures.sort(key=lambda f: (f.span.start, f.span.end))
    for i, f in enumerate(figures):
        f.id = f"{work.doc_id}:f{i}"
    work.figures = figures


def _headline_sources(figures: list[Figure], text: str) -> None:
    """A headline summarises its article: an unattributed figure in a title line (above the first
    line of body prose, eight words or more ending a sentence; the title itself ends none) takes
    the source the body gives for the same number, status and victims, when the body gives it
    exactly one source and never in its own voice ("Strike kills 26" over "… killed at least 26
    people, the ministry said"). The source is marked inherited."""
    body = next((m.start() for m in re.finditer(r"[^\n]+", text)
                 if len(m.group().split()) >= 8 and m.group().rstrip().endswith((".", "”", '"', "!"))),
                None)
    if body is None:
        return
    for f in figures:
        if f.span.start >= body or f.source is not None:
            continue
        line_start = text.rfind("\n", 0, f.span.start) + 1
        line_end = text.find("\n", f.span.start)
        line = text[line_start:line_end if line_end >= 0 else len(text)].strip()
        if line.endswith(".") or len(line.split()) > CONFIG["figures"]["headline_max_words"]:
            continue
        same = [g for g in figures if g.span.start >= body and g.status == f.status
                and (g.count == f.count if f.count is not None else (g.min, g.max) == (f.min, f.max))
                and (g.victims == f.victims or f.victims in ("all", "unknown"))]
        names = {(g.source or "").casefold() for g in same}
        if len(names) == 1 and "" not in names:
            g = same[0]
            f.source, f.source_id, f.source_person = g.source, g.source_id, g.source_person
            f.source_inherited = True


# A headline that names its source after a colon: "Eight killed, 2,750 wounded: health minister".
_TITLE_SOURCE = re.compile(r"^[^\n]*\d[^\n]*?:\s+(?P<src>[^:\d\n.]{3,60}?)\s*$")


def _is_dateline(name: str, text: str) -> bool:
    """A city in capitals opening a paragraph ("BEIRUT - ", "KYIV, Ukraine:") is a dateline."""
    name = name.split()[0].rstrip(",") if name.split() else name  # "BAMAKO - Nineteen …"
    return len(name) > 3 and name.isupper() and lookup(name) is None and re.search(
        rf"(?:^|\n)\s*(?:[A-Z]{{3,}},\s*)?{re.escape(name)}\s*(?:[-–—,(:])", text) is not None


def _minister_subject(sent, work: Work) -> tuple[str | None, str | None]:
    """"Lebanon's health minister said …": a ministry or minister as the subject of a reporting
    verb, as written (``_national_body`` makes it the ministry)."""
    from .attribution import REPORT_LEMMAS

    for tok in sent:
        if tok.pos_ == "VERB" and tok.lemma_.lower() in REPORT_LEMMAS:
            for c in tok.lefts:
                if c.dep_ not in ("nsubj", "npadvmod", "appos", "dep"):
                    continue
                for t in c.subtree:
                    if t.lemma_.lower() in ("minister", "ministry") and t.pos_ in ("NOUN", "PROPN"):
                        start = min(x.idx for x in t.lefts) if any(True for _ in t.lefts) else t.idx
                        phrase = work.text[start:t.idx + len(t)]
                        if _national_body(phrase, False, work) is not None:
                            return phrase, None
    return None, None


def _title_source(stext: str, s0: int, work: Work) -> tuple[str | None, str | None]:
    m = _TITLE_SOURCE.match(stext)
    if not m:
        return None, None
    a0, a1 = s0 + m.start("src"), s0 + m.end("src")
    found = resolve_phrase(m.group("src"), a0, a1, work)
    if found[0] is None:
        found = (_described(m.group("src")), None)
    return found if found[0] else (None, None)


def _verb_inside(sent, work: Work, quote, at: int) -> bool:
    """The reporting verb over the number at ``at`` is inside the quotation ("'The commander
    reported to me that 60 were killed,' said the prosecutor": the prosecutor's words)."""
    from .attribution import REPORT_LEMMAS

    tok = next((t for t in sent if t.idx <= at < t.idx + len(t)), None)
    verb = next((a for a in (tok.ancestors if tok is not None else [])
                 if a.lemma_.lower() in REPORT_LEMMAS), None)
    return verb is not None and quote.kind == "direct" and quote.span.start <= verb.idx < quote.span.end


def _within(short: str, long: str) -> bool:
    """Every word of ``short`` is in ``long``, which says more ("officials" in "officials and
    local media")."""
    a, b = short.casefold().split(), long.casefold().split()
    return len(a) < len(b) and set(a) <= set(b)


def _is_outlet(name: str, work: Work) -> bool:
    """The publishing outlet named as the source of its own report."""
    outlet = (work.raw.outlet or "").casefold()
    if not outlet or not (name.casefold() in outlet or outlet in name.casefold()):
        return False
    # A rights group or ministry publishing its own findings is still their source.
    return lookup_type(name) in (None, "media")


def _speaker_org(src: str | None, src_id: str | None, work: Work
                 ) -> tuple[str | None, str | None, str | None]:
    """A person speaking for an organisation: (organisation, its id, the person); a ministry or
    a minister named without its country: the country's ministry the alias dictionary knows."""
    named = _named_before(src, work) if src is not None else None
    if named is not None:
        src, src_id = named
    org, org_id, person = _speaker_org_named(src, src_id, work)
    spokes = NAMED_BODY_SPOKES.match(org) if org is not None and person is None and org_id is None else None
    if spokes is not None:
        org = spokes.group("body")  # "an Amnesty International spokesperson said"
    spokes = KIND_BODY_SPOKES.match(org) if org is not None and org_id is None else None
    if spokes is not None:
        org = spokes.group("body")  # "the judiciary spokesman said": the judiciary (of the story's country)
    facility = _FACILITY_ROLE.match(org) if org is not None else None
    if facility is not None:
        return facility.group("org").strip(), None, person  # "Civil Hospital Executive Director X"
    if org is not None and person is None:
        body = _facility_or_province(org, work)
        if body is not None:
            return body[0], None, body[1]
    spelled = _spelled_out(org, work) if org is not None else None
    if spelled is not None:
        org, org_id = spelled, None
    if org is not None and (person is None or org == src):
        body = _national_body(org, person is None and _is_person(org, org_id, work), work)
        if body is not None:
            return body, None, person or (org if _is_person(org, org_id, work) else None)
    titled = _TITLED_GOVERNOR.match(org) if org is not None and person is None else None
    if titled is not None:
        # "Governor NAME of Kessa State confirmed …" where the tagger kept the title in the name.
        at = work.text.find(org)
        state = _GOVERNOR_AFTER.match(work.text[at + len(org):at + len(org) + 60]) if at >= 0 else None
        if state is not None:
            return f"{state.group('state')} State Government", None, titled.group("name")
    if org is not None and person is None and _is_person(org, org_id, work):
        full = work.entities[org_id].name if org_id in work.entities else org
        office = office_of(work, full)
        if office is not None:
            spokes = KIND_BODY_SPOKES.match(office[0]) if office[1] is None else None
            if spokes is not None:  # "judiciary spokesperson NAME": the judiciary's figure
                return spokes.group("body"), None, full
            return office[0], office[1], full  # "Varna regional governor Ivo Petrov"
    return org, org_id, person


# Nouns that point back to someone named before ("the group", "the monitor", "the spokesperson",
# "the source"): such a bare source is whom the figure's statement was resolved to
# (sources_roles.yaml ``anaphor_heads`` and ``roles``, less the national bodies: "police said" in
# what the mayor said is the police's).
_ANAPHOR_HEADS = frozenset(w.lower() for k in ("anaphor_heads", "roles", "generic_sources")
                           for w in sources_roles().get(k) or ()) \
    - {w.lower() for w in sources_roles().get("national_bodies") or ()} - {"it", "they"}
_TITLED_GOVERNOR = re.compile(r"^(?:Governor|Gov\.?)\s+(?P<name>(?:[A-Z][\w’'-]+\s+){1,3}[A-Z][\w’'-]+)$")
_FACILITY = r"(?:[A-Z][\w’'-]+\s+){1,4}(?:Hospital|Centre|Center|Clinic|Infirmary|Medical College)"
_FACILITY_ROLE = re.compile(rf"^(?P<org>{_FACILITY}(?:\s+(?!(?:Executive|Director|Chief|Spokes|Official|Medical|Head)"
                            rf"\b)[A-Z][a-z]+)?)\s+(?:Executive|Director|Chief|[Ss]pokes\w+|Official|Medical|Head)\b")
_PERSON_OF_FACILITY = re.compile(r"\s*(?:,\s*)?(?:of|at|from)\s+the\s+(?:hospital|clinic|centre|center)\b")
_FACILITY_TITLE = re.compile(r"\b(?:hospital|clinic)\s+(?:official|spokes\w+|director|doctor|chief)\s+$", re.I)
_PROVINCIAL_TITLE = re.compile(r"\s*,\s*(?:the\s+)?provincial\s+(?:[a-z]+\s+){0,2}minister\b")


def _facility_or_province(name: str, work: Work) -> tuple[str, str | None] | None:
    """A speaker for a hospital or a provincial government, as the text puts it: "Civil
    Hospital Executive Director X" and "Dr X of the hospital" (after "brought to the Trauma
    Centre") speak for the hospital; "X, the provincial information minister" for the
    provincial government. (organisation, person) or None."""
    m = _FACILITY_ROLE.match(name)
    if m:
        return m.group("org").strip(), None
    text = work.text
    for x in re.finditer(re.escape(name), text):
        if _PROVINCIAL_TITLE.match(text, x.end()):
            return "provincial government", name
        facility_word = _PERSON_OF_FACILITY.match(text, x.end()) or _FACILITY_TITLE.search(
            text, max(0, x.start() - 40), x.start())
        if facility_word:
            s0 = max(text.rfind(". ", 0, x.start()), text.rfind("\n", 0, x.start()), 0)
            s1 = min((i for i in (text.find(". ", x.end()), text.find("\n", x.end())) if i >= 0),
                     default=len(text))
            named = re.findall(_FACILITY, text[s0:s1])
            if named:
                return named[-1].strip(), name
    return None


_ANAPHORIC_BODY = re.compile(r"^(?:the\s+)?(council|committee|commission|agency|network|tracker|"
                             r"observatory|monitor|mission|office|bureau|directorate)$", re.I)


def _named_before(src: str, work: Work) -> tuple[str, str | None] | None:
    """"the council said" after "the Regional Security Council": the one organisation the
    document names with that head noun."""
    m = _ANAPHORIC_BODY.match(src.strip())
    if not m:
        return None
    noun = m.group(1).casefold()
    cands = {e.id: e for e in (work.entities or {}).values() if e.type in ORG_TYPES
             and e.name.split()[-1].casefold() == noun and len(e.name.split()) > 1}
    if len(cands) != 1:
        return None
    ent = next(iter(cands.values()))
    return ent.name, ent.id


def _spelled_out(acronym: str, work: Work) -> str | None:
    """"the Arakan Army (AA)": an acronym the text spells out (and the alias dictionary does
    not know) is that name."""
    if not re.fullmatch(r"[A-Z]{2,6}", acronym) or lookup(acronym) is not None:
        return None
    full = re.search(rf"((?:[A-Z][\w’'-]*\s+(?:(?:of|for|and|the)\s+)?){{1,7}})\(\s*{acronym}\s*\)",
                     work.text)
    if full is None:
        return None
    initials = "".join(w[0] for w in full.group(1).split() if w[0].isupper())
    return full.group(1).strip() if initials.endswith(acronym) or initials == acronym else None


def _is_person(name: str, name_id: str | None, work: Work) -> bool:
    ent = work.entities.get(name_id) if name_id else None
    return ent.type == "person" if ent is not None else bool(re.fullmatch(
        r"(?:[A-Z][\w’'-]+\s+){1,3}[A-Z][\w’'-]+", name)) and lookup(name) is None


# "Lebanese Health Minister X", "Lebanon's health minister", "Minister of Health X", "the
# interior ministry", "Russia's Emergency Situations Ministry": a national body and its domain.
_MINISTER_BEFORE = re.compile(r"(?:(?P<q>[A-Z][\w’'-]+)\s+)?(?P<dom>(?:[A-Z][a-z]+\s+){0,2}?)"
                              r"[Mm]inister(?:\s+(?:of|for)\s+(?P<dom2>[A-Z][\w ]+?))?\s*,?\s*"
                              r"(?:(?:Dr|Mr|Mrs|Ms)\.?\s+)?$")
_BODY = re.compile(r"^(?:the\s+)?(?:(?P<q>[\w’'-]+(?:[’']s)?)\s+)??(?:(?P<dom>[\w\s]+?)\s+"
                   r"(?:ministry|minister)|(?:ministry|minister)\s+(?:of|for)\s+(?P<dom2>[\w\s]+?))"
                   r"(?:\s+of\s+(?P<q2>[A-Z][\w]+))?$", re.I)
_BARE_BODY = re.compile(r"^(?:the\s+)?minist(?:er|ry)$", re.I)  # "the minister said": the domain elsewhere
_NOT_DOMAIN = {"prime", "deputy", "the", "a", "former", "state", "junior", "cabinet"}


def _national_body(name: str, is_person: bool, work: Work) -> str | None:
    """The canonical national ministry a source stands for, when the alias dictionary knows it
    under the country's name: "Health Minister Firass Abiad" in a text about Lebanon is the
    Lebanese ministry; "the interior ministry" in a text about Niger is Niger's."""
    text = work.text
    domains: list[str] = []
    quals: list[str] = []
    if is_person:
        for x in re.finditer(re.escape(name), text):
            m = _MINISTER_BEFORE.search(text, max(0, x.start() - 60), x.start())
            if m:
                dom = (m.group("dom2") or m.group("dom") or "").strip()
                domains.append(dom)
                if m.group("q"):
                    quals.append(m.group("q"))
        if not domains:
            return _titled_ministry(name, work)
    else:
        m = _BODY.match(name.strip()) or _BARE_BODY.match(name.strip())
        if not m or lookup(name) is not None and lookup(name)[1] in ORG_TYPES and not re.search(
                r"\bminist", lookup(name)[0], re.I):
            return None
        domains.append((m.groupdict().get("dom2") or m.groupdict().get("dom") or "").strip())
        quals += [q for q in (m.groupdict().get("q"), m.groupdict().get("q2")) if q]
        for x in re.finditer(re.escape(name), text, re.I):  # "Russia's …", "… of Russia"
            before = re.search(r"([A-Z][\w’'-]+)\s+(?:the\s+)?$", text[max(0, x.start() - 30):x.start()])
            after = re.match(r"\s+of\s+([A-Z]\w+)", text[x.end():x.end() + 30])
            quals += [g.group(1) for g in (before, after) if g]
    domains = [d for d in domains if d.lower() not in _NOT_DOMAIN]
    if not domains or not domains[0]:
        # "minister Firass Abiad": the domain another mention gives ("Lebanon's health minister").
        domains = []
        for m in re.finditer(r"\b(?:([A-Za-z]+)\s+)?([A-Za-z]+)\s+[Mm]inist(?:er|ry)\b", text):
            if m.group(2).lower() not in _NOT_DOMAIN:
                domains += [m.group(2)] + ([f"{m.group(1)} {m.group(2)}"] if m.group(1) else [])
        # "the Minister of Internal Affairs": the domain after the title
        domains += [m.group(1) for m in re.finditer(r"\b[Mm]inist(?:er|ry) (?:of|for) ([A-Z][a-z]+(?: [A-Z][a-z]+)?)", text)]
    # Named without its country: the country the document names most.
    gpes = Counter(e.text for e in work.spacy_doc.ents if e.label_ == "GPE") if work.spacy_doc else Counter()
    countries = [g for g, _ in gpes.most_common(1)]
    for q in dict.fromkeys(quals + countries):
        q = q.replace("’", "'")
        for dom in dict.fromkeys(d.strip() for d in domains if d.strip()):
            bare = q.removesuffix("'s")
            for form in (f"{q} {dom} ministry", f"{q} ministry of {dom}", f"ministry of {dom} of {q}",
                         f"{bare}'s {dom} ministry", f"{bare}'s ministry of {dom}"):
                hit = _ALIAS_EXACT().get(norm_key(form))
                if hit is not None and hit[1] in ORG_TYPES:
                    return hit[0]
    for dom in dict.fromkeys(d.strip() for d in domains if d.strip()):
        # "the Health Ministry" after "the Ministry of Health and Population": the full name.
        full = re.search(rf"\bMinistry of {re.escape(dom.title())}(?: and [A-Z][a-z]+)?\b", text)
        if full is not None and full.group(0).casefold() != name.casefold():
            return full.group(0)
    return _titled_ministry(name, work) if is_person else None


# "Iran's Interior Minister Ada Obi", "Minister of Internal Affairs Ada Obi": the title written
# before the name.
_MINISTER_TITLE = re.compile(r"(?:(?P<q>[A-Z][\w-]+)[’']s\s+)?(?P<dom>(?:[A-Z][a-z]+\s+){1,2})?[Mm]inister"
                             r"(?:\s+(?:of|for)\s+(?P<dom2>[A-Z][a-z]+(?:\s+(?:and\s+)?[A-Z][a-z]+){0,2}))?"
                             r"\s*,?\s*(?:(?:Dr|Mr|Mrs|Ms)\.?\s+)?$")


_PRESIDENT_TITLE = re.compile(r"(?:(?P<q>[A-Z][\w-]+)[’']s\s+)?"
                              r"(?<![\w-])(?P<vice>[Vv]ice[\s-]+)?(?<![\w])[Pp]resident\s+$")


def _titled_ministry(name: str, work: Work) -> str | None:
    """A minister the alias dictionary does not know speaks for the ministry their title names,
    as written: "Interior Minister X" -> "Interior Ministry", "Minister of Internal Affairs X" ->
    "Ministry of Internal Affairs", "Iran's Interior Minister X" -> "Iranian Interior Ministry"
    (the country as its demonym, ``data/demonyms.yaml``)."""
    from ..link.sources import demonym_of

    text = work.text
    for x in re.finditer(re.escape(name), text):
        head = _PRESIDENT_TITLE.search(text, max(0, x.start() - 40), x.start())
        if head is not None:
            # "President X" speaks as the office, of the country the document is about
            # ("Ukrainian President", "Nigerian Vice President"), X its source_person.
            before = re.search(r"([\w-]+)[\s-]+$", text[max(0, head.start() - 30):head.start()])
            if before is not None and not head.group("q") and (
                    before.group(1).casefold() in ("former", "ex") or before.group(1)[:1].isupper()
                    and before.group(1).casefold() not in demonym_of().values()
                    and before.group(1).casefold() not in demonym_of()):
                # "Former Vice President X", "Ex-President X"; "Senate Vice President X", "Club
                # vice-president X": no head of state of the country.
                continue
            country = (head.group("q") or "").casefold() or main_country(work)
            demonym = demonym_of().get(country)
            if demonym:
                return f"{demonym.title()} {'Vice ' if head.group('vice') else ''}President"
            continue
        m = _MINISTER_TITLE.search(text, max(0, x.start() - 70), x.start())
        if m is None:
            continue
        dom, dom2 = (m.group("dom") or "").split(), (m.group("dom2") or "").split()
        country = (m.group("q") or "").casefold()
        if len(dom2) > 1 and dom2[-1].casefold() in demonym_of():
            country = dom2.pop().casefold()  # "Minister of Internal Affairs Niger X"
        if dom2:
            body = f"Ministry of {' '.join(dom2)}"
        elif dom and not {w.lower() for w in dom} & _NOT_DOMAIN:
            body = f"{' '.join(dom)} Ministry"
        else:
            continue
        demonym = demonym_of().get(country)
        for form in ([f"{country} {body}", f"{demonym} {body}", f"{body} of {country}"] if country else []):
            hit = _ALIAS_EXACT().get(norm_key(form))
            if hit is not None and hit[1] in ORG_TYPES:
                return hit[0]
        return f"{demonym.title()} {body}" if demonym else body
    return None


def norm_key(text: str) -> str:
    return " ".join(re.findall(r"[\w']+", text.replace("’", "'").casefold()))


@lru_cache(maxsize=1)
def _ALIAS_EXACT() -> dict[str, tuple[str, str]]:
    """Every alias surface form (exactly, no tail words) and its (canonical name, type)."""
    from ..nlp import alias_entries

    out: dict[str, tuple[str, str]] = {}
    for e in alias_entries():
        for form in [e["name"], *e.get("aliases", [])]:
            out.setdefault(norm_key(form), (e["name"], e.get("type", "organization")))
    return out


def _speaker_org_named(src: str | None, src_id: str | None, work: Work
                       ) -> tuple[str | None, str | None, str | None]:
    """A person speaking for an organisation: (organisation, its id, the person)."""
    ent = work.entities.get(src_id) if src_id else None
    if ent is not None and ent.type in ("person", *ORG_TYPES) and " " not in ent.name:
        # A surname ("Akeredolu said"; the tagger may take it for an organisation) after the
        # full name: that person.
        full = next((e for e in work.entities.values() if e.type == "person"
                     and e.name.endswith(" " + ent.name)), None)
        if full is not None:
            ent, src, src_id = full, full.name, full.id
    if src is None or (ent is not None and ent.type != "person"):
        return src, src_id, None
    if ent is None and (src_id is not None or not src[:1].isupper()):
        return src, src_id, None  # a description ("local official") speaks for nobody named
    org = speaks_for(work, ent.id if ent is not None else None, src)
    if org is None:
        return src, src_id, None
    return org[0], org[1], ent.name if ent is not None else src


# A short sentence that only names who reported what came before: "The regional prosecutor's
# office reported." / "Police said." / "Source: the district hospital."
_BARE_REPORT = re.compile(r"^\W*[^.;:!?\d]{2,70}?\s+(?:said|reported|says|reports|confirmed|announced|"
                          r"stated|added|wrote|posted)(?:\s+(?:on\s+)?\w+day|\s+(?:this|on|in)\s+[\w\s]{1,20})?\W*$",
                          re.I)


def _source_after(figures: list[Figure], sentences, text: str, para_of, work: Work) -> None:
    """A figure with no source, whose next sentence in the paragraph only names a source,
    takes that source; a document's "Source: …" line is the source of what it leaves unsourced."""
    for i, (s0, s1, src, src_id) in enumerate(sentences[:-1]):
        n0, n1, nsrc, nsrc_id = sentences[i + 1]
        if para_of(n0) != para_of(s0) and para_of(n0) - para_of(s0) > 1:
            continue
        this_report = _THIS_REPORT.match(text[n0:n1])
        agent = _BY_AGENT.match(text, n0 + this_report.end(), n1) if this_report and nsrc is None else None
        if agent:
            # "Such data are provided by the regional police": no reporting verb, the agent all
            # the same, when it is a body or a source (not "announced by loudspeaker").
            x0, x1 = agent.span("x")
            nsrc, nsrc_id = resolve_phrase(agent.group("x"), x0, x1, work)
            described = _described(agent.group("x")) if nsrc is None else None
            if described and _SOURCE_HEAD.search(described):
                nsrc = described
        if nsrc is None:
            continue
        if not this_report and (not _BARE_REPORT.match(text[n0:n1]) or re.search(r"\d", text[n0:n1])):
            continue
        subject = (_QUOTING.search(text[n0:n1]) or _THIS_SUBJECT.search(text[n0:n1])) if this_report else None
        if subject is not None:
            # "According to Radio X, the authorities in the territory disclosed this": the
            # subject disclosed it; the outlet only relays.
            x0, x1 = n0 + subject.start("x"), n0 + subject.end("x")
            named = resolve_phrase(subject.group("x"), x0, x1, work)
            if named[0] is None and _described(subject.group("x")):
                named = (_described(subject.group("x")), None)
            if named[0] is not None:
                nsrc, nsrc_id = named
        # "This was reported by X" speaks for the sentences before it back to the last one with a
        # source of its own (any: one inherited from a speaker before is kept), within the
        # paragraph it closes (or the one it follows).
        start = s0
        if this_report:
            j = i
            while j > 0 and sentences[j - 1][2] is None and para_of(sentences[j - 1][0]) == para_of(s0) \
                    and not any(sentences[j - 1][0] <= f.span.start < sentences[j - 1][1]
                                and f.source is not None for f in figures):
                j -= 1
            start = sentences[j][0]
        for f in figures:
            if s0 <= f.span.start < s1 and (f.source is None or f.source_inherited) \
                    or start <= f.span.start < s0 and f.source is None:
                f.source, f.source_id, f.source_person = _speaker_org(nsrc, nsrc_id, work)
                f.source_inherited = False
    for n0, n1, nsrc, nsrc_id in sentences:
        # "… treating 436 people. The centre is caring for 161. In all, 28 hospitals are
        # providing care, the ministry added.": a paragraph closed by an attribution is its
        # speaker's.
        if nsrc is None or not _TRAILING_REPORT.search(text[n0:n1]):
            continue
        for f in figures:
            if f.source is None and f.span.start < n0 and para_of(f.span.start) == para_of(n0):
                f.source, f.source_id, f.source_person = _speaker_org(nsrc, nsrc_id, work)
    line = _source_line(work)
    if line is not None:
        for f in figures:
            if f.source is None:
                f.source, f.source_id, f.source_person = line[0], line[1], line[2]
                f.source_inherited = True


# "So far, 23 dead and 28 wounded. All civilians." / "All of them were civilians.": a sentence
# that only says who the people counted before were.
_ALL_WERE = re.compile(r"^\W*(?:they\s+were\s+all|all\s+of\s+(?:them|whom)(?:\s+were)?|all(?:\s+were)?)\s+"
                       r"(?P<who>[\w-]+(?:\s+[\w-]+){0,2}?)\s*(?:[.,!;”\"’]|$)", re.I)


def _victims_after(figures: list[Figure], sentences, text: str) -> None:
    """The figures of a sentence followed by one that only says who they all were."""
    for (s0, s1, _, _), (n0, n1, _, _) in zip(sentences, sentences[1:]):
        m = _ALL_WERE.match(text[n0:n1])
        who = _victims(m.group("who"), None) if m else "unknown"
        # (the phrase ends in its victim noun: not "All roads were blocked by soldiers")
        if who in ("unknown", "all") or _victims(m.group("who").split()[-1], None) != who:
            continue
        for f in figures:
            if s0 <= f.span.start < s1 and f.victims == "all":
                f.victims = who


# The next sentence attributes what came before: "This was announced by the interior minister
# on state television." / "According to Radio X, the authorities disclosed this."
_THIS_REPORT = re.compile(rf"^\W*(?:(?:{_alt('this_report_subjects') or '(?!)'})\s+(?:was|were|is|are|has been|"
                          rf"have been|had been)\s+(?:\w+\s+)?(?:{_alt('this_report_verbs') or '(?!)'})\s+by\b"
                          r"|[^.\d]*\b(?:disclosed|announced|reported|confirmed|stated)\s+(?:this|these figures|"
                          r"the figures?)\W*$)", re.I)
# What makes a described agent a source: a role or a body ("the regional police", "local officials").
_SOURCE_HEAD = re.compile(rf"\b(?:{_alt('roles')}|{_alt('offices')}|{_alt('office_bodies')}|{_alt('body_nouns')}|"
                          rf"{_alt('agent_heads')})\b", re.I)
_BY_AGENT = re.compile(r"\s*(?P<x>[^,.;:()\d]{3,80}?)\s*(?:\([^)]*\))?\s*[.;]?\s*$")
_THIS_SUBJECT = re.compile(r"(?:^|,\s*)(?P<x>[^,]{3,80}?)\s+(?:disclosed|announced|reported|confirmed|"
                           r"stated)\s+(?:this|these figures|the figures?)\W*$", re.I)
# "This was reported by the agency X, quoting the governor of the region, Ivan P.": the one quoted.
_QUOTING = re.compile(r",\s+(?:quoting|citing)\s+(?P<x>[^,.;]{3,80}?)(?=\s*(?:,|\.|$))", re.I)
_TRAILING_REPORT = re.compile(r",\s+(?:the\s+)?[^,\d]{2,60}?\s+(?:added|said|says|reported|stated|"
                              r"confirmed)(?:\s+on\s+\w+day)?\W*$")
_SOURCE_LINE = re.compile(r"^\s*source\s*:\s*(?P<x>.+?)\s*\.?\s*$", re.I | re.M)
_PLATFORMS = re.compile(rf"^(?:{_alt('not_source_lines')}|news\b.*)$", re.I)


def _source_lines(work: Work) -> list[str]:
    """The document's "Source: …" lines, those the cleaner dropped as page furniture first."""
    lines = [r.before for r in work.repairs or [] if r.kind.startswith("drop:")]
    return lines + [m.group(0) for m in _SOURCE_LINE.finditer(work.text)]


def _source_line(work: Work) -> tuple[str, str | None, str | None] | None:
    """The "Source: …" line of a document (often dropped by the cleaner as page furniture):
    an organisation, or a person with their role in one ("Head of the X Administration, Ivan
    P."). Platforms, wires and the outlet itself are not sources."""
    for ln in _source_lines(work):
        m = _SOURCE_LINE.match(ln)
        if not m:
            continue
        x = re.split(r"\s*;\s*", m.group("x"))[0].strip(" .")
        if _PLATFORMS.match(x) or _is_outlet(x, work) or lookup_type(x) == "media":
            continue
        parts = [p.strip() for p in x.split(",")]
        org_part = next((p for p in parts if ROLE_OF.search(p)), None)
        person_part = next((p for p in parts if p is not org_part and re.fullmatch(
            r"(?:[A-Z][\w’'-]+\s+){1,3}[A-Z][\w’'-]+", p)), None)
        if org_part is not None:
            org = ROLE_OF.search(org_part).group("org").strip()
            return org, None, person_part
        if len(parts) == 1 and re.fullmatch(r"[A-Z][\w’'&.-]*(?:\s+[\w’'&.-]+){0,8}", x):
            hit = lookup(x)
            return (hit[0] if hit else x), None, None
    return None


def _source_line_people(work: Work) -> dict[str, tuple[str, str]]:
    """The office holders a "Source: …" line names ("Source: Ihor Taburets, Head of Cherkasy
    Oblast Military Administration, on Telegram; …"): full name and surname -> (the body, the
    full name)."""
    from ..link.sources import _channel_end

    out: dict[str, tuple[str, str]] = {}
    for ln in _source_lines(work):
        m = _SOURCE_LINE.match(ln)
        for item in re.split(r"\s*;\s*", m.group("x")) if m else []:
            parts = [p.strip() for p in item.split(",")]
            org_part = next((p for p in parts if ROLE_OF.search(p)), None)
            person = next((p for p in parts if re.fullmatch(r"(?:[A-Z][\w’'-]+\s+){1,3}[A-Z][\w’'-]+", p)
                           and p is not org_part), None)
            if org_part is not None and person is not None:
                role = ROLE_OF.search(org_part)
                org = _channel_end().sub("", role.group("org").strip())
                if role.group(0).lower().startswith("minister"):
                    org = "Ministry of " + org  # "Minister of Internal Affairs of Ukraine"
                out[person] = out[person.split()[-1]] = (org, person)
    return out


ROLE_OF = re.compile(r"\b(?:head|chief|director|spokes\w+|press secretary|governor|chairman|"
                     r"commander|minister|official)\s+of\s+(?:the\s+)?(?P<org>[A-Z].+)$", re.I)


def lookup_type(name: str) -> str | None:
    hit = lookup(name)
    return hit[1] if hit else None


def _paragraph_index(text: str):
    breaks = [m.start() for m in re.finditer(r"\n\n", text)]

    def para(pos: int) -> int:
        return sum(1 for b in breaks if b < pos)

    return para


PERPETRATOR_TYPES = ("armed_group", "government")
_HARM_LEMMAS = {"kill", "wound", "injure", "execute", "massacre", "murder", "shoot", "abduct",
                "kidnap", "detain", "arrest", "displace", "slay", "bomb", "shell", "strike", "attack",
                "storm", "raid", "target"}


_ARMED_NAME = re.compile(r"\b(?:Army|Forces|Front|Militia|Brigades?|Movement|Liberation|Rebels?)\b")


def _armed_in(work: Work, start: int, end: int) -> bool:
    for acr in re.findall(r"\b[A-Z]{2,6}\b", work.text[start:end]):
        spelled = _spelled_out(acr, work)
        if spelled is not None and _ARMED_NAME.search(spelled):
            return True  # "one AA member" after "the Arakan Army (AA)"
    for mention in work.mentions or []:
        if start <= mention.span.start < end and mention.ref_id:
            ent = work.entities.get(mention.ref_id)
            if ent is not None and ent.type == "armed_group":
                return True
    return False


def _actor_in(work: Work, start: int, end: int) -> str | None:
    for mention in work.mentions or []:
        if start <= mention.span.start < end and mention.ref_id:
            ent = work.entities.get(mention.ref_id)
            if ent and ent.type in PERPETRATOR_TYPES:
                return ent.id
    return None


def _perpetrator(sent, work: Work, after: int, number_at: int) -> str | None:
    """The armed group or government the sentence makes the agent of the harm: "killed by HTS
    fighters", "at the hands of the RSF", "RSF fighters killed 20", "The RSF stormed the camp,
    killing 100". A monitor that documents the deaths is never the perpetrator."""
    text = work.text
    for m in re.finditer(r"\b(by|at the hands of)\s+", text[after:sent.end_char]):
        start = after + m.end()
        found = _actor_in(work, start, start + 40)
        if found:
            return found
    tok = next((t for t in sent if t.idx <= number_at < t.idx + len(t)), None)
    for _ in range(6):
        if tok is None:
            return None
        if tok.pos_ in ("VERB", "AUX") and tok.lemma_.lower() in _HARM_LEMMAS:
            break
        tok = tok.head if tok.head is not tok else None
    else:
        return None
    for verb in (tok, tok.head if tok.dep_ in ("advcl", "xcomp", "conj") else None):
        if verb is None or verb.lemma_.lower() not in _HARM_LEMMAS | {"say"} and verb is not tok:
            continue
        for c in verb.children:
            if c.dep_ == "agent":
                found = _actor_in(work, c.idx, c.right_edge.idx + len(c.right_edge))
                if found:
                    return found
            if c.dep_ == "nsubj":
                found = _actor_in(work, c.left_edge.idx, c.right_edge.idx + len(c.right_edge))
                if found:
                    return found
    return None
