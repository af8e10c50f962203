"""Does the practitioner's browser play HEVC? Asked once, remembered per browser (issue 21).

A phone's HEVC picture is kept at import only for a browser that plays it (Safari; Chrome
and Edge where the computer decodes HEVC); anywhere else the player would stay black.
A tiny custom component asks the browser itself (``canPlayType`` and
``mediaCapabilities.decodingInfo`` for HEVC Main in MP4) and reports the answer.

The answer is remembered in the installation settings keyed by the browser's user agent,
and in the session. Why the user agent, not a random id kept in the browser's storage:
the workbook serves only this computer, so one user agent is one browser here, and the
server has it on the very first run of a page (``st.context.headers``), before any
component has reported; an id in ``localStorage`` would be known only after a round trip.
The component still asks on each page load and reports only an answer that differs from
the one remembered (a new graphics driver, a browser update), so it costs no extra run.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from vig_core.ui import session

SETTING = "browsers_playing_hevc"  # installation setting: {user agent: True/False}
SESSION_KEY = "vig-browser-plays-hevc"
KEY = "vig-browser-video"
MAX_AGENTS = 20  # browsers remembered; the oldest answers go first
MAX_AGENT = 400  # characters of a user agent kept

_asker = st.components.v2.component(
    "vig_browser_video",
    js=(Path(__file__).parent / "browser_video.js").read_text(encoding="utf-8"),
)


def _agent() -> str:
    return (st.context.headers.get("User-Agent") or "")[:MAX_AGENT]


def remembered() -> bool | None:
    """This browser's answer as remembered (this session first, then the settings); None if never asked."""
    known = st.session_state.get(SESSION_KEY)
    if isinstance(known, bool):
        return known
    stored = (session.settings().get(SETTING) or {}).get(_agent())
    return stored if isinstance(stored, bool) else None


def _heard() -> None:
    plays = (st.session_state.get(KEY) or {}).get("plays")
    if not isinstance(plays, bool):
        return
    st.session_state[SESSION_KEY] = plays
    agent = _agent()
    if agent:
        answers = {k: v for k, v in (session.settings().get(SETTING) or {}).items() if k != agent}
        session.settings().set(SETTING, dict(list(answers.items())[-(MAX_AGENTS - 1):]) | {agent: plays})


def browser_plays_hevc() -> bool | None:
    """Ask the browser (draws nothing visible) and return what is known: True, False or None (not yet)."""
    known = remembered()
    _asker(key=KEY, data={"known": known}, on_plays_change=_heard)
    return remembered()
