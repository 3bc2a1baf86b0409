"""The gold gate on the two real seed articles (read from ../shared/corpus/seeds)."""

from __future__ import annotations

from pathlib import Path

from sitrep.evaluate import evaluate
from tests.corpus import require_seeds

SEED_GOLD = Path(__file__).resolve().parents[1] / "gold_seeds"


def test_seed_articles_meet_the_gate():
    result = evaluate(str(SEED_GOLD), str(require_seeds()), incidents=True)
    scores = result.as_dict()
    assert scores["figures"]["gold"] == 8 and scores["quotes"]["gold"] == 15
    assert scores["figures"]["exact_f1"] >= 0.90
    assert scores["traps"]["false_positives"] == 0
    assert scores["quotes"]["recall"] >= 0.90
    assert scores["quotes"]["speaker_accuracy"] >= 0.90
    assert result.incidents["predicted_incidents"] == 1
