"""A source or speaker the text describes ("the rights group", "the monitoring group", "the
militant group") is the one organisation of that kind the document names before it: "Human
Rights Watch documented the killings. The international rights group said 40 civilians died" is
Human Rights Watch's claim. The kinds, their descriptions and the words (or entity types) of the
names they stand for are ``data/source_descriptions.yaml``, which linking reads across an
incident's documents as well (``sitrep.link.sources``)."""

from __future__ import annotations

import re
from functools import lru_cache

from ..config import load_data
from ..link.sources import _plain, description_kinds
from ..work import Work

# Entity types an organisation the press describes can have.
_ORG_TYPES = ("organization", "armed_group", "government")


@lru_cache(maxsize=1)
def description_qualifiers() -> list[str]:
    """Generic words that may stand before a description (source_descriptions.yaml's
    ``qualifiers`` entry is no kind)."""
    data = load_data("source_descriptions.yaml", "SITREP_SOURCE_DESCRIPTIONS", merge="append")
    return [_plain(w) for w in (data.get("qualifiers") or {}).get("words") or []]


@lru_cache(maxsize=64)
def _INDEFINITE(desc: str) -> re.Pattern[str]:
    """"a little-known militant group", "an international rights group": an unnamed one."""
    words = r"\s+".join(re.escape(w) for w in desc.split())
    return re.compile(rf"\b(?:a|an)\s+(?:[\w’'-]+\s+){{0,3}}?{words}\b", re.I)


def _kind_of(plain: str) -> tuple[dict, str] | None:
    """The kind a description is of and the description itself ("international rights group" ->
    rights group), or None. Only generic words may stand before the description
    (``description_qualifiers``: "international", "local"); "disaster management agency" or
    "media watchdog" is another body than the aid agency or monitor the text named."""
    generic = set(description_qualifiers())
    for kind in description_kinds().values():
        if not kind["within_document"]:
            continue
        desc = plain if plain in kind["descriptions"] else next(
            (d for d in sorted(kind["descriptions"], key=len, reverse=True)
             if plain.endswith(" " + d)), None)
        if desc is None or not set(plain[:len(plain) - len(desc)].split()) <= generic:
            continue
        return kind, desc
    return None


def same_kind(a: str, b: str) -> bool:
    """Two descriptions not of two different kinds ("rights group" and "international rights
    group" may be one group; "militant group" and "rights group" are not)."""
    ka, kb = _kind_of(_plain(a)), _kind_of(_plain(b))
    return ka is None or kb is None or ka[0] is kb[0]


def named_before(description: str | None, at: int, work: Work) -> tuple[str, str] | None:
    """(name, entity id) of the one organisation of the description's kind that the document
    names before ``at``, whose name holds every capitalised word before the description ("Gaza
    health authorities" needs Gaza); None when there is none or more than one."""
    if not description or not work.mentions or not work.entities:
        return None
    plain = _plain(description)
    found = _kind_of(plain)
    if found is None:
        return None
    kind, desc = found
    if _INDEFINITE(desc).search(work.text, 0, at):
        return None  # "A local rights group said … The rights group added": that unnamed group
    hits: dict[str, str] = {}
    for m in work.mentions:
        if m.span.start >= at or not m.ref_id:
            continue
        ent = work.entities.get(m.ref_id)
        if ent is None or ent.type not in _ORG_TYPES:
            continue
        name = _plain(ent.name)
        if name in kind["descriptions"] or name == plain:
            continue
        if not (any(w in name for w in kind["name_words"]) or ent.type in kind["entity_types"]):
            continue
        hits[ent.id] = ent.name
    if len(hits) != 1:
        return None
    eid, name = hits.popitem()
    return name, eid
