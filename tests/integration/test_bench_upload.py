"""bench/upload.py still works: its smoke run sends a film to its server and gives both figures
(the speed target is for the full run on a quiet machine, not checked here)."""

from __future__ import annotations

from bench import upload


def test_the_quick_upload_bench_reports_speed_and_memory():
    speed, memory = upload.measure(quick=True)
    assert speed.what.startswith("Upload of a 64 MB film") and float(speed.figure.split()[0]) > 0
    assert memory.what.startswith("Upload: server memory") and memory.met is True, memory.figure
