"""The ending: a closing conversation, the questionnaires again, the change, a celebration
summary to print, and goals for the future."""

import streamlit as st

from vig_core.case import outcomes, text_fields
from vig_core.case.consent_rules import Use, allows
from vig_core.case.conversation import ENDING_FIELDS, MAX_FUTURE_GOALS
from vig_core.case.cycles import Stage
from vig_core.case.questionnaires import TIME_POINT_LABELS, TimePoint
from vig_core.printables.celebration import celebration_html
from vig_core.printables.strengths import strengths_items
from vig_core.storage.paths import case_file_name
from vig_core.text import MAX_GOAL_TEXT, MAX_NOTE_TEXT
from vig_core.ui import messages, routes, session
from vig_core.ui.media import still
from vig_core.ui.outcomes import instruments, show_outcomes, shown_results
from vig_core.ui.widgets import autosave_text, case_title, plain, require_case, shown

session.begin_page()
case = require_case()
client_view = session.in_client_view()
today = session.today()
found, _ = instruments()
case_title(case, "Our ending" if client_view else "Ending")
if case.stage not in (Stage.ENDING, Stage.CLOSED) and not client_view:
    st.info("The ending comes after the last shared review. You can prepare it here at any time.")

st.subheader("Looking back together", anchor=False)
for name, (label, hint) in ENDING_FIELDS.items():
    autosave_text(label, case, text_fields.ending(name),
                  key=f"ending-{case.id}-{name}", max_chars=MAX_NOTE_TEXT, help=hint, height=110)
if not client_view:
    st.caption(":material/visibility_off: Hidden in client view.")
    autosave_text("Your own ending notes", case, text_fields.ending("practitioner_notes"),
                  key=f"ending-private-{case.id}", max_chars=MAX_NOTE_TEXT, height=110)

    st.subheader("Questionnaires at the end", anchor=False)
    given = {a.instrument_id for a in case.administrations if a.time_point is not TimePoint.END}
    for instrument_id in sorted(given & set(found)):
        instrument = found[instrument_id]
        with messages.contained(f"The questionnaire “{instrument.title}”"):
            progress = outcomes.progress(case.administration(instrument_id, TimePoint.END), instrument)
            st.write(f"{plain(instrument.title)}: {plain(progress)}")
    if not given:
        st.caption("No questionnaire was given earlier.")

    def to_questionnaires() -> None:
        st.session_state[f"time-point-{case.id}"] = TimePoint.END
        session.go_to(routes.QUESTIONNAIRES)

    st.button(f"Questionnaires: {TIME_POINT_LABELS[TimePoint.END].lower()}", key="ending-questionnaires",
              icon=":material/assignment:", on_click=to_questionnaires)

st.subheader("Before and after", anchor=False)
show_outcomes(case, found, plain=client_view, key="ending")

st.subheader("Your words to keep" if client_view else "Quotes for the celebration summary", anchor=False)
reflections = {r.id: r for r in case.reflections}
if client_view:
    for quote_id in case.ending.chosen_quotes:
        st.text(shown(f"“{reflections[quote_id].words}”"))
    if not case.ending.chosen_quotes:
        st.caption("None chosen yet.")
elif reflections:
    key = f"quotes-{case.id}"
    st.multiselect("The parent's words to celebrate", list(reflections), default=case.ending.chosen_quotes,
                   format_func=lambda rid: shown(reflections[rid].words[:120]), key=key,
                   on_change=lambda: messages.update_case(
                       key, lambda c: c.ending.choose_quotes(st.session_state[key])))
    messages.show(key)
else:
    st.caption("The parent's words from the shared reviews appear here to choose from.")

st.subheader("Goals for the future", anchor=False)
FUTURE_AT = "future-goals"  # messages about the goals for the future show under the list


def remove_future_goal(n: int, goal: str) -> None:
    """A double click sends the second click to the goal now in this place: only the first one counts."""
    if session.first_press("remove-future-goal", case.id, n):
        messages.update_case(FUTURE_AT, lambda c: c.ending.remove_future_goal(goal))


for n, goal in enumerate(case.ending.future_goals):
    text_col, button_col = st.columns([5, 1], vertical_alignment="center")
    text_col.text(shown(goal))
    button_col.button("Remove", key=f"remove-future-{n}", on_click=remove_future_goal, args=(n, goal))


def add_future_goal() -> None:
    text = st.session_state["future-goal-new"]
    if session.first_press("future-goal", case.id, text) and messages.update_case(
            FUTURE_AT, lambda c: c.ending.add_future_goal(text)):
        st.session_state["future-goal-new"] = ""


if len(case.ending.future_goals) < MAX_FUTURE_GOALS:
    with st.form("future-goal", border=False):
        st.text_input("A new goal, in your own words", key="future-goal-new", max_chars=MAX_GOAL_TEXT,
                      placeholder="e.g. I will keep waiting for my child to show me what they want to do.")
        st.form_submit_button("Add goal for the future", on_click=add_future_goal)
        messages.show(FUTURE_AT)
else:
    messages.show(FUTURE_AT)

st.subheader("Celebration summary", anchor=False)
keeps = allows(case, Use.FAMILY_COPY)
stills = ({item.clip_id: still(case.id, item.recording, item.time, max_width=720) for item in strengths_items(case)}
          if keeps else {})
st.caption("One page to print or keep: goals and ratings, your words, "
           + ("stills of the chosen clips, " if keeps else "") + "and goals for the future.")
st.download_button("Download the celebration summary", celebration_html(
    case, today, stills=stills, measures=shown_results(case, found, plain=True)),
    file_name=case_file_name(case, "celebration-summary", today, "html"), mime="text/html", type="primary",
    key="download-celebration", icon=":material/celebration:", on_click="ignore",
    help="Open the file and print it, or save it as PDF from the browser.")
