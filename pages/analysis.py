"""Micro-analysis: watch a recording, mark moments, code them, cut clips around them.

The film plays in the analysis player (:mod:`vig_core.ui.analysis_player`): seeking never
reloads it, and its timeline shows the sound, the moments in their principles' colours, the
clips and the suggestions. Marks (key M) come back as one event each and go through the
same named service as the *Mark moment* button.
"""

import streamlit as st

from vig_core.case import text_fields
from vig_core.case.film import MAX_MOMENT_NOTE, ME, Moment, Turn, clip_name, on_frame
from vig_core.case.frames import TIME_CHARS, format_time, parse_time
from vig_core.case.turns import turn_labels
from vig_core.errors import ValidationError
from vig_core.services import analysis, coding
from vig_core.storage.paths import data_root
from vig_core.ui import coders, messages, routes, session
from vig_core.ui.analysis_player import PlayerEvent, analysis_player, peaks_bytes, seek_player
from vig_core.ui.analysis_view import timeline_clips, timeline_legend, timeline_moments, timeline_suggestions
from vig_core.ui.browser_video import browser_plays_hevc
from vig_core.ui.frame_stepper import frame_stepper
from vig_core.ui.hevc_notice import plays_here
from vig_core.ui.listening_panel import SUGGESTIONS, Listened, accept, dismiss, listening_section, read_listened
from vig_core.ui.media import ANALYSIS_RECORDING_KEY, ANALYSIS_SEEK_KEY, media_url, still
from vig_core.ui.widgets import autosave_text, case_title, confirm_button, plain, require_case, shown
from vig_core.vocab.principles import load_principles

session.begin_page()
MOMENT_KEY = "analysis_moment"
CLIP_AROUND = 3.0  # seconds either side of a moment for a first clip

case = require_case()
case_title(case, "Micro-analysis")
principles, warning = load_principles(data_root())
if warning:
    st.warning(plain(warning))
if not case.recordings:
    st.info("No recordings yet. Add the film of a cycle first.")
    routes.link(routes.RECORDINGS, label="Go to Recordings", case_id=case.id)
    st.stop()

ids = [r.id for r in case.recordings]
if st.session_state.get(ANALYSIS_RECORDING_KEY) not in ids:
    st.session_state[ANALYSIS_RECORDING_KEY] = ids[0]
rid = st.selectbox("Recording", ids, key=ANALYSIS_RECORDING_KEY,
                   format_func=lambda i: shown(f"Cycle {case.recording(i).cycle}: {case.recording(i).title}"))
recording = case.recording(rid)
browser_plays_hevc()  # asked once per page load: a kept HEVC film plays only where the browser can
player_key, position_key, reported_key = f"player-{rid}", f"position-{rid}", f"reported-{rid}"
offset = analysis.reaction_offset(session.settings())
private = not session.in_client_view()  # what the sound suggests is the practitioner's alone
practitioner = coding.practitioner_name(session.settings())
coder, blind = coders.coding_as(case, rid, practitioner) if private else (ME, False)
mine = coder == ME  # clips and the sound's suggestions are the practitioner's: only while coding as them
listened = read_listened(case.id, rid) if private and mine else Listened(None)


def player_time() -> float:
    """Where the player is: its newest report, or where the page last sent it. Only a new report
    moves the time, so a jump to a moment is not undone by the report from before it."""
    state = st.session_state.get(player_key)
    reported = state.get("time") if hasattr(state, "get") else None
    if isinstance(reported, int | float) and not isinstance(reported, bool) and (
            reported != st.session_state.get(reported_key)):
        st.session_state[reported_key] = st.session_state[position_key] = float(reported)
    return float(st.session_state.get(position_key, 0.0))


def jump(seconds: float) -> None:
    """Send the player to ``seconds`` (it seeks; the film is not loaded again)."""
    seek_player(player_key, seconds)
    st.session_state[position_key] = round(seconds, 3)


