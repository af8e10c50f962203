"""What the browser tests share: waiting for the app, letting a browser in, and the checks and
steps several tests make (the player's film, a locked workbook, a screen fit for client view).

The fixtures that start the server and the browser are in conftest.py; everything a test calls
by name is here, in one place, so that no test file defines its own way to wait or unlock.
"""

from __future__ import annotations

import socket
from pathlib import Path
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, expect

from conftest import ROOT
from dev import answering  # noqa: F401 - the one check, shared with the run command
from vig_core.web.access import cookie_name, new_session_cookie

ARTIFACTS = ROOT / "test-artifacts"
PASS = "quiet river morning"  # the passphrase the protection tests set
# What client view must never show: the notes the tests write, other families, practitioner-only words.
PRIVATE = ["PRIVATE-CLIP-NOTE", "PRIVATE-REVIEW-NOTE", "Demo only: an example of a note", "FAM-22", "Quentin",
           "Zed", "DEMO-1", "Caseload", "Practitioner only", "Edit the questions"]


# --- the server and the app ---------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def let_in(context: BrowserContext, base: str, root: Path) -> None:
    """Give a browser the workbook's session cookie, as opening the run command's link does."""
    context.add_cookies([{"name": cookie_name(urlsplit(base).port), "value": new_session_cookie(root), "url": base}])


REPORT_DUE = "() => [...(window.__vigAnalysisPlayers?.values() ?? [])].some((p) => p.reportDue)"


def settle(page: Page) -> None:
    """Wait until the app has finished its current script run (Streamlit's own e2e signal), and the
    run that the analysis player's report of a seek starts once the seek has settled."""
    page.wait_for_timeout(150)
    if page.evaluate(REPORT_DUE):
        page.wait_for_function(f"!({REPORT_DUE})()")
        page.wait_for_timeout(150)
    page.wait_for_selector('[data-test-script-state="notRunning"]', state="attached")
    page.wait_for_timeout(100)


# --- what several tests do or check ---------------------------------------------------------------
def player_video(page: Page):
    """The <video> inside the streamlit-player iframe, once it has loaded the film's metadata."""
    frame = page.frame_locator('iframe[title="streamlit_player.streamlit_player"]').first
    video = frame.locator("video").first
    video.wait_for(state="attached")
    page.wait_for_function(
        """() => [...document.querySelectorAll('iframe')].some(f => {
               const v = f.contentDocument && f.contentDocument.querySelector('video');
               return v && v.readyState >= 1; })""", timeout=20_000)
    return video


def analysis_video(page: Page):
    """The analysis player's <video> on Micro-analysis (in the page itself), once it has the film's metadata."""
    video = page.locator("video.vig-ap-picture")
    video.wait_for(state="attached")
    page.wait_for_function("document.querySelector('video.vig-ap-picture')?.readyState >= 1", timeout=20_000)
    return video


def unlock(page: Page, passphrase: str) -> None:
    page.get_by_label("Passphrase", exact=True).fill(passphrase)
    page.get_by_role("button", name="Unlock").click()
    settle(page)


def keep_recovery_code(page: Page, screenshot: str | None = None) -> str:
    """After a passphrase is set: wait for the data folder's encryption to end and the recovery code
    to show (once), say it is kept and go on; return the code."""
    expect(page.get_by_role("heading", name="Your recovery code")).to_be_visible(timeout=120_000)
    settle(page)
    code = page.locator("[data-testid='stCode'] code").inner_text().strip()
    if screenshot:
        page.screenshot(path=ARTIFACTS / screenshot, full_page=True)
    go_on = page.get_by_role("button", name="Go on")
    expect(go_on).to_be_disabled()
    page.get_by_text("I have kept it somewhere safe").click()
    settle(page)
    go_on.click()
    settle(page)
    return code


def expect_locked(page: Page, *private: str) -> None:
    expect(page.get_by_role("heading", name="The workbook is locked")).to_be_visible(timeout=30_000)
    settle(page)
    shown = page.locator("body").inner_text()
    for text in private:
        assert text not in shown
    assert page.locator('iframe[title="streamlit_player.streamlit_player"]').count() == 0
    assert page.locator("video").count() == 0


def check_screen(page: Page, name: str) -> None:
    """Nothing private is shown and axe-core finds no accessibility violation."""
    text = page.locator("body").inner_text()
    for hidden in PRIVATE:
        assert hidden not in text, f"{hidden!r} is visible in client view ({name})"
    page.mouse.move(0, 0)  # no tooltip left open by the last click (Streamlit draws it outside any landmark)
    page.wait_for_timeout(300)
    results = Axe().run(page)
    problems = [(v["id"], v["help"], [n["target"] for n in v["nodes"]]) for v in results.response["violations"]]
    assert problems == [], f"accessibility problems on {name}: {problems}"
