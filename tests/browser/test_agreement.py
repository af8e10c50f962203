"""Supervision in a real browser (issue 22): the demo's example second coder imported on
Micro-analysis, the two coders compared on Agreement, and a disagreement opened at its time."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from browser.helpers import ARTIFACTS, analysis_video, settle
from vig_core.case.agreement import recording_agreement
from vig_core.case.film import ME
from vig_core.services.demo import ensure_demo_case
from vig_core.storage.store import CaseStore
from vig_core.vocab.principles import load_principles

pytestmark = pytest.mark.browser

EXAMPLE = "Supervisor (example)"


def test_a_second_coder_is_compared_and_a_disagreement_opened_at_its_time(server: str, page: Page, data_dir) -> None:
    store = CaseStore(data_dir)
    demo = ensure_demo_case(store)
    rid = store.load(demo).recordings[0].id
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{server}/analysis?case={demo}")
    settle(page)
    analysis_video(page)
    page.get_by_role("button", name=re.compile("Import the example second coder")).click()
    settle(page)
    case = store.load(demo)
    assert case.coders_of(rid) == [ME, EXAMPLE] and case.moments_of(rid, EXAMPLE)

    page.goto(f"{server}/agreement?case={demo}")
    settle(page)
    expect(page.get_by_text("How moments are paired", exact=False)).to_be_visible()
    expect(page.get_by_text("Krippendorff", exact=False).first).to_be_visible()
    ids = [h.id for h in load_principles(data_dir)[0].headings]
    result = recording_agreement(case, rid, ME, EXAMPLE, ids)
    assert result.disagreements, "the example is made to disagree somewhere"
    expect(page.get_by_text(f"{len(result.pairing.pairs)}", exact=True).first).to_be_visible()
    page.screenshot(path=ARTIFACTS / "agreement.png", full_page=True)

    page.get_by_role("button", name="Look at it").first.click()  # the first disagreement, in time order
    settle(page)
    expect(page.get_by_role("heading", name="Micro-analysis", exact=False).first).to_be_visible()
    at = result.disagreements[0].time
    page.wait_for_function(f"Math.abs(document.querySelector('video.vig-ap-picture')?.currentTime - {at}) < 0.05")
    page.screenshot(path=ARTIFACTS / "agreement-look.png")
