"""bench/vault.py still works: its smoke run unlocks, seals, writes and reads a film, and serves it through
the workbook's media route with Range requests, giving every figure (the targets are for the full run on
a quiet machine)."""

from __future__ import annotations

from bench import vault


def test_the_quick_vault_bench_reports_every_figure():
    rows = vault.measure(quick=True)
    assert len(rows) == 10
    assert rows[0].what.startswith("Unlock") and float(rows[0].figure.split()[0]) > 0
    served = [r for r in rows if r.what.startswith("Served by the media route")]
    assert len(served) == 2 and all(float(r.figure.split()[0]) > 0 for r in served)
    server = next(r for r in rows if r.what.startswith("The media route's server"))
    assert float(server.figure.split()[0]) >= 0
    memory = rows[-1]
    assert memory.what.startswith("Memory") and memory.met is True, memory.figure
