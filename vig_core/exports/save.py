"""Writing a case's exports into a folder: one entry point for the command line and the Exports page.

Each format module makes its files' contents (pure); this module picks the
file names (case code, what it is, date: ``DEMO-1-moments-2026-11-29.csv``),
checks the folder, writes every file whole (a full disk leaves no half file,
and the files of one export already written are taken back), notes the export
in the case's activity log and returns the paths.

By default every export is made from a copy of the case with the family's names
replaced by the case code (:mod:`.names`); ``keep_names`` is for exports that
stay with the practitioner or go to the family. The supervision pack always
replaces them and needs the supervisor consent.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import StrEnum
from pathlib import Path

from vig_core.case.activity import EXPORTED
from vig_core.case.record import Case
from vig_core.errors import ValidationError
from vig_core.exports.elan import recording_eaf
from vig_core.exports.names import names_in, pseudonymised
from vig_core.exports.numbering import clip_stems
from vig_core.exports.spreadsheet import csv_files, xlsx_bytes
from vig_core.exports.supervision import write_supervision_pack
from vig_core.exports.tables import columns_text, table_frames
from vig_core.exports.webvtt import CAPTION_LABELS, CaptionSource, clip_webvtt
from vig_core.storage.files import atomic_file
from vig_core.storage.locked_pack import locked_name
from vig_core.storage.paths import case_file_name, check_new_files
from vig_core.storage.store import CaseStore
from vig_core.vocab.instruments import load_instruments
from vig_core.vocab.principles import load_principles


class Format(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    EAF = "eaf"
    VTT = "vtt"
    SUPERVISION = "supervision"


FORMAT_LABELS = {
    Format.CSV: "Tables as CSV files (one per table)",
    Format.XLSX: "Tables as one Excel workbook",
    Format.EAF: "ELAN files (.eaf), one per recording",
    Format.VTT: "Captions (WebVTT), one per clip",
    Format.SUPERVISION: "Supervision pack (zip)",
}


def export(store: CaseStore, case_id: str, fmt: Format | str, folder: Path, *, keep_names: bool = False,
           captions: CaptionSource | str = CaptionSource.NAMING, clip_ids: list[str] | None = None,
           on_progress: Callable[[float], None] | None = None, today: date | None = None,
           agreement_tolerance: float | None = None, password: str | None = None) -> list[Path]:
    """Write the export ``fmt`` of ``case_id`` into ``folder``; return the files written (see module notes).
    Each file is named by :func:`~vig_core.storage.paths.case_file_name`: case code, what it is, ``today``'s date.
    ``password`` (the supervision pack only) encrypts the pack for the supervisor."""
    if password is not None and Format(fmt) is not Format.SUPERVISION:
        raise ValidationError("Only the supervision pack can be encrypted with a password.")
    fmt = Format(fmt)
    folder = Path(folder).expanduser()
    case = store.load(case_id)
    today = today or date.today()
    if fmt is Format.SUPERVISION:
        name = case_file_name(case, "supervision-pack", today, "zip")
        out = folder / (name if password is None else locked_name(name))
        write_supervision_pack(store, case_id, out, clip_ids=clip_ids, on_progress=on_progress,
                               agreement_tolerance=agreement_tolerance, password=password)
        return [out]
    if not keep_names and names_in(case, case.code):
        raise ValidationError(f"The case code “{case.code}” holds the family's name, so replacing the names would "
                              "not hide them; change the case code first, or choose to keep the names.")
    shown = case if keep_names else pseudonymised(case)
    files, what = _contents(store, shown, fmt, CaptionSource(captions))
    paths = [folder / case_file_name(case, stem, today, suffix) for stem, suffix in (n.rsplit(".", 1) for n in files)]
    check_new_files(paths, store.root)
    _write_all(dict(zip(paths, files.values())), store.root)
    store.note_activity(case_id, EXPORTED, f"{what} ({len(paths)} file{'s' * (len(paths) != 1)}"
                                           f"{', with names' if keep_names else ''})")
    if on_progress:
        on_progress(1.0)
    return paths


def _contents(store: CaseStore, case: Case, fmt: Format, captions: CaptionSource) -> tuple[dict[str, bytes], str]:
    """``({file name after the prefix: bytes}, what it is in words)``; refuses an export with nothing in it."""
    principles, _ = load_principles(store.root)
    if fmt in (Format.CSV, Format.XLSX):
        frames = table_frames(case, principles, load_instruments(store.root)[0])
        if fmt is Format.CSV:
            readme = f"The tables of case {case.code}. What each column means:\n\n{columns_text()}\n"
            return {**csv_files(frames), "columns.txt": readme.encode("utf-8")}, "the tables as CSV"
        return {"tables.xlsx": xlsx_bytes(frames)[0]}, "the tables as an Excel workbook"
    if fmt is Format.EAF:
        if not case.recordings:
            raise ValidationError("The case has no recordings yet, so there is no ELAN file to make.")
        return ({f"{_recording_name(case, r.id)}.eaf": recording_eaf(
                    case, r.id, principles, store.media_path(case.id, r.playable)) for r in case.recordings},
                "the micro-analysis as ELAN files")
    if not case.clips:
        raise ValidationError("The case has no clips yet, so there are no captions to make.")
    stems = clip_stems(case)
    return ({f"{stems[c.id]}.vtt": clip_webvtt(case, c, captions).encode("utf-8") for c in case.clips},
            f"captions from {CAPTION_LABELS[captions]}")


def _recording_name(case: Case, recording_id: str) -> str:
    recording = case.recording(recording_id)
    number = [r.id for r in case.recordings_in(recording.cycle)].index(recording_id) + 1
    return f"cycle-{recording.cycle}-recording-{number}"


def _write_all(files: dict[Path, bytes], root: Path) -> None:
    """Write each file whole; if one fails, take back those already written, so an export is all or nothing."""
    written: list[Path] = []
    try:
        for path, data in files.items():
            # A disk error becomes a plain StoreError; a crash leaves no temp file the next start cannot find.
            with atomic_file(path, "saving the export", note_in=root) as handle:
                handle.write(data)
            written.append(path)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
