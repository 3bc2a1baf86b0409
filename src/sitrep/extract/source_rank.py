"""A learned figure -> source ranker beside the hand-written attribution rules.

For each figure the ``sources`` stage lists the sources its document could attribute it to (the
rules' own answer, the subjects of reporting verbs and "according to" objects in its sentence and
the three before it and the one after, organisations, persons and role phrases named near it, the
headline's source, the speaker of an enclosing quotation, and none: the outlet's own voice), each
resolved to its canonical name the way the rules resolve a source. A few explainable features
describe each candidate; a conditional-logit scorer (a softmax over one figure's candidates,
weights in ``data/source_rank.json``) picks one.

Whether it replaces the rules' choice is ``[source_rank] mode`` in defaults.toml: ``off`` (the
rules alone), ``ranker`` (always the ranker), ``combined`` (the ranker only where the rules give
no source, or where it prefers another candidate by at least ``margin`` in log-odds).

    python -m sitrep.extract.source_rank train     # refit data/source_rank.json (deterministic)
    python -m sitrep.extract.source_rank cv        # leave-one-incident-out table, rules vs ranker

The table's columns: the rules; the ranker; the two combined; the ranker fitted without any
feature that reads the rules' answer ("alone"); and the ceiling (a candidate names the gold).

Both read the real dev set (realset/, texts in $SITREP_REALSET_TEXTS), tests/gold with the demo
corpus and tests/gold_patterns; ``--rows FILE`` caches the extracted candidates between runs.
"""

from __future__ import annotations

import json
import math
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..config import CONFIG
from ..registry import stage
from ..work import Work
from .attribution import (GENERIC_SOURCE, HEDGE, ROLE_NOUNS, _according, governing_source,
                          resolve_subject, verb_sources)
from .entities import lookup

# The window of sentences searched before the figure's (and after it: one).
BEFORE, AFTER = 3, 1

FEATURES = (
    "null", "null_rules_null", "null_no_report", "null_headline", "null_hedged",
    "rules", "rules_inherited", "rules_governing",
    "dist0", "dist1", "dist2", "dist3", "dist_next",
    "report_subject", "report_subject_same", "governs", "according", "according_same",
    "verb_after_number", "pronoun_subject",
    "person", "organization", "armed_group", "media", "other_entity", "description",
    "in_aliases", "mentions_log", "in_headline", "in_first_paragraph", "headline_source",
    "quote_direct", "quote_indirect", "role_phrase", "mention_only", "name_words",
    "rules_person", "rules_description", "rules_organization", "rules_media", "rules_unsupported",
    "rules_long", "alt_rules_null_near", "alt_org_for_person", "alt_named_for_description",
    "alt_overlaps_rules",
)
WEIGHTS_FILE = "data/source_rank.json"
# The training's fixed settings: Newton steps from zero (each figure has at most one candidate
# of the gold's name, so the log-likelihood is concave), the same rows give the same weights.
L2, STEPS = 0.01, 20


@dataclass
class Candidate:
    name: str | None
    id: str | None = None
    person: str | None = None
    feats: dict[str, float] = field(default_factory=dict)

    def set(self, key: str, value: float = 1.0) -> None:
        self.feats[key] = max(self.feats.get(key, 0.0), value)


def _key(name: str | None) -> tuple[str, ...]:
    from ..evaluate import name_key

    return name_key(name) if name else ()


