"""Background and wording: figures in an incident's documents that are about something else
(an earlier event, a war-wide toll, a far place), and what a sentence says about a figure beyond its
numbers (a part, a floor, a projection)."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from ..extract.scope import war_wide
from ..config import load_data
from .common import Row, _cfg, _day, _km

MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|"
          "december")
# A date attached to the period of a figure: "since 2023", "in April 2023", "on 7 October 2023",
# "since January" (a month without a year is the incident's year, or the year before).
_DATED = re.compile(rf"\b(?:since|in|began in|started in|from|during|on)\s+(?:(?:early|late|mid-?)\s*)?"
                    rf"(?:\d{{1,2}}\s+)?(?:({MONTHS})\b\s*)?(?:\d{{1,2}}(?:st|nd|rd|th)?,?\s+)?"
                    rf"((?:19|20)\d\d)?\b", re.I)
# "the 1994 genocide", "the 2023 massacre": a year naming an earlier event.
_EVENT_YEAR = re.compile(r"\bthe\s+((?:19|20)\d\d)\s+[a-z]")
# "the deadliest attack ... since 2000": the year dates the comparison, not the figure.
_SUPERLATIVE = re.compile(r"\b(?:deadliest|worst|bloodiest|largest|biggest|highest|most)\b", re.I)
# A war-wide or period-wide toll quoted as context ("the war ... has killed", "since the coup",
# "across the country"): the background cues of data/scope_cues.yaml marked ``linking: true``.
# "since then" points at the date in the sentence before.
_SINCE_THEN = re.compile(r"\bsince (?:then|that (?:day|date|time))\b", re.I)
# "745 of the dead", "twenty-five of them", "nine of its staff": a part of a larger total.
_PARTIAL = re.compile(r"^\s+(?:\w+\s+)?(?:of|among)\s+(?:them|the dead|those killed|the victims|"
                      r"the wounded|its|their)\b", re.I)
_PARTIAL_IN_SPAN = re.compile(r"\b(?:of|among) (?:them|the dead|its|their)\b", re.I)
# Counts the text calls verified, documented so far or preliminary are floors: they only grow.
_FLOOR = re.compile(r"\b(?:so far|verified|documented|preliminary|confirmed so far|at this stage)\b",
                    re.I)
# A toll the text expects rather than reports: "could exceed 1,500", "may rise to".
_PROJECTION = re.compile(r"\b(?:could|may|might|would|is expected to|are expected to|is likely to|"
                         r"feared to)\s+(?:\w+\s+){0,2}(?:rise|reach|exceed|top|climb|surpass|pass|"
                         r"increase)\b", re.I)


@lru_cache(maxsize=1)
def _earlier_cues() -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """``data/earlier_counts.yaml`` plus ``$SITREP_EARLIER_COUNTS``: wording that makes a count
    an earlier, superseded one (before it, after it)."""
    data = load_data("earlier_counts.yaml", "SITREP_EARLIER_COUNTS", merge="append")

    def alt(entries: list[dict[str, str]] | None, end: str) -> re.Pattern[str] | None:
        cues = [e["cue"] for e in entries or [] if e and e.get("cue")]
        return re.compile("|".join(f"(?:{c}){end}" for c in cues), re.I) if cues else None
    # A cue before the count ends at most a few words before it ("earlier count of eight").
    return alt(data.get("before"), r"(?:\W+\w+){0,4}\W*$"), alt(data.get("after"), "")


def _earlier(f: Row) -> bool:
    """The sentence calls the count an earlier one: the text between the previous number and
    the count, or the words right after it, hold a cue of ``data/earlier_counts.yaml``."""
    s = f.get("sentence") or {}
    text = s.get("text") or ""
    start = f["span"]["start"] - s.get("start", 0)
    # Where the count itself is written in the span ("toll of 58, ... the true number was 132").
    values = {f.get(k) for k in ("count", "min", "max")} - {None}
    at = [m for m in re.finditer(r"\d[\d,]*", f["span"]["text"])
          if int(m.group().replace(",", "") or 0) in values]
    if at:
        start += at[-1].start()
    before = re.split(r"\d[\d,.]*", text[:max(start, 0)])[-1]
    after = _after_span(f)[:40]
    cue_before, cue_after = _earlier_cues()
    return bool((cue_before and cue_before.search(before)) or (cue_after and cue_after.match(after)))


# --- figures: background, wording -------------------------------------------------------------


def _after_span(f: Row) -> str:
    s = f.get("sentence") or {}
    start = s.get("start", 0)
    return (s.get("text") or "")[f["span"]["end"] - start:]


def figure_wording(f: Row) -> dict[str, bool]:
    """What the sentence says about a figure beyond its numbers: a part of a larger total
    ("745 of the dead"), a floor that will grow ("verified so far"), a projection ("could
    exceed"), an earlier count the report supersedes ("raising the earlier count of eight")."""
    sentence = (f.get("sentence") or {}).get("text") or ""
    span = f["span"]["text"]
    # Only an uncategorised count can be a hidden part: "134 of the dead were civilians" is a
    # full count of civilians.
    untyped = f.get("victims") in ("all", "unknown")
    return {"partial": untyped and bool(_PARTIAL.match(_after_span(f)) or _PARTIAL_IN_SPAN.search(span)),
            "floor": bool(_FLOOR.search(sentence)),
            "projection": bool(_PROJECTION.search(sentence)),
            "earlier": _earlier(f)}


def _earlier_date(text: str, start: date, slack: int, month_slack: int | None = None) -> str | None:
    """The first date phrase in the text more than ``slack`` days before ``start`` (a phrase
    naming a month: its end more than ``month_slack`` days before), unless it dates a
    superlative ("the deadliest since 2000")."""
    for m in _DATED.finditer(text):
        month_name, year = m.group(1), m.group(2)
        if not month_name and not year:
            continue
        month = MONTHS.split("|").index(month_name.lower()) + 1 if month_name else 12
        y = int(year) if year else start.year - (month > start.month)
        # A bare month "in October" (no day, no period it starts: not "since March", "began in
        # March") dates something weeks before when it ended more than ``month_slack`` days before.
        bare = month_name is not None and m.group(0).lower().startswith("in ") and not re.search(
            r"\d", m.group(0).replace(year or "", ""))
        within = month_slack if bare and month_slack is not None else slack
        if (start - date(y, month, 28)).days > within and not _SUPERLATIVE.search(text[:m.start()][-80:]):
            return m.group(0).strip()
    for m in _EVENT_YEAR.finditer(text):
        if (start - date(int(m.group(1)), 12, 31)).days > slack:
            return m.group(0)[:-2].strip()
    return None


def background_reason(f: Row, start: date | None, core_places: list[Row],
                      place_rows: dict[str, Row], before: str = "") -> str | None:
    """Why a figure in an incident's document is about something else, or None.

    period: the figure's own period ends well before the incident began; dated: the sentence
    dates it to a day, month or year well before (not a superlative's "deadliest since 2000"),
    or says "since then" after a sentence that does (``before`` is the text before the
    sentence); war-wide: the sentence gives a whole war's or year's toll; place: every place of
    the figure is far from all of the incident's places and none of them is one of its places."""
    cfg = _cfg()
    slack = cfg["background_slack_days"]
    end = _day(f.get("period_end"))
    if start and end and (start - end).days > slack:
        return f"period ends {end.isoformat()}, before the incident began"
    sentence = (f.get("sentence") or {}).get("text") or ""
    if start:
        text = before + " " + sentence if before and _SINCE_THEN.search(sentence) else sentence
        when = _earlier_date(text, start, slack, cfg.get("background_month_slack_days"))
        if when:
            return f"dated {when!r}, before the incident"
    if war_wide().search(sentence):
        return "a war-wide or year-wide toll given as context"
    specific = [place_rows[p] for p in f.get("place_ids") or []
                if p in place_rows and place_rows[p].get("precision") != "country"]
    core_ids = {p["id"] for p in core_places}
    if specific and core_places and not core_ids & {p["id"] for p in specific}:
        dists = [_km(p, c) for p in specific for c in core_places]
        known = [d for d in dists if d is not None]
        if known and min(known) > cfg["background_far_km"]:
            names = ", ".join(p["name"] for p in specific)
            return f"place {names} is {min(known):.0f} km from the incident's places"
    return None
