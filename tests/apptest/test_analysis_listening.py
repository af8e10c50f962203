"""Micro-analysis with what the workbook heard, headless: suggestions accepted and dismissed from
the list and from the player's suggestion bar, the voice correction, the figures, the reaction
offset set in Settings and taken off each mark, and nothing of it in client view."""

from __future__ import annotations

import json

import pytest

from apptest.helpers import open_app, screen_text, send_component_state, send_trigger, unescaped
from vig_core.case.film import Turn
from vig_core.case.voices import LISTENING_VERSION, Listening, Stretch, voice_boundary
from vig_core.services import analysis
from vig_core.services import listening as service
from vig_core.services.demo import ensure_demo_case
from vig_core.storage.listening import ListeningRecord, save_listening
from vig_core.storage.paths import data_root
from vig_core.storage.settings import SettingsStore

CHILD, MOTHER = 320.0, 215.0
FIRST, SECOND = "12.00-14.50", "20.00-25.00"  # the keys of the two suggestions heard below


def said(start: float, end: float, pitch: float) -> Stretch:
    return Stretch(start, end, pitch, voiced=0.9)


@pytest.fixture
def demo(store):
    return ensure_demo_case(store)


@pytest.fixture
def heard(store, demo):
    """The demo film heard: an answered child at 12 s, four turns at 20 s, a child nobody answers at 30 s."""
    rid = store.load(demo).recordings[0].id
    found = [said(12.0, 12.6, CHILD), said(13.2, 14.5, MOTHER), said(20.0, 20.5, CHILD), said(21.0, 22.0, MOTHER),
             said(22.8, 23.3, CHILD), said(23.6, 25.0, MOTHER), said(30.0, 30.5, CHILD)]
    listening = Listening(version=LISTENING_VERSION, duration=40.0, stretches=found,
                          peaks=[0.0, 0.5, 1.0] * 100, boundary_hz=voice_boundary(found))
    save_listening(store, demo, rid, ListeningRecord(listening))
    assert [s.key for s in service.open_suggestions(store, demo, rid)] == [FIRST, SECOND]
    return rid


def player(at, rid: str) -> dict:
    (element,) = [e for e in at.main if getattr(e, "key", None) == f"player-{rid}"]
    return json.loads(element.proto.json)



def test_suggestions_are_listed_and_drawn_with_the_sound(store, demo, heard):
    at = open_app(demo, "pages/analysis.py")
    data = player(at, heard)
    assert [(s["id"], s["start"], s["end"]) for s in data["suggestions"]] == [(FIRST, 12.0, 14.5),
                                                                              (SECOND, 20.0, 25.0)]
    assert "4 turns" in data["suggestions"][1]["label"]
    assert data["peaks"]  # the loudness heard, for the waveform
    labels = [b.label for b in at.button]
    assert "0:12.00–0:14.50 · 2 turns" in labels and "0:20.00–0:25.00 · 4 turns" in labels
    text = screen_text(at)
    assert "miss everything non-verbal (a look, a smile, waiting)" in text
    assert "not a validated measure" in text
    figures = {m.label: m.value for m in at.metric}
    assert figures["Child's initiatives heard"] == "3" and figures["Answered within 2 s"] == "2"
    # Moments are coloured by their first principle, with a legend of the colours in use.
    case = store.load(demo)
    first = case.moments_of(heard)[0]
    marker = next(m for m in data["moments"] if m["id"] == first.id)
    assert marker["color"] == "#0072B2" and first.principles[0] == "attentive"
    assert {"color": "#0072B2", "label": "Being attentive"} in data["legend"]
    assert len(data["clips"]) == len([c for c in case.clips if c.recording_id == heard])


def test_accepting_a_suggestion_makes_a_coded_moment_with_a_clip_and_opens_it(store, demo, heard):
    before = store.load(demo)
    at = open_app(demo, "pages/analysis.py")
    at.button(key=f"accept-{FIRST}").click().run()
    assert not at.exception
    case = store.load(demo)
    (made,) = [m for m in case.moments if m.id not in {m.id for m in before.moments}]
    assert (made.time, made.turn) == (12.0, Turn.CHILD_INITIATIVE.value)
    (clip,) = [c for c in case.clips if c.moment_id == made.id]
    assert clip.start <= 12.0 and clip.end >= 14.5
    assert at.session_state["analysis_moment"] == made.id
    assert "Moment at 0:12.00" in [s.value for s in at.subheader]
    assert [s["id"] for s in player(at, heard)["suggestions"]] == [SECOND]
    assert any(m["id"] == made.id for m in player(at, heard)["moments"])
    at.button(key=f"dismiss-{SECOND}").click().run()
    assert player(at, heard)["suggestions"] == []
    assert "No suggestions open for this film." in screen_text(at)
    assert len(store.load(demo).moments) == len(before.moments) + 1  # dismissing makes nothing


