"""bench/hevc_import.py still works: its smoke run gives every figure for the kept and the converted
import (the speed targets are for the full run on a quiet machine, not checked here)."""

from __future__ import annotations

from bench import hevc_import


def test_the_quick_hevc_import_bench_reports_both_kinds():
    rows = hevc_import.measure(quick=True)

    for mode in ("copy-hevc", "transcode"):
        mine = [r for r in rows if r.what.startswith(f"HEVC import ({mode})")]
        assert [r.what.rsplit(": ", 1)[1] for r in mine] == [
            "workbook", "bare ffmpeg, same command", "workbook / bare", "speed"], mode
        assert all(float(r.figure.split()[0].rstrip("×")) > 0 for r in mine)
