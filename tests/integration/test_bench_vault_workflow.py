"""bench/vault_workflow.py still works: its smoke run does the same imports, store writes and clip export
on a plain folder and on a vault and gives every figure (the targets are for the full run)."""

from __future__ import annotations

from bench import vault_workflow


def test_the_quick_vault_workflow_bench_reports_every_figure():
    rows = vault_workflow.measure(quick=True)
    for subject in ("Import of a", "A store write", "Clip export"):
        mine = [r for r in rows if r.what.startswith(subject)]
        assert any(r.what.endswith(": plain folder") for r in mine), subject
        assert any(r.what.endswith(": vault") for r in mine), subject
        ratios = [r for r in mine if r.what.endswith("vault / plain")]
        assert ratios and all(float(r.figure) > 0 for r in ratios), subject
    assert len([r for r in rows if r.what.endswith("vault / plain")]) == 4  # remux, HEVC, write, export
