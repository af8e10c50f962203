"""How soon the workbook is usable in a real browser (issue 8, "Performance").

Two figures a practitioner feels, both measured in headless Chromium against a
real ``streamlit run app.py`` on a throwaway data root:

* **Caseload interactive**: from navigating to the caseload until the script
  has finished and every case row's *Open* button is drawn and enabled (what
  the practitioner can click), against an already-warm server, each run a new
  session: once in a new browser profile (nothing cached: Streamlit's 2.5 MB
  of scripts are fetched and compiled afresh) and once in a new tab of a
  browser that has opened the workbook before (the everyday case). The very
  first navigation after the server starts is given apart, as context,
  because it also pays for Python imports and the first reads.
  Measured on the demo caseload and, in the full run, on the synthetic 10x
  caseload of ``bench/synthetic.py`` (200 busy cases), where growth shows.
* **Clip first frame after play**: on the Shared review page of DEMO-1, with
  the first chosen clip loaded and paused, from the click on play to the first
  frame the video presents while playing (``requestVideoFrameCallback``); the
  click, the video's play event and the frame are all timed inside the
  player's iframe, on one clock. Two ways to press play are measured: the
  app's own *Play* button (what the review offers, also key K; a Streamlit
  rerun passes before the player is told to play) and a click on the picture
  (the video's own control; Chromium waits there to tell a click from a
  double-click, which is fullscreen). The play event splits each figure into
  the part before the video is told to play and the part the browser needs to
  fetch and show a frame. (The play button in the video's own control bar
  keeps its pointer events inside the browser's controls, so its click cannot
  be timed; its cost is the second part alone.)

    .venv/bin/python bench/first_view.py            # demo and 10x, 5 runs each (a few minutes)
    .venv/bin/python bench/first_view.py --quick    # one run each, demo only (a smoke run)
    .venv/bin/python bench/first_view.py --vault    # only the first frame, the demo data folder a vault (the full
                                                    # run gives it too; issue 23: films decrypted by the route)
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for folder in (ROOT, ROOT / "tests", ROOT / "bench"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from report import Row, median, p95, table  # noqa: E402

from browser.conftest import CHROMIUM, CHROMIUM_ARGS, answering, free_port, let_in  # noqa: E402
from conftest import skip_first_start  # noqa: E402
from vig_core.case.caseload import caseload_rows, page_of  # noqa: E402
from vig_core.services.demo import ensure_demo_cases  # noqa: E402
from vig_core.storage.store import CaseStore  # noqa: E402

RUNS = 5
CASELOAD_TARGET_S = 1.5
FIRST_FRAME_TARGET_S = 0.5
VIEWPORT = {"width": 1400, "height": 1000}
PLAYER = 'iframe[title="streamlit_player.streamlit_player"]'
SCREENSHOT = Path("/tmp/first_view.png")

# True (with the time since navigation start) once the script has finished and all
# `expected` Open buttons of the caseload are drawn and enabled. Polled every animation
# frame, so the time is exact to a frame and no Playwright round trip is counted.
CASELOAD_READY = """expected => {
    const app = document.querySelector('[data-test-script-state]');
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    const open = [...document.querySelectorAll('[data-testid="stMain"] button')]
        .filter(b => b.innerText.trim() === 'Open');
    const usable = b => !b.disabled && b.getClientRects().length > 0 && getComputedStyle(b).visibility !== 'hidden';
    return open.length === expected && open.every(usable) && performance.now();
}"""

# Run in the player's iframe before the click: note the click (in the page or on the
# video itself) and the first frame presented while playing, both on this frame's clock.
# A frame presented while still paused (a late poster frame) is skipped.
WATCH_FIRST_FRAME = """() => {
    const video = document.querySelector('video');
    const seen = window.__firstView = {click: null, play: null, frame: null};
    video.addEventListener('play', () => { seen.play = performance.now(); }, {once: true});
    const clicked = () => { if (seen.click === null) seen.click = performance.now(); };
    // pointerup, not click: the video's own controls keep their click to themselves.
    for (const win of [window, window.parent]) win.addEventListener('pointerup', clicked, {capture: true});
    if ('requestVideoFrameCallback' in video) {
        const onFrame = (now, meta) => {
            if (video.paused) { video.requestVideoFrameCallback(onFrame); return; }
            seen.frame = performance.now();
        };
        video.requestVideoFrameCallback(onFrame);
    } else {  // no frame callbacks: the first time update past the start while playing
        const onTime = () => {
            if (video.paused || video.currentTime <= 0) return;
            seen.frame = performance.now();
            video.removeEventListener('timeupdate', onTime);
        };
        video.addEventListener('timeupdate', onTime);
    }
}"""


_ROOTS: dict[str, Path] = {}  # base URL -> the data folder its server serves


def new_context(browser, base: str, **options):
    """A browser context let in to the workbook at ``base``, as the run command's link does."""
    context = browser.new_context(**options)
    let_in(context, base, _ROOTS[base])
    return context


