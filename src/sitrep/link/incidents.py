"""Incidents: documents clustered by average-link agglomeration on a pairwise score built from
time (publication dates more than ``max_gap_days`` apart never link), places (same place, nearby
towns, same country), actors (entities named in both texts) and text (rare words in common,
rapidfuzz title similarity); each incident's places, title and headline."""

from __future__ import annotations

import heapq
import itertools
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, Callable, Iterable

from rapidfuzz import fuzz

from ..extract.places import excluded
from ..records import asdict  # dataclasses.asdict's dict, without deep-copying every atom
from .background import MONTHS
from .common import _STOP, _WORD, Row, _cfg, _day, _km, _zipf
from .parts import DocParts
from .sites import site_kinds, sites_apart

# --- mentions of known entities and places in a text ------------------------------------------


class AliasIndex:
    """Finds the canonical ids whose aliases occur in a text, by word n-grams (case-insensitive;
    a one-word alias must be capitalised in the text). An alias shared by two ids is ambiguous and
    ignored. ``veto(text, start, end)`` turns down a mention where it stands (a place's name
    inside an outlet's: "the New York Times reported")."""

    def __init__(self, rows: Iterable[Row], skip: Iterable[str] = (),
                 veto: Callable[[str, int, int], object] | None = None):
        self.veto = veto
        skip_keys = {tuple(_WORD.findall(s.casefold())) for s in skip if s}
        ids: dict[tuple[str, ...], set[str]] = defaultdict(set)
        for row in rows:
            for alias in [row["name"], *row.get("aliases", [])]:
                alias = alias or ""
                if len(alias) < 3 or not (alias[0].isalnum() and alias[-1].isalnum()):
                    continue
                key = tuple(_WORD.findall(alias.casefold()))
                if key and key not in skip_keys:
                    ids[key].add(row["id"])
        self.ids = {k: next(iter(v)) for k, v in ids.items() if len(v) == 1}
        self.firsts = {k[0] for k in self.ids}
        self.longest = max((len(k) for k in self.ids), default=0)

    def find(self, text: str) -> Counter[str]:
        tokens = list(_WORD.finditer(text))
        low = [t.group().casefold() for t in tokens]
        found: Counter[str] = Counter()
        i = 0
        while i < len(tokens):
            if low[i] not in self.firsts:
                i += 1
                continue
            for n in range(min(self.longest, len(tokens) - i), 0, -1):
                hit = self.ids.get(tuple(low[i:i + n]))
                if hit and (n > 1 or tokens[i].group()[0].isupper()) and not (
                        self.veto and self.veto(text, tokens[i].start(), tokens[i + n - 1].end())):
                    found[hit] += 1
                    i += n - 1
                    break
            i += 1
        return found


# --- documents --------------------------------------------------------------------------------


@dataclass
class DocProfile:
    doc_id: str
    day: date | None
    title: str
    places: Counter[str]
    entities: Counter[str]
    words: Counter[str]
    # An undated document's event dates without a year ("on 16 January", "April 7"): the year is
    # the one nearest the document it is compared with.
    month_days: frozenset[tuple[int, int]] = frozenset()
    # Killed / injured counts the text gives (at least ``toll_min``): two reports of one toll.
    tolls: frozenset[tuple[str, int]] = frozenset()
    # ``day`` was read from the text (a publication date inferred from the dates the report names,
    # or its latest full date): the report is from that day or later ("killed on 3 January 2020"
    # in a report of the attack on its anniversary four years on).
    floor: bool = False
    # A later report that dates the event itself ("On 9 October, the army shelled the camp" in a
    # report six weeks on): that date, when more than max_gap_days and at most event_lag_days
    # before publication. Time is measured from it too.
    event_day: date | None = None
    # Kinds of site its lead says were attacked (a hospital, a festival): ``sites.py``.
    sites: frozenset[str] = frozenset()
    # ``_title_key`` of the title, when read where the document was processed (``DocParts``).
    title_key: str | None = None


