from datetime import date

import pytest

from vig_core.case.consent import ConsentKind
from vig_core.case.cycles import CycleStatus, Stage, add_months
from vig_core.case.goals import goal_is_about_the_adult
from vig_core.case.record import new_case
from vig_core.errors import NotFoundError, ValidationError
from vig_core.text import MAX_GOAL_TEXT, MAX_NOTE_TEXT

DAY = date(2026, 3, 10)


def case(**kwargs):
    return new_case("FAM-1", "Ada", DAY, **kwargs)


@pytest.mark.parametrize(
    "code, child, message",
    [("", "Ada", "case code cannot be empty"), ("   ", "Ada", "cannot be empty"),
     ("F", "", "first name cannot be empty"), ("F" * 81, "Ada", "too long")],
)
def test_new_case_rejects_bad_names_in_plain_words(code, child, message):
    with pytest.raises(ValidationError, match=message):
        new_case(code, child, DAY)


def test_new_case_lays_out_planned_cycles():
    assert [c.number for c in case(planned_cycles=4).cycles] == [1, 2, 3, 4]
    with pytest.raises(ValidationError, match="between 1 and 10"):
        case(planned_cycles=11)


def test_birth_date_after_opening_is_refused():
    with pytest.raises(ValidationError, match="date of birth"):
        case(child_birth_date=date(2026, 4, 1))


def test_oversized_note_is_refused_but_a_large_one_is_kept_verbatim():
    c = case()
    c.conversation.about_child = " <b>x</b>\n\u0000" + "é" * (MAX_NOTE_TEXT - 20)
    c.validate()
    c.conversation.about_child = "x" * (MAX_NOTE_TEXT + 1)
    with pytest.raises(ValidationError, match="too long"):
        c.validate()


def test_shared_review_before_filming_is_a_clear_error():
    c = case()
    c.cycle(1).filming_date = date(2026, 3, 20)
    c.cycle(1).review_date = date(2026, 3, 19)
    with pytest.raises(ValidationError, match="shared review .* is before the filming"):
        c.validate()


def test_fewer_cycles_only_when_the_dropped_ones_are_empty():
    c = case(planned_cycles=4)
    c.set_planned_cycles(2)
    assert len(c.cycles) == 2
    c.set_planned_cycles(3)
    c.cycle(3).filming_date = DAY
    with pytest.raises(ValidationError, match="Cycle 3 already has dates"):
        c.set_planned_cycles(2)
    with pytest.raises(NotFoundError):
        c.cycle(7)


def test_step_follows_stage_and_cycle_status():
    c = case()
    assert c.step == "initial conversation"
    c.set_stage(Stage.CYCLES, DAY)
    assert c.step == "cycle 1: filming"
    c.cycle(1).status = CycleStatus.FILMED
    c.cycle(1).review_date = date(2026, 3, 30)
    assert c.step == "cycle 1: shared review"
    assert c.next_date() == date(2026, 3, 30)
    c.cycle(1).status = CycleStatus.REVIEWED
    assert c.step == "cycle 2: filming" and c.cycles_done == 1
    for cycle in c.cycles:
        cycle.status = CycleStatus.REVIEWED
    assert c.step == "cycles complete: ready for the ending"
    c.set_stage(Stage.ENDING, DAY)
    assert c.step == "ending" and c.next_date() is None
    c.set_stage(Stage.CLOSED, date(2026, 6, 1))
    assert c.step == "closed" and c.closed_on == date(2026, 6, 1)


def test_retention_defaults_to_two_months_after_the_end_and_can_be_set():
    c = case()
    assert c.retention_date() is None
    c.set_stage(Stage.CLOSED, date(2026, 12, 31))
    assert c.retention_date() == date(2027, 2, 28)
    c.retention_override = date(2027, 1, 15)
    assert c.retention_date() == date(2027, 1, 15)
    c.retention_override = date(2020, 1, 1)
    with pytest.raises(ValidationError, match="retention date"):
        c.validate()


@pytest.mark.parametrize("start, months, end", [
    (date(2024, 1, 31), 1, date(2024, 2, 29)), (date(2026, 11, 30), 2, date(2027, 1, 30)),
    (date(2026, 12, 15), 14, date(2028, 2, 15)),
])
def test_add_months(start, months, end):
    assert add_months(start, months) == end


def test_age_in_months_then_years():
    c = case(child_birth_date=date(2025, 1, 20))
    assert c.age_text(date(2026, 3, 19)) == "13 months"
    assert c.age_text(date(2027, 1, 20)) == "2 years"


def test_training_consent_needs_writing_and_withdrawal_keeps_dates():
    c = case()
    with pytest.raises(ValidationError, match="written consent"):
        c.consent.give(ConsentKind.TRAINING, DAY)
    c.consent.give(ConsentKind.TRAINING, DAY, in_writing=True)
    c.consent.give(ConsentKind.FILMING, DAY)
    with pytest.raises(ValidationError, match="before the date it was given"):
        c.consent.withdraw(ConsentKind.FILMING, date(2026, 3, 1))
    c.consent.withdraw(ConsentKind.FILMING, date(2026, 4, 1))
    filming = c.consent.filming
    assert not filming.active and filming.given_on == DAY and filming.withdrawn_on == date(2026, 4, 1)
    assert c.consent.withdrawn == [ConsentKind.FILMING]
    assert [e.action for e in c.consent.history] == ["given", "given", "withdrawn"]
    with pytest.raises(ValidationError, match="not currently given"):
        c.consent.withdraw(ConsentKind.SUPERVISOR, DAY)


@pytest.mark.parametrize("score", [-1, 11, 5.5, True, "7"])
def test_goal_rating_must_be_whole_number_0_to_10(score):
    goal = case().add_goal("I will wait for her.", None, DAY)
    with pytest.raises(ValidationError, match="0 to 10|0 and 10|whole number"):
        goal.rate(score, DAY)


def test_goal_rating_history_is_dated_and_same_day_corrects():
    c = case()
    goal = c.add_goal("I will wait for her.", 3, DAY)
    goal.rate(5, date(2026, 4, 1))
    goal.rate(6, date(2026, 4, 1))
    goal.rate(4, date(2026, 3, 20))
    assert [(r.on, r.score) for r in goal.ratings] == [
        (DAY, 3), (date(2026, 3, 20), 4), (date(2026, 4, 1), 6)]
    assert goal.first_rating.score == 3 and goal.latest_rating.score == 6


def test_goal_text_rules_and_order():
    c = case()
    with pytest.raises(ValidationError, match="goal cannot be empty"):
        c.add_goal("  ", 3, DAY)
    with pytest.raises(ValidationError, match="too long"):
        c.add_goal("x" * (MAX_GOAL_TEXT + 1), 3, DAY)
    a, b, d = (c.add_goal(t, 1, DAY) for t in "abd")
    c.move_goal(d.id, -1)
    assert [g.text for g in c.goals] == ["a", "d", "b"]
    c.move_goal(a.id, -1)  # already first: stays
    c.move_goal(b.id, +5)
    assert [g.text for g in c.goals] == ["a", "d", "b"]
    c.goal(a.id).retired_on = DAY
    assert [g.text for g in c.active_goals] == ["d", "b"]


@pytest.mark.parametrize("text, about_adult", [
    ("I want to notice when she is ready", True), ("How can I help Mia?", True),
    ("We will sing together", True), ("Mia should stop hitting", False)])
def test_goal_wording_hint(text, about_adult):
    assert goal_is_about_the_adult(text) is about_adult
