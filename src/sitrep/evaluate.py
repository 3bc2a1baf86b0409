"""Score extraction against a gold file (tests/gold/demo_gold.yaml format), and incidents against
its ``incident`` labels (pairwise precision and recall of document co-clustering).

    python -m sitrep.evaluate tests/gold src/sitrep/demo_corpus

The gold argument is one YAML file or a folder whose ``*.yaml`` files are merged.

Figures: a prediction matches a gold figure in the same document when its sentence contains the
gold phrase (or the phrase contains the prediction's span) and count/min/max agree ("exact"), or
only the sentence/number agree ("overlap"). Attributes (status, victims, group, source, hedged)
are scored on exact matches. Traps: share of trap phrases that a prediction overlaps. Quotes: a
gold quote matches a prediction whose text starts with the gold's first words; the speaker is
right when the names agree after normalisation.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import ftfy
import yaml


def _norm(text: str | None) -> str:
    t = ftfy.fix_text(text or "")
    t = "".join(c for c in unicodedata.normalize("NFKD", t) if not unicodedata.combining(c))
    t = t.replace("’", "'").replace("‘", "'").casefold()
    return " ".join(re.findall(r"[\w']+", t))


def _canonical(text: str | None) -> str | None:
    """Alias surface forms replaced by their canonical names ("RSF commander" -> "Rapid Support
    Forces commander"), so gold and predictions are compared name for name."""
    if not text:
        return text
    pattern, names = _aliases()
    return pattern.sub(lambda m: names[m.group(0)], text)


@lru_cache(maxsize=1)
def _aliases() -> tuple[re.Pattern[str], dict[str, str]]:
    """A pattern of every alias surface form, longest first, and each form's canonical name."""
    from .nlp import alias_entries

    names: dict[str, str] = {}
    for e in alias_entries():
        for form in [e["name"], *e.get("aliases", [])]:
            names.setdefault(form, e["name"])
    forms = sorted(names, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(map(re.escape, forms)) + r")\b"), names


def _same_name(a: str | None, b: str | None) -> bool:
    na, nb = _norm(_canonical(a)), _norm(_canonical(b))
    if not na or not nb:
        return na == nb
    if na == nb or na in nb or nb in na:
        return True
    wa, wb = set(na.split()) - {"the", "a", "an", "in", "of"}, set(nb.split()) - {"the", "a", "an", "in", "of"}
    return len(wa & wb) >= max(1, min(len(wa), len(wb)) - 1) and len(wa & wb) >= 2


@dataclass
class Scores:
    gold_figures: int = 0
    predicted_figures: int = 0
    exact: int = 0
    overlap: int = 0
    attr_hits: dict[str, int] = field(default_factory=lambda: {k: 0 for k in
                                      ("status", "victims", "group", "source", "hedged", "qualifier")})
    traps: int = 0
    trap_hits: int = 0
    gold_quotes: int = 0
    quotes_found: int = 0
    speaker_right: int = 0
    misses: list[str] = field(default_factory=list)
    incidents: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        p = self.exact / self.predicted_figures if self.predicted_figures else 0.0
        r = self.exact / self.gold_figures if self.gold_figures else 0.0
        po = self.overlap / self.predicted_figures if self.predicted_figures else 0.0
        ro = self.overlap / self.gold_figures if self.gold_figures else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        f1o = 2 * po * ro / (po + ro) if po + ro else 0.0
        return {
            "figures": {"gold": self.gold_figures, "predicted": self.predicted_figures,
                        "exact_precision": round(p, 3), "exact_recall": round(r, 3),
                        "exact_f1": round(f1, 3), "overlap_f1": round(f1o, 3),
                        "attribute_accuracy": {k: round(v / self.exact, 3) if self.exact else 0.0
                                               for k, v in self.attr_hits.items()}},
            "traps": {"total": self.traps, "false_positives": self.trap_hits,
                      "rate": round(self.trap_hits / self.traps, 3) if self.traps else 0.0},
            "quotes": {"gold": self.gold_quotes, "found": self.quotes_found,
                       "recall": round(self.quotes_found / self.gold_quotes, 3) if self.gold_quotes else 0.0,
                       "speaker_accuracy": round(self.speaker_right / self.quotes_found, 3)
                       if self.quotes_found else 0.0},
        }


def _doc_for(key: str, entry: dict[str, Any], docs: list[dict[str, Any]]) -> dict[str, Any] | None:
    url = entry.get("url")
    path = entry.get("path") or key.split("#")[0]
    for d in docs:
        if "#" in key or d["fmt"] in ("jsonl", "feed"):
            if url and d.get("url") == url:
                return d
        elif d["source_path"].endswith("/" + path) or d["source_path"] == path:
            return d
    return None


def score(gold: dict[str, Any], data: dict[str, Any]) -> Scores:
    s = Scores()
    figs_by_doc: dict[str, list[dict[str, Any]]] = {}
    for f in data["figures"]:
        figs_by_doc.setdefault(f["doc_id"], []).append(f)
    quotes_by_doc: dict[str, list[dict[str, Any]]] = {}
    for q in data["quotes"]:
        quotes_by_doc.setdefault(q["doc_id"], []).append(q)
    for key, entry in (gold.get("documents") or {}).items():
        doc = _doc_for(key, entry, data["documents"])
        gfigs = entry.get("figures") or []
        gquotes = entry.get("quotes") or []
        s.gold_figures += len(gfigs)
        s.gold_quotes += len(gquotes)
        s.traps += len(entry.get("traps") or [])
        if doc is None:
            s.misses.append(f"{key}: document not found")
            continue
        preds = figs_by_doc.get(doc["id"], [])
        s.predicted_figures += len(preds)
        used: set[str] = set()
        for g in gfigs:
            gt = _norm(g["text"])
            cands = [p for p in preds if p["id"] not in used and (
                gt in _norm(p["sentence"]["text"]) or _norm(p["span"]["text"]) in gt)]
            exact = [p for p in cands if (p["count"], p["min"], p["max"]) ==
                     (g.get("count"), g.get("min"), g.get("max"))]
            if exact:
                p = exact[0]
                used.add(p["id"])
                s.exact += 1
                s.overlap += 1
                for k in ("status", "victims", "qualifier", "hedged", "group", "source"):
                    same = (_same_name(p[k], g.get(k)) if k in ("group", "source")
                            else p[k] == g.get(k))
                    s.attr_hits[k] += same
                    if not same:
                        s.misses.append(f"{key}: {k} {p[k]!r} != {g.get(k)!r} for {g['text']!r}")
            elif cands:
                used.add(cands[0]["id"])
                s.overlap += 1
                s.misses.append(f"{key}: values differ for {g['text']!r}")
            else:
                s.misses.append(f"{key}: missed figure {g['text']!r}")
        text = _norm(doc["text"])
        for trap in entry.get("traps") or []:
            tn = _norm(trap)
            if not tn or tn not in text:
                continue
            if any(_norm(p["span"]["text"]) and (_norm(p["span"]["text"]) in tn or tn in _norm(p["span"]["text"]))
                   and re.search(r"\d", p["span"]["text"] + trap) for p in preds
                   if p["id"] not in used):
                s.trap_hits += 1
                s.misses.append(f"{key}: trap became a figure {trap!r}")
        qpreds = quotes_by_doc.get(doc["id"], [])
        for g in gquotes:
            start = _norm(g["starts"])
            match = next((q for q in qpreds if _norm(q["text"]).startswith(start)
                          or (start and start in _norm(q["text"])[:len(start) + 40])), None)
            if match is None:
                s.misses.append(f"{key}: missed quote {g['starts']!r}")
                continue
            s.quotes_found += 1
            if _same_name(match["speaker"], g["speaker"]):
                s.speaker_right += 1
            else:
                s.misses.append(f"{key}: speaker {match['speaker']!r} != {g['speaker']!r}")
    return s


def incident_scores(gold: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """Pairwise co-clustering of documents against the gold ``incident`` labels: precision is the
    share of predicted same-incident pairs that gold puts together, recall the share of gold
    same-incident pairs that linking put together."""
    incident_of = {d: inc["id"] for inc in data.get("incidents", []) for d in inc["doc_ids"]}
    labels = {}
    for key, entry in (gold.get("documents") or {}).items():
        doc = _doc_for(key, entry, data["documents"])
        if doc is not None and entry.get("incident"):
            labels[doc["id"]] = entry["incident"]
    ids = sorted(labels)
    tp = fp = fn = 0
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            same_gold = labels[a] == labels[b]
            same_pred = incident_of.get(a) is not None and incident_of.get(a) == incident_of.get(b)
            tp += same_gold and same_pred
            fp += same_pred and not same_gold
            fn += same_gold and not same_pred
    return {"documents": len(labels), "gold_incidents": len(set(labels.values())),
            "predicted_incidents": len({incident_of.get(d) for d in ids}),
            "pairwise_precision": round(tp / (tp + fp), 3) if tp + fp else 0.0,
            "pairwise_recall": round(tp / (tp + fn), 3) if tp + fn else 0.0}


def load_gold(gold_path: str) -> dict[str, Any]:
    """One gold file, or every ``*.yaml`` in a folder merged (documents and incidents)."""
    path = Path(gold_path)
    files = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    gold: dict[str, Any] = {"incidents": {}, "documents": {}}
    for f in files:
        with open(f, encoding="utf-8") as fh:
            part = yaml.safe_load(fh) or {}
        for section in ("incidents", "documents"):
            clash = set(gold[section]) & set(part.get(section) or {})
            if clash:
                raise ValueError(f"{f}: {section} already defined elsewhere: {sorted(clash)[:3]}")
            gold[section].update(part.get(section) or {})
    return gold


def evaluate(gold_path: str, corpus: str, incidents: bool = False) -> Scores:
    from . import process

    gold = load_gold(gold_path)
    results = process(corpus)
    data = {"documents": [r.document.as_dict() for r in results],
            "figures": [f.as_dict() for r in results for f in r.figures],
            "quotes": [q.as_dict() for r in results for q in r.quotes]}
    scores = score(gold, data)
    if incidents:
        from .export import linked

        # Entities and places repeat across documents; linking reads each once, every alias.
        shared: dict[str, dict[str, dict[str, Any]]] = {"entities": {}, "places": {}}
        for r in results:
            for name, rows in (("entities", r.entities), ("places", r.places)):
                for row in rows:
                    kept = shared[name].setdefault(row.id, row.as_dict())
                    kept["aliases"] = sorted(set(kept["aliases"]) | set(row.aliases))
        scores.incidents = incident_scores(gold, linked(
            {**data, **{k: list(v.values()) for k, v in shared.items()}}))
    return scores


if __name__ == "__main__":  # pragma: no cover
    result = evaluate(sys.argv[1], sys.argv[2], incidents=True)
    print(json.dumps({**result.as_dict(), "incidents": result.incidents}, indent=1))
    if "-v" in sys.argv:
        print("\n".join(result.misses))
