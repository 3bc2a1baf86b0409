"""find_numbers tries its pattern only at words that can start a number: the same matches as
trying it at every character."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitrep.numbers import PATTERN, QUALIFIERS, UNITS, VAGUE, _matches

PROPS = settings(max_examples=1500, deadline=None, database=None, derandomize=True)

WORDS = sorted({w for _, qs in QUALIFIERS for q in qs for w in q.split()} | set(UNITS) | {
    "twenty", "ninety", "hundred", "thousand", "million", "m", "k", "and", "to", "-to-", "between",
    "a", "an", "dozen", "half", "of", "them", "people", "killed", "at", "approx.", "1,200", "2.5",
    "1.250", "07:00", "300", "4", "1-2", "2–3", "another", "Another", "one", "ONE", "Several",
    "ſeven", "ſeveral", "\u212aILLED", "İn", "٣٠", "²", "_5", "a5", "x1", "sevenfold"}
    | {w for v in VAGUE for w in v.split()})


def _same(text: str) -> None:
    fast = [(m.span(), m.groupdict()) for m in _matches(text)]
    slow = [(m.span(), m.groupdict()) for m in PATTERN.finditer(text)]
    assert fast == slow


@PROPS
@given(st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from([" ", " ", "", ".", ",", "-", "\n",
                                                                     "(", "'s ", "  ", "/"])),
                max_size=14))
def test_words_that_can_start_a_number(parts):
    _same("".join(w + sep for w, sep in parts))


@PROPS
@given(st.text(alphabet="0123456789 ,.-–:aAbeinotvwrsuhlkmſ\u212aİ٣_", max_size=40))
def test_any_characters(text):
    _same(text)


@pytest.mark.parametrize("text", [
    "", "a", "At least 300 people", "no fewer than 2,400", "between 300 and 400", "approx. 50",
    "ſeven were killed", "\u212a", "over a thousand", "1.5 million", "x-5 and .5 and ,5", "a5 a 5",
    "tens of thousands of people", "half a dozen", "up to 25", "twenty-six", "٣٠ people",
    "the 4th Division", "12 to 15", "12-to-15", "one of them", "sevenfold", "_5 killed",
])
def test_forms(text):
    _same(text)
