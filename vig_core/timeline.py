"""The case timeline: every cycle with its dates, clips and goal ratings, in order.

Made for looking back together, so it holds only what the family may see:
clip titles, goal ratings and what was agreed to film, never practitioner notes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .film import clip_name
from .models import Case, CycleStatus, Stage


@dataclass(frozen=True)
class TimelineEntry:
    on: date | None  # None: not dated yet
    title: str
    lines: tuple[str, ...] = ()
    to_come: bool = False


def _ratings_on(case: Case, day: date) -> list[str]:
    lines = []
    for number, goal in enumerate(case.goals, start=1):
        score = next((r.score for r in goal.ratings if r.on == day), None)
        if score is not None:
            lines.append(f"Goal {number} rated {score}/10: {goal.text}")
    return lines


def timeline(case: Case) -> list[TimelineEntry]:
    """The entries by date (undated ones last, in the order of the work)."""
    entries = [TimelineEntry(case.created_on, "The work began", tuple(_ratings_on(case, case.created_on)))]
    rating_days = {case.created_on}  # days whose ratings an entry lists already
    for cycle in case.cycles:
        n = cycle.number
        filmed = cycle.status is not CycleStatus.PLANNED
        films = [f"Film: {r.title}" for r in case.recordings_in(n)]
        entries.append(TimelineEntry(cycle.filming_date, f"Cycle {n}: filming", tuple(films), to_come=not filmed))
        reviewed = cycle.status is CycleStatus.REVIEWED
        lines = ([f"Clip {c.chosen}: {clip_name(c, case.recording(c.recording_id))}" for c in case.chosen_clips(n)]
                 if reviewed else [])
        if reviewed and cycle.review_date:
            lines += _ratings_on(case, cycle.review_date)
            rating_days.add(cycle.review_date)
        if cycle.film_next.strip():
            lines.append(f"To film next time: {cycle.film_next.strip()}")
        entries.append(TimelineEntry(cycle.review_date, f"Cycle {n}: shared review", tuple(lines), to_come=not reviewed))
    for day in sorted({r.on for g in case.goals for r in g.ratings} - rating_days):
        entries.append(TimelineEntry(day, "Goals rated", tuple(_ratings_on(case, day))))
    if case.stage in (Stage.ENDING, Stage.CLOSED):
        entries.append(TimelineEntry(case.closed_on, "The ending", to_come=case.stage is Stage.ENDING))
    dated = sorted((e for e in entries if e.on), key=lambda e: e.on)  # stable: same-day entries keep their order
    return dated + [e for e in entries if not e.on]


def rating_rows(case: Case) -> list[dict]:
    """Every goal rating as a row (goal, date, rating, where it was given), for a table or chart."""
    rows = []
    for number, goal in enumerate(case.goals, start=1):
        for rating in goal.ratings:
            rows.append({"Goal": f"Goal {number}", "Date": rating.on, "Rating (0-10)": rating.score,
                         "Given at": f"cycle {rating.cycle} review" if rating.cycle else ""})
    return rows
