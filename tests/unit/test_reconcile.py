"""Reconciliation rules on hand-built claims and tiny hand-built corpora (README "Reconciliation
rules")."""

from __future__ import annotations

from sitrep.export import linked
from sitrep.reconcile import Claim, contradictions, reconcile_one

SOHR, SNHR, UN = "e_sohr", "e_snhr", "e_un"


def claim(source, value=None, day="2025-03-08", *, tier=1, qualifier="exact", lo=None, hi=None,
          hedged=False, partial=False, floor=False, projection=False, earlier=False, fid=None):
    if qualifier == "exact":
        lo = hi = value
    elif qualifier in ("at_least", "more_than"):
        lo = value + (qualifier == "more_than") if lo is None else lo
    return Claim(source, source.removeprefix("e_").upper(), tier, "killed", "all", value, lo, hi,
                 qualifier, day, day, [fid or f"{source}:{day}:{value or lo}"], ["Outlet"],
                 hedged=hedged, partial=partial, floor=floor, projection=projection,
                 earlier=earlier)


def test_timeline_is_ordered_by_first_report_and_current_claim_is_the_newest():
    t = reconcile_one("i", "killed", "all", [
        claim(SOHR, 1000, "2025-03-08", qualifier="more_than"),
        claim(SOHR, 229, "2025-03-07")])
    [src] = t.sources
    assert [(e["reported_on"], e["count"]) for e in src["timeline"]] == [("2025-03-07", 229),
                                                                         ("2025-03-08", 1000)]
    assert src["current"]["count"] == 1000
    assert (t.low, t.best, t.high) == (1000, 1000, 1000)


def test_low_best_high_across_sources():
    t = reconcile_one("i", "killed", "all", [
        claim(SOHR, 1000, "2025-03-08", qualifier="more_than"),
        claim(SNHR, 803, "2025-03-11", qualifier="at_least"),
        claim("src:hospital worker", 60, "2025-03-10", tier=3, qualifier="at_least"),
        claim("src:officials", None, "2025-03-10", tier=3, qualifier="range", lo=900, hi=1200)])
    # best: the highest current claim of a named or described source (running tolls rise,
    # counts lag): SOHR's more than 1,000; the range's top is not a claim's point
    assert (t.best, t.best_source) == (1000, "SOHR")
    # low: lowest current claim of a named source; anonymous partial counts do not pull it down
    assert t.low == 803
    # high: highest current claim of any source; the top of a range counts
    assert t.high == 1200


def test_best_is_the_highest_current_claim_of_a_named_source_not_the_outlets_voice():
    t = reconcile_one("i", "killed", "all", [claim(SOHR, 120), claim(SNHR, 100),
                                             claim("outlet:wire", 400, tier=4)])
    assert t.best == 120 and t.best_source == "SOHR"
    # equal counts: the more authoritative source
    t = reconcile_one("i", "killed", "all", [claim("src:officials", 120, tier=3), claim(SNHR, 120)])
    assert t.best_source == "SNHR"
    # only the outlet speaks: its claim is the best there is
    t = reconcile_one("i", "killed", "all", [claim("outlet:wire", 40, tier=4)])
    assert t.best == 40


def test_an_armed_groups_own_count_sets_best_only_when_no_one_else_named_gives_one():
    # The group that claimed the attack says 20; the state news agency 15: best is the agency's,
    # the group's claim still bounds the high.
    group = claim("e_is", 20, tier=3)
    group.party = True
    t = reconcile_one("i", "killed", "all", [claim(UN, 15), group])
    assert (t.best, t.best_source, t.high) == (15, "UN", 20)
    alone = claim("e_is", 20, tier=3)
    alone.party = True
    assert reconcile_one("i", "killed", "all", [alone, claim("outlet:wire", 12, tier=4)]).best == 20


