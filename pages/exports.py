"""Exports: the case's work in files other tools read (spreadsheets, ELAN, captions), the
supervision pack, and coding done in ELAN brought back as moments. Practitioner view only."""

from pathlib import Path

import streamlit as st

from vig_core.case.agreement import DEFAULT_TOLERANCE, MAX_TOLERANCE, MIN_TOLERANCE
from vig_core.case.film import clip_name
from vig_core.case.frames import format_time
from vig_core.errors import ValidationError
from vig_core.exports.elan_import import apply_import, read_and_plan
from vig_core.exports.save import FORMAT_LABELS, Format, export
from vig_core.exports.supervision import check_pack_allowed
from vig_core.exports.webvtt import CAPTION_LABELS, CaptionSource, title_note
from vig_core.services.jobs import CANCELLED, DONE, JOBS, Job
from vig_core.storage.paths import data_root, default_save_folder
from vig_core.ui import messages, session
from vig_core.ui.media import job_progress
from vig_core.ui.pack_password import chosen_password, password_choice
from vig_core.ui.widgets import case_title, plain, require_case, shown
from vig_core.vocab.principles import load_principles

session.begin_page()
case = require_case()
case_title(case, "Exports")
EXPORT_AT = "out-go"  # the Export button: its messages and progress show beside it
PACK_PASSWORD = "out-pack"  # the supervision pack: plain or encrypted for the supervisor
principles, warning = load_principles(data_root())
if warning:
    st.warning(plain(warning))

# --- export --------------------------------------------------------------------------------
st.subheader("Export for other tools or for supervision")
st.write(f"The family's names are replaced by the case code (“[{plain(case.code)} child]”, "
         f"“[{plain(case.code)} parent]”) unless you choose to keep them. Nicknames, other people's names and "
         "anything said in the films are not changed: read the files before they leave this computer.")
fmt = Format(st.radio("What to export", list(Format), format_func=FORMAT_LABELS.get, key="out-format"))
pack = fmt is Format.SUPERVISION
ready, clip_ids = True, None
if pack:
    try:
        check_pack_allowed(case)  # the supervisor consent, and a case code free of the family's names
    except ValidationError as error:
        st.error(plain(str(error)), icon=":material/block:")
        ready = False
    labels = {c.id: shown(f"Cycle {r.cycle}: {clip_name(c, r)} "
                          f"({format_time(c.start, r.fps)} to {format_time(c.end, r.fps)})")
              for c in case.clips for r in [case.recording(c.recording_id)]}
    chosen = [c.id for cycle in case.cycles for c in case.chosen_clips(cycle.number)]
    clip_ids = st.multiselect("Clips to bring", list(labels), default=chosen, format_func=labels.get,
                              key="out-clips", help="The clips chosen for the shared reviews, unless you change it.")
    if not clip_ids:
        ready = False
    cycles = sorted({case.recording(case.clip(i).recording_id).cycle for i in clip_ids})
    missing = [n for n in cycles if not case.cycle(n).own_reflection.strip()]
    st.caption("With each clip: its positive naming, the moments coded in it, your note and the parent's words; "
               "with each cycle: your review notes and your own reflection.")
    coded_twice = [r for r in case.recordings if len(case.coders_of(r.id)) > 1]
    if st.checkbox("Include agreement figures", key="out-agreement", disabled=not coded_twice,
                   help="Agreement between your coding and each second coder's, recording by recording: "
                        "agreement.csv, disagreements.csv and a section of the pack's page." if coded_twice else
                        "No recording has a second coder's moments yet."):
        st.number_input("Tolerance for pairing moments (seconds)", min_value=MIN_TOLERANCE, max_value=MAX_TOLERANCE,
                        value=DEFAULT_TOLERANCE, step=0.1, format="%.1f", key="out-agreement-tolerance",
                        help="The most two coders' moments may be apart to count as the same moment "
                             "(nearest first, one to one; see the Agreement page).")
    if missing:
        st.info(f"Your own reflection is not written yet for cycle {', '.join(map(str, missing))}; write it at the "
                "end of the Shared review page (practitioner view) if you want it in the pack.")
    password_choice(PACK_PASSWORD)
else:
    if fmt is Format.VTT:
        source = st.radio("Caption each clip with", list(CaptionSource), format_func=CAPTION_LABELS.get,
                          key="out-captions", horizontal=True)
        note = title_note(case, source)
        if note:
            st.caption(plain(note))
    st.checkbox("Keep the family's names (only for your own records or for the family)", key="out-keep-names")
st.text_input("Folder to save in", value=str(default_save_folder()), key="out-folder")


