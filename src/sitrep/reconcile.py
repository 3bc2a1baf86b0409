"""Tally reconciliation per incident x status x victim category (rules: README "Reconciliation
rules").

Input: the exported figures, the linked incidents and each figure's ``FigureLink``. A *claim* is
one original figure with every repeat of it (counted once); each source's claims ordered by first
report date make its timeline. From each source's *current* claim (its newest) come ``low``,
``best``, ``high``, the contradictions and the grade.

Scope (``extract/scope.py``): only ``whole`` claims are tolls. Part claims (``part_place``,
``part_time``) and breakdowns (by their parent total) become the tally's ``breakdowns``;
increments sit on their source's timeline as deltas; a figure background in its document is
background across documents too (``apply_scope``). A source's fall (a lower later whole claim)
is marked ``revised_down`` and never becomes its current claim.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from .records import asdict  # dataclasses.asdict's dict, without deep-copying every atom
from .config import CONFIG, load_data, sources_roles
from .link import FigureLink, Incident

Row = dict[str, Any]

# Victim categories that split a total without overlapping: their sum is part of "all".
DISJOINT = ("civilians", "security_forces", "combatants")
# Scopes that are parts of a toll: listed as breakdowns, never low / best / high.
PARTS = ("part_place", "part_time", "breakdown")


@dataclass
class Claim:
    """One original figure and its repeats: what one source said once."""

    source_key: str
    source: str
    tier: int
    status: str
    victims: str
    count: int | None
    min: int | None
    max: int | None
    qualifier: str
    first_reported: str | None
    last_reported: str | None
    figure_ids: list[str]
    outlets: list[str]
    hedged: bool = False
    partial: bool = False
    floor: bool = False
    projection: bool = False
    # A count the text calls an earlier one ("raising the earlier count of eight"): on the
    # timeline, never the source's current claim.
    earlier: bool = False
    # What the claim is for its incident (extract/scope.py): only "whole" claims are tolls.
    scope: str = "whole"
    scope_reason: str | None = None
    parent_figure_id: str | None = None
    place_ids: list[str] = field(default_factory=list)
    # The date the text gives for the claim ("as of Wednesday") when before the report date.
    as_of: str | None = None
    revised_down: bool = False
    # The source is a party to the fighting (an armed group claiming its own attack's toll).
    party: bool = False

    @property
    def day(self) -> str:
        """The claim's date: the date the text gives for it, else its first report."""
        return self.as_of or self.first_reported or ""

    @property
    def point(self) -> int:
        """The claim as one number: its count, else the lower end of its range."""
        for v in (self.count, self.min, self.max):
            if v is not None:
                return v
        return 0

    @property
    def lower(self) -> int:
        return self.min if self.min is not None else self.point

    @property
    def upper(self) -> int | None:
        """None means open-ended ("at least", "more than", "dozens", a count that will grow)."""
        if self.floor:
            return None
        if self.max is not None:
            return self.max
        if self.qualifier in ("exact", "about", "up_to"):
            return self.point
        return None

    def overlaps(self, other: "Claim") -> bool:
        return (self.upper is None or self.upper >= other.lower) and \
            (other.upper is None or other.upper >= self.lower)

    def entry(self) -> dict[str, Any]:
        d = {"reported_on": self.first_reported, "count": self.count, "min": self.min,
             "max": self.max, "figure_ids": self.figure_ids, "qualifier": self.qualifier,
             "last_reported": self.last_reported, "outlets": self.outlets,
             "hedged": self.hedged, "partial": self.partial, "floor": self.floor,
             "projection": self.projection, "earlier": self.earlier, "as_of": self.as_of or self.first_reported,
             "scope": self.scope, "revised_down": self.revised_down,
             "increment": self.scope == "increment"}
        if self.scope == "increment":
            d["delta"] = self.point
        return d


