"""A hand-built record in the SPEC export shape, with incidents and tallies filled in, for the
report, web app and export tests (the link and reconcile stages fill those arrays in a real
store). Offsets are computed from the texts, so every span is a true slice. One document is
hostile: script tags and attribute breakers in its text, title, outlet, URL and a speaker.
"""

from __future__ import annotations

import copy
from typing import Any

HOSTILE = '<script>alert("x")</script>"><img src=x onerror=alert(1)>'

TEXTS = {
    "d_a": ("Shelling killed at least 12 civilians in Harbor Town on Monday, the Coast Monitor said.\n\n"
            "\"We buried them before dark,\" a resident said.\n\n"
            "Medics said 30 people were wounded in the shelling."),
    "d_b": ("The Coast Monitor said on Wednesday that the toll had risen to 19 civilians killed in "
            "Harbor Town.\n\nThe Rights Network said between 20 and 25 people were killed."),
    "d_c": ("Gunmen kidnapped 4 aid workers near Hill Village, the agency said.\n\n"
            f"A post read {HOSTILE} and then ended."),
}


def _span(doc: str, phrase: str, within: str | None = None) -> dict[str, Any]:
    text = TEXTS[doc]
    base = text.index(within) if within else 0
    start = text.index(phrase, base)
    return {"start": start, "end": start + len(phrase), "text": phrase}


def _figure(fid: str, doc: str, phrase: str, sentence: str, **fields: Any) -> dict[str, Any]:
    base = {"id": fid, "doc_id": doc, "count": None, "min": None, "max": None,
            "qualifier": "exact", "status": "killed", "victims": "all", "group": None,
            "perpetrator": None, "source": None, "source_id": None, "hedged": False,
            "place_ids": [], "period_start": None, "period_end": None, "reported_on": None,
            "span": _span(doc, phrase, sentence), "raw_span": None,
            "sentence": _span(doc, sentence)}
    base["raw_span"] = {"start": base["span"]["start"], "end": base["span"]["end"]}
    base.update(fields)
    return base


