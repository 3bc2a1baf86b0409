"""Statements: quotes of one speaker whose words match fuzzily (rapidfuzz), said within
``statement_window_days``, share one ``statement_id``; two quotes of one document never merge."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, Iterable

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import cdist

from ..records import asdict  # dataclasses.asdict's dict, without deep-copying every atom
from .common import _STOP, _WORD, Row, _cfg, _day, _hash

@dataclass
class QuoteLink:
    statement_id: str
    text_statement_id: str  # the per-text id the extractor gave (exact words)
    statement_quotes: int  # how many quotes share the statement

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Said:
    """A quote prepared for comparison: its day and its words."""

    quote: Row
    day: date | None
    words: tuple[str, ...]  # one object per quote: the wording cache keeps no copies


class _Group:
    """One statement being gathered: its quotes in date order, their documents, and its
    members' days by wording. A speaker's statement is often quoted word for word in many
    reports; a new quote is scored once against each wording (the best over the members it is
    within ``statement_window_days`` of), not once per member."""

    def __init__(self) -> None:
        self.members: list[_Said] = []
        self.doc_ids: set[str] = set()
        self.wordings: dict[tuple[str, ...], tuple[_Said, list[date | None]]] = {}

    def add(self, x: _Said) -> None:
        self.members.append(x)
        self.doc_ids.add(x.quote["doc_id"])
        key = x.words
        if key in self.wordings:
            self.wordings[key][1].append(x.day)
        else:
            self.wordings[key] = (x, [x.day])

    def score(self, x: _Said, window: int, scored: dict[tuple[str, ...], float]) -> float:
        """``max(same_statement(m, x, window) for m in members)``."""
        best = 0.0
        for key, (m, days) in self.wordings.items():
            if x.day and all(d and abs((d - x.day).days) > window for d in days):
                continue
            if key not in scored:
                scored[key] = _same_words(m, x)
            best = max(best, scored[key])
            if best >= 1.0:
                break  # no score is higher
        return best


def _statements(quotes: list[Row], doc_day: dict[str, str]) -> dict[str, QuoteLink]:
    window = _cfg()["statement_window_days"]
    said = []
    for q in quotes:
        words = tuple(_tokens(q.get("text") or ""))
        said.append(_Said(q, _day(q.get("said_on") or doc_day.get(q["doc_id"])), words))
    said.sort(key=lambda x: (x.day or date.max, doc_day.get(x.quote["doc_id"]) or "9999",
                             x.quote["doc_id"], x.quote.get("span", {}).get("start", 0),
                             x.quote["id"]))
    groups: list[_Group] = []
    by_speaker: dict[str, list[int]] = defaultdict(list)
    for x in said:
        spk = x.quote.get("speaker_id")
        best, best_score = None, 0.0
        scored: dict[tuple[str, ...], float] = {}  # x against each wording, once
        for gi in by_speaker[spk] if spk else ():
            g = groups[gi]
            # Quotes come in date order: a group whose newest quote is too old cannot match.
            last = g.members[-1].day
            if x.day and last and (x.day - last).days > window:
                continue
            if x.quote["doc_id"] in g.doc_ids:
                continue
            score = g.score(x, window, scored)
            if score > best_score:
                best, best_score = gi, score
        if best is None:
            groups.append(_Group())
            groups[-1].add(x)
            if spk:
                by_speaker[spk].append(len(groups) - 1)
        else:
            groups[best].add(x)
    _same_wording.cache_clear()  # its pairs are this corpus's; the memory is given back
    out = {}
    for g in groups:
        first = g.members[0].quote
        n = len(g.members)
        sid = first["statement_id"] if n == 1 else "s_" + _hash(first["id"], first["text"])
        for m in g.members:
            out[m.quote["id"]] = QuoteLink(sid, m.quote["statement_id"], n)
    return out


def _tokens(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.casefold().replace("’", "'"))]


def _spellings(a: Iterable[str], b: Iterable[str]) -> dict[str, list[str]]:
    """For each word of ``a``, the words of ``b`` equal to it up to spelling: the same word, or
    for words of five letters or more one with a normalised Levenshtein similarity of at least
    0.75 (every pair compared at once by rapidfuzz)."""
    out = {w: [w] if w in b else [] for w in a}
    long_a = [w for w in out if len(w) >= 5]
    long_b = [v for v in b if len(v) >= 5]
    if long_a and long_b:
        sim = cdist(long_a, long_b, scorer=Levenshtein.normalized_similarity, score_cutoff=0.75,
                    dtype=np.float64)
        for i, j in zip(*np.nonzero(sim)):
            if long_a[i] != long_b[j]:
                out[long_a[i]].append(long_b[j])
    return out


def _common_run(a: list[str], b: list[str]) -> tuple[int, int]:
    """Longest run of tokens equal up to spelling (galabiya/jalabiya); returns (run, content
    words in it)."""
    # Each distinct pair of words compared once; the runs extended only where words are equal.
    where: dict[str, list[int]] = defaultdict(list)
    for j, w in enumerate(b):
        where[w].append(j)
    matches = {w: sorted(j for v in same for j in where[v])
               for w, same in _spellings(set(a), where).items()}
    best, best_content = 0, 0
    prev: dict[int, tuple[int, int]] = {}
    for w in a:
        cur: dict[int, tuple[int, int]] = {}
        stop = w in _STOP
        for j in matches[w]:
            run, content = prev.get(j - 1, (0, 0))
            cur[j] = (run + 1, content + (not stop))
            if cur[j] > (best, best_content):
                best, best_content = cur[j]
        prev = cur
    return best, best_content


def same_statement(a: _Said, b: _Said, window: int) -> float:
    """Score in [0, 1] that two quotes of one speaker are the same statement; 0 when not.

    Either the whole texts match (rapidfuzz token ratio at least ``statement_min_ratio``) or they
    share a run of at least ``statement_min_run`` words, equal up to spelling, with at least
    three content words ("took off his galabiya, put on a suit" / "took off his jalabiya, put on
    a suit")."""
    if a.day and b.day and abs((a.day - b.day).days) > window:
        return 0.0
    return _same_words(a, b)


def _same_words(a: _Said, b: _Said) -> float:
    """``same_statement`` whatever the days."""
    cfg = _cfg()
    return _same_wording(a.words, b.words, cfg["statement_min_ratio"],
                         cfg["statement_min_run"])


@lru_cache(maxsize=1 << 17)
def _same_wording(a: tuple[str, ...], b: tuple[str, ...], min_ratio: float, min_run: int) -> float:
    """``_same_words`` of two wordings (one statement is often quoted word for word in many
    reports: each pair of wordings is scored once)."""
    ratio = fuzz.token_sort_ratio(" ".join(a), " ".join(b)) / 100
    if ratio >= min_ratio:
        return ratio
    # A shared run needs content words in common, most of them spelt the same.
    if len(set(a) & set(b) - _STOP) < 2:
        return 0.0
    run, content = _common_run(list(a), list(b))
    if run >= min_run and content >= 3:
        return 0.5 + min(run, 20) / 40
    return 0.0
