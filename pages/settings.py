"""Settings and backup: the passphrase and lock, the questionnaires in use, backing up and
restoring the whole workbook, a family's own copy of their case, and the deletion log.
Each message shows beside the control that caused it."""

from pathlib import Path

import pandas as pd
import streamlit as st

from vig_core.case.film import MAX_CODER_NAME
from vig_core.errors import ValidationError, VigError
from vig_core.exports.bundle import default_bundle_name, export_case_bundle
from vig_core.services import analysis, backups, coding, lock
from vig_core.services.jobs import JOBS
from vig_core.storage.backup import backup
from vig_core.storage.locked_pack import locked_name
from vig_core.storage.paths import data_root, default_save_folder, free_file_name
from vig_core.ui import messages, passphrase_settings, session
from vig_core.ui.media import job_progress
from vig_core.ui.outcomes import instruments
from vig_core.ui.pack_password import chosen_password, password_choice
from vig_core.ui.widgets import plain, shown
from vig_core.vocab.instruments import IN_USE_SETTING, measures_in_use, own_instrument_ids

session.begin_page()
st.title("Settings and backup")
settings = session.settings()
store = session.store()
today = session.today()
BACKUP_JOBS, EXPORT_JOBS = "settings", "settings-export"  # each shows its progress beside its own button


def typed_folder(key: str) -> Path:
    typed = (st.session_state.get(key) or "").strip().strip('"')
    if not typed:
        raise ValidationError("Type a folder on this computer first.")
    folder = Path(typed).expanduser()
    if not folder.is_dir():
        raise ValidationError(f"There is no folder at “{folder}”. Check the spelling, or copy the path from "
                              "your file manager.")
    return folder


# --- passphrase and lock ---------------------------------------------------------
st.subheader("Passphrase and lock")
has_passphrase = lock.has_passphrase(settings)
passphrase_settings.section()
if has_passphrase:
    minutes = st.columns(3)[0]
    minutes.number_input(
        "Lock after this many minutes without use", lock.MIN_LOCK_MINUTES, lock.MAX_LOCK_MINUTES,
        int(lock.lock_minutes(settings)), key="lock-minutes",
        on_change=messages.guarded("lock-minutes", lambda: lock.set_lock_minutes(
            settings, int(st.session_state["lock-minutes"]))),
    )
    with minutes:
        messages.show("lock-minutes")
    st.toggle("Ask for the passphrase to leave client view", key="leave-needs-passphrase",
              value=lock.leaving_client_view_needs_passphrase(settings),
              help="For when the parent holds the laptop: without it, leaving client view takes one confirmation.",
              on_change=lambda: settings.set(lock.LEAVE_CLIENT_VIEW_NEEDS_PASSPHRASE,
                                             bool(st.session_state["leave-needs-passphrase"])))
st.caption(f"The data folder is {plain(str(data_root()))}. The passphrase encrypts what the workbook keeps "
           "there; a full-disk encryption of the computer protects the rest (e.g. films before they are imported).")

# --- micro-analysis --------------------------------------------------------------------------
st.subheader("Micro-analysis")
offset = st.columns(3)[0]
offset.number_input(
    "Reaction offset (seconds)", analysis.MIN_REACTION_OFFSET, analysis.MAX_REACTION_OFFSET,
    analysis.reaction_offset(settings), step=0.1, format="%.1f", key="reaction-offset",
    on_change=messages.guarded("reaction-offset", lambda: analysis.set_reaction_offset(
        settings, float(st.session_state["reaction-offset"]))),
    help="People press M a little after what they saw: a mark goes this much before the player's time. "
         "Step the moment by frames afterwards to put it exactly.")
with offset:
    messages.show("reaction-offset")
name_column = st.columns(3)[0]
name_column.text_input(
    "Your coder name", coding.practitioner_name(settings), max_chars=MAX_CODER_NAME, key="coder-name",
    on_change=messages.guarded("coder-name", lambda: coding.set_practitioner_name(
        settings, st.session_state["coder-name"])),
    help="Your own coding is shown under this name beside a second coder's (a supervisor's) on Micro-analysis.")
with name_column:
    messages.show("coder-name")

# --- questionnaires in use ------------------------------------------------------------------
st.subheader("Questionnaires you use")
found, _ = instruments()
own = own_instrument_ids(data_root())


def choose_measures() -> None:
    settings.set(IN_USE_SETTING, list(st.session_state["measures-in-use"]))
    messages.flash("measures-in-use", "success", "Saved: the Questionnaires page shows these first.")


st.multiselect("Shown on every family's Questionnaires page", list(found),
               default=measures_in_use(found, settings.get(IN_USE_SETTING), own=own),
               format_func=lambda i: shown(found[i].title), key="measures-in-use",
               on_change=messages.guarded("measures-in-use", choose_measures),
               help="The others stay one click away under “Other measures”.")
messages.show("measures-in-use")
st.caption("A questionnaire already given to a family always shows for that family. Until you choose, the "
           "parent check-in and your own questionnaires show.")

# --- backup ------------------------------------------------------------------------
st.subheader("Back up the whole workbook")
st.write("One file with every case, the settings and (if chosen) the films. Keep it on another disk: it holds "
         "everything the workbook holds.")


