"""Run the registered stages over documents; batch the spaCy stage with ``nlp.pipe``; with more
than one worker, run the whole pipeline in a pool of worker processes."""

from __future__ import annotations

import json
import multiprocessing
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable, Iterable, Iterator

from . import clean as _clean  # noqa: F401  (registers the stage)
from . import nlp as _nlp
from .config import CONFIG
from .extract import dates as _dates, entities as _entities, figures as _figures  # noqa: F401
from .extract import places as _places, quotes as _quotes  # noqa: F401
from .extract import scope as _scope  # noqa: F401
from .extract import source_rank as _source_rank  # noqa: F401
from .records import Document, Problem, RawDocument, Result
from .registry import run_stages
from .link.parts import doc_parts
from .store import Rows, rows_of
from .work import Work


def _stage_names() -> tuple[list[str], list[str]]:
    names = list(CONFIG["pipeline"]["stages"])
    if "nlp" not in names:
        return names, []
    i = names.index("nlp")
    return names[:i], names[i + 1:]


def to_result(work: Work) -> Result:
    raw = work.raw
    document = Document(
        id=work.doc_id, url=raw.url, outlet=raw.outlet, title=raw.title,
        published=work.published if work.published else raw.published,
        published_inferred=work.published_inferred, language=raw.language,
        text=work.text, raw_sha256=raw.raw_sha256, source_path=raw.source_path, fmt=raw.fmt,
        raw_kind=raw.raw_kind, metadata_changes=list(raw.changes),
        identity=raw.identity)
    return Result(
        document=document, figures=work.figures or [], quotes=work.quotes or [],
        entities=sorted((work.entities or {}).values(), key=lambda e: e.id),
        places=sorted((work.places or {}).values(), key=lambda p: p.id),
        posts=work.posts or [], dates=work.dates or [], repairs=work.repairs or [],
        unresolved=work.unresolved)


def _failed(work: Work, exc: Exception) -> Problem:
    return Problem(work.raw.source_path, f"processing failed ({type(exc).__name__}: {exc})")


def _batch_size(batch_size: int | None) -> int:
    return batch_size or int(CONFIG["pipeline"].get("batch_size", 16))


def process_documents(raws: Iterable[RawDocument], batch_size: int | None = None,
                      workers: int = 1) -> Iterator[Result | Problem]:
    """Process documents in order, yielding one ``Result`` each (or a ``Problem`` if one fails:
    a bad document never stops the batch). With ``workers`` > 1 the whole pipeline runs in that
    many worker processes; this one only hands out documents and yields their results."""
    for batch in process_batches(raws, batch_size, workers, _same):
        yield from batch


def process_batches(raws: Iterable[RawDocument], batch_size: int | None = None, workers: int = 1,
                    convert: Callable[[Result], Any] | None = None) -> Iterator[list[Any]]:
    """``process_documents`` a batch at a time, each ``Result`` passed through ``convert`` where
    it was made (by default ``ready_rows``: the store's ready-to-insert ``Rows`` and what linking
    needs from the document alone, built in the worker process, so the process that stores only
    inserts and links). Input is read only between batches."""
    convert = convert or ready_rows
    batch_size = _batch_size(batch_size)
    if workers <= 1:
        yield from _serial(raws, batch_size, convert)
    else:
        yield from _Parallel(workers, batch_size, convert).run(raws)


def _same(result: Result) -> Result:
    return result


def ready_rows(result: Result) -> Rows:
    """``rows_of`` with ``Rows.parts``: what linking needs from this document alone (its rare
    words, text dates, sites, title key, figure wording), read from the rows as the store will
    give them back, so linking after the ingest finds exactly what it would compute itself. If
    they cannot be read the rows go without; linking computes them then."""
    rows = rows_of(result)
    try:
        rows.parts = doc_parts(json.loads(rows.document[5]),
                               [json.loads(r[-1]) for r in rows.tables["figures"]])
    except Exception:  # noqa: BLE001 - linking reads the document itself then
        rows.parts = None
    return rows


