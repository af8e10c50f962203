"""Server memory while a large recording is read through the app's media route.

Starts the real workbook (``streamlit run app.py``) on a throwaway data root,
puts a large file in place of the demo film, opens the Micro-analysis page in
headless Chromium to get the player's tokenised URL, then reads the whole file
with sequential HTTP Range requests (as a player does) while sampling the
server's resident memory. Prints idle and peak memory and the difference.

    .venv/bin/python bench/media_memory.py [--size-mb 1024] [--chunk-mb 4]
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
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from browser.conftest import CHROMIUM, CHROMIUM_ARGS, free_port  # noqa: E402
from vig_core.demo import ensure_demo_case  # noqa: E402
from vig_core.store import CaseStore  # noqa: E402


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--chunk-mb", type=int, default=4)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as root:
        store = CaseStore(Path(root))
        case_id = ensure_demo_case(store)
        film = store.media_path(case_id, store.load(case_id).recordings[0].playable)
        with open(film, "r+b") as handle:  # a large (sparse) file: the route does not care what is in it
            handle.truncate(args.size_mb * 1024 * 1024)
        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)],
                                  cwd=ROOT, env={**os.environ, "VIG_DATA_DIR": root},
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(200):
                try:
                    urllib.request.urlopen(f"{base}/_stcore/health", timeout=1)
                    break
                except OSError:
                    time.sleep(0.3)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page()
                page.goto(f"{base}/analysis?case={case_id}")
                page.wait_for_selector('iframe[title="streamlit_player.streamlit_player"]', timeout=60_000)
                html = page.frame_locator("iframe").first.locator("video").first.get_attribute("src", timeout=60_000)
                browser.close()
            url = base + re.sub(r"^https?://[^/]+", "", html)
            time.sleep(2)
            idle = rss_mb(server.pid)
            peak, stop = [idle], threading.Event()

            def sample() -> None:
                while not stop.is_set():
                    peak.append(rss_mb(server.pid))
                    time.sleep(0.1)

            sampler = threading.Thread(target=sample)
            sampler.start()
            size, chunk, got, started = args.size_mb * 1024 * 1024, args.chunk_mb * 1024 * 1024, 0, time.time()
            while got < size:
                request = urllib.request.Request(url, headers={"Range": f"bytes={got}-{min(size, got + chunk) - 1}"})
                with urllib.request.urlopen(request) as answer:
                    assert answer.status == 206
                    got += len(answer.read())
            seconds = time.time() - started
            stop.set()
            sampler.join()
        finally:
            server.terminate()
            server.wait(timeout=20)
    print(f"| file | {args.size_mb} MB read in {args.chunk_mb} MB ranges in {seconds:.1f} s |")
    print(f"| server memory idle | {idle:.0f} MB |")
    print(f"| server memory peak while reading | {max(peak):.0f} MB |")
    print(f"| peak minus idle (target: under 100 MB) | {max(peak) - idle:.0f} MB |")


if __name__ == "__main__":
    main()
