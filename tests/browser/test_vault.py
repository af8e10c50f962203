"""The vault in a real browser (issue 23): a passphrase set on the first start encrypts the data
folder, the recovery code is shown once, and after locking and unlocking the demo film still plays."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from browser.helpers import ARTIFACTS, PASS, analysis_video, expect_locked, keep_recovery_code, settle, unlock
from vig_core.services import vault
from vig_core.services.demo import ensure_demo_case
from vig_core.storage.store import CaseStore

pytestmark = pytest.mark.browser


def test_first_start_makes_the_vault_and_the_film_plays_after_unlocking(server_factory, page: Page,
                                                                         data_dir) -> None:
    store = CaseStore(data_dir)
    demo = store.load(ensure_demo_case(store))
    film = store.media_path(demo.id, demo.recordings[0].playable)
    base = server_factory(first_start=True)
    page.goto(f"{base}/analysis?case={demo.id}")
    settle(page)
    expect(page.get_by_role("heading", name="Welcome to the VIG Workbook")).to_be_visible()
    page.get_by_label("Passphrase", exact=True).fill(PASS)
    page.get_by_label("The same passphrase again").fill(PASS)
    page.get_by_role("button", name="Set the passphrase and start").click()
    code = keep_recovery_code(page, screenshot="vault-recovery-code.png")
    assert len(code.replace("-", "")) == 56
    assert film.read_bytes()[:4] == b"VIGM"  # the film is encrypted in place
    assert code not in page.locator("body").inner_text()  # shown once

    page.get_by_role("button", name="Lock now").click()
    expect_locked(page, demo.code, demo.child_first_name)
    unlock(page, PASS)
    expect(page.get_by_role("heading", name="Micro-analysis")).to_be_visible()
    video = analysis_video(page)
    start = video.evaluate("v => { v.muted = true; v.play(); return v.currentTime; }")
    page.wait_for_function(f"document.querySelector('video.vig-ap-picture').currentTime > {start} + 0.5",
                           timeout=20_000)
    assert not video.evaluate("v => v.error")
    assert not vault.is_unlocked(data_dir)  # this test process never held the key: the server did


def test_on_a_vault_the_film_seeks_steps_shows_its_still_and_the_shared_review_plays(server_factory, page: Page,
                                                                                     data_dir) -> None:
    """Everything a practitioner does with a film, on encrypted films: seek and step on Micro-analysis
    (frame-exact), the moment's still, and the shared review's clip and its still frame."""
    store = CaseStore(data_dir)
    demo = store.load(ensure_demo_case(store))
    moment = demo.moments_of(demo.recordings[0].id)[0]
    vault.create_vault(data_dir, PASS)
    vault.lock(data_dir)
    base = server_factory()
    page.goto(f"{base}/analysis?case={demo.id}")
    settle(page)
    unlock(page, PASS)
    video = analysis_video(page)
    settle(page)
    page.locator(f".st-key-moment-{moment.id} button").click()
    settle(page)
    expect(page.get_by_role("heading", name="Moment at 0:04.00")).to_be_visible()
    page.get_by_role("heading", name="Moment at").click()
    page.keyboard.press("ArrowRight")  # one frame on: the moment moves, the player seeks to it
    expect(page.get_by_role("heading", name="Moment at 0:04.04")).to_be_visible()
    settle(page)
    page.wait_for_function("Math.abs(document.querySelector('video.vig-ap-picture').currentTime - 4.04) < 0.021")
    assert video.evaluate("v => v.readyState") >= 2 and not video.evaluate("v => v.error")
    still = page.get_by_role("img", name="The frame of the moment")
    expect(still).to_be_visible()
    assert still.evaluate("i => i.complete && i.naturalWidth > 0")

    page.goto(f"{base}/review?case={demo.id}")
    settle(page)
    expect(page.get_by_text("Getting the clips ready: done.")).to_be_visible(timeout=60_000)
    page.get_by_role("button", name="Start the shared review in client view").click()
    settle(page)
    clip = page.frame_locator('iframe[title="streamlit_player.streamlit_player"]').locator("video")
    clip.evaluate("v => { v.muted = true; return v.play(); }")
    clip.evaluate("v => new Promise(done => { const t = () => v.currentTime > 0.5 ? done() : setTimeout(t, 50); "
                  "t(); })")
    assert not clip.evaluate("v => v.error")
    page.get_by_role("button", name="Still frame").click()
    settle(page)
    big = page.get_by_role("img", name="The paused frame, shown large")
    expect(big).to_be_visible()
    assert big.evaluate("i => i.complete && i.naturalWidth > 0")
    page.screenshot(path=ARTIFACTS / "vault-shared-review-still.png", full_page=True)
    clips = [p for p in store.case_folder(demo.id).rglob("*.mp4") if "review" in p.parts]
    assert clips and all(p.read_bytes()[:4] == b"VIGM" for p in clips)  # the review's clips, cut encrypted
