"""Ingest: every input format read into ``RawDocument``; every bad input one ``Problem``."""

from __future__ import annotations

import codecs
import hashlib
import json
from pathlib import Path

import pytest

from sitrep.ingest import read_paths
from sitrep.records import Problem, RawDocument

ARTICLE = ("At least 12 civilians were killed in an air strike on the town of Idlib on Tuesday, "
           "the Syrian Observatory for Human Rights said.\n"
           "Rescue workers said more than 30 people were wounded, several of them children.\n")

HTML_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Strike on Idlib market kills 12 civilians | Orontes Post</title>
<meta property="og:site_name" content="Orontes Post">
<meta property="og:title" content="Strike on Idlib market kills 12 civilians">
<meta property="article:published_time" content="2025-03-04T09:30:00Z">
<meta property="og:url" content="https://example.org/orontes-post/2025/03/04/idlib-market">
</head>
<body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World news</a></li>
<li><a href="/sport">Sport section</a></li></ul></nav>
<div class="cookie-banner">We use cookies to improve your experience. Accept all cookies.</div>
<article>
<h1>Strike on Idlib market kills 12 civilians</h1>
<p>At least 12 civilians were killed in an air strike on a crowded market in the town of Idlib on
Tuesday, the Syrian Observatory for Human Rights said.</p>
<p>Rescue workers said more than 30 people were wounded and that several were in a critical
condition in hospitals across the province.</p>
<p>"We pulled children from under the rubble with our bare hands," a volunteer with the civil
defence told reporters at the scene.</p>
</article>
<footer><p>Copyright 2025 Orontes Post. All rights reserved. Contact us | Privacy policy</p></footer>
</body>
</html>
"""

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
<title>Orontes Post - Syria</title>
<link>https://example.org/orontes-post</link>
<description>News from Syria</description>
<item>
<title>Shelling kills five in Aleppo countryside</title>
<link>https://example.org/orontes-post/2025/03/05/aleppo-shelling</link>
<pubDate>Wed, 05 Mar 2025 10:00:00 GMT</pubDate>
<description>Short summary.</description>
<content:encoded><![CDATA[<p>Five people, including two children, were killed by shelling in the Aleppo countryside on Wednesday, local officials said.</p><p>The attack followed a week of clashes along the front line.</p>]]></content:encoded>
</item>
<item>
<title>Aid convoy reaches Idlib</title>
<link>https://example.org/orontes-post/2025/03/06/aid-convoy</link>
<pubDate>Thu, 06 Mar 2025 08:00:00 GMT</pubDate>
<description>A convoy of 40 trucks carrying food and medicine crossed into Idlib province on Thursday, the United Nations said.</description>
</item>
</channel>
</rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>Nile Courier</title>
<link href="https://example.org/nile-courier/"/>
<updated>2025-04-14T12:00:00Z</updated>
<id>urn:uuid:60a76c80-d399-11d9-b93c-0003939e0af6</id>
<entry>
<title>Dozens displaced by fighting near El Fasher</title>
<link href="https://example.org/nile-courier/2025/04/14/el-fasher"/>
<id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</id>
<updated>2025-04-14T11:00:00Z</updated>
<published>2025-04-14T09:00:00Z</published>
<content type="html">&lt;p&gt;Dozens of families were displaced by fighting near El Fasher on Monday, aid workers said.&lt;/p&gt;&lt;p&gt;The camp has no clean water.&lt;/p&gt;</content>
</entry>
</feed>
"""


def read(*paths, **meta) -> list[RawDocument | Problem]:
    return list(read_paths([str(p) for p in paths], **meta))


def docs_of(items) -> list[RawDocument]:
    return [i for i in items if isinstance(i, RawDocument)]


def problems_of(items) -> list[Problem]:
    return [i for i in items if isinstance(i, Problem)]


def write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


# --- plain text -----------------------------------------------------------------------------

def test_plain_text(tmp_path):
    p = write(tmp_path / "idlib.txt", ARTICLE)
    [doc] = read(p)
    assert isinstance(doc, RawDocument)
    assert doc.raw == ARTICLE
    assert doc.fmt == "text"
    assert doc.source_path == str(p)
    assert doc.raw_sha256 == hashlib.sha256(ARTICLE.encode("utf-8")).hexdigest()
    assert doc.doc_id == "d_" + doc.raw_sha256[:16]
    assert doc.published is None and doc.outlet is None