def record() -> dict[str, list[dict[str, Any]]]:
    documents = [
        {"id": "d_a", "url": "https://example.org/coast/1", "outlet": "Coast Post",
         "title": "Shelling kills 12 in Harbor Town", "published": "2025-03-03",
         "published_inferred": False, "language": "en", "text": TEXTS["d_a"], "raw_sha256": "a" * 64},
        {"id": "d_b", "url": "https://example.org/bay/2", "outlet": "Bay Herald",
         "title": "Harbor Town toll rises", "published": "2025-03-05",
         "published_inferred": False, "language": "en", "text": TEXTS["d_b"], "raw_sha256": "b" * 64},
        {"id": "d_c", "url": "javascript:alert(1)", "outlet": HOSTILE, "title": HOSTILE,
         "published": None, "published_inferred": False, "language": "en", "text": TEXTS["d_c"],
         "raw_sha256": "c" * 64},
    ]
    s_a1 = "Shelling killed at least 12 civilians in Harbor Town on Monday, the Coast Monitor said."
    s_a2 = "Medics said 30 people were wounded in the shelling."
    s_b1 = ("The Coast Monitor said on Wednesday that the toll had risen to 19 civilians killed in "
            "Harbor Town.")
    s_b2 = "The Rights Network said between 20 and 25 people were killed."
    s_c1 = "Gunmen kidnapped 4 aid workers near Hill Village, the agency said."
    figures = [
        _figure("d_a:f0", "d_a", "at least 12 civilians", s_a1, count=12, min=12,
                qualifier="at_least", victims="civilians", source="Coast Monitor",
                source_id="e_coast-monitor", perpetrator="e_north-army", place_ids=["p_harbor"],
                reported_on="2025-03-03"),
        _figure("d_a:f1", "d_a", "30 people", s_a2, count=30, min=30, max=30, status="injured",
                source="medics", place_ids=["p_harbor"], reported_on="2025-03-03"),
        _figure("d_b:f0", "d_b", "19 civilians", s_b1, count=19, min=19, max=19,
                victims="civilians", source="Coast Monitor", source_id="e_coast-monitor",
                place_ids=["p_harbor"], reported_on="2025-03-05"),
        _figure("d_b:f1", "d_b", "between 20 and 25 people", s_b2, min=20, max=25,
                qualifier="range", source="Rights Network", source_id="e_rights-network",
                reported_on="2025-03-05", hedged=True),
        _figure("d_c:f0", "d_c", "4 aid workers", s_c1, count=4, min=4, max=4, status="kidnapped",
                victims="aid_workers", source="the agency", place_ids=["p_hill"],
                reported_on="2025-03-06"),
        # The Bay Herald repeating the monitor's 19: linked as a repeat, counted once.
        _figure("d_b:f2", "d_b", "19 civilians", s_b1, count=19, min=19, max=19,
                victims="civilians", source="Coast Monitor", place_ids=["p_harbor"],
                reported_on="2025-03-05", repeat_of="d_b:f0"),
    ]
    quotes = [
        {"id": "d_a:q0", "doc_id": "d_a", "speaker": "Harbor Town resident", "speaker_id": None,
         "text": "We buried them before dark,", "kind": "direct", "venue": None,
         "said_on": "2025-03-03", "span": _span("d_a", "We buried them before dark,"),
         "statement_id": "s_1"},
        {"id": "d_c:q0", "doc_id": "d_c", "speaker": HOSTILE, "speaker_id": None,
         "text": HOSTILE, "kind": "direct", "venue": "X post", "said_on": None,
         "span": _span("d_c", HOSTILE), "statement_id": "s_2"},
    ]
    entities = [
        {"id": "e_coast-monitor", "name": "Coast Monitor", "type": "organization", "aliases": ["Coast Monitor"]},
        {"id": "e_rights-network", "name": "Rights Network", "type": "organization", "aliases": ["Rights Network"]},
        {"id": "e_north-army", "name": "North Army", "type": "armed_group", "aliases": ["North Army"]},
    ]
    places = [
        {"id": "p_harbor", "name": "Harbor Town", "geonameid": None, "lat": 35.52, "lon": 35.79,
         "admin1": "Latakia", "country_code": "SY", "precision": "town", "aliases": ["Harbor Town"]},
        {"id": "p_hill", "name": "Hill Village", "geonameid": None, "lat": 35.29, "lon": 36.04,
         "admin1": "Latakia", "country_code": "SY", "precision": "point", "aliases": ["Hill Village"]},
        {"id": "p_sy", "name": "Syria", "geonameid": 163843, "lat": None, "lon": None,
         "admin1": None, "country_code": "SY", "precision": "country", "aliases": ["Syria"]},
    ]
    incidents = [
        {"id": "i_harbor", "title": "Shelling of Harbor Town", "start": "2025-03-03",
         "end": "2025-03-03", "place_ids": ["p_harbor"], "doc_ids": ["d_a", "d_b"],
         "figure_ids": ["d_a:f0", "d_a:f1", "d_b:f0", "d_b:f1", "d_b:f2"]},
        {"id": "i_hill", "title": "Aid workers kidnapped near Hill Village", "start": "2025-03-06",
         "end": None, "place_ids": ["p_hill"], "doc_ids": ["d_c"], "figure_ids": ["d_c:f0"]},
    ]
    tallies = [
        {"incident_id": "i_harbor", "status": "killed", "victims": "all", "low": 12, "best": 19,
         "high": 25, "grade": "corroborated",
         "sources": [
             {"source": "Coast Monitor", "timeline": [
                 {"reported_on": "2025-03-03", "count": 12, "min": 12, "max": None, "figure_ids": ["d_a:f0"]},
                 {"reported_on": "2025-03-05", "count": 19, "min": 19, "max": 19, "figure_ids": ["d_b:f0", "d_b:f2"]}]},
             {"source": "Rights Network", "timeline": [
                 {"reported_on": "2025-03-05", "count": None, "min": 20, "max": 25, "figure_ids": ["d_b:f1"]}]}],
         "contradictions": [{"description": "Rights Network's 20–25 exceeds Coast Monitor's 19 on 2025-03-05"}]},
        {"incident_id": "i_harbor", "status": "injured", "victims": "all", "low": 30, "best": 30,
         "high": 30, "grade": "single source",
         "sources": [{"source": "medics", "timeline": [
             {"reported_on": "2025-03-03", "count": 30, "min": 30, "max": 30, "figure_ids": ["d_a:f1"]}]}],
         "contradictions": []},
        {"incident_id": "i_hill", "status": "kidnapped", "victims": "aid_workers", "low": 4,
         "best": 4, "high": 4, "grade": "single source",
         "sources": [{"source": "the agency", "timeline": [
             {"reported_on": "2025-03-06", "count": 4, "min": 4, "max": 4, "figure_ids": ["d_c:f0"]}]}],
         "contradictions": []},
    ]
    return {"documents": documents, "figures": figures, "quotes": quotes, "entities": entities,
            "places": places, "incidents": incidents, "tallies": tallies, "posts": []}


def record_without_links() -> dict[str, list[dict[str, Any]]]:
    """The same record as a store gives it before linking: no incidents, no tallies."""
    data = copy.deepcopy(record())
    data["incidents"], data["tallies"] = [], []
    for f in data["figures"]:
        f.pop("repeat_of", None)
    return data


# Articles written for these tests, ingested through the real pipeline by the browser tests.
ARTICLES = {
    "harbor.txt": ("Shelling killed at least 12 civilians in Latakia on Monday, the Syrian "
                   "Observatory for Human Rights said.\n\n"
                   "Medics said 30 people were wounded, many of them children.\n"),
    "camp.txt": ("Fighting near El Fasher has displaced more than 2,000 families since Sunday, aid "
                 "workers said on Thursday.\n\n"
                 "The United Nations said between 300 and 400 people had been detained by armed men "
                 "at checkpoints south of the city.\n"),
    "hostile.txt": ("Gunmen killed 7 people in Homs on Tuesday, residents said.\n\n"
                    f"A comment under the story read {HOSTILE} before it was removed.\n"),
}
MANIFEST = [
    {"path": "harbor.txt", "outlet": "Coast Post", "published": "2025-03-03", "title": "Shelling in Latakia"},
    {"path": "camp.txt", "outlet": "Nile Courier", "published": "2025-04-17", "title": "Families flee El Fasher"},
    {"path": "hostile.txt", "outlet": "Orontes Post", "published": "2025-03-04", "title": HOSTILE,
     "url": "javascript:alert(1)"},
]
