"""``sitrep watch``: poll folders, files and feed URLs; ingest what is new; refresh the record.

A file is read when it first appears and again only when its size or modification time changes,
and only once it has been left alone for ``settle_seconds`` (a file still being written waits for
the next poll). A feed URL is fetched with ``If-None-Match`` / ``If-Modified-Since`` and parsed
only when its body changed. What is read goes through the same ingest as ``sitrep ingest``, so
documents already stored are skipped by content hash. After a poll that stored something the
export record (incidents and tallies included) is rebuilt and, with ``--out``, written.

What has been seen is kept in memory: a restarted watcher reads every file once more, and the
store skips them as unchanged.
"""

from __future__ import annotations

import os
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from .config import CONFIG
from .records import Problem, RawDocument
from .store import Store

CFG = CONFIG["watch"]


def is_feed_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


@dataclass
class PollReport:
    poll: int
    read: list[str] = field(default_factory=list)  # files and feeds read in this poll
    counts: dict[str, int] = field(default_factory=dict)  # stored / unchanged / problems
    totals: dict[str, int] = field(default_factory=dict)  # arrays of the record after the poll

    def line(self) -> str:
        c, t = self.counts, self.totals
        text = (f"poll {self.poll}: read {len(self.read)}, {c.get('stored', 0)} stored, "
                f"{c.get('unchanged', 0)} unchanged, {c.get('problems', 0)} problems")
        if c.get("replaced"):
            text += f", {c['replaced']} earlier version(s) replaced"
        if t:
            text += "; record: " + ", ".join(f"{v} {k}" for k, v in t.items())
        return text


@dataclass
class _Feed:
    etag: str | None = None
    modified: str | None = None
    body_sha: str | None = None


