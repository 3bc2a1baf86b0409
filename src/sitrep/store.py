"""The store: embedded SQLite by default, PostgreSQL by URL, one schema and one logic for both.

``Store(target)`` takes a SQLite file path or a ``postgresql://`` URL. One transaction per batch
of documents (ingest: each chunk a worker returns, its rows built in the worker), idempotent by
content hash: a document whose ``raw_sha256`` is already stored is skipped whole, so re-ingesting
a corpus changes nothing, and an interrupted run leaves only complete documents behind. Entities and places are shared across documents; their alias lists are merged,
never overwritten.

The two backends differ only in what ``_SQLite`` and ``_Postgres`` say: how to connect, the
parameter marker, the column that keeps insertion order (SQLite's ``rowid``, a ``seq`` column in
PostgreSQL) and how a transaction starts. Everything else is the same SQL, so an export from either
is the same.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Iterable, Iterator
from urllib.parse import urlsplit, urlunsplit
from urllib.request import pathname2url

from .config import CONFIG
from .records import Problem, Result

# Names for PostgreSQL's server-side cursors, unique within the process.
_STREAMS = itertools.count()

# ``{seq}`` adds the insertion-order column where the backend has no rowid.
SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY, raw_sha256 TEXT NOT NULL UNIQUE, source_path TEXT,
    published TEXT, outlet TEXT, data TEXT NOT NULL, ingested_at TEXT NOT NULL, identity TEXT{seq});
CREATE TABLE IF NOT EXISTS figures (
    id TEXT PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents(id), status TEXT,
    victims TEXT, source_id TEXT, data TEXT NOT NULL{seq});
CREATE TABLE IF NOT EXISTS quotes (
    id TEXT PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents(id), speaker_id TEXT,
    statement_id TEXT, data TEXT NOT NULL{seq});
CREATE TABLE IF NOT EXISTS posts (
    id TEXT PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents(id), data TEXT NOT NULL{seq});
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
CREATE TABLE IF NOT EXISTS incidents (
    id TEXT PRIMARY KEY, seq INTEGER NOT NULL, merged_into TEXT, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS incident_docs (
    doc_id TEXT PRIMARY KEY REFERENCES documents(id),
    incident_id TEXT NOT NULL REFERENCES incidents(id));
CREATE TABLE IF NOT EXISTS record_incidents (
    id TEXT PRIMARY KEY, start_key TEXT NOT NULL, data TEXT NOT NULL, reach TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS record_docs (
    doc_id TEXT PRIMARY KEY REFERENCES documents(id), day TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS record_tallies (
    incident_id TEXT NOT NULL, k INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (incident_id, k));
CREATE TABLE IF NOT EXISTS record_figures (
    figure_id TEXT PRIMARY KEY, incident_id TEXT, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS record_quotes (
    quote_id TEXT PRIMARY KEY, statement_id TEXT, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS record_dirty (incident_id TEXT PRIMARY KEY);
CREATE INDEX IF NOT EXISTS figures_doc ON figures(doc_id);
CREATE INDEX IF NOT EXISTS documents_published ON documents(published);
CREATE INDEX IF NOT EXISTS incident_docs_incident ON incident_docs(incident_id);
CREATE INDEX IF NOT EXISTS quotes_speaker ON quotes(speaker_id);
CREATE INDEX IF NOT EXISTS record_docs_day ON record_docs(day);
CREATE INDEX IF NOT EXISTS record_quotes_statement ON record_quotes(statement_id);
CREATE INDEX IF NOT EXISTS documents_identity ON documents(identity);
CREATE INDEX IF NOT EXISTS quotes_doc ON quotes(doc_id);
"""

# The schema's version, kept in the ``sitrep_meta`` table. A store without that table but with
# sitrep's tables is version 1 (written before versions were recorded) and is brought up to date;
# a newer version is refused, so an older sitrep never writes into a store it does not understand.
SCHEMA_VERSION = 2
META_SCHEMA = "CREATE TABLE IF NOT EXISTS sitrep_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"

# What the kept record adds to a figure or quote: its table and the key naming the row.
LINKED_EXTRA = {"figures": ("record_figures", "figure_id"), "quotes": ("record_quotes", "quote_id")}

# Tables read back in insertion order (the order documents were ingested in).
ORDERED = ("documents", "figures", "quotes", "posts")
COUNTED = ("documents", "figures", "quotes", "entities", "places", "posts")


# What ``Store.add_rows`` inserts for a document after its ``documents`` row, table by table, in
# this order (an alias after its entity or place).
_INSERTS = (
    ("figures", "INSERT INTO figures (id, doc_id, status, victims, source_id, data) "
                "VALUES (?, ?, ?, ?, ?, ?)"),
    ("quotes", "INSERT INTO quotes (id, doc_id, speaker_id, statement_id, data) VALUES (?, ?, ?, ?, ?)"),
    ("posts", "INSERT INTO posts (id, doc_id, data) VALUES (?, ?, ?)"),
    ("repairs", "INSERT INTO repairs (doc_id, seq, data) VALUES (?, ?, ?)"),
    ("entities", "INSERT INTO entities (id, name, type, from_dictionary) VALUES (?, ?, ?, ?) "
                 "ON CONFLICT DO NOTHING"),
    ("entity_aliases", "INSERT INTO entity_aliases (entity_id, alias) VALUES (?, ?) "
                       "ON CONFLICT DO NOTHING"),
    ("doc_entities", "INSERT INTO doc_entities (doc_id, entity_id) VALUES (?, ?) "
                     "ON CONFLICT DO NOTHING"),
    ("places", "INSERT INTO places (id, data) VALUES (?, ?) ON CONFLICT DO NOTHING"),
    ("place_aliases", "INSERT INTO place_aliases (place_id, alias) VALUES (?, ?) "
                      "ON CONFLICT DO NOTHING"),
    ("doc_places", "INSERT INTO doc_places (doc_id, place_id) VALUES (?, ?) ON CONFLICT DO NOTHING"),
)


