"""bench/media_memory.py still works, and shows what it is for: a film played through the
workbook's route is streamed from disk, while st.video holds the whole file in memory."""

from __future__ import annotations

import re

from bench import media_memory


def test_the_quick_memory_bench_shows_the_route_streams_and_st_video_holds_the_file():
    route, st_video, _ratio = media_memory.measure(quick=True)
    growth = [float(re.match(r"\+(-?\d+) MB", row.figure).group(1)) for row in (route, st_video)]
    assert growth[1] >= 32  # st.video took the 32 MB film in
    assert growth[0] < growth[1] - 16, (route, st_video)
