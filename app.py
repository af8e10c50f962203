"""VIG Workbook: entry point.

Registers the pages for practitioner or client view and draws the sidebar
itself (the built-in page list is hidden) so that client view shows nothing
but the open family's shared work. Each page runs inside a guard, so no
traceback ever reaches the screen the parent may be looking at.
"""

import logging

import streamlit as st

from vig_core.errors import VigError
from vig_core.ui import session
from vig_core.ui.widgets import CLIENT_VIEW_CSS, confirm_button

log = logging.getLogger("vig_workbook")

st.set_page_config(page_title="VIG Workbook", page_icon=":material/movie:", layout="wide")

CASELOAD = st.Page("pages/caseload.py", title="Caseload", icon=":material/groups:", default=True)
CASE_PAGES = [
    st.Page("pages/case.py", title="Where we are", icon=":material/route:"),
    st.Page("pages/consent.py", title="Consent", icon=":material/verified_user:"),
    st.Page("pages/conversation.py", title="Initial conversation", icon=":material/forum:"),
    st.Page("pages/goals.py", title="Goals", icon=":material/flag:"),
]
CLIENT_PAGES = [
    st.Page("pages/conversation.py", title="Our conversation", icon=":material/forum:", default=True),
    st.Page("pages/goals.py", title="Our goals", icon=":material/flag:"),
]


def client_sidebar() -> None:
    st.success("Client view: only this family's shared work is shown.")
    for page in CLIENT_PAGES:
        st.page_link(page)
    st.divider()
    confirm_button(
        "Leave client view…",
        "Back to the practitioner screens? They show other families and private notes.",
        lambda: (session.leave_client_view(), session.go_to("pages/case.py")),
        key="leave-client-view",
        confirm_label="Yes, back to practitioner view",
    )


def practitioner_sidebar() -> None:
    st.page_link(CASELOAD)
    case = session.current_case()
    if case is None:
        return
    st.caption(f"Case {case.code}")
    for page in CASE_PAGES:
        st.page_link(page, query_params={"case": case.id})
    st.divider()
    st.button(
        "Client view",
        icon=":material/visibility:",
        type="primary",
        help="Show only what the parent may see: no caseload, no private notes, larger type.",
        on_click=lambda: (session.enter_client_view(case.id), session.go_to("pages/conversation.py")),
    )


# A case named in the URL (bookmark, reload, the run command) opens it.
if session.CASE_KEY not in st.session_state:
    wanted = st.query_params.get("case")
    st.session_state[session.CASE_KEY] = wanted if wanted and session.store().exists(wanted) else None

client_view = session.in_client_view()
page = st.navigation(CLIENT_PAGES if client_view else [CASELOAD, *CASE_PAGES], position="hidden")
with st.sidebar:
    st.markdown("### VIG Workbook")
    if client_view:
        client_sidebar()
    else:
        practitioner_sidebar()
if client_view:
    st.html(CLIENT_VIEW_CSS)
try:
    with session.running_page():
        page.run()
except VigError as error:
    st.error(str(error))
except Exception:  # noqa: BLE001 - the last guard before the screen
    log.exception("page %s failed", page.title)
    st.error(session.GENERIC_ERROR)
