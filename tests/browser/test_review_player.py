"""The shared review's player in a real browser, in client view: only the clip is ever
fetched, the still is the frame the player shows at the press, and the picture is large."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from browser.helpers import player_video, settle
from conftest import make_case
from media_fixtures import ffmpeg
from vig_core.case.consent import ConsentKind
from vig_core.services.clips import prepare_review_clips
from vig_core.services.demo import ensure_demo_case
from vig_core.services.recordings import import_recording
from vig_core.storage.settings import SettingsStore
from vig_core.storage.store import CaseStore

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


MEASURE = """() => {
    const frame = document.querySelector('iframe[title="streamlit_player.streamlit_player"]');
    const video = frame.contentDocument.querySelector('video');
    const box = frame.getBoundingClientRect();
    const scale = Math.min(box.width / video.videoWidth, box.height / video.videoHeight);
    const bottoms = [...document.querySelectorAll('.st-key-review-play, .st-key-review-loop, .st-key-review-speed')]
        .map(e => e.getBoundingClientRect().bottom);
    return {width: video.videoWidth * scale, height: video.videoHeight * scale, top: box.top,
            column: frame.closest('[data-testid="stColumn"]').getBoundingClientRect().width,
            controls: Math.max(...bottoms)};
}"""
SETTLED = """() => {
    const sidebar = document.querySelector('[data-testid="stSidebar"]').getBoundingClientRect();
    const picture = document.querySelector('[class*="st-key-review-picture-"]');
    return (sidebar.right <= 0 || sidebar.width < 10) && picture.style.getPropertyValue('--vig-picture-ratio') !== '';
}"""
CUT_OFF = """() => [...document.querySelectorAll('[data-testid="stMain"] *, [data-testid="stSidebar"] *')]
    .filter(e => { const r = e.getBoundingClientRect();
                   return r.width > 0 && r.right > 0 && getComputedStyle(e).textOverflow === 'ellipsis'
                          && e.scrollWidth > e.clientWidth; })
    .map(e => e.innerText)"""


def portrait_case(store: CaseStore, folder) -> str:
    """A family filmed on a phone held upright: a 360×640 film with one chosen clip, cut."""
    film = folder / "upright.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=360x640:rate=25:duration=8", "-c:v", "libx264", "-pix_fmt", "yuv420p",
           str(film))
    case = make_case(store, "FAM-P", "Ada", carer_name="Jo")
    store.update(case.id, lambda c: c.consent.give(ConsentKind.FILMING, date(2026, 1, 5)))
    recording = import_recording(store, case.id, 1, film)
    store.update(case.id, lambda c: c.add_clip(recording.id, 1.0, 7.0, title="Reading together on the sofa"))
    prepare_review_clips(store, case.id, 1)
    return case.id


def test_in_client_view_the_picture_uses_the_screen_and_no_label_is_cut_off(
        server: str, new_context, data_dir, tmp_path) -> None:
    """Issue 17 item 9: a portrait phone film showed at about 230×400 px, under the clip's title,
    with the sidebar open and labels cut off ("Previous c…", "L…", "Back to t…")."""
    store = CaseStore(data_dir)
    landscape = ensure_demo_case(store)
    prepare_review_clips(store, landscape, 1)
    portrait = portrait_case(store, tmp_path)
    for width, height in [(1280, 800), (1366, 768), (1920, 1080)]:
        for case_id in (portrait, landscape):
            context = new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            page.set_default_timeout(20_000)
            where = f"{width}×{height}, {'portrait' if case_id == portrait else 'landscape'}"
            open_review_in_client_view(data_dir, server, page, case_id)
            player_video(page)
            page.wait_for_function(SETTLED)  # the sidebar has folded away, the player knows the film's shape
            size = page.evaluate(MEASURE)
            if case_id == portrait:  # as tall as the screen allows, all of it on the screen, controls beside it
                assert size["height"] >= 0.6 * height, (where, size)
                assert size["top"] + size["height"] <= height and size["controls"] <= height, (where, size)
            else:  # as wide as its column, with its controls under it on the same screen
                assert size["width"] >= 0.95 * size["column"] and size["width"] >= 0.45 * width, (where, size)
                assert size["controls"] <= height, (where, size)
            assert page.evaluate(CUT_OFF) == [], where
            page.get_by_role("button", name="Still frame").click()
            settle(page)
            still = page.get_by_role("img", name="The paused frame, shown large")
            still.evaluate("image => image.decode()")  # loaded, at its size
            picture = still.bounding_box()
            assert 0.5 * height <= picture["y"] + picture["height"] <= height, (where, picture)
            assert page.evaluate(CUT_OFF) == [], f"{where}, still"
            page.locator('[data-testid="stRadio"] label').filter(has_text="To finish").click()
            settle(page)
            expect(page.get_by_role("heading", name="To finish")).to_be_visible()
            assert page.evaluate(CUT_OFF) == [], f"{where}, to finish"
            page.locator('[data-testid="stExpandSidebarButton"]').click()
            settle(page)
            expect(page.get_by_role("link", name="Our shared review")).to_be_visible()
            assert page.evaluate(CUT_OFF) == [], f"{where}, sidebar open"
            context.close()
