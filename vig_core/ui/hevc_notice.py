"""A kept HEVC recording opened in a browser that cannot play it: say so and offer the conversion
(issue 21), instead of a player that stays black.

Only what plays the whole recording needs this (Micro-analysis's player, a clip watched on the
Clips page): stills are made by ffmpeg on this computer, and cut clips, the shared review and
every export are H.264 whatever the recording is.
"""

from __future__ import annotations

import streamlit as st

from vig_core.case.film import Recording
from vig_core.services.conversion import start_conversion
from vig_core.ui import messages, session
from vig_core.ui.browser_video import remembered
from vig_core.ui.media import job_progress

NOT_HERE = ("This film kept the phone's own HEVC picture, which this browser cannot show; convert it to a "
            "copy every browser plays (the times of moments and clips stay as they are).")


def owner(case_id: str, recording_id: str) -> str:
    return f"convert-{case_id}-{recording_id}"


def plays_here(case_id: str, recording: Recording, *, where: str = "") -> bool:
    """True when the page may draw a player for ``recording``; else draws the notice, the button and
    the conversion's progress in its place. ``where`` tells two such places on one page apart.
    The page asks the browser once per run (:func:`~vig_core.ui.browser_video.browser_plays_hevc`)."""
    if not recording.kept_hevc or remembered() is not False:
        return True  # not yet answered: the player is drawn; the answer comes with the next run
    st.info(NOT_HERE, icon=":material/info:")
    key = f"convert-{recording.id}{where}"
    st.button("Convert it for this browser", key=key, icon=":material/autorenew:",
              on_click=messages.guarded(key, lambda: start_conversion(
                  session.store(), case_id, recording.id, owner=owner(case_id, recording.id))))
    messages.show(key)
    job_progress(owner(case_id, recording.id))
    return False
