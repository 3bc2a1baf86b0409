"""Sources: who a claim belongs to, and the names of one source merged within an incident."""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz

from ..config import load_data
from .claims import FigureLink
from .common import _STOP, _WORD, Row, _cfg

# "the UK-based monitor", "the Britain-based war monitor": where it is based says nothing of who.
_BASED = re.compile(r"\b[\w.-]+[- ]based\b", re.I)


@lru_cache(maxsize=1)
def description_kinds() -> dict[str, dict[str, list[str]]]:
    """``data/source_descriptions.yaml`` plus ``$SITREP_SOURCE_DESCRIPTIONS``, merged by kind."""
    data = load_data("source_descriptions.yaml", "SITREP_SOURCE_DESCRIPTIONS", merge="append")
    return {k: {"descriptions": [_plain(d) for d in v.get("descriptions") or []],
                "name_words": [_plain(w) for w in v.get("name_words") or []],
                "entity_types": list(v.get("entity_types") or []),
                "within_document": bool(v.get("within_document"))}
            for k, v in data.items() if isinstance(v, dict) and k != "qualifiers"}


def _plain(text: str) -> str:
    words = _WORD.findall(_BASED.sub(" ", text.casefold().replace("’", "'")))
    return " ".join(w for w in words if w not in ("the", "a", "an", "s"))

def source_key(f: Row, outlet: str | None) -> str:
    """Who a claim belongs to: the resolved entity, else the described source, else the outlet
    speaking in its own voice."""
    if f.get("source_id"):
        return f["source_id"]
    if f.get("source"):
        return "src:" + " ".join(_WORD.findall(f["source"].casefold()))
    return "outlet:" + " ".join(_WORD.findall((outlet or "unknown").casefold()))


@lru_cache(maxsize=1)
def demonyms() -> dict[str, tuple[str, ...]]:
    """``data/demonyms.yaml`` plus ``$SITREP_DEMONYMS``: a demonym -> its country's name words."""
    data = load_data("demonyms.yaml", "SITREP_DEMONYMS", merge="replace")
    return {str(k).casefold(): tuple(str(v).casefold().split()) for k, v in data.items()}


def demonym_of() -> dict[str, str]:
    """A country's name words (lower case, joined) -> its demonym: ``demonyms()`` turned round."""
    return _turned(tuple(demonyms().items()))


@lru_cache(maxsize=2)
def _turned(pairs: tuple[tuple[str, tuple[str, ...]], ...]) -> dict[str, str]:
    return {" ".join(words): d for d, words in pairs}


@lru_cache(maxsize=1)
def _channel_end() -> re.Pattern[str]:
    """``data/source_channels.yaml`` plus ``$SITREP_SOURCE_CHANNELS``: "on Telegram" at the end
    of a source's name."""
    data = load_data("source_channels.yaml", "SITREP_SOURCE_CHANNELS", merge="append")

    def alt(words: list[str]) -> str:
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"\s+(?:{alt(data.get('before') or [])})\s+(?:{alt(data.get('channels') or [])})\s*$",
                      re.I)


def _name_words(name: str) -> frozenset[str]:
    """The words of a source's name, a demonym standing for its country ("Congolese
    government" -> government, congo), without where it posted ("Lomako on Telegram")."""
    name = _channel_end().sub("", name)
    words = (w.removesuffix("'s") for w in _WORD.findall(name.casefold().replace("’", "'")))
    table = demonyms()
    out: set[str] = set()
    for w in words:
        if w not in _STOP and w != "s":
            out.update(table.get(w, (w,)))
    return frozenset(out)


def _merge_sources(figs: list[Row], links: dict[str, FigureLink],
                   entities: dict[str, Row] | None = None) -> None:
    """Within one incident, a source whose name's words all occur in exactly one longer source
    name is that source: "the Observatory" and "Syrian Observatory for Human Rights", "health
    ministry" and "Gaza health ministry", "State Emergency Service" and "State Emergency Service
    of Ukraine". Two longer candidates ("police" in "police officials" and "list released by
    police") leave it alone."""
    names: dict[str, str] = {}
    for f in figs:
        key = links[f["id"]].source_key
        if f.get("source") and key and not key.startswith("outlet:"):
            names.setdefault(key, f["source"])
    words = {k: _name_words(n) for k, n in names.items()}
    target: dict[str, str] = {}
    # The same words in another order are one source, named by the resolved entity if any.
    first: dict[frozenset[str], str] = {}
    for key in sorted(words, key=lambda k: (k.startswith("src:"), k)):
        if words[key]:
            target[key] = first.setdefault(words[key], key)
    target = {k: v for k, v in target.items() if k != v}
    heads = [k for k in words if words[k] and k not in target]
    for key in sorted(heads, key=lambda k: (len(words[k]), k)):
        supers = {target.get(k, k) for k in heads if words[key] < words[k]}
        if len(supers) == 1:
            target[key] = supers.pop()
    _join_descriptions(names, target)
    _join_spokespeople(figs, links, names, target)
    _join_role_holders(figs, links, names, target, entities or {})
    _join_titles(figs, links, names, target)
    _join_spellings(names, target)
    for f in figs:
        link = links[f["id"]]
        if link.source_key in target:
            # Follow the chain to the longest name.
            key, seen = link.source_key, set()
            while key in target and key not in seen:
                seen.add(key)
                key = target[key]
            link.source_key, link.source_name = key, names[key]


