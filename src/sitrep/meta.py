"""Document metadata validated at the boundary: one schema for JSONL lines, manifest entries,
feed items, command-line options and rows read back from a store.

A field of the wrong type, an unreadable or implausible date, or text a database cannot hold never
reaches the record as it is: the field is dropped (or the text repaired) and one ``Problem`` says
which, naming the item. The rest of the item goes on.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from .config import CONFIG
from .records import Problem

META_KEYS = ("url", "outlet", "title", "published", "language")
_SURROGATE = re.compile("[\ud800-\udfff]")
# Written dates only: "now", "today" or a bare number are not a publication date a reader can check.
_HAS_YEAR = re.compile(r"\b(1[89]|2\d)\d\d\b")


def clean_text(text: str) -> str:
    """Text both stores can hold: a lone surrogate (from a JSON escape) becomes U+FFFD and NUL
    characters go (PostgreSQL refuses them, SQLite would keep them)."""
    if "\x00" in text:
        text = text.replace("\x00", "")
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


@lru_cache(maxsize=1)
def _identifier():
    """py3langid's language identifier; its model ships inside the package (no download)."""
    import py3langid.langid as langid

    return langid.LanguageIdentifier.from_modelpath(langid.MODEL_DIR / langid.MODEL_FILE,
                                                     norm_probs=True)


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of the text's language when the detector is sure, else None (a short
    or mixed text stays unknown rather than being guessed)."""
    sample = text[:CONFIG["ingest"]["language_sample_chars"]]
    if sum(c.isalpha() for c in sample) < CONFIG["ingest"]["language_min_letters"]:
        return None
    code, prob = _identifier().classify(sample)
    return code if prob >= CONFIG["ingest"]["language_min_confidence"] else None


def _kind(value: Any) -> str:
    return {dict: "object", list: "list", bool: "boolean", int: "number", float: "number"}.get(
        type(value), type(value).__name__)


def parse_published(value: Any) -> date:
    """A publication date as written: ISO (``2025-03-07``, a timestamp after it) or a written date
    with a year ("7 March 2025"). Raises ValueError with the reason otherwise."""
    if isinstance(value, date):
        day = value
    else:
        text = str(value).strip()
        m = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:$|[T ])", text)
        if m:
            try:
                day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                raise ValueError(f"impossible date {text[:40]!r}") from None
        elif _HAS_YEAR.search(text) and re.search(r"[A-Za-z]", text):
            import dateparser

            parsed = dateparser.parse(text, settings={"REQUIRE_PARTS": ["day", "month", "year"]})
            if parsed is None:
                raise ValueError(f"unreadable date {text[:40]!r}")
            day = parsed.date()
        else:
            raise ValueError(f"unreadable date {text[:40]!r}")
    limits = CONFIG["ingest"]
    if day.year < limits["earliest_year"]:
        raise ValueError(f"implausible date {day.isoformat()} (before {limits['earliest_year']})")
    if day > date.today() + timedelta(days=1):
        raise ValueError(f"implausible date {day.isoformat()} (in the future)")
    return day


class Metadata(BaseModel):
    """What a scraper may record about a document. Strict: a number is not a URL, an object is
    not a title; a date must be written as one."""

    model_config = ConfigDict(strict=True, extra="ignore")

    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    published: str | date | None = None
    language: str | None = None

    @field_validator("url", "outlet", "title", "language")
    @classmethod
    def _text(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = clean_text(value).strip()
        if len(value) > CONFIG["ingest"]["max_meta_chars"]:
            raise ValueError(f"longer than {CONFIG['ingest']['max_meta_chars']} characters")
        return value or None

    @field_validator("published")
    @classmethod
    def _published(cls, value: str | date | None) -> str | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        return parse_published(value).isoformat()


def validate(meta: dict[str, Any], where: str) -> tuple[dict[str, Any], list[Problem]]:
    """The metadata with every bad field dropped, and one ``Problem`` per dropped field."""
    given = {k: meta[k] for k in META_KEYS if k in meta}
    problems: list[Problem] = []
    while True:
        try:
            clean = Metadata.model_validate(given).model_dump()
            return {k: v for k, v in clean.items() if v is not None}, problems
        except ValidationError as exc:
            bad = {str(e["loc"][0]) for e in exc.errors() if e["loc"]}
            for e in exc.errors():
                name = str(e["loc"][0]) if e["loc"] else "?"
                if name not in given:
                    continue
                value = given.pop(name)
                reason = (str(e.get("ctx", {}).get("error")) if e["type"] == "value_error"
                          else f"expected text, got {_kind(value)}")
                problems.append(Problem(where, f"field {name!r} dropped: {reason}"))
            if not bad:  # pragma: no cover - pydantic always names the field
                return {}, problems