def candidates(work: Work, fig, sents: list) -> list[Candidate]:
    """The candidate sources of one figure, NULL first and the rules' answer second."""
    from .figures import _is_dateline, _is_outlet, _speaker_org, _title_source

    text = work.text
    out: dict[tuple[str, ...], Candidate] = {}
    k = next((i for i, s in enumerate(sents) if s.start_char <= fig.sentence.start < s.end_char), 0)
    at = fig.span.start
    tok = next((t for t in sents[k] if t.idx <= at < t.idx + len(t)), None) if sents else None

    def add(name: str | None, ent_id: str | None, person: str | None = None,
            resolve: bool = True) -> Candidate | None:
        if name and resolve:
            name, ent_id, person = _speaker_org(name, ent_id, work)
        if name and resolve and (_is_outlet(name, work) or _is_dateline(name, text)):
            return None
        key = _key(name)
        if name and not key and resolve:
            return None
        if key not in out:
            out[key] = Candidate(name or None, ent_id if name else None, person if name else None)
        return out[key]

    null = add(None, None)
    rules = add(fig.source, fig.source_id, fig.source_person, resolve=False)
    rules.set("rules")
    if fig.source_inherited:
        rules.set("rules_inherited")
    if fig.source is None:
        null.set("null_rules_null")
    if not sents:
        return list(out.values())
    sent = sents[k]
    gov = governing_source(sent, work, at)
    if gov is not None and gov[0]:
        c = add(*gov)
        if c is not None:
            c.set("governs")
            if c is rules:
                c.set("rules_governing")
    reported = False
    for j in range(max(0, k - BEFORE), min(len(sents), k + AFTER + 1)):
        s = sents[j]
        dist = "dist_next" if j > k else f"dist{k - j}"
        for verb, found, _borrowed, pron in verb_sources(s, work):
            c = add(*found)
            if c is None:
                continue
            reported = True
            c.set(dist)
            c.set("report_subject")
            if j == k:
                c.set("report_subject_same")
                if verb.idx > at:
                    c.set("verb_after_number")
            if pron:
                c.set("pronoun_subject")
        acc = _according(s, work)
        if acc:
            c = add(*acc)
            if c is not None:
                reported = True
                c.set(dist)
                c.set("according")
                if j == k:
                    c.set("according_same")
        for m in work.mentions or []:
            if not (s.start_char <= m.span.start < s.end_char) or not m.ref_id:
                continue
            ent = work.entities.get(m.ref_id)
            if ent is None or ent.type == "group":
                continue
            c = add(ent.name, ent.id)
            if c is not None:
                c.set(dist)
                c.set("mention_only")
        if j >= k - 1:
            for t in s:
                if t.pos_ == "NOUN" and (t.lower_ in ROLE_NOUNS or t.lemma_.lower() in ROLE_NOUNS
                                         or GENERIC_SOURCE.fullmatch(t.text)):
                    name, ent_id = resolve_subject(t, work)
                    c = add(name, ent_id) if name else None
                    if c is not None:
                        c.set(dist)
                        c.set("role_phrase")
    if not reported:
        null.set("null_no_report")
    # The headline (the first sentence) and the source it names.
    head = sents[0]
    found = next((f for _, f, _, _ in verb_sources(head, work)), None) or _according(head, work) \
        or _title_source(text[head.start_char:head.end_char], head.start_char, work)
    if found and found[0]:
        c = add(*found)
        if c is not None:
            c.set("headline_source")
    if k == 0:
        null.set("null_headline")
    if HEDGE.search(text[sent.start_char:sent.end_char]):
        null.set("null_hedged")
    quote = min((q for q in work.quotes or [] if q.speaker and q.span.start <= at < q.span.end),
                key=lambda q: q.span.end - q.span.start, default=None)
    if quote is not None:
        c = add(quote.speaker, quote.speaker_id)
        if c is not None:
            c.set("quote_direct" if quote.kind == "direct" else "quote_indirect")
    _describe(work, out)
    null.set("null")
    # What makes the rules' own answer more or less trustworthy.
    if rules.name is not None:
        for kind in ("person", "description", "organization", "media"):
            if kind in rules.feats:
                rules.set("rules_" + kind)
        if not any(f in rules.feats for f in ("report_subject", "according", "governs",
                                              "quote_direct", "quote_indirect", "headline_source")):
            rules.set("rules_unsupported")
        if len(rules.name.split()) > 3 and "description" in rules.feats:
            rules.set("rules_long")
    # The other candidates against the rules' answer.
    rules_words = set(_key(rules.name))
    for c in out.values():
        if c is rules or c is null:
            continue
        if rules.name is None and ("dist0" in c.feats or "dist1" in c.feats):
            c.set("alt_rules_null_near")
        if "rules_person" in rules.feats and "organization" in c.feats:
            c.set("alt_org_for_person")
        if "rules_description" in rules.feats and "description" not in c.feats:
            c.set("alt_named_for_description")
        words = set(_key(c.name))
        if rules_words and words and (words <= rules_words or rules_words <= words):
            c.set("alt_overlaps_rules")
    return list(out.values())


