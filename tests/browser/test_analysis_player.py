"""The analysis player in a real browser, on a bare page holding only it (analysis_player_page.py):
keys after a click on the picture, exact frame steps, marks less the reaction offset, seeking
from the timeline without loading the film again, zooming, hovering, accepting a suggestion."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from browser.helpers import answering, free_port, settle
from conftest import ROOT
from media_fixtures import ffmpeg

pytestmark = pytest.mark.browser

FPS = 25


def make_film(path: Path, size: str) -> Path:
    ffmpeg("-f", "lavfi", "-i", f"testsrc2=size={size}:rate={FPS}:duration=30", "-f", "lavfi", "-i",
           "sine=frequency=440:duration=30", "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
           "-g", "25", "-c:a", "aac", "-movflags", "+faststart", "-shortest", str(path))
    return path


@pytest.fixture(scope="module")
def films(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("player")
    return {"wide": make_film(folder / "wide.mp4", "320x240"), "portrait": make_film(folder / "tall.mp4", "180x320")}


@contextmanager
def serving(film: Path, data_dir: Path) -> Iterator[str]:
    """``streamlit run`` of the bare page playing ``film``; its base URL."""
    port = free_port()
    log = data_dir.parent / "player-page.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "tests/browser/analysis_player_page.py", "--server.port",
             str(port), "--server.headless", "true"],
            cwd=ROOT, env={**os.environ, "VIG_TEST_FILM": str(film), "VIG_DATA_DIR": str(data_dir)},
            stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while not answering(base):
            assert proc.poll() is None and time.time() < deadline, log.read_text()
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture
def player_page(films: dict[str, Path], data_dir: Path) -> Iterator[str]:
    with serving(films["wide"], data_dir) as base:
        yield base


def now(page: Page) -> float:
    return page.evaluate("document.querySelector('video.vig-ap-picture').currentTime")


def reported(page: Page) -> dict:
    return json.loads(page.locator(".st-key-player-log").inner_text())


def timeline_point(page: Page, seconds: float, y: float) -> tuple[float, float]:
    """Where on screen the timeline shows ``seconds`` (in its view now), ``y`` pixels down."""
    view = page.locator("canvas.vig-ap-canvas")
    view.scroll_into_view_if_needed()
    box = view.bounding_box()
    start, span = float(view.get_attribute("data-view-start")), float(view.get_attribute("data-view-span"))
    return box["x"] + (seconds - start) / span * box["width"], box["y"] + y


def open_player(page: Page, base: str) -> None:
    page.goto(base)
    settle(page)
    page.wait_for_function("document.querySelector('video.vig-ap-picture')?.readyState >= 1")
    # Every load of the film from now on is counted: there must be none.
    page.evaluate("""() => { const v = document.querySelector('video.vig-ap-picture');
        window.__film = v; window.__loads = 0; v.addEventListener('loadstart', () => { window.__loads += 1; }); }""")


def same_film_element(page: Page) -> bool:
    return page.evaluate("document.querySelector('video.vig-ap-picture') === window.__film && window.__loads === 0")


def test_keys_after_a_click_on_the_picture_step_exact_frames_and_mark(player_page: str, page: Page) -> None:
    open_player(page, player_page)
    page.locator("video.vig-ap-picture").click()  # plays (the picture is the play button)
    expect(page.locator(".vig-ap-play")).to_have_text("❚❚ Pause")
    page.keyboard.press("k")
    expect(page.locator(".vig-ap-play")).to_have_text("▶ Play")
    page.keyboard.press("l")
    page.keyboard.press("l")
    page.keyboard.press("j")
    start = now(page)
    frame = int(start * FPS + 1e-3)
    for _ in range(5):
        page.keyboard.press(".")  # as fast as the keyboard sends them
    assert now(page) == pytest.approx((frame + 5) / FPS, abs=1e-6)
    for _ in range(2):
        page.keyboard.press(",")
    assert now(page) == pytest.approx((frame + 3) / FPS, abs=1e-6)
    page.get_by_role("button", name="Half speed").click()
    assert page.evaluate("document.querySelector('video.vig-ap-picture').playbackRate") == 0.5
    page.keyboard.press("m")  # a button has the focus, not a text box: the key still marks
    expect(page.locator(".st-key-player-log")).to_contain_text('"marks": [{')
    (entry,) = [e for e in reported(page)["log"] if e["marks"]]
    (mark,) = entry["marks"]
    assert mark["player_time"] == pytest.approx((frame + 3) / FPS, abs=1e-3)
    expected = int(((frame + 3) / FPS - 0.5) * FPS + 1e-3) / FPS  # half a second earlier, on its frame
    assert mark["time"] == pytest.approx(expected, abs=1e-6)
    assert pytest.approx(expected, abs=1e-6) in reported(page)["moments"]  # a moment on the timeline at once
    page.get_by_role("textbox", name="Note").click()
    before = now(page)
    page.keyboard.type("k.,m")  # typed into the box, not taken by the player
    assert now(page) == before
    assert page.get_by_role("textbox", name="Note").input_value() == "k.,m"
    assert page.evaluate("document.querySelector('video.vig-ap-picture').paused")
    assert same_film_element(page)


def test_the_timeline_seeks_without_loading_the_film_again_and_zooms(player_page: str, page: Page) -> None:
    open_player(page, player_page)
    page.mouse.click(*timeline_point(page, 22.5, 38))  # on the sound lane
    page.wait_for_function("Math.abs(document.querySelector('video.vig-ap-picture').currentTime - 22.5) < 0.05")
    settle(page)  # the time reported, the page run again: still the same element, the film not loaded again
    expect(page.locator(".st-key-player-log")).to_contain_text('"time": 22.5')
    assert same_film_element(page)
    canvas = page.locator("canvas.vig-ap-canvas")
    assert float(canvas.get_attribute("data-view-span")) == 30
    page.get_by_role("button", name="Zoom in (Ctrl + wheel over the timeline)").click()
    expect(canvas).to_have_attribute("data-view-span", "15")
    start = float(canvas.get_attribute("data-view-start"))
    assert start <= 22.5 <= start + 15  # around the playhead
    page.mouse.move(*timeline_point(page, 20, 38))
    page.keyboard.down("Control")
    page.mouse.wheel(0, -400)  # zooms in further, down to 10 seconds and no further
    page.keyboard.up("Control")
    expect(canvas).to_have_attribute("data-view-span", "10")
    page.mouse.click(*timeline_point(page, 21.0, 38))
    page.wait_for_function("Math.abs(document.querySelector('video.vig-ap-picture').currentTime - 21) < 0.05")
    zoomed_at = float(canvas.get_attribute("data-view-start"))
    page.get_by_role("button", name="Move the timeline back").click()
    page.wait_for_function(
        f"Number(document.querySelector('canvas.vig-ap-canvas').dataset.viewStart) < {zoomed_at - 7}")
    page.get_by_role("button", name="Show the whole film").click()
    expect(canvas).to_have_attribute("data-view-span", "30")
    page.mouse.move(*timeline_point(page, 1.0, 70))  # over the first moment's marker
    expect(page.locator(".vig-ap-tip")).to_contain_text("0:01.00")
    expect(page.locator(".vig-ap-tip")).to_contain_text("Looking, child")
    page.get_by_role("button", name="Go to 2 s").click()  # a seek asked by the page
    page.wait_for_function("Math.abs(document.querySelector('video.vig-ap-picture').currentTime - 2) < 0.01")
    settle(page)
    assert same_film_element(page)


def test_a_button_of_the_page_sees_the_players_time_now_not_its_last_report(player_page: str, page: Page) -> None:
    """While the film plays the player reports its time only every few seconds; a press on one of
    the page's buttons (Mark moment, In/Out = player time) reports it first."""
    open_player(page, player_page)
    page.evaluate("""() => new Promise((done) => {
        const v = document.querySelector('video.vig-ap-picture');
        v.addEventListener('seeked', () => {
            clearTimeout(window.__vigAnalysisPlayers.get('player').reportTimer);  // as if playing: not yet reported
            done();
        }, {once: true});
        v.currentTime = 12.0;
    })""")
    page.get_by_role("button", name="Player time").click()
    expect(page.locator(".st-key-player-log")).to_contain_text(re.compile(r'"time_at_press": 12(\.0)?,'))
    assert same_film_element(page)


