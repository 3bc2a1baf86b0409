"""Dates: resolve spaCy DATE spans against the publication date; infer a missing publication date.

dateparser runs only on DATE spans (never on free text), with the publication date as the
relative base. Weekdays are resolved here: news uses "Friday" for the most recent Friday on or
before the report date, which is not dateparser's reading.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import lru_cache

from ..config import CONFIG
from ..records import DateMention, Span
from ..registry import stage
from ..work import Work

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
DURATION = re.compile(r"^(the\s+)?(past|last|next|previous|over|for|within)?\s*(the\s+)?"
                      r"([\w-]+\s+)?(hours?|days?|weeks?|months?|years?|decades?)$", re.I)
EXPLICIT = re.compile(r"\b(\d{4}|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", re.I)
MONTH_DAY = re.compile(r"\b(january|february|march|april|may|june|july|august|september|october|"
                       r"november|december)\s+\d{1,2}\b|\b\d{1,2}\s+(january|february|march|april|"
                       r"may|june|july|august|september|october|november|december)\b", re.I)


def weekday_before(base: date, weekday: int) -> date:
    """Most recent ``weekday`` on or before ``base``."""
    return base - timedelta(days=(base.weekday() - weekday) % 7)


_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december"]
_MONTH_ALT = "|".join(_MONTHS)
# The dates news writes most ("28 March", "March 28, 2025", "Friday 28 February 2025", "today",
# "yesterday"), read here as dateparser reads them: a weekday beside a day is ignored, a day and
# month without a year is the latest one on or before the base. dateparser takes 0.6 s to import
# and 2.4 ms a call; tests/unit/test_dates_fast.py compares the two on every such form. Anything
# else, or a day these forms cannot hold (31 April, 29 February without a year), goes to it.
_WRITTEN = re.compile(
    rf"(?:(?:{'|'.join(WEEKDAYS)}),? )?"
    rf"(?:(?P<d1>[0-9]{{1,2}}) (?P<m1>{_MONTH_ALT})|(?P<m2>{_MONTH_ALT}) (?P<d2>[0-9]{{1,2}}))"
    rf"(?:(?:, ?| )(?P<y>(?:19|20)[0-9][0-9]))?", re.I | re.A)

_BETWEEN = re.compile(rf"between(?: (?:[0-9]{{1,4}},?|{_MONTH_ALT}|and))+", re.I | re.A)


def _fast_date(text: str, base_iso: str | None) -> str | None | bool:
    """``_dateparse``'s answer for the common forms, or False when dateparser must read it."""
    low = text.lower()
    if low in ("today", "yesterday"):
        if not base_iso:
            return False
        base = datetime.fromisoformat(base_iso).date()
        return (base - timedelta(days=1) if low == "yesterday" else base).isoformat()
    m = _WRITTEN.fullmatch(text)
    if m is None:
        # "between 10 and 14 April": dateparser knows no "between", so it reads nothing.
        return None if _BETWEEN.fullmatch(text) else False
    day = int(m.group("d1") or m.group("d2"))
    month = _MONTHS.index((m.group("m1") or m.group("m2")).lower()) + 1
    year = m.group("y")
    if year:
        try:
            return date(int(year), month, day).isoformat()
        except ValueError:
            return False
    if not base_iso or (month, day) == (2, 29):
        return False
    base = datetime.fromisoformat(base_iso).date()
    try:
        found = date(base.year, month, day)
    except ValueError:
        return False
    if found > base:
        found = found.replace(year=base.year - 1)
    return found.isoformat()


@lru_cache(maxsize=20000)
def _dateparse(text: str, base_iso: str | None) -> str | None:
    fast = _fast_date(text, base_iso)
    if fast is not False:
        return fast
    return _dateparser(text, base_iso)


