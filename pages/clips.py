"""Clips of a cycle: fine-tune in and out, title them, choose and order them, export them."""

import streamlit as st
from streamlit_player import st_player

from vig_core.clip_export import export_cycle
from vig_core.film import DEFAULT_CHOSEN_CLIPS
from vig_core.media.frames import format_time
from vig_core.recordings import default_cycle
from vig_core.text import MAX_TITLE_TEXT
from vig_core.ui import session
from vig_core.jobs import JOBS
from vig_core.ui.media import cut_chosen_clips, job_progress, media_url, still
from vig_core.ui.widgets import autosave_text, case_title, confirm_button, plain, require_case

session.begin_page()
case = require_case()
store = session.store()
case_title(case, "Clips")
numbers = [c.number for c in case.cycles]
with_clips = [n for n in numbers if case.clips_in(n)]
# The current cycle, unless it has no clips yet and an earlier one has (e.g. straight after a review).
start = default_cycle(case) if case.clips_in(default_cycle(case)) or not with_clips else with_clips[-1]
cycle = st.selectbox("Cycle", numbers, index=numbers.index(start), format_func=lambda n: f"Cycle {n}",
                     key=f"clips-cycle-{case.id}")
cut_chosen_clips(case, cycle)  # now, so the shared review seldom has to wait for them
job_progress(case.id)
clips = case.clips_in(cycle)
if not clips:
    st.info(f"No clips in cycle {cycle} yet. Cut them while watching a recording (Micro-analysis).")
    st.page_link("pages/analysis.py", label="Go to Micro-analysis", query_params={"case": case.id})
    st.stop()


def set_span(clip_id: str, in_key: str, out_key: str) -> None:
    session.update_case(lambda c: c.set_clip_span(clip_id, st.session_state[in_key], st.session_state[out_key]))


def export() -> None:
    cards = bool(st.session_state.get("title-cards", True))
    JOBS.start(case.id, f"Exporting the clips of cycle {cycle}",
              lambda report: export_cycle(store, case.id, cycle, title_cards=cards, on_progress=report))


chosen = case.chosen_clips(cycle)
st.subheader("For the shared review")
if not chosen:
    st.warning("No clip is chosen yet: tick “Show in the shared review” below.")
elif len(chosen) != DEFAULT_CHOSEN_CLIPS:
    st.caption(f"{len(chosen)} clips chosen; most reviews use about {DEFAULT_CHOSEN_CLIPS}.")
for clip in chosen:
    order, title, up, down = st.columns([1, 6, 1, 1], vertical_alignment="center")
    order.markdown(f"**{clip.chosen}.**")
    title.text(clip.title or f"(untitled clip at {format_time(clip.start)})")
    up.button("↑", key=f"up-{clip.id}", help="Show earlier", disabled=clip.chosen == 1,
              on_click=lambda cid=clip.id: session.update_case(lambda c: c.move_chosen_clip(cid, -1)))
    down.button("↓", key=f"down-{clip.id}", help="Show later", disabled=clip.chosen == len(chosen),
                on_click=lambda cid=clip.id: session.update_case(lambda c: c.move_chosen_clip(cid, 1)))
if chosen:
    left, right = st.columns([2, 3], vertical_alignment="center")
    left.toggle("Title cards between clips", value=True, key="title-cards")
    right.button("Export clips, stills and one short film", key="export-clips", type="primary",
                 icon=":material/movie_edit:", on_click=session.guarded(export))
    film = store.case_folder(case.id) / "exports" / f"cycle-{cycle}" / f"cycle-{cycle}-film.mp4"
    if film.exists():
        st.caption(f"Last export: {plain(str(film.parent))} (clip files, stills and the film of cycle {cycle}).")
        with st.expander("Watch the exported film"):
            st_player(media_url(case.id, f"exports/cycle-{cycle}/{film.name}"), key=f"film-player-{cycle}")

st.divider()
st.subheader("All clips of this cycle")
for clip in clips:
    recording = case.recording(clip.recording_id)
    with st.container(border=True):
        autosave_text("Title", clip.title, lambda c, text, cid=clip.id: setattr(c.clip(cid), "title", text),
                      key=f"clip-title-{clip.id}", max_chars=MAX_TITLE_TEXT, single_line=True,
                      help="Shown on the title card and in the shared review; the parent will read it.")
        st.caption(f"From “{plain(recording.title)}” · {format_time(clip.start, recording.fps)} to "
                   f"{format_time(clip.end, recording.fps)} · {clip.duration:.1f} s")
        if clip.guidance():
            st.warning(clip.guidance())
        first, last, edit = st.columns([2, 2, 3])
        first.image(still(case.id, recording.playable, clip.start, max_width=320), caption="First frame",
                    alt="First frame of the clip")
        last.image(still(case.id, recording.playable, max(clip.start, clip.end - recording.frame), max_width=320),
                   caption="Last frame", alt="Last frame of the clip")
        with edit:
            in_key, out_key = f"in-{clip.id}", f"out-{clip.id}"
            st.number_input("In (seconds)", 0.0, recording.duration, value=clip.start, step=recording.frame,
                            format="%.2f", key=in_key, on_change=set_span, args=(clip.id, in_key, out_key))
            st.number_input("Out (seconds)", 0.0, recording.duration, value=clip.end, step=recording.frame,
                            format="%.2f", key=out_key, on_change=set_span, args=(clip.id, in_key, out_key))
            key = f"chosen-{clip.id}"
            st.checkbox("Show in the shared review", value=bool(clip.chosen), key=key,
                        on_change=lambda cid=clip.id, k=key: session.update_case(
                            lambda c: c.choose_clip(cid, st.session_state[k])))
            confirm_button("Delete clip…", "Delete this clip? The recording and its moments stay.",
                           lambda cid=clip.id: session.update_case(lambda c: c.remove_clip(cid), "Clip deleted."),
                           key=f"delete-clip-{clip.id}", confirm_label="Yes, delete it")
        with st.expander("Watch this clip"):
            # A media fragment (#t=in,out) makes the browser play just the clip's span.
            st_player(f"{media_url(case.id, recording.playable)}?t={clip.start:.3f}#t={clip.start:.3f},{clip.end:.3f}",
                      key=f"clip-player-{clip.id}")