def _named(names: dict[str, str], target: dict[str, str]) -> list[str]:
    return [k for k in names if k not in target]


def _join_descriptions(names: dict[str, str], target: dict[str, str]) -> None:
    """"the UK-based monitor", "the war monitor", "the rights group", "Gaza health authorities":
    the one organisation of that kind the incident's reports name (whose name holds the words
    before the description, when there are any)."""
    kinds = description_kinds()
    for key, name in names.items():
        if key in target:
            continue
        plain = _plain(name)
        for kind in kinds.values():
            # The description itself, else the longest description ending it after words of a
            # place ("Gaza health authorities"); when that is a name of the kind ("Gaza health
            # ministry") the source is a name, not a description.
            desc = plain if plain in kind["descriptions"] else next(
                (d for d in sorted(kind["descriptions"], key=len, reverse=True)
                 if plain.endswith(" " + d)), None)
            if desc is None or (desc != plain and desc in kind["name_words"]):
                continue
            # Words before the description ("Gaza health authorities") must be in the name.
            qualifier = set(plain[:len(plain) - len(desc)].split())
            hits = {k for k in _named(names, target) if k != key and _plain(names[k]) not in
                    kind["descriptions"] and any(w in _plain(names[k]) for w in kind["name_words"])
                    and qualifier <= _name_words(names[k])}
            if len(hits) == 1:
                target[key] = hits.pop()
            break


def _join_spokespeople(figs: list[Row], links: dict[str, FigureLink], names: dict[str, str],
                       target: dict[str, str]) -> None:
    """A person who spoke for an organisation in one report (``source_person``) is that
    organisation's voice in the others too."""
    speaks_for: dict[str, set[str]] = {}
    for f in figs:
        key = links[f["id"]].source_key
        if f.get("source_person") and key in names:
            speaks_for.setdefault(_plain(f["source_person"]), set()).add(key)
    for key, name in names.items():
        mine = _plain(name)
        # The person as named in the other report, or the end of that name ("Muhamed Tumba" for
        # a spokesperson read as "Niger Muhamed Tumba").
        orgs = {o for person, found in speaks_for.items()
                if person == mine or (" " in mine and person.endswith(" " + mine))
                or _spelled_alike(person, mine)
                for o in found} - {key}
        if key not in target and len(orgs) == 1:
            target[key] = orgs.pop()


def _spelled_alike(a: str, b: str) -> bool:
    """Two full names of one person in two transliterations of a final -i / -y ("Sergei
    Melikov", "Sergey Melikov"; "Dmitri", "Dmitry"): the same surname, the other first names
    the same. "Juan" and "Juana", "Maria" and "Mario" are two people."""
    wa, wb = a.split(), b.split()
    if len(wa) < 2 or len(wa) != len(wb) or wa[-1] != wb[-1]:
        return False
    return all(x == y or (len(x) == len(y) >= 4 and x[:-1] == y[:-1] and {x[-1], y[-1]} == {"i", "y"})
               for x, y in zip(wa[:-1], wb[:-1]))


@lru_cache(maxsize=1)
def _role_words() -> re.Pattern[str]:
    """The roles people speak for a body in (data/sources_roles.yaml ``roles``), a space or a
    hyphen between their words ("director general", "Director-General")."""
    from ..config import sources_roles

    return re.compile(r"\b(?:%s)\b" % "|".join(
        re.escape(r).replace(r"\ ", r"[\s-]+") for r in sorted(
            sources_roles().get("roles") or [], key=len, reverse=True)), re.I)


