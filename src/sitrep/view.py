"""What the HTML report and the web app show, built from the export arrays (SPEC shapes).

Everything here reads the dict returned by ``export.collect``: documents, figures, quotes, places,
incidents and tallies. Nothing is computed that the record does not hold; an empty ``incidents``
array gives an empty incident list, never a guessed one. Text stays plain here; the templates
escape it (Jinja autoescape), so no function in this module builds HTML.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable

from .basemap import MapView, build_map
from .config import CONFIG

QUALIFIER_WORDS = {"at_least": "at least ", "more_than": "more than ", "about": "about ",
                   "up_to": "up to "}
# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]


def _num(n: int | None) -> str:
    return "?" if n is None else f"{n:,}"


def figure_value(f: dict[str, Any]) -> str:
    """'at least 803', '300–400', 'about 2,000'; a vague figure shows its range."""
    q = f.get("qualifier")
    if q in ("range", "vague") or f.get("count") is None:
        lo, hi = f.get("min"), f.get("max")
        if lo is not None and hi is not None and lo != hi:
            return f"{_num(lo)}–{_num(hi)}"
        if lo is not None:
            return f"{_num(lo)}+" if hi is None else _num(lo)
        return _num(hi)
    return QUALIFIER_WORDS.get(q, "") + _num(f["count"])


class Record:
    """The export arrays with the look-ups the views need."""

    def __init__(self, data: dict[str, list[dict[str, Any]]]):
        self.data = data
        self.documents = {d["id"]: d for d in data.get("documents", [])}
        self.figures = data.get("figures", [])
        self.figure_by_id = {f["id"]: f for f in self.figures}
        self.quotes = data.get("quotes", [])
        self.places = {p["id"]: p for p in data.get("places", [])}
        self.entities = {e["id"]: e for e in data.get("entities", [])}
        self.incidents = data.get("incidents", [])
        self.tallies = data.get("tallies", [])
        self.incident_of: dict[str, dict[str, Any]] = {}
        for inc in self.incidents:
            for fid in inc.get("figure_ids") or []:
                self.incident_of.setdefault(fid, inc)

    def outlet(self, doc_id: str) -> str | None:
        return (self.documents.get(doc_id) or {}).get("outlet")

    def place_names(self, ids: Iterable[str]) -> list[str]:
        return [self.places[i]["name"] for i in ids or [] if i in self.places]

    def figure_counts_by_place(self, figures: Iterable[dict[str, Any]] | None = None) -> dict[str, int]:
        counts: dict[str, int] = {}
        for f in self.figures if figures is None else figures:
            for pid in f.get("place_ids") or []:
                counts[pid] = counts.get(pid, 0) + 1
        return counts

    def summary(self) -> dict[str, Any]:
        dates = sorted(d["published"] for d in self.documents.values() if d.get("published"))
        return {
            "documents": len(self.documents), "figures": len(self.figures),
            "quotes": len(self.quotes), "places": len(self.places),
            "incidents": len(self.incidents), "tallies": len(self.tallies),
            "outlets": len({d.get("outlet") for d in self.documents.values() if d.get("outlet")}),
            "sources": len({f.get("source") for f in self.figures if f.get("source")}),
            "first": dates[0] if dates else None, "last": dates[-1] if dates else None,
        }


# --- rows -------------------------------------------------------------------------------------

@dataclass
class ClaimRow:
    id: str
    doc_id: str
    value: str
    status: str
    victims: str
    group: str | None
    source: str | None
    hedged: bool
    inherited: bool
    reported_on: str | None
    outlet: str | None
    title: str | None
    phrase: str
    sentence: str
    places: list[str]
    incident_id: str | None
    incident_title: str | None
    repeat_of: str | None


def claim_row(rec: Record, f: dict[str, Any]) -> ClaimRow:
    doc = rec.documents.get(f["doc_id"], {})
    inc = rec.incident_of.get(f["id"])
    sentence = (f.get("sentence") or f.get("span") or {}).get("text", "")
    return ClaimRow(
        id=f["id"], doc_id=f["doc_id"], value=figure_value(f), status=f.get("status") or "",
        victims=f.get("victims") or "", group=f.get("group"), source=f.get("source"),
        hedged=bool(f.get("hedged")), inherited=bool(f.get("source_inherited")),
        reported_on=f.get("reported_on"), outlet=doc.get("outlet"), title=doc.get("title"),
        phrase=(f.get("span") or {}).get("text", ""), sentence=sentence.strip(),
        places=rec.place_names(f.get("place_ids") or []),
        incident_id=inc["id"] if inc else None, incident_title=inc.get("title") if inc else None,
        repeat_of=f.get("repeat_of"))


def claim_rows(rec: Record, figures: Iterable[dict[str, Any]]) -> list[ClaimRow]:
    rows = [claim_row(rec, f) for f in figures]
    rows.sort(key=lambda r: (r.reported_on or "9999", r.outlet or "", r.id))
    return rows


@dataclass
class QuoteRow:
    id: str
    doc_id: str
    speaker: str | None
    kind: str
    venue: str | None
    said_on: str | None
    text: str
    outlet: str | None
    statement_id: str | None
    published: str | None  # the document's date, shown when the quote carries none


def quote_rows(rec: Record, quotes: Iterable[dict[str, Any]]) -> list[QuoteRow]:
    rows = [QuoteRow(q["id"], q["doc_id"], q.get("speaker"), q.get("kind") or "", q.get("venue"),
                     q.get("said_on"), q.get("text") or "", rec.outlet(q["doc_id"]),
                     q.get("statement_id"),
                     (rec.documents.get(q["doc_id"]) or {}).get("published")) for q in quotes]
    rows.sort(key=lambda r: (r.said_on or r.published or "9999", r.speaker or "", r.id))
    return rows


# --- filters (shared by the JSON API and the HTML pages) --------------------------------------

def _has(text: str | None, needle: str) -> bool:
    return bool(text) and needle.casefold() in text.casefold()


def filter_figures(rec: Record, *, incident: str | None = None, status: str | None = None,
                   victims: str | None = None, place: str | None = None,
                   **rest: str | None) -> list[dict[str, Any]]:
    """Figures matching every given filter. ``source``, ``outlet`` and ``q`` match
    case-insensitive substrings (source also its id); dates compare ``reported_on``; ``place``
    is a place id."""
    wanted = None
    if incident:
        inc = next((i for i in rec.incidents if i["id"] == incident), None)
        wanted = set(inc.get("figure_ids") or []) if inc else set()
    return [f for f in rec.figures
            if (wanted is None or f["id"] in wanted)
            and (not status or f.get("status") == status)
            and (not victims or f.get("victims") == victims)
            and figure_matches(f, rec.outlet(f["doc_id"]), place=place, **rest)]


def figure_matches(f: dict[str, Any], outlet_of_doc: str | None, *, place: str | None = None,
                   source: str | None = None, outlet: str | None = None,
                   date_from: str | None = None, date_to: str | None = None,
                   q: str | None = None) -> bool:
    """The figure filters no store column holds (``filter_figures``; the app's store pages
    apply them to rows as they are read). ``outlet_of_doc`` is the outlet of the figure's
    document."""
    if place and place not in (f.get("place_ids") or []):
        return False
    if source and not (_has(f.get("source"), source) or f.get("source_id") == source):
        return False
    if outlet and not _has(outlet_of_doc, outlet):
        return False
    day = f.get("reported_on")
    if date_from and (not day or day < date_from):
        return False
    if date_to and (not day or day > date_to):
        return False
    return not q or (_has((f.get("span") or {}).get("text"), q)
                     or _has((f.get("sentence") or {}).get("text"), q))


def filter_quotes(rec: Record, *, speaker: str | None = None, q: str | None = None,
                  doc_id: str | None = None) -> list[dict[str, Any]]:
    return [quote for quote in rec.quotes
            if quote_matches(quote, speaker=speaker, q=q)
            and (not doc_id or quote["doc_id"] == doc_id)]


def quote_matches(quote: dict[str, Any], *, speaker: str | None = None,
                  q: str | None = None) -> bool:
    """``speaker`` a case-insensitive substring of the speaker, or its id; ``q`` one of the
    quote's text."""
    if speaker and not (_has(quote.get("speaker"), speaker) or quote.get("speaker_id") == speaker):
        return False
    return not q or _has(quote.get("text"), q)