@dataclass
class Tally:
    incident_id: str
    status: str
    victims: str
    low: int | None
    best: int | None
    high: int | None
    grade: str
    sources: list[dict[str, Any]]
    contradictions: list[dict[str, Any]]
    best_source: str | None = None
    best_figure_ids: list[str] = field(default_factory=list)
    hedged_high: int | None = None
    hedged_high_source: str | None = None
    hedged_only: bool = False
    grade_reason: str = ""
    independent_sources: int = 0
    reports: int = 0
    parts: dict[str, int] | None = None
    parts_sum: int | None = None
    # Part claims of the incident: by place, by day, and breakdowns of a total (by its parent).
    breakdowns: list[dict[str, Any]] = field(default_factory=list)
    # False when no whole claim was reported: low / best / high are then null.
    whole_toll: bool = True
    # On an "all" tally: the category whose best raised ``high`` ("156 civilians" above every
    # total claim: the total is at least that many people).
    high_from_category: str | None = None
    # ... and the category whose best, an institution's or a named person's count, raised
    # ``best`` ("at least 400 civilians", Amnesty said, above every total claim).
    best_from_category: str | None = None
    # Every whole claim was replaced by its own source or text (an earlier count the text names,
    # a fall): low / best / high stand on them only until a current count; an "all" tally takes
    # a category's current count instead.
    superseded_only: bool = False

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def source_tier(f: Row, entity_types: dict[str, str]) -> int:
    """1 an institution (monitor, UN agency, ministry), 2 a named person, 3 a party to the fighting
    or a described but unnamed source ("officials", "a medical source"), 4 the outlet's own voice
    or another outlet's ("the wire agencies reported that over 50 were killed")."""
    if f.get("source_id"):
        kind = entity_types.get(f["source_id"])
        if kind in ("organization", "government"):
            return 1
        if kind == "person":
            return 2
        return 4 if kind == "media" else 3
    if f.get("source"):
        if _outlets_only(f["source"]):
            return 4
        return 1 if _named_body(f["source"]) else 3
    return 4


_AND = re.compile(r"\s*(?:,|&|\band\b)\s*")


def _outlets_only(name: str) -> bool:
    """The source is one or more news outlets of the alias dictionary ("Reuters and Voice of
    America")."""
    from .extract.entities import lookup

    parts = [p for p in _AND.split(name) if p]
    return bool(parts) and all((lookup(p) or ("", ""))[1] == "media" for p in parts)


def _as_of(f: Row) -> str | None:
    """The date the text gives for a figure (its period's end) when before its report date."""
    end, rep = f.get("period_end"), f.get("reported_on")
    if end and (not rep or end[:10] < rep[:10]):
        return end[:10]
    return None


def build_claims(figures: list[Row], links: dict[str, FigureLink], docs: dict[str, Row],
                 entity_types: dict[str, str]) -> list[Claim]:
    """Counted figures grouped by claim (original + repeats) in one pass over the figures."""
    members: dict[str, list[Row]] = defaultdict(list)
    for f in figures:
        link = links.get(f["id"])
        if link and link.incident_id and link.claim_id and not link.background:
            members[link.claim_id].append(f)
    claims = []
    for claim_id, figs in members.items():
        # The original, unless it was set apart as background: then the earliest report left.
        o = next((f for f in figs if f["id"] == claim_id), None) or \
            min(figs, key=lambda f: (f.get("reported_on") or "", f["id"]))
        if all(o.get(k) is None for k in ("count", "min", "max")):
            continue  # no number to reconcile; never stand in a zero
        lk = links[claim_id]
        days = sorted(f["reported_on"] for f in figs if f.get("reported_on"))
        label = lk.source_name or o.get("source") or \
            f"{docs[o['doc_id']].get('outlet') or 'unknown outlet'} (own reporting)"
        # A claim is whole when any of its reports is (a toll one outlet framed as a part is
        # still the toll another gave).
        scopes = [f.get("scope") or "whole" for f in figs]
        scope = "whole" if "whole" in scopes else (o.get("scope") or "whole")
        part = o if (o.get("scope") or "whole") == scope else next(
            f for f in figs if (f.get("scope") or "whole") == scope)
        as_of = min((d for d in (_as_of(f) for f in figs) if d), default=None)
        # One source, one tier: a description joined to a named entity ("a local prosecutor" is
        # the prosecutor another report names) ranks as that entity.
        tier_of = {**o, "source_id": lk.source_key} if lk.source_key in entity_types else o
        claims.append(Claim(
            lk.source_key or "", label, source_tier(tier_of, entity_types), o["status"],
            lk.counted_as_victims or o["victims"], o.get("count"), o.get("min"), o.get("max"),
            o.get("qualifier") or "exact", days[0] if days else None, days[-1] if days else None,
            sorted(f["id"] for f in figs),
            sorted({docs[f["doc_id"]].get("outlet") or "?" for f in figs}),
            hedged=bool(o.get("hedged")),
            partial=lk.partial, floor=any(links[f["id"]].floor for f in figs),
            projection=any(links[f["id"]].projection for f in figs),
            earlier=all(links[f["id"]].earlier for f in figs),
            scope=scope, scope_reason=part.get("scope_reason"),
            parent_figure_id=part.get("parent_figure_id"),
            place_ids=list(part.get("place_ids") or []), as_of=as_of,
            party=is_party(lk.source_key, label, entity_types)))
    return claims


