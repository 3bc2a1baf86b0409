"""Read articles from text, HTML, JSONL, RSS/Atom and manifests into ``RawDocument`` records.

``read_paths`` yields documents and ``Problem`` records in a stable order; a bad file or line gives
one ``Problem`` naming it and the batch goes on.
"""

from __future__ import annotations

import codecs
import glob
import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from .config import CONFIG
from .htmlmap import map_extracted
from .meta import META_KEYS, clean_text, detect_language, validate
from .records import Problem, RawDocument

CFG = CONFIG["ingest"]

TEXT_EXT = {".txt", ".text", ".md"}
HTML_EXT = {".html", ".htm", ".xhtml"}
JSONL_EXT = {".jsonl", ".ndjson"}
FEED_EXT = {".xml", ".rss", ".atom", ".feed"}


class BadInput(Exception):
    """Raised for input that cannot be read; its message is the one line the user sees."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# Control characters other than tab, newlines, vertical tab, form feed and carriage return.
_CONTROL_BYTES = bytes(b for b in range(32) if b < 9 or 13 < b < 32)


def _controls(text: str) -> int:
    return sum(1 for c in text if c < "\t" or "\r" < c < " ")


def _control_bytes(data: bytes) -> int:
    """How many bytes of ``data`` are control characters (``_controls``, without a Python loop)."""
    return len(data) - len(data.translate(None, _CONTROL_BYTES))


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 text saved without a byte-order mark (NUL bytes on every other position for Latin
    script), told apart from binary data by decoding cleanly to text without control characters."""
    sample = data[:65536]
    if len(data) % 2 or len(sample) < 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    encoding = "utf-16-le" if odd > even else "utf-16-be"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    head = text[:32768]
    if "\x00" in head or _controls(head) > CFG["binary_ratio"] * len(head):
        return None
    return text, encoding


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes to text, returning (text, encoding). Raises BadInput for binary data."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    # The UTF-32 little-endian mark begins with the UTF-16 one: test it first.
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return data.decode("utf-32", errors="replace"), "utf-32"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16"
    sample = data[:65536]
    controls = _control_bytes(sample)
    if b"\x00" in sample or (sample and controls / len(sample) > CFG["binary_ratio"]):
        found = _utf16_without_bom(data) if b"\x00" in sample else None
        if found:
            return found
        raise BadInput("binary file, not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Legacy single-byte encodings: cp1252 covers Windows-encoded news copy; latin-1 never fails.
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _read_bytes(path: Path) -> bytes:
    size = path.stat().st_size
    if size > CFG["max_bytes"]:
        raise BadInput(f"file too large ({size:,} bytes; limit {CFG['max_bytes']:,})")
    data = path.read_bytes()
    if not data.strip():
        raise BadInput("empty file")
    return data


def _decode_nonempty(data: bytes) -> str:
    text, _ = decode(data)
    if not text.strip():
        raise BadInput("empty file")  # a byte-order mark and blanks are still empty
    return text


def html_to_text(html: str) -> tuple[str, dict[str, Any]]:
    """Main-content extraction with trafilatura; returns text and the metadata it found."""
    import trafilatura

    if not re.search(r"<(html|body|p|div|article)\b", html[:200000], re.I):
        raise BadInput("no HTML markup found")
    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                      include_tables=False, favor_recall=True)
    if doc is None or not (doc.text or "").strip():
        raise BadInput("HTML has no extractable article text (truncated or empty page?)")
    meta = {"title": doc.title, "outlet": doc.sitename, "published": doc.date, "url": doc.url,
            "language": doc.language}
    return doc.text, meta


def _make(path: str, raw: str, raw_bytes: bytes, fmt: str, meta: dict[str, Any],
          raw_kind: str = "text", problems: list[Problem] | None = None,
          validated: bool = False) -> RawDocument:
    """The document, its metadata validated (a bad field dropped and reported on the document's
    ``problems``; ``validated`` when the caller did it) and its text one both stores can hold."""
    meta, found = (meta, []) if validated else validate(meta, path)
    raw = clean_text(raw)
    return RawDocument(
        source_path=path, raw=raw, raw_sha256=sha256(raw_bytes), fmt=fmt,
        url=meta.get("url"), outlet=meta.get("outlet"), title=meta.get("title"),
        published=meta.get("published"), language=meta.get("language") or detect_language(raw),
        raw_kind=raw_kind,
        problems=(problems or []) + found)


