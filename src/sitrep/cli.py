"""Command line: ``sitrep ingest|watch|export|report|serve|demo|stats``."""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from enum import Enum
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .config import CONFIG
from .outfiles import OutputError, atomic_dir, atomic_file
from .ray_runner import RayRunnerError  # no ray import: ray loads only for --runner ray
from .records import Problem, RawDocument
from .store import Rows, Store, StoreError, default_db, display, is_url, mask_secrets, rows_of
from .store import exists as store_exists

# psycopg logs what it could not roll back on a lost connection; the command says it in one line.
logging.getLogger("psycopg").addHandler(logging.NullHandler())
logging.getLogger("psycopg").propagate = False

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Turn crisis and conflict reporting into a sourced situation record.")
err = Console(stderr=True)
out = Console()
if not out.is_terminal:
    # Piped or captured output (CI logs, `make demo | less`) gets a readable table width.
    out = Console(width=150)

DbOption = typer.Option(None, "--db", help="SQLite file or postgresql:// URL "
                                            "(default $SITREP_DB or ./sitrep.db).")


class Runner(str, Enum):
    local = "local"
    ray = "ray"


def open_store(target: str, must_exist: bool = False, write: bool | None = None) -> Store:
    """The store, or one clear line and exit status 2 when it cannot be opened. A store that
    must exist is opened read-only unless ``write``."""
    if must_exist and not store_exists(target):
        say(f"{display(target)}: no such database (run `sitrep ingest` first)")
        raise typer.Exit(2)
    try:
        return Store(target, create=not must_exist if write is None else write)
    except StoreError as exc:
        say(str(exc))
        raise typer.Exit(2) from None


def literal(text: str) -> str:
    """Text printed as it is, on one line: control characters (a newline in a file name) escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def say(text: str) -> None:
    """One line to stderr, printed literally: a file name like ``[/x]`` is not markup."""
    err.print(literal(text), highlight=False, soft_wrap=True, markup=False)


# SQLite errors that mean the file or its disk failed under a running command, not a bug of ours.
_SQLITE_GONE = ("disk i/o error", "database is locked", "readonly database", "unable to open",
                "database or disk is full", "database disk image is malformed")


def database_gone(exc: BaseException) -> bool:
    """Whether ``exc`` says the store went away under a running command: the PostgreSQL server
    stopped or the connection was cut, or the SQLite file's disk failed or stayed locked."""
    import sqlite3

    if isinstance(exc, sqlite3.OperationalError | sqlite3.DatabaseError):
        return any(m in str(exc).lower() for m in _SQLITE_GONE)
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return False
    return isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError)


def store_lost(target: str, exc: BaseException, doing: str) -> typer.Exit:
    """One line for a store lost during ``doing``; the caller raises the returned exit (2)."""
    while exc.__context__ is not None and database_gone(exc.__context__):
        exc = exc.__context__  # the first failure says why; later ones say what it broke
    lines = str(exc).strip().splitlines()
    reason = mask_secrets(lines[0] if lines else type(exc).__name__, target)
    say(f"{display(target)}: the database went away during {doing} ({reason}); what was stored "
        f"before is kept: run the same command again to resume")
    return typer.Exit(2)


def _report(problem, verb: str = "skipped") -> None:
    say(f"{verb} {problem.line()}")


def _process(todo: Iterable[RawDocument], workers: int, runner: str) -> Iterator[list]:
    """Batches of processed documents (the store's ``Rows``) and Problems, in input order."""
    if runner == Runner.ray:
        from .ray_runner import process_documents as process_on_ray

        return ([r if isinstance(r, Problem) else rows_of(r)]
                for r in process_on_ray(todo, workers=workers))
    from .pipeline import process_batches

    return process_batches(todo, workers=workers)


def _store_batch(store: Store, batch: list, counts: dict[str, int],
                 parts: dict[str, Any] | None = None, held_max: int = 0) -> None:
    """Store a batch's documents in one transaction (each run of them between Problems); the
    ``Rows.parts`` of those stored go into ``parts``, by document id, for the linking after,
    while it holds fewer than ``held_max`` (linking computes the others' itself)."""
    run: list[Rows] = []
    for item in [*batch, None]:
        if isinstance(item, Rows):
            run.append(item)
            continue
        for rows, stored in zip(run, store.add_rows(run) if run else []):
            counts["stored" if stored else "unchanged"] += 1
            if parts is not None:
                if stored and rows.parts is not None and (rows.doc_id in parts
                                                          or len(parts) < held_max):
                    parts[rows.doc_id] = rows.parts
                else:
                    parts.pop(rows.doc_id, None)
        run = []
        if item is not None:
            _report(item)
            store.add_problem(item)
            counts["problems"] += 1


