"""Linking rules on hand-built rows: background figures, shared statements, incident clustering."""

from __future__ import annotations

import random
from datetime import date

from sitrep.link import background_reason, figure_wording, link

PLACES = {
    "jableh": {"id": "g1", "name": "Jablah", "precision": "town", "country_code": "SY",
               "admin1": "02", "lat": 35.36, "lon": 35.93, "aliases": ["Jableh"]},
    "baniyas": {"id": "g2", "name": "Baniyas", "precision": "town", "country_code": "SY",
                "admin1": "14", "lat": 35.18, "lon": 35.95, "aliases": []},
    "sweida": {"id": "g3", "name": "Sweida", "precision": "town", "country_code": "SY",
               "admin1": "20", "lat": 32.71, "lon": 36.57, "aliases": ["Suwayda"]},
    "geneina": {"id": "g4", "name": "Al-Junaynah", "precision": "town", "country_code": "SD",
                "admin1": "47", "lat": 13.45, "lon": 22.45, "aliases": ["El Geneina"]},
    "fasher": {"id": "g5", "name": "El Fasher", "precision": "town", "country_code": "SD",
               "admin1": "NDA", "lat": 13.63, "lon": 25.35, "aliases": []},
    "syria": {"id": "g6", "name": "Syria", "precision": "country", "country_code": "SY",
              "admin1": None, "lat": None, "lon": None, "aliases": []},
}
ROWS = {p["id"]: p for p in PLACES.values()}


def fig(sentence, span, *, places=(), victims="all", period_end=None):
    start = sentence.index(span)
    return {"id": "d:f0", "doc_id": "d", "count": 1, "min": 1, "max": 1, "qualifier": "exact",
            "status": "killed", "victims": victims, "source": None, "source_id": None,
            "hedged": False, "place_ids": list(places), "period_start": None,
            "period_end": period_end, "reported_on": "2025-04-12",
            "span": {"start": start, "end": start + len(span), "text": span},
            "sentence": {"start": 0, "end": len(sentence), "text": sentence}}


START = date(2025, 4, 12)
CORE = [PLACES["fasher"]]


def reason(f):
    return background_reason(f, START, CORE, ROWS)


def test_war_wide_and_earlier_tolls_are_background():
    war = fig("The war, which began in April 2023, has killed tens of thousands of people.",
              "killed tens of thousands of people")
    assert "before the incident" in reason(war)
    war2 = fig("Since the war began the fighting has killed tens of thousands.", "tens of thousands")
    assert reason(war2) == "a war-wide or year-wide toll given as context"
    geneina = fig("A UN panel said 12,000 people were killed in El Geneina in 2023.",
                  "12,000 people were killed", places=["g4"])
    assert "2023" in reason(geneina)
    old_period = fig("Another 40 people died in the siege.", "40 people died",
                     period_end="2024-05-30")
    assert reason(old_period).startswith("period ends 2024-05-30")
    nationwide = fig("The number of people forced from their homes across the country has passed "
                     "700,000.", "has passed 700,000")
    assert reason(nationwide) == "a war-wide or year-wide toll given as context"


def test_a_month_weeks_before_the_incident_dates_a_figure_as_background():
    # The incident's first report is 12 April: a count the text puts in February (its end six
    # weeks before) is another event's; one in April, or late March, may be this one's, and so
    # may a day or a period a month back ("on 28 February", "since February": within 60 days).
    feb = fig("The group was accused in February of killing hundreds of civilians.",
              "killing hundreds of civilians")
    assert reason(feb) == "dated 'in February', before the incident"
    assert reason(fig("Gunmen killed 12 people in April.", "killed 12 people")) is None
    assert reason(fig("Gunmen killed 12 people in late March.", "killed 12 people")) is None
    assert reason(fig("Gunmen killed 12 people on 28 February.", "killed 12 people")) is None
    assert reason(fig("Since February, 300 people have been killed.", "300 people")) is None


def test_a_far_away_place_is_background_but_a_near_or_same_place_is_not():
    far = fig("Gunmen killed 12 people in El Geneina.", "killed 12 people", places=["g4"])
    assert "km from the incident" in reason(far)
    here = fig("Gunmen killed 12 people in El Fasher.", "killed 12 people", places=["g5"])
    assert reason(here) is None


def test_this_incidents_toll_is_not_background_even_with_a_superlative_year():
    f = fig("The toll rose to 26, the deadliest attack on civilians in the region since 2000.",
            "rose to 26")
    assert reason(f) is None
    assert reason(fig("More than 100 people were killed on Friday.", "More than 100 people")) is None


