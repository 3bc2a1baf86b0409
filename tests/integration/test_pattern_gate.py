"""CI gate on the paraphrased real patterns (tests/gold_patterns/): each pattern real reporting
showed, written in our own words, scored with the strict scorer. Floors only move up."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sitrep.evaluate import evaluate, load_gold

PATTERNS = Path(__file__).resolve().parents[1] / "gold_patterns"

# Pinned at what the set scored when each round of patterns landed.
FLOORS = {
    "figures_exact_f1": 0.98,
    "full_f1": 0.93,
    "scope_accuracy": 0.95,
    "trap_rate_max": 0.0,
    "quote_recall": 0.99,
    "speaker_accuracy": 0.97,
}


@pytest.fixture(scope="module")
def scores():
    result = evaluate(str(PATTERNS), str(PATTERNS / "corpus"))
    print(json.dumps(result.as_dict(), indent=1))
    print("\n".join(result.misses))
    return result.as_dict()


def test_the_pattern_set_covers_figures_quotes_and_scope():
    docs = load_gold(str(PATTERNS))["documents"].values()
    assert len(docs) >= 10
    assert sum(len(d.get("figures") or []) for d in docs) >= 20
    assert sum(len(d.get("quotes") or []) for d in docs) >= 10
    assert sum("scope" in f for d in docs for f in d.get("figures") or []) >= 10


def test_pattern_figures(scores):
    figs = scores["figures"]
    assert scores["missing_documents"] == []
    assert figs["exact_f1"] >= FLOORS["figures_exact_f1"]
    assert figs["full_f1"] >= FLOORS["full_f1"]
    assert figs["attribute_accuracy"]["scope"] >= FLOORS["scope_accuracy"]
    assert scores["traps"]["rate"] <= FLOORS["trap_rate_max"]


def test_pattern_quotes(scores):
    assert scores["quotes"]["recall"] >= FLOORS["quote_recall"]
    assert scores["quotes"]["speaker_accuracy"] >= FLOORS["speaker_accuracy"]