def extracts(language: str | None) -> bool:
    """Whether sitrep extracts from text in this language (unknown is read as English)."""
    return language is None or language.lower().startswith("en")


CHANGEABLE = ("url", "outlet", "title", "published", "language")


def _changed(item: RawDocument, stored: dict) -> list[dict]:
    """What ``item`` says about its document that differs from the stored version: each field it
    gives a value for that is not the stored value. A field it leaves empty changes nothing."""
    today = time.strftime("%Y-%m-%d")
    return [{"field": k, "old": stored.get(k), "new": getattr(item, k), "on": today}
            for k in CHANGEABLE if getattr(item, k) is not None and getattr(item, k) != stored.get(k)]


def _fill_unchanged(item: RawDocument, stored: dict) -> None:
    """Fields the new version leaves empty keep their stored values."""
    for k in CHANGEABLE:
        if getattr(item, k) is None and stored.get(k) is not None and not (
                k == "published" and stored.get("published_inferred")):
            setattr(item, k, stored[k])


def _pending(store: Store, items, counts: dict[str, int],
             languages: dict[str, int]) -> Iterator[RawDocument]:
    """The read documents the store does not hold yet, as they are read. Problems are reported
    and recorded on the way; a duplicate later in the batch counts as unchanged; new documents
    in a language sitrep does not extract yet are counted by language."""
    known = store.known_shas()
    for item in items:
        if isinstance(item, Problem):
            _report(item)
            store.add_problem(item)
            counts["problems"] += 1
        else:
            # Identity is URL and text, in every format: the same document said again with new
            # metadata is a new version of it (same id, the change recorded), not a second one.
            stored = store.by_identity(item.identity)
            changes = _changed(item, stored) if stored else []
            if (stored and not changes) or (stored is None and item.raw_sha256 in known):
                counts["unchanged"] += 1
                continue
            if stored:
                item.keep_id = stored["id"]
                item.changes = list(stored.get("metadata_changes") or []) + changes
                _fill_unchanged(item, stored)
                say(f"updated {item.source_path}: " + "; ".join(
                    f"{c['field']} {c['old']!r} -> {c['new']!r}" for c in changes))
            known.add(item.raw_sha256)
            if not extracts(item.language):
                languages[item.language] = languages.get(item.language, 0) + 1
            for problem in item.problems:
                _report(problem, "warning:")
                store.add_problem(problem)
            yield item


def ingest_items(store: Store, items, quiet: bool = False, workers: int = 1,
                 runner: str = "local") -> dict[str, int]:
    """Process and store what ``read_paths`` yields; returns counts. Bad input gives one line
    each and the batch goes on.

    Both runners stream: documents are read, processed and stored a batch at a time, so memory
    does not grow with the corpus."""
    counts = {"stored": 0, "unchanged": 0, "problems": 0}
    languages: dict[str, int] = {}
    todo = _pending(store, items, counts, languages)
    # What linking needs from each stored document alone, held for at most held_max documents
    # (``ingest.held_parts_max_documents``), so memory does not grow with the corpus.
    parts: dict[str, Any] = {}
    held_max = CONFIG["ingest"]["held_parts_max_documents"]
    total = None
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err, disable=quiet or total == 0,
                  transient=True) as progress:
        task = progress.add_task("processing", total=total)
        for batch in _process(todo, workers, runner):
            _store_batch(store, batch, counts, parts, held_max)
            progress.advance(task, len(batch))
    if languages:
        say(f"{sum(languages.values())} new document(s) in a language sitrep does not extract yet "
            f"(stored, no figures or quotes): "
            + ", ".join(f"{code} {n}" for code, n in sorted(languages.items())))
    # Incidents are kept in the store, so they keep their ids as documents join them.
    from .export import keep_incidents

    keep_incidents(store, parts=parts)
    return counts


def ingest_paths(paths: list[str], db: str, meta: dict, quiet: bool = False,
                 workers: int = 1, runner: str = "local") -> dict[str, int]:
    """Read, process and store; returns counts. Bad input gives one line each, the batch goes on."""
    from .ingest import read_paths

    with open_store(db) as store:
        return ingest_items(store, read_paths(paths, **meta), quiet, workers, runner)


