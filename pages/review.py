"""Shared review: the chosen clips in order, reflective prompts, the parent's own words,
goals re-rated and the cycle closed. In client view nothing private is drawn."""

import streamlit as st

from vig_core.case import text_fields
from vig_core.case.consent_rules import Use, allows
from vig_core.case.cycles import CycleStatus
from vig_core.case.film import MAX_MOMENT_NOTE, clip_name
from vig_core.case.goals import RATING_MAX, RATING_MIN
from vig_core.case.review import (
    has_clip_file,
    rated_at_review,
    rating_note,
    reopen_cycle,
    rerate_goals,
    review_cycle,
    words_by_prompt,
)
from vig_core.services import review
from vig_core.storage.definitions import forget_own_prompt_set, save_own_prompt_set
from vig_core.storage.paths import data_root
from vig_core.text import MAX_NOTE_TEXT
from vig_core.ui import routes, session
from vig_core.ui.media import cut_chosen_clips, job_progress
from vig_core.ui.review_player import PLAYING, STILL, clip_player
from vig_core.ui.widgets import autosave_text, case_title, confirm_button, plain, require_case, shown
from vig_core.vocab.prompts import SHARED_REVIEW, edited_prompt_set, load_prompt_sets

session.begin_page()
case = require_case()
today = session.today()
private = not session.in_client_view()
if not private:
    st.set_page_config(initial_sidebar_state="collapsed")  # the film is what the parent came for
case_title(case, "Shared review")
prompt_sets, warnings = load_prompt_sets(data_root())
for warning in warnings if private else []:
    st.warning(plain(warning))
prompts = prompt_sets[SHARED_REVIEW].prompts
parent = f"{plain(case.carer_name)}’s" if case.carer_name else "The parent’s"

start = review_cycle(case)
if start is None:
    st.info("No clips are chosen for a shared review yet.")
    if private:
        routes.link(routes.CLIPS, label="Choose clips", case_id=case.id, icon=":material/movie:")
    st.stop()
numbers = [c.number for c in case.cycles if case.chosen_clips(c.number)]
cycle = start
if private or len(numbers) > 1:  # (in client view with one cycle the clip buttons say where we are)
    choose, begin = st.columns([1, 3], vertical_alignment="bottom")
    if len(numbers) > 1:
        cycle = choose.selectbox("Cycle", numbers, index=numbers.index(start), format_func=lambda n: f"Cycle {n}",
                                 key=f"review-cycle-{case.id}")
    else:
        choose.markdown(f"**Cycle {cycle}**")
    if private:
        begin.button("Start the shared review in client view", key="start-review", type="primary",
                     icon=":material/visibility:", help="The parent then sees only their own clips, goals and words.",
                     on_click=lambda: (session.enter_client_view(case.id), session.go_to(routes.REVIEW)))
clips = case.chosen_clips(cycle)
cut_chosen_clips(case, cycle)  # the review plays only cut clip files, never the whole recording

step_key = f"review-step-{case.id}-{cycle}"
finish = len(clips)
if st.session_state.get(step_key, 0) not in range(finish + 1):  # a clip was unchosen meanwhile
    st.session_state[step_key] = 0
back, where, forward = st.columns([1, 3, 1], vertical_alignment="center")
where.radio("Where we are", list(range(finish + 1)), key=step_key, horizontal=True, label_visibility="collapsed",
            format_func=lambda i: "To finish" if i == finish else f"Clip {i + 1}")
step = st.session_state[step_key]
if step == finish or has_clip_file(session.store().case_folder(case.id), clips[step]):
    job_progress(case.id)  # (while a clip is being cut, its progress shows in the player's place)


def go(offset: int) -> None:
    st.session_state[step_key] = max(0, min(finish, st.session_state[step_key] + offset))
    st.session_state[PLAYING] = st.session_state[STILL] = False


def close() -> None:
    if done := session.act_on_case(review.close_review, cycle, today):
        session.flash("success", done.value)


back.button("Previous clip", key="review-back", icon=":material/skip_previous:", disabled=step == 0,
            on_click=go, args=(-1,), shortcut="P", width="stretch", wrap=True, help="Keyboard: P")
forward.button("Next clip" if step < finish - 1 else "To finish", key="review-next", disabled=step == finish,
               icon=":material/skip_next:", on_click=go, args=(1,), shortcut="N", width="stretch", wrap=True,
               help="Keyboard: N")

if step < finish:
    clip = clips[step]
    recording = case.recording(clip.recording_id)
    # The film is what the parent came for: a portrait (phone) film stands as tall as the screen
    # allows with its controls beside it, a landscape one takes the wider column.
    tall = recording.height > recording.width
    watch, talk = st.columns([2, 3] if tall else [3, 2], gap="large")
    talk.subheader(f"{step + 1}. {plain(clip_name(clip, recording))}")
    with watch:
        clip_player(case.id, clip, recording, controls=talk if tall else None)
    with talk:
        one_key, at_key = "review-one-at-a-time", f"review-prompt-{clip.id}"
        st.toggle("One question at a time", value=True, key=one_key)
        index = min(st.session_state.get(at_key, 0), len(prompts) - 1)
        asked = [prompts[index]] if st.session_state[one_key] else list(prompts)
        said = words_by_prompt(case, clip.id)
        for prompt in asked:
            st.markdown(f"### {plain(prompt.text)}")
            autosave_text(f"{parent} words", case, text_fields.parent_words(clip.id, prompt, today),
                          key=f"words-{clip.id}-{prompt.id}", max_chars=MAX_NOTE_TEXT, height=110,
                          help="Type what they say, in their own words; it is kept as said.")
        if st.session_state[one_key]:
            earlier, later = st.columns(2)
            earlier.button("Back", key="prompt-back", icon=":material/arrow_back:", disabled=index == 0,
                           width="stretch", wrap=True, on_click=lambda: st.session_state.update({at_key: index - 1}))
            later.button("Next question", key="prompt-next", disabled=index == len(prompts) - 1, width="stretch",
                         wrap=True, on_click=lambda: st.session_state.update({at_key: index + 1}))
            st.caption(f"Question {index + 1} of {len(prompts)}")
        for reflection in (r for r in said.values() if r.prompt_id not in {p.id for p in prompts}):
            st.caption(f"Earlier question: {plain(reflection.prompt)}")
            st.text(shown(reflection.words))
        if private:
            with st.expander("Practitioner only (hidden in client view)", icon=":material/lock:"):
                autosave_text("Positive naming: what you see the parent doing well", case,
                              text_fields.clip_naming(clip.id), key=f"naming-{clip.id}", max_chars=MAX_MOMENT_NOTE,
                              height=90,
                              help="May be used as the caption of this clip's still in the strengths record.")
                autosave_text("Private note on this clip", case, text_fields.clip_private_note(clip.id),
                              key=f"private-{clip.id}", max_chars=MAX_NOTE_TEXT, height=90)
