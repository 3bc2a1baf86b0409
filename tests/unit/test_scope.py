"""Figure scope (sitrep/extract/scope.py) on short articles of our own."""

from __future__ import annotations

import pytest

from sitrep import process
from sitrep.extract import scope as scope_mod

ARTICLE = """Militia fighters killed 61 people in the market town of Dorel on Tuesday, including 9 women and 4 children, local officials said.

The toll rose to 70 on Thursday after eight more bodies were found in a ditch, the district governor said.

On Tuesday alone, 20 people were killed in the main square, a nurse said.

A clinic in the nearby village of Sahra said it had received 12 bodies.

Since the war began, more than 40,000 people have been killed across the country, according to the United Nations.

Last year, 30 people were killed in a separate attack on a bus in the same province.
"""


@pytest.fixture(scope="module")
def figures():
    result = process(ARTICLE, published="2025-05-02", outlet="Test Wire")[0]
    return {f.span.text: f for f in result.figures}


def _by_count(figures, n):
    (f,) = [f for f in figures.values() if f.count == n]
    return f


@pytest.mark.parametrize("count,kind", [(61, "whole"), (70, "whole"), (8, "increment"),
                                        (20, "part_time"), (12, "part_place"),
                                        (40000, "background"), (30, "background")])
def test_scope_kinds(figures, count, kind):
    f = _by_count(figures, count)
    assert f.scope == kind, (f.span.text, f.scope, f.scope_reason)
    if kind != "whole":
        assert f.scope_reason


def test_breakdowns_point_at_their_total(figures):
    total = _by_count(figures, 61)
    parts = [f for f in figures.values() if f.scope == "breakdown"]
    assert sorted(f.count for f in parts) == [4, 9]
    assert {f.parent_figure_id for f in parts} == {total.id}


def test_parts_that_add_up_to_a_total_are_its_breakdown():
    text = ("A drone strike on the market killed at least 26 people on Sunday, a hospital "
            "official said.\n\nFourteen bodies reached the hospital at once, while 12 others "
            "died later of their wounds, he said.\n")
    figs = process(text, published="2025-03-03", outlet="Test Wire")[0].figures
    total = [f for f in figs if f.count == 26][0]
    parts = [f for f in figs if f.count in (14, 12)]
    assert len(parts) == 2
    assert all(f.scope == "breakdown" and f.parent_figure_id == total.id for f in parts)


def test_more_after_another_status_is_not_an_increment():
    text = "The shelling killed 12 people and injured dozens more in the old town, police said.\n"
    figs = process(text, published="2025-03-03", outlet="Test Wire")[0].figures
    assert {f.status: f.scope for f in figs} == {"killed": "whole", "injured": "whole"}


def test_every_cue_has_an_example_and_a_known_position():
    for kind, entries in scope_mod.cue_entries().items():
        assert kind in scope_mod.KINDS
        for e in entries:
            assert e["at"] in scope_mod.POSITIONS
            assert e.get("example"), e


def test_user_cues_extend_the_packaged_ones(tmp_path, monkeypatch):
    extra = tmp_path / "cues.yaml"
    extra.write_text('part_time:\n  - {cue: "on the opening day", at: sentence, example: "x"}\n')
    monkeypatch.setenv("SITREP_SCOPE_CUES", str(extra))
    entries = scope_mod.cue_entries()
    assert any(e["cue"] == "on the opening day" for e in entries["part_time"])
