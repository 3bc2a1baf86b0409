"""Figure scope: what each casualty figure is for the incident its article is about.

``whole`` (the incident's running or final toll), ``part_place`` (a subset by place),
``part_time`` (a subset by day or period), ``increment`` (a rise: "nine more"), ``breakdown`` (a
part of a total the same text gives; ``parent_figure_id`` is the total) or ``background``
(another incident, a war-wide, national or multi-year toll). ``scope_reason`` names the cue.

The cue words live in ``data/scope_cues.yaml`` (plus ``$SITREP_SCOPE_CUES``), compiled once into
one regular expression per kind and position. Beyond the cues, three structural rules:

- a run of figures of one status that adds up exactly to an earlier total ("22 bodies ... four
  others died" after "26 killed") are breakdowns of it;
- two or more figures of one category list ("83 men, 28 women and 45 children") after a larger
  total of the same status are breakdowns of it;
- a figure dated well before the article's event (a date in its sentence, or its own period), or
  an order of magnitude above the article's lead toll of the same status, is background.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from ..config import CONFIG, load_data
from ..numbers import find_numbers
from ..records import Figure
from ..registry import stage
from ..work import Work

KINDS = ("background", "breakdown", "whole", "increment", "part_time", "part_place")
POSITIONS = ("before", "after", "sentence", "near")
# Victim categories that are parts of a larger count of people.
_CATEGORY = frozenset({"children", "women", "journalists", "aid_workers", "security_forces",
                       "combatants", "civilians"})
_BROAD = frozenset({"all", "unknown", "civilians"})
_CLAUSE_END = re.compile(r"[;,.]|\s[—–-]\s")
# Word cues of the structural rules below ("another", "deadliest", "others", "adults and
# children", "in critical condition") live in data/scope_cues.yaml under ``rules``; see ``rule``.
_UNSTATED = "adults beside children: parts of an unstated total"
# Separates the members of one list ("killed 83 men, 28 women and 45 children").
_LIST_GAP = re.compile(r"\s*,?\s*(?:and\s+)?")
# A colon or dash cue ("98 people were hurt: 16 children ...").
_PUNCT_CUE = re.compile(r"^[:\-\u2013\u2014]")
# What opens a sentence before a dateline's colon or dash: capitalised words, numbers, commas
# and a bracketed agency ("KESSEL, May 3 (Plains Wire)", "Marren, Veldra").
_DATELINE = re.compile(r"(?:[A-Z0-9][\w.'-]*,?\s*|\([^)]*\)\s*)+")


def _cue_file() -> dict[str, Any]:
    """The packaged cue file, with a user's file's entries appended to each list."""
    data = load_data("scope_cues.yaml", "SITREP_SCOPE_CUES", merge="append")
    data.setdefault("rules", {})
    return data


def _check(entries: list[dict[str, Any]], what: str) -> None:
    for e in entries:
        if e.get("at") not in POSITIONS:
            raise ValueError(f"scope cue {e.get('cue')!r} ({what}): 'at' must be one of {POSITIONS}")


def cue_entries() -> dict[str, list[dict[str, Any]]]:
    """The cue entries of each kind (packaged file, then a user's file)."""
    data = _cue_file()
    data.pop("rules")
    unknown = set(data) - set(KINDS)
    if unknown:
        raise ValueError(f"scope cues: unknown kinds {sorted(unknown)}; known: {', '.join(KINDS)}")
    for kind, entries in data.items():
        _check(entries, kind)
    return data


def rule_entries() -> dict[str, list[dict[str, Any]]]:
    """The word cues of the structural rules, by rule name (all entries of a rule share one
    position)."""
    rules = _cue_file()["rules"]
    for name, entries in rules.items():
        _check(entries, name)
        if len({e["at"] for e in entries}) > 1:
            raise ValueError(f"scope rule {name!r}: its cues must share one 'at'")
    return rules


def _compile(at: str, parts: list[str]) -> re.Pattern[str]:
    """One case-insensitive alternation of cues, anchored for its position."""
    body = "|".join(f"(?:{p})" for p in parts)
    if at == "before":
        pattern = rf"(?:^|\b|(?<=\W))(?:{body})\s*$"
    elif at == "after":
        pattern = rf"^\s*(?:{body})"
    else:
        pattern = rf"\b(?:{body})"
    return re.compile(pattern, re.I)


@lru_cache(maxsize=1)
def cues() -> dict[tuple[str, str], re.Pattern[str]]:
    """(kind, position) -> one compiled alternation of its cues (those marked ``scope: false``
    serve linking only)."""
    out: dict[tuple[str, str], list[str]] = {}
    for kind, entries in cue_entries().items():
        for e in entries:
            if e.get("scope", True):
                out.setdefault((kind, e["at"]), []).append(e["cue"])
    return {key: _compile(key[1], parts) for key, parts in out.items()}


@lru_cache(maxsize=None)
def rule(name: str) -> re.Pattern[str]:
    """The compiled word cues of one structural rule (``rules`` in data/scope_cues.yaml)."""
    entries = rule_entries().get(name)
    if not entries:
        raise KeyError(f"scope rule {name!r} has no cues in data/scope_cues.yaml")
    return _compile(entries[0]["at"], [e["cue"] for e in entries])


@lru_cache(maxsize=1)
def war_wide() -> re.Pattern[str]:
    """The background cues marked ``linking: true``: a war-wide or year-wide toll given as
    context, which linking keeps out of an incident's tally wherever it is found."""
    parts = [e["cue"] for e in cue_entries().get("background", []) if e.get("linking")]
    return _compile("sentence", parts) if parts else re.compile(r"(?!)")


def _cfg() -> dict[str, Any]:
    return CONFIG.get("scope", {})


def _point(f: Figure) -> int | None:
    for v in (f.count, f.min, f.max):
        if v is not None:
            return v
    return None


def _number_at(f: Figure) -> tuple[int, int]:
    """Start and end (document offsets) of the figure's number phrase inside its span."""
    for n in find_numbers(f.span.text):
        if (n.count, n.min, n.max) == (f.count, f.min, f.max) or \
                (f.count is not None and n.count == f.count) or (f.min is not None and n.min == f.min):
            return f.span.start + n.start, f.span.start + n.end
    return f.span.start, f.span.end


class _Fig:
    """A figure with the text around its number."""

    def __init__(self, f: Figure, text: str, index: int, sent_index: int):
        self.f = f
        self.i = index
        self.sent = sent_index
        self.n0, self.n1 = _number_at(f)
        s0, s1 = f.sentence.start, f.sentence.end
        self.before = text[max(s0, self.n0 - 120):self.n0]
        self.another = text[self.n0:self.n1].lower() == "another"
        if self.another:
            # "another body was found": the word is the number (one) and the cue of a rise.
            self.before = text[max(s0, self.n1 - 120):self.n1] + " "
        self.after = text[self.n1:min(s1, self.n1 + 80)]
        self.sentence = text[s0:s1]
        # The clause: from the number phrase's start to the next clause break after the span.
        tail = text[f.span.end:s1]
        stop = _CLAUSE_END.search(tail)
        self.near = text[self.n0:f.span.end + (stop.start() if stop else len(tail))]
        self.point = _point(f)


def _cue(kind: str, g: _Fig) -> str | None:
    table = cues()
    for at, text in (("before", g.before), ("after", g.after), ("near", g.near),
                     ("sentence", g.sentence)):
        rx = table.get((kind, at))
        found = _first(rx, text) if rx else None
        if found is not None:
            return found.strip() or at
    return None


@lru_cache(maxsize=4096)
def _first(rx: re.Pattern[str], text: str) -> str | None:
    """What ``rx`` first finds in ``text``: a sentence holding several figures is searched once
    for each kind of cue, not once per figure."""
    m = rx.search(text)
    return m.group(0) if m else None


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")
_MONTH_YEAR = re.compile(rf"(?:({'|'.join(_MONTHS)})\s+)?((?:19|20)\d\d)$", re.I)


def _month_or_year_end(text: str, event: date) -> date | None:
    """The last day of a year, month-and-year or month the date parser left unresolved ("in
    2021", "since November 2021", "in January": the last January before the event's month)."""
    text = text.strip()
    m = _MONTH_YEAR.search(text)
    if m:
        year = int(m.group(2))
        if not m.group(1):
            return date(year, 12, 31)
        month = _MONTHS.index(m.group(1).lower()) + 1
    elif text.lower() in _MONTHS and text[0].isupper():
        month = _MONTHS.index(text.lower()) + 1
        year = event.year - (month > event.month)
    else:
        return None
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def _event_day(work: Work) -> date | None:
    """The article's date: its publication date, else the latest full date its text gives."""
    day = _day(work.published or work.raw.published)
    if day is None:
        days = [d for m in work.dates or [] if m.method == "explicit"
                for d in [_day(m.date)] if d]
        day = max(days, default=None)
    return day


def _dated_before(g: _Fig, work: Work, event: date | None) -> str | None:
    """A date well before the article's publication in the figure's period or sentence."""
    if event is None:
        return None
    slack = timedelta(days=_cfg().get("background_days", 30))
    end = _day(g.f.period_end)
    if end and end < event - slack:
        return f"its period ends {end.isoformat()}, well before the report"
    s0, s1 = g.f.sentence.start, g.f.sentence.end
    for m in work.dates or []:
        if not (s0 <= m.span.start < s1) or m.method == "duration":
            continue
        d = _day(m.date) or _month_or_year_end(m.span.text, event)
        if d and d < event - slack and not _compared_since(work.text[s0:m.span.start], m.span.text):
            return f"dated {m.span.text!r} ({d.isoformat()}), well before the report"
    return None


def _compared_since(before: str, span: str) -> bool:
    """The date is a point of comparison for the incident ("the deadliest attack since 2017"),
    not the date of the figure: a superlative before it and "since" right before it. ("…the
    largest bombing, which killed 500, in the same month in 2017" dates an earlier toll.)"""
    return bool(rule("superlative").search(before)) and bool(
        rule("since_end").search(before) or span.lower().startswith("since"))


def _recent_date(g: _Fig, work: Work, event: date | None) -> bool:
    """The figure's sentence dates it within the last background_days ("since Thursday"):
    a large toll dated to the incident is the incident's own."""
    if event is None:
        return False
    slack = timedelta(days=_cfg().get("background_days", 30))
    s0, s1 = g.f.sentence.start, g.f.sentence.end
    return any(s0 <= m.span.start < s1 and m.method != "duration" and d and d >= event - slack
               for m in work.dates or [] for d in [_day(m.date)])


def _parent(g: _Fig, figs: list[_Fig], *, after_too: bool = False,
            same_status: bool = True) -> _Fig | None:
    """The total a part belongs to: the nearest larger figure of the same status earlier in the
    same sentence or the two before it (or later in the same sentence for "among the 30")."""
    def ok(p: _Fig) -> bool:
        return (p is not g and p.point is not None and g.point is not None and p.point > g.point
                and (not same_status or p.f.status == g.f.status) and p.f.victims in _BROAD
                and p.f.scope in (None, "whole", "part_place"))

    same = [p for p in figs if p.sent == g.sent and ok(p)]
    earlier = [p for p in same if p.n0 < g.n0]
    if earlier:
        return earlier[-1]
    if after_too:
        later = [p for p in same if p.n0 > g.n0]
        if later:
            return later[0]
    prev = [p for p in figs if g.sent - 4 <= p.sent < g.sent and ok(p)]
    return prev[-1] if prev else None


def _sum_breakdowns(figs: list[_Fig], rises: set[int]) -> dict[int, tuple[_Fig, str]]:
    """Runs of consecutive figures of one status adding up exactly to an earlier total; a figure
    that says it is a rise ("three new deaths", ``rises``) is no part of one."""
    out: dict[int, tuple[_Fig, str]] = {}
    for k, total in enumerate(figs):
        if total.point is None or total.point < 2:
            continue
        run: list[_Fig] = []
        acc = 0
        for g in figs[k + 1:]:
            if g.sent - total.sent > 4:
                break
            if g.f.status != total.f.status or g.point is None or g.f.victims not in _BROAD \
                    or g.i in rises:
                continue  # categories (women, children) overlap: they never add up to a total
            if g.point >= total.point:
                break
            run.append(g)
            acc += g.point
            if acc >= total.point:
                break
        if len(run) >= 2 and acc == total.point:
            parts = " + ".join(str(g.point) for g in run)
            for g in run:
                out.setdefault(g.i, (total, f"{parts} = {total.point}"))
    return out


def _list_breakdowns(figs: list[_Fig], text: str) -> dict[int, tuple[_Fig, str]]:
    """Two or more category figures of one status in one sentence (a list of men, women and
    children), after a larger total of that status: parts of it."""
    out: dict[int, tuple[_Fig, str]] = {}
    by_sent: dict[tuple[int, str], list[_Fig]] = {}
    for g in figs:
        by_sent.setdefault((g.sent, g.f.status), []).append(g)
    for (sent, status), members in by_sent.items():
        items = [g for g in members if g.f.victims not in ("all", "unknown") and g.point is not None]
        if len(items) < 2:
            continue
        total_needed = sum(g.point for g in items)
        # A figure that opens the list itself ("83 men, 28 women") is one of its members.
        first = min(g.n0 for g in items)
        parents = [p for p in figs if p.point is not None and p.f.status == status
                   and p.f.victims in _BROAD and p.i < items[0].i and sent - p.sent <= 2
                   and p.point >= total_needed * 0.8
                   and not (p.sent == sent and _LIST_GAP.fullmatch(text[p.f.span.end:first]))]
        if parents:
            # The list's other members of that status ("83 men" beside "28 women") too.
            items = [g for g in members if g.point is not None and g.point < parents[-1].point
                     and g is not parents[-1] and not rule("another").search(g.before)]
            for g in items:
                out.setdefault(g.i, (parents[-1], "a list of categories after the total"))
    return out


def _rise(g: _Fig, figs: list[_Fig]) -> bool:
    """An increment cue ("nine more", "another 40") that is a rise of the same count: not after
    a figure of another status in its sentence ("killed 12 and injured dozens more"), nor when
    the figures of the two sentences before count only other people ("20 died. Another 13 were
    wounded")."""
    if not _cue("increment", g) or rule("condition").match(g.after):
        return False
    # "44 were killed and 13 wounded ... It said another 13 people were wounded": the same
    # count said again, not a rise.
    # ("another body was found" is one more, whatever count of one came before it.)
    if not g.another and any(p.n0 < g.n0 and p.f.status == g.f.status and p.point == g.point and
           p.point is not None and p.f.scope in (None, "whole") for p in figs):
        return False
    earlier = [p for p in figs if p.n0 < g.n0 and g.sent - p.sent <= 2]
    if any(p.sent == g.sent and p.f.status != g.f.status for p in earlier):
        return False
    return not earlier or any(p.f.status == g.f.status for p in earlier)


def _rise_after(g: _Fig) -> bool:
    """The increment cue follows the number ("nine more", "three new deaths")."""
    rx = cues().get(("increment", "after"))
    return bool(rx and rx.search(g.after))


def _others_beside_a_part(g: _Fig, figs: list[_Fig]) -> str | None:
    """"N others" right after a count of one place ("Seven died at Ridge Hospital, a doctor
    there said. He added that 10 others are in critical condition"): the others of that place,
    when the figure says nothing of its own place or total."""
    if g.i == 0 or not rule("others").search(g.near) or g.sent - figs[g.i - 1].sent > 1:
        return None
    prev = figs[g.i - 1]
    if prev.f.scope != "part_place" or _cue("whole", g) or _cue("part_place", g):
        return None
    return f"others beside {prev.f.span.text!r}"


def _category_after_total(g: _Fig, figs: list[_Fig]) -> _Fig | None:
    """A count of one kind of people (police, children, journalists, one community) in one of
    the few sentences after a larger whole toll of the same status ("… killed 40 people. The
    dead included six police officers."): a part of that toll, whatever words carry it. Not
    attackers or fighters (usually counted apart from the victims), nor civilians (a civilian
    toll is a tally of its own: "48 dead … at least 30 villagers were killed")."""
    f = g.f
    kind = f.victims in _CATEGORY - {"combatants", "civilians"} or (
        f.group is not None and f.victims in ("all", "unknown"))
    if not kind or g.point is None:
        return None
    totals = [p for p in figs if p.i < g.i and 0 < g.sent - p.sent <= 4 and p.point is not None
              and p.point > g.point and p.f.status == f.status and p.f.scope == "whole"
              and p.f.victims in ("all", "unknown")]
    return totals[-1] if totals else None


def _coordinated_with_a_part(g: _Fig, figs: list[_Fig], text: str) -> tuple[str, str] | None:
    """The figure joined by "and" or a comma to a count of one place or day just before it
    ("one hospital said it had received 10 bodies and dozens of injured patients"): of the same
    place or day."""
    if g.i == 0:
        return None
    prev = figs[g.i - 1]
    gap = text[prev.f.span.end:g.f.span.start]
    if prev.f.sentence.start != g.f.sentence.start or prev.f.scope not in ("part_place", "part_time") \
            or len(gap) > 40 or not re.search(r"\band\b|,", gap):
        return None
    return prev.f.scope, f"beside {prev.f.span.text!r}"


def _one_facility(g: _Fig, figs: list[_Fig]) -> tuple[str, str] | None:
    """A hospital's (or its staff's) count below a whole toll of the same status that another
    source gave earlier: what that one place received or treats."""
    f = g.f
    if not f.source or g.point is None or not rule("facility_source").search(f.source):
        return None
    toll = next((p for p in reversed(figs[:g.i]) if p.f.status == f.status and p.f.scope == "whole"
                 and p.point is not None and p.point > g.point and p.f.source != f.source), None)
    if toll is None:
        return None
    return "part_place", f"one facility's count below the toll of {toll.point:,}"


def classify(work: Work) -> None:
    """Set scope, scope_reason and parent_figure_id on every figure of the document."""
    figures = work.figures or []
    if not figures:
        return
    text = work.text
    sent_starts = sorted({f.sentence.start for f in figures})
    sent_index = {s: k for k, s in enumerate(sent_starts)}
    order = sorted(range(len(figures)), key=lambda k: (figures[k].span.start, k))
    figs = [_Fig(figures[k], text, i, 0) for i, k in enumerate(order)]
    # Sentence distance counts sentences holding figures; close enough for "the two before".
    for g in figs:
        g.sent = sent_index[g.f.sentence.start]
    event = _event_day(work)
    # The article's toll per status so far: the largest whole firm figure of people.
    lead: dict[str, int] = {}
    rises = {g.i for g in figs if _rise(g, figs)}
    # "three new deaths", "one more": a rise, never a part of a sum ("another 12" can be).
    sums = _sum_breakdowns(figs, {i for i in rises if _rise_after(figs[i])})
    lists = _list_breakdowns(figs, text)
    magnitude = _cfg().get("background_ratio", 5)
    magnitude_min = _cfg().get("background_min", 1000)
    for g in figs:
        f = g.f
        f.scope, f.scope_reason, f.parent_figure_id = None, None, None
        why = _cue("background", g) or _dated_before(g, work, event)
        if not why and g.point is not None and f.status in lead and \
                g.point >= magnitude_min and g.point >= magnitude * lead[f.status] and \
                not _recent_date(g, work, event):
            why = f"{g.point:,} is over {magnitude}x the article's toll of {lead[f.status]:,}"
        if not why and g.point is not None and g.point >= _cfg().get("background_count", 10**9) \
                and not _recent_date(g, work, event):
            why = f"{g.point:,} people: a war's or a country's count, not one incident's"
        if why:
            f.scope, f.scope_reason = "background", why
            continue
        if g.i in sums:
            parent, why = sums[g.i]
            f.scope, f.scope_reason, f.parent_figure_id = "breakdown", why, parent.f.id
            continue
        beside = _others_beside_a_part(g, figs)
        if beside:
            f.scope, f.scope_reason = "part_place", beside
            continue
        cue = _cue("breakdown", g)
        parent = None
        if cue:
            # A colon or dash after a dateline ("TOWN, 3 May (Agency) – Eight people ...",
            # "Town, Country: Dozens died") opens no list.
            opening = text[g.f.sentence.start:g.n0]
            cut = max(opening.rfind(c) for c in ":\u2013\u2014-")
            dateline = bool(_PUNCT_CUE.match(cue)) and cut > 0 and \
                _DATELINE.fullmatch(opening[:cut].strip()) is not None
            of_whom = re.match(r"(?:\w+ )?of (?:whom|which)", g.after.strip(), re.I)
            parent = None if dateline else _parent(g, figs, after_too=True,
                                                   same_status=not of_whom)
        if not parent and g.i in lists:
            parent, cue = lists[g.i]
        if not parent and f.victims in _CATEGORY - {"civilians"}:
            p = _parent(g, figs)
            if p is not None and p.sent == g.sent:
                parent, cue = p, f"{f.victims} after a total of {p.point:,}"
        if parent is not None:
            f.scope, f.scope_reason, f.parent_figure_id = "breakdown", cue, parent.f.id
            if f.victims == "all" and parent.f.victims in _CATEGORY and re.match(
                    r"(?:\w+ )?of (?:whom|them)\b", g.after.strip(), re.I):
                f.victims = parent.f.victims  # "298 civilians, 194 of whom were executed"
            continue
        if rule("adults_and").match(g.after) or (f.victims in _CATEGORY and g.i > 0 and
                                          figs[g.i - 1].sent == g.sent and
                                          figs[g.i - 1].f.scope_reason == _UNSTATED):
            f.scope, f.scope_reason = "breakdown", _UNSTATED
            continue
        if _cue("whole", g):
            # "a total of 35 were brought in dead": the toll, whatever part cue follows.
            f.scope, f.scope_reason = "whole", None
            if g.point is not None and f.victims in _BROAD and f.qualifier != "vague":
                lead[f.status] = max(lead.get(f.status, 0), g.point)
            continue
        for kind in ("increment", "part_time", "part_place"):
            cue = _cue(kind, g) if kind != "increment" or g.i in rises else None
            if cue:
                f.scope, f.scope_reason = kind, cue
                break
        else:
            part = _coordinated_with_a_part(g, figs, text) or _one_facility(g, figs)
            if part is not None:
                f.scope, f.scope_reason = part
                continue
            parent = _category_after_total(g, figs)
            if parent is not None:
                f.scope, f.parent_figure_id = "breakdown", parent.f.id
                f.scope_reason = f"{f.group or f.victims} after a total of {parent.point:,}"
                continue
            f.scope, f.scope_reason = "whole", None
            if g.point is not None and f.victims in _BROAD and f.qualifier != "vague":
                lead[f.status] = max(lead.get(f.status, 0), g.point)
    _restated_tolls(figs)


def _restated_tolls(figs: list[_Fig]) -> None:
    """A figure a cue or a date set apart as background whose number and status another figure
    of the article states as its whole toll (the headline's "843 killed", the body's "since the
    fighting intensified, at least 843 people have been killed") is that toll, said again; so
    is a figure set apart by the same cue in its sentence ("… and 3,082 injured")."""
    wholes = {(g.f.status, g.point) for g in figs if g.f.scope == "whole" and g.point is not None
              and g.f.qualifier != "vague"}
    restated = {(g.f.sentence.start, g.f.scope_reason) for g in figs if g.f.scope == "background"
                and g.f.qualifier != "vague" and (g.f.status, g.point) in wholes}
    for g in figs:
        if g.f.scope == "background" and (g.f.sentence.start, g.f.scope_reason) in restated:
            g.f.scope, g.f.scope_reason = "whole", "restates the article's whole toll"


@stage("scope", needs=("figures", "dates"), sets=("figures",))
def scope_stage(work: Work) -> None:
    """Mark each figure whole, part_place, part_time, increment, breakdown or background."""
    classify(work)
