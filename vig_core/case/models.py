"""The case record of a VIG piece of work, as typed dataclasses.

A *case* is one family's piece of work: consent, the initial conversation,
the parent's goals with their rating history, and the planned cycles of
filming and shared review. The classes hold the rules of the method (goals
rated 0 to 10, consent for training only in writing, a shared review never
before its filming) and raise :class:`ValidationError` with a sentence a
practitioner can act on. They never touch the disk; see ``store``.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from vig_core.case.questionnaires import Administration, TimePoint
from vig_core.errors import NotFoundError, ValidationError
from vig_core.case.film import DEFAULT_CHOSEN_CLIPS, Clip, Moment, Recording, Reflection, on_frame
from vig_core.text import MAX_GOAL_TEXT, MAX_NOTE_TEXT, MAX_SHORT_TEXT, check_name, check_text, new_id

MIN_CYCLES, MAX_CYCLES, DEFAULT_CYCLES = 1, 10, 3
RETENTION_MONTHS = 2  # recordings are usually erased about two months after the work ends
RATING_MIN, RATING_MAX = 0, 10
DEFAULT_RATING = 5  # where a rating slider starts for a goal never rated


def add_months(day: date, months: int) -> date:
    """``day`` plus whole calendar months, clamped to the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class Stage(StrEnum):
    """Where a case stands in the VIG cycle; cycles refine ``CYCLES`` further."""

    INITIAL = "initial conversation"
    CYCLES = "cycles"
    ENDING = "ending"
    CLOSED = "closed"


class CycleStatus(StrEnum):
    PLANNED = "planned"  # filming still to happen
    FILMED = "filmed"  # shared review still to happen
    REVIEWED = "reviewed"  # the cycle is complete


@dataclass
class Cycle:
    number: int
    filming_date: date | None = None
    review_date: date | None = None
    status: CycleStatus = CycleStatus.PLANNED
    film_next: str = ""  # agreed at the shared review: what to film next time (the parent may see it)
    review_notes: str = ""  # the practitioner's notes on the review: never shown in client view
    own_reflection: str = ""  # the practitioner's reflection on their own guiding, for supervision: never shown

    def validate(self) -> None:
        check_text(self.film_next, "What to film next time", MAX_NOTE_TEXT)
        check_text(self.review_notes, "The review notes", MAX_NOTE_TEXT)
        check_text(self.own_reflection, "Your own reflection", MAX_NOTE_TEXT)
        if self.filming_date and self.review_date and self.review_date < self.filming_date:
            raise ValidationError(
                f"In cycle {self.number} the shared review ({self.review_date:%d %b %Y}) "
                f"is before the filming ({self.filming_date:%d %b %Y}); please check the dates."
            )

    @property
    def has_content(self) -> bool:
        return bool(self.filming_date or self.review_date or self.status != CycleStatus.PLANNED
                    or self.film_next or self.review_notes or self.own_reflection)


class ConsentKind(StrEnum):
    FILMING = "filming"
    SUPERVISOR = "supervisor"
    TRAINING = "training"
    PARENT_KEEPS_CLIPS = "parent_keeps_clips"


CONSENT_LABELS: dict[ConsentKind, str] = {
    ConsentKind.FILMING: "To be filmed",
    ConsentKind.SUPERVISOR: "The VIG supervisor may watch clips",
    ConsentKind.TRAINING: "Clips may be used in training",
    ConsentKind.PARENT_KEEPS_CLIPS: "The parent keeps the final clips",
}


@dataclass
class ConsentChoice:
    """One consent decision. Withdrawal keeps the date it was given for the record."""

    given_on: date | None = None
    withdrawn_on: date | None = None
    in_writing: bool = False  # for training: written consent of everyone visible

    @property
    def active(self) -> bool:
        return self.given_on is not None and self.withdrawn_on is None

    @property
    def state(self) -> str:
        if self.withdrawn_on:
            return f"withdrawn {self.withdrawn_on:%d %b %Y}"
        if self.given_on:
            return f"given {self.given_on:%d %b %Y}"
        return "not given"


