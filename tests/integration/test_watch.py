"""`sitrep watch`: new files and feed items are ingested once; what did not change is not re-read."""

from __future__ import annotations

import json
import os
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sitrep.cli import app, ingest_items
from sitrep.store import Store
from sitrep.watch import Watcher

ARTICLES = [
    "Gunmen killed seven villagers in an attack on a market near Hama on Monday, residents said.\n",
    "Shelling killed five people, including two children, west of Aleppo on Wednesday, officials said.\n",
    "Security forces detained 45 men during a raid on a village near Homs on Thursday, residents said.\n",
    "Fighting near El Fasher has displaced more than 2,000 families since Sunday, aid workers said.\n",
]
LONG_AGO = time.time() - 3600


def write(path: Path, text: str, old: bool = True) -> Path:
    path.write_text(text, encoding="utf-8")
    if old:
        os.utime(path, (LONG_AGO, LONG_AGO))
    return path


def ingest(store, items):
    return ingest_items(store, items, quiet=True)


@pytest.fixture
def store(tmp_path):
    with Store(str(tmp_path / "watch.db")) as s:
        yield s


def test_new_files_are_ingested_once_and_unchanged_ones_not_reread(tmp_path, store):
    folder = tmp_path / "incoming"
    folder.mkdir()
    first = write(folder / "a.txt", ARTICLES[0])
    watcher = Watcher([str(folder)], store, ingest=ingest, settle_seconds=0)

    one = watcher.poll()
    assert one.read == [str(first)]
    assert one.counts == {"stored": 1, "unchanged": 0, "problems": 0}
    assert watcher.poll().read == []

    second = write(folder / "b.txt", ARTICLES[1])
    third = write(folder / "c.txt", ARTICLES[2])
    three = watcher.poll()
    assert sorted(three.read) == [str(second), str(third)]
    assert three.counts["stored"] == 2
    assert three.totals["documents"] == 3 and three.totals["figures"] >= 3

    # Same size and modification time: not read again, so the new words are not stored.
    stat = first.stat()
    first.write_text(ARTICLES[0].replace("seven", "eight"), encoding="utf-8")
    os.utime(first, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert watcher.poll().read == []
    assert store.counts()["documents"] == 3

    # An edited file (new modification time) is read again; its new version replaces the old.
    write(first, ARTICLES[0].replace("seven", "nine"))
    five = watcher.poll()
    assert five.read == [str(first)] and five.counts["stored"] == 1 and five.counts["replaced"] == 1
    assert store.counts()["documents"] == 3
    assert any("nine villagers" in d["text"] for d in store.documents())


def test_a_file_still_being_written_waits_for_the_next_poll(tmp_path, store):
    fresh = write(tmp_path / "fresh.txt", ARTICLES[0], old=False)
    watcher = Watcher([str(tmp_path)], store, ingest=ingest, settle_seconds=60)
    assert watcher.poll().read == []
    os.utime(fresh, (LONG_AGO, LONG_AGO))
    assert watcher.poll().read == [str(fresh)]


def test_a_copy_of_a_stored_file_is_read_but_not_stored_again(tmp_path, store):
    write(tmp_path / "a.txt", ARTICLES[0])
    watcher = Watcher([str(tmp_path)], store, ingest=ingest, settle_seconds=0)
    watcher.poll()
    write(tmp_path / "a_copy.txt", ARTICLES[0])
    report = watcher.poll()
    assert report.counts == {"stored": 0, "unchanged": 1, "problems": 0}


def test_watch_command_polls_and_keeps_the_record_current(tmp_path):
    folder = tmp_path / "incoming"
    folder.mkdir()
    write(folder / "a.txt", ARTICLES[0])
    write(folder / "junk.bin", "\x00\x01\x02" * 50)
    db, record = tmp_path / "w.db", tmp_path / "record.json"
    args = ["watch", str(folder), "--db", str(db), "--interval", "0", "--out", str(record)]
    result = CliRunner().invoke(app, [*args, "--max-polls", "2"])
    assert result.exit_code == 0, result.output
    lines = result.stderr.strip().splitlines()
    assert sum("junk.bin" in ln for ln in lines) == 1
    assert lines[-2].startswith("poll 1: read 2, 1 stored, 0 unchanged, 1 problems; record: 1 documents")
    assert "incidents" in lines[-2] and "tallies" in lines[-2]
    assert lines[-1] == f"stopped after 2 polls -> {db}"
    data = json.loads(record.read_text(encoding="utf-8"))
    assert len(data["documents"]) == 1 and "incidents" in data and "tallies" in data

    write(folder / "b.txt", ARTICLES[1])
    again = CliRunner().invoke(app, [*args, "--once"])
    assert again.exit_code == 0, again.output
    assert "1 stored, 1 unchanged" in again.stderr
    assert len(json.loads(record.read_text(encoding="utf-8"))["documents"]) == 2


# --- feeds over HTTP (a server on 127.0.0.1 run by the test) --------------------------------

def rss(items: list[str]) -> bytes:
    entries = "".join(
        f"<item><title>Item {i}</title><link>https://example.org/item/{i}</link>"
        f"<pubDate>Mon, 03 Mar 2025 08:00:00 GMT</pubDate><description>{text}</description></item>"
        for i, text in enumerate(items))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Test Wire</title><link>https://example.org/</link>{entries}</channel></rss>").encode()


class FeedServer:
    def __init__(self):
        self.body = rss(ARTICLES[:2])
        self.version = 1
        self.requests: list[int] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                etag = f'"v{server.version}"'
                if self.headers.get("If-None-Match") == etag:
                    server.requests.append(304)
                    self.send_response(304)
                    self.end_headers()
                    return
                server.requests.append(200)
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", formatdate(usegmt=True))
                self.end_headers()
                self.wfile.write(server.body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/feed.xml"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def publish(self, items: list[str]) -> None:
        self.body = rss(items)
        self.version += 1


@pytest.fixture
def feed():
    server = FeedServer()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def test_feed_url_new_items_only(feed, store):
    watcher = Watcher([feed.url], store, ingest=ingest)
    one = watcher.poll()
    assert one.read == [feed.url] and one.counts["stored"] == 2
    two = watcher.poll()
    assert two.read == [] and feed.requests == [200, 304]
    feed.publish(ARTICLES[:3])
    three = watcher.poll()
    assert three.counts == {"stored": 1, "unchanged": 2, "problems": 0}
    urls = sorted(d["url"] for d in store.documents())
    assert urls == [f"https://example.org/item/{i}" for i in range(3)]


def test_feed_that_is_not_a_feed_and_a_dead_url_are_said_once(feed, store):
    feed.body = b"<html><body>Maintenance</body></html>"
    dead = "http://127.0.0.1:9/feed.xml"
    reported = []
    watcher = Watcher([feed.url, dead], store, ingest=lambda st, items: ingest_items(st, items, True))
    for _ in range(2):
        report = watcher.poll()
        reported.append(report.counts["problems"])
    assert reported == [2, 0]
    problems = {p["path"]: p["message"] for p in store.problems()}
    assert "not an RSS/Atom feed" in problems[feed.url]
    assert problems[dead].startswith("cannot fetch feed")


class _SlowServer:
    """A loopback server whose feed drips one byte every ``gap`` seconds, or sends ``size``
    bytes of padding: the feeds a watcher must not be held up by."""

    def __init__(self, gap: float = 0.0, size: int = 0):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.end_headers()
                try:
                    if size:
                        for _ in range(size // 65536 + 1):
                            self.wfile.write(b" " * 65536)
                    else:
                        for _ in range(200):
                            if server.stop.is_set():
                                return
                            self.wfile.write(b" ")
                            self.wfile.flush()
                            time.sleep(gap)
                except OSError:
                    pass

            def log_message(self, *args):
                pass

        self.stop = threading.Event()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/feed.xml"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def test_a_dripping_feed_is_cut_off_and_does_not_stall_the_others(feed, store, monkeypatch):
    import sitrep.watch

    monkeypatch.setitem(sitrep.watch.CFG, "fetch_deadline", 1.5)
    slow = _SlowServer(gap=0.2)
    try:
        watcher = Watcher([slow.url, feed.url], store, ingest=ingest)
        t0 = time.monotonic()
        report = watcher.poll()
        assert time.monotonic() - t0 < 6
        assert report.counts["stored"] == 2  # the good feed's items
        problems = {p["path"]: p["message"] for p in store.problems()}
        assert "cut off" in problems[slow.url]
    finally:
        slow.close()


def test_an_oversized_feed_is_refused_not_read_whole(store, monkeypatch):
    import sitrep.watch

    monkeypatch.setitem(sitrep.watch.CFG, "max_feed_bytes", 1_000_000)
    big = _SlowServer(size=5_000_000)
    try:
        report = Watcher([big.url], store, ingest=ingest).poll()
        assert report.counts["problems"] == 1
        assert "larger than 1,000,000 bytes" in store.problems()[0]["message"]
    finally:
        big.close()


def test_a_growing_file_keeps_only_its_newest_version(tmp_path, store):
    folder = tmp_path / "in"
    folder.mkdir()
    f = write(folder / "live.txt", ARTICLES[0])
    watcher = Watcher([str(folder)], store, ingest=ingest, settle_seconds=0)
    assert watcher.poll().counts["stored"] == 1
    write(f, ARTICLES[0] + ARTICLES[1])
    os.utime(f, (LONG_AGO + 10, LONG_AGO + 10))
    report = watcher.poll()
    assert report.counts["stored"] == 1 and report.counts["replaced"] == 1
    assert "1 earlier version(s) replaced" in report.line()
    [doc] = store.documents()
    assert doc["text"].startswith(ARTICLES[0].strip()) and "Aleppo" in doc["text"]
    assert {f["doc_id"] for f in store.figures()} == {doc["id"]}
