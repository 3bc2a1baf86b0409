"""The character map from cleaned text back to the raw text.

Unit tests pin ``MappedText`` / ``Builder``; property tests run the whole cleaner on generated
scrape-like text and check that every character it keeps points at the raw character it came from.
"""

from __future__ import annotations

import string
from array import array

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sitrep.clean import clean_text
from sitrep.records import RawSpan
from sitrep.textmap import Builder, MappedText

# No example database: the suite must not write outside tests/ (see the brief), and a fixed
# derandomised run keeps CI reproducible.
PROPS = settings(max_examples=200, deadline=None, database=None, derandomize=True,
                 suppress_health_check=[HealthCheck.too_slow])

INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"}


# --- MappedText / Builder ---------------------------------------------------------------------

def test_identity_maps_every_char_to_itself():
    mt = MappedText.identity("abc def")
    assert mt.text == "abc def"
    assert list(mt.offsets) == list(range(7))
    assert mt.raw_len == 7
    assert mt.raw_span(0, 3) == RawSpan(0, 3)
    assert mt.raw_span(4, 7) == RawSpan(4, 7)


def test_empty_span_maps_to_a_point():
    mt = MappedText.identity("abc")
    assert mt.raw_span(1, 1) == RawSpan(1, 1)
    assert mt.raw_span(3, 3) == RawSpan(3, 3)  # end of text -> raw length


def test_builder_copy_and_insert_keep_raw_positions():
    src = MappedText.identity("ofSyria")
    b = Builder(src)
    b.copy(0, 2)
    b.insert(" ", 2)
    b.copy(2, 7)
    out = b.build()
    assert out.text == "of Syria"
    # The inserted space takes the raw offset of the character that follows it.
    assert list(out.offsets) == [0, 1, 2, 2, 3, 4, 5, 6]
    assert out.raw_span(3, 8) == RawSpan(2, 7)
    assert out.raw_len == 7


def test_builder_insert_at_end_points_past_last_char():
    src = MappedText.identity("ab")
    b = Builder(src)
    b.copy(0, 2)
    b.insert("!", 2)
    out = b.build()
    assert out.text == "ab!"
    assert out.offsets[2] == 2


def test_builder_replace_keeps_exact_offsets_where_chars_agree():
    src = MappedText.identity("donâ€™t go")
    b = Builder(src)
    b.replace(0, len(src.text), "don’t go")
    out = b.build()
    assert out.text == "don’t go"
    for i, ch in enumerate(out.text):
        if ch != "’":
            assert src.text[out.offsets[i]] == ch
    # The repaired apostrophe points at the mojibake it stands for.
    apo = out.text.index("’")
    assert src.text[out.offsets[apo]] in "â€™"


def test_builder_composes_through_two_layers():
    # raw -> layer 1 drops a prefix -> layer 2 inserts a space: offsets still point into raw.
    raw = "XXXhelloWorld"
    l1 = Builder(MappedText.identity(raw))
    l1.copy(3, len(raw))
    m1 = l1.build()
    l2 = Builder(m1)
    l2.copy(0, 5)
    l2.insert(" ", 5)
    l2.copy(5, len(m1.text))
    m2 = l2.build()
    assert m2.text == "hello World"
    span = m2.raw_span(6, 11)
    assert raw[span.start:span.end] == "World"
    assert m2.raw_span(0, 11) == RawSpan(3, len(raw))


# --- strategies for scrape-like text --------------------------------------------------------

# Characters ftfy leaves alone: no Latin-1 supplement (mojibake material), no '&' (HTML
# unescaping), no combining marks (NFC), no full-width forms or ligatures, no U+2028.
SAFE_LATIN = string.ascii_letters + string.digits + " .,;:!?'\"()-/%$#@*+=_[]’‘“”…—–"
HEBREW = "אבגדהוזחטיכלמנסעפצקרשת"
ARABIC = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
CYRILLIC = "абвгдежзийклмнопрстуфхцчшщыэюя"
GREEK = "αβγδεζηθικλμνξοπρστυφχψω"

GLUED = ["ofSyria’snew", "presidentBashar", "al-Assadcontinued", "Katzshared", "country,Defense",
         "exec-utions", "terr-or", "long-term", "well-known", "execution-style", "led byAhmad",
         "said.Rescue", "ofJableh", "iPhone", "YouTube", "McDonald", "DeSantis", "al-Sharaa",
         "Jableh", "Latakia", "Tartus", "Hezbollah", "2 View gallery", "(Photo: Jane Doe/ AFP)",
         "pic.twitter.com/abc", "— Jane Roe (@jane_roe) March 8, 2025", "Read more:", "KATZ’S CALL"]

SEPARATORS = [" ", "  ", "\u00a0", "\t", "\u200b", "\u200d", "\ufeff", "\u00ad", "\u2009",
              "\u202f", ", ", ". "]
NEWLINES = ["\n", "\r\n", "\r", "\n\n", "\r\n\r\n"]

words = st.text(alphabet=SAFE_LATIN, min_size=1, max_size=12)
lower_words = st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=10)
foreign = st.sampled_from([HEBREW, ARABIC, CYRILLIC, GREEK]).flatmap(
    lambda alpha: st.text(alphabet=alpha + " ", min_size=1, max_size=20))
pieces = st.one_of(words, lower_words, st.sampled_from(GLUED), foreign,
                   st.sampled_from(SEPARATORS), st.sampled_from(NEWLINES))
scrape_text = st.lists(pieces, min_size=0, max_size=60).map("".join)


def nonspace(s: str) -> str:
    return "".join(c for c in s if not c.isspace())