@dataclass
class ConsentEvent:
    kind: ConsentKind
    action: str  # "given" or "withdrawn"
    on: date


@dataclass
class Consent:
    filming: ConsentChoice = field(default_factory=ConsentChoice)
    supervisor: ConsentChoice = field(default_factory=ConsentChoice)
    training: ConsentChoice = field(default_factory=ConsentChoice)
    parent_keeps_clips: ConsentChoice = field(default_factory=ConsentChoice)
    notes: str = ""
    history: list[ConsentEvent] = field(default_factory=list)

    def choice(self, kind: ConsentKind) -> ConsentChoice:
        return getattr(self, kind.value)

    def give(self, kind: ConsentKind, on: date, *, in_writing: bool = False) -> None:
        if kind is ConsentKind.TRAINING and not in_writing:
            raise ValidationError(
                "Use in training needs the written consent of everyone visible in the film; "
                "confirm that it is in hand first."
            )
        setattr(self, kind.value, ConsentChoice(given_on=on, in_writing=in_writing))
        self.history.append(ConsentEvent(kind, "given", on))

    def withdraw(self, kind: ConsentKind, on: date) -> None:
        current = self.choice(kind)
        if not current.active:
            raise ValidationError(f"“{CONSENT_LABELS[kind]}” is not currently given, so it cannot be withdrawn.")
        if on < current.given_on:
            raise ValidationError("Consent cannot be withdrawn before the date it was given.")
        current.withdrawn_on = on
        self.history.append(ConsentEvent(kind, "withdrawn", on))

    @property
    def withdrawn(self) -> list[ConsentKind]:
        return [k for k in ConsentKind if self.choice(k).withdrawn_on]

    def validate(self) -> None:
        check_text(self.notes, "Consent notes", MAX_NOTE_TEXT)


# The initial conversation, written together with the parent on screen.
CONVERSATION_FIELDS: dict[str, tuple[str, str]] = {
    "about_parent": ("About you (the parent or carer)", "Who you are, what matters to you."),
    "about_child": ("About your child", "What they enjoy, what they are like."),
    "relationship": ("You and your child together", "How things are between you."),
    "going_well": ("What is going well", "Moments you enjoy together."),
    "would_like_different": ("What you would like to be different", "In your own words."),
    "helping_question": ("Your Helping Question", "“How can I help my child …?”"),
}


@dataclass
class Conversation:
    about_parent: str = ""
    about_child: str = ""
    relationship: str = ""
    going_well: str = ""
    would_like_different: str = ""
    helping_question: str = ""

    def validate(self) -> None:
        for name, (label, _) in CONVERSATION_FIELDS.items():
            check_text(getattr(self, name), label, MAX_NOTE_TEXT)


# The closing conversation at the ending; the parent may see all but the notes.
ENDING_FIELDS: dict[str, tuple[str, str]] = {
    "what_changed": ("What has changed", "For you, for your child, between you."),
    "what_helped": ("What helped", "Moments, clips or ideas you will take with you."),
    "looking_ahead": ("Looking ahead", "What you would like to keep doing."),
}
MAX_FUTURE_GOALS = 10


@dataclass
class Ending:
    """The ending: a second conversation, quotes chosen for the celebration, goals for the future."""

    what_changed: str = ""
    what_helped: str = ""
    looking_ahead: str = ""
    practitioner_notes: str = ""  # never shown in client view
    chosen_quotes: list[str] = field(default_factory=list)  # ids of the parent's words to celebrate
    future_goals: list[str] = field(default_factory=list)  # new goals, in the parent's words

    def choose_quotes(self, reflection_ids: list[str]) -> None:
        """The parent's words (by id) to celebrate in the ending and its summary, in this order."""
        self.chosen_quotes = list(dict.fromkeys(reflection_ids))

    def remove_future_goal(self, goal: str) -> None:
        """Take ``goal`` out, found by its words: a second click on its Remove button takes out no other."""
        if goal in self.future_goals:
            self.future_goals.remove(goal)

    def validate(self) -> None:
        for name, (label, _) in ENDING_FIELDS.items():
            check_text(getattr(self, name), label, MAX_NOTE_TEXT)
        check_text(self.practitioner_notes, "The ending notes", MAX_NOTE_TEXT)
        if len(self.future_goals) > MAX_FUTURE_GOALS:
            raise ValidationError(f"Keep to {MAX_FUTURE_GOALS} goals for the future.")
        for goal in self.future_goals:
            check_text(goal, "A goal for the future", MAX_GOAL_TEXT, required=True)