@lru_cache(maxsize=1)
def _institution_heads() -> frozenset[str]:
    """Head nouns of an institution's name: offices' bodies and body nouns, less an army's words
    (an armed force is a party to the fighting, tier 3)."""
    roles = sources_roles()
    army = {w.casefold() for key in ("army_name_words", "not_institution_heads") for w in roles.get(key) or []}
    return frozenset(w.casefold() for key in ("office_bodies", "body_nouns")
                     for w in roles.get(key) or []) - army


def _named_body(name: str) -> bool:
    """A source the dictionary does not know that names an institution by its capitalised head
    ("Ondo State Government", "Lebanese Ministry of Public Health"), not a description ("camp
    emergency committee", "Federal Medical Centre workers") nor a party ("Kessa Militia")."""
    head = _QUALIFIER.split(name, maxsplit=1)[0].split()
    return bool(head) and head[-1][:1].isupper() and head[-1].casefold() in _institution_heads() \
        and not _PARTY.search(name)


def _party_words() -> re.Pattern[str]:
    words = sources_roles().get("party_words") or []
    # (not "anti-gang unit", "counter-terrorism police": a hyphen before the word)
    return re.compile(r"(?<![-\w])(?:" + "|".join(map(re.escape, words)) + r")\b" if words else "(?!)", re.I)


_PARTY = _party_words()
_QUALIFIER = re.compile(r"\b(?:of|in|who|that|which|from|at|on|near|with|for|against|by)\b", re.I)
_PARTY_VICTIM = re.compile(r"\b(?:victims?|survivors?|expert|experts|analysts?|researchers?)\b", re.I)


def is_party(source_key: str | None, label: str, entity_types: dict[str, str]) -> bool:
    """A source that is a party to the fighting: an armed group of the alias dictionary, or a
    description naming one ("the jihadist group", "rebels")."""
    if source_key and source_key in entity_types:
        return entity_types[source_key] == "armed_group"
    # The description's own head, not what qualifies it ("officials in rebel-held Idlib", "a
    # resident who fled the militants", "victims of the gang attack").
    head = _QUALIFIER.split(label, maxsplit=1)[0]
    return bool(_PARTY.search(head)) and not _PARTY_VICTIM.search(head)


def _newest(claims: list[Claim]) -> Claim | None:
    """The newest claim (first reported last); on one day a number before a vague amount ("more
    than 45 were killed" beside "its fighters have killed hundreds"), then the largest, as
    running tolls rise."""
    if not claims:
        return None
    return max(claims, key=lambda c: (c.day, c.qualifier != "vague", c.point, c.figure_ids[0]))


def _ref(c: Claim) -> dict[str, Any]:
    return {"source": c.source, "reported_on": c.first_reported, "count": c.count, "min": c.min,
            "max": c.max, "hedged": c.hedged, "figure_ids": c.figure_ids}


def contradictions(current: list[Claim]) -> list[dict[str, Any]]:
    """Pairs of sources whose current claims cannot both be true. A lower claim reported before
    the higher one is not a contradiction: running tolls rise."""
    out = []
    for i, a in enumerate(current):
        for b in current[i + 1:]:
            if a.overlaps(b):
                continue
            low, high = (a, b) if (a.upper or 0) < b.lower else (b, a)
            if low.day < high.day:
                continue
            claims = [_ref(low), _ref(high)]
            out.append({"kind": "disjoint", "sources": [low.source, high.source],
                        "claims": claims, "named": low.tier <= 2 and high.tier <= 2,
                        "description": " vs ".join(_claim_text(c) for c in claims)})
    return out


