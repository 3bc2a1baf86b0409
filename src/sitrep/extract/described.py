"""A source or speaker the text describes ("the rights group", "the monitoring group", "the
militant group") is the one organisation of that kind the document names before it: "Human
Rights Watch documented the killings. The international rights group said 40 civilians died" is
Human Rights Watch's claim. The kinds, their descriptions and the words (or entity types) of the
names they stand for are ``data/source_descriptions.yaml``, which linking reads across an
incident's documents as well (``sitrep.link.sources``)."""

from __future__ import annotations

from ..link.sources import _name_words, _plain, description_kinds
from ..work import Work

# Entity types an organisation the press describes can have.
_ORG_TYPES = ("organization", "armed_group", "government")


def _kind_of(plain: str) -> tuple[dict, str] | None:
    """The kind a description is of and the description itself ("international rights group" ->
    rights group), or None; a description that ends in a name word of its kind after other words
    ("Gaza health ministry") is a name, not a description."""
    for kind in description_kinds().values():
        if not kind["within_document"]:
            continue
        desc = plain if plain in kind["descriptions"] else next(
            (d for d in sorted(kind["descriptions"], key=len, reverse=True)
             if plain.endswith(" " + d)), None)
        if desc is None or (desc != plain and desc in kind["name_words"]):
            continue
        return kind, desc
    return None


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
    words = description.split()
    qualifier = {_plain(w) for w in words[:max(0, len(words) - len(desc.split()))]
                 if w[:1].isupper() and _plain(w) not in ("the", "")}
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
        if qualifier <= _name_words(ent.name):
            hits[ent.id] = ent.name
    if len(hits) != 1:
        return None
    eid, name = hits.popitem()
    return name, eid