def test_metadata_given_by_the_caller(tmp_path):
    p = write(tmp_path / "idlib.txt", ARTICLE)
    [doc] = read(p, outlet="Orontes Post", published="2025-03-04", language="en",
                 url="https://example.org/a", title="Strike on Idlib")
    assert doc.outlet == "Orontes Post"
    assert doc.published == "2025-03-04"
    assert doc.language == "en"
    assert doc.url == "https://example.org/a"
    assert doc.title == "Strike on Idlib"


def test_published_is_normalised_to_an_iso_date(tmp_path):
    p = write(tmp_path / "idlib.txt", ARTICLE)
    assert read(p, published="2025-03-04T09:30:00Z")[0].published == "2025-03-04"
    assert read(p, published="4 March 2025")[0].published == "2025-03-04"


def test_file_without_extension_is_read_as_text(tmp_path):
    p = write(tmp_path / "ARTICLE", ARTICLE)
    [doc] = read(p)
    assert doc.raw == ARTICLE


# --- HTML -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def html_doc(tmp_path_factory):
    p = write(tmp_path_factory.mktemp("html") / "idlib.html", HTML_PAGE)
    [doc] = read(p)
    return doc


def test_html_main_content_is_extracted(html_doc):
    assert isinstance(html_doc, RawDocument)
    assert html_doc.fmt == "html"
    assert "At least 12 civilians were killed" in html_doc.raw
    assert "We pulled children from under the rubble" in html_doc.raw
    for furniture in ["Sport section", "World news", "cookies", "Copyright", "Privacy policy"]:
        assert furniture not in html_doc.raw, furniture
    assert "<p>" not in html_doc.raw


def test_html_metadata(html_doc):
    assert html_doc.outlet == "Orontes Post"
    assert html_doc.published == "2025-03-04"
    assert html_doc.title == "Strike on Idlib market kills 12 civilians"
    assert html_doc.url == "https://example.org/orontes-post/2025/03/04/idlib-market"


def test_html_text_maps_into_page_source(html_doc):
    assert html_doc.raw_kind == "html"
    assert html_doc.layer_len == len(HTML_PAGE)
    assert len(html_doc.layer_offsets) == len(html_doc.raw)
    start = html_doc.raw.index("At least 12")
    off = html_doc.layer_offsets[start]
    assert HTML_PAGE[off:off + len("At least 12")] == "At least 12"


def test_given_metadata_wins_over_the_page(tmp_path):
    p = write(tmp_path / "idlib.html", HTML_PAGE)
    [doc] = read(p, outlet="Wire Copy")
    assert doc.outlet == "Wire Copy"
    assert doc.published == "2025-03-04"


def test_truncated_html_gives_text_or_one_problem(tmp_path):
    cut = HTML_PAGE[:HTML_PAGE.index("Rescue workers said") + 40]
    p = write(tmp_path / "cut.html", cut)
    items = read(p)
    assert len(items) == 1
    item = items[0]
    if isinstance(item, Problem):
        assert item.path == str(p) and item.message
    else:
        assert "At least 12 civilians were killed" in item.raw


def test_html_without_article_text_is_a_problem(tmp_path):
    p = write(tmp_path / "empty.html", "<html><head><title>x</title></head><body></body></html>")
    [item] = read(p)
    assert isinstance(item, Problem)
    assert item.path == str(p)


def test_html_extension_without_markup_is_a_problem(tmp_path):
    p = write(tmp_path / "notreally.html", "just some words with no markup at all\n")
    [item] = read(p)
    assert isinstance(item, Problem)
    assert "HTML" in item.message


# --- JSONL ----------------------------------------------------------------------------------

