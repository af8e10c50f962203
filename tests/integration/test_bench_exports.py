"""bench/exports.py's ELAN import at scale still works, at a small size (the figure is for the full run)."""

from __future__ import annotations

from bench.exports import elan_at_scale


def test_the_elan_bench_brings_back_each_shape_of_file(demo):
    rows = elan_at_scale(demo, "demo", count=400)
    assert [r.split(":")[0] for r in rows if r.startswith("ELAN")] == [
        "ELAN 400 on 2,000 frames", "ELAN 400 on 1 frame, 4 texts", "ELAN 400 on 1 frame, a note each"]
    assert "  100 new moments." in rows and "  1 new moment." in rows
    assert any(r.startswith("  refused: The note of the moment at 0:04.00 would be too long") for r in rows)