def test_a_vague_amount_sets_best_only_when_no_one_named_gives_a_number():
    # "Its fighters have killed hundreds of civilians, according to the UN" beside the mission's
    # "more than 45" and a chief's 46: best is a number; "hundreds" still bounds the high.
    vague = claim(UN, None, "2025-03-09", qualifier="vague", lo=200, hi=999)
    t = reconcile_one("i", "killed", "all", [
        claim(SOHR, 45, "2025-03-09", qualifier="more_than"), claim("src:chief", 46, "2025-03-10", tier=2), vague])
    assert t.best == 46 and t.high >= 200
    # ... and so within one source: its number of the day is its current claim, not "hundreds".
    same = reconcile_one("i", "killed", "all", [
        claim(UN, 45, "2025-03-09", qualifier="more_than"), claim(UN, None, "2025-03-09", qualifier="vague", lo=200, hi=999)])
    assert same.best == 45 and same.sources[0]["current"]["count"] == 45
    # A newer "dozens" from another named source is news, not vagueness beside an old number.
    newer = reconcile_one("i", "killed", "all", [
        claim(UN, 12, "2025-03-01"), claim("src:mayor", None, "2025-03-09", tier=3, qualifier="vague", lo=24, hi=99)])
    assert newer.best == 24
    alone = claim(UN, None, qualifier="vague", lo=200, hi=999)
    assert reconcile_one("i", "killed", "all", [alone, claim("outlet:wire", 12, tier=4)]).best == 200


def test_a_party_is_an_armed_group_of_the_dictionary_or_a_description_naming_one():
    from sitrep.reconcile import is_party

    assert is_party("e_is", "Islamic State", {"e_is": "armed_group"})
    assert not is_party("e_un", "UN", {"e_un": "organization"})
    assert is_party(None, "radical jihadist group", {}) and is_party(None, "rebels", {})
    assert not is_party(None, "local officials", {})


def test_hedged_claims_stay_out_of_low_best_high_but_are_shown():
    t = reconcile_one("i", "killed", "all", [
        claim(SOHR, 1000, qualifier="more_than"),
        claim("src:activists", None, "2025-03-11", tier=3, qualifier="range", lo=2000, hi=3000,
              hedged=True)])
    assert (t.low, t.best, t.high) == (1000, 1000, 1000)
    assert (t.hedged_high, t.hedged_high_source) == (3000, "SRC:ACTIVISTS")
    assert not t.hedged_only
    assert t.grade == "single_source"


def test_only_hedged_claims_give_a_tally_marked_hedged_only():
    t = reconcile_one("i", "killed", "all", [claim(SOHR, 134, hedged=True)])
    assert (t.best, t.hedged_only, t.hedged_high) == (134, True, None)


def test_a_newer_hedged_claim_does_not_replace_the_firm_current_claim():
    t = reconcile_one("i", "killed", "all", [
        claim(UN, 100, "2025-04-12", qualifier="more_than"),
        claim(UN, 400, "2025-04-16", qualifier="more_than", hedged=True)])
    assert t.best == 100
    assert t.hedged_high == 400


def test_projections_and_partial_counts_are_in_the_timeline_not_the_tally():
    t = reconcile_one("i", "killed", "all", [
        claim(SOHR, 26),
        claim(SOHR, 1500, "2025-03-09", qualifier="about", projection=True),
        claim(SNHR, 25, "2025-03-09", partial=True)])
    assert (t.low, t.best, t.high) == (26, 26, 26)
    assert sum(len(s["timeline"]) for s in t.sources) == 3


def test_a_count_the_text_calls_earlier_is_never_current():
    # "The ministry raised the earlier count of six to 41" in one report, 41 given as soldiers
    # elsewhere: the ministry's six (its only uncategorised claim) is on its timeline, not
    # current; it does not make the other source's 41 an outlier nor set low or best.
    t = reconcile_one("i", "killed", "all", [
        claim(UN, 6, "2025-03-09", earlier=True),
        claim("src:officials", 41, "2025-03-09", tier=3),
        claim(SNHR, 6, "2025-03-08", tier=2, earlier=True)])
    assert (t.low, t.best, t.high) == (41, 41, 41)
    assert not [c for c in t.contradictions if c["kind"] == "outlier"]
    un = next(s for s in t.sources if s["source"] == "UN")
    assert un["timeline"][0]["earlier"] and un["current"] is None