_MONTH_NUM = {m[:3]: i + 1 for i, m in enumerate(MONTHS.split("|"))}
_MON = r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_YEAR = r"(?:,?\s+((?:19|20)\d\d))?"
# "16 January", "16th of January 2023", "January 16", "Oct. 5, 2023", "15/01/2023", "2023-01-15".
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MON}(?![a-z]){_YEAR}")
_MONTH_DAY = re.compile(rf"\b{_MON}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?![,.]?\d){_YEAR}")
_NUMERIC = re.compile(r"\b(\d{1,2})/(\d{1,2})/((?:19|20)\d\d)\b|\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b")


# A date that starts a period ("since October 7", "the truce, which began on 19 January") or
# names an event ("the October 7 attacks", "Hamas' Oct. 7 attack", "an Oct. 7 rampage"): the
# report is from that day or later, perhaps months later, so it does not date its own event.
_SINCE_BEFORE = re.compile(r"\b(?:since|(?:began|begun|started|took effect)\s+on)\s+(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?$", re.I)
_DET_BEFORE = re.compile(r"(?:\b(?:the|an|a)|\w['’]s?)\s+(?:[a-z]+\s+)?$")
_NOUN_AFTER = re.compile(r"^\s+([a-z]+)\b")


def _names_event(text: str, start: int, end: int) -> bool:
    """A year-less date that names an earlier event or starts a period (above), not the date of
    the report's event."""
    before = text[max(0, start - 30):start]
    if _SINCE_BEFORE.search(before):
        return True
    after = _NOUN_AFTER.match(text[end:end + 30])
    return bool(_DET_BEFORE.search(before) and after and after.group(1) not in _STOP)


def text_dates(text: str, events: bool = True) -> tuple[list[date], set[tuple[int, int]]]:
    """Explicit dates in a text: those with a year as dates, those without as (month, day);
    a date without a year that names an event or starts a period is left out (with a year too
    when ``events`` is false: the dates of the report's own time)."""
    return text_dates_both(text, (events,))[events]


def text_dates_both(text: str, readings: tuple[bool, ...] = (True, False)
                    ) -> dict[bool, tuple[list[date], set[tuple[int, int]]]]:
    """``text_dates`` of the text for each of ``readings`` (with and without events), from one
    reading of the text."""
    out: dict[bool, tuple[list[date], set[tuple[int, int]]]] = {e: ([], set()) for e in readings}

    def add(y: str | int | None, m: int, d: int, span: tuple[int, int] = (0, 0)) -> None:
        try:
            day = date(int(y), m, d) if y else date(2000, m, d)
        except ValueError:
            return
        names_event = None
        for events, (full, partial) in out.items():
            if not y or not events:
                if names_event is None:
                    names_event = _names_event(text, *span)
                if names_event:
                    continue
            if y:
                full.append(day)
            else:
                partial.add((m, d))

    for m in _DAY_MONTH.finditer(text):
        add(m.group(3), _MONTH_NUM[m.group(2)[:3].lower()], int(m.group(1)), m.span())
    for m in _MONTH_DAY.finditer(text):
        add(m.group(3), _MONTH_NUM[m.group(1)[:3].lower()], int(m.group(2)), m.span())
    for m in _NUMERIC.finditer(text):
        if m.group(4):
            add(m.group(4), int(m.group(5)), int(m.group(6)))
        else:
            a, b = int(m.group(1)), int(m.group(2))
            if a > 12 >= b:
                add(m.group(3), b, a)
            elif b > 12 >= a:
                add(m.group(3), a, b)
    return out


class _TextDates:
    """``text_dates`` of one text, each reading (with or without events) made once (or given:
    ``DocParts.dates``)."""

    def __init__(self, text: str,
                 made: dict[bool, tuple[list[date], set[tuple[int, int]]]] | None = None):
        self.text = text
        self.made = dict(made) if made else {}

    def get(self, events: bool) -> tuple[list[date], set[tuple[int, int]]]:
        if events not in self.made:
            self.made[events] = text_dates(self.text, events)
        return self.made[events]


