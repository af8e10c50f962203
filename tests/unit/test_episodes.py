"""Serve-and-return episodes, voice grouping and its correction, on constructed stretches (pure)."""

from __future__ import annotations

import pytest

from vig_core.case.episodes import (
    ANSWER_WITHIN,
    CLIP_LONGEST,
    CLIP_SHORTEST,
    find_episodes,
    suggestions,
    turn_taking,
)
from vig_core.case.voices import (
    DEFAULT_BOUNDARY_HZ,
    LISTENING_VERSION,
    Listening,
    Stretch,
    Voice,
    VoiceCorrection,
    is_steady_tone,
    turns,
    voice_boundary,
    voice_of,
)
from vig_core.storage.codec import from_record, to_record

CHILD, MOTHER, FATHER = 320.0, 215.0, 120.0


def said(start: float, end: float, pitch: float | None) -> Stretch:
    return Stretch(start, end, pitch, voiced=0.9 if pitch else 0.0)


def heard(*stretches: Stretch, duration: float = 120.0, boundary: float | None = None) -> Listening:
    found = list(stretches)
    return Listening(version=LISTENING_VERSION, duration=duration, stretches=found,
                     boundary_hz=boundary if boundary is not None else voice_boundary(found))


def spans(listening: Listening, correction: VoiceCorrection | None = None) -> list[tuple[float, float, int]]:
    return [(s.start, s.end, s.turns) for s in suggestions(listening, correction)]


def test_a_child_turn_answered_within_two_seconds_is_one_episode_of_two_turns():
    film = heard(said(10.0, 10.6, CHILD), said(11.2, 12.5, MOTHER))
    assert spans(film) == [(10.0, 12.5, 2)]
    suggestion = suggestions(film)[0]
    assert suggestion.answered_after == pytest.approx(0.6)
    assert "answered" in suggestion.reason and "320 Hz" in suggestion.reason


def test_several_turns_back_and_forth_are_one_episode():
    film = heard(said(10.0, 10.5, CHILD), said(11.0, 12.0, MOTHER), said(12.8, 13.3, CHILD),
                 said(13.6, 15.0, MOTHER), said(16.2, 16.6, CHILD))
    assert spans(film) == [(10.0, 16.6, 5)]
    assert "5 turns" in suggestions(film)[0].reason


def test_an_answer_later_than_two_seconds_or_none_is_no_episode():
    late = ANSWER_WITHIN + 0.3
    film = heard(said(10.0, 10.5, CHILD), said(10.5 + late, 12.0 + late, MOTHER),
                 said(30.0, 30.5, CHILD), said(60.0, 61.0, CHILD))
    assert spans(film) == []


def test_an_adult_monologue_alone_is_no_episode_and_an_adult_serve_counts_from_the_childs_turn():
    monologue = [said(5.0 + 3 * i, 7.7 + 3 * i, MOTHER) for i in range(5)]  # 5 sentences, 0.3 s apart
    film = heard(*monologue, said(40.0, 42.0, MOTHER), said(42.8, 43.3, CHILD), said(44.0, 45.0, MOTHER))
    assert spans(film) == [(42.8, 45.0, 2)]


def test_stretches_of_one_voice_close_together_are_one_turn_and_unvoiced_ones_belong_to_no_one():
    film = heard(said(10.0, 10.3, CHILD), said(10.6, 10.9, CHILD), said(11.0, 11.1, None),
                 said(11.5, 12.0, MOTHER), said(12.2, 13.0, MOTHER))
    found = turns(film)
    assert [(t.voice, t.start, t.end) for t in found] == [(Voice.CHILD, 10.0, 10.9), (Voice.ADULT, 11.5, 13.0)]
    assert found[0].speech_seconds == pytest.approx(0.6)
    assert spans(film) == [(10.0, 13.0, 2)]


def test_the_boundary_is_found_between_the_voices_of_each_film():
    mother = [said(i, i + 0.5, p) for i, p in enumerate([300, 330, 345, 310, 205, 220, 230, 212])]
    father = [said(i, i + 0.5, p) for i, p in enumerate([300, 330, 345, 310, 112, 125, 130, 118])]
    assert 230 < voice_boundary(mother) < 300
    assert 130 < voice_boundary(father) < 300


def test_one_voice_or_none_gives_the_default_boundary():
    assert voice_boundary([]) == DEFAULT_BOUNDARY_HZ
    assert voice_boundary([said(0, 1, 210.0)]) == DEFAULT_BOUNDARY_HZ
    assert voice_boundary([said(i, i + 0.5, 200.0 + i) for i in range(10)]) == DEFAULT_BOUNDARY_HZ


def test_swapping_the_voices_makes_the_lower_voice_the_child():
    # A mother with a high voice (330 Hz) and a baby heard lower (280 Hz): found the wrong way round.
    film = heard(said(10.0, 11.5, 330.0), said(12.0, 12.4, 280.0), said(30.0, 30.4, 280.0),
                 said(31.0, 32.0, 330.0), boundary=300.0)
    assert spans(film) == [(10.0, 12.4, 2)]  # the mother's words "answered" by the baby
    assert spans(film, VoiceCorrection(swapped=True)) == [(30.0, 32.0, 2)]  # the baby, answered by her
    assert voice_of(said(0, 1, 280.0), 300.0) is Voice.ADULT
    assert voice_of(said(0, 1, 280.0), 300.0, swapped=True) is Voice.CHILD


