"""Where a page's script run spends its time, at a chosen caseload scale: py-spy samples an
AppTest loop of the page (the script runs on AppTest's own thread, which in-thread
profilers such as pyinstrument do not see) and the functions under the app's ``main`` are
listed by the share of samples they appear in.

    .venv/bin/python bench/profile_page.py ending --scale 10 [--runs 30] [--top 30]

This is how the caseload (reading every case in full), the outcome charts (plotly's
template copied per chart) and the slow runs of BENCHMARKS.md were found.
"""

from __future__ import annotations

import argparse
import collections
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def loop(root: str, page: str, runs: int) -> None:
    """Run ``page`` ``runs`` times in AppTest with the first case open (what py-spy watches)."""
    from report import quiet_streamlit
    from streamlit.testing.v1 import AppTest

    from vig_core.services.lock import OFFERED
    from vig_core.storage.settings import SettingsStore
    from vig_core.storage.store import CaseStore

    quiet_streamlit()
    os.environ["VIG_DATA_DIR"] = root
    SettingsStore(root).set(OFFERED, True)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["case_id"] = CaseStore(Path(root)).case_ids()[0]
    at.run()
    at.switch_page(f"pages/{page}.py").run()
    started = time.perf_counter()
    for _ in range(runs):
        at.run()
    print(f"{page}: {(time.perf_counter() - started) / runs * 1000:.0f} ms a run (under py-spy)")


def shares(raw: Path, top: int) -> list[tuple[float, str]]:
    """Each frame under the app's ``main`` with the share of those samples it is on the stack in."""
    seen_in: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        start = next((n for n, f in enumerate(frames) if f.startswith("main (app.py")), None)
        if start is None:
            continue
        total += int(count)
        for frame in set(frames[start + 1:]):
            seen_in[frame] += int(count)
    return [(n / max(total, 1), frame) for frame, n in seen_in.most_common(top)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", help="a file name in pages/ without .py, e.g. ending")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--loop", help=argparse.SUPPRESS)  # the data root, when run under py-spy
    args = parser.parse_args()
    if args.loop:
        return loop(args.loop, args.page, args.runs)
    from synthetic import build

    with tempfile.TemporaryDirectory() as folder:
        root, raw = Path(folder) / "data", Path(folder) / "samples.txt"
        build(root, args.scale)
        subprocess.run([str(Path(sys.executable).with_name("py-spy")), "record", "--rate", "500", "--format", "raw",
                        "--output", str(raw), "--", sys.executable, __file__, args.page, "--runs", str(args.runs),
                        "--loop", str(root)], check=True)
        for share, frame in shares(raw, args.top):
            print(f"{share:6.1%}  {frame}")


if __name__ == "__main__":
    main()
