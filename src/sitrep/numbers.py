"""Parse how news writes a number of people: "229", "2,400", "twenty-six", "a dozen", "dozens",
"no fewer than 2,400", "between 300 and 400", "over a thousand", "1.5 million".

``find_numbers(text)`` returns ``NumberPhrase`` records with character offsets into ``text``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
        "eighty": 80, "ninety": 90}
SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}

# Vague quantities: (min, max) as a recorder would code them; None = open.
VAGUE = {
    "several": (3, 9), "a few": (2, 5), "a handful of": (2, 5), "dozens": (24, None),
    "dozens of": (24, None), "scores of": (40, None), "hundreds": (200, None),
    "hundreds of": (200, None), "thousands": (2000, None), "thousands of": (2000, None),
    "tens of thousands of": (20000, None), "hundreds of thousands of": (200000, None),
    "tens of thousands": (20000, None), "hundreds of thousands": (200000, None),
    "scores": (40, None), "several dozen": (36, 99), "several hundred": (300, 999),
    "several dozens of": (36, 99), "several dozen of": (36, 99), "several hundreds of": (300, 999),
    "several hundred of": (300, 999), "several thousand": (3000, 9999),
    "millions": (2_000_000, None), "millions of": (2_000_000, None),  # "displaced millions"
}

QUALIFIERS = [
    ("at_least", ["at least", "no fewer than", "no less than", "not less than", "a minimum of",
                  "at minimum", "a total of at least"]),
    ("more_than", ["more than", "over", "upwards of", "in excess of", "above", "exceeding",
                   "well over", "well above", "passed", "surpassed", "exceeded", "topped", "crossed"]),
    ("about", ["about", "around", "approximately", "nearly", "almost", "some", "roughly",
               "an estimated", "estimated", "close to", "approx.", "just over", "just under",
               "just below", "an approximate"]),
    ("up_to", ["up to", "as many as", "as high as", "at most", "no more than", "not more than"]),
]

_word = "|".join(sorted(list(UNITS) + list(TENS), key=len, reverse=True))
WORD_NUM = (rf"(?:(?:a|one|{_word})(?:[- ](?:{_word}))?"
            rf"(?:\s+(?:hundred|thousand|million)(?:\s+(?:and\s+)?(?:{_word})(?:[- ](?:{_word}))?)?)*)")
DIGIT_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d{1,3}(?:\.\d{3})+(?![\d,])|\d+(?:\.\d+)?)(?:\s*(?:million|thousand|m\b|k\b))?"
NUM = rf"(?:{DIGIT_NUM}|{WORD_NUM})"
_QUAL = "|".join(re.escape(q) for _, qs in QUALIFIERS for q in sorted(qs, key=len, reverse=True))
_VAGUE = "|".join(re.escape(v) for v in sorted(VAGUE, key=len, reverse=True))

PATTERN = re.compile(
    rf"(?<![\w.,-])(?:(?P<qual>{_QUAL})\s+)?"
    rf"(?:between\s+(?P<lo>{NUM})\s+and\s+(?P<hi>{NUM})"
    rf"|(?P<rlo>{DIGIT_NUM})\s*(?:-to-|-|–|to)\s*(?P<rhi>{DIGIT_NUM})"
    rf"|(?P<wlo>{WORD_NUM})\s+to\s+(?P<whi>{WORD_NUM})"
    rf"|(?P<dozen>a dozen|half a dozen)"
    rf"|(?P<vague>{_VAGUE})"
    rf"|(?P<num>{NUM}))"
    rf"(?![\w])",
    re.I,
)


@dataclass(frozen=True)
class NumberPhrase:
    start: int
    end: int
    text: str
    count: int | None
    min: int | None
    max: int | None
    qualifier: str  # exact | at_least | more_than | about | up_to | range | vague
    num_start: int  # offset of the number itself, after the qualifier
    is_word: bool


def parse_number(text: str) -> int | None:
    """Value of one number expression, or None."""
    t = text.strip().lower().replace("–", "-")
    m = re.fullmatch(r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(million|thousand|m|k)?", t)
    if m and not m.group(2) and re.fullmatch(r"\d{1,3}(?:\.\d{3})+", m.group(1)):
        # European thousands separators: "1.250 people" is 1,250 (a head count has no decimals).
        return int(m.group(1).replace(".", ""))
    if m:
        value = float(m.group(1).replace(",", ""))
        scale = {"million": 1_000_000, "m": 1_000_000, "thousand": 1000, "k": 1000}.get(m.group(2) or "", 1)
        if scale == 1 and "." in m.group(1):
            return None  # decimals are not head counts
        return int(round(value * scale))
    words = re.split(r"[\s-]+", t.replace(" and ", " "))
    total, current, seen = 0, 0, False
    for w in words:
        if w in ("a", "one") and not seen:
            current += 1
            seen = True
        elif w in UNITS:
            current += UNITS[w]
            seen = True
        elif w in TENS:
            current += TENS[w]
            seen = True
        elif w == "hundred":
            current = max(current, 1) * 100
        elif w in ("thousand", "million"):
            total += max(current, 1) * SCALES[w]
            current = 0
        elif w:
            return None
    return total + current if seen or total else None


def _qualifier(q: str | None) -> str | None:
    if not q:
        return None
    q = q.lower()
    for name, forms in QUALIFIERS:
        if q in forms:
            return name
    return None


_PARTITIVE_ONE = re.compile(r"\s+of (?:them|whom|those|the dead|the victims)\b", re.I)


def _one_person() -> re.Pattern[str]:
    """"one more person", "one child", "one injured person": "one" before a noun of one person
    (``one_person`` in data/figures_lexicon.yaml, extendable with ``SITREP_FIGURES_LEXICON``)."""
    from .config import load_data

    words = load_data("figures_lexicon.yaml", "SITREP_FIGURES_LEXICON",
                      merge="append_new").get("one_person") or []
    alt = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"\s+(?:more\s+|other\s+|[a-z]+ly\s+)?(?:injured\s+|wounded\s+|dead\s+)?"
                      rf"(?:[A-Z]{{2,6}}\s+)?(?:{alt})\b(?!-)")  # "one AA member"


# "killing one and injuring ten": "one" as the object of a status verb.
_ONE_AFTER_STATUS = re.compile(r"\b(?:killing|killed|kills|injuring|injured|wounding|wounded)\s+$", re.I)
# "11 students and a journalist": "a" closing a list of counts is one.
_A_CLOSING_LIST = re.compile(r"\d[^.;]{0,60}\band\s+$")


_ONE_PERSON = _one_person()


def _another_one() -> re.Pattern[str]:
    """"another" standing for one person: before a noun of one person ("another wounded person
    died", "another body was found"), before "one" ("captured another one") or as a subject before
    a linking or status verb ("one soldier was killed and another sustained injuries", "Another
    dies of wounds"). "another 40" is a number of its own; "another attack" is no person."""
    from .config import load_data

    lex = load_data("figures_lexicon.yaml", "SITREP_FIGURES_LEXICON", merge="append_new")
    verbs = set(lex.get("linking_verbs") or []) | {
        w for ws in (lex.get("status_words") or {}).values() for w in ws if " " not in w}
    verbs -= {"including", "toll", "lives", "kill", "die", "wound", "held", "bodies", "dead",
              "death", "deaths", "security"}  # nouns and bare stems: no verb after a subject
    alt = "|".join(re.escape(w) for w in sorted(verbs, key=len, reverse=True))
    return re.compile(rf"\b(?<![\w-])(?P<n>[Aa]nother)(?=\s+(?:one\b|(?:{alt})\b)|{_ONE_PERSON.pattern})")


_ANOTHER_ONE = _another_one()


def _up_verbs() -> re.Pattern[str]:
    """``up_verbs`` of data/figures_lexicon.yaml: verbs whose "up" goes with them, not with a
    following "to N" ("the toll has gone up to 25" is 25, not at most 25)."""
    from .config import load_data

    lex = load_data("figures_lexicon.yaml", "SITREP_FIGURES_LEXICON", merge="append_new")
    alt = "|".join(re.escape(w) for w in sorted(lex.get("up_verbs") or [], key=len, reverse=True))
    return re.compile(rf"\b(?:{alt})\s+$", re.I) if alt else re.compile(r"(?!)")


_UP_VERB = _up_verbs()


_CLOCK = re.compile(r"(?<!\d)\d{1,2}:\d{2}(?!\d)")

# PATTERN tried at every character costs 3 ms a document: most of it is its long alternations
# tried at the start of every word. A match starts a word (a run of \w not after "." "," "-")
# whose first run is a digit or one of these words ("at" of "at least", "approx" of "approx."),
# so only those runs are tried. re.I also matches "ſ" to "s" and "K" (Kelvin) to "k": a word
# with any non-ASCII character is always tried. ``_matches`` gives what PATTERN.finditer gives
# (tests/unit/test_numbers_fast.py).
_FIRST_WORDS = frozenset(
    re.match(r"\w+", alt).group(0).lower()
    for alt in [q for _, qs in QUALIFIERS for q in qs] + ["between", "a dozen", "half a dozen", "a", "one"]
    + list(UNITS) + list(TENS) + list(VAGUE))
_WORD_RUN = re.compile(r"(?<![\w.,-])\w+")


def _matches(text: str) -> list[re.Match[str]]:
    out = []
    end = 0
    for run in _WORD_RUN.finditer(text):
        start = run.start()
        if start >= end:
            word = run.group()
            if word.lower() in _FIRST_WORDS or word[0].isdecimal() or not word.isascii():
                m = PATTERN.match(text, start)
                if m is not None:
                    end = m.end()
                    out.append(m)
    return out


# "the toll rose by 12 to 85": a rise and the toll it reached (find_numbers).
_BY_BEFORE = re.compile(r"\bby\s+$", re.I)


def find_numbers(text: str) -> list[NumberPhrase]:
    out = []
    clocks = [(c.start(), c.end()) for c in _CLOCK.finditer(text)] if ":" in text else []
    for m in _matches(text):
        qual = _qualifier(m.group("qual"))
        start, end = m.start(), m.end()
        if qual == "up_to" and m.group("qual").lower().startswith("up") and _UP_VERB.search(
                text, max(0, start - 20), start):
            qual, start = None, m.start("num") if m.group("num") else start  # "gone up to | 25"
        num_start = start
        for g in ("lo", "rlo", "wlo", "dozen", "vague", "num"):
            if m.group(g) is not None:
                num_start = m.start(g)
                break
        if m.group("lo") or m.group("rlo") or m.group("wlo"):
            lo = parse_number(m.group("lo") or m.group("rlo") or m.group("wlo"))
            hi = parse_number(m.group("hi") or m.group("rhi") or m.group("whi"))
            if lo is None or hi is None or hi <= lo:
                continue
            hig = next(g for g in ("hi", "rhi", "whi") if m.group(g) is not None)
            if _BY_BEFORE.search(text, max(0, start - 6), start) and re.match(
                    r"\s*to\s*$", text[m.end(next(g for g in ("lo", "rlo", "wlo") if m.group(g))):m.start(hig)]):
                # "the toll rose by 12 to 85": a rise and the toll it reached, not a range.
                lg = next(g for g in ("lo", "rlo", "wlo") if m.group(g))
                for g, n in ((lg, lo), (hig, hi)):
                    out.append(NumberPhrase(m.start(g), m.end(g), m.group(g), n, n, n, "exact", m.start(g),
                                            not m.group(g)[0].isdigit()))
                continue
            out.append(NumberPhrase(start, end, m.group(0), None, lo, hi, "range", num_start, False))
        elif m.group("dozen"):
            n = 6 if m.group("dozen").lower().startswith("half") else 12
            out.append(NumberPhrase(start, end, m.group(0), n, None, None, qual or "about", num_start, True))
        elif m.group("vague"):
            lo, hi = VAGUE[m.group("vague").lower()]
            if qual == "more_than" and lo is not None:
                lo += 1
            out.append(NumberPhrase(start, end, m.group(0), None, lo, hi, "vague", num_start, True))
        else:
            raw = m.group("num")
            if any(a <= m.start("num") < b for a, b in clocks):
                continue  # "as of 07:00": a time of day
            if raw.lower() in ("a", "one") and not qual and not (
                    raw.lower() == "one" and (_PARTITIVE_ONE.match(text, end)
                                              or _ONE_PERSON.match(text, end)
                                              or _ONE_AFTER_STATUS.search(text, 0, start))
                    or raw.lower() == "a" and _ONE_PERSON.match(text, end)
                    and _A_CLOSING_LIST.search(text, max(0, start - 80), start)):
                continue  # the article "a" is not a count; "one of them" is
            n = parse_number(raw)
            if n is None:
                continue
            is_word = not raw[0].isdigit()
            q = qual or "exact"
            lo = hi = None
            if q == "exact":
                lo = hi = n
            elif q == "at_least":
                lo = n
            elif q == "more_than":
                lo = n + 1
            elif q == "up_to":
                hi = n
            out.append(NumberPhrase(start, end, text[start:end], n, lo, hi, q, num_start, is_word))
    for m in _ANOTHER_ONE.finditer(text) if "nother" in text else ():
        if not any(p.start <= m.start() < p.end for p in out):
            out.append(NumberPhrase(m.start(), m.end("n"), m.group("n"), 1, 1, 1, "exact", m.start(), True))
    out.sort(key=lambda p: p.start)
    return _bounds_joined(text, out)


# "at least 127 deaths and up to 150 deaths": one range, its two bounds written apart.
_AND_UP_TO = re.compile(r"(\s+[a-z]+)?\s+and\s+")


def _bounds_joined(text: str, phrases: list[NumberPhrase]) -> list[NumberPhrase]:
    out: list[NumberPhrase] = []
    for p in phrases:
        last = out[-1] if out else None
        gap = _AND_UP_TO.fullmatch(text, last.end, p.start) if last is not None else None
        noun = gap.group(1) if gap is not None else None
        if last is not None and last.qualifier == "at_least" and p.qualifier == "up_to" and \
                last.min is not None and p.max is not None and last.min < p.max and gap and (
                noun is None or text[p.end:p.end + len(noun) + 1].strip() == noun.strip()):
            # (the noun, if any, written again after the second bound: "… deaths and up to 150
            # deaths"; "at least 12 dead and up to 40 hurt" are two counts)
            out[-1] = NumberPhrase(last.start, p.end, text[last.start:p.end], None, last.min, p.max,
                                   "range", last.num_start, last.is_word)
            continue
        out.append(p)
    return out
