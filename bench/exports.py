"""Figures for the exports: each format of DEMO-2 (the case at its ending: 3 cycles' words,
questionnaires, goal ratings) and DEMO-1's supervision pack, plus ELAN at a busy film's scale
(500 moments), written into a throwaway folder.

    .venv/bin/python bench/exports.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from vig_core.demo import ensure_demo_cases  # noqa: E402
from vig_core.exports.elan import recording_eaf  # noqa: E402
from vig_core.exports.elan_import import plan_import, read_eaf  # noqa: E402
from vig_core.exports.save import Format, export  # noqa: E402
from vig_core.film import Turn  # noqa: E402
from vig_core.principles import load_principles  # noqa: E402
from vig_core.store import CaseStore  # noqa: E402

RUNS = 5


def timed(work) -> tuple[float, object]:
    start = time.perf_counter()
    result = work()
    return (time.perf_counter() - start) * 1000, result


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "data"
        store = CaseStore(root)
        ensure_demo_cases(store)
        print(f"{'what':<58} {'median ms':>10} {'size':>10}")
        for fmt in Format:
            case_id = "demo" if fmt is Format.SUPERVISION else "demo-ending"
            taken, size = [], 0
            for run in range(RUNS if fmt is not Format.SUPERVISION else 3):
                out = Path(folder) / f"{fmt.value}-{run}"
                out.mkdir()
                ms, paths = timed(lambda: export(store, case_id, fmt, out))
                taken.append(ms)
                size = sum(p.stat().st_size for p in paths)
            print(f"{fmt.value + ' (' + case_id + ')':<58} {statistics.median(taken):>10.1f} {size:>10,}")

        principles, _ = load_principles(root)
        recording = store.load("demo").recordings[0]

        def busy(case) -> None:  # a 40 s film coded every frame-and-a-bit: 500 moments
            for n in range(500):
                moment = case.mark_moment(recording.id, n * recording.duration / 500)
                moment.principles, moment.turn = ["attentive", "receiving"], Turn.ADULT_RECEPTION
                moment.behaviours, moment.note = ["Waiting"], f"note {n} " * 20
        store.update("demo", busy)
        case = store.load("demo")
        ms_export, data = timed(lambda: recording_eaf(case, recording.id, principles, None))
        ms_read, eaf = timed(lambda: read_eaf(data))
        ms_plan, plan = timed(lambda: plan_import(case, recording.id, eaf, principles))
        print(f"{'ELAN export, 505 moments':<58} {ms_export:>10.1f} {len(data):>10,}")
        print(f"{'ELAN read (defusedxml + pympi), same file':<58} {ms_read:>10.1f}")
        print(f"{'ELAN import plan, same file':<58} {ms_plan:>10.1f}")
        print(f"  re-import of the exported file: {plan.summary()}")
        print("  (moments sharing a frame with another are merged into it: the demo's 5 share frames with the 500)")
        assert plan.new == 0, plan.summary()


if __name__ == "__main__":
    main()