def _dateparser(text: str, base_iso: str | None) -> str | None:
    import dateparser

    settings = {"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False,
                "PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["day"]}
    if base_iso:
        settings["RELATIVE_BASE"] = datetime.fromisoformat(base_iso)
    parsed = dateparser.parse(text, languages=["en"], settings=settings)
    return parsed.date().isoformat() if parsed else None


def _coming_day(past: date, base: date) -> str:
    """A day and month with no year read as last year's ("9 July" in a report of 8 July) is the
    coming one when that lies at most ``[dates] future_days`` after the report (a day of
    mourning, a funeral, a deadline announced)."""
    try:
        coming = past.replace(year=past.year + 1)
    except ValueError:  # 29 February
        return past.isoformat()
    ahead = (coming - base).days
    return coming.isoformat() if 0 < ahead <= CONFIG["dates"]["future_days"] else past.isoformat()


def resolve(text: str, base: str | None) -> tuple[str | None, str]:
    """(ISO date or None, method) for one DATE span."""
    t = text.strip().lower()
    t = re.sub(r"^(on|last|this|early|late|since|by|until)\s+", "", t)
    t = re.sub(r"\s+(morning|afternoon|evening|night)$", "", t)
    if t in WEEKDAYS:
        if not base:
            return None, "unresolved"
        return weekday_before(date.fromisoformat(base), WEEKDAYS.index(t)).isoformat(), "weekday"
    if DURATION.match(t):
        return None, "duration"
    if t in ("today", "yesterday", "tonight") or "ago" in t:
        if not base:
            return None, "unresolved"
        return _dateparse(t, base), "relative"
    if MONTH_DAY.search(t) or re.search(r"\d{4}-\d{2}-\d{2}", t):
        if not re.search(r"\b\d{4}\b", t) and not base:
            return None, "unresolved"
        resolved = _dateparse(text, base)
        if resolved and base and not re.search(r"\b\d{4}\b", t):
            resolved = _coming_day(date.fromisoformat(resolved), date.fromisoformat(base))
        return resolved, "explicit" if resolved else "unresolved"
    return None, "unresolved"


def infer_published(explicit_dates: list[str], weekday_names: list[str]) -> str | None:
    """A publication date from dated embeds and weekday mentions, or None.

    The latest explicit date is a floor: an article cannot predate what it embeds. If the text
    names the floor's weekday ("On Sunday" beside a post dated Sunday 9 March), the floor is the
    date; otherwise the report is dated to the first named weekday after the floor (within six
    days), the earliest date that fits the text.
    """
    if not explicit_dates:
        return None
    floor = max(date.fromisoformat(d) for d in explicit_dates)
    named = {WEEKDAYS.index(w) for w in weekday_names if w in WEEKDAYS}
    if not named or floor.weekday() in named:
        return floor.isoformat()
    return min(floor + timedelta(days=(wd - floor.weekday()) % 7) for wd in named).isoformat()


@stage("dates", needs=("nlp",), sets=("dates", "published_inferred"))
def dates_stage(work: Work) -> None:
    """Resolve DATE spans to calendar dates; infer the publication date when it is missing."""
    doc = work.spacy_doc
    ents = [e for e in doc.ents if e.label_ == "DATE"]
    if not work.raw.published:
        explicit = [p.posted_on for p in work.posts or [] if p.posted_on]
        for e in ents:
            if re.search(r"\b\d{4}\b", e.text) and MONTH_DAY.search(e.text):
                value = _dateparse(e.text, None)
                if value:
                    explicit.append(value)
        weekdays = [re.sub(r"^(on|last)\s+", "", e.text.lower()).strip() for e in ents]
        inferred = infer_published(explicit, weekdays)
        work.published = inferred
        work.published_inferred = inferred is not None
        if inferred is None:
            work.unresolved.append("publication date unknown and not inferable")
    else:
        work.published = work.raw.published
    mentions = []
    for e in ents:
        value, method = resolve(e.text, work.published)
        mentions.append(DateMention(Span(e.start_char, e.end_char, e.text),
                                    work.clean.raw_span(e.start_char, e.end_char), value, method))
    work.dates = mentions
