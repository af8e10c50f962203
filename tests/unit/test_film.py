"""Moments, clips and the chosen clips of a cycle (domain rules, no media)."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vig_core.case.film import Clip, Moment, Recording, Turn, clip_name, on_frame, title_from_coding
from vig_core.case.record import new_case
from vig_core.errors import NotFoundError, ValidationError
from vig_core.storage.codec import from_record, to_record
from vig_core.vocab.principles import SHIPPED, load_principles, parse_principles, read_principles


def recording(rid: str = "r1", cycle: int = 1, duration: float = 10.0, fps: float = 25) -> Recording:
    return Recording(id=rid, cycle=cycle, title="Play", original_name="play.mov", imported_at=datetime(2026, 1, 5),
                     playable=f"recordings/{rid}/film.mp4", duration=duration, fps=fps, width=640, height=360,
                     has_audio=True)


@pytest.fixture
def case():
    case = new_case("FAM", "Ada", date(2026, 1, 5))
    case.add_recording(recording("r1", 1))
    case.add_recording(recording("r2", 1, duration=30))
    case.add_recording(recording("r3", 2))
    return case


def test_moments_sit_on_the_frame_grid_inside_the_film(case):
    assert case.mark_moment("r1", 1.23).time == pytest.approx(1.2)  # 25 fps: frame 30 starts at 1.2
    assert case.mark_moment("r1", -3).time == 0
    assert case.mark_moment("r1", 99).time == pytest.approx(9.96)  # the last frame's start
    assert [m.time for m in case.moments_of("r1")] == sorted(m.time for m in case.moments_of("r1"))
    with pytest.raises(NotFoundError):
        case.mark_moment("gone", 1)


@given(st.floats(-5, 50, allow_nan=False), st.sampled_from([24, 25, 29.97, 30, 60]))
def test_on_frame_is_always_a_frame_start_within_the_film(seconds, fps):
    rec = recording(fps=fps, duration=12.0)
    time = on_frame(rec, seconds)
    assert 0 <= time < rec.duration
    assert abs(time * fps - round(time * fps)) < 1e-3


@given(st.floats(0, 3600, allow_nan=False), st.sampled_from([24000 / 1001, 25, 30000 / 1001, 60000 / 1001, 59.94]))
def test_on_frame_of_a_stored_time_stays_on_that_frame(seconds, fps):
    """Times are kept rounded to the microsecond; moving or re-reading one must not slip a frame back."""
    rec = recording(fps=fps, duration=3600.0)
    time = on_frame(rec, seconds)
    assert on_frame(rec, time) == time


def test_first_three_clips_of_a_cycle_are_chosen_in_order(case):
    clips = [case.add_clip("r1", 0, 3), case.add_clip("r2", 5, 9), case.add_clip("r1", 4, 8), case.add_clip("r2", 1, 4)]
    assert [c.chosen for c in clips] == [1, 2, 3, None]
    assert case.add_clip("r3", 1, 4).chosen == 1  # another cycle has its own choice
    case.move_chosen_clip(clips[2].id, -2)
    assert case.chosen_clips(1) == [clips[2], clips[0], clips[1]]
    case.choose_clip(clips[0].id, False)
    assert case.chosen_clips(1) == [clips[2], clips[1]] and [c.chosen for c in case.chosen_clips(1)] == [1, 2]
    case.choose_clip(clips[3].id, True)
    assert case.chosen_clips(1)[-1] == clips[3]
    case.remove_clip(clips[2].id)
    assert [c.chosen for c in case.chosen_clips(1)] == [1, 2]
    with pytest.raises(ValidationError, match="Only a chosen clip"):
        case.move_chosen_clip(clips[0].id, 1)


def test_clip_rules_and_guidance(case):
    with pytest.raises(ValidationError, match="must end after it starts"):
        case.add_clip("r1", 5, 5)
    assert case.add_clip("r1", 0, 1).guidance().startswith("This clip is 1.0 s long")
    assert case.add_clip("r2", 0, 30).guidance() is None  # half a minute is fine
    long = Clip("c", "r2", 0, 61)
    assert "over a minute" in long.guidance()
    assert case.add_clip("r1", 2, 8).guidance() is None
    assert case.add_clip("r1", 8, 50).end == 10.0  # an out point may be the very end


def test_changing_a_span_forgets_the_old_export(case):
    clip = case.add_clip("r1", 0, 3)
    clip.exported = "exports/cycle-1/clip.mp4"
    case.set_clip_span(clip.id, 1, 4)
    assert (clip.start, clip.end, clip.exported) == (1, 4, None)


def test_validation_catches_dangling_and_out_of_range_references(case):
    case.validate()
    moment = case.mark_moment("r1", 1)
    moment.recording_id = "gone"
    with pytest.raises(ValidationError, match="no longer exists"):
        case.validate()
    case.moments.remove(moment)
    with pytest.raises(NotFoundError, match="no cycle 7"):
        case.add_recording(recording("r9", cycle=7))
    case.recordings.append(recording("r9", cycle=7))  # as a damaged file might have it
    with pytest.raises(ValidationError, match="cycle the case does not have"):
        case.validate()


def test_removing_a_moment_unlinks_its_clip(case):
    moment = case.mark_moment("r1", 2)
    clip = case.add_clip("r1", 1, 4, moment_id=moment.id)
    case.remove_moment(moment.id)
    assert clip.moment_id is None and case.moments == []


def test_film_records_round_trip(case):
    moment = case.mark_moment("r1", 2)
    moment.principles, moment.behaviours, moment.turn = ["receiving"], ["Receiving with words"], Turn.ADULT_RESPONSE
    case.add_clip("r1", 1, 4, title="Your smile")
    again = from_record(type(case), json.loads(json.dumps(to_record(case))))
    assert again.moments == case.moments and again.clips == case.clips and again.recordings == case.recordings


def test_shipped_principles_have_the_six_headings():
    principles, warning = load_principles(SHIPPED.parent / "nowhere")
    assert warning is None
    assert [h.title for h in principles.headings] == [
        "Being attentive", "Encouraging initiatives", "Receiving initiatives", "Developing attuned interactions",
        "Guiding", "Deepening the discussion"]
    assert all(h.behaviours for h in principles.headings)


def test_an_own_principles_file_is_used_and_a_broken_one_named(tmp_path):
    own = tmp_path / "principles.json"
    own.write_text(json.dumps({"headings": [{"id": "a", "title": "Attentive", "behaviours": ["Waiting"]}]}))
    principles, warning = load_principles(tmp_path)
    assert [h.id for h in principles.headings] == ["a"] and warning is None
    own.write_text('{"headings": [{"id": "a", "title": "", "behaviours": []}]}')
    principles, warning = load_principles(tmp_path)
    assert len(principles.headings) == 6 and "principles.json: heading 1 needs a “title”" in warning
    own.write_text("{not json")
    assert "not valid JSON" in load_principles(tmp_path)[1]


@pytest.mark.parametrize("data, problem", [
    ([], "“headings” must be a non-empty list"),
    ({"headings": ["x"]}, "heading 1 must be an object"),
    ({"headings": [{"id": "a", "title": "A", "behaviours": ["b"]}, {"id": "a", "title": "B", "behaviours": []}]},
     "heading 2 repeats the id “a”"),
    ({"headings": [{"id": "a", "title": "A", "behaviours": [""]}]}, "needs “behaviours”"),
])
def test_malformed_principles_name_the_problem(data, problem):
    with pytest.raises(ValidationError) as raised:
        parse_principles(data, "mine.json")
    assert str(raised.value).startswith("mine.json:") and problem in str(raised.value)


def test_one_name_for_a_clip_its_title_or_where_it_starts():
    film = recording(fps=25, duration=120)
    assert clip_name(Clip("c", "r1", start=65.4, end=70, title="  Taking turns "), film) == "Taking turns"
    assert clip_name(Clip("c", "r1", start=65.4, end=70), film) == "Clip at 1:05.40"
    assert clip_name(Clip("c", "r1", start=65.4, end=70, title="   "), film) == "Clip at 1:05.40"
    ntsc = recording(fps=30000 / 1001, duration=120)
    start = on_frame(ntsc, 1.04)  # frame 31 starts at 1.0343 s: shown as a time inside that frame
    assert clip_name(Clip("c", "r1", start=start, end=5), ntsc) == "Clip at 0:01.04"


@pytest.mark.parametrize("principles_, behaviours, title", [
    (["encouraging"], ["Waiting"], "Encouraging initiatives: waiting"),
    (["developing", "encouraging"], ["Waiting", "Having fun"], "Developing attuned interactions: having fun"),
    (["guiding"], [], "Guiding"),
    (["guiding"], ["Waiting"], "Guiding"),  # no behaviour of the first principle was seen
    ([], ["Waiting"], "Waiting"),  # kept from a principle since unticked
    (["gone-from-the-file"], ["Waiting"], "Waiting"),
    ([], [], ""),
])
def test_a_clip_cut_around_a_coded_moment_is_titled_from_its_coding(principles_, behaviours, title):
    principles = read_principles(SHIPPED)
    moment = Moment("m", "r1", 1.0, principles=principles_, behaviours=behaviours, note="Mia looked up at Sam")
    assert title_from_coding(moment, principles) == title


def test_a_title_from_coding_keeps_capitals_that_matter_and_fits_a_title():
    principles = parse_principles({"headings": [{"id": "a", "title": "A" * 150, "behaviours": ["I wait", "OK hands"]}]},
                                  "own.json")
    assert title_from_coding(Moment("m", "r1", 1, principles=["a"], behaviours=["OK hands"]), principles) == "A" * 120
    short = parse_principles({"headings": [{"id": "a", "title": "Attentive", "behaviours": ["I wait"]}]}, "own.json")
    waiting = Moment("m", "r1", 1, principles=["a"], behaviours=["I wait"])
    assert title_from_coding(waiting, short) == "Attentive: I wait"


def test_every_behaviour_is_offered_those_of_the_chosen_principles_first():
    principles = read_principles(SHIPPED)
    offered = principles.behaviours_first_of(["developing", "gone-from-the-file", "encouraging"])
    assert offered[:6] == list(principles.heading("developing").behaviours)
    assert offered[6:11] == list(principles.heading("encouraging").behaviours)
    assert sorted(offered) == sorted({b for h in principles.headings for b in h.behaviours})
    assert principles.behaviours_first_of([]) == [b for h in principles.headings for b in h.behaviours]


def test_a_behaviour_seen_brings_its_principle_in():
    principles = read_principles(SHIPPED)
    moment = Moment("m", "r1", 1.0, principles=["guiding"])
    moment.see_behaviours(["Having fun", "Scaffolding", "an old behaviour since removed"], principles)
    assert moment.principles == ["guiding", "developing"]
    assert moment.behaviours == ["Having fun", "Scaffolding", "an old behaviour since removed"]
    moment.see_behaviours([], principles)
    assert moment.principles == ["guiding", "developing"] and moment.behaviours == []
