"""The analysis player's Python side, headless: what it sends the browser, and how the time,
marks and choices it reports come back (each mark once, however often it is sent)."""

from __future__ import annotations

import base64
import json

import pytest
from streamlit.testing.v1 import AppTest

from apptest.helpers import send_component_state, send_trigger
from vig_core.ui.analysis_player import peaks_bytes, player_data


def player_page() -> None:
    """A page with the player and, under it, what it reported (the moments grow by the marks,
    added in ``on_event`` when the page asks for it)."""
    import streamlit as st

    from vig_core.ui.analysis_player import LegendEntry, TimelineMoment, TimelineSpan, analysis_player, seek_player

    moments = st.session_state.setdefault("moments", [TimelineMoment("m1", 4.0, "#1f77b4", "Looking")])
    callback = st.session_state.get("use-callback")

    def on_event(event) -> None:
        st.session_state.setdefault("handed", []).append(event)
        moments.extend(TimelineMoment(m.id, m.time, "#d62728") for m in event.marks)

    if st.button("Go to 12 s"):
        seek_player("player", 12.0)
    event = analysis_player("/api/media/token/film.mp4", fps=25.0, duration=60.0, key="player",
                            moments=list(moments), clips=[TimelineSpan("c1", 3.0, 8.0, "Clip 1")],
                            suggestions=[TimelineSpan("s1", 20.0, 24.0, "3 turns")],
                            legend=[LegendEntry("#1f77b4", "Being attentive")], peaks=[0.0, 0.5, 1.0],
                            offset=0.5, on_event=on_event if callback else None)
    st.session_state.setdefault("returned", []).append(event)
    st.markdown(f"moments: {len(moments)}")


@pytest.fixture
def at() -> AppTest:
    at = AppTest.from_function(player_page, default_timeout=30)
    at.run()
    assert not at.exception, at.exception
    return at


def sent(at: AppTest) -> dict:
    (element,) = [e for e in at.main if getattr(e, "key", None) == "player"]
    return json.loads(element.proto.json)



TWO_MARKS = [{"id": "a", "at": 10.03, "time": 9.53}, {"id": "b", "at": 0.2, "time": 0.0}]


def last_returned(at: AppTest):
    return at.session_state["returned"][-1]


def test_the_browser_gets_the_film_its_marks_and_its_sound(at: AppTest) -> None:
    data = sent(at)
    assert data["url"] == "/api/media/token/film.mp4" and data["key"] == "player"
    assert (data["fps"], data["duration"], data["offset"]) == (25.0, 60.0, 0.5)
    assert data["moments"] == [{"id": "m1", "time": 4.0, "color": "#1f77b4", "label": "Looking"}]
    assert data["clips"] == [{"id": "c1", "start": 3.0, "end": 8.0, "label": "Clip 1", "color": ""}]
    assert data["suggestions"][0]["id"] == "s1" and data["legend"] == [{"color": "#1f77b4", "label": "Being attentive"}]
    assert base64.b64decode(data["peaks"]) == bytes([0, 128, 255])
    assert data["seek"] is None
    assert last_returned(at) is None  # nothing reported yet


def test_a_seek_asked_by_the_page_is_sent_with_its_own_id(at: AppTest) -> None:
    at.button[0].click().run()
    first = sent(at)["seek"]
    assert first["time"] == 12.0 and first["id"]
    at.run()
    assert sent(at)["seek"] == first  # the same request: the browser carries it out once
    at.button[0].click().run()
    assert sent(at)["seek"]["id"] != first["id"]


def test_the_time_reported_comes_back(at: AppTest) -> None:
    at = send_component_state(at, "player", {"time": 12.48})
    event = last_returned(at)
    assert event.time == 12.48 and event.marks == () and event.choices == ()


def test_a_mark_is_the_time_less_the_offset_snapped_to_its_frame_and_reported_once(at: AppTest) -> None:
    at = send_trigger(at, "player", "mark", [{"id": "a", "at": 10.03, "time": 9.53}])
    (mark,) = last_returned(at).marks
    assert (mark.id, mark.time, mark.player_time) == ("a", pytest.approx(9.52), 10.03)
    assert last_returned(at).mark == mark
    at.run()
    assert last_returned(at) is None  # a trigger lasts one run
    # Sent again with a newer one (the browser repeats recent marks): only the new one counts.
    at = send_trigger(at, "player", "mark", TWO_MARKS)
    assert [m.id for m in last_returned(at).marks] == ["b"]
    at = send_trigger(at, "player", "mark", TWO_MARKS)
    assert last_returned(at) is None


def test_malformed_reports_are_left_out(at: AppTest) -> None:
    at = send_trigger(at, "player", "mark", [{"id": "x", "at": "soon", "time": 1}, "nonsense", {"at": 1, "time": 1},
                                   {"id": "y", "at": float("inf"), "time": 1}])
    assert last_returned(at) is None
    at = send_trigger(at, "player", "choose", [{"id": "c", "kind": "moment", "item": "m1", "action": "delete"}])
    assert last_returned(at) is None


def test_choices_on_the_timeline_come_back(at: AppTest) -> None:
    at = send_trigger(at, "player", "choose", [{"id": "c1", "kind": "moment", "item": "m1", "action": "open"},
                                     {"id": "c2", "kind": "suggestion", "item": "s1", "action": "accept"}])
    assert [(c.kind, c.item, c.action) for c in last_returned(at).choices] == [
        ("moment", "m1", "open"), ("suggestion", "s1", "accept")]


def test_with_on_event_a_mark_reaches_the_page_before_it_is_drawn(at: AppTest) -> None:
    at.session_state["use-callback"] = True
    at.run()
    at = send_trigger(at, "player", "mark", [{"id": "a", "at": 10.03, "time": 9.53}])
    assert [m.id for m in at.session_state["handed"][-1].marks] == ["a"]
    assert "moments: 2" in at.markdown[-1].value  # drawn with the new moment
    assert sent(at)["moments"][-1]["time"] == pytest.approx(9.52)
    assert last_returned(at) is None  # handed over once, not returned as well


def test_peaks_are_one_byte_each_the_loudest_255() -> None:
    assert peaks_bytes([0.0, 0.25, 1.0, -3.0, float("nan")]) == bytes([0, 64, 255, 0, 0])
    assert peaks_bytes([0.0, 0.0]) == bytes(2)
    assert peaks_bytes([]) == b""


@pytest.mark.parametrize("fps, duration", [(0.0, 10.0), (float("nan"), 10.0), (25.0, -1.0), (25.0, float("inf"))])
def test_impossible_films_are_refused(fps: float, duration: float) -> None:
    with pytest.raises(ValueError):
        player_data("/x.mp4", key="k", fps=fps, duration=duration)
