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


def _scopes(text, published="2025-03-03"):
    figs = process(text, published=published, outlet="Test Wire")[0].figures
    return {(f.count, f.status): f.scope for f in figs}


def test_a_dateline_dash_is_not_a_list_of_parts():
    s = _scopes("HARROW, May 4 (Plains Wire) – Six people were killed, and more than 300 others "
                "were wounded yesterday across the valley, the health minister said.\n",
                published="2025-05-05")
    assert s[(6, "killed")] == "whole"


def test_another_after_a_count_of_other_people_is_not_a_rise():
    s = _scopes("Gunmen killed 17 villagers in Amber on Sunday, the governor said.\n\n"
                "Another 9 people were wounded, he said.\n")
    assert s[(9, "injured")] == "whole"


def test_new_deaths_are_increments_not_parts_of_a_sum():
    s = _scopes("The toll from the protests rose to 140 on Thursday. A police officer at the "
                "central hospital confirmed two new deaths overnight.\n\nOne more person died "
                "in Kessel the same day. With these three, the toll rose to 140.\n")
    assert s[(2, "killed")] == "increment" and s[(1, "killed")] == "increment"


def test_a_list_opened_by_a_count_of_men_is_a_breakdown_of_the_earlier_total():
    figs = process("Soldiers killed at least 120 civilians in Ravel on 3 May, a rights group "
                   "said.\n\nThey killed "
                   "61 men, 24 women and 35 children, witnesses said.\n",
                   published="2025-05-10", outlet="Test Wire")[0].figures
    total = next(f for f in figs if f.count == 120)
    men = next(f for f in figs if f.count == 61)
    assert (men.scope, men.parent_figure_id) == ("breakdown", total.id)


def test_a_year_or_month_before_the_report_makes_a_figure_background():
    s = _scopes("Gunmen killed 14 people in Dorel on Monday, police said.\n\nThe UN mission says "
                "nearly 700 civilians were killed in 2023 in the province.\n\nOn top of the most "
                "recent raid, around 50 people have been killed in attacks on camps in the area "
                "since October 2023.\n", published="2024-04-08")
    assert s[(14, "killed")] == "whole"
    assert s[(700, "killed")] == "background" and s[(50, "killed")] == "background"


def test_a_nationwide_toll_of_a_nationwide_event_is_whole():
    s = _scopes("The minister said nine people were killed and some 3,000 wounded on Tuesday when "
                "radios used by the militia exploded across the country.\n")
    assert s[(9, "killed")] == "whole"


def test_the_day_after_another_attack_and_a_lists_key_are_background():
    s = _scopes("A strike on the square of Varna killed 21 people, the governor said. It came the "
                "day after a barrage on several cities across the border killed at least 40 "
                "civilians.\n\nBold type denotes attacks with more than 100 deaths.\n")
    assert s[(21, "killed")] == "whole"
    assert s[(40, "killed")] == "background"
    # The legend's threshold is no toll: the figure finder leaves it out, or it is background.
    assert s.get((100, "killed"), "background") == "background"


def test_a_total_brought_in_dead_is_the_toll():
    s = _scopes("Hospital workers said a total of 35 people were brought in dead after the "
                "attack on the church.\n")
    assert s[(35, "killed")] == "whole"


def test_last_year_in_another_clause_does_not_date_the_figure():
    s = _scopes("Investigators found that more than 400 people were killed – most of them "
                "executed – by soldiers tied to the raid by messages a newspaper obtained last "
                "year.\n\nLast year, 30 people were killed in the same district.\n",
                published="2023-05-10")
    assert s[(400, "killed")] == "whole" and s[(30, "killed")] == "background"


def test_a_count_in_critical_condition_is_a_breakdown_of_the_wounded():
    figs = process("The blast wounded 90 people in the port, the health ministry said.\n\nMore "
                   "than 12 are in critical condition, a doctor said.\n",
                   published="2025-03-03", outlet="Test Wire")[0].figures
    total = next(f for f in figs if f.count == 90)
    part = next(f for f in figs if f.count == 12)
    assert (part.scope, part.parent_figure_id) == ("breakdown", total.id)


def test_a_dateline_colon_is_not_a_list_of_parts_of_an_earlier_toll():
    s = _scopes("Shelling killed 80 people in the region last week, officials said.\n\nMarren, "
                "Veldra: Dozens of people have died after rockets struck the market of Marren, "
                "officials said.\n")
    assert {k: v for k, v in s.items() if k[1] == "killed"} == {(80, "killed"): "whole",
                                                               (None, "killed"): "whole"}