def test_a_suggestion_clicked_on_the_timeline_can_be_accepted(player_page: str, page: Page) -> None:
    open_player(page, player_page)
    page.mouse.click(*timeline_point(page, 6.0, 107))  # the suggestion 5–7 s, in its lane
    expect(page.locator(".vig-ap-suggestion")).to_contain_text("Suggested 0:05.00–0:07.00: 3 turns")
    page.wait_for_function("Math.abs(document.querySelector('video.vig-ap-picture').currentTime - 5) < 0.01")
    page.locator(".vig-ap-suggestion").get_by_role("button", name="Make this suggestion a moment").click()
    expect(page.locator(".st-key-player-log")).to_contain_text('"action": "accept"')
    assert 5.0 in reported(page)["moments"]
    expect(page.locator(".vig-ap-suggestion")).to_be_hidden()
    assert same_film_element(page)


def test_a_portrait_film_fills_the_height_it_is_given(films: dict[str, Path], data_dir: Path, page: Page) -> None:
    with serving(films["portrait"], data_dir) as base:
        open_player(page, base)
        picture = page.evaluate("""() => { const v = document.querySelector('video.vig-ap-picture');
            const box = v.getBoundingClientRect();
            const rem = parseFloat(getComputedStyle(document.documentElement).fontSize);
            return { height: box.height, width: box.width, limit: innerHeight - 22 * rem,
                     shown: box.height * v.videoWidth / v.videoHeight }; }""")
        assert picture["height"] == pytest.approx(picture["limit"], abs=2)  # the whole height it may take
        assert picture["shown"] > 0.5 * picture["height"]  # the picture is as tall, not a narrow strip
