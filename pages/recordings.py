"""The films of each cycle: bring one in (upload or from this computer), rename, remove."""

import logging
from collections.abc import Callable
from functools import wraps
from pathlib import Path

import streamlit as st

from vig_core.case import text_fields
from vig_core.case.consent_rules import may_import
from vig_core.case.film import RecordingKind
from vig_core.case.frames import format_time
from vig_core.case.turns import KIND_CHOICES, KIND_NAMES
from vig_core.errors import VigError
from vig_core.services.jobs import DONE, JOBS, Job
from vig_core.services.recordings import (
    KEEP_ORIGINALS,
    already_imported,
    check_can_import,
    default_cycle,
    discard_upload,
    file_fingerprint,
    films_in_folder,
    import_summary,
    refuse_while_importing,
    remove_recording,
    start_import,
)
from vig_core.services.uploads import TICKETS
from vig_core.text import MAX_TITLE_TEXT, displayable
from vig_core.ui import routes, session
from vig_core.ui.browser_video import browser_plays_hevc, remembered
from vig_core.ui.film_drop import film_drop
from vig_core.ui.film_picker import film_picker, forget_pick, picked
from vig_core.ui.media import ANALYSIS_RECORDING_KEY, job_progress
from vig_core.ui.widgets import autosave_text, case_title, confirm_button, plain, require_case

session.begin_page()

log = logging.getLogger("vig_workbook")

case = require_case()
store = session.store()
case_title(case, "Recordings")

job_progress(case.id)
browser_plays_hevc()  # asked once per page load; an import keeps a phone's HEVC picture only if it does
numbers = [c.number for c in case.cycles]
CYCLE_KEY, KIND_KEY = f"rec-cycle-{case.id}", f"rec-kind-{case.id}"
UPLOAD, LOCAL = "upload", "local"  # the two ways in, each with its own button and messages
TAB_LABELS = {UPLOAD: "Upload", LOCAL: "From this computer"}


def import_owner(how: str) -> str:
    return f"import-{how}-{case.id}"


def note_key(how: str) -> str:
    return f"import-note-{how}-{case.id}"


def again_key(how: str) -> str:
    return f"import-again-{how}-{case.id}"


def say(how: str, kind: str, text: str) -> None:
    """Say something under the import button of ``how`` (kept until that choice changes)."""
    st.session_state[note_key(how)] = (kind, text)


def forget_notes(*hows: str) -> None:
    """The choice changed: what was said about the one before no longer applies."""
    for how in hows or (UPLOAD, LOCAL):
        st.session_state.pop(note_key(how), None)
        st.session_state.pop(again_key(how), None)


