"""Goals in the parent's words, each rated 0 to 10, with their rating history."""

from functools import partial

import pandas as pd
import streamlit as st

from vig_core.case import text_fields
from vig_core.case.goals import RATING_MAX, RATING_MIN, goal_is_about_the_adult
from vig_core.services import goals
from vig_core.text import MAX_GOAL_TEXT
from vig_core.ui import session
from vig_core.ui.widgets import autosave_text, case_title, confirm_button, require_case, shown

session.begin_page()
case = require_case()
today = session.today()
private = not session.in_client_view()
case_title(case, "Our goals" if session.in_client_view() else "Goals")
st.caption(
    "Goals in your own words, about what you would like to do. 0 means not at all where you want to be, "
    "10 means exactly where you want to be."
)


def rate(goal_id: str, key: str) -> None:
    session.update_case(lambda c: c.rate_goal(goal_id, int(st.session_state[key]), today), "Rating saved.")


def set_retired(goal_id: str, retired: bool) -> None:
    def change(c):
        c.goal(goal_id).retired_on = today if retired else None

    session.update_case(change, "Goal retired (restore it below)." if retired else "Goal restored.")


def set_shown(goal_id: str, key: str) -> None:
    session.update_case(lambda c: c.goal(goal_id).set_shown_when_retired(bool(st.session_state[key])))


def delete(goal_id: str) -> None:
    session.update_case(lambda c: c.remove_goal(goal_id), "Goal deleted.")


def delete_button(goal) -> None:
    """Only for a goal rated no more than when it was set (one added by mistake, say)."""
    if private and goal.deletable:
        confirm_button("Delete", "Delete this goal? It has no ratings beyond its first, so it can go; "
                       "this cannot be undone.", partial(delete, goal.id), key=f"delete-goal-{goal.id}",
                       confirm_label="Yes, delete it")


active = case.active_goals
numbers = {g.id: n for n, g in case.numbered_goals()}
if not active:
    st.info("No goals yet. Add the first one below.")
for index, goal in enumerate(active):
    position = numbers[goal.id]  # as the family's charts number it
    with st.container(border=True):
        st.markdown(f"**Goal {position}**")
        autosave_text("Goal", case, text_fields.goal_text(goal.id), key=f"goal-text-{goal.id}",
                      max_chars=MAX_GOAL_TEXT, height=80)
        first, latest = goal.first_rating, goal.latest_rating
        if len(goal.ratings) == 1:
            st.markdown(f"Rated **{first.score}/10** on {first.on:%d %b %Y}")
        elif first:
            st.markdown(
                f"First rating **{first.score}/10** ({first.on:%d %b %Y}) · latest **{latest.score}/10** "
                f"({latest.on:%d %b %Y}) · change {latest.score - first.score:+d}"
            )
        slider_col, button_col = st.columns([4, 1], vertical_alignment="bottom")
        key = f"rate-{goal.id}"
        on_screen = slider_col.slider("Where are things now?", RATING_MIN, RATING_MAX, goal.current_score, key=key,
                                  on_change=rate, args=(goal.id, key), help="Kept as soon as the slider is moved.")
        button_col.button("Save rating", key=f"save-{goal.id}", on_click=rate, args=(goal.id, key),
                          help="Rate it again as shown, e.g. when it has not moved.")
        if on_screen != goal.current_score:
            st.caption(f":material/warning: Not saved yet: {on_screen}/10 is not kept. Move the slider again, "
                       "or press “Save rating”.")
        if len(goal.ratings) > 1:
            with st.expander("Rating history"):
                st.dataframe(pd.DataFrame([{"Date": r.on, "Given at": r.label, "Rating (0-10)": r.score}
                                           for r in goal.ratings]), hide_index=True)
        up, down, retire = st.columns(3)
        up.button("Move up", key=f"up-{goal.id}", icon=":material/arrow_upward:", disabled=index == 0,
                  on_click=lambda gid=goal.id: session.update_case(lambda c: c.move_goal(gid, -1)))
        down.button("Move down", key=f"down-{goal.id}", icon=":material/arrow_downward:",
                    disabled=index == len(active) - 1,
                    on_click=lambda gid=goal.id: session.update_case(lambda c: c.move_goal(gid, +1)))
        retire.button("Retire", key=f"retire-{goal.id}", icon=":material/archive:",
                      help="Put this goal aside; its ratings are kept and it can be restored.",
                      on_click=set_retired, args=(goal.id, True))
        delete_button(goal)


def add_goal() -> None:
    text = st.session_state["new-goal-text"]
    score = int(st.session_state["new-goal-score"])
    # The press is counted under the case's lock, with no Streamlit call between it and the goal:
    # a double click's second run can cut into a callback at any use of session state.
    done = session.act_on_case(goals.add_goal, text, score, today,
                               admit=lambda: session.first_press("add-goal", case.id, text, score))
    if done:
        st.session_state["new-goal-text"] = ""  # a repeat press empties the box too
        st.session_state["new-goal-score"] = 5
        if done.value is None:
            return  # a double click: the goal was added by the first
        session.flash("success", "Goal added.")
        if not goal_is_about_the_adult(text):
            session.flash("info", "Tip: goals work best when they are about what the adult will do "
                                  "(“I would like to…”). You can reword it above at any time.")


st.subheader("Add a goal")
with st.form("new-goal", border=True):
    st.text_area("The goal, in the parent's words", key="new-goal-text", max_chars=MAX_GOAL_TEXT,
                 placeholder="e.g. I would like to wait and see what my child wants to do next.", height=80)
    st.slider("Where are things now? (0 to 10)", RATING_MIN, RATING_MAX, 5, key="new-goal-score")
    st.form_submit_button("Add goal", type="primary", on_click=add_goal)

retired = [g for g in case.goals if g.retired_on and (private or g.shown)]  # hidden ones: not in client view
if retired:
    with st.expander(f"Retired goals ({len(retired)})"):
        if private:
            st.caption("A retired goal is left out of the family's charts and documents (Our progress, Our ending, "
                       "Looking back, the celebration summary, the scores CSV) unless you choose to show it.")
        for goal in retired:
            text_col, button_col = st.columns([5, 1], vertical_alignment="center")
            text_col.text(shown(goal.text))
            button_col.button("Restore", key=f"restore-{goal.id}", on_click=set_retired, args=(goal.id, False))
            if private:
                show_key = f"show-retired-{goal.id}"
                st.checkbox("Show it in the family's charts and documents", value=goal.shown_when_retired,
                            key=show_key, on_change=set_shown, args=(goal.id, show_key),
                            help=f"Shown as Goal {numbers[goal.id]}." if goal.id in numbers else None)
                delete_button(goal)

st.caption("Goal ratings follow Goal Based Outcomes (GBO), © Duncan Law, licensed CC BY-NC-SA 4.0.")
