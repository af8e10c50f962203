"""Server memory while a large recording is played through the app's media route, and the same
file handed to ``st.video``, in the same run.

1. The real workbook (``streamlit run app.py``) on a throwaway data root, with a large file in
   place of the demo film. Headless Chromium opens the Micro-analysis page, which gives the
   player its tokenised URL; then the whole file is read with sequential HTTP Range requests,
   as a player does, while the server's resident memory is sampled.
2. A two-line Streamlit script, ``st.video(path)``, on the same file: the page is opened the
   same way (which is when Streamlit takes the file in) and the file read the same way.

Memory is the server's RSS. "Idle" is after a warm-up: the workbook's page opened once (so its
modules are loaded) and closed, the ``st.video`` script opened once without the film. "Peak" is
the highest sample while the page is opened again and the file read. The file is sparse, so making it
costs nothing, and neither server cares what is in it.

    .venv/bin/python bench/media_memory.py [--size-mb 1024] [--chunk-mb 4] [--quick]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from report import Row, table  # noqa: E402

from browser.conftest import CHROMIUM, CHROMIUM_ARGS, free_port  # noqa: E402
from conftest import skip_first_start  # noqa: E402
from vig_core.services.demo import ensure_demo_case  # noqa: E402
from vig_core.storage.store import CaseStore  # noqa: E402
from vig_core.web.access import cookie_name, new_session_cookie  # noqa: E402

TARGET_MB = 100
PLAYER = "video.vig-ap-picture"  # the analysis player's picture, in the page itself
# Shows the film only when asked, so its server can be warmed up without it, like the workbook's.
ST_VIDEO_SCRIPT = "import streamlit as st\nif 'play' in st.query_params:\n    st.video({path!r})\n"


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Sampler:
    """The process's highest RSS, sampled every 50 ms on a thread while in the ``with`` block."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, rss_mb(pid), threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_mb(self.pid))
            time.sleep(0.05)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *_) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mb(self.pid))


def start_server(script: str, data_root: Path) -> tuple[subprocess.Popen, str, str]:
    """Start ``streamlit run script``; return the process, its base URL and the session cookie
    the workbook lets in (as if the run command's link had been opened)."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port)],
                              cwd=ROOT, env={**os.environ, "VIG_DATA_DIR": str(data_root)},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    cookie = f"{cookie_name(port)}={new_session_cookie(data_root)}"
    for _ in range(300):
        try:
            urllib.request.urlopen(f"{base}/_stcore/health", timeout=1)
            return server, base, cookie
        except urllib.error.HTTPError:  # the workbook's refusal without the cookie: it is up
            return server, base, cookie
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError(f"{script} did not start")


def open_page(url: str, cookie: str, find: Callable | None = None) -> str:
    """Open ``url`` in headless Chromium until the app has run; return the src of the video that
    ``find(page)`` locates (if given)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            name, value = cookie.split("=", 1)
            context.add_cookies([{"name": name, "value": value, "url": url}])
            page = context.new_page()
            page.goto(url)
            if find is None:
                page.wait_for_selector('[data-test-script-state="notRunning"]', timeout=120_000)
                return ""
            return find(page).get_attribute("src", timeout=120_000)
        finally:
            browser.close()


def read_all(url: str, size: int, chunk: int, cookie: str) -> float:
    """Read ``size`` bytes of ``url`` in ``chunk``-byte Range requests; return the seconds taken."""
    started, got = time.perf_counter(), 0
    while got < size:
        request = urllib.request.Request(url, headers={"Range": f"bytes={got}-{min(size, got + chunk) - 1}",
                                                       "Cookie": cookie})
        with urllib.request.urlopen(request) as answer:
            if answer.status != 206:
                raise RuntimeError(f"expected 206 Partial Content, got {answer.status}")
            got += len(answer.read())
    return time.perf_counter() - started


def play_through(script: str, data_root: Path, warm_up_url: str, page_url: str, find: Callable, size: int,
                 chunk: int) -> tuple[float, float, float]:
    """Idle RSS (after the warm-up page), peak RSS (page opened and file read) and read seconds."""
    server, base, cookie = start_server(script, data_root)
    try:
        open_page(base + warm_up_url, cookie)
        time.sleep(3)
        idle = rss_mb(server.pid)
        with Sampler(server.pid) as sampler:
            src = open_page(base + page_url, cookie, find)
            seconds = read_all(base + re.sub(r"^https?://[^/]+", "", src), size, chunk, cookie)
        return idle, sampler.peak, seconds
    finally:
        server.terminate()
        server.wait(timeout=30)


def measure(quick: bool = False, size_mb: int = 1024, chunk_mb: int = 4) -> list[Row]:
    size_mb = 32 if quick else size_mb
    size, chunk = size_mb * 1024 * 1024, chunk_mb * 1024 * 1024
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "data"
        store = CaseStore(root)
        case_id = ensure_demo_case(store)
        skip_first_start(root)
        film = store.media_path(case_id, store.load(case_id).recordings[0].playable)
        with open(film, "r+b") as handle:  # a large sparse file: neither server reads what is in it
            handle.truncate(size)
        analysis = f"/analysis?case={case_id}"
        app = play_through("app.py", root, analysis, analysis,
                           lambda page: page.locator(PLAYER).first, size, chunk)
        plain = Path(folder) / "st_video.py"
        plain.write_text(ST_VIDEO_SCRIPT.format(path=str(film)))
        st_video = play_through(str(plain), root, "/", "/?play=1", lambda page: page.locator("video").first,
                                size, chunk)
    app_growth, st_growth = app[1] - app[0], st_video[1] - st_video[0]
    return [
        Row(f"memory playing a {size_mb} MB film through the workbook's route ({chunk_mb} MB ranges)",
            f"+{app_growth:.0f} MB (idle {app[0]:.0f}, peak {app[1]:.0f}; read in {app[2]:.1f} s)",
            f"within {TARGET_MB} MB of idle", app_growth <= TARGET_MB),
        Row("the same film through st.video, for comparison",
            f"+{st_growth:.0f} MB (idle {st_video[0]:.0f}, peak {st_video[1]:.0f}; read in {st_video[2]:.1f} s)"),
        Row("st.video's growth ÷ the route's", f"{st_growth / max(app_growth, 1):.0f}×"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--chunk-mb", type=int, default=4)
    parser.add_argument("--quick", action="store_true", help="a 32 MB file: proves the bench runs")
    args = parser.parse_args()
    print(table(measure(args.quick, args.size_mb, args.chunk_mb)))


if __name__ == "__main__":
    main()