def said_beside(how: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """An import button's callback whose failures are said under that button, never as a traceback."""

    def wrap(action: Callable[..., None]) -> Callable[..., None]:
        @wraps(action)
        def run(*args, **kwargs) -> None:
            try:
                action(*args, **kwargs)
            except VigError as error:
                forget_notes(how)
                say(how, "error", str(error))
            except Exception:
                log.exception("import %s failed", how)
                forget_notes(how)
                say(how, "error", session.GENERIC_ERROR)

        return run

    return wrap


def chosen_kind() -> RecordingKind:
    """What the film is (the family's, or a shared review's), as chosen in the form."""
    return RecordingKind(st.session_state.get(KIND_KEY) or RecordingKind.FAMILY)


def chosen_cycle() -> int:
    """The cycle picked in the form (checked for consent to this kind of film before anything is written)."""
    cycle = st.session_state.get(CYCLE_KEY, default_cycle(case))
    check_can_import(store, case.id, cycle, chosen_kind())
    return cycle


def begin_import(how: str, name: str, fingerprint: str, again: str | None, start: Callable[[int], None]) -> None:
    """What every import passes before ``start(cycle)``: not a double click, consent, not this file
    being imported already, and, for a file the case has, the practitioner's yes (``again``)."""
    if not session.first_press(f"import-{how}", case.id, name, fingerprint, again):
        return
    forget_notes(how)
    cycle = chosen_cycle()
    refuse_while_importing(case.id, fingerprint, name)
    question = None if again == fingerprint else already_imported(store.load(case.id), fingerprint, name)
    if question:
        st.session_state[again_key(how)] = (fingerprint, question)
        return
    start(cycle)
    session.press_done()


def keep_originals() -> bool:
    return bool(session.settings().get(KEEP_ORIGINALS, False))


DROPPED_KEY = f"dropped-{case.id}"  # the film that arrived last: (path, name, fingerprint) until imported


def drop_dropped() -> None:
    dropped = st.session_state.pop(DROPPED_KEY, None)
    if dropped:
        discard_upload(Path(dropped[0]))


@said_beside(UPLOAD)
def film_arrived(ticket: str) -> None:
    """A dropped film has arrived whole: the import takes it over (it is removed after)."""
    drop_dropped()
    upload = TICKETS.take(ticket, case.id)
    st.session_state[DROPPED_KEY] = (str(upload.path), upload.name, file_fingerprint(upload.path, upload.name))
    import_upload()


@said_beside(UPLOAD)
def import_upload(again: str | None = None) -> None:
    if DROPPED_KEY not in st.session_state:
        raise VigError("Drop a film on the box above first.")
    path, name, fingerprint = st.session_state[DROPPED_KEY]

    def start(cycle: int) -> None:
        del st.session_state[DROPPED_KEY]
        start_import(store, case.id, cycle, Path(path), name=name, fingerprint=fingerprint,
                     owner=import_owner(UPLOAD), keep_original=keep_originals(), uploaded=True, kind=chosen_kind(),
                     browser_plays_hevc=bool(remembered()))

    try:
        begin_import(UPLOAD, name, fingerprint, again, start)
    except VigError:
        drop_dropped()  # refused: nothing of the film stays behind
        raise


def chosen_local_file() -> Path:
    if chosen := picked(case.id):  # pressed in the picker (kept, so "import it again?" reads it too)
        return chosen
    typed = (st.session_state.get(f"local-path-{case.id}") or "").strip().strip('"')
    if not typed:
        raise VigError("Type the place of a film (or a folder of films) on this computer first.")
    path = Path(typed).expanduser()
    if path.is_dir():
        chosen = st.session_state.get(f"local-pick-{case.id}")
        if not chosen:
            raise VigError("Choose which film in the folder to import.")
        path = path / chosen
    if not path.is_file():
        raise VigError(f"There is no file at “{path}”. Check the spelling, or copy the path from your file manager.")
    return path


@said_beside(LOCAL)
def import_local(again: str | None = None) -> None:
    path = chosen_local_file()
    fingerprint = file_fingerprint(path)
    name = displayable(path.name)  # a name not in UTF-8 on disk shows with � where it cannot be read

    def start(cycle: int) -> None:
        start_import(store, case.id, cycle, path, name=name, fingerprint=fingerprint,
                     owner=import_owner(LOCAL), keep_original=keep_originals(), kind=chosen_kind(),
                     browser_plays_hevc=bool(remembered()))

    begin_import(LOCAL, name, fingerprint, again, start)


def import_typed() -> None:
    forget_pick(case.id)
    import_local()


def import_ended(how: str, job: Job) -> None:
    if job.state == DONE:
        say(how, "success", f"{job.label}: {import_summary(job.result)}.")
    else:
        say(how, "error", job.message)  # names the practitioner's own file


def beside_button(how: str, action: Callable[..., None]) -> None:
    """Under an import button: what was said about it, and the question about a file imported before."""
    note = st.session_state.get(note_key(how))
    if note:
        getattr(st, note[0])(plain(note[1]))
        if note[0] == "success":  # said once; a refusal stays until the choice changes
            del st.session_state[note_key(how)]
    pending = st.session_state.get(again_key(how))
    if pending:
        fingerprint, question = pending
        st.warning(plain(question))
        yes, no = st.columns(2)
        yes.button("Import it again", key=f"import-again-yes-{how}-{case.id}", on_click=action,
                   kwargs={"again": fingerprint})
        no.button("Don't import it", key=f"import-again-no-{how}-{case.id}",
                  on_click=lambda: (forget_notes(how), how == UPLOAD and drop_dropped()))


allowed = [kind for kind in RecordingKind if may_import(case, kind)]
if not allowed:
    st.warning("This family has no filming consent on record, so no recording can be added.")
    routes.link(routes.CONSENT, label="Record consent", case_id=case.id)
else:
    said = {how for how in (UPLOAD, LOCAL)
            if JOBS.of(import_owner(how)) or note_key(how) in st.session_state or again_key(how) in st.session_state}
    with st.expander("Add a recording", expanded=not case.recordings or bool(said), icon=":material/upload:",
                     key=f"add-recording-{case.id}"):  # a key keeps it open across reruns
        st.selectbox("Cycle it belongs to", numbers, index=numbers.index(default_cycle(case)),
                     format_func=lambda n: f"Cycle {n}", key=CYCLE_KEY, on_change=forget_notes)
        st.radio("What the film is", list(RecordingKind), index=list(RecordingKind).index(allowed[0]),
                 format_func=KIND_CHOICES.get, key=KIND_KEY, horizontal=True, on_change=forget_notes,
                 help="A film of a shared review is analysed with the guider's and the parent's turns and "
                      "goes to supervision, never to the family's shared review; it needs its own consent.")
        upload_tab, local_tab = st.tabs(list(TAB_LABELS.values()), key=f"add-how-{case.id}",
                                        default=TAB_LABELS[LOCAL] if said == {LOCAL} else None)
        with upload_tab:
            film_drop(f"film-drop-{case.id}", issue=lambda name, size: TICKETS.issue(store, case.id, name, size),
                      on_done=film_arrived)
            beside_button(UPLOAD, import_upload)
        with local_tab:
            film_picker(case.id, import_local)
            st.markdown("**Or type a path**")
            typed = st.text_input("File or folder on this computer", key=f"local-path-{case.id}",
                                  placeholder="/home/me/Videos/visit 3.mov",
                                  help="Films of any size; the file is read where it is and not changed.",
                                  on_change=forget_notes, args=(LOCAL,))
            folder = Path(typed.strip().strip('"')).expanduser() if typed.strip() else None
            if folder and folder.is_dir():
                try:
                    films = [p.name for p in films_in_folder(folder)]
                except VigError as error:
                    films = []
                    st.error(plain(str(error)))
                if films:
                    st.selectbox("Film in this folder", films, key=f"local-pick-{case.id}", format_func=displayable,
                                 on_change=forget_notes, args=(LOCAL,))
                else:
                    st.info("No films found in this folder.")
            st.button("Import from this computer", key=f"import-local-{case.id}", type="primary",
                      on_click=import_typed)
            beside_button(LOCAL, import_local)
        for how in (UPLOAD, LOCAL):  # below both tabs, so a running import shows whichever tab is open
            job_progress(import_owner(how), on_end=lambda job, how=how: import_ended(how, job))
        st.toggle(
            "Keep the original file as well",
            value=keep_originals(),
            key="keep-originals",
            help="The workbook always keeps a copy that plays in the browser. Keeping the original too "
                 "uses more disk space and is one more copy of sensitive material (setting for all cases).",
            on_change=lambda: session.settings().set(KEEP_ORIGINALS, st.session_state["keep-originals"]),
        )


def open_analysis(recording_id: str) -> None:
    st.session_state[ANALYSIS_RECORDING_KEY] = recording_id
    session.go_to(routes.ANALYSIS)


if not case.recordings:
    st.info("No recordings yet.")
for recording in sorted(case.recordings, key=lambda r: (r.cycle, r.imported_at)):
    with st.container(border=True):
        st.markdown(f"**Cycle {recording.cycle}** · {KIND_NAMES[recording.kind]}")
        autosave_text("Title", case, text_fields.recording_title(recording.id),
                      key=f"rec-title-{recording.id}", max_chars=MAX_TITLE_TEXT, single_line=True)
        moments = case.moments_of(recording.id)
        st.caption(
            f"{format_time(recording.duration)} long · {recording.width}×{recording.height} · "
            f"{'with' if recording.has_audio else 'no'} sound · {len(moments)} moments · "
            f"{f'filmed {recording.filmed_on:%d %b %Y} · ' if recording.filmed_on else ''}"
            f"from “{plain(recording.original_name)}”, {recording.imported_at:%d %b %Y} ({plain(recording.how)})"
        )
        left, right = st.columns([1, 1])
        left.button("Watch and mark moments", key=f"analyse-{recording.id}", type="primary",
                    on_click=open_analysis, args=(recording.id,), icon=":material/play_circle:")
        with right:
            confirm_button(
                "Remove…",
                f"Remove “{plain(recording.title)}” with its {len(moments)} moments and its clips? "
                "The film file is deleted from this computer.",
                lambda rid=recording.id: (remove_recording(store, case.id, rid),
                                          session.flash("success", "Recording removed.")),
                key=f"remove-{recording.id}",
                confirm_label="Yes, remove it",
            )
