"""The named edits pages make: the case's own setters (checked when the store saves, with the
same sentences as before) and the services that hand back what they made."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from conftest import make_case
from vig_core.case.conversation import MAX_FUTURE_GOALS
from vig_core.case.cycles import CycleStatus
from vig_core.case.film import Recording, Turn
from vig_core.errors import ValidationError
from vig_core.services import analysis, goals, review
from vig_core.vocab.principles import SHIPPED, read_principles

OPENED = date(2026, 1, 5)


def recording(rid: str = "r1", cycle: int = 1) -> Recording:
    return Recording(id=rid, cycle=cycle, title="Play", original_name="play.mov", imported_at=datetime(2026, 1, 6),
                     playable=f"recordings/{rid}/film.mp4", duration=10.0, fps=25, width=640, height=360,
                     has_audio=True)


@pytest.fixture
def filmed(store):
    case = make_case(store)
    store.update(case.id, lambda c: c.add_recording(recording()))
    return store.load(case.id)


def test_cycle_dates_and_status_are_set_and_a_review_before_its_filming_is_refused_on_save(store):
    case = make_case(store)
    store.update(case.id, lambda c: (c.cycle(1).set_filming_date(date(2026, 2, 1)),
                                     c.cycle(1).set_status("filmed")))
    assert (store.load(case.id).cycle(1).filming_date, store.load(case.id).cycle(1).status) == (
        date(2026, 2, 1), CycleStatus.FILMED)
    with pytest.raises(ValidationError, match="In cycle 1 the shared review .* is before the filming"):
        store.update(case.id, lambda c: c.cycle(1).set_review_date(date(2026, 1, 20)))
    assert store.load(case.id).cycle(1).review_date is None


def test_birth_retention_and_archive_are_set_and_checked_against_the_opening(store):
    case = make_case(store)
    store.update(case.id, lambda c: (c.set_child_birth_date(date(2022, 3, 4)),
                                     c.set_retention_override(date(2027, 1, 1)), c.set_archived(True)))
    kept = store.load(case.id)
    assert (kept.child_birth_date, kept.retention_override, kept.archived) == (date(2022, 3, 4), date(2027, 1, 1), True)
    with pytest.raises(ValidationError, match="date of birth is after the case was opened"):
        store.update(case.id, lambda c: c.set_child_birth_date(date(2026, 2, 1)))
    with pytest.raises(ValidationError, match="retention date cannot be before the case was opened"):
        store.update(case.id, lambda c: c.set_retention_override(date(2025, 12, 31)))
    store.update(case.id, lambda c: (c.set_archived(False), c.set_retention_override(None)))
    assert (store.load(case.id).archived, store.load(case.id).retention_override) == (False, None)


def test_a_moment_is_coded_through_its_setters(filmed):
    moment = filmed.mark_moment("r1", 1.0)
    moment.set_principles(["attuned"])
    moment.set_turn("")
    assert moment.turn is None
    moment.set_turn(Turn.ADULT_RECEPTION)
    moment.set_working_point(True)
    assert (moment.principles, moment.turn, moment.working_point) == (["attuned"], Turn.ADULT_RECEPTION, True)


def test_future_goals_are_added_last_and_kept_to_their_number(filmed):
    for n in range(MAX_FUTURE_GOALS):
        filmed.ending.add_future_goal(f"goal {n}")
    assert filmed.ending.future_goals[-1] == f"goal {MAX_FUTURE_GOALS - 1}"
    filmed.ending.add_future_goal("one too many")
    with pytest.raises(ValidationError, match=f"Keep to {MAX_FUTURE_GOALS} goals"):
        filmed.validate()


def test_marking_the_same_time_again_hands_back_the_moment_already_there(store, filmed):
    first = analysis.mark_moment(store, filmed.id, "r1", 1.2)
    again = analysis.mark_moment(store, filmed.id, "r1", 1.2)
    assert (first.new, again.new, again.moment.id) == (True, False, first.moment.id)
    assert [m.id for m in store.load(filmed.id).moments] == [first.moment.id]


def test_moments_move_by_frames_from_where_they_are_stored_and_to_a_time(store, filmed):
    moment = analysis.mark_moment(store, filmed.id, "r1", 1.0).moment
    assert analysis.step_moment(store, filmed.id, moment.id, 2) == pytest.approx(1.08)  # 25 fps
    assert analysis.step_moment(store, filmed.id, moment.id, -1) == pytest.approx(1.04)
    assert analysis.move_moment(store, filmed.id, moment.id, 99) == pytest.approx(9.96)  # kept inside the film
    assert store.load(filmed.id).moment(moment.id).time == pytest.approx(9.96)


def test_clips_cut_around_a_moment_or_by_hand_and_their_points_moved(store, filmed):
    principles = read_principles(SHIPPED)
    moment = analysis.mark_moment(store, filmed.id, "r1", 5.0).moment
    around = analysis.cut_clip_around(store, filmed.id, moment.id, 3.0, principles)
    assert (around.start, around.end, around.moment_id) == (2.0, 8.0, moment.id)
    by_hand = analysis.add_clip(store, filmed.id, "r1", 1.0, 2.0)
    moved = analysis.set_clip_point(store, filmed.id, by_hand.id, 4.0, out_point=True)
    assert (moved.start, moved.end) == (1.0, 4.0)
    moved = analysis.set_clip_point(store, filmed.id, by_hand.id, 3.0, out_point=False)
    assert (moved.start, moved.end) == (3.0, 4.0)
    with pytest.raises(ValidationError):
        analysis.set_clip_point(store, filmed.id, by_hand.id, 5.0, out_point=False)  # in after out
    assert (store.load(filmed.id).clip(by_hand.id).start, store.load(filmed.id).clip(by_hand.id).end) == (3.0, 4.0)


def test_behaviours_seen_bring_their_principle_in(store, filmed):
    principles = read_principles(SHIPPED)
    heading = principles.headings[0]
    moment = analysis.mark_moment(store, filmed.id, "r1", 1.0).moment
    behaviour = heading.behaviours[0]
    assert analysis.see_behaviours(store, filmed.id, moment.id, [behaviour], principles) == [heading.id]


def test_a_goal_is_added_only_when_the_press_is_admitted(store, filmed):
    assert goals.add_goal(store, filmed.id, "I would like to play more", 3, OPENED, admit=lambda: False) is None
    assert store.load(filmed.id).goals == []
    goal = goals.add_goal(store, filmed.id, "I would like to play more", 3, OPENED, admit=lambda: True)
    assert [g.id for g in store.load(filmed.id).goals] == [goal.id]


def test_closing_a_review_says_what_comes_next_and_again_that_it_is_done(store, filmed):
    said = review.close_review(store, filmed.id, 1, date(2026, 1, 20))
    assert "Cycle 1" in said and store.load(filmed.id).cycle(1).status is CycleStatus.REVIEWED
    assert review.close_review(store, filmed.id, 1, date(2026, 1, 21)) == "Cycle 1 is already complete."