class Watcher:
    """Polls ``sources``; ``ingest(store, items)`` stores what a poll reads and returns counts."""

    def __init__(self, sources: Iterable[str], store: Store,
                 ingest: Callable[[Store, Iterable[RawDocument | Problem]], dict[str, int]],
                 meta: dict[str, Any] | None = None, settle_seconds: float | None = None,
                 on_record: Callable[[dict[str, Any]], None] | None = None,
                 ignore: Iterable[str] = ()):
        sources = list(sources)
        self.paths = [s for s in sources if not is_feed_url(s)]
        self.feeds = {s: _Feed() for s in sources if is_feed_url(s)}
        self.store = store
        self.ingest = ingest
        self.meta = meta or {}
        self.settle = CFG["settle_seconds"] if settle_seconds is None else settle_seconds
        self.on_record = on_record
        self.seen: dict[Path, tuple[int, int]] = {}
        self.rewritten: list[str] = []
        self.reported: set[tuple[str, str]] = set()
        self.polls = 0
        # Our own database and export may sit in a watched folder: never read them as input.
        own = [store.target + suffix for suffix in ("", "-wal", "-shm", "-journal")]
        self.ignore = {Path(p).resolve() for p in [*own, *ignore, *(f"{p}.tmp" for p in ignore)]}

    # --- what changed -----------------------------------------------------------------------

    def _select(self, report: PollReport) -> Callable[[Path], bool]:
        now = time.time()

        def changed(path: Path) -> bool:
            try:
                st = path.stat()
            except OSError:
                return True  # let the reader say what is wrong with it
            if now - st.st_mtime < self.settle:
                return False  # still being written, perhaps: next poll
            key, sig = path.resolve(), (st.st_mtime_ns, st.st_size)
            if key in self.ignore:
                return False
            if self.seen.get(key) == sig:
                return False
            if key in self.seen:
                self.rewritten.append(str(path))  # a new version of a file read before
            self.seen[key] = sig
            report.read.append(str(path))
            return True

        return changed

    def _download(self, url: str) -> tuple[bytes | None, Problem | None]:
        """The feed's body if it changed since the last fetch. The fetch has a total deadline and
        a size cap: a feed that drips or never ends is cut off with one problem."""
        state = self.feeds[url]
        request = urllib.request.Request(url, headers={"User-Agent": "sitrep-watch"})
        if state.etag:
            request.add_header("If-None-Match", state.etag)
        if state.modified:
            request.add_header("If-Modified-Since", state.modified)
        deadline = time.monotonic() + CFG["fetch_deadline"]
        cap = CFG["max_feed_bytes"]
        try:
            with urllib.request.urlopen(request, timeout=CFG["fetch_timeout"]) as response:
                chunks, size = [], 0
                while chunk := response.read1(65536):
                    chunks.append(chunk)
                    size += len(chunk)
                    if size > cap:
                        return None, Problem(url, f"feed larger than {cap:,} bytes; not read")
                    if time.monotonic() > deadline:
                        return None, Problem(url, f"feed took longer than {CFG['fetch_deadline']} s; "
                                                  "cut off")
                etag, modified = response.headers.get("ETag"), response.headers.get("Last-Modified")
        except urllib.error.HTTPError as exc:
            if exc.code != 304:  # 304: not modified since the last poll
                return None, Problem(url, f"cannot fetch feed (HTTP {exc.code} {exc.reason})")
            return None, None
        except (urllib.error.URLError, OSError) as exc:
            return None, Problem(url, f"cannot fetch feed ({getattr(exc, 'reason', exc)})")
        state.etag, state.modified = etag, modified
        return b"".join(chunks), None

    def _fetched(self, report: PollReport) -> Iterator[RawDocument | Problem]:
        """Every feed fetched at once; each feed's items are read as soon as it arrives."""
        from concurrent.futures import ThreadPoolExecutor, as_completed

        from .ingest import read_feed_bytes, sha256

        if not self.feeds:
            return
        with ThreadPoolExecutor(max_workers=min(CFG["fetch_workers"], len(self.feeds))) as pool:
            futures = {pool.submit(self._download, url): url for url in self.feeds}
            for future in as_completed(futures):
                url = futures[future]
                body, problem = future.result()
                if problem is not None:
                    yield problem
                if body is None:
                    continue
                digest = sha256(body)
                if digest == self.feeds[url].body_sha:
                    continue
                self.feeds[url].body_sha = digest
                report.read.append(url)
                yield from read_feed_bytes(body, url, self.meta)

    def _items(self, report: PollReport) -> Iterator[RawDocument | Problem]:
        from .ingest import read_paths

        items: list[Iterable[RawDocument | Problem]] = []
        if self.paths:
            items.append(read_paths(self.paths, select=self._select(report), **self.meta))
        items.append(self._fetched(report))
        for source in items:
            for item in source:
                if isinstance(item, Problem):
                    # A missing file or a dead feed is said once, not at every poll.
                    key = (item.path, item.message)
                    if key in self.reported:
                        continue
                    self.reported.add(key)
                yield item

    # --- one poll ---------------------------------------------------------------------------

    def poll(self) -> PollReport:
        self.polls += 1
        report = PollReport(self.polls)
        report.counts = self.ingest(self.store, self._items(report))
        # A file that grew or was rewritten: its new version replaces the one stored before.
        for path in self.rewritten:
            for doc_id in self.store.superseded(path):
                self.store.remove_document(doc_id)
                report.counts["replaced"] = report.counts.get("replaced", 0) + 1
        self.rewritten.clear()
        if report.counts.get("replaced"):
            # The replaced versions left their incidents: those are linked again.
            from .export import keep_incidents

            keep_incidents(self.store)
        if report.counts.get("stored") or self.polls == 1:
            from .export import collect

            record = collect(self.store)
            report.totals = {k: len(v) for k, v in record.items()
                             if k in ("documents", "figures", "incidents", "tallies")}
            if self.on_record:
                self.on_record(record)
        return report

    def run(self, interval: float, max_polls: int | None = None,
            on_poll: Callable[[PollReport], None] | None = None) -> int:
        """Poll until ``max_polls`` (forever if None); returns the number of polls made."""
        while True:
            report = self.poll()
            if on_poll:
                on_poll(report)
            if max_polls is not None and self.polls >= max_polls:
                return self.polls
            time.sleep(interval)


def write_record(record: dict[str, Any], path: str) -> None:
    """Write the JSON export so a reader never sees a half-written file."""
    from .export import write_json

    tmp = f"{path}.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        write_json(record, fh)
    os.replace(tmp, path)
