"""The learned figure -> source ranker (sitrep/extract/source_rank.py): its candidates, its
committed weights, deterministic training, and clear cases on our own sentences."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from sitrep import process
from sitrep.config import CONFIG
from sitrep.extract import source_rank as sr


def _figures(text: str, mode: str, monkeypatch) -> list:
    monkeypatch.setitem(CONFIG["source_rank"], "mode", mode)
    return [f for r in process(text) for f in r.figures]


def _ranked(text: str, monkeypatch) -> list:
    return [(f.span.text, f.source) for f in _figures(text, "ranker", monkeypatch)]


def test_the_committed_weights_load_and_name_every_feature():
    data = json.loads(resources.files("sitrep").joinpath(sr.WEIGHTS_FILE).read_text("utf-8"))
    assert data["features"] == list(sr.FEATURES)
    assert set(sr.weights()) == set(sr.FEATURES)
    assert all(isinstance(v, float) for v in sr.weights().values())


def _rows() -> list[dict]:
    """Synthetic training rows: the right candidate is the reporting verb's subject."""
    k = len(sr.FEATURES)

    def vec(**on):
        return [float(on.get(f, 0)) for f in sr.FEATURES]

    rows = []
    for i in range(30):
        null, subject, other = vec(null=1), vec(report_subject=1, dist0=i % 2), vec(mention_only=1)
        rows.append({"names": [None, "A", "B"], "x": [null, subject, other],
                     "y": [0, 1, 0] if i % 5 else [1, 0, 0], "group": str(i % 3)})
    assert all(len(x) == k for r in rows for x in r["x"])
    return rows


def test_training_is_deterministic():
    first, second = sr.fit(_rows()), sr.fit(_rows())
    assert json.dumps(first) == json.dumps(second)
    assert first["report_subject"] > first["mention_only"]


def test_choose_follows_the_mode():
    rules = sr.Candidate(None, feats={"null": 1.0, "rules": 1.0})
    other = sr.Candidate("the monitor", feats={"report_subject": 1.0})
    w = {"report_subject": 2.0}
    assert sr.choose([rules, other], "off", 0.5, w) is rules
    assert sr.choose([rules, other], "ranker", 0.5, w) is other
    # Combined: the rules give no source, so the ranker's choice stands.
    assert sr.choose([rules, other], "combined", 5.0, w) is other
    named = sr.Candidate("the ministry", feats={"rules": 1.0})
    assert sr.choose([named, other], "combined", 5.0, w) is named
    assert sr.choose([named, other], "combined", 1.0, w) is other


def test_a_figure_two_sentences_after_the_ministry_speaks(monkeypatch):
    text = ("Shelling hits market town\n\n"
            "The health ministry said on Tuesday that the shelling went on through the night. "
            "Rescue teams searched the ruins of the market until dawn. "
            "Fourteen people were killed in the town.\n")
    found = _ranked(text, monkeypatch)
    assert found and all(src and "ministry" in src.lower() for _, src in found), found


def test_a_figure_inside_a_quotation_is_the_speakers(monkeypatch):
    text = ("Clinic overwhelmed after night raid\n\n"
            "Doctors at the town clinic worked through the night after the raid. "
            "\"We received 23 bodies before dawn, most of them young men,\" said Samir Haddad, "
            "a surgeon at the clinic.\n")
    found = _ranked(text, monkeypatch)
    assert found and all(src and "Haddad" in src for _, src in found), found


def test_the_stage_runs_after_figures_and_is_off_by_default():
    stages = CONFIG["pipeline"]["stages"]
    assert stages.index("figures") < stages.index("sources") < stages.index("scope")
    # Off: cross-validated on the real dev set it did not beat the rules by 0.03 (README).
    assert CONFIG["source_rank"]["mode"] == "off"


@pytest.mark.parametrize("mode", ["ranker", "combined"])
def test_every_figure_keeps_a_candidate_source(mode, monkeypatch):
    text = ("The observatory said 31 fighters and 12 civilians were killed in the clashes. "
            "Residents said at least 40 homes burned.\n")
    for f in _figures(text, mode, monkeypatch):
        assert f.source is None or f.source.strip()