def _describe(work: Work, out: dict[tuple[str, ...], Candidate]) -> None:
    """Features of each named candidate that do not depend on the figure: its type, whether the
    alias dictionary knows it, how often and where the document names it."""
    text = work.text
    low = text.casefold()
    headline = text.split("\n", 1)[0].casefold()
    # The headline and the first paragraph after it.
    first_para = "\n\n".join(text.split("\n\n")[:2]).casefold()
    for c in out.values():
        if not c.name:
            continue
        ent = work.entities.get(c.id) if c.id and work.entities else None
        hit = lookup(c.name)
        kind = ent.type if ent is not None else hit[1] if hit else None
        if kind in ("organization", "government"):
            c.set("organization")
        elif kind in ("person", "armed_group", "media"):
            c.set(kind)
        elif kind is not None:
            c.set("other_entity")
        else:
            c.set("description")
        if hit:
            c.set("in_aliases")
        forms = {c.name.casefold(), *((a.casefold() for a in ent.aliases) if ent else ())}
        n = sum(low.count(f) for f in forms if len(f) > 2)
        if ent is not None:
            n = max(n, sum(1 for m in work.mentions or [] if m.ref_id == ent.id))
        c.set("mentions_log", math.log1p(n))
        c.set("name_words", min(len(c.name.split()), 6) / 6)
        if any(f in headline for f in forms if len(f) > 2):
            c.set("in_headline")
        if any(f in first_para for f in forms if len(f) > 2):
            c.set("in_first_paragraph")


def vector(c: Candidate) -> list[float]:
    return [c.feats.get(f, 0.0) for f in FEATURES]


@lru_cache(maxsize=1)
def weights() -> dict[str, float]:
    data = json.loads(resources.files("sitrep").joinpath(WEIGHTS_FILE).read_text("utf-8"))
    return data["weights"]


def scores(cands: list[Candidate], w: dict[str, float] | None = None) -> list[float]:
    w = weights() if w is None else w
    return [sum(w.get(f, 0.0) * v for f, v in c.feats.items()) for c in cands]


def choose(cands: list[Candidate], mode: str, margin: float,
           w: dict[str, float] | None = None) -> Candidate:
    """The candidate a mode keeps: the rules' (``off``), the ranker's top (``ranker``), or the
    ranker's where the rules give none or it leads the rules' by ``margin`` (``combined``)."""
    rules = next((c for c in cands if "rules" in c.feats), cands[0])
    if mode == "off":
        return rules
    sc = scores(cands, w)
    best = max(range(len(cands)), key=lambda i: (sc[i], -i))
    if mode == "ranker":
        return cands[best]
    r = cands.index(rules)
    if rules.name is None or sc[best] - sc[r] >= margin:
        return cands[best]
    return rules


# Set to a list by training: the stage appends each figure's candidates instead of choosing.
COLLECT: list | None = None


@stage("sources", needs=("figures",), sets=("figures",))
def sources_stage(work: Work) -> None:
    """Re-rank each figure's source with the learned scorer (``[source_rank] mode``)."""
    cfg = CONFIG.get("source_rank", {})
    mode = cfg.get("mode", "off")
    if (mode == "off" and COLLECT is None) or not work.figures or work.spacy_doc is None:
        return
    sents = list(work.spacy_doc.sents)
    for f in work.figures:
        cands = candidates(work, f, sents)
        if COLLECT is not None:
            COLLECT.append((f.id, cands))
            continue
        pick = choose(cands, mode, float(cfg.get("margin", 1.0)))
        if "rules" not in pick.feats:
            f.source, f.source_id, f.source_person = pick.name, pick.id, pick.person
            f.source_inherited = False


