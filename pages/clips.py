"""Clips of a cycle: fine-tune in and out, title them, choose and order them, export them."""

import streamlit as st
from streamlit_player import st_player

from vig_core.case import text_fields
from vig_core.case.film import DEFAULT_CHOSEN_CLIPS, RecordingKind, clip_name
from vig_core.case.frames import TIME_CHARS, format_time, parse_time
from vig_core.services import analysis, vault
from vig_core.services.clips import export_cycle
from vig_core.services.jobs import JOBS
from vig_core.services.recordings import default_cycle
from vig_core.text import MAX_TITLE_TEXT
from vig_core.ui import messages, routes, session
from vig_core.ui.browser_video import browser_plays_hevc
from vig_core.ui.hevc_notice import plays_here
from vig_core.ui.media import cut_chosen_clips, job_progress, media_url, still
from vig_core.ui.widgets import autosave_text, case_title, confirm_button, plain, require_case, shown

session.begin_page()
case = require_case()
store = session.store()
case_title(case, "Clips")
browser_plays_hevc()  # asked once per page load: a kept HEVC film plays only where the browser can
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
    routes.link(routes.ANALYSIS, label="Go to Micro-analysis", case_id=case.id)
    st.stop()


def set_point(clip_id: str, key: str, in_key: str, out_key: str) -> None:
    """Move the clip's in point (``key`` is ``in_key``) or out point to the time typed there;
    the other point stays as stored. Both boxes then show the times as kept (on the frame grid)."""
    seconds = parse_time(st.session_state[key])
    if done := session.act_on_case(analysis.set_clip_point, clip_id, seconds, out_point=key != in_key):
        kept = done.value
        fps = case.recording(kept.recording_id).fps
        st.session_state[in_key], st.session_state[out_key] = format_time(kept.start, fps), format_time(kept.end, fps)


def move(clip_id: str, offset: int) -> None:
    session.update_case(lambda c: c.move_chosen_clip(clip_id, offset))


def export() -> None:
    if not session.first_press("export-clips", case.id, cycle):
        return
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
    title.text(shown(clip_name(clip, case.recording(clip.recording_id))))
    up.button("↑", key=f"up-{clip.id}", help="Show earlier", disabled=clip.chosen == 1,
              on_click=messages.guarded("order", move), args=(clip.id, -1))
    down.button("↓", key=f"down-{clip.id}", help="Show later", disabled=clip.chosen == len(chosen),
                on_click=messages.guarded("order", move), args=(clip.id, 1))
messages.show("order")
if chosen:
    left, right = st.columns([2, 3], vertical_alignment="center")
    left.toggle("Title cards between clips", value=True, key="title-cards")
    right.button("Export clips, stills and one short film", key="export-clips", type="primary",
                 icon=":material/movie_edit:", on_click=messages.guarded("export-clips", export))
    with right:
        messages.show("export-clips")
    film = store.case_folder(case.id) / "exports" / f"cycle-{cycle}" / f"cycle-{cycle}-film.mp4"
    if film.exists():
        if vault.is_vault(store.root):  # encrypted there: of no use outside the workbook
            st.caption(f"Last export: the clip files, stills and the film of cycle {cycle}, kept encrypted in the "
                       "data folder. Watch the film here; to give the clips to the family, make the family's "
                       "copy (Settings), or the supervision pack (Exports).")
        else:
            st.caption(f"Last export: {plain(str(film.parent))} (clip files, stills and the film of cycle {cycle}).")
        with st.expander("Watch the exported film"):
            st_player(media_url(case.id, f"exports/cycle-{cycle}/{film.name}"), key=f"film-player-{cycle}")

st.divider()
st.subheader("All clips of this cycle")
messages.show("all-clips")
for clip in clips:
    recording = case.recording(clip.recording_id)
    with st.container(border=True):
        autosave_text("Title", case, text_fields.clip_title(clip.id),
                      key=f"clip-title-{clip.id}", max_chars=MAX_TITLE_TEXT, single_line=True,
                      help="Shown on the title card and in the shared review; the parent will read it.")
        untitled = "" if clip.title.strip() else f"Called “{clip_name(clip, recording)}” until it has a title · "
        st.caption(f"{plain(untitled)}From “{plain(recording.title)}” · {format_time(clip.start, recording.fps)} to "
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
            for key, label, seconds in ((in_key, "In", clip.start), (out_key, "Out", clip.end)):
                st.session_state.setdefault(key, format_time(seconds, recording.fps))
                st.text_input(label, key=key, max_chars=TIME_CHARS, on_change=messages.guarded(key, set_point),
                              args=(clip.id, key, in_key, out_key),
                              help="Minutes:seconds, e.g. 1:05.40, or seconds, e.g. 65.4.")
                messages.show(key)
            key = f"chosen-{clip.id}"
            if recording.kind is RecordingKind.SHARED_REVIEW:  # never shown to the parent
                st.caption("From a film of a shared review: for supervision, not for the parent.")
            else:
                st.checkbox("Show in the shared review", value=bool(clip.chosen), key=key,
                            on_change=messages.guarded(key, lambda cid=clip.id, k=key: session.update_case(
                                lambda c: c.choose_clip(cid, st.session_state[k]))))
            messages.show(key)
            confirm_button("Delete clip…", "Delete this clip? The recording and its moments stay.",
                           messages.guarded("all-clips", lambda cid=clip.id: session.update_case(
                               lambda c: c.remove_clip(cid), "Clip deleted.")),
                           key=f"delete-clip-{clip.id}", confirm_label="Yes, delete it")
        with st.expander("Watch this clip"):
            # A media fragment (#t=in,out) makes the browser play just the clip's span.
            if plays_here(case.id, recording, where=f"-clip-{clip.id}"):
                st_player(f"{media_url(case.id, recording.playable)}?t={clip.start:.3f}#t={clip.start:.3f},"
                          f"{clip.end:.3f}", key=f"clip-player-{clip.id}")