@contextmanager
def workbook(root: Path, code: Path = ROOT) -> Iterator[str]:
    """``streamlit run app.py`` of the checkout ``code`` on ``root``, bound to 127.0.0.1; yields its
    base URL, always stops it."""
    skip_first_start(root)  # the passphrase offer would stand in front of every page
    port = free_port()
    log_path = root.parent / f"server-{root.name}.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true"],
            cwd=code, env={**os.environ, "VIG_DATA_DIR": str(root)}, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while not answering(base):
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the workbook server did not start:\n{log_path.read_text()}")
            time.sleep(0.3)
        _ROOTS[base] = root
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def caseload_seconds(context, base: str, expected: int) -> float:
    """One navigation to the caseload in a new tab of ``context``: seconds until it can be used."""
    page = context.new_page()
    try:
        page.goto(f"{base}/", wait_until="commit")
        try:
            ready = page.wait_for_function(CASELOAD_READY, arg=expected, polling="raf", timeout=60_000)
        except PlaywrightTimeoutError:
            shown = page.get_by_role("button", name="Open", exact=True).count()
            raise RuntimeError(f"the caseload never showed {expected} usable Open buttons ({shown} drawn)") from None
        return ready.json_value() / 1000
    finally:
        page.close()


def fresh_profile_seconds(browser, base: str, expected: int) -> float:
    """As a browser that has never opened the workbook: a new context, so no cached scripts."""
    context = new_context(browser, base, viewport=VIEWPORT)
    try:
        return caseload_seconds(context, base, expected)
    finally:
        context.close()


def rows_drawn(root: Path) -> tuple[int, int]:
    """(cases listed, rows drawn): the caseload draws one page of rows at a time."""
    cases = len(caseload_rows(CaseStore(root).caseload().cases, date.today()))
    _, first, last = page_of(cases, 1)
    return cases, last - first


def caseload_figures(root: Path, label: str, browser, base: str, runs: int) -> list[Row]:
    """The caseload figures for the data root that the just started server at ``base`` serves:
    in a browser profile opening the workbook for the first time, and in a new tab of a browser
    that has opened it before (its HTTP cache holds Streamlit's scripts: the everyday case)."""
    cases, expected = rows_drawn(root)
    cold = fresh_profile_seconds(browser, base, expected)  # also the warm-up of the runs below
    fresh = [fresh_profile_seconds(browser, base, expected) for _ in range(runs)]
    used = new_context(browser, base, viewport=VIEWPORT)
    try:
        caseload_seconds(used, base, expected)  # fills its cache
        cached = [caseload_seconds(used, base, expected) for _ in range(runs)]
    finally:
        used.close()
    what = f"Caseload interactive, {label} ({cases} cases, {expected} rows drawn), warm server, {runs} runs"
    return [Row(f"Caseload interactive, {label}: first navigation after server start (context)", f"{cold:.2f} s"),
            *(Row(f"{what}, {how}", f"median {median(times):.2f} s, p95 {p95(times):.2f} s, max {max(times):.2f} s",
                  f"p95 under {CASELOAD_TARGET_S} s", p95(times) < CASELOAD_TARGET_S)
              for how, times in (("new browser profile", fresh), ("new tab of a browser used before", cached)))]


