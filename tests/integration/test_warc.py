"""WARC and WARC.gz crawls: HTML responses read record by record through the same main-content
extraction as HTML files, each keeping its target URI; a damaged record is one line."""

from __future__ import annotations

import io
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from sitrep.ingest import read_paths
from sitrep.records import Problem, RawDocument
from tests.integration.test_cli import export_json, invoke

PAGE = ("<!DOCTYPE html><html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        "<p>{body}</p><p>The regional governor said rescue teams were still searching the area "
        "on Tuesday evening.</p></article></body></html>")
PAGES = [
    ("https://example.org/news/market-attack", "Attack on a market",
     "Gunmen killed 14 people in an attack on a market in the town of Kaya, local officials said."),
    ("https://example.org/news/camp-shelling", "Shelling of a camp",
     "Shelling of a displacement camp wounded 23 people, aid workers said on Monday."),
]


def write_warc(path: Path, gz: bool = True) -> Path:
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=gz)
        for url, title, body in PAGES:
            payload = PAGE.format(title=title, body=body).encode("utf-8")
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                    protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(payload),
                                                          http_headers=http))
        image = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("https://example.org/logo.png", "response",
                                                      payload=io.BytesIO(b"\x89PNG...."),
                                                      http_headers=image))
    return path


def test_html_responses_are_documents_with_their_target_uri(tmp_path):
    for gz in (True, False):
        path = write_warc(tmp_path / ("crawl.warc.gz" if gz else "crawl.warc"), gz)
        items = list(read_paths([str(path)]))
        docs = [i for i in items if isinstance(i, RawDocument)]
        assert [d.url for d in docs] == [p[0] for p in PAGES]
        assert all(d.fmt == "warc" and d.raw_kind == "html-extracted" for d in docs)
        assert "killed 14 people" in docs[0].raw and "wounded 23 people" in docs[1].raw
        assert all(d.published for d in docs)  # the capture date when the page gives none
        assert not [i for i in items if isinstance(i, Problem)]


def test_a_truncated_warc_keeps_what_came_before_and_says_one_line(tmp_path):
    whole = write_warc(tmp_path / "whole.warc.gz").read_bytes()
    cut = tmp_path / "cut.warc.gz"
    # Keep the first record whole and half of the second (each record is one gzip member).
    members = whole.split(b"\x1f\x8b\x08")
    first = b"\x1f\x8b\x08" + members[1]
    second = b"\x1f\x8b\x08" + members[2]
    cut.write_bytes(first + second[: len(second) // 2])
    items = list(read_paths([str(cut)]))
    docs = [i for i in items if isinstance(i, RawDocument)]
    problems = [i for i in items if isinstance(i, Problem)]
    assert [d.url for d in docs] == [PAGES[0][0]]
    assert len(problems) == 1 and "corrupt or truncated WARC record" in problems[0].message


def test_ingest_and_export_a_crawl(tmp_path):
    path = write_warc(tmp_path / "crawl.warc.gz")
    db = tmp_path / "s.db"
    result = invoke("ingest", str(path), "--db", str(db), "-q")
    assert result.exit_code == 0 and "2 stored" in result.output
    data = export_json(db)
    assert sorted(d["url"] for d in data["documents"]) == sorted(p[0] for p in PAGES)
    assert {f["count"] for f in data["figures"]} >= {14, 23}
    again = invoke("ingest", str(path), "--db", str(db), "-q")
    assert "0 stored, 2 unchanged" in again.output
