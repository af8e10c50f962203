"""The practitioner's own VIG training record: their stage, supervision, reflections, and
what their cases count towards the stage.

This belongs to the practitioner, not to a family: it is kept outside every case
(:mod:`vig_core.storage.training`) and never shown in client view. A supervision
session names the cases whose clips were discussed by their **case codes, as typed**:
not by a link to the case, so that erasing a case leaves its code in past sessions
exactly as it was written, and nothing else of the family.

What counts towards a stage (:func:`stage_progress`), from the cases in the workbook:

* **Cycles**: every cycle marked complete (its shared review held, see
  :func:`vig_core.case.review.close_cycle`) whose review date falls on or after the
  stage's start date (and not after today). A cycle marked complete without a review
  date cannot be placed in a stage and is listed apart, to be given its date.
* **New clients**: the cases whose *first* held shared review falls in the stage. A
  family whose work began in an earlier stage adds its cycles but is not new.
* **Supervision**: the minutes of the sessions dated on or after the stage's start.

With no start date set, everything so far counts (said so on the page). Cases erased
from the workbook no longer count; demo cases count and are marked as demo.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from vig_core.case.cycles import CycleStatus
from vig_core.case.record import Case
from vig_core.errors import NotFoundError, ValidationError
from vig_core.text import MAX_NOTE_TEXT, MAX_SHORT_TEXT, check_name, check_text, code_key, new_id
from vig_core.vocab.training_requirements import MAX_STAGES, Requirements, StageRequirement

MAX_MINUTES = 600  # one session: a whole day of supervision at most
MAX_CODES = 20  # case codes named in one session
MAX_SESSIONS = 2000
EARLIEST = date(1990, 1, 1)  # VIG's beginnings: an earlier date is a typing slip


@dataclass(frozen=True)
class SupervisionSession:
    id: str
    on: date
    supervisor: str
    minutes: int
    case_codes: tuple[str, ...] = ()  # as typed: never linked to a case, so erasure leaves them be
    notes: str = ""

    def validate(self, today: date | None = None) -> None:
        if not isinstance(self.on, date) or self.on < EARLIEST:
            raise ValidationError("Give the date of the supervision session.")
        if today is not None and self.on > today:
            raise ValidationError(f"The session's date ({self.on:%d %b %Y}) is in the future; record a session "
                                  "once it has taken place.")
        check_name(self.supervisor, "The supervisor's name", required=True)
        if isinstance(self.minutes, bool) or not isinstance(self.minutes, int) \
                or not 1 <= self.minutes <= MAX_MINUTES:
            raise ValidationError(f"The length of a session is between 1 and {MAX_MINUTES} minutes.")
        if len(self.case_codes) > MAX_CODES:
            raise ValidationError(f"Name at most {MAX_CODES} case codes for one session.")
        for code in self.case_codes:
            check_name(code, "A case code", required=True)
        check_text(self.notes, "The session notes", MAX_NOTE_TEXT)


def parse_codes(typed: str) -> tuple[str, ...]:
    """Case codes typed as one line, separated by commas (or semicolons), each once, as typed."""
    check_text(typed, "The case codes", MAX_SHORT_TEXT * MAX_CODES)
    codes = [c.strip() for c in typed.replace(";", ",").replace("\n", ",").split(",")]
    unique: dict[str, str] = {}
    for code in codes:
        if code:
            check_name(code, f"The case code “{code[:20]}”")
            unique.setdefault(code_key(code), code)
    if len(unique) > MAX_CODES:
        raise ValidationError(f"Name at most {MAX_CODES} case codes for one session.")
    return tuple(unique.values())


@dataclass
class TrainingRecord:
    stage: int = 1
    stage_starts: dict[int, date] = field(default_factory=dict)  # the day each stage began
    sessions: list[SupervisionSession] = field(default_factory=list)
    reflections: dict[int, str] = field(default_factory=dict)  # per stage

    @property
    def stage_started(self) -> date | None:
        return self.stage_starts.get(self.stage)

    def validate(self) -> None:
        if isinstance(self.stage, bool) or not isinstance(self.stage, int) or not 1 <= self.stage <= MAX_STAGES:
            raise ValidationError(f"The stage is a number from 1 to {MAX_STAGES}.")
        for number, day in self.stage_starts.items():
            if not 1 <= number <= MAX_STAGES or not isinstance(day, date) or day < EARLIEST:
                raise ValidationError("A stage's start date is not a date the workbook can use.")
        for number, text in self.reflections.items():
            if not 1 <= number <= MAX_STAGES:
                raise ValidationError(f"A reflection belongs to a stage from 1 to {MAX_STAGES}.")
            check_text(text, f"Your reflection on stage {number}", MAX_NOTE_TEXT)
        if len(self.sessions) > MAX_SESSIONS:
            raise ValidationError(f"The record holds more than {MAX_SESSIONS} sessions.")
        ids = set()
        for session in self.sessions:
            session.validate()
            if session.id in ids:
                raise ValidationError("Two supervision sessions have the same id.")
            ids.add(session.id)

    # --- changes (each validated; the store saves the record only when the change went through) ---
    def set_stage(self, stage: int, started: date | None, today: date) -> None:
        if started is not None and started > today:
            raise ValidationError("The stage's start date is in the future; give the day it began.")
        if started is not None and started < EARLIEST:
            raise ValidationError("Give the day the stage began.")
        self.stage = stage
        if started is None:
            self.stage_starts.pop(stage, None)
        else:
            self.stage_starts[stage] = started
        self.validate()

    def add_session(self, on: date | None, supervisor: str, minutes: int, codes: str, notes: str,
                    today: date) -> SupervisionSession:
        if on is None:
            raise ValidationError("Give the date of the supervision session.")
        session = SupervisionSession(new_id(), on, supervisor.strip(), int(minutes), parse_codes(codes), notes)
        session.validate(today)
        if len(self.sessions) >= MAX_SESSIONS:
            raise ValidationError(f"The record holds {MAX_SESSIONS} sessions, the most it can.")
        self.sessions.append(session)
        return session

    def remove_session(self, session_id: str) -> SupervisionSession:
        session = next((s for s in self.sessions if s.id == session_id), None)
        if session is None:
            raise NotFoundError("That supervision session was removed already.")
        self.sessions.remove(session)
        return session

    def set_reflection(self, stage: int, text: str) -> None:
        check_text(text, f"Your reflection on stage {stage}", MAX_NOTE_TEXT)
        if text.strip():
            self.reflections[stage] = text
        else:
            self.reflections.pop(stage, None)

    def sessions_by_date(self) -> list[SupervisionSession]:
        return sorted(self.sessions, key=lambda s: (s.on, s.id))

    # --- as JSON ---------------------------------------------------------------------------
    def to_data(self) -> dict:
        return {
            "stage": self.stage,
            "stage_starts": {str(n): d.isoformat() for n, d in sorted(self.stage_starts.items())},
            "sessions": [{"id": s.id, "on": s.on.isoformat(), "supervisor": s.supervisor, "minutes": s.minutes,
                          "case_codes": list(s.case_codes), "notes": s.notes} for s in self.sessions],
            "reflections": {str(n): t for n, t in sorted(self.reflections.items())},
        }


def record_from_data(data: object, source: str = "training.json") -> TrainingRecord:
    """The record in ``data`` (as :meth:`TrainingRecord.to_data` wrote it), validated; one sentence otherwise."""
    try:
        if not isinstance(data, dict):
            raise TypeError
        record = TrainingRecord(
            stage=data.get("stage", 1),
            stage_starts={int(n): date.fromisoformat(d) for n, d in data.get("stage_starts", {}).items()},
            sessions=[SupervisionSession(s["id"], date.fromisoformat(s["on"]), s["supervisor"], s["minutes"],
                                         tuple(s.get("case_codes", ())), s.get("notes", ""))
                      for s in data.get("sessions", [])],
            reflections={int(n): t for n, t in data.get("reflections", {}).items()},
        )
        if not all(isinstance(s.id, str) and s.id for s in record.sessions):
            raise TypeError
    except (TypeError, KeyError, ValueError, AttributeError) as error:
        raise ValidationError(f"{source}: not a training record the workbook can read.") from error
    try:
        record.validate()
    except ValidationError as error:
        raise ValidationError(f"{source}: {error}") from error
    return record


# --- what the cases count towards the stage ------------------------------------------------
@dataclass(frozen=True)
class CaseCount:
    code: str
    demo: bool
    reviews: tuple[tuple[int, date], ...]  # (cycle number, review date) held in the stage
    new_client: bool  # its first held shared review is in the stage


@dataclass(frozen=True)
class Measure:
    label: str
    have: float
    need: float | None  # None: the requirements do not name this stage
    unit: str = ""

    @property
    def met(self) -> bool:
        return self.need is not None and self.have >= self.need

    def sentence(self) -> str:
        have = f"{self.have:g}{self.unit}"
        return f"{self.label}: {have}" if self.need is None else f"{self.label}: {have} of {self.need:g}{self.unit}"


@dataclass(frozen=True)
class Progress:
    stage: int
    started: date | None
    requirement: StageRequirement | None
    cases: tuple[CaseCount, ...]
    undated: tuple[str, ...]  # "FAM-03, cycle 2": complete without a review date, not counted
    minutes: int
    sessions: int

    @property
    def cycles(self) -> int:
        return sum(len(c.reviews) for c in self.cases)

    @property
    def new_clients(self) -> int:
        return sum(c.new_client for c in self.cases)

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 2)

    @property
    def measures(self) -> tuple[Measure, Measure, Measure]:
        need = self.requirement
        return (Measure("Cycles with a shared review", self.cycles, need.cycles if need else None),
                Measure("New clients", self.new_clients, need.new_clients if need else None),
                Measure("Supervision", self.hours, need.supervision_hours if need else None, " h"))

    @property
    def complete(self) -> bool:
        return all(m.met for m in self.measures)


def held_reviews(case: Case) -> list[tuple[int, date]]:
    """The case's held shared reviews: (cycle number, review date) of every complete cycle with a date."""
    return sorted(((c.number, c.review_date) for c in case.cycles
                   if c.status is CycleStatus.REVIEWED and c.review_date is not None), key=lambda r: (r[1], r[0]))


def stage_progress(record: TrainingRecord, requirements: Requirements, cases: Iterable[Case],
                   today: date) -> Progress:
    """What the cases and sessions count towards the record's current stage (see module notes)."""
    start = record.stage_started

    def in_stage(day: date) -> bool:
        return (start is None or day >= start) and day <= today

    counted, undated = [], []
    for case in sorted(cases, key=lambda c: code_key(c.code)):
        undated += [f"{case.code}, cycle {c.number}" for c in case.cycles
                    if c.status is CycleStatus.REVIEWED and c.review_date is None]
        held = held_reviews(case)
        reviews = tuple(r for r in held if in_stage(r[1]))
        if reviews:
            counted.append(CaseCount(case.code, case.is_demo, reviews, new_client=in_stage(held[0][1])))
    sessions = [s for s in record.sessions if in_stage(s.on)]
    return Progress(record.stage, start, requirements.stage(record.stage), tuple(counted), tuple(undated),
                    sum(s.minutes for s in sessions), len(sessions))
