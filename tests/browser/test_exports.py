"""The Exports page in a real browser: an ELAN file made by the workbook, its moments taken away,
and the file brought back through the page's upload, shown first and added on confirmation."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from browser.helpers import ARTIFACTS, settle
from vig_core.exports.save import export
from vig_core.services.demo import ensure_demo_case
from vig_core.storage.store import CaseStore


def test_coding_from_elan_comes_back_through_the_page(server: str, page: Page, data_dir, tmp_path) -> None:
    store = CaseStore(data_dir)
    demo = ensure_demo_case(store)
    [eaf] = export(store, demo, "eaf", tmp_path)
    coded = [(m.time, m.principles, m.behaviours, m.turn, m.note, m.working_point) for m in store.load(demo).moments]
    store.update(demo, lambda c: setattr(c, "moments", []))

    page.goto(f"{server}/exports?case={demo}")
    settle(page)
    expect(page.get_by_role("heading", name="Bring back coding done in ELAN")).to_be_visible()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(eaf))
    settle(page)
    expect(page.get_by_text(re.compile(r"^5 new moments"))).to_be_visible()
    assert store.load(demo).moments == []  # nothing is added before the practitioner confirms
    page.get_by_role("button", name="Add these moments").scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "exports-elan-import.png")
    page.get_by_role("button", name="Add these moments").click()
    settle(page)
    expect(page.get_by_text(re.compile(r"Added from ELAN: 5 new moments"))).to_be_visible()
    back = [(m.time, m.principles, m.behaviours, m.turn, m.note, m.working_point) for m in store.load(demo).moments]
    assert sorted(back, key=lambda m: m[0]) == sorted(coded, key=lambda m: m[0])
    expect(page.locator('[data-testid="stFileUploaderFile"]')).to_have_count(0)  # the uploader is empty again
