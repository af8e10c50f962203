"""Frame arithmetic: which frame is on screen at a time, stepping frame by frame, and times as
the practitioner reads and types them. Pure: the stills and cuts made with ffmpeg are checked against
PyAV's decoding in tests/integration/test_media_edit.py."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vig_core.case.frames import EPSILON, format_time, frame_index, last_frame_index, parse_time, snap, step
from vig_core.errors import ValidationError

RATES = [23.976, 24.0, 25.0, 29.97, 30.0, 50.0, 59.94, 60.0]


# --- frame arithmetic (pure) ------------------------------------------------------------------------------

def test_snap_finds_the_frame_on_screen():
    assert snap(0.12, 25) == 0.12 and frame_index(0.12, 25) == 3  # 0.12 * 25 is 2.9999… in floats
    assert snap(0.159, 25) == 0.12 and snap(0.16, 25) == 0.16
    assert snap(0.0, 30) == 0.0 and snap(-4.0, 30) == 0.0
    assert frame_index(1 / 30 - 1e-3, 30) == 0


@pytest.mark.parametrize("fps", RATES)
def test_every_frame_start_maps_back_to_its_frame(fps):
    assert all(frame_index(k / fps, fps) == k for k in range(0, 200_000, 7))  # ~2 hours at 30 fps


@settings(max_examples=300, deadline=None)
@given(seconds=st.floats(0, 20_000, allow_nan=False), fps=st.sampled_from(RATES))
def test_snap_is_the_start_of_the_frame_containing_the_time(seconds, fps):
    start = snap(seconds, fps)
    assert start <= seconds + EPSILON / fps and seconds - start < 1 / fps  # the documented slack
    assert snap(start, fps) == start and frame_index(start, fps) == frame_index(seconds, fps)


def test_step_moves_whole_frames_within_the_film():
    assert step(0.5, 30, 1) == 16 / 30 and step(0.5, 30, -1) == 14 / 30
    assert step(0.51, 30, 0) == 15 / 30
    assert step(0.0, 30, -5) == 0.0
    assert step(1.9, 30, 10, duration=2.0) == 59 / 30  # the last frame of a 2 s film starts at 1.9667
    assert step(1.9, 30, 1, duration=2.0) == 58 / 30
    assert last_frame_index(2.0, 30) == 59 and last_frame_index(0.0, 30) == 0


@settings(max_examples=300, deadline=None)
@given(seconds=st.floats(0, 600, allow_nan=False), frames=st.integers(-10_000, 10_000),
       duration=st.floats(0.1, 600, allow_nan=False), fps=st.sampled_from(RATES))
def test_step_stays_between_first_and_last_frame(seconds, frames, duration, fps):
    moved = step(seconds, fps, frames, duration)
    index = frame_index(moved, fps)
    assert 0 <= index <= last_frame_index(duration, fps)
    assert moved == index / fps
    wanted = frame_index(seconds, fps) + frames
    if 0 <= wanted <= last_frame_index(duration, fps):
        assert index == wanted


def test_format_time_reads_like_a_clock():
    assert format_time(0) == "0:00.00"
    assert format_time(65.2) == "1:05.20"
    assert format_time(599.999) == "10:00.00"
    assert format_time(3723.04) == "1:02:03.04"
    assert format_time(1 / 30, 30) == "0:00.04"  # frame 1 starts at 0.0333: rounded up, inside the frame
    assert format_time(0.12, 25) == "0:00.12" and format_time(0.159, 25) == "0:00.12"


@pytest.mark.parametrize("typed, seconds", [
    ("1:05.40", 65.4), ("1:05.4", 65.4), ("65.4", 65.4), ("65", 65.0), (" 1:05,4 ", 65.4), ("65.4 s", 65.4),
    ("0:00.00", 0.0), (".5", 0.5), ("1:02:03.04", 3723.04), ("10:00", 600.0),
])
def test_times_are_typed_as_minutes_seconds_or_as_seconds(typed, seconds):
    assert parse_time(typed) == pytest.approx(seconds)


@pytest.mark.parametrize("typed, problem", [
    ("", "A time is needed here"), ("abc", "“abc” is not a time"), ("-3", "is not a time"), ("1:75", "fewer than 60"),
    ("9" * 50 + "x", "“99999999999999999999…” is not a time"),
    ("1:60:00", "fewer than 60"), ("1:2:3:4", "is not a time"), ("1.2.3", "is not a time"),
])
def test_a_time_that_cannot_be_read_says_how_to_type_it(typed, problem):
    with pytest.raises(ValidationError) as raised:
        parse_time(typed)
    assert problem in str(raised.value) and "1:05.40" in str(raised.value)


@settings(max_examples=300, deadline=None)
@given(seconds=st.floats(0, 10_000, allow_nan=False), fps=st.sampled_from(RATES))
def test_a_shown_time_typed_back_finds_the_same_frame(seconds, fps):
    shown = format_time(seconds, fps)
    assert re.fullmatch(r"(\d+:)?\d+:\d\d\.\d\d", shown)
    assert frame_index(parse_time(shown), fps) == frame_index(seconds, fps)
