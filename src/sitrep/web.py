"""``sitrep serve``: the web app and its JSON API (FastAPI), read-only over a store.

The app reads the kept record through ``export.collect`` (no linking: ingest keeps the record),
once per change to the store, so it shows exactly what ``sitrep export`` writes, and a batch
being ingested shows once its run has kept the record. The JSON lists (incidents, tallies,
figures, quotes) page that record in the store instead (``Store.linked_page`` and the like), so
they never hold a whole table.
The HTML pages and the API share the filters in ``view``; the HTML escapes all scraped text
and its Content-Security-Policy allows only this package's own script.
"""

from __future__ import annotations

import asyncio
import gc
import json
import threading
import time
from contextlib import contextmanager
from datetime import date
from typing import Any, Callable, Iterator, Literal, Optional
from urllib.parse import quote

from fastapi import FastAPI, HTTPException, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from .config import CONFIG
from .export import collect
from .store import Store, StoreError, display
from .store import exists as store_exists
from .templating import app_link, csp, render
from .view import (Record, choices, claim_rows, country_maps, doc_view, document_spans,
                   figure_matches, filter_figures, filter_quotes, filter_tallies, incident_views,
                   overview_map, quote_matches, quote_rows, tally_matches)

Status = Literal["killed", "injured", "missing", "detained", "displaced", "kidnapped"]
Victims = Literal["all", "civilians", "security_forces", "combatants", "children", "women",
                  "journalists", "aid_workers", "unknown"]


def form_date(value: Optional[str], name: str) -> Optional[date]:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise HTTPException(422, f"{name}: {value!r} is not a date (YYYY-MM-DD)") from None