@dataclass
class Rows:
    """One processed document as the store writes it: every row built, every record serialised.
    Built where the document was processed (a worker process), so storing only inserts."""

    doc_id: str
    source_path: str
    replaces: bool  # a new version of a stored document: the old one goes first
    document: tuple  # the ``documents`` row without ``ingested_at`` (set when stored)
    # each table's rows after the ``documents`` row, by table name (``_INSERTS``)
    tables: dict[str, list[tuple]] = field(default_factory=lambda: {t: [] for t, _ in _INSERTS})
    # what linking needs from this document alone (``link.parts.DocParts``), when computed where
    # it was processed; not stored: handed to the linking that follows the ingest
    parts: Any = None


def rows_of(result: Result) -> Rows:
    """The rows ``Store.add_rows`` writes for ``result``."""
    doc = result.document
    rows = Rows(doc.id, doc.source_path, bool(doc.metadata_changes),
                (doc.id, doc.raw_sha256, doc.source_path, doc.published, doc.outlet,
                 _json(doc.as_dict()), doc.identity))
    t = rows.tables
    t["figures"] = [(f.id, f.doc_id, f.status, f.victims, f.source_id, _json(f.as_dict()))
                    for f in result.figures]
    t["quotes"] = [(q.id, q.doc_id, q.speaker_id, q.statement_id, _json(q.as_dict()))
                   for q in result.quotes]
    t["posts"] = [(p.id, p.doc_id, _json(p.as_dict())) for p in result.posts]
    t["repairs"] = [(doc.id, i, _json(r.as_dict())) for i, r in enumerate(result.repairs)]
    for e in result.entities:
        t["entities"].append((e.id, e.name, e.type, int(e.from_dictionary)))
        t["entity_aliases"] += [(e.id, a) for a in sorted(set(e.aliases))]
        t["doc_entities"].append((doc.id, e.id))
    for p in result.places:
        body = p.as_dict()
        body.pop("aliases")
        t["places"].append((p.id, _json(body)))
        t["place_aliases"] += [(p.id, a) for a in sorted(set(p.aliases))]
        t["doc_places"].append((doc.id, p.id))
    return rows


# Ids per "IN (...)" list: no statement grows with the corpus.
_IN_CHUNK = 500


def _id_chunks(values: Iterable[str]) -> Iterator[tuple[list[str], str]]:
    """The distinct ``values``, sorted, in lists of at most ``_IN_CHUNK``, each with its
    ``?, ?, …`` placeholders."""
    ids = sorted(set(values))
    for k in range(0, len(ids), _IN_CHUNK):
        chunk = ids[k:k + _IN_CHUNK]
        yield chunk, ", ".join("?" * len(chunk))


class StoreError(Exception):
    """The database cannot be opened; the message is the one line the user sees."""


def default_db() -> str:
    return os.environ.get("SITREP_DB") or CONFIG["store"]["default_db"]


def is_url(target: str) -> bool:
    return target.startswith(("postgresql://", "postgres://"))


_SECRET_PARAMS = re.compile(r"((?:^|&)(?:password|sslpassword|passfile|sslkey)=)[^&]*", re.I)


def display(target: str) -> str:
    """The target as it may be printed: a URL's password is masked, in the user part and in
    the query string (``?password=...``)."""
    if not is_url(target):
        return target
    parts = urlsplit(target)
    if parts.password is not None:
        parts = parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@", 1))
    if parts.query:
        parts = parts._replace(query=_SECRET_PARAMS.sub(r"\1***", parts.query))
    return urlunsplit(parts)


def mask_secrets(text: str, target: str) -> str:
    """``text`` (an error message) with every password the URL carries replaced by ``***``."""
    if not is_url(target):
        return text
    parts = urlsplit(target)
    secrets = [parts.password] + [m.group(0).split("=", 1)[1]
                                  for m in _SECRET_PARAMS.finditer(parts.query)]
    for secret in filter(None, secrets):
        text = text.replace(secret, "***")
    return text


def exists(target: str) -> bool:
    """Whether there is a database to read. A server URL always names one (connecting tells)."""
    return is_url(target) or os.path.exists(target)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _json(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True)


def _plain_json(obj: Any) -> str:
    """JSON keeping the keys' order (rows of the linked record are exported as they are)."""
    return json.dumps(obj, ensure_ascii=False)


def page_of(rows: Iterable[Any], offset: int, limit: int | None) -> tuple[list[Any], int]:
    """``rows[offset:offset + limit]`` (to the end when ``limit`` is None) and how many rows
    there are, holding only that page of rows read one at a time."""
    page: list[Any] = []
    total = 0
    for row in rows:
        if total >= offset and (limit is None or len(page) < limit):
            page.append(row)
        total += 1
    return page, total


class _Backend:
    """What differs between backends; the SQL itself is written once, with ``?`` markers."""

    order = "rowid"  # the column that keeps insertion order
    seq = ""  # the schema text that adds it, where the backend has no rowid
    no_limit = "-1"  # LIMIT with this is no limit (an OFFSET needs a LIMIT in SQLite)
    retry: tuple[type[BaseException], ...] = ()  # errors after which a batch is stored doc by doc
    conn: Any

    def sql(self, statement: str) -> str:
        return statement

    def stream(self, statement: str, params: tuple | list = ()) -> Iterator[tuple]:
        """The rows of a statement that may return a whole table, fetched as they are read
        (sqlite3's cursor does so already)."""
        yield from self.conn.execute(self.sql(statement), params)


