"""A goal added by mistake can be deleted; a retired goal stays out of the family's charts and
documents unless the practitioner chooses to show it, and "Goal N" counts only the goals shown
(issue 17, item 5)."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
import pytest

from vig_core.case.cycles import Stage
from vig_core.case.goals import Goal
from vig_core.case.outcomes import goal_changes
from vig_core.case.record import new_case
from vig_core.case.timeline import rating_table, timeline
from vig_core.errors import ValidationError
from vig_core.exports.score_table import scores_csv
from vig_core.exports.tables import table_frames
from vig_core.printables.celebration import celebration_html
from vig_core.printables.outcome_chart import goals_figure
from vig_core.storage.codec import from_record
from vig_core.vocab.principles import Principles

OPENED, REVIEW = date(2026, 1, 5), date(2026, 2, 2)


@pytest.fixture
def case():
    """Two goals worked on, and between them a duplicate added by mistake and retired."""
    case = new_case("FAM-50", "Ada", OPENED, carer_name="Jo")
    case.set_stage(Stage.CYCLES, OPENED)
    case.add_goal("I wait for Ada to lead", 3, OPENED).rate(6, REVIEW, cycle=1)
    duplicate = case.add_goal("I wait for Ada to lead ", 3, OPENED)
    duplicate.retired_on = REVIEW
    case.add_goal("I name what I see", 2, OPENED).rate(5, REVIEW, cycle=1)
    return case


def test_goal_numbers_count_only_the_goals_shown(case):
    first, duplicate, third = case.goals
    assert [(n, g.id) for n, g in case.numbered_goals()] == [(1, first.id), (2, third.id)]
    duplicate.set_shown_when_retired(True)
    assert [(n, g.id) for n, g in case.numbered_goals()] == [(1, first.id), (2, duplicate.id), (3, third.id)]
    assert duplicate.shown and duplicate.retired_on == REVIEW


def test_a_retired_goal_stays_out_of_every_family_document_unless_shown(case):
    hidden = "I wait for Ada to lead "
    page = celebration_html(case, REVIEW)
    assert page.count("I wait for Ada to lead") == 1 and "(set aside)" not in page
    assert [c.goal.text for c in goal_changes(case)] == ["I wait for Ada to lead", "I name what I see"]
    assert [t.name for t in goals_figure(case, plain=True).data] == ["Goal 1", "Goal 2"]
    lines = [line for e in timeline(case) for line in e.lines]
    assert "Goal 2 rated 2/10: I name what I see" in lines and not [x for x in lines if x.endswith(hidden)]
    assert rating_table(case)[0] == {"Date": OPENED, "Given at": "the start", "Goal 1": 3, "Goal 2": 2}
    scores = pd.read_csv(io.BytesIO(scores_csv(case, {})), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert scores["goal"].tolist() == ["Goal 1: I wait for Ada to lead"] * 2 + ["Goal 2: I name what I see"] * 2

    case.goals[1].set_shown_when_retired(True)
    page = celebration_html(case, REVIEW)
    assert "(set aside)" in page
    assert [t.name for t in goals_figure(case, plain=True).data] == ["Goal 1", "Goal 2", "Goal 3"]
    assert "Goal 3: I name what I see" in scores_csv(case, {}).decode("utf-8-sig")


def test_the_export_goals_table_keeps_every_goal_numbered_as_the_family_sees_them(case):
    goals = table_frames(case, Principles((), "none"), {})["goals"]
    assert goals[["goal_number", "goal", "retired_on"]].drop_duplicates().values.tolist() == [
        [1, "I wait for Ada to lead", ""], ["", "I wait for Ada to lead ", REVIEW.isoformat()],
        [2, "I name what I see", ""]]


def test_a_goal_with_no_rating_beyond_its_first_can_be_deleted(case):
    duplicate = case.goals[1]
    assert duplicate.deletable and not case.goals[0].deletable
    case.remove_goal(duplicate.id)
    assert [g.text for g in case.goals] == ["I wait for Ada to lead", "I name what I see"]
    unrated = case.add_goal("I sing with her", None, REVIEW)
    case.remove_goal(unrated.id)
    with pytest.raises(ValidationError, match="rated since it was set"):
        case.remove_goal(case.goals[0].id)
    assert len(case.goals) == 2
    case.validate()


def test_goals_stored_before_the_choice_existed_load_hidden_when_retired():
    old = from_record(Goal, {"id": "g", "text": "I wait", "created_on": "2026-01-05", "retired_on": "2026-02-02",
                             "ratings": [{"on": "2026-01-05", "score": 4}]})
    assert old.shown_when_retired is False and not old.shown