def test_wording_partial_floor_projection():
    assert figure_wording(fig("Officials said 25 of them were tourists.", "25"))["partial"]
    # A categorised count is a full count of its category, not a hidden part.
    assert not figure_wording(fig("It said 134 of the dead were civilians.", "134",
                                  victims="civilians"))["partial"]
    assert not figure_wording(fig("More than 100 people, among them 20 children, died.",
                                  "More than 100 people"))["partial"]
    assert figure_wording(fig("The office has verified 111 killings so far.", "111 killings"))["floor"]
    assert figure_wording(fig("Officials warned the toll could exceed 1,500 soon.", "1,500"))["projection"]


def test_wording_earlier_counts():
    # A count the sentence itself calls an earlier, superseded one (data/earlier_counts.yaml).
    for sentence, span in [
            ("The spokesman raised the earlier count of six deaths to 41.", "six deaths"),
            ("Officials had previously put the toll at 163.", "163"),
            ("At first, the army initially reported nine dead.", "nine dead"),
            ("Initially, 12 villagers were reported dead.", "12 villagers"),
            ("The governor revised the death toll from 95 to 84.", "95"),
            ("It is a sharp rise from the five deaths initially reported.", "five deaths"),
            ("While initial reports had said 20 died, the toll kept climbing.", "20"),
            # The pluperfect of a report set against the newer count the story leads with.
            ("The capital's officials had said that some 90 people had died.", "some 90 people"),
            ("A local monitor had put the death toll at 40.", "40")]:
        assert figure_wording(fig(sentence, span))["earlier"], sentence
    for sentence, span in [
            ("The governor revised the death toll from 95 to 84.", "84"),
            ("Authorities initially reported a toll of 58, but the office later said 132.", "132"),
            ("Some 25 injured patients were initially treated and sent home.", "25 injured"),
            ("At least 30 people were killed in the earlier of the two blasts.", "30 people"),
            ("Rescuers said 41 people were killed.", "41 people"),
            ("Police said the gunmen had killed 41 people.", "41 people")]:
        assert not figure_wording(fig(sentence, span))["earlier"], sentence


# --- statements ---------------------------------------------------------------------------------

def quote(qid, doc, text, speaker="e_minister", said_on=None):
    return {"id": qid, "doc_id": doc, "speaker": "Minister", "speaker_id": speaker, "text": text,
            "kind": "direct", "said_on": said_on, "statement_id": "s_" + qid,
            "span": {"start": 0, "end": len(text), "text": text}}


def tiny(docs, quotes=(), figures=()):
    return {"documents": docs, "figures": list(figures), "quotes": list(quotes), "entities": [],
            "places": list(PLACES.values()), "incidents": [], "tallies": [], "posts": []}


def doc(did, day, text, title="", outlet="Outlet"):
    return {"id": did, "outlet": outlet, "title": title, "published": day, "text": text}


def test_one_statement_in_two_spellings_shares_an_id_and_keeps_both_quotes():
    q1 = quote("a:q0", "a", "The commander took off his galabiya, put on a suit, and now shows "
                            "a mild face to the world.")
    q2 = quote("b:q3", "b", "Their new leader took off his jalabiya, put on a suit, and goes on "
                            "shouting slogans.")
    other = quote("b:q4", "b", "We will stay in the buffer zone for as long as it takes.")
    data = tiny([doc("a", "2025-03-07", "x"), doc("b", "2025-03-09", "y")], [q1, q2, other])
    links = link(data).quotes
    assert links["a:q0"].statement_id == links["b:q3"].statement_id
    assert links["a:q0"].statement_quotes == 2
    assert links["b:q4"].statement_id == "s_b:q4"  # unmatched quotes keep their own id
    assert links["b:q3"].text_statement_id == "s_b:q3"


def test_statements_need_the_same_speaker_and_close_dates():
    text = "The commander took off his galabiya and put on a suit for the cameras."
    data = tiny([doc("a", "2025-03-07", "x"), doc("b", "2025-03-09", "y"), doc("c", "2025-05-20", "z")],
                [quote("a:q0", "a", text), quote("b:q0", "b", text, speaker="e_other"),
                 quote("c:q0", "c", text)])
    ids = {k: v.statement_id for k, v in link(data).quotes.items()}
    assert len(set(ids.values())) == 3


def test_two_quotes_of_one_document_are_never_merged():
    data = tiny([doc("a", "2025-03-07", "x")],
                [quote("a:q0", "a", "We will not abandon our brothers in the south, ever."),
                 quote("a:q1", "a", "We will not abandon our brothers in the south, ever.")])
    ids = {v.statement_id for v in link(data).quotes.values()}
    assert len(ids) == 2


# --- incidents ----------------------------------------------------------------------------------

COAST = ("Gunmen attacked checkpoints near Jableh and Baniyas on the coast; Alawite villages "
         "were raided and families fled to the mountains above Jableh.")
SOUTH = ("Clashes between Druze fighters and security forces spread through Sweida province; "
         "Druze elders in Suwayda called for a ceasefire and militias besieged Jaramana.")