def _claim_text(ref: dict[str, Any]) -> str:
    """"National Unity Government: 16 (2023-04-16)", "unconfirmed reports: at least 30 (2023-04-11,
    hedged)": a claim as a reader would say it."""
    lo, hi, n = ref.get("min"), ref.get("max"), ref.get("count")
    if lo is not None and hi is not None and lo != hi:
        value = f"{lo:,}–{hi:,}"
    elif n is not None:
        value = f"{n:,}" if hi == n or (lo is None and hi is None) else (
            f"more than {n:,}" if lo is not None and lo > n else f"at least {n:,}" if lo == n
            else f"up to {n:,}")
    else:
        value = f"at least {lo:,}" if lo is not None else "?"
    notes = ", ".join(x for x in (ref.get("reported_on"), "hedged" if ref.get("hedged") else None) if x)
    return f"{ref.get('source') or 'unattributed'}: {value}" + (f" ({notes})" if notes else "")


def _agree(a: Claim, b: Claim) -> bool:
    tol = CONFIG["reconcile"]["agree_tolerance"]
    return a.overlaps(b) and abs(a.point - b.point) <= tol * max(a.point, b.point, 1)


def grade(best: Claim, firm: list[Claim], contra: list[dict[str, Any]]) -> tuple[str, str]:
    """contested > single_source > confirmed > corroborated; see README."""
    if any(c.get("named") and not any(x["hedged"] for x in c["claims"]) for c in contra):
        return "contested", "current claims of two named independent sources do not overlap"
    others = [c for c in firm if c.source_key != best.source_key]
    if not others:
        return "single_source", "one independent source (repeats by other outlets not counted)"
    if best.tier <= 2 and any(c.tier <= 2 and _agree(best, c) for c in others):
        return "confirmed", "another named independent source agrees with the best figure"
    if any(best.overlaps(c) for c in others):
        return "corroborated", "another independent source's claim is consistent with the best figure"
    return "single_source", "no other source's current claim is consistent with the best figure"


# Tiers of ``source_tier``: 1 institution, 2 named person, 3 described source, 4 outlet's voice.
NAMED_TIER = 3


def _current(claims: list[Claim]) -> tuple[Claim | None, Claim | None, Claim | None]:
    """A source's current firm claim, its newest hedged claim (kept only when not older than the
    firm one) and its newest "up to" estimate."""
    totals = [c for c in claims
              if not c.partial and not c.projection and not c.earlier and not c.revised_down]
    counts = [c for c in totals if c.qualifier != "up_to"]
    firm = _newest([c for c in counts if not c.hedged])
    hedged = _newest([c for c in counts if c.hedged])
    if hedged and firm and hedged.day < firm.day:
        hedged = None
    return firm, hedged, _newest([c for c in totals if c.qualifier == "up_to"])


def _top(c: Claim) -> int:
    return c.upper if c.upper is not None else c.point


def _mark_falls(mine: list[Claim]) -> None:
    """A firm whole claim lower than an earlier firm whole claim of the same source is a fall
    (a revision or a narrower count): marked, never the source's current claim."""
    top = None
    for c in mine:
        if c.hedged or c.partial or c.projection or c.earlier or c.qualifier == "up_to":
            continue
        c.revised_down = top is not None and (c.upper if c.upper is not None else c.point) < top
        top = max(top or 0, c.point)


def _no_toll(incident_id: str, status: str, victims: str, claims: list[Claim]) -> Tally:
    """A tally with parts or increments but no whole claim: no low / best / high."""
    return Tally(incident_id, status, victims, None, None, None, "single_source", [], [],
                 grade_reason="no whole toll: only parts of a toll, breakdowns or increments "
                              "were reported", whole_toll=False,
                 independent_sources=len({c.source_key for c in claims}),
                 reports=sum(len(c.figure_ids) for c in claims))


