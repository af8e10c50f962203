"""The shared review's player in a real browser, in client view: only the clip is ever
fetched, the still is the frame the player shows at the press, and the picture is large."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from browser.conftest import settle
from browser.test_film import player_video
from vig_core.clip_export import prepare_review_clips
from vig_core.demo import ensure_demo_case
from vig_core.store import CaseStore, SettingsStore

pytestmark = pytest.mark.browser

PLAYER = 'iframe[title="streamlit_player.streamlit_player"]'


def open_review_in_client_view(data_dir, server: str, page: Page, case_id: str) -> None:
    SettingsStore(data_dir).set("client_view_case", case_id)
    page.goto(f"{server}/review")
    settle(page)


def test_the_review_fetches_only_the_clip_files_never_the_whole_recording(server: str, page: Page, data_dir) -> None:
    """Issue 17 item 6: before its clips were cut, the review played ``film.mp4#t=17,23``."""
    demo = ensure_demo_case(CaseStore(data_dir))  # its clips not cut yet
    films: list[str] = []
    page.on("request", lambda request: films.append(request.url) if "/api/media/" in request.url else None)
    open_review_in_client_view(data_dir, server, page, demo)
    expect(page.get_by_role("button", name="Next clip")).to_be_visible()
    expect(page.frame_locator(PLAYER).locator("video")).to_have_attribute("src", re.compile(r"/clip\.mp4\?play=0$"),
                                                                     timeout=60_000)
    player_video(page)
    page.get_by_role("button", name="Next clip").click()
    settle(page)
    player_video(page)
    assert films and all("/clip.mp4?" in url for url in films), films


def test_the_still_is_the_frame_the_player_shows_when_pressed_looping_at_a_quarter_speed(
        server: str, page: Page, data_dir) -> None:
    """Issue 17 item 14: "The frame at 0:00.04" while the clip looped at ¼× near 5.9 s. The
    player's progress events lag (every 250 ms, and from the previous loop): the still follows
    the player's own time at the press, whether Still frame is clicked or S is pressed."""
    store = CaseStore(data_dir)
    demo = ensure_demo_case(store)
    prepare_review_clips(store, demo, 1)
    open_review_in_client_view(data_dir, server, page, demo)
    player_video(page)
    page.get_by_text("Loop", exact=True).click()
    settle(page)
    page.get_by_text("Very slow (¼×)").click()
    settle(page)

    # Seek the player and press Still frame in the same moment: no progress event can come between.
    page.evaluate("""async () => {
        const video = document.querySelector('iframe[title="streamlit_player.streamlit_player"]')
            .contentDocument.querySelector('video');
        if (video.readyState < 1) await new Promise(r => video.addEventListener('loadedmetadata', r, {once: true}));
        await new Promise(r => { video.addEventListener('seeked', r, {once: true}); video.currentTime = 5.9; });
        document.querySelector('.st-key-review-still-button button').click();
    }""")
    settle(page)
    expect(page.get_by_text("The frame at 0:05.88 into the clip")).to_be_visible()  # 5.9 s on the 25 fps grid

    page.get_by_role("button", name="Back to the film").click()
    settle(page)
    player_video(page)
    page.evaluate("""async () => {
        const video = document.querySelector('iframe[title="streamlit_player.streamlit_player"]')
            .contentDocument.querySelector('video');
        await new Promise(r => { video.addEventListener('seeked', r, {once: true}); video.currentTime = 3.0; });
    }""")
    page.keyboard.press("s")
    settle(page)
    expect(page.get_by_text("The frame at 0:03.00 into the clip")).to_be_visible()