def test_up_to_is_an_upper_estimate_only():
    amnesty = "e_amnesty"
    t = reconcile_one("i", "killed", "all", [
        claim(amnesty, 100, "2025-06-14", qualifier="more_than"),
        claim(amnesty, 200, "2025-06-18", qualifier="up_to", lo=None, hi=200),
        claim("e_kula", 45, "2025-06-14", tier=2)])
    # The newer "up to 200" is not Amnesty's current count: best stays its "more than 100".
    assert (t.low, t.best, t.high) == (45, 100, 200)
    amnesty_row = next(s for s in t.sources if s["source_key"] == amnesty)
    assert amnesty_row["current"]["count"] == 100
    # 45 and "more than 100" on one day from two named sources: contested.
    assert t.grade == "contested"


def test_grade_single_source_when_outlets_only_repeat_one_source():
    one = claim(SOHR, 229)
    one.figure_ids = ["a:f0", "b:f3", "c:f1"]
    one.outlets = ["Coastline Monitor", "Global Wire", "Levant Ledger"]
    t = reconcile_one("i", "killed", "all", [one])
    assert t.grade == "single_source" and t.reports == 3


def test_grade_confirmed_when_two_named_sources_agree():
    t = reconcile_one("i", "killed", "all", [claim(SOHR, 26), claim("e_modi", 26, tier=2)])
    assert t.grade == "confirmed"


def test_grade_corroborated_when_consistent_but_not_two_named_in_agreement():
    t = reconcile_one("i", "killed", "all", [claim(SOHR, 26), claim("src:officials", 26, tier=3)])
    assert t.grade == "corroborated"
    t = reconcile_one("i", "killed", "all", [claim(SOHR, 1000, qualifier="more_than"),
                                            claim(SNHR, 803, qualifier="at_least")])
    assert t.grade == "corroborated"  # overlapping, but 1,000 and 803 differ by more than 10%


def test_grade_contested_and_the_contradiction_names_both_claims():
    t = reconcile_one("i", "killed", "all", [claim(SOHR, 745, fid="a:f1"),
                                            claim(UN, 111, "2025-03-11", fid="b:f2")])
    assert t.grade == "contested"
    [c] = t.contradictions
    assert c["sources"] == ["UN", "SOHR"]
    assert [x["figure_ids"] for x in c["claims"]] == [["b:f2"], ["a:f1"]]


def test_a_verified_so_far_count_is_a_floor_not_a_contradiction():
    t = reconcile_one("i", "killed", "all", [claim(SOHR, 745),
                                            claim(UN, 111, "2025-03-11", floor=True)])
    assert t.contradictions == [] and t.grade == "corroborated"


def test_an_older_lower_toll_is_not_a_contradiction():
    old = claim(SOHR, 229, "2025-03-07")
    new = claim(SNHR, 803, "2025-03-11")
    assert contradictions([old, new]) == []
    assert len(contradictions([claim(SOHR, 229, "2025-03-12"), new])) == 1


# --- through linking: repeats and the "all" category ------------------------------------------

TEXT = "Clashes in Jableh and Latakia killed many, the Syrian Observatory for Human Rights said."


def corpus(figures):
    docs = {}
    for f in figures:
        docs.setdefault(f["doc_id"], {"id": f["doc_id"], "outlet": f["doc_id"].upper(),
                                      "title": "Jableh clashes", "published": f["reported_on"],
                                      "text": TEXT})
    return {"documents": list(docs.values()), "figures": figures, "quotes": [],
            "entities": [{"id": SOHR, "name": "Syrian Observatory for Human Rights",
                          "type": "organization", "aliases": []}],
            "places": [{"id": "g169304", "name": "Jablah", "precision": "town",
                        "country_code": "SY", "admin1": "02", "lat": 35.36, "lon": 35.93,
                        "aliases": ["Jableh"]}],
            "incidents": [], "tallies": [], "posts": []}


