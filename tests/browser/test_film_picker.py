"""The film picker in a real browser (issue 21): a film in the Videos folder of a fake home is
found, shown with its still, and imported without typing its path."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from browser.helpers import ARTIFACTS, settle
from media_fixtures import make
from vig_core.services.demo import ensure_demo_case
from vig_core.storage.store import CaseStore
from vig_core.ui.film_picker import _digest

pytestmark = pytest.mark.browser


def test_the_picker_finds_a_film_in_videos_and_imports_it_without_typing(server_factory, page: Page, data_dir,
                                                                           tmp_path: Path, monkeypatch) -> None:
    home = tmp_path / "home"
    (home / "Videos" / "visits").mkdir(parents=True)
    film = make("phone hevc rotated é.mov", home / "Videos" / "visits")
    monkeypatch.setenv("HOME", str(home))  # the server's home: its Videos folder is the fake one
    for name in ("XDG_CONFIG_HOME", "XDG_VIDEOS_DIR", "XDG_DOWNLOAD_DIR", "XDG_PICTURES_DIR", "XDG_DESKTOP_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("VIG_FILM_PLACES", "~/Videos")  # this machine's own drives are not looked at
    server = server_factory()
    store = CaseStore(data_dir)
    demo = ensure_demo_case(store)

    page.goto(f"{server}/recordings?case={demo}")
    settle(page)
    tab = page.get_by_role("tab", name="From this computer")
    if not tab.is_visible():
        page.get_by_text("Add a recording").click()
    tab.click()
    settle(page)
    entry = page.locator(f".st-key-pick-film-{_digest(film.resolve())}-{demo}")
    expect(entry.get_by_text(film.name)).to_be_visible()
    expect(entry.get_by_text(re.compile(r"Videos › visits · .* · 0:02 · "))).to_be_visible()
    expect(entry.get_by_role("img", name=f"A still from “{film.name}”")).to_be_visible()
    assert str(home) not in page.locator("body").inner_text()  # nothing above the place
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "film-picker.png", full_page=True)

    entry.get_by_role("button", name="Import").click()
    settle(page)
    expect(page.get_by_text(re.compile(f"Importing “{film.name}” into cycle 1: done"))).to_be_visible(timeout=60_000)
    assert [r.original_name for r in store.load(demo).recordings].count(film.name) == 1
