"""The first-view benchmark still works: its quick run gives every figure as a time.

The timings themselves are the benchmark's business (a shared test machine is no
place to hold them to a target); this only guards against the benchmark breaking
as the pages change (a renamed button, a moved player).
"""

from __future__ import annotations

import re

import pytest

from bench.caseload_ab import compare
from bench.first_view import ROOT, measure

pytestmark = pytest.mark.browser


def seconds(figure: str) -> list[float]:
    return [float(n) for n in re.findall(r"(\d+\.\d+) s", figure)]


def test_the_quick_run_measures_the_caseload_and_the_first_frame() -> None:
    rows = measure(quick=True)

    caseload = [r for r in rows if r.what.startswith("Caseload interactive, demo")]
    first_frame = [r for r in rows if r.what.startswith("Clip first frame after play")]
    assert len(caseload) == 3 and len(first_frame) == 2, [r.what for r in rows]
    for row in caseload + first_frame:
        assert seconds(row.figure) and all(s > 0 for s in seconds(row.figure)), row
    assert not any("10x" in r.what for r in rows), "the quick run stays on the demo caseload"


def test_the_caseload_ab_measures_both_checkouts_in_turn() -> None:
    times = compare(ROOT, scale=0.1, runs=2)  # this checkout against itself, two small cases

    assert len(times) == 2 and all(len(pairs) == 2 for pairs in times.values()), times
    for pairs in times.values():
        assert all(0 < after < total for total, after in pairs), pairs
