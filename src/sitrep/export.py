"""Exports following the SPEC contract: JSON (one object of arrays) and CSV (one file per array)."""

from __future__ import annotations

import bisect
import csv
import json
import os
from datetime import date, timedelta
from itertools import chain
from typing import Any, Iterable, Iterator, TextIO

from .config import CONFIG
from .store import Store

ARRAYS = ("documents", "figures", "quotes", "entities", "places", "incidents", "tallies", "posts")

# CSV columns per array: the contract fields first; nested values are flattened or JSON-encoded.
CSV_COLUMNS = {
    "documents": ["id", "url", "outlet", "title", "published", "published_inferred", "language",
                  "raw_sha256", "source_path"],
    "figures": ["id", "doc_id", "count", "min", "max", "qualifier", "status", "victims", "group",
                "perpetrator", "source", "source_id", "hedged", "place_ids", "period_start",
                "period_end", "reported_on", "span.start", "span.end", "span.text", "raw_span.start",
                "raw_span.end", "sentence.text", "incident_id", "claim_id", "repeat_of", "counted",
                "background", "background_reason", "scope", "scope_reason", "parent_figure_id"],
    "quotes": ["id", "doc_id", "speaker", "speaker_id", "text", "kind", "venue", "said_on",
               "statement_id", "span.start", "span.end", "raw_span.start", "raw_span.end"],
    "entities": ["id", "name", "type", "aliases"],
    "places": ["id", "name", "geonameid", "lat", "lon", "admin1", "country_code", "precision", "aliases"],
    "posts": ["id", "doc_id", "author", "handle", "posted_on", "url", "text"],
    "incidents": ["id", "title", "start", "end", "place_ids", "doc_ids", "figure_ids",
                  "background_figure_ids"],
    # One row per tally; each source's timeline and the contradictions as JSON in one cell.
    "tallies": ["incident_id", "status", "victims", "low", "best", "high", "grade", "grade_reason",
                "best_source", "best_figure_ids", "hedged_high", "independent_sources", "sources",
                "contradictions", "breakdowns"],
}


def _arrays(store: Store) -> dict[str, list[dict[str, Any]]]:
    return {
        "documents": store.documents(),
        "figures": store.figures(),
        "quotes": store.quotes(),
        "entities": store.entities(),
        "places": store.places(),
        "incidents": [],
        "tallies": [],
        "posts": store.posts(),
    }


def collect(store: Store) -> dict[str, list[dict[str, Any]]]:
    """The record of the store, linked. A store whose linked record is kept (every ingest run
    keeps it) is read as it is: nothing is linked or reconciled here. A store without one (written
    before records were kept, or never ingested through ``sitrep ingest``) is linked in memory,
    starting from the stored incident ids. Reading never writes."""
    if store.record_kept():
        return {name: list(rows) for name, rows in stream_arrays(store)}
    return linked_with_record(_arrays(store), store.incident_record())[0]


def stream_arrays(store: Store) -> Iterator[tuple[str, Iterable[dict[str, Any]]]]:
    """The export's arrays in the SPEC order, each as rows read one at a time from the kept
    record (a store without one is linked in memory first, as ``collect`` does)."""
    if not store.record_kept():
        yield from collect(store).items()
        return
    incidents = store.kept_incidents()
    yield "documents", store.iter_documents()
    yield "figures", store.linked_rows("figures")
    yield "quotes", store.linked_rows("quotes")
    yield "entities", store.entities()
    yield "places", store.places()
    yield "incidents", incidents
    yield "tallies", store.kept_tallies([i["id"] for i in incidents])
    yield "posts", store.posts()