@app.command()
def ingest(paths: list[str] = typer.Argument(..., help="Files, directories or globs."),
           db: Optional[str] = DbOption,
           outlet: Optional[str] = typer.Option(None, help="Outlet for every document read."),
           published: Optional[str] = typer.Option(None, help="Publication date (YYYY-MM-DD)."),
           language: Optional[str] = typer.Option(None, help="Language code, e.g. en."),
           url: Optional[str] = typer.Option(None, help="URL (for a single file)."),
           quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
           workers: int = typer.Option(1, "--workers", "-w", min=1,
                                       help="Parsing processes (local) or Ray actors (ray)."),
           runner: Runner = typer.Option(Runner.local, "--runner",
                                         help="local: this machine; ray: a Ray cluster "
                                              "($RAY_ADDRESS, or a local one started for the run).")
           ) -> None:
    """Ingest text, HTML, JSONL, RSS/Atom files or directories into the store."""
    meta = {k: v for k, v in dict(outlet=outlet, published=published, language=language, url=url).items() if v}
    from .meta import validate

    _, bad = validate(meta, "--options")
    if bad:
        say(bad[0].line())
        raise typer.Exit(2)
    target = db or default_db()
    t0 = time.perf_counter()
    try:
        counts = ingest_paths(paths, target, meta, quiet, workers, runner.value)
    except RayRunnerError as exc:
        say(str(exc))
        raise typer.Exit(1) from None
    except Exception as exc:
        if not database_gone(exc):
            raise
        raise store_lost(target, exc, "ingest") from None
    dt = time.perf_counter() - t0
    say(f"{counts['stored']} stored, {counts['unchanged']} unchanged, "
        f"{counts['problems']} problems in {dt:.1f}s -> {display(target)}")


@app.command()
def watch(sources: list[str] = typer.Argument(..., help="Folders, files, globs or feed URLs."),
          db: Optional[str] = DbOption,
          interval: float = typer.Option(CONFIG["watch"]["interval"], "--interval", min=0.0,
                                         help="Seconds between polls."),
          once: bool = typer.Option(False, "--once", help="Poll once and stop."),
          max_polls: Optional[int] = typer.Option(None, "--max-polls", min=1,
                                                  help="Stop after this many polls."),
          out_path: Optional[str] = typer.Option(None, "--out", "-o",
                                                 help="JSON export rewritten after each poll "
                                                      "that stored something."),
          outlet: Optional[str] = typer.Option(None, help="Outlet for every document read."),
          language: Optional[str] = typer.Option(None, help="Language code, e.g. en."),
          workers: int = typer.Option(1, "--workers", "-w", min=1, help="Parsing processes.")) -> None:
    """Poll folders or feeds; ingest new documents and refresh incidents and tallies."""
    from .watch import Watcher, write_record

    meta = {k: v for k, v in dict(outlet=outlet, language=language).items() if v}
    target = db or default_db()

    def tell(report) -> None:
        if report.read or report.counts.get("problems") or report.poll == 1:
            say(report.line())

    with open_store(target) as store:
        watcher = Watcher(sources, store, meta=meta,
                          ingest=lambda st, items: ingest_items(st, items, True, workers),
                          on_record=(lambda record: write_record(record, out_path)) if out_path else None,
                          ignore=[out_path] if out_path else [])
        try:
            polls = watcher.run(interval, 1 if once else max_polls, on_poll=tell)
        except KeyboardInterrupt:
            polls = watcher.polls
        except Exception as exc:
            if not database_gone(exc):
                raise
            raise store_lost(target, exc, "watch") from None
    say(f"stopped after {polls} poll{'s' if polls != 1 else ''} -> {display(target)}")


FORMATS = ("json", "csv", "geojson", "parquet", "acled", "ucdp")


def require_db(db: Optional[str]) -> str:
    """The database path or URL, or one line and exit 2 when there is no database."""
    target = db or default_db()
    open_store(target, must_exist=True).close()
    return target


def open_store_data(db: Optional[str]) -> dict:
    """The exported record of ``db`` (SPEC arrays)."""
    from .export import collect

    with open_store(db or default_db(), must_exist=True) as store:
        data = collect(store)
        for problem in store.read_problems:
            _report(problem, "warning:")
        return data


