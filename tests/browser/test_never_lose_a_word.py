"""Nothing typed is lost (issue 17): typing for longer than the lock time counts as use and
every word is there after unlocking; two tabs editing the same goal never undo each other."""

from __future__ import annotations

import time
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from browser.helpers import ARTIFACTS, PASS, expect_locked, settle, unlock
from conftest import make_case
from vig_core.services import lock
from vig_core.storage.settings import SettingsStore
from vig_core.storage.store import CaseStore

pytestmark = pytest.mark.browser
LOCK_SECONDS = 15


def test_typing_for_longer_than_the_lock_time_keeps_every_word(server_factory, page: Page, data_dir) -> None:
    store = CaseStore(data_dir)
    case = make_case(store, child="Noor")
    settings = SettingsStore(data_dir)
    lock.set_passphrase(settings, PASS, PASS)
    settings.set(lock.LOCK_MINUTES, LOCK_SECONDS / 60)  # Settings allows 1 to 240 minutes; a test has less time
    base = server_factory()
    page.goto(f"{base}/conversation?case={case.id}")
    settle(page)
    unlock(page, PASS)
    expect(page.get_by_role("heading", name="Initial conversation")).to_be_visible()
    box = page.get_by_role("textbox", name="About your child", exact=True)
    box.click()
    words = []
    started = time.monotonic()
    while time.monotonic() - started < 2 * LOCK_SECONDS:  # never leaving the box
        word = f"word{len(words)}"
        box.press_sequentially(word + " ", delay=40)
        words.append(word)
        page.wait_for_timeout(700)
    assert page.get_by_role("heading", name="The workbook is locked").count() == 0, "typing did not count as use"
    page.screenshot(path=ARTIFACTS / "typing-before-the-lock.png")

    expect_locked(page, "Noor")  # the practitioner stops typing and walks away
    unlock(page, PASS)
    box = page.get_by_role("textbox", name="About your child", exact=True)
    expect(box).to_have_value(" ".join(words) + " ")
    assert store.load(case.id).conversation.about_child == " ".join(words) + " "
    page.screenshot(path=ARTIFACTS / "typing-after-unlocking.png")


def test_a_reload_keeps_what_was_typed_in_a_box_never_left(server: str, page: Page, data_dir) -> None:
    store = CaseStore(data_dir)
    case = make_case(store)
    page.goto(f"{server}/review?case={case.id}")  # any page, then the ending's boxes
    page.goto(f"{server}/ending?case={case.id}")
    settle(page)
    box = page.get_by_role("textbox", name="What has changed", exact=True)
    box.click()
    box.press_sequentially("We laugh together more", delay=30)
    page.wait_for_timeout(1800)  # a pause in typing
    page.reload()
    settle(page)
    expect(page.get_by_role("textbox", name="What has changed", exact=True)).to_have_value("We laugh together more")


def test_two_tabs_editing_the_same_goal(server: str, new_context, data_dir) -> None:
    store = CaseStore(data_dir)
    case = make_case(store)
    store.update(case.id, lambda c: c.add_goal("I would like to wait for her", 3, date(2026, 1, 5)))
    goal_id = store.load(case.id).goals[0].id
    context = new_context(viewport={"width": 1200, "height": 900})
    first, second = context.new_page(), context.new_page()
    try:
        for tab in (first, second):
            tab.set_default_timeout(20_000)
            tab.goto(f"{server}/goals?case={case.id}")
            settle(tab)
        box = first.get_by_role("textbox", name="Goal", exact=True)
        box.fill("I would like to wait and watch (tab 1)")
        box.press("Tab")
        settle(first)
        assert store.load(case.id).goals[0].text == "I would like to wait and watch (tab 1)"

        # Tab 2 still shows the old text; its practitioner adds to it.
        stale = second.get_by_role("textbox", name="Goal", exact=True)
        stale.click()
        stale.press("End")
        stale.press_sequentially(" and wonder (tab 2)", delay=30)
        stale.press("Tab")
        settle(second)
        expect(second.get_by_text("was changed in another tab or window")).to_be_visible()
        expect(second.get_by_role("textbox", name="Goal", exact=True)).to_have_value(
            "I would like to wait and watch (tab 1)")
        expect(second.get_by_text("I would like to wait for her and wonder (tab 2)")).to_be_visible()
        second.screenshot(path=ARTIFACTS / "two-tabs-same-goal.png")
        assert store.load(case.id).goals[0].text == "I would like to wait and watch (tab 1)"

        # Tab 1 again: a rerun there shows the same text, nothing was undone.
        first.get_by_role("button", name="Save rating").first.click()
        settle(first)
        expect(first.get_by_role("textbox", name="Goal", exact=True)).to_have_value(
            "I would like to wait and watch (tab 1)")

        second.get_by_role("button", name="Use what I typed instead").click()
        settle(second)
        assert store.load(case.id).goals[0].text == "I would like to wait for her and wonder (tab 2)"
    finally:
        context.close()
    assert goal_id == store.load(case.id).goals[0].id


def test_one_click_on_a_sidebar_link_goes_while_a_box_has_the_cursor(server: str, page: Page, data_dir) -> None:
    store = CaseStore(data_dir)
    case = make_case(store)
    page.goto(f"{server}/conversation?case={case.id}")
    settle(page)
    for typed, goes_to in (("She loves stories", "Goals"), ("and songs", "Initial conversation")):
        box = page.get_by_role("textbox", name="About your child", exact=True)
        box.click()
        box.press("End")
        box.press_sequentially(typed, delay=20)
        page.get_by_test_id("stSidebar").get_by_role("link", name=goes_to).click()  # once, the cursor still in the box
        expect(page.get_by_role("heading", name=goes_to, exact=True)).to_be_visible(timeout=10_000)
        settle(page)
        if goes_to == "Goals":
            page.get_by_test_id("stSidebar").get_by_role("link", name="Initial conversation").click()
            expect(page.get_by_role("heading", name="Initial conversation")).to_be_visible()
            settle(page)
    assert store.load(case.id).conversation.about_child == "She loves storiesand songs"


def test_a_double_click_on_create_case_makes_one_case_and_no_error(server: str, page: Page, data_dir) -> None:
    store = CaseStore(data_dir)
    page.goto(server)
    settle(page)
    page.get_by_role("textbox", name="Case code or pseudonym").fill("FAM-77")
    page.get_by_role("textbox", name="Child's first name").fill("Rosa")
    page.get_by_role("button", name="Create case").dblclick()
    settle(page)
    expect(page.get_by_role("heading", name="Where we are")).to_be_visible()
    page.wait_for_timeout(500)
    settle(page)
    assert [c.code for c in store.caseload().cases] == ["FAM-77"]
    assert page.get_by_test_id("stAlertContentError").count() == 0, page.locator("body").inner_text()