def test_jsonl_with_metadata_and_one_invalid_line(tmp_path):
    lines = [
        json.dumps({"text": ARTICLE, "outlet": "Orontes Post", "published": "2025-03-04",
                    "url": "https://example.org/a", "title": "Idlib strike", "language": "en"}),
        "{this is not json",
        "",
        json.dumps({"text": "Shelling killed five people in the Aleppo countryside on Wednesday.",
                    "outlet": "Nile Courier", "published": "2025-03-05"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"outlet": "No Text"}),
    ]
    p = write(tmp_path / "batch.jsonl", "\n".join(lines) + "\n")
    items = read(p)
    docs = docs_of(items)
    probs = problems_of(items)
    assert [d.outlet for d in docs] == ["Orontes Post", "Nile Courier"]
    assert docs[0].published == "2025-03-04" and docs[0].title == "Idlib strike"
    assert docs[0].url == "https://example.org/a" and docs[0].language == "en"
    assert docs[0].raw == ARTICLE
    assert docs[0].source_path == f"{p}:1" and docs[1].source_path == f"{p}:4"
    assert [pr.path for pr in probs] == [f"{p}:2", f"{p}:5", f"{p}:6"]
    assert "invalid JSON" in probs[0].message
    # Every item is yielded in file order.
    assert [getattr(i, "source_path", None) or i.path for i in items] == [
        f"{p}:1", f"{p}:2", f"{p}:4", f"{p}:5", f"{p}:6"]


def test_jsonl_line_with_html(tmp_path):
    p = write(tmp_path / "pages.jsonl", json.dumps({"html": HTML_PAGE, "outlet": "Given"}) + "\n")
    [doc] = read(p)
    assert doc.fmt == "jsonl-html"
    assert "At least 12 civilians" in doc.raw and "Sport section" not in doc.raw
    assert doc.outlet == "Given"
    assert doc.published == "2025-03-04"


# --- manifests ------------------------------------------------------------------------------

def test_manifest_attaches_metadata(tmp_path):
    write(tmp_path / "a.txt", ARTICLE)
    write(tmp_path / "b.txt", "Shelling killed five people in the Aleppo countryside on Wednesday.\n")
    write(tmp_path / "manifest.jsonl", json.dumps(
        {"path": "a.txt", "outlet": "Orontes Post", "published": "2025-03-04",
         "url": "https://example.org/a", "title": "Idlib strike", "language": "en"}) + "\n")
    items = read(tmp_path)
    docs = {Path(d.source_path).name: d for d in docs_of(items)}
    assert set(docs) == {"a.txt", "b.txt"}  # the manifest itself is not a document
    assert not problems_of(items)
    a = docs["a.txt"]
    assert (a.outlet, a.published, a.url, a.title, a.language) == (
        "Orontes Post", "2025-03-04", "https://example.org/a", "Idlib strike", "en")
    assert docs["b.txt"].outlet is None


def test_manifest_given_alone_reads_the_files_it_lists(tmp_path):
    write(tmp_path / "a.txt", ARTICLE)
    m = write(tmp_path / "manifest.jsonl",
              json.dumps({"path": "a.txt", "outlet": "Orontes Post"}) + "\n"
              + json.dumps({"path": "gone.txt", "outlet": "Lost"}) + "\n"
              + "not json\n")
    items = read(m)
    [doc] = docs_of(items)
    assert doc.outlet == "Orontes Post"
    paths = {pr.path: pr.message for pr in problems_of(items)}
    assert f"{m}:3" in paths
    assert any(path.endswith("gone.txt") and "missing" in msg for path, msg in paths.items())


# --- feeds ----------------------------------------------------------------------------------

def test_rss_feed(tmp_path):
    p = write(tmp_path / "feed.rss", RSS)
    docs = read(p)
    assert all(isinstance(d, RawDocument) for d in docs)
    assert len(docs) == 2
    first, second = docs
    assert first.fmt == "feed"
    assert first.source_path == f"{p}#0" and second.source_path == f"{p}#1"
    assert first.title == "Shelling kills five in Aleppo countryside"
    assert first.url == "https://example.org/orontes-post/2025/03/05/aleppo-shelling"
    assert first.published == "2025-03-05"
    assert first.outlet == "Orontes Post - Syria"
    # content:encoded wins over the short description, and markup is gone.
    assert first.raw.startswith("Five people, including two children, were killed")
    assert "front line" in first.raw and "<p>" not in first.raw
    assert "Short summary" not in first.raw
    assert second.raw.startswith("A convoy of 40 trucks")
    assert second.published == "2025-03-06"


