"""Exports following the SPEC contract: JSON (one object of arrays) and CSV (one file per array)."""

from __future__ import annotations

import csv
import json
import os
from typing import Any, TextIO

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
    """The record of the store, linked. Incidents start from the stored incident record, so they
    keep the ids they were stored with; reading never writes (``keep_incidents`` does, at ingest)."""
    return linked_with_record(_arrays(store), store.incident_record())[0]


def keep_incidents(store: Store) -> bool:
    """Link the stored corpus and store the incident record when documents were added since it
    was last kept (ingest calls this once per run, after its documents are stored). Returns
    whether the record changed."""
    stored = store.incident_record()
    doc_ids = {r[0] for r in store.execute("SELECT id FROM documents")}
    if doc_ids == set(stored["docs"]):
        return False
    _, record = linked_with_record(_arrays(store), stored)
    if record == stored:
        return False
    store.save_incident_record(record)
    return True


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


def write_csv_dir(data: dict[str, Any], out_dir: str) -> list[str]:
    os.makedirs(out_dir, exist_ok=True)
    written = []
    for name, cols in CSV_COLUMNS.items():
        path = os.path.join(out_dir, f"{name}.csv")
        with open(path, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(cols)
            for row in data.get(name, []):
                w.writerow([spreadsheet_safe(_cell(row, c)) for c in cols])
        written.append(path)
    return written
