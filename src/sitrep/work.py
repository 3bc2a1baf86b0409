"""The per-document working record that stages fill in, each setting only what it declares."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .records import (DateMention, Entity, Figure, Mention, Place, Post, Quote, RawDocument, Repair)
from .textmap import MappedText


@dataclass
class Work:
    raw: RawDocument
    published: str | None = None
    published_inferred: bool = False
    clean: MappedText | None = None
    posts: list[Post] | None = None
    repairs: list[Repair] | None = None
    spacy_doc: Any = None
    dates: list[DateMention] | None = None
    mentions: list[Mention] | None = None
    entities: dict[str, Entity] | None = None
    resolver: Any = None  # per-document entity resolver, reused by figures and quotes
    last_source: tuple[str | None, str | None] | None = None  # for "the monitor said"
    place_mentions: list[Mention] | None = None
    places: dict[str, Place] | None = None
    figures: list[Figure] | None = None
    quotes: list[Quote] | None = None
    unresolved: list[str] = field(default_factory=list)
    done: list[str] = field(default_factory=list)

    @property
    def doc_id(self) -> str:
        return self.raw.doc_id

    @property
    def text(self) -> str:
        assert self.clean is not None, "clean stage has not run"
        return self.clean.text

    def has(self, name: str) -> bool:
        if name == "raw":
            return True
        if name == "nlp":
            return self.spacy_doc is not None
        return getattr(self, name, None) is not None
