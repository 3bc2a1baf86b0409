"""End to end on the two real scraped seed articles: cleaned text, figures, quotes, posts."""

from __future__ import annotations

import pytest

import sitrep
from tests.corpus import require_seeds

YNET = "000_a7eb72ce35e891c4.txt"
SECOND = "004_a2519810b77e87e9.txt"


@pytest.fixture(scope="module")
def seeds():
    root = require_seeds()
    results = sitrep.process(str(root))
    by_name = {r.document.source_path.rsplit("/", 1)[-1]: r for r in results}
    assert set(by_name) == {YNET, SECOND}
    return by_name


def fig(result, count=None, minimum=None):
    hits = [f for f in result.figures if f.count == count and (minimum is None or f.min == minimum)]
    assert len(hits) == 1, [(f.count, f.span.text) for f in result.figures]
    return hits[0]


def test_metadata_from_manifest(seeds):
    assert seeds[YNET].document.outlet == "Ynet"
    assert seeds[YNET].document.published == "2025-03-07"
    assert seeds[SECOND].document.published == "2025-03-09"
    assert seeds[SECOND].document.published_inferred is False


def test_cleaned_text_repairs_glued_words_and_drops_debris(seeds):
    text = seeds[YNET].document.text
    assert "security forces of Syria’s new regime" in text
    assert "ousted president Bashar al-Assad continued Friday" in text
    assert "led by Ahmad al-Shara, who insists" in text
    assert "Defense Minister Israel Katz shared a graphic" in text
    for debris in ("View gallery", "Photo:", "עימותים", "The video Israel Katz posted",
                   "Loyalists of former President Assad"):
        assert debris not in text
    for name in ("Jableh", "al-Datur", "Latakia", "Tartus", "Anas Khattab"):
        assert name in text


def test_embedded_posts_leave_the_prose(seeds):
    second = seeds[SECOND]
    handles = {p.handle: p for p in second.posts}
    assert set(handles) == {"CherylWroteIt", "tmjnewsnetwork"}
    assert handles["tmjnewsnetwork"].author == "TMJ News Network"
    assert handles["tmjnewsnetwork"].posted_on == "2025-03-08"
    assert "pic.twitter.com" not in second.document.text
    assert "@tmjnewsnetwork" not in second.document.text
    assert "KATZ’S CALL" not in second.document.text
    # The article's own sentence about the footage stays; the post's copy does not.
    assert second.document.text.count("Footage circulating on social media") == 1


def test_spans_point_at_the_sentence_and_the_raw_text(seeds):
    for name, result in seeds.items():
        raw = (require_seeds() / name).read_text("utf-8")
        text = result.document.text
        for f in result.figures + result.quotes:
            assert text[f.span.start:f.span.end] == f.span.text
            raw_piece = raw[f.raw_span.start:f.raw_span.end]
            # Every word of the clean span is found in the raw range it maps to (glue repair
            # only inserts spaces).
            assert raw_piece.replace(" ", "") .startswith(f.span.text.replace(" ", "")[:20])


def test_first_report_toll_229_over_two_days(seeds):
    f = fig(seeds[YNET], 229)
    assert (f.status, f.victims, f.qualifier) == ("killed", "all", "exact")
    assert f.source == "Syrian Observatory for Human Rights"
    assert (f.period_start, f.period_end) == ("2025-03-06", "2025-03-07")
    assert f.reported_on == "2025-03-07"
    alawites = fig(seeds[YNET], 134)
    assert alawites.group == "Alawite" and alawites.status == "killed"
    assert alawites.hedged is True  # "reportedly executed"
    assert alawites.source == "Syrian Observatory for Human Rights"


def test_later_report_breakdown(seeds):
    r = seeds[SECOND]
    civ = fig(r, 745)
    assert (civ.status, civ.victims) == ("killed", "civilians")
    assert civ.source == "Syrian Observatory for Human Rights"
    sec = fig(r, 125)
    assert (sec.status, sec.victims) == ("killed", "security_forces")
    loyal = fig(r, 148)
    assert (loyal.status, loyal.victims) == ("killed", "combatants")
    patrol = fig(r, 13)
    assert (patrol.status, patrol.victims, patrol.source) == ("killed", "security_forces", None)
    reports = fig(r, 2400)
    assert (reports.qualifier, reports.min, reports.max) == ("at_least", 2400, None)
    assert reports.group == "Alawite" and reports.victims == "civilians" and reports.hedged


def test_traps_are_not_figures(seeds):
    values = {f.count for r in seeds.values() for f in r.figures}
    assert 10 not in values  # "10% of the country's population"
    assert 4 not in values  # "4th Division"
    assert 24 not in values  # "In the last 24 hours"
    assert 2025 not in values and 8 not in values  # embedded post dates


def quotes_by(result, speaker):
    return [q for q in result.quotes if q.speaker == speaker]