def _best_candidates(basis: list[Claim], hedged: list[Claim]) -> list[Claim]:
    """The claims best is chosen from. Each source's current claim is its latest whole toll (a
    fall is marked, not current); running tolls rise and counts lag rather than overshoot, so
    best is the highest of them, from named or described sources (tiers 1-3). The outlet's own
    voice joins them only with a toll newer than every named claim (an update the outlet gives
    without naming its source again); when no named source has a firm claim, a named source's
    hedged claim ("about 700 were reportedly killed, the agency said") outranks the outlet's
    own voice; only when no one is named at all does the outlet's voice set best. A party's own
    count and a vague amount set best only when no one else named gives a number."""
    named = [c for c in basis if c.tier <= NAMED_TIER and not c.hedged]
    # An armed group's count of its own attack's dead is propaganda as often as not: it sets best
    # only when no one else named gives a toll.
    named = [c for c in named if not c.party] or named
    # A vague amount ("hundreds", "dozens") says less than any number: it sets best only when no
    # one named gives a number ("its fighters have killed hundreds", beside a camp's 45 dead).
    newest_number = max((c.day for c in named if c.qualifier != "vague" and c.day), default=None)
    named = [c for c in named if c.qualifier != "vague" or (
        newest_number is not None and c.day and c.day > newest_number)] or named
    if named:
        newest = max(c.day for c in named)
        return named + [c for c in basis if c.tier > NAMED_TIER and not c.hedged
                        and newest and c.day > newest]
    return [c for c in hedged if c.tier <= NAMED_TIER] or \
        [c for c in basis if c.tier <= NAMED_TIER] or basis


def _outliers(basis: list[Claim]) -> list[Claim]:
    """Current claims more than ``outlier_ratio`` times the highest claim of every other source,
    when at least two other sources have one reported on the same day or later (any, for an
    undated claim): "12 killed" from three sources and "2,800 killed" from a fourth. A toll that rose
    since the others last reported is no outlier, nor is a dated toll above undated claims."""
    ratio = CONFIG["reconcile"].get("outlier_ratio", 5)
    out = []
    for c in basis:
        # An undated claim says nothing of whether it came before a dated one: it may be the
        # early count of a toll that rose since ("16 dead" in an undated report, "209" weeks on).
        others = [o for o in basis if o.source_key != c.source_key
                  and (not c.day or (o.day and o.day >= c.day))]
        # An earlier claim of another source within the ratio makes the toll plausible ("at
        # least 53" two days before "171"; the later "three bodies found this morning" say
        # nothing against it).
        every = [o for o in basis if o.source_key != c.source_key]
        if len({o.source_key for o in others}) >= 2 and \
                c.point > ratio * max(max(_top(o) for o in every), 1):
            out.append(c)
    return out


def _outlier_row(c: Claim, basis: list[Claim]) -> dict[str, Any]:
    others = max((o for o in basis if o.source_key != c.source_key), key=lambda o: _top(o),
                 default=None)
    claims = [_ref(c)] + ([_ref(others)] if others else [])
    return {"kind": "outlier", "sources": [x["source"] for x in claims], "claims": claims,
            "named": False,
            "description": f"{_claim_text(claims[0])} is over "
                           f"{CONFIG['reconcile'].get('outlier_ratio', 5)}x every other source's "
                           f"claim (highest: {_claim_text(claims[1]) if others else '-'}); "
                           "not used for low / best / high"}