def start_backup() -> None:
    folder, media, root = typed_folder("backup-folder"), bool(st.session_state.get("backup-media", True)), data_root()
    plain_chosen = bool(st.session_state.get("backup-plain", False))
    if not session.first_press("backup", folder, media, plain_chosen):  # a double click: its first has the passphrase
        return
    secrets = backups.backup_secrets(settings, st.session_state.get("backup-passphrase") or "", plain=plain_chosen)
    st.session_state["backup-passphrase"] = ""  # kept only by the backup while it runs, never stored
    out = free_file_name(folder, backups.backup_name(today, encrypted=secrets is not None))
    JOBS.start(BACKUP_JOBS, f"Backing up to “{out}”{' (encrypted)' if secrets else ' (not encrypted)'}",
               lambda report: backup(root, out, media=media, on_progress=report, secrets=secrets))


st.text_input("Folder to save the backup in", value=str(default_save_folder()), key="backup-folder")
st.checkbox("Include the films, clips and stills", value=True, key="backup-media")
if has_passphrase:
    plain_backup = st.checkbox("Make a plain backup, not encrypted", key="backup-plain")
    if plain_backup:
        st.warning(backups.PLAIN_WARNING, icon=":material/warning:")
    else:
        st.text_input("The workbook's passphrase (it encrypts the backup)", type="password",
                      key="backup-passphrase", max_chars=lock.MAX_LENGTH,
                      help="The backup opens only with this passphrase. It is not stored anywhere.")
else:
    st.info(backups.NO_PASSPHRASE_ADVICE, icon=":material/lock_open:")
st.button("Make a backup", type="primary", icon=":material/backup:", key="backup-go",
          on_click=messages.guarded("backup-go", start_backup))
job_progress(BACKUP_JOBS, beside="backup-go")
messages.show("backup-go")

# --- restore ---------------------------------------------------------------------------
st.subheader("Restore from a backup")
st.write("Replaces everything in this workbook with the backup: cases made since then are lost. Every file in "
         "the backup is checked first; if anything is wrong nothing is changed.")


def do_restore() -> None:
    typed = (st.session_state.get("restore-file") or "").strip().strip('"')
    if not typed:
        raise ValidationError("Type where the backup file is first.")
    if JOBS.busy():
        raise ValidationError("Other work (an import, export or backup) is still running; restore when it has ended.")
    passphrase = st.session_state.get("restore-passphrase") or ""
    st.session_state["restore-passphrase"] = ""
    summary = backups.restore_backup(Path(typed).expanduser(), data_root(), force=True, passphrase=passphrase)
    session.open_case(None)
    session.app_lock().lock()  # the backup's own passphrase (if any) now guards the workbook
    messages.flash("restore-go", "success", f"Restored {summary.cases} cases ({summary.files} files) from the "
                                            f"backup of {summary.created[:10]}.")


st.text_input("Backup file", key="restore-file", placeholder=str(default_save_folder() / "vig-workbook-backup.zip"))
st.text_input("Its passphrase, if it is encrypted", type="password", key="restore-passphrase",
              max_chars=lock.MAX_LENGTH, help="The workbook passphrase in use when the backup was made.")
confirm = st.checkbox("I understand that this replaces everything in the workbook", key="restore-sure")
st.button("Restore", disabled=not confirm, icon=":material/settings_backup_restore:", key="restore-go",
          on_click=messages.guarded("restore-go", do_restore))
messages.show("restore-go")

# --- a family's own copy --------------------------------------------------------------------
st.subheader("Export a case (a family's copy of their data)")
st.write("One zip with every record of the case as JSON, tables as CSV and (if chosen) its films and clips, "
         "for a family who asks for their data or a move to another service. It holds everything, your own "
         "notes too: read it through before you hand it over.")
cases = sorted(store.caseload().cases, key=lambda c: c.code.casefold())


def start_export() -> None:
    case = store.load(st.session_state["export-case"])
    folder, media = typed_folder("export-folder"), bool(st.session_state.get("export-media", True))
    password = chosen_password("export-case")  # None: a plain zip
    if not session.first_press("export-case", case.id, folder, media, password is None):
        return
    name = default_bundle_name(case, today)
    out = free_file_name(folder, name if password is None else locked_name(name))
    JOBS.start(EXPORT_JOBS, f"Exporting case {case.code} to “{out}”",
               lambda report: export_case_bundle(store, case.id, out, media=media, on_progress=report,
                                                 password=password))


if cases:
    st.selectbox("Case", [c.id for c in cases], key="export-case",
                 format_func={c.id: shown(f"{c.code} ({c.child_first_name})") for c in cases}.get)
    st.text_input("Folder to save it in", value=str(default_save_folder()), key="export-folder")
    st.checkbox("Include the films, clips and stills", value=True, key="export-media")
    password_choice("export-case")
    st.button("Export the case", icon=":material/download:", key="export-case-go",
              on_click=messages.guarded("export-case-go", start_export))
    job_progress(EXPORT_JOBS, beside="export-case-go")
    messages.show("export-case-go")
else:
    st.info("There are no cases to export.")

# --- deletion log -------------------------------------------------------------------
st.subheader("Deletion log")
try:
    erased = store.deletion_log()
except VigError as error:
    erased = []
    st.error(plain(str(error)))
if erased:
    st.caption("What was erased and when. It holds no names, notes or films, so it can be kept.")
    table = pd.DataFrame(erased).map(lambda value: shown(value) if isinstance(value, str) else value)  # codes
    st.dataframe(table.rename(columns={"date": "Date", "case_code": "Case code", "erased": "Erased"}),
                 hide_index=True, width="stretch")
else:
    st.caption("Nothing has been erased yet.")
