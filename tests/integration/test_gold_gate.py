"""CI gate: extraction on the project's gold set must not fall below pinned floors.

Floors are the scores measured when the gate was set, less a small margin; raising them is how
the extractor's progress is locked in. Per-component scores print with `pytest -s`.
"""

from __future__ import annotations

import json

import pytest

from sitrep.evaluate import evaluate
from tests.corpus import DEMO, GOLD

FLOORS = {
    "figures_exact_f1": 0.94,
    "figures_exact_precision": 0.95,
    "trap_false_positive_rate_max": 0.02,
    "quote_recall": 0.90,
    "speaker_accuracy": 0.93,
    "status_accuracy": 0.97,
    "victims_accuracy": 0.86,
    "source_accuracy": 0.82,
}


@pytest.fixture(scope="module")
def scores():
    result = evaluate(str(GOLD), str(DEMO))
    print(json.dumps(result.as_dict(), indent=1))
    return result.as_dict()


def test_figures_f1(scores):
    assert scores["figures"]["exact_f1"] >= FLOORS["figures_exact_f1"]
    assert scores["figures"]["exact_precision"] >= FLOORS["figures_exact_precision"]
    attrs = scores["figures"]["attribute_accuracy"]
    assert attrs["status"] >= FLOORS["status_accuracy"]
    assert attrs["victims"] >= FLOORS["victims_accuracy"]
    assert attrs["source"] >= FLOORS["source_accuracy"]


def test_traps(scores):
    assert scores["traps"]["total"] >= 50
    assert scores["traps"]["rate"] <= FLOORS["trap_false_positive_rate_max"]


def test_quotes(scores):
    assert scores["quotes"]["recall"] >= FLOORS["quote_recall"]
    assert scores["quotes"]["speaker_accuracy"] >= FLOORS["speaker_accuracy"]