class RatedAt(StrEnum):
    """The time point a goal rating belongs to: a later rating never replaces another point's."""

    START = "start"  # when the goal was set: its first rating
    REVIEW = "review"  # at a cycle's shared review (the rating's cycle says which)
    BETWEEN = "re-rating"  # a plain re-rating on the Goals page, one per day
    ENDING = "ending"  # at the ending


@dataclass
class GoalRating:
    on: date
    score: int
    cycle: int | None = None  # the cycle whose shared review it was rated at, if any
    at: RatedAt | None = None  # None only as read from an older file: Goal works it out on loading

    def validate(self) -> None:
        if isinstance(self.score, bool) or not isinstance(self.score, int):
            raise ValidationError("A goal rating must be a whole number from 0 to 10.")
        if not RATING_MIN <= self.score <= RATING_MAX:
            raise ValidationError(f"A goal rating must be from 0 to 10, not {self.score}.")

    @property
    def label(self) -> str:
        """Where it was given, in words: "the start", "cycle 2 review", "re-rated", "the ending"."""
        if self.at is RatedAt.REVIEW:
            return f"cycle {self.cycle} review"
        return {RatedAt.START: "the start", RatedAt.ENDING: "the ending"}.get(self.at, "re-rated")

    def same_point(self, other: GoalRating) -> bool:
        """Whether ``other`` is a rating of the same time point (so it may correct this one):
        the start, the same cycle's review, the ending, or a re-rating the same day."""
        if self.at is not other.at:
            return False
        if self.at is RatedAt.REVIEW:
            return self.cycle == other.cycle
        return self.at is not RatedAt.BETWEEN or self.on == other.on


@dataclass
class Goal:
    """A goal worded by the parent, ideally about what *they* will do."""

    id: str
    text: str
    created_on: date
    ratings: list[GoalRating] = field(default_factory=list)
    retired_on: date | None = None
    shown_when_retired: bool = False  # the practitioner's choice: a retired goal stays in the family's charts

    def __post_init__(self) -> None:
        # Ratings stored before time points were kept: a review's by its cycle, the first
        # one as the start, any other as a re-rating.
        for index, rating in enumerate(self.ratings):
            if rating.at is None:
                rating.at = (RatedAt.REVIEW if rating.cycle else RatedAt.START if index == 0
                             else RatedAt.BETWEEN)

    @property
    def shown(self) -> bool:
        """Whether the family's charts and documents show it: while worked on, or when chosen after retiring."""
        return self.retired_on is None or self.shown_when_retired

    def set_shown_when_retired(self, shown: bool) -> None:
        self.shown_when_retired = shown

    @property
    def deletable(self) -> bool:
        """A goal rated no more than when it was set (added by mistake, say) may be deleted; after
        that its ratings are part of the record, and it can only be retired."""
        return len(self.ratings) <= 1

    @property
    def first_rating(self) -> GoalRating | None:
        return self.ratings[0] if self.ratings else None

    @property
    def latest_rating(self) -> GoalRating | None:
        return self.ratings[-1] if self.ratings else None

    @property
    def current_score(self) -> int:
        """The latest rating's score; for a goal never rated, where a rating slider starts."""
        return self.ratings[-1].score if self.ratings else DEFAULT_RATING

    def rate(self, score: int, on: date, cycle: int | None = None, *, at: RatedAt | None = None) -> GoalRating:
        """Add a rating at its time point (by default: the cycle's review when ``cycle`` is
        given, else the start for a first rating, else a re-rating). A rating of the same
        time point is corrected in its place (keeping its date: a review's rating belongs to
        that review even when corrected later); every other time point's rating is kept."""
        at = at or (RatedAt.REVIEW if cycle else RatedAt.BETWEEN if self.ratings else RatedAt.START)
        rating = GoalRating(on=on, score=score, cycle=cycle if at is RatedAt.REVIEW else None, at=at)
        rating.validate()
        if at is RatedAt.REVIEW and not cycle:
            raise ValidationError("A rating at a shared review needs the cycle it belongs to.")
        earlier = next((r for r in self.ratings if r.same_point(rating)), None)
        if earlier:
            rating.on = earlier.on
        ratings = [rating if r is earlier else r for r in self.ratings] + ([] if earlier else [rating])
        # The start first, then by date; a day's ratings in the order given, the ending's last.
        self.ratings = sorted(ratings, key=lambda r: (r.at is not RatedAt.START, r.on, r.at is RatedAt.ENDING))
        return rating

    def validate(self) -> None:
        check_text(self.text, "A goal", MAX_GOAL_TEXT, required=True)
        for rating in self.ratings:
            rating.validate()


