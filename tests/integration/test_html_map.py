"""HTML pages: spans map back to the page source, character for character."""

from __future__ import annotations

import html

import pytest

import sitrep
from tests.corpus import DEMO

PAGES = sorted(DEMO.glob("*.html"))


@pytest.fixture(scope="module")
def results():
    return {p: sitrep.process(str(p))[0] for p in PAGES}


def test_demo_has_html_pages():
    assert len(PAGES) >= 2


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_clean_text_maps_into_page_source(results, page):
    source = page.read_text("utf-8")
    result = results[page]
    assert result.document.raw_kind == "html"
    assert "cookie" not in result.document.text.lower()  # page furniture is gone
    spans = result.figures + result.quotes
    assert spans, "the page has figures or quotes"
    for item in spans:
        raw = source[item.raw_span.start:item.raw_span.end]
        # The raw range holds the same words, once markup and entities are removed.
        visible = html.unescape(__import__("re").sub(r"<[^>]+>", "", raw))
        assert "".join(item.span.text.split())[:30] in "".join(visible.split()), (item.span.text, raw)