def open_review(browser, base: str, case_id: str):
    """A fresh session on DEMO-1's Shared review, settled with the first clip loaded and paused;
    returns the browser context (the caller closes it), the page and the video."""
    context = new_context(browser, base, viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.set_default_timeout(60_000)  # the first visit waits for the clips to be cut
        page.goto(f"{base}/review?case={case_id}")
        frame = page.frame_locator(PLAYER)
        video = frame.locator("video")
        # The clip's own file (cut in the background on the first visit), with its first frame decoded.
        frame.locator('video[src*="/clip.mp4"]').wait_for(state="visible")
        video.evaluate("""v => new Promise(done => {
            const check = () => v.readyState >= 2 ? done() : setTimeout(check, 20);
            check();
        })""")
        page.wait_for_selector('[data-test-script-state="notRunning"]', state="attached")
        page.wait_for_timeout(500)  # let the player's first events and their reruns pass
        page.wait_for_selector('[data-test-script-state="notRunning"]', state="attached")
        assert video.evaluate("v => v.paused"), "the clip should start paused"
        return context, page, video
    except BaseException:
        context.close()
        raise


@dataclass(frozen=True)
class FirstFrame:
    """One press of play, in seconds: the whole wait and its two parts."""
    total: float  # click to the first frame presented
    to_play: float  # click to the video's play event (for the app's button: the rerun that tells the player)
    to_frame: float  # play event to the first frame (the browser fetching and decoding)


def first_frame(browser, base: str, case_id: str, how: str, screenshot: Path | None = None) -> FirstFrame:
    """Press play in a freshly loaded Shared review (``how``: "app" for the app's Play button,
    "video" for a click on the picture) and time the first frame presented."""
    context, page, video = open_review(browser, base, case_id)
    try:
        video.evaluate(f"v => ({WATCH_FIRST_FRAME})()")
        if how == "app":
            page.get_by_role("button", name="Play Shortcut K", exact=True).click()
        else:
            video.click()  # the centre of the picture: Chromium's controls play on a click there
        video.evaluate("""() => new Promise((done, fail) => {
            const started = performance.now();
            const check = () => window.__firstView.frame !== null ? done()
                : performance.now() - started > 30000 ? fail(new Error('no frame within 30 s of the click'))
                : setTimeout(check, 5);
            check();
        })""")
        if screenshot is not None:
            page.screenshot(path=screenshot)
        seen = video.evaluate("() => window.__firstView")
        assert seen["click"] is not None and seen["play"] is not None, f"click or play not seen: {seen}"
        return FirstFrame((seen["frame"] - seen["click"]) / 1000, (seen["play"] - seen["click"]) / 1000,
                          (seen["frame"] - seen["play"]) / 1000)
    finally:
        context.close()


def first_frame_figures(browser, base: str, case_id: str, runs: int, screenshot: Path | None) -> list[Row]:
    """The first-frame figures on DEMO-1's first chosen clip, each run in a freshly loaded page."""
    context, _, _ = open_review(browser, base, case_id)  # the warm-up: cuts the clips, warms the page
    context.close()
    rows = []
    for how, what in (("app", "the app's Play button (K)"), ("video", "a click on the picture (the video's own)")):
        presses = [first_frame(browser, base, case_id, how, screenshot if how == "app" and n == 0 else None)
                   for n in range(runs)]
        times = [p.total for p in presses]
        rows.append(Row(f"Clip first frame after play, {what}, DEMO-1 clip 1, fresh page each, {runs} runs",
                        f"median {median(times):.2f} s, max {max(times):.2f} s (click to play event "
                        f"{median([p.to_play for p in presses]):.2f} s, play event to frame "
                        f"{median([p.to_frame for p in presses]):.2f} s, medians)",
                        f"max under {FIRST_FRAME_TARGET_S} s", max(times) < FIRST_FRAME_TARGET_S))
    return rows


VAULT_PASSPHRASE = "a bench passphrase, long enough"


def unlocked(browser, base: str) -> None:
    """Unlock the vault of the workbook at ``base`` once (the lock is the server's, for every tab)."""
    context = new_context(browser, base, viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.goto(base)
        page.get_by_label("Passphrase", exact=True).fill(VAULT_PASSPHRASE)
        page.get_by_role("button", name="Unlock").click()
        page.get_by_text("Caseload").first.wait_for()
    finally:
        context.close()


def vault_first_frame(browser, runs: int, screenshot: Path | None) -> list[Row]:
    """The first-frame figures with the demo data folder made a vault (its films chunk-encrypted)."""
    from vig_core.services import vault

    with tempfile.TemporaryDirectory(prefix="vig-first-view-vault-") as folder:
        root = Path(folder) / "data"
        case_id = ensure_demo_cases(CaseStore(root))
        vault.create_vault(root, VAULT_PASSPHRASE)
        vault.lock(root)
        with workbook(root) as base:
            unlocked(browser, base)
            rows = first_frame_figures(browser, base, case_id, runs, screenshot)
    return [Row(f"{row.what}, on a vault", row.figure, row.target, row.met) for row in rows]


def measure(quick: bool = False, *, runs: int | None = None, screenshot: Path | None = None) -> list[Row]:
    """Every figure; ``quick``: one run each, demo caseload only (a smoke run, not figures to report)."""
    runs = runs or (1 if quick else RUNS)
    rows: list[Row] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            with tempfile.TemporaryDirectory(prefix="vig-first-view-") as folder:
                root = Path(folder) / "data"
                case_id = ensure_demo_cases(CaseStore(root))
                with workbook(root) as base:
                    rows += caseload_figures(root, "demo", browser, base, runs)
                    rows += first_frame_figures(browser, base, case_id, runs, screenshot)
            if not quick:
                rows += vault_first_frame(browser, runs, None)  # the same first frame, the demo folder a vault
                from synthetic import build  # only the full run needs it

                with tempfile.TemporaryDirectory(prefix="vig-first-view-10x-") as folder:
                    root = Path(folder) / "data"
                    build(root, 10)
                    with workbook(root) as base:
                        rows += caseload_figures(root, "10x", browser, base, runs)
        finally:
            browser.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one run each, demo caseload only")
    parser.add_argument("--runs", type=int, help=f"runs per figure (default {RUNS}, quick 1)")
    parser.add_argument("--screenshot", type=Path, default=None,
                        help=f"save the page at the first frame after Play (e.g. {SCREENSHOT})")
    parser.add_argument("--vault", action="store_true", help="only the first frame, on a vault")
    args = parser.parse_args()
    if args.vault:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                print(table(vault_first_frame(browser, args.runs or RUNS, args.screenshot)))
            finally:
                browser.close()
        return
    print(table(measure(args.quick, runs=args.runs, screenshot=args.screenshot)))


if __name__ == "__main__":
    main()