def _item(where: str, body: str, meta: dict[str, Any], fmt: str, raw_kind: str) -> RawDocument:
    """A JSONL line or feed item. What identifies it: its text and where it was published, so
    the same wire copy carried by two outlets is two documents (linking counts it once)."""
    meta, problems = validate(meta, where)
    body = clean_text(body)
    key = "\n".join([meta.get("url") or "", meta.get("outlet") or "", body]).encode("utf-8")
    return _make(where, body, key, fmt, meta, raw_kind=raw_kind, problems=problems, validated=True)


def _merge(found: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """Metadata given by the user or a manifest wins over what the file itself says."""
    out = {k: v for k, v in found.items() if v}
    out.update({k: v for k, v in given.items() if v is not None and k in META_KEYS})
    return out


def read_text_file(path: Path, meta: dict[str, Any]) -> RawDocument:
    data = _read_bytes(path)
    text = _decode_nonempty(data)
    return _make(str(path), text, data, "text", _merge({}, meta))


def read_html_file(path: Path, meta: dict[str, Any]) -> RawDocument:
    data = _read_bytes(path)
    html = _decode_nonempty(data)
    text, found = html_to_text(html)
    doc = _make(str(path), text, data, "html", _merge(found, meta))
    offsets, missing = map_extracted(html, text)
    doc.layer_offsets, doc.layer_len = offsets, len(html)
    doc.raw_kind = "html" if missing == 0 else "html-approx"
    return doc


def read_jsonl_file(path: Path, meta: dict[str, Any]) -> Iterator[RawDocument | Problem]:
    data = _read_bytes(path)
    text = _decode_nonempty(data)
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Problem(where, f"invalid JSON ({exc.msg})")
            continue
        if not isinstance(obj, dict):
            yield Problem(where, "JSONL line is not an object")
            continue
        body = obj.get("text") or obj.get("content") or obj.get("body")
        fmt = "jsonl"
        found: dict[str, Any] = {}
        if not body and obj.get("html"):
            try:
                body, found = html_to_text(str(obj["html"]))
            except BadInput as exc:
                yield Problem(where, str(exc))
                continue
            fmt = "jsonl-html"
        if not isinstance(body, str) or not body.strip():
            yield Problem(where, "JSONL line has no 'text' field")
            continue
        # What the caller says wins over the line, as for every other input kind.
        item_meta = _merge(found, {**{k: obj.get(k) for k in META_KEYS if obj.get(k)}, **meta})
        yield _item(where, body, item_meta, fmt,
                    "html-extracted" if fmt == "jsonl-html" else "text")


def read_feed_file(path: Path, meta: dict[str, Any]) -> Iterator[RawDocument | Problem]:
    yield from read_feed_bytes(_read_bytes(path), str(path), meta)


def read_feed_bytes(data: bytes, path: str, meta: dict[str, Any]) -> Iterator[RawDocument | Problem]:
    """The items of an RSS/Atom feed read from a file or fetched from ``path`` (a URL)."""
    import feedparser

    parsed = feedparser.parse(data)
    if not parsed.entries:
        reason = getattr(parsed, "bozo_exception", None)
        yield Problem(path, "not an RSS/Atom feed" + (f" ({reason})" if reason else " (no entries)"))
        return
    outlet = parsed.feed.get("title") if hasattr(parsed, "feed") else None
    for i, entry in enumerate(parsed.entries):
        where = f"{path}#{i}"
        content = ""
        if entry.get("content"):
            content = entry["content"][0].get("value", "")
        content = content or entry.get("summary", "")
        if not content.strip():
            yield Problem(where, "feed item has no content")
            continue
        try:
            body = _html_fragment_text(content) if "<" in content else content
        except (ValueError, etree_error()) as exc:  # one unreadable item, not the whole feed
            yield Problem(where, f"feed item body cannot be read ({exc})")
            continue
        published = None
        if entry.get("published_parsed"):
            published = date(*entry["published_parsed"][:3]).isoformat()
        elif entry.get("updated_parsed"):
            published = date(*entry["updated_parsed"][:3]).isoformat()
        found = {"url": entry.get("link"), "title": entry.get("title"), "published": published,
                 "outlet": outlet}
        item_meta = _merge(found, meta)
        yield _item(where, body, item_meta, "feed", "html-extracted" if "<" in content else "text")


_XML_FORBIDDEN = {c: None for c in (*range(0, 9), 11, 12, *range(14, 32))}


def etree_error() -> type[Exception]:
    from lxml.etree import LxmlError

    return LxmlError


def _html_fragment_text(fragment: str) -> str:
    """Text of an HTML fragment (a feed item body), one paragraph per line."""
    import lxml.html

    # Control characters XML does not allow (a stray backspace in a feed) would stop lxml.
    fragment = fragment.translate(_XML_FORBIDDEN)
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    blocks = []
    for el in root.iter("p", "h1", "h2", "h3", "h4", "li", "blockquote"):
        txt = el.text_content().strip()
        if txt:
            blocks.append(txt)
    return "\n".join(blocks) if blocks else root.text_content().strip()


def read_warc_file(path: Path, meta: dict[str, Any]) -> Iterator[RawDocument | Problem]:
    """The HTML pages of a WARC or WARC.gz file (a crawl), record by record: never the whole file
    in memory. Each page goes through the same main-content extraction as an HTML file and keeps
    its WARC-Target-URI as url; its publication date is the page's own, else the capture date.
    A corrupt or truncated record is one problem line; the pages read before it are kept."""
    from warcio.archiveiterator import ArchiveIterator

    size = path.stat().st_size
    if size == 0:
        raise BadInput("empty file")
    with path.open("rb") as fh:
        archive = ArchiveIterator(fh)
        records = iter(archive)
        n = 0
        while True:
            try:
                record = next(records)
            except StopIteration:
                # warcio ends quietly at a truncated gzip member: bytes left over say so.
                if size - archive.offset > 4:
                    yield Problem(f"{path}#{n}", f"corrupt or truncated WARC record at byte "
                                                 f"{archive.offset:,}; the rest is not read")
                return
            except Exception as exc:  # noqa: BLE001 - warcio raises several kinds on damage
                yield Problem(f"{path}#{n}", f"corrupt or truncated WARC record; the rest of "
                                             f"the file is not read ({type(exc).__name__})")
                return
            n += 1
            if record.rec_type not in ("response", "resource"):
                continue
            where = f"{path}#{n - 1}"
            ctype = (record.http_headers.get_header("Content-Type") if record.http_headers
                     else record.rec_headers.get_header("Content-Type")) or ""
            if "html" not in ctype.lower():
                continue
            try:
                body = record.content_stream().read(CFG["max_bytes"] + 1)
            except Exception as exc:  # noqa: BLE001
                yield Problem(where, f"corrupt or truncated WARC record ({type(exc).__name__})")
                return
            if len(body) > CFG["max_bytes"]:
                yield Problem(where, f"page too large (over {CFG['max_bytes']:,} bytes)")
                continue
            try:
                html = _decode_nonempty(body)
                text, found = html_to_text(html)
            except BadInput as exc:
                yield Problem(where, str(exc))
                continue
            captured = (record.rec_headers.get_header("WARC-Date") or "")[:10] or None
            found = {**found, "url": record.rec_headers.get_header("WARC-Target-URI") or found.get("url"),
                     "published": found.get("published") or captured}
            yield _make(where, text, body, "warc", _merge(found, meta), raw_kind="html-extracted")


def is_warc(path: Path) -> bool:
    return path.name.lower().endswith((".warc", ".warc.gz", ".arc.gz"))


def sniff(path: Path) -> str:
    if is_warc(path):
        return "warc"
    ext = "".join(path.suffixes[-1:]).lower()
    if ext in TEXT_EXT:
        return "text"
    if ext in HTML_EXT:
        return "html"
    if ext in JSONL_EXT:
        return "jsonl"
    if ext in FEED_EXT:
        return "feed"
    with path.open("rb") as fh:
        head = fh.read(2048).lstrip().lower()
    if head.startswith(b"<?xml") or b"<rss" in head or b"<feed" in head:
        return "feed"
    if head.startswith((b"<!doctype html", b"<html")):
        return "html"
    if head.startswith(b"{"):
        return "jsonl"
    return "text"


def is_manifest(path: Path) -> bool:
    return path.name == "manifest.jsonl"


def read_manifest(path: Path) -> Iterator[tuple[Path, dict[str, Any]] | Problem]:
    """The files a manifest lists, with their metadata. A path resolves inside the manifest's
    folder: an absolute path, one that climbs out (``../``) or a link that leads out is refused,
    so a manifest can never pull in a file the user did not point at."""
    base = path.parent.resolve()
    try:
        text = _decode_nonempty(_read_bytes(path))
    except (BadInput, OSError) as exc:
        yield Problem(str(path), f"cannot read manifest ({getattr(exc, 'strerror', None) or exc})")
        return
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Problem(where, f"invalid JSON ({exc.msg})")
            continue
        rel = obj.get("path") if isinstance(obj, dict) else None
        if not isinstance(rel, str) or not rel.strip() or "\x00" in rel:
            yield Problem(where, "manifest line is not an object with a 'path' string")
            continue
        target = (base / rel).resolve()
        if Path(rel).is_absolute() or not target.is_relative_to(base):
            yield Problem(where, f"path {rel!r} is outside the manifest's folder; refused")
            continue
        meta, problems = validate(obj, where)
        yield from problems
        yield target, meta


def read_file(path: Path, meta: dict[str, Any]) -> Iterator[RawDocument | Problem]:
    try:
        kind = sniff(path)
        if kind == "html":
            yield read_html_file(path, meta)
        elif kind == "jsonl":
            yield from read_jsonl_file(path, meta)
        elif kind == "feed":
            yield from read_feed_file(path, meta)
        elif kind == "warc":
            yield from read_warc_file(path, meta)
        else:
            yield read_text_file(path, meta)
    except BadInput as exc:
        yield Problem(str(path), str(exc))
    except OSError as exc:
        yield Problem(str(path), f"cannot read ({exc.strerror or exc})")


def _regular(path: Path) -> Path | Problem:
    """The path if it is a readable regular file; a FIFO, socket or device (which would block or
    never end) or a link that leads nowhere is one problem line."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return Problem(str(path), f"cannot read ({exc.strerror or exc})")
    if not stat.S_ISREG(mode):
        return Problem(str(path), "not a regular file (a pipe, socket or device); skipped")
    return path


def expand(paths: Iterable[str]) -> Iterator[Path | Problem]:
    for p in paths:
        # An existing path is taken literally, even with glob characters in its name.
        matches = sorted(glob.glob(p)) if any(c in p for c in "*?[") and not os.path.exists(p) else [p]
        if not matches:
            yield Problem(p, "no file matches")
        for m in matches:
            path = Path(m)
            if path.is_dir():
                def unreadable(exc: OSError) -> None:
                    problems.append(Problem(exc.filename or str(path),
                                            f"cannot read folder ({exc.strerror or exc})"))

                problems: list[Problem] = []
                # Links to folders are not followed: a link loop cannot make the walk endless.
                for root, dirs, files in os.walk(path, onerror=unreadable):
                    yield from problems
                    problems.clear()
                    dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                    for f in sorted(files):
                        if not f.startswith(".") and f.lower() != "readme.md":
                            yield _regular(Path(root) / f)
                yield from problems
            elif os.path.lexists(path):
                yield _regular(path)
            else:
                yield Problem(str(path), "no such file")


def read_paths(paths: Iterable[str], select: Callable[[Path], bool] | None = None,
               **meta: Any) -> Iterator[RawDocument | Problem]:
    """Every document under ``paths``; manifests attach metadata to the files they list.
    ``select``, if given, picks the files to read (manifests are always read)."""
    files: list[Path] = []
    problems: list[Problem] = []
    for item in expand(paths):
        (problems if isinstance(item, Problem) else files).append(item)
    yield from problems
    listed: dict[Path, dict[str, Any]] = {}
    for f in files:
        if is_manifest(f):
            for entry in read_manifest(f):
                if isinstance(entry, Problem):
                    yield entry
                else:
                    listed[entry[0].resolve()] = entry[1]
    done: set[Path] = set()
    for f in files:
        if is_manifest(f):
            continue
        key = f.resolve()
        done.add(key)
        if select is None or select(f):
            yield from read_file(f, {**listed.get(key, {}), **meta})
    for key, m in listed.items():
        if key in done:
            continue
        if not os.path.lexists(key):
            yield Problem(str(key), "listed in manifest but missing")
        elif isinstance(checked := _regular(key), Problem):
            yield checked
        elif select is None or select(key):
            yield from read_file(key, {**m, **meta})


@dataclass
class TextInput:
    """A document handed over as a string (Python API)."""

    text: str
    meta: dict[str, Any]

    def to_raw(self) -> RawDocument:
        return _make("<text>", self.text, self.text.encode("utf-8"), "text", _merge({}, self.meta))
