"""Repair scrape artefacts without losing the original.

The cleaner is a cascade of passes, each ``MappedText -> MappedText``, so every character of the
cleaned text keeps the raw offset it came from:

1. normalise line breaks and invisible characters;
2. classify lines: drop gallery counters, photo credits, captions, headings, related-link lines,
   non-Latin caption lines and repeated paragraphs; turn embedded posts into ``Post`` records;
3. per kept paragraph: fix mojibake (ftfy), split words glued at link boundaries, undo filter
   obfuscation ("exec-utions"), collapse runs of spaces.

Every change is recorded as a ``Repair`` so a reviewer can see what was done and where.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

import ftfy

from .config import CONFIG, load_data
from .records import Post, RawSpan, Repair
from .registry import stage
from .textmap import Builder, MappedText
from .work import Work

CFG = CONFIG["clean"]

_INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"}
_SPACES = {"\t", "\u00a0", "\u2009", "\u202f", "\u2007", "\u3000"}

GALLERY = re.compile(r"^\d*\s*(view|open|see)\s+(the\s+)?(gallery|photos?|slideshow)\b.*$", re.I)
CREDIT = re.compile(
    r"^\(?\s*(photo|photos|photograph|image|picture|pictures|credit|video|footage|source)s?\s*"
    r"(credit)?\s*:\s*[^()]{1,80}\)?\s*$", re.I)


@lru_cache(maxsize=1)
def lexicon() -> dict[str, Any]:
    """``data/clean_lines.yaml`` plus the user's ``SITREP_CLEAN_LEXICON`` (lists appended), with
    the status words of ``data/figures_lexicon.yaml`` and the user's ``SITREP_FIGURES_LEXICON``
    (after a number or, one word, before it)."""
    lex = load_data("clean_lines.yaml", "SITREP_CLEAN_LEXICON", merge="append_new")
    figures = load_data("figures_lexicon.yaml", "SITREP_FIGURES_LEXICON", merge="append_new")
    status = [w for ws in figures["status_words"].values() for w in ws]
    # and the words that give a number its status from before it ("…, killing six").
    status += [w for w in figures.get("pre_status") or {} if " " not in w]
    lex["status_words"] = status + lex.get("headline_status_words", [])
    return lex


def _words_re(words, prefix: bool = False) -> re.Pattern[str]:
    alt = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(set(words), key=len, reverse=True))
    return re.compile((r"^(?:%s)\b" if prefix else r"(?<![\w-])(?:%s)(?![\w-])") % alt, re.I)


RELATED = _words_re(lexicon()["related_cues"], prefix=True)
# A headline with a casualty statement: a quantity and a status word ("Air strike kills 26").
QUANTITY = re.compile(r"\d|" + _words_re(lexicon()["quantity_words"]).pattern, re.I)
STATUS = _words_re(lexicon()["status_words"])
_CUES = _words_re(lexicon()["related_cues"]).pattern
# A photo credit inside a line makes it a caption ("Rescuers at the site (Photo: J. Doe)").
INLINE_CREDIT = re.compile(r"\b(?:photo|photos|image|picture|credit)\s*(?:credit)?\s*:", re.I)
# A link to another story inside a paragraph: "(RELATED: Two killed in ...)" or a trailing
# "Read more: ..." after the paragraph's last sentence.
INLINE_RELATED = re.compile(r"[ \t]*[(\[][ \t]*(?:%s)[ \t]*:[^()\[\]\n]*[)\]]" % _CUES, re.I)
TRAILING_RELATED = re.compile(r"(?<=[.!?”\"])[ \t]+(?:%s)[ \t]*:[^.!?\n]*$" % _CUES, re.I | re.M)
# Markdown heading marks a scrape left before a title ("### Two killed in ...").
HEADING_MARK = re.compile(r"^[ \t]*#{1,6}[ \t]+", re.M)
# The search engine's date stamp glued before a saved page's first line ("date 2024-05-02 ...").
DATE_STAMP = re.compile(r"^\s*date \d{4}-\d{2}-\d{2}\b[ \t]*")
COUNTER = re.compile(r"^[\d.,]+\s*[KkMm]?\s+(views|likes|shares|comments|retweets|reposts)\s*$")
POST_ATTR = re.compile(
    r"[—–]{1,2}\s*(?P<author>[^\n()]{0,80}?)\s*\(@(?P<handle>[A-Za-z0-9_]{1,30})\)\s*"
    r"(?P<date>[A-Z][a-z]{2,8}\.? \d{1,2},? \d{4})?\s*$")
POST_URL = re.compile(r"(pic\.twitter\.com/\w+|https?://t\.co/\w+)")
TERMINAL = tuple(".!?…:;\"”’)'»")


@lru_cache(maxsize=200_000)
def zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


# Every character ``normalise`` drops or replaces: the invisible ones, odd spaces, and the control
# characters (Unicode category Cc: all below U+00A0) except the line feed.
_ODD_CHARS = re.compile("[%s]" % re.escape("".join(
    sorted(_INVISIBLE | _SPACES | {chr(c) for c in range(0xA0)
                                   if unicodedata.category(chr(c)) == "Cc" and c != 0x0A}))))


def normalise(src: MappedText) -> tuple[MappedText, list[Repair]]:
    """Unify line breaks, drop invisible characters, turn odd spaces into plain spaces."""
    b = Builder(src)
    text = src.text
    n, run_start = len(text), 0
    for m in _ODD_CHARS.finditer(text):
        i, ch = m.start(), m.group()
        b.copy(run_start, i)
        if ch == "\r":
            if i + 1 < n and text[i + 1] == "\n":
                pass  # the following \n is kept
            else:
                b.replace(i, i + 1, "\n")
        elif ch in _SPACES:
            b.replace(i, i + 1, " ")
        run_start = i + 1
    b.copy(run_start, n)
    return b.build(), []


# A letter outside Latin script: not below U+0250 and not in Latin Extended Additional.
_NOT_LATIN = re.compile("[^\u0000-\u024f\u1e00-\u1eff]")


def _letters(line: str) -> str:
    """The line's letters (``str.isalpha``), in order."""
    return "".join(filter(str.isalpha, line))


