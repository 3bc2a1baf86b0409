"""Cross-document linking over the exported arrays: incidents, shared statements, repeated figures.

Pure functions of the SPEC arrays (``documents``, ``figures``, ``quotes``, ``entities``,
``places``): the same corpus gives the same incidents and ids whatever order it was ingested in.

* Incidents: documents are clustered by average-link agglomeration on a pairwise score built from
  time (publication dates more than ``max_gap_days`` apart never link), places (same place,
  nearby towns, same country), actors (entities named in both texts) and text (rare words in
  common, rapidfuzz title similarity). Each figure belongs to its document's incident unless it is
  background (see ``background_reason``).
* Statements: quotes of one speaker whose words match fuzzily (rapidfuzz), said within
  ``statement_window_days``, share one ``statement_id``; two quotes of one document never merge.
* Repeated figures: same incident, same source, same status, same numbers, compatible victim
  category and report dates within ``repeat_window_days`` of the previous report form one claim;
  the earliest report is the original and the others carry ``repeat_of``.
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
import math
import re
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Iterable

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein
from wordfreq import zipf_frequency

from .config import CONFIG

Row = dict[str, Any]

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
# A war-wide or period-wide toll quoted as context: "the war ... has killed", "since the war
# began", "since the coup", "in the first six months of this year", "across the country".
_WAR_WIDE = re.compile(
    r"\b(?:the|this|its|a)\s+(?:\w+\s+){0,2}(?:war|conflict|civil war|insurgency)\b[^.;]{0,80}?"
    r"\b(?:has|have|had)\s+(?:killed|left|displaced|forced|uprooted|claimed)\b"
    r"|\bsince the (?:start|beginning|outbreak) of the (?:war|conflict|invasion)\b"
    r"|\bsince the (?:war|conflict|coup|invasion|takeover|uprising|revolution)\b"
    r"|\b(?:across|throughout|inside) (?:the|their own|its|the whole) (?:country|nation|territory)\b"
    r"|\bnationwide\b|\bcountry-?wide\b"
    r"|\b(?:so far this year|this year alone|(?:in|during|over) the first (?:\w+ )?(?:months?|half|"
    r"quarter|weeks?) of (?:this|the) year)\b", re.I)
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
_WORD = re.compile(r"\w+")
_STOP = frozenset("a an and the of to in on at for by with from as is are was were be been has have "
                  "had that this it its he she they we i you his her their our".split())


def _cfg() -> dict[str, Any]:
    return CONFIG["link"]


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _hash(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:12]


def _km(a: Row, b: Row) -> float | None:
    if None in (a.get("lat"), a.get("lon"), b.get("lat"), b.get("lon")):
        return None
    la1, lo1, la2, lo2 = map(math.radians, (a["lat"], a["lon"], b["lat"], b["lon"]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, h)))


# --- mentions of known entities and places in a text ------------------------------------------


class AliasIndex:
    """Finds the canonical ids whose aliases occur in a text, by word n-grams (case-insensitive;
    a one-word alias must be capitalised in the text). An alias shared by two ids is ambiguous and
    ignored."""

    def __init__(self, rows: Iterable[Row], skip: Iterable[str] = ()):
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
                if hit and (n > 1 or tokens[i].group()[0].isupper()):
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


def _rare_words(text: str, max_zipf: float) -> Counter[str]:
    out: Counter[str] = Counter()
    for w in _WORD.findall(text):
        lw = w.casefold()
        if len(lw) >= 4 and not lw.isdigit() and _zipf(lw) <= max_zipf:
            out[lw] += 1
    return out


_ZIPF: dict[str, float] = {}


def _zipf(word: str) -> float:
    if word not in _ZIPF:
        _ZIPF[word] = zipf_frequency(word, "en")
    return _ZIPF[word]


def profile_documents(data: dict[str, list[Row]]) -> list[DocProfile]:
    """What the clusterer compares: date, places, actors and rare words of each document."""
    outlets = {d.get("outlet") for d in data["documents"]}
    # Outlets name themselves in datelines and credits; they are not actors of the event.
    places = AliasIndex(data.get("places", []))
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
    out = []
    for d in data["documents"]:
        text = (d.get("title") or "") + "\n" + (d.get("text") or "")
        found_places = places.find(text)
        for p in fig_places[d["id"]]:
            found_places[p] = max(found_places[p], 1)
        out.append(DocProfile(d["id"], _day(d.get("published") or first_report.get(d["id"])),
                              d.get("title") or "", found_places, entities.find(text),
                              _rare_words(text, max_zipf)))
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
        # A country says little about where something happened; a town says a lot.
        pw = {p["id"]: cfg["country_weight"] if p.get("precision") == "country" else 1.0
              for p in places}
        self.place_vec = _idf_vectors([p.places for p in profiles], pw)
        self.actor_vec = _idf_vectors([p.entities for p in profiles])
        self.word_vec = _idf_vectors([p.words for p in profiles])
        self.countries = [self._countries(p) for p in profiles]

    def _countries(self, p: DocProfile) -> Counter[str]:
        c: Counter[str] = Counter()
        for pid, n in p.places.items():
            cc = self.place_rows.get(pid, {}).get("country_code")
            if cc:
                c[cc] += max(n, 1)
        return c

    def _near(self, i: int, j: int) -> float:
        """Credit for distinct but nearby specific places (Jableh and Baniyas, 20 km apart)."""
        near_km = self.cfg["near_km"]
        best = 0.0
        for a in self.profiles[i].places:
            ra = self.place_rows.get(a)
            if not ra or ra.get("precision") not in ("town", "point", "district"):
                continue
            for b in self.profiles[j].places:
                rb = self.place_rows.get(b)
                if not rb or a == b or rb.get("precision") not in ("town", "point", "district"):
                    continue
                km = _km(ra, rb)
                if km is not None and km < near_km:
                    best = max(best, 1 - km / near_km)
        return best

    def score(self, i: int, j: int) -> PairScore | None:
        cfg = self.cfg
        a, b = self.profiles[i], self.profiles[j]
        gap = abs((a.day - b.day).days) if a.day and b.day else None
        if gap is not None and gap > cfg["max_gap_days"]:
            return None
        ca, cb = self.countries[i], self.countries[j]
        # Main country of each document (the one most mentioned); different ones never link.
        if ca and cb and ca.most_common(1)[0][0] not in cb and cb.most_common(1)[0][0] not in ca:
            return None
        time = 0.5 if gap is None else 1 - gap / (cfg["max_gap_days"] + 1)
        place = max(_cos(self.place_vec[i], self.place_vec[j]), cfg["near_weight"] * self._near(i, j))
        actors = _cos(self.actor_vec[i], self.actor_vec[j])
        text = max(_cos(self.word_vec[i], self.word_vec[j]),
                   fuzz.token_set_ratio(a.title, b.title, processor=_title_key) / 100
                   * cfg["title_weight"])
        total = time * (cfg["w_place"] * place + cfg["w_actors"] * actors + cfg["w_text"] * text)
        return PairScore(round(time, 3), round(place, 3), round(actors, 3), round(text, 3), total)


def _title_key(title: str) -> str:
    return " ".join(w for w in _WORD.findall(title.casefold()) if w not in _STOP and _zipf(w) < 5.5)


def cluster_documents(profiles: list[DocProfile], places: list[Row]) -> list[list[str]]:
    """Average-link agglomeration: repeatedly merge the two clusters with the highest mean pair
    score (pairs that cannot link count as 0) while it reaches ``link_threshold``. Deterministic:
    documents are ordered by (date, id) and ties go to the earliest pair. Only pairs within
    ``max_gap_days`` are scored, and merges come off a heap, so a large corpus stays tractable."""
    order = sorted(range(len(profiles)), key=lambda k: (profiles[k].day or date.max,
                                                         profiles[k].doc_id))
    profiles = [profiles[k] for k in order]
    scorer = DocScorer(profiles, places)
    threshold = _cfg()["link_threshold"]
    gap = _cfg()["max_gap_days"]
    n = len(profiles)
    dated = [k for k in range(n) if profiles[k].day]
    undated = [k for k in range(n) if not profiles[k].day]
    undated_set = set(undated)
    pairs = [(i, j) for x, i in enumerate(dated) for j in itertools.takewhile(
        lambda j: (profiles[j].day - profiles[i].day).days <= gap, dated[x + 1:])]
    pairs += [(min(i, j), max(i, j)) for i in undated for j in range(n) if j != i
              and (j not in undated_set or i < j)]
    sums: dict[int, dict[int, float]] = defaultdict(dict)
    for i, j in pairs:
        sc = scorer.score(i, j)
        if sc and sc.total > 0:
            sums[i][j] = sums[j][i] = sc.total
    size = {k: 1 for k in range(n)}
    members = {k: [k] for k in range(n)}
    heap = [(-v, i, j) for i in sums for j, v in sums[i].items() if i < j and v >= threshold]
    heapq.heapify(heap)
    while heap:
        neg, a, b = heapq.heappop(heap)
        if a not in size or b not in size or -neg != sums[a].get(b, 0.0) / (size[a] * size[b]):
            continue  # a cluster merged away, or a stale score
        for c, v in sums.pop(b).items():
            sums[c].pop(b, None)
            if c != a:
                sums[a][c] = sums[c][a] = sums[a].get(c, 0.0) + v
        sums[a].pop(b, None)
        size[a] += size.pop(b)
        members[a] += members.pop(b)
        for c, v in sums[a].items():
            mean = v / (size[a] * size[c])
            if mean >= threshold:
                heapq.heappush(heap, (-mean, min(a, c), max(a, c)))
    return [[profiles[k].doc_id for k in sorted(m)] for _, m in sorted(members.items())]


# --- figures: background, wording -------------------------------------------------------------


def _after_span(f: Row) -> str:
    s = f.get("sentence") or {}
    start = s.get("start", 0)
    return (s.get("text") or "")[f["span"]["end"] - start:]


def figure_wording(f: Row) -> dict[str, bool]:
    """What the sentence says about a figure beyond its numbers: a part of a larger total
    ("745 of the dead"), a floor that will grow ("verified so far"), a projection ("could
    exceed")."""
    sentence = (f.get("sentence") or {}).get("text") or ""
    span = f["span"]["text"]
    # Only an uncategorised count can be a hidden part: "134 of the dead were civilians" is a
    # full count of civilians.
    untyped = f.get("victims") in ("all", "unknown")
    return {"partial": untyped and bool(_PARTIAL.match(_after_span(f)) or _PARTIAL_IN_SPAN.search(span)),
            "floor": bool(_FLOOR.search(sentence)),
            "projection": bool(_PROJECTION.search(sentence))}


def _earlier_date(text: str, start: date, slack: int) -> str | None:
    """The first date phrase in the text more than ``slack`` days before ``start``, unless it
    dates a superlative ("the deadliest since 2000")."""
    for m in _DATED.finditer(text):
        month_name, year = m.group(1), m.group(2)
        if not month_name and not year:
            continue
        month = MONTHS.split("|").index(month_name.lower()) + 1 if month_name else 12
        y = int(year) if year else start.year - (month > start.month)
        if (start - date(y, month, 28)).days > slack and not _SUPERLATIVE.search(text[:m.start()][-80:]):
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
        when = _earlier_date(text, start, slack)
        if when:
            return f"dated {when!r}, before the incident"
    if _WAR_WIDE.search(sentence):
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


# --- incidents --------------------------------------------------------------------------------


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

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class FigureLink:
    """What linking adds to one figure."""

    incident_id: str | None
    background: bool = False
    background_reason: str | None = None
    claim_id: str | None = None  # the original figure of the claim this report belongs to
    repeat_of: str | None = None  # set on every report but the original
    counted: bool = False  # the original of its claim: counted once in tallies
    counted_as_victims: str | None = None  # victims category the claim is counted under
    source_key: str | None = None
    source_name: str | None = None  # the canonical source when a short name was merged into it
    partial: bool = False
    floor: bool = False
    projection: bool = False

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class QuoteLink:
    statement_id: str
    text_statement_id: str  # the per-text id the extractor gave (exact words)
    statement_quotes: int  # how many quotes share the statement

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Linked:
    incidents: list[Incident]
    figures: dict[str, FigureLink]
    quotes: dict[str, QuoteLink]


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
    countries = [p for p in doc_freq if place_rows.get(p, {}).get("precision") == "country"]
    countries.sort(key=lambda p: (-doc_freq[p], -mentions[p], p))
    # The main country is the one the specific places are in, not the most named one (a
    # Kashmir story names Pakistan more often than India).
    codes = Counter(place_rows[p].get("country_code") for p in specific)
    main = [p for p in countries if codes and place_rows[p].get("country_code") == codes.most_common(1)[0][0]]
    return specific + (main or countries)[:1]


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


def source_key(f: Row, outlet: str | None) -> str:
    """Who a claim belongs to: the resolved entity, else the described source, else the outlet
    speaking in its own voice."""
    if f.get("source_id"):
        return f["source_id"]
    if f.get("source"):
        return "src:" + " ".join(_WORD.findall(f["source"].casefold()))
    return "outlet:" + " ".join(_WORD.findall((outlet or "unknown").casefold()))


def _name_words(name: str) -> frozenset[str]:
    words = (w.removesuffix("'s") for w in _WORD.findall(name.casefold().replace("’", "'")))
    return frozenset(w for w in words if w not in _STOP and w != "s")


def _merge_sources(figs: list[Row], links: dict[str, FigureLink]) -> None:
    """Within one incident, a source whose name's words all occur in exactly one longer source
    name is that source: "the Observatory" and "Syrian Observatory for Human Rights", "health
    ministry" and "Gaza health ministry", "State Emergency Service" and "State Emergency Service
    of Ukraine". Two longer candidates ("police" in "police officials" and "list released by
    police") leave it alone."""
    names: dict[str, str] = {}
    for f in figs:
        key = links[f["id"]].source_key
        if f.get("source") and key and not key.startswith("outlet:"):
            names.setdefault(key, f["source"])
    words = {k: _name_words(n) for k, n in names.items()}
    target: dict[str, str] = {}
    # The same words in another order are one source, named by the resolved entity if any.
    first: dict[frozenset[str], str] = {}
    for key in sorted(words, key=lambda k: (k.startswith("src:"), k)):
        if words[key]:
            target[key] = first.setdefault(words[key], key)
    target = {k: v for k, v in target.items() if k != v}
    heads = [k for k in words if words[k] and k not in target]
    for key in sorted(heads, key=lambda k: (len(words[k]), k)):
        supers = {target.get(k, k) for k in heads if words[key] < words[k]}
        if len(supers) == 1:
            target[key] = supers.pop()
    for f in figs:
        link = links[f["id"]]
        if link.source_key in target:
            # Follow the chain to the longest name.
            key = link.source_key
            while key in target:
                key = target[key]
            link.source_key, link.source_name = key, names[key]


def _repeats(figs: list[Row], links: dict[str, FigureLink], doc_day: dict[str, str]) -> None:
    """Group the counted figures of one incident into claims and mark repeats."""
    window = _cfg()["repeat_window_days"]
    groups: dict[tuple[Any, ...], list[Row]] = defaultdict(list)
    for f in figs:
        groups[(links[f["id"]].source_key, f["status"], f.get("count"), f.get("min"),
                f.get("max"))].append(f)
    for members in groups.values():
        members.sort(key=lambda f: (f.get("reported_on") or "", doc_day.get(f["doc_id"], ""), f["id"]))
        specific = sorted({f["victims"] for f in members} - {"all", "unknown"})
        by_victims: dict[str, list[Row]] = defaultdict(list)
        for f in members:
            v = f["victims"]
            # "745 of the dead" after "745 civilians" from the same source: one claim, counted
            # under the specific category. With two specific categories "all" stays apart.
            if v in ("all", "unknown") and len(specific) == 1:
                v = specific[0]
            by_victims[v].append(f)
        for victims, chain in by_victims.items():
            original, prev = None, None
            for f in chain:
                day = _day(f.get("reported_on"))
                if original is None or prev is None or day is None or (day - prev).days > window:
                    original = f
                link = links[f["id"]]
                link.claim_id = original["id"]
                link.counted_as_victims = victims
                if f is original:
                    link.counted = True
                else:
                    link.repeat_of = original["id"]
                prev = day or prev


@dataclass
class _Said:
    """A quote prepared for comparison: its day and its words."""

    quote: Row
    day: date | None
    words: list[str]
    content: frozenset[str]


def _statements(quotes: list[Row], doc_day: dict[str, str]) -> dict[str, QuoteLink]:
    window = _cfg()["statement_window_days"]
    said = []
    for q in quotes:
        words = _tokens(q.get("text") or "")
        said.append(_Said(q, _day(q.get("said_on") or doc_day.get(q["doc_id"])), words,
                          frozenset(w for w in words if w not in _STOP)))
    said.sort(key=lambda x: (x.day or date.max, doc_day.get(x.quote["doc_id"]) or "9999",
                             x.quote["doc_id"], x.quote.get("span", {}).get("start", 0),
                             x.quote["id"]))
    groups: list[list[_Said]] = []
    by_speaker: dict[str, list[int]] = defaultdict(list)
    for x in said:
        spk = x.quote.get("speaker_id")
        best, best_score = None, 0.0
        for gi in by_speaker[spk] if spk else ():
            g = groups[gi]
            # Quotes come in date order: a group whose newest quote is too old cannot match.
            last = g[-1].day
            if x.day and last and (x.day - last).days > window:
                continue
            if any(m.quote["doc_id"] == x.quote["doc_id"] for m in g):
                continue
            score = max(same_statement(m, x, window) for m in g)
            if score > best_score:
                best, best_score = gi, score
        if best is None:
            groups.append([x])
            if spk:
                by_speaker[spk].append(len(groups) - 1)
        else:
            groups[best].append(x)
    out = {}
    for g in groups:
        first = g[0].quote
        sid = first["statement_id"] if len(g) == 1 else "s_" + _hash(first["id"], first["text"])
        for m in g:
            out[m.quote["id"]] = QuoteLink(sid, m.quote["statement_id"], len(g))
    return out


def _tokens(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.casefold().replace("’", "'"))]


