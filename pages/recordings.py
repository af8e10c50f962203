"""The films of each cycle: bring one in (upload or from this computer), rename, remove."""

from pathlib import Path

import streamlit as st

from vig_core.errors import VigError
from vig_core.media.frames import format_time
from vig_core.models import ConsentKind
from vig_core.recordings import (
    KEEP_ORIGINALS, VIDEO_SUFFIXES, check_can_import, default_cycle, discard_upload, films_in_folder,
    import_recording, receive_upload, remove_recording,
)
from vig_core.text import MAX_TITLE_TEXT
from vig_core import text_fields
from vig_core.ui import session
from vig_core.jobs import JOBS
from vig_core.ui.media import ANALYSIS_RECORDING_KEY, job_progress
from vig_core.ui.widgets import autosave_text, case_title, confirm_button, plain, require_case

session.begin_page()

case = require_case()
store = session.store()
case_title(case, "Recordings")

job_progress(case.id)
numbers = [c.number for c in case.cycles]
CYCLE_KEY = f"rec-cycle-{case.id}"


def chosen_cycle() -> int:
    """The cycle picked in the form (checked for consent before anything is written)."""
    cycle = st.session_state.get(CYCLE_KEY, default_cycle(case))
    check_can_import(store, case.id, cycle)
    return cycle


def start_import(source: Path, name: str, cycle: int, *, uploaded: bool) -> None:
    """Prepare the film in the background (a long film must not freeze the app)."""
    keep = bool(session.settings().get(KEEP_ORIGINALS, False))

    def work(report):
        try:
            return import_recording(store, case.id, cycle, source, keep_original=keep, on_progress=report,
                                    original_name=name)
        finally:
            if uploaded:
                discard_upload(source)

    JOBS.start(case.id, f"Importing “{name}” into cycle {cycle}", work)


@session.guarded
def import_upload() -> None:
    upload = st.session_state.get(f"upload-{case.id}")
    if upload is None:
        raise VigError("Choose a film to upload first.")
    cycle = chosen_cycle()
    start_import(receive_upload(store, case.id, upload.name, upload), upload.name, cycle, uploaded=True)


@session.guarded
def import_local() -> None:
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
    start_import(path, path.name, chosen_cycle(), uploaded=False)


if not case.consent.choice(ConsentKind.FILMING).active:
    st.warning("This family has no filming consent on record, so no recording can be added.")
    st.page_link("pages/consent.py", label="Record consent", query_params={"case": case.id})
else:
    with st.expander("Add a recording", expanded=not case.recordings, icon=":material/upload:",
                     key=f"add-recording-{case.id}"):  # a key keeps it open across reruns
        st.selectbox("Cycle it belongs to", numbers, index=numbers.index(default_cycle(case)),
                     format_func=lambda n: f"Cycle {n}", key=CYCLE_KEY)
        limit = st.get_option("server.maxUploadSize")
        upload_tab, local_tab = st.tabs(["Upload", "From this computer"], key=f"add-how-{case.id}")
        with upload_tab:
            st.file_uploader(
                f"Film file (up to {limit:,} MB; larger films: use “From this computer”)",
                type=sorted(s.lstrip(".") for s in VIDEO_SUFFIXES), key=f"upload-{case.id}",
            )
            st.button("Import the uploaded film", key=f"import-upload-{case.id}", type="primary",
                      on_click=import_upload)
        with local_tab:
            typed = st.text_input("File or folder on this computer", key=f"local-path-{case.id}",
                                  placeholder="/home/me/Videos/visit 3.mov",
                                  help="Films of any size; the file is read where it is and not changed.")
            folder = Path(typed.strip().strip('"')).expanduser() if typed.strip() else None
            if folder and folder.is_dir():
                try:
                    films = [p.name for p in films_in_folder(folder)]
                except VigError as error:
                    films = []
                    st.error(plain(str(error)))
                if films:
                    st.selectbox("Film in this folder", films, key=f"local-pick-{case.id}")
                else:
                    st.info("No films found in this folder.")
            st.button("Import from this computer", key=f"import-local-{case.id}", type="primary",
                      on_click=import_local)
        st.toggle(
            "Keep the original file as well",
            value=bool(session.settings().get(KEEP_ORIGINALS, False)),
            key="keep-originals",
            help="The workbook always keeps a copy that plays in the browser. Keeping the original too "
                 "uses more disk space and is one more copy of sensitive material (setting for all cases).",
            on_change=lambda: session.settings().set(KEEP_ORIGINALS, st.session_state["keep-originals"]),
        )


def open_analysis(recording_id: str) -> None:
    st.session_state[ANALYSIS_RECORDING_KEY] = recording_id
    session.go_to("pages/analysis.py")


if not case.recordings:
    st.info("No recordings yet.")
for recording in sorted(case.recordings, key=lambda r: (r.cycle, r.imported_at)):
    with st.container(border=True):
        st.markdown(f"**Cycle {recording.cycle}**")
        autosave_text("Title", case, text_fields.recording_title(recording.id),
                      key=f"rec-title-{recording.id}", max_chars=MAX_TITLE_TEXT, single_line=True)
        moments = case.moments_of(recording.id)
        st.caption(
            f"{format_time(recording.duration)} long · {recording.width}×{recording.height} · "
            f"{'with' if recording.has_audio else 'no'} sound · {len(moments)} moments · "
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