def is_subsequence(needle: str, haystack: str) -> bool:
    it = iter(haystack)
    return all(c in it for c in needle)


# --- properties -----------------------------------------------------------------------------

@PROPS
@given(scrape_text)
def test_every_kept_char_points_at_itself_in_raw(raw):
    mt, _posts, repairs = clean_text(raw, "d")
    assert not any(r.kind == "mojibake" for r in repairs), "strategy must not produce mojibake"
    assert len(mt.offsets) == len(mt.text)
    assert mt.raw_len == len(raw)
    for i, ch in enumerate(mt.text):
        assert 0 <= mt.offsets[i] < len(raw), (i, ch)
        if not ch.isspace():
            assert raw[mt.offsets[i]] == ch, (i, ch, raw[mt.offsets[i]])


@PROPS
@given(scrape_text)
def test_kept_chars_keep_raw_order(raw):
    mt, _, _ = clean_text(raw, "d")
    offs = list(mt.offsets)
    assert offs == sorted(offs), "clean text is in raw order"
    solid = [mt.offsets[i] for i, c in enumerate(mt.text) if not c.isspace()]
    assert len(solid) == len(set(solid)), "a raw character is used at most once"


@PROPS
@given(scrape_text)
def test_clean_text_has_no_invisible_or_odd_spaces(raw):
    text = clean_text(raw, "d")[0].text
    assert "\r" not in text
    assert not INVISIBLE & set(text)
    assert "\u00a0" not in text and "\t" not in text
    assert "  " not in text


@PROPS
@given(scrape_text, st.data())
def test_raw_span_covers_the_clean_words(raw, data):
    mt, _, _ = clean_text(raw, "d")
    n = len(mt.text)
    a = data.draw(st.integers(0, n), label="start")
    b = data.draw(st.integers(a, n), label="end")
    span = mt.raw_span(a, b)
    assert 0 <= span.start <= span.end <= len(raw)
    covered = raw[span.start:span.end]
    # The clean words appear in the raw range, in order (glue spaces and dropped hyphens aside).
    assert is_subsequence(nonspace(mt.text[a:b]), covered), (mt.text[a:b], covered)
    if nonspace(mt.text[a:b]):
        assert covered[0] == nonspace(mt.text[a:b])[0] or mt.text[a].isspace()


@PROPS
@given(scrape_text, st.data())
def test_raw_span_of_each_word_is_tight(raw, data):
    mt, _, _ = clean_text(raw, "d")
    tokens = [(m.start(), m.end()) for m in __import__("re").finditer(r"\S+", mt.text)]
    assume(tokens)
    a, b = data.draw(st.sampled_from(tokens))
    span = mt.raw_span(a, b)
    word = mt.text[a:b]
    covered = raw[span.start:span.end]
    assert covered[0] == word[0] and covered[-1] == word[-1]
    assert is_subsequence(word, covered)


prose_line = st.lists(lower_words, min_size=16, max_size=25).map(lambda ws: " ".join(ws) + ".")


@PROPS
@given(st.lists(prose_line, min_size=1, max_size=6, unique=True),
       st.sampled_from(["\n", "\r\n", "\n\n"]))
def test_plain_prose_is_kept_verbatim(lines, newline):
    raw = newline.join(lines)
    mt, posts, repairs = clean_text(raw, "d")
    assert mt.text == "\n\n".join(lines)
    assert posts == [] and repairs == []
    # Each paragraph maps onto exactly its raw line.
    pos = 0
    for line in lines:
        start = mt.text.index(line, pos)
        span = mt.raw_span(start, start + len(line))
        assert raw[span.start:span.end] == line
        pos = start + len(line)


@settings(max_examples=300, deadline=None, database=None, derandomize=True)
@given(st.text(max_size=200))
def test_any_text_cleans_without_error_and_maps_in_range(raw):
    # Arbitrary Unicode, mojibake material included: the invariant is weaker (ftfy may rewrite
    # characters), but the map must stay in range and every unchanged character exact.
    mt, _posts, repairs = clean_text(raw, "d")
    assert len(mt.offsets) == len(mt.text)
    fixed = [(r.raw_start, r.raw_end) for r in repairs if r.kind == "mojibake"]
    for i, ch in enumerate(mt.text):
        off = mt.offsets[i]
        assert 0 <= off <= len(raw)
        if ch.isspace():
            continue
        if not any(lo <= off < hi for lo, hi in fixed):
            assert off < len(raw) and raw[off] == ch, (i, ch)


@PROPS
@given(st.one_of(scrape_text, st.text(max_size=200)), st.data())
def test_raw_spans_are_in_bounds_monotone_and_nested(raw, data):
    # Any input, mojibake included: a later clean range never maps before an earlier one, and a
    # range inside another maps inside the other's raw range.
    mt, _, _ = clean_text(raw, "d")
    n = len(mt.text)
    a, b, c, d = sorted(data.draw(st.lists(st.integers(0, n), min_size=4, max_size=4)))
    first, second, outer = mt.raw_span(a, b), mt.raw_span(c, d), mt.raw_span(a, d)
    for span in (first, second, outer):
        assert 0 <= span.start <= span.end <= len(raw)
    assert first.start <= second.start
    if b > a and d > c:
        assert first.end <= second.end
        assert outer.start <= first.start and first.end <= outer.end
        assert outer.start <= second.start and second.end <= outer.end


def test_offsets_are_an_int_array():
    mt, _, _ = clean_text("ofSyria’snew regime fighters were there today, officials said.", "d")
    assert isinstance(mt.offsets, array)
