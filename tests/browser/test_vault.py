"""The vault in a real browser (issue 23): a passphrase set on the first start encrypts the data
folder, the recovery code is shown once, and after locking and unlocking the demo film still plays."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from browser.helpers import PASS, analysis_video, expect_locked, keep_recovery_code, settle, unlock
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