def _tok_eq(a: str, b: str) -> bool:
    if a == b:
        return True
    return min(len(a), len(b)) >= 5 and Levenshtein.normalized_similarity(a, b) >= 0.75


def _common_run(a: list[str], b: list[str]) -> tuple[int, int]:
    """Longest run of tokens equal up to spelling (galabiya/jalabiya); returns (run, content
    words in it)."""
    best, best_content = 0, 0
    prev = [0] * (len(b) + 1)
    prev_c = [0] * (len(b) + 1)
    for i in range(1, len(a) + 1):
        cur = [0] * (len(b) + 1)
        cur_c = [0] * (len(b) + 1)
        for j in range(1, len(b) + 1):
            if _tok_eq(a[i - 1], b[j - 1]):
                cur[j] = prev[j - 1] + 1
                cur_c[j] = prev_c[j - 1] + (a[i - 1] not in _STOP)
                if (cur[j], cur_c[j]) > (best, best_content):
                    best, best_content = cur[j], cur_c[j]
        prev, prev_c = cur, cur_c
    return best, best_content


def same_statement(a: _Said, b: _Said, window: int) -> float:
    """Score in [0, 1] that two quotes of one speaker are the same statement; 0 when not.

    Either the whole texts match (rapidfuzz token ratio at least ``statement_min_ratio``) or they
    share a run of at least ``statement_min_run`` words, equal up to spelling, with at least
    three content words ("took off his galabiya, put on a suit" / "took off his jalabiya, put on
    a suit")."""
    cfg = _cfg()
    if a.day and b.day and abs((a.day - b.day).days) > window:
        return 0.0
    ratio = fuzz.token_sort_ratio(" ".join(a.words), " ".join(b.words)) / 100
    if ratio >= cfg["statement_min_ratio"]:
        return ratio
    # A shared run needs content words in common, most of them spelt the same.
    if len(a.content & b.content) < 2:
        return 0.0
    run, content = _common_run(a.words, b.words)
    if run >= cfg["statement_min_run"] and content >= 3:
        return 0.5 + min(run, 20) / 40
    return 0.0


