"""The turn-taking figures of a case, cycle by cycle (pure functions).

Each heard recording has its own :class:`~vig_core.case.episodes.TurnTaking`.
*Before and after* shows how they move across the cycles of the work, so the
figures of a cycle's recordings are joined into one for the cycle. They are
joined by adding up what was counted (minutes heard, initiatives, answers,
turns, seconds of talk) and working the shares out again from the sums, never
by averaging the recordings' shares: a 2-minute film with one answered
initiative must not weigh as much as a 30-minute film with forty.

Like the figures themselves this is a process indicator from the sound alone,
not a validated measure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from vig_core.case.episodes import TurnTaking
from vig_core.case.film import RecordingKind
from vig_core.case.record import Case


@dataclass(frozen=True)
class CycleTurnTaking:
    """The turn-taking figures of one cycle, from those of its recordings that were heard."""

    cycle: int
    recordings: int  # how many of the cycle's recordings were heard and counted here
    figures: TurnTaking


def combined(figures: Iterable[TurnTaking]) -> TurnTaking:
    """Several films' figures as one: counts and lengths added, so the shares follow from the sums."""
    found = list(figures)
    return TurnTaking(
        minutes=round(sum(f.minutes for f in found), 3),
        child_initiatives=sum(f.child_initiatives for f in found),
        answered=sum(f.answered for f in found),
        conversational_turns=sum(f.conversational_turns for f in found),
        child_talk_seconds=round(sum(f.child_talk_seconds for f in found), 2),
        adult_talk_seconds=round(sum(f.adult_talk_seconds for f in found), 2),
    )


def turn_taking_by_cycle(case: Case, heard: Mapping[str, TurnTaking]) -> list[CycleTurnTaking]:
    """The case's cycles that have at least one heard recording, in cycle order, with their joined figures.

    ``heard`` holds the figures of the recordings heard so far, by recording id; a recording
    not in it (not heard yet, or its result unreadable) is left out, and a cycle none of whose
    recordings was heard gets no point at all rather than a zero that was never counted."""
    by_cycle: dict[int, list[TurnTaking]] = {}
    for recording in case.recordings:
        figures = heard.get(recording.id) if recording.kind is RecordingKind.FAMILY else None  # child and adult
        if figures is not None:
            by_cycle.setdefault(recording.cycle, []).append(figures)
    return [CycleTurnTaking(cycle, len(found), combined(found)) for cycle, found in sorted(by_cycle.items())]