def _latin_share(letters: str) -> float:
    if not letters:
        return 1.0
    return (len(letters) - len(_NOT_LATIN.findall(letters))) / len(letters)


def _norm_key(line: str) -> str:
    return re.sub(r"\W+", " ", line.casefold()).strip()


@dataclass
class _Line:
    start: int
    end: int
    text: str


def _lines(src: MappedText) -> list[_Line]:
    out = []
    for m in re.finditer(r"[^\n]+", src.text):
        s, e = m.start(), m.end()
        seg = m.group(0)
        lead = len(seg) - len(seg.lstrip())
        trail = len(seg) - len(seg.rstrip())
        if e - trail > s + lead:
            out.append(_Line(s + lead, e - trail, seg.strip()))
    return out


def drop_date_stamp(src: MappedText) -> tuple[MappedText, list[Repair]]:
    """Drop a search engine's "date YYYY-MM-DD" stamp glued before the page's first line."""
    m = DATE_STAMP.match(src.text)
    if not m:
        return src, []
    b = Builder(src)
    b.copy(m.end(), len(src.text))
    span = src.raw_span(m.start(), m.end())
    return b.build(), [Repair("drop:date_stamp", span.start, span.end, m.group(0).strip(), "")]


def cut_inline_links(src: MappedText) -> tuple[MappedText, list[Repair]]:
    """Cut links to other stories out of a paragraph ("(RELATED: ...)", a trailing "Read more:
    ...") and markdown heading marks: another story's headline is not this article's text."""
    cuts = sorted([(m.start(), m.end(), "drop:related_link") for m in INLINE_RELATED.finditer(src.text)]
                  + [(m.start(), m.end(), "drop:related_link") for m in TRAILING_RELATED.finditer(src.text)]
                  + [(m.start(), m.end(), "drop:heading_mark") for m in HEADING_MARK.finditer(src.text)])
    if not cuts:
        return src, []
    b = Builder(src)
    repairs = []
    pos = 0
    for start, end, kind in cuts:
        if start < pos:
            continue
        b.copy(pos, start)
        pos = end
        span = src.raw_span(start, end)
        repairs.append(Repair(kind, span.start, span.end, src.text[start:end].strip(), ""))
    b.copy(pos, len(src.text))
    return b.build(), repairs


def _sentence_like(line: str) -> bool:
    """Most words start in lower case: running prose, not a Title Case headline or a name."""
    words = [w for w in re.findall(r"[^\W\d_][\w’'-]*", line)]
    return bool(words) and sum(w[0].islower() for w in words) >= len(words) / 2


