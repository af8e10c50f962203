"""Streamlit pieces shared by the film pages: playable URLs, stills, job progress.

Recordings reach the browser only through the app's media route, by an
unguessable token that expires (``vig_core.web.tokens``); the page never
hands a path or a whole file to the browser (no ``st.video``). In client view
only films cut for the family get a URL, never a whole recording.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import streamlit as st

from vig_core.case.record import Case
from vig_core.case.review import has_clip_file
from vig_core.errors import VigError
from vig_core.media.stills import still_png
from vig_core.services.clips import client_may_play, prepare_review_clips
from vig_core.services.jobs import CANCELLED, DONE, JOBS, RUNNING, Job
from vig_core.ui import messages, session
from vig_core.ui.escape import plain
from vig_core.web.tokens import TOKENS

ANALYSIS_RECORDING_KEY = "analysis_recording"  # the recording the Micro-analysis page shows
ANALYSIS_SEEK_KEY = "analysis_seek"  # a time (s) another page asks Micro-analysis to show, once


def media_url(case_id: str, relative: str, name: str = "film.mp4") -> str:
    """A URL for one of the case's films, valid for hours.

    The registry hands back the same URL while it has most of its life left,
    so reruns do not make the player reload.
    """
    if session.in_client_view() and not client_may_play(relative):
        raise VigError("In client view only the chosen clips can be played.")
    return TOKENS.issue(session.store().media_path(case_id, relative), name=name)


@st.cache_data(max_entries=256, show_spinner=False)
def _still(path: str, modified: float, seconds: float, max_width: int) -> bytes:
    return still_png(Path(path), seconds, max_width=max_width)


def still(case_id: str, relative: str, seconds: float, *, max_width: int = 480) -> bytes:
    """The exact frame at ``seconds`` as PNG bytes (cached; a changed file is read again)."""
    path = session.store().media_path(case_id, relative)
    return _still(str(path), path.stat().st_mtime, round(seconds, 6), max_width)


CUTTING = "Getting the clips ready"  # the label of the job that cuts the review's clip files


def cutting(case_id: str) -> Job | None:
    """The running job cutting the case's clip files, if any."""
    return next((j for j in JOBS.of(case_id) if j.label == CUTTING and j.state == RUNNING), None)


def cut_chosen_clips(case: Case, cycle: int) -> None:
    """Cut, in the background, a file for each chosen clip of ``cycle`` that has none, so the
    shared review can play it (it plays nothing else).

    Called wherever clips are chosen and by the review itself. Tried once per set
    of clips in a session (a failure is said once, not on every rerun); while a
    cut runs, clips chosen meanwhile wait for it: the page reruns when it ends
    (``job_progress``) and asks again.
    """
    store = session.store()
    missing = [c for c in case.chosen_clips(cycle) if not has_clip_file(store.case_folder(case.id), c)]
    asked = "clips-cut-" + ",".join(f"{c.id}:{c.start}-{c.end}" for c in missing)
    if not missing or st.session_state.get(asked) or cutting(case.id):
        return
    st.session_state[asked] = True
    JOBS.start(case.id, CUTTING, lambda report: prepare_review_clips(store, case.id, cycle, on_progress=report))


def job_progress(owner: str, *, beside: str | None = None, on_end: Callable[[Job], None] | None = None) -> None:
    """Progress bars for the owner's running jobs, with a Cancel button for those that can stop; when
    one ends, say how (at the top of the page, beside the control ``beside`` (see
    :mod:`vig_core.ui.messages`), or as ``on_end`` does) and refresh the page."""
    jobs = JOBS.of(owner)
    if not jobs:
        return

    def said(job: Job) -> None:
        kind, text = {DONE: ("success", f"{job.label}: done."), CANCELLED: ("info", f"{job.label}: stopped.")}.get(
            job.state, ("error", f"{job.label}: {job.message}"))
        if beside:
            messages.flash(beside, kind, text)
        else:
            session.flash(kind, text)

    @st.fragment(run_every=1.0)
    def panel() -> None:
        finished = False
        for job in JOBS.of(owner):
            if job.state == RUNNING:
                st.progress(job.fraction, text=plain(job.status_text()))
                if job.cancellable:
                    st.button("Cancel", key=f"cancel-{job.id}", icon=":material/cancel:", on_click=job.cancel,
                              disabled=job.stopping)
                continue
            (on_end or said)(job)
            JOBS.forget(job)
            finished = True
        if finished:
            st.rerun(scope="app")

    panel()