def reconcile_one(incident_id: str, status: str, victims: str, claims: list[Claim]) -> Tally:
    wholes = [c for c in claims if c.scope == "whole"]
    increments = [c for c in claims if c.scope == "increment"]
    if not wholes:
        t = _no_toll(incident_id, status, victims, claims)
        t.sources = _sources(increments, {})
        return t
    by_source: dict[str, list[Claim]] = defaultdict(list)
    for c in wholes:
        by_source[c.source_key].append(c)
    current_of: dict[str, Claim | None] = {}
    firm: list[Claim] = []
    hedged: list[Claim] = []
    uppers: list[Claim] = []
    for key, mine in by_source.items():
        mine.sort(key=lambda c: (c.day, c.point, c.figure_ids[0]))
        _mark_falls(mine)
        cur_firm, cur_hedged, upper = _current(mine)
        firm += [cur_firm] if cur_firm else []
        hedged += [cur_hedged] if cur_hedged else []
        uppers += [upper] if upper else []
        current_of[key] = cur_firm or cur_hedged or upper
    sources = _sources(wholes + increments, current_of)
    hedged_only = not firm
    basis = firm or hedged or [c for c in uppers if not c.hedged] or uppers
    superseded = not basis
    if not basis:
        # Only parts of totals ("25 of them"), falls or projections: they still bound the
        # total from below.
        basis = [c for c in wholes if not c.projection] or wholes
    # A claim many times every other source's of the same days is a misreading (a wounded
    # count read as killed, a war-wide toll): listed, never low / best / high.
    outliers = _outliers(basis)
    basis = [c for c in basis if c not in outliers]
    uppers = [u for u in uppers if u not in outliers]
    top = min(c.tier for c in basis)
    best = max(_best_candidates(basis, hedged),
               key=lambda c: (c.point, -c.tier, c.day, c.figure_ids[0]))
    low = min([c.point for c in basis if c.tier <= max(top, 2)] + [best.point])
    # "Up to N" sets no floor; a firm one can still raise the high.
    high = max([_top(c) for c in basis + [u for u in uppers if not u.hedged or hedged_only]]
               + [_top(best)])
    contra = contradictions([c for c in firm + hedged if c not in outliers]) + \
        [_outlier_row(c, basis) for c in outliers]
    g, why = grade(best, firm or hedged, contra)
    hh = max((c for c in hedged + uppers if c.hedged), key=lambda c: (_top(c), c.figure_ids[0]),
             default=None)
    show_hh = hh is not None and not hedged_only and _top(hh) > high
    return Tally(incident_id, status, victims, low, best.point, high, g, sources, contra,
                 best_source=best.source, best_figure_ids=best.figure_ids,
                 hedged_high=_top(hh) if show_hh else None,
                 hedged_high_source=hh.source if show_hh else None, hedged_only=hedged_only,
                 grade_reason=why, independent_sources=len(by_source),
                 reports=sum(len(c.figure_ids) for c in claims),
                 superseded_only=superseded and all(c.earlier or c.revised_down for c in basis))


def _sources(claims: list[Claim], current_of: dict[str, Claim | None]) -> list[dict[str, Any]]:
    """Each source's timeline: its whole claims (falls marked ``revised_down``) and its
    increments as deltas, by the date the text gives for each."""
    by_source: dict[str, list[Claim]] = defaultdict(list)
    for c in claims:
        by_source[c.source_key].append(c)
    out = []
    for key in sorted(by_source, key=lambda k: (min(c.day for c in by_source[k]), k)):
        mine = sorted(by_source[key], key=lambda c: (c.day, c.scope == "increment", c.point,
                                                     c.figure_ids[0]))
        current = current_of.get(key)
        out.append({"source": mine[0].source, "source_key": key, "tier": mine[0].tier,
                    "current": current.entry() if current else None,
                    "timeline": [c.entry() for c in mine],
                    "revised_down": any(c.revised_down for c in mine)})
    return out


def _breakdown_row(c: Claim) -> dict[str, Any]:
    by = {"part_place": "place", "part_time": "day"}.get(c.scope, "part")
    return {"by": by, "place_id": c.place_ids[0] if c.place_ids else None,
            "date": c.as_of or c.first_reported, "count": c.count, "min": c.min, "max": c.max,
            "source": c.source, "figure_ids": c.figure_ids, "scope": c.scope,
            "scope_reason": c.scope_reason, "victims": c.victims,
            "parent_figure_id": c.parent_figure_id, "hedged": c.hedged}


# An institution (1) or a named person (2): a category count of theirs is a floor on the total.
FLOOR_TIER = 2


def _best_tier(t: Tally) -> int:
    """The tier of the source that set the tally's best."""
    return min((s["tier"] for s in t.sources if s.get("source") == t.best_source), default=4)


def _raise_best(t: Tally, cats: list[Tally]) -> None:
    """A category's best that a named source gave ("at least 400 civilians were killed", the
    rights group said) is a floor on the total's best."""
    cat = max(cats, key=lambda c: (c.best, c.victims), default=None)
    if cat is not None and t.best is not None and cat.best > t.best:
        t.best, t.best_source, t.best_figure_ids = cat.best, cat.best_source, cat.best_figure_ids
        t.best_from_category = cat.victims