@app.command()
def export(fmt: str = typer.Option("json", "--format", "-f", help="json, csv, geojson, parquet, "
                                   "acled (ACLED-like event CSV) or ucdp (UCDP-GED-like CSV)."),
           out_path: str = typer.Option("-", "--out", "-o", help="File for json, geojson, acled and "
                                        "ucdp ('-' = stdout); directory for csv and parquet."),
           db: Optional[str] = DbOption) -> None:
    """Export the stored record following the SPEC contract."""
    from .formats import EVENT_FORMATS, write_geojson, write_rows_csv

    if fmt not in FORMATS:
        say(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
        raise typer.Exit(2)
    if fmt in ("json", "csv", "parquet"):
        _export_streamed(db, out_path, fmt)
        return
    data = open_store_data(db)
    try:
        def write(fh) -> None:
            if fmt == "geojson":
                write_geojson(data, fh)
            else:
                rows, columns = EVENT_FORMATS[fmt]
                write_rows_csv(rows(data), columns, fh)

        if out_path == "-":
            write(sys.stdout)
        else:
            with atomic_file(out_path, newline="" if fmt in EVENT_FORMATS else None) as fh:
                write(fh)
            say(f"wrote {out_path}")
    except OutputError as exc:
        say(str(exc))
        raise typer.Exit(2) from None


def _export_streamed(db: Optional[str], out_path: str, fmt: str) -> None:
    """The JSON, CSV or Parquet export written row by row from the kept record: memory does
    not grow with the store (the same contents as writing it from memory)."""
    from .export import stream_arrays, write_csv_dir, write_json_stream
    from .formats import write_parquet_dir

    with open_store(db or default_db(), must_exist=True) as store:
        _warn_unlinked(store)
        try:
            if fmt in ("csv", "parquet"):
                target = f"sitrep-{fmt}" if out_path == "-" else out_path
                writer = write_csv_dir if fmt == "csv" else write_parquet_dir
                with atomic_dir(target) as tmp:
                    names = [os.path.basename(p) for p in writer(stream_arrays(store), tmp)]
                for name in names:
                    say(f"wrote {os.path.join(target, name)}")
            elif out_path == "-":
                write_json_stream(stream_arrays(store), sys.stdout)
            else:
                with atomic_file(out_path) as fh:
                    write_json_stream(stream_arrays(store), fh)
        except OutputError as exc:
            say(str(exc))
            raise typer.Exit(2) from None
        for problem in store.read_problems:
            _report(problem, "warning:")
    if fmt == "json" and out_path != "-":
        say(f"wrote {out_path}")


def _warn_unlinked(store: Store) -> None:
    """One line when documents were stored after the record was last kept (an ingest run that
    was interrupted): they are read unlinked until the next ingest or `sitrep relink`."""
    if store.record_kept():
        n = len(store.unlinked_documents())
        if n:
            say(f"note: {n} document(s) are not linked into incidents yet; run `sitrep relink`")


@app.command()
def relink(db: Optional[str] = DbOption) -> None:
    """Link and reconcile the whole store again and keep the record (ingest refreshes only what
    new documents touch; this gives the record a one-run ingest of the same corpus would)."""
    from .export import keep_incidents

    with open_store(db or default_db(), must_exist=True, write=True) as store:
        keep_incidents(store, full=True)
        n = len(store.kept_incidents())
    say(f"relinked: {n} incident(s)")


@app.command()
def report(out_path: str = typer.Option("report.html", "--out", "-o", help="HTML file to write."),
           incidents: Optional[int] = typer.Option(
               None, "--incidents", "-n", min=0,
               help="The incidents with the newest reports to include, with their documents "
                    "(default: [report] max_incidents; 0 = all). The rest are in `sitrep serve`."),
           db: Optional[str] = DbOption) -> None:
    """Write one self-contained HTML report (no network): incidents, tallies, map, claims, quotes."""
    from .export import newest_part
    from .report import render_report

    limit = CONFIG["report"]["max_incidents"] if incidents is None else incidents
    with open_store(db or default_db(), must_exist=True) as store:
        _warn_unlinked(store)
        data, total = newest_part(store, limit)
        for problem in store.read_problems:
            _report(problem, "warning:")
    try:
        html = render_report(data, total_incidents=total)
        with atomic_file(out_path) as fh:
            fh.write(html)
    except OutputError as exc:
        say(str(exc))
        raise typer.Exit(2)
    shown = len(data["incidents"])
    say(f"wrote {out_path} ({shown} of {total} incidents, {len(data['figures'])} figures, "
        f"{len(data['documents'])} documents)" if shown < total else
        f"wrote {out_path} ({len(data['figures'])} figures, {len(data['documents'])} documents)")


@app.command()
def serve(db: Optional[str] = DbOption,
          host: str = typer.Option(CONFIG["serve"]["host"], help="Address to listen on."),
          port: int = typer.Option(CONFIG["serve"]["port"], help="Port to listen on."),
          allowed_host: list[str] = typer.Option(
              CONFIG["serve"]["allowed_hosts"], "--allowed-host",
              help="A name clients use to reach the app (checked against Host; repeatable). "
                   "Loopback names and the bound address are always allowed."),
          token: Optional[str] = typer.Option(
              None, envvar="SITREP_TOKEN", show_envvar=True,
              help="Require this token (Authorization: Bearer TOKEN, or the password of basic "
                   "auth) on every request.")) -> None:
    """Run the web app and JSON API (/api/incidents, /api/tallies, /api/figures, /api/quotes, /api/documents/ID)."""
    import uvicorn

    from .guard import exposure_warning, protect
    from .web import create_app

    path = require_db(db)
    warning = exposure_warning(host, token)
    if warning:
        say(warning)
    say(f"serving {display(path)} on http://{host}:{port}/"
        + (" (token required)" if token else ""))
    uvicorn.run(protect(create_app(path), host, allowed_host, token), host=host, port=port,
                log_level="warning")


@app.command()
def stats(db: Optional[str] = DbOption) -> None:
    """Counts of what the store holds, the problems seen, and each incident's headline tally."""
    from .export import collect, newest_first
    from .view import headline_tally, headline_text

    with open_store(db or default_db(), must_exist=True) as store:
        for k, v in store.counts().items():
            out.print(f"{k:10} {v}")
        for code, n in store.languages().items():
            out.print(f"language   {code or 'unknown'} {n}"
                      + ("" if extracts(code) else " (not extracted yet)"), highlight=False)
        for p in store.problems():
            out.print(literal(f"problem    {p['path']}: {p['message']}"), highlight=False, markup=False)
        if store.record_kept():
            incs = store.kept_incidents()
            data = {"incidents": incs, "tallies": list(store.kept_tallies([i["id"] for i in incs]))}
        else:
            data = collect(store) if store.counts().get("documents") else {"incidents": [], "tallies": []}
    # Newest last report first, as in the report and the app.
    for inc in newest_first(data["incidents"]):
        head = headline_tally([t for t in data["tallies"] if t["incident_id"] == inc["id"]])
        line = headline_text(head) if head else "no whole killed toll"
        out.print(literal(f"incident   {inc['id']} {inc.get('title') or ''}: {line}"),
                  highlight=False, markup=False)


def demo_corpus_dir() -> str:
    return str(resources.files("sitrep").joinpath("demo_corpus"))


def figures_table(data: dict) -> Table:
    docs = {d["id"]: d for d in data["documents"]}
    table = Table(title="Casualty figures in the demo corpus", show_lines=False)
    for col in ("published", "outlet", "figure", "status", "victims", "source", "phrase"):
        table.add_column(col, overflow="fold")
    for f in sorted(data["figures"], key=lambda f: (f["reported_on"] or "", f["doc_id"])):
        d = docs[f["doc_id"]]
        value = f["count"] if f["count"] is not None else f"{f['min']}-{f['max'] or ''}"
        table.add_row(f["reported_on"] or "?", d["outlet"] or "?", f"{f['qualifier']} {value}",
                      f["status"], f["victims"] + (f" ({f['group']})" if f["group"] else ""),
                      f["source"] or "-", f["span"]["text"])
    return table


@app.command()
def demo(out_dir: str = typer.Option("sitrep-demo", "--out", help="Where to write the outputs."),
         db: Optional[str] = DbOption) -> None:
    """Run the whole pipeline on the bundled sample corpus and say where the outputs are."""
    from .export import collect, write_csv_dir, write_json

    os.makedirs(out_dir, exist_ok=True)
    path = db or os.path.join(out_dir, "sitrep.db")
    counts = ingest_paths([demo_corpus_dir()], path, {})
    with open_store(path) as store:
        data = collect(store)
    json_path = os.path.join(out_dir, "sitrep.json")
    with open(json_path, "w", encoding="utf-8") as fh:
        write_json(data, fh)
    write_csv_dir(data, os.path.join(out_dir, "csv"))
    from .report import write_report

    html_path = os.path.join(out_dir, "report.html")
    write_report(data, html_path)
    out.print(figures_table(data))
    out.print(f"{len(data['documents'])} documents, {len(data['figures'])} figures, "
              f"{len(data['quotes'])} quotes, {len(data['entities'])} entities, "
              f"{len(data['places'])} places ({counts['stored']} new, {counts['unchanged']} unchanged)")
    out.print(f"database: {display(path) if is_url(path) else Path(path).resolve()}")
    out.print(f"report (JSON export): {Path(json_path).resolve()}")
    out.print(f"CSV export: {Path(out_dir, 'csv').resolve()}")
    out.print(f"HTML report: {Path(html_path).resolve()}")


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
