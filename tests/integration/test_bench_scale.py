"""bench/scale.py still works: its smoke run times every page and the store (the targets are
for the full run on a quiet machine, not checked here)."""

from __future__ import annotations

import re

from bench import scale


def test_the_quick_scale_bench_times_every_page_and_the_store():
    rows = scale.measure(quick=True)
    assert [r.what.split(",")[0] for r in rows[:len(scale.PAGES)]] == [f"page {p}" for p in scale.PAGES]
    assert [r.what.split(" at ")[0] for r in rows[len(scale.PAGES):]] == ["store read (one case)",
                                                                          "store write (one case)"]
    for row in rows:
        median, p95 = map(float, re.match(r"(\d+) / (\d+) ms", row.figure).groups())
        assert 0 < median <= p95, row
