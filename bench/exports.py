"""Figures for the exports: each format of DEMO-2 (the case at its ending: 3 cycles' words,
questionnaires, goal ratings) and DEMO-1's supervision pack, plus ELAN at a busy film's scale
(500 moments), written into a throwaway folder; then bringing back ELAN files of 70,000
annotations (13-15 MB: about what the 20 MB limit lets in), as the Exports page's background
job does it (read and plan, median of 3) and as its confirmation does (merge into the case and
save it, once).

    .venv/bin/python bench/exports.py
"""

from __future__ import annotations

import functools
import statistics
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from vig_core.case.film import Turn
from vig_core.errors import ValidationError
from vig_core.exports.elan import recording_eaf
from vig_core.exports.elan_import import apply_import, plan_import, read_and_plan, read_eaf
from vig_core.exports.save import Format, export
from vig_core.services.demo import ensure_demo_cases
from vig_core.storage.store import CaseStore
from vig_core.vocab.principles import load_principles

RUNS = 5
ELAN_ANNOTATIONS = 70_000


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
                ms, paths = timed(functools.partial(export, store, case_id, fmt, out))
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
        for row in elan_at_scale(store, "demo"):
            print(row)


def elan_document(annotations: list[tuple[str, int, str]]) -> bytes:
    """A compact .eaf of (tier, start ms, text) annotations 500 ms long; annotations starting together share
    their time slots, as a file under the 20 MB limit must to hold 70,000."""
    slots: dict[int, str] = {}
    tiers: dict[str, list[str]] = {}
    for n, (tier, start, text) in enumerate(annotations):
        slots.setdefault(start, f'<TIME_SLOT TIME_SLOT_ID="s{start}" TIME_VALUE="{start}"/>'
                                f'<TIME_SLOT TIME_SLOT_ID="e{start}" TIME_VALUE="{start + 500}"/>')
        tiers.setdefault(tier, []).append(
            f'<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a{n}" TIME_SLOT_REF1="s{start}" '
            f'TIME_SLOT_REF2="e{start}"><ANNOTATION_VALUE>{escape(text)}</ANNOTATION_VALUE>'
            "</ALIGNABLE_ANNOTATION></ANNOTATION>")
    body = "".join(f"<TIER TIER_ID={quoteattr(tier)} LINGUISTIC_TYPE_REF=\"lt\">{''.join(items)}</TIER>"
                   for tier, items in tiers.items())
    return ('<?xml version="1.0" encoding="UTF-8"?><ANNOTATION_DOCUMENT AUTHOR="" DATE="2026-01-01T00:00:00+00:00" '
            'FORMAT="3.0" VERSION="3.0"><HEADER MEDIA_FILE="" TIME_UNITS="milliseconds"/>'
            f'<TIME_ORDER>{"".join(slots.values())}</TIME_ORDER>{body}'
            '<LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="lt" TIME_ALIGNABLE="true" GRAPHIC_REFERENCES="false"/>'
            "</ANNOTATION_DOCUMENT>").encode()


CODED = (("Being attentive", "Turning towards; looks at him {n}"), ("Turn", "child: initiative"),
         ("Notes", "She holds up the brick and he smiles back, number {n}"), ("Working point", "working point"))


def elan_at_scale(store: CaseStore, case_id: str, count: int = ELAN_ANNOTATIONS) -> list[str]:
    """Rows for ELAN files of ``count`` annotations brought back into the case's first film, taken as 20
    minutes long (the import never opens the film): spread over 2,000 frames (the most moments one file may
    make), all on one frame with the same texts (one moment), and all on one frame with a note each
    (refused: the note would pass its limit)."""
    principles, _ = load_principles(store.root)
    store.update(case_id, twenty_minutes_uncoded)
    recording, frames = store.load(case_id).recordings[0], 2_000
    shapes = {
        f"{frames:,} frames": [(CODED[n % 4][0], round((n // 4 % frames) * 1000 / recording.fps),
                                CODED[n % 4][1].format(n=n)) for n in range(count)],
        "1 frame, 4 texts": [(CODED[n % 4][0], 4000, CODED[n % 4][1].format(n=0)) for n in range(count)],
        "1 frame, a note each": [("Notes", 4000, f"note {n}") for n in range(count)],
    }
    rows = []
    for shape, coded in shapes.items():
        data = elan_document(coded)
        case, taken = store.load(case_id), []
        for _run in range(3):
            start = time.perf_counter()
            try:
                plan = read_and_plan(case, recording.id, data, principles)
                said = plan.summary()
            except ValidationError as error:
                plan, said = None, f"refused: {error}"
            taken.append((time.perf_counter() - start) * 1000)
        label = f"ELAN {count:,} on {shape}: read and plan (job)"
        rows.append(f"{label:<58} {statistics.median(taken):>10.1f} {len(data):>10,}")
        rows.append(f"  {said}")
        if plan:
            ms_apply, _ = timed(functools.partial(store.update, case_id, functools.partial(apply_import, plan=plan)))
            rows.append(f"{'  then added to the case and saved (confirmation)':<58} {ms_apply:>10.1f}")
        store.update(case_id, twenty_minutes_uncoded)
    return rows


def twenty_minutes_uncoded(case) -> None:
    case.moments = []
    case.recordings[0].duration = 1200.0


if __name__ == "__main__":
    main()
