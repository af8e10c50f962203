"""The browser is asked whether it plays HEVC, and its answer is remembered for its user agent
(issue 21). Headless Chromium here cannot decode HEVC; a browser that can is simulated by
answering the two questions in its place before the page loads."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from browser.helpers import settle
from vig_core.services.demo import ensure_demo_case
from vig_core.storage.settings import SettingsStore
from vig_core.storage.store import CaseStore
from vig_core.ui.browser_video import SETTING

pytestmark = pytest.mark.browser

PRETEND_HEVC = """
HTMLMediaElement.prototype.canPlayType = (type) => (type.includes("hvc1") ? "probably" : "");
navigator.mediaCapabilities.decodingInfo = async () => ({ supported: true, smooth: true, powerEfficient: true });
"""


def answer_for(page: Page, data_dir) -> bool | None:
    agent = page.evaluate("navigator.userAgent")
    for _ in range(50):  # the component answers a moment after the page is drawn
        answers = SettingsStore(data_dir).get(SETTING) or {}
        if agent in answers:
            return answers[agent]
        page.wait_for_timeout(100)
    return None


def test_a_browser_that_plays_hevc_says_so_and_it_is_remembered_for_its_user_agent(server: str, page: Page,
                                                                                  data_dir) -> None:
    demo = ensure_demo_case(CaseStore(data_dir))
    page.add_init_script(PRETEND_HEVC)
    page.goto(f"{server}/recordings?case={demo}")
    settle(page)
    assert answer_for(page, data_dir) is True


def test_headless_chromium_here_says_it_does_not(server: str, page: Page, data_dir) -> None:
    demo = ensure_demo_case(CaseStore(data_dir))
    page.goto(f"{server}/recordings?case={demo}")
    settle(page)
    plays = page.evaluate("document.createElement('video').canPlayType('video/mp4; codecs=\"hvc1.1.6.L93.B0\"')")
    assert plays == ""  # what this test relies on; a Chromium that plays HEVC would make it meaningless
    assert answer_for(page, data_dir) is False
