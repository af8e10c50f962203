"""A real workbook server on a free loopback port, driven by Debian's Chromium."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from browser.helpers import ARTIFACTS, answering, free_port, let_in
from conftest import ROOT, skip_first_start

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture
def admitted(data_dir: Path) -> dict[str, list]:
    """This test's servers and browser contexts: every context is let in to every server."""
    return {"bases": [], "contexts": []}


@pytest.fixture
def new_context(browser: Browser, admitted: dict[str, list], data_dir: Path) -> Callable[..., BrowserContext]:
    """``browser.new_context`` for a browser the practitioner opened with the run command's link."""

    def make(**options) -> BrowserContext:
        context = browser.new_context(**options)
        admitted["contexts"].append(context)
        for base in admitted["bases"]:
            let_in(context, base, data_dir)
        return context

    return make


@pytest.fixture
def server_factory(data_dir: Path, admitted: dict[str, list]) -> Iterator[Callable[[], str]]:
    """Start (or restart) ``streamlit run app.py`` on the test's data root; return its base URL.
    The first-start passphrase offer is answered "not now" unless a test answers it itself."""
    running: list[subprocess.Popen] = []
    log_path = data_dir.parent / "server.log"

    def stop() -> None:
        while running:
            proc = running.pop()
            proc.terminate()
            proc.wait(timeout=20)

    def start(first_start: bool = False, audit: Path | None = None) -> str:
        """``audit``: a file where every host name looked up and every connection leaving the
        machine is noted (see outbound_audit.py)."""
        stop()
        if not first_start:
            skip_first_start(data_dir)
        port = free_port()
        streamlit = [str(Path(__file__).with_name("outbound_audit.py")), str(audit)] if audit else ["-m", "streamlit"]
        with open(log_path, "a") as log:
            proc = subprocess.Popen(
                [sys.executable, *streamlit, "run", "app.py", "--server.port", str(port)],
                cwd=ROOT, env={"VIG_FILM_PLACES": str(data_dir.parent / "no-films"),  # not this machine's folders
                             **os.environ, "VIG_DATA_DIR": str(data_dir)}, stdout=log, stderr=subprocess.STDOUT,
            )
        running.append(proc)
        base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 60
        while time.time() < deadline:
            if answering(base):
                admitted["bases"].append(base)
                for context in admitted["contexts"]:
                    let_in(context, base, data_dir)
                return base
            assert proc.poll() is None, log_path.read_text()
            time.sleep(0.3)
        pytest.fail("the workbook server did not start")

    yield start
    stop()


@pytest.fixture
def server(server_factory: Callable[[], str]) -> str:
    return server_factory()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: run the tests with 'python3 dev.py test'")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(new_context: Callable[..., BrowserContext], request: pytest.FixtureRequest) -> Iterator[Page]:
    context = new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(20_000)
    # expect's own wait (5 s by default) is not the page's: on a loaded 2-core CI machine a chain of reruns
    # (five frame steps, each drawing the moment's still) has taken longer than 5 s to show its last state.
    expect.set_options(timeout=15_000)
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{request.node.name}-last.png", full_page=True)
    context.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The benchmark smoke tests drive Playwright themselves, which cannot start while this
    session's browser (the ``browser`` fixture) runs in the same thread: run them first."""
    items.sort(key=lambda item: "test_bench_" not in item.nodeid)