def figure(fid, count, day, victims="all", source_id=SOHR, text=None, hedged=False):
    span = text or f"{count} people were killed"
    sentence = f"The monitor said {span}."
    start = sentence.index(span)
    return {"id": fid, "doc_id": fid.split(":")[0], "count": count, "min": count, "max": count,
            "qualifier": "exact", "status": "killed", "victims": victims, "group": None,
            "perpetrator": None, "source": "Syrian Observatory for Human Rights" if source_id else None,
            "source_id": source_id, "hedged": hedged, "place_ids": ["g169304"],
            "period_start": None, "period_end": None, "reported_on": day,
            "span": {"start": start, "end": start + len(span), "text": span},
            "sentence": {"start": 0, "end": len(sentence), "text": sentence}}


def test_a_figure_repeated_by_three_outlets_is_counted_once():
    out = linked(corpus([figure("a:f0", 229, "2025-03-07"), figure("b:f0", 229, "2025-03-08"),
                         figure("c:f0", 229, "2025-03-11"), figure("c:f1", 1000, "2025-03-11")]))
    figs = {f["id"]: f for f in out["figures"]}
    assert [figs[k]["repeat_of"] for k in ("a:f0", "b:f0", "c:f0")] == [None, "a:f0", "a:f0"]
    assert figs["a:f0"]["counted"] and not figs["b:f0"]["counted"]
    [t] = out["tallies"]
    [src] = t["sources"]
    assert [(e["reported_on"], e["count"], len(e["figure_ids"])) for e in src["timeline"]] == [
        ("2025-03-07", 229, 3), ("2025-03-11", 1000, 1)]
    assert t["reports"] == 4 and t["grade"] == "single_source"


def test_the_same_number_weeks_later_is_a_new_claim():
    out = linked(corpus([figure("a:f0", 229, "2025-03-01"), figure("b:f0", 229, "2025-03-12")]))
    assert all(f["repeat_of"] is None for f in out["figures"])


def test_all_counted_under_the_category_the_same_source_gave_for_the_same_number():
    out = linked(corpus([figure("a:f0", 745, "2025-03-08", victims="civilians"),
                         figure("b:f0", 745, "2025-03-11", text="745 of the dead")]))
    b = next(f for f in out["figures"] if f["id"] == "b:f0")
    assert (b["repeat_of"], b["counted_as_victims"]) == ("a:f0", "civilians")
    # (the headline "all" tally has no count of its own: it takes the civilians' as a floor)
    assert [(t["victims"], t["best"], t["best_from_category"]) for t in out["tallies"]] == [
        ("all", 745, "civilians"), ("civilians", 745, None)]


def test_an_incident_counted_only_by_category_still_has_its_headline_total():
    # "223 civilians" (a rights group) beside a part of everyone ("44 people" of them, a
    # breakdown): the headline is 223 from the category, never empty.
    part = figure("a:f0", 44, "2025-03-11", source_id=None)
    part["scope"] = "breakdown"
    out = linked(corpus([figure("b:f0", 223, "2025-03-12", victims="civilians"), part]))
    total = next(t for t in out["tallies"] if t["victims"] == "all")
    assert (total["low"], total["best"], total["high"], total["best_from_category"]) == (223, 223, 223, "civilians")
    assert total["whole_toll"] is True


def test_all_tally_shows_the_sum_of_disjoint_parts_and_flags_an_excess():
    out = linked(corpus([figure("a:f0", 100, "2025-03-08"),
                         figure("a:f1", 90, "2025-03-08", victims="civilians"),
                         figure("a:f2", 30, "2025-03-08", victims="security_forces")]))
    total = next(t for t in out["tallies"] if t["victims"] == "all")
    assert total["best"] == 100  # never replaced by the parts
    assert total["parts"] == {"civilians": 90, "security_forces": 30} and total["parts_sum"] == 120
    assert [c["kind"] for c in total["contradictions"]] == ["parts_exceed_total"]


