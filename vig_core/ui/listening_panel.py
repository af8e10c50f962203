"""The *Listening* section of Micro-analysis: what the workbook heard in the film, the
serve-and-return moments it suggests, the practitioner's correction of the voices and the
film's turn-taking figures.

All of it is the practitioner's: the page never draws it in client view, and a suggestion
becomes part of the case only when accepted (:mod:`vig_core.services.listening`). It says
plainly what the sound cannot tell, so a suggestion is taken as a place to look, no more.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import streamlit as st

from vig_core.case.episodes import ANSWER_WITHIN, Suggestion, TurnTaking, suggestions, turn_taking
from vig_core.case.film import Moment, Recording, RecordingKind
from vig_core.case.frames import format_time
from vig_core.case.voices import VoiceCorrection
from vig_core.errors import VigError
from vig_core.services import listening
from vig_core.services.jobs import JOBS
from vig_core.storage.listening import listening_path
from vig_core.ui import messages, session
from vig_core.ui.escape import plain
from vig_core.ui.media import job_progress

SUGGESTIONS = "suggestions"  # where accepting or dismissing says how it went
ONLY_THE_SOUND = ("Suggestions come from the sound alone: the child's voice answered by the adult's within about "
                  f"{ANSWER_WITHIN:.0f} seconds. They miss everything non-verbal (a look, a smile, waiting), "
                  "which remains your eye.")

NOT_FOR_A_REVIEW = ("This is a film of a shared review: the voices are the parent's and yours. Listening tells a "
                    "child's voice from an adult's, so it makes no suggestions for this film; your eye does.")


@dataclass(frozen=True)
class Listened:
    """What is stored for a recording, read once per run: the hearing (``None``: not heard yet),
    the suggestions still open and the figures, under the practitioner's correction."""

    heard: listening.Heard | None
    offered: list[Suggestion] = field(default_factory=list)
    figures: TurnTaking | None = None
    problem: str | None = None  # the stored result could not be read

    @property
    def peaks(self) -> list[float]:
        return self.heard.listening.peaks if self.heard else []


# The last reading of each listening file, by its path, with the file's identity when read (the
# identity is taken before reading, so a change while reading only means one more read later).
KEPT_READINGS = 8  # films: each keeps its loudness values in memory
_READ: dict[str, tuple[tuple[int, int, int], Listened]] = {}
_READ_LOCK = threading.Lock()


def read_listened(case_id: str, recording_id: str) -> Listened:
    """The recording's listening, read again only when its file has changed since the last run.

    Why: a long film's file holds a loudness value every 0.1 s (27,000 for 45 minutes), and
    parsing it on every run of the page was a tenth of the page's time. Every write replaces
    the file (a new inode, modification time and usually size), so an unchanged identity is
    the same contents; a missing or unreadable file is never remembered."""
    try:
        path = listening_path(session.store(), case_id, recording_id)
        found = os.stat(path)
    except (OSError, VigError):
        return _read_listened(case_id, recording_id)
    identity = (found.st_ino, found.st_mtime_ns, found.st_size)
    with _READ_LOCK:  # sessions run on threads of their own
        kept = _READ.get(str(path))
    if kept is not None and kept[0] == identity:
        return kept[1]
    listened = _read_listened(case_id, recording_id)
    if listened.problem is None:
        with _READ_LOCK:
            _READ.pop(str(path), None)
            _READ[str(path)] = (identity, listened)
            while len(_READ) > KEPT_READINGS:
                del _READ[next(iter(_READ))]
    return listened


def _read_listened(case_id: str, recording_id: str) -> Listened:
    try:
        found = listening.heard(session.store(), case_id, recording_id)
    except VigError as error:
        return Listened(None, problem=str(error))
    if found is None:
        return Listened(None)
    decided = found.accepted | found.dismissed
    offered = [s for s in suggestions(found.listening, found.correction) if s.key not in decided]
    return Listened(found, offered, turn_taking(found.listening, found.correction))


def accept(recording: Recording, key: str, opened: Callable[[Moment], None]) -> None:
    """Make the suggestion a moment (at the child's initiative, with a clip around the exchange) and open it."""
    if done := session.act_on_case(listening.accept_suggestion, recording.id, key):
        opened(done.value)
        session.flash("success", f"Moment made at {format_time(done.value.time, recording.fps)} with a clip "
                                 "around the exchange: code it below.")


def dismiss(recording: Recording, key: str) -> None:
    session.act_on_case(listening.dismiss_suggestion, recording.id, key,
                        success="Suggestion dismissed: it is offered no more.")


def start(case_id: str, recording_id: str) -> None:
    if session.first_press("listen", recording_id):
        listening.start_listening(session.store(), case_id, recording_id)


