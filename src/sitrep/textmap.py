"""Text with a character map back to the raw text it came from.

Every cleaning pass turns one ``MappedText`` into another. Each output character keeps the raw
offset of the character it derives from; an inserted character (a space that splits glued words, a
paragraph break) takes the raw offset of the character that follows it, so a span over clean text
always maps onto a raw range that contains what the user sees.
"""

from __future__ import annotations

import difflib
from array import array
from dataclasses import dataclass

from .records import RawSpan


@dataclass
class MappedText:
    text: str
    offsets: array  # offsets[i] = raw offset of text[i]
    raw_len: int

    @classmethod
    def identity(cls, raw: str) -> "MappedText":
        return cls(raw, array("i", range(len(raw))), len(raw))

    def raw_span(self, start: int, end: int) -> RawSpan:
        """Raw range covering clean ``[start, end)``."""
        if end <= start:
            pos = self.offsets[start] if start < len(self.offsets) else self.raw_len
            return RawSpan(pos, pos)
        lo = min(self.offsets[start:end])
        hi = max(self.offsets[start:end]) + 1
        return RawSpan(lo, hi)


class Builder:
    """Accumulates output text and its raw offsets from pieces of a source ``MappedText``."""

    def __init__(self, source: MappedText):
        self.source = source
        self.parts: list[str] = []
        self.offsets = array("i")

    def copy(self, start: int, end: int) -> None:
        if end > start:
            self.parts.append(self.source.text[start:end])
            self.offsets.extend(self.source.offsets[start:end])

    def insert(self, text: str, before: int) -> None:
        """Insert synthetic text, mapped to the raw position of source char ``before``."""
        if not text:
            return
        src = self.source
        if before < len(src.offsets):
            pos = src.offsets[before]
        elif len(src.offsets):
            pos = src.offsets[-1] + 1
        else:
            pos = 0
        self.parts.append(text)
        self.offsets.extend([pos] * len(text))

    def replace(self, start: int, end: int, new: str) -> None:
        """Replace source ``[start, end)`` by ``new``, keeping exact offsets where characters agree."""
        old = self.source.text[start:end]
        if old == new:
            self.copy(start, end)
            return
        matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                self.copy(start + i1, start + i2)
            elif j2 > j1:
                # Replaced or inserted characters point at the first raw char they stand for.
                anchor = start + i1 if i1 < i2 else start + min(i1, max(end - start - 1, 0))
                self.parts.append(new[j1:j2])
                pos = self.source.offsets[anchor] if anchor < len(self.source.offsets) else self.source.raw_len
                self.offsets.extend([pos] * (j2 - j1))

    def build(self) -> MappedText:
        return MappedText("".join(self.parts), self.offsets, self.source.raw_len)