def test_the_players_suggestion_bar_accepts_and_dismisses(store, demo, heard):
    before = len(store.load(demo).moments)
    at = open_app(demo, "pages/analysis.py")
    at = send_trigger(at, f"player-{heard}", "choose", [{"id": "c1", "kind": "suggestion", "item": SECOND,
                                                         "action": "accept"}])
    assert len(store.load(demo).moments) == before + 1
    assert "Moment at 0:20.00" in [s.value for s in at.subheader]
    at = send_trigger(at, f"player-{heard}", "choose", [{"id": "c1", "kind": "suggestion", "item": SECOND,
                                                         "action": "accept"},  # sent again: once only
                                                        {"id": "c2", "kind": "suggestion", "item": FIRST,
                                                         "action": "dismiss"}])
    assert len(store.load(demo).moments) == before + 1
    assert service.heard(store, demo, heard).dismissed == {FIRST}
    assert player(at, heard)["suggestions"] == []


def test_a_marker_clicked_on_the_timeline_opens_its_moment(store, demo):
    case = store.load(demo)
    rid = case.recordings[0].id
    moment = case.moments_of(rid)[2]
    at = open_app(demo, "pages/analysis.py")
    at = send_trigger(at, f"player-{rid}", "choose", [{"id": "x", "kind": "moment", "item": moment.id,
                                                       "action": "open"}])
    assert at.session_state["analysis_moment"] == moment.id
    assert at.session_state[f"position-{rid}"] == moment.time


def test_a_mark_from_the_player_is_a_moment_and_a_second_at_that_time_opens_it(store, demo):
    rid = store.load(demo).recordings[0].id
    before = len(store.load(demo).moments)
    at = open_app(demo, "pages/analysis.py")
    at = send_trigger(at, f"player-{rid}", "mark", [{"id": "a", "at": 12.85, "time": 12.35}])
    marked = [m for m in store.load(demo).moments if m.time == pytest.approx(12.32)]
    assert len(marked) == 1 and at.session_state["analysis_moment"] == marked[0].id
    assert "Moment at 0:12.32" in [s.value for s in at.subheader]
    assert player(at, rid)["seek"] is None  # the player is not sent back to 0:00, nor anywhere
    at = send_trigger(at, f"player-{rid}", "mark", [{"id": "b", "at": 12.85, "time": 12.35}])
    assert len(store.load(demo).moments) == before + 1
    assert any("already marked at 0:12.32" in unescaped(e.value) for e in at.success)


def test_the_voices_corrected_regroup_the_suggestions(store, demo, heard):
    at = open_app(demo, "pages/analysis.py")
    at.toggle(key=f"swap-voices-{heard}").set_value(True).run()
    assert not at.exception
    assert service.heard(store, demo, heard).correction.swapped
    assert [s["id"] for s in player(at, heard)["suggestions"]] != [FIRST, SECOND]  # the mother's voice leads now
    at.toggle(key=f"swap-voices-{heard}").set_value(False).run()
    at.number_input(key=f"voice-boundary-{heard}").set_value(400.0).run()  # both voices below: nobody answers
    assert service.heard(store, demo, heard).correction.boundary_hz == 400.0
    assert player(at, heard)["suggestions"] == []


def test_a_film_not_heard_yet_offers_to_listen(store, demo, monkeypatch):
    started = []
    monkeypatch.setattr(service, "start_listening", lambda *args: started.append(args))
    at = open_app(demo, "pages/analysis.py")
    assert player(at, store.load(demo).recordings[0].id)["suggestions"] == []
    at.button(key="listen").click().run()
    assert not at.exception and len(started) == 1


def test_nothing_heard_is_shown_in_client_view(store, demo, heard):
    at = open_app(demo, "pages/analysis.py")
    assert "Listening" in [s.value for s in at.subheader]
    from vig_core.ui import session

    monkey = pytest.MonkeyPatch()
    monkey.setattr(session, "in_client_view", lambda: True)
    try:
        at.run()
        shown = screen_text(at)
    finally:
        monkey.undo()
    assert "Listening" not in [s.value for s in at.subheader] and "turns" not in shown


def test_the_reaction_offset_is_set_in_settings_and_taken_off_each_mark(store, demo):
    at = open_app(demo, "pages/settings.py")
    box = at.number_input(key="reaction-offset")
    assert box.value == 0.5 and (box.min, box.max, box.step) == (0.0, 2.0, 0.1)
    box.set_value(1.2).run()
    assert not at.exception
    assert analysis.reaction_offset(SettingsStore(data_root())) == 1.2
    rid = store.load(demo).recordings[0].id
    at = open_app(demo, "pages/analysis.py")
    assert player(at, rid)["offset"] == 1.2
    at = send_component_state(at, f"player-{rid}", {"time": 13.52})
    at.button(key="mark-moment").click().run()
    assert any(m.time == pytest.approx(12.32) for m in store.load(demo).moments)  # 13.52 s less 1.2 s


def test_an_impossible_stored_offset_falls_back_to_the_default(data_dir):
    settings = SettingsStore(data_dir)
    for value in (5, -1, "soon", True, float("nan")):
        settings.set(analysis.REACTION_OFFSET, value)
        assert analysis.reaction_offset(settings) == analysis.DEFAULT_REACTION_OFFSET
