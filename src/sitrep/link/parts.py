"""What linking needs from one document that depends on that document alone: its rare words, the
dates its text gives, the kinds of site its lead names, its title key and the wording around each
figure. Ingest computes them where the document is processed (a worker process, alongside
its rows), so the process that stores and links only reads them; linking computes them itself for
documents that come without (read back from the store)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from .common import Row, _cfg


@dataclass
class DocParts:
    words: Counter[str]  # ``_rare_words`` of the title and text (in the order they occur)
    sites: frozenset[str]  # ``site_kinds`` of the title and text
    title_key: str  # ``_title_key`` of the title
    # ``text_dates`` of the title and text, with and without dates that name an event
    dates: dict[bool, tuple[list[date], set[tuple[int, int]]]]
    wording: dict[str, dict[str, bool]] = field(default_factory=dict)  # figure id -> wording


def doc_parts(doc: Row, figures: list[Row]) -> DocParts:
    """The parts of one document, from its rows as the store gives them back."""
    from .background import figure_wording
    from .incidents import _rare_words, _title_key, text_dates_both
    from .sites import site_kinds

    title, body = doc.get("title") or "", doc.get("text") or ""
    text = title + "\n" + body
    return DocParts(_rare_words(text, _cfg()["rare_word_max_zipf"]), site_kinds(title, body),
                    _title_key(title),
                    text_dates_both(text),
                    {f["id"]: figure_wording(f) for f in figures})

