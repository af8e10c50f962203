"""Questionnaires, before-and-after and the ending, driven headless."""

from __future__ import annotations

import json
import re

import pytest

from apptest.helpers import messages, open_app, screen_text
from apptest.test_review_pages import client_view
from conftest import make_case
from vig_core.case.questionnaires import TimePoint
from vig_core.services.demo import ENDING_DEMO_FILE, ensure_demo_case
from vig_core.vocab.instruments import SHIPPED_DIR


@pytest.fixture
def family(store):
    return make_case(store, "FAM-30", "Ada", carer_name="Jo").id


@pytest.fixture
def ending(store):
    return ensure_demo_case(store, spec_file=ENDING_DEMO_FILE)


def charts(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def test_the_parent_answers_the_check_in_one_question_at_a_time_and_can_come_back(store, data_dir, family):
    client_view(data_dir, family)
    at = open_app(page="pages/questionnaires.py")
    assert [b.key for b in at.button if b.key.startswith("open-")] == ["open-parent-check-in"]  # no licensed ones
    at.button(key="open-parent-check-in").click().run()
    administration = store.load(family).administration("parent-check-in", TimePoint.BASELINE)
    assert administration is not None and administration.answers == {}
    at.radio(key=f"answer-{administration.id}-enjoy").set_value(4).run()
    assert store.load(family).administration("parent-check-in", TimePoint.BASELINE).answers == {"enjoy": 4}
    assert "Question 2 of 6" in screen_text(at)

    at = open_app(page="pages/questionnaires.py")  # a reload: the list, and carrying on keeps the answer
    assert at.button(key="open-parent-check-in").label == "Carry on"
    at.button(key="open-parent-check-in").click().run()
    for item, value in [("notice", 4), ("calm", 3), ("comfort", 4), ("good_enough", 3)]:
        at.radio(key=f"answer-{administration.id}-{item}").set_value(value).run()
    at.button(key="question-next").click().run()  # leave the last one out: one may be missing
    assert "Not answered yet: question 6" in screen_text(at)
    at.button(key="questionnaire-finish").click().run()
    done = store.load(family).administration("parent-check-in", TimePoint.BASELINE)
    assert done.done and done.total == 3.6 and not messages(at)
    assert "Thank you" in screen_text(at)

    at.button(key="questionnaire-again").click().run()  # look again: answers shown, a change means finishing again
    assert at.radio(key=f"answer-{administration.id}-enjoy").value == 4
    at.radio(key=f"answer-{administration.id}-enjoy").set_value(5).run()
    assert not store.load(family).administration("parent-check-in", TimePoint.BASELINE).done
    for _ in range(5):
        at.button(key="question-next").click().run()
    at.button(key="questionnaire-finish").click().run()
    assert store.load(family).administration("parent-check-in", TimePoint.BASELINE).total == 3.8
    for private in ("FAM-30", "Give it in client view", "Save total"):
        assert private not in screen_text(at)


def test_the_practitioner_types_totals_with_a_range_check_and_can_remove_them(store, family):
    at = open_app(family, "pages/questionnaires.py")
    assert at.radio(key=f"time-point-{family}-choice").value == TimePoint.BASELINE
    at.number_input(key="total-wemwbs-baseline").set_value(80.0).run()
    at.button(key="save-total-wemwbs-baseline").click().run()
    assert any("from 14 to 70, not 80" in m for m in messages(at))
    assert store.load(family).administrations == []
    at.number_input(key="total-wemwbs-baseline").set_value(41.0).run()
    at.button(key="save-total-wemwbs-baseline").click().run()
    saved = store.load(family).administration("wemwbs", TimePoint.BASELINE)
    assert saved.total == 41 and saved.typed_total == 41
    assert "done" in screen_text(at) and "41" in screen_text(at)
    at.button(key=f"remove-{saved.id}").click().run()
    at.button(key=f"remove-{saved.id}-yes").click().run()
    assert store.load(family).administrations == []


def test_own_definitions_appear_and_a_broken_one_is_named(store, data_dir, family):
    own = data_dir / "instruments"
    own.mkdir()
    good = json.loads((SHIPPED_DIR / "parent-check-in.json").read_text())
    good.update(id="my-check", title="My own check-in")
    (own / "my-check.json").write_text(json.dumps(good))
    broken = dict(good, id="broken", score={"min": 5, "max": 1, "higher_is": "up"})
    (own / "broken.json").write_text(json.dumps(broken))
    at = open_app(family, "pages/questionnaires.py")
    warnings = " ".join(messages(at, "warning"))
    assert "broken.json: “score.min” and “score.max” must be numbers with min below max" in warnings
    assert "“score.higher_is” must be “better” or “worse”" in warnings
    assert "My own check-in" in screen_text(at) and at.button(key="give-my-check")
    at.button(key="forget-my-check").click().run()
    at.button(key="forget-my-check-yes").click().run()
    assert not (own / "my-check.json").exists()


def test_before_and_after_shows_goals_and_measures_with_a_verdict(store, ending):
    at = open_app(ending, "pages/outcomes.py")
    figures = charts(at)
    assert len(figures) == 3  # goals, the check-in, WEMWBS
    goal_lines = [t for t in figures[0]["data"] if t.get("name", "").startswith("Goal")]
    assert [t["y"] for t in goal_lines] == [[2, 4, 6, 8], [3, 3, 5, 7]]
    text = screen_text(at)
    assert "Reliable improvement" in text and "RCI 2.89" in text
    csv = next(b for b in at.get("download_button") if "download-scores" in b.proto.id)
    assert csv.proto.label == "Download all scores (CSV)"


def test_a_kept_chart_is_made_again_when_a_rating_changes(store, ending):
    """The charts are kept between reruns (they are slow to make): any change must still show."""
    at = open_app(ending, "pages/outcomes.py")
    first = charts(at)
    at.run()
    assert charts(at) == first
    goal = store.load(ending).goals[0]
    store.update(ending, lambda c: c.goal(goal.id).rate(10, goal.ratings[-1].on, cycle=goal.ratings[-1].cycle))
    at.run()
    goal_lines = [t for t in charts(at)[0]["data"] if t.get("name", "").startswith("Goal")]
    assert [t["y"] for t in goal_lines] == [[2, 4, 6, 10], [3, 3, 5, 7]]


def test_client_view_of_the_change_is_plain_and_keeps_typed_totals_out(store, data_dir, ending):
    client_view(data_dir, ending)
    at = open_app(page="pages/outcomes.py")
    figures = charts(at)
    assert len(figures) == 2  # goals and the check-in the parent answered; no WEMWBS total
    text = screen_text(at)
    for word in ("RCI", "WEMWBS", "Warwick", "DEMO-2", "Download all scores"):
        assert word not in text
    assert "How you feel with your child" in text


def test_the_ending_keeps_notes_quotes_and_future_goals_and_offers_the_summary(store, data_dir, ending):
    at = open_app(ending, "pages/ending.py")
    at.text_area(key=f"ending-{ending}-what_helped").input("Watching the clips <b>together</b>").run()
    at.text_area(key=f"ending-private-{ending}").input("PRIVATE-ENDING-NOTE").run()
    at.text_input(key="future-goal-new").input("I keep listening first")
    at.button(key="FormSubmitter:future-goal-Add goal for the future").click().run()
    case = store.load(ending)
    assert case.ending.what_helped == "Watching the clips <b>together</b>"
    assert case.ending.practitioner_notes == "PRIVATE-ENDING-NOTE"
    assert case.ending.future_goals == ["I keep listening first"]
    assert len(case.ending.chosen_quotes) == 4
    assert at.multiselect(key=f"quotes-{ending}").value == case.ending.chosen_quotes
    at.button(key="remove-future-0").click().run()
    assert store.load(ending).ending.future_goals == []
    assert any("download-celebration" in b.proto.id for b in at.get("download_button"))

    client_view(data_dir, ending)
    at = open_app(page="pages/ending.py")
    text = screen_text(at)
    assert "PRIVATE-ENDING-NOTE" not in text and "Your own ending notes" not in text
    assert "Leo brought me the book" in text


@pytest.mark.parametrize("page", ["pages/questionnaires.py", "pages/outcomes.py", "pages/ending.py"])
def test_a_new_case_with_nothing_yet_shows_friendly_empty_pages(store, data_dir, family, page):
    for in_client_view in (False, True):
        if in_client_view:
            client_view(data_dir, family)
        at = open_app(family, page)
        assert not messages(at) and not at.exception
        text = screen_text(at)
        assert "Traceback" not in text
        if page == "pages/outcomes.py":
            assert "No goal ratings yet" in text and "No questionnaire is finished yet" in text


@pytest.mark.parametrize("page", ["pages/goals.py", "pages/ending.py", "pages/review.py", "pages/timeline.py",
                                  "pages/outcomes.py", "pages/conversation.py"])
def test_no_page_of_another_family_names_a_demo_family(store, data_dir, family, page):
    """Placeholders and help texts are on screen in client view too: never the demo child's name."""
    from unit.test_demo_names import demo_names

    for in_client_view in (False, True):
        if in_client_view:
            client_view(data_dir, family)
        text = screen_text(open_app(family, page))
        assert not [name for name in demo_names() if re.search(rf"\b{name}\b", text)], page