def _nearest(month_day: tuple[int, int], day: date) -> date:
    """The date with this month and day nearest ``day`` (in its year or the one before/after)."""
    best = None
    for y in (day.year - 1, day.year, day.year + 1):
        try:
            cand = date(y, *month_day)
        except ValueError:
            continue
        if best is None or abs((cand - day).days) < abs((best - day).days):
            best = cand
    return best or day


def _last_before(month_day: tuple[int, int], day: date) -> date | None:
    """The last date with this month and day on or before ``day``."""
    for y in (day.year, day.year - 1):
        try:
            cand = date(y, *month_day)
        except ValueError:
            continue
        if cand <= day:
            return cand
    return None


def _rare_words(text: str, max_zipf: float) -> Counter[str]:
    # Each distinct word judged once; counts in the order the words first occur.
    words = Counter(map(str.casefold, _WORD.findall(text)))
    return Counter({w: n for w, n in words.items()
                    if len(w) >= 4 and not w.isdigit() and _zipf(w) <= max_zipf})


def profile_documents(data: dict[str, list[Row]], outlets: set[str | None] | None = None,
                      parts: dict[str, DocParts] | None = None) -> list[DocProfile]:
    """What the clusterer compares: date, places, actors and rare words of each document.
    ``outlets`` are the corpus's outlets when ``data`` holds only some of its documents (an
    outlet's name is not a mention; default: the outlets of ``data``). ``parts``: what depends
    on one document alone (``parts.DocParts``), by document id, already computed where the
    document was processed; the documents without are read here."""
    parts = parts or {}
    if outlets is None:
        outlets = {d.get("outlet") for d in data["documents"]}
    # Outlets name themselves in datelines and credits; they are not actors of the event.
    # As the place look-up does: not a name inside an outlet's or an armed group's.
    places = AliasIndex(data.get("places", []), veto=excluded)
    entities = AliasIndex([e for e in data.get("entities", []) if e.get("type") != "media"],
                          skip=outlets)
    first_report: dict[str, str] = {}
    fig_places: dict[str, Counter[str]] = defaultdict(Counter)
    for f in data.get("figures", []):
        if f.get("reported_on"):
            first_report[f["doc_id"]] = min(first_report.get(f["doc_id"], f["reported_on"]),
                                            f["reported_on"])
        fig_places[f["doc_id"]].update(f.get("place_ids") or [])
    max_zipf = _cfg()["rare_word_max_zipf"]
    toll_min = _cfg()["toll_min"]
    gap_days = _cfg()["max_gap_days"]
    tolls: dict[str, set[tuple[str, int]]] = defaultdict(set)
    for f in data.get("figures", []):
        # A toll its report sets apart as another event's or a war's ("the attack that started
        # the war killed 1,200") is no sign that two reports tell of one incident.
        if f.get("status") in ("killed", "injured") and (f.get("count") or 0) >= toll_min \
                and f.get("scope") != "background":
            tolls[f["doc_id"]].add((f["status"], f["count"]))
    out = []
    # An outlet's name is not a mention of its home city ("the Kyiv Independent reported").
    outlet_names = re.compile("|".join(re.escape(o) for o in sorted(
        {o for o in outlets if o and len(o) >= 4}, key=len, reverse=True)) or "(?!)")
    for d in data["documents"]:
        text = (d.get("title") or "") + "\n" + (d.get("text") or "")
        own = parts.get(d["id"])
        found_places = places.find(outlet_names.sub(" ", text))
        for p in fig_places[d["id"]]:
            found_places[p] = max(found_places[p], 1)
        day = _day(d.get("published") or first_report.get(d["id"]))
        floor = bool(day and d.get("published_inferred"))
        month_days: frozenset[tuple[int, int]] = frozenset()
        event_day = None
        dates = _TextDates(text, own.dates if own else None)
        if floor and dates.get(True)[0] and not dates.get(False)[0]:
            # A publication date inferred from dates that all start a period or name an earlier
            # event ("since October 7, 2023"): the report may be from any time after.
            day = None
        if day is None:
            # No publication date: the text's latest full date, else its dates without a year.
            full, partial = dates.get(False)
            day = max(full, default=None)
            floor = day is not None
            month_days = frozenset(partial) if day is None else frozenset()
        elif not floor:
            # Full dates, and dates without a year read as the last such day on or before the
            # report ("on 3 September" in a report of 3 October).
            full, partial = dates.get(True)
            lag = [x for x in [*full, *(_last_before(md, day) for md in partial)]
                   if x and gap_days < (day - x).days <= _cfg()["event_lag_days"]]
            event_day = min(lag, default=None)
        if own is None:
            own_words = _rare_words(text, max_zipf)
            own_sites = site_kinds(d.get("title") or "", d.get("text") or "")
        else:
            own_words, own_sites = own.words, own.sites
        out.append(DocProfile(d["id"], day, d.get("title") or "", found_places,
                              entities.find(text), own_words, month_days,
                              frozenset(tolls[d["id"]]), floor, event_day, own_sites,
                              own.title_key if own else None))
    return out