else:
    st.subheader("To finish")
    goals = case.active_goals
    rated = rated_at_review(case, cycle)
    if goals:
        st.markdown("#### Where are things now with each goal?")
        st.caption("0 means not at all where you want to be, 10 means exactly where you want to be. "
                   "A rating is kept as soon as the slider is moved.")

        def keep_ratings(goal_ids: list[str]) -> None:
            scores = {gid: st.session_state[f"rerate-{cycle}-{gid}"] for gid in goal_ids}
            session.update_case(lambda c: rerate_goals(c, cycle, scores, today))

        numbers = {g.id: n for n, g in case.numbered_goals()}  # as the family's charts number them
        for goal in goals:
            kept, key = rated.get(goal.id), f"rerate-{cycle}-{goal.id}"
            on_screen = st.slider(f"Goal {numbers[goal.id]}: {plain(goal.text)}", RATING_MIN, RATING_MAX,
                              goal.current_score if kept is None else kept, key=key,
                              on_change=keep_ratings, args=([goal.id],))
            st.caption(rating_note(goal, on_screen, kept))

        st.button("Keep the ratings as shown", key="save-ratings", icon=":material/save:",
                  on_click=keep_ratings, args=([g.id for g in goals],),
                  help="For goals that are where they were: keeps every rating shown for this review.")
        if rated:
            st.caption(f"Rated at this review: {len(rated)} of {len(goals)} goals.")
    autosave_text("What would you like us to film next time?", case, text_fields.cycle_text(cycle, "film_next"),
                  key=f"film-next-{case.id}-{cycle}", max_chars=MAX_NOTE_TEXT, height=90)
    if private:
        autosave_text("Review notes (practitioner only, hidden in client view)", case,
                      text_fields.cycle_text(cycle, "review_notes"),
                      key=f"review-notes-{case.id}-{cycle}", max_chars=MAX_NOTE_TEXT, height=120)
        autosave_text("Your own reflection, for supervision (practitioner only)", case,
                      text_fields.cycle_text(cycle, "own_reflection"),
                      key=f"own-reflection-{case.id}-{cycle}", max_chars=MAX_NOTE_TEXT, height=120,
                      help="How you guided this review: what went well, what you would like to think about with "
                           "your supervisor. It goes into the supervision pack with the clips.")
    if case.cycle(cycle).status is CycleStatus.REVIEWED:
        st.success(f"Cycle {cycle} is complete.", icon=":material/check_circle:")
        if private:
            st.button(f"Reopen cycle {cycle}", key="reopen-cycle", help="Undo closing it, e.g. after a slip.",
                      on_click=lambda: session.update_case(lambda c: reopen_cycle(c, cycle),
                                                        f"Cycle {cycle} reopened."))
    else:
        said_for = [c for c in clips if case.reflections_of(c.id)]
        rated_now = sum(g.id in rated for g in goals)
        rating_count = f"Goals rated at this review: {rated_now} of {len(goals)}. " if goals else ""
        confirm_button(f"Finish the review and close cycle {cycle}…",
                       f"Close cycle {cycle}? Words were noted for {len(said_for)} of {len(clips)} clips. "
                       f"{rating_count}It can be reopened later.",
                       close, key="close-cycle", confirm_label=f"Yes, close cycle {cycle}")
    if allows(case, Use.FAMILY_COPY):
        routes.link(routes.STRENGTHS, label="See the strengths record to keep", icon=":material/photo_library:",
                    case_id=case.id)


if private:
    with st.expander("Edit the questions", icon=":material/edit_note:"):
        st.caption("One question per line: change the wording, the order, or add your own. "
                   "They are kept for this workbook; the shipped set stays available.")
        st.text_area("Questions", "\n".join(p.text for p in prompts), key="prompt-lines", height=180)

        def save_prompts() -> None:
            edited = edited_prompt_set(prompt_sets[SHARED_REVIEW], st.session_state["prompt-lines"])
            save_own_prompt_set(data_root(), edited)
            session.flash("success", "Questions saved.")

        def restore_prompts() -> None:
            forget_own_prompt_set(data_root(), SHARED_REVIEW)
            st.session_state.pop("prompt-lines", None)
            session.flash("success", "Back to the shipped questions.")

        save, restore = st.columns(2)
        save.button("Save the questions", key="save-prompts", on_click=session.guarded(save_prompts))
        restore.button("Use the shipped questions", key="restore-prompts", on_click=session.guarded(restore_prompts))
