"""Micro-analysis and Clips, driven headless on the demo case: frame steps, coding, marking
and cutting once, times typed as minutes:seconds, and messages beside their control."""

from __future__ import annotations

import pytest

from apptest.helpers import open_app, send_component_state, unescaped
from apptest.test_export_pages import choose
from vig_core.exports.save import Format
from vig_core.services.demo import ensure_demo_case
from vig_core.ui import session
from vig_core.vocab.principles import SHIPPED, read_principles


@pytest.fixture
def demo(store):
    return ensure_demo_case(store)


def after(at, key: str) -> str:
    """The element drawn right after the widget ``key``, as "kind:text" for an alert."""
    elements = list(at.main)
    (index,) = [n for n, e in enumerate(elements) if getattr(e, "key", None) == key]
    following = elements[index + 1]
    return f"{following.type}:{unescaped(following.value)}" if following.type in {
        "error", "warning", "success", "info"} else following.type


def open_moment(at, moment_id: str):
    at.button(key=f"moment-{moment_id}").click().run()
    assert not at.exception
    return at


def new_moment(store, demo, seconds: float = 30.0):
    rid = store.load(demo).recordings[0].id
    made = []
    store.update(demo, lambda c: made.append(c.mark_moment(rid, seconds)))
    return made[0]


def test_presses_folded_into_one_run_each_move_one_frame(store, demo):
    moment = store.load(demo).moments[0]
    at = open_moment(open_app(demo, "pages/analysis.py"), moment.id)
    key = f"frame-step-{moment.id}"
    send_component_state(at, key, {"steps": {"mount": "tab-1", "net": 5, "presses": 5}})  # five quick presses
    assert store.load(demo).moment(moment.id).time == pytest.approx(moment.time + 0.2)
    at.run()  # the same report again moves nothing
    send_component_state(at, key, {"steps": {"mount": "tab-1", "net": 5, "presses": 5}})
    assert store.load(demo).moment(moment.id).time == pytest.approx(moment.time + 0.2)
    send_component_state(at, key, {"steps": {"mount": "after-a-reload", "net": -1, "presses": 1}})  # counts afresh
    assert store.load(demo).moment(moment.id).time == pytest.approx(moment.time + 0.16)
    assert "Moment at 0:04.16" in [s.value for s in at.subheader]


def test_behaviours_are_offered_in_the_same_interaction_as_their_principle(store, demo):
    moment = new_moment(store, demo)
    principles = read_principles(SHIPPED)
    at = open_moment(open_app(demo, "pages/analysis.py"), moment.id)
    behaviours = at.multiselect(key=f"behaviours-{moment.id}")
    assert len(behaviours.options) == sum(len(h.behaviours) for h in principles.headings)  # never an empty list
    assert behaviours.proto.placeholder == "Choose what you see"
    # The principle and one of its behaviours chosen before the page has caught up: one run for both.
    at.multiselect(key=f"principles-{moment.id}").set_value(["developing"])
    at.multiselect(key=f"behaviours-{moment.id}").set_value(["Having fun"])
    at.run()
    saved = store.load(demo).moment(moment.id)
    assert (saved.principles, saved.behaviours) == (["developing"], ["Having fun"])
    offered = at.multiselect(key=f"behaviours-{moment.id}").options
    assert offered[:6] == list(principles.heading("developing").behaviours)
    # A behaviour of a principle not chosen yet brings it in, and the principles box shows it.
    at.multiselect(key=f"behaviours-{moment.id}").set_value(["Having fun", "Waiting"]).run()
    assert store.load(demo).moment(moment.id).principles == ["developing", "encouraging"]
    assert at.multiselect(key=f"principles-{moment.id}").value == ["developing", "encouraging"]
    assert not at.exception


def test_mark_moment_refuses_only_a_true_repeat(store, demo):
    rid = store.load(demo).recordings[0].id
    before = len(store.load(demo).moments)
    at = open_app(demo, "pages/analysis.py")
    at.session_state[f"position-{rid}"] = 12.845  # less the reaction offset of 0.5 s: 12.345 s
    at.button(key="mark-moment").click().run()
    assert after(at, "mark-moment") == "success:Moment marked at 0:12.32."  # beside the button, not at the top
    at.button(key="mark-moment").click().run()  # a double click: the same player time
    assert len(store.load(demo).moments) == before + 1
    at.session_state[f"position-{rid}"] = 13.1  # the player moved on: a second mark
    at.button(key="mark-moment").click().run()
    assert len(store.load(demo).moments) == before + 2
    at.session_state[f"position-{rid}"] = 12.845
    session.forget_presses()  # seconds later: no longer a double click
    at.run()
    at.button(key="mark-moment").click().run()  # paused at an already marked frame: opened, not doubled
    assert len(store.load(demo).moments) == before + 2
    assert after(at, "mark-moment") == "success:A moment is already marked at 0:12.32; it is open below."


