"""Goals in the parent's words, each rated 0 to 10, with their rating history."""

import pandas as pd
import streamlit as st

from vig_core.models import MAX_GOAL_TEXT, RATING_MAX, RATING_MIN, goal_is_about_the_adult
from vig_core import text_fields
from vig_core.ui import session
from vig_core.ui.widgets import autosave_text, case_title, require_case, shown

session.begin_page()
case = require_case()
today = session.today()
case_title(case, "Our goals" if session.in_client_view() else "Goals")
st.caption(
    "Goals in your own words, about what you would like to do. 0 means not at all where you want to be, "
    "10 means exactly where you want to be."
)


def rate(goal_id: str, key: str) -> None:
    session.update_case(lambda c: c.goal(goal_id).rate(int(st.session_state[key]), today), "Rating saved.")


def set_retired(goal_id: str, retired: bool) -> None:
    def change(c):
        c.goal(goal_id).retired_on = today if retired else None

    session.update_case(change, "Goal retired (restore it below)." if retired else "Goal restored.")


active = case.active_goals
if not active:
    st.info("No goals yet. Add the first one below.")
for position, goal in enumerate(active, start=1):
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
        slider_col.slider("Where are things now?", RATING_MIN, RATING_MAX,
                          latest.score if latest else 5, key=key)
        button_col.button("Save rating", key=f"save-{goal.id}", on_click=rate, args=(goal.id, key))
        if len(goal.ratings) > 1:
            with st.expander("Rating history"):
                st.dataframe(pd.DataFrame([{"Date": r.on, "Rating (0-10)": r.score} for r in goal.ratings]),
                             hide_index=True)
        up, down, retire = st.columns(3)
        up.button("Move up", key=f"up-{goal.id}", icon=":material/arrow_upward:", disabled=position == 1,
                  on_click=lambda gid=goal.id: session.update_case(lambda c: c.move_goal(gid, -1)))
        down.button("Move down", key=f"down-{goal.id}", icon=":material/arrow_downward:",
                    disabled=position == len(active),
                    on_click=lambda gid=goal.id: session.update_case(lambda c: c.move_goal(gid, +1)))
        retire.button("Retire", key=f"retire-{goal.id}", icon=":material/archive:",
                      help="Put this goal aside; its ratings are kept and it can be restored.",
                      on_click=set_retired, args=(goal.id, True))


def add_goal() -> None:
    text = st.session_state["new-goal-text"]
    score = int(st.session_state["new-goal-score"])
    if session.update_case(lambda c: c.add_goal(text, score, today), "Goal added."):
        st.session_state["new-goal-text"] = ""
        st.session_state["new-goal-score"] = 5
        if not goal_is_about_the_adult(text):
            session.flash("info", "Tip: goals work best when they are about what the adult will do "
                                  "(“I would like to…”). You can reword it above at any time.")


st.subheader("Add a goal")
with st.form("new-goal", border=True):
    st.text_area("The goal, in the parent's words", key="new-goal-text", max_chars=MAX_GOAL_TEXT,
                 placeholder="e.g. I would like to wait and see what my child wants to do next.", height=80)
    st.slider("Where are things now? (0 to 10)", RATING_MIN, RATING_MAX, 5, key="new-goal-score")
    st.form_submit_button("Add goal", type="primary", on_click=add_goal)

retired = [g for g in case.goals if g.retired_on]
if retired:
    with st.expander(f"Retired goals ({len(retired)})"):
        for goal in retired:
            text_col, button_col = st.columns([5, 1], vertical_alignment="center")
            text_col.text(shown(goal.text))
            button_col.button("Restore", key=f"restore-{goal.id}", on_click=set_retired, args=(goal.id, False))

st.caption("Goal ratings follow Goal Based Outcomes (GBO), © Duncan Law, licensed CC BY-NC-SA 4.0.")
