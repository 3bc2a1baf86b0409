"""Per-document indexes of mentions by where they start, for the stages that look at one
sentence at a time: the mentions starting in a sentence by bisection, not a scan of the whole
document per sentence."""

from __future__ import annotations

from bisect import bisect_left
from typing import Callable, Generic, Sequence, TypeVar

T = TypeVar("T")


class ByStart(Generic[T]):
    """``items`` indexed by ``start(item)``; ``within(s0, s1)`` is
    ``[x for x in items if s0 <= start(x) < s1]``, in the same order."""

    def __init__(self, items: Sequence[T], start: Callable[[T], int]):
        self.items = items
        self.order = sorted(range(len(items)), key=lambda k: start(items[k]))
        self.starts = [start(items[k]) for k in self.order]

    def within(self, s0: int, s1: int) -> list[T]:
        picked = self.order[bisect_left(self.starts, s0):bisect_left(self.starts, s1)]
        return [self.items[k] for k in sorted(picked)]
