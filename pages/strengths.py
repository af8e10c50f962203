"""The strengths record: stills of the chosen clips with captions, as a printable page to keep."""

import streamlit as st

from vig_core.errors import ValidationError
from vig_core.printables.strengths import caption_choices, check_may_keep, strengths_html, strengths_items
from vig_core.storage.paths import case_file_name
from vig_core.ui import messages, session
from vig_core.ui.media import still
from vig_core.ui.widgets import case_title, plain, require_case, shown

session.begin_page()
case = require_case()
private = not session.in_client_view()
case_title(case, "Our strengths" if not private else "Strengths record")
try:
    check_may_keep(case)
except ValidationError as error:
    st.info(plain(str(error)) if private else "This page is not available yet.")
    st.stop()
items = strengths_items(case)
if not items:
    st.info("No clips are chosen yet, so there is nothing to show here.")
    st.stop()

stills = {item.clip_id: still(case.id, item.recording, item.time, max_width=960) for item in items}
st.download_button("Download the page to print or keep", strengths_html(case, items, stills, session.today()),
                   file_name=case_file_name(case, "strengths-record", session.today(), "html"), mime="text/html",
                   type="primary", key="download-strengths", icon=":material/print:", on_click="ignore",
                   help="A single page with the stills and captions; open it and print, or save it as PDF.")
for cycle in sorted({i.cycle for i in items}):
    st.subheader(f"Cycle {cycle}")
    columns = st.columns(2)
    for n, item in enumerate(i for i in items if i.cycle == cycle):
        with columns[n % 2]:
            st.image(stills[item.clip_id], width="stretch", alt=shown(f"A still from the clip “{item.title}”"))
            who = f"{case.carer_name or 'Parent'}’s words" if item.parents_words else "What we saw"
            st.text(shown(f"{who}:\n“{item.caption}”" if item.parents_words else f"{who}:\n{item.caption}"))
            options = caption_choices(case, case.clip(item.clip_id)) if private else []
            if len(options) > 1 or (options and item.caption not in options):
                key = f"caption-{item.clip_id}"
                st.selectbox("Caption", options, index=options.index(item.caption) if item.caption in options
                             else None, key=key, placeholder="The clip's title", format_func=shown,
                             help="The parent's words from the review, or your positive naming.",
                             on_change=lambda cid=item.clip_id, k=key: messages.update_case(
                                 k, lambda c: c.clip(cid).set_strengths_caption(st.session_state[k])))
                messages.show(key)