def test_a_boundary_of_the_practitioners_own_regroups_without_the_film():
    # A father at 170 Hz and a child at 260 Hz, with a found boundary that took both for adults.
    film = heard(said(10.0, 10.5, 260.0), said(11.0, 12.0, 170.0), boundary=300.0)
    assert spans(film) == []
    assert spans(film, VoiceCorrection(boundary_hz=220.0)) == [(10.0, 12.0, 2)]


def test_the_clip_span_is_three_to_ten_seconds_around_the_exchange_and_inside_the_film():
    short = suggestions(heard(said(10.0, 10.3, CHILD), said(10.8, 11.2, MOTHER)))[0]
    assert (short.clip_start, short.clip_end) == (9.0, 12.2)
    assert CLIP_SHORTEST <= short.clip_end - short.clip_start <= CLIP_LONGEST
    long_one = heard(*[said(20.0 + 2 * i, 21.0 + 2 * i, CHILD if i % 2 == 0 else MOTHER) for i in range(8)])
    clip = suggestions(long_one)[0]
    assert (clip.clip_start, clip.clip_end) == (19.0, 29.0)
    at_end = suggestions(heard(said(0.2, 0.5, CHILD), said(0.8, 1.4, MOTHER), duration=2.0))[0]
    assert (at_end.clip_start, at_end.clip_end) == (0.0, 2.0)


def test_turn_taking_figures():
    film = heard(said(10.0, 10.5, CHILD), said(11.0, 12.0, MOTHER), said(12.5, 13.0, CHILD),  # answered, 2 changes
                 said(30.0, 30.5, CHILD),  # not answered
                 said(50.0, 54.0, MOTHER), said(54.5, 55.0, CHILD),  # the child answering: no initiative
                 duration=120.0)
    figures = turn_taking(film)
    assert figures.child_initiatives == 2
    assert figures.answered == 1
    assert figures.answered_share == pytest.approx(0.5)
    assert figures.conversational_turns == 3
    assert figures.turns_per_minute == pytest.approx(1.5)
    assert figures.adult_share_of_talk == pytest.approx(5.0 / 7.0)
    assert turn_taking(heard()).adult_share_of_talk is None


def tone(start: float, end: float, hz: float, spread: float = 1.003) -> Stretch:
    return Stretch(start, end, hz, pitch_low_hz=hz / spread, pitch_high_hz=hz * spread, voiced=1.0)


def test_a_steady_tone_is_nobodys_voice_and_leaves_the_figures_alone():
    """The demo film's sine (and a hum, a beep, a toy's note) held its pitch; a voice moves."""
    voice = Stretch(0.0, 1.2, CHILD, pitch_low_hz=CHILD * 0.9, pitch_high_hz=CHILD * 1.1, voiced=0.8)
    assert is_steady_tone(tone(0, 5, 440.0)) and not is_steady_tone(voice)
    assert not is_steady_tone(tone(0, 0.3, 440.0)), "too short to tell a held vowel from a tone"
    assert not is_steady_tone(tone(0, 5, 300.0, spread=1.02)), "a few per cent of movement is a voice"
    assert voice_of(tone(0, 5, 440.0), DEFAULT_BOUNDARY_HZ) is None
    film = heard(tone(0, 60, 440.0), duration=60)
    assert turns(film) == [] and suggestions(film) == []
    figures = turn_taking(film)
    assert figures.child_initiatives == 0 and figures.answered_share is None
    # The tone under a conversation does not pull the boundary towards itself either.
    talk = heard(tone(0, 30, 90.0), said(1, 2, CHILD), said(2.5, 3.5, MOTHER), said(6, 7, CHILD),
                 said(7.4, 8.5, MOTHER))
    assert 215 < talk.boundary_hz < 320
    assert [t.voice for t in turns(talk)] == [Voice.CHILD, Voice.ADULT, Voice.CHILD, Voice.ADULT]


def test_find_episodes_on_turns_directly():
    film = heard(said(1.0, 1.5, CHILD), said(2.0, 3.0, FATHER), said(20.0, 20.5, CHILD), said(20.4, 21.0, FATHER))
    episodes = find_episodes(turns(film))
    assert [(e.start, e.end, len(e.turns)) for e in episodes] == [(1.0, 3.0, 2), (20.0, 21.0, 2)]
    assert episodes[1].answered_after == pytest.approx(-0.1)  # an answer overlapping the child's end


def test_a_listening_goes_through_the_stores_codec_unchanged():
    film = heard(said(10.0, 10.6, CHILD), said(11.2, 12.5, MOTHER))
    film = Listening(film.version, film.duration, film.stretches, peaks=[0.1, 0.5, 0.25], boundary_hz=film.boundary_hz)
    assert from_record(Listening, to_record(film)) == film
    assert film.current