def select(moment_id: str, seconds: float) -> None:
    st.session_state[MOMENT_KEY] = moment_id
    jump(seconds)


def open_moment(moment: Moment) -> None:
    select(moment.id, moment.time)


def mark(seconds: float) -> None:
    """A moment at ``seconds`` (put on its frame). A moment already at that time is opened instead
    of making another (a paused player marked twice); a new time always marks."""
    if done := session.act_on_case(analysis.mark_moment, rid, on_frame(recording, seconds), coder):
        marked = done.value
        st.session_state[MOMENT_KEY] = marked.moment.id
        when = format_time(marked.moment.time, recording.fps)
        session.flash("success", f"Moment marked at {when}." if marked.new else
                      f"A moment is already marked at {when}; it is open below.")


def mark_button() -> None:
    """*Mark moment*: the player's time less the reaction offset. A second press at the same
    time in quick succession is a double click, not a second mark."""
    seconds = on_frame(recording, max(0.0, player_time() - offset))
    if session.first_press("mark-moment", rid, seconds):
        mark(seconds)


def on_player(event: PlayerEvent) -> None:
    """Marks and clicks from the player, each once, before the page is drawn (so the list shows them)."""
    for request in event.marks:
        st.session_state[position_key] = request.player_time
        messages.guarded("mark-moment", mark)(request.time)
    for choice in event.choices:
        if choice.kind == "moment" and choice.action == "open" and any(
                m.id == choice.item for m in case.moments_of(rid, coder)):
            st.session_state[MOMENT_KEY] = choice.item
            st.session_state[position_key] = case.moment(choice.item).time
        elif choice.kind == "suggestion" and choice.action == "accept":
            messages.guarded(SUGGESTIONS, accept)(recording, choice.item, open_moment)
        elif choice.kind == "suggestion" and choice.action == "dismiss":
            messages.guarded(SUGGESTIONS, dismiss)(recording, choice.item)


seek = st.session_state.pop(ANALYSIS_SEEK_KEY, None)  # another page asked to look at a time (Agreement)
if isinstance(seek, int | float) and not isinstance(seek, bool):
    there = next((m for m in case.moments_of(rid) if abs(m.time - seek) < 1e-6), None)
    if there:
        select(there.id, seek)
    else:
        jump(seek)

# The player takes the page's whole width: the picture as large as the screen allows, and a
# timeline wide enough to find a few seconds in a long film. Lists and coding come under it.
moments = case.moments_of(rid, coder)  # only the chosen coder's are listed; others show grey unless blind
others = [] if blind else coders.others_on_timeline(case, rid, coder, principles)
if plays_here(case.id, recording):  # a kept HEVC film in a browser that cannot play it: a notice instead
    analysis_player(
        media_url(case.id, recording.playable), fps=recording.fps, duration=recording.duration, key=player_key,
        moments=timeline_moments(moments, principles) + others,
        clips=[] if blind else timeline_clips([c for c in case.clips if c.recording_id == rid], recording),
        suggestions=timeline_suggestions(listened.offered),
        legend=timeline_legend(moments, principles) + coders.others_legend(others),
        peaks=peaks_bytes(listened.peaks), offset=offset, on_event=on_player)
player_time()  # a report that came with this run
st.button("Mark moment", key="mark-moment", type="primary", icon=":material/bookmark_add:",
          on_click=messages.guarded("mark-moment", mark_button),
          help=f"Marks where the player is, less the reaction offset of {offset:.1f} s (Settings). "
               "Keyboard: M, whenever no text box has the focus.")
messages.show("mark-moment")
listing, heard_column = st.columns(2, gap="large")
with listing:
    st.subheader("Moments", anchor=False)
    messages.show("moments")
    if not moments:
        st.caption("None yet: press M (or “Mark moment”) while watching.")
    with st.container(height=420 if len(moments) > 8 else "content", border=False):
        for moment in moments:
            label = f"{format_time(moment.time, recording.fps)} · " + (
                ", ".join(principles.title(p) for p in moment.principles) or "not coded yet")
            if moment.working_point:
                label += " · working point"
            st.button(label, key=f"moment-{moment.id}", on_click=select, args=(moment.id, moment.time),
                      type="primary" if st.session_state.get(MOMENT_KEY) == moment.id else "secondary",
                      width="stretch")
