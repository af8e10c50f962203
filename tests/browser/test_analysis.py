"""Micro-analysis in a real browser: quick frame steps, coding a moment, messages beside their control,
and the analysis player on the page: M marks, the timeline seeks without reloading the film, a
suggestion accepted becomes a moment."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from browser.helpers import ARTIFACTS, analysis_video, settle
from vig_core.case.film import Turn
from vig_core.case.voices import LISTENING_VERSION, Listening, Stretch, voice_boundary
from vig_core.services.demo import ensure_demo_case
from vig_core.storage.listening import ListeningRecord, save_listening
from vig_core.storage.store import CaseStore

pytestmark = pytest.mark.browser


def open_moment(page: Page, server: str, store: CaseStore):
    """The demo's first moment, opened on Micro-analysis; returns (case id, moment)."""
    demo = ensure_demo_case(store)
    case = store.load(demo)
    moment = case.moments_of(case.recordings[0].id)[0]
    page.goto(f"{server}/analysis?case={demo}")
    settle(page)
    analysis_video(page)  # the player has its film: its first events are past
    settle(page)
    page.locator(f".st-key-moment-{moment.id} button").click()
    settle(page)
    expect(page.get_by_role("heading", name="Moment at")).to_be_visible()
    return demo, moment


def test_five_quick_presses_of_the_key_move_exactly_five_frames(server: str, page: Page, data_dir) -> None:
    store = CaseStore(data_dir)
    demo, moment = open_moment(page, server, store)
    assert moment.time == 4.0  # the demo's first moment, in a 25 fps film
    page.get_by_role("heading", name="Moment at").click()  # no text box, no player has the focus
    for _ in range(5):
        page.keyboard.press("ArrowRight")  # as fast as the keyboard sends them, runs or no runs
    expect(page.get_by_role("heading", name="Moment at 0:04.20")).to_be_visible()
    settle(page)
    assert store.load(demo).moment(moment.id).time == pytest.approx(4.2)
    back = page.get_by_role("button", name="1 frame back")
    for _ in range(3):
        back.click()  # quick clicks count one by one too
    expect(page.get_by_role("heading", name="Moment at 0:04.08")).to_be_visible()
    settle(page)
    assert store.load(demo).moment(moment.id).time == pytest.approx(4.08)
    note = page.get_by_role("textbox", name="Note")
    note.click()
    note.press("ArrowLeft")  # moves the cursor in the box, not the moment
    settle(page)
    assert store.load(demo).moment(moment.id).time == pytest.approx(4.08)


def test_a_wrong_out_point_is_said_beside_its_box_far_down_the_clips_page(server: str, page: Page, data_dir) -> None:
    store = CaseStore(data_dir)
    demo = ensure_demo_case(store)
    last = store.load(demo).clips_in(1)[-1]
    page.goto(f"{server}/clips?case={demo}")
    settle(page)
    out = page.locator(f".st-key-out-{last.id} input")
    out.scroll_into_view_if_needed()
    assert out.input_value() == "0:37.00"
    out.fill("0:05")  # before the in point
    out.press("Enter")
    settle(page)
    message = page.get_by_text("A clip must end after it starts; check the in and out points.")
    expect(message).to_be_in_viewport()
    assert out.input_value() == "0:05"  # kept, to be corrected
    out.fill("0:38,2")
    out.press("Enter")
    settle(page)
    expect(message).to_have_count(0)
    assert store.load(demo).clip(last.id).end == pytest.approx(38.2)
    assert out.input_value() == "0:38.20"


def heard(store: CaseStore, case_id: str, recording_id: str) -> None:
    """The demo film as if heard: a child at 12 s answered by the mother, and its loudness."""
    found = [Stretch(12.0, 12.6, 320.0, voiced=0.9), Stretch(13.2, 14.5, 215.0, voiced=0.9)]
    save_listening(store, case_id, recording_id, ListeningRecord(Listening(
        version=LISTENING_VERSION, duration=40.0, stretches=found, boundary_hz=voice_boundary(found),
        peaks=[abs((i % 40) - 20) / 20 for i in range(400)])))


def test_the_player_on_the_page_marks_seeks_and_takes_a_suggestion(server: str, page: Page, data_dir) -> None:
    store = CaseStore(data_dir)
    demo = ensure_demo_case(store)
    rid = store.load(demo).recordings[0].id
    heard(store, demo, rid)
    before = len(store.load(demo).moments_of(rid))
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{server}/analysis?case={demo}")
    settle(page)
    video = analysis_video(page)
    page.evaluate("""() => { const v = document.querySelector('video.vig-ap-picture');
        window.__film = v; window.__loads = 0; v.addEventListener('loadstart', () => { window.__loads += 1; }); }""")
    page.screenshot(path=ARTIFACTS / "analysis-page.png")
    page.screenshot(path=ARTIFACTS / "analysis-page-full.png", full_page=True)
    moments = page.locator("[class*='st-key-moment-'] button")
    expect(moments).to_have_count(before)

    # M, with no text box focused: a moment at the player's time (0:00, less the offset: still 0:00).
    page.get_by_role("heading", name="Moments").click()
    page.keyboard.press("m")
    expect(moments).to_have_count(before + 1)
    expect(page.get_by_role("button", name="0:00.00 · not coded yet")).to_be_visible()
    assert video.evaluate("v => v.currentTime") < 0.5  # not sent anywhere by the mark

    # A click on the timeline seeks there; the film is not loaded again.
    canvas = page.locator("canvas.vig-ap-canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.75, box["y"] + 40)  # the sound lane, three quarters in
    page.wait_for_function("document.querySelector('video.vig-ap-picture').currentTime > 25")
    settle(page)
    assert page.evaluate("document.querySelector('video.vig-ap-picture') === window.__film && window.__loads === 0")

    page.get_by_text("Voices and turn-taking").click()
    expect(page.get_by_text("not a validated measure")).to_be_visible()
    page.get_by_role("heading", name="Listening").scroll_into_view_if_needed()
    page.screenshot(path=ARTIFACTS / "analysis-listening.png")

    # The suggestion at 12 s, accepted: a moment at the child's initiative, in the list and on the timeline.
    page.get_by_role("button", name="Accept", exact=True).click()
    settle(page)
    expect(moments).to_have_count(before + 2)
    expect(page.get_by_role("heading", name="Moment at 0:12.00")).to_be_visible()
    expect(page.get_by_text("No suggestions open for this film.")).to_be_visible()
    expect(page.get_by_text("not a validated measure")).to_be_visible()  # "Voices and turn-taking" stays open
    assert page.evaluate("document.querySelector('video.vig-ap-picture') === window.__film && window.__loads === 0")
    page.screenshot(path=ARTIFACTS / "analysis-accepted.png", full_page=True)
    made = [m for m in store.load(demo).moments_of(rid) if m.time == 12.0]
    assert len(made) == 1 and made[0].turn == Turn.CHILD_INITIATIVE.value