def newest_first(incidents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Incidents by their last report, newest first (ties by id)."""
    return sorted(incidents, key=lambda i: (i.get("end") or i.get("start") or "", i["id"]),
                  reverse=True)


def newest_part(store: Store, limit: int) -> tuple[dict[str, list[dict[str, Any]]], int]:
    """The kept record cut to the ``limit`` incidents with the newest last report (all when
    ``limit`` is 0), fewer when their documents pass ``[report] max_documents`` (the newest
    incident is always in): those incidents, their tallies, documents, figures and quotes. Also
    returns how many incidents the whole record has. A store without a kept record is linked
    whole."""
    if not store.record_kept():
        data = collect(store)
        incidents = data["incidents"]
        if not limit or len(incidents) <= limit:
            return data, len(incidents)
        keep = newest_first(incidents)[:limit]
        ids = {i["id"] for i in keep}
        doc_ids = {d for i in keep for d in i["doc_ids"]}
        return {**data, "incidents": [i for i in incidents if i["id"] in ids],
                "tallies": [t for t in data["tallies"] if t["incident_id"] in ids],
                "documents": [d for d in data["documents"] if d["id"] in doc_ids],
                "figures": [f for f in data["figures"] if f["doc_id"] in doc_ids],
                "quotes": [q for q in data["quotes"] if q["doc_id"] in doc_ids],
                "posts": [p for p in data["posts"] if p["doc_id"] in doc_ids]}, len(incidents)
    incidents = store.kept_incidents()
    budget = CONFIG["report"]["max_documents"]
    if not limit or (len(incidents) <= limit and store.counts()["documents"] <= budget):
        return collect(store), len(incidents)
    # Newest first, while their documents fit the page's budget (the newest one always).
    keep: set[str] = set()
    docs = 0
    for inc in newest_first(incidents)[:limit]:
        if keep and docs + len(inc["doc_ids"]) > budget:
            break
        keep.add(inc["id"])
        docs += len(inc["doc_ids"])
    chosen = [i for i in incidents if i["id"] in keep]
    doc_ids = [d for i in chosen for d in i["doc_ids"]]
    return {"documents": list(store.iter_documents(doc_ids)),
            "figures": list(store.linked_rows("figures", doc_ids)),
            "quotes": list(store.linked_rows("quotes", doc_ids)),
            "entities": store.entities(), "places": store.places(), "incidents": chosen,
            "tallies": list(store.kept_tallies([i["id"] for i in chosen])),
            "posts": [p for p in store.posts() if p["doc_id"] in set(doc_ids)]}, len(incidents)


def keep_incidents(store: Store, full: bool = False, parts: dict[str, Any] | None = None) -> bool:
    """Refresh the kept record after documents were added or removed (ingest calls this once
    per run, after its documents are stored). Only what the new documents can touch is linked
    and reconciled again: the stored incidents within ``max_gap_days`` of a new document that
    name one of its countries (where a document has no date at all: that share a specific place,
    within ``max_span_days`` of the batch's dated documents), and the incidents that lost a
    document; their rows, ids and the statements of their speakers
    around those days are kept anew. A store without a kept record, or ``full``, is linked whole
    (``sitrep relink``). ``parts``: what depends on one document alone
    (``link.parts.DocParts``), by document id, for the documents ingest just stored: computed
    where they were processed, so they are not read again here. Returns whether the record
    changed."""
    if full or not store.record_kept():
        if not full and not store.counts()["documents"]:
            return False
        return _relink_all(store, parts)
    new = store.unlinked_documents()
    dirty = store.dirty_incidents()
    if not new and not dirty:
        return False
    _refresh(store, new, dirty, parts)
    return True


def _part(data: dict[str, list[dict[str, Any]]], result: Any, stored: dict[str, Any],
          replaced: Iterable[str]) -> dict[str, Any]:
    """What ``Store.save_linked`` keeps of one linking of ``data``."""
    from .reconcile import figure_scope, reconcile

    tallies = [t.as_dict() for t in reconcile(data, result.incidents, result.figures)]
    figures = {f["id"]: (result.figures[f["id"]].incident_id,
                         {**result.figures[f["id"]].as_dict(),
                          **figure_scope(f, result.figures[f["id"]])})
               for f in data["figures"] if f["id"] in result.figures}
    old = stored["incidents"]
    return {"entries": {k: v for k, v in result.record["incidents"].items() if old.get(k) != v},
            "docs": result.record["docs"], "replaced": list(replaced),
            "incidents": [i.as_dict() for i in result.incidents], "tallies": tallies,
            "figures": figures, "quotes": {q: lk.as_dict() for q, lk in result.quotes.items()},
            "days": {d: p.day.isoformat() if p.day else "" for d, p in result.profiles.items()},
            "reach": {i.id: _reach(i.doc_ids, result.profiles, data["places"])
                      for i in result.incidents}}


def _reach(doc_ids: list[str], profiles: dict[str, Any], places: list[dict[str, Any]]
           ) -> dict[str, Any]:
    """What a new document must share with an incident to be linked with it (see keep_incidents)."""
    rows = {p["id"]: p for p in places}
    days = sorted(profiles[d].day.isoformat() for d in doc_ids if profiles[d].day)
    named = {p for d in doc_ids for p in profiles[d].places if p in rows}
    return {"first": days[0] if days else None, "last": days[-1] if days else None,
            "undated": any(profiles[d].day is None for d in doc_ids),
            "countries": sorted({rows[p].get("country_code") for p in named
                                 if rows[p].get("country_code")}),
            "places": sorted(p for p in named if rows[p].get("precision") != "country")}


def _relink_all(store: Store, parts: dict[str, Any] | None = None) -> bool:
    from .link import link

    stored = store.incident_record()
    data = _arrays(store)
    result = link(data, stored, parts=parts)
    store.save_linked(_part(data, result, stored, [i["id"] for i in store.kept_incidents()]))
    return True


def _refresh(store: Store, new: list[str], dirty: set[str],
             parts: dict[str, Any] | None = None) -> None:
    """``keep_incidents`` for a store with a kept record: link what the new documents touch."""
    from .link import link
    from .link.incidents import profile_documents
    from .link.statements import _statements

    cfg = CONFIG["link"]
    gap = timedelta(days=cfg["max_gap_days"])
    span = timedelta(days=cfg["max_gap_days"] + cfg["max_span_days"])
    places, entities = store.places(), store.entities()
    outlets = store.outlets()
    new_docs = list(store.iter_documents(new))
    probe = profile_documents({"documents": new_docs, "figures": list(store.figures_of(new)),
                               "places": places, "entities": entities}, outlets=outlets,
                              parts=parts)
    rows = {p["id"]: p for p in places}
    touched = set(dirty)
    reach = store.incident_reach()
    dated = sorted(((p.day, p) for p in probe if p.day), key=lambda x: (x[0], x[1].doc_id))
    days = [d for d, _ in dated]
    # A new document without any date is compared with the incidents of the batch's period (its
    # dated documents' days, widened by max_span_days) that share a specific place with it; a
    # batch with no date at all, with every incident sharing one (`sitrep relink`: with all).
    undated_new = [p for p in probe if p.day is None]

    def in_period(r: dict[str, Any]) -> bool:
        return not days or (date.fromisoformat(r["first"]) <= days[-1] + span
                            and date.fromisoformat(r["last"]) >= days[0] - span)

    for iid, r in reach.items():
        countries, specific = set(r["countries"]), set(r["places"])
        near = []
        if r["first"]:
            lo = bisect.bisect_left(days, date.fromisoformat(r["first"]) - gap)
            hi = bisect.bisect_right(days, date.fromisoformat(r["last"]) + gap)
            near = [p for _, p in dated[lo:hi]]
        # Undated documents on either side are compared whatever the dates: they must share a
        # specific place instead. An incident with dated reports spans at most max_span_days, so
        # its undated documents are compared with new ones within that span of its dates.
        loose = (undated_new if in_period(r) else []) if r["first"] else probe
        if r.get("undated") and r["first"]:
            lo = bisect.bisect_left(days, date.fromisoformat(r["first"]) - span)
            hi = bisect.bisect_right(days, date.fromisoformat(r["last"]) + span)
            loose = loose + [p for _, p in dated[lo:hi]]
        for p in near:
            theirs = {rows[x].get("country_code") for x in p.places if x in rows} - {None}
            if not theirs or not countries or theirs & countries:
                touched.add(iid)
                break
        else:
            if any(specific & set(p.places) for p in loose):
                touched.add(iid)
    stored = {"docs": store.incident_docs_of(touched), "incidents": store.incident_entries()}
    doc_ids = list(dict.fromkeys([*new, *stored["docs"]]))
    data = {"documents": list(store.iter_documents(doc_ids)),
            "figures": list(store.figures_of(doc_ids)), "quotes": [],
            "entities": entities, "places": places, "posts": []}
    result = link(data, stored, outlets=outlets, profiled={p.doc_id: p for p in probe},
                  parts=parts)
    part = _part(data, result, stored, touched)
    part["quotes"] = _restatement(store, doc_ids, part["days"], _statements)
    store.save_linked(part)
    # What this refresh linked again, for the scale bench and anyone curious.
    store.last_refresh = {"new_documents": len(new), "incidents_linked_again": len(touched),
                          "documents_linked": len(doc_ids), "quotes_matched": len(part["quotes"]),
                          "stored_incidents": len(reach)}


def _restatement(store: Store, doc_ids: list[str], days: dict[str, str],
                 statements: Any) -> dict[str, dict[str, Any]]:
    """Statements again for the quotes of the linked documents and every quote their speakers
    said within ``statement_window_days`` of them (whole stored statements included)."""
    window = timedelta(days=CONFIG["link"]["statement_window_days"])
    mine = list(store.quotes_of(doc_ids))
    speakers = {q["speaker_id"] for q in mine if q.get("speaker_id")}
    if not speakers:
        return {qid: lk.as_dict() for qid, lk in statements(mine, days).items()}
    spans = [d for d in (_parse_day(days.get(q["doc_id"])) for q in mine) if d]
    if not spans:
        return {qid: lk.as_dict() for qid, lk in statements(mine, days).items()}
    # Their stored quotes from documents within the window (or without a day), read through the
    # index on speaker and the kept document days: memory follows the window, not the store.
    lo, hi = min(spans) - window, max(spans) + window
    mine_ids = {q["id"] for q in mine}
    their = store.quotes_of_speakers(speakers, lo.isoformat(), hi.isoformat())
    day_of = {**store.doc_days({d for _, d in their} - set(days)), **days}
    wanted = {qid for qid, _ in their if qid not in mine_ids}
    groups = store.statements_of(wanted | mine_ids)
    wanted |= set(store.quotes_of_statements(groups))
    rows = mine + [q for q in store.quotes_by_id(wanted - mine_ids)]
    day_of.update(store.doc_days({q["doc_id"] for q in rows} - set(day_of)))
    return {qid: lk.as_dict() for qid, lk in statements(rows, day_of).items()}


def _parse_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def linked(data: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """The arrays with cross-document incidents and tallies filled, figures carrying their
    incident and claim, quotes their shared statement id. Input rows are not modified."""
    return linked_with_record(data, None)[0]


def linked_with_record(data: dict[str, list[dict[str, Any]]], stored: dict[str, Any] | None
                       ) -> tuple[dict[str, list[dict[str, Any]]], dict[str, Any]]:
    """``linked`` given the stored incident record (``Store.incident_record``), so incidents keep
    their ids; also returns the record to keep."""
    from .link import link
    from .reconcile import figure_scope, reconcile

    result = link(data, stored)
    out = dict(data)
    # Reconcile first: a figure background in its document is set apart across documents too.
    out["tallies"] = [t.as_dict() for t in reconcile(data, result.incidents, result.figures)]
    out["figures"] = [{**f, **result.figures[f["id"]].as_dict(),
                       **figure_scope(f, result.figures[f["id"]])}
                      if f["id"] in result.figures else f for f in data["figures"]]
    out["quotes"] = [{**q, **result.quotes[q["id"]].as_dict()} for q in data["quotes"]]
    out["incidents"] = [i.as_dict() for i in result.incidents]
    return out, result.record


def write_json(data: dict[str, Any], out: TextIO) -> None:
    json.dump(data, out, ensure_ascii=False, indent=1)
    out.write("\n")


def write_json_stream(arrays: Iterable[tuple[str, Iterable[Any]]], out: TextIO) -> None:
    """``write_json`` one row at a time: the same bytes, without the record in memory."""
    out.write("{")
    for n, (name, rows) in enumerate(arrays):
        out.write(("," if n else "") + "\n " + json.dumps(name) + ": [")
        empty = True
        for row in rows:
            text = json.dumps(row, ensure_ascii=False, indent=1).replace("\n", "\n  ")
            out.write(("\n  " if empty else ",\n  ") + text)
            empty = False
        out.write("]" if empty else "\n ]")
    out.write("\n}\n")


# A cell a spreadsheet would run as a formula (OWASP's CSV-injection list); quoted with an apostrophe.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """Text that a spreadsheet shows as text: a leading ``=``, ``+``, ``-``, ``@``, tab or carriage
    return gets an apostrophe before it. Numbers stay numbers."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def _cell(row: dict[str, Any], col: str) -> Any:
    value: Any = row
    for part in col.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if isinstance(value, list) and any(isinstance(v, dict) for v in value):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


def each_array(data: dict[str, Any] | Iterable[tuple[str, Iterable[dict[str, Any]]]],
                names: Iterable[str]) -> Iterator[tuple[str, Iterable[dict[str, Any]]]]:
    """Each of ``names`` once with its rows, from the record or from its arrays as
    ``stream_arrays`` gives them (in their order, each read once); a name ``data`` lacks comes
    last with no rows, so a file-per-array export writes every file."""
    wanted = list(names)
    done: set[str] = set()
    for name, rows in chain(data.items() if isinstance(data, dict) else data,
                            ((n, []) for n in wanted)):
        if name in wanted and name not in done:
            done.add(name)
            yield name, rows


def write_csv_dir(data: dict[str, Any] | Iterable[tuple[str, Iterable[dict[str, Any]]]],
                  out_dir: str) -> list[str]:
    """One CSV file per array. ``data`` is the record, or its arrays as ``stream_arrays`` gives
    them: each row is written as it is read, so memory does not grow with the store. Every
    array gets its file, with its header, even when ``data`` lacks it."""
    os.makedirs(out_dir, exist_ok=True)
    paths = {name: os.path.join(out_dir, f"{name}.csv") for name in CSV_COLUMNS}
    for name, rows in each_array(data, CSV_COLUMNS):
        cols = CSV_COLUMNS[name]
        with open(paths[name], "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(cols)
            for row in rows:
                w.writerow([spreadsheet_safe(_cell(row, c)) for c in cols])
    return list(paths.values())
