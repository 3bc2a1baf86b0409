"""Embedded SQLite store: one transaction per document, idempotent by content hash.

A document whose ``raw_sha256`` is already stored is skipped whole, so re-ingesting a corpus
changes nothing, and an interrupted run leaves only complete documents behind. Entities and places
are shared across documents; their alias lists are merged, never overwritten.
"""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import datetime, timezone
from typing import Any, Iterator

from .config import CONFIG
from .records import Problem, Result

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY, raw_sha256 TEXT NOT NULL UNIQUE, source_path TEXT,
    published TEXT, outlet TEXT, data TEXT NOT NULL, ingested_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS figures (
    id TEXT PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents(id), status TEXT,
    victims TEXT, source_id TEXT, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS quotes (
    id TEXT PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents(id), speaker_id TEXT,
    statement_id TEXT, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS posts (
    id TEXT PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents(id), data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS repairs (
    doc_id TEXT NOT NULL REFERENCES documents(id), seq INTEGER NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (doc_id, seq));
CREATE TABLE IF NOT EXISTS entities (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, type TEXT NOT NULL, from_dictionary INTEGER);
CREATE TABLE IF NOT EXISTS entity_aliases (
    entity_id TEXT NOT NULL REFERENCES entities(id), alias TEXT NOT NULL,
    PRIMARY KEY (entity_id, alias));
CREATE TABLE IF NOT EXISTS places (id TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS place_aliases (
    place_id TEXT NOT NULL REFERENCES places(id), alias TEXT NOT NULL,
    PRIMARY KEY (place_id, alias));
CREATE TABLE IF NOT EXISTS doc_entities (
    doc_id TEXT NOT NULL REFERENCES documents(id), entity_id TEXT NOT NULL,
    PRIMARY KEY (doc_id, entity_id));
CREATE TABLE IF NOT EXISTS doc_places (
    doc_id TEXT NOT NULL REFERENCES documents(id), place_id TEXT NOT NULL,
    PRIMARY KEY (doc_id, place_id));
CREATE TABLE IF NOT EXISTS problems (
    path TEXT NOT NULL, message TEXT NOT NULL, seen_at TEXT NOT NULL,
    PRIMARY KEY (path, message));
CREATE INDEX IF NOT EXISTS figures_doc ON figures(doc_id);
CREATE INDEX IF NOT EXISTS quotes_doc ON quotes(doc_id);
"""


def default_db() -> str:
    return os.environ.get("SITREP_DB") or CONFIG["store"]["default_db"]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _json(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True)


class Store:
    def __init__(self, path: str | None = None):
        self.path = path or default_db()
        self.conn = sqlite3.connect(self.path, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA foreign_keys=ON")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.executescript(SCHEMA)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def known_shas(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT raw_sha256 FROM documents")}

    def add_problem(self, problem: Problem) -> None:
        self.conn.execute("INSERT OR IGNORE INTO problems VALUES (?, ?, ?)",
                          (problem.path, problem.message, _now()))

    def add(self, result: Result) -> bool:
        """Store one processed document atomically. Returns False if it was already stored."""
        doc = result.document
        c = self.conn
        c.execute("BEGIN IMMEDIATE")
        try:
            cur = c.execute(
                "INSERT OR IGNORE INTO documents VALUES (?, ?, ?, ?, ?, ?, ?)",
                (doc.id, doc.raw_sha256, doc.source_path, doc.published, doc.outlet,
                 _json(doc.as_dict()), _now()))
            if cur.rowcount == 0:
                c.execute("ROLLBACK")
                return False
            # A file that failed before and now reads is no longer a problem.
            c.execute("DELETE FROM problems WHERE path = ?", (doc.source_path,))
            c.executemany("INSERT INTO figures VALUES (?, ?, ?, ?, ?, ?)",
                          [(f.id, f.doc_id, f.status, f.victims, f.source_id, _json(f.as_dict()))
                           for f in result.figures])
            c.executemany("INSERT INTO quotes VALUES (?, ?, ?, ?, ?)",
                          [(q.id, q.doc_id, q.speaker_id, q.statement_id, _json(q.as_dict()))
                           for q in result.quotes])
            c.executemany("INSERT INTO posts VALUES (?, ?, ?)",
                          [(p.id, p.doc_id, _json(p.as_dict())) for p in result.posts])
            c.executemany("INSERT INTO repairs VALUES (?, ?, ?)",
                          [(doc.id, i, _json(r.as_dict())) for i, r in enumerate(result.repairs)])
            for e in result.entities:
                c.execute("INSERT OR IGNORE INTO entities VALUES (?, ?, ?, ?)",
                          (e.id, e.name, e.type, int(e.from_dictionary)))
                c.executemany("INSERT OR IGNORE INTO entity_aliases VALUES (?, ?)",
                              [(e.id, a) for a in e.aliases])
                c.execute("INSERT OR IGNORE INTO doc_entities VALUES (?, ?)", (doc.id, e.id))
            for p in result.places:
                body = p.as_dict()
                body.pop("aliases")
                c.execute("INSERT OR IGNORE INTO places VALUES (?, ?)", (p.id, _json(body)))
                c.executemany("INSERT OR IGNORE INTO place_aliases VALUES (?, ?)",
                              [(p.id, a) for a in p.aliases])
                c.execute("INSERT OR IGNORE INTO doc_places VALUES (?, ?)", (doc.id, p.id))
            c.execute("COMMIT")
            return True
        except BaseException:
            c.execute("ROLLBACK")
            raise

    # --- reading -------------------------------------------------------------------------

    def _rows(self, table: str) -> Iterator[dict[str, Any]]:
        for (data,) in self.conn.execute(f"SELECT data FROM {table} ORDER BY rowid"):
            yield json.loads(data)

    def documents(self) -> list[dict[str, Any]]:
        return list(self._rows("documents"))

    def figures(self) -> list[dict[str, Any]]:
        return list(self._rows("figures"))

    def quotes(self) -> list[dict[str, Any]]:
        return list(self._rows("quotes"))

    def posts(self) -> list[dict[str, Any]]:
        return list(self._rows("posts"))

    def entities(self) -> list[dict[str, Any]]:
        aliases: dict[str, list[str]] = {}
        for eid, alias in self.conn.execute("SELECT entity_id, alias FROM entity_aliases ORDER BY alias"):
            aliases.setdefault(eid, []).append(alias)
        return [{"id": eid, "name": name, "type": typ, "aliases": aliases.get(eid, []),
                 "from_dictionary": bool(fd)}
                for eid, name, typ, fd in self.conn.execute(
                    "SELECT id, name, type, from_dictionary FROM entities ORDER BY id")]

    def places(self) -> list[dict[str, Any]]:
        aliases: dict[str, list[str]] = {}
        for pid, alias in self.conn.execute("SELECT place_id, alias FROM place_aliases ORDER BY alias"):
            aliases.setdefault(pid, []).append(alias)
        out = []
        for pid, data in self.conn.execute("SELECT id, data FROM places ORDER BY id"):
            body = json.loads(data)
            body["aliases"] = aliases.get(pid, [])
            out.append(body)
        return out

    def problems(self) -> list[dict[str, str]]:
        return [{"path": p, "message": m} for p, m in
                self.conn.execute("SELECT path, message FROM problems ORDER BY seen_at, path")]

    def counts(self) -> dict[str, int]:
        return {t: self.conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                for t in ("documents", "figures", "quotes", "entities", "places", "posts")}