def _join_role_holders(figs: list[Row], links: dict[str, FigureLink], names: dict[str, str],
                       target: dict[str, str], entities: dict[str, Row]) -> None:
    """A person a report introduces as an organisation's role-holder ("World Health Organization
    Director-General Ana Reyes", "Ministry spokesman Ana Reyes", "Ana Reyes, the head of the
    Kessa Hospital") is that organisation's voice in every report of the incident: the role
    (data/sources_roles.yaml ``roles``) and exactly one of the incident's organisations, by its
    name or its head word, next to the person's name in a figure's sentence."""
    kinds = {k: (entities.get(k) or {}).get("type") for k in _named(names, target)}
    people = [k for k in _person_keys(names, target) if kinds[k] in (None, "person")]
    orgs = [k for k, t in kinds.items() if t and t not in ("person", "media")]
    if not people or not orgs:
        return
    roles = _role_words()
    heads: dict[str, set[str]] = {}
    for k in orgs:
        words = names[k].split()
        if words:
            heads.setdefault(words[-1].casefold(), set()).add(k)

    def org_in(window: str) -> set[str]:
        full = {k for k in orgs if names[k].casefold() in window.casefold()} | {
            k for k in orgs for a in (entities.get(k) or {}).get("aliases") or ()
            if len(a) > 2 and re.search(rf"\b{re.escape(a)}\b", window)}
        if full:
            return full
        return {k for w in _WORD.findall(window) if w[:1].isupper()
                for k in heads.get(w.casefold(), ())}

    found: dict[str, set[str]] = {}
    for f in figs:
        text = (f.get("sentence") or {}).get("text") or ""
        for p in people:
            for m in re.finditer(re.escape(names[p]), text):
                before = re.split(r"[;:.!?\u201c\u201d\"]", text[max(0, m.start() - 80):m.start()])[-1]
                after = re.split(r"[;:.!?\u201c\u201d\"]", text[m.end():m.end() + 80])[0]
                after = after if after.lstrip().startswith(",") else ""
                for window in (before, after):
                    if roles.search(window):
                        found.setdefault(p, set()).update(org_in(window))
    for p, hits in found.items():
        if p not in target and len(hits) == 1:
            target[p] = hits.pop()


def _person_keys(names: dict[str, str], target: dict[str, str]) -> list[str]:
    """Sources named like people: one to three capitalised words."""
    return [k for k in _named(names, target) if 1 <= len(names[k].split()) <= 3
            and all(w[:1].isupper() for w in names[k].split())]


def _join_titles(figs: list[Row], links: dict[str, FigureLink], names: dict[str, str],
                 target: dict[str, str]) -> None:
    """"the country's president", "the health minister", "the head of the administration, Kiper,":
    the one person of the incident's reports introduced with that title ("President Ana Reyes
    said"; titles from data/speech_titles.yaml) or named right after the description."""
    from ..extract.quotes import name_titles

    titles = {t.casefold() for t in name_titles()}
    people = _person_keys(names, target)
    if not people:
        return
    titled: dict[str, set[str]] = {}  # title word -> people introduced with it
    said: dict[str, list[str]] = {}   # described source -> its sentences
    for f in figs:
        key = links[f["id"]].source_key
        text = (f.get("sentence") or {}).get("text") or ""
        if key in people:
            for m in re.finditer(re.escape(names[key]), text):
                for w in _WORD.findall(text[max(0, m.start() - 40):m.start()])[-3:]:
                    if w.casefold() in titles:
                        titled.setdefault(w.casefold(), set()).add(key)
        elif key in names and key.startswith("src:") and key not in target:
            said.setdefault(key, []).append(text)
    for key, texts in said.items():
        words = _WORD.findall(names[key].casefold())
        # "the head of the RMA, Kiper, said": a person named right after the description.
        after = {p for p in people for t in texts
                 for m in re.finditer(re.escape(names[key]), t, re.I)
                 if re.match(rf"\s*,\s*(?:\w+\s+)?{re.escape(names[p].split()[-1])}\b",
                             t[m.end():])}
        found = after or (titled.get(words[-1], set()) if words else set())
        if len(found) == 1:
            target[key] = found.pop()


def _join_spellings(names: dict[str, str], target: dict[str, str]) -> None:
    """One person in two transliterations or with and without a first name ("Kirilenko",
    "Pavlo Kyrylenko", "Firas Abiad" and "Firass Abiad"): the same surname by spelling, and no
    clash of first names (two first names of four letters or more alike by spelling agree)."""
    people = _person_keys(names, target)
    for a in people:
        for b in people:
            if a == b or a in target or b in target:
                continue
            wa, wb = names[a].split(), names[b].split()
            if len(wa) > len(wb) or (len(wa) == len(wb) and a > b):
                continue
            if 1 < len(wa) < len(wb) and [w.casefold() for w in wa[:-1]] == \
                    [w.casefold() for w in wb[len(wb) - len(wa):-1]] and \
                    fuzz.ratio(wa[-1].casefold(), wb[-1].casefold()) >= _cfg()["source_spelling_ratio"]:
                target[a] = b  # the end of the longer name, its surname alike ("Haji Adan")
                continue
            if len(wa) > 1 and wa[0] != wb[0] and (
                    min(len(wa[0]), len(wb[0])) < 4
                    or fuzz.ratio(wa[0].casefold(), wb[0].casefold()) < _cfg()["source_spelling_ratio"]):
                continue  # different first names ("Firas" and "Firass" are one)
            if wa[-1].casefold() == wb[-1].casefold() and len(wa) > 1:
                target[a] = b  # one surname, first names alike
                continue
            if min(len(wa[-1]), len(wb[-1])) < _cfg()["source_spelling_min_chars"]:
                continue  # short names (Ahmed, Ahmad) are too alike to tell by spelling
            if fuzz.ratio(wa[-1].casefold(), wb[-1].casefold()) >= _cfg()["source_spelling_ratio"]:
                target[a] = b