def test_one_hospitals_counts_are_part_of_the_toll():
    s = _scopes("At least 14 people died when police fired on marchers in Sorel on Monday.\n\n"
                "Five demonstrators taken to the Hillside Trauma Centre died, Dr Ana Brel of the "
                "hospital said. She added that 9 others are in critical condition.\n\n"
                "Two died at the hospital, its director said. The Lake Clinic is caring for 40 "
                "patients, and St Paul Hospital is treating 23.\n", published="2025-03-03")
    assert s[(14, "killed")] == "whole"
    assert s[(5, "killed")] == "part_place" and s[(2, "killed")] == "part_place"
    assert s[(9, "injured")] == "part_place"
    assert s[(40, "injured")] == "part_place" and s[(23, "injured")] == "part_place"


def test_killed_at_a_named_hospital_is_the_strike_on_it():
    s = _scopes("An air strike hit a hospital in Darun on Tuesday. The ministry said at least 90 "
                "people had been killed at Mercy Hospital.\n", published="2025-03-03")
    assert s[(90, "killed")] == "whole"


def test_a_second_site_of_the_incident_is_a_part():
    s = _scopes("Shells hit a camp for displaced families near Tarno on Sunday, killing 17 "
                "villagers, aid workers said.\n\nA militia spokesman said two of its fighters "
                "were killed when a shell struck a nearby outpost.\n\nThe Soma camp, where "
                "militia fighters are based, also came under fire, killing three and injuring "
                "eight others.\n")
    assert s[(17, "killed")] == "whole"
    assert s[(2, "killed")] == "part_place"
    assert s[(3, "killed")] == "part_place" and s[(8, "injured")] == "part_place"


def test_adults_and_children_are_parts_of_an_unstated_total():
    figs = process("Eleven adults and three children were killed when rockets hit the centre of "
                   "Marren, the emergency ministry said. Another 60 people were injured.\n",
                   published="2025-03-03", outlet="Test Wire")[0].figures
    s = {(f.count, f.victims): (f.scope, f.parent_figure_id) for f in figs}
    assert s[(11, "all")] == ("breakdown", None)
    assert s[(3, "children")] == ("breakdown", None)
    assert s[(60, "all")][0] == "whole"


def test_the_toll_of_raids_on_top_of_the_latest_attack_is_background():
    s = _scopes("Gunmen killed 12 people in Tarno on Friday.\n\nOn top of the latest attack, "
                "around 40 people have been killed in raids on villages of the district.\n")
    assert s[(12, "killed")] == "whole" and s[(40, "killed")] == "background"


def test_the_same_count_said_again_and_a_condition_are_not_rises():
    s = _scopes("Gunmen killed 30 worshippers and wounded 11 at a mosque in Kessa, officials said."
                "\n\nThe attack on the mosque left 30 people dead, the ministry said in a statement."
                " It said another 11 people were wounded.\n\nThe clinic reported 90 wounded, with "
                "another 14 in critical condition.\n")
    assert s[(11, "injured")] == "whole"
    assert s[(14, "injured")] != "increment"


def test_an_earlier_attacks_toll_after_a_superlative_is_background():
    # The date dates the earlier toll, not a comparison ("since 2016") for this one.
    s = _scopes("A car bomb at the Dalen market killed 19 people on Saturday, officials said. "
                "The blast struck near the site of the country's largest bombing, which killed "
                "more than 300, in the same week in 2016.\n", published="2024-06-02")
    assert s[(19, "killed")] == "whole" and s[(300, "killed")] == "background"


def test_a_comparison_since_a_year_keeps_the_toll_whole():
    s = _scopes("A car bomb at the Dalen market killed 19 people on Saturday, the deadliest "
                "attack in the city since 2016, officials said.\n", published="2024-06-02")
    assert s[(19, "killed")] == "whole"


def test_others_left_wounded_are_injured():
    figs = process("Twelve lives were lost and over 40 others left wounded in the blast at the "
                   "Dalen market on Saturday, officials said.\n", published="2024-06-02",
                   outlet="Test Wire")[0].figures
    assert {(f.count, f.status) for f in figs} >= {(12, "killed"), (40, "injured")}