def test_quotes_and_speakers(seeds):
    ynet = seeds[YNET]
    katz = quotes_by(ynet, "Israel Katz")
    assert any(q.text.startswith("al-Julani took off his galabiya") and q.venue == "X post" for q in katz)
    # The next paragraph is an unattributed continuation of the same statement.
    assert any(q.text.startswith("Israel will defend itself") for q in katz)
    source = quotes_by(ynet, "Alawite source")
    assert any(q.text.startswith("The people can no longer tolerate") for q in source)
    assert any(q.text.startswith("The Alawites are asking") for q in source)
    assert all(q.venue == "interview with Ynet" for q in source)
    khattab = quotes_by(ynet, "Anas Khattab")
    assert any(q.kind == "direct" and q.text.startswith("We will not forgive") for q in khattab)
    assert any(q.kind == "indirect" and "initial investigations" in q.text for q in khattab)

    second = seeds[SECOND]
    katz2 = quotes_by(second, "Israel Katz")
    assert len([q for q in katz2 if q.kind == "direct"]) >= 6
    assert any("jalabiya" in q.text for q in katz2)
    sharaa = quotes_by(second, "Ahmed al-Sharaa")
    assert any(q.text.startswith("We must safeguard national unity") and q.venue == "video" for q in sharaa)
    assert any(q.text.startswith("Rest assured about Syria") for q in sharaa)
    # Tweet authors never speak for the article.
    assert not [q for q in second.quotes if q.speaker in ("TMJ News Network", "Cheryl E")]


def test_aliases_resolve_to_one_entity(seeds):
    ents = {e.id: e for r in seeds.values() for e in r.entities}
    sharaa = ents["e_ahmed-al-sharaa"]
    assert sharaa.type == "person"
    forms = {a for r in seeds.values() for e in r.entities if e.id == sharaa.id for a in e.aliases}
    assert {"Ahmad al-Shara", "al-Julani", "Ahmad al-Sharaa"} <= forms
    hts = [e for r in seeds.values() for e in r.entities if e.id == "e_hayat-tahrir-al-sham"]
    assert hts and hts[0].type == "armed_group"


def test_places_resolve_to_geonames(seeds):
    places = {p.name: p for r in seeds.values() for p in r.places}
    latakia = places["Latakia"]
    assert latakia.geonameid == 173576 and latakia.country_code == "SY"
    assert abs(latakia.lat - 35.53) < 0.1 and abs(latakia.lon - 35.79) < 0.1
    assert places["Jablah"].geonameid == 169304  # written "Jableh" in the article
    assert "Beit Ana" in places


def test_weekdays_resolve_against_publication_date(seeds):
    dates = {(d.span.text, d.date) for d in seeds[SECOND].dates}
    assert ("Thursday", "2025-03-06") in dates
    assert ("Sunday", "2025-03-09") in dates


def test_missing_publication_date_is_inferred_and_marked():
    from tests.corpus import DEMO

    result = sitrep.process(str(DEMO / "syria_undated_levant-ledger_baniyas.txt"))[0]
    # A post embedded in the article is dated Sunday 9 March 2025 and the text says "On Sunday".
    assert result.document.published == "2025-03-09"
    assert result.document.published_inferred is True
    dates = {(d.span.text, d.date) for d in result.dates}
    assert ("Friday", "2025-03-07") in dates and ("Saturday", "2025-03-08") in dates


def test_infer_published_rules():
    from sitrep.extract.dates import infer_published

    assert infer_published([], ["sunday"]) is None
    assert infer_published(["2025-03-08", "2025-03-09"], []) == "2025-03-09"
    assert infer_published(["2025-03-09"], ["friday", "sunday"]) == "2025-03-09"
    # Floor Saturday 8 March, text says Monday and Tuesday: the earliest fitting day, Monday.
    assert infer_published(["2025-03-08"], ["tuesday", "monday"]) == "2025-03-10"


def test_katz_statement_in_two_spellings_shares_one_statement_id(seeds):
    from sitrep.export import linked

    data = {k: [] for k in ("documents", "figures", "quotes", "entities", "places", "posts")}
    for r in seeds.values():
        for key, rows in r.as_dict().items():
            data[key] += rows
    out = linked(data)
    katz = [q for q in out["quotes"] if q["speaker"] == "Israel Katz"]
    galabiya = next(q for q in katz if "galabiya" in q["text"])
    jalabiya = next(q for q in katz if "jalabiya" in q["text"])
    assert galabiya["doc_id"] != jalabiya["doc_id"]
    assert galabiya["statement_id"] == jalabiya["statement_id"]
    assert galabiya["text_statement_id"] != jalabiya["text_statement_id"]  # the words differ
    # Katz's other remarks stay separate statements.
    others = {q["statement_id"] for q in katz} - {galabiya["statement_id"]}
    assert len(others) == len(katz) - 2
    # Both seed articles report the same events: one incident.
    assert len(out["incidents"]) == 1
