"""Incident ids that stay: the clusters of this linking matched against the stored incidents.

The stored record (``Store.incident_record``) says which incident each document was in the last time
incidents were stored, when each incident was first stored (``seq``), what was merged into it and
where documents went when it split. Matching is a pure function of the clusters and that record:

* a cluster holding documents of stored incidents keeps the id of the oldest of them (lowest
  ``seq``; among equals, the one it holds most documents of), even when a new document joins it,
  earlier-dated or not;
* the other stored incidents it holds are merged into it: they leave the export and their ids are
  listed in its ``merged_ids``;
* a stored incident whose documents now fall into several clusters keeps its id in the cluster
  holding most of them (the oldest-first rule above); the others record ``split_from`` and the
  stored incident records, in ``split_to``, which documents went where;
* a cluster holding no stored documents is new: ``i_`` + a hash of its first document (earliest
  date, then id), the same id a store-less linking gives, so a corpus linked in one go gets the
  same ids whatever order its documents were ingested in.

Re-linking an unchanged corpus changes nothing in the record.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from .common import _hash

Record = dict[str, Any]  # {"docs": {doc_id: incident_id}, "incidents": {incident_id: {...}}}


def empty_record() -> Record:
    return {"docs": {}, "incidents": {}}


def _entry(seq: int) -> dict[str, Any]:
    return {"seq": seq, "merged_into": None, "merged_ids": [], "split_from": [], "split_to": []}


def assign_ids(clusters: list[list[str]], stored: Record | None) -> tuple[list[str], Record]:
    """One id per cluster (each cluster's documents first-anchored: earliest date, then id) and
    the record to store. ``stored`` is not modified."""
    stored = stored or empty_record()
    old_docs: dict[str, str] = stored["docs"]
    incidents: dict[str, dict[str, Any]] = {
        k: {**v, "merged_ids": list(v.get("merged_ids", [])),
            "split_from": list(v.get("split_from", [])),
            "split_to": [dict(s) for s in v.get("split_to", [])]}
        for k, v in stored["incidents"].items()}
    overlap = [Counter(old_docs[d] for d in c if d in old_docs) for c in clusters]
    # Oldest stored incident first; it goes to the cluster holding most of its documents.
    candidates = sorted(((incidents[iid]["seq"], -n, iid, ci) for ci, ov in enumerate(overlap)
                         for iid, n in ov.items() if iid in incidents))
    ids: list[str | None] = [None] * len(clusters)
    taken: set[str] = set()
    for _, _, iid, ci in candidates:
        if ids[ci] is None and iid not in taken:
            ids[ci] = iid
            taken.add(iid)
    next_seq = max((v["seq"] for v in incidents.values()), default=0) + 1
    for ci, c in enumerate(clusters):
        if ids[ci] is not None:
            continue
        base = "i_" + _hash(c[0])
        iid, k = base, 1
        while iid in incidents or iid in ids:
            k += 1
            iid = "i_" + _hash(c[0], str(k))
        ids[ci] = iid
        incidents[iid] = _entry(next_seq)
        next_seq += 1
    final: list[str] = [i for i in ids if i is not None]
    # Stored incidents that kept no cluster: merged into the cluster holding most of their
    # documents (the earliest such cluster among equals).
    for iid in sorted({o for ov in overlap for o in ov} - taken):
        if iid not in incidents:
            continue
        home = min(range(len(clusters)), key=lambda ci: (-overlap[ci].get(iid, 0), ci))
        target = final[home]
        incidents[iid]["merged_into"] = target
        merged = incidents[target]["merged_ids"]
        for m in [iid, *incidents[iid]["merged_ids"]]:
            if m not in merged:
                merged.append(m)
        incidents[iid]["merged_ids"] = []
    # Documents that moved out of a stored incident that still exists elsewhere: a split.
    for ci, c in enumerate(clusters):
        moved: dict[str, list[str]] = {}
        for d in c:
            src = old_docs.get(d)
            if src and src != final[ci] and src in taken:
                moved.setdefault(src, []).append(d)
        for src, docs in sorted(moved.items()):
            incidents[src]["split_to"].append({"id": final[ci], "doc_ids": sorted(docs)})
            if src not in incidents[final[ci]]["split_from"]:
                incidents[final[ci]]["split_from"].append(src)
    docs = {d: final[ci] for ci, c in enumerate(clusters) for d in c}
    return final, {"docs": docs, "incidents": incidents}