class AnswerCache:
    """ASGI middleware answering a repeated ``GET /api/...`` from its earlier answer within one
    generation of the store (status 200 only, headers such as X-Total-Count kept); the same
    request arriving while it is being answered waits for that answer. Plain ASGI, so a cached
    answer costs no request object, task or stream."""

    def __init__(self, app: Any, generation: Callable[[], Any], answers: dict, pending: dict):
        self.app, self.generation, self.answers, self.pending = app, generation, answers, pending

    @staticmethod
    async def _send(send: Callable, status: int, headers: list, body: bytes) -> None:
        await send({"type": "http.response.start", "status": status,
                    "headers": [*headers, (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if (scope["type"] != "http" or scope["method"] != "GET"
                or not scope["path"].startswith("/api/")):
            return await self.app(scope, receive, send)
        gen = await self.generation()
        if gen is None:
            return await self.app(scope, receive, send)
        key = (gen, scope["path"], scope.get("query_string", b"").decode("latin-1"))
        if key not in self.answers and key in self.pending:
            await self.pending[key].wait()
        if key in self.answers:
            return await self._send(send, 200, *self.answers[key])
        self.pending[key] = asyncio.Event()
        try:
            start: dict[str, Any] = {}
            chunks: list[bytes] = []

            async def capture(message: dict) -> None:
                if message["type"] == "http.response.start":
                    start.update(message)
                elif message["type"] == "http.response.body":
                    chunks.append(message.get("body", b""))

            await self.app(scope, receive, capture)
            body = b"".join(chunks)
            headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
            if start.get("status") == 200:
                if any(k[0] != gen for k in self.answers) or \
                        len(self.answers) >= CONFIG["serve"]["cached_answers"]:
                    self.answers.clear()
                self.answers[key] = (headers, body)
            await self._send(send, start.get("status", 500), headers, body)
        finally:
            self.pending.pop(key).set()


def create_app(db_path: str | None = None,
               load: Callable[[], dict[str, list[dict[str, Any]]]] | None = None) -> FastAPI:
    """The app over the store at ``db_path``; ``load`` instead supplies the record directly
    (SPEC arrays), for a record held elsewhere."""
    if (db_path is None) == (load is None):
        raise ValueError("give exactly one of db_path and load")
    app = FastAPI(title="sitrep", docs_url=None, redoc_url=None,
                  description="Casualty figures, quotes, incidents and tallies with their sources.")
    page_size = CONFIG["report"]["page_size"]

    # The linked record is computed once per change to the store, not once per request: a
    # request reads the store's change counter and, when it has not moved, the record held.
    held: dict[str, Any] = {"generation": None, "record": None}
    lock = threading.Lock()

    @contextmanager
    def reading() -> Iterator[Store]:
        """The store opened to read; 503 when it is missing or cannot be read."""
        if not store_exists(db_path):
            raise HTTPException(503, f"{display(db_path)}: no such database")
        try:
            with Store(db_path, create=False) as store:
                yield store
        except StoreError as exc:
            raise HTTPException(503, str(exc)) from None

    def record() -> Record:
        if load is not None:
            return Record(load())
        with reading() as store:
            generation = store.generation()
            if generation == held["generation"]:
                return held["record"]
            with lock:
                if generation != held["generation"]:
                    held["record"], held["generation"] = None, None
                    rec = Record(collect(store))
                    # The record is read-only from here on: moved out of the collector's
                    # reach, so a full collection does not walk every row at each request
                    # (on a 5,000-document store that walk was the slowest 1% of answers).
                    gc.collect()
                    gc.freeze()
                    held["record"], held["generation"] = rec, generation
                return held["record"]

    # A JSON answer depends only on the record and the request's path and query, so within one
    # generation of the store it is computed once and served again from here (bounded).
    # Headers such as X-Total-Count travel with the answer; the length is set anew.
    answers: dict[tuple[str, str, str], tuple[list, bytes]] = {}
    pending: dict[tuple[str, str, str], asyncio.Event] = {}

    # The store's generation is looked up at most once per ``serve.generation_ttl`` seconds: a
    # batch being ingested shows within that long, and busy clients do not each open the store.
    seen: dict[str, Any] = {"at": -1e9, "gen": None}

    def generation() -> str | None:
        now = time.monotonic()
        if now - seen["at"] < CONFIG["serve"]["generation_ttl"]:
            return seen["gen"]
        try:
            with Store(db_path, create=False) as store:
                gen = store.generation()
        except StoreError:
            gen = None
        seen["at"], seen["gen"] = now, gen
        return gen

    async def current_generation() -> str | None:
        # Within the TTL the last look answers without leaving the event loop.
        if time.monotonic() - seen["at"] < CONFIG["serve"]["generation_ttl"]:
            return seen["gen"]
        return await run_in_threadpool(generation)

    if load is None:
        app.add_middleware(AnswerCache, generation=current_generation, answers=answers,
                           pending=pending)

    def page(template: str, rec: Record, **context: Any) -> HTMLResponse:
        html = render(template, summary=rec.summary(), link=app_link, **context)
        return HTMLResponse(html, headers={
            "Content-Security-Policy": csp("form-action 'self'; frame-ancestors 'none'"),
            "X-Content-Type-Options": "nosniff"})

    def figure_filters(incident: Optional[str], status: Optional[str], victims: Optional[str],
                       source: Optional[str], outlet: Optional[str], date_from: Optional[date],
                       date_to: Optional[date], q: Optional[str],
                       place: Optional[str] = None) -> dict[str, Any]:
        return {"place": place or None, "incident": incident or None, "status": status or None,
                "victims": victims or None,
                "source": source or None, "outlet": outlet or None,
                "date_from": date_from.isoformat() if date_from else None,
                "date_to": date_to.isoformat() if date_to else None, "q": q or None}

    # --- JSON API -------------------------------------------------------------------------

    # Incidents and tallies come a page at a time (``[serve] api_limit`` unless ``limit`` says
    # otherwise); X-Total-Count says how many there are. A tally carries every source's
    # timeline, so a store's whole list runs to megabytes.
    api_limit = CONFIG["serve"]["api_limit"]

    def answer(rows: Any, total: int | None = None) -> Response:
        """JSON as FastAPI writes it (compact, UTF-8), without its per-field validation pass:
        the rows are the export's, already plain JSON values."""
        headers = {} if total is None else {"X-Total-Count": str(total)}
        return Response(json.dumps(rows, ensure_ascii=False, allow_nan=False,
                                   separators=(",", ":")).encode("utf-8"),
                        media_type="application/json", headers=headers)

    def store_page(read: Callable[[Store], tuple[list[dict[str, Any]], int]]
                   ) -> tuple[list[dict[str, Any]], int] | None:
        """A page of a list and how many it holds, as ``read`` pages the store's kept record in
        SQL (``Store.linked_page`` and the like) rather than the record held in memory; None when
        there is no kept record to page (a record given by ``load``, a store written before
        records were kept), and the held record answers."""
        if load is not None:
            return None
        with reading() as store:
            return read(store) if store.record_kept() else None

    @app.get("/api/incidents", summary="Incidents linked across documents")
    def api_incidents(limit: int = Query(api_limit, ge=1),
                      offset: int = Query(0, ge=0)) -> list[dict[str, Any]]:
        kept = store_page(lambda store: store.kept_incident_page(offset, limit))
        if kept is not None:
            return answer(*kept)
        found = record().incidents
        return answer(found[offset:offset + limit], len(found))

    @app.get("/api/tallies", summary="Reconciled tallies per incident, status and victims")
    def api_tallies(incident: Optional[str] = None,
                    status: Optional[Status] = None, victims: Optional[Victims] = None,
                    limit: int = Query(api_limit, ge=1), offset: int = Query(0, ge=0)
                    ) -> list[dict[str, Any]]:
        kept = store_page(lambda store: store.kept_tally_page(
            incident or None, offset, limit,
            (lambda t: tally_matches(t, status=status, victims=victims))
            if status or victims else None))
        if kept is not None:
            return answer(*kept)
        found = filter_tallies(record(), incident=incident, status=status, victims=victims)
        return answer(found[offset:offset + limit], len(found))

    @app.get("/api/figures", summary="Casualty figures, filtered")
    def api_figures(incident: Optional[str] = None,
                    status: Optional[Status] = None, victims: Optional[Victims] = None,
                    source: Optional[str] = Query(None, description="substring of the source, or its id"),
                    outlet: Optional[str] = Query(None, description="substring of the outlet"),
                    date_from: Optional[date] = Query(None, alias="from", description="reported on or after"),
                    date_to: Optional[date] = Query(None, alias="to", description="reported on or before"),
                    q: Optional[str] = Query(None, description="words in the phrase or sentence"),
                    place: Optional[str] = Query(None, description="a place id"),
                    limit: Optional[int] = Query(None, ge=1), offset: int = Query(0, ge=0)
                    ) -> list[dict[str, Any]]:
        f = figure_filters(incident, status, victims, source, outlet, date_from, date_to, q, place)
        equal = {k: f.pop(k) for k in ("incident", "status", "victims") if f[k]}
        rest = {k: v for k, v in f.items() if v}
        kept = store_page(lambda store: store.linked_page(
            "figures", equal, offset, limit,
            (lambda row, outlet_of_doc: figure_matches(row, outlet_of_doc, **rest))
            if rest else None))
        if kept is not None:
            return answer(*kept)
        found = filter_figures(record(), **equal, **rest)
        return answer(found[offset:offset + limit if limit else None], len(found))

    @app.get("/api/quotes", summary="Quotes with speakers, filtered")
    def api_quotes(speaker: Optional[str] = Query(None, description="substring of the speaker, or its id"),
                   q: Optional[str] = Query(None, description="words in the quote"),
                   limit: Optional[int] = Query(None, ge=1), offset: int = Query(0, ge=0)
                   ) -> list[dict[str, Any]]:
        kept = store_page(lambda store: store.linked_page(
            "quotes", {}, offset, limit,
            (lambda row, _: quote_matches(row, speaker=speaker, q=q)) if speaker or q else None))
        if kept is not None:
            return answer(*kept)
        found = filter_quotes(record(), speaker=speaker, q=q)
        return answer(found[offset:offset + limit if limit else None], len(found))

    @app.get("/api/documents/{doc_id}", summary="A document's cleaned text and its spans")
    def api_document(doc_id: str) -> dict[str, Any]:
        rec = record()
        doc = rec.documents.get(doc_id)
        if doc is None:
            raise HTTPException(404, f"no document {doc_id}")
        return {**doc, "spans": document_spans(rec, doc_id)}

    # --- HTML pages -----------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index() -> HTMLResponse:
        rec = record()
        return page("app_index.html", rec, page_title="incidents", active="index",
                    incidents=incident_views(rec), place_map=overview_map(rec),
                    country_maps=country_maps(rec),
                    place_link=lambda p: "/figures?place=" + quote(p.place_id, safe=""))

    @app.get("/figures", response_class=HTMLResponse, include_in_schema=False)
    def figures_page(incident: Optional[str] = None, status: Optional[str] = None,
                     victims: Optional[str] = None, source: Optional[str] = None,
                     outlet: Optional[str] = None,
                     date_from: Optional[str] = Query(None, alias="from"),
                     date_to: Optional[str] = Query(None, alias="to"),
                     q: Optional[str] = None, place: Optional[str] = None) -> HTMLResponse:
        rec = record()
        # The form sends empty date fields; an empty field is no filter.
        f = figure_filters(incident, status, victims, source, outlet, form_date(date_from, "from"),
                           form_date(date_to, "to"), q, place)
        found = filter_figures(rec, **f)
        return page("app_figures.html", rec, page_title="claims", active="figures", f=f,
                    choices=choices(rec), total=len(found),
                    place_name=(rec.places.get(place or "") or {}).get("name", place),
                    rows=claim_rows(rec, found)[:page_size])

    @app.get("/quotes", response_class=HTMLResponse, include_in_schema=False)
    def quotes_page(speaker: Optional[str] = None, q: Optional[str] = None) -> HTMLResponse:
        rec = record()
        found = filter_quotes(rec, speaker=speaker or None, q=q or None)
        return page("app_quotes.html", rec, page_title="quotes", active="quotes",
                    f={"speaker": speaker, "q": q}, total=len(found),
                    rows=quote_rows(rec, found)[:page_size])

    @app.get("/documents", response_class=HTMLResponse, include_in_schema=False)
    def documents_page() -> HTMLResponse:
        rec = record()
        docs = sorted((doc_view(rec, d) for d in rec.documents),
                      key=lambda v: (v.doc.get("published") or "9999", v.doc.get("outlet") or ""))
        return page("app_documents.html", rec, page_title="documents", active="documents", docs=docs)

    @app.get("/documents/{doc_id}", response_class=HTMLResponse, include_in_schema=False)
    def document_page(doc_id: str, key: Optional[str] = None) -> HTMLResponse:
        rec = record()
        dv = doc_view(rec, doc_id, highlight=key)
        if dv is None:
            raise HTTPException(404, f"no document {doc_id}")
        return page("app_document.html", rec, page_title=dv.doc.get("title") or doc_id,
                    active="documents", dv=dv)

    return app
