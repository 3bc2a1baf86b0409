"""``ByStart``: the mentions starting in a range, as the per-sentence scan gave them."""

import random

from sitrep.extract.spans import ByStart


def test_within_is_the_scan_in_input_order():
    rng = random.Random(7)
    items = [(rng.randrange(200), k) for k in range(300)]  # unsorted, repeated starts
    index = ByStart(items, lambda x: x[0])
    for _ in range(200):
        s0 = rng.randrange(-5, 210)
        s1 = s0 + rng.randrange(0, 60)
        assert index.within(s0, s1) == [x for x in items if s0 <= x[0] < s1]


def test_empty():
    assert ByStart([], lambda x: x).within(0, 10) == []
