"""My VIG training: the practitioner's own accreditation record, outside every case and never in
client view. The stage and its start, what the cases count towards it, supervision sessions,
a reflection per stage, the requirements (shipped or the practitioner's own file), and the
record as CSV and as one printable page (case codes only)."""

import pandas as pd
import streamlit as st

from vig_core.case.training import MAX_MINUTES, stage_progress
from vig_core.errors import ValidationError
from vig_core.exports.training import file_name, names_hidden, shown_code, training_csv
from vig_core.printables.training import training_html
from vig_core.storage.paths import data_root
from vig_core.storage.training import forget_own_requirements, load_training, save_own_requirements, update_training
from vig_core.text import MAX_NOTE_TEXT, MAX_SHORT_TEXT
from vig_core.ui import messages, session
from vig_core.ui.confirm import confirm_button
from vig_core.ui.widgets import plain, shown
from vig_core.vocab.training_requirements import OWN_REQUIREMENTS, SHIPPED, load_requirements

session.begin_page()
st.title("My VIG training")
st.caption("Your own record for accreditation: it belongs to no family and is never shown in client view.")
root, today = data_root(), session.today()
requirements, refused = load_requirements(root)
if refused:
    st.warning(plain(refused), icon=":material/warning:")
record = load_training(root)
loaded = session.store().caseload()
for problem in loaded.unreadable:
    st.error(plain(problem))
progress = stage_progress(record, requirements, loaded.cases, today)


def change(action) -> None:
    """One change of the record (each callback runs through ``messages.guarded``, which refuses while
    the workbook is locked), saved whole; the press is marked done right after the write."""
    update_training(root, action)
    session.press_done()


# --- the stage ---------------------------------------------------------------------------------
st.subheader("Stage", anchor=False)
numbers = sorted({*requirements.numbers, record.stage})
titles = {s.stage: s.title for s in requirements.stages}


def save_stage() -> None:
    values = st.session_state
    change(lambda r: r.set_stage(int(values["training-stage"]), values["training-started"], today))
    messages.flash("training-stage-save", "success", "Saved.")


with st.form("training-stage-form", border=False):
    left, right = st.columns(2)
    left.selectbox("Your current stage", numbers, index=numbers.index(record.stage), key="training-stage",
                   format_func=lambda n: shown(titles.get(n, f"Stage {n}")))
    right.date_input("The stage began on", value=record.stage_started, max_value=today, format="DD/MM/YYYY",
                     key="training-started", help="Shared reviews and supervision from this day on count "
                                                  "towards the stage. Leave it empty to count everything.")
    st.form_submit_button("Save the stage", key="training-stage-save",
                          on_click=messages.guarded("training-stage-save", save_stage))
    messages.show("training-stage-save")

# --- progress ---------------------------------------------------------------------------------
st.subheader("Progress", anchor=False)
if progress.started is None:
    st.info("No start date is set for this stage, so every shared review and session so far is counted.")
for measure in progress.measures:
    fraction = 1.0 if measure.need in (None, 0) else min(measure.have / measure.need, 1.0)
    st.progress(fraction, text=measure.sentence() + ("  ✓" if measure.met else ""))
if progress.requirement is None:
    st.caption(f"The requirements in use do not name stage {progress.stage}, so there is nothing to count towards.")
st.caption(plain(f"Requirements: {requirements.source or requirements.file}. A shared review counts when its "
                 "cycle is complete with a review date in the stage; a new client is a family whose first "
                 "shared review falls in the stage."))
if progress.cases:
    st.dataframe(pd.DataFrame([{"Case code": shown(shown_code(c.code, c.demo)),
                                "Shared reviews": len(c.reviews),
                                "Cycles": ", ".join(str(n) for n, _ in c.reviews),
                                "Last review": c.reviews[-1][1], "New client": "yes" if c.new_client else ""}
                               for c in progress.cases]),
                 hide_index=True, width="stretch", key="training-cases")
else:
    st.caption("No shared review is counted in this stage yet.")
if progress.undated:
    st.warning(plain("Complete without a review date, so not counted: " + ", ".join(progress.undated)
                     + ". Give each its review date on the case's page."))
if any(c.demo for c in progress.cases):
    st.caption("Demo families are fictional: erase them before you print the record for your accreditation.")

# --- supervision --------------------------------------------------------------------------------
st.subheader("Supervision", anchor=False)
SESSION_KEYS = ("sup-date", "sup-supervisor", "sup-minutes", "sup-codes", "sup-notes")


def add_session() -> None:
    values = [st.session_state.get(key) for key in SESSION_KEYS]
    if not session.first_press("add-supervision", *values):
        return
    on, supervisor, minutes, codes, notes = values
    change(lambda r: r.add_session(on, supervisor or "", int(minutes or 0), codes or "", notes or "", today))
    for key in ("sup-supervisor", "sup-codes", "sup-notes"):
        st.session_state[key] = ""
    messages.flash("add-supervision", "success", "The session is added.")


