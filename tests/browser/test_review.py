"""A whole shared review in a real browser, in client view: the parent's words for every
clip, goals re-rated, the cycle closed, the printable strengths record; nothing private or
of another family on screen, every client-view screen free of axe-core violations, and no
request to any host but the workbook's own."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from browser.helpers import ARTIFACTS, PRIVATE, check_screen, settle
from conftest import make_case
from vig_core.case.cycles import CycleStatus
from vig_core.services.demo import ensure_demo_case
from vig_core.storage.store import CaseStore

pytestmark = pytest.mark.browser


def test_a_whole_shared_review_in_client_view(server: str, page: Page, data_dir, tmp_path) -> None:
    store = CaseStore(data_dir)
    demo = ensure_demo_case(store)
    make_case(store, "FAM-22", "Zed", carer_name="Quentin")
    store.update(demo, lambda c: (setattr(c.chosen_clips(1)[0], "private_note", "PRIVATE-CLIP-NOTE"),
                                  setattr(c.cycle(1), "review_notes", "PRIVATE-REVIEW-NOTE")))
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).hostname or request.url.split(":")[0]))

    page.goto(f"{server}/review?case={demo}")
    settle(page)
    expect(page.get_by_text("Getting the clips ready: done.")).to_be_visible(timeout=60_000)
    page.get_by_role("button", name="Start the shared review in client view").click()
    settle(page)
    expect(page.get_by_role("heading", name="Shared review")).to_be_visible()
    expect(page.get_by_text("Client view: only this family's shared work is shown.")).to_be_hidden()  # collapsed

    clips = store.load(demo).chosen_clips(1)
    for number, clip in enumerate(clips, start=1):
        expect(page.get_by_role("heading", name=f"{number}. {clip.title}")).to_be_visible()
        expect(page.frame_locator('iframe[title="streamlit_player.streamlit_player"]').locator("video")).to_have_attribute(
            "src", re.compile(r"/api/media/[^/]+/clip\.mp4\?play=0$"))
        if number == 1:
            check_screen(page, "a clip of the review")
            page.get_by_role("button", name="Still frame").click()
            settle(page)
            expect(page.get_by_role("img", name="The paused frame, shown large")).to_be_visible()
            check_screen(page, "a still of the review")
            page.get_by_role("button", name="Back to the film").click()
            settle(page)
        words = page.get_by_role("textbox", name="Sam’s words")
        words.fill(f"Mia looks at me and I wait ({number})")
        words.press("Tab")  # leaving the box saves it
        settle(page)
        page.get_by_role("button", name="Next question").click()
        settle(page)
        expect(page.get_by_role("heading", name="What are you doing that makes a difference?")).to_be_visible()
        page.get_by_role("button", name="To finish" if number == len(clips) else "Next clip").click()
        settle(page)

    expect(page.get_by_role("heading", name="To finish")).to_be_visible()
    check_screen(page, "the end of the review")
    for slider in page.get_by_role("slider").all():  # each rating is kept as soon as its slider moves
        slider.focus()
        slider.press("ArrowRight")
        slider.press("ArrowRight")
        settle(page)
    film_next = page.get_by_role("textbox", name="What would you like us to film next time?")
    film_next.fill("Tidy-up time after tea")
    film_next.press("Tab")
    settle(page)
    page.get_by_role("button", name="Finish the review and close cycle 1…").click()
    settle(page)
    page.get_by_role("button", name="Yes, close cycle 1").click()
    expect(page.get_by_text("Cycle 1 is complete. Next: filming for cycle 2.")).to_be_visible()

    case = store.load(demo)
    assert [[r.words for r in case.reflections_of(c.id)] for c in clips] == [
        [f"Mia looks at me and I wait ({n})"] for n in (1, 2, 3)]
    assert [(g.ratings[-1].score, g.ratings[-1].cycle) for g in case.goals] == [(7, 1), (6, 1)]  # from 5 and 4
    assert case.cycle(1).status is CycleStatus.REVIEWED and case.cycle(1).film_next == "Tidy-up time after tea"

    page.locator('[data-testid="stExpandSidebarButton"]').click()  # collapsed for the review
    expect(page.get_by_text("Client view: only this family's shared work is shown.")).to_be_visible()
    page.get_by_role("link", name="Our strengths").click()
    settle(page)
    expect(page.get_by_text("“Mia looks at me and I wait (2)”", exact=False)).to_be_visible()
    check_screen(page, "the strengths record")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the page to print or keep").click()
    assert download.value.suggested_filename == f"DEMO-1-fictional-strengths-record-{date.today().isoformat()}.html"
    printable = tmp_path / "strengths-record.html"
    download.value.save_as(printable)

    for link, heading in [("Looking back", "Looking back"), ("Our goals", "Our goals"),
                          ("Our conversation", "Our conversation")]:
        page.get_by_role("link", name=link).click()
        settle(page)
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
        check_screen(page, heading)
    assert hosts <= {"127.0.0.1", "data", "blob"}, f"requests left the machine: {hosts}"

    # The printable page: every still loads, the parent's words are there, nothing private.
    page.goto(printable.as_uri())
    sizes = page.evaluate("() => [...document.images].map(i => i.naturalWidth)")
    assert len(sizes) == 3 and all(w > 0 for w in sizes)
    text = page.locator("body").inner_text()
    assert "“Mia looks at me and I wait (1)”" in text and "Sam’s words" in text
    assert not any(hidden in text for hidden in PRIVATE)
    page.emulate_media(media="print")
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "strengths-record.png"
    page.screenshot(path=shot, full_page=True)
    picture = Image.open(shot).convert("RGB")
    assert picture.width >= 800 and len(picture.getcolors(1 << 20) or []) > 50  # stills, not a blank page
    page.pdf(path=ARTIFACTS / "strengths-record.pdf")  # it prints
    assert (ARTIFACTS / "strengths-record.pdf").stat().st_size > 10_000