def test_two_incidents_in_one_country_a_week_apart_stay_apart():
    docs = [doc("c1", "2025-03-07", COAST, "Coast clashes near Jableh"),
            doc("c2", "2025-03-08", COAST.replace("Gunmen", "Armed men"), "Jableh raids"),
            doc("c3", "2025-03-10", "Families in Baniyas and Jableh buried Alawite relatives.",
                "Baniyas buries its dead"),
            doc("s1", "2025-03-14", SOUTH, "Druze clashes in Sweida"),
            doc("s2", "2025-03-15", SOUTH.replace("spread", "raged"), "Sweida ceasefire call")]
    result = link(tiny(docs))
    groups = sorted(sorted(i.doc_ids) for i in result.incidents)
    assert groups == [["c1", "c2", "c3"], ["s1", "s2"]]


def test_a_report_dated_from_its_text_joins_the_later_reports_of_its_event():
    # The report has no publication date; the only full date it names is an anniversary years
    # back ("killed on 7 March 2021"): that is a floor for its date, not its date.
    dated_from_text = {**doc("c0", "2021-03-07", COAST.replace("Gunmen", "Masked gunmen"),
                             "Jableh attack"), "published_inferred": True}
    docs = [dated_from_text, doc("c1", "2025-03-07", COAST, "Coast clashes near Jableh"),
            doc("c2", "2025-03-08", COAST.replace("Gunmen", "Armed men"), "Jableh raids"),
            doc("s1", "2025-03-14", SOUTH, "Druze clashes in Sweida"),
            doc("s2", "2025-03-15", SOUTH.replace("spread", "raged"), "Sweida ceasefire call")]
    incidents = link(tiny(docs)).incidents
    assert sorted(sorted(i.doc_ids) for i in incidents) == [["c0", "c1", "c2"], ["s1", "s2"]]
    # The anniversary's date is not when the incident began.
    assert next(i.start for i in incidents if "c0" in i.doc_ids) == "2025-03-07"
    # A floor still vetoes reports from well before it.
    late = {**doc("c9", "2025-06-01", COAST, "Jableh attack"), "published_inferred": True}
    groups = sorted(sorted(i.doc_ids) for i in link(tiny([late, *docs[1:3]])).incidents)
    assert groups == [["c1", "c2"], ["c9"]]


def test_a_later_report_that_dates_the_event_joins_its_first_reports():
    # A rights groups' release six weeks on opens "On 7 March 2025, gunmen attacked ...": the
    # event's date stands for it; a report six weeks on that dates nothing stays apart.
    docs = [doc("c1", "2025-03-07", COAST, "Coast clashes near Jableh"),
            doc("c2", "2025-03-08", COAST.replace("Gunmen", "Armed men"), "Jableh raids"),
            doc("r1", "2025-04-20", "On 7 March 2025, " + COAST, "Release on the Jableh raids"),
            doc("r2", "2025-04-21", COAST.replace("Gunmen", "Masked men"), "Jableh, weeks on")]
    groups = sorted(sorted(i.doc_ids) for i in link(tiny(docs)).incidents)
    assert groups == [["c1", "c2", "r1"], ["r2"]]


def test_a_report_whose_text_dates_something_else_weeks_back_still_joins_its_event():
    # A report on the day of the raid ends with "the coast road reopened on 10 February 2025",
    # four weeks back: that date is not the raid's, and the report joins the raid's reports by
    # its publication date.
    aside = COAST + " The coast road had reopened on 10 February 2025 after repairs."
    docs = [doc("c1", "2025-03-07", aside, "Coast clashes near Jableh"),
            doc("c2", "2025-03-08", COAST.replace("Gunmen", "Armed men"), "Jableh raids"),
            doc("c3", "2025-03-09", COAST.replace("Gunmen", "Masked men"), "Jableh raids")]
    groups = sorted(sorted(i.doc_ids) for i in link(tiny(docs)).incidents)
    assert groups == [["c1", "c2", "c3"]]


def test_a_report_a_month_on_that_dates_the_event_without_a_year_joins_its_first_reports():
    # "A wounded man died today, a month after the raid on 7 March": the date without a year is
    # the last 7 March before the report, and the report is compared from it.
    docs = [doc("c1", "2025-03-07", COAST, "Coast clashes near Jableh"),
            doc("c2", "2025-03-08", COAST.replace("Gunmen", "Armed men"), "Jableh raids"),
            doc("r1", "2025-04-06", "A man wounded on 7 March died today. " + COAST,
                "Jableh toll rises")]
    groups = sorted(sorted(i.doc_ids) for i in link(tiny(docs)).incidents)
    assert groups == [["c1", "c2", "r1"]]


