"""The case timeline: every cycle with its dates, clips and goal ratings, in order.

Made for looking back together, so it holds only what the family may see:
clip titles, goal ratings and what was agreed to film, never practitioner notes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from vig_core.case.cycles import CycleStatus, Stage
from vig_core.case.film import RecordingKind, clip_name
from vig_core.case.goals import RatedAt
from vig_core.case.record import Case


@dataclass(frozen=True)
class TimelineEntry:
    on: date | None  # None: not dated yet
    title: str
    lines: tuple[str, ...] = ()
    to_come: bool = False


def timeline(case: Case) -> list[TimelineEntry]:
    """The entries by date (undated ones last, in the order of the work). Each goal rating
    is listed at its own time point: the start, its cycle's review, the ending, or (a
    re-rating, or the first rating of a goal set later) under "Goals rated" on its day."""
    reviewed_cycles = {c.number for c in case.cycles if c.status is CycleStatus.REVIEWED and c.review_date}
    ended = case.stage in (Stage.ENDING, Stage.CLOSED)
    began: list[str] = []
    at_review: dict[int, list[str]] = defaultdict(list)
    at_ending: list[str] = []
    on_day: dict[date, list[str]] = defaultdict(list)
    for number, goal in case.numbered_goals():
        for rating in goal.ratings:
            line = f"Goal {number} rated {rating.score}/10: {goal.text}"
            if rating.at is RatedAt.START and rating.on == case.created_on:
                began.append(line)
            elif rating.at is RatedAt.REVIEW and rating.cycle in reviewed_cycles:
                at_review[rating.cycle].append(line)
            elif rating.at is RatedAt.ENDING and ended:
                at_ending.append(line)
            else:
                on_day[rating.on].append(line)

    entries = [TimelineEntry(case.created_on, "The work began", tuple(began))]
    for cycle in case.cycles:
        n = cycle.number
        filmed = cycle.status is not CycleStatus.PLANNED
        films = [f"Film: {r.title}" for r in case.recordings_in(n)
                 if r.kind is RecordingKind.FAMILY]  # a shared review's own film is for supervision
        entries.append(TimelineEntry(cycle.filming_date, f"Cycle {n}: filming", tuple(films), to_come=not filmed))
        reviewed = cycle.status is CycleStatus.REVIEWED
        lines = ([f"Clip {c.chosen}: {clip_name(c, case.recording(c.recording_id))}" for c in case.chosen_clips(n)]
                 if reviewed else [])
        if reviewed and cycle.review_date:
            lines += at_review[n]
        if cycle.film_next.strip():
            lines.append(f"To film next time: {cycle.film_next.strip()}")
        entries.append(TimelineEntry(cycle.review_date, f"Cycle {n}: shared review", tuple(lines),
                                     to_come=not reviewed))
    for day in sorted(on_day):
        entries.append(TimelineEntry(day, "Goals rated", tuple(on_day[day])))
    if ended:
        entries.append(TimelineEntry(case.closed_on, "The ending", tuple(at_ending),
                                     to_come=case.stage is Stage.ENDING))
    dated = sorted((e for e in entries if e.on), key=lambda e: e.on)  # stable: same-day entries keep their order
    return dated + [e for e in entries if not e.on]


_POINT_ORDER = {RatedAt.START: 0, RatedAt.REVIEW: 1, RatedAt.BETWEEN: 2, RatedAt.ENDING: 3}


def rating_table(case: Case) -> list[dict]:
    """The goal ratings as a table: a row per time point (date and where they were given),
    a column per goal ("Goal 1", ...), in the order they were given."""
    rows: dict[tuple, dict] = {}
    for number, goal in case.numbered_goals():
        for rating in goal.ratings:
            key = (rating.on, _POINT_ORDER[rating.at], rating.cycle or 0)
            rows.setdefault(key, {"Date": rating.on, "Given at": rating.label})[f"Goal {number}"] = rating.score
    return [rows[key] for key in sorted(rows)]
