"""Goal ratings belong to their time point: the start, a cycle's review, a re-rating, the ending.

Issue 17, item 2: a goal rated 3 at the start, 5 at the cycle 1 review and 7 at
the cycle 2 review on one day ended with one rating. Every reader of the
ratings (before and after, the timeline, the celebration summary, the CSV and
the export tables) must see all three.
"""

from __future__ import annotations

import io
import json
from datetime import date

import pandas as pd
import pytest

from vig_core.case.cycles import CycleStatus, Stage
from vig_core.case.goals import Goal, GoalRating, RatedAt
from vig_core.case.outcomes import goal_changes
from vig_core.case.record import new_case
from vig_core.case.review import close_cycle, rated_at_review, rerate_goals
from vig_core.case.timeline import rating_table, timeline
from vig_core.exports.score_table import scores_csv
from vig_core.exports.tables import table_frames
from vig_core.printables.celebration import celebration_html
from vig_core.printables.outcome_chart import goal_change_sentence, goals_figure
from vig_core.storage.codec import from_record
from vig_core.storage.layout import CASE_FILE
from vig_core.storage.store import CaseStore
from vig_core.vocab.principles import Principles

DAY, LATER = date(2026, 3, 2), date(2026, 3, 9)


@pytest.fixture
def case():
    """The issue's case: a goal rated 3 at the start, 5 at the cycle 1 review, 7 at the cycle 2 review, one day."""
    case = new_case("FAM-17", "Ada", DAY, carer_name="Jo", planned_cycles=3)
    case.set_stage(Stage.CYCLES, DAY)
    case.add_goal("I wait for Ada to lead", 3, DAY)
    for number, score in ((1, 5), (2, 7)):
        case.cycle(number).status, case.cycle(number).filming_date = CycleStatus.FILMED, DAY
        rerate_goals(case, number, {case.goals[0].id: score}, DAY)
        close_cycle(case, number, DAY)
    return case


def points(goal: Goal) -> list[tuple]:
    return [(r.on, r.score, r.at, r.cycle) for r in goal.ratings]


def test_three_ratings_on_one_day_at_three_time_points_are_all_kept(case):
    goal = case.goals[0]
    assert points(goal) == [(DAY, 3, RatedAt.START, None), (DAY, 5, RatedAt.REVIEW, 1), (DAY, 7, RatedAt.REVIEW, 2)]
    assert rated_at_review(case, 1) == {goal.id: 5} and rated_at_review(case, 2) == {goal.id: 7}
    assert [r.label for r in goal.ratings] == ["the start", "cycle 1 review", "cycle 2 review"]
    case.validate()


def test_a_correction_replaces_only_the_rating_of_its_own_time_point(case):
    goal = case.goals[0]
    rerate_goals(case, 2, {goal.id: 8}, DAY)  # the cycle 2 review again: a correction
    assert points(goal)[1:] == [(DAY, 5, RatedAt.REVIEW, 1), (DAY, 8, RatedAt.REVIEW, 2)]
    rerate_goals(case, 1, {goal.id: 4}, LATER)  # cycle 1's review corrected a week later: still one for cycle 1
    assert points(goal) == [(DAY, 3, RatedAt.START, None), (DAY, 4, RatedAt.REVIEW, 1), (DAY, 8, RatedAt.REVIEW, 2)]
    case.rate_goal(goal.id, 6, LATER)  # a plain re-rating on the Goals page
    case.rate_goal(goal.id, 7, LATER)  # ... corrected the same day
    assert [(r.score, r.at) for r in goal.ratings][-1:] == [(7, RatedAt.BETWEEN)]
    case.rate_goal(goal.id, 9, date(2026, 3, 16))  # another day: another re-rating
    assert [r.score for r in goal.ratings] == [3, 4, 8, 7, 9]
    assert goal.first_rating.score == 3 and goal.latest_rating.score == 9


def test_on_the_goals_page_the_day_a_goal_is_set_corrects_its_first_rating_and_the_ending_is_its_own_point():
    case = new_case("FAM-18", "Ada", DAY)
    goal = case.add_goal("I name what I see", 5, DAY)
    case.rate_goal(goal.id, 6, DAY)  # a slip when adding it, put right at once
    assert points(goal) == [(DAY, 6, RatedAt.START, None)]
    unrated = case.add_goal("I wait", None, DAY)
    case.rate_goal(unrated.id, 2, LATER)  # its first rating is its start
    assert points(unrated) == [(LATER, 2, RatedAt.START, None)]
    case.set_stage(Stage.ENDING, LATER)
    case.rate_goal(goal.id, 8, LATER)
    case.rate_goal(goal.id, 9, date(2026, 3, 10))  # the ending's rating corrected on the next visit
    assert points(goal) == [(DAY, 6, RatedAt.START, None), (LATER, 9, RatedAt.ENDING, None)]
    assert goal.ratings[-1].label == "the ending"