# ---- training and measurement -------------------------------------------------------------


def _rows(gold: dict[str, Any], corpus: str, groups: dict[str, str], origin: str) -> list[dict]:
    """One row per gold figure the pipeline matched exactly: its candidates with features and
    labels (same name as the gold source), the rules' answer right or not, and its group."""
    from .. import process
    from ..evaluate import _doc_for, match_figures, results_data, same_name
    from . import source_rank as registered  # the module the stage runs from (not __main__)

    registered.COLLECT = []
    try:
        results = process(corpus)
        collected = dict(registered.COLLECT)
    finally:
        registered.COLLECT = None
    data = results_data(results)
    rows = []
    for key, entry in sorted((gold.get("documents") or {}).items()):
        doc = _doc_for(key, entry, data["documents"])
        if doc is None:
            continue
        preds = [p for p in data["figures"] if p["doc_id"] == doc["id"]]
        for g, p, exact in match_figures(entry.get("figures") or [], preds, set()):
            if not exact or p["id"] not in collected:
                continue
            cands = collected[p["id"]]
            rows.append({"doc": key, "origin": origin,
                         "group": groups.get(entry.get("path", key), origin + ":" + key),
                         "gold": g.get("source"), "rules": p.get("source"),
                         "names": [c.name for c in cands],
                         "x": [vector(c) for c in cands],
                         "y": [int(same_name(c.name, g.get("source"))) for c in cands]})
    return rows


def build_rows() -> list[dict]:
    import tempfile

    from .. import realset
    from ..evaluate import load_gold, realset_gold

    root = Path(__file__).resolve().parents[3]
    groups = {a.path: a.incident for a in realset.manifest() if a.split == "dev"}
    with tempfile.TemporaryDirectory() as tmp:
        realset.stage(Path(tmp), "dev")
        rows = _rows(realset_gold("dev"), tmp, groups, "dev")
    rows += _rows(load_gold(str(root / "tests/gold")), str(root / "src/sitrep/demo_corpus"), {},
                  "gold")
    pat = root / "tests/gold_patterns"
    rows += _rows(load_gold(str(pat)), str(pat / "corpus"), {}, "patterns")
    return rows


def fit(rows: list[dict]) -> dict[str, float]:
    """Conditional logit (softmax over each figure's candidates) fitted by Newton's method: the
    log-probability of the candidate that names the gold source, L2-penalised."""
    import numpy as np

    rows = [r for r in rows if any(r["y"])]
    w = np.zeros(len(FEATURES))
    if rows:
        # Candidates padded to one array: rows x most candidates x features, with a mask.
        width = max(len(r["y"]) for r in rows)
        x = np.zeros((len(rows), width, len(FEATURES)))
        y = np.zeros((len(rows), width))
        mask = np.full((len(rows), width), -np.inf)
        for i, r in enumerate(rows):
            x[i, :len(r["y"])] = r["x"]
            y[i, :len(r["y"])] = r["y"]
            mask[i, :len(r["y"])] = 0.0
        n = len(rows)
        flat_x, flat_y = x.reshape(-1, len(w)), y.reshape(-1)
        for _ in range(STEPS):
            s = x @ w + mask
            p = np.exp(s - s.max(axis=1, keepdims=True))
            p /= p.sum(axis=1, keepdims=True)
            xp = x * p[:, :, None]
            mean = xp.sum(axis=1)  # each figure's expected feature vector
            grad = L2 * w - (flat_y @ flat_x - mean.sum(axis=0)) / n
            hess = (xp.reshape(-1, len(w)).T @ flat_x - mean.T @ mean) / n
            w -= np.linalg.solve(hess + L2 * np.eye(len(w)), grad)
    return {f: round(float(v), 4) for f, v in zip(FEATURES, w)}


