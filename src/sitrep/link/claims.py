"""Claims and repeats: the same figure reported again by the same source is one claim, counted once;
the earliest report is the original and the others carry ``repeat_of``."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from ..records import asdict  # dataclasses.asdict's dict, without deep-copying every atom
from .common import Row, _cfg, _day

@dataclass
class FigureLink:
    """What linking adds to one figure."""

    incident_id: str | None
    background: bool = False
    background_reason: str | None = None
    claim_id: str | None = None  # the original figure of the claim this report belongs to
    repeat_of: str | None = None  # set on every report but the original
    counted: bool = False  # the original of its claim: counted once in tallies
    counted_as_victims: str | None = None  # victims category the claim is counted under
    source_key: str | None = None
    source_name: str | None = None  # the canonical source when a short name was merged into it
    partial: bool = False
    floor: bool = False
    projection: bool = False
    earlier: bool = False  # a count the sentence calls an earlier one ("the earlier toll of 8")

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _repeats(figs: list[Row], links: dict[str, FigureLink], doc_day: dict[str, str]) -> None:
    """Group the counted figures of one incident into claims and mark repeats."""
    window = _cfg()["repeat_window_days"]
    groups: dict[tuple[Any, ...], list[Row]] = defaultdict(list)
    for f in figs:
        groups[(links[f["id"]].source_key, f["status"], f.get("count"), f.get("min"),
                f.get("max"))].append(f)
    for members in groups.values():
        members.sort(key=lambda f: (f.get("reported_on") or "", doc_day.get(f["doc_id"], ""), f["id"]))
        specific = sorted({f["victims"] for f in members} - {"all", "unknown"})
        by_victims: dict[str, list[Row]] = defaultdict(list)
        for f in members:
            v = f["victims"]
            # "745 of the dead" after "745 civilians" from the same source: one claim, counted
            # under the specific category. With two specific categories "all" stays apart.
            if v in ("all", "unknown") and len(specific) == 1:
                v = specific[0]
            by_victims[v].append(f)
        for victims, chain in by_victims.items():
            original, prev = None, None
            for f in chain:
                day = _day(f.get("reported_on"))
                if original is None or prev is None or day is None or (day - prev).days > window:
                    original = f
                link = links[f["id"]]
                link.claim_id = original["id"]
                link.counted_as_victims = victims
                if f is original:
                    link.counted = True
                else:
                    link.repeat_of = original["id"]
                prev = day or prev
