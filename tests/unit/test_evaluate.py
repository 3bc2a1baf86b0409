"""The scorer's name matcher: strict through the alias dictionary, never by substring."""

from __future__ import annotations

import pytest

from sitrep.evaluate import lenient_name, same_name, score


@pytest.mark.parametrize("a, b", [
    ("SOHR", "Syrian Observatory for Human Rights"),
    ("the Syrian Observatory for Human Rights", "Syrian Observatory for Human Rights"),
    ("al-Julani", "Ahmed al-Sharaa"),
    ("a medical source in Jableh", "medical source in Jableh"),
    ("Israel", "Government of Israel"),  # a country speaking is its government
    ("Kerman's emergency services", "Kerman emergency services"),  # one body, the text's forms
    ("the acting mayor of Chernihiv", "Chernihiv's acting mayor"),
    ("Ugandan police", "Uganda Police"),  # a demonym is its country, as the linker reads it
    ("Ukrainian Ministry of Internal Affairs", "Ministry of Internal Affairs of Ukraine"),
    (None, None),
])
def test_the_same_name_matches(a, b):
    assert same_name(a, b)


@pytest.mark.parametrize("a, b", [
    ("man", "woman in Baniyas"),
    ("Israel", "Israel Katz"),
    ("Ministry", "Gaza Health Ministry"),
    ("medical source in Jableh", "medical source in Baniyas"),
    ("Syrian Observatory for Human Rights", None),
    ("Israel", "Government of Lebanon"),
    ("Ugandan police", "Kenyan police"),
    ("Government of Hama", "Hama"),  # only a country's government is the country
    ("Israel", "Israel Defense Forces"),
    ("Interior Ministry", "Dagestan's Interior Ministry"),  # the place is part of the name
    ("mayor of Saint-Marc", "deputy mayor of Saint-Marc"),
    ("Ali Hassan", "Hassan Ali"),  # word order still counts for names
])
def test_different_names_do_not(a, b):
    assert not same_name(a, b)


def test_the_lenient_matcher_is_kept_for_comparison():
    assert lenient_name("Israel", "Israel Katz") and not same_name("Israel", "Israel Katz")


def _doc(text):
    return {"id": "d1", "fmt": "text", "source_path": "/x/a.txt", "text": text}


def test_word_traps_count_and_removed_traps_leave_the_denominator():
    text = "Several called for calm. A three-storey house fell."
    gold = {"documents": {"a.txt": {"path": "a.txt", "figures": [],
                                    "traps": ["several called for", "three-storey house", "gone 5 times"]}}}
    pred = {"id": "f1", "doc_id": "d1", "count": None, "min": 3, "max": 9,
            "span": {"text": "Several"}, "sentence": {"text": "Several called for calm."}}
    s = score(gold, {"documents": [_doc(text)], "figures": [pred], "quotes": []})
    assert (s.traps, s.trap_hits) == (2, 1)


def test_a_gold_figure_without_an_exact_match_does_not_take_another_figures_prediction():
    from sitrep.evaluate import match_figures
    sent = {"text": "The strike killed eight people, a boy among them, and injured over 50 others."}
    gold = [{"text": "a boy among them", "count": 1, "min": 1, "max": 1},
            {"text": "injured over 50 others", "count": 50, "min": 51, "max": None}]
    preds = [{"id": "p1", "count": 8, "min": 8, "max": 8, "span": {"text": "killed eight people"},
              "sentence": sent},
             {"id": "p2", "count": 50, "min": 51, "max": None,
              "span": {"text": "injured over 50 others"}, "sentence": sent}]
    pairs = match_figures(gold, preds, set())
    assert [(p and p["id"], exact) for _, p, exact in pairs] == [("p1", False), ("p2", True)]


def test_command_line_without_arguments_prints_usage_not_a_traceback(capsys, tmp_path):
    from sitrep.evaluate import main

    assert main([]) == 2
    assert "usage: python -m sitrep.evaluate GOLD CORPUS" in capsys.readouterr().err
    assert main(["--help"]) == 0
    assert "realset [--split" in capsys.readouterr().out
    assert main([str(tmp_path / "nowhere.yaml"), str(tmp_path)]) == 2
    assert "nowhere.yaml: no such file or folder" in capsys.readouterr().err
    assert main(["realset", "--split", "test"]) == 2
    assert "split 'test' is not one of dev, heldout, all" in capsys.readouterr().err