def filter_tallies(rec: Record, *, incident: str | None = None, status: str | None = None,
                   victims: str | None = None) -> list[dict[str, Any]]:
    return [t for t in rec.tallies
            if (not incident or t.get("incident_id") == incident)
            and tally_matches(t, status=status, victims=victims)]


def tally_matches(t: dict[str, Any], *, status: str | None = None,
                  victims: str | None = None) -> bool:
    return (not status or t.get("status") == status) and (not victims or t.get("victims") == victims)


def choices(rec: Record) -> dict[str, list[str]]:
    """Values present in the record, for the filter controls."""
    return {
        "status": sorted({f["status"] for f in rec.figures if f.get("status")}),
        "victims": sorted({f["victims"] for f in rec.figures if f.get("victims")}),
        "outlet": sorted({d["outlet"] for d in rec.documents.values() if d.get("outlet")}),
        "source": sorted({f["source"] for f in rec.figures if f.get("source")}),
        "incident": [i["id"] for i in rec.incidents],
    }


# --- a document with its figures and quotes marked --------------------------------------------

@dataclass(frozen=True)
class Mark:
    key: str  # the figure or quote id this mark belongs to
    start: int
    end: int
    kind: str  # "sentence" (a figure's sentence), "number" (its phrase) or "quote"