def link(data: dict[str, list[Row]]) -> Linked:
    """Incidents, figure links and statement links for one exported corpus."""
    place_rows = {p["id"]: p for p in data.get("places", [])}
    docs = {d["id"]: d for d in data["documents"]}
    profiles = {p.doc_id: p for p in profile_documents(data)}
    doc_day = {k: p.day.isoformat() if p.day else "" for k, p in profiles.items()}
    figs_by_doc: dict[str, list[Row]] = defaultdict(list)
    for f in data.get("figures", []):
        figs_by_doc[f["doc_id"]].append(f)
    links: dict[str, FigureLink] = {}
    incidents = []
    for doc_ids in cluster_documents(list(profiles.values()), data.get("places", [])):
        doc_ids.sort(key=lambda d: (doc_day[d] or "9999", d))
        anchor = doc_ids[0]
        iid = "i_" + _hash(anchor)
        days = sorted(doc_day[d] for d in doc_ids if doc_day[d])
        core = _core_places(doc_ids, profiles, place_rows)
        core_rows = [place_rows[p] for p in core if place_rows[p].get("precision") != "country"]
        first = _day(days[0]) if days else None
        counted, background, inc_figs = [], [], []
        for d in doc_ids:
            for f in sorted(figs_by_doc[d], key=lambda f: f["span"]["start"]):
                s0 = (f.get("sentence") or {}).get("start", 0)
                before = (docs[d].get("text") or "")[max(0, s0 - 300):s0]
                why = background_reason(f, first, core_rows, place_rows, before)
                links[f["id"]] = FigureLink(
                    None if why else iid, bool(why), why,
                    source_key=source_key(f, docs[d].get("outlet")), **figure_wording(f))
                (background if why else counted).append(f["id"])
                if not why:
                    inc_figs.append(f)
        # The incident runs from its first report (or the earliest period a counted figure
        # gives) to its last report (or the latest period end).
        starts = [*days[:1], *(f["period_start"] for f in inc_figs if f.get("period_start"))]
        ends = [*days[-1:], *(f["period_end"] for f in inc_figs if f.get("period_end"))]
        start, end = min(starts, default=None), max(ends, default=None)
        # Places the counted figures name come first: where people died, not datelines.
        fig_freq = Counter(p for f in inc_figs for p in set(f.get("place_ids") or []))
        rank = {"point": 0, "town": 0, "district": 1, "province": 2, "country": 3}
        core.sort(key=lambda p: (place_rows[p].get("precision") == "country", -fig_freq[p],
                                 rank.get(place_rows[p].get("precision"), 2)))
        _merge_sources(inc_figs, links)
        _repeats(inc_figs, links, doc_day)
        incidents.append(Incident(
            iid, _title(core, place_rows, start, end), start, end, core, doc_ids, counted,
            background, headline=_headline(doc_ids, profiles, docs),
            country_codes=sorted({place_rows[p]["country_code"] for p in core
                                  if place_rows[p].get("country_code")})))
    incidents.sort(key=lambda i: (i.start or "9999", i.id))
    return Linked(incidents, links, _statements(data.get("quotes", []), doc_day))


def _headline(doc_ids: list[str], profiles: dict[str, DocProfile], docs: dict[str, Row]) -> str | None:
    """The title of the document most like the others (rare words in common)."""
    titled = [d for d in doc_ids if docs[d].get("title")]
    if not titled:
        return None
    vec = dict(zip(titled, _idf_vectors([profiles[d].words for d in titled])))
    best = max(titled, key=lambda d: (sum(_cos(vec[d], vec[o]) for o in titled if o != d), d))
    return docs[best]["title"]