def unwrap(src: MappedText) -> tuple[MappedText, list[Repair]]:
    """Re-join paragraphs whose lines were hard-wrapped mid-sentence (a newline every ~70
    characters), so the line rules below see paragraphs. A text counts as hard-wrapped when
    several lines run on into a next line that starts in lower case; then a line that does not
    end a sentence joins the next one when that one starts in lower case or the line itself
    reads as prose ("...told Reuters on / Friday evening, ...")."""
    lines = _lines(src)
    pairs = [(a, b) for a, b in zip(lines, lines[1:])
             if src.text.count("\n", a.end, b.start) == 1 and not a.text.endswith(TERMINAL)
             and len(a.text) >= CFG["wrap_min_chars"]]
    lower = [p for p in pairs if p[1].text[0].islower()]
    if len(lower) < CFG["wrap_min_joins"] or len(lower) < CFG["wrap_min_share"] * len(lines):
        return src, []
    joins = [(a, b) for a, b in pairs if b.text[0].islower() or (
        _sentence_like(a.text) and _line_kind(b.text, None) not in
        ("gallery", "photo_credit", "counter", "related_link"))]
    b_ = Builder(src)
    repairs = []
    pos = 0
    for a, b in joins:
        b_.copy(pos, a.end)
        b_.replace(a.end, b.start, " ")
        pos = b.start
        span = src.raw_span(a.end, b.start)
        repairs.append(Repair("unwrap", span.start, span.end, src.text[a.end:b.start], " "))
    b_.copy(pos, len(src.text))
    return b_.build(), repairs


def casualty_headline(line: str) -> bool:
    """A headline that states a casualty figure ("Air strike kills 26 in the north")."""
    return bool(QUANTITY.search(line) and STATUS.search(line))


def _line_kind(line: str, language: str | None) -> str | None:
    """Why a line is not article prose, or None when it is."""
    if GALLERY.match(line):
        return "gallery"
    if CREDIT.match(line):
        return "photo_credit"
    if COUNTER.match(line):
        return "counter"
    if RELATED.match(line) and not line.endswith((".", "”", '"')):
        return "related_link"
    letters = _letters(line)
    if (language or "en").startswith("en") and _latin_share(letters) < 0.5:
        return "foreign_caption"
    words = line.split()
    if letters and all(c.isupper() for c in letters) and len(words) <= 12:
        return "heading"
    if len(words) <= CFG["caption_max_words"] and not line.endswith(TERMINAL):
        return "caption"
    return None


def _parse_post_date(value: str | None) -> str | None:
    if not value:
        return None
    value = value.replace(".", "")
    for fmt in ("%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%b %d %Y"):
        try:
            return datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def _keep_titles(lines: list[_Line], kinds: list[str | None]) -> None:
    """A title is text too: a headline line at the top of the page (before the first paragraph
    of the article) that states a casualty figure stays as prose, its own paragraph. Not when a
    related-links cue ("Read more", "Related") comes before it, nor when it sits in a list of
    several such headlines (other stories' links)."""
    body = next((i for i, (ln, k) in enumerate(zip(lines, kinds))
                 if k is None and len(ln.text.split()) >= CFG["body_min_words"]), len(lines))
    short = ("caption", "heading")
    related = False
    run: list[int] = []

    def flush() -> None:
        heads = [i for i in run if casualty_headline(lines[i].text)
                 and not INLINE_CREDIT.search(lines[i].text)]
        if len({_norm_key(lines[i].text) for i in heads}) >= CFG["headline_list_min"]:
            return  # a list of other stories' headlines
        for i in heads:
            kinds[i] = None

    for i in range(body):
        k = kinds[i]
        if k == "related_link":
            related = True
        elif k is None:
            related = False
        if k in short and not related:
            run.append(i)
        elif run and k not in short:
            flush()
            run = []
    flush()


def _keep_cut_last_line(src: MappedText, lines: list[_Line], kinds: list[str | None]) -> None:
    """A page saved up to a length limit ends mid-sentence ("...said the strike had kil"): that
    last line is prose, not a caption, when it reads as a sentence and the text stops on it."""
    if not lines or kinds[-1] != "caption" or src.text.rstrip(" ").endswith("\n"):
        return
    text = lines[-1].text
    if len(text.split()) >= CFG["cut_line_min_words"] and _sentence_like(text) and \
            not RELATED.match(text):
        kinds[-1] = None


