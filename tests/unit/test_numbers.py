"""How news writes a number of people: digits, words, vague quantities, qualifiers, ranges."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitrep.numbers import find_numbers, parse_number

PROPS = settings(max_examples=300, deadline=None, database=None, derandomize=True)

UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
         "nineteen"]
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def words(n: int, sep: str = "-") -> str:
    if n < 20:
        return UNITS[n]
    tens, unit = divmod(n, 10)
    return TENS[tens] + (sep + UNITS[unit] if unit else "")


def only(text: str):
    found = find_numbers(text)
    assert len(found) == 1, found
    return found[0]


# --- digits ---------------------------------------------------------------------------------

@PROPS
@given(st.integers(0, 10**7))
def test_digits_with_and_without_commas_parse(n):
    assert parse_number(str(n)) == n
    assert parse_number(f"{n:,}") == n


@PROPS
@given(st.integers(0, 10**7))
def test_digits_are_found_in_a_sentence(n):
    for written in (str(n), f"{n:,}"):
        text = f"The monitor said {written} people were killed."
        phrase = only(text)
        assert phrase.count == n
        assert phrase.min == phrase.max == n
        assert phrase.qualifier == "exact"
        assert text[phrase.start:phrase.end] == written
        assert phrase.is_word is False


@pytest.mark.parametrize("text, value", [("1.5 million", 1_500_000), ("2 million", 2_000_000),
                                         ("3 thousand", 3000), ("10k", 10_000)])
def test_scaled_digits(text, value):
    assert parse_number(text) == value


def test_decimals_are_not_head_counts():
    assert parse_number("2.5") is None


# --- words ----------------------------------------------------------------------------------

@pytest.mark.parametrize("n", range(1, 100))
def test_word_numbers_one_to_ninety_nine(n):
    assert parse_number(words(n)) == n
    assert parse_number(words(n).capitalize()) == n
    if n == 1:
        return  # a bare "one" is not taken as a count (see test_bare_one_needs_a_qualifier)
    phrase = only(f"Officials said {words(n)} people were killed.")
    assert phrase.count == n and phrase.is_word


def test_bare_one_needs_a_qualifier():
    # "one of the fighters" is far more common than a head count of one; with a qualifier it counts.
    assert find_numbers("one of the fighters said") == []
    p = only("at least one person was killed")
    assert (p.count, p.qualifier) == (1, "at_least")


@pytest.mark.parametrize("n", [21, 34, 47, 99])
def test_compound_word_numbers_with_a_space(n):
    assert parse_number(words(n, " ")) == n


@pytest.mark.parametrize("text, value", [
    ("one hundred and twenty", 120), ("one hundred twenty", 120), ("a hundred", 100),
    ("two hundred", 200), ("a thousand", 1000), ("two thousand four hundred", 2400),
    ("three hundred and forty-five", 345), ("one million", 1_000_000)])
def test_larger_word_numbers(text, value):
    assert parse_number(text) == value
    phrase = only(f"The agency said {text} people had fled.")
    assert phrase.count == value
    assert phrase.text == text


def test_not_a_number():
    assert parse_number("people") is None
    assert parse_number("") is None
    assert find_numbers("The monitor said people were killed.") == []


def test_the_article_a_is_not_a_count():
    assert find_numbers("A man was killed in a strike.") == []


# --- vague quantities -----------------------------------------------------------------------

def test_a_dozen():
    p = only("a dozen people were wounded")
    assert p.count == 12
    assert p.text == "a dozen"


def test_half_a_dozen():
    assert only("half a dozen homes").count == 6


def test_dozens():
    p = only("dozens were wounded")
    assert p.qualifier == "vague"
    assert p.count is None
    assert p.min == 24 and p.max is None


def test_dozens_of():
    p = only("dozens of civilians were wounded")
    assert p.qualifier == "vague" and p.min == 24


def test_hundreds_of_thousands():
    p = only("hundreds of thousands of people fled")
    assert p.min == 200_000


# --- qualifiers and ranges ------------------------------------------------------------------

def test_between_range():
    p = only("between 300 and 400 people were killed")
    assert p.qualifier == "range"
    assert (p.min, p.max, p.count) == (300, 400, None)
    assert p.text == "between 300 and 400"
    assert p.num_start == len("between ")


def test_dash_range():
    p = only("300-400 people")
    assert (p.qualifier, p.min, p.max) == ("range", 300, 400)


def test_inverted_range_is_not_a_range():
    assert all(p.qualifier != "range" for p in find_numbers("between 400 and 300 people"))


def test_no_fewer_than():
    p = only("no fewer than 2,400 Alawite civilians")
    assert p.qualifier == "at_least"
    assert p.count == 2400 and p.min == 2400 and p.max is None
    assert p.text == "no fewer than 2,400"
    assert p.num_start == len("no fewer than ")


def test_at_least():
    p = only("At least 12 civilians were killed")
    assert (p.qualifier, p.count, p.min, p.max) == ("at_least", 12, 12, None)


def test_more_than_is_exclusive():
    p = only("more than 100 people were wounded")
    assert p.qualifier == "more_than"
    assert p.count == 100
    assert p.min == 101 and p.max is None


def test_up_to():
    p = only("up to 50 people may have died")
    assert p.qualifier == "up_to"
    assert p.count == 50 and p.max == 50 and p.min is None


def test_over_a_thousand():
    p = only("the toll rose to over a thousand")
    assert p.qualifier == "more_than"
    assert p.count == 1000 and p.min == 1001
    assert p.text == "over a thousand"


def test_about():
    p = only("about 40 people")
    assert p.qualifier == "about" and p.count == 40


def test_offsets_point_into_the_text():
    text = "The monitor said 745 civilians, 125 security personnel and 148 loyalists died."
    found = find_numbers(text)
    assert [p.count for p in found] == [745, 125, 148]
    for p in found:
        assert text[p.start:p.end] == p.text


def test_number_inside_a_word_or_decimal_is_not_found():
    assert find_numbers("the F16 jet") == []
    assert [p.count for p in find_numbers("a 4th Division officer")] == []


# --- properties over any number and any text ------------------------------------------------

def spell(n: int) -> str:
    """English words for 1 <= n < 1,000,000 as news writes them ("two thousand and five")."""
    def below_thousand(k: int) -> str:
        hundreds, rest = divmod(k, 100)
        parts = [f"{UNITS[hundreds]} hundred"] if hundreds else []
        if rest:
            parts.append(("and " if hundreds else "") + words(rest))
        return " ".join(parts)

    thousands, rest = divmod(n, 1000)
    if not thousands:
        return below_thousand(rest)
    text = f"{below_thousand(thousands)} thousand"
    if rest:
        text += (" and " if rest < 100 else " ") + below_thousand(rest)
    return text


@PROPS
@given(st.integers(2, 999_999))
def test_spelled_out_numbers_parse_and_are_found_whole(n):
    written = spell(n)
    assert parse_number(written) == n, written
    text = f"Officials said {written} people had fled the district."
    phrase = only(text)
    assert (phrase.count, phrase.text, phrase.is_word) == (n, written, True)


QUALIFIED = [(name, form) for name, forms in
             [("at_least", ["at least", "no fewer than", "a minimum of"]),
              ("more_than", ["more than", "over", "upwards of", "in excess of"]),
              ("about", ["about", "around", "nearly", "some", "an estimated", "just over"]),
              ("up_to", ["up to", "as many as", "no more than"])] for form in forms]
BOUNDS = {"at_least": lambda n: (n, None), "more_than": lambda n: (n + 1, None),
          "about": lambda n: (None, None), "up_to": lambda n: (None, n)}


@PROPS
@given(st.sampled_from(QUALIFIED), st.integers(2, 10**6), st.booleans())
def test_every_qualifier_sets_its_bounds(qualified, n, commas):
    name, form = qualified
    written = f"{n:,}" if commas else str(n)
    phrase = only(f"The ministry said {form} {written} people were killed.")
    assert (phrase.qualifier, phrase.count) == (name, n)
    assert (phrase.min, phrase.max) == BOUNDS[name](n)
    assert phrase.text == f"{form} {written}"
    assert phrase.text[phrase.num_start - phrase.start:] == written


@PROPS
@given(st.integers(5, 10**5), st.integers(1, 10**5), st.sampled_from(["between {} and {}", "{}-{}",
                                                                        "{} to {}", "{}–{}"]))
def test_ranges_keep_their_ends_and_inverted_ones_are_not_ranges(lo, width, shape):
    hi = lo + width
    phrase = only("Officials said " + shape.format(lo, hi) + " people were detained.")
    assert (phrase.qualifier, phrase.min, phrase.max, phrase.count) == ("range", lo, hi, None)
    inverted = find_numbers("Officials said " + shape.format(hi, lo) + " people were detained.")
    assert all(p.qualifier != "range" for p in inverted)


QUALIFIERS_ALL = {"exact", "at_least", "more_than", "about", "up_to", "range", "vague"}
news_text = st.lists(st.one_of(
    st.text(alphabet=string.ascii_letters + string.digits + " ,.-–", max_size=12),
    st.sampled_from(["at least", "more than", "between", "and", "dozens of", "a dozen", "hundred",
                     "thousand", "twenty-one", "some", "up to", "1,200", "3.5", "10k", "a", "one"]),
), max_size=25).map(" ".join)


@PROPS
@given(st.one_of(news_text, st.text(max_size=120)))
def test_any_text_gives_ordered_in_bounds_phrases(text):
    found = find_numbers(text)
    end = 0
    for p in found:
        assert end <= p.start < p.end <= len(text), (p, text)
        assert text[p.start:p.end] == p.text
        assert p.start <= p.num_start < p.end
        assert p.qualifier in QUALIFIERS_ALL
        if p.min is not None and p.max is not None:
            assert p.min <= p.max
        if p.count is not None:
            assert p.count >= 0
            assert p.min is None or p.min <= p.count + 1  # more_than: min is count + 1
            assert p.max is None or p.count <= p.max
        end = p.end


# --- forms met in real reporting ----------------------------------------------------------------

@pytest.mark.parametrize("text, lo, hi", [
    ("several dozen people", 36, 99),
    ("several hundred families", 300, 999),
    ("the bodies of four to six children", 4, 6),
    ("the 200-to-400 spectrum", 200, 400),
])
def test_vague_and_word_ranges(text, lo, hi):
    phrase = only(text)
    assert (phrase.min, phrase.max) == (lo, hi)
    assert phrase.count is None


@pytest.mark.parametrize("text, n", [("1.250 people were killed", 1250),
                                     ("between 2.100 and 2.400 people", None)])
def test_european_thousands_separators(text, n):
    phrase = only(text)
    if n is None:
        assert (phrase.min, phrase.max) == (2100, 2400)
    else:
        assert phrase.count == n


def test_decimals_with_a_scale_stay_decimals():
    assert only("1.5 million people").count == 1_500_000
    assert find_numbers("a 2.5 km walk") == []


@pytest.mark.parametrize("text, counted", [
    ("One more person died in the town", True),
    ("including one child", True),
    ("and one injured person", True),
    ("one of the deadliest attacks", False),
    ("at one point the road was closed", False),
])
def test_one_counts_only_before_a_person(text, counted):
    assert [p.count for p in find_numbers(text)] == ([1] if counted else [])


@pytest.mark.parametrize("text, counts", [
    ("one NAA member was killed", [1]),               # an acronym before the noun of one person
    ("fired on the camp, killing one and injuring four", [1, 4]),  # "one" as a status verb's object
    ("9 students and a teacher were killed", [9, 1]),  # "a" closing a list of counts
    ("a teacher was among the dead", []),              # the article alone is no count
    ("a man and a woman were hurt", []),
])
def test_one_and_a_as_counts(text, counts):
    assert [p.count for p in find_numbers(text)] == counts


def test_bounds_written_apart_make_one_range():
    phrase = only("at least 127 deaths and up to 150 deaths")
    assert (phrase.qualifier, phrase.min, phrase.max, phrase.count) == ("range", 127, 150, None)
    # two counts of two things stay two
    assert [p.qualifier for p in find_numbers("at least 12 dead and up to 40 hurt in the blast")] == \
        ["at_least", "up_to"]


def test_a_clock_time_is_no_count():
    assert [p.count for p in find_numbers("As of 07:00, three people had been killed")] == [3]
    assert [p.count for p in find_numbers("At 9:30 12 people were hurt")] == [12]


def test_up_after_a_verb_of_rising_is_the_verbs():
    phrase = only("the toll has gone up to 25")
    assert (phrase.qualifier, phrase.count, phrase.min, phrase.max) == ("exact", 25, 25, 25)
    assert only("up to 25 people may be missing").qualifier == "up_to"
