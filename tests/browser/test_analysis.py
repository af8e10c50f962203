"""Micro-analysis in a real browser: quick frame steps, coding a moment, messages beside their control."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from browser.helpers import settle
from vig_core.services.demo import ensure_demo_case
from vig_core.storage.store import CaseStore

pytestmark = pytest.mark.browser


def open_moment(page: Page, server: str, store: CaseStore):
    """The demo's first moment, opened on Micro-analysis; returns (case id, moment)."""
    demo = ensure_demo_case(store)
    case = store.load(demo)
    moment = case.moments_of(case.recordings[0].id)[0]
    page.goto(f"{server}/analysis?case={demo}")
    settle(page)
    page.locator(f".st-key-moment-{moment.id} button").click()
    settle(page)
    expect(page.get_by_role("heading", name="Moment at")).to_be_visible()
    return demo, moment


def test_five_quick_presses_of_the_key_move_exactly_five_frames(server: str, page: Page, data_dir) -> None:
    store = CaseStore(data_dir)
    demo, moment = open_moment(page, server, store)
    assert moment.time == 4.0  # the demo's first moment, in a 25 fps film
    page.get_by_role("heading", name="Moment at").click()  # no text box, no player has the focus
    for _ in range(5):
        page.keyboard.press("ArrowRight")  # as fast as the keyboard sends them, runs or no runs
    expect(page.get_by_role("heading", name="Moment at 0:04.20")).to_be_visible()
    settle(page)
    assert store.load(demo).moment(moment.id).time == pytest.approx(4.2)
    back = page.get_by_role("button", name="1 frame back")
    for _ in range(3):
        back.click()  # quick clicks count one by one too
    expect(page.get_by_role("heading", name="Moment at 0:04.08")).to_be_visible()
    settle(page)
    assert store.load(demo).moment(moment.id).time == pytest.approx(4.08)
    note = page.get_by_role("textbox", name="Note")
    note.click()
    note.press("ArrowLeft")  # moves the cursor in the box, not the moment
    settle(page)
    assert store.load(demo).moment(moment.id).time == pytest.approx(4.08)


def test_a_wrong_out_point_is_said_beside_its_box_far_down_the_clips_page(server: str, page: Page, data_dir) -> None:
    store = CaseStore(data_dir)
    demo = ensure_demo_case(store)
    last = store.load(demo).clips_in(1)[-1]
    page.goto(f"{server}/clips?case={demo}")
    settle(page)
    out = page.locator(f".st-key-out-{last.id} input")
    out.scroll_into_view_if_needed()
    assert out.input_value() == "0:37.00"
    out.fill("0:05")  # before the in point
    out.press("Enter")
    settle(page)
    message = page.get_by_text("A clip must end after it starts; check the in and out points.")
    expect(message).to_be_in_viewport()
    assert out.input_value() == "0:05"  # kept, to be corrected
    out.fill("0:38,2")
    out.press("Enter")
    settle(page)
    expect(message).to_have_count(0)
    assert store.load(demo).clip(last.id).end == pytest.approx(38.2)
    assert out.input_value() == "0:38.20"