def select_lines(src: MappedText, doc_id: str, language: str | None
                 ) -> tuple[list[_Line], list[Post], list[Repair]]:
    lines = _lines(src)
    kinds: list[str | None] = [_line_kind(ln.text, language) for ln in lines]
    posts: list[Post] = []
    repairs: list[Repair] = []

    def rs(ln: _Line) -> RawSpan:
        return src.raw_span(ln.start, ln.end)

    # Embedded posts: an attribution line "— Name (@handle) March 8, 2025" closes the post whose
    # text is the line before it (or the same line, when the scrape glued them).
    for idx, ln in enumerate(lines):
        m = POST_ATTR.search(ln.text)
        if not m:
            continue
        body_start = ln.text[:m.start()].strip()
        body_idx = None
        if body_start:
            body = body_start
        elif idx > 0 and kinds[idx - 1] in (None, "caption"):
            body_idx = idx - 1
            body = lines[body_idx].text
        else:
            body = ""
        url = POST_URL.search(body)
        first = lines[body_idx] if body_idx is not None else ln
        span = RawSpan(rs(first).start, rs(ln).end)
        posts.append(Post(id=f"{doc_id}:p{len(posts)}", doc_id=doc_id, author=m.group("author") or None,
                          handle=m.group("handle"), posted_on=_parse_post_date(m.group("date")),
                          text=body, url=url.group(0) if url else None, raw_span=span))
        kinds[idx] = "post"
        if body_idx is not None:
            kinds[body_idx] = "post"

    # Never empty a document: if nothing counts as prose, keep the caption-like lines.
    if lines and all(k is not None for k in kinds):
        kinds = [None if k in ("caption", "heading", "foreign_caption") else k for k in kinds]
    else:
        _keep_titles(lines, kinds)
        _keep_cut_last_line(src, lines, kinds)

    kept: list[_Line] = []
    seen: set[str] = set()
    for ln, kind in zip(lines, kinds):
        if kind is None:
            key = _norm_key(ln.text)
            if key in seen and len(key) > 20:
                kind = "repeated_paragraph"
            else:
                seen.add(key)
        if kind is None:
            kept.append(ln)
        else:
            span = rs(ln)
            repairs.append(Repair(kind=f"drop:{kind}", raw_start=span.start, raw_end=span.end,
                                  before=ln.text, after=""))
    return kept, posts, repairs


def join_lines(src: MappedText, kept: list[_Line]) -> MappedText:
    b = Builder(src)
    for i, ln in enumerate(kept):
        if i:
            b.insert("\n\n", ln.start)
        b.copy(ln.start, ln.end)
    return b.build()


_FTFY_CONFIG = ftfy.TextFixerConfig(uncurl_quotes=False, fix_latin_ligatures=True)


def fix_mojibake(src: MappedText) -> tuple[MappedText, list[Repair]]:
    b = Builder(src)
    repairs = []
    pos = 0
    for m in re.finditer(r"[^\n]+", src.text):
        fixed = ftfy.fix_text(m.group(0), _FTFY_CONFIG)
        if fixed != m.group(0):
            b.copy(pos, m.start())
            b.replace(m.start(), m.end(), fixed)
            pos = m.end()
            span = src.raw_span(m.start(), m.end())
            repairs.append(Repair("mojibake", span.start, span.end, m.group(0), fixed))
    b.copy(pos, len(src.text))
    return b.build(), repairs


_NAME_PREFIXES = {"mc", "mac", "de", "la", "le", "di", "da", "van", "von", "al", "el", "ibn", "bin",
                  "abu", "du", "o"}
# Names are rarer than common words: "Conille" (0), "Abdullah" (3.5) and "Omar" (3.8) sit below this
# word frequency; the glued whole must also be unknown to the word list.
_NAME_MAX_ZIPF = 4.0
_SPEECH_TAILS = {"said", "says", "told", "adds", "wrote"}
_SHORT_RIGHT = {"on", "in", "at", "to", "of", "by", "as", "is", "or", "an"}
_LOWER_UPPER = re.compile(r"\b([a-z]{2,})([A-Z][a-z’']+)")
_CAP_TOKEN = re.compile(r"(?<![\w’'])([A-Z][a-z]+(?:[’']s)?)([a-z]{2,})\b")
_FUNCTION_GLUE = re.compile(r"(?<![\w’'])(The|A|An|In|On|At|For|By|Of|And|But|To|From|With|As)"
                            r"([A-Z][a-z]{2,})")
