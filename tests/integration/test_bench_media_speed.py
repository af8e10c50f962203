"""bench/media_speed.py still works: its smoke run gives every figure, and every exported clip starts
on its chosen frame (the speed targets are for the full run on a quiet machine, not checked here)."""

from __future__ import annotations

from bench import media_speed


def test_the_quick_media_speed_bench_reports_every_figure_and_exact_first_frames():
    rows = media_speed.measure(quick=True)

    for subject in ("Import (remux)", "Import (transcode)", "Clip export"):
        mine = [r for r in rows if r.what.startswith(subject)]
        workbook = [r for r in mine if ": workbook" in r.what and not r.what.endswith("/ bare")]
        bare = [r for r in mine if ": bare ffmpeg" in r.what]
        ratio = [r for r in mine if r.what.endswith("workbook / bare")]
        assert len(workbook) == len(bare) == len(ratio) == 1, subject
        assert float(workbook[0].figure.split()[0]) > 0 and float(bare[0].figure.split()[0]) > 0
        assert float(ratio[0].figure) > 0
    first_frames = [r for r in rows if r.what.startswith("First frame of exported clip")]
    assert len(first_frames) == 3
    for row in first_frames:
        assert int(row.figure.split()[0]) == 0 and row.met is True, row
