"""Map text extracted from an HTML page back to character offsets in the page source.

trafilatura returns the article text without positions. We rebuild the page's visible text with
the source offset of every character (entities decoded, tags dropped), then find each extracted
line in it in reading order, comparing with whitespace collapsed. Characters of a line that cannot
be found take the offset of the nearest mapped character before them and are counted, so a caller
can tell an exact map from an approximate one.
"""

from __future__ import annotations

import html
import re
from array import array
from html.parser import HTMLParser

_SKIP = {"script", "style", "noscript", "template"}
# Inline tags join text without a break, as trafilatura does ("The<a>Syrian</a>" -> "TheSyrian").
_INLINE = {"a", "span", "em", "strong", "b", "i", "u", "abbr", "time", "small", "sup", "sub",
           "mark", "q", "cite", "font", "code", "bdi", "bdo", "data", "s", "del", "ins"}


class _Visible(HTMLParser):
    def __init__(self, source: str):
        super().__init__(convert_charrefs=False)
        self.source = source
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.chars: list[str] = []
        self.offsets = array("i")
        self.skip = 0

    def _pos(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            self.skip += 1
        if tag not in _INLINE:
            self._space()

    def handle_endtag(self, tag):
        if tag in _SKIP and self.skip:
            self.skip -= 1
        if tag not in _INLINE:
            self._space()

    def _space(self):
        self.chars.append(" ")
        self.offsets.append(self._pos())

    def handle_data(self, data):
        if self.skip:
            return
        start = self._pos()
        self.chars.extend(data)
        self.offsets.extend(range(start, start + len(data)))

    def _ref(self, decoded: str):
        if self.skip:
            return
        start = self._pos()
        self.chars.extend(decoded)
        self.offsets.extend([start] * len(decoded))

    def handle_entityref(self, name):
        self._ref(html.unescape(f"&{name};"))

    def handle_charref(self, name):
        self._ref(html.unescape(f"&#{name};"))


def _collapse(chars: str, offsets) -> tuple[str, list[int]]:
    out, offs = [], []
    prev_space = True
    for ch, off in zip(chars, offsets):
        if ch.isspace():
            if not prev_space:
                out.append(" ")
                offs.append(off)
            prev_space = True
        else:
            out.append(ch)
            offs.append(off)
            prev_space = False
    return "".join(out), offs


def map_extracted(source: str, extracted: str) -> tuple[array, int]:
    """(offset into ``source`` for every char of ``extracted``, number of chars not found)."""
    parser = _Visible(source)
    try:
        parser.feed(source)
        parser.close()
    except Exception:  # noqa: BLE001 - a broken page still gets an approximate map
        pass
    visible, voffs = _collapse("".join(parser.chars), parser.offsets)
    result = array("i", [0] * len(extracted))
    missing = 0
    cursor = 0
    last = 0
    for m in re.finditer(r"[^\n]+", extracted):
        line = m.group(0)
        collapsed, positions = _collapse(line, range(len(line)))
        # ``positions[k]`` is the line offset of collapsed char k; drop a leading space.
        skip = 1 if collapsed.startswith(" ") else 0
        norm = collapsed[skip:].rstrip()
        if not norm:
            continue
        at = visible.find(norm, cursor)
        if at < 0:
            at = visible.find(norm)
        if at < 0:
            missing += len(line)
            for i in range(m.start(), m.end()):
                result[i] = last
            continue
        cursor = at + len(norm)
        pos_map = {positions[skip + j]: voffs[at + j] for j in range(len(norm))}
        for i in range(len(line)):
            if i in pos_map:
                last = pos_map[i]
            result[m.start() + i] = last
    # Newlines between lines point at the character before them.
    for m in re.finditer(r"\n", extracted):
        result[m.start()] = result[m.start() - 1] if m.start() else 0
    return result, missing