def test_short_and_reordered_names_of_one_source_are_one_source():
    rows = [figure("a:f0", 404, "2025-03-18"), figure("b:f0", 436, "2025-03-19"),
            figure("c:f0", 504, "2025-03-20")]
    for row, name in zip(rows, ["health ministry in Gaza", "Gaza health ministry", "health ministry"]):
        row.update(source=name, source_id=None)
    out = linked(corpus(rows))
    [t] = out["tallies"]
    [src] = t["sources"]
    assert [e["count"] for e in src["timeline"]] == [404, 436, 504]
    assert t["grade"] == "single_source" and t["best"] == 504


def test_a_description_joined_to_a_named_organisation_ranks_as_that_organisation():
    # "the monitor" (a described source, tier 3) is the Observatory another report names: its
    # newer claim is the Observatory's current claim at the Observatory's tier, so the low is
    # set by the institution, not by the lower count of unnamed local officials.
    rows = [figure("a:f0", 70, "2025-03-08"), figure("b:f0", 80, "2025-03-09"),
            figure("c:f0", 50, "2025-03-09")]
    rows[1].update(source="the monitor", source_id=None)
    rows[2].update(source="local officials", source_id=None)
    t = next(t for t in linked(corpus(rows))["tallies"] if t["victims"] == "all")
    assert (t["low"], t["best"], t["independent_sources"]) == (80, 80, 2)


# --- scope: only whole claims are tolls --------------------------------------------------------

def scoped(c, scope, parent=None, place_ids=(), as_of=None):
    c.scope, c.parent_figure_id, c.place_ids, c.as_of = scope, parent, list(place_ids), as_of
    return c


def test_parts_increments_and_breakdowns_never_set_low_best_high():
    t = reconcile_one("i", "killed", "all", [
        claim(SOHR, 1000, "2025-03-10", qualifier="more_than"),
        scoped(claim(SOHR, 5000, "2025-03-11"), "increment"),
        claim(SNHR, 803, "2025-03-10")])
    assert (t.low, t.best, t.high) == (803, 1000, 1000)
    [sohr] = [s for s in t.sources if s["source_key"] == SOHR]
    inc = [e for e in sohr["timeline"] if e["increment"]]
    assert [(e["delta"], e["scope"]) for e in inc] == [(5000, "increment")]
    assert sohr["current"]["count"] == 1000


def test_a_fall_is_marked_revised_down_and_never_current():
    t = reconcile_one("i", "killed", "all", [
        claim(SOHR, 120, "2025-03-08"), claim(SOHR, 40, "2025-03-09")])
    [src] = t.sources
    assert [(e["count"], e["revised_down"]) for e in src["timeline"]] == [(120, False), (40, True)]
    assert src["current"]["count"] == 120 and src["revised_down"]
    assert t.best == 120


def test_the_date_the_text_gives_orders_the_timeline():
    # Reported on the 12th "as of the 9th": older than a claim reported on the 10th.
    t = reconcile_one("i", "killed", "all", [
        scoped(claim(SOHR, 300, "2025-03-12"), "whole", as_of="2025-03-09"),
        claim(SOHR, 310, "2025-03-10")])
    [src] = t.sources
    assert [e["count"] for e in src["timeline"]] == [300, 310]
    assert src["current"]["count"] == 310


def part_figure(fid, count, day, scope, reason, parent=None, victims="all", place="g169304"):
    f = figure(fid, count, day, victims=victims)
    f.update(scope=scope, scope_reason=reason, parent_figure_id=parent, place_ids=[place])
    return f


def test_parts_become_breakdowns_by_place_day_and_parent():
    out = linked(corpus([
        figure("a:f0", 61, "2025-03-08"),
        part_figure("a:f1", 9, "2025-03-08", "breakdown", "including", parent="a:f0",
                    victims="women"),
        part_figure("a:f2", 20, "2025-03-08", "part_time", "alone"),
        part_figure("a:f3", 12, "2025-03-08", "part_place", "of them in")]))
    [t] = [t for t in out["tallies"] if t["victims"] == "all"]
    assert t["best"] == 61
    rows = {(b["by"], b["count"]) for b in t["breakdowns"]}
    assert rows == {("part", 9), ("day", 20), ("place", 12)}
    place_row = next(b for b in t["breakdowns"] if b["by"] == "place")
    assert place_row["place_id"] == "g169304" and place_row["figure_ids"] == ["a:f3"]
    # The women's breakdown is listed under its parent's tally, not as a tally of its own.
    assert [t["victims"] for t in out["tallies"]] == ["all"]