if private and mine:
    with heard_column:
        listening_section(case.id, recording, listened, go_to=jump, opened=open_moment)


def save_principles(moment_id: str, key: str) -> None:
    session.update_case(lambda c: c.moment(moment_id).set_principles(st.session_state[key]))


def save_turn(moment_id: str, key: str) -> None:
    session.update_case(lambda c: c.moment(moment_id).set_turn(st.session_state[key] or None))


def save_working_point(moment_id: str, key: str) -> None:
    session.update_case(lambda c: c.moment(moment_id).set_working_point(st.session_state[key]))


def see_behaviours(moment_id: str, key: str, principles_key: str) -> None:
    """Save the behaviours seen, and show the principles they brought in (see Moment.see_behaviours)."""
    if done := session.act_on_case(analysis.see_behaviours, moment_id, st.session_state[key], principles):
        st.session_state[principles_key] = done.value


def nudge(moment_id: str, frames: int | None) -> None:
    """Move the moment by whole frames, or to the player's time (``frames`` None)."""
    if frames is None:
        done = session.act_on_case(analysis.move_moment, moment_id, player_time())
    else:
        done = session.act_on_case(analysis.step_moment, moment_id, frames)
    if done:
        jump(done.value)


def cut_around(moment_id: str, seconds: float) -> None:
    """A first clip around the moment, titled from its coding; adjusted later under Clips."""
    if not session.first_press("clip-around", moment_id, seconds):
        return
    if done := session.act_on_case(analysis.cut_clip_around, moment_id, CLIP_AROUND, principles):
        session.flash("success", f"Clip “{clip_name(done.value, recording)}” made: adjust it under Clips.")


selected = next((m for m in case.moments_of(rid, coder) if m.id == st.session_state.get(MOMENT_KEY)), None)
if selected:
    st.divider()
    st.subheader(f"Moment at {format_time(selected.time, recording.fps)}")
    picture, coding = st.columns([2, 3])
    with picture:
        st.image(still(case.id, recording.playable, selected.time), caption="The exact frame", width="stretch",
                 alt="The frame of the moment")
        # Not buttons: presses that come while a run is going would be folded into one.
        key = f"frame-step-{selected.id}"
        frame_stepper(key, on_step=messages.guarded(key, lambda frames, mid=selected.id: nudge(mid, frames)))
        messages.show(key)
        st.button("Set to the player's time", key="frame-player", width="stretch",
                  on_click=messages.guarded("frame-player", nudge), args=(selected.id, None))
        messages.show("frame-player")
    with coding:
        principles_key, behaviours_key = f"principles-{selected.id}", f"behaviours-{selected.id}"
        st.session_state.setdefault(principles_key, list(selected.principles))
        st.session_state.setdefault(behaviours_key, list(selected.behaviours))
        st.multiselect("Principles", [h.id for h in principles.headings] + [p for p in selected.principles
                       if principles.heading(p) is None], key=principles_key,
                       format_func=lambda h: shown(principles.title(h)),
                       on_change=messages.guarded(principles_key, save_principles),
                       args=(selected.id, principles_key))
        messages.show(principles_key)
        chosen = st.session_state[principles_key]
        offered = principles.behaviours_first_of(chosen)

        def behaviour_label(behaviour: str) -> str:
            heading = principles.heading_of(behaviour)
            return shown(behaviour if heading is None or heading.id in chosen else f"{behaviour} ({heading.title})")

        st.multiselect("What you see (behaviours)", offered + [b for b in selected.behaviours if b not in offered],
                       key=behaviours_key, format_func=behaviour_label, placeholder="Choose what you see",
                       on_change=messages.guarded(behaviours_key, see_behaviours),
                       args=(selected.id, behaviours_key, principles_key),
                       help="The behaviours of the chosen principles come first; choosing another brings its "
                            "principle in.")
        messages.show(behaviours_key)
        key = f"turn-{selected.id}"
        turns, named = [""] + [t.value for t in Turn], turn_labels(recording.kind)  # guider/parent in a review
        st.selectbox("Turn in the attuned cycle", turns, index=turns.index(selected.turn or ""), key=key,
                     format_func=lambda t: named[Turn(t)] if t else "—", on_change=messages.guarded(key, save_turn),
                     args=(selected.id, key))
        messages.show(key)
        autosave_text("Note", case, text_fields.moment_note(selected.id),
                      key=f"note-{selected.id}", max_chars=MAX_MOMENT_NOTE, height=100)
        key = f"working-{selected.id}"
        st.checkbox("Working point (a moment to develop, once strengths are established)",
                    value=selected.working_point, key=key, on_change=messages.guarded(key, save_working_point),
                    args=(selected.id, key))
        messages.show(key)
        make, remove = st.columns(2)
        if mine:  # clips for the family are cut around the practitioner's own moments
            make.button("Cut a clip around this moment", key="clip-around", icon=":material/content_cut:",
                        on_click=messages.guarded("clip-around", cut_around), args=(selected.id, selected.time))
        with remove:
            confirm_button("Delete moment…", "Delete this moment and its coding?",
                           messages.guarded("moments", lambda m=selected: session.update_case(
                               lambda c: c.remove_moment(m.id), "Moment deleted.")),
                           key=f"delete-moment-{selected.id}", confirm_label="Yes, delete it")
        messages.show("clip-around")


