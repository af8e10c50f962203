"""Before and after: giving questionnaires, and the change in them and in the goals.

Plain functions over a :class:`~vig_core.case.record.Case` (the store saves the
result), like :mod:`review`. A questionnaire is given once per time point;
answering saves each answer as it comes, finishing scores it (see
:mod:`scoring`) and keeps the score with the administration.

Goal Based Outcomes (Law 2011) are the goals' own 0–10 ratings: no form to
fill in. A goal's change from its first to its latest rating counts as
reliable when it is 3 points or more (more than the 2.45 found by
Edbrooke-Childs et al. 2015 in parent-reported GBO data; ratings are whole
numbers).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from vig_core.case.cycles import Stage
from vig_core.case.goals import Goal
from vig_core.case.questionnaires import Administration, TimePoint
from vig_core.case.record import Case
from vig_core.case.scoring import Change, Score, Verdict, item_value, number, reliable_change, score_entry, score_items
from vig_core.errors import ValidationError
from vig_core.text import new_id
from vig_core.vocab.instruments import Instrument, scale_note

GBO_ID = "gbo"
GBO_TITLE = "Goal Based Outcomes (GBO)"
GBO_CREDIT = "Goal Based Outcomes: © Duncan Law, CC BY-NC-SA 4.0 (goalsintherapy.com)."
GBO_RELIABLE_POINTS = 3


def default_time_point(case: Case) -> TimePoint:
    """Questionnaires are usually given at the start and again at the ending."""
    return TimePoint.END if case.stage in (Stage.ENDING, Stage.CLOSED) else TimePoint.BASELINE


def progress(administration: Administration | None, instrument: Instrument) -> str:
    """Where a questionnaire stands, in words: "not started", "3 of 6 answered",
    "done 14 Jan 2026: 3.67 (average of 6 answers, 1–5)"."""
    if administration is None:
        return "not started"
    if administration.done:
        band = f"; {administration.band}" if administration.band else ""
        how = ", total typed in" if administration.typed_total is not None else ""
        return (f"done {administration.completed_on:%d %b %Y}: {number(administration.total)} "
                f"({scale_note(instrument)}{band}){how}")
    return f"{len(administration.answers)} of {len(instrument.items)} answered"


def measures_shown(case: Case, instruments: Mapping[str, Instrument],
                   in_use: list[str]) -> tuple[list[Instrument], list[Instrument]]:
    """``(shown, others)``: the measures in use and those this family was ever given (never hidden),
    then the rest of the library, each in the order of ``instruments``."""
    kept = {a.instrument_id for a in case.administrations} | set(in_use)
    return ([i for i in instruments.values() if i.id in kept], [i for i in instruments.values() if i.id not in kept])


def start(case: Case, instrument: Instrument, time_point: TimePoint, today: date) -> Administration:
    """The administration of ``instrument`` at ``time_point``: the one begun earlier, or a new one."""
    earlier = case.administration(instrument.id, time_point)
    if earlier:
        return earlier
    administration = Administration(id=new_id(), instrument_id=instrument.id, time_point=time_point,
                                    started_on=today)
    case.administrations.append(administration)
    return administration


def _find(case: Case, administration_id: str) -> Administration:
    for administration in case.administrations:
        if administration.id == administration_id:
            return administration
    raise ValidationError("That questionnaire no longer exists; it may have been removed in another window.")


def answer(case: Case, administration_id: str, instrument: Instrument, item_id: str, value: int | None) -> None:
    """Keep one answer (``None`` takes it back). A finished questionnaire is reopened by changing it."""
    administration = _find(case, administration_id)
    item = next((i for i in instrument.items if i.id == item_id), None)
    if item is None:
        raise ValidationError(f"{instrument.title} has no question “{item_id}”.")
    if value is None:
        administration.answers.pop(item_id, None)
    else:
        item_value(instrument, item, value)  # raises a plain message for a value not among the options
        administration.answers[item_id] = value
    administration.typed_total = None  # answers given on screen take the place of a typed total
    _unfinish(administration)


def finish(case: Case, administration_id: str, instrument: Instrument, today: date) -> Score:
    """Score the answers and keep the score; too many unanswered questions is a plain error."""
    administration = _find(case, administration_id)
    score = score_items(instrument, administration.answers)
    if score.total is None:
        allowed = instrument.max_missing
        raise ValidationError(
            f"{score.missing} questions are still unanswered; "
            + (f"up to {allowed} may be left out." if allowed else "every question needs an answer."))
    _keep_score(administration, instrument, score, today)
    return score


def enter_total(case: Case, instrument: Instrument, time_point: TimePoint, total: float, today: date) -> Score:
    """The practitioner types the total (from their own copy of a licensed measure)."""
    score = score_entry(instrument, total)
    administration = start(case, instrument, time_point, today)
    administration.answers = {}
    administration.typed_total = total
    _keep_score(administration, instrument, score, today)
    return score


def remove(case: Case, administration_id: str) -> None:
    case.administrations.remove(_find(case, administration_id))


def _keep_score(administration: Administration, instrument: Instrument, score: Score, today: date) -> None:
    administration.total = score.total
    administration.band = score.band.label if score.band else ""
    administration.instrument_title = instrument.title
    administration.completed_on = max(today, administration.started_on)


def _unfinish(administration: Administration) -> None:
    administration.completed_on = administration.total = None
    administration.band = ""


# --- before and after ----------------------------------------------------
@dataclass(frozen=True)
class MeasureResult:
    """One instrument's finished scores at each time point, and the change from first to last."""

    instrument: Instrument
    scores: dict[TimePoint, Administration]  # finished ones only, in time-point order
    change: Change | None  # None until there are two time points


def measure_results(case: Case, instruments: Mapping[str, Instrument]) -> list[MeasureResult]:
    """Every instrument the family has finished at least once, in the order of ``instruments``."""
    results = []
    for instrument in instruments.values():
        finished = {tp: a for tp in TimePoint if (a := case.administration(instrument.id, tp)) and a.done}
        if not finished:
            continue
        first, last = next(iter(finished.values())), list(finished.values())[-1]
        change = reliable_change(instrument, first.total, last.total) if first is not last else None
        results.append(MeasureResult(instrument, finished, change))
    return results


def unknown_instruments(case: Case, instruments: Mapping[str, Instrument]) -> list[Administration]:
    """Finished administrations whose definition is gone (still shown by their kept title and score)."""
    return [a for a in case.administrations if a.done and a.instrument_id not in instruments]


@dataclass(frozen=True)
class GoalChange:
    goal: Goal
    first: int
    last: int
    verdict: Verdict | None  # None: rated only once

    @property
    def difference(self) -> int:
        return self.last - self.first


def goal_changes(case: Case) -> list[GoalChange]:
    """Each rated goal the family's documents show (see ``Case.numbered_goals``): its first and
    latest rating, judged by the GBO reliable-change rule."""
    changes = []
    for _, goal in case.numbered_goals():
        if not goal.ratings:
            continue
        first, last = goal.ratings[0].score, goal.ratings[-1].score
        verdict = None
        if len(goal.ratings) > 1:
            verdict = (Verdict.IMPROVED if last - first >= GBO_RELIABLE_POINTS else
                       Verdict.DETERIORATED if first - last >= GBO_RELIABLE_POINTS else Verdict.NO_CHANGE)
        changes.append(GoalChange(goal, first, last, verdict))
    return changes