def test_an_undated_report_too_far_from_a_later_update_still_joins_the_rest():
    # A report with no publication date gives only "on 7 March"; it matches the first two
    # reports, and the third, weeks later, says nothing either way about it.
    docs = [doc("u1", None, "On 7 March, " + COAST, "Jableh raids"),
            doc("c1", "2025-03-07", COAST, "Coast clashes near Jableh"),
            doc("c2", "2025-03-18", COAST.replace("Gunmen", "Armed men"), "Jableh raids"),
            doc("c3", "2025-03-28", COAST.replace("Gunmen", "Masked men"), "Jableh, weeks on")]
    groups = sorted(sorted(i.doc_ids) for i in link(tiny(docs)).incidents)
    assert groups == [["c1", "c2", "c3", "u1"]]


def test_undated_reports_do_not_bridge_two_events_a_month_apart_in_one_place():
    # Two attacks on the same coast four weeks apart, each with dated reports, and undated
    # reports as close to one as to the other: nothing dated lies between the two, so the
    # undated reports cannot make them one incident.
    later = COAST.replace("Gunmen", "A drone strike hit houses; gunmen")
    docs = [doc("a1", "2025-03-07", COAST, "Coast clashes near Jableh"),
            doc("a2", "2025-03-08", COAST.replace("Gunmen", "Armed men"), "Jableh raids"),
            doc("u1", None, COAST.replace("Gunmen", "Masked men"), "Jableh raids"),
            doc("u2", None, later.replace("houses", "homes"), "Jableh strike"),
            doc("b1", "2025-04-04", later, "Strike near Jableh"),
            doc("b2", "2025-04-05", later.replace("houses", "a house"), "Jableh strike")]
    groups = [sorted(i.doc_ids) for i in link(tiny(docs)).incidents]
    assert not any({"a1", "b1"} <= set(g) for g in groups), groups
    assert any({"a1", "a2"} <= set(g) for g in groups) and any({"b1", "b2"} <= set(g) for g in groups)


def test_a_date_naming_an_earlier_event_or_starting_a_period_does_not_date_the_report():
    from sitrep.link.incidents import text_dates

    # "since 7 March", "the March 7 raids", "the militia's 7 March assault": the report is from
    # that day or later, perhaps months later; "on 7 March, gunmen ..." dates its own event.
    for text in ("The coast has been tense since 7 March, officials said.",
                 "It was the worst day since the March 7 raids on the coast.",
                 "The war grew out of the militia's 7 March assault on the coast.",
                 "Aid stalled after an April 2 ambush on the convoy.",
                 "The first phase of the truce, which began on 2 April, ended in May."):
        assert text_dates(text) == ([], set()), text
    assert text_dates("On 7 March, gunmen attacked the coast.")[1] == {(3, 7)}
    assert text_dates("The raid on March 7 the army said was over.")[1] == {(3, 7)}
    # With a year: a date the report's own time gives, not a period's start.
    since = "Clashes on the coast since 7 March 2025 have killed hundreds."
    assert text_dates(since)[0] == [date(2025, 3, 7)]
    assert text_dates(since, events=False) == ([], set())


def test_an_undated_report_recalling_an_earlier_date_still_joins_its_event():
    # An undated report of a June raid mentions the war "since the March 7 raids" only: that
    # date no longer holds it away from the June reports.
    recall = "Since the March 7 raids the coast has not been calm. " + COAST
    docs = [doc("u1", None, recall.replace("Gunmen", "Masked gunmen"), "Jableh raids"),
            doc("c1", "2025-06-07", COAST, "Coast clashes near Jableh"),
            doc("c2", "2025-06-08", COAST.replace("Gunmen", "Armed men"), "Jableh raids")]
    groups = sorted(sorted(i.doc_ids) for i in link(tiny(docs)).incidents)
    assert groups == [["c1", "c2", "u1"]]
    # A publication date inferred only from such a date is no date either.
    inferred = {**doc("u2", "2025-03-07", "Since 7 March 2025 " + COAST, "Jableh raids"),
                "published_inferred": True}
    groups = sorted(sorted(i.doc_ids) for i in link(tiny([inferred, *docs[1:]])).incidents)
    assert groups == [["c1", "c2", "u2"]]


def test_a_round_toll_many_reports_give_says_less_than_a_rare_one():
    from sitrep.link.incidents import DocScorer, profile_documents

    def killed(d, n):
        return {"doc_id": d, "status": "killed", "count": n, "reported_on": None}

    docs = [doc(f"d{k}", None, "x", "") for k in range(6)]
    figures = [killed(f"d{k}", 100) for k in range(6)] + [killed("d0", 471), killed("d1", 471)]
    data = {**tiny(docs), "figures": figures}
    profiles = profile_documents(data)
    scorer = DocScorer(profiles, data["places"])
    rare = scorer.score(0, 1).text   # share 471 (two reports) and 100
    common = scorer.score(2, 3).text  # share only 100, which all six give
    assert rare > common > 0