def _idf_vectors(bags: list[Counter[str]], weight: dict[str, float] | None = None
                 ) -> list[dict[str, float]]:
    n = len(bags)
    df = Counter(k for bag in bags for k in bag)
    vecs = []
    for bag in bags:
        v = {k: (1 + math.log(c)) * math.log((n + 1) / df[k]) * (weight or {}).get(k, 1.0)
             for k, c in bag.items() if c > 0}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        vecs.append({k: x / norm for k, x in v.items()})
    return vecs


def _cos(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(k, 0.0) for k, x in a.items())


@dataclass
class PairScore:
    time: float
    place: float
    actors: float
    text: float
    total: float


class DocScorer:
    """Pairwise similarity of documents; see the [link] weights in defaults.toml."""

    def __init__(self, profiles: list[DocProfile], places: list[Row]):
        cfg = _cfg()
        self.cfg = cfg
        self.profiles = profiles
        self.place_rows = {p["id"]: p for p in places}
        # A country says little about where something happened, a province more, a town a lot.
        pw = {p["id"]: cfg["country_weight"] if p.get("precision") == "country" else
              cfg["province_weight"] if p.get("precision") == "province" else 1.0
              for p in places}
        self.place_vec = _idf_vectors([p.places for p in profiles], pw)
        self.actor_vec = _idf_vectors([p.entities for p in profiles])
        self.word_vec = _idf_vectors([p.words for p in profiles])
        self.countries = [self._countries(p) for p in profiles]
        # A toll many documents give (a round "more than 100") says less than a rare one (471):
        # a shared toll weighs its IDF over the documents compared, as rare words do.
        n = len(profiles)
        toll_df = Counter(t for p in profiles for t in p.tolls)
        top = math.log((n + 1) / 2) if n > 2 else 1.0
        self.toll_idf = {t: min(1.0, math.log((n + 1) / c) / top) if n > 2 else 1.0
                         for t, c in toll_df.items()}
        self.main_countries = [{k for k, v in c.items() if v == max(c.values())}
                               for c in self.countries]
        self._local_places: dict[int, list[str]] = {}
        self._title_keys: dict[int, str] = {}
        self._place_credit: dict[tuple[str, str], float] = {}

    def _countries(self, p: DocProfile) -> Counter[str]:
        c: Counter[str] = Counter()
        for pid, n in p.places.items():
            cc = self.place_rows.get(pid, {}).get("country_code")
            if cc:
                c[cc] += max(n, 1)
        return c

    def _title(self, i: int) -> str:
        """The title's rare words (``_title_key``), once per document."""
        if i not in self._title_keys:
            p = self.profiles[i]
            self._title_keys[i] = p.title_key if p.title_key is not None else _title_key(p.title)
        return self._title_keys[i]

    def _local(self, i: int) -> list[str]:
        """The document's places precise enough for the nearby credit."""
        if i not in self._local_places:
            self._local_places[i] = [
                a for a in self.profiles[i].places
                if self.place_rows.get(a) and self.place_rows[a].get("precision") in ("town", "point", "district")]
        return self._local_places[i]

    def _credit(self, a: str, b: str) -> float:
        """1 - km / near_km for two places closer than ``near_km`` (else 0), computed once per
        pair of places: a store names far fewer places than it holds pairs of documents."""
        key = (a, b) if a < b else (b, a)
        credit = self._place_credit.get(key)
        if credit is None:
            near_km = self.cfg["near_km"]
            km = _km(self.place_rows[a], self.place_rows[b])
            credit = 1 - km / near_km if km is not None and km < near_km else 0.0
            self._place_credit[key] = credit
        return credit

    def _near(self, i: int, j: int) -> float:
        """Credit for distinct but nearby specific places (Jableh and Baniyas, 20 km apart)."""
        best = 0.0
        theirs = self._local(j)
        for a in self._local(i):
            for b in theirs:
                if a != b:
                    best = max(best, self._credit(a, b))
        return best

    @staticmethod
    def _floor_gap(a: DocProfile, b: DocProfile) -> int | None:
        """Days by which a report dated only from its text (``floor``) must be apart from the
        other: 0 when the other is from that day on, else how much earlier it is."""
        if b.floor and not a.floor:
            a, b = b, a
        if b.floor:
            return None  # two lower bounds say nothing about the gap
        return max(0, (a.day - b.day).days)

    @staticmethod
    def _partial_gap(a: DocProfile, b: DocProfile) -> int | None:
        """Days between an undated document's event dates (year taken nearest) and a dated one."""
        if a.day and b.month_days:
            a, b = b, a
        if not (b.day and a.month_days):
            return None
        return min(abs((_nearest(md, b.day) - b.day).days) for md in a.month_days)

    def gap(self, i: int, j: int) -> int | None:
        """Days between two documents as far as their dates tell (None: no telling)."""
        a, b = self.profiles[i], self.profiles[j]
        if (a.floor or b.floor) and a.day and b.day:
            return self._floor_gap(a, b)
        if a.day and b.day:
            return min(abs((x - y).days) for x in (a.day, a.event_day) if x
                       for y in (b.day, b.event_day) if y)
        return self._partial_gap(a, b)

    def too_far(self, i: int, j: int) -> bool:
        """More than max_gap_days apart: the pair says nothing either way."""
        gap = self.gap(i, j)
        return gap is not None and gap > self.cfg["max_gap_days"]

    def score(self, i: int, j: int) -> PairScore | None:
        cfg = self.cfg
        a, b = self.profiles[i], self.profiles[j]
        floor = (a.floor or b.floor) and a.day and b.day
        gap = self.gap(i, j)
        if gap is not None and gap > cfg["max_gap_days"]:
            return None
        ca, cb = self.countries[i], self.countries[j]
        # Main countries of each document (those most mentioned, all of them on a tie): when
        # neither document names a main country of the other, they never link.
        if ca and cb and not (self.main_countries[i] & cb.keys()) \
                and not (self.main_countries[j] & ca.keys()):
            return None
        undated = cfg["undated_time"]
        time = undated if gap is None else 1 - gap / (cfg["max_gap_days"] + 1)
        if gap is not None and floor:
            time = min(time, undated)  # a report from that day or later: as good as undated
            if a.floor != b.floor:
                # ... but a report is most often published soon after the latest date it names:
                # one dated months after that date is a weaker match than one near it.
                f, o = (a, b) if a.floor else (b, a)
                if (o.day - f.day).days > cfg["max_span_days"]:
                    time = min(time, cfg["floor_far_time"])
        elif gap is not None and not (a.day and b.day):
            time = max(time, undated)  # a date without a year vetoes a far match, little more
        place = max(_cos(self.place_vec[i], self.place_vec[j]), cfg["near_weight"] * self._near(i, j))
        actors = _cos(self.actor_vec[i], self.actor_vec[j])
        text = max(_cos(self.word_vec[i], self.word_vec[j]),
                   fuzz.token_set_ratio(self._title(i), self._title(j)) / 100
                   * cfg["title_weight"],
                   # The same toll in both (a daily update repeating yesterday's number).
                   cfg["toll_weight"] * max((self.toll_idf[t] for t in a.tolls & b.tolls),
                                            default=0.0))
        total = time * (cfg["w_place"] * place + cfg["w_actors"] * actors + cfg["w_text"] * text)
        if sites_apart(a.sites, b.sites):
            total *= cfg["sites_apart_factor"]  # a hospital struck, a festival stormed
        return PairScore(round(time, 3), round(place, 3), round(actors, 3), round(text, 3), total)


