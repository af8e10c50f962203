"""Recordings, micro-analysis and clips pages, driven headless on the demo case."""

from __future__ import annotations

import re
from datetime import date

import pytest

from apptest.helpers import messages, open_app, screen_text, send_component_state
from conftest import make_case
from media_fixtures import make
from vig_core.demo import ensure_demo_case
from vig_core.jobs import JOBS
from vig_core.media.tokens import TOKENS
from vig_core.models import ConsentKind


@pytest.fixture
def demo(store):
    return ensure_demo_case(store)


def finish_jobs(at, owner: str, kind: str = "error") -> list[str]:
    """Wait for the owner's background jobs; the messages (of ``kind``) shown meanwhile and after."""
    seen = messages(at, kind)
    for job in JOBS.of(owner):
        JOBS.wait(job)
    at.run()
    assert not at.exception
    return seen + messages(at, kind)


def test_recordings_lists_the_demo_film_and_offers_both_ways_in(store, demo):
    at = open_app(demo, "pages/recordings.py")
    assert [t.value for t in at.title] == ["Recordings"]
    assert at.selectbox(key=f"rec-cycle-{demo}").value == 1  # new films go to the current cycle
    assert at.text_input(key=f"rec-title-{store.load(demo).recordings[0].id}").value.startswith("Building a tower")
    assert "5 moments" in screen_text(at)
    assert at.button(key=f"import-local-{demo}") and at.toggle(key="keep-originals").value is False


def test_import_from_this_computer_runs_in_the_background_and_lands(store, demo, tmp_path):
    film = make("phone hevc rotated é.mov", tmp_path)
    at = open_app(demo, "pages/recordings.py")
    at.selectbox(key=f"rec-cycle-{demo}").select(1)
    at.text_input(key=f"local-path-{demo}").input(str(tmp_path)).run()
    assert "phone hevc rotated é.mov" in at.selectbox(key=f"local-pick-{demo}").options
    at.selectbox(key=f"local-pick-{demo}").select(film.name)
    at.button(key=f"import-local-{demo}").click().run()
    assert not at.exception and not messages(at)
    assert any("done" in m for m in finish_jobs(at, demo, "success"))
    new = [r for r in store.load(demo).recordings if r.original_name == film.name]
    assert [(r.cycle, r.width, r.height) for r in new] == [(1, 240, 320)]


def test_a_broken_file_is_refused_in_one_sentence_and_leaves_nothing(store, demo, tmp_path):
    broken = make("random.mp4", tmp_path)
    at = open_app(demo, "pages/recordings.py")
    at.text_input(key=f"local-path-{demo}").input(str(broken)).run()
    at.button(key=f"import-local-{demo}").click().run()
    (error,) = finish_jobs(at, demo)
    assert "random.mp4" in error and "not a film the workbook can read" in error
    assert len(store.load(demo).recordings) == 1
    assert len(list((store.case_folder(demo) / "recordings").iterdir())) == 1


def test_a_missing_path_and_no_consent_are_explained(store, tmp_path):
    case = make_case(store)
    at = open_app(case.id, "pages/recordings.py")
    assert "no filming consent" in " ".join(messages(at, "warning"))
    assert not at.text_input  # no way to import without consent
    store.update(case.id, lambda c: c.consent.give(ConsentKind.FILMING, date(2026, 1, 5)))
    at = open_app(case.id, "pages/recordings.py")
    at.text_input(key=f"local-path-{case.id}").input(str(tmp_path / "nope.mov")).run()
    at.button(key=f"import-local-{case.id}").click().run()
    assert any("There is no file at" in m for m in messages(at))


def test_removing_a_recording_asks_first(store, demo):
    rid = store.load(demo).recordings[0].id
    at = open_app(demo, "pages/recordings.py")
    at.button(key=f"remove-{rid}").click().run()
    assert store.load(demo).recordings  # only asked so far
    at.button(key=f"remove-{rid}-yes").click().run()
    case = store.load(demo)
    assert case.recordings == [] and case.moments == [] and case.clips == []
    assert not (store.case_folder(demo) / "recordings" / rid).exists()