def test_atom_feed(tmp_path):
    p = write(tmp_path / "feed.atom", ATOM)
    [doc] = read(p)
    assert isinstance(doc, RawDocument)
    assert doc.outlet == "Nile Courier"
    assert doc.published == "2025-04-14"
    assert doc.url == "https://example.org/nile-courier/2025/04/14/el-fasher"
    assert doc.raw.splitlines() == ["Dozens of families were displaced by fighting near El Fasher on "
                                    "Monday, aid workers said.", "The camp has no clean water."]


def test_feed_sniffed_without_feed_extension(tmp_path):
    p = write(tmp_path / "download", RSS)
    assert len(docs_of(read(p))) == 2


@pytest.mark.parametrize("content", [
    "this is not a feed <<< garbage ]]> &&&",
    "<?xml version='1.0'?><config><a>1</a><b>2</b></config>",
    b"\xff\xfe\x00<garbage>",
])
def test_xml_that_is_not_a_feed_is_one_problem(tmp_path, content):
    p = write(tmp_path / "broken.xml", content)
    items = read(p)
    assert len(items) == 1
    assert isinstance(items[0], Problem)
    assert items[0].path == str(p)


def test_not_a_feed_message(tmp_path):
    p = write(tmp_path / "broken.xml", "this is not a feed <<< garbage ]]> &&&")
    [pr] = read(p)
    assert "not an RSS/Atom feed" in pr.message


