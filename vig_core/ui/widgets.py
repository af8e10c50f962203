"""Widgets several pages share: autosaving text (see ``autosave``) and dates, two-step confirmation (see ``confirm``),
the case header and client view's larger type.

User text is only ever shown as plain text (``st.text``, widget values) or
through :func:`~vig_core.ui.escape.plain` wherever Streamlit reads Markdown
(``st.write`` and ``st.markdown`` of a string, captions, alerts, labels); never as HTML.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import streamlit as st

from vig_core.case.record import Case
from vig_core.ui import routes, session
from vig_core.ui.autosave import autosave_text  # noqa: F401 - pages take every shared widget from here
from vig_core.ui.confirm import confirm_button  # noqa: F401 - pages take every shared widget from here
from vig_core.ui.escape import plain, shown  # noqa: F401 - pages take both from here
from vig_core.ui.protection import case_banners

CLIENT_VIEW_CSS = """
<style>
[data-testid="stMain"] p, [data-testid="stMain"] li, [data-testid="stMain"] label,
[data-testid="stMain"] textarea, [data-testid="stMain"] input,
[data-testid="stSidebar"] p, [data-testid="stSidebar"] span {
  font-size: 1.3rem !important; line-height: 1.55 !important;
}
[data-testid="stMain"] h1 { font-size: 2.6rem !important; }
[data-testid="stMain"] h2, [data-testid="stMain"] h3 { font-size: 2rem !important; }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p {
  color: #374151 !important; opacity: 1 !important; }
[data-testid="stMainBlockContainer"] { padding-top: 2rem !important; }
</style>
"""


def autosave_date(
    label: str,
    stored: date | None,
    save: Callable[[Case, date | None], None],
    *,
    key: str,
    help: str | None = None,
) -> None:
    """A date box that saves on change; an invalid date springs back to the stored one."""

    def on_change() -> None:
        if not session.update_case(lambda case: save(case, st.session_state[key])):
            st.session_state[key] = stored

    st.date_input(label, value=stored, key=key, help=help, format="DD/MM/YYYY", on_change=on_change)


def case_title(case: Case, page: str) -> None:
    """Page heading naming only the open case's own family."""
    st.title(page)
    who = plain(case.child_first_name + (f" and {case.carer_name}" if case.carer_name else ""))
    if session.in_client_view():
        st.header(who, anchor=False)  # h2 under the page's h1 (headings step down one level at a time)
    else:
        st.caption(f"Case {plain(case.code)} · {who} · {case.step}")
        case_banners(case, session.today())


def require_case() -> Case:
    """The open case, or a friendly stop when none is open."""
    case = session.current_case()
    if case is None:
        st.info("No case is open. Choose one on the caseload.")
        routes.link(routes.CASELOAD, label="Go to the caseload")
        st.stop()
    return case
