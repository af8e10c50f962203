"""The case record of a VIG piece of work, as typed dataclasses.

A *case* is one family's piece of work: consent, the initial conversation,
the parent's goals with their rating history, and the planned cycles of
filming and shared review. The classes hold the rules of the method (goals
rated 0 to 10, consent for training only in writing, a shared review never
before its filming) and raise :class:`ValidationError` with a sentence a
practitioner can act on. They never touch the disk; see :mod:`vig_core.storage.store`.
The record is split by concern (cycles, consent, conversation, goals, the films'
work) into the modules beside this one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from vig_core.case.consent import Consent
from vig_core.case.conversation import Conversation, Ending
from vig_core.case.cycles import (
    DEFAULT_CYCLES,
    MAX_CYCLES,
    MIN_CYCLES,
    RETENTION_MONTHS,
    Cycle,
    CycleStatus,
    Stage,
    add_months,
)
from vig_core.case.film import Clip, Moment, Recording, Reflection
from vig_core.case.film_work import FilmWork
from vig_core.case.goals import Goal, GoalRating, RatedAt
from vig_core.case.items import by_id
from vig_core.case.questionnaires import Administration, TimePoint
from vig_core.errors import NotFoundError, ValidationError
from vig_core.text import MAX_NOTE_TEXT, MAX_SHORT_TEXT, check_name, check_text, new_id


@dataclass
class Case(FilmWork):
    id: str
    code: str  # short code or pseudonym shown on the caseload
    child_first_name: str
    created_on: date
    carer_name: str = ""
    child_birth_date: date | None = None
    stage: Stage = Stage.INITIAL
    planned_cycles: int = DEFAULT_CYCLES
    cycles: list[Cycle] = field(default_factory=list)
    consent: Consent = field(default_factory=Consent)
    conversation: Conversation = field(default_factory=Conversation)
    practitioner_notes: str = ""  # never shown in client view
    goals: list[Goal] = field(default_factory=list)
    closed_on: date | None = None
    archived: bool = False
    retention_override: date | None = None
    is_demo: bool = False
    recordings: list[Recording] = field(default_factory=list)
    moments: list[Moment] = field(default_factory=list)
    clips: list[Clip] = field(default_factory=list)
    reflections: list[Reflection] = field(default_factory=list)
    administrations: list[Administration] = field(default_factory=list)
    ending: Ending = field(default_factory=Ending)

    def __post_init__(self) -> None:
        if not self.cycles:
            self.cycles = [Cycle(n) for n in range(1, self.planned_cycles + 1)]

    # --- rules ---------------------------------------------------------
    def validate(self) -> None:
        check_text(self.code, "The case code", MAX_SHORT_TEXT, required=True)
        check_text(self.child_first_name, "The child's first name", MAX_SHORT_TEXT, required=True)
        check_text(self.carer_name, "The parent or carer's name", MAX_SHORT_TEXT)
        check_text(self.practitioner_notes, "Practitioner notes", MAX_NOTE_TEXT)
        if self.child_birth_date and self.child_birth_date > self.created_on:
            raise ValidationError("The child's date of birth is after the case was opened; please check it.")
        if not MIN_CYCLES <= self.planned_cycles <= MAX_CYCLES:
            raise ValidationError(f"A case plans between {MIN_CYCLES} and {MAX_CYCLES} cycles.")
        if self.closed_on and self.closed_on < self.created_on:
            raise ValidationError("A case cannot end before it was opened.")
        if self.retention_override and self.retention_override < self.created_on:
            raise ValidationError("The retention date cannot be before the case was opened.")
        self.consent.validate()
        self.conversation.validate()
        for cycle in self.cycles:
            cycle.validate()
        for goal in self.goals:
            goal.validate()
        numbers = {c.number for c in self.cycles}
        durations = {r.id: r.duration + r.frame for r in self.recordings}
        for recording in self.recordings:
            recording.validate()
            if recording.cycle not in numbers:
                raise ValidationError(f"The recording “{recording.title}” belongs to a cycle the case does not have.")
        for item in [*self.moments, *self.clips]:
            item.validate()
            if item.recording_id not in durations:
                raise ValidationError("A moment or clip refers to a recording that no longer exists.")
        for moment in self.moments:
            if moment.time > durations[moment.recording_id]:
                raise ValidationError("A moment cannot be after the end of the film.")
        for clip in self.clips:
            if clip.end > durations[clip.recording_id]:
                raise ValidationError("A clip cannot end after the film does; check the out point.")
        clip_ids = {c.id for c in self.clips}
        for reflection in self.reflections:
            reflection.validate()
            if reflection.clip_id not in clip_ids:
                raise ValidationError("The parent's words refer to a clip that no longer exists.")
        self.ending.validate()
        taken = set()
        for administration in self.administrations:
            administration.validate()
            key = (administration.instrument_id, administration.time_point)
            if key in taken:
                raise ValidationError("A questionnaire can be given once at each time point.")
            taken.add(key)

    # --- where the family is --------------------------------------------
    @property
    def current_cycle(self) -> Cycle | None:
        """The first cycle not yet reviewed, while the case is in its cycles."""
        if self.stage is not Stage.CYCLES:
            return None
        return next((c for c in self.cycles if c.status is not CycleStatus.REVIEWED), None)

    @property
    def step(self) -> str:
        """The current step in words, e.g. ``"cycle 2: shared review"``."""
        if self.stage is Stage.CYCLES:
            cycle = self.current_cycle
            if cycle is None:
                return "cycles complete: ready for the ending"
            activity = "filming" if cycle.status is CycleStatus.PLANNED else "shared review"
            return f"cycle {cycle.number}: {activity}"
        return self.stage.value

    @property
    def cycles_done(self) -> int:
        return sum(c.status is CycleStatus.REVIEWED for c in self.cycles)

    def next_date(self) -> date | None:
        """The date of the next thing to happen with the family, if one is set."""
        cycle = self.current_cycle
        if cycle is None:
            return None
        return cycle.filming_date if cycle.status is CycleStatus.PLANNED else cycle.review_date

    def retention_date(self) -> date | None:
        """When recordings should be erased: set by hand, or two months after the end."""
        if self.retention_override:
            return self.retention_override
        if self.closed_on:
            return add_months(self.closed_on, RETENTION_MONTHS)
        return None

    def age_text(self, today: date) -> str:
        if not self.child_birth_date:
            return ""
        months = (today.year - self.child_birth_date.year) * 12 + today.month - self.child_birth_date.month
        if today.day < self.child_birth_date.day:
            months -= 1
        months = max(months, 0)
        return f"{months} months" if months < 24 else f"{months // 12} years"

    # --- changes ----------------------------------------------------------
    def set_planned_cycles(self, count: int) -> None:
        if not MIN_CYCLES <= count <= MAX_CYCLES:
            raise ValidationError(f"A case plans between {MIN_CYCLES} and {MAX_CYCLES} cycles.")
        dropped = [c for c in self.cycles[count:] if c.has_content]
        if dropped:
            raise ValidationError(
                f"Cycle {dropped[0].number} already has dates or progress; clear it before planning fewer cycles."
            )
        self.cycles = self.cycles[:count] + [Cycle(n) for n in range(len(self.cycles) + 1, count + 1)]
        self.planned_cycles = count

    def set_child_birth_date(self, day: date | None) -> None:
        """Checked on save (a birth after the case was opened is refused), as every change is."""
        self.child_birth_date = day

    def set_retention_override(self, day: date | None) -> None:
        """A retention date other than the default (None: two months after the case ends);
        checked on save: never before the case was opened."""
        self.retention_override = day

    def set_archived(self, archived: bool) -> None:
        """Hide the case from the caseload list (or bring it back); nothing is erased."""
        self.archived = archived

    def cycle(self, number: int) -> Cycle:
        for cycle in self.cycles:
            if cycle.number == number:
                return cycle
        raise NotFoundError(f"This case has no cycle {number}.")

    def goal(self, goal_id: str) -> Goal:
        return by_id(self.goals, goal_id, "goal")

    def add_goal(self, text: str, score: int | None, today: date) -> Goal:
        """Add a goal in the parent's words, rated now (0 to 10) if a score is given."""
        goal = Goal(id=new_id(), text=text, created_on=today)
        goal.validate()
        if score is not None:
            goal.rate(score, today, at=RatedAt.START)
        self.goals.append(goal)
        return goal

    def rate_goal(self, goal_id: str, score: int, today: date) -> GoalRating:
        """A rating given on the Goals page: the goal's start while it has no other rating
        (on the day it was set, a correction of it), the ending's once the case is there,
        else a re-rating between reviews (a second one the same day corrects it)."""
        goal = self.goal(goal_id)
        if not goal.ratings or ([r.at for r in goal.ratings] == [RatedAt.START] and goal.ratings[0].on == today):
            at = RatedAt.START
        elif self.stage in (Stage.ENDING, Stage.CLOSED):
            at = RatedAt.ENDING
        else:
            at = RatedAt.BETWEEN
        return goal.rate(score, today, at=at)

    def move_goal(self, goal_id: str, offset: int) -> None:
        goal = self.goal(goal_id)
        index = self.goals.index(goal)
        target = max(0, min(len(self.goals) - 1, index + offset))
        self.goals.insert(target, self.goals.pop(index))

    def remove_goal(self, goal_id: str) -> None:
        goal = self.goal(goal_id)
        if not goal.deletable:
            raise ValidationError("This goal has been rated since it was set, so its ratings are part of the "
                                  "record: retire it instead.")
        self.goals.remove(goal)

    @property
    def active_goals(self) -> list[Goal]:
        return [g for g in self.goals if g.retired_on is None]

    def numbered_goals(self) -> list[tuple[int, Goal]]:
        """The goals the family's charts and documents show, with their number ("Goal 1", ...):
        the goals worked on and the retired ones chosen to be shown, in the order of the list."""
        return list(enumerate((g for g in self.goals if g.shown), start=1))


    def administration(self, instrument_id: str, time_point: TimePoint) -> Administration | None:
        return next((a for a in self.administrations
                     if a.instrument_id == instrument_id and a.time_point == time_point), None)

    def enter_cycles(self) -> None:
        """A film was made or a review held: a case still at the initial conversation is now in
        its cycles (a later stage is never moved back)."""
        if self.stage is Stage.INITIAL:
            self.stage = Stage.CYCLES

    def set_stage(self, stage: Stage, today: date) -> None:
        self.stage = stage
        self.closed_on = today if stage is Stage.CLOSED else None




def new_case(
    code: str,
    child_first_name: str,
    today: date,
    *,
    carer_name: str = "",
    child_birth_date: date | None = None,
    planned_cycles: int = DEFAULT_CYCLES,
    case_id: str | None = None,
) -> Case:
    """A validated new case with its planned cycles laid out."""
    if not MIN_CYCLES <= planned_cycles <= MAX_CYCLES:
        raise ValidationError(f"A case plans between {MIN_CYCLES} and {MAX_CYCLES} cycles.")
    check_name(code.strip(), "The case code", required=True)  # nothing invisible: two codes never look alike
    check_name(child_first_name.strip(), "The child's first name", required=True)
    check_name(carer_name.strip(), "The parent or carer's name")
    case = Case(
        id=case_id or new_id(),
        code=code.strip(),
        child_first_name=child_first_name.strip(),
        carer_name=carer_name.strip(),
        child_birth_date=child_birth_date,
        created_on=today,
        planned_cycles=planned_cycles,
    )
    case.validate()
    return case
