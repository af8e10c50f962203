"""The vault wired in (issue 23): the same work on a plain data folder and on a vault, side by side.

Two throwaway data folders are made, one plain and one a vault (``services.vault.create_vault``),
each with the same case, and the same work is done in both, alternating which goes first
(ABBA…) so neither always meets the warmer cache:

1. **A store write**: ``CaseStore.update`` of a case holding 200 moments and 40 clips (a busy
   case: the record is about 100 kB), the median of many; target: the vault within 1.2×.
2. **Import** of a 1080p H.264/AAC film (``--minutes`` long; the workbook remuxes it) and of a
   one-minute 1080p HEVC phone film (converted to H.264): target within 1.15× (on a vault ffmpeg
   writes into memory-backed storage and the film is then encrypted in 64 KiB chunks into the
   data folder, fsynced).
3. **Clip export**: three 20-second clips, six stills and the review film with title cards
   (``export_cycle``), reading the encrypted film through the loopback route; target within 1.15×.

    .venv/bin/python bench/vault_workflow.py [--minutes 3] [--quick]
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

from media_speed import CYCLE, QUICK, add_clips, full, make_film, new_store, say  # noqa: E402
from report import Row, median, table  # noqa: E402

from vig_core.services import vault  # noqa: E402
from vig_core.services.clips import export_cycle  # noqa: E402
from vig_core.services.recordings import import_recording, remove_recording  # noqa: E402

WRITE_TARGET, MEDIA_TARGET = 1.2, 1.15
PASSPHRASE = "a bench passphrase, long enough"
SIDES = ("plain", "vault")


def busy(case) -> None:
    """200 moments and 40 clips on the case's first recording (a record of about 100 kB)."""
    recording = case.recordings[0]
    for n in range(200):
        moment = case.mark_moment(recording.id, round(0.2 + n * (recording.duration - 1) / 200, 2))
        moment.note = f"what the child did at moment {n}, and how the parent answered " * 2
    for n in range(40):
        start = n * (recording.duration - 2) / 40
        case.add_clip(recording.id, start, start + 1.0, title=f"clip {n}")


def order(run: int) -> tuple[str, str]:
    return SIDES if run % 2 == 0 else SIDES[::-1]


def ratio_rows(what: str, times: dict[str, list[float]], target: float, unit: str = "s") -> list[Row]:
    plain, vaulted = median(times["plain"]), median(times["vault"])
    scale = 1000 if unit == "ms" else 1
    how = f"median of {len(times['plain'])}"
    return [Row(f"{what}: plain folder", f"{plain * scale:.2f} {unit} ({how})"),
            Row(f"{what}: vault", f"{vaulted * scale:.2f} {unit} ({how})"),
            Row(f"{what}: vault / plain", f"{vaulted / plain:.2f}", f"≤ {target}", vaulted / plain <= target)]


def measure(quick: bool = False, minutes: float = 3) -> list[Row]:
    scale = QUICK if quick else full(minutes)
    runs = 3 if quick else 5
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="vig-vault-workflow-") as folder:
        work = Path(folder)
        stores = {side: new_store(work / side) for side in SIDES}
        start = time.perf_counter()
        vault.create_vault(work / "vault", PASSPHRASE)
        rows.append(Row("Making the vault (Argon2id, a new case)", f"{time.perf_counter() - start:.2f} s"))
        say("making the film")
        film = make_film(work, "film.mp4", hevc=False, scale=scale)

        say("importing")
        imports: dict[str, list[float]] = {side: [] for side in SIDES}
        kept: dict[str, str] = {}
        for run in range(runs):
            for side in order(run):
                store, case_id = stores[side]
                began = time.perf_counter()
                recording = import_recording(store, case_id, CYCLE, film)
                imports[side].append(time.perf_counter() - began)
                if run == runs - 1:
                    kept[side] = recording.id
                else:
                    remove_recording(store, case_id, recording.id)
        rows += ratio_rows(f"Import of a {scale.film_seconds:g}-second {scale.height}p H.264 film "
                           f"({film.stat().st_size / 1e6:,.0f} MB, remux)", imports, MEDIA_TARGET)

        say("importing an HEVC film (transcoded)")
        hevc = make_film(work, "phone.mov", hevc=True, scale=full(1) if not quick else QUICK)
        converts: dict[str, list[float]] = {side: [] for side in SIDES}
        for run in range(1 if quick else 2):
            for side in order(run):
                store, case_id = stores[side]
                began = time.perf_counter()
                recording = import_recording(store, case_id, CYCLE, hevc)
                converts[side].append(time.perf_counter() - began)
                remove_recording(store, case_id, recording.id)
        rows += ratio_rows(f"Import of a {60 if not quick else scale.film_seconds:g}-second HEVC phone film "
                           f"({hevc.stat().st_size / 1e6:,.0f} MB, converted to H.264)", converts, MEDIA_TARGET)
        hevc.unlink()

        say("store writes")
        writes: dict[str, list[float]] = {side: [] for side in SIDES}
        for side in SIDES:
            store, case_id = stores[side]
            store.update(case_id, busy)
        for run in range(100 if quick else 400):
            for side in order(run):
                store, case_id = stores[side]
                began = time.perf_counter()
                store.update(case_id, lambda case, n=run: setattr(case.moments[0], "note", f"a change, number {n}"))
                writes[side].append(time.perf_counter() - began)
        size = (work / "plain" / "cases").glob("*/case.json")
        rows += ratio_rows(f"A store write of a busy case ({next(size).stat().st_size / 1e3:,.0f} kB record)",
                           writes, WRITE_TARGET, unit="ms")

        say("exporting clips")
        for side in SIDES:
            store, case_id = stores[side]
            add_clips(store, case_id, kept[side], scale)
        exports: dict[str, list[float]] = {side: [] for side in SIDES}
        for run in range(2 if quick else 4):
            for side in order(run):
                store, case_id = stores[side]
                began = time.perf_counter()
                export_cycle(store, case_id, CYCLE)
                exports[side].append(time.perf_counter() - began)
        rows += ratio_rows(f"Clip export (3 × {scale.clip_seconds:g} s clips, 6 stills, review film)",
                           exports, MEDIA_TARGET)
        vault.lock(work / "vault")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a 20-second 320x240 film: a smoke run")
    parser.add_argument("--minutes", type=float, default=3, help="length of the film (default 3)")
    args = parser.parse_args()
    print(table(measure(args.quick, minutes=args.minutes)))


if __name__ == "__main__":
    main()
