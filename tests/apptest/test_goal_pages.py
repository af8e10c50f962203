"""Goals and their ratings on the pages, driven headless (issue 17, items 2, 3 and 5)."""

from __future__ import annotations

from datetime import date

import pytest

from apptest.helpers import messages, open_app, screen_text
from apptest.test_review_pages import client_view
from conftest import make_case
from vig_core.models import CycleStatus, RatedAt, Stage
from vig_core.review import close_cycle, rerate_goals

GOAL = "I wait for Ada to lead"


def rated_three_times_today(store) -> str:
    """The issue's case: rated 3 at the start, 5 at the cycle 1 review, 7 at the cycle 2 review, all today."""
    today = date.today()
    case = make_case(store, "FAM-40", "Ada", carer_name="Jo", today=today)

    def work(c) -> None:
        c.set_stage(Stage.CYCLES, today)
        c.add_goal(GOAL, 3, today)
        for number, score in ((1, 5), (2, 7)):
            c.cycle(number).status, c.cycle(number).filming_date = CycleStatus.FILMED, today
            rerate_goals(c, number, {c.goals[0].id: score}, today)
            close_cycle(c, number, today)

    store.update(case.id, work)
    return case.id


def test_before_and_after_and_the_timeline_show_each_of_three_ratings_given_on_one_day(store, data_dir):
    case_id = rated_three_times_today(store)
    for in_client_view in (False, True):
        if in_client_view:
            client_view(data_dir, case_id)
        text = screen_text(open_app(case_id, "pages/outcomes.py"))
        assert ("Your rating went from 3 to 7 out of 10" if in_client_view else "Rating went from 3 to 7/10") in text
        assert "One rating so far" not in text and "so far" not in text
        at = open_app(case_id, "pages/timeline.py")
        (table,) = at.dataframe
        assert table.value[["Given at", "Goal 1"]].values.tolist() == [
            ["the start", 3], ["cycle 1 review", 5], ["cycle 2 review", 7]]
        lines = [t.value for t in at.text]
        assert f"Goal 1 rated 3/10: {GOAL}" in lines and f"Goal 1 rated 7/10: {GOAL}" in lines


def test_a_re_rating_on_the_goals_page_the_same_day_keeps_the_review_ratings(store):
    case_id = rated_three_times_today(store)
    goal = store.load(case_id).goals[0]
    at = open_app(case_id, "pages/goals.py")
    at.slider(key=f"rate-{goal.id}").set_value(8)
    at.button(key=f"save-{goal.id}").click().run()
    assert not messages(at)
    assert [(r.score, r.at) for r in store.load(case_id).goals[0].ratings] == [
        (3, RatedAt.START), (5, RatedAt.REVIEW), (7, RatedAt.REVIEW), (8, RatedAt.BETWEEN)]
    at.slider(key=f"rate-{goal.id}").set_value(6)  # put right the same day: corrects the re-rating only
    at.button(key=f"save-{goal.id}").click().run()
    assert [r.score for r in store.load(case_id).goals[0].ratings] == [3, 5, 7, 6]
    assert "re-rated" in at.dataframe[0].value["Given at"].tolist()
