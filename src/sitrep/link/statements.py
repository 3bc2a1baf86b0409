"""Statements: quotes of one speaker whose words match fuzzily (rapidfuzz), said within
``statement_window_days``, share one ``statement_id``; two quotes of one document never merge."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

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
    words: list[str]
    content: frozenset[str]


def _statements(quotes: list[Row], doc_day: dict[str, str]) -> dict[str, QuoteLink]:
    window = _cfg()["statement_window_days"]
    said = []
    for q in quotes:
        words = _tokens(q.get("text") or "")
        said.append(_Said(q, _day(q.get("said_on") or doc_day.get(q["doc_id"])), words,
                          frozenset(w for w in words if w not in _STOP)))
    said.sort(key=lambda x: (x.day or date.max, doc_day.get(x.quote["doc_id"]) or "9999",
                             x.quote["doc_id"], x.quote.get("span", {}).get("start", 0),
                             x.quote["id"]))
    groups: list[list[_Said]] = []
    by_speaker: dict[str, list[int]] = defaultdict(list)
    for x in said:
        spk = x.quote.get("speaker_id")
        best, best_score = None, 0.0
        for gi in by_speaker[spk] if spk else ():
            g = groups[gi]
            # Quotes come in date order: a group whose newest quote is too old cannot match.
            last = g[-1].day
            if x.day and last and (x.day - last).days > window:
                continue
            if any(m.quote["doc_id"] == x.quote["doc_id"] for m in g):
                continue
            score = max(same_statement(m, x, window) for m in g)
            if score > best_score:
                best, best_score = gi, score
        if best is None:
            groups.append([x])
            if spk:
                by_speaker[spk].append(len(groups) - 1)
        else:
            groups[best].append(x)
    out = {}
    for g in groups:
        first = g[0].quote
        sid = first["statement_id"] if len(g) == 1 else "s_" + _hash(first["id"], first["text"])
        for m in g:
            out[m.quote["id"]] = QuoteLink(sid, m.quote["statement_id"], len(g))
    return out


def _tokens(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.casefold().replace("’", "'"))]


def _tok_eq(a: str, b: str) -> bool:
    if a == b:
        return True
    return min(len(a), len(b)) >= 5 and Levenshtein.normalized_similarity(a, b) >= 0.75


def _common_run(a: list[str], b: list[str]) -> tuple[int, int]:
    """Longest run of tokens equal up to spelling (galabiya/jalabiya); returns (run, content
    words in it)."""
    best, best_content = 0, 0
    prev = [0] * (len(b) + 1)
    prev_c = [0] * (len(b) + 1)
    for i in range(1, len(a) + 1):
        cur = [0] * (len(b) + 1)
        cur_c = [0] * (len(b) + 1)
        for j in range(1, len(b) + 1):
            if _tok_eq(a[i - 1], b[j - 1]):
                cur[j] = prev[j - 1] + 1
                cur_c[j] = prev_c[j - 1] + (a[i - 1] not in _STOP)
                if (cur[j], cur_c[j]) > (best, best_content):
                    best, best_content = cur[j], cur_c[j]
        prev, prev_c = cur, cur_c
    return best, best_content


def same_statement(a: _Said, b: _Said, window: int) -> float:
    """Score in [0, 1] that two quotes of one speaker are the same statement; 0 when not.

    Either the whole texts match (rapidfuzz token ratio at least ``statement_min_ratio``) or they
    share a run of at least ``statement_min_run`` words, equal up to spelling, with at least
    three content words ("took off his galabiya, put on a suit" / "took off his jalabiya, put on
    a suit")."""
    cfg = _cfg()
    if a.day and b.day and abs((a.day - b.day).days) > window:
        return 0.0
    ratio = fuzz.token_sort_ratio(" ".join(a.words), " ".join(b.words)) / 100
    if ratio >= cfg["statement_min_ratio"]:
        return ratio
    # A shared run needs content words in common, most of them spelt the same.
    if len(a.content & b.content) < 2:
        return 0.0
    run, content = _common_run(a.words, b.words)
    if run >= cfg["statement_min_run"] and content >= 3:
        return 0.5 + min(run, 20) / 40
    return 0.0
