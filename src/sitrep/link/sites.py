"""Sites: the kinds of place a report's lead says were attacked (a hospital, a festival, a hotel,
a beach). Two reports whose leads name sites of no kind in common tell of two attacks, however
alike their places and dates (``data/attack_sites.yaml``)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ..config import load_data
from ..extract import scope

_TOKEN = re.compile(r"[\w'’-]+|[.!?;:]")
# A sentence ends at . ! ? followed by space, or at a line break.
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, Any]:
    data = load_data("attack_sites.yaml", "SITREP_ATTACK_SITES", merge="append")
    kinds = {w.casefold(): kind for kind, words in (data.get("sites") or {}).items()
             for w in words or []}
    return {"kinds": kinds,
            "care": {w.casefold() for w in data.get("care_before") or []},
            "care_near": {w.casefold() for w in data.get("care_near") or []},
            "care_window": int(data.get("care_window") or 0),
            "care_kinds": set(data.get("care_kinds") or []),
            "attack_near": {w.casefold() for w in data.get("attack_near") or []},
            "speaker": {w.casefold() for w in data.get("speaker_after") or []},
            "lead": int(data.get("lead_sentences") or 0),
            "recalls": re.compile("|".join(f"(?:{c})" for c in data.get("recalls") or [])
                                  or "(?!)", re.I)}


def _recalls(sentence: str) -> bool:
    """A sentence recalling another event (its site is that event's)."""
    background = scope.cues().get(("background", "sentence"))
    return bool(_lexicon()["recalls"].search(sentence)
                or (background and background.search(sentence)))


def _lead(title: str, text: str, sentences: int) -> str:
    """The title and the first ``sentences`` sentences of at least five words, less those
    recalling another event."""
    kept = [s for s in _SENTENCE.split(text) if len(s.split()) >= 5][:sentences]
    kept = [s for s in kept if not _recalls(s)]
    return "\n".join([title, *kept])


def _of_care(toks: list[str], i: int, lex: dict[str, Any]) -> bool:
    """The site word at ``i`` is where the wounded went or were visited: right after "to" or
    "in", or a few words after "wounded", "brought", "visit" within its sentence."""
    if i and toks[i - 1] in lex["care"]:
        return True
    if lex["kinds"].get(toks[i]) not in lex["care_kinds"]:
        return False
    start = i
    while start > 0 and toks[start - 1] not in ".!?;:":
        start -= 1
    clause = toks[start:i]  # the sentence up to the site word
    if not any(w in lex["care_near"] for w in clause[-lex["care_window"]:]):
        return False
    # (an attack verb earlier in the sentence: "a strike killed nine wounded at the hospital")
    return not any(w in lex["attack_near"] for w in clause)


def site_kinds(title: str, text: str) -> frozenset[str]:
    """Kinds of site the lead names, leaving out where the wounded went ("taken to hospital",
    "visited the wounded at a general hospital") and who spoke ("hospital officials said")."""
    lex = _lexicon()
    toks = [t.casefold() for t in _TOKEN.findall(_lead(title, text, lex["lead"]))]
    out = set()
    for i, tok in enumerate(toks):
        kind = lex["kinds"].get(tok)
        if not kind or _of_care(toks, i, lex) \
                or (i + 1 < len(toks) and toks[i + 1] in lex["speaker"]):
            continue
        out.add(kind)
    return frozenset(out)


def sites_apart(a: frozenset[str], b: frozenset[str]) -> bool:
    """Both leads name sites, and none of one kind."""
    return bool(a and b and not a & b)