FIRST_PERSON_WORDS = {"i", "i'm", "i’m", "me", "my", "myself", "we", "our", "us"}


def goal_is_about_the_adult(text: str) -> bool:
    """A gentle heuristic: does the goal speak of the adult ("I", "my", "we")?

    VIG goals focus on what the parent will do. This only drives a hint on
    screen; it never blocks a goal.
    """
    words = {w.strip(".,!?;:“”\"'()").lower() for w in text.split()}
    return bool(words & FIRST_PERSON_WORDS) or text.lower().startswith("how can i")


@dataclass
class Case:
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

    def cycle(self, number: int) -> Cycle:
        for cycle in self.cycles:
            if cycle.number == number:
                return cycle
        raise NotFoundError(f"This case has no cycle {number}.")

    def goal(self, goal_id: str) -> Goal:
        return _by_id(self.goals, goal_id, "goal")

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

    # --- recordings, moments and clips ---------------------------------
    def recording(self, recording_id: str) -> Recording:
        return _by_id(self.recordings, recording_id, "recording")

    def recordings_in(self, cycle: int) -> list[Recording]:
        return [r for r in self.recordings if r.cycle == cycle]

    def add_recording(self, recording: Recording) -> None:
        """Add the film of a cycle; a cycle still planned is then filmed, and a cycle without a
        filming date takes the film's (else the day it was imported), unless that would put the
        filming after the review."""
        cycle = self.cycle(recording.cycle)  # raises for a cycle the case does not have
        if cycle.status is CycleStatus.PLANNED:
            cycle.status = CycleStatus.FILMED
        filmed = recording.filmed_on or recording.imported_at.date()
        if cycle.filming_date is None and not (cycle.review_date and cycle.review_date < filmed):
            cycle.filming_date = filmed
        self.recordings.append(recording)

    def remove_recording(self, recording_id: str) -> Recording:
        """Forget a recording with its moments and clips (its files are the store's job)."""
        recording = self.recording(recording_id)
        self.recordings.remove(recording)
        self.moments = [m for m in self.moments if m.recording_id != recording_id]
        cycle_clips = self.clips_in(recording.cycle)
        self.clips = [c for c in self.clips if c.recording_id != recording_id]
        self._forget_reflections_without_clip()
        self._renumber_chosen([c for c in cycle_clips if c.recording_id != recording_id])
        return recording

    def moments_of(self, recording_id: str) -> list[Moment]:
        return sorted((m for m in self.moments if m.recording_id == recording_id), key=lambda m: m.time)

    def moment(self, moment_id: str) -> Moment:
        return _by_id(self.moments, moment_id, "moment")

    def mark_moment(self, recording_id: str, seconds: float) -> Moment:
        """A new moment at ``seconds`` (put on the frame grid, kept inside the film)."""
        recording = self.recording(recording_id)
        moment = Moment(id=new_id(), recording_id=recording_id, time=on_frame(recording, seconds))
        self.moments.append(moment)
        return moment

    def move_moment(self, moment_id: str, seconds: float) -> float:
        """Put the moment at ``seconds`` (on the frame grid); return where it went."""
        moment = self.moment(moment_id)
        moment.time = on_frame(self.recording(moment.recording_id), seconds)
        return moment.time

    def remove_moment(self, moment_id: str) -> None:
        moment = self.moment(moment_id)
        self.moments.remove(moment)
        for clip in self.clips:
            if clip.moment_id == moment_id:
                clip.moment_id = None

    def clip(self, clip_id: str) -> Clip:
        return _by_id(self.clips, clip_id, "clip")

    def clips_in(self, cycle: int) -> list[Clip]:
        ids = {r.id for r in self.recordings_in(cycle)}
        return sorted((c for c in self.clips if c.recording_id in ids), key=lambda c: (c.recording_id, c.start))

    def add_clip(self, recording_id: str, start: float, end: float, *, title: str = "",
                 moment_id: str | None = None) -> Clip:
        """Cut a clip; the first few of a cycle are chosen for the shared review by default."""
        recording = self.recording(recording_id)
        clip = Clip(id=new_id(), recording_id=recording_id, start=on_frame(recording, start),
                    end=on_frame(recording, end, out_point=True), title=title, moment_id=moment_id)
        clip.validate()
        if len(self.chosen_clips(recording.cycle)) < DEFAULT_CHOSEN_CLIPS:
            clip.chosen = len(self.chosen_clips(recording.cycle)) + 1
        self.clips.append(clip)
        return clip

    def set_clip_span(self, clip_id: str, start: float, end: float) -> Clip:
        clip = self.clip(clip_id)
        recording = self.recording(clip.recording_id)
        clip.start, clip.end = on_frame(recording, start), on_frame(recording, end, out_point=True)
        clip.exported = None  # the old file no longer matches
        clip.validate()
        return clip

    def remove_clip(self, clip_id: str) -> None:
        clip = self.clip(clip_id)
        cycle = self.recording(clip.recording_id).cycle
        self.clips.remove(clip)
        self._forget_reflections_without_clip()
        self._renumber_chosen(self.clips_in(cycle))

    def chosen_clips(self, cycle: int) -> list[Clip]:
        """The clips chosen for the cycle's shared review, in the order they will be shown."""
        return sorted((c for c in self.clips_in(cycle) if c.chosen), key=lambda c: c.chosen)

    def choose_clip(self, clip_id: str, chosen: bool) -> None:
        clip = self.clip(clip_id)
        cycle = self.recording(clip.recording_id).cycle
        if chosen and not clip.chosen:
            clip.chosen = len(self.chosen_clips(cycle)) + 1
        elif not chosen:
            clip.chosen = None
        self._renumber_chosen(self.clips_in(cycle))

    def move_chosen_clip(self, clip_id: str, offset: int) -> None:
        clip = self.clip(clip_id)
        order = self.chosen_clips(self.recording(clip.recording_id).cycle)
        if clip not in order:
            raise ValidationError("Only a chosen clip has a place in the shared review.")
        index = order.index(clip)
        order.insert(max(0, min(len(order) - 1, index + offset)), order.pop(index))
        for position, item in enumerate(order, start=1):
            item.chosen = position

    def reflections_of(self, clip_id: str) -> list[Reflection]:
        return [r for r in self.reflections if r.clip_id == clip_id]

    def _forget_reflections_without_clip(self) -> None:
        clip_ids = {c.id for c in self.clips}
        self.reflections = [r for r in self.reflections if r.clip_id in clip_ids]
        kept = {r.id for r in self.reflections}
        self.ending.chosen_quotes = [q for q in self.ending.chosen_quotes if q in kept]

    @staticmethod
    def _renumber_chosen(clips: list[Clip]) -> None:
        for position, clip in enumerate(sorted((c for c in clips if c.chosen), key=lambda c: c.chosen), start=1):
            clip.chosen = position

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


def _by_id(items, item_id: str, kind: str):
    """The item with ``item_id``; a plain message when another window removed it."""
    for item in items:
        if item.id == item_id:
            return item
    raise NotFoundError(f"That {kind} no longer exists; it may have been changed in another window.")


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
