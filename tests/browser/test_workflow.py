"""The foundation's main path in a real browser: a new case, the conversation,
two goals, a reload, and client view hiding every other family."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from browser.helpers import ARTIFACTS, settle
from vig_core.case.record import new_case
from vig_core.services.demo import ensure_demo_case
from vig_core.storage.store import CaseStore

pytestmark = pytest.mark.browser


def field(page: Page, label: str):
    """A text box by its label (the label's help icon is a button with a similar name)."""
    return page.get_by_role("textbox", name=label, exact=True)


def add_goal(page: Page, text: str, rating: int) -> None:
    field(page, "The goal, in the parent's words").fill(text)
    slider = page.get_by_role("slider").last  # the new goal's rating
    slider.focus()
    for _ in range(abs(rating - 5)):  # sliders start at 5; arrow keys move them
        slider.press("ArrowRight" if rating > 5 else "ArrowLeft")
    page.get_by_role("button", name="Add goal").click()
    settle(page)
    expect(page.get_by_text("Goal added.")).to_be_visible()


def test_new_case_conversation_goals_and_client_view(server: str, page: Page, data_dir) -> None:
    store = CaseStore(data_dir)
    ensure_demo_case(store)  # another family, whose names must never show in client view

    page.goto(server)
    settle(page)
    expect(page.get_by_role("heading", name="Caseload")).to_be_visible()
    page.get_by_text("New case").click()
    field(page, "Case code or pseudonym").fill("FAM-42")
    field(page, "Child's first name").fill("Rosa")
    field(page, "Parent or carer's first name (optional)").fill("Jo")
    page.get_by_role("button", name="Create case").click()
    settle(page)
    expect(page.get_by_role("heading", name="Where we are")).to_be_visible()

    page.get_by_role("link", name="Initial conversation").click()
    settle(page)
    about_child = field(page, "About your child")
    about_child.fill("Rosa loves the swings <and> bubbles")
    about_child.press("Tab")  # leaving the field saves it
    settle(page)
    helping = field(page, "Your Helping Question")
    helping.fill("How can I help Rosa settle at bedtime?")
    goals_link = page.get_by_role("link", name="Goals")
    goals_link.click()  # straight from the field: the text is saved on the way out
    settle(page)
    if not page.get_by_role("heading", name="Goals").is_visible():
        goals_link.click()  # Streamlit drops a page switch that races the field's save
        settle(page)
    expect(page.get_by_role("heading", name="Goals")).to_be_visible()

    add_goal(page, "I will give Rosa a five-minute warning.", 4)
    add_goal(page, "I want to name what Rosa is feeling.", 6)

    (case,) = [c for c in store.caseload().cases if c.code == "FAM-42"]
    assert case.conversation.about_child == "Rosa loves the swings <and> bubbles"
    assert case.conversation.helping_question == "How can I help Rosa settle at bedtime?"
    assert [(g.text, g.latest_rating.score) for g in case.goals] == [
        ("I will give Rosa a five-minute warning.", 4), ("I want to name what Rosa is feeling.", 6)]

    page.reload()  # nothing is lost on reload
    settle(page)
    expect(page.get_by_role("heading", name="Goals")).to_be_visible()
    expect(page.get_by_text("I will give Rosa a five-minute warning.")).to_have_count(1)
    page.get_by_role("link", name="Initial conversation").click()
    settle(page)
    expect(field(page, "About your child")).to_have_value("Rosa loves the swings <and> bubbles")

    page.get_by_role("button", name="Client view").click()
    settle(page)
    expect(page.get_by_role("heading", name="Our conversation")).to_be_visible()
    page.screenshot(path=ARTIFACTS / "client-view.png", full_page=True)
    for where in [page, page.get_by_role("link", name="Our goals")]:
        if where is not page:
            where.click()
            settle(page)
            expect(page.get_by_role("heading", name="Our goals")).to_be_visible()
        text = page.locator("body").inner_text()
        assert "Rosa" in text
        for hidden in ["DEMO-1", "Mia", "Sam", "Caseload", "Practitioner-only", "FAM-42 ·"]:
            assert hidden not in text, f"{hidden!r} is visible in client view"
    assert re.search(r"Client view", page.locator('[data-testid="stSidebar"]').inner_text())

    page.reload()  # a reload stays in client view
    settle(page)
    assert "Caseload" not in page.locator("body").inner_text()


def test_a_fresh_server_never_runs_a_page_around_the_gate(data_dir, server_factory, page: Page) -> None:
    """Directly typed page URLs on a just-started server still go through app.py."""
    from vig_core.storage.settings import SettingsStore

    store = CaseStore(data_dir)
    demo = ensure_demo_case(store)
    other = store.create(new_case("FAM-OTHER", "Otto", date.today()))

    base = server_factory()  # practitioner view: a case named in the URL opens on that page
    page.goto(f"{base}/conversation?case={other.id}")
    settle(page)
    expect(page.get_by_role("heading", name="Initial conversation")).to_be_visible()
    expect(page.get_by_text("Case FAM-OTHER · Otto")).to_be_visible()

    SettingsStore(data_dir).set("client_view_case", demo)
    base = server_factory()  # a restart while in client view; first request straight to the caseload
    page.goto(f"{base}/caseload")
    settle(page)
    expect(page.get_by_role("heading", name="Our conversation")).to_be_visible()
    text = page.locator("body").inner_text()
    assert "FAM-OTHER" not in text and "Otto" not in text and "Caseload" not in text