@dataclass
class Segment:
    text: str
    keys: list[str] = field(default_factory=list)  # figures/quotes whose highlight covers it
    kinds: list[str] = field(default_factory=list)
    first_of: list[str] = field(default_factory=list)  # keys whose highlight starts here
    highlighted: bool = False


def segments(text: str, marks: list[Mark], highlight: str | None = None) -> list[Segment]:
    """Cut ``text`` at every mark boundary so overlapping marks need no nested elements."""
    n = len(text)
    trimmed = []
    for m in marks:
        if m.start is None or m.end is None:
            continue
        a, b = max(0, m.start), min(n, m.end)
        # A sentence span keeps its paragraph break; the highlight should not.
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            trimmed.append(Mark(m.key, a, b, m.kind))
    marks = trimmed
    cuts = sorted({0, n, *(m.start for m in marks), *(m.end for m in marks)})
    out = []
    started: set[str] = set()
    for a, b in zip(cuts, cuts[1:]):
        covering = [m for m in marks if m.start <= a and b <= m.end]
        keys = sorted({m.key for m in covering if m.kind != "number"})
        seg = Segment(text[a:b], keys, sorted({m.kind for m in covering}))
        seg.first_of = [k for k in keys if k not in started]
        started.update(keys)
        seg.highlighted = highlight is not None and highlight in keys
        out.append(seg)
    return out


def document_marks(rec: Record, doc_id: str) -> list[Mark]:
    marks = []
    for f in rec.figures:
        if f["doc_id"] != doc_id:
            continue
        sent = f.get("sentence") or f.get("span") or {}
        if "start" in sent:
            marks.append(Mark(f["id"], sent["start"], sent["end"], "sentence"))
        span = f.get("span") or {}
        if "start" in span:
            marks.append(Mark(f["id"], span["start"], span["end"], "number"))
    for q in rec.quotes:
        span = q.get("span") or {}
        if q["doc_id"] == doc_id and "start" in span:
            marks.append(Mark(q["id"], span["start"], span["end"], "quote"))
    return marks


@dataclass
class DocView:
    doc: dict[str, Any]
    segments: list[Segment]
    safe_url: str | None
    highlight: str | None
    figures: int
    quotes: int
    focus: ClaimRow | None = None  # the highlighted figure, when the key names one


def safe_url(url: str | None) -> str | None:
    """Only http(s) URLs become links: a scraped ``javascript:`` URL stays text."""
    if url and url.strip().lower().startswith(("http://", "https://")):
        return url.strip()
    return None


def doc_view(rec: Record, doc_id: str, highlight: str | None = None) -> DocView | None:
    doc = rec.documents.get(doc_id)
    if doc is None:
        return None
    marks = document_marks(rec, doc_id)
    focus = rec.figure_by_id.get(highlight or "")
    return DocView(doc, segments(doc.get("text") or "", marks, highlight), safe_url(doc.get("url")),
                   highlight, sum(1 for m in marks if m.kind == "number"),
                   sum(1 for m in marks if m.kind == "quote"),
                   claim_row(rec, focus) if focus and focus["doc_id"] == doc_id else None)


def document_spans(rec: Record, doc_id: str) -> dict[str, list[dict[str, Any]]]:
    """The spans of a document for the JSON API: figures (phrase and sentence) and quotes."""
    figs = [{"id": f["id"], "span": f.get("span"), "sentence": f.get("sentence"),
             "status": f.get("status"), "value": figure_value(f)}
            for f in rec.figures if f["doc_id"] == doc_id]
    quotes = [{"id": q["id"], "span": q.get("span"), "speaker": q.get("speaker")}
              for q in rec.quotes if q["doc_id"] == doc_id]
    return {"figures": figs, "quotes": quotes}


# --- tally timeline charts --------------------------------------------------------------------

@dataclass
class ChartPoint:
    x: float
    y: float
    y_lo: float | None
    y_hi: float | None
    label: str
    figure_id: str | None
    doc_id: str | None


@dataclass
class ChartSeries:
    name: str
    color: str
    points: list[ChartPoint]
    path: str
    undated: int