# --- bad input ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["photo.jpg", "notes.txt", "blob"])
def test_binary_file_is_a_problem(tmp_path, name):
    p = write(tmp_path / name, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" * 20)
    [pr] = read(p)
    assert isinstance(pr, Problem)
    assert pr.path == str(p)
    assert "binary" in pr.message


@pytest.mark.parametrize("content", [b"", b"   \n\n\t  "])
def test_empty_file_is_a_problem(tmp_path, content):
    p = write(tmp_path / "empty.txt", content)
    [pr] = read(p)
    assert isinstance(pr, Problem)
    assert pr.path == str(p)
    assert "empty" in pr.message


@pytest.mark.parametrize("name", ["empty.jsonl", "empty.html", "empty.xml"])
def test_empty_file_of_any_format_is_one_problem(tmp_path, name):
    p = write(tmp_path / name, b"")
    [pr] = read(p)
    assert isinstance(pr, Problem) and "empty" in pr.message


def test_missing_path_is_a_problem(tmp_path):
    missing = tmp_path / "nowhere.txt"
    [pr] = read(missing)
    assert isinstance(pr, Problem)
    assert pr.path == str(missing)


def test_glob_matching_nothing_is_a_problem(tmp_path):
    [pr] = read(tmp_path / "*.nothing")
    assert isinstance(pr, Problem)


def test_bad_files_do_not_stop_the_batch(tmp_path):
    write(tmp_path / "a_good.txt", ARTICLE)
    write(tmp_path / "b_binary.bin", b"\x00\x01\x02\x03" * 50)
    write(tmp_path / "c_empty.txt", b"")
    write(tmp_path / "d_feed.xml", "not a feed at all")
    write(tmp_path / "e_good.txt", "Shelling killed five people in the Aleppo countryside.\n")
    items = read(tmp_path, tmp_path / "missing.txt")
    assert sorted(Path(d.source_path).name for d in docs_of(items)) == ["a_good.txt", "e_good.txt"]
    assert sorted(Path(p.path).name for p in problems_of(items)) == [
        "b_binary.bin", "c_empty.txt", "d_feed.xml", "missing.txt"]


def test_hidden_files_and_readme_are_skipped(tmp_path):
    write(tmp_path / "a.txt", ARTICLE)
    write(tmp_path / ".hidden.txt", ARTICLE + "x")
    write(tmp_path / "README.md", "# about this folder\n")
    (tmp_path / ".git").mkdir()
    write(tmp_path / ".git" / "x.txt", "git internals")
    assert [Path(d.source_path).name for d in read(tmp_path)] == ["a.txt"]


# --- encodings ------------------------------------------------------------------------------

CAFE = "Residents gathered at the café on Friday, where the owner’s son was among the 12 killed.\n"


def test_latin1_text_is_decoded(tmp_path):
    text = "Residents gathered at the café on Friday, said the owner's son.\n"
    p = write(tmp_path / "latin1.txt", text.encode("latin-1"))
    [doc] = read(p)
    assert "café" in doc.raw
    assert doc.raw == text


def test_cp1252_text_is_decoded(tmp_path):
    p = write(tmp_path / "cp1252.txt", CAFE.encode("cp1252"))
    [doc] = read(p)
    assert doc.raw == CAFE
    assert "café" in doc.raw and "owner’s" in doc.raw


def test_utf8_with_bom(tmp_path):
    p = write(tmp_path / "bom.txt", codecs.BOM_UTF8 + CAFE.encode("utf-8"))
    [doc] = read(p)
    assert doc.raw == CAFE


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le-bom", "utf-16-be-bom"])
def test_utf16_with_bom(tmp_path, encoding):
    if encoding == "utf-16":
        data = CAFE.encode("utf-16")
    elif encoding == "utf-16-le-bom":
        data = codecs.BOM_UTF16_LE + CAFE.encode("utf-16-le")
    else:
        data = codecs.BOM_UTF16_BE + CAFE.encode("utf-16-be")
    p = write(tmp_path / "wide.txt", data)
    [doc] = read(p)
    assert isinstance(doc, RawDocument)
    assert doc.raw == CAFE


def test_raw_sha256_is_of_the_file_bytes(tmp_path):
    data = CAFE.encode("cp1252")
    p = write(tmp_path / "cp1252.txt", data)
    [doc] = read(p)
    assert doc.raw_sha256 == hashlib.sha256(data).hexdigest()


# --- duplicates -----------------------------------------------------------------------------

def test_duplicate_files_share_a_sha(tmp_path):
    a = write(tmp_path / "a.txt", ARTICLE)
    b = write(tmp_path / "copy_of_a.txt", ARTICLE)
    docs = read(a, b)
    assert len(docs) == 2  # ingest reads both; the store keeps one (see the CLI tests)
    assert docs[0].raw_sha256 == docs[1].raw_sha256
    assert docs[0].doc_id == docs[1].doc_id


def test_same_path_twice_reads_the_same_document(tmp_path):
    a = write(tmp_path / "a.txt", ARTICLE)
    docs = docs_of(read(a, a))
    assert {d.doc_id for d in docs} == {docs[0].doc_id}


@pytest.mark.parametrize("content", [codecs.BOM_UTF8, codecs.BOM_UTF8 + b"  \n",
                                     codecs.BOM_UTF16_LE + " \n".encode("utf-16-le")],
                         ids=["utf8-bom-only", "utf8-bom-blank", "utf16-blank"])
def test_file_with_only_a_bom_and_blanks_is_empty(tmp_path, content):
    # Windows editors write a BOM into files that are otherwise empty: still an empty file.
    p = write(tmp_path / "blank.txt", content)
    [item] = read(p)
    assert isinstance(item, Problem), item
    assert item.path == str(p)
    assert "empty" in item.message


def test_huge_file_is_refused_with_a_message(tmp_path, monkeypatch):
    import sitrep.ingest as ingest

    monkeypatch.setitem(ingest.CFG, "max_bytes", 100)
    p = write(tmp_path / "huge.txt", ARTICLE * 5)
    [pr] = read(p)
    assert isinstance(pr, Problem)
    assert pr.path == str(p) and "too large" in pr.message


def test_glob_reads_matching_files(tmp_path):
    write(tmp_path / "a.txt", ARTICLE)
    write(tmp_path / "b.txt", ARTICLE + "More.\n")
    write(tmp_path / "c.html", HTML_PAGE)
    assert sorted(Path(d.source_path).name for d in read(tmp_path / "*.txt")) == ["a.txt", "b.txt"]


def test_existing_file_with_brackets_in_its_name_is_read(tmp_path):
    # Browsers save "report[1].txt"; a path that exists is a file, not a glob pattern.
    p = write(tmp_path / "report[1].txt", ARTICLE)
    items = read(p)
    assert len(items) == 1
    assert isinstance(items[0], RawDocument), items[0]
    assert items[0].raw == ARTICLE