def _dated_apart(a: tuple[date | None, date | None], b: tuple[date | None, date | None],
                 gap: int) -> bool:
    """Two clusters whose dated reports lie more than ``gap`` days apart, with no dated report
    between them: only undated reports would join them, and an undated report says nothing
    about which of two events a month apart it belongs to (a chain of daily updates has dated
    reports all along)."""
    if not (a[0] and b[0]):
        return False
    return max(a[0], b[0]) - min(a[1], b[1]) > timedelta(days=gap)


def _fold(sums: dict[int, dict[int, float]], cnt: dict[int, dict[int, int]], a: int, b: int) -> None:
    """Cluster ``b`` merges into ``a``: its pair sums and counts with every other cluster add to
    ``a``'s."""
    for c, v in sums.pop(b, {}).items():
        sums[c].pop(b, None)
        k = cnt[c].pop(b)
        if c != a:
            sums[a][c] = sums[c][a] = sums[a].get(c, 0.0) + v
            cnt[a][c] = cnt[c][a] = cnt[a].get(c, 0) + k
    cnt.pop(b, None)
    sums[a].pop(b, None)
    cnt[a].pop(b, None)


def _title_key(title: str) -> str:
    return " ".join(w for w in _WORD.findall(title.casefold()) if w not in _STOP and _zipf(w) < 5.5)