def test_a_report_dated_from_its_text_prefers_the_reports_near_that_date():
    # Two attacks on one coast months apart, each with a dated report; a report dated only from
    # its text (its latest date, 7 March) matches both texts alike: it joins the March one.
    floor = {**doc("f1", "2025-03-07", COAST.replace("Gunmen", "Masked men"), "Jableh raids"),
             "published_inferred": True}
    docs = [floor, doc("m1", "2025-03-08", COAST, "Jableh raids"),
            doc("a1", "2025-08-08", COAST, "Jableh raids")]
    groups = sorted(sorted(i.doc_ids) for i in link(tiny(docs)).incidents)
    assert groups == [["a1"], ["f1", "m1"]]


def test_a_tie_between_two_countries_keeps_both_as_main_countries():
    from collections import Counter

    from sitrep.link import DocProfile, DocScorer

    rows = [{"id": "p_town_abroad", "name": "Town abroad", "precision": "town", "country_code": "IR",
             "lat": 30.0, "lon": 57.0, "aliases": []},
            {"id": "p_strip", "name": "Strip", "precision": "province", "country_code": "PS",
             "lat": 31.4, "lon": 34.4, "aliases": []},
            {"id": "p_neighbour", "name": "Neighbour", "precision": "country", "country_code": "IL",
             "lat": 31.5, "lon": 34.8, "aliases": []}]
    # One report names a look-up gone abroad once and the strip once; the other the neighbour
    # once and the strip once: they share the strip, a main country of both.
    a = DocProfile("a", None, "", Counter({"p_town_abroad": 1, "p_strip": 1}), Counter({"e": 1}),
                   Counter({"convoy": 2}), tolls=frozenset({("killed", 104)}))
    b = DocProfile("b", date(2024, 2, 29), "", Counter({"p_neighbour": 1, "p_strip": 1}),
                   Counter({"e": 1}), Counter({"convoy": 1}), tolls=frozenset({("killed", 104)}))
    assert DocScorer([a, b], rows).score(0, 1) is not None


def test_incident_ids_do_not_depend_on_ingest_order():
    docs = [doc("c1", "2025-03-07", COAST), doc("c2", "2025-03-08", COAST),
            doc("s1", "2025-03-14", SOUTH), doc("s2", "2025-03-15", SOUTH)]
    first = [(i.id, i.doc_ids) for i in link(tiny(docs)).incidents]
    shuffled = docs[:]
    random.Random(7).shuffle(shuffled)
    assert [(i.id, i.doc_ids) for i in link(tiny(shuffled)).incidents] == first


def test_incident_scores_count_document_pairs():
    from sitrep.evaluate import incident_scores

    docs = [{"id": k, "source_path": f"/c/{k}.txt", "fmt": "text", "url": None} for k in "abcd"]
    gold = {"documents": {f"{k}.txt": {"incident": "x" if k in "ab" else "y"} for k in "abcd"}}
    lumped = {"documents": docs, "incidents": [{"id": "i", "doc_ids": list("abcd")}]}
    scores = incident_scores(gold, lumped)
    # 6 predicted pairs, 2 of them true: precision 1/3; both gold pairs found: recall 1.
    assert (scores["pairwise_precision"], scores["pairwise_recall"]) == (0.333, 1.0)
    split = {"documents": docs, "incidents": [{"id": k, "doc_ids": [k]} for k in "abcd"]}
    assert incident_scores(gold, split)["pairwise_recall"] == 0.0


# --- one source under all its names -----------------------------------------------------------

def _src_fig(fid: str, source: str | None, person: str | None = None, sentence: str = "") -> dict:
    return {"id": fid, "source": source, "source_id": None, "source_person": person,
            "sentence": {"start": 0, "end": len(sentence), "text": sentence}}


def _keys(figs, entities=None):
    from sitrep.link import source_key
    from sitrep.link.claims import FigureLink
    from sitrep.link.sources import _merge_sources

    links = {f["id"]: FigureLink("i1", False, None, source_key=source_key(f, "Outlet")) for f in figs}
    _merge_sources(figs, links, entities)
    return {f["id"]: links[f["id"]].source_name or f["source"] for f in figs}


def test_descriptions_join_the_one_named_organisation_of_their_kind():
    names = _keys([_src_fig("a", "Syrian Observatory for Human Rights"),
                   _src_fig("b", "the UK-based monitor"), _src_fig("c", "the Britain-based war monitor"),
                   _src_fig("d", "local officials")])
    assert names == {"a": "Syrian Observatory for Human Rights", "b": "Syrian Observatory for Human Rights",
                     "c": "Syrian Observatory for Human Rights", "d": "local officials"}


