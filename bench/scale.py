"""Scale bench: what the whole-corpus steps cost on a large store (SQLite or PostgreSQL).

    python bench/scale.py build --source SRC.db --out BIG.db --blocks 20
    python bench/scale.py measure --db BIG.db --source SRC.db [--batch 1000] [--report-incidents 50]

``build`` makes a large store fast, without running the pipeline again: SRC is a store that
``sitrep ingest`` filled from the bench generator (``make_corpus.py``) and whose record is kept
(``sitrep relink``). The new store holds SRC's rows (documents, figures, quotes, posts, the
documents' entities and places) and its kept record ``--blocks`` times, each copy with new ids
and every date moved back by the source's span plus ``--gap-days`` from the one before (copies
stay in the past: sitrep drops publication dates in the future on read), so copies never fall
within linking distance of each other and each copy keeps the source's record.

``measure`` times, each in its own process with its peak RSS (``ru_maxrss``):

1. ``batch``: storing ``--batch`` more documents (copied from SRC as above, dated just after the
   newest stored document: the next batch of news) and refreshing the kept record
   (``keep_incidents``), the two timed apart;
2. ``export``: ``sitrep export --format json`` to a file (streamed from the kept record);
3. ``parquet``: ``sitrep export --format parquet`` to a directory (not run unless asked);
4. ``report``: ``sitrep report`` (the newest ``--report-incidents`` incidents).

``--steps`` chooses among them (default ``batch,export,report``). It prints one Markdown row per
step and writes ``--json`` if given. Stores: a SQLite path or a ``postgresql://`` URL (``build
--out URL`` copies into an empty database; ``--first-block K --blocks N`` adds copies K+1 to N
to a store built with K). On PostgreSQL each step also reports the CPU seconds of the server
processes serving the database (sampled from ``/proc``: the server must run on this machine),
which the client's CPU seconds leave out.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import resource
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from sitrep.store import Store, display  # noqa: E402

_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_IDS = re.compile(r"\b([dis])_([0-9a-f]{8,})\b")

# Tables copied per block: (table, columns, columns holding JSON or ids rewritten as text).
TABLES = [
    ("documents", ["id", "raw_sha256", "source_path", "published", "outlet", "data", "ingested_at",
                   "identity"]),
    ("figures", ["id", "doc_id", "status", "victims", "source_id", "data"]),
    ("quotes", ["id", "doc_id", "speaker_id", "statement_id", "data"]),
    ("posts", ["id", "doc_id", "data"]),
    ("repairs", ["doc_id", "seq", "data"]),
    ("doc_entities", ["doc_id", "entity_id"]),
    ("doc_places", ["doc_id", "place_id"]),
    ("incidents", ["id", "seq", "merged_into", "data"]),
    ("incident_docs", ["doc_id", "incident_id"]),
    ("record_incidents", ["id", "start_key", "data", "reach"]),
    ("record_tallies", ["incident_id", "k", "data"]),
    ("record_figures", ["figure_id", "incident_id", "data"]),
    ("record_quotes", ["quote_id", "statement_id", "data"]),
    ("record_docs", ["doc_id", "day"]),
]


class Copier:
    """Rewrites one block's rows: ids (documents ``d_``, incidents ``i_``, statements ``s_``)
    get new hashes, ISO dates move by ``shift`` days, content hashes and identities change."""

    def __init__(self, block: str, shift: int, seq_offset: int, days: dict[str, str] | None = None):
        self.block, self.shift, self.seq_offset = block, timedelta(days=shift), seq_offset
        self.ids: dict[str, str] = {}
        # A document without a publication date is dated by its text, which a copy keeps as it
        # is: the copy is published on the day linking gave the original, moved like the rest.
        self.days = days or {}

    def new_id(self, m: re.Match) -> str:
        old = m.group(0)
        if old not in self.ids:
            digest = hashlib.sha256(f"{self.block}:{old}".encode()).hexdigest()
            self.ids[old] = f"{m.group(1)}_{digest[:len(m.group(2))]}"
        return self.ids[old]

    def new_date(self, m: re.Match) -> str:
        try:
            return (date(int(m.group(1)), int(m.group(2)), int(m.group(3))) + self.shift).isoformat()
        except ValueError:
            return m.group(0)

    def text(self, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        return _DATE.sub(self.new_date, _IDS.sub(self.new_id, value))

    def document(self, row: tuple) -> tuple:
        doc_id, sha, path, published, outlet, data, at, identity = row
        body = json.loads(data)
        new = _IDS.sub(self.new_id, doc_id)
        digest = hashlib.sha256(f"{self.block}:{sha}".encode()).hexdigest()
        body["id"] = new
        body["raw_sha256"] = digest
        body["identity"] = identity and hashlib.sha256(f"{self.block}:{identity}".encode()).hexdigest()
        if not published and self.days.get(doc_id):
            published = self.days[doc_id]
        if published:
            body["published"] = published
        body["published"] = self.text(body.get("published"))
        return (new, digest, f"{path}#{self.block}", body["published"], outlet,
                json.dumps(body, ensure_ascii=False, sort_keys=True), at, body["identity"])

    def row(self, table: str, row: tuple) -> tuple:
        if table == "documents":
            return self.document(row)
        if table == "incidents":
            iid, seq, merged_into, data = row
            return (self.text(iid), seq + self.seq_offset, self.text(merged_into), self.text(data))
        return tuple(self.text(v) for v in row)


def _span(store: Store) -> tuple[date, date]:
    lo, hi = store.execute("SELECT MIN(day), MAX(day) FROM record_docs WHERE day <> ''").fetchone()
    return date.fromisoformat(lo), date.fromisoformat(hi)


def copy_block(source: Store, target: Store, copier: Copier,
               doc_filter: Callable[[str], bool] | None = None) -> int:
    """Copy SRC's rows (all, or the documents ``doc_filter`` keeps with their rows) into
    ``target`` through one transaction per table. Returns the documents copied."""
    keep: set[str] | None = None
    if doc_filter is not None:
        keep = {d for (d,) in source.execute("SELECT id FROM documents") if doc_filter(d)}
    n = 0
    with target._db.transaction():
        for table, cols in TABLES:
            if doc_filter is not None and table.startswith(("incidents", "incident_docs", "record_")):
                continue  # a batch arrives unlinked: the refresh links it
            key = {"documents": "id", "figures": "doc_id", "quotes": "doc_id", "posts": "doc_id",
                   "repairs": "doc_id", "doc_entities": "doc_id", "doc_places": "doc_id"}.get(table)
            rows = source.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY "
                                  f"{source._db.order if table in ('documents', 'figures', 'quotes', 'posts') else cols[0]}").fetchall()
            if keep is not None:
                rows = [r for r in rows if r[cols.index(key)] in keep]
            out = [copier.row(table, r) for r in rows]
            if table == "documents":
                n = len(out)
            target.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES "
                               f"({', '.join('?' * len(cols))}) ON CONFLICT DO NOTHING", out)
        target._bump()
    return n


def build(args: argparse.Namespace) -> None:
    t0 = time.perf_counter()
    with Store(args.source, create=False) as source, Store(args.out) as target:
        if not source.record_kept():
            sys.exit(f"{args.source}: no kept record; run `sitrep relink --db {args.source}` first")
        lo, hi = _span(source)
        step = (hi - lo).days + args.gap_days
        max_seq = source.execute("SELECT MAX(seq) FROM incidents").fetchone()[0] or 0
        for table in ("entities", "entity_aliases", "places", "place_aliases"):
            rows = source.execute(f"SELECT * FROM {table}").fetchall()
            if rows:
                target.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(rows[0]))}) "
                                   f"ON CONFLICT DO NOTHING", rows)
        target.execute("INSERT INTO sitrep_meta (key, value) VALUES ('record', 'kept') "
                       "ON CONFLICT (key) DO NOTHING")
        total = 0
        days = dict(source.execute("SELECT doc_id, day FROM record_docs WHERE day <> ''").fetchall())
        for k in range(args.first_block, args.blocks):
            # Copies go back in time (sitrep drops publication dates in the future on read).
            copier = Copier(f"b{k}", -k * step, k * (max_seq + 1), days)
            total += copy_block(source, target, copier)
            print(f"block {k + 1}/{args.blocks}: {total:,} documents copied, "
                  f"{time.perf_counter() - t0:.0f} s", flush=True)
    print(f"built {display(args.out)}: {total:,} documents copied, blocks {args.first_block + 1} "
          f"to {args.blocks}, {step} days apart, "
          f"{time.perf_counter() - t0:.0f} s")


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class ServerCPU:
    """The CPU seconds PostgreSQL's server processes spend for the store's database while a step
    runs (the client's CPU seconds leave out the work done in the server). Samples the backends
    of the database every ``every`` seconds from ``pg_stat_activity`` and ``/proc`` (the server
    must run on this machine), keeping each backend's last reading: a backend's last
    ``every`` seconds before it exits are missed, so this is a lower bound. Other sessions on
    the same database would be counted: run nothing else on it meanwhile."""

    def __init__(self, url: str | None, every: float = 0.25):
        self.url, self.every, self.ticks = url, every, {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> "ServerCPU":
        if self.url:
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()

    def _run(self) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            while True:
                pids = [r[0] for r in conn.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid()")]
                for pid in pids:
                    try:
                        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                    except OSError:
                        continue
                    self.ticks[pid] = int(fields[11]) + int(fields[12])  # utime + stime
                if self._stop.wait(self.every):
                    return

    @property
    def seconds(self) -> float | None:
        return round(sum(self.ticks.values()) / os.sysconf("SC_CLK_TCK"), 1) if self.url else None


def _pg(target: str) -> str | None:
    return target if target.startswith(("postgresql://", "postgres://")) else None


def step_batch(args: argparse.Namespace) -> dict[str, Any]:
    """(In its own process.) Store a batch of new documents dated after the newest stored one,
    then refresh the kept record."""
    from sitrep.export import keep_incidents

    with Store(args.source, create=False) as source, Store(args.db) as store:
        lo, _ = _span(source)
        newest = date.fromisoformat(store.execute(
            "SELECT MAX(day) FROM record_docs WHERE day <> ''").fetchone()[0])
        days = sorted(source.execute("SELECT doc_id, day FROM record_docs WHERE day <> ''"),
                      key=lambda r: (r[1], r[0]))
        # The source's first ``batch`` dated documents, moved to start the day after the newest.
        chosen = {d for d, _ in days[:args.batch]}
        copier = Copier(f"batch{int(time.time())}", (newest - lo).days + 1, 0, dict(days))
        t0 = time.perf_counter()
        n = copy_block(source, store, copier, chosen.__contains__)
        t1 = time.perf_counter()
        rss_store = _rss_mb()
        c1 = _cpu()
        with ServerCPU(_pg(args.db)) as server:
            keep_incidents(store)
        t2 = time.perf_counter()
        linked_again = getattr(store, "last_refresh", {})
        docs = store.counts()["documents"]
    return {"docs_added": n, "store_docs": docs, "store_s": round(t1 - t0, 1),
            "refresh_s": round(t2 - t1, 1), "refresh_cpu_s": round(_cpu() - c1, 1),
            "refresh_server_cpu_s": server.seconds,
            "peak_rss_mb": round(_rss_mb()), "rss_before_refresh_mb": round(rss_store),
            "refresh": linked_again}


def _child(cmd: list[str]) -> dict[str, Any]:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    wall = time.perf_counter() - t0
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stderr[-2000:]}")
    return {"wall_s": round(wall, 1), "stdout": proc.stdout[-2000:], "stderr": proc.stderr[-2000:]}


STEPS = {  # step: the sitrep command timed, and the file or directory it writes
    "export": (["export", "--format", "json"], "export.json"),
    "parquet": (["export", "--format", "parquet"], "parquet"),
    "report": (["report", "--incidents", "{report_incidents}"], "report.html"),
}


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.iterdir()) if path.is_dir() else path.stat().st_size


def measure(args: argparse.Namespace) -> None:
    py = sys.executable
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    steps = args.steps.split(",")
    if unknown := set(steps) - {"batch", *STEPS}:
        sys.exit(f"unknown steps: {', '.join(sorted(unknown))}")
    results: dict[str, Any] = {}
    if args.batch and "batch" in steps:
        r = _child([py, __file__, "_batch", "--db", args.db, "--source", args.source,
                    "--batch", str(args.batch)])
        results["batch"] = json.loads(r["stdout"].strip().splitlines()[-1])
    for name in (s for s in STEPS if s in steps):
        cmd, file = STEPS[name]
        cmd = [c.format(report_incidents=args.report_incidents) for c in cmd]
        path = out_dir / file
        with ServerCPU(_pg(args.db)) as server:
            r = _child([py, __file__, "_timed", "--", py, "-m", "sitrep.cli", *cmd, "--db",
                        args.db, "--out", str(path)])
        results[name] = {**json.loads(r["stdout"].strip().splitlines()[-1]),
                         "server_cpu_s": server.seconds, "bytes": _size(path)}
    with Store(args.db, create=False) as store:
        counts = store.counts()
        counts["incidents"] = len(store.kept_incidents())
    results["store"] = counts
    print(json.dumps(results, indent=1))
    b = results.get("batch")
    print("\n| documents | step | wall s | CPU s | server CPU s | peak RSS MB |\n"
          "|---:|---|---:|---:|---:|---:|")
    if b:
        print(f"| {b['store_docs']:,} | store {b['docs_added']:,} more (copied, no pipeline) | "
              f"{b['store_s']} | | | |")
        print(f"| {b['store_docs']:,} | refresh the kept record | {b['refresh_s']} | "
              f"{b.get('refresh_cpu_s', '')} | {b.get('refresh_server_cpu_s') or ''} | "
              f"{b['peak_rss_mb']:,} |")
    for name in (s for s in STEPS if s in results):
        r = results[name]
        print(f"| {counts['documents']:,} | {name} ({r['bytes'] / 1e6:,.0f} MB) | {r['wall_s']} | "
              f"{r.get('cpu_s', '')} | {r['server_cpu_s'] or ''} | {r['peak_rss_mb']:,} |")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))


def timed(cmd: list[str]) -> None:
    """(In its own process.) Run ``cmd`` and print its wall time and the peak RSS of it."""
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode:
        sys.stderr.write(proc.stderr)
        sys.exit(proc.returncode)
    child = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"wall_s": round(wall, 1), "cpu_s": round(child.ru_utime + child.ru_stime, 1),
                      "peak_rss_mb": round(child.ru_maxrss / 1024)}))


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_timed"]:
        timed(argv[2:] if argv[1:2] == ["--"] else argv[1:])
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build")
    b.add_argument("--source", required=True)
    b.add_argument("--out", required=True)
    b.add_argument("--blocks", type=int, default=20)
    b.add_argument("--gap-days", type=int, default=40)
    b.add_argument("--first-block", type=int, default=0,
                   help="the index of the first copy: add copies to a store built with this many")
    for name in ("measure", "_batch"):
        m = sub.add_parser(name)
        m.add_argument("--db", required=True)
        m.add_argument("--source", required=True)
        m.add_argument("--batch", type=int, default=1000)
        m.add_argument("--report-incidents", type=int, default=50)
        m.add_argument("--out", default=str(ROOT / "bench" / "out" / "scale"))
        m.add_argument("--json")
        m.add_argument("--steps", default="batch,export,report",
                       help="comma-separated: batch, export (JSON), parquet, report")
    args = ap.parse_args(argv)
    if args.cmd == "build":
        build(args)
    elif args.cmd == "measure":
        measure(args)
    else:
        print(json.dumps(step_batch(args)))


if __name__ == "__main__":
    main()
