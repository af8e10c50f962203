"""Caseload scale: each page's script time and the store's read/write latency at 1×, 3× and 10×
a busy practitioner's year (see bench/synthetic.py), so growth with caseload size is visible.

Page times are whole AppTest runs (the page's script with the app around it: sidebar, lock
gate, the open case loaded), the same work a browser session's rerun does, without the
network and drawing. Each page is run once to warm caches, then RUNS times. The open case
is the first by id; all synthetic cases are alike in size.

    .venv/bin/python bench/scale.py            # 1x, 3x, 10x
    .venv/bin/python bench/scale.py 1 3        # chosen scales only
    .venv/bin/python bench/scale.py --quick    # a fifth of a year, 2 runs: proves it runs
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from report import Row, median, p95, quiet_streamlit, table  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402
from synthetic import build  # noqa: E402

from vig_core.services.lock import OFFERED  # noqa: E402
from vig_core.storage.settings import SettingsStore  # noqa: E402
from vig_core.storage.store import CaseStore  # noqa: E402

quiet_streamlit()

RUNS = 20  # nearest-rank p95 of 20 is the second slowest
WRITES = 100
PAGE_TARGET_MS, WRITE_TARGET_MS = 150, 20  # p95 at the largest scale
PAGES = ["caseload", "case", "consent", "conversation", "goals", "questionnaires", "recordings", "analysis",
         "clips", "review", "strengths", "outcomes", "ending", "timeline", "exports", "settings"]


def page_times(root: Path, case_id: str, runs: int) -> dict[str, list[float]]:
    os.environ["VIG_DATA_DIR"] = str(root)
    SettingsStore(root).set(OFFERED, True)
    times: dict[str, list[float]] = {}
    for page in PAGES:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.session_state["case_id"] = case_id
        at.run()
        at.switch_page(f"pages/{page}.py").run()  # the warm-up run
        assert not at.exception, (page, at.exception)
        taken = []
        for _ in range(runs):
            start = time.perf_counter()
            at.run()
            taken.append((time.perf_counter() - start) * 1000)
        assert not at.exception and not at.error, (page, at.exception, [e.value for e in at.error])
        times[page] = taken
    return times


def store_times(store: CaseStore, case_id: str, writes_made: int) -> tuple[list[float], list[float]]:
    reads, writes = [], []
    for n in range(writes_made):
        start = time.perf_counter()
        store.load(case_id)
        reads.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        store.update(case_id, lambda c, n=n: setattr(c, "practitioner_notes", f"note {n}"))
        writes.append((time.perf_counter() - start) * 1000)
    return reads, writes


def one_scale(scale: float, runs: int, writes: int) -> dict[str, list[float]]:
    """Build a data folder at ``scale`` and time every page and the store on it."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "data"
        start = time.perf_counter()
        counts = build(root, scale)
        made = time.perf_counter() - start
        store = CaseStore(root)
        case_id = store.case_ids()[0]
        print(f"{scale:g}x: {', '.join(f'{n:,} {what}' for what, n in counts.items())} (built in {made:.0f} s)",
              file=sys.stderr, flush=True)
        pages = page_times(root, case_id, runs)
        reads, writes_taken = store_times(store, case_id, writes)
        return {**pages, "store read (one case)": reads, "store write (one case)": writes_taken}


def measure(quick: bool = False, scales: list[float] | None = None) -> list[Row]:
    """One row per page and per store operation: median and p95 at the largest scale, with the
    smaller scales' figures beside it to show the growth; the target applies to the largest."""
    scales = [0.2] if quick else (scales or [1.0, 3.0, 10.0])
    runs, writes = (2, 5) if quick else (RUNS, WRITES)
    results = {}
    for scale in scales:  # each in a process of its own, as a server serves one data folder
        done = subprocess.run([sys.executable, __file__, "--one", str(scale), "--runs", str(runs),
                               "--writes", str(writes)], stdout=subprocess.PIPE, text=True, check=True)
        results[scale] = json.loads(done.stdout)
    largest = scales[-1]
    rows = []
    for name, taken in results[largest].items():
        smaller = ", ".join(f"{s:g}×: {median(results[s][name]):.0f}/{p95(results[s][name]):.0f}" for s in scales[:-1])
        figure = f"{median(taken):.0f} / {p95(taken):.0f} ms" + (f" ({smaller})" if smaller else "")
        target_ms = WRITE_TARGET_MS if name.startswith("store write") else \
            None if name.startswith("store read") else PAGE_TARGET_MS
        what = name if name.startswith("store") else f"page {name}, script run"
        rows.append(Row(f"{what} at {largest:g}×, median / p95", figure,
                        f"p95 under {target_ms} ms" if target_ms else "",
                        p95(taken) < target_ms if target_ms else None))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scales", nargs="*", type=float, help="multiples of a busy year (default 1 3 10)")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--one", type=float, help=argparse.SUPPRESS)  # one scale, as JSON (what measure runs)
    parser.add_argument("--runs", type=int, default=RUNS, help=argparse.SUPPRESS)
    parser.add_argument("--writes", type=int, default=WRITES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_scale(args.one, args.runs, args.writes)))
    else:
        print(table(measure(args.quick, args.scales or None)))


if __name__ == "__main__":
    main()