with st.form("supervision-form"):
    st.markdown("**Add a supervision session**")
    left, middle, right = st.columns(3)
    left.date_input("Date", value=today, max_value=today, format="DD/MM/YYYY", key="sup-date")
    middle.text_input("Supervisor", max_chars=MAX_SHORT_TEXT, key="sup-supervisor")
    right.number_input("Minutes", 1, MAX_MINUTES, 60, step=15, key="sup-minutes")
    st.text_input("Case codes whose clips were discussed", key="sup-codes",
                  placeholder="e.g. FAM-07, FAM-09",
                  help="Separate codes with commas. Codes only, never a family's names: they are kept as typed, "
                       "even after the case is erased.")
    st.text_area("Notes", max_chars=MAX_NOTE_TEXT, key="sup-notes", height=100)
    st.form_submit_button("Add the session", type="primary", key="add-supervision",
                          on_click=messages.guarded("add-supervision", add_session))
    messages.show("add-supervision")
codes = sorted({c.code for c in loaded.cases}, key=str.casefold)
if codes:
    st.caption("Your case codes: " + plain(", ".join(codes)))

sessions = list(reversed(record.sessions_by_date()))
st.caption(f"{len(sessions)} session(s) in all; {progress.sessions} in this stage, {progress.hours:g} h.")
for item in sessions:
    with st.container(border=True, key=f"sup-{item.id}"):
        st.markdown(f"**{item.on:%d %b %Y}**: {plain(item.supervisor)}, {item.minutes} minutes")
        if item.case_codes:
            st.text(shown("Case codes: " + ", ".join(item.case_codes)))
        if item.notes:
            st.text(shown(item.notes))
        confirm_button("Remove this session", f"Remove the session of {item.on:%d %b %Y}? This cannot be undone.",
                       messages.guarded("remove-supervision",
                                        lambda sid=item.id: change(lambda r: r.remove_session(sid))),
                       key=f"remove-sup-{item.id}", confirm_label="Yes, remove it")
messages.show("remove-supervision")

# --- reflection -------------------------------------------------------------------------------------
st.subheader(f"Reflection on {titles.get(record.stage, f'stage {record.stage}').lower()}", anchor=False)


REFLECTION = f"training-reflection-{record.stage}"  # one box per stage: another stage's text never carries over


def save_reflection() -> None:
    text = st.session_state.get(REFLECTION) or ""
    change(lambda r: r.set_reflection(record.stage, text))
    messages.flash("save-reflection", "success", "The reflection is saved.")


with st.form("reflection-form", border=False):
    st.text_area("What you have learnt in this stage, for your accreditation", max_chars=MAX_NOTE_TEXT,
                 value=record.reflections.get(record.stage, ""), key=REFLECTION, height=160)
    st.form_submit_button("Save the reflection", key="save-reflection",
                          on_click=messages.guarded("save-reflection", save_reflection))
    messages.show("save-reflection")

# --- downloads ---------------------------------------------------------------------------------------
st.subheader("Download the record", anchor=False)
hide = names_hidden(loaded.cases)
left, right = st.columns(2)
left.download_button("Download as CSV", training_csv(record, progress, hide), file_name=file_name(today, "csv"),
                     mime="text/csv", key="download-training-csv", icon=":material/table:", on_click="ignore")
right.download_button("Download the page to print", training_html(record, progress, hide, today, requirements.source),
                      file_name=file_name(today, "html"), mime="text/html", key="download-training-page",
                      icon=":material/print:", on_click="ignore", type="primary",
                      help="One page for your accreditation meeting: open it and print, or save it as PDF.")
st.caption("Cases are named by their codes only; a family's name the workbook knows is replaced by the case "
           "code in your notes. Nicknames are not caught: read it through before you share it.")

# --- requirements --------------------------------------------------------------------------------------
with st.expander("The requirements in use", key="training-requirements"):
    st.dataframe(pd.DataFrame([{"Stage": shown(s.title), "Cycles with a shared review": s.cycles,
                                "New clients": s.new_clients, "Supervision (hours)": s.supervision_hours}
                               for s in requirements.stages]), hide_index=True, width="stretch")
    st.caption(plain(f"From {requirements.file}" + (f" ({requirements.source})" if requirements.source else "")
                     + ". If your training body asks for something else, use a file of your own in the same format."))
    st.download_button("Download the shipped file as an example", SHIPPED.read_bytes(),
                       file_name="training-requirements.json", mime="application/json",
                       key="download-requirements", on_click="ignore")
    st.file_uploader("Your own requirements file (.json)", type=["json"], key="requirements-upload",
                     max_upload_size=1)

    def use_own() -> None:
        upload = st.session_state.get("requirements-upload")
        if upload is None:
            raise ValidationError("Choose a requirements file first.")
        found = save_own_requirements(root, upload.getvalue(), upload.name)
        messages.flash("use-requirements", "success", f"Checked and in use: {len(found.stages)} stage(s).")

    st.button("Check and use this file", key="use-requirements",
              on_click=messages.guarded("use-requirements", use_own))
    messages.show("use-requirements")
    if (root / OWN_REQUIREMENTS).is_file():
        confirm_button("Go back to the shipped requirements", "Remove your own requirements file?",
                       messages.guarded("use-requirements", lambda: forget_own_requirements(root)),
                       key="forget-requirements", confirm_label="Yes, remove it")
