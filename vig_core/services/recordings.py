"""Bringing a film into a case, and taking it out again (the service layer).

Import = check consent, probe, make the browser-playable copy in a fresh
folder of the case, optionally keep the original (streamed copy), probe the
copy, then record it. If any step fails the folder is removed, so an unusable
file leaves neither files nor records behind. The source is read by ffmpeg
in a streaming fashion and never loaded whole into memory.

Each recording keeps a fingerprint of the file it came from (size and a hash
of its ends), so the same file is noticed again: while it is being imported
into a case a second import is refused, and afterwards the practitioner is
asked before a duplicate is made.

A film with sound imported in the background is then heard in a job of its own
(:mod:`.listening`), for the serve-and-return moments it suggests.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from vig_core.case.consent_rules import require_import
from vig_core.case.film import Recording, RecordingKind
from vig_core.case.record import Case
from vig_core.errors import ValidationError, VigError
from vig_core.media.ffmpeg import run_ffmpeg
from vig_core.media.plan import plan_import
from vig_core.media.probe import MediaError, probe
from vig_core.services.jobs import JOBS, Job, JobBusy
from vig_core.services.listening import start_listening
from vig_core.storage import vaulting
from vig_core.storage.files import Writing, new_private_file, plain_os_error
from vig_core.storage.media_source import is_media_file, open_plaintext
from vig_core.storage.store import CaseStore
from vig_core.storage.uploads import remove_partial
from vig_core.storage.vaulting import copy_into_media
from vig_core.text import MAX_TITLE_TEXT, displayable, new_id

log = logging.getLogger("vig_workbook.recordings")

KEEP_ORIGINALS = "keep_originals"  # installation setting: keep the imported file beside its copy
PLAYABLE_NAME = "film.mp4"
UPLOADS = "uploads"
VIDEO_SUFFIXES = {".mp4", ".mov", ".m4v", ".webm", ".mkv", ".avi", ".mts", ".m2ts", ".3gp", ".wmv", ".mpg", ".mpeg"}
COPY_CHUNK = 4 * 1024 * 1024
COPY_SHARE = 0.1  # of the progress bar, when the original is kept
FINGERPRINT_PART = 1024 * 1024  # read from each end of a file for its fingerprint

Progress = Callable[[float], None]


def default_cycle(case: Case) -> int:
    """The cycle a new film most likely belongs to: the current one, else the first."""
    current = case.current_cycle
    return current.number if current else case.cycles[0].number


def check_can_import(store: CaseStore, case_id: str, cycle: int,
                     kind: RecordingKind = RecordingKind.FAMILY) -> None:
    """Refuse before any work when the family has not consented to this kind of film (filming the
    family, or filming the shared review)."""
    case = store.load(case_id)
    case.cycle(cycle)
    require_import(case, kind)


def films_in_folder(folder: Path) -> list[Path]:
    """The video files directly inside ``folder``, by name (for importing from a folder)."""
    try:
        return sorted(p for p in Path(folder).iterdir() if p.is_file() and p.suffix.lower() in VIDEO_SUFFIXES)
    except OSError as error:
        raise ValidationError(f"The folder “{folder}” could not be read.") from error


def import_recording(store: CaseStore, case_id: str, cycle: int, source: Path, *, keep_original: bool = False,
                     on_progress: Progress | None = None, original_name: str | None = None,
                     kind: RecordingKind = RecordingKind.FAMILY, browser_plays_hevc: bool = False) -> Recording:
    """Import ``source`` into the case's ``cycle`` as a film of ``kind``; return the new recording
    (see module notes).

    ``original_name`` is the file's name as the practitioner knows it (an upload is kept under
    another); messages name only that. A phone's HEVC picture is kept as it is when
    ``browser_plays_hevc`` (see :func:`~vig_core.media.plan.plan_import`).
    """
    began = time.monotonic()
    source = Path(source)
    name = displayable(original_name or source.name)  # a file name not in UTF-8 can hold half characters
    report = on_progress or (lambda _fraction: None)
    kind = RecordingKind(kind)
    check_can_import(store, case_id, cycle, kind)
    if not is_media_file(source):
        raise MediaError(f"There is no file at “{source}”." if original_name is None else
                         f"“{name}” could not be found any more; choose it again.")
    info = probe(source, name)
    fingerprint = file_fingerprint(source, name)
    recording_id = new_id()
    # Noted before the folder exists: if the workbook dies before the record is saved, the next start
    # removes the folder (see recovery); once the record is saved, it keeps it.
    note = Writing(store.root, store.case_folder(case_id) / "recordings" / recording_id)
    try:
        folder = store.new_folder(case_id, "recordings", recording_id)
        plan = plan_import(info, source, folder / PLAYABLE_NAME, browser_plays_hevc=browser_plays_hevc)
        share = 1 - COPY_SHARE if keep_original else 1.0
        run_ffmpeg(plan.args, folder / PLAYABLE_NAME, info.duration, lambda f: report(f * share))
        original = None
        if keep_original:
            original = f"original{source.suffix.lower()}"
            _copy(source, folder / original, lambda f: report(share + f * COPY_SHARE))
        try:
            playable = probe(folder / PLAYABLE_NAME)
        except MediaError as error:
            raise MediaError(f"The playable copy of “{name}” could not be read back, so it was not imported; "
                             "please try again.") from error
        recording = Recording(
            id=recording_id,
            cycle=cycle,
            title=Path(name).stem[:MAX_TITLE_TEXT] or "Recording",
            original_name=name,
            imported_at=datetime.now().replace(microsecond=0),
            playable=f"recordings/{recording_id}/{PLAYABLE_NAME}",
            duration=playable.duration,
            fps=playable.fps,
            # as watched: a kept phone film is turned by its display matrix
            width=playable.height if playable.rotation in (90, 270) else playable.width,
            height=playable.width if playable.rotation in (90, 270) else playable.height,
            has_audio=playable.audio_codec is not None,
            how=plan.reason,
            original=f"recordings/{recording_id}/{original}" if original else None,
            filmed_on=info.filmed_on,
            fingerprint=fingerprint,
            kind=kind,
            video_codec=plan.video_codec,
            import_seconds=round(time.monotonic() - began, 1),
        )
        store.update(case_id, lambda case: (case.add_recording(recording), case.enter_cycles()))
    except BaseException:
        store.remove_folder(case_id, "recordings", recording_id)
        raise
    finally:
        note.close()
    report(1.0)
    return recording


def fingerprint_of(data: BinaryIO, size: int) -> str:
    """A short fingerprint of a file's content: its size and a hash of its first and last MiB.

    Quick for a film of any size, and the same for the same file however it
    arrives (uploaded or read where it is), so a second import can be noticed.
    """
    digest = hashlib.sha256(str(size).encode())
    data.seek(0)
    digest.update(data.read(FINGERPRINT_PART))
    if size > FINGERPRINT_PART:
        data.seek(max(FINGERPRINT_PART, size - FINGERPRINT_PART))
        digest.update(data.read(FINGERPRINT_PART))
    data.seek(0)
    return f"{size}-{digest.hexdigest()[:32]}"


def file_fingerprint(path: Path, name: str | None = None) -> str:
    """:func:`fingerprint_of` the file at ``path`` (named ``name`` in a message)."""
    try:  # of the plaintext: the same film has the same fingerprint in a vault and out of one
        with open_plaintext(path, name=f"“{name or Path(path).name}”") as data:
            return fingerprint_of(data, data.seek(0, os.SEEK_END))
    except OSError as error:
        raise MediaError(f"The file “{name or Path(path).name}” could not be read.") from error


def imported_before(case: Case, fingerprint: str) -> Recording | None:
    """The case's recording imported from the same file, if any (the latest)."""
    same = [r for r in case.recordings if r.fingerprint and r.fingerprint == fingerprint]
    return max(same, key=lambda r: r.imported_at, default=None)


