"""The listening kept per recording, and the practitioner's decisions on its suggestions (no ffmpeg).

A listening is built from constructed stretches and stored as the job would store it; the
service then has to offer, accept, dismiss and regroup from the file alone."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime

import pytest

from tests.conftest import make_case
from vig_core.case.episodes import suggestions
from vig_core.case.film import Recording, Turn
from vig_core.case.voices import LISTENING_VERSION, Listening, Stretch, VoiceCorrection, voice_boundary
from vig_core.errors import NotFoundError, ValidationError
from vig_core.services import listening as service
from vig_core.services.recordings import remove_recording
from vig_core.storage.listening import ListeningRecord, listening_path, read_listening, save_listening

CHILD, MOTHER = 320.0, 215.0


def said(start: float, end: float, pitch: float | None) -> Stretch:
    return Stretch(start, end, pitch, voiced=0.9 if pitch else 0.0)


def conversation(version: int = LISTENING_VERSION) -> Listening:
    """Two answered episodes (at 10 s and at 40 s, the second of four turns) and a child turn nobody answers."""
    found = [said(10.0, 10.6, CHILD), said(11.2, 12.5, MOTHER),
             said(25.0, 25.5, CHILD),
             said(40.0, 40.5, CHILD), said(41.0, 42.0, MOTHER), said(42.8, 43.3, CHILD), said(43.6, 45.0, MOTHER)]
    return Listening(version=version, duration=60.0, stretches=found, peaks=[0.1, 0.5, 0.2],
                     boundary_hz=voice_boundary(found))


@pytest.fixture
def filmed(store):
    """A case with one film of a minute at 25 frames a second, its folder made as an import makes it."""
    case = make_case(store)
    recording = Recording(id="r1", cycle=1, title="Play", original_name="play.mov", imported_at=datetime(2026, 1, 6),
                          playable="recordings/r1/film.mp4", duration=60.0, fps=25, width=640, height=360,
                          has_audio=True)
    store.new_folder(case.id, "recordings", "r1")
    store.update(case.id, lambda c: c.add_recording(recording))
    return case.id


def keep(store, case_id: str, listening: Listening, **decisions) -> None:
    save_listening(store, case_id, "r1", ListeningRecord(listening, **decisions))


def test_nothing_is_heard_before_the_film_is_listened_to(store, filmed):
    assert service.heard(store, filmed, "r1") is None
    assert service.open_suggestions(store, filmed, "r1") == []
    assert service.figures(store, filmed, "r1") is None
    with pytest.raises(NotFoundError):
        service.dismiss_suggestion(store, filmed, "r1", "10.00-12.50")


def test_a_kept_listening_reads_back_the_same_from_its_file_in_the_films_folder(store, filmed):
    listening = conversation()
    keep(store, filmed, listening, correction=VoiceCorrection(boundary_hz=260.0))
    path = listening_path(store, filmed, "r1")
    assert path == store.case_folder(filmed) / "recordings" / "r1" / "listening.json"
    assert json.loads(path.read_text())["listening"]["version"] == LISTENING_VERSION
    found = service.heard(store, filmed, "r1")
    assert found.listening == listening
    assert found.correction == VoiceCorrection(boundary_hz=260.0)
    assert found.accepted == frozenset() and found.dismissed == frozenset()
    assert [s.key for s in service.open_suggestions(store, filmed, "r1")] == ["10.00-12.50", "40.00-45.00"]
    assert service.figures(store, filmed, "r1").child_initiatives == 3


def test_a_listening_of_another_engine_version_counts_as_missing(store, filmed):
    keep(store, filmed, conversation(version=LISTENING_VERSION - 1))
    assert read_listening(store, filmed, "r1") is not None
    assert service.heard(store, filmed, "r1") is None
    assert service.open_suggestions(store, filmed, "r1") == []


def test_accepting_makes_a_moment_at_the_childs_initiative_with_a_clip_around_the_exchange(store, filmed):
    keep(store, filmed, conversation())
    moment = service.accept_suggestion(store, filmed, "r1", "40.00-45.00")
    case = store.load(filmed)
    assert case.moments == [moment]
    assert moment.time == 40.0 and moment.turn is Turn.CHILD_INITIATIVE and moment.recording_id == "r1"
    [clip] = case.clips
    offered = next(s for s in suggestions(conversation()) if s.key == "40.00-45.00")
    assert (clip.start, clip.end, clip.moment_id) == (offered.clip_start, offered.clip_end, moment.id)
    assert [s.key for s in service.open_suggestions(store, filmed, "r1")] == ["10.00-12.50"]
    assert service.heard(store, filmed, "r1").accepted == {"40.00-45.00"}


def test_accepting_twice_gives_the_same_moment_and_one_clip(store, filmed):
    keep(store, filmed, conversation())
    first = service.accept_suggestion(store, filmed, "r1", "10.00-12.50")
    again = service.accept_suggestion(store, filmed, "r1", "10.00-12.50")
    case = store.load(filmed)
    assert again.id == first.id and len(case.moments) == 1 and len(case.clips) == 1


def test_a_moment_marked_already_on_that_frame_is_taken_not_twinned(store, filmed):
    keep(store, filmed, conversation())
    store.update(filmed, lambda c: c.mark_moment("r1", 10.0))
    moment = service.accept_suggestion(store, filmed, "r1", "10.00-12.50")
    case = store.load(filmed)
    assert len(case.moments) == 1 and moment.id == case.moments[0].id and moment.turn is Turn.CHILD_INITIATIVE
    assert case.clips[0].moment_id == moment.id


def test_dismissing_takes_it_out_of_the_offer_and_is_kept(store, filmed):
    keep(store, filmed, conversation())
    service.dismiss_suggestion(store, filmed, "r1", "10.00-12.50")
    service.dismiss_suggestion(store, filmed, "r1", "10.00-12.50")
    assert [s.key for s in service.open_suggestions(store, filmed, "r1")] == ["40.00-45.00"]
    assert read_listening(store, filmed, "r1").dismissed == ["10.00-12.50"]
    assert store.load(filmed).moments == []


def test_an_unknown_suggestion_cannot_be_accepted(store, filmed):
    keep(store, filmed, conversation())
    with pytest.raises(NotFoundError):
        service.accept_suggestion(store, filmed, "r1", "25.00-25.50")
    assert store.load(filmed).moments == []


def test_swapping_the_voices_regroups_without_the_film(store, filmed):
    keep(store, filmed, conversation())
    service.correct_voices(store, filmed, "r1", VoiceCorrection(swapped=True))
    found = service.heard(store, filmed, "r1")
    assert found.correction.swapped
    swapped = [s.key for s in service.open_suggestions(store, filmed, "r1")]
    assert swapped == [s.key for s in suggestions(conversation(), VoiceCorrection(swapped=True))]
    assert swapped != ["10.00-12.50", "40.00-45.00"]
    service.correct_voices(store, filmed, "r1", VoiceCorrection())
    assert [s.key for s in service.open_suggestions(store, filmed, "r1")] == ["10.00-12.50", "40.00-45.00"]


def test_a_boundary_out_of_the_heard_range_is_refused(store, filmed):
    keep(store, filmed, conversation())
    with pytest.raises(ValidationError):
        service.correct_voices(store, filmed, "r1", VoiceCorrection(boundary_hz=5000.0))
    assert service.heard(store, filmed, "r1").correction == VoiceCorrection()


def test_suggestion_keys_are_stable_to_a_hundredth_of_a_second():
    [first, _] = suggestions(conversation())
    assert first.key == "10.00-12.50" == replace(first, turns=9).key


def test_the_listening_goes_with_its_film_and_is_not_written_back(store, filmed):
    keep(store, filmed, conversation())
    remove_recording(store, filmed, "r1")
    assert not listening_path(store, filmed, "r1").parent.exists()
    with pytest.raises(NotFoundError):
        keep(store, filmed, conversation())
    assert not listening_path(store, filmed, "r1").parent.exists()
    assert service.heard(store, filmed, "r1") is None