def _serial(raws: Iterable[RawDocument], batch_size: int,
            convert: Callable[[Result], Any]) -> Iterator[list[Any]]:
    """The whole pipeline in this process: the stages before spaCy per document, spaCy a batch at
    a time with ``nlp.pipe``, the stages after it per document."""
    before, after = _stage_names()
    nlp = _nlp.load_nlp()
    batch: list[Work] = []

    def flush() -> list[Any]:
        docs = nlp.pipe([_nlp.nlp_text(w) for w in batch], batch_size=batch_size)
        out = [_finish(work, doc, after, convert) for work, doc in zip(batch, docs)]
        batch.clear()
        return out

    for raw in raws:
        work = Work(raw=raw)
        try:
            run_stages(work, before)
        except Exception as exc:  # noqa: BLE001
            yield [_failed(work, exc)]
            continue
        batch.append(work)
        if len(batch) >= batch_size:
            yield flush()
    if batch:
        yield flush()


def _finish(work: Work, doc: Any, after: list[str], convert: Callable[[Result], Any]) -> Any:
    """The stages after spaCy on one parsed document: its converted result, or a Problem."""
    work.spacy_doc = doc
    work.done.append("nlp@1")
    try:
        run_stages(work, after)
        return convert(to_result(work))
    except Exception as exc:  # noqa: BLE001 - reported per document, batch goes on
        return _failed(work, exc)
    finally:
        work.spacy_doc = None  # free the parse: results carry everything needed


def _worker_start() -> None:
    """Runs once in each worker process: the model is loaded there once, for the whole run."""
    _nlp.load_nlp()


def _worker_chunk(raws: list[RawDocument], batch_size: int,
                  convert: Callable[[Result], Any]) -> list[Any]:
    return [item for batch in _serial(raws, batch_size, convert) for item in batch]


def chunks(raws: Iterable[RawDocument], size: int) -> Iterator[list[RawDocument]]:
    """``raws`` in lists of ``size`` (the last one shorter), read as they come."""
    chunk: list[RawDocument] = []
    for raw in raws:
        chunk.append(raw)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _Parallel:
    """The whole pipeline (clean, spaCy, every later stage) in ``workers`` processes that live for
    the run, each loading the model once. This process hands out chunks of ``batch_size``
    documents and yields their results in input order. At most ``2 × workers`` chunks are out at
    once, so memory does not grow with the input."""

    def __init__(self, workers: int, batch_size: int, convert: Callable[[Result], Any]):
        self.workers, self.batch_size, self.convert = workers, batch_size, convert
        self.pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        # fork where there is one: workers start at once and inherit the configuration and the
        # registered stages (a user's plugin stage too); elsewhere they import sitrep afresh.
        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        return ProcessPoolExecutor(self.workers, mp_context=ctx, initializer=_worker_start)

    def _submit(self, chunk: list[RawDocument]) -> Future:
        try:
            return self.pool.submit(_worker_chunk, chunk, self.batch_size, self.convert)
        except BrokenProcessPool as exc:
            # A worker died after the last result was read and before this chunk went out: the
            # chunk waits its turn like one that was out, and is run again from there.
            failed: Future = Future()
            failed.set_exception(exc)
            return failed

    def run(self, raws: Iterable[RawDocument]) -> Iterator[list[Any]]:
        """Each chunk's results, a list per chunk, in input order."""
        pending: deque[tuple[list[RawDocument], Future]] = deque()
        try:
            for chunk in chunks(raws, self.batch_size):
                pending.append((chunk, self._submit(chunk)))
                while len(pending) >= 2 * self.workers:
                    yield self._oldest(pending)
            while pending:
                yield self._oldest(pending)
        finally:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def _oldest(self, pending: deque) -> list[Any]:
        chunk, future = pending.popleft()
        try:
            results = future.result()
        except BrokenProcessPool:
            # A worker died (killed, out of memory, a crash in native code): every chunk out is
            # lost. Run this chunk again a document at a time, so only a document that kills its
            # worker again becomes a Problem line, then hand the other chunks to a fresh pool.
            results = list(self._one_by_one(chunk))
            rest = [c for c, _ in pending]
            pending.clear()
            pending.extend((c, self._submit(c)) for c in rest)
        return results

    def _one_by_one(self, chunk: list[RawDocument]) -> Iterator[Any]:
        self._renew()
        for raw in chunk:
            try:
                yield from self._submit([raw]).result()
            except BrokenProcessPool:
                yield Problem(raw.source_path, "processing failed (its worker process died)")
                self._renew()

    def _renew(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.pool = self._new_pool()