def test_a_figure_background_in_its_document_is_background_across_documents():
    out = linked(corpus([
        figure("a:f0", 61, "2025-03-08"),
        part_figure("a:f1", 40000, "2025-03-08", "background", "since the war began")]))
    f = next(f for f in out["figures"] if f["id"] == "a:f1")
    assert f["background"] and f["incident_id"] is None and f["scope"] == "background"
    [inc] = out["incidents"]
    assert "a:f1" in inc["background_figure_ids"] and "a:f1" not in inc["figure_ids"]
    [t] = out["tallies"]
    assert (t["low"], t["best"], t["high"]) == (61, 61, 61)


def test_a_toll_dated_to_its_incident_in_a_late_report_is_the_incidents_own():
    # A rights group's release weeks on: "the killing of 90 villagers on 7 March". Its
    # document sets the toll apart as dated well before the report; the incident began that
    # day, so it is the incident's toll. A toll dated a year back stays background.
    first = figure("a:f0", 61, "2025-03-08")
    late = part_figure("r:f0", 90, "2025-03-20", "background",
                       "dated '7 March' (2025-03-07), well before the report")
    old = part_figure("r:f1", 300, "2025-03-20", "background",
                      "dated '2024' (2024-12-31), well before the report")
    out = linked(corpus([first, late, old]))
    figs = {f["id"]: f for f in out["figures"]}
    assert figs["r:f0"]["scope"] == "whole" and figs["r:f1"]["scope"] == "background"
    [t] = [t for t in out["tallies"] if t["victims"] == "all"]
    assert (t["best"], t["high"]) == (90, 90)


def test_the_incidents_own_part_of_a_wider_background_total_is_its_whole_toll():
    # "Strikes across the country killed 400 since the war began; the toll includes 33 in
    # Jableh": the wider total is background, the part at the incident's own town is its toll.
    wider = part_figure("a:f0", 400, "2025-03-08", "background", "since the war began")
    own = part_figure("a:f1", 33, "2025-03-08", "breakdown", "includes", parent="a:f0")
    elsewhere = part_figure("a:f2", 12, "2025-03-08", "breakdown", "includes", parent="a:f0",
                            place="g999")
    out = linked(corpus([wider, own, elsewhere, figure("b:f0", 30, "2025-03-08")]))
    figs = {f["id"]: f for f in out["figures"]}
    assert figs["a:f1"]["scope"] == "whole" and "background" in figs["a:f1"]["scope_reason"]
    assert figs["a:f2"]["scope"] == "breakdown"
    [t] = [t for t in out["tallies"] if t["victims"] == "all"]
    assert (t["best"], t["high"]) == (33, 33)


def test_only_parts_give_no_toll():
    out = linked(corpus([part_figure("a:f0", 20, "2025-03-08", "part_time", "alone")]))
    [t] = out["tallies"]
    assert (t["best"], t["whole_toll"]) == (None, False)
    assert [b["count"] for b in t["breakdowns"]] == [20]


# --- robustness: outliers, the outlet's own voice, hedged named sources, categories ----------

def test_a_claim_many_times_every_other_sources_is_an_outlier_not_the_toll():
    # Three sources say about a dozen died; a fourth's "2,900 killed" (a wounded count misread)
    # is listed as an outlier and sets neither best nor high.
    t = reconcile_one("i", "killed", "all", [
        claim("e_ministry", 11, "2025-09-18"), claim("src:party", 12, "2025-09-18", tier=3),
        claim("e_minister", 9, "2025-09-17", tier=2),
        claim("e_agency", 2900, "2025-09-17", tier=2)])
    assert (t.low, t.best, t.high) == (9, 12, 12)
    [row] = [c for c in t.contradictions if c["kind"] == "outlier"]
    assert row["claims"][0]["count"] == 2900