# A title glued to the name after it at a link boundary ("Prime MinisterGarry Conille").
_TITLE_GLUE = re.compile(r"(?<![\w’'])(President|Minister|Secretary|General|Governor|Commander|"
                         r"Spokesman|Spokeswoman|Mayor|Colonel|Senator|Ambassador|Director|Chairman|"
                         r"Envoy|Chief|Sheikh|Pope|Judge|Major|Captain|Lieutenant|Coordinator|"
                         r"Commissioner|Representative)([A-Z][a-z]{2,})")
_NAME_NAME_GLUE = re.compile(r"(?<![\w’'])([A-Z][a-z]{2,})([A-Z][a-z]{2,})(?![\w])")
_PUNCT_GLUE = re.compile(r"(?<![a-z])([a-z]{2,})([,;:])([A-Z][a-z])")
_PERIOD_GLUE = re.compile(r"(?<![./:\w])([a-z]{3,})\.([A-Z][a-z]{2,})(?![.\w]*\.(com|org|net)\b)")


@lru_cache(maxsize=1)
def _known_names() -> frozenset[str]:
    """Capitalised words of every name in the alias dictionary and place supplement."""
    from .nlp import alias_entries, place_supplement

    forms = [f for e in alias_entries() for f in [e["name"], *e.get("aliases", [])]]
    forms += [f for p in place_supplement() for f in [p["name"], *p.get("aliases", [])]]
    return frozenset(w for f in forms for w in re.findall(r"[A-Z][a-z]+", f))


def _standalone_tokens(text: str) -> set[str]:
    """Capitalised words that stand alone in this text or are known names ("Katz", "Sharaa")."""
    return set(re.findall(r"(?<![\w’'])[A-Z][a-z]+(?![\w])", text)) | _known_names()


def _glue_splits(text: str) -> list[int]:
    """Offsets where a space belongs between two glued words."""
    cuts: set[int] = set()
    for m in _LOWER_UPPER.finditer(text):
        left = m.group(1)
        # Only a whole lowercase word glued to a capitalised one ("ofSyria"), never "iPhone".
        if m.start() > 0 and (text[m.start() - 1].isalpha()):
            continue
        if left in _NAME_PREFIXES or zipf(left) < CFG["glue_left_min_zipf"]:
            continue
        cuts.add(m.start(2))
    standalone = _standalone_tokens(text)
    counts: dict[str, int] = {}
    for m in _CAP_TOKEN.finditer(text):
        counts[m.group(0)] = counts.get(m.group(0), 0) + 1
    for m in _CAP_TOKEN.finditer(text):
        whole = m.group(0)
        # A known name, or a word the text repeats, is a word, not a seam: glue happens once, at a
        # link boundary ("El Fasher", "Snowline" stay whole).
        if (zipf(whole) > CFG["glue_whole_max_zipf"] or whole in _known_names()
                or counts[whole] > 1):
            continue
        best = None
        # Try every cut ("Katz|shared").
        for cut in range(3, len(whole) - 1):
            left, right = whole[:cut], whole[cut:]
            if not right.islower():
                continue
            if len(right) < 3 and right not in _SHORT_RIGHT:
                continue  # "Forceson" -> "Forces on"; other two-letter tails are too risky
            if zipf(right) < CFG["glue_right_min_zipf"]:
                continue
            stem = re.sub(r"[’']s$", "", left)
            # The left piece must be a name this text (or the alias dictionary) uses on its own.
            if len(stem) < 3 or stem not in standalone or zipf(stem.lower()) >= CFG["glue_name_max_zipf"]:
                continue
            # The commoner right-hand word wins: "Forces|on", not "Force|son".
            if best is None or zipf(right) > zipf(whole[best:]):
                best = cut
        if best is None and zipf(whole) == 0:
            # A rare name glued to a common word of five letters or more ("Conilleexpressed"),
            # when the name itself is unknown to the word list and so is the glued whole.
            for cut in range(4, len(whole) - 3):
                right = whole[cut:]
                if right.islower() and (len(right) >= 5 or right in _SPEECH_TAILS) and zipf(right) >= CFG["glue_right_min_zipf"] \
                        and zipf(whole[:cut]) < _NAME_MAX_ZIPF:
                    best = cut
                    break
        if best is not None:
            cuts.add(m.start() + best)
    for m in _FUNCTION_GLUE.finditer(text):
        cuts.add(m.start(2))  # "TheSyrian Observatory": a link began right after "The"
    for m in _TITLE_GLUE.finditer(text):
        cuts.add(m.start(2))
    known = _known_names()
    for m in _NAME_NAME_GLUE.finditer(text):
        # "KashmirOmar Abdullah": two names the text or the dictionaries know, glued at a link.
        left, right = m.group(1), m.group(2)
        if (left in known or left in standalone) and (right in known or right in standalone) \
                and m.group(0) not in known and counts.get(m.group(0), 0) <= 1:
            cuts.add(m.start(2))
    for m in _PUNCT_GLUE.finditer(text):
        cuts.add(m.start(3))
    for m in _PERIOD_GLUE.finditer(text):
        cuts.add(m.start(2))
    return sorted(cuts)