def _add_parts(tallies: list[Tally]) -> None:
    """On each "all" tally, the best of the disjoint categories of the same incident and status,
    and their sum; a sum above the total's high is listed as a contradiction."""
    index = {(t.incident_id, t.status, t.victims): t for t in tallies}
    for t in tallies:
        if t.victims != "all":
            continue
        # Every category is a count of people, so the total is at least its best.
        cats = [c for c in tallies if (c.incident_id, c.status) == (t.incident_id, t.status)
                and c.victims != "all" and c.best is not None]
        cat = max(cats, key=lambda c: (c.best, c.victims), default=None)
        replaced = t.best is not None and t.superseded_only and cat is not None \
            and not cat.superseded_only and cat.best > t.best
        if cat is not None and (t.best is None or replaced):
            # No whole count of everyone, only of a category ("223 civilians", the rights group
            # said, beside parts of it), or only counts of everyone the text itself replaced
            # ("raising the earlier count of eight", beside "54 soldiers were killed"): the total
            # is that count, as a floor.
            t.low, t.best, t.high, t.grade = cat.low, cat.best, cat.high, cat.grade
            t.best_source, t.best_figure_ids = cat.best_source, list(cat.best_figure_ids)
            t.sources = t.sources or [dict(s) for s in cat.sources]  # (whose counts these are)
            t.best_from_category = t.high_from_category = cat.victims
            t.whole_toll = True
            t.grade_reason = f"from the {cat.victims} count: " + (
                "every count of everyone was replaced by a later one" if replaced
                else "no whole count of everyone was reported")
            t.independent_sources = max(t.independent_sources, cat.independent_sources)
        if cat is not None and t.high is not None and cat.best > t.high:
            t.high, t.high_from_category = cat.best, cat.victims
        _raise_best(t, [c for c in cats if _best_tier(c) <= FLOOR_TIER])
        parts = {v: index[(t.incident_id, t.status, v)].best for v in DISJOINT
                 if (t.incident_id, t.status, v) in index}
        parts = {v: b for v, b in parts.items() if b is not None}
        if not parts:
            continue
        t.parts = parts
        t.parts_sum = sum(parts.values())
        if t.high is not None and t.parts_sum > t.high:
            listed = ", ".join(f"{v} {b:,}" for v, b in sorted(parts.items()))
            t.contradictions.append({"kind": "parts_exceed_total", "sources": [],
                                     "claims": [], "parts": parts, "parts_sum": t.parts_sum,
                                     "high": t.high,
                                     "description": f"categories add up to {t.parts_sum:,} "
                                                    f"({listed}), above the highest total claim "
                                                    f"of {t.high:,}"})


def apply_scope(figures: list[Row], incidents: list[Incident], links: dict[str, FigureLink]) -> None:
    """One view of background: a figure its document calls background (scope) is background
    across documents too. Its link is set apart like link.py's own background figures. Then a
    part of a background total at one of its incident's places is that incident's whole toll."""
    by_id = {inc.id: inc for inc in incidents}
    for f in figures:
        lk = links.get(f["id"])
        if f.get("scope") != "background" or lk is None or lk.background:
            continue
        inc = by_id.get(lk.incident_id or "")
        if _dated_within(f, inc):
            f["scope"], f["scope_reason"] = "whole", (
                f"{f.get('scope_reason')}, but within its incident's reports")
            continue
        lk.background, lk.incident_id, lk.counted = True, None, False
        lk.background_reason = f"scope: {f.get('scope_reason') or 'background in its document'}"
        if inc is not None and f["id"] in inc.figure_ids:
            inc.figure_ids.remove(f["id"])
            inc.background_figure_ids.append(f["id"])
    for f in figures:
        _own_part_of_a_wider_toll(f, links, by_id)


# The date the scope stage read for a figure it set apart only for being dated before its report.
_DATED_BEFORE = re.compile(r"(?:^dated .*\((\d{4}-\d\d-\d\d)\)|^its period ends (\d{4}-\d\d-\d\d))"
                           r", well before the report$")


