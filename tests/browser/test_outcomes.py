"""Questionnaires before and after, in a real browser: the parent answers the check-in at the
start and at the end in client view and the chart shows both points; the practitioner adds
their own definition (and is told what is wrong with a broken one) and prints the
celebration summary. Nothing private on the parent's screens, axe-clean, no foreign host."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from browser.helpers import ARTIFACTS, check_screen, settle
from conftest import make_case
from vig_core.case.questionnaires import TimePoint
from vig_core.services.demo import ENDING_DEMO_FILE, ensure_demo_case
from vig_core.storage.store import CaseStore
from vig_core.vocab.instruments import SHIPPED_DIR

pytestmark = pytest.mark.browser
START_ANSWERS = ["A little", "Somewhat", "A little", "Somewhat", "A little", "Quite a lot"]
END_ANSWERS = ["Very much", "Quite a lot", "Quite a lot", "Very much", "Quite a lot", "A little"]


def answer_check_in(page: Page, answers: list[str]) -> None:
    for number, label in enumerate(answers, start=1):
        expect(page.get_by_text(f"Question {number} of 6")).to_be_visible()
        page.get_by_role("radiogroup").get_by_text(label, exact=True).click()
        settle(page)
        if number == 1:
            check_screen(page, "a question of the check-in")
    page.get_by_role("button", name="Finish").click()
    expect(page.get_by_text("Thank you: your answers are saved.")).to_be_visible()


def give_in_client_view(page: Page, time_point: str) -> None:
    page.get_by_text(time_point, exact=True).click()
    settle(page)
    page.locator(".st-key-give-parent-check-in button").click()
    settle(page)
    expect(page.get_by_text("Client view: only this family's shared work is shown.")).to_be_visible()


def leave_client_view(page: Page) -> None:
    page.get_by_role("button", name="Leave client view…").click()
    settle(page)
    page.get_by_role("button", name="Yes, back to practitioner view").click()
    settle(page)


def test_check_in_at_the_start_and_the_end_and_the_chart_shows_both(server: str, page: Page, data_dir, tmp_path):
    store = CaseStore(data_dir)
    ensure_demo_case(store)  # another family, never to be seen here
    family = make_case(store, "FAM-40", "Ada", carer_name="Jo").id
    store.update(family, lambda c: (c.add_goal("I wait for Ada", 3, c.created_on),
                                    setattr(c.ending, "practitioner_notes", "PRIVATE-ENDING-NOTE")))
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).hostname or request.url.split(":")[0]))

    page.goto(f"{server}/questionnaires?case={family}")
    settle(page)
    give_in_client_view(page, "At the start")
    answer_check_in(page, START_ANSWERS)
    leave_client_view(page)
    page.get_by_role("link", name="Questionnaires").click()
    settle(page)
    give_in_client_view(page, "At the end")
    answer_check_in(page, END_ANSWERS)

    case = store.load(family)
    start, end = (case.administration("parent-check-in", tp) for tp in (TimePoint.BASELINE, TimePoint.END))
    assert (start.total, end.total) == (2.33, 4.33)  # reverse item: "Quite a lot" counts 2, "A little" 4

    page.get_by_role("link", name="Our progress").click()
    settle(page)
    chart = page.locator(".js-plotly-plot").nth(1)
    expect(chart).to_be_visible()
    points = chart.locator(".scatterlayer .textpoint")
    expect(points).to_have_count(2)
    assert points.all_text_contents() == ["2.33", "4.33"]
    expect(page.get_by_text("Your score went from 2.33 to 4.33 (up 2).")).to_be_visible()
    check_screen(page, "our progress")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "before-and-after-client-view.png", full_page=True)
    page.get_by_role("link", name="Our ending").click()
    settle(page)
    assert "PRIVATE-ENDING-NOTE" not in page.locator("body").inner_text()
    check_screen(page, "our ending")
    assert hosts <= {"127.0.0.1", "data", "blob"}, f"requests left the machine: {hosts}"


def test_own_definition_upload_and_the_celebration_summary(server: str, page: Page, data_dir, tmp_path):
    store = CaseStore(data_dir)
    ending = ensure_demo_case(store, spec_file=ENDING_DEMO_FILE)
    store.update(ending, lambda c: setattr(c.ending, "practitioner_notes", "PRIVATE-ENDING-NOTE"))
    good = json.loads((SHIPPED_DIR / "parent-check-in.json").read_text())
    good.update(id="my-check", title="My own check-in")
    (tmp_path / "mine.json").write_text(json.dumps(good))
    broken = dict(good, id="broken", options=[{"value": "one"}, *good["options"][1:]])
    (tmp_path / "broken.json").write_text(json.dumps(broken))

    page.goto(f"{server}/questionnaires?case={ending}")
    settle(page)
    upload = page.locator('[data-testid="stFileUploaderDropzoneInput"]')
    upload.set_input_files(tmp_path / "broken.json")
    settle(page)
    page.get_by_role("button", name="Check and add").click()
    settle(page)
    expect(page.get_by_text("That file was not added.")).to_be_visible()
    expect(page.get_by_text("broken.json: option 1 must have a whole-number “value”")).to_be_visible()
    upload.set_input_files(tmp_path / "mine.json")
    settle(page)
    page.get_by_role("button", name="Check and add").click()
    settle(page)
    expect(page.get_by_text("“My own check-in” was checked and added.")).to_be_visible()
    expect(page.get_by_text("My own check-in", exact=True)).to_be_visible()
    assert sorted(p.name for p in (data_dir / "instruments").iterdir()) == ["my-check.json"]

    page.get_by_role("link", name="Ending").click()
    settle(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the celebration summary").click()
    printable = tmp_path / "celebration.html"
    download.value.save_as(printable)
    page.goto(printable.as_uri())
    text = page.locator("body").inner_text()
    assert "Celebrating our work together" in text and "Leo brought me the book" in text
    assert "PRIVATE-ENDING-NOTE" not in text and "DEMO-2" not in text
    sizes = page.evaluate("() => [...document.images].map(i => i.naturalWidth)")
    assert len(sizes) == 3 and all(w > 0 for w in sizes)
    page.emulate_media(media="print")
    page.screenshot(path=ARTIFACTS / "celebration-summary.png", full_page=True)
    page.pdf(path=ARTIFACTS / "celebration-summary.pdf")
    assert (ARTIFACTS / "celebration-summary.pdf").stat().st_size > 10_000
