"""Caseload scale: each page's script time and the store's read/write latency at 1×, 3× and 10×
a busy practitioner's year (see bench/synthetic.py), so growth with caseload size is visible.

Page times are whole AppTest runs (the page's script with the app around it: sidebar, lock
gate, the open case loaded), the same work a browser session's rerun does, without the
network and drawing. Each page is run once to warm caches, then RUNS times.

    .venv/bin/python bench/scale.py            # 1x, 3x, 10x
    .venv/bin/python bench/scale.py 1 3        # chosen scales only
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")  # AppTest outside a session warns on every import
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from streamlit.testing.v1 import AppTest  # noqa: E402

from synthetic import build  # noqa: E402
from vig_core.lock import OFFERED  # noqa: E402
from vig_core.store import CaseStore, SettingsStore  # noqa: E402

RUNS = 10
WRITES = 100
PAGES = ["caseload", "case", "consent", "conversation", "goals", "questionnaires", "recordings", "analysis",
         "clips", "review", "strengths", "outcomes", "ending", "timeline", "exports", "settings"]


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def page_times(root: Path, case_id: str) -> dict[str, list[float]]:
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
        for _ in range(RUNS):
            start = time.perf_counter()
            at.run()
            taken.append((time.perf_counter() - start) * 1000)
        assert not at.exception and not at.error, (page, at.exception, [e.value for e in at.error])
        times[page] = taken
    return times


def store_times(store: CaseStore, case_id: str) -> tuple[list[float], list[float]]:
    reads, writes = [], []
    for n in range(WRITES):
        start = time.perf_counter()
        store.load(case_id)
        reads.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        store.update(case_id, lambda c, n=n: setattr(c, "practitioner_notes", f"note {n}"))
        writes.append((time.perf_counter() - start) * 1000)
    return reads, writes


def main() -> None:
    scales = [float(s) for s in sys.argv[1:]] or [1.0, 3.0, 10.0]
    results = {}
    for scale in scales:
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder) / "data"
            start = time.perf_counter()
            counts = build(root, scale)
            made = time.perf_counter() - start
            store = CaseStore(root)
            case_id = store.caseload().cases[0].id
            print(f"{scale:g}x: {', '.join(f'{n:,} {what}' for what, n in counts.items())} (built in {made:.0f} s)",
                  flush=True)
            results[scale] = (page_times(root, case_id), *store_times(store, case_id))
    head = "".join(f"{f'{s:g}x median':>13}{f'{s:g}x p95':>10}" for s in scales)
    print(f"\n{'ms':<28}{head}")
    for name in [*PAGES, "store read (one case)", "store write (one case)"]:
        cells = []
        for scale in scales:
            pages, reads, writes = results[scale]
            values = pages.get(name) or (reads if name.startswith("store read") else writes)
            cells.append(f"{statistics.median(values):>13.1f}{p95(values):>10.1f}")
        print(f"{name:<28}{''.join(cells)}")


if __name__ == "__main__":
    main()
