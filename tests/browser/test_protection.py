"""Data protection in a real browser: a new user sets a passphrase, locks, is locked out after
idling, and a locked workbook shows no case and serves no film; two tabs editing one case
at once lose nothing."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from browser.helpers import (
    ARTIFACTS,
    PASS,
    analysis_video,
    check_screen,
    expect_locked,
    keep_recovery_code,
    settle,
    unlock,
)
from vig_core.services import lock
from vig_core.services.demo import ensure_demo_case
from vig_core.storage.settings import SettingsStore
from vig_core.storage.store import CaseStore

pytestmark = pytest.mark.browser


def test_passphrase_lock_idle_and_media(server_factory, page: Page, data_dir) -> None:
    store = CaseStore(data_dir)
    demo = store.load(ensure_demo_case(store))
    private = (demo.code, demo.child_first_name, demo.carer_name)
    base = server_factory(first_start=True)
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).hostname or request.url.split(":")[0]))

    # First start: the offer comes before anything else.
    page.goto(f"{base}/analysis?case={demo.id}")
    settle(page)
    expect(page.get_by_role("heading", name="Welcome to the VIG Workbook")).to_be_visible()
    assert demo.child_first_name not in page.locator("body").inner_text()
    check_screen(page, "the first-start offer")
    page.get_by_label("Passphrase", exact=True).fill(PASS)
    page.get_by_label("The same passphrase again").fill(PASS)
    page.screenshot(path=ARTIFACTS / "lock-first-start.png")
    page.get_by_role("button", name="Set the passphrase and start").click()
    settle(page)
    keep_recovery_code(page)  # the data folder is encrypted with it now
    expect(page.get_by_role("heading", name="Micro-analysis")).to_be_visible()
    film_url = analysis_video(page).evaluate("v => v.currentSrc")
    assert page.request.get(film_url, headers={"Range": "bytes=0-9"}).status == 206

    # Lock now: nothing of the case on screen, the film's URL refused.
    page.get_by_role("button", name="Lock now").click()
    expect_locked(page, *private)
    assert page.request.get(film_url).status == 403
    check_screen(page, "the lock screen")
    page.screenshot(path=ARTIFACTS / "lock-locked.png")
    unlock(page, "not the passphrase")
    expect(page.get_by_text("That passphrase is not right")).to_be_visible()
    unlock(page, PASS)
    expect(page.get_by_role("heading", name="Micro-analysis")).to_be_visible()
    assert page.request.get(film_url).status == 404  # URLs from before the lock stay dead (withdrawn)

    # Idle: with a very short lock time, the open page locks itself without a click.
    SettingsStore(data_dir).set(lock.LOCK_MINUTES, 0.05)  # 3 seconds; Settings allows 1 to 240 minutes
    page.mouse.move(5, 5)
    expect_locked(page, *private)

    # A restart begins locked.
    SettingsStore(data_dir).set(lock.LOCK_MINUTES, 10)
    base = server_factory()
    page.goto(f"{base}/case?case={demo.id}")
    settle(page)
    expect_locked(page, *private)
    unlock(page, PASS)
    expect(page.get_by_role("heading", name="Where we are")).to_be_visible()
    assert hosts <= {"127.0.0.1", "data", "blob"}, f"requests left the machine: {hosts}"


def test_two_tabs_editing_one_case_lose_nothing(server: str, new_context, data_dir) -> None:
    store = CaseStore(data_dir)
    demo = ensure_demo_case(store)
    context = new_context(viewport={"width": 1200, "height": 900})
    tabs = [context.new_page(), context.new_page()]
    fields = {0: ["About your child", "What is going well", "Your Helping Question"],
              1: ["About you (the parent or carer)", "You and your child together",
                  "What you would like to be different"]}
    try:
        for tab in tabs:
            tab.set_default_timeout(20_000)
            tab.goto(f"{server}/conversation?case={demo}")
            settle(tab)
        for round_ in range(3):  # each tab still shows the other's old text: saving must not undo it
            for number, tab in enumerate(tabs):
                box = tab.get_by_role("textbox", name=fields[number][round_], exact=True)
                box.fill(f"tab {number} round {round_} <b>kept</b>")
                box.press("Tab")
            for tab in tabs:
                settle(tab)
        tabs[0].screenshot(path=ARTIFACTS / "two-tabs-first.png")
    finally:
        context.close()
    saved = store.load(demo).conversation
    expected = {
        "about_child": 0, "going_well": 0, "helping_question": 0,
        "about_parent": 1, "relationship": 1, "would_like_different": 1,
    }
    for round_, (name, number) in enumerate(expected.items()):
        assert getattr(saved, name) == f"tab {number} round {round_ % 3} <b>kept</b>", name


def test_streamlits_own_media_files_go_with_the_lock_and_the_erasure(server_factory, page: Page, data_dir) -> None:
    """Issue 18, item 6: stills and downloads served by Streamlit's /media/ store stayed reachable
    60 s after the lock, and an erased case's stills minutes after the erasure."""
    store = CaseStore(data_dir)
    demo = ensure_demo_case(store)
    settings = SettingsStore(data_dir)
    lock.set_passphrase(settings, PASS, PASS)
    base = server_factory()
    page.goto(f"{base}/clips?case={demo}")
    settle(page)
    unlock(page, PASS)
    expect(page.get_by_role("heading", name="Clips", exact=True)).to_be_visible()
    page.locator("img[src*='/media/']").first.wait_for()
    stills = page.locator("img[src*='/media/']").evaluate_all("images => images.map(i => i.src)")
    assert page.request.get(stills[0]).status == 200

    page.get_by_role("button", name="Lock now").click()
    expect_locked(page)
    assert all(page.request.get(url).status == 403 for url in stills)

    unlock(page, PASS)
    page.goto(f"{base}/case?case={demo}")
    settle(page)
    stills = page.locator("img[src*='/media/']").evaluate_all("images => images.map(i => i.src)") or stills
    page.get_by_role("button", name="Erase this case…").click()
    page.get_by_role("button", name="Yes, erase everything of this case").click()
    settle(page)
    expect(page.get_by_role("heading", name="Caseload")).to_be_visible()
    assert all(page.request.get(url).status == 404 for url in stills)