def import_key(case_id: str, fingerprint: str) -> str:
    """What an import job works on: this file into this case (see :meth:`Jobs.start`)."""
    return f"import {case_id} {fingerprint}"


def _busy(name: str) -> ValidationError:
    return ValidationError(f"“{name}” is being imported into this case already; "
                           "it appears in the list when it is done.")


def refuse_while_importing(case_id: str, fingerprint: str, name: str) -> None:
    """Refuse, before any work, a second import of a file that is being imported into the case."""
    if JOBS.running(import_key(case_id, fingerprint)):
        raise _busy(name)


def already_imported(case: Case, fingerprint: str, name: str) -> str | None:
    """The question to ask when the case has this file already (same size and content), else ``None``."""
    before = imported_before(case, fingerprint)
    if before is None:
        return None
    return (f"“{name}” was already imported on {before.imported_at:%d %b %Y} as “{before.title}” "
            f"(cycle {before.cycle}). Import it again anyway?")


def start_import(store: CaseStore, case_id: str, cycle: int, source: Path, *, name: str, fingerprint: str,
                 owner: str, keep_original: bool = False, uploaded: bool = False,
                 kind: RecordingKind = RecordingKind.FAMILY, browser_plays_hevc: bool = False) -> Job:
    """Import in the background (a long film must not freeze the app); refuse while the same file
    is being imported into this case. An ``uploaded`` source is discarded afterwards, or at once if refused.
    A film of the family with sound is then listened to; a shared review's is not (its voices are two
    adults', not a child's and an adult's)."""

    def work(report: Progress) -> Recording:
        try:
            recording = import_recording(store, case_id, cycle, source, keep_original=keep_original,
                                         on_progress=report, original_name=name, kind=kind,
                                         browser_plays_hevc=browser_plays_hevc)
        finally:
            if uploaded:
                discard_upload(source)
        if recording.has_audio and recording.kind is RecordingKind.FAMILY:
            listen_after_import(store, case_id, recording.id)
        return recording

    try:
        return JOBS.start(owner, f"Importing “{name}” into cycle {cycle}", work, key=import_key(case_id, fingerprint))
    except JobBusy:
        if uploaded:
            discard_upload(source)
        raise _busy(name) from None


