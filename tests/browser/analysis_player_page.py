"""A bare page holding only the analysis player, for tests/browser/test_analysis_player.py.

Run as ``streamlit run tests/browser/analysis_player_page.py`` with ``VIG_TEST_FILM`` naming a
film: the workbook's own media route serves it (without the workbook's lock and launch key,
which the player does not touch). Marks become moments on the timeline, suggestions accepted
become moments too, and what the player reported is shown as JSON under it.
"""

import json
import os
import sys
from dataclasses import asdict
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from vig_core.web.route import media_routes

app = st.App(__file__, routes=media_routes())

if st.runtime.exists():
    from vig_core.ui.analysis_player import (
        LegendEntry,
        TimelineMoment,
        TimelineSpan,
        analysis_player,
        seek_player,
    )
    from vig_core.web.tokens import TOKENS

    st.set_page_config(layout="wide")
    moments = st.session_state.setdefault("moments", [TimelineMoment("m0", 1.0, "#1f77b4", "Looking, child")])
    suggestions = st.session_state.setdefault("suggestions", [TimelineSpan("s1", 5.0, 7.0, "3 turns")])
    log = st.session_state.setdefault("log", [])
    st.text_input("Note", key="note")  # a text box: the player's keys must leave it alone
    if st.button("Go to 2 s"):
        seek_player("player", 2.0)

    def read_player_time() -> None:  # as the workbook's Mark moment and In/Out buttons do
        state = st.session_state.get("player")
        st.session_state["time-at-press"] = state.get("time") if hasattr(state, "get") else None

    st.button("Player time", on_click=read_player_time)

    def on_event(event) -> None:  # before the page is drawn: the new moment is on the timeline at once
        for mark in event.marks:
            moments.append(TimelineMoment(mark.id, mark.time, "#d62728", "Marked"))
        for choice in event.choices:
            if choice.action == "accept":
                accepted = next(s for s in suggestions if s.id == choice.item)
                suggestions.remove(accepted)
                moments.append(TimelineMoment(accepted.id, accepted.start, "#2ca02c", "Accepted"))
        log.append({"marks": [asdict(m) for m in event.marks], "choices": [asdict(c) for c in event.choices]})

    event = analysis_player(
        TOKENS.issue(Path(os.environ["VIG_TEST_FILM"]), name="film.mp4"),
        fps=25.0, duration=30.0, key="player", moments=list(moments),
        clips=[TimelineSpan("c1", 3.0, 4.5, "Clip 1")], suggestions=list(suggestions),
        legend=[LegendEntry("#1f77b4", "Being attentive")], peaks=[abs((i % 50) - 25) for i in range(1500)],
        offset=0.5, on_event=on_event,
    )
    with st.container(key="player-log"):
        st.text(json.dumps({"time": event and event.time, "log": log,
                               "time_at_press": st.session_state.get("time-at-press"),
                               "moments": [m.time for m in moments]}))
