"""Banners that keep consent and retention in sight on every practitioner page
of a case, with the erasure they call for one click (and one confirmation) away.

A case whose retention date has passed, or whose filming consent was
withdrawn while films remain, says so on each of its pages until the
practitioner acts: erase it, erase its films, or set a later date.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from vig_core.case.consent import CONSENT_LABELS, ConsentKind
from vig_core.case.consent_rules import withdrawals
from vig_core.case.record import Case
from vig_core.services.erasure import erase_case, erase_films, what_goes, what_goes_with_films
from vig_core.ui import routes, session
from vig_core.ui.confirm import confirm_button
from vig_core.ui.escape import plain


def erase_case_button(case: Case, today: date, *, key: str) -> None:
    def erase() -> None:
        erase_case(session.store(), case.id, today)
        session.forget_served_files()  # its stills and downloads too
        if session.current_case_id() == case.id:
            session.open_case(None)
        session.flash("success", f"Case {case.code} was erased: every record and file of it is gone. "
                                 "The deletion log keeps only the date, the case code and what was erased.")
        session.go_to(routes.CASELOAD)

    confirm_button("Erase this case…", f"Erase case {plain(case.code)} for good? This removes "
                   f"{what_goes(case)}. It cannot be undone (a backup made earlier still holds it).",
                   erase, key=key, confirm_label="Yes, erase everything of this case")


def erase_films_button(case: Case, today: date, *, key: str) -> None:
    def erase() -> None:
        erase_films(session.store(), case.id, today)
        session.forget_served_files()
        session.flash("success", f"The films of case {case.code} were erased with their moments, clips and stills. "
                                 "The conversation, goals and questionnaires are kept.")

    confirm_button("Erase the films only…", f"Erase {what_goes_with_films(case)} of case {plain(case.code)}? "
                   "The conversation, goals, questionnaires and ending stay. It cannot be undone.",
                   erase, key=key, confirm_label="Yes, erase the films")


def case_banners(case: Case, today: date) -> None:
    """Withdrawn consent and a passed retention date, with what can be done about them
    (each erasure offered once, under the retention notice when both apply)."""
    retention = case.retention_date()
    overdue = bool(retention and retention < today)
    for kind, means in withdrawals(case):
        choice = case.consent.choice(kind)
        st.error(f"Consent withdrawn on {choice.withdrawn_on:%d %b %Y}: “{CONSENT_LABELS[kind]}”. {means}",
                 icon=":material/block:")
        if kind is ConsentKind.FILMING and case.recordings and not overdue:
            erase_films_button(case, today, key=f"withdrawn-erase-films-{case.id}")
    if overdue:
        st.warning(f"The retention date of this case ({retention:%d %b %Y}) has passed. Erase the case or its "
                   "films, or set a later retention date on “Where we are” if there is a reason to keep it.",
                   icon=":material/schedule:")
        left, right = st.columns(2)
        with left:
            erase_case_button(case, today, key=f"retention-erase-{case.id}")
        if case.recordings:
            with right:
                erase_films_button(case, today, key=f"retention-erase-films-{case.id}")
