"""Typed records passed between pipeline stages.

Every record has ``as_dict()`` producing the export-contract shape (SPEC.md, "Data model").
Provenance travels with the value: spans into the cleaned text, a raw span, a confidence and the
stage that produced it.
"""

from __future__ import annotations

import hashlib

import copy
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

_ATOMS = (str, int, float, bool, type(None))


def asdict(obj: Any) -> Any:
    """``dataclasses.asdict`` for these records, the same dict: fields in order, records, lists,
    tuples and dicts converted recursively, other values deep-copied; strings, numbers, booleans
    and None (nearly every value) are kept as they are instead of passing through deepcopy, which
    returns them unchanged anyway. Storing a document converts a few hundred records."""
    if isinstance(obj, _ATOMS):
        return obj
    if is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: asdict(getattr(obj, f.name)) for f in fields(obj)}
    if isinstance(obj, list):
        return [asdict(v) for v in obj]
    if isinstance(obj, tuple) and not hasattr(obj, "_fields"):
        return type(obj)(asdict(v) for v in obj)
    if isinstance(obj, dict):
        return type(obj)((asdict(k), asdict(v)) for k, v in obj.items())
    return copy.deepcopy(obj)


@dataclass(frozen=True)
class Span:
    """Half-open character range ``[start, end)`` with the text it covers."""

    start: int
    end: int
    text: str

    def as_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True)
class RawSpan:
    start: int
    end: int

    def as_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end}


@dataclass
class Provenance:
    stage: str
    confidence: float = 1.0
    rule: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class RawDocument:
    """What ingest read: the decoded text layer plus the metadata a scraper recorded."""

    source_path: str
    raw: str
    raw_sha256: str
    fmt: str
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    published: str | None = None
    language: str | None = None
    # For HTML, ``raw`` is the extracted article text and ``layer_offsets`` maps each of its
    # characters to the page source, so raw spans point into the HTML as read ("html"), or
    # approximately where some extracted line could not be located ("html-approx").
    raw_kind: str = "text"
    layer_offsets: Any = field(default=None, repr=False)
    layer_len: int | None = None
    # Metadata fields dropped at the boundary (sitrep/meta.py), each one line for the user.
    problems: list["Problem"] = field(default_factory=list, repr=False)
    # Set when this document is a new version of a stored one (same identity, changed metadata
    # or bytes): it keeps that document's id, and ``changes`` says what changed.
    keep_id: str | None = None
    changes: list[dict[str, Any]] = field(default_factory=list, repr=False)

    @property
    def doc_id(self) -> str:
        return self.keep_id or "d_" + self.raw_sha256[:16]

    @property
    def identity(self) -> str:
        """What makes a document the same document in every format: its URL and its text.
        Metadata (outlet, title, date) can change without making it another document."""
        return hashlib.sha256(f"{self.url or ''}\n{self.raw}".encode("utf-8")).hexdigest()


@dataclass
class Repair:
    """One change the cleaner made, kept so a reviewer can audit it."""

    kind: str
    raw_start: int
    raw_end: int
    before: str
    after: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Post:
    """An embedded social-media post, kept apart from the article prose."""

    id: str
    doc_id: str
    author: str | None
    handle: str | None
    posted_on: str | None
    text: str
    url: str | None
    raw_span: RawSpan

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["raw_span"] = self.raw_span.as_dict()
        return d


@dataclass
class DateMention:
    span: Span
    raw_span: RawSpan
    date: str | None  # ISO date, or None when it could not be resolved
    method: str  # explicit | weekday | relative | duration | unresolved

    def as_dict(self) -> dict[str, Any]:
        return {"span": self.span.as_dict(), "raw_span": self.raw_span.as_dict(), "date": self.date,
                "method": self.method}


@dataclass
class Mention:
    """A surface mention of an entity or place in the cleaned text."""

    text: str
    label: str
    span: Span
    raw_span: RawSpan
    ref_id: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "label": self.label, "span": self.span.as_dict(),
                "raw_span": self.raw_span.as_dict(), "ref_id": self.ref_id}


@dataclass
class Entity:
    id: str
    name: str
    type: str  # person | organization | armed_group | government | group | media
    aliases: list[str] = field(default_factory=list)
    from_dictionary: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "type": self.type,
                "aliases": sorted(set(self.aliases)), "from_dictionary": self.from_dictionary}


@dataclass
class Place:
    id: str
    name: str
    geonameid: int | None
    lat: float | None
    lon: float | None
    admin1: str | None
    country_code: str | None
    precision: str  # point | town | district | province | country
    aliases: list[str] = field(default_factory=list)
    gazetteer: str = "geonames"

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["aliases"] = sorted(set(self.aliases))
        return d


@dataclass
class Figure:
    id: str
    doc_id: str
    count: int | None
    min: int | None
    max: int | None
    qualifier: str
    status: str
    victims: str
    group: str | None
    perpetrator: str | None
    source: str | None
    source_id: str | None
    hedged: bool
    place_ids: list[str]
    period_start: str | None
    period_end: str | None
    reported_on: str | None
    span: Span
    raw_span: RawSpan
    sentence: Span
    provenance: Provenance
    source_inherited: bool = False
    # What the figure is for its incident (whole | part_place | part_time | increment | breakdown |
    # background), the cue that says so, and the total a breakdown belongs to.
    scope: str | None = None
    scope_reason: str | None = None
    parent_figure_id: str | None = None
    # The person who spoke for ``source`` (its spokesperson, director, governor), or None.
    source_person: str | None = None

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["span"] = self.span.as_dict()
        d["raw_span"] = self.raw_span.as_dict()
        d["sentence"] = self.sentence.as_dict()
        d["provenance"] = self.provenance.as_dict()
        return d


@dataclass
class Quote:
    id: str
    doc_id: str
    speaker: str | None
    speaker_id: str | None
    text: str
    kind: str  # direct | indirect
    venue: str | None
    said_on: str | None
    span: Span
    raw_span: RawSpan
    statement_id: str
    provenance: Provenance
    speaker_rule: str | None = None

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["span"] = self.span.as_dict()
        d["raw_span"] = self.raw_span.as_dict()
        d["provenance"] = self.provenance.as_dict()
        return d


@dataclass
class Document:
    """The export-contract view of a processed document."""

    id: str
    url: str | None
    outlet: str | None
    title: str | None
    published: str | None
    published_inferred: bool
    language: str | None
    text: str
    raw_sha256: str
    source_path: str
    fmt: str
    raw_kind: str
    # Metadata changes seen when the same document was ingested again: [{field, old, new, on}].
    metadata_changes: list[dict[str, Any]] = field(default_factory=list)
    identity: str | None = None  # RawDocument.identity: URL and text

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Problem:
    """An item that could not be processed; recorded, never fatal for the batch."""

    path: str
    message: str

    def line(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass
class Result:
    """Everything extracted from one document."""

    document: Document
    figures: list[Figure] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    repairs: list[Repair] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "documents": [self.document.as_dict()],
            "figures": [f.as_dict() for f in self.figures],
            "quotes": [q.as_dict() for q in self.quotes],
            "entities": [e.as_dict() for e in self.entities],
            "places": [p.as_dict() for p in self.places],
            "posts": [p.as_dict() for p in self.posts],
        }
