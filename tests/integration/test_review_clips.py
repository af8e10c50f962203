"""Clips of the demo film cut on the fly for the shared review when they were not exported."""

from __future__ import annotations

import av
import pytest

from vig_core.services.clips import prepare_review_clips
from vig_core.services.demo import ensure_demo_case


def seconds(path) -> float:
    with av.open(str(path)) as container:
        return float(container.duration / av.time_base)


def test_missing_clip_files_are_cut_once_and_recut_when_the_span_changes(store):
    demo = ensure_demo_case(store)
    folder = store.case_folder(demo)
    fractions: list[float] = []
    assert prepare_review_clips(store, demo, 1, on_progress=fractions.append) == 3
    clips = store.load(demo).chosen_clips(1)
    assert all(c.exported.startswith("exports/review/") for c in clips)
    assert [round(seconds(folder / c.exported), 1) for c in clips] == [6.0, 6.0, 6.0]
    assert all((folder / c.exported).stat().st_mode & 0o077 == 0 for c in clips)
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert prepare_review_clips(store, demo, 1) == 0  # nothing to do the second time

    first = clips[0]
    store.update(demo, lambda c: c.set_clip_span(first.id, 9.0, 12.0))
    assert prepare_review_clips(store, demo, 1) == 1
    recut = store.load(demo).clip(first.id)
    assert recut.exported != first.exported and not (folder / first.exported).exists()
    assert seconds(folder / recut.exported) == pytest.approx(3.0, abs=0.05)
    assert prepare_review_clips(store, demo, 2) == 0  # a cycle without chosen clips