def test_a_clip_cut_around_a_coded_moment_is_titled_from_its_coding_once(store, demo):
    moment = store.load(demo).moments[0]  # Being attentive: looking interested with a friendly posture
    before = len(store.load(demo).clips)
    at = open_moment(open_app(demo, "pages/analysis.py"), moment.id)
    at.button(key="clip-around").click().run()
    assert after(at, f"delete-moment-{moment.id}") == ("success:Clip “Being attentive: looking interested with a "
                                                       "friendly posture” made: adjust it under Clips.")
    at.button(key="clip-around").click().run()  # a double click
    clips = store.load(demo).clips
    assert len(clips) == before + 1
    assert clips[-1].title == "Being attentive: looking interested with a friendly posture"
    assert (clips[-1].start, clips[-1].end, clips[-1].moment_id) == (1.0, 7.0, moment.id)


def test_a_clip_by_hand_takes_minutes_seconds_or_seconds_and_says_what_is_wrong_beside_the_box(store, demo):
    rid = store.load(demo).recordings[0].id
    before = len(store.load(demo).clips)
    at = open_app(demo, "pages/analysis.py")
    in_box, out_box = at.text_input(key=f"clip-in-{rid}"), at.text_input(key=f"clip-out-{rid}")
    assert in_box.value == "0:00.00"
    in_box.input("0:05,4")
    out_box.input("ten")
    at.button(key="add-clip").click().run()
    assert len(store.load(demo).clips) == before
    assert after(at, f"clip-out-{rid}").startswith("error:“ten” is not a time: type minutes:seconds (e.g. 1:05.40)")
    assert at.text_input(key=f"clip-out-{rid}").value == "ten"  # what was typed stays
    at.text_input(key=f"clip-out-{rid}").input("12")
    at.button(key="add-clip").click().run()
    assert after(at, "add-clip") == "success:Clip “Clip at 0:05.40” added."
    at.button(key="add-clip").click().run()  # a double click
    clips = store.load(demo).clips
    assert len(clips) == before + 1 and (clips[-1].start, clips[-1].end) == (5.4, 12.0)
    at.text_input(key=f"clip-out-{rid}").input("0:03").run()
    at.button(key="add-clip").click().run()  # out before in
    assert after(at, "add-clip") == "error:A clip must end after it starts; check the in and out points."
    at.session_state[f"position-{rid}"] = 65.4
    at.button(key="out-from-player").click().run()
    assert at.text_input(key=f"clip-out-{rid}").value == "0:40.00"  # the end of the 40 s film


def test_clip_in_and_out_read_and_typed_as_minutes_seconds_with_messages_beside_the_box(store, demo):
    first = store.load(demo).chosen_clips(1)[0]
    at = open_app(demo, "pages/clips.py")
    in_key, out_key = f"in-{first.id}", f"out-{first.id}"
    assert (first.start, first.end) == (8.0, 14.0)
    assert (at.text_input(key=in_key).value, at.text_input(key=out_key).value) == ("0:08.00", "0:14.00")
    at.text_input(key=in_key).input("0:09,5").run()
    at.text_input(key=out_key).input("15.04").run()
    clip = store.load(demo).clip(first.id)
    assert (clip.start, clip.end) == (9.48, 15.04)  # on the frame grid (25 fps)
    assert (at.text_input(key=in_key).value, at.text_input(key=out_key).value) == ("0:09.48", "0:15.04")
    at.text_input(key=in_key).input("1:75").run()
    assert after(at, in_key).startswith("error:“1:75” is not a time")
    assert at.text_input(key=in_key).value == "1:75"  # what was typed stays, to be corrected
    at.text_input(key=out_key).input("0:01").run()  # before the in point
    assert after(at, out_key) == "error:A clip must end after it starts; check the in and out points."
    assert (store.load(demo).clip(first.id).start, store.load(demo).clip(first.id).end) == (9.48, 15.04)
    assert len(at.error) == 1, "beside the box, and nowhere else"


def test_an_untitled_clip_is_called_the_same_on_every_page(store, demo, tmp_path):
    first = store.load(demo).chosen_clips(1)[0]
    store.update(demo, lambda c: setattr(c.clip(first.id), "title", ""))
    at = open_app(demo, "pages/clips.py")
    assert "Clip at 0:08.00" in [t.value for t in at.text]  # the chosen clips, in order
    assert any(unescaped(c.value).startswith("Called “Clip at 0:08.00” until it has a title") for c in at.caption)
    at = open_app(demo, "pages/exports.py")
    choose(at, Format.SUPERVISION, tmp_path)
    assert "Cycle 1: Clip at 0:08.00 (0:08.00 to 0:14.00)" in at.multiselect(key="out-clips").options
