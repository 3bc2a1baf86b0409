"""Sources: who a claim belongs to, and the names of one source merged within an incident."""

from __future__ import annotations

from .claims import FigureLink
from .common import _STOP, _WORD, Row

def source_key(f: Row, outlet: str | None) -> str:
    """Who a claim belongs to: the resolved entity, else the described source, else the outlet
    speaking in its own voice."""
    if f.get("source_id"):
        return f["source_id"]
    if f.get("source"):
        return "src:" + " ".join(_WORD.findall(f["source"].casefold()))
    return "outlet:" + " ".join(_WORD.findall((outlet or "unknown").casefold()))


def _name_words(name: str) -> frozenset[str]:
    words = (w.removesuffix("'s") for w in _WORD.findall(name.casefold().replace("’", "'")))
    return frozenset(w for w in words if w not in _STOP and w != "s")


def _merge_sources(figs: list[Row], links: dict[str, FigureLink]) -> None:
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
    for f in figs:
        link = links[f["id"]]
        if link.source_key in target:
            # Follow the chain to the longest name.
            key = link.source_key
            while key in target:
                key = target[key]
            link.source_key, link.source_name = key, names[key]