def test_a_description_with_two_candidates_stays_apart():
    names = _keys([_src_fig("a", "Syrian Observatory for Human Rights"),
                   _src_fig("b", "Syrian Network for Human Rights"), _src_fig("c", "the rights group")])
    assert names["c"] == "the rights group"


def test_a_spokesperson_is_the_organisation_in_every_report():
    names = _keys([_src_fig("a", "Coast Health Ministry", "Omar Nadim"), _src_fig("b", "Omar Nadim")])
    assert names["b"] == "Coast Health Ministry"


def test_a_spokesperson_spelled_another_way_is_still_the_organisation():
    # One report gives "Varna regional governor" with Sergey Petrov speaking; another quotes
    # "Sergei Petrov" alone; "Ivan Petrov" is another person.
    names = _keys([_src_fig("a", "Varna regional governor", "Sergey Petrov"), _src_fig("b", "Sergei Petrov"),
                   _src_fig("c", "Ivan Petrov")])
    assert names["b"] == "Varna regional governor" and names["c"] == "Ivan Petrov"
    # Relatives share surnames: "Maria" is not "Mario", "Juana" not "Juan".
    names = _keys([_src_fig("a", "Varna police", "Mario Lopes"), _src_fig("b", "Maria Lopes"),
                   _src_fig("c", "Kessa police", "Juan Ortega"), _src_fig("d", "Juana Ortega")])
    assert names["b"] == "Maria Lopes" and names["d"] == "Juana Ortega"


def test_a_person_introduced_as_an_organisations_role_holder_is_that_organisation():
    # One report: "Coast Health Organization (CHO) Director-General Ana Reyes said 70 died";
    # another: "the organisation said". A second person, introduced with no organisation,
    # and a role-holder of an organisation the incident's reports do not name, stay themselves.
    ents = {"e_cho": {"id": "e_cho", "name": "Coast Health Organization", "type": "organization",
                      "aliases": ["CHO"]},
            "e_reyes": {"id": "e_reyes", "name": "Ana Reyes", "type": "person", "aliases": []},
            "e_obi": {"id": "e_obi", "name": "Ada Obi", "type": "person", "aliases": []},
            "e_lee": {"id": "e_lee", "name": "Tom Lee", "type": "person", "aliases": []}}
    figs = [{**_src_fig("a", "Coast Health Organization",
                        sentence="Seventy people died, the Coast Health Organization said."),
             "source_id": "e_cho"},
            {**_src_fig("b", "Ana Reyes", sentence="CHO Director-General Ana Reyes said 70 died."),
             "source_id": "e_reyes"},
            {**_src_fig("c", "Ada Obi", sentence="Ada Obi, a teacher, said 12 were hurt."),
             "source_id": "e_obi"},
            {**_src_fig("d", "Tom Lee", sentence="Tom Lee, spokesman for the Hill Police, said 9 died."),
             "source_id": "e_lee"}]
    names = _keys(figs, ents)
    assert names == {"a": "Coast Health Organization", "b": "Coast Health Organization",
                     "c": "Ada Obi", "d": "Tom Lee"}
    # Read after the name too: "Ana Reyes, the head of the Coast Health Organization, said".
    figs[1]["sentence"]["text"] = "Ana Reyes, the head of the Coast Health Organization, said 70 died."
    assert _keys(figs, ents)["b"] == "Coast Health Organization"


def test_two_spellings_of_one_surname_are_one_source():
    names = _keys([_src_fig("a", "Pavlo Kyrylenko"), _src_fig("b", "Kirilenko"),
                   _src_fig("c", "Pavlo Petrenko")])
    assert names["b"] == "Pavlo Kyrylenko" and names["c"] == "Pavlo Petrenko"


def test_a_spokesperson_read_with_a_word_before_the_name_is_still_that_person():
    # One report's spokesperson came out as "Coastland Omar Nadim" (the country's name glued
    # on); the other report names him plainly.
    names = _keys([_src_fig("a", "Coastland interior ministry", "Coastland Omar Nadim"),
                   _src_fig("b", "Omar Nadim")])
    assert names["b"] == "Coastland interior ministry"


def test_a_shorter_name_ending_the_longer_one_with_a_surname_spelled_alike_is_one_person():
    names = _keys([_src_fig("a", "Omar Haji Nadem"), _src_fig("b", "Haji Nadim"),
                   _src_fig("c", "Haji Karimi")])
    assert names["b"] == "Omar Haji Nadem" and names["c"] == "Haji Karimi"


def test_a_title_described_source_is_the_one_person_introduced_with_that_title():
    names = _keys([
        _src_fig("a", "Lena Varga", sentence="The toll rose to 80, President Lena Varga said."),
        _src_fig("b", "the country's president", sentence="At least 60 died, the country's president said."),
        _src_fig("c", "Omar Nadim", sentence="Health Minister Omar Nadim said 90 had died."),
        _src_fig("d", "the health minister", sentence="Ninety are dead, the health minister said.")])
    assert names["b"] == "Lena Varga" and names["d"] == "Omar Nadim"