@dataclass
class Chart:
    width: int
    height: int
    left: int
    top: int
    plot_w: int
    plot_h: int
    x_ticks: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]
    series: list[ChartSeries]
    band: tuple[float, float] | None  # y of high and low
    best_y: float | None
    title: str


def nice_step(top: float, ticks: int = 4) -> float:
    raw = max(top, 1) / ticks
    mag = 10 ** math.floor(math.log10(raw))
    return next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)


def _day(s: str | None) -> date | None:
    try:
        return date.fromisoformat(s[:10]) if s else None
    except ValueError:
        return None


def tally_chart(rec: Record, tally: dict[str, Any]) -> Chart:
    """Per-source claims over report dates; the reconciled low–high band and best line behind."""
    cfg = CONFIG["report"]
    width, height = cfg["chart_width"], cfg["chart_height"]
    left, top, right, bottom = 56, 12, 12, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    entries = []
    values = [v for v in (tally.get("low"), tally.get("best"), tally.get("high")) if v is not None]
    for src in tally.get("sources") or []:
        for e in src.get("timeline") or []:
            values += [v for v in (e.get("count"), e.get("min"), e.get("max")) if v is not None]
            entries.append(_day(e.get("reported_on")))
    days = [d for d in entries if d]
    d0 = min(days) if days else date.today()
    d1 = max(days) if days else d0
    span_days = (d1 - d0).days
    pad = 0 if span_days else 1  # one date: centre it
    step = nice_step(max(values, default=1))
    # Headroom above the largest value, so its point is not drawn on the frame.
    y_top = step * math.ceil(max(max(values, default=1), 1) * 1.08 / step)
    inset = 24  # first and last dates sit inside the frame, their labels too

    def x_of(d: date) -> float:
        frac = ((d - d0).days + pad) / (span_days + 2 * pad)
        return round(left + inset + frac * (plot_w - 2 * inset), 1)

    def y_of(v: float) -> float:
        return round(top + plot_h - v / y_top * plot_h, 1)

    x_ticks = []
    every = max(1, math.ceil(span_days / 6))
    for i in range(0, span_days + 1, every):
        d = date.fromordinal(d0.toordinal() + i)
        if days:
            x_ticks.append((x_of(d), d.strftime("%d %b")))
    y_ticks = [(y_of(v), f"{int(v):,}") for v in frange(0, y_top, step)]
    series = []
    for i, src in enumerate(tally.get("sources") or []):
        points, undated = [], 0
        for e in src.get("timeline") or []:
            d = _day(e.get("reported_on"))
            value = next((v for v in (e.get("count"), e.get("min"), e.get("max")) if v is not None), None)
            if d is None or value is None:
                undated += 1
                continue
            lo, hi = e.get("min"), e.get("max")
            fid = (e.get("figure_ids") or [None])[0]
            f = rec.figure_by_id.get(fid) if fid else None
            label = f"{src.get('source') or 'unattributed'}, {d.isoformat()}: " + (
                figure_value(f) if f else _num(value))
            points.append(ChartPoint(x_of(d), y_of(value),
                                     y_of(lo) if lo is not None and hi is not None and lo != hi else None,
                                     y_of(hi) if lo is not None and hi is not None and lo != hi else None,
                                     label, fid, f["doc_id"] if f else None))
        points.sort(key=lambda p: p.x)
        path = "M" + "L".join(f"{p.x:g},{p.y:g}" for p in points) if len(points) > 1 else ""
        series.append(ChartSeries(src.get("source") or "unattributed", PALETTE[i % len(PALETTE)],
                                  points, path, undated))
    band = None
    if tally.get("low") is not None and tally.get("high") is not None:
        band = (y_of(tally["high"]), y_of(tally["low"]))
    best_y = y_of(tally["best"]) if tally.get("best") is not None else None
    title = f"{tally.get('status', '')} · {tally.get('victims', '')}"
    return Chart(width, height, left, top, plot_w, plot_h, x_ticks, y_ticks, series, band, best_y,
                 title)


def frange(start: float, stop: float, step: float) -> list[float]:
    n = int(round((stop - start) / step))
    return [start + i * step for i in range(n + 1)]


# --- incidents and the map --------------------------------------------------------------------

@dataclass
class TallyView:
    tally: dict[str, Any]
    chart: Chart
    contradictions: list[str]
    # One claim in all (one report, or one claim repeated): shown as one line, not a chart.
    single: bool = False
    # The tally's breakdowns (by place, by day, parts of a total) with place names.
    breakdowns: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class IncidentView:
    incident: dict[str, Any]
    places: list[str]
    tallies: list[TallyView]
    map: MapView
    # The killed tally for victims "all" (else the killed tally with the largest best) first.
    headline: TallyView | None = None