def split_glued(src: MappedText) -> tuple[MappedText, list[Repair]]:
    text = src.text
    repairs: list[Repair] = []
    for _ in range(3):  # a token can hide two seams ("ofSyria’snew")
        cuts = _glue_splits(text)
        if not cuts:
            break
        b = Builder(src)
        pos = 0
        for cut in cuts:
            b.copy(pos, cut)
            b.insert(" ", cut)
            pos = cut
            lo, hi = max(0, cut - 12), min(len(text), cut + 12)
            span = src.raw_span(lo, hi)
            repairs.append(Repair("glued_words", span.start, span.end, text[lo:hi],
                                  text[lo:cut] + " " + text[cut:hi]))
        b.copy(pos, len(text))
        src = b.build()
        text = src.text
    return src, repairs


_HYPHENATED = re.compile(r"(?<![\w-])([a-z]{2,})-([a-z]{1,})(?![\w-])")


def deobfuscate(src: MappedText) -> tuple[MappedText, list[Repair]]:
    """Join words broken to dodge filters ("exec-utions") when the joined word is the real one."""
    b = Builder(src)
    repairs = []
    pos = 0
    for m in _HYPHENATED.finditer(src.text):
        joined = m.group(1) + m.group(2)
        zj = zipf(joined)
        if zj < CFG["dehyphen_min_zipf"] or zj <= zipf(m.group(0)):
            continue
        b.copy(pos, m.start(0))
        b.copy(m.start(1), m.end(1))
        b.copy(m.start(2), m.end(2))
        pos = m.end(0)
        span = src.raw_span(m.start(), m.end())
        repairs.append(Repair("deobfuscate", span.start, span.end, m.group(0), joined))
    b.copy(pos, len(src.text))
    return b.build(), repairs


def collapse_spaces(src: MappedText) -> MappedText:
    b = Builder(src)
    pos = 0
    for m in re.finditer(r" {2,}", src.text):
        b.copy(pos, m.start() + 1)
        pos = m.end()
    b.copy(pos, len(src.text))
    return b.build()


def clean_text(raw: str, doc_id: str = "doc", language: str | None = "en",
               layer_offsets=None, layer_len: int | None = None
               ) -> tuple[MappedText, list[Post], list[Repair]]:
    """Clean ``raw``; offsets point into ``raw``, or through ``layer_offsets`` into the page
    source ``raw`` was extracted from."""
    start = MappedText.identity(raw) if layer_offsets is None else MappedText(
        raw, layer_offsets, layer_len if layer_len is not None else len(raw))
    mt, _ = normalise(start)
    mt, repairs = drop_date_stamp(mt)
    mt, rep = unwrap(mt)
    repairs += rep
    mt, rep = cut_inline_links(mt)
    repairs += rep
    kept, posts, rep = select_lines(mt, doc_id, language)
    repairs += rep
    mt = join_lines(mt, kept)
    mt, rep = fix_mojibake(mt)
    repairs += rep
    mt, rep = split_glued(mt)
    repairs += rep
    mt, rep = deobfuscate(mt)
    repairs += rep
    mt = collapse_spaces(mt)
    return mt, posts, repairs


@stage("clean", needs=("raw",), sets=("clean", "posts", "repairs"))
def clean_stage(work: Work) -> None:
    """Repair scrape artefacts, keeping a character map to the raw text."""
    raw = work.raw
    work.clean, work.posts, work.repairs = clean_text(raw.raw, work.doc_id, raw.language,
                                                      raw.layer_offsets, raw.layer_len)
