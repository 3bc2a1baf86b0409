"""Score extraction against a gold file (tests/gold/demo_gold.yaml format), and incidents against
its ``incident`` labels (pairwise precision and recall of document co-clustering).

    python -m sitrep.evaluate tests/gold src/sitrep/demo_corpus

The gold argument is one YAML file or a folder whose ``*.yaml`` files are merged.

Figures: a prediction matches a gold figure in the same document when its sentence contains the
gold phrase (or the phrase contains the prediction's span) and count/min/max agree ("exact"), or
only the sentence/number agree ("overlap"). Attributes (status, victims, group, source, hedged)
are scored on exact matches. Traps: share of the trap phrases still in the cleaned text that a
prediction overlaps (a trap the cleaner removed leaves the denominator). Quotes: a gold quote
matches a prediction whose text starts with the gold's first words.

Names (source, speaker, group) are scored twice. **Strict**: the same name after the alias
dictionary maps each surface form to its canonical name and articles, case and punctuation are
set aside, and so is a possessive or "of" tying a place to a body ("Kerman's emergency services"
is "Kerman emergency services", "mayor of Varna" is "Varna mayor"): "SOHR" is "the Syrian Observatory for Human Rights", but "medical source in Jableh" is
not "medical source in Baniyas", "Israel" is not "Israel Katz" and "man" is not "woman in
Baniyas"; a country speaking is its government ("Israel said" = "Government of Israel"). **Lenient** (the older scorer, kept for comparison): one name inside the other, or two
shared words. Floors are pinned on the strict numbers.

    python -m sitrep.evaluate GOLD CORPUS [-v]
    python -m sitrep.evaluate realset [--split dev|heldout|all] [-v]
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


_ARTICLES = {"the", "a", "an"}


def same_name(a: str | None, b: str | None) -> bool:
    """Strict: the same canonical name once aliases are resolved, ignoring articles, case and
    punctuation. A description matches only with every qualifier the same. A country speaking
    ("Israel said") is its government ("Government of Israel"); nothing else is. A body written
    with "of" or a possessive may be written the other way round ("the acting mayor of
    Chernihiv", "Chernihiv's acting mayor"; "Syrian Ministry of Defence", "Syrian Defence
    Ministry"); a person's name keeps its word order ("Ali Hassan" is not "Hassan Ali")."""
    ka, kb = name_key(a), name_key(b)
    if ka == kb:
        return True
    if "of" in ka or "of" in kb or _possessive(a) or _possessive(b):
        return sorted(w for w in ka if w != "of") == sorted(w for w in kb if w != "of")
    return False


def _possessive(name: str | None) -> bool:
    return bool(name) and re.search(r"\w[’']s\b", name or "") is not None


def name_key(name: str | None) -> tuple[str, ...]:
    """The canonical words of a name without articles, a possessive's "'s" left out."""
    words = (w[:-2] if w.endswith("'s") else w
             for w in _state(_norm(_canonical(name)).split()) if w not in _ARTICLES)
    return tuple(c for w in words for c in _demonyms().get(w, (w,)))


def _demonyms() -> dict[str, tuple[str, ...]]:
    """A demonym as its country's name words: "Ugandan police" is "Uganda police", as the
    linker reads it."""
    from .link.sources import demonyms

    return demonyms()


def _state(words: list[str]) -> list[str]:
    """``government of COUNTRY`` as the country's name alone."""
    if words[:2] == ["government", "of"] and " ".join(words[2:]) in _country_names():
        return words[2:]
    return words


@lru_cache(maxsize=1)
def _country_names() -> frozenset[str]:
    from .gazetteer import countries

    return frozenset(_norm(name) for name, _ in countries().values())


def lenient_name(a: str | None, b: str | None) -> bool:
    """The older, softer match: one name inside the other, or two shared words."""
    na, nb = _norm(_canonical(a)), _norm(_canonical(b))
    if not na or not nb:
        return na == nb
    if na == nb or na in nb or nb in na:
        return True
    wa, wb = set(na.split()) - {"the", "a", "an", "in", "of"}, set(nb.split()) - {"the", "a", "an", "in", "of"}
    return len(wa & wb) >= max(1, min(len(wa), len(wb)) - 1) and len(wa & wb) >= 2


ATTRS = ("status", "victims", "group", "source", "hedged", "qualifier", "scope")
NAMED = ("group", "source")


@dataclass
class Scores:
    gold_figures: int = 0
    predicted_figures: int = 0
    exact: int = 0
    overlap: int = 0
    attr_hits: dict[str, int] = field(default_factory=lambda: {k: 0 for k in ATTRS})
    # Attributes the gold states (scope only where the gold annotates it).
    attr_total: dict[str, int] = field(default_factory=lambda: {k: 0 for k in ATTRS})
    lenient_hits: dict[str, int] = field(default_factory=lambda: {k: 0 for k in NAMED})
    # number + status + victims + source (strict) all right.
    full: int = 0
    traps: int = 0
    trap_hits: int = 0
    gold_quotes: int = 0
    quotes_found: int = 0
    speaker_right: int = 0
    speaker_lenient: int = 0
    missing_documents: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)
    incidents: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        def ratio(a: int, b: int) -> float:
            return round(a / b, 3) if b else 0.0

        def f1(hits: int) -> float:
            p, r = ratio(hits, self.predicted_figures), ratio(hits, self.gold_figures)
            return round(2 * p * r / (p + r), 3) if p + r else 0.0

        return {
            "figures": {"gold": self.gold_figures, "predicted": self.predicted_figures,
                        "exact_precision": ratio(self.exact, self.predicted_figures),
                        "exact_recall": ratio(self.exact, self.gold_figures),
                        "exact_f1": f1(self.exact), "overlap_f1": f1(self.overlap),
                        "full_f1": f1(self.full),
                        "attribute_accuracy": {k: ratio(v, self.attr_total[k])
                                               for k, v in self.attr_hits.items()},
                        "lenient_accuracy": {k: ratio(v, self.attr_total[k])
                                             for k, v in self.lenient_hits.items()}},
            "traps": {"total": self.traps, "false_positives": self.trap_hits,
                      "rate": ratio(self.trap_hits, self.traps)},
            "quotes": {"gold": self.gold_quotes, "found": self.quotes_found,
                       "recall": ratio(self.quotes_found, self.gold_quotes),
                       "speaker_accuracy": ratio(self.speaker_right, self.quotes_found),
                       "speaker_accuracy_lenient": ratio(self.speaker_lenient, self.quotes_found),
                       "speaker_right_of_gold": ratio(self.speaker_right, self.gold_quotes)},
            "missing_documents": self.missing_documents,
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


def _figure_attrs(s: Scores, key: str, p: dict[str, Any], g: dict[str, Any]) -> None:
    right = {}
    for k in ATTRS:
        if k == "scope" and "scope" not in g:
            continue
        s.attr_total[k] += 1
        if k in NAMED:
            same = same_name(p.get(k), g.get(k))
            s.lenient_hits[k] += lenient_name(p.get(k), g.get(k))
        else:
            same = p.get(k) == g.get(k)
        right[k] = same
        s.attr_hits[k] += same
        if not same:
            s.misses.append(f"{key}: {k} {p.get(k)!r} != {g.get(k)!r} for {g['text']!r}")
    s.full += right["status"] and right["victims"] and right["source"]


def match_figures(gfigs: list[dict[str, Any]], preds: list[dict[str, Any]], used: set[str]
                  ) -> list[tuple[dict[str, Any], dict[str, Any] | None, bool]]:
    """Each gold figure of a document with the prediction it matches (or None) and whether the
    match is exact; matched predictions are added to ``used``. Exact matches are paired first,
    so a gold figure without one cannot take another's; the rest take a prediction of their
    sentence, one whose own span lies in the gold words first."""
    def cands(g: dict[str, Any]) -> list[dict[str, Any]]:
        gt = _norm(g["text"])
        return [p for p in preds if p["id"] not in used and (
            gt in _norm(p["sentence"]["text"]) or _norm(p["span"]["text"]) in gt)]

    found: dict[int, tuple[dict[str, Any] | None, bool]] = {}
    for i, g in enumerate(gfigs):
        exact = [p for p in cands(g) if (p["count"], p["min"], p["max"]) ==
                 (g.get("count"), g.get("min"), g.get("max"))]
        if exact:
            used.add(exact[0]["id"])
            found[i] = (exact[0], True)
    for i, g in enumerate(gfigs):
        if i in found:
            continue
        gt = _norm(g["text"])
        rest = sorted(cands(g), key=lambda p: not _spans_meet(_norm(p["span"]["text"]), gt))
        found[i] = (rest[0], False) if rest else (None, False)
        if rest:
            used.add(rest[0]["id"])
    return [(g, *found[i]) for i, g in enumerate(gfigs)]


def _spans_meet(span: str, gold: str) -> bool:
    """Whether a predicted span and a gold anchor share their words: one holds the other."""
    return span in gold or gold in span


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
        if doc is None:
            s.missing_documents.append(key)
            s.misses.append(f"{key}: document not found")
            continue
        s.gold_figures += len(gfigs)
        s.gold_quotes += len(gquotes)
        preds = figs_by_doc.get(doc["id"], [])
        s.predicted_figures += len(preds)
        used: set[str] = set()
        for g, p, exact in match_figures(gfigs, preds, used):
            if exact:
                s.exact += 1
                s.overlap += 1
                _figure_attrs(s, key, p, g)
            elif p is not None:
                s.overlap += 1
                s.misses.append(f"{key}: values differ for {g['text']!r}")
            else:
                s.misses.append(f"{key}: missed figure {g['text']!r}")
        text = _norm(doc["text"])
        for trap in entry.get("traps") or []:
            tn = _norm(trap)
            if not tn or tn not in text:
                continue  # the cleaner removed it: nothing left to take
            s.traps += 1
            if any(_norm(p["span"]["text"]) and (_norm(p["span"]["text"]) in tn or tn in _norm(p["span"]["text"]))
                   for p in preds if p["id"] not in used):
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
            s.speaker_lenient += lenient_name(match["speaker"], g["speaker"])
            if same_name(match["speaker"], g["speaker"]):
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
    return evaluate_gold(load_gold(gold_path), corpus, incidents)


def evaluate_gold(gold: dict[str, Any], corpus: str, incidents: bool = False) -> Scores:
    from . import process

    results = process(corpus)
    data = results_data(results)
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


def results_data(results) -> dict[str, Any]:
    """Documents, figures and quotes of pipeline results as the scorer reads them."""
    return {"documents": [r.document.as_dict() for r in results],
            "figures": [f.as_dict() for r in results for f in r.figures],
            "quotes": [q.as_dict() for r in results for q in r.quotes]}


def realset_gold(split: str = "dev") -> dict[str, Any]:
    """The real-article gold of one split (documents of other splits left out)."""
    from . import realset

    wanted = {a.path for a in realset.manifest() if split == "all" or a.split == split}
    gold = load_gold(str(realset.ROOT / "gold"))
    gold["documents"] = {k: v for k, v in gold["documents"].items() if v.get("path", k) in wanted}
    return gold


def evaluate_realset(split: str = "dev", incidents: bool = True) -> Scores:
    """Score the real-article set (``realset/``) on one split; articles whose text is missing are
    named in ``missing_documents`` and left out of the scores."""
    import tempfile

    from . import realset

    gold = realset_gold(split)
    with tempfile.TemporaryDirectory() as tmp:
        staged, missing = realset.stage(Path(tmp), split)
        scores = evaluate_gold(gold, tmp, incidents)
    scores.missing_documents += [a.path for a in missing if a.path not in scores.missing_documents]
    return scores


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    args = [a for a in argv if a != "-v"]
    usage = ("usage: python -m sitrep.evaluate GOLD CORPUS [-v]\n"
             "       python -m sitrep.evaluate realset [--split dev|heldout|all] [-v]")
    if not args or args[0] in {"-h", "--help"}:
        print(usage, file=sys.stderr if not args else sys.stdout)
        return 2 if not args else 0
    if args[0] == "realset":
        split = args[args.index("--split") + 1] if "--split" in args[:-1] else "dev"
        if split not in {"dev", "heldout", "all"}:
            print(f"evaluate: split {split!r} is not one of dev, heldout, all", file=sys.stderr)
            return 2
        result = evaluate_realset(split)
    elif len(args) != 2:
        print(usage, file=sys.stderr)
        return 2
    else:
        for path in args:
            if not Path(path).exists():
                print(f"evaluate: {path}: no such file or folder", file=sys.stderr)
                return 2
        result = evaluate(args[0], args[1], incidents=True)
    print(json.dumps({**result.as_dict(), "incidents": result.incidents}, indent=1))
    if result.missing_documents:
        print(f"{len(result.missing_documents)} gold document(s) missing: "
              + ", ".join(result.missing_documents), file=sys.stderr)
    if verbose:
        print("\n".join(result.misses))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