def _pick(row: dict, w: dict[str, float], mode: str, margin: float) -> int:
    cands = [Candidate(n, feats={f: v for f, v in zip(FEATURES, x) if v})
             for n, x in zip(row["names"], row["x"])]
    return cands.index(choose(cands, mode, margin, w))


MODES = (("rules", "off", 0.0), ("ranker", "ranker", 0.0), ("combined", "combined", None))
# The features that read the rules' answer; without them the ranker is a model of its own.
RULES_FEATURES = frozenset(f for f in FEATURES if f.startswith(("rules", "alt_", "null_rules")))


def _without_rules(rows: list[dict]) -> list[dict]:
    keep = [f not in RULES_FEATURES for f in FEATURES]
    return [{**r, "x": [[v if k else 0.0 for v, k in zip(x, keep)] for x in r["x"]]} for r in rows]


def evaluate_rows(train: list[dict], test: list[dict], margin: float) -> dict[str, int]:
    w = fit(train)
    out = {"n": len(test)}
    for label, mode, m in MODES:
        out[label] = sum(r["y"][_pick(r, w, mode, margin if m is None else m)] for r in test)
    alone = fit(_without_rules(train))
    out["alone"] = sum(r["y"][_pick(r, alone, "ranker", 0.0)] for r in _without_rules(test))
    out["reachable"] = sum(1 for r in test if any(r["y"]))
    return out


def cross_validate(rows: list[dict], margin: float) -> tuple[list[tuple[str, dict]], dict]:
    dev = [r for r in rows if r["origin"] == "dev"]
    ours = [r for r in rows if r["origin"] != "dev"]
    folds = []
    for group in sorted({r["group"] for r in dev}):
        train = [r for r in dev if r["group"] != group] + ours
        folds.append((group, evaluate_rows(train, [r for r in dev if r["group"] == group], margin)))
    gold = [r for r in rows if r["origin"] == "gold"]
    return folds, evaluate_rows(dev, gold, margin)


def table(folds: list[tuple[str, dict]], gold: dict) -> str:
    def line(name: str, d: dict) -> str:
        n = d["n"] or 1
        return (f"{name:<44} {d['n']:>5} {d['rules'] / n:>7.3f} {d['ranker'] / n:>7.3f} "
                f"{d['combined'] / n:>8.3f} {d['alone'] / n:>7.3f} {d['reachable'] / n:>8.3f}")

    total = {k: sum(d[k] for _, d in folds)
             for k in ("n", "rules", "ranker", "combined", "alone", "reachable")}
    head = (f"{'fold (held-out incident)':<44} {'figs':>5} {'rules':>7} {'ranker':>7} "
            f"{'combined':>8} {'alone':>7} {'ceiling':>8}")
    return "\n".join([head, *(line(g, d) for g, d in folds), "-" * len(head),
                      line("dev, leave-one-incident-out (sum)", total),
                      line("our gold (tests/gold), trained on dev only", gold)])


def _load_rows(argv: list[str]) -> list[dict]:
    cache = Path(argv[argv.index("--rows") + 1]) if "--rows" in argv else None
    if cache is not None and cache.exists():
        return json.loads(cache.read_text(encoding="utf-8"))
    rows = build_rows()
    if cache is not None:
        cache.write_text(json.dumps(rows), encoding="utf-8")
    return rows


def main(argv: list[str]) -> int:
    cmd = argv[0] if argv else ""
    margin = float(CONFIG.get("source_rank", {}).get("margin", 1.0))
    if "--margin" in argv:
        margin = float(argv[argv.index("--margin") + 1])
    if cmd == "train":
        w = fit(_load_rows(argv))
        dest = Path(__file__).resolve().parents[1] / WEIGHTS_FILE
        dest.write_text(json.dumps({"features": list(FEATURES), "l2": L2, "steps": STEPS,
                                    "weights": w}, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {dest}")
        return 0
    if cmd == "cv":
        folds, gold = cross_validate(_load_rows(argv), margin)
        print(table(folds, gold))
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