def test_a_title_two_people_hold_leaves_the_description_alone():
    names = _keys([
        _src_fig("a", "Lena Varga", sentence="President Lena Varga said 80 had died."),
        _src_fig("b", "Ivo Marek", sentence="President Ivo Marek of the neighbouring state said 5 died."),
        _src_fig("c", "the president", sentence="At least 60 died, the president said.")])
    assert names["c"] == "the president"


def test_a_person_named_right_after_a_description_is_that_source():
    names = _keys([
        _src_fig("a", "Ivan Petrenko", sentence="Ivan Petrenko reported 14 dead."),
        _src_fig("b", "head of the regional administration",
                 sentence="According to the head of the regional administration, Petrenko, 14 died.")])
    assert names["b"] == "Ivan Petrenko"


def test_where_a_source_posted_is_not_part_of_its_name():
    names = _keys([_src_fig("a", "Ivan Petrenko"), _src_fig("b", "Petrenko on Telegram")])
    assert names["b"] == "Ivan Petrenko"


def test_a_railway_described_is_the_one_railway_operator_named():
    names = _keys([_src_fig("a", "Northrail Zaliznytsia"), _src_fig("b", "the state railway company")])
    assert names["b"] == "Northrail Zaliznytsia"


def test_a_far_capital_named_as_a_governments_seat_is_not_an_incident_place():
    # Three reports of shelling in Kharkiv that say "Moscow denied it" and "Kyiv said": both are
    # seats of government hundreds of km away, not places of the event. A capital that is the
    # incident's most named place stays.
    from collections import Counter

    from sitrep.link.incidents import DocProfile, _core_places, _title

    rows = {"kharkiv": {"name": "Kharkiv", "precision": "town", "country_code": "UA",
                        "lat": 49.99, "lon": 36.23, "aliases": ["Kharkiv"]},
            "moscow": {"name": "Moscow", "precision": "town", "country_code": "RU",
                       "lat": 55.75, "lon": 37.62, "aliases": ["Moscow"]},
            "kyiv": {"name": "Kyiv", "precision": "town", "country_code": "UA",
                     "lat": 50.45, "lon": 30.52, "aliases": ["Kiev", "Kyiv"]},
            "chuhuiv": {"name": "Chuhuiv", "precision": "town", "country_code": "UA",
                        "lat": 49.84, "lon": 36.69, "aliases": ["Chuhuiv"]}}
    docs = {f"d{k}": DocProfile(f"d{k}", None, "", Counter({"kharkiv": 3, "moscow": 1, "kyiv": 1,
                                                            "chuhuiv": 1}), Counter(), Counter())
            for k in range(3)}
    core = _core_places(list(docs), docs, rows)
    assert core == ["kharkiv", "chuhuiv"]
    assert _title(core, rows, "2025-05-02", "2025-05-02") == "Kharkiv, Chuhuiv, 2025-05-02"
    # Kyiv as the place of the event, named most: kept; Moscow, far from it, is not
    docs = {f"d{k}": DocProfile(f"d{k}", None, "", Counter({"kyiv": 4, "moscow": 1}), Counter(),
                                Counter()) for k in range(2)}
    assert _core_places(list(docs), docs, rows) == ["kyiv"]
    # another country's capital near the border ("Vilnius denied it" in a Belarus border story)
    rows["grodno"] = {"name": "Grodno", "precision": "town", "country_code": "BY",
                      "lat": 53.68, "lon": 23.83, "aliases": ["Grodno", "Hrodna"]}
    rows["vilnius"] = {"name": "Vilnius", "precision": "town", "country_code": "LT",
                       "lat": 54.69, "lon": 25.28, "aliases": ["Vilnius"]}
    docs = {f"d{k}": DocProfile(f"d{k}", None, "", Counter({"grodno": 4, "vilnius": 1}),
                                Counter(), Counter()) for k in range(2)}
    assert _core_places(list(docs), docs, rows) == ["grodno"]
    # a place the look-up put in another country thousands of km away is not the incident's
    rows["ravel_abroad"] = {"name": "Ravel", "precision": "town", "country_code": "BR",
                            "lat": -12.0, "lon": -45.0, "aliases": ["Ravel"]}
    docs = {f"d{k}": DocProfile(f"d{k}", None, "", Counter({"grodno": 4, "ravel_abroad": 2}),
                                Counter(), Counter()) for k in range(2)}
    assert _core_places(list(docs), docs, rows) == ["grodno"]


