"""Where we are: the case's details, its cycles and moving the work on."""

import pandas as pd
import streamlit as st

from vig_core.case import text_fields
from vig_core.case.cycles import MAX_CYCLES, MIN_CYCLES, CycleStatus, Stage
from vig_core.text import MAX_SHORT_TEXT
from vig_core.ui import session
from vig_core.ui.protection import erase_case_button, erase_films_button
from vig_core.ui.widgets import autosave_date, autosave_text, case_title, confirm_button, plain, require_case

session.begin_page()
case = require_case()
today = session.today()
case_title(case, "Where we are")

st.metric("Current step", case.step.capitalize())

st.subheader("Cycles")
st.columns(3)[0].number_input(
    "Planned cycles", MIN_CYCLES, MAX_CYCLES, case.planned_cycles, key=f"planned-{case.id}",
    help="Usually 3; between 1 and 10.",
    on_change=lambda: session.update_case(
        lambda c: c.set_planned_cycles(int(st.session_state[f"planned-{case.id}"]))),
)
STATUS_LABELS = {CycleStatus.PLANNED: "filming to come", CycleStatus.FILMED: "filmed, review to come",
                 CycleStatus.REVIEWED: "reviewed (complete)"}
for cycle in case.cycles:
    n = cycle.number
    with st.container(border=True):
        st.markdown(f"**Cycle {n}**" + ("  ← now" if case.current_cycle is cycle else ""))
        filming, review, status = st.columns(3)
        with filming:
            autosave_date("Filming date", cycle.filming_date,
                          lambda c, d, n=n: c.cycle(n).set_filming_date(d), key=f"film-{case.id}-{n}")
        with review:
            autosave_date("Shared review date", cycle.review_date,
                          lambda c, d, n=n: c.cycle(n).set_review_date(d), key=f"review-{case.id}-{n}")
        key = f"status-{case.id}-{n}"
        status.selectbox(
            "Status", list(CycleStatus), index=list(CycleStatus).index(cycle.status), key=key,
            format_func=STATUS_LABELS.get,
            on_change=lambda key=key, n=n: session.update_case(
                lambda c: c.cycle(n).set_status(st.session_state[key])),
        )
        if cycle.film_next.strip():
            st.caption(f"Agreed at this review, to film next time: {plain(cycle.film_next.strip())}")

st.subheader("Moving the work on")
if case.stage is Stage.INITIAL:
    st.button("Begin cycle 1 (filming)", type="primary",
              on_click=lambda: session.update_case(lambda c: c.set_stage(Stage.CYCLES, today)))
elif case.stage is Stage.CYCLES:
    confirm_button("Move on to the ending…", f"Move to the ending? {case.cycles_done} of "
                   f"{case.planned_cycles} cycles are reviewed.",
                   lambda: session.update_case(lambda c: c.set_stage(Stage.ENDING, today)), key="to-ending")
elif case.stage is Stage.ENDING:
    confirm_button("Close the case…", "Close this case? Its retention period starts today "
                   "(unless a retention date is set below).",
                   lambda: session.update_case(lambda c: c.set_stage(Stage.CLOSED, today), "Case closed."),
                   key="close-case", confirm_label="Yes, close the case")
else:
    st.button("Reopen the case", on_click=lambda: session.update_case(lambda c: c.set_stage(Stage.ENDING, today)))
if case.stage in (Stage.CYCLES, Stage.ENDING):
    st.button("Step back a stage", help="Undo a stage change made by mistake.",
              on_click=lambda: session.first_press("step-back", case.id, case.stage) and session.update_case(
                  lambda c: c.set_stage(list(Stage)[list(Stage).index(c.stage) - 1], today)))

st.subheader("Details")
left, right = st.columns(2)
with left:
    autosave_text("Case code", case, text_fields.case_code(),
                  key=f"code-{case.id}", max_chars=MAX_SHORT_TEXT, single_line=True)
    autosave_text("Child's first name", case, text_fields.child_first_name(),
                  key=f"child-{case.id}", max_chars=MAX_SHORT_TEXT, single_line=True)
    autosave_text("Parent or carer's first name", case, text_fields.carer_name(),
                  key=f"carer-{case.id}", max_chars=MAX_SHORT_TEXT, single_line=True)
with right:
    autosave_date("Child's date of birth", case.child_birth_date,
                  lambda c, d: c.set_child_birth_date(d), key=f"birth-{case.id}")
    retention = case.retention_date()
    st.markdown("**Retention date** (when the case and its films are due to be erased): "
                + (f"{retention:%d %b %Y}" if retention else "two months after the case ends"))
    autosave_date("Set a different retention date", case.retention_override,
                  lambda c, d: c.set_retention_override(d), key=f"retention-{case.id}",
                  help="Leave empty for the default: two months after the case is closed.")

st.subheader("Archive")
if case.archived:
    st.button("Return to the active caseload", on_click=lambda: session.update_case(
        lambda c: c.set_archived(False), "Case returned to the active caseload."))
else:
    st.button("Archive this case", help="Hides it from the caseload list; nothing is erased.",
              on_click=lambda: session.update_case(
                  lambda c: c.set_archived(True), "Case archived (show it with 'Show archived')."))

st.subheader("Erase")
st.caption("When the family asks, or their retention date has passed. The deletion log keeps only the date, the "
           "case code and what was erased.")
left, right = st.columns(2)
with left:
    erase_case_button(case, today, key="erase-case")
if case.recordings:
    with right:
        erase_films_button(case, today, key="erase-films")

with st.expander("Activity log", icon=":material/history:", key=f"activity-{case.id}"):
    entries = session.store().activity(case.id)
    if entries:
        table = pd.DataFrame(reversed(entries), columns=["at", "action", "what"])
        table["at"] = pd.to_datetime(table["at"], errors="coerce").dt.strftime("%d %b %Y %H:%M:%S")
        st.dataframe(table.rename(columns={"at": "When", "action": "What happened", "what": "To what"}),
                     hide_index=True, width="stretch")
    else:
        st.caption("Nothing recorded yet.")