def cluster_documents(profiles: list[DocProfile], places: list[Row]) -> list[list[str]]:
    """Average-link agglomeration: repeatedly merge the two clusters with the highest mean pair
    score while it reaches ``link_threshold``. The mean is over comparable pairs: documents within
    ``max_gap_days`` of each other as far as their dates tell (an undated report's dates without
    a year, a date read from its text; pairs that cannot link, another country, count as 0);
    reports further apart say nothing either way, so a chain of daily updates over three weeks
    holds together while its dated reports span at most ``max_span_days``. Deterministic:
    documents are ordered by (date, id) and ties go to the earliest pair. Only comparable pairs
    are scored, and merges come off a heap, so a large corpus stays tractable."""
    order = sorted(range(len(profiles)), key=lambda k: (profiles[k].day or date.max,
                                                         profiles[k].doc_id))
    profiles = [profiles[k] for k in order]
    scorer = DocScorer(profiles, places)
    threshold = _cfg()["link_threshold"]
    gap = _cfg()["max_gap_days"]
    n = len(profiles)
    # A report dated only from its text is compared like an undated one (its date vetoes reports
    # more than max_gap_days before it) and does not widen an incident's span.
    dated = [k for k in range(n) if profiles[k].day and not profiles[k].floor]
    undated = [k for k in range(n) if not profiles[k].day or profiles[k].floor]
    undated_set, dated_set = set(undated), set(dated)
    pairs = [(i, j) for x, i in enumerate(dated) for j in itertools.takewhile(
        lambda j: (profiles[j].day - profiles[i].day).days <= gap, dated[x + 1:])]
    pairs += [(min(i, j), max(i, j)) for i in undated for j in range(n) if j != i
              and (j not in undated_set or i < j)]
    # A report dating the event weeks back is compared with the reports near that date too; the
    # event's date stands for it in the incident's span.
    known = set(pairs)
    pairs += sorted({(min(i, j), max(i, j)) for i in dated if profiles[i].event_day
                     for j in dated if j != i and (min(i, j), max(i, j)) not in known
                     and abs((profiles[i].event_day - profiles[j].day).days) <= gap})
    sums: dict[int, dict[int, float]] = defaultdict(dict)
    cnt: dict[int, dict[int, int]] = defaultdict(dict)
    # The same sums over pairs of dated reports only: the pairs whose time factor is known.
    dsums: dict[int, dict[int, float]] = defaultdict(dict)
    dcnt: dict[int, dict[int, int]] = defaultdict(dict)
    for i, j in pairs:
        if scorer.too_far(i, j):
            continue  # an undated report's dates put it too far from this one: not comparable
        sc = scorer.score(i, j)
        sums[i][j] = sums[j][i] = sc.total if sc else 0.0
        cnt[i][j] = cnt[j][i] = 1
        if i in dated_set and j in dated_set:
            dsums[i][j] = dsums[j][i] = sums[i][j]
            dcnt[i][j] = dcnt[j][i] = 1
    size = {k: 1 for k in range(n)}
    members = {k: [k] for k in range(n)}
    # An incident's dated reports span at most ``max_span_days``: two clusters bridged by undated
    # documents are not merged across months.
    max_span = _cfg()["max_span_days"]
    def _span(p: DocProfile) -> tuple[date | None, date | None]:
        d = p.event_day or p.day
        return (d, d)

    span = {k: _span(profiles[k]) if k in dated_set else (None, None) for k in range(n)}

    def alt_span(k: int) -> tuple[date | None, date | None]:
        p = profiles[k]
        return (p.day, p.day) if size[k] == 1 and k in dated_set and p.event_day else span[k]
    heap = [(-v, i, j) for i in sums for j, v in sums[i].items() if i < j and v >= threshold]
    heapq.heapify(heap)
    while heap:
        neg, a, b = heapq.heappop(heap)
        if a not in size or b not in size or -neg != sums[a][b] / cnt[a][b]:
            continue  # a cluster merged away, or a stale score
        if dcnt[a].get(b) and dsums[a][b] / dcnt[a][b] < threshold:
            # Their dated reports, whose time apart is known, do not match: undated reports,
            # matching both on place alone (two towns of one strip), do not outweigh them.
            continue
        # A date read from a report's text may date something else ("services resumed on 11
        # October"): a single report stands in the span by its event date or, failing that, by
        # its publication date.
        for sa, sb in ((span[a], span[b]), (alt_span(a), span[b]), (span[a], alt_span(b)),
                       (alt_span(a), alt_span(b))):
            days = [d for d in (*sa, *sb) if d]
            if not (days and (max(days) - min(days)).days > max_span) and not _dated_apart(sa, sb, gap):
                break
        else:
            continue
        span[a] = (min(days), max(days)) if days else span[a]
        _fold(sums, cnt, a, b)
        _fold(dsums, dcnt, a, b)
        size[a] += size.pop(b)
        members[a] += members.pop(b)
        for c, v in sums[a].items():
            mean = v / cnt[a][c]
            if mean >= threshold:
                heapq.heappush(heap, (-mean, min(a, c), max(a, c)))
    return [[profiles[k].doc_id for k in sorted(m)] for _, m in sorted(members.items())]


