"""Dates without a year: read near the report's own date."""

from __future__ import annotations

from sitrep.extract.dates import resolve


def test_a_day_without_a_year_just_after_the_report_is_the_coming_day():
    # A report of 8 July: "9 July has been declared a day of mourning" is tomorrow, not a year ago.
    assert resolve("9 July", "2024-07-08") == ("2024-07-09", "explicit")
    assert resolve("on 12 March", "2025-03-10")[0] == "2025-03-12"


def test_a_day_without_a_year_before_the_report_or_far_after_it_is_in_the_past():
    assert resolve("7 July", "2024-07-08")[0] == "2024-07-07"
    assert resolve("25 December", "2024-07-08")[0] == "2023-12-25"  # months ahead: last year's
    assert resolve("9 July 2023", "2024-07-08")[0] == "2023-07-09"  # a year written is kept
    assert resolve("29 February", "2025-02-27")[0] == "2024-02-29"  # no 29 February next year
