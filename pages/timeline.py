"""The case timeline: every cycle with its dates, clips and goal ratings, to look back together."""

import pandas as pd
import streamlit as st

from vig_core.case.timeline import rating_table, timeline
from vig_core.ui import session
from vig_core.ui.widgets import case_title, require_case, shown

session.begin_page()
case = require_case()
case_title(case, "Looking back" if session.in_client_view() else "Timeline")

for entry in timeline(case):
    with st.container(border=True):
        when = f"{entry.on:%d %b %Y}" if entry.on else "date to be set"
        st.markdown(f"**{when}** · {entry.title}" + (" *(to come)*" if entry.to_come else ""))
        for line in entry.lines:
            st.text(shown(line))

rows = rating_table(case)
if rows:
    st.subheader("Goal ratings")
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch",
                 column_config={"Date": st.column_config.DateColumn(format="D MMM YYYY")})
    st.caption("Goals, in the order on the goals page; 0 = not at all where you want to be, 10 = exactly there.")