@dataclass
class Incident:
    id: str
    title: str
    start: str | None
    end: str | None
    place_ids: list[str]
    doc_ids: list[str]
    figure_ids: list[str]
    background_figure_ids: list[str] = field(default_factory=list)
    headline: str | None = None
    country_codes: list[str] = field(default_factory=list)
    merged_ids: list[str] = field(default_factory=list)  # stored incidents merged into this one
    split_from: list[str] = field(default_factory=list)  # stored incidents documents came from
    split_to: list[dict[str, Any]] = field(default_factory=list)  # {id, doc_ids} that left it

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _core_places(doc_ids: list[str], profiles: dict[str, DocProfile],
                 place_rows: dict[str, Row]) -> list[str]:
    """Specific places most of the incident's documents mention (all of them for one document),
    most mentioned first; the main country last."""
    doc_freq: Counter[str] = Counter()
    mentions: Counter[str] = Counter()
    for d in doc_ids:
        doc_freq.update(set(profiles[d].places))
        mentions.update(profiles[d].places)
    need = 1 if len(doc_ids) == 1 else 2
    specific = [p for p in doc_freq if p in place_rows and doc_freq[p] >= need
                and place_rows[p].get("precision") != "country"]
    specific.sort(key=lambda p: (-doc_freq[p], -mentions[p], p))
    # A capital far from the incident's most named place, or another country's, is the seat of
    # a government ("Moscow said", "Kigali denied it"), not a place of the event; a place in
    # another country thousands of km away is a look-up gone wrong ("Congo", a town abroad).
    far = _cfg()["background_far_km"]
    anchor = place_rows[specific[0]] if specific else {}

    def of_event(row: Row) -> bool:
        home = row.get("country_code") == anchor.get("country_code")
        km = _km(row, anchor) or 0
        if _is_capital(row):
            return home and km <= far
        return home or km <= _cfg().get("foreign_place_max_km", 1500)

    specific = [p for k, p in enumerate(specific) if k == 0 or of_event(place_rows[p])]
    countries = [p for p in doc_freq if place_rows.get(p, {}).get("precision") == "country"]
    countries.sort(key=lambda p: (-doc_freq[p], -mentions[p], p))
    # The main country is the one the specific places are in, not the most named one (a
    # Kashmir story names Pakistan more often than India).
    codes = Counter(place_rows[p].get("country_code") for p in specific)
    main = [p for p in countries if codes and place_rows[p].get("country_code") == codes.most_common(1)[0][0]]
    return specific + (main or countries)[:1]


