"""Every page of the workbook, named once: its file, title, icon and address, and the
links and switches between them.

Pages and widgets never spell a page's file: they name a :class:`Route` here
(``routes.CLIPS``), and the links, page switches and the navigation ``app.py``
builds all come from the same table, each carrying the open case as ``?case=``
so that a link, a bookmark or a reload opens the same family. The order of
:data:`CASE_PAGES` is the order of the sidebar; a route with a ``client_title`` is
shown in client view too, under that title (in the same order), and nothing else is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

import streamlit as st


@dataclass(frozen=True)
class Route:
    file: str  # relative to app.py
    title: str
    icon: str
    client_title: str | None = None  # shown in client view under this title; None: never shown there

    @property
    def url_path(self) -> str:
        """The page's address (``/clips``): its file's name, as Streamlit itself would infer it."""
        return PurePosixPath(self.file).stem


CASELOAD = Route("pages/caseload.py", "Caseload", ":material/groups:")
SETTINGS = Route("pages/settings.py", "Settings and backup", ":material/settings:")
TRAINING = Route("pages/training.py", "My VIG training", ":material/school:")  # the practitioner's own: no case
CASE = Route("pages/case.py", "Where we are", ":material/route:")
CONSENT = Route("pages/consent.py", "Consent", ":material/verified_user:")
CONVERSATION = Route("pages/conversation.py", "Initial conversation", ":material/forum:", "Our conversation")
GOALS = Route("pages/goals.py", "Goals", ":material/flag:", "Our goals")
QUESTIONNAIRES = Route("pages/questionnaires.py", "Questionnaires", ":material/assignment:", "Our questionnaires")
RECORDINGS = Route("pages/recordings.py", "Recordings", ":material/video_library:")
ANALYSIS = Route("pages/analysis.py", "Micro-analysis", ":material/frame_inspect:")
AGREEMENT = Route("pages/agreement.py", "Agreement", ":material/compare_arrows:")  # between two coders
CLIPS = Route("pages/clips.py", "Clips", ":material/movie:")
REVIEW = Route("pages/review.py", "Shared review", ":material/co_present:", "Our shared review")
STRENGTHS = Route("pages/strengths.py", "Strengths record", ":material/photo_library:", "Our strengths")
OUTCOMES = Route("pages/outcomes.py", "Before and after", ":material/monitoring:", "Our progress")
ENDING = Route("pages/ending.py", "Ending", ":material/celebration:", "Our ending")
TIMELINE = Route("pages/timeline.py", "Timeline", ":material/timeline:", "Looking back")
EXPORTS = Route("pages/exports.py", "Exports", ":material/ios_share:")

CASE_PAGES = (CASE, CONSENT, CONVERSATION, GOALS, QUESTIONNAIRES, RECORDINGS, ANALYSIS, AGREEMENT, CLIPS, REVIEW,
              STRENGTHS, OUTCOMES, ENDING, TIMELINE, EXPORTS)
CLIENT_PAGES = tuple(route for route in CASE_PAGES if route.client_title)
ALL_PAGES = (CASELOAD, *CASE_PAGES, SETTINGS, TRAINING)
CASE_PARAM = "case"  # ?case=<id>: the family a page shows
CLIENT_HOME = CONVERSATION  # what client view opens on; the caseload is the practitioner's home


@dataclass(frozen=True)
class Navigation:
    """The pages of one run, as ``st.navigation`` takes them (built per run: ``st.Page`` needs the runtime)."""

    caseload: st.Page
    settings: st.Page
    training: st.Page
    case_pages: list[st.Page]
    client_pages: list[st.Page]

    @property
    def practitioner_pages(self) -> list[st.Page]:
        return [self.caseload, *self.case_pages, self.settings, self.training]


def _page(route: Route, title: str, *, default: bool = False) -> st.Page:
    return st.Page(route.file, title=title, icon=route.icon, url_path=route.url_path, default=default)


def navigation() -> Navigation:
    return Navigation(
        caseload=_page(CASELOAD, CASELOAD.title, default=True),
        settings=_page(SETTINGS, SETTINGS.title),
        training=_page(TRAINING, TRAINING.title),
        case_pages=[_page(route, route.title) for route in CASE_PAGES],
        client_pages=[_page(route, route.client_title or route.title, default=route is CLIENT_HOME)
                      for route in CLIENT_PAGES],
    )


def case_query(case_id: str | None) -> dict[str, str]:
    """The address's query naming the open case (none when no case is open)."""
    return {CASE_PARAM: case_id} if case_id else {}


def link(route: Route, label: str, *, case_id: str | None = None, icon: str | None = None) -> None:
    """A link to ``route``, opening the case ``case_id`` there (a link without one keeps the address bare)."""
    st.page_link(route.file, label=label, icon=icon, query_params=case_query(case_id) or None)


def switch_to(file: str, case_id: str | None) -> None:
    """Switch to the page kept by :func:`~vig_core.ui.session.go_to` (a route's ``file``), on ``case_id``."""
    st.switch_page(file, query_params=case_query(case_id))
