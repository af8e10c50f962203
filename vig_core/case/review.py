"""The shared review of a cycle: the parent's words, goal re-rating, closing the cycle.

These are the rules of the review hour, as plain functions over a
:class:`~vig_core.case.record.Case` (the store saves the result). Closing a cycle
is what moves the work on: to the next cycle's filming, or, after the last
planned cycle, to the ending. Closing can be undone by reopening the cycle,
so a slip of the mouse in front of the parent costs nothing.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from vig_core.case.cycles import CycleStatus, Stage
from vig_core.case.film import Clip, Reflection
from vig_core.case.goals import Goal
from vig_core.case.record import Case
from vig_core.errors import ValidationError
from vig_core.text import new_id
from vig_core.vocab.prompts import Prompt


def record_words(case: Case, clip_id: str, prompt: Prompt, words: str, today: date) -> Reflection | None:
    """Keep the parent's words about a clip for one prompt, replacing earlier words for it.

    The words are kept exactly as typed (only an all-blank answer counts as
    none and removes the earlier one). Returns the saved reflection, if any.
    """
    clip = case.clip(clip_id)
    earlier = next((r for r in case.reflections if r.clip_id == clip.id and r.prompt_id == prompt.id), None)
    if not words.strip():
        if earlier:
            case.reflections.remove(earlier)
        return None
    reflection = Reflection(id=earlier.id if earlier else new_id(), clip_id=clip.id, prompt_id=prompt.id,
                            prompt=prompt.text, words=words, said_on=today)
    reflection.validate()
    if earlier:
        case.reflections[case.reflections.index(earlier)] = reflection
    else:
        case.reflections.append(reflection)
    return reflection


def words_by_prompt(case: Case, clip_id: str) -> dict[str, Reflection]:
    return {r.prompt_id: r for r in case.reflections_of(clip_id)}


def rerate_goals(case: Case, cycle: int, scores: dict[str, int], today: date) -> None:
    """Rate the goals again at the end of a cycle's review (0 to 10; history kept by date)."""
    case.cycle(cycle)
    for goal_id, score in scores.items():
        case.goal(goal_id).rate(int(score), today, cycle=cycle)


def rated_at_review(case: Case, cycle: int) -> dict[str, int]:
    """The goal ratings given at this cycle's review, by goal id."""
    return {g.id: r.score for g in case.goals for r in g.ratings if r.cycle == cycle}


def rating_note(goal: Goal, shown: int, kept: int | None) -> str:
    """What to say beside a goal's re-rating slider showing ``shown``, ``kept`` being the rating
    kept for this review (if any): a value not kept never looks as if it were."""
    if kept is not None and shown == kept:
        return f":material/check: Kept for this review: {kept}/10."
    latest = goal.latest_rating
    if kept is None and shown == goal.current_score:
        last = f"last rated {latest.score}/10 on {latest.on:%d %b %Y}, {latest.label}" if latest else "never rated"
        return f"Not rated at this review yet ({last})."
    return (f":material/warning: Not saved yet: {shown}/10 is not kept. Move the slider again, "
            "or press “Keep the ratings as shown”.")


def close_cycle(case: Case, number: int, today: date) -> str:
    """Mark the cycle reviewed and move the work on; return what comes next, in words.

    Closing ends the review hour, often in client view in front of the parent, so it
    never fails over where the case stands: the review happened. A case still at the
    initial conversation moves into its cycles; an earlier cycle left open stays open
    (and comes next); a case already at its ending stays there; a cycle closed already
    (another tab, a double click) is simply said to be so. Only a cycle without any
    film is refused, as there was nothing to review. The review date becomes today
    unless an earlier one is already recorded.
    """
    cycle = case.cycle(number)
    if cycle.status is CycleStatus.REVIEWED:
        return f"Cycle {number} is already complete."
    if cycle.status is CycleStatus.PLANNED and not case.recordings_in(number):
        raise ValidationError(f"Cycle {number} has no film yet, so there was nothing to review.")
    case.enter_cycles()
    cycle.status = CycleStatus.REVIEWED
    if cycle.review_date is None or cycle.review_date > today:
        cycle.review_date = today
    if cycle.filming_date and cycle.filming_date > cycle.review_date:
        cycle.filming_date = cycle.review_date  # a planned date that turned out later than the real one
    if case.stage is not Stage.CYCLES:
        return f"Cycle {number} is complete."
    following = case.current_cycle
    if following is None:
        case.set_stage(Stage.ENDING, today)
        return f"Cycle {number} is complete. That was the last planned cycle: next comes the ending."
    if following.status is CycleStatus.PLANNED:
        return f"Cycle {number} is complete. Next: filming for cycle {following.number}."
    return f"Cycle {number} is complete. Next: the shared review of cycle {following.number}."


def reopen_cycle(case: Case, number: int) -> None:
    """Undo closing: the last completed cycle becomes the current one again."""
    cycle = case.cycle(number)
    if cycle.status is not CycleStatus.REVIEWED:
        raise ValidationError(f"Cycle {number} is not closed.")
    if case.stage is Stage.CLOSED:
        raise ValidationError("The case is closed; reopen the case first.")
    later = [c for c in case.cycles if c.number > number and c.status is CycleStatus.REVIEWED]
    if later:
        raise ValidationError(f"Cycle {later[-1].number} is complete too; reopen the latest cycle first.")
    cycle.status = CycleStatus.FILMED
    if case.stage is Stage.ENDING:
        case.set_stage(Stage.CYCLES, case.created_on)


def review_cycle(case: Case) -> int | None:
    """The cycle a shared review most likely is about: the current one if it has chosen
    clips, else the latest cycle that has; ``None`` when no cycle has chosen clips."""
    with_clips = [c.number for c in case.cycles if case.chosen_clips(c.number)]
    current = case.current_cycle
    if current and current.number in with_clips:
        return current.number
    return with_clips[-1] if with_clips else None


def has_clip_file(case_folder: Path, clip: Clip) -> bool:
    """Whether the clip has its own cut file to play (exported, or cut for a review)."""
    return bool(clip.exported) and (case_folder / clip.exported).is_file()