def test_a_place_name_inside_an_outlets_name_is_no_mention_of_the_place():
    from sitrep.link.incidents import profile_documents

    docs = [doc("d0", None, "Gunmen raided a village in the hills, the Jableh Times reported."),
            doc("d1", None, "Gunmen raided villages near Jableh on Sunday.")]
    profiles = profile_documents(tiny(docs))
    assert "g1" not in profiles[0].places and profiles[1].places["g1"] == 1


def test_a_toll_its_report_sets_apart_as_background_is_no_shared_toll():
    from sitrep.link.incidents import profile_documents

    def killed(d, n, scope):
        return {"doc_id": d, "status": "killed", "count": n, "reported_on": None, "scope": scope}

    docs = [doc("d0", None, "x"), doc("d1", None, "y")]
    figures = [killed("d0", 35, "whole"), killed("d0", 1200, "background"),
               killed("d1", 1200, "background")]
    profiles = profile_documents({**tiny(docs), "figures": figures})
    assert profiles[0].tolls == {("killed", 35)} and not profiles[1].tolls



def test_undated_reports_of_two_attacked_sites_in_one_town_stay_apart():
    # Two attacks in one town, reported without dates: one on a clinic, one on a wedding party.
    # The places and actors alike, the sites their leads name tell them apart; a report that
    # names no site joins whichever is closer.
    clinic = ("A drone strike hit the main clinic in Jableh overnight, killing patients and "
              "staff; rescuers pulled bodies from the rubble of the clinic.")
    wedding = ("Gunmen opened fire on a wedding in Jableh, killing guests; survivors said the "
               "wedding had just begun when the shooting started near Jableh.")
    docs = [doc("h1", None, clinic, "Strike on Jableh clinic"),
            doc("h2", None, clinic.replace("overnight", "before dawn"), "Jableh clinic hit"),
            doc("w1", None, wedding, "Jableh wedding attack"),
            doc("w2", None, wedding.replace("guests", "relatives"), "Gunmen attack Jableh wedding")]
    groups = sorted(sorted(i.doc_ids) for i in link(tiny(docs)).incidents)
    assert groups == [["h1", "h2"], ["w1", "w2"]]


def test_the_sites_a_lead_names_leave_out_where_the_wounded_went_and_recalled_attacks():
    from sitrep.link.sites import site_kinds

    assert site_kinds("Blast on a beach", "Twelve died at the beach. The wounded were taken to "
                      "hospital, hospital officials said.") == {"beach"}
    # A sentence recalling an earlier attack names that attack's site.
    assert site_kinds("", "A bomb killed 30 on the beach front on Friday evening. It was the "
                      "deadliest attack in the city since a truck bomb hit a market in 2017."
                      ) == {"beach"}
    assert site_kinds("Clashes in the hills", "Fighting went on for a third day, residents said."
                      ) == frozenset()
    # Where the wounded were visited or brought is not a site attacked; where they were hurt is.
    assert site_kinds("Toll of the wedding bombings rises", "The governor visited the wounded at "
                      "a general hospital in the capital on Monday. Forty were brought to the "
                      "specialist hospital, he said.") == {"wedding"}
    assert site_kinds("", "Gunmen killed ten and injured twenty at a market on Sunday."
                      ) == {"market"}
    # ... and a hospital where the wounded were shot is a site attacked.
    assert site_kinds("", "Gunmen shot dead ten wounded patients at the district hospital.") == {
        "hospital"}
    assert site_kinds("", "Gunmen killed ten at the wedding. The governor visited the wounded at a "
                      "general hospital.") == {"wedding"}


def test_undated_reports_of_two_nearby_towns_do_not_join_events_their_dated_reports_keep_apart():
    # A shelter struck in one town, and twelve days later a raid on a camp in a town 20 km away.
    # The undated reports of each match the other's on place alone (the towns are near), but the
    # dated reports, whose time apart is known, do not match: two incidents.
    first = ("An air strike hit tents of displaced families in Jableh, killing 45 people; "
             "medics in Jableh said fires spread through the tents.")
    second = ("Special forces raided a camp in Baniyas to free hostages; health officials in "
              "Baniyas said 274 residents were killed in the raid.")
    docs = [doc("a1", "2025-03-01", first, "Tents struck in Jableh"),
            doc("a2", "2025-03-01", first.replace("An air strike", "A strike"), "Jableh strike"),
            doc("ua", None, first.replace("tents", "shelters"), "Jableh shelters hit"),
            doc("b1", "2025-03-13", second, "Baniyas raid"),
            doc("ub", None, second.replace("residents", "people"), "Raid on Baniyas camp"),
            doc("ub2", None, second.replace("Special forces", "Commandos"), "Baniyas camp raid")]
    groups = sorted(sorted(i.doc_ids) for i in link(tiny(docs)).incidents)
    assert groups == [["a1", "a2", "ua"], ["b1", "ub", "ub2"]], groups