@lru_cache(maxsize=1)
def _capitals() -> frozenset[tuple[str, str]]:
    from .. import gazetteer

    try:
        table = gazetteer.countries()
    except Exception:  # no gazetteer table: no capital is known
        return frozenset()
    return frozenset((iso, cap.casefold()) for iso, (_, cap) in table.items() if cap)


def _is_capital(row: Row) -> bool:
    names = {row.get("name") or "", *(row.get("aliases") or [])}
    return row.get("precision") != "country" and any(
        (row.get("country_code"), n.casefold()) in _capitals() for n in names)


def _title(place_ids: list[str], place_rows: dict[str, Row], start: str | None, end: str | None
           ) -> str:
    names = [place_rows[p]["name"] for p in place_ids if place_rows[p].get("precision") != "country"][:3]
    codes = Counter(place_rows[p].get("country_code") for p in place_ids
                    if place_rows[p].get("precision") != "country")
    main = codes.most_common(1)[0][0] if codes else None
    country = next((place_rows[p]["name"] for p in place_ids
                    if place_rows[p].get("precision") == "country"
                    and (main is None or place_rows[p].get("country_code") == main)), None)
    where = ", ".join(names) + (f" ({country})" if country and names else country or "")
    when = "" if not start else start if start == end else f"{start} to {end}"
    return f"{where or 'Unplaced'}, {when}".strip(", ")


def _headline(doc_ids: list[str], profiles: dict[str, DocProfile], docs: dict[str, Row]) -> str | None:
    """The title of the document most like the others (rare words in common)."""
    titled = [d for d in doc_ids if docs[d].get("title")]
    if not titled:
        return None
    vec = dict(zip(titled, _idf_vectors([profiles[d].words for d in titled])))
    # The sum of a document's cosines with the others is its dot product with the sum of all
    # vectors, less its own: linear in the incident's documents, not quadratic. Rounded, so
    # that documents with the same words tie (and the tie goes by id) whatever the sum order.
    total: defaultdict[str, float] = defaultdict(float)
    for v in vec.values():
        for k, x in v.items():
            total[k] += x
    best = max(titled, key=lambda d: (round(_cos(vec[d], total) - _cos(vec[d], vec[d]), 9), d))
    return docs[best]["title"]