def headline_tally(tallies: list[dict[str, Any]]) -> dict[str, Any] | None:
    """An incident's headline: its killed / all tally, else its killed tally with the largest
    best, else None."""
    killed = [t for t in tallies if t.get("status") == "killed"]
    for t in killed:
        if t.get("victims") == "all" and t.get("best") is not None:
            return t
    return max((t for t in killed if t.get("best") is not None),
               key=lambda t: (t["best"], t.get("victims") or ""), default=None)


def headline_text(t: dict[str, Any]) -> str:
    """"killed · all: 26 · 40 · 52 (corroborated, 3 sources)": the tally as one line."""
    def n(v: Any) -> str:
        return f"{v:,}" if isinstance(v, int) else "?"
    k = t.get("independent_sources") or 0
    return (f"{t.get('status')} · {t.get('victims')}: {n(t.get('low'))} · {n(t.get('best'))} · "
            f"{n(t.get('high'))} ({t.get('grade') or 'ungraded'}, {k} independent source"
            f"{'s' if k != 1 else ''})")


def _claims_in(t: dict[str, Any]) -> int:
    return sum(len(src.get("timeline") or []) for src in t.get("sources") or [])


def breakdown_rows(rec: "Record", t: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for b in t.get("breakdowns") or []:
        place = rec.places.get(b.get("place_id") or "")
        first = (b.get("figure_ids") or [None])[0]
        fig = rec.figure_by_id.get(first) if first else None
        rows.append({**b, "place": place["name"] if place else None, "value": claim_value(b),
                     "doc_id": fig["doc_id"] if fig else None})
    return rows


def claim_value(b: dict[str, Any]) -> str:
    lo, hi, n = b.get("min"), b.get("max"), b.get("count")
    if lo is not None and hi is not None and lo != hi:
        return f"{lo:,}–{hi:,}"
    if n is not None:
        return f"{n:,}" if hi == n or hi is None and lo is None else (
            f"at least {n:,}" if hi is None else f"up to {n:,}")
    return f"at least {lo:,}" if lo is not None else "?"


def contradiction_lines(items: Any) -> list[str]:
    """The SPEC leaves the shape of a contradiction open: strings are shown as they are, objects
    by their description or as key: value pairs."""
    lines = []
    for c in items or []:
        if isinstance(c, dict):
            text = c.get("description") or c.get("note") or c.get("text")
            lines.append(str(text) if text else "; ".join(f"{k}: {v}" for k, v in c.items()))
        else:
            lines.append(str(c))
    return lines


def incident_views(rec: Record, with_maps: bool = True) -> list[IncidentView]:
    out = []
    # Newest last report first.
    from .export import newest_first

    for inc in newest_first(rec.incidents):
        mine = [t for t in rec.tallies if t.get("incident_id") == inc["id"]]
        head = headline_tally(mine)
        # The headline tally leads; the others keep their order.
        mine.sort(key=lambda t: t is not head)
        tallies = [TallyView(t, tally_chart(rec, t), contradiction_lines(t.get("contradictions")),
                             single=_claims_in(t) <= 1, breakdowns=breakdown_rows(rec, t))
                   for t in mine]
        places = [rec.places[p] for p in inc.get("place_ids") or [] if p in rec.places]
        figs = [rec.figure_by_id[f] for f in inc.get("figure_ids") or [] if f in rec.figure_by_id]
        view_map = (build_map(places, rec.figure_counts_by_place(figs), width=440)
                    if with_maps and places else MapView(0, 0, error="no places"))
        out.append(IncidentView(inc, [p["name"] for p in places], tallies, view_map,
                                headline=tallies[0] if head is not None else None))
    return out


def overview_map(rec: Record) -> MapView:
    return build_map(list(rec.places.values()), rec.figure_counts_by_place())


def country_maps(rec: Record) -> list[tuple[str, MapView]]:
    """One closer map per country when the places span several, so a cluster of towns on one
    coast is not a single dot on the overview."""
    by_country: dict[str, list[dict[str, Any]]] = {}
    for p in rec.places.values():
        if p.get("country_code"):
            by_country.setdefault(p["country_code"], []).append(p)
    located = {c: ps for c, ps in by_country.items() if any(p.get("lat") is not None for p in ps)}
    if len(located) < 2:
        return []
    counts = rec.figure_counts_by_place()
    named = {p["country_code"]: p["name"] for p in rec.places.values() if p.get("precision") == "country"}
    order = sorted(located, key=lambda c: -sum(counts.get(p["id"], 0) for p in located[c]))
    return [(named.get(c, c), build_map(located[c], counts, width=440)) for c in order]
