"""Run the registered stages over documents; batch the spaCy stage with ``nlp.pipe``."""

from __future__ import annotations

from typing import Iterable, Iterator

from . import clean as _clean  # noqa: F401  (registers the stage)
from . import nlp as _nlp
from .config import CONFIG
from .extract import dates as _dates, entities as _entities, figures as _figures  # noqa: F401
from .extract import places as _places, quotes as _quotes  # noqa: F401
from .extract import scope as _scope  # noqa: F401
from .records import Document, Problem, RawDocument, Result
from .registry import run_stages
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


def process_documents(raws: Iterable[RawDocument], batch_size: int = 32,
                      workers: int = 1) -> Iterator[Result | Problem]:
    """Process documents in order, yielding one ``Result`` each (or a ``Problem`` if one fails:
    a bad document never stops the batch)."""
    before, after = _stage_names()
    nlp = _nlp.load_nlp()
    batch: list[Work] = []

    def flush() -> Iterator[Result]:
        # With workers > 1 spaCy parses in that many processes; our stages stay in this one.
        docs = nlp.pipe([_nlp.nlp_text(w) for w in batch], batch_size=batch_size,
                        n_process=workers if len(batch) > 1 else 1)
        for work, doc in zip(batch, docs):
            work.spacy_doc = doc
            work.done.append("nlp@1")
            try:
                run_stages(work, after)
                result: Result | Problem = to_result(work)
            except Exception as exc:  # noqa: BLE001 - reported per document, batch goes on
                result = _failed(work, exc)
            work.spacy_doc = None  # free the parse: results carry everything needed
            yield result
        batch.clear()

    for raw in raws:
        work = Work(raw=raw)
        try:
            run_stages(work, before)
        except Exception as exc:  # noqa: BLE001
            yield _failed(work, exc)
            continue
        batch.append(work)
        # Worker processes are started per flush: hand them enough documents to be worth it.
        if len(batch) >= (batch_size if workers == 1 else batch_size * workers * 8):
            yield from flush()
    if batch:
        yield from flush()
