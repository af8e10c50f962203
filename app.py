"""VIG Workbook: entry point.

Registers the pages for practitioner or client view and draws the sidebar
itself (the built-in page list is hidden) so that client view shows nothing
but the open family's shared work. Each page runs inside a guard, so no
traceback ever reaches the screen the parent may be looking at.

The file plays two parts. ``streamlit run app.py`` finds the ``app = st.App(...)``
below and serves it (uvicorn), which adds the media route (recordings are
streamed by opaque token) and the upload route (films received in pieces by
ticket), see ``vig_core.web``; no Streamlit runtime exists yet at that import.
Every browser session then runs this same file as its script, with the runtime
present (also under AppTest), and ``main()`` draws the page.
"""

import logging

import streamlit as st

from vig_core.errors import VigError
from vig_core.ui import routes, session
from vig_core.ui.autosave import page_drawn
from vig_core.ui.lock_screen import gate, leave_client_view_button, lock_button
from vig_core.ui.widgets import CLIENT_VIEW_CSS, plain
from vig_core.web.route import media_routes
from vig_core.web.upload import upload_routes

log = logging.getLogger("vig_workbook")


def client_sidebar(client_pages: list[st.Page]) -> None:
    st.success("Client view: only this family's shared work is shown.")
    for page in client_pages:
        st.page_link(page)
    st.divider()
    leave_client_view_button(lambda: (session.leave_client_view(), session.go_to(routes.CASE)))


def practitioner_sidebar(caseload: st.Page, case_pages: list[st.Page], settings: st.Page, training: st.Page) -> None:
    st.page_link(caseload)
    st.page_link(settings)
    st.page_link(training)
    case = session.current_case()
    if case is None:
        return
    st.caption(f"Case {plain(case.code)}")
    for page in case_pages:
        st.page_link(page, query_params=routes.case_query(case.id))
    st.divider()
    st.button(
        "Client view",
        icon=":material/visibility:",
        type="primary",
        help="Show only what the parent may see: no caseload, no private notes, larger type.",
        on_click=lambda: (session.enter_client_view(case.id), session.go_to(routes.CLIENT_HOME)),
    )


def main() -> None:
    # An emoji icon is drawn locally; a ":material/...:" page icon makes the browser fetch it from Google.
    st.set_page_config(page_title="VIG Workbook", page_icon="🎬", layout="wide")

    pages = routes.navigation()

    client_view = session.in_client_view()
    page = st.navigation(pages.client_pages if client_view else pages.practitioner_pages, position="hidden")
    try:
        page_drawn(session.current_case_id() if session.cases_readable() else None)  # before the typing watch
        if not gate():  # the first-start offer or the lock screen, and nothing else
            return
        # A case named in the URL (bookmark, reload, the run command) opens it: only once unlocked,
        # as a vault's cases cannot be read before.
        if session.CASE_KEY not in st.session_state:
            wanted = st.query_params.get(routes.CASE_PARAM)
            st.session_state[session.CASE_KEY] = wanted if wanted and session.store().exists(wanted) else None
        with st.sidebar:
            st.markdown("### VIG Workbook")
            if client_view:
                client_sidebar(pages.client_pages)
            else:
                practitioner_sidebar(pages.caseload, pages.case_pages, pages.settings, pages.training)
            lock_button()
        if client_view:
            st.html(CLIENT_VIEW_CSS)
        with session.running_page():
            page.run()
        session.settle_after_first_run(page.url_path)
    except VigError as error:
        st.error(plain(str(error)))
    except Exception:  # the last guard before the screen (logged below, so ruff counts it as handled)
        log.exception("page %s failed", page.title)
        st.error(session.GENERIC_ERROR)

if st.runtime.exists():
    main()  # a session running this file as its script (or AppTest)
else:
    # Imported by the server: the ASGI app, Streamlit plus the media and upload routes, behind the access check.
    from starlette.middleware import Middleware
    from streamlit import net_util

    from vig_core.storage.paths import data_root
    from vig_core.web.access import AccessMiddleware

    # Streamlit asks an internet service for this machine's address (and opens a socket towards
    # a public one for its local address) when it meets an unknown origin: never, here.
    net_util.get_external_ip = net_util.get_internal_ip = lambda: None
    app = st.App(__file__, routes=[*media_routes(), *upload_routes()], middleware=[
        Middleware(AccessMiddleware, root=data_root(), port=int(st.get_option("server.port")))])
