"""Importing a phone's HEVC film: kept as it is for a browser that plays HEVC, converted for one
that does not (issue 21).

A 10-minute 1080p HEVC/AAC ``.mov`` turned 90°, as a phone films, is made with the bundled
ffmpeg (ultrafast x265, one 30-second piece looped: see ``media_speed.make_film``) and cached
under /tmp between runs. It is imported with the workbook's own ``import_recording`` told the
browser plays HEVC (``copy-hevc``: the picture copied into an hvc1 MP4) and told it does not
(``transcode`` to H.264), each against the exact ffmpeg command the workbook plans, run bare,
in turn (ABBA for the copies; once each way for the conversion).

    .venv/bin/python bench/hevc_import.py            # about 12 min on 2 cores (the conversion is ~2× real time)
    .venv/bin/python bench/hevc_import.py --quick    # smoke run, seconds; not figures to report
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from media_speed import QUICK, RATIO_TARGET, Scale, full, make_film, new_store, run_bare, say  # noqa: E402
from report import Row, median, table  # noqa: E402

from vig_core.media.plan import plan_import  # noqa: E402
from vig_core.media.probe import probe  # noqa: E402
from vig_core.services.recordings import import_recording, remove_recording  # noqa: E402

KEPT_TARGET = 100.0  # a kept HEVC film is ready at 100× real time or faster
CACHE = Path(tempfile.gettempdir()) / "vig-bench-hevc"


def phone_film(scale: Scale, quick: bool) -> Path:
    """The HEVC phone film at ``scale``, made once and kept under /tmp (the quick one is remade each run)."""
    name = f"phone-{scale.film_seconds:g}s-{scale.height}p.mov"
    film = CACHE / name
    if quick or not film.is_file():
        CACHE.mkdir(mode=0o700, exist_ok=True)
        say(f"making {name} (cached in {CACHE})")
        made = make_film(CACHE, f"making-{name}", hevc=True, scale=scale)
        made.replace(film)
    return film


def time_kind(store, case_id: str, source: Path, work: Path, runs: int, *, keeps: bool) -> tuple[str, list, list]:
    """Seconds the workbook and bare ffmpeg take, ``runs`` times each in ABBA order; the plan's mode."""
    bare_target = work / "bare.mp4"
    plan = plan_import(probe(source), source, bare_target, browser_plays_hevc=keeps)
    workbook, bare = [], []
    for run in range(runs):
        for side in (("bare", "workbook") if run % 2 == 0 else ("workbook", "bare")):
            if side == "bare":
                bare.append(run_bare(plan.args))
                bare_target.unlink()
                continue
            start = time.perf_counter()
            recording = import_recording(store, case_id, 1, source, browser_plays_hevc=keeps)
            workbook.append(time.perf_counter() - start)
            if recording.video_codec != ("hevc" if keeps else "h264"):
                raise RuntimeError(f"expected {'a kept' if keeps else 'a converted'} film, got {recording.how}")
            remove_recording(store, case_id, recording.id)
    return plan.mode, workbook, bare


def rows_of(mode: str, workbook: list[float], bare: list[float], film_seconds: float, label: str) -> list[Row]:
    how = f"median of {len(workbook)}" if len(workbook) > 1 else "once"
    mine, theirs = median(workbook), median(bare)
    ratio, speed = mine / theirs, film_seconds / mine
    what = f"HEVC import ({mode}) of {label}"
    rows = [Row(f"{what}: workbook", f"{mine:.2f} s ({how})"),
            Row(f"{what}: bare ffmpeg, same command", f"{theirs:.2f} s ({how})"),
            Row(f"{what}: workbook / bare", f"{ratio:.2f}",
                *((f"≤ {RATIO_TARGET}", ratio <= RATIO_TARGET) if mode == "transcode" else ("", None)))]
    target = (f"≥ {KEPT_TARGET:.0f}× real time", speed >= KEPT_TARGET) if mode == "copy-hevc" else ("", None)
    return [*rows, Row(f"{what}: speed", f"{speed:.0f}× real time", *target)]


def measure(quick: bool = False, minutes: float = 10) -> list[Row]:
    scale = QUICK if quick else full(minutes)
    source = phone_film(scale, quick)
    minutes_text = f"{scale.film_seconds / 60:g}-min" if scale.film_seconds >= 60 else f"{scale.film_seconds:g}-s"
    label = f"a {minutes_text} {scale.height}p HEVC/AAC .mov turned 90° ({source.stat().st_size / 1e6:,.0f} MB)"
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="vig-hevc-import-") as folder:
        work = Path(folder)
        store, case_id = new_store(work / "data")
        say("importing it kept as HEVC")
        rows += rows_of(*time_kind(store, case_id, source, work, scale.remux_runs, keeps=True),
                        scale.film_seconds, label)
        say("importing it converted to H.264")
        rows += rows_of(*time_kind(store, case_id, source, work, 1, keeps=False), scale.film_seconds, label)
    if quick:
        source.unlink()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a 20-second 320x240 film: a smoke run")
    parser.add_argument("--minutes", type=float, default=10, help="length of the film in the full run (default 10)")
    args = parser.parse_args()
    print(table(measure(args.quick, minutes=args.minutes)))


if __name__ == "__main__":
    main()
