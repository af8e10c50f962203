"""The listening engine: its parts on constructed figures, and whole films with a known conversation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from conversation_films import make_film, score, tools_missing
from media_fixtures import make
from vig_core.case.episodes import suggestions, turn_taking
from vig_core.case.voices import LISTENING_VERSION, PEAK_STEP, VoiceCorrection
from vig_core.errors import Cancelled
from vig_core.media.listening import (
    NoSound,
    above_floor,
    cut_by_pitch,
    listen,
    speech_spans,
    voiced_spans,
)
from vig_core.media.probe import MediaError

WINDOW = 0.032
RECALL_FLOOR, PRECISION_FLOOR = 0.8, 0.7  # the benchmark's targets are 0.85 and 0.75


def track(*parts: tuple[float, float]) -> np.ndarray:
    """A pitch track at 10 ms: (seconds, Hz) parts one after another; 0 Hz is unvoiced."""
    return np.concatenate([np.full(round(seconds * 100), hz, np.float32) for seconds, hz in parts])


def test_speech_spans_start_high_end_after_a_pause_and_drop_blips():
    likelihoods = [0.0] * 10 + [0.9] * 20 + [0.4] * 2 + [0.8] * 5 + [0.1] * 10 + [0.9] * 2 + [0.0] * 10
    spans = speech_spans(likelihoods, WINDOW, 2.0)
    assert len(spans) == 1  # the 64 ms blip at the end is too short to be speech
    start, end = spans[0]
    assert start == pytest.approx(10 * WINDOW - 0.03)
    assert end == pytest.approx(37 * WINDOW + 0.03)


def test_voiced_spans_keep_vocalisations_and_drop_knocks():
    pitch = track((1.0, 0), (0.08, 90), (1.0, 0), (0.3, 320), (0.1, 0), (0.2, 330), (1.0, 0))
    assert voiced_spans(pitch) == [(2.08, 2.68)]


def test_cut_by_pitch_parts_a_child_and_a_quick_answer_and_ignores_an_octave_slip():
    pitch = track((0.5, 320), (0.05, 0), (0.3, 210), (0.06, 420), (0.5, 212))
    stretches = cut_by_pitch(0.0, 1.41, pitch)
    assert [round(s.pitch_hz) for s in stretches] == [320, 212]
    assert stretches[0].start == 0.0 and stretches[-1].end == 1.41
    assert stretches[1].start == pytest.approx(0.55)


def test_a_span_without_voicing_is_kept_without_a_pitch():
    (stretch,) = cut_by_pitch(1.0, 1.5, track((3.0, 0)))
    assert stretch.pitch_hz is None and stretch.voiced == 0.0


def test_pitch_in_the_noise_floor_is_not_a_voice():
    peaks = np.array([0.01] * 50 + [0.3] * 10 + [0.01] * 40, np.float32)  # 10 s: speech from 5 to 6 s
    pitch = np.full(1000, 500.0, np.float32)
    kept = above_floor(pitch, peaks)
    assert np.all(kept[500:600] == 500.0)
    assert np.count_nonzero(kept) == 100


def test_a_film_without_sound_says_so(tmp_path: Path):
    with pytest.raises(NoSound, match="no sound"):
        listen(make("no_audio.mp4", tmp_path))
    with pytest.raises(MediaError):
        listen(make("notes.mov", tmp_path))


def test_progress_rises_to_the_end_and_a_cancel_stops_the_work(tmp_path: Path):
    film = make("h264_aac.mp4", tmp_path)
    seen: list[float] = []
    heard = listen(film, progress=seen.append)
    assert seen[-1] == 1.0 and seen == sorted(seen)
    assert heard.version == LISTENING_VERSION
    assert len(heard.peaks) == pytest.approx(heard.duration / PEAK_STEP, abs=1)
    assert heard.stretches == [] or all(s.pitch_hz is None or s.pitch_hz > 0 for s in heard.stretches)
    with pytest.raises(Cancelled):
        listen(film, cancelled=lambda: True)

    def report(_: float) -> None:
        raise Cancelled
    with pytest.raises(Cancelled):
        listen(film, progress=report)


@pytest.fixture(scope="module")
def films(tmp_path_factory) -> dict:
    if tools_missing():
        pytest.skip(f"the conversation films need Debian's {' and '.join(tools_missing())} (python3 dev.py test "
                    "installs them)")
    folder = tmp_path_factory.mktemp("conversations")
    return {adult: make_film(folder, adult, minutes=3.0, seed=1) for adult in ("mother", "father")}


@pytest.mark.parametrize("adult", ["mother", "father"])
def test_answered_episodes_are_found_and_unanswered_child_turns_are_not(films: dict, adult: str):
    film = films[adult]
    heard = listen(film.path)
    found = suggestions(heard)
    recall, precision, unanswered_suggested = score([(s.start, s.end) for s in found], film)
    assert recall >= RECALL_FLOOR, (recall, found, film.episodes)
    assert precision >= PRECISION_FLOOR, (precision, found, film.episodes)
    assert unanswered_suggested == 0
    figures = turn_taking(heard)
    assert figures.answered >= RECALL_FLOOR * len(film.episodes)
    assert figures.child_initiatives >= figures.answered
    assert 0.3 < figures.adult_share_of_talk < 1.0
    low, high = {"mother": (180, 260), "father": (90, 150)}[adult]
    assert all(s.adult_pitch_hz < heard.boundary_hz <= s.child_pitch_hz for s in found)
    assert low <= float(np.median([s.adult_pitch_hz for s in found])) <= high
    assert 280 <= float(np.median([s.child_pitch_hz for s in found])) <= 380
    # The correction regroups what was heard: swapped, the adult's answers become the "initiatives".
    swapped = suggestions(heard, VoiceCorrection(swapped=True))
    assert swapped != found
    assert all(s.child_pitch_hz < s.adult_pitch_hz for s in swapped)