def typed_time(key: str) -> float | None:
    """The time typed in the box ``key`` (minutes:seconds or seconds); None, with a word beside the box,
    if unreadable."""
    try:
        return parse_time(st.session_state[key])
    except ValidationError as error:
        messages.flash(key, "error", str(error))
        return None


def add_by_hand() -> None:
    start, end = typed_time(in_key), typed_time(out_key)
    if start is None or end is None or not session.first_press("add-clip", rid, start, end):
        return
    if done := session.act_on_case(analysis.add_clip, rid, start, end):
        session.flash("success", f"Clip “{clip_name(done.value, recording)}” added.")


def from_player(key: str) -> None:
    st.session_state[key] = format_time(min(player_time(), recording.duration), recording.fps)


st.divider()
if blind:
    st.caption("Blind coding is on: every other coder's moments, the clips and the layers are hidden.")
elif private:
    coders.layers_section(case, recording, practitioner)
if not mine:
    st.stop()  # clips are the practitioner's, for the family
st.divider()
st.subheader("Cut a clip by hand")
st.caption("Set the in and out points from the player, or type them as minutes:seconds (1:05.40) or seconds (65.4).")
in_key, out_key = f"clip-in-{rid}", f"clip-out-{rid}"
start_col, end_col, add_col = st.columns([2, 2, 2], vertical_alignment="bottom")
for column, key, label in ((start_col, in_key, "In"), (end_col, out_key, "Out")):
    with column:
        st.session_state.setdefault(key, format_time(0.0))
        st.text_input(label, key=key, max_chars=TIME_CHARS, placeholder="m:ss.cc",
                      help="Minutes:seconds, e.g. 1:05.40, or seconds, e.g. 65.4.")
        messages.show(key)
        st.button(f"{label} = player time", key=f"{label.lower()}-from-player", on_click=from_player, args=(key,))
with add_col:
    st.button("Add clip", key="add-clip", type="primary", on_click=messages.guarded("add-clip", add_by_hand))
    messages.show("add-clip")
clips = [c for c in case.clips if c.recording_id == rid]
if clips:
    st.caption(f"{len(clips)} clip(s) from this recording. Choose, order and title them on the Clips page.")
    routes.link(routes.CLIPS, label="Go to Clips", case_id=case.id, icon=":material/movie:")
