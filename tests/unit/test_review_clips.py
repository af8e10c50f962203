"""Clips cut on the fly for the shared review when they were not exported."""

from __future__ import annotations

import pytest

from vig_core.services.clips import client_may_play


@pytest.mark.parametrize("relative, allowed", [
    ("exports/review/clip-ab12-17000-23000.mp4", True),
    ("exports/cycle-1/clip-1-waiting-for-mia.mp4", True),
    ("exports/cycle-2/cycle-2-film.mp4", True),
    ("recordings/ab12/film.mp4", False),  # the whole recording: never in client view
    ("recordings/ab12/original.mov", False),
    ("exports/review/../../recordings/ab12/film.mp4", False),
    ("exports/cycle-1/clip-1.png", False),
    ("uploads/x.mp4", False),
])
def test_client_view_may_play_only_films_cut_for_the_family(relative, allowed):
    assert client_may_play(relative) is allowed
