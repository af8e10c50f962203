"""Caseload: every family's case at a glance, search, and a new case."""

import streamlit as st

from vig_core.case.caseload import PAGE_SIZE, STATUS_FILTERS, caseload_rows, page_of, past_retention
from vig_core.case.cycles import DEFAULT_CYCLES, MAX_CYCLES, MIN_CYCLES
from vig_core.case.record import new_case
from vig_core.text import MAX_SHORT_TEXT
from vig_core.ui import messages, routes, session
from vig_core.ui.protection import erase_case_button
from vig_core.ui.widgets import plain, shown

session.begin_page()
st.title("Caseload")

store = session.store()
today = session.today()
loaded = store.caseload()
for problem in loaded.unreadable:
    st.error(plain(problem))


@session.guarded
def create_case() -> None:
    values = st.session_state
    if not session.first_press("create-case", values["new-code"], values["new-child"]):
        made = store.caseload().with_code(values["new-code"])  # a double click: the first press made it
        if made and session.current_case_id() != made.id:
            session.go_to(routes.CASE)
            session.open_case(made.id)
        return
    case = new_case(
        values["new-code"],
        values["new-child"],
        today,
        carer_name=values["new-carer"],
        child_birth_date=values["new-birth"],
        planned_cycles=int(values["new-cycles"]),
    )
    store.create(case)
    session.press_done()
    session.flash("success", f"Case {case.code} created.")
    session.go_to(routes.CASE)  # before open_case, whose change of the address is where a second click cuts in
    session.open_case(case.id)


# The form is only built while the expander is open: its date and number inputs made a fresh
# browser fetch ten more scripts before the caseload could be used (0.05-0.1 s, BENCHMARKS.md).
new_case_panel = st.expander("New case", icon=":material/add:", expanded=not loaded.cases, key="caseload-new",
                             on_change="rerun")
if new_case_panel.open:
    with new_case_panel, st.form("new-case", clear_on_submit=False, border=False):
        left, right = st.columns(2)
        left.text_input("Case code or pseudonym", key="new-code", max_chars=MAX_SHORT_TEXT,
                        help="A short code that does not identify the family, e.g. FAM-07.")
        right.text_input("Child's first name", key="new-child", max_chars=MAX_SHORT_TEXT)
        left.text_input("Parent or carer's first name (optional)", key="new-carer", max_chars=MAX_SHORT_TEXT)
        right.date_input("Child's date of birth (optional)", value=None, key="new-birth",
                         max_value=today, format="DD/MM/YYYY")
        left.number_input("Planned cycles", MIN_CYCLES, MAX_CYCLES, DEFAULT_CYCLES, key="new-cycles",
                          help="One filming and one shared review make a cycle; usually 3.")
        st.form_submit_button("Create case", type="primary", on_click=create_case)

search, status, archived = st.columns([3, 2, 1], vertical_alignment="bottom")
query = search.text_input("Search by code or name", key="caseload-search", placeholder="Type to filter")
chosen = status.multiselect("Status", list(STATUS_FILTERS), key="caseload-status", placeholder="All statuses")
show_archived = archived.toggle("Show archived", key="caseload-archived")

rows = caseload_rows(loaded.cases, today, query=query, statuses=chosen, include_archived=show_archived)

withdrawn = [r for r in rows if r.consent_withdrawn]
if withdrawn:
    st.error(f"Consent withdrawn in {len(withdrawn)} case(s): " + ", ".join(plain(r.code) for r in withdrawn) + ".",
             icon=":material/block:")
overdue = past_retention(loaded.cases, today)  # archived ones too: no filter hides a case due for erasure
if overdue:
    st.warning(f"{len(overdue)} case(s) past their retention date: " + ", ".join(plain(c.code) for c in overdue) + ".",
               icon=":material/schedule:")
    with st.expander("Erase cases past their retention date", key="caseload-overdue"):
        for case in overdue:
            st.markdown(f"**{plain(case.code)}**: retention date {case.retention_date():%d %b %Y}")
            erase_case_button(case, today, key=f"caseload-erase-{case.id}")

if not rows:
    st.info("No cases match." if loaded.cases else "No cases yet. Create the first one above.")

# A filter change starts again at the first page; the page number is kept while only the page changes.
filters = (query, tuple(chosen), show_archived)
if st.session_state.get("caseload-filters") != filters:
    st.session_state["caseload-filters"], st.session_state["caseload-page"] = filters, 1
page, first, last = page_of(len(rows), st.session_state.get("caseload-page", 1))
st.session_state["caseload-page"] = page

HEADINGS = ["Code", "Child", "Current step", "Cycle", "Next date", "Retention", "Consent", ""]
WIDTHS = [2, 2, 2.4, 1, 1.7, 1.9, 2, 1.3]
if rows:
    for column, heading in zip(st.columns(WIDTHS), HEADINGS):
        if heading:
            column.markdown(f"**{heading}**")
for row in rows[first:last]:
    with st.container(border=True):
        cells = st.columns(WIDTHS, vertical_alignment="center")
        cells[7].button("Open", key=f"open-{row.case_id}", width="stretch",
                        on_click=lambda case_id=row.case_id: (session.open_case(case_id),
                                                              session.go_to(routes.CASE)))
        with messages.contained(f"The case {row.code}", "Open it to mend or erase it."):  # the rest still list
            cells[0].text(shown(row.code))
            cells[1].text(shown(row.child))
            cells[2].text(row.step)
            cells[3].text(row.cycle)
            cells[4].text(row.next_date)
            cells[5].text(row.retention)
            if row.consent_withdrawn:
                cells[6].error(row.consent, icon=":material/block:")
            else:
                cells[6].text(row.consent)


def turn_page(by: int) -> None:
    st.session_state["caseload-page"] = page + by


if len(rows) > PAGE_SIZE:
    back, where, forward = st.columns([1, 2, 1], vertical_alignment="center")
    back.button("Previous", key="caseload-previous", icon=":material/chevron_left:", disabled=first == 0,
                on_click=turn_page, args=(-1,), width="stretch")
    where.caption(f"Cases {first + 1}–{last} of {len(rows)}, most urgent first")
    forward.button("Next", key="caseload-next", icon=":material/chevron_right:", disabled=last == len(rows),
                   on_click=turn_page, args=(1,), width="stretch")