def test_analysis_plays_through_a_token_and_marks_at_the_player_time(store, demo):
    rid = store.load(demo).recordings[0].id
    at = open_app(demo, "pages/analysis.py")
    assert [t.value for t in at.title] == ["Micro-analysis"]
    playable = store.media_path(demo, store.load(demo).recordings[0].playable)
    (url,) = set(re.findall(r"/api/media/[\w-]+/[\w.-]+", screen_text(at)))  # the player's url
    token = url.split("/")[-2]
    assert url.startswith("/api/media/") and url.endswith(".mp4") and str(store.root) not in url
    assert TOKENS.resolve(token) == playable
    at.session_state[f"position-{rid}"] = 12.345  # as the player's progress events set it
    at.button(key="mark-moment").click().run()
    assert not at.exception
    marked = [m for m in store.load(demo).moments if m.time == pytest.approx(12.32)]  # the frame at 12.345 s
    assert len(marked) == 1 and at.session_state["analysis_moment"] == marked[0].id


def test_a_jump_to_a_moment_is_not_undone_by_the_players_last_event(store, demo):
    case = store.load(demo)
    rid = case.recordings[0].id
    moment = case.moments_of(rid)[0]
    at = open_app(demo, "pages/analysis.py")
    at.session_state[f"player-{rid}"] = {"name": "onProgress", "data": {"playedSeconds": 20.0}}
    at.run()
    assert at.session_state[f"position-{rid}"] == 20.0
    at.button(key=f"moment-{moment.id}").click().run()  # the player still reports 20 s
    assert at.session_state[f"position-{rid}"] == moment.time
    at.session_state[f"player-{rid}"] = {"name": "onSeek", "data": 7.5}
    at.run()
    assert at.session_state[f"position-{rid}"] == 7.5


def test_coding_a_moment_and_stepping_frames(store, demo):
    case = store.load(demo)
    moment = case.moments_of(case.recordings[0].id)[0]
    at = open_app(demo, "pages/analysis.py")
    at.button(key=f"moment-{moment.id}").click().run()
    assert at.image, "the exact frame is shown"
    step = f"frame-step-{moment.id}"
    send_component_state(at, step, {"steps": {"mount": "m1", "net": 1, "presses": 1}})
    assert store.load(demo).moment(moment.id).time == pytest.approx(moment.time + 0.04)
    send_component_state(at, step, {"steps": {"mount": "m1", "net": -1, "presses": 3}})  # two presses back
    assert store.load(demo).moment(moment.id).time == pytest.approx(moment.time - 0.04)
    at.multiselect(key=f"principles-{moment.id}").set_value(["guiding"]).run()
    at.multiselect(key=f"behaviours-{moment.id}").set_value(["Scaffolding"]).run()
    at.selectbox(key=f"turn-{moment.id}").select("child: initiative").run()
    at.text_area(key=f"note-{moment.id}").input("<script>alert(1)</script> **kept verbatim**").run()
    at.checkbox(key=f"working-{moment.id}").check().run()
    saved = store.load(demo).moment(moment.id)
    assert (saved.principles, saved.behaviours, saved.turn, saved.working_point) == (
        ["guiding"], ["Scaffolding"], "child: initiative", True)
    assert saved.note == "<script>alert(1)</script> **kept verbatim**"
    at.button(key="clip-around").click().run()
    assert any(c.moment_id == moment.id for c in store.load(demo).clips[3:])


def test_clips_page_orders_titles_and_exports(store, demo):
    case = store.load(demo)
    first, second, third = case.chosen_clips(1)
    at = open_app(demo, "pages/clips.py")
    assert at.selectbox(key=f"clips-cycle-{demo}").value == 1  # the cycle that has clips
    assert len(at.image) == 6  # first and last frame of each clip
    at.button(key=f"down-{first.id}").click().run()
    assert [c.id for c in store.load(demo).chosen_clips(1)] == [second.id, first.id, third.id]
    at.checkbox(key=f"chosen-{third.id}").uncheck().run()
    assert [c.id for c in store.load(demo).chosen_clips(1)] == [second.id, first.id]
    at.text_input(key=f"out-{first.id}").input(str(first.start + 1)).run()
    assert any("shorter than 2 s" in m for m in messages(at, "warning"))
    at.button(key="export-clips").click().run()
    done = finish_jobs(at, demo, "success")
    assert any("Exporting the clips of cycle 1: done" in m for m in done), messages(at)
    exported = [c.exported for c in store.load(demo).chosen_clips(1)]
    assert all(exported) and all((store.case_folder(demo) / e).is_file() for e in exported)
