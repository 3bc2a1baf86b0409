"""The common written dates are read without dateparser, and read exactly as dateparser reads them."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from sitrep.extract.dates import WEEKDAYS, _MONTHS, _dateparser, _fast_date

BASES = [None, "2024-02-28", "2024-02-29", "2024-03-01", "2025-02-28", "2025-03-01", "2024-12-31",
         "2025-01-01", "2025-03-28", "2023-07-09"]


def _forms(day: int, month: int, year: int | None, weekday: str) -> list[str]:
    name = _MONTHS[month - 1]
    cap = name.capitalize()
    if year is None:
        return [f"{day} {cap}", f"{cap} {day}", f"{day:02d} {cap}", f"{name} {day}",
                f"{cap.upper()} {day}", f"{weekday} {day} {cap}", f"{weekday}, {cap} {day}",
                f"{weekday.lower()}, {day} {cap}"]
    return [f"{day} {cap} {year}", f"{cap} {day}, {year}", f"{cap} {day} {year}",
            f"{cap} {day},{year}", f"{day} {cap}, {year}", f"{weekday}, {cap} {day}, {year}",
            f"{weekday} {day} {cap} {year}", f"{name} {day:02d}, {year}"]


def _cases() -> list[tuple[str, str | None]]:
    rng = random.Random(21)
    bases = BASES + [(date(2022, 1, 1) + timedelta(days=rng.randrange(1500))).isoformat()
                     for _ in range(10)]
    cases = []
    for month in range(1, 13):
        for day in (0, 1, 9, 10, 28, 29, 30, 31, 32):
            weekday = rng.choice(WEEKDAYS).capitalize()
            base = rng.choice(bases)
            cases += [(t, base) for t in _forms(day, month, None, weekday)]
            year = rng.choice([1900, 1999, 2000, 2024, 2025, 2099])
            cases += [(t, rng.choice(bases)) for t in _forms(day, month, year, weekday)]
    for base in BASES:
        cases += [(t, base) for t in (
            "today", "yesterday", "Today", "YESTERDAY", "tonight", "two days ago",
            "between 10 and 14 April", "between 27 February", "Between March 3 and 5",
            "between 13 and 24 January", "6 and 10 February", "13 and 24 January",
            "28  March", " 28 March", "28 March ", "28 Sept", "Friday (March 28", "March 28th",
            "March 282025", "28 March 25", "on 28 March", "28 March 2025 morning", "٢٨ March",
            "ſeptember 3", "29 February", "29 February 2024", "29 February 2023", "31 April",
            "June 0, 2024")]
    return cases


CASES = _cases()


def test_the_fast_reading_is_dateparsers_wherever_it_answers():
    fast = [(text, base, _fast_date(text, base)) for text, base in CASES]
    answered = [(text, base, value) for text, base, value in fast if value is not False]
    assert len(answered) > len(CASES) // 2  # the common forms do not reach dateparser
    wrong = [(text, base, value, _dateparser(text, base)) for text, base, value in answered
             if value != _dateparser(text, base)]
    assert wrong == []


@pytest.mark.parametrize("text, base, expected", [
    ("28 March", "2025-03-28", "2025-03-28"),  # the base's own day
    ("29 March", "2025-03-28", "2024-03-29"),  # a day after the base: last year's
    ("Monday 28 February", "2025-03-05", "2025-02-28"),  # a weekday that does not fit is ignored
    ("March 28,2025", None, "2025-03-28"),
    ("yesterday", "2025-03-01", "2025-02-28"),
    ("between 13 and 17 March", "2025-04-01", None),
])
def test_common_forms(text, base, expected):
    assert _fast_date(text, base) == expected


@pytest.mark.parametrize("text, base", [
    ("29 February", "2025-03-28"),  # dateparser goes back to the last leap year
    ("31 April", "2025-05-01"), ("28 March", None), ("today", None), ("13 and 24 January", None),
    ("ſeptember 3", "2025-10-01"), ("٢٨ March", "2025-04-01"), ("March 282025", None),
])
def test_what_the_fast_reading_leaves_to_dateparser(text, base):
    assert _fast_date(text, base) is False
