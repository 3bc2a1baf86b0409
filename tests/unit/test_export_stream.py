"""The streamed JSON export writes the same bytes as the export written from memory."""

from __future__ import annotations

import io

from sitrep.export import write_json, write_json_stream


def test_streamed_json_is_the_same_bytes_empty_arrays_and_nesting_included():
    data = {
        "documents": [{"id": "d_1", "title": "Évacuation à Goma — 12 morts", "tags": [],
                       "nested": {"a": [1, {"b": None}], "c": {}}}],
        "figures": [],
        "quotes": [{"id": "q_1", "text": "line\nbreak \"quoted\""}, {"id": "q_2", "text": ""}],
        "incidents": [],
    }
    whole, streamed = io.StringIO(), io.StringIO()
    write_json(data, whole)
    write_json_stream(((k, iter(v)) for k, v in data.items()), streamed)
    assert streamed.getvalue() == whole.getvalue()