def _dated_within(f: Row, inc: Incident | None) -> bool:
    """A figure its document sets apart only for its date ("the killing of 400 on 18 June" in a
    release a month on) is its incident's own when that date is no more than ``max_gap_days``
    before the incident's first report: the release is late, not about another event."""
    m = _DATED_BEFORE.match(f.get("scope_reason") or "")
    if not (m and inc and inc.start):
        return False
    day = date.fromisoformat(m.group(1) or m.group(2))
    return day >= date.fromisoformat(inc.start[:10]) - timedelta(days=CONFIG["link"]["max_gap_days"])


def _own_part_of_a_wider_toll(f: Row, links: dict[str, FigureLink],
                              incidents: dict[str, Incident]) -> None:
    """A part of a total that is itself background ("strikes across the country killed 43; the
    toll includes 33 in the capital"), placed at one of its incident's places, is that
    incident's whole toll: the wider total is another count, not this incident's."""
    if f.get("scope") not in ("breakdown", "part_place") or not f.get("parent_figure_id"):
        return
    parent, own = links.get(f["parent_figure_id"]), links.get(f["id"])
    inc = incidents.get(own.incident_id or "") if own else None
    if parent is None or not parent.background or inc is None:
        return
    if set(f.get("place_ids") or ()) & set(inc.place_ids):
        f["scope"] = "whole"
        f["scope_reason"] = ("its total covers more than this incident (background); its "
                             "place is the incident's")


def figure_scope(f: Row, link: FigureLink | None) -> dict[str, Any]:
    """The figure's scope as the export gives it: background when linking or its document
    says so (with the reason), else what the scope stage set (``whole`` when unset)."""
    if link is not None and link.background:
        reason = f.get("scope_reason") if f.get("scope") == "background" else link.background_reason
        return {"scope": "background", "scope_reason": reason}
    return {"scope": f.get("scope") or "whole", "scope_reason": f.get("scope_reason")}


def reconcile(data: dict[str, list[Row]], incidents: list[Incident],
              links: dict[str, FigureLink]) -> list[Tally]:
    docs = {d["id"]: d for d in data["documents"]}
    types = {e["id"]: e.get("type") for e in data.get("entities", [])}
    apply_scope(data.get("figures", []), incidents, links)
    claims = build_claims(data.get("figures", []), links, docs, types)
    by_incident_of = {f: inc.id for inc in incidents for f in inc.figure_ids}
    groups: dict[tuple[str, str, str], list[Claim]] = defaultdict(list)
    for c in claims:
        groups[(by_incident_of[c.figure_ids[0]], c.status, c.victims)].append(c)
    # Parts go to the tally of their parent total (a breakdown) or their own (by place, day).
    group_of = {f: key for key, cs in groups.items() for c in cs for f in c.figure_ids}
    parts: dict[tuple[str, str, str], list[Claim]] = defaultdict(list)
    for key, cs in groups.items():
        for c in cs:
            if c.scope in PARTS:
                parent = links.get(c.parent_figure_id or "")
                home = group_of.get(parent.claim_id or "", key) if parent else key
                parts[home].append(c)
    for key in parts:
        groups.setdefault(key, [])
    order = {inc.id: k for k, inc in enumerate(incidents)}
    tallies = []
    for (i, s, v), cs in sorted(groups.items(), key=lambda kv: (order[kv[0][0]], kv[0][1], kv[0][2])):
        mine = parts[(i, s, v)]
        tolls = [c for c in cs if c.scope not in PARTS]
        if not tolls and not mine:
            continue  # breakdowns only, all listed under their parent's tally
        t = reconcile_one(i, s, v, tolls) if tolls else _no_toll(i, s, v, mine)
        t.breakdowns = [_breakdown_row(c) for c in sorted(
            mine, key=lambda c: (c.scope, c.as_of or c.first_reported or "", -c.point,
                                 c.figure_ids[0]))]
        t.reports = sum(len(c.figure_ids) for c in tolls + mine)
        tallies.append(t)
    # Every incident and status with a category count has an "all" tally (its headline), taken
    # from the category when no one counted everyone.
    have = {(t.incident_id, t.status) for t in tallies if t.victims == "all"}
    for i, s in dict.fromkeys((t.incident_id, t.status) for t in tallies if t.best is not None):
        if (i, s) not in have:
            tallies.append(_no_toll(i, s, "all", []))
    tallies.sort(key=lambda t: (order[t.incident_id], t.status, t.victims))
    _add_parts(tallies)
    return tallies
