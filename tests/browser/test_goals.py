"""Goals in a real browser (issue 17): a double click adds one goal; ratings moved at the
shared review are kept when the cycle is closed straight away."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from browser.helpers import settle
from conftest import make_case
from vig_core.case.cycles import CycleStatus
from vig_core.case.goals import RatedAt
from vig_core.storage.store import CaseStore

pytestmark = pytest.mark.browser


def test_a_double_click_on_add_goal_adds_one_goal(server: str, page: Page, data_dir) -> None:
    store = CaseStore(data_dir)
    case = make_case(store, "FAM-60", "Rosa")
    page.goto(f"{server}/goals?case={case.id}")
    settle(page)
    page.get_by_role("textbox", name="The goal, in the parent's words", exact=True).fill("I wait for Rosa")
    page.get_by_role("button", name="Add goal").dblclick()
    expect(page.get_by_text("Goal 1", exact=True)).to_be_visible(timeout=20_000)
    page.wait_for_timeout(500)  # a second run, if any, has begun
    settle(page)
    assert page.get_by_test_id("stAlertContentError").count() == 0, page.locator("body").inner_text()
    assert [g.text for g in store.load(case.id).goals] == ["I wait for Rosa"]


def test_ratings_moved_at_the_review_are_kept_when_the_cycle_is_closed_at_once(server: str, page: Page,
                                                                               demo: CaseStore) -> None:
    page.goto(f"{server}/review?case=demo")
    settle(page)
    page.get_by_text("To finish", exact=True).first.click()
    settle(page)
    sliders = page.get_by_role("slider")
    expect(sliders).to_have_count(2)
    for slider in (sliders.nth(0), sliders.nth(1)):  # 5 and 4 before: up two each
        slider.focus()
        slider.press("ArrowRight")
        slider.press("ArrowRight")
        settle(page)  # each press is a run of its own; a slow machine may still be on the first
    expect(page.get_by_test_id("stSliderThumbValue")).to_have_text(["7", "6"])
    page.get_by_role("button", name="Finish the review and close cycle 1…").click()  # no save button pressed
    settle(page)
    page.get_by_role("button", name="Yes, close cycle 1").click()
    settle(page)
    expect(page.get_by_text("Cycle 1 is complete.").first).to_be_visible()
    case = demo.load("demo")
    assert case.cycle(1).status is CycleStatus.REVIEWED
    assert [(g.latest_rating.score, g.latest_rating.at, g.latest_rating.cycle) for g in case.goals] == [
        (7, RatedAt.REVIEW, 1), (6, RatedAt.REVIEW, 1)]
