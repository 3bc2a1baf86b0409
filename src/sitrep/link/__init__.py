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

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from .background import background_reason, figure_wording
from .claims import FigureLink, _repeats
from .common import Row, _cfg, _day
from .ids import Record, assign_ids, empty_record
from .parts import DocParts, doc_parts
from .incidents import (AliasIndex, DocProfile, DocScorer, Incident, PairScore, _core_places,
                        _headline, _title, cluster_documents, profile_documents)
from .sources import _merge_sources, source_key
from .statements import QuoteLink, _statements, same_statement

__all__ = ["AliasIndex", "DocParts", "DocProfile", "DocScorer", "FigureLink", "Incident", "Linked", "PairScore",
           "QuoteLink", "Record", "assign_ids", "background_reason", "cluster_documents", "doc_parts", "figure_wording", "link",
           "profile_documents", "same_statement", "source_key"]

@dataclass
class Linked:
    incidents: list[Incident]
    figures: dict[str, FigureLink]
    quotes: dict[str, QuoteLink]
    record: Record = field(default_factory=empty_record)  # the incident record to store
    profiles: dict[str, DocProfile] = field(default_factory=dict)  # what was compared, per document


def _incident_days(doc_ids: list[str], profiles: dict[str, DocProfile]) -> list[str]:
    """The incident's report days, sorted. A date read from a report's text (see
    ``DocProfile.floor``) counts when within max_span_days of the reports dated of their own:
    an anniversary's date years back ("killed on 3 January 2020") is not when the incident began."""
    firm = sorted(p.day for d in doc_ids if (p := profiles[d]).day and not p.floor)
    span = timedelta(days=_cfg()["max_span_days"])
    return sorted(p.day.isoformat() for d in doc_ids if (p := profiles[d]).day and (
        not p.floor or not firm or firm[0] - span <= p.day <= firm[-1] + span))


def link(data: dict[str, list[Row]], stored: Record | None = None,
         outlets: set[str | None] | None = None,
         profiled: dict[str, DocProfile] | None = None,
         parts: dict[str, DocParts] | None = None) -> Linked:
    """Incidents, figure links and statement links for one exported corpus. ``stored`` is the
    incident record kept from the last linking (see ``ids``): incidents keep their ids; without
    one, ids are those of a first linking. ``Linked.record`` is the record to keep. ``outlets``: every
    outlet of the store, when ``data`` is only part of it (see ``profile_documents``). ``parts``:
    what depends on one document alone, computed where documents were processed
    (``parts.DocParts``, by document id); what is missing is computed here."""
    place_rows = {p["id"]: p for p in data.get("places", [])}
    docs = {d["id"]: d for d in data["documents"]}
    entities = {e["id"]: e for e in data.get("entities", [])}
    # Documents already profiled (by the caller, over the same places and entities) are not
    # profiled again.
    profiled = profiled or {}
    rest = {**data, "documents": [d for d in data["documents"] if d["id"] not in profiled]}
    profiles = {**{d["id"]: profiled[d["id"]] for d in data["documents"] if d["id"] in profiled},
                **{p.doc_id: p for p in profile_documents(rest, outlets=outlets, parts=parts)}}
    profiles = {d["id"]: profiles[d["id"]] for d in data["documents"]}
    doc_day = {k: p.day.isoformat() if p.day else "" for k, p in profiles.items()}
    figs_by_doc: dict[str, list[Row]] = defaultdict(list)
    for f in data.get("figures", []):
        figs_by_doc[f["doc_id"]].append(f)
    wording = {f: w for p in (parts or {}).values() for f, w in p.wording.items()}
    links: dict[str, FigureLink] = {}
    incidents = []
    clusters = cluster_documents(list(profiles.values()), data.get("places", []))
    for doc_ids in clusters:
        doc_ids.sort(key=lambda d: (doc_day[d] or "9999", d))
    ids, record = assign_ids(clusters, stored)
    for iid, doc_ids in zip(ids, clusters):
        entry = record["incidents"][iid]
        days = _incident_days(doc_ids, profiles)
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
                    source_key=source_key(f, docs[d].get("outlet")),
                    **(wording.get(f["id"]) or figure_wording(f)))
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
        _merge_sources(inc_figs, links, entities)
        _repeats(inc_figs, links, doc_day)
        incidents.append(Incident(
            iid, _title(core, place_rows, start, end), start, end, core, doc_ids, counted,
            background, headline=_headline(doc_ids, profiles, docs),
            country_codes=sorted({place_rows[p]["country_code"] for p in core
                                  if place_rows[p].get("country_code")}),
            merged_ids=list(entry["merged_ids"]), split_from=list(entry["split_from"]),
            split_to=[dict(s) for s in entry["split_to"]]))
    incidents.sort(key=lambda i: (i.start or "9999", i.id))
    return Linked(incidents, links, _statements(data.get("quotes", []), doc_day), record, profiles)
