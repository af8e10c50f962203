"""Bringing a film into a case, and taking it out again (the service layer).

Import = check consent, probe, make the browser-playable copy in a fresh
folder of the case, optionally keep the original (streamed copy), probe the
copy, then record it. If any step fails the folder is removed, so an unusable
file leaves neither files nor records behind. The source is read by ffmpeg
in a streaming fashion and never loaded whole into memory.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from .consent_rules import Use, require
from .errors import ValidationError
from .film import Recording
from .media.ffmpeg import run_ffmpeg
from .media.plan import plan_import
from .media.probe import MediaError, probe
from .models import Case
from .store import CaseStore, plain_os_error
from .text import MAX_TITLE_TEXT, new_id

KEEP_ORIGINALS = "keep_originals"  # installation setting: keep the imported file beside its copy
PLAYABLE_NAME = "film.mp4"
UPLOADS = "uploads"
VIDEO_SUFFIXES = {".mp4", ".mov", ".m4v", ".webm", ".mkv", ".avi", ".mts", ".m2ts", ".3gp", ".wmv", ".mpg", ".mpeg"}
COPY_CHUNK = 4 * 1024 * 1024
COPY_SHARE = 0.1  # of the progress bar, when the original is kept

Progress = Callable[[float], None]


def default_cycle(case: Case) -> int:
    """The cycle a new film most likely belongs to: the current one, else the first."""
    current = case.current_cycle
    return current.number if current else case.cycles[0].number


def check_can_import(store: CaseStore, case_id: str, cycle: int) -> None:
    """Refuse before any work when the family has not consented to filming."""
    case = store.load(case_id)
    case.cycle(cycle)
    require(case, Use.FILMING)


def films_in_folder(folder: Path) -> list[Path]:
    """The video files directly inside ``folder``, by name (for importing from a folder)."""
    try:
        return sorted(p for p in Path(folder).iterdir() if p.is_file() and p.suffix.lower() in VIDEO_SUFFIXES)
    except OSError as error:
        raise ValidationError(f"The folder “{folder}” could not be read.") from error


def import_recording(store: CaseStore, case_id: str, cycle: int, source: Path, *, keep_original: bool = False,
                     on_progress: Progress | None = None, original_name: str | None = None) -> Recording:
    """Import ``source`` into the case's ``cycle``; return the new recording (see module notes)."""
    source = Path(source)
    report = on_progress or (lambda _fraction: None)
    check_can_import(store, case_id, cycle)
    if not source.is_file():
        raise MediaError(f"There is no file at “{source}”.")
    info = probe(source)
    recording_id = new_id()
    folder = store.new_folder(case_id, "recordings", recording_id)
    try:
        plan = plan_import(info, source, folder / PLAYABLE_NAME)
        share = 1 - COPY_SHARE if keep_original else 1.0
        run_ffmpeg(plan.args, folder / PLAYABLE_NAME, info.duration, lambda f: report(f * share))
        original = None
        if keep_original:
            original = f"original{source.suffix.lower()}"
            _copy(source, folder / original, lambda f: report(share + f * COPY_SHARE))
        playable = probe(folder / PLAYABLE_NAME)
        recording = Recording(
            id=recording_id,
            cycle=cycle,
            title=Path(original_name or source.name).stem[:MAX_TITLE_TEXT] or "Recording",
            original_name=original_name or source.name,
            imported_at=datetime.now().replace(microsecond=0),
            playable=f"recordings/{recording_id}/{PLAYABLE_NAME}",
            duration=playable.duration,
            fps=playable.fps,
            width=playable.width,
            height=playable.height,
            has_audio=playable.audio_codec is not None,
            how=plan.reason,
            original=f"recordings/{recording_id}/{original}" if original else None,
        )
        store.update(case_id, lambda case: (case.add_recording(recording), case.enter_cycles()))
    except BaseException:
        store.remove_folder(case_id, "recordings", recording_id)
        raise
    report(1.0)
    return recording


def _copy(source: Path, target: Path, report: Progress) -> None:
    """Stream ``source`` to ``target`` in chunks (multi-GB films never sit in memory)."""
    total = max(1, source.stat().st_size)
    done = 0
    try:
        with open(source, "rb") as reader, open(target, "xb") as writer:
            os.chmod(target, 0o600)
            while chunk := reader.read(COPY_CHUNK):
                writer.write(chunk)
                done += len(chunk)
                report(done / total)
            writer.flush()
            os.fsync(writer.fileno())
    except OSError as error:
        target.unlink(missing_ok=True)
        raise plain_os_error(error, "keeping the original film") from error


def receive_upload(store: CaseStore, case_id: str, name: str, data: BinaryIO) -> Path:
    """Write an uploaded file into the case's private uploads folder; return its path.

    The caller imports it and then calls :func:`discard_upload`.
    """
    suffix = Path(name).suffix.lower()
    if suffix not in VIDEO_SUFFIXES:
        raise ValidationError(
            f"“{name}” does not look like a film (its type is “{suffix or 'none'}”). "
            "Choose a video file such as .mp4, .mov, .webm or .avi."
        )
    folder = store.new_folder(case_id, UPLOADS)
    target = folder / f"{new_id()}{suffix}"
    try:
        with open(target, "xb") as writer:
            os.chmod(target, 0o600)
            shutil.copyfileobj(data, writer, COPY_CHUNK)
    except OSError as error:
        target.unlink(missing_ok=True)
        raise plain_os_error(error, "receiving the upload") from error
    return target


def discard_upload(path: Path) -> None:
    Path(path).unlink(missing_ok=True)


def remove_recording(store: CaseStore, case_id: str, recording_id: str) -> Recording:
    """Forget a recording with its moments and clips, and delete its files."""
    removed: list[Recording] = []
    store.update(case_id, lambda case: removed.append(case.remove_recording(recording_id)))
    store.remove_folder(case_id, "recordings", recording_id)
    return removed[0]
