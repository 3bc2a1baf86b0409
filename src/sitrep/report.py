"""``sitrep report``: one self-contained HTML file a person reads, with no network at all.

Incidents with their tallies and per-source timelines, a map of places on offline country
outlines, every claim linked to its sentence, quotes with speakers, and every document with its
figures and quotes marked. Styles, script and SVG are inline; the page's Content-Security-Policy
forbids every fetch.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from .templating import csp, render, report_link
from .view import (Record, choices, claim_rows, country_maps, doc_view, incident_views,
                   overview_map, quote_rows)


def render_report(data: dict[str, list[dict[str, Any]]], title: str = "sitrep situation record",
                  total_incidents: int | None = None) -> str:
    """The report of ``data``; ``total_incidents``: how many the whole record has when ``data``
    holds only the newest of them (the page says how many are left out)."""
    rec = Record(data)
    omitted = max(0, (total_incidents or 0) - len(rec.incidents))
    docs = sorted((doc_view(rec, d) for d in rec.documents),
                  key=lambda v: (v.doc.get("published") or "9999", v.doc.get("outlet") or ""))
    return render(
        "report.html", title=title, csp=csp(), summary=rec.summary(), link=report_link,
        generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        incidents=incident_views(rec), place_map=overview_map(rec), country_maps=country_maps(rec),
        claims=claim_rows(rec, rec.figures), quotes=quote_rows(rec, rec.quotes),
        choices=choices(rec), docs=docs, omitted=omitted)


def write_report(data: dict[str, list[dict[str, Any]]], path: str) -> None:
    html = render_report(data)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(html)
