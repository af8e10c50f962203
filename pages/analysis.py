"""Micro-analysis: watch a recording, mark moments, code them, cut clips around them."""

import streamlit as st
from streamlit_player import st_player

from vig_core.film import MAX_MOMENT_NOTE, Turn
from vig_core.media.frames import format_time, step
from vig_core.paths import data_root
from vig_core.principles import load_principles
from vig_core import text_fields
from vig_core.ui import session
from vig_core.ui.media import ANALYSIS_RECORDING_KEY, media_url, still
from vig_core.ui.widgets import autosave_text, case_title, confirm_button, require_case

session.begin_page()
MOMENT_KEY = "analysis_moment"
CLIP_AROUND = 3.0  # seconds either side of a moment for a first clip

case = require_case()
case_title(case, "Micro-analysis")
principles, warning = load_principles(data_root())
if warning:
    st.warning(warning)
if not case.recordings:
    st.info("No recordings yet. Add the film of a cycle first.")
    st.page_link("pages/recordings.py", label="Go to Recordings", query_params={"case": case.id})
    st.stop()

ids = [r.id for r in case.recordings]
if st.session_state.get(ANALYSIS_RECORDING_KEY) not in ids:
    st.session_state[ANALYSIS_RECORDING_KEY] = ids[0]
rid = st.selectbox("Recording", ids, key=ANALYSIS_RECORDING_KEY,
                   format_func=lambda i: f"Cycle {case.recording(i).cycle}: {case.recording(i).title}")
recording = case.recording(rid)
position_key, seek_key = f"position-{rid}", f"seek-{rid}"


def player_time() -> float:
    return float(st.session_state.get(position_key, st.session_state.get(seek_key) or 0.0))


def jump(seconds: float) -> None:
    """Reload the player at ``seconds`` (the player has no seek call; see DESIGN.md)."""
    st.session_state[seek_key] = st.session_state[position_key] = round(seconds, 3)


def select(moment_id: str, seconds: float) -> None:
    st.session_state[MOMENT_KEY] = moment_id
    jump(seconds)


def played_seconds(event) -> float | None:
    """Where the player is, from a progress, pause or seek event."""
    if isinstance(event.data, dict) and isinstance(event.data.get("playedSeconds"), (int, float)):
        return float(event.data["playedSeconds"])
    if event.name == "onSeek" and isinstance(event.data, (int, float)):
        return float(event.data)
    return None


@st.fragment
def player() -> None:
    """The player reruns on its own: its progress events don't redraw the page."""
    url = media_url(case.id, recording.playable)
    seek = st.session_state.get(seek_key)
    if seek:
        url += f"?t={seek:.3f}#t={seek:.3f}"
    event = st_player(url, events=["onProgress", "onSeek", "onPause"], progress_interval=250, key=f"player-{rid}")
    # The player repeats its last event on every rerun: only a new one moves the time,
    # or a jump to a moment would be undone by the stale position before it.
    if event != st.session_state.get(f"event-{rid}"):
        st.session_state[f"event-{rid}"] = event
        seconds = played_seconds(event)
        if seconds is not None:
            st.session_state[position_key] = seconds
    st.caption(f"Player at {format_time(player_time(), recording.fps)} of {format_time(recording.duration)}")


def mark() -> None:
    marked = []
    if session.update_case(lambda c: marked.append(c.mark_moment(rid, player_time()))):
        st.session_state[MOMENT_KEY] = marked[0].id
        session.flash("success", f"Moment marked at {format_time(marked[0].time, recording.fps)}.")


watch, listing = st.columns([3, 2])
with watch:
    player()
    # Outside the fragment: marking redraws the whole page, so the new moment is listed at once.
    st.button("Mark moment", key="mark-moment", type="primary", shortcut="M", icon=":material/bookmark_add:",
              on_click=mark, help="Records the moment the player is at (keyboard: M, when the player is not focused).")
with listing:
    st.subheader("Moments")
    moments = case.moments_of(rid)
    if not moments:
        st.caption("None yet: press “Mark moment” (or M) while watching.")
    for moment in moments:
        label = f"{format_time(moment.time, recording.fps)} · " + (
            ", ".join(principles.title(p) for p in moment.principles) or "not coded yet")
        if moment.working_point:
            label += " · working point"
        st.button(label, key=f"moment-{moment.id}", on_click=select, args=(moment.id, moment.time),
                  type="primary" if st.session_state.get(MOMENT_KEY) == moment.id else "secondary",
                  width="stretch")


def save_moment(moment_id: str, field: str, key: str) -> None:
    value = st.session_state[key]
    if field == "turn":
        value = Turn(value) if value else None
    session.update_case(lambda c: setattr(c.moment(moment_id), field, value))


