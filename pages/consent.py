"""Consent: separate choices, each with its date, and withdrawal at any time."""

import pandas as pd
import streamlit as st

from vig_core.case import text_fields
from vig_core.case.consent import CONSENT_LABELS, ConsentKind
from vig_core.text import MAX_NOTE_TEXT
from vig_core.ui import session
from vig_core.ui.widgets import autosave_text, case_title, require_case

session.begin_page()
case = require_case()


def sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


today = session.today()
case_title(case, "Consent")
st.caption("The family chooses each use separately and can withdraw any of them at any time.")

for kind in ConsentKind:
    choice = case.consent.choice(kind)
    with st.container(border=True):
        label, state = st.columns([3, 2], vertical_alignment="center")
        label.markdown(f"**{CONSENT_LABELS[kind]}**")
        if choice.withdrawn_on:
            state.error(sentence(choice.state), icon=":material/block:")
        elif choice.active:
            state.success(sentence(choice.state) + (" (in writing)" if choice.in_writing else ""),
                          icon=":material/check_circle:")
        else:
            state.info(sentence(choice.state))

        day_key, written_key = f"consent-day-{kind}", f"consent-written-{kind}"
        day_col, written_col, action_col = st.columns([2, 3, 2], vertical_alignment="bottom")
        day_col.date_input("Date", value=today, max_value=today, key=day_key, format="DD/MM/YYYY")
        if choice.active:
            action_col.button(
                "Record withdrawal", key=f"withdraw-{kind}",
                on_click=lambda kind=kind, day_key=day_key: session.update_case(
                    lambda c: c.consent.withdraw(kind, st.session_state[day_key]),
                    f"Withdrawal of “{CONSENT_LABELS[kind]}” recorded."),
            )
        else:
            if kind is ConsentKind.TRAINING:
                written_col.checkbox("Written consent of everyone visible is in hand", key=written_key)
            action_col.button(
                "Record consent", key=f"give-{kind}", type="primary",
                on_click=lambda kind=kind, day_key=day_key, written_key=written_key: session.update_case(
                    lambda c: c.consent.give(kind, st.session_state[day_key],
                                             in_writing=bool(st.session_state.get(written_key))),
                    f"Consent “{CONSENT_LABELS[kind]}” recorded."),
            )

autosave_text("Notes on consent", case, text_fields.consent_notes(),
              key=f"consent-notes-{case.id}", max_chars=MAX_NOTE_TEXT,
              help="Anything the family said about how clips may be used. Saved as you type.")

if case.consent.history:
    st.subheader("History")
    st.dataframe(
        pd.DataFrame([{"Date": e.on, "Consent": CONSENT_LABELS[e.kind], "What happened": e.action}
                      for e in reversed(case.consent.history)]),
        hide_index=True, width="stretch",
    )