def import_summary(recording: Recording) -> str:
    """What an ended import did, to follow its label: copied, kept as HEVC or converted (and why), and how long."""
    took = f" in {_seconds_words(recording.import_seconds)}" if recording.import_seconds else ""
    return f"done{took} ({recording.how})"


def _seconds_words(seconds: float) -> str:
    if seconds < 60:
        return f"{max(1, round(seconds))} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s"


def listen_after_import(store: CaseStore, case_id: str, recording_id: str) -> None:
    """Start hearing a newly imported film for its suggestions (a job of its own, so the import
    is done at once); a failure to start is the listening's, never the import's."""
    try:
        start_listening(store, case_id, recording_id)
    except VigError as error:
        log.warning("listening to a new film could not start: %s", error)


def _copy(source: Path, target: Path, report: Progress) -> None:
    """Stream ``source`` to ``target`` in chunks (multi-GB films never sit in memory); encrypted in a vault."""
    try:
        with open_plaintext(source) as reader:
            total = max(1, reader.seek(0, os.SEEK_END))
            reader.seek(0)
            if vaulting.key_for(target) is not None:
                copy_into_media(reader, target, "keeping the original film", piece=COPY_CHUNK,
                                on_piece=lambda done: report(done / total))
                return
            done = 0
            with new_private_file(target) as writer:
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

    The caller imports it and then calls :func:`discard_upload`. Until then it is noted
    as work under way (:class:`~vig_core.storage.files.Writing`): if the workbook dies first, the
    next start removes it.
    """
    suffix = Path(name).suffix.lower()
    if suffix not in VIDEO_SUFFIXES:
        raise ValidationError(
            f"“{name}” does not look like a film (its type is “{suffix or 'none'}”). "
            "Choose a video file such as .mp4, .mov, .webm or .avi."
        )
    folder = store.new_folder(case_id, UPLOADS)
    target = folder / f"{new_id()}{suffix}"
    note = Writing(store.root, target)
    try:
        if vaulting.key_for(target) is not None:  # a vault: never on the disk plain
            copy_into_media(data, target, "receiving the upload", piece=COPY_CHUNK)
        else:
            with new_private_file(target) as writer:
                shutil.copyfileobj(data, writer, COPY_CHUNK)
    except BaseException as error:
        target.unlink(missing_ok=True)
        note.close()
        if isinstance(error, OSError):
            raise plain_os_error(error, "receiving the upload") from error
        raise
    with _uploads_lock:
        _uploads[target] = note
    return target


_uploads: dict[Path, Writing] = {}  # uploads received and not yet discarded, with their notes
_uploads_lock = threading.Lock()


def hold_upload(path: Path, note: Writing) -> None:
    """Take over a file received elsewhere (a film sent in pieces, see :mod:`.uploads`) with its note,
    as :func:`receive_upload` does: :func:`discard_upload` removes both."""
    with _uploads_lock:
        _uploads[Path(path)] = note


def discard_upload(path: Path) -> None:
    remove_partial(Path(path))
    with _uploads_lock:
        note = _uploads.pop(Path(path), None)
    if note is not None:
        note.close()


def remove_recording(store: CaseStore, case_id: str, recording_id: str) -> Recording:
    """Forget a recording with its moments and clips, and delete its files."""
    removed: list[Recording] = []
    store.update(case_id, lambda case: removed.append(case.remove_recording(recording_id)))
    store.remove_folder(case_id, "recordings", recording_id)
    return removed[0]
