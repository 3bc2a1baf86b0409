"""Fixtures shared across test folders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sitrep.cli import app
from tests.report_data import ARTICLES, MANIFEST


def ingest_articles(base: Path, articles: dict[str, str], manifest: list[dict]) -> Path:
    """A store made by the real pipeline from ``articles`` (file name -> text) and their
    ``manifest`` lines, in ``base``."""
    corpus = base / "articles"
    corpus.mkdir()
    for name, text in articles.items():
        (corpus / name).write_text(text, encoding="utf-8")
    (corpus / "manifest.jsonl").write_text("\n".join(json.dumps(m) for m in manifest) + "\n",
                                           encoding="utf-8")
    db = base / "sitrep.db"
    result = CliRunner().invoke(app, ["ingest", str(corpus), "--db", str(db), "--quiet"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture(scope="session")
def pipeline_db(tmp_path_factory) -> Path:
    """A store made by the real pipeline from the articles in ``report_data`` (one hostile)."""
    return ingest_articles(tmp_path_factory.mktemp("pipeline"), ARTICLES, MANIFEST)