def test_a_toll_that_rose_after_the_others_last_reported_is_no_outlier():
    # The monitor's later count is ten times the first-day counts of two others: a running toll.
    t = reconcile_one("i", "killed", "all", [
        claim(SNHR, 80, "2025-03-07"), claim(UN, 90, "2025-03-07"),
        claim(SOHR, 1000, "2025-03-15", qualifier="more_than")])
    assert t.best == 1000 and not [c for c in t.contradictions if c["kind"] == "outlier"]


def test_a_toll_an_earlier_count_makes_plausible_is_no_outlier():
    # Witnesses counted 53 dead two days before ground sources put the toll at 171; on that day
    # two voices also spoke of the three bodies found that morning. 171 is the toll, not an outlier.
    t = reconcile_one("i", "killed", "all", [
        claim("src:local witnesses", 53, "2023-04-12", tier=3),
        claim("src:ground sources", 171, "2023-04-14", tier=3, qualifier="at_least"),
        claim("e_activists", 3, "2023-04-14", tier=1), claim("src:official", 3, "2023-04-14", tier=3)])
    assert (t.best, t.high) == (171, 171)
    assert not [c for c in t.contradictions if c["kind"] == "outlier"]


def test_a_dated_toll_above_undated_early_counts_is_no_outlier():
    # An undated report gives the first day's counts (16 from the agency, 16 from other
    # hospitals, 9 from the previous report); a paper's count weeks later is 209.
    t = reconcile_one("i", "killed", "all", [
        claim("e_agency", 16, None, tier=2), claim("src:other hospitals", 16, None, tier=3),
        claim("src:previous report", 9, None, tier=3), claim("e_paper", 209, "2024-08-04")])
    assert (t.best, t.high) == (209, 209)
    assert not [c for c in t.contradictions if c["kind"] == "outlier"]


def test_the_outlets_voice_sets_best_with_a_toll_newer_than_every_named_claim():
    # The ministry said 14 on the first day; the next day the outlet writes that the toll has
    # risen to 22 without naming its source again.
    t = reconcile_one("i", "killed", "all", [
        claim("e_ministry", 14, "2025-12-30"), claim("e_kremlin", 2, "2025-12-30"),
        claim("outlet:wire", 22, "2025-12-31", tier=4)])
    assert (t.best, t.best_source) == (22, "OUTLET:WIRE")
    # an outlet's figure of the same day as the named claims does not outrank them
    t = reconcile_one("i", "killed", "all", [
        claim("e_ministry", 14, "2025-12-30"), claim("outlet:wire", 40, "2025-12-30", tier=4)])
    assert t.best == 14


def test_a_named_sources_hedged_claim_outranks_the_outlets_own_voice():
    # "About 650 were reportedly killed, the migration agency said" against the outlet's own
    # later "accused of killing at least 1,200": the agency's figure is the best there is.
    t = reconcile_one("i", "killed", "all", [
        claim("e_iom", 650, "2025-11-10", qualifier="about", hedged=True),
        claim("outlet:wire", 1200, "2025-11-23", tier=4, qualifier="at_least")])
    assert (t.best, t.best_source) == (650, "IOM")
    assert t.low == 650 and t.high == 1200


def test_a_category_above_every_total_raises_the_all_tallys_high():
    # A described source's "151 civilians" above every total: the total is at least that many,
    # but only the high says so.
    civilians = figure("b:f0", 151, "2025-03-11", victims="civilians", source_id=None)
    civilians["source"] = "local residents"
    out = linked(corpus([figure("a:f0", 140, "2025-03-08"), civilians]))
    total = next(t for t in out["tallies"] if t["victims"] == "all")
    assert (total["best"], total["high"], total["high_from_category"]) == (140, 151, "civilians")
    assert total["best_from_category"] is None