def test_structural_rule_cues_and_linking_cues_are_data(tmp_path, monkeypatch):
    extra = tmp_path / "cues.yaml"
    extra.write_text('background:\n  - {cue: "since the floods", at: sentence, linking: true, '
                     'scope: false, example: "x"}\n'
                     'rules:\n  condition:\n    - {cue: "(?:\\\\w+\\\\s+){0,3}on life support", '
                     'at: after, example: "x"}\n')
    monkeypatch.setenv("SITREP_SCOPE_CUES", str(extra))
    for fn in (scope_mod.cues, scope_mod.rule, scope_mod.war_wide):
        fn.cache_clear()
    try:
        assert scope_mod.war_wide().search("Since the floods, 300 people have died.")
        assert scope_mod.war_wide().search("Nationwide, 50 were killed.")  # packaged, linking only
        assert not scope_mod.cues()[("background", "sentence")].search("Nationwide, 50 were killed.")
        assert scope_mod.rule("condition").match(" patients on life support")
        assert scope_mod.rule("condition").match(" of them in critical condition")
    finally:
        monkeypatch.delenv("SITREP_SCOPE_CUES")
        for fn in (scope_mod.cues, scope_mod.rule, scope_mod.war_wide):
            fn.cache_clear()


def test_a_users_sources_roles_file_extends_the_hedge_words(tmp_path):
    import os
    import subprocess
    import sys

    extra = tmp_path / "roles.yaml"
    extra.write_text("hedge_words: [supposedly]\n", encoding="utf-8")
    probe = ("from sitrep.extract.attribution import hedged; "
             "print(hedged('Supposedly 40 people died in the raid.'), hedged('Reportedly 40 died.'))")
    env = {**os.environ, "SITREP_SOURCES_ROLES": str(extra)}
    run = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True,
                         check=True)
    plain = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                           check=True, env={k: v for k, v in os.environ.items()
                                            if k != "SITREP_SOURCES_ROLES"})
    assert run.stdout.split() == ["True", "True"]
    assert plain.stdout.split() == ["False", "True"]


@pytest.mark.parametrize("later", [
    "In a similar raid on a nearby market, 28 traders were killed.",
    "The raid recalls previous attacks by the group, including an ambush where 30 soldiers died.",
    "In response to the attack, jets struck rebel camps, killing 32 fighters.",
    "The raid was part of a wider offensive that left 900 people dead across the region.",
    "It was the worst attack in the region since 2015, when a truck bomb killed 76 people.",
    "The pledge came a day after gunmen stormed a hotel and killed 21 guests.",
    "The war was triggered by a cross-border raid in which 1,100 people were killed.",
    "The district lies in a province where a 12-year insurgency has killed 40,000 people.",
    "In January, 28 soldiers were killed near the same border post.",
])
def test_another_event_named_beside_the_article_is_background(later):
    s = _scopes("Gunmen killed 14 villagers in Dorel on Sunday, officials said. " + later + "\n",
                published="2024-04-24")
    assert s[(14, "killed")] == "whole"
    assert [v for (n, st), v in s.items() if n != 14] == ["background"], s


def test_a_month_without_a_year_in_the_reports_own_month_is_not_background():
    s = _scopes("Gunmen killed 14 villagers in Dorel on Sunday, officials said. In April, 6 "
                "people were killed in the district.\n", published="2024-04-24")
    assert s[(6, "killed")] == "whole"


def test_the_toll_before_a_wider_offensive_it_was_part_of_stays_whole():
    s = _scopes("The raid on Dorel killed 14 villagers and was part of a wider offensive that "
                "left 900 people dead.\n", published="2024-04-24")
    assert s[(14, "killed")] == "whole" and s[(900, "killed")] == "background"


def test_a_count_in_the_millions_is_a_wars_not_the_incidents():
    s = _scopes("A drone struck a bus station in Lower Reka on Tuesday, killing 17 people. About 400,000 "
                "people fled the camp, the IOM said.\n\n"
                "The fighting has forced more than 1.2 million people from their homes, the UN said.\n")
    # An assault on one camp can uproot hundreds of thousands: that count is the incident's.
    assert s[(17, "killed")] == "whole" and s[(400000, "displaced")] == "whole"
    assert s[(1200000, "displaced")] == "background"
    # With no toll of its own before it, the war's count is still background.
    s = _scopes("Nearly two million people have fled their homes since the war began.\n")
    assert s[(2000000, "displaced")] == "background"


def test_a_million_uprooted_since_a_day_this_week_is_the_incidents():
    s = _scopes("The floods have forced 1.1 million people from their homes in Sylhet since Tuesday, "
                "officials said.\n", published="2024-06-20")
    assert s[(1100000, "displaced")] == "whole"