class _SQLite(_Backend):
    def __init__(self, path: str, writable: bool = True):
        try:
            if writable:
                # A generous busy timeout: `sitrep watch` and an export may share the file.
                self.conn = sqlite3.connect(path, isolation_level=None, timeout=30)
                self.conn.execute("PRAGMA journal_mode=WAL")
            else:
                # Read commands never create or change anything: not even an empty schema.
                uri = "file:" + pathname2url(os.path.abspath(path)) + "?mode=ro"
                try:
                    self.conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=30)
                    self.conn.execute("SELECT 1 FROM sqlite_master LIMIT 1")
                except sqlite3.OperationalError:
                    if os.access(path, os.W_OK) or not os.access(path, os.R_OK):
                        raise
                    # A store in WAL mode that this user may only read, in a folder it cannot
                    # write: SQLite cannot make the shared-memory file, so read the file as it is.
                    self.conn = sqlite3.connect(uri + "&immutable=1", uri=True,
                                                isolation_level=None, timeout=30)
                    self.conn.execute("SELECT 1 FROM sqlite_master LIMIT 1")
        except sqlite3.Error as exc:
            raise StoreError(f"{path}: cannot open SQLite database ({exc})") from None
        self.conn.execute("PRAGMA foreign_keys=ON")
        self.conn.execute("PRAGMA synchronous=NORMAL")

    def create(self, schema: str) -> None:
        self.conn.executescript(schema)

    def tables(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}

    @contextmanager
    def transaction(self) -> Iterator[None]:
        # IMMEDIATE takes the write lock up front, so two writers queue instead of deadlocking.
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")


