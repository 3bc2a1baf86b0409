"""Where the real articles live: ../shared/corpus beside the project. Under CI=true a missing
corpus is a failure, never a skip."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_CORPUS = Path(os.environ.get("SITREP_SHARED_CORPUS", ROOT.parent / "shared" / "corpus"))
SEEDS = SHARED_CORPUS / "seeds"
DEMO = ROOT / "src" / "sitrep" / "demo_corpus"
GOLD = ROOT / "tests" / "gold"


def require_seeds() -> Path:
    if not (SEEDS / "manifest.jsonl").exists():
        message = f"seed corpus missing at {SEEDS} (expected ../shared/corpus/seeds)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    return SEEDS
