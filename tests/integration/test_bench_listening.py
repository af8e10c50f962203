"""bench/listening.py still works: its smoke run gives every figure (the targets are for the full run
on a quiet machine; the accuracy floors are checked by tests/unit/test_listening.py)."""

from __future__ import annotations

import pytest

from bench import listening
from conversation_films import tools_missing


@pytest.mark.skipif(bool(tools_missing()),
                    reason="needs Debian's espeak-ng and sox (python3 dev.py test installs them)")
def test_the_quick_listening_bench_reports_every_figure():
    rows = listening.measure(quick=True)

    whats = [r.what for r in rows]
    for adult in ("Mother", "Father"):
        mine = [w for w in whats if w.startswith(f"{adult}–child film")]
        assert [w.split(": ")[-1] for w in mine] == ["recall of answered episodes", "precision of suggestions",
                                                      "unanswered child turns suggested"]
    speed = next(r for r in rows if r.what.startswith("Listening to a"))
    assert float(speed.figure.split()[0]) > 0 and "% of its length" in speed.figure
    assert any(r.what.startswith("Memory growth") and r.figure.startswith("+") for r in rows)