def correct(recording: Recording, swap_key: str, boundary_key: str) -> None:
    boundary = st.session_state.get(boundary_key)
    correction = VoiceCorrection(float(boundary) if boundary else None, bool(st.session_state.get(swap_key)))
    session.act_on_case(listening.correct_voices, recording.id, correction)


def suggestion_title(suggestion: Suggestion, fps: float) -> str:
    return (f"{format_time(suggestion.start)}–{format_time(suggestion.end)} · "
            f"{suggestion.turns} turns")


def listening_section(case_id: str, recording: Recording, listened: Listened, *,
                      go_to: Callable[[float], None], opened: Callable[[Moment], None]) -> None:
    """The section: progress or a button to listen, the open suggestions with Accept and Dismiss,
    and (folded) the voice correction and the figures."""
    st.subheader("Listening", anchor=False)
    job_progress(listening.listening_owner(case_id), beside="listen")
    messages.show("listen")
    if listened.problem:
        st.warning(plain(listened.problem))
    if not recording.has_audio:
        st.caption("This film has no sound, so there is nothing to listen to.")
        return
    if recording.kind is RecordingKind.SHARED_REVIEW:
        st.caption(NOT_FOR_A_REVIEW)
        return
    heard = listened.heard
    if heard is None:
        if not JOBS.running(listening.listening_job_key(case_id, recording.id)):
            st.button("Listen to the film", key="listen", icon=":material/hearing:",
                      on_click=messages.guarded("listen", start), args=(case_id, recording.id),
                      help="Finds speech and whose voice it is, in the background; the page stays usable.")
        st.caption(ONLY_THE_SOUND)
        return
    st.caption(ONLY_THE_SOUND)
    messages.show(SUGGESTIONS)
    if not listened.offered:
        st.caption("No suggestions open for this film.")
    with st.container(height=320 if len(listened.offered) > 4 else "content", border=False):
        for suggestion in listened.offered:
            where, yes, no = st.columns([5, 2, 2], vertical_alignment="center")
            where.button(suggestion_title(suggestion, recording.fps), key=f"suggestion-{suggestion.key}",
                         on_click=go_to, args=(suggestion.start,), type="tertiary",
                         help=suggestion.reason, width="stretch")
            yes.button("Accept", key=f"accept-{suggestion.key}", width="stretch",
                       on_click=messages.guarded(SUGGESTIONS, accept), args=(recording, suggestion.key, opened))
            no.button("Dismiss", key=f"dismiss-{suggestion.key}", width="stretch",
                      on_click=messages.guarded(SUGGESTIONS, dismiss), args=(recording, suggestion.key))
            st.caption(suggestion.reason)
    with st.expander("Voices and turn-taking", key=f"voices-{recording.id}"):
        voices(recording, heard)
        if listened.figures:
            show_figures(listened.figures)


def voices(recording: Recording, heard: listening.Heard) -> None:
    """The correction for a film whose voices were told apart wrongly; it regroups without reading the film."""
    swap_key, boundary_key = f"swap-voices-{recording.id}", f"voice-boundary-{recording.id}"
    st.session_state.setdefault(swap_key, heard.correction.swapped)
    st.session_state.setdefault(boundary_key, heard.correction.boundary_hz)
    st.toggle("Swap the voices", key=swap_key, on_change=messages.guarded(swap_key, correct),
              args=(recording, swap_key, boundary_key),
              help="For a film where the lower voice is the child's (a baby and a mother with a high voice).")
    messages.show(swap_key)
    st.number_input("Pitch boundary between the voices (Hz)", listening.LOWEST_CORRECTION_HZ,
                    listening.HIGHEST_CORRECTION_HZ, step=10.0, format="%.0f", key=boundary_key,
                    placeholder=f"found in the film: {heard.listening.boundary_hz:.0f} Hz",
                    on_change=messages.guarded(boundary_key, correct), args=(recording, swap_key, boundary_key),
                    help="Voices above it count as the child's (below it when swapped). Empty: the boundary "
                         "found in the film.")
    messages.show(boundary_key)


def show_figures(figures: TurnTaking) -> None:
    heard_col, answered_col = st.columns(2)
    heard_col.metric("Child's initiatives heard", figures.child_initiatives)
    share = figures.answered_share
    answered_col.metric(f"Answered within {ANSWER_WITHIN:.0f} s", figures.answered,
                        delta=None if share is None else f"{share:.0%}", delta_color="off")
    turns_col, talk_col = st.columns(2)
    turns_col.metric("Turns per minute", f"{figures.turns_per_minute:.1f}")
    adult = figures.adult_share_of_talk
    talk_col.metric("Adult's share of talk", "—" if adult is None else f"{adult:.0%}")
    st.caption("A process indicator, counted from the sound alone: not a validated measure.")
