"""Micro-analysis on a stored case: mark and code moments, cut clips, move their points.

Each action edits the case under its lock (read fresh, validated, written once, see
:meth:`~vig_core.storage.store.CaseStore.edit`) and hands back what it made or where it
put it: the page needs the new moment to open it, the time a moment went to to move the
player there, the clip to name it. The value comes back after the case is written, so a
page never shows a moment or clip that was not kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from vig_core.case.film import ME, Clip, Moment, title_from_coding
from vig_core.case.frames import step
from vig_core.errors import ValidationError
from vig_core.storage.settings import SettingsStore
from vig_core.storage.store import CaseStore
from vig_core.vocab.principles import Principles

# People press M a little after what they saw: a mark is the player's time less this reaction
# offset (as ELAN's delayed segmentation), set once for the installation in Settings.
REACTION_OFFSET = "reaction_offset_seconds"
DEFAULT_REACTION_OFFSET, MIN_REACTION_OFFSET, MAX_REACTION_OFFSET = 0.5, 0.0, 2.0


def reaction_offset(settings: SettingsStore) -> float:
    """The reaction offset in seconds; the default for a missing or impossible stored value."""
    value = settings.get(REACTION_OFFSET, DEFAULT_REACTION_OFFSET)
    if isinstance(value, bool) or not isinstance(value, int | float) or not (
            MIN_REACTION_OFFSET <= value <= MAX_REACTION_OFFSET):
        return DEFAULT_REACTION_OFFSET
    return float(value)


def set_reaction_offset(settings: SettingsStore, seconds: float) -> None:
    if not MIN_REACTION_OFFSET <= seconds <= MAX_REACTION_OFFSET:
        raise ValidationError(f"The reaction offset is between {MIN_REACTION_OFFSET:g} and "
                              f"{MAX_REACTION_OFFSET:g} seconds.")
    settings.set(REACTION_OFFSET, round(float(seconds), 1))


@dataclass(frozen=True)
class MarkedMoment:
    moment: Moment
    new: bool  # False: a moment was already at that time, and it is handed back instead


def mark_moment(store: CaseStore, case_id: str, recording_id: str, seconds: float, coder: str = ME) -> MarkedMoment:
    """A moment of ``coder`` (the practitioner by default; a second coder coding at this laptop goes
    into their own layer) at ``seconds`` (already on the frame grid); the one already there, if any.

    A second press at the same time (a double click, a paused player) must open the moment
    already marked instead of making a twin; checked under the lock, so two tabs cannot both add one.
    """
    with store.edit(case_id) as case:
        there = next((m for m in case.moments_of(recording_id, coder) if m.time == seconds), None)
        marked = MarkedMoment(there, False) if there else MarkedMoment(
            case.mark_moment(recording_id, seconds, coder), True)
    return marked


def see_behaviours(store: CaseStore, case_id: str, moment_id: str, behaviours: list[str],
                   principles: Principles) -> list[str]:
    """Keep the behaviours seen; return the moment's principles, which they may have brought in
    (see :meth:`~vig_core.case.film.Moment.see_behaviours`)."""
    with store.edit(case_id) as case:
        moment = case.moment(moment_id)
        moment.see_behaviours(behaviours, principles)
        coded = list(moment.principles)
    return coded


def move_moment(store: CaseStore, case_id: str, moment_id: str, seconds: float) -> float:
    """Put the moment at ``seconds``; return where it went (on the frame grid, inside the film)."""
    with store.edit(case_id) as case:
        kept = case.move_moment(moment_id, seconds)
    return kept


def step_moment(store: CaseStore, case_id: str, moment_id: str, frames: int) -> float:
    """Move the moment by whole ``frames`` (back when negative) from where it is stored; return
    where it went. Counted from the stored time, so quick presses each move it one more frame."""
    with store.edit(case_id) as case:
        moment = case.moment(moment_id)
        recording = case.recording(moment.recording_id)
        kept = case.move_moment(moment_id, step(moment.time, recording.fps, frames, recording.duration))
    return kept


def cut_clip_around(store: CaseStore, case_id: str, moment_id: str, either_side: float,
                    principles: Principles) -> Clip:
    """A first clip from ``either_side`` seconds before the moment to as many after, titled from
    its coding and tied to it; its points are adjusted later on the Clips page. Clips are the
    practitioner's, for the family: never cut around a second coder's moment."""
    with store.edit(case_id) as case:
        moment = case.moment(moment_id)
        if moment.coder != ME:
            raise ValidationError("Clips for the family are cut around your own moments, not a second coder's.")
        clip = case.add_clip(moment.recording_id, moment.time - either_side, moment.time + either_side,
                             title=title_from_coding(moment, principles), moment_id=moment.id)
    return clip


def add_clip(store: CaseStore, case_id: str, recording_id: str, start: float, end: float) -> Clip:
    """A clip cut by hand from ``start`` to ``end`` (put on the frame grid)."""
    with store.edit(case_id) as case:
        clip = case.add_clip(recording_id, start, end)
    return clip


def set_clip_point(store: CaseStore, case_id: str, clip_id: str, seconds: float, *, out_point: bool) -> Clip:
    """Move the clip's in point (or its out point) to ``seconds``; the other point stays as
    stored. Returns the clip as kept, so both boxes can show its points on the frame grid."""
    with store.edit(case_id) as case:
        clip = case.clip(clip_id)
        start, end = (clip.start, seconds) if out_point else (seconds, clip.end)
        kept = case.set_clip_span(clip_id, start, end)
    return kept
