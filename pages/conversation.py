"""The initial conversation, written together with the parent on screen."""

import streamlit as st

from vig_core.case import text_fields
from vig_core.case.conversation import CONVERSATION_FIELDS
from vig_core.text import MAX_NOTE_TEXT
from vig_core.ui import session
from vig_core.ui.widgets import autosave_text, case_title, require_case

session.begin_page()
case = require_case()
client_view = session.in_client_view()
case_title(case, "Our conversation" if client_view else "Initial conversation")
st.caption("Everything here is saved as you type.")

for name, (label, hint) in CONVERSATION_FIELDS.items():
    autosave_text(label, case, text_fields.conversation(name),
                  key=f"conv-{case.id}-{name}", max_chars=MAX_NOTE_TEXT, help=hint,
                  height=90 if name == "helping_question" else 140)

if not client_view:
    st.divider()
    st.subheader("Practitioner-only notes", help="Never shown in client view.")
    st.caption(":material/visibility_off: Hidden in client view.")
    autosave_text("Your own notes", case, text_fields.practitioner_notes(),
                  key=f"private-{case.id}", max_chars=MAX_NOTE_TEXT, height=160)