def test_before_and_after_judges_the_change_from_the_start_to_the_latest(case):
    (change,) = goal_changes(case)
    assert (change.first, change.last, change.verdict.value) == (3, 7, "reliable improvement")
    assert goal_change_sentence(change, plain=True).startswith("Your rating went from 3 to 7 out of 10")
    (trace,) = goals_figure(case, plain=False).data
    assert list(trace.y) == [3, 5, 7]
    assert ["the start" in trace.hovertext[0], "cycle 2 review" in trace.hovertext[2]] == [True, True]


def test_the_timeline_shows_each_rating_at_its_own_time_point(case):
    entries = {e.title: e.lines for e in timeline(case)}
    assert entries["The work began"] == ("Goal 1 rated 3/10: I wait for Ada to lead",)
    assert "Goal 1 rated 5/10: I wait for Ada to lead" in entries["Cycle 1: shared review"]
    assert "Goal 1 rated 7/10: I wait for Ada to lead" in entries["Cycle 2: shared review"]
    assert "Goals rated" not in entries
    assert rating_table(case) == [
        {"Date": DAY, "Given at": "the start", "Goal 1": 3},
        {"Date": DAY, "Given at": "cycle 1 review", "Goal 1": 5},
        {"Date": DAY, "Given at": "cycle 2 review", "Goal 1": 7},
    ]


def test_re_ratings_and_the_ending_have_their_own_timeline_entries(case):
    case.rate_goal(case.goals[0].id, 8, LATER)
    case.cycle(3).status, case.cycle(3).filming_date = CycleStatus.FILMED, LATER
    close_cycle(case, 3, LATER)
    case.rate_goal(case.goals[0].id, 9, date(2026, 3, 20))
    case.set_stage(Stage.CLOSED, date(2026, 3, 20))
    entries = [(e.on, e.title, e.lines) for e in timeline(case)]
    assert (LATER, "Goals rated", ("Goal 1 rated 8/10: I wait for Ada to lead",)) in entries
    assert entries[-1] == (date(2026, 3, 20), "The ending", ("Goal 1 rated 9/10: I wait for Ada to lead",))
    assert rating_table(case)[-2:] == [{"Date": LATER, "Given at": "re-rated", "Goal 1": 8},
                                       {"Date": date(2026, 3, 20), "Given at": "the ending", "Goal 1": 9}]


def test_the_celebration_summary_starts_at_the_start_rating(case):
    page = celebration_html(case, DAY)
    assert '<span class="bar-label">At the start</span>' in page
    start, now = page.split('class="bar start"')[1], page.split('class="bar now"')[1]
    assert '<span class="score">3 out of 10</span>' in start.split("</div>")[0]
    assert '<span class="score">7 out of 10</span>' in now.split("</div>")[0]


def test_the_csv_and_the_export_tables_have_a_row_per_rating(case):
    table = pd.read_csv(io.BytesIO(scores_csv(case, {})), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert table[["time_point", "score", "cycle"]].values.tolist() == [
        ["start", "3", ""], ["review", "5", "1"], ["review", "7", "2"]]
    goals = table_frames(case, Principles((), "none"), {})["goals"]
    assert goals[["rating", "given_at", "cycle"]].values.tolist() == [  # given_at: a column added at the end
        [3, "the start", ""], [5, "cycle 1 review", 1], [7, "cycle 2 review", 2]]


def test_ratings_stored_before_time_points_were_kept_still_load_and_get_their_time_point(data_dir):
    store = CaseStore(data_dir)
    case = new_case("FAM-19", "Ada", DAY)
    goal = case.add_goal("I wait", 3, DAY)
    goal.rate(5, LATER, cycle=1)
    goal.rate(6, date(2026, 3, 12))
    store.create(case)
    path = store.case_folder(case.id) / CASE_FILE
    raw = json.loads(path.read_text())
    for row in raw["goals"].values():
        for rating in row["ratings"]:
            del rating["at"]  # as an older workbook wrote it
    path.write_text(json.dumps(raw))
    loaded = store.load(case.id).goals[0]
    assert [(r.score, r.at, r.cycle) for r in loaded.ratings] == [
        (3, RatedAt.START, None), (5, RatedAt.REVIEW, 1), (6, RatedAt.BETWEEN, None)]
    old = from_record(Goal, {"id": "g", "text": "I wait", "created_on": "2026-03-02",
                             "ratings": [{"on": "2026-03-02", "score": 4}]})
    assert old.ratings == [GoalRating(DAY, 4, None, RatedAt.START)]


def test_beside_a_review_slider_a_value_not_kept_never_looks_kept(case):
    from vig_core.case.review import rating_note

    goal = case.goals[0]  # latest: 7, at the cycle 2 review
    assert rating_note(goal, 7, None) == (
        f"Not rated at this review yet (last rated 7/10 on {DAY:%d %b %Y}, cycle 2 review).")
    assert rating_note(goal, 4, 4) == ":material/check: Kept for this review: 4/10."
    for shown, kept in ((6, None), (6, 4)):  # moved, but the save failed
        assert rating_note(goal, shown, kept).startswith(":material/warning: Not saved yet: 6/10 is not kept.")
    unrated = case.add_goal("I sing", None, DAY)
    assert rating_note(unrated, 5, None) == "Not rated at this review yet (never rated)."
