"""Converting a kept HEVC recording to H.264, later, for a browser that cannot play HEVC (issue 21).

A phone's HEVC picture is kept at import when the practitioner's browser plays it
(:mod:`vig_core.media.plan`). Opened in a browser that does not (another computer's,
or Firefox on Linux), the player would stay black; the page says so and starts this
conversion as a background job instead. The H.264 copy is made beside ``film.mp4``
and then takes its place in one rename (:func:`~vig_core.media.ffmpeg.run_ffmpeg`),
so a player or a cut reading the old file meanwhile is never given half a film.
Moments and clips are kept as they are: the copy keeps the same frame times.
"""

from __future__ import annotations

from collections.abc import Callable

from vig_core.case.film import Recording
from vig_core.media.ffmpeg import run_ffmpeg
from vig_core.media.plan import plan_conversion
from vig_core.media.probe import MediaError, probe_copy
from vig_core.services.jobs import JOBS, Job, JobBusy
from vig_core.storage.store import CaseStore


def conversion_key(case_id: str, recording_id: str) -> str:
    return f"convert {case_id} {recording_id}"


def convert_to_h264(store: CaseStore, case_id: str, recording_id: str,
                    on_progress: Callable[[float], None] | None = None) -> Recording:
    """Replace a kept HEVC recording's playable copy with an H.264 one; return the recording as now kept.
    A recording that is H.264 already is left alone."""
    recording = store.load(case_id).recording(recording_id)
    if not recording.kept_hevc:
        return recording
    film = store.media_path(case_id, recording.playable)
    info = probe_copy(film)
    plan = plan_conversion(info, film, film)
    run_ffmpeg(plan.args, film, info.duration, on_progress)
    try:
        now = probe_copy(film)
    except MediaError as error:
        raise MediaError(f"The converted copy of “{recording.title}” could not be read back; please try again.") \
            from error

    def record(case) -> None:
        kept = case.recording(recording_id)
        kept.video_codec = now.video_codec
        kept.fps = now.fps
        kept.how = f"{kept.how}; {plan.reason}" if kept.how else plan.reason

    return store.update(case_id, record).recording(recording_id)


def start_conversion(store: CaseStore, case_id: str, recording_id: str, *, owner: str) -> Job:
    """Convert in the background; a second request while it runs gets the running job."""
    key = conversion_key(case_id, recording_id)
    title = store.load(case_id).recording(recording_id).title
    for _ in range(2):  # the running one may end between the refusal and the look
        try:
            return JOBS.start(owner, f"Converting “{title}” for this browser",
                              lambda report: convert_to_h264(store, case_id, recording_id, report), key=key)
        except JobBusy:
            job = JOBS.running(key)
            if job is not None:
                return job
    raise JobBusy(f"“{title}” is being converted already.")