def run_export() -> None:
    folder = Path((st.session_state.get("out-folder") or "").strip().strip('"')).expanduser()
    if not str(folder).strip() or str(folder) == ".":
        raise ValidationError("Type a folder on this computer first.")
    ids = list(st.session_state.get("out-clips") or [])
    keep_names = bool(st.session_state.get("out-keep-names"))
    captions = st.session_state.get("out-captions", CaptionSource.NAMING)
    tolerance = (float(st.session_state.get("out-agreement-tolerance") or DEFAULT_TOLERANCE)
                 if pack and st.session_state.get("out-agreement") else None)
    password = chosen_password(PACK_PASSWORD) if pack else None  # None: a plain zip
    if not session.first_press("export", case.id, fmt, folder, ids, keep_names, captions, tolerance, password is None):
        return
    if pack:
        JOBS.start(f"exports-{case.id}", "Making the supervision pack",
                   lambda report: export(session.store(), case.id, Format.SUPERVISION, folder, clip_ids=ids,
                                         on_progress=report, today=session.today(), agreement_tolerance=tolerance,
                                         password=password))
        return
    paths = export(session.store(), case.id, fmt, folder, keep_names=keep_names, captions=captions,
                   today=session.today())
    messages.flash(EXPORT_AT, "success", f"Saved {len(paths)} file{'s' * (len(paths) != 1)} in {folder}: "
                                         + ", ".join(p.name for p in paths))


st.button("Export", type="primary", icon=":material/ios_share:", key=EXPORT_AT, disabled=not ready,
          on_click=messages.guarded(EXPORT_AT, run_export))
job_progress(f"exports-{case.id}", beside=EXPORT_AT)
messages.show(EXPORT_AT)

# --- import from ELAN -------------------------------------------------------------------------
st.subheader("Bring back coding done in ELAN")
if not case.recordings:
    st.info("No recordings yet: coding from ELAN is added to a recording of the workbook.")
    st.stop()
st.write("Annotations on tiers named after a principle (“Being attentive” …) become moments of the recording, "
         "with the Turn, Notes and Working point tiers beside them. Export the ELAN file above to start with the "
         "right tiers. Nothing is added before you confirm.")
films = {r.id: shown(f"Cycle {r.cycle}: {r.title}") for r in case.recordings}
recording_id = st.selectbox("Recording", list(films), format_func=films.get, key="elan-recording")
upload_key = f"elan-file-{st.session_state.get('elan-round', 0)}"  # a new key empties the uploader
upload = st.file_uploader("ELAN file (.eaf)", type=["eaf"], key=upload_key)
ELAN_AT, ELAN_WORK, ELAN_PLAN = "elan-apply", "elan-work", "elan-plan"
# This tab's reading of this file for this recording; a reading it no longer waits for is stopped.
work = f"elan-{case.id}-{recording_id}-{upload.file_id}" if upload is not None else None
if st.session_state.get(ELAN_WORK) not in (None, work):
    JOBS.drop(st.session_state[ELAN_WORK])
st.session_state[ELAN_WORK] = work


def empty_the_uploader() -> None:
    st.session_state["elan-round"] = st.session_state.get("elan-round", 0) + 1
    st.session_state.pop(ELAN_PLAN, None)


def elan_read(job: Job) -> None:
    """Keep what reading the file found (its plan, or why it cannot be read) for the page to show."""
    if job.state == CANCELLED:
        messages.flash(ELAN_AT, "info", "Stopped reading the ELAN file; nothing was added.")
        empty_the_uploader()
    else:
        st.session_state[ELAN_PLAN] = {job.owner: job.result if job.state == DONE else job.message}


read = st.session_state.get(ELAN_PLAN, {}).get(work)  # the plan, or why the file cannot be read
if work and read is None and not JOBS.of(work):
    data = upload.getvalue()  # read in the background: a large file takes seconds, and it can be cancelled
    JOBS.start(work, f"Reading “{upload.name}”",
               lambda report: read_and_plan(case, recording_id, data, principles, report), key=work, cancellable=True)
if work:
    job_progress(work, on_end=elan_read)
if isinstance(read, str):
    st.error(plain(read))
elif read is not None:
    plan = read
    for note in plan.warnings:
        st.warning(plain(note))
    if plan.ignored_tiers:
        st.caption("Tiers not read: " + plain(", ".join(plan.ignored_tiers)))
    st.info(plain(plan.summary()))

    def bring_back() -> None:
        if not session.first_press("elan-import", case.id, recording_id, upload.file_id):
            return
        if messages.update_case(ELAN_AT, lambda c: apply_import(c, plan), f"Added from ELAN: {plan.summary()}"):
            empty_the_uploader()

    st.button("Add these moments", type="primary", key=ELAN_AT, disabled=not (plan.new or plan.merged),
              icon=":material/input:", on_click=bring_back)
messages.show(ELAN_AT)  # after the file is taken in, the success shows where the button was