def nudge(moment_id: str, frames: int | None) -> None:
    """Move the moment by whole frames, or to the player's time (``frames`` None)."""
    moved: list[float] = []

    def change(c) -> None:
        time = c.moment(moment_id).time
        target = player_time() if frames is None else step(time, recording.fps, frames, recording.duration)
        moved.append(c.move_moment(moment_id, target))

    if session.update_case(change):
        jump(moved[0])


selected = next((m for m in case.moments_of(rid) if m.id == st.session_state.get(MOMENT_KEY)), None)
if selected:
    st.divider()
    st.subheader(f"Moment at {format_time(selected.time, recording.fps)}")
    picture, coding = st.columns([2, 3])
    with picture:
        st.image(still(case.id, recording.playable, selected.time), caption="The exact frame", width="stretch",
                 alt="The frame of the moment")
        back, forward = st.columns(2)
        back.button("◀ 1 frame", key="frame-back", on_click=nudge, args=(selected.id, -1), width="stretch",
                    shortcut="Left")
        forward.button("1 frame ▶", key="frame-on", on_click=nudge, args=(selected.id, 1), width="stretch",
                       shortcut="Right")
        st.button("Set to the player's time", key="frame-player", on_click=nudge, args=(selected.id, None),
                  width="stretch")
    with coding:
        key = f"principles-{selected.id}"
        st.multiselect("Principles", [h.id for h in principles.headings] + [p for p in selected.principles
                       if principles.heading(p) is None], default=selected.principles, key=key,
                       format_func=principles.title, on_change=save_moment, args=(selected.id, "principles", key))
        offered = [b for p in st.session_state.get(key, selected.principles) if principles.heading(p)
                   for b in principles.heading(p).behaviours]
        key = f"behaviours-{selected.id}"
        st.multiselect("What you see (behaviours)", offered + [b for b in selected.behaviours if b not in offered],
                       default=selected.behaviours, key=key, on_change=save_moment,
                       args=(selected.id, "behaviours", key), placeholder="Choose principles first")
        key = f"turn-{selected.id}"
        turns = [""] + [t.value for t in Turn]
        st.selectbox("Turn in the attuned cycle", turns, index=turns.index(selected.turn or ""), key=key,
                     format_func=lambda t: t or "—", on_change=save_moment, args=(selected.id, "turn", key))
        autosave_text("Note", case, text_fields.moment_note(selected.id),
                      key=f"note-{selected.id}", max_chars=MAX_MOMENT_NOTE, height=100)
        key = f"working-{selected.id}"
        st.checkbox("Working point (a moment to develop, once strengths are established)",
                    value=selected.working_point, key=key, on_change=save_moment,
                    args=(selected.id, "working_point", key))
        make, remove = st.columns(2)
        make.button("Cut a clip around this moment", key="clip-around", icon=":material/content_cut:",
                    on_click=lambda m=selected: session.update_case(
                        lambda c: c.add_clip(rid, m.time - CLIP_AROUND, m.time + CLIP_AROUND, moment_id=m.id),
                        "Clip made: adjust it under Clips."))
        with remove:
            confirm_button("Delete moment…", "Delete this moment and its coding?",
                           lambda m=selected: session.update_case(lambda c: c.remove_moment(m.id), "Moment deleted."),
                           key=f"delete-moment-{selected.id}", confirm_label="Yes, delete it")

st.divider()
st.subheader("Cut a clip by hand")
st.caption("Set the in and out points from the player, or type them (minutes:seconds are shown; type seconds).")
in_key, out_key = f"clip-in-{rid}", f"clip-out-{rid}"
start_col, end_col, add_col = st.columns([2, 2, 2], vertical_alignment="bottom")
start_col.number_input("In (seconds)", min_value=0.0, max_value=recording.duration, step=recording.frame,
                       format="%.2f", key=in_key)
start_col.button("In = player time", key="in-from-player", on_click=lambda: st.session_state.update(
    {in_key: min(player_time(), recording.duration)}))
end_col.number_input("Out (seconds)", min_value=0.0, max_value=recording.duration, step=recording.frame,
                     format="%.2f", key=out_key)
end_col.button("Out = player time", key="out-from-player", on_click=lambda: st.session_state.update(
    {out_key: min(player_time(), recording.duration)}))
add_col.button("Add clip", key="add-clip", type="primary", on_click=lambda: session.update_case(
    lambda c: c.add_clip(rid, st.session_state[in_key], st.session_state[out_key]), "Clip added."))
clips = [c for c in case.clips if c.recording_id == rid]
if clips:
    st.caption(f"{len(clips)} clip(s) from this recording. Choose, order and title them on the Clips page.")
    st.page_link("pages/clips.py", label="Go to Clips", query_params={"case": case.id}, icon=":material/movie:")