def test_an_institutions_category_count_above_every_total_raises_the_best():
    # The monitor's later "151 civilians were killed" above every total claim (140): the toll
    # is at least 151 people, and an institution says so.
    out = linked(corpus([figure("a:f0", 140, "2025-03-08"),
                         figure("b:f0", 151, "2025-03-11", victims="civilians")]))
    total = next(t for t in out["tallies"] if t["victims"] == "all")
    assert (total["best"], total["high"], total["best_from_category"]) == (151, 151, "civilians")
    assert total["best_figure_ids"] == ["b:f0"]


def test_a_demonym_and_its_country_are_one_source():
    # "the Rwandan government" in one report, "the Government of Rwanda" in the next.
    rows = [figure("a:f0", 310, "2025-02-04"), figure("b:f0", 350, "2025-02-06")]
    for row, name in zip(rows, ["Rwandan government", "Government of Rwanda"]):
        row.update(source=name, source_id=None)
    out = linked(corpus(rows))
    [t] = out["tallies"]
    [src] = t["sources"]
    assert [e["count"] for e in src["timeline"]] == [310, 350]


def test_a_description_with_a_place_before_it_joins_the_named_organisation():
    # "Rafah health authorities" in one report, "Rafah Health Ministry" in another: one source.
    rows = [figure("a:f0", 61, "2025-02-04"), figure("b:f0", 64, "2025-02-05")]
    for row, name in zip(rows, ["Rafah Health Ministry", "Rafah health authorities"]):
        row.update(source=name, source_id=None)
    out = linked(corpus(rows))
    [t] = out["tallies"]
    assert [s["source"] for s in t["sources"]] == ["Rafah Health Ministry"]


def test_one_person_under_two_spellings_of_a_first_name_is_one_source():
    rows = [figure("a:f0", 9, "2025-09-17"), figure("b:f0", 11, "2025-09-18")]
    for row, name in zip(rows, ["Mohamad Haddad", "Mohammad Haddad"]):
        row.update(source=name, source_id=None)
    out = linked(corpus(rows))
    [t] = out["tallies"]
    assert len(t["sources"]) == 1 and t["sources"][0]["current"]["count"] == 11


def test_news_outlets_named_as_the_source_rank_with_the_outlets_own_voice():
    from sitrep.reconcile import source_tier

    assert source_tier({"source": "Reuters and Voice of America"}, {}) == 4
    assert source_tier({"source": "regional officials"}, {}) == 3
    # A body the dictionary does not know is still an institution when the text names it.
    assert source_tier({"source": "Ondo State Government"}, {}) == 1
    assert source_tier({"source": "Lebanese Ministry of Public Health"}, {}) == 1
    assert source_tier({"source": "camp emergency committee"}, {}) == 3
    assert source_tier({"source": "Federal Medical Centre Workers"}, {}) == 3
    assert source_tier({"source": "AFP", "source_id": "e_afp"}, {"e_afp": "media"}) == 4


def test_an_all_tally_of_replaced_counts_only_takes_a_categorys_current_count():
    # "…, raising the earlier count of eight fatalities" beside "54 soldiers were killed": the
    # count of everyone was replaced, so the headline is the soldiers' 54, not the stale 8.
    from sitrep.reconcile import _add_parts

    soldiers = reconcile_one("i", "killed", "security_forces",
                             [claim("e_gov", 54, "2025-04-22", tier=3)])
    total = reconcile_one("i", "killed", "all", [claim("e_gov", 8, "2025-04-22", earlier=True)])
    assert total.superseded_only and total.best == 8
    _add_parts([total, soldiers])
    assert (total.best, total.best_from_category) == (54, "security_forces")
    assert "replaced by a later one" in total.grade_reason
    # A current count of everyone stays the headline (a described source's category only
    # raises its high).
    total = reconcile_one("i", "killed", "all", [claim("e_gov", 8, "2025-04-22")])
    _add_parts([total, soldiers])
    assert (total.best, total.high) == (8, 54) and not total.superseded_only