class _Postgres(_Backend):
    order = "seq"
    seq = ", seq BIGSERIAL"
    no_limit = "ALL"

    def __init__(self, url: str):
        import psycopg

        try:
            self.conn = psycopg.connect(url, autocommit=True, connect_timeout=10)
            self.retry = (psycopg.errors.DeadlockDetected,)
        except psycopg.Error as exc:
            reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
            raise StoreError(f"{display(url)}: cannot connect to PostgreSQL "
                             f"({mask_secrets(reason, url)})") from None

    def sql(self, statement: str) -> str:
        return statement.replace("?", "%s")

    def stream(self, statement: str, params: tuple | list = ()) -> Iterator[tuple]:
        # psycopg's ordinary cursor brings the whole result into the client (a 42,576-document
        # export held 820 MB); a server-side cursor fetches it 2,000 rows at a time. WITH HOLD
        # because the connection commits each statement: the server keeps the result.
        with self.conn.cursor(name=f"sitrep_stream_{next(_STREAMS)}", withhold=True) as cur:
            cur.itersize = 2000
            cur.execute(self.sql(statement), params)
            yield from cur

    def tables(self) -> set[str]:
        return {r[0] for r in self.conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")}

    def create(self, schema: str) -> None:
        # Several processes may open a fresh database at once; CREATE IF NOT EXISTS is not safe
        # against that in PostgreSQL, so schema creation takes a lock.
        with self.conn.transaction():
            self.conn.execute("SELECT pg_advisory_xact_lock(7410385)")
            for statement in schema.split(";"):
                if statement.strip():
                    self.conn.execute(statement)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.conn.transaction():
            yield


class Store:
    def __init__(self, target: str | None = None, create: bool = True):
        """The store at ``target``. ``create=False`` (read commands) opens an existing sitrep
        store without writing to it; a file that is not one is refused."""
        self.target = target or default_db()
        self.path = self.target
        self.read_problems: list[Problem] = []
        self.last_refresh: dict[str, int] = {}  # what the last incremental refresh linked
        if is_url(self.target):
            self._db: _Backend = _Postgres(self.target)
        else:
            self._db = _SQLite(self.target, writable=create)
        try:
            self._check_version(create)
            if create:
                self._migrate()
                self._db.create(SCHEMA.format(seq=self._db.seq) + ";" + META_SCHEMA)
                self.execute("INSERT INTO sitrep_meta (key, value) VALUES ('schema_version', ?) "
                             "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                             (str(SCHEMA_VERSION),))
                self.execute("INSERT INTO sitrep_meta (key, value) VALUES ('generation', '0') "
                             "ON CONFLICT (key) DO NOTHING")
        except StoreError:
            self._db.conn.close()
            raise
        except (sqlite3.Error, OSError) as exc:
            self._db.conn.close()
            raise StoreError(f"{display(self.target)}: cannot use the database ({exc})") from None

    def _migrate(self) -> None:
        """Bring a store from before schema 2 up to date: documents gain their ``identity``
        (left empty for documents stored before; they still match by content hash)."""
        if "documents" not in self._db.tables():
            return
        cols = {r[1] for r in self.execute("PRAGMA table_info(documents)")} if self.backend == "sqlite" \
            else {r[0] for r in self.execute("SELECT column_name FROM information_schema.columns "
                                             "WHERE table_name = 'documents' AND table_schema = current_schema()")}
        if "identity" not in cols:
            self.execute("ALTER TABLE documents ADD COLUMN identity TEXT")

    def _check_version(self, create: bool) -> None:
        tables = self._db.tables()
        where = display(self.target)
        if "sitrep_meta" in tables:
            row = self.execute("SELECT value FROM sitrep_meta WHERE key = 'schema_version'").fetchone()
            version = int(row[0]) if row and str(row[0]).isdigit() else 0
            if version > SCHEMA_VERSION:
                raise StoreError(f"{where}: written by a newer sitrep (schema {version}; this "
                                 f"version reads up to {SCHEMA_VERSION}); not opened")
        elif tables and "documents" not in tables:
            raise StoreError(f"{where}: not a sitrep database (it has other tables); not opened")
        elif not tables and not create:
            raise StoreError(f"{where}: not a sitrep database (empty); run `sitrep ingest` first")

    @property
    def backend(self) -> str:
        return "postgresql" if isinstance(self._db, _Postgres) else "sqlite"

    def close(self) -> None:
        self._db.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def execute(self, statement: str, params: tuple | list = ()) -> Any:
        """Run one statement written with ``?`` markers on either backend; returns the cursor."""
        return self._db.conn.execute(self._db.sql(statement), params)

    def executemany(self, statement: str, rows: list[tuple]) -> None:
        if rows:
            self._db.conn.cursor().executemany(self._db.sql(statement), rows)

    def known_shas(self) -> set[str]:
        return {r[0] for r in self.execute("SELECT raw_sha256 FROM documents")}

    def add_problem(self, problem: Problem) -> None:
        self.execute("INSERT INTO problems (path, message, seen_at) VALUES (?, ?, ?) "
                     "ON CONFLICT DO NOTHING", (problem.path, problem.message, _now()))

    def add(self, result: Result) -> bool:
        """Store one processed document atomically. Returns False if it was already stored."""
        return self.add_rows([rows_of(result)])[0]

    def add_rows(self, batch: list["Rows"]) -> list[bool]:
        """Store processed documents (``rows_of``) in one transaction, in order; for each, False
        if it was already stored. If PostgreSQL finds the transaction deadlocked with another
        writer's, each document is stored again in a transaction of its own."""
        try:
            with self._db.transaction():
                return self._insert(batch)
        except self._db.retry:
            if len(batch) == 1:
                raise
            return [self.add_rows([rows])[0] for rows in batch]

    def _insert(self, batch: list["Rows"]) -> list[bool]:
        # A document that replaces a stored one starts a new part: the documents before it are
        # written whole before it deletes (it could replace one of them).
        starts = [i for i, rows in enumerate(batch) if i == 0 or rows.replaces] + [len(batch)]
        now = _now()
        return [ok for a, b in zip(starts, starts[1:]) for ok in self._insert_part(batch[a:b], now)]

    def _insert_part(self, batch: list["Rows"], now: str) -> list[bool]:
        stored = [self._insert_document(rows, now) for rows in batch]
        new = [rows for rows, ok in zip(batch, stored) if ok]
        # A file that failed before and now reads is no longer a problem; a field dropped
        # from this very document (sitrep/meta.py) still is.
        self.executemany("DELETE FROM problems WHERE path = ? AND message NOT LIKE ?",
                         [(rows.source_path, "field %") for rows in new])
        for table, statement in _INSERTS:
            self.executemany(statement, [row for rows in new for row in rows.tables[table]])
        return stored

    def _insert_document(self, rows: "Rows", now: str) -> bool:
        if rows.replaces:
            # A new version of a stored document (same URL and text, new metadata): it
            # replaces the old one under the same id, with what changed recorded.
            self._delete_document(rows.doc_id)
        cur = self.execute(
            "INSERT INTO documents (id, raw_sha256, source_path, published, outlet, data, "
            "ingested_at, identity) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            rows.document[:6] + (now,) + rows.document[6:])
        if cur.rowcount == 0:
            return False  # nothing else is written for it
        self._bump()
        return True

    def remove_document(self, doc_id: str) -> None:
        """Remove one document and everything extracted from it (a superseded partial version);
        shared entities and places stay."""
        with self._db.transaction():
            self._delete_document(doc_id)

    def _bump(self) -> None:
        """Count one more change to the record (inside the writer's transaction), so a reader
        holding a computed record knows when it is stale."""
        self.execute("UPDATE sitrep_meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) "
                     "WHERE key = 'generation'")

    def generation(self) -> str:
        """What changes whenever the stored record does: the change counter, or for a store from
        before it was kept, the documents' count and last insertion."""
        if "sitrep_meta" in self._db.tables():
            row = self.execute("SELECT value FROM sitrep_meta WHERE key = 'generation'").fetchone()
            if row:
                return "g" + str(row[0])
        n, last = self.execute(f"SELECT COUNT(*), MAX({self._db.order}) FROM documents").fetchone()
        return f"d{n}:{last}"

    def _delete_document(self, doc_id: str) -> None:
        self._bump()
        # Its place in the incident record goes too; the next keep_incidents files it again and
        # links its incident anew (marked dirty), and what linking said of its rows goes.
        self.execute("INSERT INTO record_dirty (incident_id) SELECT incident_id FROM incident_docs "
                     "WHERE doc_id = ? ON CONFLICT DO NOTHING", (doc_id,))
        self.execute("DELETE FROM record_figures WHERE figure_id IN "
                     "(SELECT id FROM figures WHERE doc_id = ?)", (doc_id,))
        self.execute("DELETE FROM record_quotes WHERE quote_id IN "
                     "(SELECT id FROM quotes WHERE doc_id = ?)", (doc_id,))
        self.execute("DELETE FROM record_docs WHERE doc_id = ?", (doc_id,))
        for table in ("figures", "quotes", "posts", "repairs", "doc_entities", "doc_places",
                      "incident_docs"):
            self.execute(f"DELETE FROM {table} WHERE doc_id = ?", (doc_id,))
        self.execute("DELETE FROM documents WHERE id = ?", (doc_id,))

    def by_identity(self, identity: str) -> dict[str, Any] | None:
        """The stored document with this identity (URL and text), if any."""
        row = self.execute("SELECT data FROM documents WHERE identity = ? LIMIT 1", (identity,)).fetchone()
        return json.loads(row[0]) if row else None

    def superseded(self, source_path: str) -> list[str]:
        """Ids of the documents read from ``source_path`` before its newest stored version."""
        ids = [r[0] for r in self.execute(
            f"SELECT id FROM documents WHERE source_path = ? ORDER BY {self._db.order}", (source_path,))]
        return ids[:-1]

    # --- reading -------------------------------------------------------------------------
    # Text is sorted in Python, not by the database: collations differ between backends and
    # locales, and the export must not.

    def _rows(self, table: str) -> Iterator[dict[str, Any]]:
        """The table's records in insertion order. A row that does not decode to a record (a
        store damaged or written by another program) is one reported row, never a failed read."""
        assert table in ORDERED
        for (data,) in self._db.stream(f"SELECT data FROM {table} ORDER BY {self._db.order}"):
            row = self._decode(table, data)
            if row is not None:
                yield row

    def _decode(self, table: str, data: Any) -> dict[str, Any] | None:
        """A stored row's record, or None with the row reported when it is not one."""
        try:
            row = json.loads(data)
        except (TypeError, ValueError) as exc:
            self.read_problems.append(Problem(f"stored {table} row", f"unreadable, skipped ({exc})"))
            return None
        if not isinstance(row, dict) or not isinstance(row.get("id"), str):
            self.read_problems.append(Problem(f"stored {table} row", "not a record, skipped"))
            return None
        return row

    def documents(self) -> list[dict[str, Any]]:
        """Stored documents, their metadata checked again: a field an older version stored with
        the wrong type is dropped from what is read and reported, so one bad row never takes an
        export, a report or a page down."""
        return list(self.iter_documents())

    def iter_documents(self, ids: Iterable[str] | None = None) -> Iterator[dict[str, Any]]:
        """``documents`` one at a time (all, or those with the given ids, in insertion order)."""
        from .meta import META_KEYS, validate

        rows = self._rows("documents") if ids is None else self._rows_of("documents", "id", ids)
        for row in rows:
            meta, problems = validate(row, f"stored document {row['id']}")
            self.read_problems.extend(problems)
            yield {**row, **{k: meta.get(k) for k in META_KEYS}} if problems else row

    def _rows_of(self, table: str, key: str, values: Iterable[str]) -> Iterator[dict[str, Any]]:
        """The table's records whose ``key`` is one of ``values``, in insertion order, read in
        chunks so no statement grows with the corpus."""
        assert table in ORDERED and key in ("id", "doc_id")
        found: list[tuple[int, str]] = []
        for chunk, marks in _id_chunks(values):
            found += self.execute(
                f"SELECT {self._db.order}, data FROM {table} WHERE {key} IN ({marks})",
                chunk).fetchall()
        for _, data in sorted(found):
            row = self._decode(table, data)
            if row is not None:
                yield row

    def figures(self) -> list[dict[str, Any]]:
        return list(self._rows("figures"))

    def quotes(self) -> list[dict[str, Any]]:
        return list(self._rows("quotes"))

    def posts(self) -> list[dict[str, Any]]:
        return list(self._rows("posts"))

    def _aliases(self, table: str, key: str) -> dict[str, list[str]]:
        aliases: dict[str, list[str]] = {}
        for owner, alias in self.execute(f"SELECT {key}, alias FROM {table}"):
            aliases.setdefault(owner, []).append(alias)
        return {owner: sorted(forms) for owner, forms in aliases.items()}

    def entities(self) -> list[dict[str, Any]]:
        aliases = self._aliases("entity_aliases", "entity_id")
        rows = sorted(self.execute("SELECT id, name, type, from_dictionary FROM entities"))
        return [{"id": eid, "name": name, "type": typ, "aliases": aliases.get(eid, []),
                 "from_dictionary": bool(fd)} for eid, name, typ, fd in rows]

    def places(self) -> list[dict[str, Any]]:
        aliases = self._aliases("place_aliases", "place_id")
        out = []
        for pid, data in sorted(self.execute("SELECT id, data FROM places")):
            body = json.loads(data)
            body["aliases"] = aliases.get(pid, [])
            out.append(body)
        return out

    # --- incidents ---------------------------------------------------------------------
    # The record linking keeps between runs (``sitrep.link.ids``): which incident each document
    # is in, when each incident was first stored, merges and splits. Written whole, in one
    # transaction, only when linking changed it.

    def incident_record(self, docs: bool = True) -> dict[str, Any]:
        incidents: dict[str, Any] = {}
        if "incidents" not in self._db.tables():
            # A store from before incidents were kept, opened read-only: nothing stored yet.
            return {"docs": {}, "incidents": incidents}
        for iid, seq, merged_into, data in self.execute(
                "SELECT id, seq, merged_into, data FROM incidents"):
            try:
                body = json.loads(data)
            except (TypeError, ValueError):
                self.read_problems.append(Problem(f"stored incident {iid}", "unreadable, skipped"))
                continue
            incidents[iid] = {"merged_ids": [], "split_from": [], "split_to": [],
                              **(body if isinstance(body, dict) else {}),
                              "seq": seq, "merged_into": merged_into}
        if not docs:
            return {"docs": {}, "incidents": incidents}
        return {"docs": {d: i for d, i in self.execute("SELECT doc_id, incident_id FROM incident_docs")
                         if i in incidents}, "incidents": incidents}

    def save_incident_record(self, record: dict[str, Any]) -> None:
        known = {r[0] for r in self.execute("SELECT id FROM documents")}
        with self._db.transaction():
            self.execute("DELETE FROM incident_docs")
            self.execute("DELETE FROM incidents")
            self.executemany(
                "INSERT INTO incidents (id, seq, merged_into, data) VALUES (?, ?, ?, ?)",
                [(iid, e["seq"], e.get("merged_into"),
                  _json({k: v for k, v in e.items() if k not in ("seq", "merged_into")}))
                 for iid, e in sorted(record["incidents"].items())])
            self.executemany("INSERT INTO incident_docs (doc_id, incident_id) VALUES (?, ?)",
                             sorted((d, i) for d, i in record["docs"].items() if d in known))
            self._bump()

    # --- the linked record ------------------------------------------------------------
    # What linking and reconciliation said, kept so that readers (export, report, app, stats)
    # read it instead of computing it: the exported incidents and tallies, and per figure and
    # quote what linking adds to it. ``keep_incidents`` writes the part it linked anew, in one
    # transaction with the incident ids; the meta key ``record`` says the store has one.

    def record_kept(self) -> bool:
        if not {"record_incidents", "sitrep_meta"} <= self._db.tables():
            return False  # a store from before the record was kept, opened read-only
        return self.execute("SELECT 1 FROM sitrep_meta WHERE key = 'record'").fetchone() is not None

    def unlinked_documents(self) -> list[str]:
        """Documents no incident holds yet (stored since the record was last kept)."""
        return [r[0] for r in self.execute(
            f"SELECT id FROM documents WHERE id NOT IN (SELECT doc_id FROM incident_docs) "
            f"ORDER BY {self._db.order}")]

    def dirty_incidents(self) -> set[str]:
        """Stored incidents that lost a document since the record was kept."""
        return {r[0] for r in self.execute("SELECT incident_id FROM record_dirty")}

    def incident_entries(self) -> dict[str, Any]:
        """Every stored incident's id entry (seq, merges, splits), without its documents."""
        return self.incident_record(docs=False)["incidents"]

    def incident_docs_of(self, incident_ids: Iterable[str]) -> dict[str, str]:
        """Document -> incident for the documents of the given incidents."""
        out: dict[str, str] = {}
        for chunk, marks in _id_chunks(incident_ids):
            out.update(self.execute(
                f"SELECT doc_id, incident_id FROM incident_docs WHERE incident_id IN ({marks})",
                chunk).fetchall())
        return out

    def _column_where_in(self, select: str, key: str, values: Iterable[str]) -> set[str]:
        """The first column of ``select`` for the rows whose ``key`` is one of ``values``."""
        out: set[str] = set()
        for chunk, marks in _id_chunks(values):
            out.update(r[0] for r in self.execute(f"{select} WHERE {key} IN ({marks})", chunk))
        return out

    def incidents_of_docs(self, doc_ids: Iterable[str]) -> set[str]:
        return self._column_where_in("SELECT incident_id FROM incident_docs", "doc_id", doc_ids)

    def outlets(self) -> set[str | None]:
        return {r[0] for r in self.execute("SELECT DISTINCT outlet FROM documents")}

    def figures_of(self, doc_ids: Iterable[str]) -> Iterator[dict[str, Any]]:
        return self._rows_of("figures", "doc_id", doc_ids)

    def quotes_of(self, doc_ids: Iterable[str]) -> Iterator[dict[str, Any]]:
        return self._rows_of("quotes", "doc_id", doc_ids)

    def quotes_by_id(self, ids: Iterable[str]) -> Iterator[dict[str, Any]]:
        return self._rows_of("quotes", "id", ids)

    def statements_of(self, quote_ids: Iterable[str]) -> set[str]:
        """The kept statement ids of these quotes that more than one quote shares."""
        out: set[str] = set()
        for chunk, marks in _id_chunks(quote_ids):
            for sid, data in self.execute(
                    f"SELECT statement_id, data FROM record_quotes WHERE quote_id IN ({marks})",
                    chunk):
                if sid and (json.loads(data).get("statement_quotes") or 1) > 1:
                    out.add(sid)
        return out

    def incident_reach(self) -> dict[str, dict[str, Any]]:
        """Per kept incident what a new document must share to be compared with it: its
        documents' first and last day, the countries and the specific places they name."""
        return {iid: json.loads(reach) for iid, reach in
                self.execute("SELECT id, reach FROM record_incidents")}

    def doc_days(self, doc_ids: Iterable[str]) -> dict[str, str]:
        """The day linking gave each of these documents ('' for none)."""
        out: dict[str, str] = {}
        for chunk, marks in _id_chunks(doc_ids):
            out.update(self.execute(f"SELECT doc_id, day FROM record_docs WHERE doc_id IN ({marks})",
                                    chunk).fetchall())
        return out

    def quotes_of_speakers(self, speaker_ids: Iterable[str], first: str, last: str
                           ) -> list[tuple[str, str]]:
        """(quote id, document id) of the quotes by these speakers in linked documents whose
        day is from ``first`` to ``last`` (ISO dates) or unknown. Read from the documents of
        those days (index on day, then on each quote's document), not from everything the
        speakers ever said: one speaker's history grows with the store."""
        docs = [r[0] for r in self.execute(
            "SELECT doc_id FROM record_docs WHERE day = '' OR (day >= ? AND day <= ?)",
            (first, last))]
        speakers = set(speaker_ids)
        out: list[tuple[str, str]] = []
        for chunk, marks in _id_chunks(docs):
            out += [(qid, doc) for qid, doc, spk in self.execute(
                f"SELECT id, doc_id, speaker_id FROM quotes WHERE doc_id IN ({marks})", chunk)
                if spk in speakers]
        return out

    def quotes_of_statements(self, statement_ids: Iterable[str]) -> list[str]:
        out: list[str] = []
        for chunk, marks in _id_chunks(statement_ids):
            out += [r[0] for r in self.execute(
                f"SELECT quote_id FROM record_quotes WHERE statement_id IN ({marks})", chunk)]
        return out

    def _stored_ids(self, doc_ids: Iterable[str]) -> set[str]:
        """Those of ``doc_ids`` still stored (read by id: the part linked, not the store)."""
        return self._column_where_in("SELECT id FROM documents", "id", doc_ids)

    def save_linked(self, part: dict[str, Any]) -> None:
        """Keep one linking's part of the record, in one transaction: ``entries`` (incident id ->
        id entry, every one that changed), ``docs`` (document -> incident for every document
        linked anew), ``replaced`` (incident ids whose rows this part replaces), ``incidents`` and
        ``tallies`` (exported rows), ``figures`` (figure id -> (incident id, what linking adds))
        and ``quotes`` (quote id -> what linking adds)."""
        known = self._stored_ids({*part["docs"], *part["days"]})
        with self._db.transaction():
            for iid, e in sorted(part["entries"].items()):
                body = _json({k: v for k, v in e.items() if k not in ("seq", "merged_into")})
                self.execute("INSERT INTO incidents (id, seq, merged_into, data) VALUES (?, ?, ?, ?) "
                             "ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, "
                             "merged_into = excluded.merged_into, data = excluded.data",
                             (iid, e["seq"], e.get("merged_into"), body))
            self.executemany("INSERT INTO incident_docs (doc_id, incident_id) VALUES (?, ?) "
                             "ON CONFLICT (doc_id) DO UPDATE SET incident_id = excluded.incident_id",
                             sorted((d, i) for d, i in part["docs"].items() if d in known))
            for chunk, marks in _id_chunks(part["replaced"]):
                self.execute(f"DELETE FROM record_incidents WHERE id IN ({marks})", chunk)
                self.execute(f"DELETE FROM record_tallies WHERE incident_id IN ({marks})", chunk)
            for inc in part["incidents"]:
                self.execute("INSERT INTO record_incidents (id, start_key, data, reach) "
                             "VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                             "start_key = excluded.start_key, data = excluded.data, "
                             "reach = excluded.reach",
                             (inc["id"], inc.get("start") or "9999", _plain_json(inc),
                              _json(part["reach"][inc["id"]])))
                self.execute("DELETE FROM record_tallies WHERE incident_id = ?", (inc["id"],))
            by_incident: dict[str, int] = {}
            rows = []
            for t in part["tallies"]:
                k = by_incident.get(t["incident_id"], 0)
                by_incident[t["incident_id"]] = k + 1
                rows.append((t["incident_id"], k, _plain_json(t)))
            self.executemany("INSERT INTO record_tallies (incident_id, k, data) VALUES (?, ?, ?)",
                             rows)
            self.executemany("INSERT INTO record_figures (figure_id, incident_id, data) "
                             "VALUES (?, ?, ?) ON CONFLICT (figure_id) DO UPDATE SET "
                             "incident_id = excluded.incident_id, data = excluded.data",
                             [(fid, iid, _plain_json(extra))
                              for fid, (iid, extra) in part["figures"].items()])
            self.executemany("INSERT INTO record_quotes (quote_id, statement_id, data) "
                             "VALUES (?, ?, ?) ON CONFLICT (quote_id) DO UPDATE SET "
                             "statement_id = excluded.statement_id, data = excluded.data",
                             [(qid, extra.get("statement_id"), _plain_json(extra))
                              for qid, extra in part["quotes"].items()])
            self.executemany("INSERT INTO record_docs (doc_id, day) VALUES (?, ?) "
                             "ON CONFLICT (doc_id) DO UPDATE SET day = excluded.day",
                             sorted((d, day) for d, day in part["days"].items() if d in known))
            self.execute("DELETE FROM record_dirty")
            self.execute("INSERT INTO sitrep_meta (key, value) VALUES ('record', 'kept') "
                         "ON CONFLICT (key) DO NOTHING")
            self._bump()

    def clear_linked(self) -> None:
        """Forget the linked record and incident ids (``sitrep relink --fresh``)."""
        with self._db.transaction():
            for table in ("record_incidents", "record_tallies", "record_figures", "record_docs",
                          "record_quotes", "record_dirty", "incident_docs", "incidents"):
                self.execute(f"DELETE FROM {table}")
            self.execute("DELETE FROM sitrep_meta WHERE key = 'record'")
            self._bump()

    def kept_incidents(self) -> list[dict[str, Any]]:
        """The kept incidents in export order (first report, then id)."""
        rows = sorted(self.execute("SELECT start_key, id, data FROM record_incidents"),
                      key=lambda r: (r[0], r[1]))
        return [json.loads(data) for _, _, data in rows]

    def kept_tallies(self, incident_ids: list[str]) -> Iterator[dict[str, Any]]:
        """The kept tallies of the given incidents, in that order (each incident's in its own)."""
        for k in range(0, len(incident_ids), 200):
            chunk = incident_ids[k:k + 200]
            found: dict[str, list[tuple[int, str]]] = {}
            for iid, n, data in self.execute(
                    f"SELECT incident_id, k, data FROM record_tallies WHERE incident_id IN "
                    f"({', '.join('?' * len(chunk))})", chunk):
                found.setdefault(iid, []).append((n, data))
            for iid in chunk:
                for _, data in sorted(found.get(iid, [])):
                    yield json.loads(data)

    def linked_rows(self, table: str, ids: Iterable[str] | None = None,
                    key: str = "doc_id") -> Iterator[dict[str, Any]]:
        """Figures or quotes in insertion order with what the kept record adds to each (its
        incident, claim, statement...): the rows the export gives."""
        extra_table, extra_key = LINKED_EXTRA[table]
        if ids is not None:
            rows = list(self._rows_of(table, key, ids))
            extras: dict[str, Any] = {}
            for chunk, marks in _id_chunks(r["id"] for r in rows):
                extras.update(self.execute(
                    f"SELECT {extra_key}, data FROM {extra_table} WHERE {extra_key} IN ({marks})",
                    chunk).fetchall())
            for row in rows:
                extra = extras.get(row["id"])
                yield {**row, **json.loads(extra)} if extra else row
            return
        for data, extra in self._db.stream(
                f"SELECT t.data, x.data FROM {table} t LEFT JOIN {extra_table} x "
                f"ON x.{extra_key} = t.id ORDER BY t.{self._db.order}"):
            row = self._decode(table, data)
            if row is not None:
                yield {**row, **json.loads(extra)} if extra else row

    # The columns ``linked_page`` filters on, per table: filter name -> column.
    PAGE_COLUMNS = {"figures": {"incident": "x.incident_id", "status": "t.status",
                                "victims": "t.victims"},
                    "quotes": {}}

    def linked_page(self, table: str, equal: dict[str, str], offset: int = 0,
                    limit: int | None = None,
                    keep: Callable[[dict[str, Any], str | None], bool] | None = None
                    ) -> tuple[list[dict[str, Any]], int]:
        """One page of ``linked_rows(table)`` and how many rows match, read from the kept record
        in SQL: the rows whose columns equal ``equal`` (names in ``PAGE_COLUMNS``), in insertion
        order, ``limit`` of them (all when None) from ``offset`` on. ``keep`` (row, outlet of its
        document) filters further on what no column holds: the matching rows are then read one at
        a time and only the page is held, so memory stays that of one page either way."""
        extra_table, extra_key = LINKED_EXTRA[table]
        columns = self.PAGE_COLUMNS[table]
        where = " AND ".join(f"{columns[name]} = ?" for name in equal)
        params = list(equal.values())
        body = (f"FROM {table} t LEFT JOIN {extra_table} x ON x.{extra_key} = t.id"
                + (" LEFT JOIN documents d ON d.id = t.doc_id" if keep else "")
                + (f" WHERE {where}" if where else ""))
        select = (f"SELECT t.data, x.data{', d.outlet' if keep else ''} {body} "
                  f"ORDER BY t.{self._db.order}")

        def row_of(data: Any, extra: Any) -> dict[str, Any] | None:
            row = self._decode(table, data)
            return None if row is None else {**row, **json.loads(extra)} if extra else row

        if keep is None:
            total = self.execute(f"SELECT COUNT(*) {body}", params).fetchone()[0]
            select += f" LIMIT {self._db.no_limit if limit is None else int(limit)} OFFSET ?"
            params.append(offset)
            rows = (row_of(data, extra) for data, extra in self.execute(select, params).fetchall())
            return [r for r in rows if r is not None], total
        return page_of((row for data, extra, outlet in self._db.stream(select, params)
                        if (row := row_of(data, extra)) is not None and keep(row, outlet)),
                       offset, limit)

    def kept_incident_ids(self) -> list[str]:
        """The kept incidents' ids in export order (``kept_incidents``), without their rows."""
        return [iid for _, iid in sorted(self.execute("SELECT start_key, id FROM record_incidents"))]

    def kept_incident_page(self, offset: int = 0, limit: int | None = None
                           ) -> tuple[list[dict[str, Any]], int]:
        """``kept_incidents()[offset:offset + limit]`` and how many there are, reading only
        the page's rows."""
        ids = self.kept_incident_ids()
        chosen = ids[offset:None if limit is None else offset + limit]
        rows: dict[str, Any] = {}
        for chunk, marks in _id_chunks(chosen):
            rows.update(self.execute(f"SELECT id, data FROM record_incidents WHERE id IN ({marks})",
                                     chunk).fetchall())
        return [json.loads(rows[i]) for i in chosen], len(ids)

    def kept_tally_page(self, incident: str | None, offset: int = 0, limit: int | None = None,
                        keep: Callable[[dict[str, Any]], bool] | None = None
                        ) -> tuple[list[dict[str, Any]], int]:
        """A page of the kept tallies in export order (of ``incident`` only when given) that
        ``keep`` accepts, and how many it accepts; read an incident's tallies at a time."""
        ids = self.kept_incident_ids()
        if incident is not None:
            ids = [incident] if incident in set(ids) else []
        return page_of((t for t in self.kept_tallies(ids) if keep is None or keep(t)),
                       offset, limit)

    def problems(self) -> list[dict[str, str]]:
        rows = sorted(self.execute("SELECT seen_at, path, message FROM problems"))
        return [{"path": p, "message": m} for _, p, m in rows]

    def languages(self) -> dict[str | None, int]:
        """Stored documents by language code (None: unknown), most frequent first."""
        tally: dict[str | None, int] = {}
        for doc in self._rows("documents"):
            code = doc.get("language") if isinstance(doc.get("language"), str) else None
            tally[code] = tally.get(code, 0) + 1
        return dict(sorted(tally.items(), key=lambda kv: (-kv[1], kv[0] or "")))

    def counts(self) -> dict[str, int]:
        return {t: self.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in COUNTED}
