"""Before and after: goal ratings over the cycles and each questionnaire's change, in plain words;
for the practitioner also the films' turn-taking across the cycles (never in client view)."""

import streamlit as st

from vig_core.exports.score_table import scores_csv
from vig_core.storage.paths import case_file_name
from vig_core.ui import session
from vig_core.ui.outcomes import instruments, show_outcomes, show_turn_taking
from vig_core.ui.widgets import case_title, plain, require_case

session.begin_page()
case = require_case()
client_view = session.in_client_view()
case_title(case, "Our progress" if client_view else "Before and after")
found, warnings = instruments()
if not client_view:
    for warning in warnings:
        st.warning(plain(warning))
    st.download_button("Download all scores (CSV)", scores_csv(case, found),
                       file_name=case_file_name(case, "scores", session.today(), "csv"), mime="text/csv",
                       key="download-scores", icon=":material/download:", on_click="ignore",
                       help="Every finished questionnaire and every goal rating of this case, one row each.")
show_outcomes(case, found, plain=client_view, key="outcomes")
if not client_view:  # heard in the films: the practitioner's process indicator, never the family's screen
    show_turn_taking(case, key="outcomes")
