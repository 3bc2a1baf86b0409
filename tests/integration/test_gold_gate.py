"""CI gate: extraction on the project's gold set must not fall below pinned floors.

Floors are the scores measured when the gate was set, less a small margin; raising them is how
the extractor's progress is locked in. Per-component scores print with `pytest -s`.
"""

from __future__ import annotations

import json

import pytest

from sitrep.evaluate import evaluate, load_gold
from tests.corpus import DEMO, GOLD

# Names are scored strictly (through the alias dictionary, no substring matches); the older
# lenient name scores keep their floors beside them. Strict floors were pinned at what the
# strict scorer first measured; both only move up.
FLOORS = {
    "figures_exact_f1": 0.935,
    "figures_exact_precision": 0.985,
    "full_f1": 0.665,
    "trap_false_positive_rate_max": 0.02,
    "quote_recall": 0.98,
    "speaker_accuracy": 0.78,
    "speaker_accuracy_lenient": 0.93,
    "status_accuracy": 0.985,
    "victims_accuracy": 0.98,
    "source_accuracy": 0.725,
    "source_accuracy_lenient": 0.80,
    "group_accuracy": 0.97,
    "hedged_accuracy": 0.98,
    "qualifier_accuracy": 0.99,
}


@pytest.fixture(scope="module")
def scores():
    result = evaluate(str(GOLD), str(DEMO))
    print(json.dumps(result.as_dict(), indent=1))
    return result.as_dict()


def test_figures_f1(scores):
    assert scores["figures"]["exact_f1"] >= FLOORS["figures_exact_f1"]
    assert scores["figures"]["exact_precision"] >= FLOORS["figures_exact_precision"]
    assert scores["figures"]["full_f1"] >= FLOORS["full_f1"]
    attrs = scores["figures"]["attribute_accuracy"]
    for name in ("status", "victims", "source", "group", "hedged", "qualifier"):
        assert attrs[name] >= FLOORS[f"{name}_accuracy"], name
    assert scores["figures"]["lenient_accuracy"]["source"] >= FLOORS["source_accuracy_lenient"]


def test_the_gold_set_is_big_enough_to_mean_something():
    gold = load_gold(str(GOLD))
    docs = gold["documents"].values()
    assert len(docs) >= 40
    assert sum(len(d.get("figures") or []) for d in docs) >= 150
    assert sum(len(d.get("quotes") or []) for d in docs) >= 80
    assert len({d["incident"] for d in docs}) >= 6


def test_traps(scores):
    assert scores["traps"]["total"] >= 50
    assert scores["traps"]["rate"] <= FLOORS["trap_false_positive_rate_max"]


def test_quotes(scores):
    assert scores["quotes"]["recall"] >= FLOORS["quote_recall"]
    assert scores["quotes"]["speaker_accuracy"] >= FLOORS["speaker_accuracy"]
    assert scores["quotes"]["speaker_accuracy_lenient"] >= FLOORS["speaker_accuracy_lenient"]
