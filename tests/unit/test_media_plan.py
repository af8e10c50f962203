"""The import plan's progress, pure arithmetic. Probing and importing real films is in
tests/integration/test_media.py."""

from __future__ import annotations

from vig_core.media.plan import progress_fraction


def test_progress_fraction_is_bounded():
    assert progress_fraction(1_000_000, 2.0) == 0.5
    assert progress_fraction(5_000_000, 2.0) == 1.0
    assert progress_fraction(-5, 2.0) == 0.0 and progress_fraction(10, 0.0) == 0.0
