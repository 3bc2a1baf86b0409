"""What the linking modules share: configuration, dates, ids, distances, words."""

from __future__ import annotations

import hashlib
import math
import re
from datetime import date
from typing import Any

from ..config import CONFIG

Row = dict[str, Any]

_WORD = re.compile(r"\w+")
_STOP = frozenset("a an and the of to in on at for by with from as is are was were be been has have "
                  "had that this it its he she they we i you his her their our".split())


def _cfg() -> dict[str, Any]:
    return CONFIG["link"]


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _hash(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:12]


def _km(a: Row, b: Row) -> float | None:
    if None in (a.get("lat"), a.get("lon"), b.get("lat"), b.get("lon")):
        return None
    la1, lo1, la2, lo2 = map(math.radians, (a["lat"], a["lon"], b["lat"], b["lon"]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, h)))


_ZIPF: dict[str, float] = {}


def _zipf(word: str) -> float:
    if word not in _ZIPF:
        # Imported on first use: a process that links documents whose rare words were read
        # where they were processed (``parts``) never loads the word list (about a second).
        from wordfreq import zipf_frequency

        _ZIPF[word] = zipf_frequency(word, "en")
    return _ZIPF[word]
